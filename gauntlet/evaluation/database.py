"""A SQLite database of suite results: many runs in one file, with per-scenario history.

The database lives at ``<results dir>/results.db`` by default; pointing many
runs at one shared file collects them for :meth:`ResultsDB.history` and
``gauntlet compare``. It runs in WAL mode and writes each run in one
``BEGIN IMMEDIATE`` transaction, so several processes can append at once.
Tables and columns are described in docs/results.md.
"""

from __future__ import annotations

import difflib
import json
import math
import re
import sqlite3
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from gauntlet.evaluation.merge import ResultsError, parse_started, read_results, run_id_for
from gauntlet.evaluation.result import CriterionResult, ScenarioResult, Status, SuiteResult

#: Version of the table layout; bump it (and add a migration) on any change.
DB_SCHEMA_VERSION = 1
#: The database file name inside a results folder.
DEFAULT_DB_NAME = "results.db"

_SCHEMA = f"""
CREATE TABLE schema_version (version INTEGER NOT NULL);
CREATE TABLE runs (
    run_id TEXT PRIMARY KEY, started TEXT NOT NULL, started_utc TEXT NOT NULL,
    added TEXT NOT NULL, wall_time_s REAL NOT NULL, jobs INTEGER NOT NULL, stack TEXT,
    gauntlet_version TEXT NOT NULL, machine TEXT NOT NULL, label TEXT, source TEXT,
    shard TEXT, meta TEXT NOT NULL);
CREATE TABLE scenario_results (
    run_id TEXT NOT NULL REFERENCES runs, scenario_id TEXT NOT NULL, position INTEGER NOT NULL,
    name TEXT NOT NULL, file TEXT NOT NULL, category TEXT NOT NULL, tags TEXT NOT NULL,
    seed INTEGER NOT NULL, stack TEXT NOT NULL, status TEXT NOT NULL, sim_time_s REAL NOT NULL,
    wall_time_s REAL NOT NULL, steps INTEGER NOT NULL, stop_reason TEXT NOT NULL, error TEXT,
    trace TEXT, plot TEXT, PRIMARY KEY (run_id, scenario_id));
CREATE TABLE criteria (
    run_id TEXT NOT NULL, scenario_id TEXT NOT NULL, position INTEGER NOT NULL,
    name TEXT NOT NULL, status TEXT NOT NULL, actual REAL, threshold REAL, units TEXT NOT NULL,
    events TEXT NOT NULL, PRIMARY KEY (run_id, scenario_id, position),
    FOREIGN KEY (run_id, scenario_id) REFERENCES scenario_results);
CREATE TABLE metrics (
    run_id TEXT NOT NULL, scenario_id TEXT NOT NULL, name TEXT NOT NULL, value REAL,
    PRIMARY KEY (run_id, scenario_id, name),
    FOREIGN KEY (run_id, scenario_id) REFERENCES scenario_results);
CREATE TABLE scores (
    run_id TEXT NOT NULL, scenario_id TEXT NOT NULL, name TEXT NOT NULL, value REAL,
    PRIMARY KEY (run_id, scenario_id, name),
    FOREIGN KEY (run_id, scenario_id) REFERENCES scenario_results);
CREATE INDEX runs_started ON runs (started_utc);
CREATE INDEX scenario_results_scenario ON scenario_results (scenario_id);
CREATE INDEX criteria_scenario ON criteria (scenario_id);
CREATE INDEX metrics_scenario ON metrics (scenario_id);
CREATE INDEX scores_scenario ON scores (scenario_id);
INSERT INTO schema_version VALUES ({DB_SCHEMA_VERSION});
"""
_NEWEST_FIRST = "ORDER BY r.started_utc DESC, r.rowid DESC"


class ResultsDBError(ResultsError):
    """A results database that cannot be opened or a query that cannot be answered."""


class UnknownRunError(ResultsDBError, LookupError):
    """A run reference that matches no stored run (the message lists the closest)."""


class UnknownScenarioError(ResultsDBError, LookupError):
    """A scenario id that no stored run has (the message lists the closest)."""


@dataclass(frozen=True)
class RunInfo:
    """One stored run: when, how, where it came from, and its status counts."""

    run_id: str
    started: str
    wall_time_s: float
    jobs: int
    stack: str | None
    gauntlet_version: str
    machine: dict[str, Any]
    label: str | None
    source: str | None
    shard: str | None
    added: str
    counts: dict[str, int]


