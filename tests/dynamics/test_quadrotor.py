"""Quadrotor rigid body against hand calculations."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from gauntlet.dynamics import GRAVITY_MPS2
from gauntlet.dynamics import _quadrotor_kernels as k
from gauntlet.dynamics.drone_presets import DRONE_PRESETS, drone_preset
from gauntlet.dynamics.quadrotor import Quadrotor, QuadrotorParams, QuadrotorState, euler_angles

CF = drone_preset("crazyflie").airframe


def no_drag(params: QuadrotorParams, **changes: float) -> QuadrotorParams:
    return dataclasses.replace(
        params, drag_linear_xy_nspm=0.0, drag_linear_z_nspm=0.0,
        drag_quadratic_xy_ns2pm2=0.0, drag_quadratic_z_ns2pm2=0.0, **changes,
    )  # fmt: skip


@pytest.mark.parametrize("name", sorted(DRONE_PRESETS))
def test_hover_motor_speed_holds_altitude(name):
    params = drone_preset(name).airframe
    model = Quadrotor([params])
    state = model.hover_state(np.array([[1.0, 2.0, 5.0]]))
    w = math.sqrt(params.mass_kg * GRAVITY_MPS2 / (4.0 * params.thrust_coefficient_nps2))
    assert state[0, k.MOTOR] == pytest.approx(w, rel=1e-12)
    command = np.full((1, 4), w)
    for _ in range(5000):  # 10 s
        model.step(state, command, 0.002)
    assert state[0, [k.X, k.Y, k.Z]] == pytest.approx([1.0, 2.0, 5.0], abs=1e-9)
    assert np.abs(state[0, k.VX : k.VZ + 1]).max() < 1e-10
    assert model.shaft_power_w[0] == pytest.approx(4.0 * params.torque_coefficient_nmps2 * w**3)


def test_crazyflie_hover_speed_is_about_14_500_rpm():
    rpm = CF.hover_motor_speed_radps * 60.0 / (2.0 * math.pi)
    assert rpm == pytest.approx(14_470, rel=0.01)


def test_free_fall_with_motors_off_is_minus_g_t_squared_over_two():
    model = Quadrotor([no_drag(CF, motor_time_constant_s=0.0)])
    state = model.pack([QuadrotorState(0.0, 0.0, z_m=100.0)])
    for _ in range(1500):  # 3 s, motors at 0
        model.step(state, np.zeros((1, 4)), 0.002)
    assert state[0, k.Z] == pytest.approx(100.0 - 0.5 * GRAVITY_MPS2 * 3.0**2, rel=1e-12)
    assert state[0, k.VZ] == pytest.approx(-GRAVITY_MPS2 * 3.0, rel=1e-12)


def test_yaw_torque_gives_iz_dr_dt_equal_to_the_sum_of_rotor_torques():
    params = no_drag(CF, motor_time_constant_s=0.0)
    model = Quadrotor([params])
    state = model.hover_state(np.array([[0.0, 0.0, 10.0]]))
    # Clockwise rotors (0, 2) faster, counter-clockwise (1, 3) slower: same total thrust.
    w_h = params.hover_motor_speed_radps
    fast, slow = w_h * math.sqrt(1.1), w_h * math.sqrt(0.9)
    command = np.array([[fast, slow, fast, slow]])
    km = params.torque_coefficient_nmps2
    torque = km * (2.0 * fast**2 - 2.0 * slow**2)  # the body turns counter-clockwise
    t = 0.2
    for _ in range(100):
        model.step(state, command, 0.002)
    assert state[0, k.R] == pytest.approx(torque / params.inertia_zz_kgm2 * t, rel=1e-12)
    _, _, yaw = euler_angles(state)
    assert yaw[0] == pytest.approx(0.5 * torque / params.inertia_zz_kgm2 * t**2, rel=1e-9)
    assert state[0, k.HEADING] == pytest.approx(yaw[0])
    assert state[0, k.Z] == pytest.approx(10.0, abs=1e-9)  # total thrust unchanged
    assert abs(state[0, k.P]) < 1e-12 and abs(state[0, k.Q]) < 1e-12


def test_roll_torque_from_left_rotors():
    params = no_drag(CF, motor_time_constant_s=0.0)
    model = Quadrotor([params])
    state = model.hover_state(np.array([[0.0, 0.0, 10.0]]))
    w_h = params.hover_motor_speed_radps
    command = np.array([[w_h * 1.01, w_h * 1.01, w_h, w_h]])  # left side stronger
    model.step(state, command, 0.001)
    d = params.arm_length_m / math.sqrt(2.0)
    kf = params.thrust_coefficient_nps2
    roll_torque = d * 2.0 * kf * ((w_h * 1.01) ** 2 - w_h**2)
    assert state[0, k.P] == pytest.approx(roll_torque / params.inertia_xx_kgm2 * 0.001, rel=1e-12)


def test_torque_free_spin_conserves_angular_momentum_and_energy():
    params = no_drag(CF)
    model = Quadrotor([params])
    state = model.pack([QuadrotorState(0.0, 0.0, z_m=0.0, roll_rate_radps=3.0,
                                       pitch_rate_radps=0.2, yaw_rate_radps=1.0)])  # fmt: skip
    inertia = np.array([params.inertia_xx_kgm2, params.inertia_yy_kgm2, params.inertia_zz_kgm2])

    def momentum_and_energy(s):
        q = s[0, k.QW : k.QZ + 1]
        w, x, y, z = q
        rot = np.array([
            [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
            [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
            [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)],
        ])  # fmt: skip
        rates = s[0, k.P : k.R + 1]
        return rot @ (inertia * rates), 0.5 * np.sum(inertia * rates**2)

    h0, e0 = momentum_and_energy(state)
    for _ in range(2000):  # motors off: gravity only, no torque
        model.step(state, np.zeros((1, 4)), 0.0005)
    h1, e1 = momentum_and_energy(state)
    assert h1 == pytest.approx(h0, rel=2e-3)
    assert e1 == pytest.approx(e0, rel=2e-3)
    assert np.linalg.norm(state[0, k.QW : k.QZ + 1]) == pytest.approx(1.0, abs=1e-12)


def test_motor_lag_is_exact_first_order():
    model = Quadrotor([CF])
    state = model.hover_state(np.array([[0.0, 0.0, 10.0]]))
    w0 = state[0, k.MOTOR]
    target = 1.2 * w0
    for _ in range(10):
        model.step(state, np.full((1, 4), target), 0.002)
    expected = target + (w0 - target) * math.exp(-0.02 / CF.motor_time_constant_s)
    assert state[0, k.MOTOR] == pytest.approx(expected, rel=1e-12)
    model.step(state, np.full((1, 4), 1e9), 0.002)  # saturates
    assert state[0, k.MOTOR] <= CF.max_motor_speed_radps


def test_quadratic_drag_terminal_velocity():
    params = drone_preset("agile").airframe
    params = dataclasses.replace(params, drag_linear_z_nspm=0.0, min_motor_speed_radps=0.0)
    model = Quadrotor([params])
    state = model.pack([QuadrotorState(0.0, 0.0, z_m=1000.0)])
    for _ in range(20000):
        model.step(state, np.zeros((1, 4)), 0.005)
    terminal = math.sqrt(params.mass_kg * GRAVITY_MPS2 / params.drag_quadratic_z_ns2pm2)
    assert -state[0, k.VZ] == pytest.approx(terminal, rel=1e-6)


def test_ground_effect_follows_cheeseman_bennett():
    params = dataclasses.replace(no_drag(CF), ground_effect=True)
    model = Quadrotor([params])
    z = 2.0 * params.rotor_radius_m
    state = model.hover_state(np.array([[0.0, 0.0, z]]))
    model.step(state, state[:, k.MOTOR : k.MOTOR + 4].copy(), 1e-4)
    ratio = 1.0 / (1.0 - (1.0 / 8.0) ** 2)
    assert state[0, k.VZ] == pytest.approx((ratio - 1.0) * GRAVITY_MPS2 * 1e-4, rel=1e-9)


def test_downwash_pushes_the_lower_drone_down():
    model = Quadrotor([CF, CF], downwash=True)
    state = model.hover_state(np.array([[0.0, 0.0, 1.0], [0.0, 0.0, 0.7]]))
    hover = state[:, k.MOTOR : k.MOTOR + 4].copy()
    for _ in range(50):
        model.step(state, hover, 0.002)
    assert state[0, k.Z] == pytest.approx(1.0, abs=1e-9)
    assert state[1, k.Z] < 0.7 - 0.01


def test_same_inputs_give_bit_identical_outputs_and_state_type_matches():
    assert tuple(f.name for f in dataclasses.fields(QuadrotorState)) == Quadrotor.STATE_FIELDS
    start = np.random.default_rng(3).uniform(0.0, 5.0, (4, 3))
    traces = []
    for _ in range(2):
        model = Quadrotor([CF] * 4)
        state = model.hover_state(start)
        trace = []
        for command in np.random.default_rng(5).uniform(1400.0, 1600.0, (200, 4, 4)):
            model.step(state, command, 0.002)
            trace.append(state.copy())
        traces.append(np.array(trace))
    assert traces[0].tobytes() == traces[1].tobytes()


def test_invalid_parameters_and_shapes_are_rejected():
    with pytest.raises(ValueError, match="not more than the weight"):
        dataclasses.replace(CF, max_motor_speed_radps=1000.0)
    with pytest.raises(ValueError, match="mass_kg"):
        dataclasses.replace(CF, mass_kg=0.0)
    model = Quadrotor([CF])
    with pytest.raises(ValueError, match="control must have shape"):
        model.step(model.hover_state(np.zeros((1, 3))), np.zeros((1, 2)), 0.01)
    with pytest.raises(KeyError, match="known: agile, crazyflie, industrial"):
        drone_preset("blimp")


@pytest.mark.parametrize("rate_radps", [0.0, 1e-6, 3.0, 30.0, 31.0, 100.0, 2000.0])
def test_attitude_update_is_the_exact_exponential_map(rate_radps):
    # One step of a torque-free symmetric body: the rates stay, and the attitude
    # turns by exp(w dt / 2), whether the kernel sums the series or calls cos/sin.
    params = no_drag(dataclasses.replace(CF, inertia_yy_kgm2=CF.inertia_xx_kgm2,
                                         inertia_zz_kgm2=CF.inertia_xx_kgm2))  # fmt: skip
    model = Quadrotor([params])
    axis = np.array([0.48, -0.6, 0.64])
    rates = rate_radps * axis
    q0 = np.array([0.9, 0.3, -0.2, 0.1]) / np.linalg.norm([0.9, 0.3, -0.2, 0.1])
    state = model.pack([QuadrotorState(0.0, 0.0, z_m=10.0)])
    state[0, k.QW : k.QZ + 1] = q0
    state[0, k.P : k.R + 1] = rates
    dt = 0.002
    model.step(state, np.zeros((1, 4)), dt)
    half = 0.5 * rate_radps * dt
    turn = np.array([math.cos(half), *(math.sin(half) * axis)])
    w0, x0, y0, z0 = q0
    w1, x1, y1, z1 = turn
    expected = [
        w0 * w1 - x0 * x1 - y0 * y1 - z0 * z1,
        w0 * x1 + x0 * w1 + y0 * z1 - z0 * y1,
        w0 * y1 - x0 * z1 + y0 * w1 + z0 * x1,
        w0 * z1 + x0 * y1 - y0 * x1 + z0 * w1,
    ]
    assert state[0, k.QW : k.QZ + 1] == pytest.approx(expected, abs=4e-16)
    assert state[0, k.P : k.R + 1] == pytest.approx(rates, rel=1e-15, abs=1e-300)


def test_fleet_with_wind_and_airspace_is_bit_identical_under_its_seed():
    from gauntlet.dynamics.airspace import Airspace, CylinderZone
    from gauntlet.dynamics.fleet import QuadrotorFleet
    from gauntlet.dynamics.wind import MeanWind, WindField

    def run(seed):
        rng = np.random.default_rng(seed)
        start = rng.uniform([-30.0, -30.0, 10.0], [30.0, 30.0, 30.0], (12, 3))
        presets = [drone_preset(name) for name in ("agile", "industrial", "crazyflie")] * 4
        wind = WindField(12, MeanWind.beaufort(5, 0.4), np.random.default_rng(seed + 1))
        airspace = Airspace([CylinderZone((0.0, 0.0), 10.0)], margin_m=2.0)
        fleet = QuadrotorFleet(presets, start, wind=wind, airspace=airspace)
        fleet.controller.command_waypoint(-start * [1.0, 1.0, 0.0] + [0.0, 0.0, 20.0])
        for _ in range(300):
            fleet.step(0.01)
        return np.concatenate((fleet.state.ravel(), fleet.battery.soc, fleet.wind_mps.ravel()))

    assert run(3).tobytes() == run(3).tobytes()
    assert run(3).tobytes() != run(4).tobytes()
