"""``gauntlet bench suite``: suite throughput with one and two worker processes.

The slice is the first 200 scenarios of the library by id. While the library
holds fewer, its scenarios are repeated under distinct names up to 200 (the
``source`` field says which). Both runs happen in one invocation, so the
speed-up is a ratio measured on the same machine state.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any, get_args

from gauntlet.library import library_root
from gauntlet.runner.single import RunOptions, scenario_id
from gauntlet.runner.suite import run_suite
from gauntlet.scenarios import schema as sc
from gauntlet.scenarios.catalog import find_scenario_files
from gauntlet.scenarios.files import load_file

SLICE = 200


def library_slice(size: int) -> tuple[list[sc.Scenario], str]:
    """The first ``size`` driving scenarios of the library by id (repeated if there are fewer)."""
    files = find_scenario_files([library_root() / c for c in get_args(sc.Category)])
    found = [s for f in files for s in load_file(f)]
    scenarios = sorted(found, key=scenario_id)
    if len(scenarios) >= size:
        return scenarios[:size], f"driving library, first {size} of {len(scenarios)} by id"
    out = []
    for k in range(size):
        base = scenarios[k % len(scenarios)]
        out.append(
            dataclasses.replace(
                base, name=f"{base.name}__{k // len(scenarios)}", source=base.source
            )
        )
    return out, f"library of {len(scenarios)} scenarios repeated to {size}"


def bench_suite(quick: bool = False) -> dict[str, Any]:
    """Scenarios per second with --jobs 1 and --jobs 2, and the speed-up."""
    scenarios, source = library_slice(20 if quick else SLICE)
    options = RunOptions(plots=False)
    # One unmeasured pass over a few scenarios, so neither measurement pays one-off costs.
    run_suite(scenarios[:10], options, jobs=2)
    rates = {}
    for jobs in (1, 2):
        t0 = time.perf_counter()
        suite = run_suite(scenarios, options, jobs=jobs)
        wall = time.perf_counter() - t0
        rates[jobs] = (len(suite.results) / wall, wall, suite.counts())
    return {
        "scenarios": len(scenarios),
        "source": source,
        "jobs1_scenarios_per_s": round(rates[1][0], 2),
        "jobs1_wall_s": round(rates[1][1], 2),
        "jobs2_scenarios_per_s": round(rates[2][0], 2),
        "jobs2_wall_s": round(rates[2][1], 2),
        "speedup": round(rates[2][0] / rates[1][0], 2),
        "passed": rates[2][2]["PASS"],
        "target_speedup": 1.7,
    }
