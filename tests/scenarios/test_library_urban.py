"""The urban scenario library: size, unique ids, a lossless written form, and runs.

Every file under ``scenarios/urban`` is a logical scenario of the ``urban``
category. Together they expand to at least 250 concrete scenarios with unique
ids; each file loads, dumps and reloads to an equal scenario; and the first
concrete scenario of each file runs, shortened, to a PASS or FAIL (never an
ERROR) with the reference stack.
"""

from __future__ import annotations

import dataclasses
from functools import cache
from pathlib import Path

import pytest

from gauntlet.evaluation.result import Status
from gauntlet.runner.single import RunOptions, run_scenario
from gauntlet.scenarios import dump_scenario, find_scenario_files, load_scenario, parse_scenario
from gauntlet.scenarios.loader import load_concrete
from gauntlet.scenarios.schema import Scenario
from gauntlet.scenarios.variations import scenario_id

URBAN = Path(__file__).resolve().parents[2] / "scenarios" / "urban"
FILES = find_scenario_files([URBAN]) if URBAN.is_dir() else []
MIN_CONCRETE = 250
#: Simulated seconds of the smoke runs: long enough for every storyboard to start acting.
SHORT_RUN_S = 8.0


def _rel(path: Path) -> str:
    return path.relative_to(URBAN).as_posix()


@cache
def _concrete(path: Path) -> tuple[Scenario, ...]:
    return tuple(load_concrete(path))


def test_the_library_has_files():
    assert len(FILES) >= 15, FILES


def test_at_least_250_unique_urban_scenarios():
    ids: list[str] = []
    for path in FILES:
        for scenario in _concrete(path):
            assert scenario.category == "urban", (path, scenario.name)
            assert "urban" in scenario.tags, (path, scenario.name)
            assert scenario.criteria, f"{path}: {scenario_id(scenario)} has no criteria"
            ids.append(scenario_id(scenario))
    assert len(ids) >= MIN_CONCRETE
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, duplicates


def test_names_are_unique_across_files():
    names = [load_scenario(path).name for path in FILES]
    assert len(names) == len(set(names)), names


@pytest.mark.parametrize("path", FILES, ids=[_rel(p) for p in FILES])
def test_load_dump_reload_is_equal(path):
    scenario = load_scenario(path)
    assert scenario.variations is not None, f"{path} is not a logical scenario"
    again = parse_scenario(dump_scenario(scenario), f"{path.name} (dumped)")
    assert again == scenario
    assert dump_scenario(again) == dump_scenario(scenario)


@pytest.mark.parametrize("path", FILES, ids=[_rel(p) for p in FILES])
def test_first_concrete_scenario_runs_without_error(path):
    scenario = _concrete(path)[0]
    short = dataclasses.replace(
        scenario,
        stop=dataclasses.replace(
            scenario.stop, duration_s=min(scenario.stop.duration_s, SHORT_RUN_S)
        ),
    )
    result = run_scenario(short, RunOptions(plots=False))
    assert result.status is not Status.ERROR, result.error
    assert result.status in (Status.PASS, Status.FAIL)
    assert result.sim_time_s > 0.0
