"""A self-contained HTML report of a suite run: one file, no network access needed.

The page holds a suite summary, scores per category (from
:func:`gauntlet.evaluation.aggregate.summarise`), a filterable and sortable
table of every scenario, and one collapsible section per scenario (anchor
``#s-<id>``) with the bird's-eye view, the ego's speed, time to collision and
acceleration over time, the criteria and their events. Styles and script are
inline, images are embedded as base64 PNG or inline SVG, and a
Content-Security-Policy forbids loading anything from elsewhere.
"""

from __future__ import annotations

import json
import math
import os
import platform
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from html import escape
from importlib.resources import files
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import quote

from gauntlet import __version__
from gauntlet.evaluation.aggregate import CONFIDENCE, Estimate, GroupSummary, summarise
from gauntlet.evaluation.reports import sections
from gauntlet.evaluation.reports.figures import Bar, bar_chart_svg
from gauntlet.evaluation.result import ScenarioResult, Status, SuiteResult

#: Allows only what the page itself carries: inline style and script, data: images.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
    "script-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
)
#: Scores shown in the scenario table (when the results have them), with their headings.
SCORE_COLUMNS = MappingProxyType(
    {"driving_score": "Driving score", "closed_loop_score": "Closed-loop score"}
)
STATUS_ORDER = (Status.PASS, Status.FAIL, Status.ERROR, Status.NOT_EVALUATED)


#: Suites up to this size get figures for every scenario; larger ones for FAIL and ERROR only.
FIGURES_FOR_ALL_UP_TO = 60


def write_html_report(suite: SuiteResult, results_dir: Path, path: Path | None = None) -> Path:
    """Write the HTML report of ``suite``.

    Args:
        suite: The results of one run.
        results_dir: The results folder; traces and bird's-eye views are read
            from the paths the results give relative to it, and the machine the
            suite ran on from its ``results.json``.
        path: File to write (default: ``results_dir / "report.html"``).

    Returns:
        The path written.
    """
    results_dir = Path(results_dir)
    path = Path(path) if path is not None else results_dir / "report.html"
    page = render_report(suite, results_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path


def render_report(suite: SuiteResult, results_dir: Path) -> str:
    """The report page of ``suite`` as one HTML string (see :func:`write_html_report`)."""
    groups = summarise(suite.results)
    counts = suite.counts()
    # Figures cost ~0.2 s and ~100 kB a scenario: large suites show them where people look, at failures.
    show_all = len(suite.results) <= FIGURES_FOR_ALL_UP_TO
    drawn = sections.figures_html(
        [r for r in suite.results if show_all or r.status is not Status.PASS], results_dir
    )
    title = (
        f"Gauntlet report: {counts['total']} scenarios, {counts['PASS']} passed, "
        f"{counts['FAIL']} failed, {counts['ERROR']} errors"
    )
    body = [
        "<main>",
        _header(suite, results_dir),
        _summary(suite, groups.get("all"), _machine(results_dir)),
        _categories(groups),
        _scenario_table(suite.results),
        '<section id="details"><h2>Scenario details</h2>',
        '<div class="toolbar"><button type="button" id="expand-all">Expand all</button>'
        '<button type="button" id="collapse-all">Collapse all</button></div>',
        *(
            sections.scenario_section(r, results_dir, anchor(r.id), figures=drawn.get(r.id, False))
            for r in suite.results
        ),
        "</section>",
        f"<footer>Written by Gauntlet {escape(__version__)} on "
        f"{datetime.now(UTC).isoformat(timespec='seconds')}.</footer>",
        "</main>",
    ]
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<link rel="icon" href="data:,">',
            f"<title>{escape(title)}</title>",
            f"<style>{_asset('report.css')}</style>",
            "</head><body>",
            *body,
            f"<script>{_asset('report.js')}</script>",
            "</body></html>",
            "",
        ]
    )


def anchor(scenario_id: str) -> str:
    """The element id of a scenario's section: ``s-<id>``, whitespace made ``_``."""
    return "s-" + "_".join(scenario_id.split())


def anchor_href(scenario_id: str) -> str:
    """A link to the scenario's section, percent-encoded where a URL needs it."""
    return "#" + quote(anchor(scenario_id), safe="/:=._-~")


def _asset(name: str) -> str:
    return files(__package__).joinpath("assets").joinpath(name).read_text(encoding="utf-8")


def _machine(results_dir: Path) -> Mapping[str, Any]:
    """The machine recorded in ``results.json``, else this one."""
    try:
        machine = json.loads((results_dir / "results.json").read_text())["machine"]
        if isinstance(machine, dict):
            return machine
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }


