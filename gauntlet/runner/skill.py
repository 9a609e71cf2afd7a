"""Run one skill scenario (``domain: skill``) and score it as a :class:`ScenarioResult`.

Criteria: ``skill_completed`` (every primitive met its success condition),
one per goal, ``max_contact_force`` (gripper contact force against the
scenario's bound) and ``time_limit``. Metrics: ``success`` (1 or 0),
``skill_time_s``, ``max_contact_force_n``, ``primitives_ok`` / ``primitives``,
``stack_ms_mean`` / ``stack_ms_max`` (executor decision time) and
``tcp_path_m``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from gauntlet.evaluation.result import CriterionResult, ScenarioResult, Status
from gauntlet.runner.mission_result import mission_result, run_header, write_artifacts
from gauntlet.runner.single import RunOptions
from gauntlet.scenarios.skill import SkillScenario
from gauntlet.skills.run import SkillRun, execute_skill
from gauntlet.skills.world import CONTROL_DT_S


def _criteria(scenario: SkillScenario, run: SkillRun, ok: int) -> list[CriterionResult]:
    failed = [r for r in run.steps if r.status not in ("ok", "pending")]
    events = tuple(
        {
            "step": r.kind,
            "target": r.target,
            "status": r.status,
            "time_s": r.end_s,
            "reason": r.reason,
        }
        for r in failed
    )
    out = [
        CriterionResult(
            "skill_completed",
            Status.PASS if run.completed else Status.FAIL,
            float(ok),
            float(len(run.steps)),
            "steps",
            events,
        )
    ]
    for g in run.goals:
        out.append(
            CriterionResult(
                f"goal:{g.name}",
                Status.PASS if g.met else Status.FAIL,
                g.actual,
                g.threshold,
                g.units,
            )
        )
    bound = scenario.max_contact_force_n
    out.append(
        CriterionResult(
            "max_contact_force",
            Status.PASS if run.max_contact_force_n <= bound else Status.FAIL,
            run.max_contact_force_n,
            bound,
            "N",
        )
    )
    out.append(
        CriterionResult(
            "time_limit",
            Status.PASS if run.stop_reason != "duration" else Status.FAIL,
            run.time_s,
            scenario.duration_s,
            "s",
        )
    )
    return out


def _metrics(run: SkillRun, ok: int) -> dict[str, float]:
    stack = np.asarray(run.stack_s) * 1e3
    path = run.tcp_path
    length = float(np.sum(np.linalg.norm(np.diff(path, axis=0), axis=1))) if len(path) > 1 else 0.0
    return {
        "success": 1.0 if run.success else 0.0,
        "skill_time_s": float(run.time_s),
        "max_contact_force_n": float(run.max_contact_force_n),
        "primitives_ok": float(ok),
        "primitives": float(len(run.steps)),
        "stack_ms_mean": float(stack.mean()) if stack.size else 0.0,
        "stack_ms_max": float(stack.max()) if stack.size else 0.0,
        "tcp_path_m": length,
    }


def _plot(png: Path, sid: str, run: SkillRun, t: np.ndarray) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.6))
    if len(run.tcp_path):
        ax1.plot(run.tcp_path[:, 0], run.tcp_path[:, 1], lw=1.2)
        for label, k in (("x", 0), ("y", 1), ("z", 2)):
            ax2.plot(t, run.tcp_path[:, k], label=label, lw=1.0)
    for r in run.steps:
        ax2.axvline(r.end_s, color="0.8", lw=0.6)
    ax1.set(xlabel="x (m)", ylabel="y (m)", title="TCP path (top view)", aspect="equal")
    ax2.set(xlabel="time (s)", ylabel="TCP (m)", title="TCP position; lines: step ends")
    ax2.legend(fontsize=7)
    fig.suptitle(f"{sid}: {'success' if run.success else 'failure'}", fontsize=9)
    fig.tight_layout()
    fig.savefig(png, dpi=80)
    plt.close(fig)


def run_skill_scenario(scenario: SkillScenario, options: RunOptions) -> ScenarioResult:
    """Run ``scenario`` with the skill executor and score it."""
    header = run_header(scenario, options)
    run = execute_skill(scenario, header.seed, header.stack)
    ok = sum(r.status == "ok" for r in run.steps)
    time_s = np.arange(len(run.tcp_path)) * CONTROL_DT_S
    arrays = {
        "time_s": time_s,
        "tcp_xyz_m": run.tcp_path,
        "joints_rad": run.joint_path,
    }
    return mission_result(
        scenario,
        header,
        criteria=_criteria(scenario, run, ok),
        metrics=_metrics(run, ok),
        sim_time_s=run.ticks * CONTROL_DT_S,
        steps=run.ticks,
        stop_reason=run.stop_reason,
        artifacts=write_artifacts(
            options, header.id, arrays, lambda png: _plot(png, header.id, run, time_s)
        ),
    )
