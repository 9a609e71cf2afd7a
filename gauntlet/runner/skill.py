"""Run one skill scenario (``domain: skill``) and score it as a :class:`ScenarioResult`.

Criteria: ``skill_completed`` (every primitive met its success condition),
one per goal, ``max_contact_force`` (gripper contact force against the
scenario's bound) and ``time_limit``. Metrics: ``success`` (1 or 0),
``skill_time_s``, ``max_contact_force_n``, ``primitives_ok`` / ``primitives``,
``stack_ms_mean`` / ``stack_ms_max`` (executor decision time) and
``tcp_path_m``.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from gauntlet.evaluation.result import CriterionResult, ScenarioResult, Status, overall_status
from gauntlet.runner.single import RunOptions, safe_name
from gauntlet.scenarios.skill import SkillScenario
from gauntlet.scenarios.variations import scenario_id
from gauntlet.skills.run import SkillRun, execute_skill
from gauntlet.skills.world import CONTROL_DT_S


def _criteria(scenario: SkillScenario, run: SkillRun) -> list[CriterionResult]:
    ok = sum(r.status == "ok" for r in run.steps)
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


def _metrics(run: SkillRun) -> dict[str, float]:
    stack = np.asarray(run.stack_s) * 1e3
    path = run.tcp_path
    length = float(np.sum(np.linalg.norm(np.diff(path, axis=0), axis=1))) if len(path) > 1 else 0.0
    return {
        "success": 1.0 if run.success else 0.0,
        "skill_time_s": float(run.time_s),
        "max_contact_force_n": float(run.max_contact_force_n),
        "primitives_ok": float(sum(r.status == "ok" for r in run.steps)),
        "primitives": float(len(run.steps)),
        "stack_ms_mean": float(stack.mean()) if stack.size else 0.0,
        "stack_ms_max": float(stack.max()) if stack.size else 0.0,
        "tcp_path_m": length,
    }


def _plot(png: Path, sid: str, run: SkillRun) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t = np.arange(len(run.tcp_path)) * CONTROL_DT_S
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
    started = time.perf_counter()
    sid = scenario_id(scenario)
    seed = scenario.seed if options.seed is None else options.seed
    stack_name = options.stack or scenario.stack
    run = execute_skill(scenario, seed, stack_name)
    criteria = _criteria(scenario, run)
    trace = plot = None
    if options.out_dir is not None:
        folder = Path(options.out_dir) / "scenarios"
        folder.mkdir(parents=True, exist_ok=True)
        stem = safe_name(sid)
        trace_path = folder / f"{stem}.trace.npz"
        np.savez_compressed(
            trace_path,
            time_s=np.arange(len(run.tcp_path)) * CONTROL_DT_S,
            tcp_xyz_m=run.tcp_path,
            joints_rad=run.joint_path,
        )
        trace = str(trace_path.relative_to(options.out_dir))
        if options.plots:
            png = folder / f"{stem}.png"
            _plot(png, sid, run)
            plot = str(png.relative_to(options.out_dir))
    return ScenarioResult(
        id=sid,
        name=scenario.name,
        file=scenario.source.file if scenario.source is not None else "",
        category=scenario.category,
        tags=tuple(scenario.tags),
        seed=seed,
        stack=stack_name,
        status=overall_status(criteria),
        criteria=tuple(criteria),
        metrics=_metrics(run),
        sim_time_s=run.ticks * CONTROL_DT_S,
        wall_time_s=time.perf_counter() - started,
        steps=run.ticks,
        stop_reason=run.stop_reason,
        trace=trace,
        plot=plot,
    )
