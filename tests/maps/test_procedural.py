"""Procedural maps: connectivity, geometry, signals, validation and round trips."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gauntlet.maps import LaneKey, RoadNetwork, Spiral
from gauntlet.maps.procedural import (
    PROCEDURAL_MAPS,
    curve,
    highway,
    procedural_map,
    roundabout,
    straight,
    t_junction,
    x_junction,
)

from .helpers import angle_difference

VARIANTS = {
    "straight": {},
    "straight_sidewalks": {"lanes_right": 1, "lanes_left": 0, "sidewalks": True},
    "curve": {},
    "curve_right": {"radius_m": 60.0, "angle_rad": -2.0, "lanes_right": 2},
    "x_junction": {"signalised": True},
    "x_junction_two_lanes": {"lanes_per_direction": 2},
    "t_junction": {"signalised": True},
    "roundabout": {},
    "roundabout_five_arms_two_lanes": {"arms": 5, "lanes": 2, "radius_m": 30.0},
    "highway": {},
    "highway_without_ramp": {"on_ramp": False},
    "corridor": {},
    "corridor_short_two_lanes": {
        "length_m": 2000.0,
        "lanes": 2,
        "curve_angle_rad": 0.0,
        "work_zone_m": 150.0,
        "urban_lanes": 2,
    },
}


def build(variant: str) -> RoadNetwork:
    name = next(n for n in sorted(PROCEDURAL_MAPS, key=len, reverse=True) if variant.startswith(n))
    return procedural_map(name, **VARIANTS[variant])


@pytest.fixture(scope="module", params=sorted(VARIANTS))
def generated(request) -> RoadNetwork:
    return build(request.param)


def test_registry_names():
    assert set(PROCEDURAL_MAPS) == {
        "straight",
        "curve",
        "x_junction",
        "t_junction",
        "roundabout",
        "highway",
        "corridor",
    }
    with pytest.raises(KeyError, match="known maps: corridor, curve, highway"):
        procedural_map("maze")


def test_lanes_connect_continuously(generated):
    for key, lane in generated.lanes.items():
        end = lane.position(lane.length)
        end_heading = lane.heading_at(lane.length)
        for successor_key in lane.successors:
            successor = generated.lane(successor_key)
            assert key in successor.predecessors
            gap = float(np.hypot(*(end - successor.position(0.0))))
            assert gap < 0.05, (key, successor_key, gap)
            assert angle_difference(end_heading, successor.heading_at(0.0)) < 0.05, (
                key,
                successor_key,
            )


def test_round_trip_through_opendrive(generated):
    again = RoadNetwork.from_opendrive(generated.to_opendrive_string())
    assert list(again.roads.values()) == list(generated.roads.values())
    assert list(again.junctions.values()) == list(generated.junctions.values())
    assert again.signals == generated.signals
    for key, lane in generated.lanes.items():
        s = np.linspace(0.0, lane.length, 9)
        np.testing.assert_allclose(
            again.lane(key).position(s, 0.5), lane.position(s, 0.5), atol=1e-6, rtol=0
        )


def test_lane_centres_are_drivable_and_located(generated):
    for lane in generated.driving_lanes():
        s = np.linspace(0.0, lane.length, 13)
        points = lane.position(s)
        assert generated.on_drivable(points[:, 0], points[:, 1]).all(), lane.key
        middle = lane.position(lane.length / 2)
        found = generated.locate(*middle, heading=float(lane.heading_at(lane.length / 2)))
        assert found is not None and abs(found.t) < 1e-6, lane.key


def test_straight_road_numbers():
    net = straight(
        length_m=200.0, lanes_right=2, lanes_left=1, lane_width_m=3.0, speed_limit_mps=15.0
    )
    assert len(net.lanes) == 3
    outer = net.lane(LaneKey("1", 0, -2))
    assert outer.length == pytest.approx(200.0)
    assert outer.position(50.0) == pytest.approx([50.0, -4.5])
    assert outer.speed_limit_mps == 15.0
    assert net.lane(LaneKey("1", 0, 1)).position(0.0) == pytest.approx([200.0, 1.5])
    one_way = straight(lanes_right=2, lanes_left=0)
    assert all(lane.direction == 1 for lane in one_way.lanes.values())


def test_curve_turns_by_the_angle_with_clothoids():
    net = curve(
        radius_m=80.0, angle_rad=math.pi / 3, clothoid_length_m=20.0, approach_length_m=10.0
    )
    road = net.roads["1"]
    kinds = [type(g).__name__ for g in road.plan_view.geometries]
    assert kinds == ["Line", "Spiral", "Arc", "Spiral", "Line"]
    assert road.length == pytest.approx(10 + 20 + (80 * math.pi / 3 - 20) + 20 + 10)
    assert road.heading(road.length) == pytest.approx(math.pi / 3)
    first_spiral = road.plan_view.geometries[1]
    assert isinstance(first_spiral, Spiral)
    assert road.plan_view.curvature(np.array([10.0, 30.0, 50.0])) == pytest.approx(
        [0.0, 1 / 80, 1 / 80]
    )
    lane = net.lane(LaneKey("1", 0, -1))
    assert lane.heading_at(lane.length) == pytest.approx(math.pi / 3)
    # the lane length is the centre line's arc length: compare a fine polyline
    s = np.linspace(0.0, road.length, 200_001)
    centre = road.position(s, road.lane_center_t(0, -1, s))
    assert lane.length == pytest.approx(np.sum(np.hypot(*np.diff(centre, axis=0).T)), abs=1e-8)
    on_arc = lane.centerline.interpolate(lane.length / 2)
    assert on_arc.curvature == pytest.approx(1 / (80.0 + 1.75), rel=1e-4)


def test_curve_rejects_impossible_parameters():
    with pytest.raises(ValueError, match="too small for clothoids"):
        curve(radius_m=50.0, angle_rad=0.5, clothoid_length_m=30.0)
    with pytest.raises(ValueError, match="radius_m=3.0 is too small"):
        curve(radius_m=3.0, angle_rad=math.pi, clothoid_length_m=1.0)
    with pytest.raises(ValueError, match="lanes_right must be an integer >= 0"):
        straight(lanes_right=-1)
    with pytest.raises(ValueError, match="at least one lane"):
        straight(lanes_right=0, lanes_left=0)


def test_x_junction_routes_every_movement():
    net = x_junction(lanes_per_direction=1)
    arms = {"1": "north", "2": "east", "3": "south", "4": "west"}
    for origin in arms:
        for target in arms:
            if origin == target:
                continue
            route = net.route(LaneKey(origin, 0, -1), LaneKey(target, 0, 1))
            assert len(route) == 3
            assert net.roads[route[1].road].junction == "100"
    right_turn = net.route(LaneKey("3", 0, -1), LaneKey("2", 0, 1))[1]
    left_turn = net.route(LaneKey("3", 0, -1), LaneKey("4", 0, 1))[1]
    # the right turn hugs the corner: radius 6 + 1.75; the left turn is wider
    assert net.lane(right_turn).length == pytest.approx((6.0 + 1.75) * math.pi / 2)
    assert net.lane(left_turn).length == pytest.approx((9.5 + 1.75) * math.pi / 2)


def test_t_junction_layout_and_signals():
    net = t_junction(signalised=True, arm_length_m=50.0)
    assert sorted(net.roads) == ["104", "105", "106", "2", "3", "4"]
    assert sorted(net.signals) == ["sig_east", "sig_south", "sig_west"]
    south = net.signals["sig_south"]
    ((key, stop_s),) = south.stop_positions
    assert key == LaneKey("3", 0, -1) and stop_s == pytest.approx(50.0)
    # the stop line is at the junction entry, 3.5 + 6 m south of the centre
    assert net.lane(key).position(stop_s) == pytest.approx([1.75, -9.5])


def test_roundabout_is_counter_clockwise():
    net = roundabout(radius_m=20.0, arms=4)
    ring = net.lane(LaneKey("21", 0, -1))
    for s in np.linspace(0.0, ring.length, 5):
        x, y = ring.position(s)
        assert math.hypot(x, y) == pytest.approx(21.75)
        assert angle_difference(ring.heading_at(s), math.atan2(y, x) + math.pi / 2) < 1e-9
    for origin in range(1, 5):
        for target in range(1, 5):
            route = net.route(LaneKey(str(origin), 0, -1), LaneKey(str(target), 0, 1))
            assert route[1].road == f"10{origin}1" and route[-2].road == f"10{target}2"


def test_roundabout_validation():
    with pytest.raises(ValueError, match="too small"):
        roundabout(radius_m=2.0, lanes=2)
    with pytest.raises(ValueError, match="arms must be"):
        roundabout(arms=2)


def test_highway_acceleration_lane_ends():
    net = highway(lanes=3, on_ramp_s_m=300.0, merge_length_m=200.0, lane_width_m=3.75)
    full = net.lane(LaneKey("2", 0, -4))
    taper = net.lane(LaneKey("2", 1, -4))
    assert full.width_at(100.0) == pytest.approx(3.75)
    assert full.successors == (taper.key,)
    assert taper.width_at(0.0) == pytest.approx(3.75)
    assert taper.width_at(taper.length) == pytest.approx(0.0, abs=1e-12)
    assert taper.successors == ()
    assert (full.left, taper.left) == (LaneKey("2", 0, -3), LaneKey("2", 1, -3))
    assert LaneKey("2", 1, -4) not in {k for lane in net.lanes.values() for k in lane.predecessors}
    ramp = net.lane(LaneKey("3", 0, -1))
    assert ramp.heading_at(ramp.length) == pytest.approx(0.0, abs=1e-12)
    assert ramp.position(ramp.length) == pytest.approx([290.0, -3 * 3.75 - 1.875])
    assert ramp.heading_at(0.0) == pytest.approx(0.12)


def test_highway_validation():
    with pytest.raises(ValueError, match="does not end before"):
        highway(length_m=500.0, on_ramp_s_m=300.0, merge_length_m=200.0)
    with pytest.raises(ValueError, match="on_ramp_s_m must be > 10"):
        highway(on_ramp_s_m=5.0)
