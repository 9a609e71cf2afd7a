"""Merging the results folders of a sharded run."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from gauntlet.evaluation.merge import (
    ResultsError,
    format_merge,
    merge_into,
    merge_results,
    read_results,
    same_outcome,
)
from gauntlet.evaluation.result import Status, SuiteResult
from gauntlet.library import library_root
from gauntlet.runner.single import RunOptions
from gauntlet.runner.suite import run_suite
from gauntlet.scenarios.catalog import find_scenario_files
from gauntlet.scenarios.loader import load_scenario

SMOKE = ("follow_lead", "lead_brakes", "stationary_target", "stationary_target_80kph")


def _run(scenarios: list, out: Path) -> SuiteResult:
    suite = run_suite(scenarios, RunOptions(out_dir=out), jobs=1)
    suite.write_json(out / "results.json")
    return suite


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    """One full run and the same scenarios in two interleaved shards."""
    root = tmp_path_factory.mktemp("runs")
    files = find_scenario_files(library_root() / "smoke" / f"{n}.yaml" for n in SMOKE)
    scenarios = [load_scenario(f) for f in files]  # the order `gauntlet run` uses
    _run(scenarios, root / "full")
    _run(scenarios[0::2], root / "shard1")
    _run(scenarios[1::2], root / "shard2")
    return {name: root / name for name in ("full", "shard1", "shard2")}


def _trace_arrays(path: Path) -> dict[str, np.ndarray]:
    with np.load(path) as data:
        return {k: data[k] for k in data.files}


def test_merged_shards_equal_the_one_folder_run(runs, tmp_path):
    full = read_results(runs["full"]).suite
    out = tmp_path / "merged"
    merged = merge_into([runs["shard2"], runs["shard1"]], out)
    assert [r.id for r in merged.results] == [r.id for r in full.results]
    assert [r.id for r in merged.results] == sorted(r.id for r in full.results)
    for m, f in zip(merged.results, full.results, strict=True):
        assert same_outcome(m, f), m.id
        assert (m.trace, m.plot) == (f.trace, f.plot)
        a, b = _trace_arrays(out / m.trace), _trace_arrays(runs["full"] / f.trace)
        assert a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)
        assert (out / m.plot).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert SuiteResult.read_json(out / "results.json") == merged
    assert merged.counts() == full.counts()
    shards = [read_results(runs[s]).suite for s in ("shard1", "shard2")]
    assert merged.jobs == 2 and merged.stack is None
    assert merged.started == min(s.started for s in shards)
    assert merged.wall_time_s >= max(s.wall_time_s for s in shards)
    assert merged.meta["merged_from"] == [str(runs["shard2"]), str(runs["shard1"])]
    summary = format_merge(merged, out).splitlines()
    assert summary[0] == "merged 2 results folder(s):"
    assert (
        summary[-1] == f"4 scenarios: 4 passed, 0 failed, 0 errors; written to {out}/results.json"
    )


def test_artefact_paths_are_rewritten_for_the_output(runs, tmp_path):
    absolute = merge_results([runs["shard1"], runs["shard2"]])
    assert all(Path(r.trace).is_absolute() and Path(r.trace).is_file() for r in absolute.results)
    out = tmp_path / "elsewhere" / "merged"
    relative = merge_results([runs["shard1"], runs["shard2"]], out_dir=out)
    by_id = {a.id: a for a in absolute.results}
    for r in relative.results:
        assert not Path(r.trace).is_absolute() and r.trace.startswith("..")
        assert (out / r.trace).resolve() == Path(by_id[r.id].trace)
        assert replace(r, trace=None, plot=None) == replace(by_id[r.id], trace=None, plot=None)


def test_merging_into_a_shard_folder(runs, tmp_path):
    shard1, shard2 = tmp_path / "s1", tmp_path / "s2"
    shutil.copytree(runs["shard1"], shard1)
    shutil.copytree(runs["shard2"], shard2)
    merged = merge_into([shard1, shard2], shard1)
    assert len(merged.results) == len(SMOKE)
    assert all((shard1 / r.trace).is_file() for r in merged.results)


def test_same_scenario_in_two_shards_is_an_error_naming_both(runs, tmp_path):
    clash = tmp_path / "clash"
    shutil.copytree(runs["shard1"], clash)
    data = json.loads((clash / "results.json").read_text())
    data["scenarios"][0]["status"] = Status.FAIL.value
    (clash / "results.json").write_text(json.dumps(data))
    with pytest.raises(ResultsError) as err:
        merge_results([runs["shard1"], runs["shard2"], clash])
    message = str(err.value)
    assert str(runs["shard1"]) in message and str(clash) in message
    assert repr(data["scenarios"][0]["id"]) in message


def test_identical_duplicates_merge(runs, tmp_path):
    again = tmp_path / "again"
    shutil.copytree(runs["shard1"], again)
    data = json.loads((again / "results.json").read_text())
    for s in data["scenarios"]:  # a rerun differs only in wall-clock timings
        s["wall_time_s"] *= 3
        s["metrics"] = {
            k: v * 3 if k.startswith("stack_latency_") else v for k, v in s["metrics"].items()
        }
    (again / "results.json").write_text(json.dumps(data))
    merged = merge_results([runs["shard1"], again, runs["shard2"]])
    assert len(merged.results) == len(SMOKE)


def test_missing_artefact_is_reported(runs, tmp_path):
    shard = tmp_path / "shard"
    shutil.copytree(runs["shard2"], shard)
    victim = read_results(shard).suite.results[0]
    (shard / victim.trace).unlink()
    with pytest.raises(ResultsError, match=f"artefact of scenario '{victim.id}' is missing"):
        merge_into([runs["shard1"], shard], tmp_path / "out")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no results.json"),
        ("{not json", "not a readable JSON file"),
        ('{"schema_version": 1}', "not a Gauntlet results file"),
        ('{"schema_version": 2, "scenarios": []}', "newer than this Gauntlet reads"),
        ('{"schema_version": 1, "scenarios": [{"id": "x"}]}', "malformed results"),
    ],
)
def test_unreadable_folders_are_clear_errors(tmp_path, content, message):
    if content is not None:
        (tmp_path / "results.json").write_text(content)
    with pytest.raises(ResultsError, match=message):
        merge_results([tmp_path])


def test_nothing_to_merge():
    with pytest.raises(ResultsError, match="no results folders"):
        merge_results([])
