"""First-order lag, range and rate limits of the actuator bank."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gauntlet.dynamics.actuators import ActuatorBank, lag_fractions, vehicle_actuators


def single_channel(*, lower=-10.0, upper=10.0, max_rate=np.inf, lag_s=0.0) -> ActuatorBank:
    return ActuatorBank(
        lower=np.array([[lower]]),
        upper=np.array([[upper]]),
        max_rate=np.array([[max_rate]]),
        lag_s=np.array([[lag_s]]),
    )


def run(bank: ActuatorBank, command: float, dt: float, steps: int) -> list[float]:
    value = np.zeros((1, 1))
    out = []
    for _ in range(steps):
        bank.advance(value, np.array([[command]]), dt)
        out.append(float(value[0, 0]))
    return out


def test_lag_reaches_63_percent_of_a_step_after_one_time_constant():
    tau = 0.5
    values = run(single_channel(lag_s=tau), command=1.0, dt=0.01, steps=50)
    assert values[-1] == pytest.approx(1.0 - math.exp(-1.0), rel=1e-12)
    assert values[-1] == pytest.approx(0.632, abs=5e-4)


def test_lag_discretisation_is_exact_for_any_step_length():
    fine = run(single_channel(lag_s=0.3), command=2.0, dt=0.01, steps=60)[-1]
    coarse = run(single_channel(lag_s=0.3), command=2.0, dt=0.05, steps=12)[-1]
    assert fine == pytest.approx(coarse, rel=1e-12)
    assert fine == pytest.approx(2.0 * (1.0 - math.exp(-0.6 / 0.3)), rel=1e-12)


def test_zero_lag_follows_the_command_at_once():
    assert run(single_channel(), command=3.0, dt=0.01, steps=1) == [3.0]


def test_command_is_clipped_to_the_range():
    assert run(single_channel(lower=-2.0, upper=1.5), command=7.0, dt=0.1, steps=3)[-1] == 1.5
    assert run(single_channel(lower=-2.0, upper=1.5), command=-7.0, dt=0.1, steps=3)[-1] == -2.0


def test_rate_limit_gives_a_linear_ramp_of_slope_max_rate():
    rate, dt = 0.5, 0.01
    values = run(single_channel(max_rate=rate), command=0.3, dt=dt, steps=100)
    # 0.3 / 0.5 = 0.6 s of ramp, i.e. 60 steps, then it holds the command.
    for k in range(59):
        assert values[k] == pytest.approx((k + 1) * rate * dt, rel=1e-12)
    assert values[59] == pytest.approx(0.3, rel=1e-12)
    assert values[-1] == pytest.approx(0.3, rel=1e-12)
    slopes = np.diff(values[:59]) / dt
    assert slopes == pytest.approx(np.full(58, rate), rel=1e-9)


def test_mean_over_a_step_of_a_pure_lag_is_exact():
    tau, dt, command = 0.2, 0.05, 1.0
    bank = single_channel(lag_s=tau)
    value = np.array([[0.25]])
    mean = bank.advance(value, np.array([[command]]), dt)
    # Mean of c + (a0 - c) exp(-t / tau) over [0, dt].
    expected = command + (0.25 - command) * tau / dt * (1.0 - math.exp(-dt / tau))
    assert mean[0, 0] == pytest.approx(expected, rel=1e-12)
    assert value[0, 0] == pytest.approx(command + (0.25 - command) * math.exp(-dt / tau), rel=1e-12)


def test_mean_over_a_step_of_a_rate_limited_ramp_is_half_the_change():
    bank = single_channel(max_rate=2.0)
    value = np.array([[0.0]])
    mean = bank.advance(value, np.array([[5.0]]), 0.1)
    assert value[0, 0] == pytest.approx(0.2)
    assert mean[0, 0] == pytest.approx(0.1)


def test_lag_fractions_without_lag_are_one():
    end, mean = lag_fractions(np.array([0.0, 0.1]), 0.01)
    assert end[0] == 1.0 and mean[0] == 1.0
    assert end[1] == pytest.approx(1.0 - math.exp(-0.1))
    assert mean[1] == pytest.approx(1.0 - 10.0 * (1.0 - math.exp(-0.1)))


def test_channels_and_actors_are_independent():
    bank = vehicle_actuators(
        max_steer_rad=np.array([0.5, 0.6]),
        max_steer_rate_radps=np.array([1.0, np.inf]),
        steer_lag_s=np.array([0.0, 0.0]),
        max_accel_mps2=np.array([2.0, 3.0]),
        max_decel_mps2=np.array([8.0, 9.0]),
        accel_lag_s=np.array([0.0, 0.0]),
    )
    assert bank.shape == (2, 2)
    value = np.zeros((2, 2))  # rows: steer, accel; columns: actors
    bank.advance(value, np.array([[1.0, 1.0], [-20.0, 20.0]]), 0.1)
    assert value.tolist() == [[pytest.approx(0.1), 0.6], [-8.0, 3.0]]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"lower": 1.0, "upper": 0.0}, "lower limit"),
        ({"max_rate": 0.0}, "max_rate"),
        ({"lag_s": -0.1}, "lag_s"),
        ({"lag_s": np.inf}, "lag_s"),
    ],
)
def test_inconsistent_limits_are_rejected(kwargs, message):
    with pytest.raises(ValueError, match=message):
        single_channel(**kwargs)
