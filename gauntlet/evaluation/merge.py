"""Results folders: read them, name the run they hold, and join the folders of a sharded run.

A results folder holds ``results.json`` and, under ``scenarios/``, the trace
and plot of each scenario; the paths in ``results.json`` are relative to the
folder. Merging several shard folders gives one :class:`SuiteResult` sorted
by scenario id, with the artefact paths rewritten for the merged output, or
the artefacts copied into it (:func:`merge_into`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from gauntlet.evaluation.compare import is_timing_metric
from gauntlet.evaluation.result import RESULTS_SCHEMA_VERSION, ScenarioResult, SuiteResult

#: The file name of a suite's results inside its results folder.
RESULTS_FILE = "results.json"

#: Keys of ``meta`` that describe one shard and so do not carry over to a merge.
_SHARD_KEYS = ("shard", "merged_from")


class ResultsError(Exception):
    """A results file, folder or database that cannot be used; the message says why."""


@dataclass(frozen=True)
class ResultsFolder:
    """One ``results.json`` as read from disk.

    Attributes:
        root: The folder the artefact paths of ``suite`` are relative to.
        suite: The results.
        gauntlet_version: The Gauntlet version that wrote the file.
        machine: The machine description the file recorded (python, platform, cpus).
    """

    root: Path
    suite: SuiteResult
    gauntlet_version: str | None
    machine: dict[str, Any]


def read_results(path: Path | str) -> ResultsFolder:
    """Read a results folder or a ``results.json`` file.

    Raises:
        ResultsError: The file is missing, is not JSON, is not a results file,
            or was written with a newer results schema than this Gauntlet reads.
    """
    given = Path(path)
    file = given / RESULTS_FILE if given.is_dir() else given
    if not file.is_file():
        where = f"no {RESULTS_FILE} in {given}" if given.is_dir() else "no such file or folder"
        raise ResultsError(f"{given}: {where}")
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ResultsError(f"{file}: not a readable JSON file ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("scenarios"), list):
        raise ResultsError(f"{file}: not a Gauntlet results file (no 'scenarios' list)")
    version = data.get("schema_version")
    if not isinstance(version, int) or version < 1:
        raise ResultsError(f"{file}: missing or invalid schema_version {version!r}")
    if version > RESULTS_SCHEMA_VERSION:
        raise ResultsError(
            f"{file}: results schema version {version} is newer than this Gauntlet reads "
            f"(up to {RESULTS_SCHEMA_VERSION}); upgrade gauntlet to read it"
        )
    try:
        suite = SuiteResult.from_dict(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise ResultsError(f"{file}: malformed results ({type(exc).__name__}: {exc})") from None
    machine = data.get("machine")
    return ResultsFolder(
        root=file.parent,
        suite=suite,
        gauntlet_version=data.get("gauntlet_version"),
        machine=machine if isinstance(machine, dict) else {},
    )


def run_id_for(suite: SuiteResult) -> str:
    """A stable run id: ``<started, UTC, compact>-<hash of the results>``.

    The hash covers everything of the suite except the machine description
    and Gauntlet version, which ``to_dict`` fills in from the current process.
    """
    data = suite.to_dict()
    for key in ("machine", "gauntlet_version"):
        data.pop(key, None)
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
    t = parse_started(suite.started)
    stamp = t.strftime("%Y%m%dT%H%M%SZ") if t else re.sub(r"\W", "", suite.started)[:16] or "run"
    return f"{stamp}-{digest[:10]}"


def parse_started(text: str) -> datetime | None:
    """A suite's ``started`` time in UTC (naive times taken as UTC); None if unparseable."""
    try:
        t = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return (t if t.tzinfo else t.replace(tzinfo=UTC)).astimezone(UTC)


def same_outcome(a: ScenarioResult, b: ScenarioResult) -> bool:
    """Whether two results of one scenario agree in all but wall-clock timing and artefacts.

    Wall time and the stack-latency metrics depend on the machine and its
    load, trace and plot paths on where the run wrote them; everything else is
    deterministic for a given scenario, seed and stack.
    """

    def stripped(r: ScenarioResult) -> ScenarioResult:
        metrics = {k: v for k, v in r.metrics.items() if not is_timing_metric(k)}
        return replace(r, wall_time_s=0.0, metrics=metrics, trace=None, plot=None)

    return stripped(a) == stripped(b)


