"""Run one drone scenario: world, one stack per drone, criteria, trace and figure.

The loop per world step: a ring scan when due, each drone's stack decides on
its observation (timed: ``stack_ms_mean`` / ``stack_ms_max``), the commands go
over the links into the flight controllers, the world steps. The run stops
at ``stop.duration_s``, at the first collision (``stop.on_collision``), or when
every goal/waypoint mission is complete (``stop.on_mission_complete``).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from gauntlet.agents.stack import close_stack, make_stack
from gauntlet.evaluation.drone_criteria import (
    DroneRunRecord,
    default_criteria,
    drone_metrics,
    evaluate,
    settle_time_s,
)
from gauntlet.evaluation.result import ScenarioResult
from gauntlet.runner.mission_result import mission_result, run_header, write_artifacts
from gauntlet.runner.single import RunOptions
from gauntlet.scenarios.drone import DroneScenario
from gauntlet.world.drones import DroneWorld


def fly(scenario: DroneScenario, stack_name: str, seed: int, sid: str) -> tuple[DroneWorld, dict]:
    """Fly ``scenario`` to its end; the world and loop facts (stop reason, modes, stack times)."""
    world = DroneWorld(scenario, seed)
    stop = scenario.stop
    steps = int(round(stop.duration_s / world.dt))
    modes = [list(world.modes)]
    stack_s: list[float] = []
    reason = "duration"
    # Whether a mission can complete depends only on its kind.
    completable = [m for m in world.missions if m.completable]
    stacks: list = []
    try:
        for i in range(world.size):
            stacks.append(make_stack(stack_name))
            stacks[i].reset(world.episode_info(i, sid))
        for _ in range(steps):
            world.sense()
            commands = []
            for i, stack in enumerate(stacks):
                obs = world.observation(i)
                start = time.perf_counter()
                commands.append(stack.step(obs))
                stack_s.append(time.perf_counter() - start)
            world.step(commands)
            modes.append(list(world.modes))
            if stop.on_collision and np.any(world.collided):
                reason = "collision"
                break
            if stop.on_mission_complete and completable and all(m.complete for m in completable):
                reason = "mission complete"
                break
    finally:
        for stack in stacks:
            close_stack(stack)
    return world, {"reason": reason, "modes": np.array(modes), "stack_s": np.array(stack_s)}


def run_drone_scenario(scenario: DroneScenario, options: RunOptions) -> ScenarioResult:
    """Run ``scenario`` and score it (see :mod:`gauntlet.runner.domains` for the contract)."""
    header = run_header(scenario, options)
    world, loop = fly(scenario, header.stack, header.seed, header.id)
    arrays = world.recorder.arrays()
    record = DroneRunRecord(
        arrays=arrays,
        references=[m.reference for m in world.missions],
        mission_kinds=[m.kind for m in world.missions],
        complete_s=[m.complete_s for m in world.missions],
        zone_names=[z.name for z in world.zones],
        modes=loop["modes"],
        latencies_s=np.array([x for link in world.links for x in link.latencies_s]),
        commands_lost=sum(link.lost for link in world.links),
        battery_swaps=int(np.sum(world.swaps)),
        depleted=bool(
            np.any(arrays["soc"] <= np.array([p.battery.cutoff_soc for p in world.presets]))
        ),
        collision_events=world.collision_events,
    )
    criteria = scenario.criteria or default_criteria(scenario)
    metrics = drone_metrics(record, settle_time_s(criteria))
    stack_s = loop["stack_s"]
    metrics["stack_ms_mean"] = float(np.mean(stack_s) * 1e3) if len(stack_s) else 0.0
    metrics["stack_ms_max"] = float(np.max(stack_s) * 1e3) if len(stack_s) else 0.0
    metrics["obstacles"] = float(
        len(world.obstacles.cylinders)
        + len(world.obstacles.boxes)
        + len(world.obstacles.wires)
        + len(world.obstacles.movers)
    )
    results = evaluate(criteria, metrics, record)
    names = [d.name for d in scenario.drones]

    def draw(png: Path) -> None:
        from gauntlet.evaluation.drone_plots import plot_drone_run

        plot_drone_run(
            png, header.id, arrays, world.obstacles, world.zones, record.references, names
        )

    artifacts = write_artifacts(
        options, header.id, {**arrays, "modes": loop["modes"].astype("U8")}, draw
    )
    return mission_result(
        scenario,
        header,
        criteria=results,
        metrics=metrics,
        sim_time_s=world.time_s,
        steps=world.steps,
        stop_reason=loop["reason"],
        artifacts=artifacts,
    )
