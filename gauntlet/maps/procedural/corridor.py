"""A composite route map: motorway with merge, lane drop and work zone, exit, urban crossroads.

One long route of mixed road types, for runs that chain many events. The motorway is
one-way, starts at the origin heading along +x and keeps its lanes on the right of its
reference line (ids -1, leftmost, to -n). In driving order:

- ``"1"`` motorway, ``lanes`` lanes, for ``start_m``;
- junction ``"100"`` (10 m; ``"101"`` main lanes, ``"102"`` ramp lane) where the
  on-ramp ``"3"`` (line, then a right-turning arc arriving parallel) joins;
- ``"2"`` merge area: section 0 adds the acceleration lane ``-(lanes+1)`` for
  ``merge_length_m``, section 1 tapers it to zero over ``taper_length_m`` (it ends
  there), section 2 has the ``lanes`` main lanes for ``drop_gap_m``;
- ``"4"`` lane drop: the rightmost lane ``-lanes`` narrows to zero over
  ``drop_taper_m`` and ends (no successor); the others continue;
- ``"5"`` work-zone stretch, ``lanes - 1`` lanes at ``work_zone_speed_mps`` for
  ``work_zone_m`` (the closure itself is up to the scenario: obstacles on a lane);
- ``"6"`` free motorway; with ``curve_angle_rad > 0`` an S-bend (arc left, arc right,
  each of ``curve_radius_m`` turning ``curve_angle_rad``) sits in its middle. Its
  length is what ``length_m`` leaves after every other segment;
- ``"7"`` exit approach: the deceleration lane ``-lanes`` widens from zero over
  ``exit_taper_m``, then runs at full width for ``exit_lane_m``;
- junction ``"200"`` (10 m): ``"201"`` carries the main lanes on to ``"8"`` (the
  motorway beyond the exit, ``beyond_exit_m``, a dead end), ``"202"`` the deceleration
  lane into the off-ramp ``"9"`` (one lane: right arc, line, left arc, so it arrives
  parallel to the motorway, ``ramp_offset_m`` further right);
- a signalised crossroads (:mod:`~gauntlet.maps.procedural.crossroads`, ids ``"10"`` to
  ``"13"``, ``"300"`` to ``"306"``, signals ``"sig_north"`` ...): the off-ramp runs
  into the west arm ``"10"`` (the arterial approach, ``arterial_m``, its approach lane
  ``-1`` continues the ramp lane), the route leaves by the east arm ``"11"``
  (``beyond_junction_m``, on its departure lane 1); the north and south arms are side
  streets of ``side_street_m``. The westbound lanes of ``"10"`` end at the ramp.

The speed limits show the mix of road types: motorway, work zone, ramps, town.
"""

from __future__ import annotations

from gauntlet.maps.model import LaneDef, RoadLink
from gauntlet.maps.network import RoadNetwork
from gauntlet.maps.polynomial import CubicRecord
from gauntlet.maps.procedural._build import (
    PlanBuilder,
    Pose,
    lane,
    mark,
    require_count,
    require_positive,
    road,
    section,
)
from gauntlet.maps.procedural.crossroads import crossroads, half_size
from gauntlet.maps.procedural.highway import MOTORWAY_SPEED_MPS, RAMP_SPEED_MPS
from gauntlet.maps.procedural.ramps import (
    JUNCTION_LENGTH_M,
    exit_junction,
    motorway_lanes,
    on_ramp_junction,
)
from gauntlet.maps.procedural.roads import URBAN_SPEED_MPS
from gauntlet.maps.road import Road

#: 80 km/h.
WORK_ZONE_SPEED_MPS = 80.0 / 3.6
#: 60 km/h.
EXIT_RAMP_SPEED_MPS = 60.0 / 3.6
#: Urban lane width, m.
URBAN_LANE_WIDTH_M = 3.5

__all__ = ["corridor", "corridor_free_length"]


def _smooth(width: float, length: float, *, widening: bool) -> CubicRecord:
    """A width going ``width -> 0`` (or ``0 -> width``) along ``3x^2 - 2x^3`` over ``length``."""
    c, d = 3.0 * width / length**2, -2.0 * width / length**3
    if widening:
        return CubicRecord(0.0, 0.0, 0.0, c, d)
    return CubicRecord(0.0, width, 0.0, -c, -d)


def _ramp_length(radius: float, angle: float, line: float) -> float:
    return 2.0 * radius * angle + line


