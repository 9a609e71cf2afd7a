"""Traffic-rule criteria against hand-built situations with numbers checked by hand."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from gauntlet.evaluation.result import Status
from gauntlet.maps.model import Signal
from gauntlet.maps.network import RoadNetwork
from gauntlet.maps.procedural import procedural_map
from tests.evaluation.helpers import CAR_LENGTH_M, CAR_WIDTH_M, NO_LAG, criterion, run, straight

LANE = 'initial: {position: {lane: {road: "1", lane: -1, s_m: 20}}, speed_mps: 10}'


def test_speeding_two_over_the_limit_for_three_seconds():
    text = straight(
        'initial: {position: {lane: {road: "1", lane: -1, s_m: 20}}, speed_mps: 15.9}',
        criteria="[speeding]",
    )
    _, result = run(text)
    c = criterion(result, "speeding")
    assert c.status is Status.FAIL
    assert c.actual == pytest.approx(2.0)
    assert sum(e["duration_s"] for e in c.events) == pytest.approx(3.0)
    assert c.events[0]["excess_integral_m"] == pytest.approx(6.0)


def test_speeding_within_tolerance_passes():
    text = straight(LANE.replace("10}", "14.2}"), criteria="[speeding: {tolerance_mps: 0.5}]")
    c = criterion(run(text)[1], "speeding")
    assert c.status is Status.PASS and c.actual == pytest.approx(0.3)


def test_red_light_run_by_a_stack_that_ignores_lights():
    text = f"""
gauntlet: 1
name: red
map: {{procedural: {{generator: x_junction, params: {{arm_length_m: 100, signalised: true}}}}}}
ego: {{stack: "tests.evaluation.helpers:Constant", params: {{accel_mps2: 1.0}}}}
entities:
  - name: ego
    type: car
    {NO_LAG}
    initial: {{position: {{lane: {{road: "3", lane: -1, s_m: 20}}}}, speed_mps: 10}}
    route: [{{lane: {{road: "1", lane: 1, s_m: 50}}}}]
storyboard:
  - {{name: red, trigger: {{simulation_time: 0}}, actions: [{{traffic_light: {{signal: sig_south, state: red}}}}]}}
