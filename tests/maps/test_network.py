"""Network queries: locate, lane_at, on_drivable, bounds, routing, signals, speed."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from gauntlet.maps import (
    LaneKey,
    LaneSection,
    Line,
    PlanView,
    Road,
    RoadLink,
    RoadNetwork,
    RoutingError,
)
from gauntlet.maps.procedural import highway, straight, x_junction

from .helpers import lane_def


@pytest.fixture(scope="module")
def ncap_x_path(osc_ncap_dir: Path) -> Path:
    return osc_ncap_dir / "OpenDRIVE" / "NCAP" / "X-Intersection_NCAP.xodr"


@pytest.fixture(scope="module")
def ncap_x(ncap_x_path: Path) -> RoadNetwork:
    return RoadNetwork.from_opendrive(ncap_x_path)


def test_on_drivable_on_lane_centres_and_not_off_road(ncap_x):
    for lane in ncap_x.driving_lanes():
        line = lane.centerline
        assert ncap_x.on_drivable(line.x, line.y).all(), lane.key
    # 20 m beside road 0 (its outermost border lane ends 9 m from the centre line)
    x = np.linspace(0.0, 240.0, 50)
    assert not ncap_x.on_drivable(x, np.full_like(x, 20.0 + 9.0)).any()
    assert not ncap_x.on_drivable(x, np.full_like(x, -29.0)).any()
    # border lanes are not drivable, the junction area is
    assert not ncap_x.on_drivable(100.0, 6.0)
    assert ncap_x.on_drivable(261.5, 0.0)
    assert not ncap_x.on_drivable(np.array([-1e6, 1e12, 100.0]), np.array([0.0, 0.0, -1e9])).any()


def test_on_drivable_keeps_the_input_shape(ncap_x):
    x = np.full((3, 4), 100.0)
    assert ncap_x.on_drivable(x, np.zeros((3, 4))).shape == (3, 4)
    assert ncap_x.on_drivable(100.0, 0.0).shape == ()


def test_locate_prefers_the_matching_heading(ncap_x):
    east = ncap_x.locate(100.0, -1.0)
    assert east.key == LaneKey("0", 0, -1)
    assert (east.s, east.t) == pytest.approx((100.0, 0.75))
    west = ncap_x.locate(100.0, 2.0, heading=np.pi)
    assert west.key == LaneKey("0", 0, 1)
    assert (west.s, west.t) == pytest.approx((150.0, -0.25))  # north is the driver's right
    assert ncap_x.locate(100.0, 6.0) is None  # border lane
    assert ncap_x.locate(100.0, 40.0) is None
    # at the junction entry, the straight and the turning lanes overlap; heading decides
    left_turn = ncap_x.locate(251.0, -1.75, heading=0.2)
    straight_on = ncap_x.locate(251.0, -1.75, heading=0.0)
    assert left_turn.key.road in {"4", "8"} and straight_on.key.road in {"4", "8"}


def test_lane_at_converts_road_coordinates():
    net = highway(lanes=2, on_ramp_s_m=300.0, merge_length_m=200.0)
    # road "2" starts at x = 300; the taper section covers road s 200 to 260
    key, s = net.lane_at("2", -3, 250.0)
    assert key == LaneKey("2", 1, -3)
    assert s == pytest.approx(50.0, abs=0.05)  # the tapering lane's centre drifts sideways
    assert net.lane(key).road_s(s) == pytest.approx(250.0)
    assert net.lane(key).position(s) == pytest.approx(net.roads["2"].lane_position(-3, 250.0))
    key, s = net.lane_at("2", -1, 450.0)
    assert key == LaneKey("2", 2, -1) and s == pytest.approx(190.0)
    with pytest.raises(KeyError, match="no lane -3 at s=400"):
        net.lane_at("2", -3, 400.0)
    with pytest.raises(KeyError, match="no road 'nope'"):
        net.lane_at("nope", -1, 0.0)


def test_bounds(ncap_x):
    x_min, y_min, x_max, y_max = ncap_x.bounds()
    assert (x_min, y_min, x_max, y_max) == pytest.approx((0.0, -261.5, 523.0, 261.5))


def test_route_across_the_ncap_junction(ncap_x):
    west_in = LaneKey("0", 0, -1)
    assert ncap_x.route(west_in, LaneKey("2", 0, -1)) == [
        west_in,
        LaneKey("8", 0, -1),
        LaneKey("2", 0, -1),
    ]
    # right turn to the south arm, left turn to the north arm
    assert ncap_x.route(west_in, LaneKey("3", 0, 1)) == [
        west_in,
        LaneKey("7", 0, 1),
        LaneKey("3", 0, 1),
    ]
    assert ncap_x.route(west_in, LaneKey("1", 0, 1)) == [
        west_in,
        LaneKey("4", 0, -1),
        LaneKey("1", 0, 1),
    ]


def test_unreachable_goal_names_both_lanes(ncap_x):
    with pytest.raises(RoutingError, match=r"no route from lane 0/0/1 to lane 2/0/-1"):
        ncap_x.route(LaneKey("0", 0, 1), LaneKey("2", 0, -1))
    with pytest.raises(RoutingError, match="goal lane 0/0/2 is not a drivable lane"):
        ncap_x.route(LaneKey("0", 0, -1), LaneKey("0", 0, 2))


def test_route_uses_lane_changes():
    net = straight(length_m=200.0, lanes_right=3, lanes_left=0)
    route = net.route(LaneKey("1", 0, -1), LaneKey("1", 0, -3))
    assert route == [LaneKey("1", 0, -1), LaneKey("1", 0, -2), LaneKey("1", 0, -3)]
    assert net.graph.route_length(route) == pytest.approx(40.0)


def test_route_from_the_on_ramp_merges_left():
    net = highway(lanes=3)
    route = net.route(LaneKey("3", 0, -1), LaneKey("2", 2, -1))
    assert route[:3] == [LaneKey("3", 0, -1), LaneKey("102", 0, -1), LaneKey("2", 0, -4)]
    assert LaneKey("2", 0, -3) in route or LaneKey("2", 1, -3) in route
    assert route[-1] == LaneKey("2", 2, -1)


def test_signals_resolve_to_stop_positions():
    net = x_junction(signalised=True, lanes_per_direction=2)
    assert sorted(net.signals) == ["sig_east", "sig_north", "sig_south", "sig_west"]
    signal = net.signals["sig_west"]
    assert signal.road == "4" and signal.dynamic
    keys = [key for key, _ in signal.stop_positions]
    assert keys == [LaneKey("4", 0, -1), LaneKey("4", 0, -2)]
    for key, s in signal.stop_positions:
        assert s == pytest.approx(net.lane(key).length)


def test_signal_without_validity_uses_its_orientation():
    body = """<OpenDRIVE><header revMajor="1" revMinor="6"/>
    <road id="1" length="50" junction="-1"><planView><geometry s="0" x="0" y="0" hdg="0" length="50">
    <line/></geometry></planView><lanes><laneSection s="0">
    <left><lane id="1" type="driving"><width sOffset="0" a="3" b="0" c="0" d="0"/></lane></left>
    <center><lane id="0" type="none"/></center>
    <right><lane id="-1" type="driving"><width sOffset="0" a="3" b="0" c="0" d="0"/></lane>
    <lane id="-2" type="driving"><width sOffset="0" a="3" b="0" c="0" d="0"/></lane>
    <lane id="-3" type="sidewalk"><width sOffset="0" a="2" b="0" c="0" d="0"/></lane></right>
    </laneSection></lanes><signals>
    <signal id="a" s="40" t="-7" orientation="+" dynamic="yes" type="1000001" subtype="-1" zOffset="0"/>
    <signal id="b" s="40" t="3" orientation="none" dynamic="yes" type="1000001" subtype="-1" zOffset="0"/>
    </signals></road></OpenDRIVE>"""
    net = RoadNetwork.from_opendrive(body)
    assert net.signals["a"].stop_positions == (
        (LaneKey("1", 0, -1), pytest.approx(40.0)),
        (LaneKey("1", 0, -2), pytest.approx(40.0)),
    )
    assert [key.lane for key, _ in net.signals["b"].stop_positions] == [1, -1, -2]
    assert dict(net.signals["b"].stop_positions)[LaneKey("1", 0, 1)] == pytest.approx(10.0)


def test_construction_and_on_drivable_are_fast(ncap_x_path, ncap_x):
    best = min(_timed(lambda: RoadNetwork.from_opendrive(ncap_x_path)) for _ in range(3))
    assert best < 0.5
    rng = np.random.default_rng(0)
    x, y = rng.uniform(0.0, 500.0, 50), rng.uniform(-250.0, 250.0, 50)
    ncap_x.on_drivable(x, y)
    calls = 2000
    start = time.perf_counter()
    for _ in range(calls):
        ncap_x.on_drivable(x, y)
    per_call = (time.perf_counter() - start) / calls
    assert per_call < 50e-6  # typically a few microseconds


def _timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def test_references_are_checked():
    road = straight().roads["1"]
    with pytest.raises(ValueError, match="successor refers to unknown road '9'"):
        RoadNetwork([replace(road, successor=RoadLink("road", "9", "start"))])
    with pytest.raises(ValueError, match="duplicate road id '1'"):
        RoadNetwork([road, road])


def test_end_to_end_road_link_and_sections_without_links():
    def lane(lane_id, successors=()):
        return replace(lane_def(lane_id), successors=successors)

    east = Road(
        id="A",
        length=100.0,
        plan_view=PlanView((Line(s=0.0, x=0.0, y=0.0, hdg=0.0, length=100.0),)),
        lane_sections=(
            LaneSection(0.0, left=(lane(1),), right=(lane(-1),)),
            # no links between the two sections: the lanes continue by id; lane -2 starts here
            LaneSection(40.0, left=(lane(1),), right=(lane(-1, (1,)), lane(-2))),
        ),
        successor=RoadLink("road", "B", "end"),
    )
    # road B runs west, from x = 200 back to x = 100: its end touches A's end
    west = Road(
        id="B",
        length=100.0,
        plan_view=PlanView((Line(s=0.0, x=200.0, y=0.0, hdg=np.pi, length=100.0),)),
        lane_sections=(LaneSection(0.0, left=(lane(1),), right=(lane(-1),)),),
        successor=RoadLink("road", "A", "end"),
    )
    net = RoadNetwork([east, west])
    assert net.lane(LaneKey("A", 0, -1)).successors == (LaneKey("A", 1, -1),)
    assert net.lane(LaneKey("A", 1, 1)).successors == (LaneKey("A", 0, 1),)
    assert net.lane(LaneKey("A", 1, -2)).predecessors == ()
    assert net.lane(LaneKey("A", 1, -1)).successors == (LaneKey("B", 0, 1),)
    # B's right lane drives west; B's link (declared on B only, without lane ids) adds nothing
    assert net.lane(LaneKey("B", 0, -1)).successors == ()
    eastbound = net.lane(LaneKey("B", 0, 1))
    assert eastbound.direction == -1
    assert eastbound.position(0.0) == pytest.approx([100.0, -1.75])
    assert eastbound.heading_at(0.0) == pytest.approx(0.0)
    route = net.route(LaneKey("A", 0, -1), LaneKey("B", 0, 1))
    assert route == [LaneKey("A", 0, -1), LaneKey("A", 1, -1), LaneKey("B", 0, 1)]
