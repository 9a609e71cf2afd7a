"""The figure of a drone run: top, side and 3D views of the flight paths with obstacles and zones.

Top view (x east, y north): trees and poles as circles, buildings and boxes as
their footprints, wires as lines, moving boxes as dashed tracks, no-fly
zones hatched red, mission points as crosses, each drone's path coloured
with collisions marked. Side view (x against height): the same paths, and
obstacles and zones as their x-extent and height band. 3D view: the paths in
space, trees and poles as vertical lines, boxes and zones as their outlines
at floor and top, wires as lines. Matplotlib with the Agg backend (no display
needed).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from gauntlet.dynamics.airspace import CylinderZone, Zone
from gauntlet.world.drones.obstacles import ObstacleField


def plot_drone_run(
    path: Path,
    title: str,
    arrays: dict[str, np.ndarray],
    field: ObstacleField,
    zones: Sequence[Zone],
    references: Sequence[np.ndarray],
    names: Sequence[str],
) -> None:
    """Write the figure to ``path`` (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Circle, Polygon, Rectangle

    pos = arrays["position_m"]
    t = arrays["time_s"]
    fig = plt.figure(figsize=(18, 5.5))
    grid = fig.add_gridspec(1, 3, width_ratios=[1.2, 1, 1.1])
    top, side = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1])
    view = fig.add_subplot(grid[0, 2], projection="3d")
    for z in zones:
        hatch = {"facecolor": (1, 0, 0, 0.12), "edgecolor": "red", "hatch": "//", "lw": 1}
        if isinstance(z, CylinderZone):
            top.add_patch(Circle(z.center_m, z.radius_m, **hatch))
            x0, x1 = z.center_m[0] - z.radius_m, z.center_m[0] + z.radius_m
        else:
            poly = np.asarray(z.polygon_m)
            top.add_patch(Polygon(poly, closed=True, **hatch))
            x0, x1 = float(poly[:, 0].min()), float(poly[:, 0].max())
        ceiling = min(z.ceiling_m, float(np.max(pos[:, :, 2])) + 10.0)
        side.add_patch(Rectangle((x0, z.floor_m), x1 - x0, ceiling - z.floor_m, **hatch))
    for c in field.cylinders:
        top.add_patch(Circle((c[0], c[1]), c[2], color="forestgreen", alpha=0.7, lw=0))
        side.add_patch(
            Rectangle((c[0] - c[2], 0.0), 2 * c[2], c[3], color="forestgreen", alpha=0.25, lw=0)
        )
    for b in field.boxes:
        corners = _footprint(b[0], b[1], b[3], b[4], b[5])
        top.add_patch(Polygon(corners, closed=True, color="slategray", alpha=0.6))
        side.add_patch(
            Rectangle(
                (corners[:, 0].min(), b[2]),
                np.ptp(corners[:, 0]),
                b[6],
                color="slategray",
                alpha=0.3,
            )
        )
    for w in field.wires:
        top.plot([w[0], w[3]], [w[1], w[4]], color="black", lw=1.2)
        side.plot([w[0], w[3]], [w[2], w[5]], color="black", lw=1.2)
    for m in field.movers:
        end = m[0:3] + m[3:6] * max(float(t[-1]) - m[9], 0.0)
        top.plot([m[0], end[0]], [m[1], end[1]], "--", color="darkorange", lw=1.5)
        top.add_patch(
            Rectangle(
                (end[0] - m[6] / 2, end[1] - m[7] / 2), m[6], m[7], color="darkorange", alpha=0.6
            )
        )
    colors = plt.cm.tab10.colors
    for i, name in enumerate(names):
        color = colors[i % len(colors)]
        ref = references[i]
        top.plot(ref[:, 0], ref[:, 1], "x:", color="gray", lw=0.8)
        top.plot(pos[:, i, 0], pos[:, i, 1], color=color, lw=1.6, label=name)
        side.plot(pos[:, i, 0], pos[:, i, 2], color=color, lw=1.6)
        top.plot(pos[0, i, 0], pos[0, i, 1], "o", color=color)
        hit = np.flatnonzero(arrays["collided"][:, i])
        if len(hit):
            k = hit[0]
            top.plot(pos[k, i, 0], pos[k, i, 1], "*", color="red", ms=14)
            side.plot(pos[k, i, 0], pos[k, i, 2], "*", color="red", ms=14)
    xy = pos[:, :, :2].reshape(-1, 2)
    pad = 10.0
    top.set_xlim(xy[:, 0].min() - pad, xy[:, 0].max() + pad)
    top.set_ylim(xy[:, 1].min() - pad, xy[:, 1].max() + pad)
    top.set_aspect("equal")
    top.set_xlabel("x east (m)")
    top.set_ylabel("y north (m)")
    top.set_title("top view")
    top.legend(loc="upper right", fontsize=8)
    side.set_xlim(*top.get_xlim())
    side.set_ylim(0.0, max(float(np.max(pos[:, :, 2])) * 1.3, 5.0))
    side.set_xlabel("x east (m)")
    side.set_ylabel("height (m)")
    side.set_title("side view")
    _draw_3d(view, pos, field, zones, names, colors)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


