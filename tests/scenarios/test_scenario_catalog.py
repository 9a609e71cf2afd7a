"""Finding scenario files on disk."""

from __future__ import annotations

import pytest

from gauntlet.scenarios import ScenarioErrors, find_scenario_files


def test_directories_are_searched_and_suites_skipped(tmp_path):
    for name in (
        "highway/cut_in.yaml",
        "highway/merge.yml",
        "urban/deep/junction.yaml",
        "urban/notes.txt",
        "suites/smoke.yaml",
        "urban/suites/nightly.yaml",
        ".hidden/skip.yaml",
        "a.yaml",
    ):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("name: x\n", encoding="utf-8")

    found = find_scenario_files([tmp_path])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "a.yaml",
        "highway/cut_in.yaml",
        "highway/merge.yml",
        "urban/deep/junction.yaml",
    ]


def test_files_are_taken_as_given_and_deduplicated(tmp_path):
    scenario = tmp_path / "b.yaml"
    other = tmp_path / "suites" / "listed.txt"
    other.parent.mkdir()
    scenario.write_text("name: b\n", encoding="utf-8")
    other.write_text("x\n", encoding="utf-8")
    assert find_scenario_files([other, scenario, str(scenario), tmp_path]) == [scenario, other]


def test_missing_paths_are_errors(tmp_path):
    with pytest.raises(ScenarioErrors) as info:
        find_scenario_files([tmp_path / "nope", tmp_path, tmp_path / "gone.yaml"])
    assert [str(e) for e in info.value] == [
        f"{tmp_path / 'gone.yaml'}: no such file or directory",
        f"{tmp_path / 'nope'}: no such file or directory",
    ]