def merge_results(dirs: Sequence[Path | str], out_dir: Path | str | None = None) -> SuiteResult:
    """Join the results of shard folders into one suite, sorted by scenario id.

    Args:
        dirs: Results folders (or their ``results.json`` files).
        out_dir: Where the merged ``results.json`` will live; trace and plot
            paths are rewritten relative to it. Without it they become
            absolute paths.

    Returns:
        The merged suite: started at the earliest shard start, lasting until
        the latest shard end, ``jobs`` the sum over shards, ``stack`` the
        shards' common stack (None if they differ), ``meta`` the entries all
        shards agree on plus ``merged_from``, the shard folders.

    Raises:
        ResultsError: A folder cannot be read, or one scenario id appears in
            two shards with results that differ beyond wall-clock timing.
    """
    if not dirs:
        raise ResultsError("no results folders to merge")
    folders = [read_results(d) for d in dirs]
    chosen: dict[str, tuple[ScenarioResult, Path]] = {}
    for folder in folders:
        for r in folder.suite.results:
            if r.id not in chosen:
                chosen[r.id] = (r, folder.root)
                continue
            first, first_root = chosen[r.id]
            if not same_outcome(first, r):
                raise ResultsError(
                    f"scenario {r.id!r} is in both {first_root} ({first.status.value}) and "
                    f"{folder.root} ({r.status.value}) with different results; "
                    "each scenario must run in exactly one shard"
                )
    base = Path(out_dir).resolve() if out_dir is not None else None
    results = tuple(_relocate(*chosen[sid], base) for sid in sorted(chosen))
    suites = [f.suite for f in folders]
    started, wall_time_s = _time_span(suites)
    stacks = {s.stack for s in suites}
    return SuiteResult(
        results=results,
        started=started,
        wall_time_s=wall_time_s,
        jobs=sum(s.jobs for s in suites),
        stack=stacks.pop() if len(stacks) == 1 else None,
        meta={**_common_meta(suites), "merged_from": [str(f.root) for f in folders]},
    )


def merge_into(dirs: Sequence[Path | str], out_dir: Path | str) -> SuiteResult:
    """Merge shard folders into ``out_dir``: copy traces and plots, write results.json.

    ``out_dir`` may be one of the shard folders. The artefacts land in
    ``out_dir/scenarios/`` under their shard file names, so the merged folder
    has the layout of a folder written by one ``gauntlet run``.

    Raises:
        ResultsError: As :func:`merge_results`, or an artefact file is missing,
            or two scenarios' artefacts have the same file name.
    """
    out = Path(out_dir)
    suite = merge_results(dirs)
    target = out / "scenarios"
    target.mkdir(parents=True, exist_ok=True)
    claimed: dict[str, str] = {}
    results = []
    for r in suite.results:
        trace = _copy_artefact(r.id, r.trace, target, claimed)
        plot = _copy_artefact(r.id, r.plot, target, claimed)
        results.append(replace(r, trace=trace, plot=plot))
    merged = replace(suite, results=tuple(results))
    merged.write_json(out / RESULTS_FILE)
    return merged


def _relocate(r: ScenarioResult, root: Path, base: Path | None) -> ScenarioResult:
    def moved(path: str | None) -> str | None:
        if path is None:
            return None
        absolute = (root / path).resolve()
        return str(absolute) if base is None else os.path.relpath(absolute, base)

    return replace(r, trace=moved(r.trace), plot=moved(r.plot))


def _copy_artefact(
    scenario_id: str, source: str | None, target: Path, claimed: dict[str, str]
) -> str | None:
    if source is None:
        return None
    src = Path(source)
    if not src.is_file():
        raise ResultsError(f"{src}: artefact of scenario {scenario_id!r} is missing")
    owner = claimed.setdefault(src.name, scenario_id)
    if owner != scenario_id:
        raise ResultsError(
            f"scenarios {owner!r} and {scenario_id!r} both have an artefact named {src.name}"
        )
    dest = target / src.name
    if not dest.exists() or not dest.samefile(src):
        shutil.copy2(src, dest)
    return f"{target.name}/{src.name}"


def _time_span(suites: Sequence[SuiteResult]) -> tuple[str, float]:
    """The earliest start and the time from it to the latest end."""
    spans: list[tuple[float, SuiteResult]] = []
    for s in suites:
        t = parse_started(s.started)
        if t is None:
            return min(x.started for x in suites), max(x.wall_time_s for x in suites)
        spans.append((t.timestamp(), s))
    start, first = min(spans, key=lambda span: span[0])
    end = max(t + s.wall_time_s for t, s in spans)
    # Adding and subtracting epoch seconds rounds; the span is never shorter than a shard.
    return first.started, max(end - start, max(s.wall_time_s for _, s in spans))


def _common_meta(suites: Sequence[SuiteResult]) -> dict[str, Any]:
    first = suites[0].meta
    return {
        k: v
        for k, v in first.items()
        if k not in _SHARD_KEYS and all(k in s.meta and s.meta[k] == v for s in suites[1:])
    }


def format_merge(suite: SuiteResult, out_dir: Path | str | None = None) -> str:
    """A short terminal summary of a merge: the shard folders and the merged counts."""
    shards = suite.meta.get("merged_from", [])
    counts = suite.counts()
    where = f"; written to {Path(out_dir) / RESULTS_FILE}" if out_dir is not None else ""
    return "\n".join(
        [
            f"merged {len(shards)} results folder(s):",
            *(f"  {d}" for d in shards),
            f"{counts['total']} scenarios: {counts['PASS']} passed, {counts['FAIL']} failed, "
            f"{counts['ERROR']} errors{where}",
        ]
    )