def corridor_free_length(
    length_m: float,
    *,
    lanes: int = 3,
    start_m: float = 200.0,
    merge_length_m: float = 150.0,
    taper_length_m: float = 60.0,
    drop_gap_m: float = 200.0,
    drop_taper_m: float = 100.0,
    work_zone_m: float = 400.0,
    exit_taper_m: float = 60.0,
    exit_lane_m: float = 120.0,
    ramp_radius_m: float = 150.0,
    ramp_angle_rad: float = 0.35,
    ramp_line_m: float = 100.0,
    arterial_m: float = 250.0,
    beyond_junction_m: float = 150.0,
    urban_lanes: int = 1,
    corner_radius_m: float = 6.0,
) -> float:
    """Length of the free motorway stretch ``"6"`` for a route of ``length_m``, m.

    The route runs from the start of road ``"1"`` to the far end of the east arm
    ``"11"`` along the reference lines: every fixed segment, both 10 m junctions, the
    off-ramp and the straight crossing of the crossroads count.
    """
    fixed = (
        start_m
        + JUNCTION_LENGTH_M
        + merge_length_m
        + taper_length_m
        + drop_gap_m
        + drop_taper_m
        + work_zone_m
        + exit_taper_m
        + exit_lane_m
        + JUNCTION_LENGTH_M
        + _ramp_length(ramp_radius_m, ramp_angle_rad, ramp_line_m)
        + arterial_m
        + 2.0 * half_size(urban_lanes, URBAN_LANE_WIDTH_M, corner_radius_m)
        + beyond_junction_m
    )
    del lanes  # the lane count changes no length; accepted for a uniform call
    return length_m - fixed


