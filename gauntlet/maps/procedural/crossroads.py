"""A signalised four-way crossroads of two-way streets, placed anywhere on a map.

Used by the composite route maps (:mod:`gauntlet.maps.procedural.corridor`) for their
urban part. The layout follows :func:`~gauntlet.maps.procedural.junctions.x_junction`:
the arms point in the compass directions and run from their far end towards the
junction, so approach lanes are the right lanes ``-1 ... -n`` and departure lanes the
left lanes ``1 ... n``; one connecting road per pair of arms carries both directions
(a line between opposite arms, a quarter circle between neighbours); every approach has
a dynamic signal ``"sig_<arm>"`` with its stop line at the end of its approach lanes.
Unlike ``x_junction`` the centre and each arm's length are free, and the ids are those
of :data:`ARM_ROAD_IDS`, :data:`JUNCTION_ID` and :data:`CONNECTING_ROAD_IDS`, so the
crossroads can sit in a network beside other roads.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from itertools import combinations

from gauntlet.maps.model import Junction, RoadLink
from gauntlet.maps.procedural._build import (
    PlanBuilder,
    Pose,
    carriageway,
    lane,
    require_count,
    require_positive,
    road,
    section,
)
from gauntlet.maps.procedural.junctions import ARM_HEADINGS, arm_signal, junction_box
from gauntlet.maps.road import Road

ARMS = ("north", "east", "south", "west")
#: Arm road ids.
ARM_ROAD_IDS = {"west": "10", "east": "11", "north": "12", "south": "13"}
#: Id of the junction.
JUNCTION_ID = "300"
#: Connecting road ids per pair of arms (the first arm named is at the road's start).
CONNECTING_ROAD_IDS = {pair: str(301 + index) for index, pair in enumerate(combinations(ARMS, 2))}


def half_size(lanes_per_direction: int, lane_width_m: float, corner_radius_m: float) -> float:
    """Distance from the crossroads centre to the end of each arm, m."""
    return lanes_per_direction * lane_width_m + corner_radius_m


def crossroads(
    centre: Pose,
    arm_lengths_m: Mapping[str, float],
    *,
    lanes_per_direction: int,
    lane_width_m: float,
    speed_limit_mps: float,
    corner_radius_m: float = 6.0,
    west_predecessor: RoadLink | None = None,
) -> tuple[list[Road], Junction]:
    """The roads and the junction of a signalised crossroads centred on ``centre``.

    Only the position of ``centre`` is used: the arms always point north, east, south
    and west.

    Args:
        centre: Centre of the junction area.
        arm_lengths_m: Length of each arm road by compass name (all four needed), m.
        lanes_per_direction: Lanes per direction on every arm.
        lane_width_m: Lane width, m.
        speed_limit_mps: Speed limit of every road, m/s.
        corner_radius_m: Kerb radius of the corners, m.
        west_predecessor: Road the west arm's start links to (its approach lane ``-1``
            continues the linked road's lane ``-1``), if any.

    Raises:
        ValueError: If a parameter is out of range or an arm length is missing.
    """
    require_count("lanes_per_direction", lanes_per_direction, 1)
    require_positive(
        lane_width_m=lane_width_m, speed_limit_mps=speed_limit_mps, corner_radius_m=corner_radius_m
    )
    missing = [arm for arm in ARMS if arm not in arm_lengths_m]
    if missing:
        raise ValueError(f"arm_lengths_m has no length for {', '.join(missing)}")
    require_positive(**{f"{arm}_arm_length_m": arm_lengths_m[arm] for arm in ARMS})
    n, w = lanes_per_direction, lane_width_m
    half = half_size(n, w, corner_radius_m)
    roads = []
    for arm in ARMS:
        heading = ARM_HEADINGS[arm]
        far = half + arm_lengths_m[arm]
        start = Pose(
            centre.x + far * math.cos(heading),
            centre.y + far * math.sin(heading),
            heading + math.pi,
        )
        right = carriageway(n, w, -1)
        predecessor = None
        if arm == "west" and west_predecessor is not None:
            predecessor = west_predecessor
            right[0] = lane(-1, w, road_mark=right[0].road_marks[0].type, predecessors=(-1,))
        roads.append(
            road(
                ARM_ROAD_IDS[arm],
                PlanBuilder(start).line(arm_lengths_m[arm]),
                [section(0.0, carriageway(n, w, +1), right)],
                name=f"arm_{arm}",
                predecessor=predecessor,
                successor=RoadLink("junction", JUNCTION_ID),
                speed_limit_mps=speed_limit_mps,
                signals=[arm_signal(arm, ARM_ROAD_IDS[arm], arm_lengths_m[arm], n, w)],
            )
        )

    inside, connections = junction_box(
        ARMS,
        ARM_ROAD_IDS,
        CONNECTING_ROAD_IDS,
        JUNCTION_ID,
        half,
        n,
        w,
        speed_limit_mps,
        centre=(centre.x, centre.y),
    )
    roads += inside
    return roads, Junction(JUNCTION_ID, connections, name="signalised_crossroads")
