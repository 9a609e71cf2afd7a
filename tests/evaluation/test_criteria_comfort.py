"""Comfort criteria on known accelerations and turns, and the stack latency hand-over."""

from __future__ import annotations

import math

import pytest

from gauntlet.evaluation.result import Status
from tests.evaluation.helpers import criterion, run, straight

EGO = 'initial: {position: {lane: {road: "1", lane: -1, s_m: 20}}, speed_mps: 10}'
WHEELBASE_M = 2.8


def test_jerk_of_an_acceleration_step():
    # 0 -> 3 m/s^2 at t = 1 s: over a 0.5 s window the jerk is 3 / 0.5 = 6 m/s^3.
    text = straight(
        EGO,
        stack="Piecewise",
        params="{plan: [[1, 0, 0], [99, 3, 0]]}",
        criteria="[max_jerk, {max_jerk: {window_s: 0.25}}, comfort]",
    )
    _, result = run(text)
    default, short = result.criteria[:2]
    assert default.status is Status.FAIL and default.actual == pytest.approx(6.0)
    assert default.events[0]["time_s"] == pytest.approx(1.05)
    assert short.actual == pytest.approx(12.0)
    comfort = criterion(result, "comfort")
    assert comfort.status is Status.FAIL
    assert {e["quantity"] for e in comfort.events} == {"lon_accel_max", "lon_jerk"}
    assert comfort.actual == pytest.approx(6.0 / 4.13)


def test_lateral_acceleration_and_yaw_rate_of_a_steady_turn():
    # The point-mass car turns at v tan(delta) / wheelbase.
    text = straight(
        EGO,
        params="{steer_rad: 0.1}",
        criteria="[max_yaw_rate, max_lateral_accel: {threshold_mps2: 3.0}]",
        duration_s=2,
    )
    _, result = run(text)
    yaw_rate = 10.0 * math.tan(0.1) / WHEELBASE_M
    rate, lateral = result.criteria
    assert rate.status is Status.PASS and rate.actual == pytest.approx(yaw_rate, rel=1e-6)
    assert lateral.status is Status.FAIL and lateral.actual == pytest.approx(
        10.0 * yaw_rate, rel=1e-6
    )


def test_steady_driving_is_comfortable():
    c = criterion(run(straight(EGO, criteria="[comfort]"))[1], "comfort")
    assert c.status is Status.PASS and c.actual == 0.0


def test_stack_latency_percentile_from_the_runner():
    text = straight(EGO, criteria="[stack_latency: {threshold_ms: 5}]", duration_s=0.5).replace(
        "tests.evaluation.helpers:Constant", "tests.runner.stacks_for_tests:Slow"
    )
    c = criterion(run(text)[1], "stack_latency")
    assert c.status is Status.FAIL and c.actual >= 20.0


def test_stack_latency_without_timed_steps_is_not_evaluated():
    text = straight(EGO, criteria="[stack_latency]").replace(
        '"tests.evaluation.helpers:Constant"', "scenario"
    )
    assert criterion(run(text)[1], "stack_latency").status is Status.NOT_EVALUATED


def test_a_run_shorter_than_the_comfort_window_is_scored():
    import numpy as np

    from gauntlet.evaluation.criteria.base import windowed_difference

    t = np.array([0.0, 0.05])
    # Shorter than the 0.5 s window: the first sample stands in for f(t - w).
    assert windowed_difference(np.array([0.0, 1.0]), t, 0.5).tolist() == [0.0, 2.0]