stop: {{duration_s: 8}}
criteria: [red_light]
"""
    world, result = run(text)
    c = criterion(result, "red_light")
    assert c.status is Status.FAIL and c.actual == 1.0
    (event,) = c.events
    assert event["signal_id"] == "sig_south"
    # The stop line is 80 m ahead of the centre; the front bumper passes it when
    # 10 t + t^2 / 2 = 80 - L / 2.
    crossing = -10.0 + math.sqrt(100.0 + 2.0 * (80.0 - 0.5 * CAR_LENGTH_M))
    assert event["time_s"] == pytest.approx(crossing, abs=world.dt)


def test_the_reference_stack_stops_at_red(repo_root):
    text = (repo_root / "scenarios" / "smoke" / "signal_red_stop.yaml").read_text()
    _, result = run(text.replace("  - off_road: {}", "  - off_road: {}\n  - red_light"))
    assert criterion(result, "red_light").status is Status.PASS
    assert result.scores["infractions"] == 0.0


def test_wrong_way_on_a_lane_against_its_direction():
    ego = 'initial: {position: {lane: {road: "1", lane: 1, s_m: 300, heading_rad: 3.141592653589793}}, speed_mps: 10}'
    c = criterion(run(straight(ego, criteria="[wrong_way]"))[1], "wrong_way")
    assert c.status is Status.FAIL
    assert c.actual == pytest.approx(30.0)
    (event,) = c.events
    assert event["duration_s"] == pytest.approx(3.0)
    assert event["max_window_distance_m"] == pytest.approx(10.0)


def test_wrong_way_shorter_than_the_minimum_is_tolerated():
    ego = 'initial: {position: {lane: {road: "1", lane: 1, s_m: 300, heading_rad: 3.141592653589793}}, speed_mps: 10}'
    text = straight(ego, criteria="[wrong_way: {min_duration_s: 5}]")
    assert criterion(run(text)[1], "wrong_way").status is Status.PASS


# Steer left for 1 s and back for 1 s at 10 m/s: about 3.7 m to the left, into the oncoming lane.
OVERTAKE = "{plan: [[1, 0, 0.05], [2, 0, -0.05], [99, 0, 0]]}"


def test_driving_in_the_oncoming_lane_is_wrong_way_and_a_lane_departure():
    text = straight(
        LANE,
        criteria="[wrong_way, lane_departure, outside_route_lanes]",
        stack="Piecewise",
        params=OVERTAKE,
        duration_s=6,
    )
    world, result = run(text)
    wrong = criterion(result, "wrong_way")
    assert wrong.status is Status.FAIL
    assert 20.0 < wrong.actual < 45.0
    assert 1.0 < wrong.events[0]["time_s"] < 3.0
    departure = criterion(result, "lane_departure")
    assert departure.status is Status.FAIL
    assert departure.events[0]["side"] == "left" and departure.actual > 4.0
    outside = criterion(result, "outside_route_lanes")
    # Nearly all the route covered in the oncoming lane counts; the ego drives straight.
    assert outside.actual == pytest.approx(100.0 * wrong.actual / 60.0, rel=0.1)


@pytest.mark.parametrize(("offset", "departed"), [(1.5, True), (1.0, False)])
def test_lane_departure_at_a_fixed_offset(offset, departed):
    ego = f'initial: {{position: {{lane: {{road: "1", lane: -1, s_m: 20, offset_m: {offset}}}}}, speed_mps: 10}}'
    c = criterion(run(straight(ego, criteria="[lane_departure]"))[1], "lane_departure")
    # Allowed: half the lane (1.75) - half the car + 0.3 m of tolerance.
    assert (offset > 1.75 - CAR_WIDTH_M / 2 + 0.3) is departed
    assert (c.status is Status.FAIL) is departed
    if departed:
        assert c.actual == pytest.approx(3.0)
        assert c.events[0]["max_offset_m"] == pytest.approx(offset, abs=1e-6)


def _stop_sign_map(tmp_path):
    net = procedural_map("straight", length_m=300.0, lanes_right=1, lanes_left=1)
    road = replace(
        net.roads["1"],
        signals=(
            Signal(
                id="stop_1", road="1", s=100.0, t=-4.0, orientation="+", dynamic=False, type="206"
            ),
        ),
    )
    RoadNetwork([road]).to_opendrive(tmp_path / "stop.xodr")


def _stop_scenario(start_s: float, speed: float, accel: float) -> str:
    return f"""
gauntlet: 1
name: stop
map: {{opendrive: stop.xodr}}
ego: {{stack: "tests.evaluation.helpers:Constant", params: {{accel_mps2: {accel}}}}}
entities:
  - {{name: ego, type: car, {NO_LAG}, initial: {{position: {{lane: {{road: "1", lane: -1, s_m: {start_s}}}}}, speed_mps: {speed}}}}}
stop: {{duration_s: 6}}
criteria: [stop_sign]
"""


def test_rolling_through_a_stop_sign_fails(tmp_path):
    _stop_sign_map(tmp_path)
    c = criterion(run(_stop_scenario(60, 10, 0), tmp_path=tmp_path)[1], "stop_sign")
    assert c.status is Status.FAIL
    (event,) = c.events
    assert event["signal_id"] == "stop_1" and event["min_speed_mps"] == pytest.approx(10.0)
    # The front bumper reaches s = 100 when the centre has covered 40 - L / 2.
    assert event["time_s"] == pytest.approx((40.0 - CAR_LENGTH_M / 2) / 10.0, abs=0.05)


def test_starting_from_rest_at_a_stop_sign_passes(tmp_path):
    _stop_sign_map(tmp_path)
    # Front bumper 2 m before the line, standing.
    start = 100.0 - 2.0 - CAR_LENGTH_M / 2
    c = criterion(run(_stop_scenario(start, 0, 2), tmp_path=tmp_path)[1], "stop_sign")
    assert c.status is Status.PASS and c.actual == 0.0


def test_stop_sign_is_not_evaluated_without_signs():
    c = criterion(run(straight(LANE, criteria="[stop_sign]"))[1], "stop_sign")
    assert c.status is Status.NOT_EVALUATED
