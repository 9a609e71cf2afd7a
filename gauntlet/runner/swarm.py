"""Run one ``domain: swarm`` scenario: mission, metrics, criteria, trace and figure."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from gauntlet.agents.stack import make_stack, resolve_stack
from gauntlet.evaluation.result import ScenarioResult, overall_status
from gauntlet.runner.single import RunOptions, safe_name
from gauntlet.scenarios.swarm import SwarmScenario
from gauntlet.scenarios.variations import scenario_id
from gauntlet.swarm.metrics import mission_criteria, mission_metrics
from gauntlet.swarm.mission import SwarmMission


def run_swarm_scenario(scenario: SwarmScenario, options: RunOptions) -> ScenarioResult:
    """Run ``scenario`` with its (or the options') stack and seed; score it; write its artefacts."""
    t0 = time.perf_counter()
    stack_name = options.stack or scenario.stack
    seed = scenario.seed if options.seed is None else options.seed
    resolve_stack(stack_name)
    stack = make_stack(stack_name)
    mission = SwarmMission(scenario, seed, stack)
    mission.run()
    metrics = mission_metrics(mission)
    criteria = mission_criteria(mission, metrics)
    result = ScenarioResult(
        id=scenario_id(scenario),
        name=scenario.name,
        file=scenario.source.file if scenario.source else "",
        category=scenario.category,
        tags=scenario.tags,
        seed=seed,
        stack=stack_name,
        status=overall_status(criteria),
        criteria=tuple(criteria),
        metrics=metrics,
        sim_time_s=mission.world.time_s,
        wall_time_s=time.perf_counter() - t0,
        steps=mission.steps,
        stop_reason="duration",
    )
    if options.out_dir is not None:
        result = _write_artifacts(mission, result, options)
    return result


def mission_trace(mission: SwarmMission) -> dict[str, np.ndarray]:
    """The recorded mission as arrays (exact float64): what the trace file holds."""
    rec, w = mission.record, mission.world
    out = {
        "time_s": np.array(rec.time_s),
        "position_m": np.array(rec.position_m),
        "active": np.array(rec.active),
        "task": np.array(rec.task),
        "connectivity": np.array(rec.connectivity),
        "coverage": np.array(rec.coverage),
        "kind": w.kind,
        "role": w.role,
        "task_type": mission.tasking.board.type,
        "task_xy": mission.tasking.board.xy,
        "allocations": np.array(rec.allocations, dtype=np.float64).reshape(-1, 2),
    }
    for k, (t, edges) in enumerate(rec.graphs):
        out[f"graph{k}_time_s"] = np.array(t)
        out[f"graph{k}_edges"] = edges
    return out


def _write_artifacts(
    mission: SwarmMission, result: ScenarioResult, options: RunOptions
) -> ScenarioResult:
    root = Path(options.out_dir)
    out = root / "scenarios"
    out.mkdir(parents=True, exist_ok=True)
    base = safe_name(result.id)
    trace_path = out / f"{base}.trace.npz"
    np.savez_compressed(trace_path, **mission_trace(mission))
    plot_path = None
    if options.plots:
        from gauntlet.swarm.plots import mission_figure

        plot_path = out / f"{base}.png"
        mission_figure(mission, plot_path, title=f"{result.id} — {result.status.value}")
    return replace(
        result,
        trace=str(trace_path.relative_to(root)),
        plot=str(plot_path.relative_to(root)) if plot_path else None,
    )
