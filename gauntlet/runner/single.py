"""Run one concrete scenario with a stack and score it."""

from __future__ import annotations

import re
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gauntlet.agents.stack import Control, StackError, close_stack, make_stack, resolve_stack
from gauntlet.evaluation.criteria import Evaluation, EvaluationContext, RunFacts, ttc_series
from gauntlet.evaluation.perception_metrics import PerceptionEvaluation
from gauntlet.evaluation.result import ScenarioResult, Status, overall_status
from gauntlet.evaluation.scores import score_scenario
from gauntlet.runner.domains import domain_runner
from gauntlet.scenarios import schema as sc
from gauntlet.scenarios.domains import seed_of, stack_of
from gauntlet.scenarios.errors import ScenarioError, ScenarioErrors
from gauntlet.scenarios.variations import scenario_id
from gauntlet.world.builder import build_world
from gauntlet.world.observation import EgoRoute, episode_info, observe, route_horizon
from gauntlet.world.recorder import Trace
from gauntlet.world.sensing import with_sensor_rig
from gauntlet.world.world import World


@dataclass(frozen=True)
class RunOptions:
    """How to run: stack override, seed override, output folder, plots."""

    stack: str | None = None
    seed: int | None = None
    out_dir: Path | None = None
    plots: bool = True


def safe_name(text: str) -> str:
    """A file-system-safe rendering of a scenario id."""
    return re.sub(r"[^A-Za-z0-9._=-]+", "_", text).strip("_")


def simulate(scenario: sc.Scenario, options: RunOptions) -> tuple[World, ScenarioResult]:
    """Build, run and score ``scenario``; return the final world and the result."""
    sid = scenario_id(scenario)
    stack_name = stack_of(scenario, options.stack)
    seed = seed_of(scenario, options.seed)
    stack_cls = resolve_stack(stack_name)
    playback = bool(getattr(stack_cls, "PLAYBACK", False))
    # A stack that needs sensors brings them when the scenario declares none.
    scenario = with_sensor_rig(scenario, tuple(getattr(stack_cls, "SENSORS", ())))
    ego_name = scenario.ego.entity
    world = build_world(scenario, external=set() if playback else {ego_name}, seed=seed)
    ego = world.actor_id(ego_name)
    stack = make_stack(stack_name, scenario.ego.params)
    route = EgoRoute(world, ego, route_horizon(scenario.stop.duration_s))
    bind_world(stack, world, ego)
    stack.reset(episode_info(world, route, sid, seed))
    evaluation = Evaluation(EvaluationContext(world, scenario, ego, route))
    evaluation.update(world)
    perceived = getattr(stack, "perceived_objects", None)
    perception = PerceptionEvaluation(world, ego) if callable(perceived) else None
    latencies: list[float] = []
    budget = scenario.ego.step_budget_s
    stop_reason = "duration"
    wall0 = time.perf_counter()
    steps = int(round(scenario.stop.duration_s / scenario.dt_s))
    try:
        for _ in range(steps):
            controls: dict[int, Control] = {}
            if not playback:
                obs = observe(world, route)
                t0 = time.perf_counter()
                controls[ego] = stack.step(obs)
                spent = time.perf_counter() - t0
                latencies.append(spent)
                if perception is not None:
                    perception.update(world, perceived())
                if budget is not None and spent > budget:
                    stop_reason = f"stack step took {spent * 1e3:.1f} ms, over the {budget * 1e3:.1f} ms budget"
                    break
            world.step(controls)
            evaluation.update(world)
            if scenario.stop.on_collision and any(ego in (e.a, e.b) for e in world.collisions):
                stop_reason = "collision"
                break
            if world.storyboard is not None and world.storyboard.stop_requested:
                stop_reason = "stop condition"
                break
    finally:
        close_stack(stack)
    evaluation.finish(RunFacts(np.asarray(latencies), stop_reason))
    results = evaluation.results()
    status = overall_status(results)
    if stop_reason.startswith("stack step took"):
        status = Status.FAIL
    trace = world.recorder.trace()
    metrics = _metrics(trace, ego, world, latencies)
    if perception is not None:
        metrics.update(perception.metrics())
    scores = score_scenario(evaluation.monitor_results(), metrics)
    result = ScenarioResult(
        id=sid,
        name=scenario.name,
        file=scenario.source.file if scenario.source else "",
        category=scenario.category,
        tags=scenario.tags,
        seed=seed,
        stack=stack_name,
        status=status,
        criteria=tuple(results),
        metrics=metrics,
        scores=scores,
        sim_time_s=world.time_s,
        wall_time_s=time.perf_counter() - wall0,
        steps=world.step_index,
        stop_reason=stop_reason,
    )
    return world, result


