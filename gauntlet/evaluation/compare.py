"""Compare two suite runs and format comparisons, histories and run lists for a terminal.

:func:`compare_runs` returns data (:class:`Comparison`); the ``format_*``
functions turn data into plain text; :func:`comparison_exit_code` gives the
exit status a CI job should use.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from gauntlet.evaluation.result import CriterionResult, ScenarioResult, Status, SuiteResult

if TYPE_CHECKING:
    from gauntlet.evaluation.database import HistoryRow, RunInfo

#: Scores and metrics shown by :func:`format_history` when the caller names none.
DEFAULT_HISTORY_COLUMNS = (
    "driving_score",
    "closed_loop_score",
    "min_ttc_s",
    "max_decel_mps2",
    "distance_m",
)


def is_timing_metric(name: str) -> bool:
    """Whether a metric measures wall-clock time (and so varies from machine to machine)."""
    return name.startswith("stack_latency_")


@dataclass(frozen=True)
class CriterionChange:
    """A criterion whose verdict flipped between FAIL and not FAIL.

    ``old`` is None when run A had no criterion of that name.
    """

    old: CriterionResult | None
    new: CriterionResult

    @property
    def newly_failed(self) -> bool:
        return self.new.status is Status.FAIL


@dataclass(frozen=True)
class StatusChange:
    """A scenario whose status differs between run A and run B."""

    scenario_id: str
    old_status: Status
    new_status: Status
    criteria: tuple[CriterionChange, ...]
    error: str | None

    @property
    def newly_failed_criteria(self) -> tuple[CriterionChange, ...]:
        return tuple(c for c in self.criteria if c.newly_failed)


@dataclass(frozen=True)
class MetricChange:
    """One metric or score of one scenario that differs between the runs.

    ``old``/``new`` are None when the value is missing from that run;
    ``rel_change`` is ``(new - old) / |old|``, None when ``old`` is 0 or missing.
    """

    scenario_id: str
    name: str
    kind: Literal["metric", "score"]
    old: float | None
    new: float | None
    rel_change: float | None
    beyond_tolerance: bool


@dataclass(frozen=True)
class Comparison:
    """What changed from run A to run B; every tuple is sorted by scenario id."""

    a_name: str
    b_name: str
    common: int
    regressions: tuple[StatusChange, ...]
    fixes: tuple[StatusChange, ...]
    other_changes: tuple[StatusChange, ...]
    still_failing: tuple[str, ...]
    new: tuple[ScenarioResult, ...]
    removed: tuple[ScenarioResult, ...]
    metric_changes: tuple[MetricChange, ...]
    rel_tol: float
    abs_tol: float

    @property
    def significant_changes(self) -> tuple[MetricChange, ...]:
        """The metric changes beyond tolerance."""
        return tuple(m for m in self.metric_changes if m.beyond_tolerance)


def compare_runs(
    a: SuiteResult,
    b: SuiteResult,
    rel_tol: float = 0.05,
    abs_tol: float = 1e-6,
    metrics: Sequence[str] | None = None,
    *,
    a_name: str = "A",
    b_name: str = "B",
) -> Comparison:
    """Compare run ``b`` against the baseline run ``a``.

    A regression is a scenario that passed in A and failed or errored in B; a
    fix the reverse. A metric or score value is within tolerance when
    ``|new - old| <= abs_tol + rel_tol * |old|``.

    Args:
        a: The baseline run.
        b: The run under test.
        rel_tol: Relative tolerance for metric and score changes.
        abs_tol: Absolute tolerance for metric and score changes.
        metrics: Names of the metrics and scores to compare; by default all
            of them except the wall-clock timings (``stack_latency_*``).
        a_name: How reports name run A (a run id or a label).
        b_name: How reports name run B.

    Raises:
        ValueError: A negative tolerance, a scenario id twice in one run, or
            a name in ``metrics`` that neither run has.
    """
    if rel_tol < 0 or abs_tol < 0:
        raise ValueError(f"tolerances must be >= 0, got rel_tol={rel_tol}, abs_tol={abs_tol}")
    old, new = _by_id(a, a_name), _by_id(b, b_name)
    if metrics is not None:
        _check_names(metrics, [*old.values(), *new.values()])
    regressions, fixes, others, still_failing, changes = [], [], [], [], []
    common = sorted(old.keys() & new.keys())
    for sid in common:
        ra, rb = old[sid], new[sid]
        if ra.status is not rb.status:
            change = StatusChange(sid, ra.status, rb.status, _flipped(ra, rb), rb.error)
            if ra.status is Status.PASS:
                regressions.append(change)
            elif rb.status is Status.PASS:
                fixes.append(change)
            else:
                others.append(change)
        elif ra.status is not Status.PASS:
            still_failing.append(sid)
        if Status.ERROR not in (ra.status, rb.status):
            changes += _value_changes(sid, "score", ra.scores, rb.scores, rel_tol, abs_tol, metrics)
            changes += _value_changes(
                sid, "metric", ra.metrics, rb.metrics, rel_tol, abs_tol, metrics
            )
    return Comparison(
        a_name=a_name,
        b_name=b_name,
        common=len(common),
        regressions=tuple(regressions),
        fixes=tuple(fixes),
        other_changes=tuple(others),
        still_failing=tuple(still_failing),
        new=tuple(new[k] for k in sorted(new.keys() - old.keys())),
        removed=tuple(old[k] for k in sorted(old.keys() - new.keys())),
        metric_changes=tuple(changes),
        rel_tol=rel_tol,
        abs_tol=abs_tol,
    )


def comparison_exit_code(c: Comparison) -> int:
    """1 if run B regressed any scenario, else 0."""
    return 1 if c.regressions else 0


def _by_id(suite: SuiteResult, name: str) -> dict[str, ScenarioResult]:
    by_id: dict[str, ScenarioResult] = {}
    for r in suite.results:
        if r.id in by_id:
            raise ValueError(f"run {name} lists scenario {r.id!r} twice")
        by_id[r.id] = r
    return by_id


def _check_names(names: Sequence[str], results: Sequence[ScenarioResult]) -> None:
    known = {k for r in results for k in (*r.metrics, *r.scores)}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(
            f"no metric or score named {', '.join(map(repr, unknown))}; "
            f"the runs have: {', '.join(sorted(known)) or 'none'}"
        )


def _flipped(a: ScenarioResult, b: ScenarioResult) -> tuple[CriterionChange, ...]:
    """Criteria of ``b`` whose FAIL verdict differs from the same criterion in ``a``.

    Criteria are matched by name and, for repeated names, by order.
    """

    def keyed(r: ScenarioResult) -> dict[tuple[str, int], CriterionResult]:
        seen: dict[str, int] = {}
        out = {}
        for c in r.criteria:
            seen[c.name] = seen.get(c.name, -1) + 1
            out[(c.name, seen[c.name])] = c
        return out

    old = keyed(a)
    flips = []
    for key, c in keyed(b).items():
        before = old.get(key)
        was_failing = before is not None and before.status is Status.FAIL
        if was_failing != (c.status is Status.FAIL):
            flips.append(CriterionChange(before, c))
    return tuple(flips)


def _value_changes(
    sid: str,
    kind: Literal["metric", "score"],
    old: dict[str, float],
    new: dict[str, float],
    rel_tol: float,
    abs_tol: float,
    names: Sequence[str] | None,
) -> list[MetricChange]:
    wanted = sorted(
        k
        for k in old.keys() | new.keys()
        if (k in names if names is not None else not is_timing_metric(k))
    )
    both = [k for k in wanted if k in old and k in new]
    a = np.array([old[k] for k in both], dtype=float)
    b = np.array([new[k] for k in both], dtype=float)
    close = np.isclose(b, a, rtol=rel_tol, atol=abs_tol, equal_nan=True)
    exact = (a == b) | (np.isnan(a) & np.isnan(b))
    by_name = {k: (bool(c), bool(e)) for k, c, e in zip(both, close, exact, strict=True)}
    changes = []
    for k in wanted:
        if k not in by_name:
            changes.append(MetricChange(sid, k, kind, old.get(k), new.get(k), None, True))
            continue
        within, same = by_name[k]
        if same:
            continue
        o, n = float(old[k]), float(new[k])
        rel = (n - o) / abs(o) if o != 0 and np.isfinite(o) and np.isfinite(n) else None
        changes.append(MetricChange(sid, k, kind, o, n, rel, not within))
    return changes


# --------------------------------------------------------------------------- formatting


def _num(v: float | None) -> str:
    return "-" if v is None else f"{v:.4g}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]) -> list[str]:
    """Aligned text columns; column indexes in ``right`` are right-aligned."""
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        parts = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  " + "  ".join(parts).rstrip()

    return [line(header), *(line(r) for r in rows)]


def _criterion_line(c: CriterionChange) -> str:
    new = c.new
    units = f" {new.units}" if new.units else ""
    text = f"    {new.name}: {new.status.value}, actual {_num(new.actual)}{units}"
    if new.threshold is not None:
        text += f", threshold {_num(new.threshold)}{units}"
    if c.old is None:
        return text + " (new criterion)"
    return text + f" (was {c.old.status.value}, {_num(c.old.actual)}{units})"


def _status_section(title: str, changes: Sequence[StatusChange]) -> list[str]:
    lines = [f"{title} ({len(changes)})"]
    for s in changes:
        lines.append(f"  {s.scenario_id}: {s.old_status.value} -> {s.new_status.value}")
        lines.extend(_criterion_line(c) for c in s.criteria)
        if s.error and s.new_status is Status.ERROR:
            lines.append(f"    error: {s.error.splitlines()[0]}")
    return [*lines, ""]


def format_comparison(c: Comparison) -> str:
    """A terminal report of a comparison: regressions first, then fixes and changes."""
    lines = [
        f"A = {c.a_name}",
        f"B = {c.b_name}",
        f"{c.common} scenarios in both runs, {len(c.new)} new, {len(c.removed)} removed; "
        f"metric tolerance {c.rel_tol:.3g} relative + {c.abs_tol:.3g} absolute",
        "",
    ]
    if c.regressions:
        lines += _status_section("REGRESSIONS: passed in A, failed in B", c.regressions)
    if c.fixes:
        lines += _status_section("FIXES: failed in A, passed in B", c.fixes)
    if c.other_changes:
        lines += _status_section("OTHER STATUS CHANGES", c.other_changes)
    significant = c.significant_changes
    if significant:
        rows = [
            [m.scenario_id, m.kind, m.name, _num(m.old), _num(m.new), _percent(m.rel_change)]
            for m in significant
        ]
        lines.append(f"METRIC CHANGES beyond tolerance ({len(significant)})")
        lines += _table(["scenario", "kind", "name", "A", "B", "change"], rows, {3, 4, 5})
        lines.append("")
    for title, results in (("NEW SCENARIOS", c.new), ("REMOVED SCENARIOS", c.removed)):
        if results:
            lines.append(f"{title} ({len(results)})")
            lines += [f"  {r.id}: {r.status.value}" for r in results]
            lines.append("")
    within = len(c.metric_changes) - len(significant)
    lines.append(
        f"{_plural(len(c.regressions), 'regression')}, {_plural(len(c.fixes), 'fix', 'fixes')}, "
        f"{len(c.still_failing)} still failing, "
        f"{_plural(len(significant), 'metric change')} beyond tolerance ({within} within)"
    )
    return "\n".join(lines)


def _percent(rel: float | None) -> str:
    return "-" if rel is None else f"{rel * 100:+.1f}%"


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def format_history(rows: Sequence[HistoryRow], columns: Sequence[str] | None = None) -> str:
    """A table of one scenario's results over runs, as :meth:`ResultsDB.history` returns them.

    Args:
        rows: History rows, newest first.
        columns: Names of the scores and metrics to show (a score wins when a
            name is both); by default those of :data:`DEFAULT_HISTORY_COLUMNS`
            that any row has.
    """
    if not rows:
        return "no runs"
    results = [r.result for r in rows]
    wanted = DEFAULT_HISTORY_COLUMNS if columns is None else tuple(columns)
    names = [n for n in wanted if any(n in r.scores or n in r.metrics for r in results)]
    header = ["run", "label", "status", *names, "failed criteria / error"]
    table = [
        [
            row.run_id,
            row.label or "",
            r.status.value,
            *(_num(r.scores.get(n, r.metrics.get(n))) for n in names),
            ", ".join(c.name for c in r.failed_criteria) or (r.error or "").split("\n")[0][:60],
        ]
        for row, r in zip(rows, results, strict=True)
    ]
    title = f"{results[0].id}: {_plural(len(rows), 'run')}, newest first"
    return "\n".join([title, *_table(header, table, set(range(3, 3 + len(names))))])


def format_runs(runs: Sequence[RunInfo]) -> str:
    """A table of stored runs, as :meth:`ResultsDB.runs` returns them."""
    if not runs:
        return "no runs stored"
    header = ["run", "label", "stack", "total", "pass", "fail", "error", "wall [s]", "source"]
    rows = [
        [
            r.run_id,
            r.label or "",
            r.stack or "(per scenario)",
            str(r.counts.get("total", 0)),
            str(r.counts.get("PASS", 0)),
            str(r.counts.get("FAIL", 0)),
            str(r.counts.get("ERROR", 0)),
            f"{r.wall_time_s:.1f}",
            r.source or "",
        ]
        for r in runs
    ]
    return "\n".join(_table(header, rows, {3, 4, 5, 6, 7}))