@dataclass(frozen=True)
class HistoryRow:
    """One scenario's result (``result``: status, criteria, metrics, scores) in one stored run."""

    run_id: str
    started: str
    label: str | None
    result: ScenarioResult


def default_db_path(results_dir: Path | str) -> Path:
    """Where a results folder keeps its database."""
    return Path(results_dir) / DEFAULT_DB_NAME


def _insert(con: sqlite3.Connection, table: str) -> str:
    """An INSERT into every column of ``table``, with named parameters."""
    names = [d[0] for d in con.execute(f"SELECT * FROM {table} LIMIT 0").description]
    return f"INSERT INTO {table} VALUES ({', '.join(':' + n for n in names)})"


class ResultsDB:
    """A results database file; use as a context manager to close it.

    Args:
        path: The database file, or a results folder (then ``<folder>/results.db``).
        timeout_s: How long a writer waits for another process's write to finish.

    Raises:
        ResultsDBError: The file is not a Gauntlet results database, or it was
            written by a newer Gauntlet with a newer table layout.
    """

    def __init__(self, path: Path | str, timeout_s: float = 60.0) -> None:
        given = Path(path)
        self.path = default_db_path(given) if given.is_dir() else given
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._con = sqlite3.connect(self.path, timeout=timeout_s, isolation_level=None)
        self._con.row_factory = sqlite3.Row
        try:
            self._con.execute("PRAGMA journal_mode=WAL")
            self._con.execute("PRAGMA foreign_keys=ON")
            self._prepare()
        except (sqlite3.DatabaseError, ResultsDBError) as exc:
            self._con.close()
            if isinstance(exc, ResultsDBError):
                raise
            raise ResultsDBError(f"{self.path}: not a usable results database ({exc})") from None

    def __enter__(self) -> ResultsDB:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection."""
        self._con.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction that takes the write lock up front (no upgrade deadlocks)."""
        self._con.execute("BEGIN IMMEDIATE")
        try:
            yield self._con
        except BaseException:
            self._con.execute("ROLLBACK")
            raise
        self._con.execute("COMMIT")

    def _prepare(self) -> None:
        with self._write() as con:
            names = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
            if not names:
                # One statement at a time: executescript would commit and drop the lock.
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        con.execute(statement)
                return
            if "schema_version" not in names:
                raise ResultsDBError(f"{self.path}: not a Gauntlet results database")
            row = con.execute("SELECT MAX(version) FROM schema_version").fetchone()
        # Older layouts never shipped; when version 2 comes, its migration goes here.
        version = row[0] if row else None
        if version != DB_SCHEMA_VERSION:
            newer = isinstance(version, int) and version > DB_SCHEMA_VERSION
            raise ResultsDBError(
                f"{self.path}: database schema version {version!r}, but this Gauntlet reads "
                f"version {DB_SCHEMA_VERSION}" + ("; upgrade gauntlet to use it" if newer else "")
            )

    # ----------------------------------------------------------------------- writing

    def add_run(
        self,
        suite: SuiteResult,
        label: str | None = None,
        source: str | None = None,
        *,
        machine: dict[str, Any] | None = None,
        gauntlet_version: str | None = None,
    ) -> str:
        """Store a run; return its id. Adding the same suite again stores nothing.

        Args:
            suite: The results.
            label: A name for the run (a branch, a commit); :meth:`resolve_run`
                accepts it.
            source: The results folder it came from (artefact paths are relative to it).
            machine: The machine it ran on; default: this one.
            gauntlet_version: The Gauntlet that ran it; default: this one.

        Raises:
            ResultsDBError: The suite lists a scenario id twice.
        """
        run_id = run_id_for(suite)
        ids = [r.id for r in suite.results]
        dupes = sorted(i for i, n in Counter(ids).items() if n > 1)
        if dupes:
            raise ResultsDBError(f"run lists scenario ids more than once: {', '.join(dupes)}")
        run = suite.to_dict()  # fills in this machine and Gauntlet version
        shard = suite.meta.get("shard")
        started_utc = parse_started(suite.started)
        run.update(
            run_id=run_id,
            started_utc=started_utc.isoformat() if started_utc else suite.started,
            added=datetime.now(UTC).isoformat(timespec="seconds"),
            gauntlet_version=gauntlet_version or run["gauntlet_version"],
            machine=json.dumps(run["machine"] if machine is None else machine, sort_keys=True),
            label=label,
            source=source,
            shard=shard if shard is None or isinstance(shard, str) else json.dumps(shard),
            meta=json.dumps(suite.meta, sort_keys=True),
        )
        with self._write() as con:
            if con.execute("SELECT 1 FROM runs WHERE run_id = ?", (run_id,)).fetchone():
                return run_id
            con.execute(_insert(con, "runs"), run)
            insert = _insert(con, "scenario_results")
            for position, r in enumerate(suite.results):
                self._insert_scenario(con, insert, run_id, position, r)
        return run_id

    @staticmethod
    def _insert_scenario(
        con: sqlite3.Connection, insert: str, run_id: str, position: int, r: ScenarioResult
    ) -> None:
        row = r.to_dict()
        row.update(run_id=run_id, scenario_id=r.id, position=position, tags=json.dumps(row["tags"]))
        con.execute(insert, row)
        con.executemany(
            "INSERT INTO criteria VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (run_id, r.id, k, c.name, c.status.value, c.actual, c.threshold)
                + (c.units, json.dumps(list(c.events)))
                for k, c in enumerate(r.criteria)
            ],
        )
        for table, values in (("metrics", r.metrics), ("scores", r.scores)):
            con.executemany(
                f"INSERT INTO {table} VALUES (?, ?, ?, ?)",
                [(run_id, r.id, name, v) for name, v in values.items()],
            )

    def import_results(self, path: Path | str, label: str | None = None) -> str:
        """Store the run of a results folder or ``results.json``; return its id."""
        f = read_results(path)
        source, version = str(f.root.resolve()), f.gauntlet_version
        return self.add_run(f.suite, label, source, machine=f.machine, gauntlet_version=version)

    # ----------------------------------------------------------------------- reading

    def _rows(self, query: str, params: Any = ()) -> list[dict[str, Any]]:
        return [dict(row) for row in self._con.execute(query, params)]

    def _run_ids(self) -> list[str]:
        return [r[0] for r in self._con.execute(f"SELECT run_id FROM runs r {_NEWEST_FIRST}")]

    def _results(self, where: str, params: dict[str, Any]) -> list[HistoryRow]:
        """The scenario results that ``where`` picks (tables ``s`` and ``r``), in its order."""
        pick = f"FROM scenario_results s JOIN runs r USING (run_id) WHERE {where}"
        keys = f"(m.run_id, m.scenario_id) IN (SELECT s.run_id, s.scenario_id {pick})"
        criteria: dict[tuple[str, str], list[CriterionResult]] = {}
        query = f"SELECT * FROM criteria m WHERE {keys} ORDER BY position"
        for run_id, sid, _, name, status, actual, threshold, units, events in self._con.execute(
            query, params
        ):
            events = tuple(json.loads(events))
            c = CriterionResult(name, Status(status), actual, threshold, units, events)
            criteria.setdefault((run_id, sid), []).append(c)
        values: dict[str, dict[tuple[str, str], dict[str, float]]] = {"metrics": {}, "scores": {}}
        for table, by_key in values.items():
            query = f"SELECT * FROM {table} m WHERE {keys} ORDER BY rowid"
            for run_id, sid, name, v in self._con.execute(query, params):
                by_key.setdefault((run_id, sid), {})[name] = math.nan if v is None else v
        rows = []
        for row in self._rows(f"SELECT s.*, r.started AS run_started, r.label {pick}", params):
            run_id, sid = key = row.pop("run_id"), row.pop("scenario_id")
            started, label = row.pop("run_started"), row.pop("label")
            del row["position"]
            row.update(id=sid, tags=tuple(json.loads(row["tags"])), status=Status(row["status"]))
            result = ScenarioResult(
                **row,
                criteria=tuple(criteria.get(key, ())),
                metrics=values["metrics"].get(key, {}),
                scores=values["scores"].get(key, {}),
            )
            rows.append(HistoryRow(run_id, started, label, result))
        return rows

    def runs(self) -> list[RunInfo]:
        """Every stored run, newest first."""
        rows = self._rows(
            "SELECT r.run_id, r.started, r.wall_time_s, r.jobs, r.stack, r.gauntlet_version, "
            "r.machine, r.label, r.source, r.shard, r.added, COUNT(s.scenario_id) AS total, "
            "TOTAL(s.status = 'PASS') AS PASS, TOTAL(s.status = 'FAIL') AS FAIL, "
            "TOTAL(s.status = 'ERROR') AS ERROR FROM runs r LEFT JOIN scenario_results s "
            f"USING (run_id) GROUP BY r.run_id {_NEWEST_FIRST}"
        )
        counts = [{k: int(row.pop(k)) for k in ("PASS", "FAIL", "ERROR", "total")} for row in rows]
        return [
            RunInfo(**{**row, "machine": json.loads(row["machine"])}, counts=c)
            for row, c in zip(rows, counts, strict=True)
        ]

    def scenario_ids(self) -> list[str]:
        """Every scenario id stored in any run, sorted."""
        rows = self._con.execute("SELECT DISTINCT scenario_id FROM scenario_results ORDER BY 1")
        return [r[0] for r in rows]

    def load_run(self, run_id: str) -> SuiteResult:
        """The stored run ``run_id`` as a SuiteResult equal to the one that was added.

        Raises:
            UnknownRunError: No run has that id (the message lists the closest).
        """
        runs = self._rows("SELECT * FROM runs WHERE run_id = ?", (run_id,))
        if not runs:
            raise self._unknown_run(run_id)
        rows = self._results("s.run_id = :run ORDER BY s.position", {"run": run_id})
        r, meta = runs[0], json.loads(runs[0]["meta"])
        results = tuple(row.result for row in rows)
        return SuiteResult(results, r["started"], r["wall_time_s"], r["jobs"], r["stack"], meta)

    def history(self, scenario_id: str, limit: int = 50) -> list[HistoryRow]:
        """One scenario's results in the newest ``limit`` runs that have it, newest first.

        Raises:
            UnknownScenarioError: No run has the scenario (the message lists the closest ids).
        """
        if limit < 1:
            raise ValueError(f"limit must be at least 1, got {limit}")
        rows = self._results(
            f"s.scenario_id = :sid {_NEWEST_FIRST} LIMIT :limit",
            {"sid": scenario_id, "limit": limit},
        )
        if not rows:
            close = difflib.get_close_matches(scenario_id, self.scenario_ids(), n=5, cutoff=0.5)
            hint = f"; closest: {', '.join(close)}" if close else ""
            raise UnknownScenarioError(f"no stored run has scenario {scenario_id!r}{hint}")
        return rows

    def resolve_run(self, ref: str) -> str:
        """The id of the run that ``ref`` names.

        ``ref`` may be a run id, ``latest``, ``latest~N`` (N runs before the
        newest), a label (its newest run), a results folder or ``results.json``
        (imported first), or a unique prefix of a run id.

        Raises:
            UnknownRunError: Nothing matches, or a prefix matches several runs.
            ResultsError: ``ref`` is a path but not a readable results folder.
        """
        ids = self._run_ids()
        if latest := re.fullmatch(r"latest(?:~(\d+))?", ref):
            back = int(latest.group(1) or 0)
            if back >= len(ids):
                stored = f"only {len(ids)} run(s)" if ids else "no runs"
                raise UnknownRunError(f"{ref}: {stored} stored in {self.path}")
            return ids[back]
        if ref in ids:
            return ref
        labelled = self._con.execute(
            f"SELECT run_id FROM runs r WHERE label = ? {_NEWEST_FIRST} LIMIT 1", (ref,)
        ).fetchone()
        if labelled:
            return str(labelled[0])
        if ref and Path(ref).exists():
            return self.import_results(ref)
        matches = [i for i in ids if i.startswith(ref)] if ref else []
        if len(matches) == 1:
            return matches[0]
        if matches:
            shown = ", ".join(matches[:5]) + (", ..." if len(matches) > 5 else "")
            raise UnknownRunError(f"run {ref!r} is ambiguous; {len(matches)} runs match: {shown}")
        raise self._unknown_run(ref)

    def _unknown_run(self, ref: str) -> UnknownRunError:
        ids = self._run_ids()
        if not ids:
            return UnknownRunError(f"unknown run {ref!r}: no runs stored in {self.path}")
        close = difflib.get_close_matches(ref, ids, n=5, cutoff=0.3)
        hint = f"closest: {', '.join(close)}" if close else f"newest: {', '.join(ids[:5])}"
        return UnknownRunError(f"unknown run {ref!r}; {hint}")
