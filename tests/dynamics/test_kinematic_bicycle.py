"""Kinematic bicycle: hand calculations for straight runs, braking and circles."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.optimize import brentq

from gauntlet.dynamics import (
    KinematicBicycle,
    KinematicBicycleParams,
    KinematicBicycleState,
    preset,
)

from .helpers import fit_circle, repeat_control

NO_LAG = {"accel_lag_s": 0.0, "steer_lag_s": 0.0}


def single(state: KinematicBicycleState, **params) -> tuple[KinematicBicycle, np.ndarray]:
    model = KinematicBicycle([KinematicBicycleParams(**params)])
    return model, model.pack([state])


def test_constant_speed_covers_speed_times_time():
    model, state = single(KinematicBicycleState(1.0, 2.0, 0.0, 20.0), **NO_LAG)
    for _ in range(200):
        model.step(state, np.array([[0.0, 0.0]]), 0.01)
    assert state[0, 0] == pytest.approx(41.0, rel=1e-12)  # 20 m/s for 2 s is 40 m
    assert state[0, 1] == 2.0
    assert state[0, 3] == 20.0


def test_constant_acceleration_follows_the_kinematic_formulas():
    model, state = single(KinematicBicycleState(0.0, 0.0, math.pi / 2, 5.0), **NO_LAG)
    for _ in range(40):
        model.step(state, np.array([[2.0, 0.0]]), 0.05)
    # t = 2 s: v = 5 + 2 * 2 = 9 m/s, s = 5 * 2 + 0.5 * 2 * 2^2 = 14 m, heading north.
    assert state[0, 3] == pytest.approx(9.0, rel=1e-12)
    assert state[0, 1] == pytest.approx(14.0, rel=1e-12)
    assert state[0, 0] == pytest.approx(0.0, abs=1e-12)


def test_braking_from_20_mps_at_8_mps2_stops_in_25_m_and_stays_stopped():
    model, state = single(KinematicBicycleState(0.0, 0.0, 0.0, 20.0), max_decel_mps2=8.0, **NO_LAG)
    brake = np.array([[-100.0, 0.0]])  # clipped to -max_decel
    for _ in range(300):  # 3 s; the stop comes at 2.5 s
        model.step(state, brake, 0.01)
    assert state[0, 0] == pytest.approx(20.0**2 / (2 * 8.0), rel=1e-12)
    assert state[0, 3] == 0.0
    stopped_at = state.copy()
    for _ in range(100):
        model.step(state, brake, 0.01)
    assert state[0, 3] == 0.0
    assert state[0, 0] == stopped_at[0, 0]


def test_stop_inside_a_step_is_exact():
    # 20 m/s at 8 m/s^2 stops at 2.5 s, in the middle of the sixth 0.45 s step.
    model, state = single(KinematicBicycleState(0.0, 0.0, 0.0, 20.0), max_decel_mps2=8.0, **NO_LAG)
    for _ in range(6):
        model.step(state, np.array([[-8.0, 0.0]]), 0.45)
    assert state[0, 0] == pytest.approx(25.0, rel=1e-12)
    assert state[0, 3] == 0.0


def test_acceleration_lag_adds_about_speed_times_lag_to_the_stopping_distance():
    """Braking through a lag of time constant tau.

    The deceleration is ``A (1 - exp(-t / tau))``, so
    ``v(t) = v0 - A (t - tau (1 - exp(-t / tau)))`` and
    ``x(t) = v0 t - A (t^2 / 2 - tau t + tau^2 (1 - exp(-t / tau)))``.
    With ``exp(-T / tau)`` negligible at the stop time ``T ~ v0 / A + tau``,
    ``x(T) = v0^2 / (2 A) + v0 tau - A tau^2 / 2``: the lag adds
    ``v0 tau - A tau^2 / 2`` (about ``v0 tau``).
    """
    v0, decel, tau = 20.0, 8.0, 0.2
    model, state = single(
        KinematicBicycleState(0.0, 0.0, 0.0, v0),
        max_decel_mps2=decel,
        accel_lag_s=tau,
        steer_lag_s=0.0,
    )
    for _ in range(400):
        model.step(state, np.array([[-decel, 0.0]]), 0.01)
    assert state[0, 3] == 0.0

    def speed(t: float) -> float:
        return v0 - decel * (t - tau * (1.0 - math.exp(-t / tau)))

    stop = brentq(speed, 0.0, 10.0)
    exact = v0 * stop - decel * (stop**2 / 2 - tau * stop + tau**2 * (1.0 - math.exp(-stop / tau)))
    assert state[0, 0] == pytest.approx(exact, rel=1e-5)
    extra = state[0, 0] - v0**2 / (2 * decel)
    assert extra == pytest.approx(v0 * tau - decel * tau**2 / 2, rel=1e-4)
    assert extra == pytest.approx(v0 * tau, rel=0.05)


@pytest.mark.parametrize(
    ("steer", "lr", "heading"), [(0.3, 1.6, 0.0), (-0.15, 1.2, 2.0), (0.5, 0.0, -1.0)]
)
def test_constant_steer_traces_the_circle_of_the_reference_point(steer, lr, heading):
    wheelbase, speed, dt = 2.8, 10.0, 0.01
    model, state = single(
        KinematicBicycleState(3.0, -4.0, heading, speed, steer_rad=steer), lr_m=lr, **NO_LAG
    )
    points = []
    for _ in range(700):
        model.step(state, np.array([[0.0, steer]]), dt)
        points.append(state[0, :2].copy())
    _, radius = fit_circle(np.array(points))
    # The CoG's circle: sqrt(lr^2 + L^2 cot^2(delta)).
    expected = math.sqrt(lr**2 + (wheelbase / math.tan(steer)) ** 2)
    assert radius == pytest.approx(expected, rel=1e-3)
    assert radius == pytest.approx(expected, rel=1e-9)
    yaw_rate = model.yaw_rate(state)[0]
    assert abs(yaw_rate) == pytest.approx(speed / expected, rel=1e-12)
    assert math.copysign(1.0, yaw_rate) == math.copysign(1.0, steer)


def test_velocity_points_along_heading_plus_slip_angle():
    model, state = single(KinematicBicycleState(0.0, 0.0, 0.4, 10.0, steer_rad=0.2), **NO_LAG)
    beta = math.atan(1.6 / 2.8 * math.tan(0.2))
    velocity = model.velocity(state)[0]
    assert velocity == pytest.approx([10.0 * math.cos(0.4 + beta), 10.0 * math.sin(0.4 + beta)])
    before = state[0, :2].copy()
    model.step(state, np.array([[0.0, 0.2]]), 1e-4)
    # The chord of a 1e-4 s arc is within half the turn (~4e-5 rad) of the velocity.
    assert (state[0, :2] - before) / 1e-4 == pytest.approx(velocity, rel=1e-4)


def test_steering_rate_limit_ramps_the_steering_angle():
    model, state = single(
        KinematicBicycleState(0.0, 0.0, 0.0, 5.0), max_steer_rate_radps=0.5, **NO_LAG
    )
    angles = []
    for _ in range(150):
        model.step(state, np.array([[0.0, 0.6]]), 0.01)
        angles.append(state[0, 4])
    assert angles[:119] == pytest.approx([0.005 * (k + 1) for k in range(119)], rel=1e-9)
    assert angles[-1] == pytest.approx(0.6)


def test_speed_never_exceeds_max_speed():
    model, state = single(KinematicBicycleState(0.0, 0.0, 0.0, 49.0), max_speed_mps=50.0, **NO_LAG)
    for _ in range(100):
        model.step(state, np.array([[3.0, 0.0]]), 0.1)
    assert state[0, 3] == 50.0
    # 49 -> 50 m/s at 3 m/s^2 takes 1/3 s (8.1667 m), then 50 m/s for 9 2/3 s.
    assert state[0, 0] == pytest.approx((49.0 + 50.0) / 2 / 3 + 50.0 * (10.0 - 1 / 3), rel=1e-12)


def test_reversing_only_when_allowed():
    for allow, expected in ((False, 0.0), (True, -3.0)):
        model, state = single(
            KinematicBicycleState(0.0, 0.0, 0.0, 1.0),
            allow_reverse=allow,
            max_speed_mps=3.0,
            **NO_LAG,
        )
        for _ in range(100):
            model.step(state, np.array([[-2.0, 0.0]]), 0.05)
        assert state[0, 3] == expected


def test_heading_is_wrapped():
    model, state = single(KinematicBicycleState(0.0, 0.0, 3.0, 10.0, steer_rad=0.5), **NO_LAG)
    for _ in range(1000):
        model.step(state, np.array([[0.0, 0.5]]), 0.01)
        assert -math.pi <= state[0, 2] < math.pi


def test_actors_in_a_batch_do_not_interact():
    params = [
        KinematicBicycleParams(**NO_LAG),
        KinematicBicycleParams(wheelbase_m=4.0, lr_m=2.0, **NO_LAG),
    ]
    batch = KinematicBicycle(params)
    states = [KinematicBicycleState(0.0, 0.0, 0.0, 8.0), KinematicBicycleState(5.0, 5.0, 1.0, 3.0)]
    controls = np.array([[1.0, 0.1], [-0.5, -0.2]])
    together = batch.pack(states)
    alone = [KinematicBicycle([p]) for p in params]
    separate = [m.pack([s]) for m, s in zip(alone, states, strict=True)]
    for _ in range(50):
        batch.step(together, controls, 0.02)
        for k, model in enumerate(alone):
            model.step(separate[k], controls[k : k + 1], 0.02)
    assert np.array_equal(together, np.vstack(separate))


def test_from_params_uses_the_presets():
    model = KinematicBicycle.from_params([preset("car"), preset("bicycle"), preset("truck")])
    assert model.size == 3
    assert model.params[1].wheelbase_m == preset("bicycle").wheelbase_m
    assert KinematicBicycleParams() == KinematicBicycleParams.from_vehicle(preset("car"))
    with pytest.raises(ValueError, match="wheelbase_m"):
        KinematicBicycle.from_params([preset("pedestrian")])


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"wheelbase_m": 0.0}, "wheelbase_m"),
        ({"lr_m": 3.0}, "lr_m"),
        ({"max_steer_rad": 2.0}, "max_steer_rad"),
        ({"accel_lag_s": -1.0}, "accel_lag_s"),
        ({"max_steer_rate_radps": 0.0}, "max_steer_rate_radps"),
    ],
)
def test_invalid_parameters_are_rejected(kwargs, field):
    with pytest.raises(ValueError, match=field):
        KinematicBicycleParams(**kwargs)


def test_wrong_shapes_and_a_single_params_object_are_rejected():
    model = KinematicBicycle([KinematicBicycleParams()] * 2)
    with pytest.raises(ValueError, match=r"state must have shape \(2, 6\)"):
        model.step(np.zeros((3, 6)), repeat_control([0.0, 0.0], 2), 0.01)
    with pytest.raises(ValueError, match="control must have shape"):
        model.step(np.zeros((2, 6)), np.zeros((2, 3)), 0.01)
    with pytest.raises(ValueError, match="dt must be > 0"):
        model.step(np.zeros((2, 6)), np.zeros((2, 2)), 0.0)
    with pytest.raises(TypeError, match="sequence of KinematicBicycleParams"):
        KinematicBicycle(KinematicBicycleParams())  # type: ignore[arg-type]


def test_compiled_step_matches_the_array_formulation():
    rng = np.random.default_rng(0)
    n = 40
    model = KinematicBicycle.from_params([preset("car")] * n, allow_reverse=True)
    compiled = np.zeros((n, 6))
    compiled[:, 3] = rng.uniform(-2.0, 30.0, n)
    compiled[:, 2] = rng.uniform(-3.0, 3.0, n)
    arrays = compiled.copy()
    for _ in range(500):
        control = np.stack((rng.uniform(-9.0, 4.0, n), rng.uniform(-0.7, 0.7, n)), axis=1)
        model.step(compiled, control, 0.05)
        model.step_arrays(arrays, control, 0.05)
    # The same operations in the same order; sin/cos/tan may differ in the last bit.
    np.testing.assert_allclose(compiled, arrays, rtol=0.0, atol=1e-9)
    assert np.all(np.abs(compiled[:, 2]) <= np.pi)
