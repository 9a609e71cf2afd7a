"""Figures of the HTML report: the ego's signals over time and per-category bar charts.

The signals are a PNG (a raster of fixed size whatever the run's length);
the bar charts are small inline SVG written directly. Colours match the
bird's-eye view: the ego is red there and here, collisions are black in both.
"""

from __future__ import annotations

import base64
import html
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from gauntlet.evaluation.plots import EGO_COLOUR
from gauntlet.evaluation.reports.timeseries import EgoTimeseries
from gauntlet.evaluation.result import CriterionResult, Status

#: Colours of criterion events, in order of the criteria; collisions are always black.
EVENT_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf")
COLLISION_COLOUR = "#000000"
THRESHOLD_COLOUR = "#6e7781"
#: TTC above this is not drawn; the interesting part is the last few seconds.
TTC_SHOWN_UP_TO_S = 10.0
#: Figure height taken by one legend row and by the title (fractions of 6.4 in).
LEGEND_ROW_FRACTION = 0.04
TITLE_FRACTION = 0.035


def criterion_colours(criteria: Sequence[CriterionResult]) -> dict[str, str]:
    """The colour of each criterion's event markers, stable within one scenario."""
    colours: dict[str, str] = {}
    others = iter(EVENT_COLOURS * (1 + len(criteria) // len(EVENT_COLOURS)))
    for c in criteria:
        if c.name not in colours:
            colours[c.name] = COLLISION_COLOUR if c.name == "collision" else next(others)
    return colours


def png_data_uri(png: bytes) -> str:
    """``png`` as a ``data:`` URI for an ``<img src>``."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _threshold(criteria: Sequence[CriterionResult], name: str) -> float | None:
    for c in criteria:
        if c.name == name and c.threshold is not None and math.isfinite(c.threshold):
            return float(c.threshold)
    return None


def _hline(ax, y: float, label: str) -> None:  # noqa: ANN001 - a matplotlib Axes
    ax.axhline(y, color=THRESHOLD_COLOUR, lw=1.0, ls="--", zorder=2)
    ax.annotate(
        label,
        (0.0, y),
        xycoords=("axes fraction", "data"),
        xytext=(4, 3),
        textcoords="offset points",
        ha="left",
        va="bottom",
        fontsize=9,
        color=THRESHOLD_COLOUR,
        annotation_clip=True,
    )


def _draw_ttc(ax, series: EgoTimeseries, threshold: float | None) -> None:  # noqa: ANN001
    ttc = series.ttc_s
    shown = np.where(ttc <= TTC_SHOWN_UP_TO_S, ttc, np.nan)
    ax.set_ylim(0.0, TTC_SHOWN_UP_TO_S)
    ax.set_ylabel("TTC [s]")
    if threshold is not None:
        ax.axhspan(0.0, threshold, color="#cf222e", alpha=0.07, lw=0, zorder=0)
        _hline(ax, threshold, f"min_ttc threshold {threshold:g} s")
    if not np.isfinite(ttc).any():
        ax.text(
            0.5,
            0.5,
            "nothing closing in the ego's path",
            transform=ax.transAxes,
            ha="center",
            va="center",
            fontsize=9,
            color=THRESHOLD_COLOUR,
        )
        return
    ax.plot(series.time_s, shown, color=EGO_COLOUR, lw=1.4, zorder=3)
    k = int(np.argmin(ttc))
    if ttc[k] <= TTC_SHOWN_UP_TO_S:
        other = series.names[series.ttc_actor[k]] if series.ttc_actor[k] >= 0 else "?"
        ax.plot(series.time_s[k], ttc[k], "o", color=EGO_COLOUR, ms=4, zorder=4)
        t0, t1 = float(series.time_s[0]), float(series.time_s[-1])
        right_half = series.time_s[k] > 0.5 * (t0 + t1)
        ax.annotate(
            f"min {ttc[k]:.2f} s to {other}",
            (series.time_s[k], ttc[k]),
            xytext=(-6 if right_half else 6, 6),
            textcoords="offset points",
            ha="right" if right_half else "left",
            fontsize=9.5,
            zorder=5,
        )
    else:
        ax.text(0.01, 0.92, f"min {ttc[k]:.1f} s", transform=ax.transAxes, fontsize=9.5, va="top")


def timeseries_png(
    series: EgoTimeseries,
    criteria: Sequence[CriterionResult] = (),
    title: str = "",
    dpi: int = 90,
) -> bytes:
    """Speed, time to collision and acceleration of the ego over time, as PNG bytes.

    Each criterion event is a vertical line through all three plots (solid
    for a failed criterion, dotted otherwise); thresholds of ``max_speed``,
    ``min_ttc`` and ``max_decel`` criteria are dashed horizontal lines.
    """
    # Fixed margins: a layout engine would cost more than drawing the figure.
    fig = Figure(figsize=(8.4, 6.4), dpi=dpi)
    ax_v, ax_ttc, ax_a = fig.subplots(3, 1, sharex=True)
    t = series.time_s

    ax_v.plot(t, series.speed_mps, color=EGO_COLOUR, lw=1.4, zorder=3)
    ax_v.set_ylabel("speed [m/s]")
    kmh = ax_v.secondary_yaxis("right", functions=(lambda v: v * 3.6, lambda k: k / 3.6))
    kmh.set_ylabel("[km/h]")
    kmh.tick_params(labelsize=9.5)
    kmh.yaxis.label.set_fontsize(11)
    if (v_max := _threshold(criteria, "max_speed")) is not None:
        _hline(ax_v, v_max, f"max_speed threshold {v_max:g} m/s")

    _draw_ttc(ax_ttc, series, _threshold(criteria, "min_ttc"))

    ax_a.plot(t, series.accel_mps2, color=EGO_COLOUR, lw=1.2, zorder=3)
    ax_a.axhline(0.0, color="#8c959f", lw=0.6, zorder=1)
    ax_a.set_ylabel("acceleration [m/s²]")
    ax_a.set_xlabel("time [s]", fontsize=11)
    if (decel := _threshold(criteria, "max_decel")) is not None:
        _hline(ax_a, -decel, f"max_decel threshold {decel:g} m/s²")
    # Limits last, once thresholds have widened the autoscaled range.
    low, high = ax_v.get_ylim()
    ax_v.set_ylim(bottom=min(low, 0.0), top=1.1 * max(high, 1.0))
    low, high = ax_a.get_ylim()
    # At least +-1 m/s^2 so a constant speed does not magnify rounding noise.
    ax_a.set_ylim(min(low, -1.0), max(high, 1.0))

    handles = [Line2D([], [], color=EGO_COLOUR, lw=1.4, label="ego")]
    colours = criterion_colours(criteria)
    for c in criteria:
        times = [ev["time_s"] for ev in c.events if ev.get("time_s") is not None]
        if not times:
            continue
        failed = c.status is Status.FAIL
        style = {
            "color": colours[c.name],
            "ls": "-" if failed else ":",
            "lw": 1.3,
            # Collisions on top: other criteria often fire at the same step.
            "zorder": 2.5 if c.name == "collision" else 2,
        }
        for ax in (ax_v, ax_ttc, ax_a):
            for time_s in times:
                ax.axvline(time_s, **style)
        handles.append(Line2D([], [], label=f"{c.name} ({c.status.value})", **style))

    for ax in (ax_v, ax_ttc, ax_a):
        ax.grid(True, lw=0.3, alpha=0.6)
        ax.tick_params(labelsize=9.5)
        ax.yaxis.label.set_fontsize(11)
    if len(t):
        # A small margin on the right keeps an event at the last step visible.
        span = max(float(t[-1] - t[0]), 1.0)
        ax_a.set_xlim(float(t[0]), float(t[0]) + 1.01 * span)
    ncol = min(len(handles), 4)
    rows = math.ceil(len(handles) / ncol)
    fig.legend(
        handles=handles, loc="upper center", bbox_to_anchor=(0.5, 1.0), ncol=ncol, fontsize=9.5
    )
    top = 0.985 - LEGEND_ROW_FRACTION * rows - (TITLE_FRACTION if title else 0.0)
    fig.subplots_adjust(left=0.085, right=0.905, bottom=0.075, top=top, hspace=0.12)
    if title:
        ax_v.set_title(title, loc="left", fontsize=10)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()


@dataclass(frozen=True)
class Bar:
    """One bar: a value with an optional interval; ``None`` draws "n/a"."""

    label: str
    value: float | None
    low: float | None = None
    high: float | None = None
    emphasis: bool = False


def bar_chart_svg(
    title: str,
    bars: Sequence[Bar],
    colour: str,
    axis_max: float = 1.0,
    percent: bool = False,
) -> str:
    """A horizontal bar chart with interval whiskers as an inline ``<svg>`` element.

    Args:
        title: Heading of the chart (also its accessible name).
        bars: One bar per row, top to bottom.
        colour: Fill colour of the bars.
        axis_max: Value at the right end of the axis (the axis starts at 0).
        percent: Values are fractions shown as percentages.
    """
    label_w, plot_w, value_w, row_h, top = 120, 300, 130, 22, 30
    width = label_w + plot_w + value_w
    height = top + row_h * len(bars) + 22
    top_value = axis_max
    scale = plot_w / top_value
    esc = html.escape
    parts = [
        f'<svg class="chart" role="img" aria-label="{esc(title)}" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}">',
        f"<title>{esc(title)}</title>",
        f'<text x="0" y="16" class="chart-title">{esc(title)}</text>',
    ]
    for q in (0.0, 0.25, 0.5, 0.75, 1.0):
        x = label_w + q * plot_w
        tick = f"{q * 100:.0f}%" if percent else f"{q * top_value:g}"
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 20}" class="grid"/>'
            f'<text x="{x:.1f}" y="{height - 6}" class="tick">{tick}</text>'
        )
    for k, b in enumerate(bars):
        y = top + k * row_h
        weight = ' font-weight="600"' if b.emphasis else ""
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 15}" class="label"{weight}>{esc(b.label)}</text>'
        )
        if b.value is None or not math.isfinite(b.value):
            parts.append(f'<text x="{label_w + 4}" y="{y + 15}" class="value">n/a</text>')
            continue
        w = max(0.0, min(b.value, top_value)) * scale
        parts.append(
            f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" '
            f'fill="{colour}" opacity="{0.95 if b.emphasis else 0.75}"/>'
        )
        text = f"{b.value * 100:.0f}%" if percent else f"{b.value:.3g}"
        if b.low is not None and b.high is not None and math.isfinite(b.low + b.high):
            x0, x1 = (label_w + min(max(v, 0.0), top_value) * scale for v in (b.low, b.high))
            ym = y + row_h / 2
            parts.append(
                f'<path d="M{x0:.1f} {ym - 5}v10M{x0:.1f} {ym}H{x1:.1f}M{x1:.1f} {ym - 5}v10" '
                'class="whisker"/>'
            )
            lo, hi = (f"{v * 100:.0f}" if percent else f"{v:.3g}" for v in (b.low, b.high))
            text += f" [{lo}–{hi}]"
        parts.append(f'<text x="{label_w + plot_w + 8}" y="{y + 15}" class="value">{text}</text>')
    parts.append("</svg>")
    return "".join(parts)
