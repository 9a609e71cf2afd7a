"""Hand-calculation checks of the swarm motion models: waves, vessel, diff drive, reduced drone."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gauntlet.dynamics.differential_drive import (
    DiffDriveFleet,
    DiffDriveParams,
    DiffDriveState,
    turning_radius_m,
)
from gauntlet.dynamics.point_mass_drone import PointMassDroneParams, PointMassDrones
from gauntlet.dynamics.vessel import VesselFleet, VesselParams, VesselState
from gauntlet.dynamics.waves import SeaState, WaveField, jonswap_spectrum, spectral_moment


def test_jonswap_peak_and_significant_height() -> None:
    # Hs = 2 m, Tp = 8 s: the peak sits at wp = 2 pi / 8 = 0.785 rad/s and 4 sqrt(m0) = Hs (DNV: within ~1 %).
    w = np.linspace(0.05, 6.0, 60001)
    s = jonswap_spectrum(w, 2.0, 8.0, 3.3)
    assert w[np.argmax(s)] == pytest.approx(2 * math.pi / 8.0, abs=1e-3)
    assert 4.0 * math.sqrt(spectral_moment(w, s)) == pytest.approx(2.0, rel=0.015)
    # gamma = 1 is Pierson-Moskowitz: S(wp) = 5/16 Hs^2 / wp * exp(-5/4).
    wp = 2 * math.pi / 8.0
    pm = jonswap_spectrum(np.array([wp]), 2.0, 8.0, 1.0)[0]
    assert pm == pytest.approx(5 / 16 * 4.0 / wp * math.exp(-1.25), rel=1e-12)


def test_wave_realisation_matches_hs_and_seed() -> None:
    sea = SeaState(hs_m=1.5, tp_s=6.0, components=64)
    a = WaveField(sea, np.random.default_rng(3))
    b = WaveField(sea, np.random.default_rng(3))
    # 4 sqrt(sum a^2 / 2) = Hs of the band [0.5, 3] wp (~97 % of the energy for gamma 3.3).
    hs = 4.0 * math.sqrt(0.5 * float(np.sum(a.amplitude_m**2)))
    assert hs == pytest.approx(1.5, rel=0.03)
    xy = np.array([[0.0, 0.0], [10.0, 5.0]])
    assert np.array_equal(a.elevation(xy, 2.5), b.elevation(xy, 2.5))


def test_otter_steady_speed_under_full_and_half_thrust() -> None:
    p = VesselParams()
    fleet = VesselFleet(p, VesselState.at_rest(np.zeros((2, 2))))
    # Full thrust on both propellers: 2 * 119.6 N = X_u u  ->  u = U_max = 6 kn = 3.087 m/s.
    # Half of it: linear damping gives half the speed, 1.543 m/s.
    fleet.set_thrust(np.array([[p.max_thrust_n] * 2, [0.5 * p.max_thrust_n] * 2]))
    for _ in range(600):
        fleet.step(0.1)
    assert fleet.state.u_mps[0] == pytest.approx(6 * 0.5144, rel=1e-3)
    assert fleet.state.u_mps[1] == pytest.approx(3 * 0.5144, rel=1e-3)
    assert fleet.state.r_radps == pytest.approx([0.0, 0.0], abs=1e-12)


def test_otter_drifts_with_the_current() -> None:
    # No thrust: the water-relative velocity decays, so the hull moves with the current.
    fleet = VesselFleet(VesselParams(), VesselState.at_rest(np.zeros((1, 2))))
    for _ in range(1200):
        fleet.step(0.1, current_mps=np.array([0.3, -0.2]))
    assert fleet.state.velocity_world()[0] == pytest.approx([0.3, -0.2], abs=1e-3)


def test_diff_drive_turning_radius() -> None:
    p = DiffDriveParams(wheel_radius_m=0.1, track_m=0.5)
    # w_l = 4, w_r = 6 rad/s: R = 0.25 * 10 / 2 = 1.25 m; v = 0.5 m/s, yaw rate 0.4 rad/s.
    assert turning_radius_m(p, 4.0, 6.0) == pytest.approx(1.25)
    fleet = DiffDriveFleet(p, DiffDriveState.at_rest(np.zeros((1, 2))))
    fleet.state.left_radps[:] = 4.0
    fleet.state.right_radps[:] = 6.0
    fleet.command_radps[:] = [4.0, 6.0]
    xs, ys = [], []
    for _ in range(400):
        fleet.step(0.05)
        xs.append(fleet.state.x_m[0])
        ys.append(fleet.state.y_m[0])
    # The circle's centre is at (0, R) from a start at the origin heading east.
    radius = np.hypot(np.array(xs), np.array(ys) - 1.25)
    assert radius == pytest.approx(np.full(400, 1.25), abs=1e-9)


def test_point_mass_drone_reaches_commanded_velocity_and_hovers_in_wind() -> None:
    drones = PointMassDrones(PointMassDroneParams(), np.array([[0.0, 0.0, 10.0], [0.0, 0.0, 10.0]]))
    drones.command_velocity(np.array([[5.0, 0.0, 0.0], [0.0, 0.0, 0.0]]))
    for _ in range(300):
        drones.step(0.02, wind_mps=np.array([0.0, 4.0]))
    # The drag feed-forward cancels the wind: velocity error -> 0 (first-order loop, 6 s >> 1/K_v).
    assert drones.velocity_mps[0] == pytest.approx([5.0, 0.0, 0.0], abs=1e-3)
    assert drones.velocity_mps[1] == pytest.approx([0.0, 0.0, 0.0], abs=1e-3)
    # Steady tilt = a / g with a = drag * air speed: 0.15 * 4 / 9.80665 on the hovering drone.
    assert drones.tilt[1, 1] == pytest.approx(-0.15 * 4.0 / 9.80665, rel=1e-3)


def test_amphibious_drone_lands_floats_and_takes_off() -> None:
    drones = PointMassDrones(
        PointMassDroneParams(),
        np.array([[0.0, 0.0, 2.0], [5.0, 0.0, 2.0]]),
        amphibious=[True, False],
    )
    drones.command_velocity(np.array([[0.0, 0.0, -1.0], [0.0, 0.0, -1.0]]))
    for _ in range(200):
        drones.step(0.02, current_mps=np.array([0.2, 0.0]))
    assert drones.floating.tolist() == [True, False]
    assert drones.ditched.tolist() == [False, True]
    assert drones.velocity_mps[0] == pytest.approx([0.2, 0.0, 0.0])
    drones.command_velocity(np.array([[0.0, 0.0, 2.0], [0.0, 0.0, 2.0]]))
    for _ in range(100):
        drones.step(0.02)
    assert not drones.floating[0] and drones.position_m[0, 2] > 1.0
    assert drones.position_m[1, 2] == 0.0
