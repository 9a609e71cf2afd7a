"""Run a suite: many scenarios, on local worker processes or a Ray cluster.

Results are journalled as they finish (``results.partial.jsonl``), so an
interrupted run resumes without rerunning what finished, and are returned
sorted by scenario id: the same suite gives the same listing whatever the
backend, the number of jobs, the shards or the order things finished in.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from gauntlet.evaluation.result import ScenarioResult, SuiteResult
from gauntlet.runner.journal import Journal
from gauntlet.runner.pool import Limits, run_isolated
from gauntlet.runner.single import RunOptions, scenario_id
from gauntlet.runner.warmup import warm_up
from gauntlet.scenarios import schema as sc


@dataclass(frozen=True)
class Backend:
    """Where scenarios run: ``local`` worker processes or a ``ray`` cluster at ``address``."""

    name: str = "local"
    address: str | None = None


def default_jobs() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on every platform
        return max(1, os.cpu_count() or 1)


def run_suite(
    scenarios: Sequence[sc.Scenario],
    options: RunOptions,
    jobs: int | None = None,
    on_result: Callable[[ScenarioResult], None] | None = None,
    limits: Limits | None = None,
    backend: Backend | None = None,
    resume: bool = False,
) -> SuiteResult:
    """Run ``scenarios`` and collect a :class:`SuiteResult`.

    Args:
        scenarios: Concrete scenarios with unique ids.
        options: Stack/seed overrides and the output folder.
        jobs: Worker processes (default: one per core).
        on_result: Called with each result as it finishes (progress bars).
        limits: Per-scenario timeout and memory cap.
        backend: Local processes or a Ray cluster.
        resume: Keep the results journalled in ``options.out_dir`` and run
            only the scenarios that have none.
    """
    jobs = jobs or default_jobs()
    limits = limits or Limits()
    backend = backend or Backend()
    started = datetime.now(UTC).isoformat(timespec="seconds")
    t0 = time.perf_counter()
    journal = Journal(options.out_dir) if options.out_dir is not None else None
    done: dict[str, ScenarioResult] = {}
    if journal is not None:
        done = journal.load() if resume else {}
        journal.start(keep=resume)
    wanted = {scenario_id(s) for s in scenarios}
    done = {k: v for k, v in done.items() if k in wanted}
    todo = [s for s in scenarios if scenario_id(s) not in done]

    def record(result: ScenarioResult) -> None:
        if journal is not None:
            journal.append(result)
        if on_result is not None:
            on_result(result)

    for result in done.values():
        if on_result is not None:
            on_result(result)
    if todo:
        if backend.name == "ray":
            from gauntlet.runner.ray_backend import run_on_ray

            fresh = run_on_ray(todo, options, backend.address, limits, on_result=record)
        else:
            warm_up()
            fresh = run_isolated(todo, options, jobs, limits, on_result=lambda _i, r: record(r))
    else:
        fresh = []
    results = sorted([*done.values(), *fresh], key=lambda r: r.id)
    meta = (
        {"backend": backend.name, "resumed": len(done)} if resume or backend.name != "local" else {}
    )
    return SuiteResult(tuple(results), started, time.perf_counter() - t0, jobs, options.stack, meta)
