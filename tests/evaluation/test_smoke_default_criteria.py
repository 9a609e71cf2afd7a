"""The smoke suite passes under the default criteria, and every run gets scores."""

from __future__ import annotations

from dataclasses import replace

import pytest

from gauntlet.evaluation.result import Status
from gauntlet.runner.single import RunOptions, simulate
from gauntlet.scenarios.loader import load_scenario
from tests.conftest import REPO_ROOT

SMOKE = sorted((REPO_ROOT / "scenarios" / "smoke").glob("*.yaml"))


@pytest.mark.parametrize("path", SMOKE, ids=[p.stem for p in SMOKE])
def test_smoke_scenario_passes_the_default_criteria(path):
    scenario = replace(load_scenario(path), criteria=())
    _, result = simulate(scenario, RunOptions(plots=False))
    assert result.status is Status.PASS, result.criteria
    assert [c.name for c in result.criteria] == ["collision", "off_road"]
    assert 0.0 <= result.scores["driving_score"] <= 100.0
    assert 0.0 <= result.scores["closed_loop_score"] <= 1.0