def _header(suite: SuiteResult, results_dir: Path) -> str:
    parts = [f"started {suite.started}", f"stack: {suite.stack or 'each scenario’s own'}"]
    parts.append(f"results: {results_dir.resolve()}")
    return (
        "<header><h1>Gauntlet report</h1>"
        f'<p class="sub">{" · ".join(escape(p) for p in parts)}</p></header>'
    )


def format_estimate(e: Estimate | None, percent: bool = False) -> str:
    """``value [low–high]``, as a percentage for rates; ``–`` when missing."""
    if e is None or not math.isfinite(e.value):
        return "–"
    if percent:
        return f"{e.value * 100:.1f}% [{e.low * 100:.1f}–{e.high * 100:.1f}%]"
    return f"{e.value:.3g} [{e.low:.3g}–{e.high:.3g}]"


def _summary(suite: SuiteResult, overall: GroupSummary | None, machine: Mapping[str, Any]) -> str:
    counts = suite.counts()
    cards = [
        f'<div class="card"><span class="num">{counts["total"]}</span>'
        '<span class="what">scenarios</span></div>'
    ]
    for status, word in (
        (Status.PASS, "passed"),
        (Status.FAIL, "failed"),
        (Status.ERROR, "errors"),
    ):
        cards.append(
            f'<button type="button" class="card {status.value}" '
            f'data-filter-status="{status.value}" title="Show only {word} scenarios">'
            f'<span class="num">{counts[status.value]}</span><span class="what">{word}</span></button>'
        )
    if overall is not None:
        cards.append(
            f'<div class="card" title="n = {overall.pass_rate.n}">'
            f'<span class="num">{format_estimate(overall.pass_rate, percent=True)}</span>'
            f'<span class="what">pass rate [{CONFIDENCE:.0%} confidence interval]</span></div>'
        )
    simulated = sum(r.sim_time_s for r in suite.results)
    cards.append(
        f'<div class="card"><span class="num">{suite.wall_time_s:.1f} s</span>'
        f'<span class="what">run time, {suite.jobs} job(s); {simulated:.0f} s simulated</span></div>'
    )
    line = (
        f"Machine: Python {machine.get('python', '?')} · {machine.get('platform', '?')} · "
        f"{machine.get('cpus', '?')} CPUs · Gauntlet {__version__}"
    )
    return (
        f'<section id="summary"><div class="cards">{"".join(cards)}</div>'
        f'<p class="machine">{escape(line)}</p></section>'
    )


def _category_rows(groups: Mapping[str, GroupSummary]) -> list[GroupSummary]:
    """Categories in alphabetical order, then the whole suite."""
    rows = [g for name, g in sorted(groups.items()) if name != "all"]
    if "all" in groups:
        rows.append(groups["all"])
    return rows


def _categories(groups: Mapping[str, GroupSummary]) -> str:
    rows = _category_rows(groups)
    has_ds = any(g.driving_score is not None for g in rows)
    has_cls = any(g.closed_loop_score is not None for g in rows)
    has_ipk = any(g.infractions_per_km is not None for g in rows)
    ci = f"[{CONFIDENCE:.0%} CI]"
    head = ["Category", "Scenarios", "Passed", "Failed", "Errors", f"Pass rate {ci}"]
    head += [f"Driving score {ci}"] * has_ds + [f"Closed-loop score {ci}"] * has_cls
    head += ["Infractions / km"] * has_ipk
    out = [
        '<section id="categories"><h2>Scores per category</h2><div class="table-wrap inline"><table>'
    ]
    out.append(
        "<thead><tr>"
        + "".join(f'<th class="{"" if k == 0 else "num"}">{h}</th>' for k, h in enumerate(head))
        + "</tr></thead><tbody>"
    )
    for g in rows:
        cells = [escape(g.name), g.total, g.passed, g.failed, g.errors]
        cells.append(format_estimate(g.pass_rate, percent=True))
        if has_ds:
            cells.append(format_estimate(g.driving_score))
        if has_cls:
            cells.append(format_estimate(g.closed_loop_score))
        if has_ipk:
            ipk = g.infractions_per_km
            cells.append("–" if ipk is None or not math.isfinite(ipk) else f"{ipk:.3g}")
        tds = "".join(
            f'<td class="{"" if k == 0 else "num"}">{c}</td>' for k, c in enumerate(cells)
        )
        out.append(f'<tr class="{"all" if g.name == "all" else ""}">{tds}</tr>')
    out.append("</tbody></table></div>")
    out.append(f'<div class="charts">{"".join(_charts(rows, has_ds, has_cls))}</div></section>')
    return "".join(out)


