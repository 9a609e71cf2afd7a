"""Small builders for hand-made road models in tests."""

from __future__ import annotations

import numpy as np

from gauntlet.maps import (
    CubicRecord,
    Geometry,
    LaneDef,
    LaneSection,
    PlanView,
    Road,
    RoadNetwork,
)


def lane_def(lane_id: int, width: float | CubicRecord = 3.5, lane_type: str = "driving") -> LaneDef:
    """A lane with one width record."""
    record = width if isinstance(width, CubicRecord) else CubicRecord(0.0, width)
    return LaneDef(lane_id, lane_type, widths=(record,))


def single_road(
    geometries: list[Geometry],
    left: list[LaneDef] | None = None,
    right: list[LaneDef] | None = None,
    lane_offsets: tuple[CubicRecord, ...] = (),
    rule: str = "RHT",
) -> RoadNetwork:
    """A network of one road ``"r"`` with one lane section."""
    plan = PlanView(tuple(geometries))
    left = [lane_def(1)] if left is None else left
    right = [lane_def(-1)] if right is None else right
    road = Road(
        id="r",
        length=plan.length,
        plan_view=plan,
        lane_sections=(LaneSection(0.0, left=tuple(left), right=tuple(right)),),
        lane_offsets=lane_offsets,
        rule=rule,
    )
    return RoadNetwork([road])


def angle_difference(a: np.ndarray | float, b: np.ndarray | float) -> np.ndarray:
    """|a - b| wrapped to [0, pi]."""
    return np.abs((np.asarray(a) - np.asarray(b) + np.pi) % (2 * np.pi) - np.pi)
