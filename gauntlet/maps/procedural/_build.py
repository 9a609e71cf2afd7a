"""Building blocks of the procedural maps: poses, reference-line chains, lanes, roads."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from gauntlet.maps.geometry import Arc, Geometry, Line, PlanView, Spiral
from gauntlet.maps.model import (
    LaneDef,
    LaneSection,
    RoadLink,
    RoadMark,
    RoadType,
    Signal,
)
from gauntlet.maps.polynomial import CubicRecord
from gauntlet.maps.road import Road

MARK_WIDTH_M = 0.12


@dataclass(frozen=True)
class Pose:
    """A point and heading in the world frame."""

    x: float
    y: float
    hdg: float

    def rotated(self, angle: float) -> Pose:
        """This pose rotated by ``angle`` (rad) about the origin."""
        c, s = math.cos(angle), math.sin(angle)
        return Pose(c * self.x - s * self.y, s * self.x + c * self.y, self.hdg + angle)

    def offset(self, forward: float, left: float = 0.0) -> Pose:
        """The pose moved ``forward`` along its heading and ``left`` across it."""
        c, s = math.cos(self.hdg), math.sin(self.hdg)
        return Pose(self.x + forward * c - left * s, self.y + forward * s + left * c, self.hdg)


class PlanBuilder:
    """Chains reference-line primitives, each starting where the previous one ends."""

    def __init__(self, start: Pose) -> None:
        self.pose = start
        self.s = 0.0
        self.geometries: list[Geometry] = []

    def _append(self, geometry: Geometry) -> PlanBuilder:
        self.geometries.append(geometry)
        self.s += geometry.length
        self.pose = Pose(*geometry.end_pose())
        return self

    def _common(self, length: float) -> dict[str, float]:
        return {
            "s": self.s,
            "x": self.pose.x,
            "y": self.pose.y,
            "hdg": self.pose.hdg,
            "length": length,
        }

    def line(self, length: float) -> PlanBuilder:
        """Appends a straight line."""
        return self._append(Line(**self._common(length)))

    def arc(self, length: float, curvature: float) -> PlanBuilder:
        """Appends an arc of constant curvature (1/m, positive turns left)."""
        return self._append(Arc(**self._common(length), curvature=curvature))

    def spiral(self, length: float, curv_start: float, curv_end: float) -> PlanBuilder:
        """Appends a clothoid."""
        return self._append(
            Spiral(**self._common(length), curv_start=curv_start, curv_end=curv_end)
        )

    def build(self) -> PlanView:
        """The plan view of everything appended."""
        return PlanView(tuple(self.geometries))


def mark(kind: str) -> tuple[RoadMark, ...]:
    """A standard white road mark of ``kind`` (``"solid"``, ``"broken"``, ``"none"``)."""
    if kind == "none":
        return (RoadMark(0.0, "none"),)
    return (RoadMark(0.0, kind, weight="standard", color="standard", width=MARK_WIDTH_M),)


def lane(
    lane_id: int,
    width_m: float | CubicRecord,
    *,
    type: str = "driving",
    road_mark: str = "none",
    predecessors: Sequence[int] = (),
    successors: Sequence[int] = (),
) -> LaneDef:
    """A lane of constant width (or with the given width record)."""
    width = width_m if isinstance(width_m, CubicRecord) else CubicRecord(0.0, float(width_m))
    return LaneDef(
        id=lane_id,
        type=type,
        widths=(width,),
        road_marks=mark(road_mark),
        predecessors=tuple(predecessors),
        successors=tuple(successors),
    )


def carriageway(
    count: int,
    width_m: float,
    side: int,
    *,
    sidewalk_width_m: float = 0.0,
    links: bool = False,
) -> list[LaneDef]:
    """``count`` driving lanes on one side (``side`` +1 left, -1 right), inside out.

    Lanes between two driving lanes get broken marks, the outermost driving lane a
    solid one; a sidewalk is added outside when ``sidewalk_width_m > 0``. With
    ``links`` every lane links to the lane of the same id at both ends.
    """
    lanes = []
    for k in range(1, count + 1):
        lane_id = side * k
        same = (lane_id,) if links else ()
        lanes.append(
            lane(
                lane_id,
                width_m,
                road_mark="broken" if k < count else "solid",
                predecessors=same,
                successors=same,
            )
        )
    if sidewalk_width_m > 0:
        lane_id = side * (count + 1)
        same = (lane_id,) if links else ()
        lanes.append(
            lane(lane_id, sidewalk_width_m, type="sidewalk", predecessors=same, successors=same)
        )
    return lanes


def section(
    s: float, left: Sequence[LaneDef], right: Sequence[LaneDef], center_mark: str = "solid"
) -> LaneSection:
    """A lane section with a centre lane carrying ``center_mark``."""
    return LaneSection(
        s=s,
        left=tuple(left),
        center=LaneDef(0, "none", road_marks=mark(center_mark)),
        right=tuple(right),
    )


def road(
    road_id: str,
    plan: PlanBuilder | PlanView,
    sections: Sequence[LaneSection],
    *,
    name: str = "",
    junction: str | None = None,
    predecessor: RoadLink | None = None,
    successor: RoadLink | None = None,
    speed_limit_mps: float | None = None,
    road_type: str = "town",
    signals: Sequence[Signal] = (),
    rule: str = "RHT",
) -> Road:
    """A road whose length is its plan view's length."""
    plan_view = plan.build() if isinstance(plan, PlanBuilder) else plan
    return Road(
        id=road_id,
        length=plan_view.length,
        plan_view=plan_view,
        lane_sections=tuple(sections),
        name=name,
        junction=junction,
        rule=rule,
        predecessor=predecessor,
        successor=successor,
        types=(RoadType(0.0, road_type, speed_limit_mps),),
        signals=tuple(signals),
    )


def require_positive(**values: float) -> None:
    """Raises ``ValueError`` naming the first argument that is not > 0."""
    for name, value in values.items():
        if not value > 0:
            raise ValueError(f"{name} must be > 0, got {value}")


def require_count(name: str, value: int, minimum: int) -> None:
    """Raises ``ValueError`` unless ``value`` is an integer >= ``minimum``."""
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
