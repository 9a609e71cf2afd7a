"""A one-way motorway carriageway with an optional on-ramp and acceleration lane.

The carriageway runs from the origin along +x with lanes -1 (leftmost, fastest) to -n
(rightmost). With an on-ramp:

- road ``"1"`` is the carriageway before the merge area, from x = 0;
- junction ``"100"`` is a short stretch that ends at ``x = on_ramp_s_m``; its
  connecting road ``"101"`` carries the main lanes, ``"102"`` the ramp lane alongside;
- road ``"2"`` is the carriageway after it. Its section 0 has the acceleration lane
  ``-(n+1)`` at full width for ``merge_length_m``; section 1 tapers that lane to zero
  width over ``taper_length_m`` and it ends there (no successor); section 2 has the n
  main lanes again;
- road ``"3"`` is the on-ramp: a straight line that joins with a right-turning arc,
  arriving parallel to the carriageway at its right edge.

Without an on-ramp the carriageway is the single road ``"1"``.
"""

from __future__ import annotations

import math

from gauntlet.maps.model import Connection, Junction, LaneDef, RoadLink
from gauntlet.maps.network import RoadNetwork
from gauntlet.maps.polynomial import CubicRecord
from gauntlet.maps.procedural._build import (
    PlanBuilder,
    Pose,
    lane,
    require_count,
    require_positive,
    road,
    section,
)

#: 120 km/h.
MOTORWAY_SPEED_MPS = 120.0 / 3.6
#: 80 km/h.
RAMP_SPEED_MPS = 80.0 / 3.6
#: Length of the junction where the ramp meets the carriageway, m.
MERGE_JUNCTION_LENGTH_M = 10.0


def _main_lanes(count: int, width: float, *, links: bool = True) -> list[LaneDef]:
    """Lanes -1 ... -count, each linked to the same id at both ends when ``links``."""
    lanes = []
    for k in range(1, count + 1):
        same = (-k,) if links else ()
        lanes.append(
            lane(
                -k,
                width,
                road_mark="solid" if k == count else "broken",
                predecessors=same,
                successors=same,
            )
        )
    return lanes


