"""Run many scenarios on a local process pool and collect their results."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from datetime import UTC, datetime

from gauntlet.evaluation.result import ScenarioResult, SuiteResult
from gauntlet.runner.single import RunOptions, run_scenario
from gauntlet.scenarios import schema as sc


def _run_one(args: tuple[sc.Scenario, RunOptions]) -> ScenarioResult:
    scenario, options = args
    return run_scenario(scenario, options)


def run_suite(
    scenarios: Sequence[sc.Scenario],
    options: RunOptions,
    jobs: int | None = None,
    on_result: Callable[[ScenarioResult], None] | None = None,
) -> SuiteResult:
    """Run ``scenarios`` with ``jobs`` worker processes (default: one per core).

    Results come back in input order whatever order they finish in, so the
    suite's output does not depend on scheduling.
    """
    jobs = max(1, jobs or os.cpu_count() or 1)
    started = datetime.now(UTC).isoformat(timespec="seconds")
    t0 = time.perf_counter()
    results: list[ScenarioResult | None] = [None] * len(scenarios)
    if jobs == 1 or len(scenarios) <= 1:
        for k, s in enumerate(scenarios):
            results[k] = run_scenario(s, options)
            if on_result:
                on_result(results[k])  # type: ignore[arg-type]
    else:
        with ProcessPoolExecutor(max_workers=min(jobs, len(scenarios))) as pool:
            futures = {pool.submit(_run_one, (s, options)): k for k, s in enumerate(scenarios)}
            for fut in as_completed(futures):
                k = futures[fut]
                results[k] = fut.result()
                if on_result:
                    on_result(results[k])  # type: ignore[arg-type]
    done = tuple(r for r in results if r is not None)
    return SuiteResult(done, started, time.perf_counter() - t0, jobs, options.stack)
