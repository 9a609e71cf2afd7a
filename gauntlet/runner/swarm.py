"""Run one ``domain: swarm`` scenario: mission, metrics, criteria, trace and figure."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from gauntlet.agents.stack import close_stack, make_stack
from gauntlet.evaluation.result import ScenarioResult, overall_status
from gauntlet.runner.mission_result import mission_result, run_header, write_artifacts
from gauntlet.runner.single import RunOptions
from gauntlet.scenarios.swarm import SwarmScenario
from gauntlet.swarm.metrics import mission_criteria, mission_metrics
from gauntlet.swarm.mission import SwarmMission


def run_swarm_scenario(scenario: SwarmScenario, options: RunOptions) -> ScenarioResult:
    """Run ``scenario`` with its (or the options') stack and seed; score it; write its artefacts."""
    header = run_header(scenario, options)
    stack = make_stack(header.stack)
    try:
        mission = SwarmMission(scenario, header.seed, stack)
        mission.run()
    finally:
        close_stack(stack)
    metrics = mission_metrics(mission)
    criteria = mission_criteria(mission, metrics)
    status = overall_status(criteria).value

    def draw(png: Path) -> None:
        from gauntlet.swarm.plots import mission_figure

        mission_figure(mission, png, title=f"{header.id} — {status}")

    return mission_result(
        scenario,
        header,
        criteria=criteria,
        metrics=metrics,
        sim_time_s=mission.world.time_s,
        steps=mission.steps,
        stop_reason="duration",
        artifacts=write_artifacts(options, header.id, mission_trace(mission), draw),
    )


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
