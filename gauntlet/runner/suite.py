"""Run many scenarios on a local process pool and collect their results."""

from __future__ import annotations

import json
import os
import platform
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from gauntlet import __version__
from gauntlet.evaluation.result import ScenarioResult, Status
from gauntlet.runner.single import RunOptions, run_scenario
from gauntlet.scenarios import schema as sc

RESULTS_SCHEMA_VERSION = 1


@dataclass(frozen=True)
class SuiteResult:
    """All scenario results of one run, with when and how it ran."""

    results: tuple[ScenarioResult, ...]
    started: str
    wall_time_s: float
    jobs: int
    stack: str | None
    meta: dict[str, Any] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        c = {s.value: 0 for s in Status if s is not Status.NOT_EVALUATED}
        for r in self.results:
            c[r.status.value] += 1
        c["total"] = len(self.results)
        return c

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": RESULTS_SCHEMA_VERSION,
            "gauntlet_version": __version__,
            "started": self.started,
            "wall_time_s": self.wall_time_s,
            "jobs": self.jobs,
            "stack": self.stack,
            "machine": {
                "python": platform.python_version(),
                "platform": platform.platform(),
                "cpus": os.cpu_count(),
            },
            "summary": self.counts(),
            "scenarios": [r.to_dict() for r in self.results],
            **self.meta,
        }

    def write_json(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_dict(), indent=2, allow_nan=False) + "\n")


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
