"""The composite route map: segment lengths, lane counts, speed limits, route and round trip."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gauntlet.maps import LaneKey, RoadNetwork
from gauntlet.maps.procedural import corridor, procedural_map
from gauntlet.maps.procedural.corridor import corridor_free_length

KMH = 1 / 3.6


@pytest.fixture(scope="module")
def net() -> RoadNetwork:
    return corridor(length_m=3000.0)


def _lanes(network: RoadNetwork, road: str) -> list[int]:
    return [len(section.right) for section in network.roads[road].lane_sections]


def test_free_stretch_takes_what_the_segments_leave():
    # 200 start + 10 junction + 150 + 60 + 200 merge area + 100 drop + 400 work zone
    # + 60 + 120 exit approach + 10 junction + (2 * 150 * 0.35 + 100) ramp + 250 arterial
    # + 2 * (3.5 + 6) crossroads + 150 east arm = 1934 m of fixed segments.
    assert corridor_free_length(3000.0) == pytest.approx(3000.0 - 1934.0)
    free = corridor_free_length(10_000.0, work_zone_m=600.0, arterial_m=300.0)
    assert free == pytest.approx(10_000.0 - 1934.0 - 200.0 - 50.0)


def test_segment_lengths_and_lane_counts(net):
    roads = net.roads
    expected_lengths = {
        "1": 200.0,
        "101": 10.0,
        "102": 10.0,
        "2": 410.0,
        "4": 100.0,
        "5": 400.0,
        "6": 1066.0,
        "7": 180.0,
        "201": 10.0,
        "202": 10.0,
        "8": 150.0,
        "9": 205.0,
        "10": 250.0,
        "11": 150.0,
        "305": 19.0,
    }
    for road_id, length in expected_lengths.items():
        assert roads[road_id].length == pytest.approx(length), road_id
    assert _lanes(net, "1") == [3]
    assert _lanes(net, "2") == [4, 4, 3]  # acceleration lane, its taper, then the main lanes
    assert _lanes(net, "4") == [3]  # the dropped lane tapers to nothing here
    assert _lanes(net, "5") == _lanes(net, "6") == [2]
    assert _lanes(net, "7") == [3]  # with the deceleration lane
    assert _lanes(net, "9") == [1]
    assert [len(s.left) for s in roads["10"].lane_sections] == [1]


def test_speed_limits_show_the_road_types(net):
    limit = {key: net.lane(key).speed_limit_mps for key in net.lanes}
    assert limit[LaneKey("1", 0, -1)] == pytest.approx(120 * KMH)
    assert limit[LaneKey("3", 0, -1)] == pytest.approx(80 * KMH)
    assert limit[LaneKey("5", 0, -2)] == pytest.approx(80 * KMH)
    assert limit[LaneKey("6", 0, -1)] == pytest.approx(120 * KMH)
    assert limit[LaneKey("9", 0, -1)] == pytest.approx(60 * KMH)
    assert limit[LaneKey("10", 0, -1)] == pytest.approx(50 * KMH)
    assert limit[LaneKey("11", 0, 1)] == pytest.approx(50 * KMH)
    assert net.roads["1"].types[0].type == "motorway"
    assert net.roads["10"].types[0].type == "town"


def test_lane_drop_and_deceleration_lane_widths(net):
    dropped = net.lane(LaneKey("4", 0, -3))
    assert dropped.width_at(0.0) == pytest.approx(3.75)
    # 3x^2 - 2x^3 at x = 1/2; lane s runs along the (slightly bent) centre line.
    assert dropped.width_at(dropped.s_at_road_s(50.0)) == pytest.approx(3.75 / 2)
    assert dropped.width_at(dropped.length) == pytest.approx(0.0, abs=1e-9)
    assert dropped.successors == ()
    decel = net.lane(LaneKey("7", 0, -3))
    assert decel.width_at(0.0) == pytest.approx(0.0, abs=1e-9)
    assert decel.width_at(decel.s_at_road_s(30.0)) == pytest.approx(3.75 / 2)
    assert decel.width_at(decel.s_at_road_s(100.0)) == pytest.approx(3.75)
    assert decel.successors == (LaneKey("202", 0, -1),)
    assert decel.left == LaneKey("7", 0, -2)


def test_route_from_the_motorway_to_the_town(net):
    route = net.route(LaneKey("1", 0, -3), LaneKey("11", 0, 1))
    roads = [key.road for key in route]
    assert roads[0] == "1" and roads[-1] == "11"
    for road_id in ("101", "2", "4", "5", "6", "7", "202", "9", "10", "305"):
        assert road_id in roads
    # From the dropped lane the way on leads over to lane -2 inside the lane drop; the
    # exit is taken from the deceleration lane, which only lane -2 borders.
    from_drop = net.route(LaneKey("4", 0, -3), LaneKey("11", 0, 1))
    assert from_drop[:3] == [LaneKey("4", 0, -3), LaneKey("4", 0, -2), LaneKey("5", 0, -2)]
    assert (LaneKey("7", 0, -2), LaneKey("7", 0, -3)) in set(zip(route, route[1:], strict=False))
    # Along the reference lines the route measures length_m.
    along = sum(net.roads[r].length for r in dict.fromkeys(roads))
    assert along == pytest.approx(3000.0)


def test_geometry_of_the_bend_ramp_and_crossroads(net):
    bend = 2 * 1500.0 * (1 - math.cos(0.1))  # S-bend: arc left, arc right
    free = net.roads["6"]
    x, y, heading = (float(np.ravel(v)[0]) for v in free.reference_pose(free.length))
    assert y == pytest.approx(bend)
    assert heading == pytest.approx(0.0, abs=1e-12)
    ramp = net.lane(LaneKey("9", 0, -1))
    drop = 2 * 150.0 * (1 - math.cos(0.35)) + 100.0 * math.sin(0.35)
    start, end = ramp.position(0.0), ramp.position(ramp.length)
    assert start[1] - end[1] == pytest.approx(drop)
    assert ramp.heading_at(ramp.length) == pytest.approx(0.0, abs=1e-12)
    approach = net.lane(LaneKey("10", 0, -1))
    assert np.hypot(*(approach.position(0.0) - end)) < 1e-9
    assert set(net.signals) == {"sig_north", "sig_east", "sig_south", "sig_west"}
    (key, stop_s), *_ = net.signals["sig_west"].stop_positions
    assert key == LaneKey("10", 0, -1) and stop_s == pytest.approx(250.0)


def test_round_trip_through_opendrive_keeps_every_number(tmp_path, net):
    path = tmp_path / "corridor.xodr"
    net.to_opendrive(path)
    again = RoadNetwork.from_opendrive(path)
    assert list(again.roads.values()) == list(net.roads.values())
    assert list(again.junctions.values()) == list(net.junctions.values())
    for road_id in ("2", "4", "5", "7", "9"):
        assert _lanes(again, road_id) == _lanes(net, road_id)
        assert again.roads[road_id].length == net.roads[road_id].length
    for key, lane in net.lanes.items():
        assert again.lane(key).speed_limit_mps == lane.speed_limit_mps
        assert again.lane(key).successors == lane.successors


def test_registered_and_validated():
    small = procedural_map("corridor", length_m=2000.0, lanes=2, curve_angle_rad=0.0)
    assert _lanes(small, "4") == [2] and _lanes(small, "5") == [1]
    with pytest.raises(ValueError, match="length_m=1500.0 is too short"):
        corridor(length_m=1500.0)
    with pytest.raises(ValueError, match="lanes must be an integer >= 2"):
        corridor(lanes=1)
    with pytest.raises(ValueError, match="work_zone_m must be > 0"):
        corridor(work_zone_m=0.0)
