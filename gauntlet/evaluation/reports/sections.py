"""The per-scenario sections of the HTML report.

Each scenario gets one ``<details>`` element: a one-line summary, then its
facts, the error text when it could not run, the bird's-eye view and the
plots over time, the criteria table and the list of events.
"""

from __future__ import annotations

import math
import multiprocessing as mp
import os
import re
from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

from gauntlet.evaluation.reports.figures import criterion_colours, png_data_uri, timeseries_png
from gauntlet.evaluation.reports.timeseries import downsample, ego_timeseries
from gauntlet.evaluation.result import CriterionResult, ScenarioResult, Status
from gauntlet.world.recorder import Trace

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: Terminal colour and cursor sequences, which stack logs often carry.
_ANSI_SEQUENCE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")
#: Control characters other than tab and line breaks; HTML cannot show them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: Samples per plotted signal; more would not show at the figure's width.
MAX_PLOT_POINTS = 1500


def badge(status: Status) -> str:
    """A coloured status label."""
    return f'<span class="badge {status.value}">{status.value}</span>'


def plain_text(text: str) -> str:
    """``text`` without terminal escape sequences; other control characters become U+FFFD."""
    return _CONTROL.sub("\ufffd", _ANSI_SEQUENCE.sub("", text))


def _value(value: float | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return f"{value:.4g}" if isinstance(value, float) else escape(str(value))


def failed_summary(r: ScenarioResult) -> str:
    """What went wrong, in one line: failed criteria with values, or the error's first line."""
    if r.status is Status.ERROR:
        text = plain_text(r.error or "").strip()
        return text.splitlines()[0] if text else "error"
    parts = [
        f"{c.name} {_value(c.actual)}{' ' + c.units if c.units and c.actual is not None else ''}"
        for c in r.failed_criteria
    ]
    if r.status is Status.FAIL and not parts:
        parts.append(r.stop_reason or "failed")
    return ", ".join(parts)


def _event_details(event: Mapping[str, Any]) -> str:
    return ", ".join(f"{k} = {_value(v)}" for k, v in event.items() if k != "time_s") or "–"


def _criteria_table(criteria: Sequence[CriterionResult]) -> str:
    if not criteria:
        return '<p class="note">No criteria were evaluated.</p>'
    rows = "".join(
        f"<tr><td>{escape(c.name)}</td><td>{badge(c.status)}</td>"
        f'<td class="num">{_value(c.actual)}</td><td class="num">{_value(c.threshold)}</td>'
        f'<td>{escape(c.units)}</td><td class="num">{len(c.events)}</td></tr>'
        for c in criteria
    )
    return (
        '<table class="criteria"><thead><tr><th>Criterion</th><th>Status</th>'
        '<th class="num">Actual</th><th class="num">Threshold</th><th>Units</th>'
        f'<th class="num">Events</th></tr></thead><tbody>{rows}</tbody></table>'
    )


def _events_table(criteria: Sequence[CriterionResult]) -> str:
    colours = criterion_colours(criteria)
    events = [(ev.get("time_s"), c, ev) for c in criteria for ev in c.events]
    if not events:
        return '<p class="note">No events.</p>'
    events.sort(key=lambda e: math.inf if e[0] is None else e[0])
    rows = "".join(
        f'<tr><td class="num">{"–" if t is None else f"{t:.2f}"}</td>'
        f'<td><span style="color:{colours[c.name]}">&#9646;</span> {escape(c.name)}</td>'
        f"<td>{escape(_event_details(ev))}</td></tr>"
        for t, c, ev in events
    )
    return (
        '<table class="events"><thead><tr><th class="num">Time [s]</th><th>Criterion</th>'
        f"<th>Details</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _key_values(values: Mapping[str, float]) -> str:
    return (
        '<div class="kv">'
        + "".join(f"<span><b>{escape(k)}</b> {_value(v)}</span>" for k, v in values.items())
        + "</div>"
    )


def _figure(src: str, alt: str, caption: str) -> str:
    return (
        f'<figure><img src="{src}" alt="{escape(alt)}">'
        f"<figcaption>{escape(caption)}</figcaption></figure>"
    )


def figures_html(results: Sequence[ScenarioResult], results_dir: Path) -> dict[str, str]:
    """The figure block of each result, by id, drawn in parallel worker processes.

    Drawing costs ~0.2 s a scenario; on Linux the results are split over one
    forked process per core, elsewhere they are drawn in turn.
    """
    jobs = min(len(results), os.cpu_count() or 1)
    if jobs < 2 or len(results) < 4 or "fork" not in mp.get_all_start_methods():
        return {r.id: _figures(r, results_dir) for r in results}
    with mp.get_context("fork").Pool(jobs) as pool:
        blocks = pool.starmap(_figures, [(r, results_dir) for r in results], chunksize=1)
    return {r.id: html for r, html in zip(results, blocks, strict=True)}


def _figures(r: ScenarioResult, results_dir: Path) -> str:
    figs, notes = [], []
    if r.plot:
        try:
            png = (results_dir / r.plot).read_bytes()
        except OSError:
            png = b""
        if png.startswith(PNG_SIGNATURE):
            figs.append(
                _figure(
                    png_data_uri(png),
                    f"bird's-eye view of {r.id}",
                    "Bird's-eye view: paths coloured by actor type, the ego in red; start boxes "
                    "faded, end boxes solid; collisions marked with a black cross.",
                )
            )
        else:
            notes.append(f"bird's-eye view {r.plot} is missing or not a PNG")
    if r.trace:
        try:
            trace = Trace.load(results_dir / r.trace)
        except (OSError, ValueError, KeyError) as exc:
            notes.append(f"trace {r.trace} could not be read ({exc})")
        else:
            series = downsample(ego_timeseries(trace), MAX_PLOT_POINTS)
            png = timeseries_png(series, r.criteria)
            figs.append(
                _figure(
                    png_data_uri(png),
                    f"speed, time to collision and acceleration of the ego in {r.id}",
                    "The ego over time. Vertical lines: criterion events (solid: failed "
                    "criterion); dashed horizontal lines: thresholds; TTC shown up to 10 s.",
                )
            )
    elif r.status is not Status.ERROR:
        notes.append("no trace was recorded")
    out = "".join(f'<p class="note">{escape(n)}</p>' for n in notes)
    return out + (f'<div class="figs">{"".join(figs)}</div>' if figs else "")


def _facts(r: ScenarioResult) -> str:
    facts = [
        ("Category", r.category),
        ("Tags", ", ".join(r.tags) or "–"),
        ("Seed", str(r.seed)),
        ("Stack", r.stack),
        ("Simulated", f"{r.sim_time_s:.2f} s in {r.steps} steps"),
        ("Wall time", f"{r.wall_time_s:.3f} s"),
        ("Stop reason", r.stop_reason or "–"),
        ("File", r.file or "–"),
    ]
    return (
        '<dl class="meta">'
        + "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in facts)
        + "</dl>"
    )


def scenario_section(
    r: ScenarioResult, results_dir: Path, element_id: str, figures: str | bool = True
) -> str:
    """The collapsible section of one scenario; failed and errored ones start open.

    Args:
        r: The scenario's result.
        results_dir: Folder the result's trace and plot paths are relative to.
        element_id: The section's ``id`` (the target of ``#<element_id>`` links).
        figures: Include the bird's-eye view and the plots over time: ``True``
            to draw them here, or their HTML from :func:`figures_html`.
    """
    hint = failed_summary(r)
    search = " ".join([r.id, r.name, r.category, r.status.value, *r.tags, r.stack, hint])
    opened = " open" if r.status in (Status.FAIL, Status.ERROR) else ""
    parts = [
        f'<details class="scenario {r.status.value}" id="{escape(element_id)}"{opened} '
        f'data-status="{r.status.value}" data-category="{escape(r.category)}" '
        f'data-search="{escape(search.lower())}">',
        f'<summary>{badge(r.status)}<span class="sid">{escape(r.id)}</span>'
        f'<span class="hint">{escape(r.category)}{" · " + escape(hint) if hint else ""}</span>'
        "</summary>",
        '<div class="body">',
        _facts(r),
    ]
    if r.status is Status.ERROR:
        parts.append(
            "<h3>Error</h3>"
            f'<pre class="error-text">{escape(plain_text(r.error or "the scenario could not run"))}</pre>'
        )
    if isinstance(figures, str):
        parts.append(figures)
    elif figures:
        parts.append(_figures(r, results_dir))
    else:
        parts.append(
            '<p class="note">Figures are shown for failed and errored scenarios in a suite this '
            "large; the trace and bird's-eye view are in the results folder.</p>"
        )
    if r.criteria or r.status is not Status.ERROR:
        parts += ["<h3>Criteria</h3>", _criteria_table(r.criteria)]
        parts += ["<h3>Events</h3>", _events_table(r.criteria)]
    if r.scores:
        parts += ["<h3>Scores</h3>", _key_values(r.scores)]
    if r.metrics:
        parts += ["<h3>Metrics</h3>", _key_values(r.metrics)]
    parts.append("</div></details>")
    return "\n".join(parts)
