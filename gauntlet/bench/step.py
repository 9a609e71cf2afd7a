"""``gauntlet bench step``: world steps per second in a 50-vehicle highway scene.

The scene: a 4-lane, 30 km motorway; 49 IDM/MOBIL vehicles spread over the
lanes with seeded desired speeds, and an ego driven by the reference stack
from the ground-truth object list. No sensors. The loop measured is what
``gauntlet run`` does per step: observe, stack step, world step.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from gauntlet.agents.reference import ReferenceStack
from gauntlet.scenarios import schema as sc
from gauntlet.world.builder import build_world
from gauntlet.world.observation import EgoRoute, episode_info, observe, route_horizon

LANES = 4


def highway_scene(vehicles: int = 50, seed: int = 7) -> sc.Scenario:
    """The benchmark scenario: ``vehicles`` cars (one ego) on a 4-lane motorway."""
    rng = np.random.default_rng(seed)
    entities = [
        sc.Entity(
            name="ego",
            type="car",
            initial=sc.InitialState(sc.LanePosition(road="1", lane=-2, s_m=200.0), speed_mps=25.0),
        )
    ]
    per_lane = int(np.ceil((vehicles - 1) / LANES))
    k = 0
    for lane in range(1, LANES + 1):
        for j in range(per_lane):
            if k >= vehicles - 1:
                break
            s = 60.0 + j * 45.0 + float(rng.uniform(0.0, 10.0))
            if lane == 2 and abs(s - 200.0) < 30.0:
                s += 60.0
            speed = float(rng.uniform(22.0, 32.0))
            entities.append(
                sc.Entity(
                    name=f"car{k}",
                    type="car",
                    initial=sc.InitialState(
                        sc.LanePosition(road="1", lane=-lane, s_m=s), speed_mps=speed
                    ),
                    behaviour=sc.IdmBehaviour(desired_speed_mps=speed),
                )
            )
            k += 1
    return sc.Scenario(
        name="bench_highway_50",
        map=sc.ProceduralMap("highway", {"length_m": 30000.0, "lanes": LANES, "on_ramp": False}),
        entities=tuple(entities),
        seed=seed,
        dt_s=0.05,
        stop=sc.StopConditions(duration_s=600.0),
    )


def bench_step(quick: bool = False) -> dict[str, Any]:
    """Steps per second of observe + reference stack + world step, one core."""
    scenario = highway_scene()
    world = build_world(scenario, external={"ego"})
    ego = world.actor_id("ego")
    stack = ReferenceStack()
    route = EgoRoute(world, ego, route_horizon(scenario.stop.duration_s))
    stack.reset(episode_info(world, route, scenario.name, scenario.seed))
    warmup, steps, repeats = (20, 100, 2) if quick else (100, 1000, 7)
    for _ in range(warmup):
        world.step({ego: stack.step(observe(world, route))})
    rates = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(steps):
            world.step({ego: stack.step(observe(world, route))})
        rates.append(steps / (time.perf_counter() - t0))
    median = float(np.median(rates))
    lane_changes = int(np.sum(world.drivers.last_change_t > 0))
    return {
        "vehicles": len(world.actors),
        "steps_per_repeat": steps,
        "repeats": repeats,
        "dt_s": scenario.dt_s,
        "steps_per_s": round(median, 1),
        "steps_per_s_best": round(max(rates), 1),
        "steps_per_s_worst": round(min(rates), 1),
        "real_time_factor": round(median * scenario.dt_s, 1),
        "collisions": len(world.collisions),
        "vehicles_that_changed_lane": lane_changes,
        "target_steps_per_s": 5000,
    }