def _metrics(trace: Trace, ego: int, world: World, latencies: list[float]) -> dict[str, float]:
    """Summary numbers of the ego's run, from the trace (TTC over every step after the start)."""
    speed = trace.data["speed"][:, ego]
    accel = trace.data["accel"][1:, ego] if len(speed) > 1 else np.zeros(1)
    d = trace.data
    after = slice(1, None) if len(speed) > 1 else slice(None)
    ttc = ttc_series(
        d["x"][after],
        d["y"][after],
        d["h"][after],
        d["speed"][after],
        world.length,
        world.width,
        ego,
    )
    min_ttc = float(ttc.min()) if len(ttc) else np.inf
    m = {
        "sim_time_s": float(world.time_s),
        "distance_m": float(world.odometer[ego]),
        "mean_speed_mps": float(speed.mean()),
        "max_speed_mps": float(speed.max()),
        "max_decel_mps2": float(max(0.0, -accel.min())),
        "min_ttc_s": float(min_ttc) if np.isfinite(min_ttc) else -1.0,
        "collisions": float(sum(ego in (e.a, e.b) for e in world.collisions)),
    }
    if latencies:
        lat = np.array(latencies) * 1e3
        m["stack_latency_p50_ms"] = float(np.percentile(lat, 50))
        m["stack_latency_p99_ms"] = float(np.percentile(lat, 99))
    return m


def run_scenario(scenario: sc.Scenario, options: RunOptions) -> ScenarioResult:
    """Run ``scenario``; write its trace and plot to ``options.out_dir``.

    Bad input and crashing stacks give an ERROR result with the message; they
    never raise.
    """
    t0 = time.perf_counter()
    try:
        runner = domain_runner(scenario)
        if runner is not None:
            return runner(scenario, options)
        world, result = simulate(scenario, options)
    except (ScenarioError, ScenarioErrors, StackError) as exc:
        return error_result(scenario, options, str(exc), time.perf_counter() - t0)
    except Exception as exc:  # noqa: BLE001 - a crashing stack must not stop the suite
        tb = traceback.format_exc(limit=6)
        return error_result(
            scenario, options, f"{type(exc).__name__}: {exc}\n{tb}", time.perf_counter() - t0
        )
    if options.out_dir is not None:
        result = _write_artifacts(world, result, scenario, options)
    return result


def _write_artifacts(
    world: World, result: ScenarioResult, scenario: sc.Scenario, options: RunOptions
) -> ScenarioResult:
    from dataclasses import replace

    # Imported here: mission_result builds on this module's RunOptions.
    from gauntlet.runner.mission_result import write_artifacts

    trace = world.recorder.trace()

    def draw(png: Path) -> None:
        from gauntlet.evaluation.plots import bird_eye_view

        bird_eye_view(
            world.network,
            trace,
            world.collisions,
            png,
            title=f"{result.id} — {result.status.value}",
        )

    trace_path, plot_path = write_artifacts(options, result.id, trace.save, draw)
    return replace(result, trace=trace_path, plot=plot_path)


def bind_world(stack: object, world: World, ego: int) -> None:
    """Give the world to a stack that serves it to outside clients (``bind_world(world, ego)``).

    Such a stack (the ``carla`` stack of scenario mode) publishes the whole
    world, not only the ego's observation; it never steps it.
    """
    bind = getattr(stack, "bind_world", None)
    if callable(bind):
        bind(world, ego)


def error_result(
    scenario: sc.Scenario, options: RunOptions, message: str, wall_s: float
) -> ScenarioResult:
    """An ERROR result for ``scenario``: it could not be built or run to the end."""
    return ScenarioResult(
        id=scenario_id(scenario),
        name=scenario.name,
        file=scenario.source.file if scenario.source else "",
        category=scenario.category,
        tags=scenario.tags,
        seed=seed_of(scenario, options.seed),
        stack=stack_of(scenario, options.stack),
        status=Status.ERROR,
        wall_time_s=wall_s,
        stop_reason="error",
        error=message,
    )
