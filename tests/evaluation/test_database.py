"""The results database: round trips, idempotence, concurrent writers, history, run references."""

from __future__ import annotations

import math
import multiprocessing
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from gauntlet.evaluation.compare import format_history, format_runs
from gauntlet.evaluation.database import (
    DB_SCHEMA_VERSION,
    ResultsDB,
    ResultsDBError,
    UnknownRunError,
    UnknownScenarioError,
    default_db_path,
)
from gauntlet.evaluation.merge import ResultsError
from gauntlet.evaluation.result import CriterionResult, ScenarioResult, Status, SuiteResult
from gauntlet.library import library_root
from gauntlet.runner.single import RunOptions
from gauntlet.runner.suite import run_suite
from gauntlet.scenarios.loader import load_scenario

SMOKE = ("curve_lane_keep", "follow_lead", "lead_brakes")


@pytest.fixture(scope="module")
def smoke_run(tmp_path_factory) -> tuple[SuiteResult, Path]:
    """A real run of a few smoke scenarios, with its results folder."""
    out = tmp_path_factory.mktemp("smoke")
    scenarios = [load_scenario(library_root() / "smoke" / f"{n}.yaml") for n in SMOKE]
    suite = run_suite(scenarios, RunOptions(out_dir=out, plots=False), jobs=1)
    suite.write_json(out / "results.json")
    return suite, out


def synthetic_suite(started: str, n: int = 2, wall_time_s: float = 1.0) -> SuiteResult:
    """A small suite with the awkward values a round trip must keep."""
    results = tuple(
        ScenarioResult(
            id=f"demo/s{k}",
            name=f"s{k}",
            file=f"/library/demo_{k}.yaml",
            category="smoke",
            tags=("a", "b") if k else (),
            seed=k,
            stack="reference",
            status=Status.PASS if k else Status.ERROR,
            criteria=(
                CriterionResult("collision", Status.PASS, 0.0, 0.0, "count"),
                CriterionResult("reach", Status.NOT_EVALUATED, None, 3.0, "m", ({"time_s": 1.5},)),
                CriterionResult("reach", Status.PASS, 1.25, 3.0, "m", ({"note": {"x": [1, 2]}},)),
            ),
            metrics={"min_ttc_s": math.inf, "distance_m": 12.5 + k, "collisions": 0.0},
            scores={"driving_score": 0.75},
            sim_time_s=2.0,
            wall_time_s=0.125 * (k + 1),
            steps=40,
            stop_reason="duration" if k else "error",
            error=None if k else "RuntimeError: boom\nline 2",
            trace=f"scenarios/s{k}.trace.npz" if k else None,
        )
        for k in range(n)
    )
    return SuiteResult(results, started, wall_time_s, 2, None, {"shard": "1/2"})


def test_add_and_load_round_trip(tmp_path, smoke_run):
    suite, _ = smoke_run
    path = tmp_path / "results.db"
    with ResultsDB(path) as db:
        run_id = db.add_run(suite, label="main")
        assert db.load_run(run_id) == suite
    with ResultsDB(path) as db:  # and from a fresh connection
        loaded = db.load_run(run_id)
    assert loaded == suite
    assert [r.id for r in loaded.results] == [r.id for r in suite.results]
    assert loaded.to_dict() == suite.to_dict()


def test_round_trip_keeps_awkward_values(tmp_path):
    suite = synthetic_suite("2026-01-02T03:04:05+00:00")
    with ResultsDB(tmp_path / "r.db") as db:
        loaded = db.load_run(db.add_run(suite))
    assert loaded == suite
    assert loaded.results[1].metrics["min_ttc_s"] == math.inf
    assert loaded.results[0].criteria[1].actual is None
    assert loaded.meta == {"shard": "1/2"}


def test_run_id_is_stable_and_adding_twice_stores_once(tmp_path, smoke_run):
    suite, _ = smoke_run
    with ResultsDB(tmp_path) as db:  # a folder means <folder>/results.db
        first = db.add_run(suite)
        assert db.add_run(suite, label="again") == first
        assert db.add_run(SuiteResult.from_dict(suite.to_dict())) == first
        assert [r.run_id for r in db.runs()] == [first]
        assert db.runs()[0].counts["total"] == len(suite.results)
    assert default_db_path(tmp_path).is_file()
    con = sqlite3.connect(default_db_path(tmp_path))
    assert con.execute("SELECT COUNT(*) FROM scenario_results").fetchone() == (len(SMOKE),)
    assert con.execute("SELECT version FROM schema_version").fetchall() == [(DB_SCHEMA_VERSION,)]
    con.close()
    assert first.startswith("2") and len(first.split("-")[-1]) == 10


def _append_runs(path: str, worker: int, count: int) -> None:
    """Add ``count`` distinct runs and one shared run (used from a child process)."""
    with ResultsDB(path) as db:
        for k in range(count):
            db.add_run(synthetic_suite(f"2026-03-01T00:{worker:02d}:{k:02d}+00:00"))
        db.add_run(synthetic_suite("2026-03-01T12:00:00+00:00"))


def test_two_processes_append_concurrently(tmp_path):
    path = str(tmp_path / "shared.db")  # created by whichever process comes first
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_append_runs, args=(path, w, 15)) for w in (1, 2)]
    for p in workers:
        p.start()
    for p in workers:
        p.join(timeout=120)
    assert [p.exitcode for p in workers] == [0, 0]
    with ResultsDB(path) as db:
        runs = db.runs()
        assert len(runs) == 2 * 15 + 1
        assert all(r.counts["total"] == 2 for r in runs)
        assert db.load_run(runs[0].run_id) == synthetic_suite("2026-03-01T12:00:00+00:00")


