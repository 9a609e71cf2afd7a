"""The two ramp junctions of the composite route: where the on-ramp joins, where the exit leaves.

Both are 10 m junctions in the style of :func:`~gauntlet.maps.procedural.highway.highway`:
a connecting road for the through lanes and one for the ramp lane beside them. Road
and junction ids are those of :mod:`gauntlet.maps.procedural.corridor`.
"""

from __future__ import annotations

import math

from gauntlet.maps.model import Connection, Junction, LaneDef, RoadLink
from gauntlet.maps.procedural._build import PlanBuilder, Pose, lane, road, section
from gauntlet.maps.road import Road

#: Length of the junctions at the on-ramp and at the exit, m.
JUNCTION_LENGTH_M = 10.0
#: The on-ramp's joining arc: heading change (rad) and radius (m).
ON_RAMP_ANGLE_RAD = 0.12
ON_RAMP_RADIUS_M = 300.0


def motorway_lanes(
    count: int, width: float, *, pred: bool = True, succ: bool = True
) -> list[LaneDef]:
    """Lanes -1 ... -count, each linked to the same id at the ends asked for."""
    return [
        lane(
            -k,
            width,
            road_mark="solid" if k == count else "broken",
            predecessors=(-k,) if pred else (),
            successors=(-k,) if succ else (),
        )
        for k in range(1, count + 1)
    ]


def on_ramp_junction(
    at: Pose,
    n: int,
    w: float,
    *,
    on_ramp_length_m: float,
    on_ramp_speed_mps: float,
    motorway_speed_mps: float,
) -> tuple[list[Road], Junction]:
    """Junction ``"100"`` starting at ``at`` (roads ``"101"``, ``"102"``) and the on-ramp ``"3"``.

    Road ``"1"`` (``n`` lanes of width ``w``) ends at ``at``; road ``"2"`` starts 10 m
    further on with the acceleration lane ``-(n+1)``.
    """
    motorway = {"speed_limit_mps": motorway_speed_mps, "road_type": "motorway"}
    ramp_angle, ramp_radius = ON_RAMP_ANGLE_RAD, ON_RAMP_RADIUS_M
    accel = -(n + 1)
    roads = [
        road(
            "101",
            PlanBuilder(at).line(JUNCTION_LENGTH_M),
            [section(0.0, [], motorway_lanes(n, w))],
            name="merge_main",
            junction="100",
            predecessor=RoadLink("road", "1", "end"),
            successor=RoadLink("road", "2", "start"),
            **motorway,
        ),
        road(
            "102",
            PlanBuilder(at.offset(0.0, -n * w)).line(JUNCTION_LENGTH_M),
            [
                section(
                    0.0,
                    [],
                    [lane(-1, w, road_mark="solid", predecessors=(-1,), successors=(accel,))],
                    "none",
                )
            ],
            name="merge_ramp",
            junction="100",
            predecessor=RoadLink("road", "3", "end"),
            successor=RoadLink("road", "2", "start"),
            **motorway,
        ),
    ]
    ramp_angle = 0.12
    ramp_radius = 300.0
    join = Pose(at.x, at.y - n * w, math.pi)
    backwards = PlanBuilder(join).arc(ramp_radius * ramp_angle, 1.0 / ramp_radius)
    backwards.line(on_ramp_length_m)
    ramp_start = Pose(backwards.pose.x, backwards.pose.y, backwards.pose.hdg + math.pi)
    roads.append(
        road(
            "3",
            PlanBuilder(ramp_start)
            .line(on_ramp_length_m)
            .arc(ramp_radius * ramp_angle, -1.0 / ramp_radius),
            [section(0.0, [], [lane(-1, w, road_mark="solid")])],
            name="on_ramp",
            successor=RoadLink("junction", "100"),
            speed_limit_mps=on_ramp_speed_mps,
            road_type="motorway",
        )
    )
    junction = Junction(
        "100",
        (
            Connection("0", "1", "101", "start", tuple((-k, -k) for k in range(1, n + 1))),
            Connection("1", "3", "102", "start", ((-1, -1),)),
        ),
        name="on_ramp_merge",
    )
    return roads, junction


def exit_junction(
    at: Pose,
    n: int,
    w: float,
    *,
    beyond_exit_m: float,
    ramp_radius_m: float,
    ramp_angle_rad: float,
    ramp_line_m: float,
    exit_ramp_speed_mps: float,
    motorway_speed_mps: float,
) -> tuple[list[Road], Junction, Pose]:
    """Junction ``"200"`` starting at ``at``, the motorway beyond it ``"8"`` and the off-ramp ``"9"``.

    Road ``"7"`` ends at ``at`` with ``n - 1`` main lanes and the deceleration lane
    ``-n``. Returns the roads, the junction and the pose where the off-ramp's
    reference line ends.
    """
    motorway = {"speed_limit_mps": motorway_speed_mps, "road_type": "motorway"}
    m = n - 1
    exit_start = at.offset(0.0, -m * w)
    roads = [
        road(
            "201",
            PlanBuilder(at).line(JUNCTION_LENGTH_M),
            [section(0.0, [], motorway_lanes(m, w))],
            name="exit_main",
            junction="200",
            predecessor=RoadLink("road", "7", "end"),
            successor=RoadLink("road", "8", "start"),
            **motorway,
        ),
        road(
            "202",
            PlanBuilder(exit_start).line(JUNCTION_LENGTH_M),
            [
                section(
                    0.0,
                    [],
                    [lane(-1, w, road_mark="solid", predecessors=(-n,), successors=(-1,))],
                    "none",
                )
            ],
            name="exit_ramp",
            junction="200",
            predecessor=RoadLink("road", "7", "end"),
            successor=RoadLink("road", "9", "start"),
            speed_limit_mps=exit_ramp_speed_mps,
            road_type="motorway",
        ),
        road(
            "8",
            PlanBuilder(at.offset(JUNCTION_LENGTH_M)).line(beyond_exit_m),
            [section(0.0, [], motorway_lanes(m, w, succ=False))],
            name="motorway_beyond_exit",
            predecessor=RoadLink("junction", "200"),
            **motorway,
        ),
    ]
    ramp_arc = ramp_radius_m * ramp_angle_rad
    ramp_plan = (
        PlanBuilder(exit_start.offset(JUNCTION_LENGTH_M))
        .arc(ramp_arc, -1.0 / ramp_radius_m)
        .line(ramp_line_m)
        .arc(ramp_arc, 1.0 / ramp_radius_m)
    )
    roads.append(
        road(
            "9",
            ramp_plan,
            [
                section(
                    0.0, [], [lane(-1, w, road_mark="solid", predecessors=(-1,), successors=(-1,))]
                )
            ],
            name="off_ramp",
            predecessor=RoadLink("junction", "200"),
            successor=RoadLink("road", "10", "start"),
            speed_limit_mps=exit_ramp_speed_mps,
            road_type="motorway",
        )
    )
    junction = Junction(
        "200",
        (
            Connection("0", "7", "201", "start", tuple((-k, -k) for k in range(1, m + 1))),
            Connection("1", "7", "202", "start", ((-n, -1),)),
        ),
        name="exit",
    )
    return roads, junction, ramp_plan.pose
