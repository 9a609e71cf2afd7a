"""``gauntlet bench quadrotor``: simulated seconds per wall second of a drone fleet.

Drones of the ``agile`` preset (100, then 1,000) on a grid 10 m apart at 30 m
height, each flying to its own seeded waypoint, in a Beaufort-5 wind with
Dryden turbulence; no sensors. Physics and controller at 500 Hz; waypoints
and wind are updated every world step of 10 ms (5 physics substeps in one
compiled call). Downwash is off (it is quadratic in the number of drones).

Each figure is the median over the repeats. ``sim_s_per_wall_s_*`` is
simulated time over wall-clock time; ``sim_s_per_cpu_s_*`` divides by the
process's CPU time instead, which other load on a shared machine disturbs
much less (the run is single-threaded, so on an idle core the two agree).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from gauntlet.dynamics.drone_presets import drone_preset
from gauntlet.dynamics.fleet import QuadrotorFleet
from gauntlet.dynamics.wind import MeanWind, WindField

PHYSICS_HZ = 500
WORLD_DT_S = 0.01
TARGET_REAL_TIME_FACTOR = 100.0


def build_fleet(drones: int, seed: int = 7) -> QuadrotorFleet:
    """The benchmark fleet of ``drones`` agile quads with waypoints and wind."""
    rng = np.random.default_rng(seed)
    side = int(np.ceil(np.sqrt(drones)))
    grid = np.stack(np.meshgrid(np.arange(side), np.arange(side)), axis=-1).reshape(-1, 2)
    start = np.column_stack((10.0 * grid[:drones], np.full(drones, 30.0)))
    wind = WindField(drones, MeanWind.beaufort(5, 0.3), np.random.default_rng(seed + 1))
    fleet = QuadrotorFleet(
        [drone_preset("agile")] * drones, start, wind=wind, physics_dt_s=1.0 / PHYSICS_HZ
    )
    targets = start + rng.uniform([-40.0, -40.0, -10.0], [40.0, 40.0, 10.0], (drones, 3))
    fleet.controller.command_waypoint(targets, rng.uniform(-np.pi, np.pi, drones))
    return fleet


def _rate(
    drones: int, sim_s: float, repeats: int
) -> tuple[list[float], list[float], QuadrotorFleet]:
    """Simulated seconds per wall second and per CPU second of each repeat."""
    fleet = build_fleet(drones)
    for _ in range(10):
        fleet.step(WORLD_DT_S)
    steps = round(sim_s / WORLD_DT_S)
    wall_rates, cpu_rates = [], []
    for _ in range(repeats):
        wall0, cpu0 = time.perf_counter(), time.process_time()
        for _ in range(steps):
            fleet.step(WORLD_DT_S)
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        wall_rates.append(steps * WORLD_DT_S / wall)
        cpu_rates.append(steps * WORLD_DT_S / max(cpu, 1e-9))
    return wall_rates, cpu_rates, fleet


def bench_quadrotor(quick: bool = False) -> dict[str, Any]:
    """Real-time factor of 100 and 1,000 drones with controllers and wind, one core."""
    repeats = 2 if quick else 5
    result: dict[str, Any] = {
        "physics_hz": PHYSICS_HZ,
        "world_dt_s": WORLD_DT_S,
        "repeats": repeats,
    }
    for drones, sim_s in ((100, 2.0 if quick else 10.0), (1000, 0.5 if quick else 2.0)):
        rates, cpu_rates, fleet = _rate(drones, sim_s, repeats)
        median = float(np.median(rates))
        result[f"sim_s_per_wall_s_{drones}"] = round(median, 1)
        result[f"sim_s_per_wall_s_{drones}_best"] = round(max(rates), 1)
        result[f"sim_s_per_cpu_s_{drones}"] = round(float(np.median(cpu_rates)), 1)
        result[f"drone_steps_per_s_{drones}"] = round(median * PHYSICS_HZ * drones)
        result[f"all_finite_{drones}"] = bool(np.all(np.isfinite(fleet.state)))
    result["target_sim_s_per_wall_s_100"] = TARGET_REAL_TIME_FACTOR
    return result