def _draw_3d(
    ax: object,
    pos: np.ndarray,
    field: ObstacleField,
    zones: Sequence[Zone],
    names: Sequence[str],
    colors: Sequence[object],
) -> None:
    """Paths, obstacles and zone outlines in a 3D axes (x east, y north, z up)."""
    top_z = max(float(np.max(pos[:, :, 2])) * 1.3, 5.0)
    for c in field.cylinders:
        ax.plot(
            [c[0], c[0]],
            [c[1], c[1]],
            [0.0, min(c[3], top_z)],
            color="forestgreen",
            lw=1.0,
            alpha=0.6,
        )
    for b in field.boxes:
        ring = np.vstack([_footprint(b[0], b[1], b[3], b[4], b[5])] * 2)[:5]
        floor, roof = b[2], min(b[2] + b[6], top_z)
        for z in (floor, roof):
            ax.plot(ring[:, 0], ring[:, 1], z, color="slategray", lw=0.8)
        for x, y in ring[:4]:
            ax.plot([x, x], [y, y], [floor, roof], color="slategray", lw=0.6)
    for w in field.wires:
        ax.plot([w[0], w[3]], [w[1], w[4]], [w[2], w[5]], color="black", lw=1.0)
    for zone in zones:
        if isinstance(zone, CylinderZone):
            a = np.linspace(0.0, 2.0 * math.pi, 40)
            ring = np.column_stack(
                (
                    zone.center_m[0] + zone.radius_m * np.cos(a),
                    zone.center_m[1] + zone.radius_m * np.sin(a),
                )
            )
        else:
            ring = np.vstack([zone.polygon_m, zone.polygon_m[:1]])
        for z in (zone.floor_m, min(zone.ceiling_m, top_z)):
            ax.plot(ring[:, 0], ring[:, 1], z, color="red", lw=0.8)
    for i, name in enumerate(names):
        ax.plot(
            pos[:, i, 0],
            pos[:, i, 1],
            pos[:, i, 2],
            color=colors[i % len(colors)],
            lw=1.4,
            label=name,
        )
    ax.set_zlim(0.0, top_z)
    ax.set_xlabel("x east (m)")
    ax.set_ylabel("y north (m)")
    ax.set_zlabel("height (m)")
    ax.set_title("3D view")


def _footprint(x: float, y: float, heading: float, length: float, width: float) -> np.ndarray:
    c, s = math.cos(heading), math.sin(heading)
    local = np.array([[0.5, 0.5], [-0.5, 0.5], [-0.5, -0.5], [0.5, -0.5]]) * [length, width]
    return np.column_stack(
        (x + c * local[:, 0] - s * local[:, 1], y + s * local[:, 0] + c * local[:, 1])
    )
