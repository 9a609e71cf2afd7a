"""Equivalent-circuit battery and endurance against hand calculations."""

from __future__ import annotations

import numpy as np
import pytest

from gauntlet.dynamics import _quadrotor_kernels as k
from gauntlet.dynamics.battery import Battery, BatteryParams, electrical_power_w
from gauntlet.dynamics.drone_presets import drone_preset
from gauntlet.dynamics.fleet import QuadrotorFleet

FLAT = dict(ocv_soc=(0.0, 1.0), ocv_cell_v=(3.7, 3.7))


def test_constant_power_discharge_time_is_capacity_times_voltage_over_power():
    # 2 A h at 3 x 3.7 V = 22.2 W h; 44.4 W empties it in 30 min without losses.
    battery = Battery([BatteryParams(2.0, 3, cutoff_soc=0.0, **FLAT)])
    t = 0.0
    while battery.soc[0] > 0.0 and t < 4000.0:
        battery.step(np.array([44.4]), 1.0)
        t += 1.0
    assert t == pytest.approx(1800.0, abs=1.0)
    assert battery.current_a[0] == pytest.approx(44.4 / 11.1)


def test_series_resistance_sags_the_voltage_and_the_rc_pair_relaxes():
    params = BatteryParams(2.0, 3, r0_ohm=0.1, r1_ohm=0.05, c1_f=200.0, **FLAT)
    battery = Battery([params])
    battery.step(np.array([100.0]), 0.001)
    current = (11.1 - np.sqrt(11.1**2 - 4 * 0.1 * 100.0)) / (2 * 0.1)
    assert battery.current_a[0] == pytest.approx(current, rel=1e-9)
    assert battery.terminal_voltage()[0] * current == pytest.approx(100.0, rel=1e-4)
    for _ in range(1000):  # 100 s, tau = 10 s: the RC voltage reaches R1 I
        battery.step(np.array([100.0]), 0.1)
    assert battery.v1[0] == pytest.approx(0.05 * battery.current_a[0], rel=1e-3)


def test_remaining_time_at_constant_power_matches_the_lipo_curve_integral():
    params = BatteryParams.lipo(cells=4, capacity_ah=1.5, cutoff_soc=0.1)
    battery = Battery([params])
    power = 60.0
    predicted = battery.remaining_time_s(np.array([power]))[0]
    t = 0.0
    while not battery.depleted[0]:
        battery.step(np.array([power]), 0.5)
        t += 0.5
    assert t == pytest.approx(predicted, rel=0.01)
    # Without losses the prediction is charge x mean OCV / power.
    ideal = (1.0 - 0.1) * 1.5 * 3600.0 * params.mean_open_circuit_voltage(0.1, 1.0) / power
    assert predicted == pytest.approx(ideal, rel=0.02)


def test_industrial_preset_hovers_about_40_minutes():
    # Assumptions: hover shaft power 4 km w_h^3 (~294 W), 80 % motor efficiency,
    # 2 x 5.88 A h 6S LiPo (~261 W h), 5 % landing reserve.
    preset = drone_preset("industrial")
    fleet = QuadrotorFleet([preset], np.array([[0.0, 0.0, 20.0]]))
    fleet.step(0.1)
    hover_power = preset.airframe.hover_shaft_power_w / preset.motor_efficiency
    assert fleet.electrical_power_w[0] == pytest.approx(hover_power, rel=1e-3)
    minutes = fleet.remaining_flight_time_s()[0] / 60.0
    assert 38.0 <= minutes <= 42.0
    assert preset.battery.energy_wh == pytest.approx(263.2, rel=0.02)


def test_electrical_power_is_shaft_power_over_efficiency():
    assert electrical_power_w(np.array([80.0]), 0.8)[0] == pytest.approx(100.0)


def test_fleet_drains_the_battery_while_hovering():
    fleet = QuadrotorFleet([drone_preset("crazyflie")] * 2, np.array([[0, 0, 1.0], [1, 0, 1.0]]))
    for _ in range(100):
        fleet.step(0.01)
    assert np.all(fleet.battery.soc < 1.0)
    assert fleet.state[:, k.Z] == pytest.approx([1.0, 1.0], abs=1e-6)


def test_compiled_step_matches_the_documented_equations():
    # Two curves (a LiPo pack and a flat one), a power that swings past the
    # peak power of the small pack, and steps of varying length.
    packs = [BatteryParams.lipo(4, 1.5), BatteryParams(2.0, 3, 0.1, 0.05, 200.0, **FLAT)]
    battery = Battery(packs, soc=[0.9, 0.6])
    soc, v1 = np.array([0.9, 0.6]), np.zeros(2)
    rng = np.random.default_rng(8)
    for step in range(500):
        power = rng.uniform(-50.0, 1800.0, 2)
        dt = 0.01 if step % 3 else 0.05
        ocv = np.array([p.open_circuit_voltage(s) for p, s in zip(packs, soc, strict=True)])
        source = ocv - v1
        r0 = np.array([p.r0_ohm for p in packs])
        disc = np.maximum(source**2 - 4.0 * r0 * np.maximum(power, 0.0), 0.0)
        current = (source - np.sqrt(disc)) / (2.0 * r0)
        tau = np.array([p.r1_ohm * p.c1_f for p in packs])
        decay = np.exp(-dt / tau)
        v1 = v1 * decay + np.array([p.r1_ohm for p in packs]) * current * (1.0 - decay)
        soc = np.maximum(
            soc - current * dt / np.array([3600.0 * p.capacity_ah for p in packs]), 0.0
        )
        battery.step(power, dt)
        assert battery.current_a == pytest.approx(current, rel=1e-9)
    assert battery.soc == pytest.approx(soc, rel=1e-12)
    assert battery.v1 == pytest.approx(v1, rel=1e-9)
    assert np.all(battery.soc < [0.9, 0.6])
