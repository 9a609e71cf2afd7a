"""The reference stack's passing and speed-limit anticipation, on small roads and by numbers."""

from __future__ import annotations

import numpy as np
import pytest

from gauntlet.agents.passing import LateralMove, route_lane_changes
from gauntlet.evaluation.result import Status
from gauntlet.runner.single import RunOptions, simulate
from gauntlet.scenarios.loader import parse_scenario


def test_lateral_move_profiles():
    move = LateralMove(100.0, 200.0, 0.0, 4.0)
    assert move.offset(50.0) == 0.0 and move.offset(250.0) == 4.0
    # 3x^2 - 2x^3: 0.5 at the middle, 0.15625 a quarter of the way.
    assert move.offset(150.0) == pytest.approx(2.0)
    assert move.offset(125.0) == pytest.approx(4.0 * 0.15625)
    linear = LateralMove(0.0, 20.0, 3.75, 0.0, linear=True)
    assert linear.offset(5.0) == pytest.approx(3.75 * 0.75)
    np.testing.assert_allclose(
        move.offsets(np.array([50.0, 125.0, 150.0, 250.0])), [0.0, 0.625, 2.0, 4.0]
    )


def test_route_lane_changes_are_read_from_the_marks():
    class Info:
        route_s = np.arange(12.0)
        route_lane_change = np.array([0, 0, 1, 1, 1, 0, 0, -1, -1, 0, 0, 0], dtype=np.int8)

    changes = route_lane_changes(Info())  # type: ignore[arg-type]
    assert [(c.s0, c.s1, c.side) for c in changes] == [(2.0, 5.0, 1), (7.0, 9.0, -1)]


def _two_lane_road(ego_params: str, other: str, lane: int = -2) -> str:
    return f"""
name: passing_test
dt_s: 0.1
map: {{procedural: {{generator: straight, params: {{length_m: 1500, lanes_right: 2, lanes_left: 0, speed_limit_mps: 25.0}}}}}}
ego: {{params: {{{ego_params}}}}}
entities:
  - name: ego
    type: car
    initial: {{position: {{lane: {{road: "1", lane: {lane}, s_m: 20}}}}, speed_mps: 25}}
{other}
stop: {{duration_s: 40}}
criteria: [collision, off_road, speeding]
"""


SLOW_CAR = """  - name: slow
    type: truck
    initial: {position: {lane: {road: "1", lane: -2, s_m: 150}}, speed_mps: 12}
    behaviour: {cruise: {speed_mps: 12}}
"""


def test_a_passing_ego_overtakes_a_slow_vehicle_and_comes_back():
    scenario = parse_scenario(_two_lane_road("passing: true", SLOW_CAR), file="pass.yaml")
    world, result = simulate(scenario, RunOptions(plots=False))
    assert result.status is Status.PASS, result.criteria
    ego, slow = world.actor_id("ego"), world.actor_id("slow")
    # 40 s at 12 m/s from 150 m puts the truck at 630 m; the ego is well past it ...
    assert world.x[slow] == pytest.approx(630.0, abs=2.0)
    assert world.x[ego] > world.x[slow] + 100.0
    # ... and back in its own lane (centre at y = -1.5 lane widths) at the limit.
    assert world.y[ego] == pytest.approx(-5.25, abs=0.3)
    assert world.v[ego] == pytest.approx(25.0, abs=0.6)
    trace = world.recorder.trace()
    assert trace.data["y"][:, ego].max() > -2.0  # it went over to lane -1 (y = -1.75)


def test_without_passing_the_ego_follows():
    scenario = parse_scenario(_two_lane_road("passing: false", SLOW_CAR), file="follow.yaml")
    world, result = simulate(scenario, RunOptions(plots=False))
    assert result.status is Status.PASS, result.criteria
    ego, slow = world.actor_id("ego"), world.actor_id("slow")
    assert world.x[ego] < world.x[slow]
    assert world.v[ego] == pytest.approx(12.0, abs=0.5)


def test_a_closed_lane_is_passed_on_the_right_too():
    # A standing obstacle in the left lane: passing on the right is allowed past it.
    block = """  - name: block
    type: obstacle
    dimensions: {length_m: 2.5, width_m: 2.0}
    initial: {position: {lane: {road: "1", lane: -1, s_m: 300}}}
"""
    scenario = parse_scenario(_two_lane_road("passing: true", block, lane=-1), file="c.yaml")
    world, result = simulate(scenario, RunOptions(plots=False))
    assert result.status is Status.PASS, result.criteria
    ego = world.actor_id("ego")
    assert world.x[ego] > 500.0
    assert world.recorder.trace().data["y"][:, ego].min() < -4.5  # in lane -2 (y = -5.25)
    assert world.y[ego] == pytest.approx(-1.75, abs=0.3)


def _into_the_work_zone(params: str) -> str:
    # Road "4" (120 km/h) runs into the work-zone road "5" (80 km/h) at 360 m.
    return f"""
name: limit_ahead
dt_s: 0.1
map: {{procedural: {{generator: corridor, params: {{length_m: 3000}}}}}}
ego: {{params: {{{params}}}}}
entities:
  - name: ego
    type: car
    initial: {{position: {{lane: {{road: "2", lane: -2, s_m: 200}}}}, speed_mps: 33}}
    route: [{{lane: {{road: "6", lane: -2, s_m: 100}}}}]
stop: {{duration_s: 14}}
criteria: [speeding]
"""


def test_the_ego_slows_for_a_lower_limit_ahead():
    world, result = simulate(
        parse_scenario(_into_the_work_zone(""), file="limit.yaml"), RunOptions(plots=False)
    )
    assert result.status is Status.PASS, result.criteria
    trace = world.recorder.trace()
    x, v = trace.data["x"][:, 0], trace.data["speed"][:, 0]
    # The work zone starts at x = 200 + 10 + 410 + 100 = 720 m.
    entering = v[np.searchsorted(x, 720.0)]
    assert entering <= 80 / 3.6 + 0.5
    # It did not brake much earlier than it had to: 400 m before, still near 120 km/h.
    assert v[np.searchsorted(x, 320.0)] > 32.0


def test_without_anticipation_the_ego_speeds_into_the_work_zone():
    _, result = simulate(
        parse_scenario(_into_the_work_zone("limit_decel_mps2: 0"), file="late.yaml"),
        RunOptions(plots=False),
    )
    speeding = next(c for c in result.criteria if c.name == "speeding")
    assert speeding.status is Status.FAIL and speeding.actual > 3.0
