"""Route completion, goal timeout, blocking and keeping up with traffic."""

from __future__ import annotations

import pytest

from gauntlet.evaluation.result import Status
from tests.evaluation.helpers import criterion, run, straight

EGO = 'initial: {{position: {{lane: {{road: "1", lane: -1, s_m: 20}}}}, speed_mps: {speed}}}'
GOAL = '{lane: {road: "1", lane: -1, s_m: 50}}'


def test_route_completion_against_the_distance_at_the_limit():
    # 5 s at 10 m/s is 50 m; at the 13.9 m/s limit the route reaches 69.5 m: 71.9 %.
    text = straight(EGO.format(speed=10), criteria="[route_completion]", duration_s=5)
    c = criterion(run(text)[1], "route_completion")
    assert c.actual == pytest.approx(100.0 * 50.0 / (5 * 13.9))
    assert c.status is Status.FAIL  # under the default 80 %
    assert c.events[0]["route_length_m"] == pytest.approx(5 * 13.9)


def test_route_completion_to_a_reach_goal():
    text = straight(
        EGO.format(speed=10),
        criteria=f"[route_completion, reach: {{position: {GOAL}}}]",
        duration_s=2,
    )
    c = criterion(run(text)[1], "route_completion")
    # 20 m of the 30 m to the goal.
    assert c.actual == pytest.approx(100.0 * 20.0 / 30.0)
    reached = criterion(run(text.replace("duration_s: 2", "duration_s: 4"))[1], "route_completion")
    assert reached.actual == 100.0 and reached.status is Status.PASS


def test_scenario_timeout():
    slow = straight(
        EGO.format(speed=5),
        criteria=f"[scenario_timeout: {{position: {GOAL}}}]",
        duration_s=4,
    )
    c = criterion(run(slow)[1], "scenario_timeout")
    assert c.status is Status.FAIL and c.threshold == 4.0
    fast = criterion(run(slow.replace("speed_mps: 5", "speed_mps: 10"))[1], "scenario_timeout")
    # Within 3 m of the goal 30 m ahead: 2.7 s at 10 m/s.
    assert fast.status is Status.PASS and fast.actual == pytest.approx(2.7, abs=0.05)


def test_scenario_timeout_without_a_goal_is_not_evaluated():
    text = straight(EGO.format(speed=5), criteria="[scenario_timeout]")
    assert criterion(run(text)[1], "scenario_timeout").status is Status.NOT_EVALUATED


def test_blocked_when_standing_longer_than_allowed():
    text = straight(EGO.format(speed=0), criteria="[blocked: {max_duration_s: 3}]", duration_s=5)
    c = criterion(run(text)[1], "blocked")
    assert c.status is Status.FAIL and c.actual == pytest.approx(5.0)
    text = text.replace("max_duration_s: 3", "max_duration_s: 6")
    assert criterion(run(text)[1], "blocked").status is Status.PASS


def test_min_speed_half_as_fast_as_traffic():
    # The ego covers 50 m of the 139 m route in 10 s: one checkpoint (at 34.75 m),
    # where it drove at 5 m/s beside a car at 10 m/s: 50 %.
    other = (
        "  - {name: car, type: car, behaviour: {cruise: {speed_mps: 10}}, "
        'initial: {position: {lane: {road: "1", lane: 1, s_m: 500}}, speed_mps: 10}}'
    )
    text = straight(EGO.format(speed=5), others=other, criteria="[min_speed]", duration_s=10)
    c = criterion(run(text)[1], "min_speed")
    assert c.status is Status.FAIL
    (event,) = c.events
    assert event["percentage"] == pytest.approx(50.0)
    assert event["time_s"] == pytest.approx(34.75 / 5.0, abs=0.05)


def test_min_speed_alone_on_the_road_passes():
    text = straight(EGO.format(speed=5), criteria="[min_speed]", duration_s=10)
    c = criterion(run(text)[1], "min_speed")
    assert c.status is Status.PASS and c.actual == 100.0
