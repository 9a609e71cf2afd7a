"""Single roads: a straight road and a curve with clothoid transitions."""

from __future__ import annotations

import math

from gauntlet.maps.model import RULES
from gauntlet.maps.network import RoadNetwork
from gauntlet.maps.procedural._build import (
    PlanBuilder,
    Pose,
    carriageway,
    require_count,
    require_positive,
    road,
    section,
)

#: 50 km/h.
URBAN_SPEED_MPS = 50.0 / 3.6
#: 100 km/h.
RURAL_SPEED_MPS = 100.0 / 3.6


def _one_road(
    plan: PlanBuilder,
    *,
    lanes_right: int,
    lanes_left: int,
    lane_width_m: float,
    speed_limit_mps: float,
    sidewalks: bool,
    sidewalk_width_m: float,
    rule: str,
    road_type: str,
    name: str,
) -> RoadNetwork:
    require_count("lanes_right", lanes_right, 0)
    require_count("lanes_left", lanes_left, 0)
    if lanes_right + lanes_left == 0:
        raise ValueError("a road needs at least one lane: lanes_right + lanes_left is 0")
    require_positive(lane_width_m=lane_width_m, speed_limit_mps=speed_limit_mps)
    if rule not in RULES:
        raise ValueError(f"rule must be 'RHT' or 'LHT', got {rule!r}")
    walk = sidewalk_width_m if sidewalks else 0.0
    if sidewalks:
        require_positive(sidewalk_width_m=sidewalk_width_m)
    left = carriageway(lanes_left, lane_width_m, +1, sidewalk_width_m=walk)
    right = carriageway(lanes_right, lane_width_m, -1, sidewalk_width_m=walk)
    both_ways = lanes_left > 0 and lanes_right > 0
    the_road = road(
        "1",
        plan,
        [section(0.0, left, right, center_mark="broken" if both_ways else "solid")],
        name=name,
        speed_limit_mps=speed_limit_mps,
        road_type=road_type,
        rule=rule,
    )
    return RoadNetwork([the_road])


def straight(
    length_m: float = 500.0,
    lanes_right: int = 2,
    lanes_left: int = 1,
    lane_width_m: float = 3.5,
    speed_limit_mps: float = URBAN_SPEED_MPS,
    sidewalks: bool = False,
    *,
    sidewalk_width_m: float = 2.0,
    rule: str = "RHT",
) -> RoadNetwork:
    """A straight road ``"1"`` from the origin along +x.

    Args:
        length_m: Road length, m.
        lanes_right: Lanes right of the reference line (ids -1, -2, ...); in right-hand
            traffic they carry traffic along +x.
        lanes_left: Lanes left of it (ids 1, 2, ...), the opposite direction in
            right-hand traffic; 0 makes a one-way road.
        lane_width_m: Width of every driving lane, m.
        speed_limit_mps: Speed limit, m/s.
        sidewalks: Add a sidewalk outside the outermost lane on each side that has lanes
            (or on both sides of a one-way road's lanes).
        sidewalk_width_m: Sidewalk width, m.
        rule: ``"RHT"`` or ``"LHT"``.

    Returns:
        The network with one road.
    """
    require_positive(length_m=length_m)
    return _one_road(
        PlanBuilder(Pose(0.0, 0.0, 0.0)).line(length_m),
        lanes_right=lanes_right,
        lanes_left=lanes_left,
        lane_width_m=lane_width_m,
        speed_limit_mps=speed_limit_mps,
        sidewalks=sidewalks,
        sidewalk_width_m=sidewalk_width_m,
        rule=rule,
        road_type="town",
        name="straight",
    )


def curve(
    radius_m: float = 100.0,
    angle_rad: float = math.pi / 2,
    lanes_right: int = 1,
    lanes_left: int = 1,
    lane_width_m: float = 3.5,
    clothoid_length_m: float = 30.0,
    approach_length_m: float = 50.0,
    speed_limit_mps: float = RURAL_SPEED_MPS,
    sidewalks: bool = False,
    *,
    sidewalk_width_m: float = 2.0,
) -> RoadNetwork:
    """A road ``"1"`` that turns by ``angle_rad``: line, clothoid, arc, clothoid, line.

    It starts at the origin heading along +x. The clothoids take the curvature from 0
    to ``1 / radius_m`` and back, each turning ``clothoid_length_m / (2 radius_m)``.

    Args:
        radius_m: Radius of the arc, m.
        angle_rad: Total heading change; positive turns left.
        lanes_right: Lanes right of the reference line.
        lanes_left: Lanes left of it (opposite direction in right-hand traffic).
        lane_width_m: Lane width, m.
        clothoid_length_m: Length of each clothoid, m (0 for a plain arc).
        approach_length_m: Length of the straight lines before and after, m.
        speed_limit_mps: Speed limit, m/s.
        sidewalks: Add sidewalks outside the lanes.
        sidewalk_width_m: Sidewalk width, m.

    Raises:
        ValueError: If the clothoids turn more than ``angle_rad`` or the inner edge of
            the road would cross the arc's centre.
    """
    require_positive(radius_m=radius_m)
    if clothoid_length_m < 0 or approach_length_m < 0:
        raise ValueError("clothoid_length_m and approach_length_m must be >= 0")
    turn = abs(angle_rad)
    arc_length = radius_m * turn - clothoid_length_m
    if turn == 0 or arc_length < 0:
        raise ValueError(
            f"angle_rad={angle_rad} is too small for clothoids of {clothoid_length_m} m at "
            f"radius {radius_m} m: they alone turn {clothoid_length_m / radius_m:.4f} rad"
        )
    inner_lanes = lanes_left if angle_rad > 0 else lanes_right
    inner_width = inner_lanes * lane_width_m + (sidewalk_width_m if sidewalks else 0.0)
    if inner_width >= radius_m:
        raise ValueError(
            f"radius_m={radius_m} is too small: the road extends {inner_width} m towards the centre"
        )
    k = math.copysign(1.0 / radius_m, angle_rad)
    plan = PlanBuilder(Pose(0.0, 0.0, 0.0))
    if approach_length_m > 0:
        plan.line(approach_length_m)
    if clothoid_length_m > 0:
        plan.spiral(clothoid_length_m, 0.0, k)
    if arc_length > 0:
        plan.arc(arc_length, k)
    if clothoid_length_m > 0:
        plan.spiral(clothoid_length_m, k, 0.0)
    if approach_length_m > 0:
        plan.line(approach_length_m)
    return _one_road(
        plan,
        lanes_right=lanes_right,
        lanes_left=lanes_left,
        lane_width_m=lane_width_m,
        speed_limit_mps=speed_limit_mps,
        sidewalks=sidewalks,
        sidewalk_width_m=sidewalk_width_m,
        rule="RHT",
        road_type="rural",
        name="curve",
    )