def _bars(rows: Sequence[GroupSummary], pick: str) -> list[Bar]:
    bars = []
    for g in rows:
        e: Estimate | None = getattr(g, pick)
        bars.append(
            Bar(
                g.name,
                e.value if e is not None else None,
                e.low if e is not None else None,
                e.high if e is not None else None,
                emphasis=g.name == "all",
            )
        )
    return bars


def _charts(rows: Sequence[GroupSummary], has_ds: bool, has_cls: bool) -> Iterable[str]:
    ci = f"{CONFIDENCE:.0%} CI"
    yield bar_chart_svg(
        f"Pass rate per category [{ci}]", _bars(rows, "pass_rate"), "#1a7f37", 1.0, percent=True
    )
    if has_ds:
        yield bar_chart_svg(
            f"Driving score (0–100) [{ci}]", _bars(rows, "driving_score"), "#0969da", 100.0
        )
    if has_cls:
        yield bar_chart_svg(
            f"Closed-loop score (0–1) [{ci}]", _bars(rows, "closed_loop_score"), "#8250df", 1.0
        )


def _number_cell(value: float | None, digits: int = 1, none: str = "–") -> str:
    if value is None or not math.isfinite(value):
        return f'<td class="num" data-value="">{none}</td>'
    return f'<td class="num" data-value="{value!r}">{value:.{digits}f}</td>'


def _scenario_row(r: ScenarioResult, score_keys: Sequence[str]) -> str:
    m = r.metrics
    ttc = m.get("min_ttc_s")
    if ttc is not None and ttc < 0:
        ttc_cell = '<td class="num" data-value="Infinity" title="nothing closing">none</td>'
    else:
        ttc_cell = _number_cell(ttc, 2)
    failed = sections.failed_summary(r)
    search = " ".join(
        [r.id, r.name, r.category, r.status.value, *r.tags, r.stack, failed, r.stop_reason]
    ).lower()
    cells = [
        f'<td data-value="{escape(r.id)}"><a href="{escape(anchor_href(r.id))}">{escape(r.id)}</a></td>',
        f"<td>{escape(r.category)}</td>",
        f'<td data-value="{STATUS_ORDER.index(r.status)}">{sections.badge(r.status)}</td>',
        _number_cell(m.get("distance_m"), 0),
        _number_cell(m.get("max_speed_mps"), 1),
        _number_cell(m.get("max_decel_mps2"), 1),
        ttc_cell,
        *(_number_cell(r.scores.get(k), 1 if k == "driving_score" else 2) for k in score_keys),
        f'<td class="{"error-line" if r.status is Status.ERROR else "failed-list"}">'
        f"{escape(failed)}</td>",
    ]
    return (
        f'<tr data-status="{r.status.value}" data-category="{escape(r.category)}" '
        f'data-search="{escape(search)}">{"".join(cells)}</tr>'
    )


def _options(values: Iterable[str]) -> str:
    return "".join(f'<option value="{escape(v)}">{escape(v)}</option>' for v in values)


def _scenario_table(results: Sequence[ScenarioResult]) -> str:
    score_keys = [k for k in SCORE_COLUMNS if any(k in r.scores for r in results)]
    # PASS, FAIL and ERROR always, so the filter looks the same in every report.
    statuses = [
        s
        for s in STATUS_ORDER
        if s is not Status.NOT_EVALUATED or any(r.status is s for r in results)
    ]
    categories = sorted({r.category for r in results})
    head = [
        ("Scenario", "text"),
        ("Category", "text"),
        ("Status", "num"),
        ("Distance [m]", "num"),
        ("Max speed [m/s]", "num"),
        ("Max decel. [m/s²]", "num"),
        ("Min TTC [s]", "num"),
        *((SCORE_COLUMNS[k], "num") for k in score_keys),
        ("Failed criteria / error", "text"),
    ]
    ths = "".join(
        f'<th data-sort="{kind}" class="{"num" if kind == "num" and k > 2 else ""}">{escape(h)}</th>'
        for k, (h, kind) in enumerate(head)
    )
    return (
        '<section id="scenarios"><h2>Scenarios</h2><div class="filters">'
        '<label>Status <select id="filter-status"><option value="">all</option>'
        f"{_options(s.value for s in statuses)}</select></label>"
        '<label>Category <select id="filter-category"><option value="">all</option>'
        f"{_options(categories)}</select></label>"
        '<label>Search <input id="filter-text" type="search" '
        'placeholder="id, tag, criterion, error…"></label>'
        '<span id="match-count"></span></div>'
        f'<div class="table-wrap"><table id="scenario-table"><thead><tr>{ths}</tr></thead><tbody>'
        + "".join(_scenario_row(r, score_keys) for r in results)
        + '</tbody></table></div><p id="no-match" class="note hidden">No scenario matches the filters.</p>'
        "</section>"
    )
