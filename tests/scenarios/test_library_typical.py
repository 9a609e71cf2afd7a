"""The typical category of the scenario library: it loads, round-trips, expands and runs."""

from __future__ import annotations

import dataclasses
import json
from functools import cache
from pathlib import Path

import pytest

from gauntlet.cli import main
from gauntlet.evaluation.result import Status
from gauntlet.runner.single import RunOptions, run_scenario
from gauntlet.scenarios import dump_scenario, find_scenario_files, load_scenario, parse_scenario
from gauntlet.scenarios.loader import load_concrete
from gauntlet.scenarios.variations import scenario_id

TYPICAL = Path(__file__).resolve().parents[2] / "scenarios" / "typical"
FILES = find_scenario_files([TYPICAL]) if TYPICAL.is_dir() else []
#: Simulated time each smoke run of a logical file gets.
SHORT_RUN_S = 3.0


def _name(path: Path) -> str:
    return path.relative_to(TYPICAL).as_posix()


@cache
def _concrete(path: Path) -> tuple:
    return tuple(load_concrete(path))


def test_the_category_has_files():
    assert len(FILES) >= 20


def test_list_counts_at_least_500_typical(capsys):
    assert main(["list", str(TYPICAL), "--count", "--json"]) == 0
    counts = json.loads(capsys.readouterr().out)
    assert counts.get("typical", 0) >= 500
    assert counts["total"] == counts["typical"]


def test_ids_are_unique_across_the_category():
    ids = [scenario_id(s) for path in FILES for s in _concrete(path)]
    assert len(ids) >= 500
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, duplicates


@pytest.mark.parametrize("path", FILES, ids=_name)
def test_file_is_typical_described_and_tagged(path):
    scenario = load_scenario(path)
    assert scenario.category == "typical"
    assert scenario.description.strip()
    assert scenario.tags
    assert scenario.criteria, "every typical scenario states its pass criteria"
    assert scenario.variations is not None, "each file is a logical scenario"


@pytest.mark.parametrize("path", FILES, ids=_name)
def test_load_dump_reload_is_equal(path):
    scenario = load_scenario(path)
    again = parse_scenario(dump_scenario(scenario), f"{path.name} (dumped)")
    assert again == scenario
    member = _concrete(path)[0]
    assert parse_scenario(dump_scenario(member), f"{path.name} (member)") == member


@pytest.mark.parametrize("path", FILES, ids=_name)
def test_one_member_runs_without_error(path):
    member = _concrete(path)[0]
    short = dataclasses.replace(
        member, stop=dataclasses.replace(member.stop, duration_s=SHORT_RUN_S)
    )
    result = run_scenario(short, RunOptions(plots=False))
    assert result.status is not Status.ERROR, result.error
    assert result.sim_time_s > 0.0