def corridor(
    length_m: float = 3000.0,
    lanes: int = 3,
    lane_width_m: float = 3.75,
    *,
    start_m: float = 200.0,
    merge_length_m: float = 150.0,
    taper_length_m: float = 60.0,
    drop_gap_m: float = 200.0,
    drop_taper_m: float = 100.0,
    work_zone_m: float = 400.0,
    curve_radius_m: float = 1500.0,
    curve_angle_rad: float = 0.1,
    exit_taper_m: float = 60.0,
    exit_lane_m: float = 120.0,
    beyond_exit_m: float = 150.0,
    ramp_radius_m: float = 150.0,
    ramp_angle_rad: float = 0.35,
    ramp_line_m: float = 100.0,
    on_ramp_length_m: float = 150.0,
    arterial_m: float = 250.0,
    beyond_junction_m: float = 150.0,
    side_street_m: float = 60.0,
    urban_lanes: int = 1,
    corner_radius_m: float = 6.0,
    motorway_speed_mps: float = MOTORWAY_SPEED_MPS,
    work_zone_speed_mps: float = WORK_ZONE_SPEED_MPS,
    on_ramp_speed_mps: float = RAMP_SPEED_MPS,
    exit_ramp_speed_mps: float = EXIT_RAMP_SPEED_MPS,
    urban_speed_mps: float = URBAN_SPEED_MPS,
) -> RoadNetwork:
    """A motorway-to-town route of ``length_m`` (see the module docstring for the layout).

    Args:
        length_m: Route length from the motorway start to the end of the east arm, m.
        lanes: Motorway lanes before the lane drop (at least 2).
        lane_width_m: Motorway and ramp lane width, m.
        start_m: Motorway before the on-ramp junction, m.
        merge_length_m: Acceleration lane at full width, m.
        taper_length_m: Taper that ends the acceleration lane, m.
        drop_gap_m: Motorway between the end of that taper and the lane drop, m.
        drop_taper_m: Taper over which the rightmost lane ends, m.
        work_zone_m: Length of the work-zone stretch, m.
        curve_radius_m: Radius of the S-bend's arcs on the free stretch, m.
        curve_angle_rad: Heading change of each arc; 0 keeps the free stretch straight.
        exit_taper_m: Taper over which the deceleration lane widens, m.
        exit_lane_m: Deceleration lane at full width before the exit junction, m.
        beyond_exit_m: Motorway after the exit (a dead end), m.
        ramp_radius_m: Radius of the off-ramp's two arcs, m.
        ramp_angle_rad: Heading change of each off-ramp arc.
        ramp_line_m: Straight part of the off-ramp, m.
        on_ramp_length_m: Straight part of the on-ramp before its joining arc, m.
        arterial_m: Urban arterial from the off-ramp to the crossroads (the west arm), m.
        beyond_junction_m: Arterial after the crossroads (the east arm), m.
        side_street_m: North and south arms, m.
        urban_lanes: Arterial lanes per direction.
        corner_radius_m: Kerb radius of the crossroads' corners, m.
        motorway_speed_mps: Motorway speed limit, m/s.
        work_zone_speed_mps: Speed limit of the work-zone stretch, m/s.
        on_ramp_speed_mps: On-ramp speed limit, m/s.
        exit_ramp_speed_mps: Off-ramp speed limit, m/s.
        urban_speed_mps: Arterial and side-street speed limit, m/s.

    Raises:
        ValueError: If a parameter is out of range, or ``length_m`` leaves no room for
            the free stretch (and its S-bend).
    """
    require_count("lanes", lanes, 2)
    require_count("urban_lanes", urban_lanes, 1)
    require_positive(
        length_m=length_m,
        lane_width_m=lane_width_m,
        start_m=start_m,
        merge_length_m=merge_length_m,
        taper_length_m=taper_length_m,
        drop_gap_m=drop_gap_m,
        drop_taper_m=drop_taper_m,
        work_zone_m=work_zone_m,
        curve_radius_m=curve_radius_m,
        exit_taper_m=exit_taper_m,
        exit_lane_m=exit_lane_m,
        beyond_exit_m=beyond_exit_m,
        ramp_radius_m=ramp_radius_m,
        ramp_angle_rad=ramp_angle_rad,
        ramp_line_m=ramp_line_m,
        on_ramp_length_m=on_ramp_length_m,
        motorway_speed_mps=motorway_speed_mps,
        work_zone_speed_mps=work_zone_speed_mps,
        on_ramp_speed_mps=on_ramp_speed_mps,
        exit_ramp_speed_mps=exit_ramp_speed_mps,
    )
    if curve_angle_rad < 0:
        raise ValueError(f"curve_angle_rad must be >= 0, got {curve_angle_rad}")
    free = corridor_free_length(
        length_m,
        start_m=start_m,
        merge_length_m=merge_length_m,
        taper_length_m=taper_length_m,
        drop_gap_m=drop_gap_m,
        drop_taper_m=drop_taper_m,
        work_zone_m=work_zone_m,
        exit_taper_m=exit_taper_m,
        exit_lane_m=exit_lane_m,
        ramp_radius_m=ramp_radius_m,
        ramp_angle_rad=ramp_angle_rad,
        ramp_line_m=ramp_line_m,
        arterial_m=arterial_m,
        beyond_junction_m=beyond_junction_m,
        urban_lanes=urban_lanes,
        corner_radius_m=corner_radius_m,
    )
    bend = 2.0 * curve_radius_m * curve_angle_rad
    if free < bend + 10.0:
        raise ValueError(
            f"length_m={length_m} is too short: the other segments take {length_m - free:.1f} m "
            f"and the free stretch needs at least {bend + 10.0:.1f} m"
        )
    n, w = lanes, lane_width_m
    motorway = {"speed_limit_mps": motorway_speed_mps, "road_type": "motorway"}
    roads: list[Road] = []

    # Motorway start, the on-ramp junction and the on-ramp.
    roads.append(
        road(
            "1",
            PlanBuilder(Pose(0.0, 0.0, 0.0)).line(start_m),
            [section(0.0, [], motorway_lanes(n, w, pred=False, succ=False))],
            name="motorway_start",
            successor=RoadLink("junction", "100"),
            **motorway,
        )
    )
    on_ramp, merge_junction = on_ramp_junction(
        Pose(start_m, 0.0, 0.0),
        n,
        w,
        on_ramp_length_m=on_ramp_length_m,
        on_ramp_speed_mps=on_ramp_speed_mps,
        motorway_speed_mps=motorway_speed_mps,
    )
    roads += on_ramp
    at = Pose(start_m + JUNCTION_LENGTH_M, 0.0, 0.0)
    accel = -(n + 1)

    # Merge area: acceleration lane, its taper, then the main lanes up to the lane drop.
    merge_sections = [
        section(
            0.0,
            [],
            [
                *motorway_lanes(n, w, pred=False),
                lane(accel, w, road_mark="solid", successors=(accel,)),
            ],
        ),
        section(
            merge_length_m,
            [],
            [
                *motorway_lanes(n, w),
                lane(
                    accel,
                    _smooth(w, taper_length_m, widening=False),
                    road_mark="solid",
                    predecessors=(accel,),
                ),
            ],
        ),
        section(merge_length_m + taper_length_m, [], motorway_lanes(n, w)),
    ]
    total = merge_length_m + taper_length_m + drop_gap_m
    roads.append(
        road(
            "2",
            PlanBuilder(at).line(total),
            merge_sections,
            name="merge_area",
            predecessor=RoadLink("junction", "100"),
            successor=RoadLink("road", "4", "start"),
            **motorway,
        )
    )
    at = at.offset(total)

    # Lane drop: the rightmost lane narrows to nothing and ends.
    drop_lanes = [
        *(
            lane(-k, w, road_mark="broken", predecessors=(-k,), successors=(-k,))
            for k in range(1, n)
        ),
        lane(-n, _smooth(w, drop_taper_m, widening=False), road_mark="solid", predecessors=(-n,)),
    ]
    roads.append(
        road(
            "4",
            PlanBuilder(at).line(drop_taper_m),
            [section(0.0, [], drop_lanes)],
            name="lane_drop",
            predecessor=RoadLink("road", "2", "end"),
            successor=RoadLink("road", "5", "start"),
            **motorway,
        )
    )
    at = at.offset(drop_taper_m)
    m = n - 1

    # Work zone, then the free stretch with its S-bend.
    roads.append(
        road(
            "5",
            PlanBuilder(at).line(work_zone_m),
            [section(0.0, [], motorway_lanes(m, w))],
            name="work_zone",
            predecessor=RoadLink("road", "4", "end"),
            successor=RoadLink("road", "6", "start"),
            speed_limit_mps=work_zone_speed_mps,
            road_type="motorway",
        )
    )
    at = at.offset(work_zone_m)
    free_plan = PlanBuilder(at)
    straight = 0.5 * (free - bend)
    free_plan.line(straight)
    if bend > 0:
        arc = curve_radius_m * curve_angle_rad
        free_plan.arc(arc, 1.0 / curve_radius_m).arc(arc, -1.0 / curve_radius_m)
    free_plan.line(straight)
    roads.append(
        road(
            "6",
            free_plan,
            [section(0.0, [], motorway_lanes(m, w))],
            name="free_motorway",
            predecessor=RoadLink("road", "5", "end"),
            successor=RoadLink("road", "7", "start"),
            **motorway,
        )
    )
    at = free_plan.pose

    # Exit approach with the deceleration lane, the exit junction and the off-ramp.
    decel = LaneDef(
        id=-n,
        widths=(_smooth(w, exit_taper_m, widening=True), CubicRecord(exit_taper_m, w)),
        road_marks=mark("solid"),
    )
    roads.append(
        road(
            "7",
            PlanBuilder(at).line(exit_taper_m + exit_lane_m),
            [section(0.0, [], [*motorway_lanes(m, w, succ=False), decel])],
            name="exit_approach",
            predecessor=RoadLink("road", "6", "end"),
            successor=RoadLink("junction", "200"),
            **motorway,
        )
    )
    exit_roads, exit_junction_, ramp_end = exit_junction(
        at.offset(exit_taper_m + exit_lane_m),
        n,
        w,
        beyond_exit_m=beyond_exit_m,
        ramp_radius_m=ramp_radius_m,
        ramp_angle_rad=ramp_angle_rad,
        ramp_line_m=ramp_line_m,
        exit_ramp_speed_mps=exit_ramp_speed_mps,
        motorway_speed_mps=motorway_speed_mps,
    )
    roads += exit_roads

    # The town: the arterial's lane -1 continues the ramp lane's centre line.
    arterial_start = ramp_end.offset(0.0, 0.5 * (URBAN_LANE_WIDTH_M - w))
    half = half_size(urban_lanes, URBAN_LANE_WIDTH_M, corner_radius_m)
    town, junction = crossroads(
        arterial_start.offset(arterial_m + half),
        {
            "west": arterial_m,
            "east": beyond_junction_m,
            "north": side_street_m,
            "south": side_street_m,
        },
        lanes_per_direction=urban_lanes,
        lane_width_m=URBAN_LANE_WIDTH_M,
        speed_limit_mps=urban_speed_mps,
        corner_radius_m=corner_radius_m,
        west_predecessor=RoadLink("road", "9", "end"),
    )
    roads += town
    return RoadNetwork(roads, [merge_junction, exit_junction_, junction])
