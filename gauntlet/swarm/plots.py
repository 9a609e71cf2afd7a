"""The figure of a swarm mission: tracks, the network graph over time, allocation timeline, coverage."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from gauntlet.swarm.mission import SwarmMission
from gauntlet.swarm.tasks import NODE_KINDS, TASK_TYPES

KIND_COLOURS = ("tab:blue", "tab:cyan", "tab:brown", "tab:purple")
TASK_COLOURS = ("tab:green", "tab:red", "tab:orange", "tab:blue", "tab:brown")


def mission_figure(mission: SwarmMission, path: Path, title: str = "") -> None:
    """Write a 2 x 3 PNG: tracks, three network snapshots, allocation timeline, coverage and connectivity."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    rec, w = mission.record, mission.world
    pos = np.array(rec.position_m)
    act = np.array(rec.active)
    t = np.array(rec.time_s)
    fig, axes = plt.subplots(2, 3, figsize=(16, 9.5))
    ax = axes[0, 0]
    board = mission.tasking.board
    for i in range(1, w.n):
        k = w.kind[i]
        xy = np.where(act[:, i, None], pos[:, i, :2], np.nan)
        ax.plot(xy[:, 0], xy[:, 1], lw=0.6, color=KIND_COLOURS[k] if k >= 0 else "k", alpha=0.7)
    for k, name in enumerate(NODE_KINDS):
        ax.plot([], [], color=KIND_COLOURS[k], label=name)
    for area in mission.tasking.search_areas:
        ax.add_patch(
            plt.Rectangle(
                area[:2], area[2] - area[0], area[3] - area[1], fill=False, ls="--", color="g"
            )
        )
    for j, ty in enumerate(board.type):
        ax.plot(*board.xy[j], marker="x", ms=4, color=TASK_COLOURS[ty])
    ax.plot(*pos[0, 0, :2], marker="s", color="k", label="base")
    ax.set_title("node tracks")
    ax.set_aspect("equal", adjustable="datalim")
    ax.legend(fontsize=7, loc="best")
    for a, (gt, edges) in zip((axes[0, 1], axes[0, 2], axes[1, 0]), rec.graphs, strict=False):
        k = int(np.argmin(np.abs(t - gt))) if len(t) else 0
        p = pos[k]
        if len(edges):
            seg = np.stack([p[edges[:, 0], :2], p[edges[:, 1], :2]], axis=1)
            a.plot(seg[:, :, 0].T, seg[:, :, 1].T, color="0.6", lw=0.4)
        on = act[k]
        a.scatter(p[on, 0], p[on, 1], s=8, c=[KIND_COLOURS[max(q, 0)] for q in w.kind[on]])
        a.set_title(f"network at t = {gt:.1f} s ({len(edges)} links)")
        a.set_aspect("equal", adjustable="datalim")
    ax = axes[1, 1]
    task = np.array(rec.task).T.astype(float)
    if task.size:
        ty = np.where(task >= 0, board.type[np.maximum(task, 0).astype(int)], -1).astype(float)
        ty[~act.T] = np.nan
        agents = w.role > 0
        cmap = ListedColormap(["0.9", *TASK_COLOURS])
        ax.imshow(ty[agents] + 1, aspect="auto", interpolation="nearest", cmap=cmap, vmin=0, vmax=5,
                  extent=(t[0], t[-1] if len(t) > 1 else 1.0, int(agents.sum()), 0))  # fmt: skip
        for c, name in zip(TASK_COLOURS, TASK_TYPES, strict=True):
            ax.plot([], [], color=c, lw=6, label=name)
        ax.legend(fontsize=7, loc="upper right")
    for start, took in rec.allocations:
        ax.axvline(start + took, color="k", lw=0.8, ls=":")
    for te, _ in rec.events:
        ax.axvline(te, color="r", lw=0.8)
    ax.set_title("allocation timeline (task type per node; red: events, dotted: allocated)")
    ax.set_xlabel("time (s)")
    ax.set_ylabel("node")
    ax = axes[1, 2]
    ax.plot(t, rec.coverage, label="area coverage")
    ax.plot(t, rec.connectivity, label="network connectivity")
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("time (s)")
    ax.legend(fontsize=8)
    ax.set_title("coverage and connectivity over time")
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)
