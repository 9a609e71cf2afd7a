"""Quadrotor nodes of a swarm fly in the scenario's wind and gusts, as point-mass drones do."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from gauntlet.dynamics import _quadrotor_kernels as qk
from gauntlet.dynamics.quadrotor import euler_angles
from gauntlet.scenarios.loader import load_scenario
from gauntlet.scenarios.swarm import NodeGroup
from gauntlet.swarm.world import SwarmWorld

SWARM_DIR = Path(__file__).resolve().parents[2] / "scenarios" / "swarm"


def hover(wind_mps: tuple[float, float], gust_mps: float = 0.0, ticks: int = 40) -> SwarmWorld:
    """One quadrotor node commanded to hold still for ``ticks`` ticks."""
    base = load_scenario(SWARM_DIR / "sea_air_search.yaml")
    scenario = replace(
        base,
        fleet=(NodeGroup(kind="drone", count=1, spread_m=0.0, model="quadrotor"),),
        environment=replace(base.environment, wind_mps=wind_mps, gust_mps=gust_mps),
    )
    world = SwarmWorld(scenario, seed=3)
    world.update_membership()
    for _ in range(ticks):
        world.apply(np.zeros((world.n, 3)))
        world.step()
    return world


def test_steady_wind_pushes_the_quadrotor_and_tilts_it_into_the_wind() -> None:
    calm, windy = hover((0.0, 0.0)), hover((6.0, 0.0))
    assert calm.quads is not None and windy.quads is not None
    np.testing.assert_array_equal(windy.quads.wind_mps, [[6.0, 0.0, 0.0]])
    np.testing.assert_array_equal(calm.quads.wind_mps, [[0.0, 0.0, 0.0]])
    slot = windy.quad_slots[0]
    # The wind from the west carries the drone east before its velocity loop catches up.
    drift = windy.position_m[slot, 0] - calm.position_m[slot, 0]
    assert drift > 0.01
    assert abs(calm.velocity_mps[slot, 0]) < 1e-6
    # Holding against an eastward wind the drone leans west: FLU pitch negative (nose up).
    _, pitch, _ = euler_angles(windy.quads.state)
    _, calm_pitch, _ = euler_angles(calm.quads.state)
    assert pitch[0] < -0.01 and abs(calm_pitch[0]) < 1e-6


def test_gusts_of_the_world_reach_the_quadrotor() -> None:
    world = hover((2.0, 1.0), gust_mps=1.5, ticks=5)
    assert world.quads is not None
    # The fleet sampled the wind of the last tick: the mean plus the world's gust.
    np.testing.assert_allclose(world.quads.wind_mps[0, :2], world.wind_mps, rtol=0, atol=1e-12)
    assert world.quads.wind_mps[0, 2] == 0.0 and np.any(world.gust_mps != 0.0)
    assert world.quads.state[0, qk.QW] != 1.0
