"""Vessel and wave constants against hand calculations with standard gravity (9.80665 m/s^2)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gauntlet.dynamics.vessel import VesselFleet, VesselParams, VesselState, _HullCoefficients
from gauntlet.dynamics.waves import GRAVITY_MPS2, SeaState, WaveField


def test_gravity_is_the_standard_value() -> None:
    assert GRAVITY_MPS2 == 9.80665


def test_otter_hull_coefficients() -> None:
    p = VesselParams()
    # Full thrust: half of 24.4 kg-force per propeller = 12.2 * 9.80665 = 119.641 N.
    assert p.max_thrust_n == pytest.approx(119.641, abs=1e-3)
    k = _HullCoefficients.of(p)
    # M = (1.1 m, 2.5 m, 2.7 * m (L/4)^2) = (60.5 kg, 137.5 kg, 37.125 kg m^2).
    assert (k.m11, k.m22, k.m66) == pytest.approx((60.5, 137.5, 37.125))
    assert k.m11_minus_m22 == pytest.approx(-77.0)
    # X_u = -2 * 119.641 / (6 * 0.5144) = -77.525 N s/m.
    assert k.surge == pytest.approx(-2 * 119.641 / 3.0864, rel=1e-5)
    # Cross-flow drag: 0.5 rho T Cd L = 0.5 * 1025 * 0.134 * 2 = 137.35; yaw: * L^3 / 32.
    assert k.sway_quadratic == pytest.approx(-137.35)
    assert k.yaw_quadratic == pytest.approx(137.35 * 8 / 32)
    assert (k.sway_linear, k.yaw_linear) == pytest.approx((13.75, -37.125))
    assert k.weight == pytest.approx(-55 * 9.80665)


def test_a_single_wave_component_slope_and_wavenumber() -> None:
    sea = SeaState(hs_m=1.0, tp_s=5.0, components=1, direction_rad=math.pi / 2)
    field = WaveField(sea, np.random.default_rng(2))
    # One component at 1.75 wp; deep water: k = w^2 / g.
    w = 1.75 * 2 * math.pi / 5.0
    assert field.omega_radps[0] == pytest.approx(w)
    assert field.wavenumber_radpm[0] == pytest.approx(w**2 / 9.80665)
    a, k, phase = field.amplitude_m[0], field.wavenumber_radpm[0], field.phase_rad[0]
    # Waves travel north: the slope at (x, y) and t is a k sin(w t - k y + phase) along y.
    slope = field.slope(np.array([[3.0, 2.0]]), 1.5)
    assert slope[0] == pytest.approx([0.0, a * k * math.sin(w * 1.5 - k * 2.0 + phase)])


def test_waves_push_a_vessel_at_rest_with_its_weight_times_the_slope() -> None:
    # One substep from rest, no thrust: du/dt = (-m g slope + drift) / m11 along the heading.
    sea = SeaState(hs_m=1.0, tp_s=5.0, components=1)
    field = WaveField(sea, np.random.default_rng(2))
    p = VesselParams()
    fleet = VesselFleet(p, VesselState.at_rest(np.zeros((1, 2))))
    fleet.step(0.05, 0.0, waves=field)
    slope = field.slope(np.zeros((1, 2)), 0.0)[0, 0]
    drift = field.mean_drift_force_n(p.beam_m)[0]
    force = -55.0 * 9.80665 * slope + drift
    assert fleet.state.u_mps[0] == pytest.approx(0.05 * force / 60.5, rel=1e-12)