def test_history_is_newest_first(tmp_path):
    suites = {
        t: synthetic_suite(f"2026-05-0{t}T10:00:00+00:00", wall_time_s=float(t)) for t in (2, 3, 1)
    }
    with ResultsDB(tmp_path / "r.db") as db:
        ids = {t: db.add_run(s, label=f"day{t}") for t, s in suites.items()}
        rows = db.history("demo/s1")
        assert [r.run_id for r in rows] == [ids[3], ids[2], ids[1]]
        assert [r.label for r in rows] == ["day3", "day2", "day1"]
        assert rows[0].result == suites[3].results[1]
        assert [r.run_id for r in db.history("demo/s1", limit=2)] == [ids[3], ids[2]]
        assert [r.run_id for r in db.runs()] == [ids[3], ids[2], ids[1]]
        with pytest.raises(UnknownScenarioError, match="closest: demo/s1"):
            db.history("demo/s11")
    text = format_history(rows, columns=["driving_score", "distance_m", "not_there"])
    lines = text.splitlines()
    assert lines[0] == "demo/s1: 3 runs, newest first"
    header = "run label status driving_score distance_m failed criteria / error"
    assert lines[1].split() == header.split()
    assert lines[2].split()[:3] == [ids[3], "day3", "PASS"]


def test_history_shows_failed_criteria_and_errors(tmp_path):
    with ResultsDB(tmp_path / "r.db") as db:
        db.add_run(synthetic_suite("2026-05-01T10:00:00+00:00"))
        text = format_history(db.history("demo/s0"))
    assert "ERROR" in text and "RuntimeError: boom" in text and "line 2" not in text


def test_format_runs_lists_counts(tmp_path):
    with ResultsDB(tmp_path / "r.db") as db:
        assert format_runs(db.runs()) == "no runs stored"
        run_id = db.add_run(synthetic_suite("2026-05-01T10:00:00+00:00"), "nightly", "/res/a")
        header, row = format_runs(db.runs()).splitlines()
    assert header.split()[:3] == ["run", "label", "stack"]
    assert row.split() == [
        run_id,
        "nightly",
        "(per",
        "scenario)",
        "2",
        "1",
        "0",
        "1",
        "1.0",
        "/res/a",
    ]


def test_resolve_run_forms(tmp_path, smoke_run):
    suite, folder = smoke_run
    with ResultsDB(tmp_path / "r.db") as db:
        with pytest.raises(UnknownRunError, match="no runs stored"):
            db.resolve_run("latest")
        older = db.add_run(synthetic_suite("2026-01-01T00:00:00+00:00"), label="nightly")
        newer = db.add_run(synthetic_suite("2026-01-02T00:00:00+00:00"), label="nightly")
        assert db.resolve_run("latest") == newer
        assert db.resolve_run("latest~1") == older
        assert db.resolve_run(older) == older
        assert db.resolve_run(older[:10]) == older
        assert db.resolve_run("nightly") == newer
        with pytest.raises(UnknownRunError, match="only 2 run"):
            db.resolve_run("latest~2")
        with pytest.raises(UnknownRunError, match="ambiguous; 2 runs match"):
            db.resolve_run("202601")
        with pytest.raises(UnknownRunError, match=f"closest: .*{older}"):
            db.resolve_run(older[:-1] + "x")
        imported = db.resolve_run(str(folder))  # a results folder is imported on the fly
        assert db.load_run(imported) == suite
        assert db.resolve_run(str(folder / "results.json")) == imported
        assert db.resolve_run("latest") == imported  # the smoke run started last
        info = next(r for r in db.runs() if r.run_id == imported)
        assert info.source == str(folder.resolve()) and info.machine["cpus"] is not None
        with pytest.raises(ResultsError, match="no results.json"):
            db.resolve_run(str(tmp_path))


def test_unknown_run_lists_closest(tmp_path):
    with ResultsDB(tmp_path / "r.db") as db:
        run_id = db.add_run(synthetic_suite("2026-01-01T00:00:00+00:00"))
        with pytest.raises(UnknownRunError) as err:
            db.load_run(run_id.replace("-", "_"))
    assert run_id in str(err.value)


def test_newer_database_is_a_clear_error(tmp_path):
    path = tmp_path / "r.db"
    ResultsDB(path).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE schema_version SET version = ?", (DB_SCHEMA_VERSION + 1,))
    con.commit()
    con.close()
    with pytest.raises(ResultsDBError, match="upgrade gauntlet"):
        ResultsDB(path)


@pytest.mark.parametrize(
    "make", [lambda p: p.write_bytes(b"not sqlite at all" * 100), lambda p: _foreign_db(p)]
)
def test_other_files_are_refused(tmp_path, make):
    path = tmp_path / "other.db"
    make(path)
    with pytest.raises(ResultsDBError, match="other.db"):
        ResultsDB(path)


def _foreign_db(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE people (name TEXT)")
    con.commit()
    con.close()


def test_duplicate_scenario_ids_are_refused(tmp_path):
    suite = synthetic_suite("2026-01-01T00:00:00+00:00")
    doubled = replace(suite, results=(*suite.results, suite.results[0]))
    with ResultsDB(tmp_path / "r.db") as db, pytest.raises(ResultsDBError, match="demo/s0"):
        db.add_run(doubled)
