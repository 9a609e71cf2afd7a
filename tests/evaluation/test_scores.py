"""Driving score and closed-loop score against hand computations."""

from __future__ import annotations

import pytest

from gauntlet.evaluation.result import CriterionResult, Status
from gauntlet.evaluation.scores import score_scenario
from gauntlet.runner.single import RunOptions, run_scenario
from gauntlet.scenarios.loader import parse_scenario
from tests.evaluation.helpers import run, straight

FAIL, PASS = Status.FAIL, Status.PASS


def _result(name, status=PASS, actual=0.0, events=()):
    return CriterionResult(name, status, actual, 0.0, "", tuple(events))


def _collision(cls, at_fault=True):
    return {"time_s": 1.0, "other_class": cls, "at_fault": at_fault}


INFRACTIONS = [
    _result(
        "collision",
        FAIL,
        3.0,
        [_collision("pedestrian"), _collision("vehicle", False), _collision("static")],
    ),
    _result("red_light", FAIL, 1.0, [{"time_s": 2.0, "signal_id": "s"}]),
    _result("stop_sign", FAIL, 1.0, [{"time_s": 3.0, "signal_id": "stop"}]),
    _result("scenario_timeout", FAIL, None, [{"time_s": 60.0}]),
    _result("min_speed", FAIL, 50.0, [{"time_s": 5.0, "percentage": 50.0}]),
    _result("outside_route_lanes", FAIL, 10.0, [{"time_s": 4.0, "percentage": 10.0}]),
    _result("route_completion", FAIL, 80.0, [{"time_s": 60.0, "route_length_m": 1000.0}]),
]


def test_carla_driving_score_is_completion_times_the_product_of_penalties():
    scores = score_scenario(INFRACTIONS, {"sim_time_s": 60.0})
    # pedestrian, vehicle, static, red light, stop sign, timeout,
    # min speed at 50 %: 1 - 0.3 * 0.5, outside route lanes 10 %: 1 - 0.1.
    penalty = 0.50 * 0.60 * 0.65 * 0.70 * 0.80 * 0.70 * 0.85 * 0.90
    assert scores["infraction_penalty"] == pytest.approx(penalty)
    assert scores["route_completion"] == 80.0
    assert scores["driving_score"] == pytest.approx(80.0 * penalty)
    # 7 infractions over 0.8 km of route.
    assert scores["infractions"] == 7.0 and scores["route_km"] == pytest.approx(0.8)
    assert scores["infractions_per_km"] == pytest.approx(7.0 / 0.8)
    # An at-fault collision with a pedestrian zeroes the closed-loop score.
    assert scores["closed_loop_score"] == 0.0


def test_not_evaluated_results_are_no_infractions():
    quiet = [
        CriterionResult("stop_sign", Status.NOT_EVALUATED, None, 0.0, "count", ({"time_s": 0.0},)),
        CriterionResult("route_completion", PASS, 100.0, 80.0, "%", ()),
    ]
    scores = score_scenario(quiet, {"sim_time_s": 10.0, "distance_m": 100.0})
    assert scores["infraction_penalty"] == 1.0 and scores["driving_score"] == 100.0
    assert scores["route_km"] == pytest.approx(0.1)  # the odometer without a route length


def _closed_loop(extra, metrics=None):
    criteria = [
        _result("route_completion", PASS, 80.0),
        _result("speeding", FAIL, 3.0, [{"time_s": 1.0, "excess_integral_m": 22.3}]),
        *extra,
    ]
    return score_scenario(criteria, metrics or {"sim_time_s": 100.0, "min_ttc_s": 2.0})


def test_closed_loop_score_weighted_mean_by_hand():
    # TTC 1 (w 5), progress 0.8 (w 5), speed limit 1 - 22.3 / (2.23 * 100) = 0.9 (w 4), comfort 1 (w 2).
    scores = _closed_loop([])
    assert scores["closed_loop_score"] == pytest.approx((5 + 5 * 0.8 + 4 * 0.9 + 2) / 16)
    short_ttc = _closed_loop([], {"sim_time_s": 100.0, "min_ttc_s": 0.5})
    assert short_ttc["closed_loop_score"] == pytest.approx((5 * 0.8 + 4 * 0.9 + 2) / 16)
    uncomfortable = _closed_loop([_result("comfort", FAIL, 1.5)])
    assert uncomfortable["closed_loop_score"] == pytest.approx((5 + 5 * 0.8 + 4 * 0.9) / 16)


@pytest.mark.parametrize(
    ("extra", "gate"),
    [
        ([_result("collision", FAIL, 1.0, [_collision("static")])], 0.5),
        ([_result("collision", FAIL, 2.0, [_collision("static"), _collision("static")])], 0.0),
        ([_result("collision", FAIL, 1.0, [_collision("vehicle", at_fault=False)])], 1.0),
        ([_result("collision", FAIL, 1.0, [_collision("cyclist")])], 0.0),
        ([_result("off_road", FAIL, 0.5)], 0.0),
        ([_result("wrong_way", FAIL, 4.0, [{"time_s": 1, "max_window_distance_m": 4.0}])], 0.5),
        ([_result("wrong_way", FAIL, 9.0, [{"time_s": 1, "max_window_distance_m": 9.0}])], 0.0),
    ],
)
def test_closed_loop_multiplier_gates(extra, gate):
    base = (5 + 5 * 0.8 + 4 * 0.9 + 2) / 16
    assert _closed_loop(extra)["closed_loop_score"] == pytest.approx(gate * base)


def test_too_little_progress_zeroes_the_closed_loop_score():
    criteria = [_result("route_completion", FAIL, 15.0)]
    assert score_scenario(criteria, {"sim_time_s": 10.0})["closed_loop_score"] == 0.0


def test_the_runner_scores_every_run_from_its_monitors():
    text = straight(
        'initial: {position: {lane: {road: "1", lane: -1, s_m: 20}}, speed_mps: 15.9}',
        criteria="[collision]",
    )
    _, result = run(text)
    # Only the collision criterion decides the status; the scores see the speeding.
    assert result.status is Status.PASS and [c.name for c in result.criteria] == ["collision"]
    assert set(result.scores) >= {
        "driving_score",
        "route_completion",
        "infraction_penalty",
        "infractions_per_km",
        "closed_loop_score",
    }
    # 6 m of overspeed over 3 s: 1 - 6 / (2.23 * 3).
    speed_term = 1.0 - 6.0 / (2.23 * 3.0)
    progress = result.scores["route_completion"] / 100.0
    # TTC, progress, speed limit and comfort (steady driving is comfortable).
    expected = (5 + 5 * progress + 4 * speed_term + 2) / 16
    assert result.scores["closed_loop_score"] == pytest.approx(expected)


def test_error_results_have_no_scores():
    text = straight('initial: {position: {lane: {road: "1", lane: -1, s_m: 20}}, speed_mps: 5}')
    scenario = parse_scenario(text, file="t.yaml")
    result = run_scenario(
        scenario, RunOptions(stack="tests.runner.stacks_for_tests:Crashing", plots=False)
    )
    assert result.status is Status.ERROR and result.scores == {}
