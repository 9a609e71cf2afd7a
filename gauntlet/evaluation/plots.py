"""Bird's-eye-view plots of a run: road, lanes, actor paths and collisions."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.collections import LineCollection, PolyCollection  # noqa: E402

from gauntlet.maps.network import RoadNetwork  # noqa: E402
from gauntlet.world.recorder import Trace  # noqa: E402

TYPE_COLOURS = {
    "car": "#1f77b4",
    "truck": "#8c564b",
    "bus": "#9467bd",
    "motorcycle": "#17becf",
    "bicycle": "#2ca02c",
    "pedestrian": "#ff7f0e",
    "obstacle": "#7f7f7f",
}
EGO_COLOUR = "#d62728"
#: Scenes more elongated than this are drawn with unequal axis scales so both stay readable.
STRETCH_ABOVE = 4.0


#: Lane types drawn, and their surface colours.
LANE_FACES = {
    "driving": "#d9d9d9",
    "sidewalk": "#efe6d8",
    "biking": "#efe6d8",
    "parking": "#efe6d8",
    "shoulder": "#efe6d8",
}


def _draw_road(ax: plt.Axes, network: RoadNetwork) -> None:
    # One collection per kind of line: thousands of separate artists make plotting slower than simulating.
    polygons, faces, edges, centres = [], [], [], []
    for lane in network.lanes.values():
        face = LANE_FACES.get(lane.type)
        if face is None:
            continue
        cl = lane.centerline
        half = 0.5 * cl.width
        left = np.asarray(lane.position(cl.s, half))
        right = np.asarray(lane.position(cl.s, -half))
        polygons.append(np.concatenate((left, right[::-1])))
        faces.append(face)
        edges.append(left)
        if lane.type == "driving":
            centres.append(np.stack((cl.x, cl.y), axis=1))
    ax.add_collection(PolyCollection(polygons, facecolors=faces, edgecolors="none", zorder=0))
    ax.add_collection(LineCollection(edges, colors="white", linewidths=0.6, zorder=1))
    ax.add_collection(
        LineCollection(centres, colors="#bdbdbd", linewidths=0.4, linestyles=(0, (4, 6)), zorder=1)
    )


def _box(x: float, y: float, h: float, length: float, width: float) -> np.ndarray:
    c, s = np.cos(h), np.sin(h)
    pts = np.array([[1, 1], [-1, 1], [-1, -1], [1, -1], [1, 1]]) * [0.5 * length, 0.5 * width]
    return np.stack((x + pts[:, 0] * c - pts[:, 1] * s, y + pts[:, 0] * s + pts[:, 1] * c), axis=1)


def bird_eye_view(
    network: RoadNetwork,
    trace: Trace,
    collisions: Sequence,
    path: Path,
    title: str = "",
    ego: int = 0,
) -> Path:
    """Draw the run and save it as a PNG at ``path``.

    Paths are coloured by actor type (the ego in red), start and end boxes are
    drawn, and each collision is marked with a cross at the contact position.
    """
    fig, ax = plt.subplots(figsize=(10, 6), dpi=110)
    _draw_road(ax, network)
    x, y, h = trace.data["x"], trace.data["y"], trace.data["h"]
    pad = 25.0
    xmin, xmax = float(x.min()) - pad, float(x.max()) + pad
    ymin, ymax = float(y.min()) - pad, float(y.max()) + pad
    for a, name in enumerate(trace.names):
        colour = EGO_COLOUR if a == ego else TYPE_COLOURS.get(trace.types[a], "#333333")
        ax.plot(
            x[:, a],
            y[:, a],
            color=colour,
            lw=1.8 if a == ego else 1.0,
            zorder=3,
            label=name if a < 12 else None,
        )
        for k, alpha in ((0, 0.35), (-1, 1.0)):
            b = _box(x[k, a], y[k, a], h[k, a], trace.length[a], trace.width[a])
            ax.fill(
                b[:, 0], b[:, 1], facecolor=colour, alpha=alpha, edgecolor="black", lw=0.4, zorder=4
            )
    for ev in collisions:
        k = int(np.clip(np.searchsorted(trace.time, ev.time_s), 0, len(trace.time) - 1))
        cx = 0.5 * (x[k, ev.a] + x[k, ev.b])
        cy = 0.5 * (y[k, ev.a] + y[k, ev.b])
        ax.plot(cx, cy, marker="X", color="black", markersize=12, zorder=6)
        ax.annotate(
            f"collision t={ev.time_s:.2f}s",
            (cx, cy),
            xytext=(8, 8),
            textcoords="offset points",
            fontsize=8,
            zorder=6,
        )
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    elongation = max(xmax - xmin, ymax - ymin) / max(min(xmax - xmin, ymax - ymin), 1e-9)
    stretched = elongation > STRETCH_ABOVE
    if not stretched:
        ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel("x [m] (east)")
    ax.set_ylabel("y [m] (north)" + (" — axes not to scale" if stretched else ""))
    ax.set_title(title, fontsize=10)
    ax.legend(loc="upper right", fontsize=7, framealpha=0.8)
    ax.grid(True, lw=0.3, alpha=0.5)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path
