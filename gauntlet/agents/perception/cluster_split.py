"""Splitting a lidar cluster that holds several road users at the gaps between them.

The BEV-grid clustering of :mod:`~gauntlet.agents.perception.lidar_objects`
joins points closer than about a metre, so that the sparse returns of a
surface seen at a grazing angle stay together. Road users closer than that
(pedestrians walking in a group, cars bumper to bumper) then make one
cluster. A lidar still sees the gap between them where it sees one at all:
the points of one object lie close together (a few centimetres apart at ten
metres), those of two objects are separated by their gap.

:func:`split_cluster` cuts a cluster along the *density valleys* of its
single-linkage tree (the minimum spanning tree of its bird's-eye-view
points): a link of the tree is cut when it is at least ``min_gap_m`` long
and at least ``gap_ratio`` times longer than every link inside each of the
two parts it joins (so the evenly spaced returns of a wall or of a car's side
seen at a grazing angle, whose links are all about as long, are never cut),
and when both parts are objects in their own right: at least ``min_points``
points, ``min_height_m`` tall and ``min_extent_m`` across (a single column
of returns is a fragment of a surface, not a road user). A part too small
to stand alone stays with the rest, whose own links are tried in turn.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.cluster.hierarchy import linkage

#: Points closer than this in bird's-eye view are one point for the tree, m.
DEDUP_CELL_M = 0.08
#: Clusters with more tree nodes than this are left whole (walls, buildings:
#: the tree's cost grows with the square of its nodes).
MAX_TREE_NODES = 3000


@dataclass(frozen=True)
class SplitParams:
    """Settings of :func:`split_cluster` (see the module docstring).

    Attributes:
        min_extent_to_split_m: Clusters whose bird's-eye-view diagonal is shorter
            than this are one object (a single walker), m.
        min_gap_m: Shortest link that may be cut, m.
        gap_ratio: How many times longer than every link inside both parts a cut link must be.
        min_points: Fewest points of a part that stands alone.
        min_height_m: Lowest top of a part that stands alone, above the ground, m.
        min_extent_m: Smallest bird's-eye-view diagonal of a part that stands alone, m.
    """

    min_extent_to_split_m: float = 1.0
    min_gap_m: float = 0.2
    gap_ratio: float = 2.0
    min_points: int = 4
    min_height_m: float = 0.4
    min_extent_m: float = 0.15


def _extent(xy: np.ndarray) -> float:
    """Diagonal of the axis-aligned bounding box of points ``(m, 2)``, m."""
    return float(np.hypot(*(xy.max(axis=0) - xy.min(axis=0))))


def split_cluster(
    xy: np.ndarray, height: np.ndarray, p: SplitParams | None = None
) -> list[np.ndarray]:
    """Indices into ``xy`` of each object in one cluster (one array when it is not split).

    Args:
        xy: ``(n, 2)`` bird's-eye-view positions of the cluster's points, m.
        height: ``(n,)`` height of each point above the ground, m.
        p: Settings (the defaults when None).

    Returns:
        Index arrays, ascending within each, ordered by their smallest index;
        together they hold every point once.
    """
    p = p or SplitParams()
    n = len(xy)
    everything = [np.arange(n)]
    if n < 2 * p.min_points or _extent(xy) < p.min_extent_to_split_m:
        return everything
    # One tree node per occupied DEDUP_CELL_M cell (at its first point).
    cell = np.floor(xy / DEDUP_CELL_M).astype(np.int64)
    cell -= cell.min(axis=0)
    key = cell[:, 0] * (int(cell[:, 1].max()) + 1) + cell[:, 1]
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    m = len(first)
    if m < 2 or m > MAX_TREE_NODES:
        return everything
    z = linkage(xy[first], method="single")
    if z[-1, 2] < p.min_gap_m:  # the longest link of the tree is no gap
        return everything
    # Per tree node (leaves 0..m-1, merges m..2m-2): its point count, top,
    # longest internal link and bounding box.
    counts = np.bincount(inverse, minlength=m).tolist()
    top = np.full(m, -np.inf)
    np.maximum.at(top, inverse, height)
    tops = top.tolist()
    rep = xy[first]
    x0, y0 = rep[:, 0].tolist(), rep[:, 1].tolist()
    x1, y1 = list(x0), list(y0)
    inner = [0.0] * m
    children: list[tuple[int, int]] = []
    for a, b, dist, _ in z.tolist():
        a, b = int(a), int(b)
        children.append((a, b))
        counts.append(counts[a] + counts[b])
        tops.append(max(tops[a], tops[b]))
        inner.append(dist)
        x0.append(min(x0[a], x0[b]))
        y0.append(min(y0[a], y0[b]))
        x1.append(max(x1[a], x1[b]))
        y1.append(max(y1[a], y1[b]))

    def alone(node: int) -> bool:
        """Whether a node may stand alone as an object."""
        return (
            counts[node] >= p.min_points
            and tops[node] >= p.min_height_m
            and math.hypot(x1[node] - x0[node], y1[node] - y0[node]) >= p.min_extent_m
        )

    # Bottom up (the merges come shortest first): a merge is a valley ("cut") when
    # its link is long against the links inside both sides that are no valleys
    # themselves ("dense"); a valley with one side too small to stand alone
    # hangs that side on the other ("hang").
    dense = [0.0] * (2 * m - 1)
    action = [""] * (2 * m - 1)
    for node in range(m, 2 * m - 1):
        a, b = children[node - m]
        link = inner[node]
        base = max(dense[a], dense[b])
        if link < p.min_gap_m or link < p.gap_ratio * base:
            dense[node] = max(link, base)
            continue
        ok_a, ok_b = alone(a), alone(b)
        if ok_a and ok_b:
            action[node], dense[node] = "cut", base
        elif ok_a != ok_b:
            action[node], dense[node] = "hang", dense[a if ok_a else b]
        else:
            dense[node] = max(link, base)
    # Top down: the parts under the cuts, and the fragments hung on them.
    parts: list[int] = []
    fragments: list[int] = []
    stack = [2 * m - 2]
    while stack:
        node = stack.pop()
        if action[node] == "cut":
            stack.extend(reversed(children[node - m]))
        elif action[node] == "hang":
            a, b = children[node - m]
            stack.append(a if alone(a) else b)
            fragments.append(b if alone(a) else a)
        else:
            parts.append(node)
    if len(parts) == 1:
        return everything
    leaf_part = np.empty(m, dtype=np.int64)
    for k, node in enumerate(parts + fragments):
        leaf_part[_leaves(node, m, children)] = k
    # A fragment goes with the part of the point nearest to it.
    core = leaf_part < len(parts)
    for k in range(len(parts), len(parts) + len(fragments)):
        mine = leaf_part == k
        d = np.linalg.norm(rep[mine][:, None] - rep[core][None], axis=2)
        leaf_part[mine] = leaf_part[core][np.unravel_index(np.argmin(d), d.shape)[1]]
    point_part = leaf_part[inverse]
    out = [np.flatnonzero(point_part == k) for k in range(len(parts))]
    return sorted(out, key=lambda idx: int(idx[0]))


def _leaves(node: int, m: int, children: list[tuple[int, int]]) -> list[int]:
    """The leaves under ``node`` of a single-linkage tree with ``m`` leaves."""
    out, todo = [], [node]
    while todo:
        k = todo.pop()
        if k < m:
            out.append(k)
        else:
            todo.extend(children[k - m])
    return out