def highway(
    length_m: float = 1000.0,
    lanes: int = 3,
    on_ramp: bool = True,
    on_ramp_s_m: float = 300.0,
    merge_length_m: float = 200.0,
    lane_width_m: float = 3.75,
    speed_limit_mps: float = MOTORWAY_SPEED_MPS,
    *,
    taper_length_m: float = 60.0,
    ramp_length_m: float = 150.0,
    ramp_angle_rad: float = 0.12,
    ramp_radius_m: float = 300.0,
    ramp_speed_limit_mps: float = RAMP_SPEED_MPS,
) -> RoadNetwork:
    """A one-way carriageway along +x, optionally with an on-ramp (see the module docstring).

    Args:
        length_m: Total carriageway length, m.
        lanes: Main lanes.
        on_ramp: Add the on-ramp and acceleration lane.
        on_ramp_s_m: Distance from the start to where the acceleration lane begins, m.
        merge_length_m: Length of the acceleration lane at full width, m.
        lane_width_m: Lane width, m.
        speed_limit_mps: Carriageway speed limit, m/s.
        taper_length_m: Length over which the acceleration lane narrows to zero, m.
        ramp_length_m: Length of the ramp's straight part, m.
        ramp_angle_rad: Angle between ramp and carriageway before the joining arc.
        ramp_radius_m: Radius of the joining arc, m.
        ramp_speed_limit_mps: Ramp speed limit, m/s.

    Raises:
        ValueError: If a parameter is out of range or the merge does not fit.
    """
    require_positive(length_m=length_m, lane_width_m=lane_width_m, speed_limit_mps=speed_limit_mps)
    require_count("lanes", lanes, 1)
    n, w = lanes, lane_width_m
    if not on_ramp:
        carriageway_road = road(
            "1",
            PlanBuilder(Pose(0.0, 0.0, 0.0)).line(length_m),
            [section(0.0, [], _main_lanes(n, w, links=False), center_mark="solid")],
            name="carriageway",
            speed_limit_mps=speed_limit_mps,
            road_type="motorway",
        )
        return RoadNetwork([carriageway_road])

    require_positive(
        merge_length_m=merge_length_m,
        taper_length_m=taper_length_m,
        ramp_length_m=ramp_length_m,
        ramp_angle_rad=ramp_angle_rad,
        ramp_radius_m=ramp_radius_m,
        ramp_speed_limit_mps=ramp_speed_limit_mps,
    )
    junction_start = on_ramp_s_m - MERGE_JUNCTION_LENGTH_M
    after = length_m - on_ramp_s_m
    if junction_start <= 0:
        raise ValueError(f"on_ramp_s_m must be > {MERGE_JUNCTION_LENGTH_M}, got {on_ramp_s_m}")
    if merge_length_m + taper_length_m >= after:
        raise ValueError(
            f"the merge ({merge_length_m} m + {taper_length_m} m taper from {on_ramp_s_m} m) "
            f"does not end before the carriageway ends at {length_m} m"
        )
    junction_id = "100"

    upstream = road(
        "1",
        PlanBuilder(Pose(0.0, 0.0, 0.0)).line(junction_start),
        [section(0.0, [], _main_lanes(n, w, links=False), center_mark="solid")],
        name="carriageway_before_merge",
        successor=RoadLink("junction", junction_id),
        speed_limit_mps=speed_limit_mps,
        road_type="motorway",
    )
    main_through = road(
        "101",
        PlanBuilder(Pose(junction_start, 0.0, 0.0)).line(MERGE_JUNCTION_LENGTH_M),
        [section(0.0, [], _main_lanes(n, w), center_mark="solid")],
        name="merge_main",
        junction=junction_id,
        predecessor=RoadLink("road", "1", "end"),
        successor=RoadLink("road", "2", "start"),
        speed_limit_mps=speed_limit_mps,
        road_type="motorway",
    )
    acceleration = -(n + 1)
    ramp_through = road(
        "102",
        PlanBuilder(Pose(junction_start, -n * w, 0.0)).line(MERGE_JUNCTION_LENGTH_M),
        [
            section(
                0.0,
                [],
                [lane(-1, w, road_mark="solid", predecessors=(-1,), successors=(acceleration,))],
                center_mark="none",
            )
        ],
        name="merge_ramp",
        junction=junction_id,
        predecessor=RoadLink("road", "3", "end"),
        successor=RoadLink("road", "2", "start"),
        speed_limit_mps=speed_limit_mps,
        road_type="motorway",
    )

    # Section 0: acceleration lane at full width; 1: it tapers to zero and ends; 2: n lanes.
    # The taper follows w (1 - 3 x^2 + 2 x^3), x = ds / taper_length_m: smooth at both ends.
    taper = CubicRecord(0.0, w, 0.0, -3.0 * w / taper_length_m**2, 2.0 * w / taper_length_m**3)
    sections = [
        section(
            0.0,
            [],
            [
                *(lane(-k, w, road_mark="broken", successors=(-k,)) for k in range(1, n + 1)),
                lane(acceleration, w, road_mark="solid", successors=(acceleration,)),
            ],
            center_mark="solid",
        ),
        section(
            merge_length_m,
            [],
            [
                *(
                    lane(-k, w, road_mark="broken", predecessors=(-k,), successors=(-k,))
                    for k in range(1, n + 1)
                ),
                lane(acceleration, taper, road_mark="solid", predecessors=(acceleration,)),
            ],
            center_mark="solid",
        ),
        section(
            merge_length_m + taper_length_m,
            [],
            [
                lane(-k, w, road_mark="solid" if k == n else "broken", predecessors=(-k,))
                for k in range(1, n + 1)
            ],
            center_mark="solid",
        ),
    ]
    downstream = road(
        "2",
        PlanBuilder(Pose(on_ramp_s_m, 0.0, 0.0)).line(after),
        sections,
        name="carriageway_after_merge",
        predecessor=RoadLink("junction", junction_id),
        speed_limit_mps=speed_limit_mps,
        road_type="motorway",
    )

    # The ramp ends parallel to the carriageway at its right edge; build it backwards.
    join = Pose(junction_start, -n * w, math.pi)
    backwards = PlanBuilder(join).arc(ramp_radius_m * ramp_angle_rad, 1.0 / ramp_radius_m)
    backwards.line(ramp_length_m)
    start = Pose(backwards.pose.x, backwards.pose.y, backwards.pose.hdg + math.pi)
    ramp = road(
        "3",
        PlanBuilder(start)
        .line(ramp_length_m)
        .arc(ramp_radius_m * ramp_angle_rad, -1.0 / ramp_radius_m),
        [section(0.0, [], [lane(-1, w, road_mark="solid")], center_mark="solid")],
        name="on_ramp",
        successor=RoadLink("junction", junction_id),
        speed_limit_mps=ramp_speed_limit_mps,
        road_type="motorway",
    )
    junction = Junction(
        junction_id,
        (
            Connection("0", "1", "101", "start", tuple((-k, -k) for k in range(1, n + 1))),
            Connection("1", "3", "102", "start", ((-1, -1),)),
        ),
        name="on_ramp_merge",
    )
    return RoadNetwork([upstream, main_through, ramp_through, downstream, ramp], [junction])
