"""Dynamic single-track model: steady cornering, low-speed limit, stability."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gauntlet.dynamics import (
    GRAVITY_MPS2,
    PRESETS,
    DynamicSingleTrack,
    KinematicBicycle,
    KinematicBicycleParams,
    KinematicBicycleState,
    SingleTrackParams,
    SingleTrackState,
    preset,
)

from .helpers import repeat_control

NO_LAG = {"accel_lag_s": 0.0, "steer_lag_s": 0.0}
VEHICLES = [name for name in PRESETS if name != "pedestrian"]


def steady_state(
    params: SingleTrackParams, speed: float, steer: float, seconds: float = 8.0
) -> np.ndarray:
    model = DynamicSingleTrack([params])
    state = model.pack([SingleTrackState(0.0, 0.0, 0.0, speed, steer_rad=steer)])
    for _ in range(round(seconds / 0.01)):
        model.step(state, np.array([[0.0, steer]]), 0.01)
    return state[0]


@pytest.mark.parametrize("speed", [10.0, 20.0, 30.0])
def test_steady_state_yaw_rate_matches_the_understeer_formula(speed):
    params = SingleTrackParams(**NO_LAG)
    steer = 0.02
    # K = m / L^2 (lr / Cf - lf / Cr) = 1500 / 2.8^2 (1.6 / 150e3 - 1.2 / 180e3) > 0 (understeer).
    gradient = 1500.0 / 2.8**2 * (1.6 / 150e3 - 1.2 / 180e3)
    assert params.understeer_gradient_s2pm2 == pytest.approx(gradient)
    assert gradient > 0.0
    expected = speed * steer / (2.8 * (1.0 + gradient * speed**2))
    final = steady_state(params, speed, steer)
    assert final[5] == pytest.approx(expected, rel=0.02)
    assert final[5] == pytest.approx(expected, rel=2e-3)
    assert final[5] < speed * steer / 2.8  # an understeering car turns less than kinematically


def test_oversteering_parameters_turn_more_than_kinematically():
    params = SingleTrackParams(
        cornering_stiffness_front_npr=180e3, cornering_stiffness_rear_npr=100e3, **NO_LAG
    )
    assert params.understeer_gradient_s2pm2 < 0.0
    speed, steer = 15.0, 0.01
    expected = speed * steer / (2.8 * (1.0 + params.understeer_gradient_s2pm2 * speed**2))
    assert steady_state(params, speed, steer)[5] == pytest.approx(expected, rel=0.02)


def test_pacejka_matches_linear_tyres_at_small_slip():
    linear = steady_state(SingleTrackParams(**NO_LAG), 20.0, 0.01)
    magic = steady_state(SingleTrackParams(tyre_model="pacejka", **NO_LAG), 20.0, 0.01)
    assert magic[5] == pytest.approx(linear[5], rel=0.01)


def test_pacejka_lateral_acceleration_is_bounded_by_friction():
    params = SingleTrackParams(tyre_model="pacejka", friction_coefficient=0.8, **NO_LAG)
    final = steady_state(params, 20.0, 0.3, seconds=4.0)
    assert np.all(np.isfinite(final))
    # Lateral acceleration vx r (+ dvy/dt) cannot exceed (Df + Dr) / m = mu g.
    assert abs(final[3] * final[5]) <= 0.8 * GRAVITY_MPS2 * 1.01


@pytest.mark.parametrize(("speed", "steer"), [(0.8, 0.2), (0.5, -0.4), (0.9, 0.05)])
def test_below_the_blend_speed_it_follows_the_kinematic_bicycle(speed, steer):
    params = SingleTrackParams(**NO_LAG)
    dynamic = DynamicSingleTrack([params])
    state = dynamic.pack([SingleTrackState(1.0, 2.0, 0.3, speed, steer_rad=steer)])
    kinematic = KinematicBicycle([KinematicBicycleParams(**NO_LAG)])
    # The kinematic model's speed is that of the CoG along its path: vx / cos(beta).
    beta = math.atan(1.6 / 2.8 * math.tan(steer))
    reference = kinematic.pack(
        [KinematicBicycleState(1.0, 2.0, 0.3, speed / math.cos(beta), steer_rad=steer)]
    )
    control = np.array([[0.0, steer]])
    for _ in range(500):
        dynamic.step(state, control, 0.01)
        kinematic.step(reference, control, 0.01)
        assert state[0, :2] == pytest.approx(reference[0, :2], abs=1e-6)
    assert state[0, 2] == pytest.approx(reference[0, 2], abs=1e-9)
    assert dynamic.yaw_rate(state)[0] == pytest.approx(kinematic.yaw_rate(reference)[0], rel=1e-9)
    assert state[0, 4] == pytest.approx(speed * math.tan(beta), rel=1e-9)
    assert dynamic.velocity(state)[0] == pytest.approx(kinematic.velocity(reference)[0], rel=1e-9)


def test_at_rest_lateral_speed_and_yaw_rate_are_zero():
    model = DynamicSingleTrack([SingleTrackParams()])
    state = model.pack([SingleTrackState(0.0, 0.0, 0.0, 15.0)])
    for _ in range(200):
        model.step(state, np.array([[0.0, 0.05]]), 0.02)
    assert abs(state[0, 5]) > 0.1
    for _ in range(300):
        model.step(state, np.array([[-9.0, 0.3]]), 0.02)
    assert state[0, 3] == 0.0
    assert state[0, 4] == 0.0
    assert state[0, 5] == 0.0
    parked = state.copy()
    model.step(state, np.array([[-9.0, 0.3]]), 0.02)
    assert np.array_equal(state[0, :6], parked[0, :6])


@pytest.mark.parametrize("tyre_model", ["linear", "pacejka"])
@pytest.mark.parametrize("dt", [0.01, 0.02, 0.05])
def test_all_presets_stay_stable_through_a_drive(tyre_model, dt):
    model = DynamicSingleTrack.from_params(
        [preset(name) for name in VEHICLES], tyre_model=tyre_model
    )
    n = model.size
    state = model.pack([SingleTrackState(0.0, 0.0, 0.0, 0.0)] * n)
    for k in range(round(40.0 / dt)):
        t = k * dt
        accel = 2.0 if t < 15.0 else (-9.0 if t > 30.0 else 0.0)
        # Gentle enough for linear tyres to stay physical (< ~0.5 g); magic-formula
        # tyres get a hard steering input on top.
        steer = 0.03 * math.sin(0.8 * t)
        if tyre_model == "pacejka" and 20.0 < t < 22.0:
            steer = 0.4
        model.step(state, repeat_control([accel, steer], n), dt)
        assert np.all(np.isfinite(state))
        assert np.all(np.abs(state[:, 5]) < 3.0)
    assert np.all(state[:, 3:6] == 0.0)


def test_coarse_and_fine_steps_agree():
    finals = []
    for dt in (0.01, 0.05):
        model = DynamicSingleTrack([SingleTrackParams(**NO_LAG)])
        state = model.pack([SingleTrackState(0.0, 0.0, 0.0, 20.0, steer_rad=0.03)])
        for _ in range(round(5.0 / dt)):
            model.step(state, np.array([[0.0, 0.03]]), dt)
        finals.append(state[0].copy())
    assert finals[0][:2] == pytest.approx(finals[1][:2], abs=0.01)
    assert finals[0][5] == pytest.approx(finals[1][5], rel=1e-4)


def test_substeps_depend_on_dt_and_the_stiffest_actor():
    model = DynamicSingleTrack([SingleTrackParams()])
    assert model.max_substep_s == 0.005
    assert (model.substeps(0.01), model.substeps(0.02), model.substeps(0.05)) == (2, 4, 10)
    stiff = DynamicSingleTrack([SingleTrackParams(), SingleTrackParams(yaw_inertia_kgm2=500.0)])
    assert stiff.max_substep_s < 0.005
    with pytest.raises(ValueError, match="max_substep_s"):
        DynamicSingleTrack([SingleTrackParams()], max_substep_s=0.0)


def test_reversing_turns_the_same_way_as_the_kinematic_model():
    model = DynamicSingleTrack([SingleTrackParams(allow_reverse=True, **NO_LAG)])
    state = model.pack([SingleTrackState(0.0, 0.0, 0.0, -5.0, steer_rad=0.05)])
    for _ in range(300):
        model.step(state, np.array([[0.0, 0.05]]), 0.01)
    kinematic_yaw_rate = -5.0 * math.tan(0.05) / 2.8
    assert state[0, 5] == pytest.approx(kinematic_yaw_rate, rel=0.1)


def test_mixed_tyre_models_in_one_batch_match_separate_batches():
    params = [SingleTrackParams(**NO_LAG), SingleTrackParams(tyre_model="pacejka", **NO_LAG)]
    batch = DynamicSingleTrack(params)
    together = batch.pack([SingleTrackState(0.0, 0.0, 0.0, 20.0)] * 2)
    alone = [DynamicSingleTrack([p]) for p in params]
    separate = [m.pack([SingleTrackState(0.0, 0.0, 0.0, 20.0)]) for m in alone]
    control = np.array([[0.5, 0.2], [0.5, 0.2]])
    for _ in range(200):
        batch.step(together, control, 0.02)
        for model, state in zip(alone, separate, strict=True):
            model.step(state, control[:1], 0.02)
    assert np.array_equal(together, np.vstack(separate))
    assert not np.array_equal(together[0], together[1])


def test_params_validation_and_from_vehicle():
    with pytest.raises(ValueError, match="unknown tyre model 'slick'"):
        SingleTrackParams(tyre_model="slick")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="wheelbase_m"):
        DynamicSingleTrack.from_params([preset("pedestrian")])
    car = preset("car")
    from_car = SingleTrackParams.from_vehicle(car, tyre_model="pacejka")
    assert from_car.tyre_model == "pacejka"
    assert from_car.front_pacejka() == car.pacejka_front
    # The defaults are the car's; unset magic-formula tyres are derived from the stiffnesses.
    defaults = SingleTrackParams()
    assert (defaults.front_pacejka(), defaults.rear_pacejka()) == (
        car.pacejka_front,
        car.pacejka_rear,
    )
    explicit = SingleTrackParams(pacejka_front=car.pacejka_front, pacejka_rear=car.pacejka_rear)
    assert explicit == SingleTrackParams.from_vehicle(car)
