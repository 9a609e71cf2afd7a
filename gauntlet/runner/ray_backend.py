"""Run a suite on a Ray cluster.

Scenarios are grouped into tasks of at least ~100 ms of work (a batch is
filled until its estimated cost, from simulated steps times actors, reaches
the mark), so scheduling overhead stays small. Each task runs its scenarios
with the same code as the local backend, so results are identical for the
same seeds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from gauntlet.evaluation.result import ScenarioResult
from gauntlet.runner.pool import Limits
from gauntlet.runner.single import RunOptions, run_scenario
from gauntlet.scenarios import schema as sc
from gauntlet.scenarios.domains import DEFAULT_DOMAIN, domain_of

#: Estimated cost of one actor-step, s (a 50-actor step takes ~0.2 ms on one core).
ACTOR_STEP_S = 4e-6
#: Smallest task worth scheduling, s.
MIN_TASK_S = 0.1


def check_ray() -> None:
    """Raise ImportError with the install hint if Ray is missing."""
    try:
        import ray  # noqa: F401
    except ImportError:
        raise ImportError("the ray backend needs Ray: pip install 'gauntlet-sim[ray]'") from None


#: Assumed wall time of one drone, swarm or skill scenario for batching, s.
OTHER_DOMAIN_COST_S = 0.5


def estimated_cost_s(scenario: sc.Scenario) -> float:
    """Rough wall time of one run, from its steps and actors (other domains: 0.5 s)."""
    if domain_of(scenario) != DEFAULT_DOMAIN:
        return OTHER_DOMAIN_COST_S
    steps = scenario.stop.duration_s / scenario.dt_s
    return steps * max(len(scenario.entities), 1) * ACTOR_STEP_S + 0.02


def batches(scenarios: Sequence[sc.Scenario], min_task_s: float = MIN_TASK_S) -> list[list[int]]:
    """Indices grouped so that each group's estimated cost reaches ``min_task_s``."""
    groups: list[list[int]] = []
    current: list[int] = []
    cost = 0.0
    for k, s in enumerate(scenarios):
        current.append(k)
        cost += estimated_cost_s(s)
        if cost >= min_task_s:
            groups.append(current)
            current, cost = [], 0.0
    if current:
        groups.append(current)
    return groups


def _run_batch(scenarios: list[sc.Scenario], options: RunOptions) -> list[ScenarioResult]:
    from gauntlet.runner.warmup import warm_up

    warm_up()
    return [run_scenario(s, options) for s in scenarios]


def run_on_ray(
    scenarios: Sequence[sc.Scenario],
    options: RunOptions,
    address: str | None,
    limits: Limits,
    on_result: Callable[[ScenarioResult], None] | None = None,
) -> list[ScenarioResult]:
    """Run ``scenarios`` as Ray tasks; results in input order.

    Without ``address`` a local Ray is started (all cores of this machine).
    Trace and plot files are written by the workers under ``options.out_dir``:
    on a multi-node cluster that folder must be on a shared file system.
    """
    check_ray()
    import ray

    started_here = not ray.is_initialized()
    if started_here:
        ray.init(
            address=address, include_dashboard=False, log_to_driver=False, configure_logging=False
        )
    try:
        remote = ray.remote(max_retries=0)(_run_batch)
        groups = batches(scenarios)
        futures = {remote.remote([scenarios[k] for k in g], options): g for g in groups}
        results: list[ScenarioResult | None] = [None] * len(scenarios)
        pending = list(futures)
        timeout = (
            None if limits.timeout_s is None else limits.timeout_s * max(len(g) for g in groups)
        )
        while pending:
            ready, pending = ray.wait(pending, num_returns=1, timeout=timeout)
            if not ready:
                raise TimeoutError(f"a Ray task ran past {timeout:g} s")
            for fut in ready:
                for k, result in zip(futures[fut], ray.get(fut), strict=True):
                    results[k] = result
                    if on_result is not None:
                        on_result(result)
        return [r for r in results if r is not None]
    finally:
        if started_here:
            ray.shutdown()
