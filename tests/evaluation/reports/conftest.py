"""A small results folder for the report tests: passing, failing and errored scenarios."""

from __future__ import annotations

from pathlib import Path

import pytest

from gauntlet.evaluation.result import SuiteResult
from gauntlet.library import library_root
from gauntlet.runner.single import RunOptions
from gauntlet.runner.suite import run_suite
from gauntlet.scenarios.loader import load_scenario

LIBRARY_SCENARIOS = ("follow_lead", "lead_brakes", "stationary_target_80kph")

FOLLOW = """
gauntlet: 1
name: {name}
category: {category}
tags: [report-test]
map: {{procedural: {{generator: straight, params: {{length_m: 600, lanes_right: 1, lanes_left: 1}}}}}}
ego: {{stack: "{stack}"}}
entities:
  - {{name: ego, type: car, initial: {{position: {{lane: {{road: "1", lane: -1, s_m: 20}}}}, speed_mps: 15}}}}
  - {{name: lead, type: car, initial: {{position: {{relative_lane: {{entity: ego, ds_m: 40}}}}, speed_mps: 8}}, behaviour: cruise}}
stop: {{duration_s: 12}}
criteria: [{{collision: {{}}}}, {{min_ttc: {{threshold_s: 1.5}}}}]
"""

#: (name, category, stack): a rear-end collision (FAIL) and a crashing stack (ERROR).
WRITTEN_SCENARIOS = (
    ("rear_end", "urban", "tests.evaluation.reports.stacks:Blind"),
    ("stack_crash", "typical", "tests.evaluation.reports.stacks:Crashing"),
)


def _scenarios(folder: Path) -> list:
    folder.mkdir(parents=True, exist_ok=True)
    scenarios = [load_scenario(library_root() / "smoke" / f"{n}.yaml") for n in LIBRARY_SCENARIOS]
    for name, category, stack in WRITTEN_SCENARIOS:
        path = folder / f"{name}.yaml"
        path.write_text(FOLLOW.format(name=name, category=category, stack=stack))
        scenarios.append(load_scenario(path))
    return scenarios


@pytest.fixture(scope="session")
def results_dir(tmp_path_factory) -> Path:
    """A results folder written by the runner: ``results.json``, traces and plots."""
    root = tmp_path_factory.mktemp("report-run")
    out = root / "results"
    suite = run_suite(_scenarios(root / "scenarios"), RunOptions(out_dir=out), jobs=1)
    suite.write_json(out / "results.json")
    return out


@pytest.fixture(scope="session")
def suite(results_dir) -> SuiteResult:
    """The suite as read back from ``results.json``."""
    return SuiteResult.read_json(results_dir / "results.json")
