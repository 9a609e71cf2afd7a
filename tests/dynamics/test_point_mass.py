"""Point mass: friction circle and exact speed profile."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gauntlet.dynamics import GRAVITY_MPS2, PointMass, PointMassParams, PointMassState, preset

from .helpers import fit_circle


def single(state: PointMassState, **params) -> tuple[PointMass, np.ndarray]:
    model = PointMass([PointMassParams(**params)])
    return model, model.pack([state])


def test_yaw_rate_inside_the_friction_circle_is_applied_unchanged():
    model, state = single(PointMassState(0.0, 0.0, 0.0, 10.0))
    model.step(state, np.array([[0.0, 0.5]]), 0.01)  # 5 m/s^2 < 9.81 m/s^2
    assert state[0, 4] == 0.5
    assert model.yaw_rate(state)[0] == 0.5


def test_friction_circle_limits_the_turn_radius_to_v_squared_over_a_max():
    a_max = 1.0 * GRAVITY_MPS2
    model, state = single(PointMassState(0.0, 0.0, 0.0, 20.0), max_total_accel_mps2=a_max)
    points = []
    for _ in range(1000):
        model.step(state, np.array([[0.0, 1.0]]), 0.01)  # asks for 20 m/s^2 sideways
        points.append(state[0, :2].copy())
    assert state[0, 4] == pytest.approx(a_max / 20.0, rel=1e-12)
    centre, radius = fit_circle(np.array(points))
    assert radius == pytest.approx(20.0**2 / a_max, rel=1e-9)
    assert centre == pytest.approx([0.0, 20.0**2 / a_max], abs=1e-6)


def test_combined_demand_is_scaled_onto_the_circle_keeping_its_direction():
    model = PointMass([PointMassParams(max_total_accel_mps2=8.0)])
    speed = np.array([20.0])
    accel, yaw_rate = model.limited_controls(speed, np.array([[-6.0, 0.4]]), 0.01)
    # The lateral part uses the larger of the start and end speeds (20 m/s here).
    demand = math.hypot(-6.0, 20.0 * 0.4)  # 10 m/s^2
    assert accel[0] == pytest.approx(-6.0 * 8.0 / demand)
    assert yaw_rate[0] == pytest.approx(0.4 * 8.0 / demand)
    assert math.hypot(accel[0], 20.0 * yaw_rate[0]) == pytest.approx(8.0)


def test_acceleration_is_clipped_before_the_friction_circle():
    model = PointMass(
        [PointMassParams(max_accel_mps2=2.0, max_decel_mps2=6.0, max_yaw_rate_radps=0.3)]
    )
    accel, yaw_rate = model.limited_controls(
        np.array([0.0, 0.0]), np.array([[5.0, 1.0], [-9.0, -1.0]]), 0.1
    )
    assert accel.tolist() == [2.0, -6.0]
    assert yaw_rate.tolist() == [0.3, -0.3]


def test_braking_to_standstill_covers_v_squared_over_2a():
    model, state = single(PointMassState(0.0, 0.0, math.pi, 20.0), max_decel_mps2=8.0)
    for _ in range(400):
        model.step(state, np.array([[-8.0, 0.0]]), 0.01)
    assert state[0, 0] == pytest.approx(-25.0, rel=1e-12)
    assert state[0, 3] == 0.0


def test_from_params_takes_the_friction_circle_from_mu():
    model = PointMass.from_params([preset("truck")])
    assert model.params[0].max_total_accel_mps2 == pytest.approx(0.8 * GRAVITY_MPS2)
    assert model.params[0].max_decel_mps2 == 6.0


def test_invalid_parameters_are_rejected():
    with pytest.raises(ValueError, match="max_total_accel_mps2"):
        PointMassParams(max_total_accel_mps2=0.0)
    with pytest.raises(ValueError, match="max_yaw_rate_radps"):
        PointMassParams(max_yaw_rate_radps=-1.0)
