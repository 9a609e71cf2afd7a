"""Oriented-box geometry: overlap by the separating-axis theorem, and gaps.

Boxes are given by centre ``(x, y)``, heading and half extents.
:func:`overlapping_pairs` is the per-step test (compiled: a bounding-circle
check, then the four separating axes); :func:`boxes_overlap` and
:func:`box_gap` work on corner arrays for triggers and criteria.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit


def box_corners(
    x: np.ndarray, y: np.ndarray, h: np.ndarray, hl: np.ndarray, hw: np.ndarray
) -> np.ndarray:
    """Corners ``(n, 4, 2)`` in counter-clockwise order from front-left."""
    c, s = np.cos(h), np.sin(h)
    sx = np.array([1.0, -1.0, -1.0, 1.0])
    sy = np.array([1.0, 1.0, -1.0, -1.0])
    lx = hl[:, None] * sx
    ly = hw[:, None] * sy
    cx = x[:, None] + lx * c[:, None] - ly * s[:, None]
    cy = y[:, None] + lx * s[:, None] + ly * c[:, None]
    return np.stack((cx, cy), axis=-1)


@njit(cache=True)
def overlapping_pairs(
    x: np.ndarray, y: np.ndarray, h: np.ndarray, hl: np.ndarray, hw: np.ndarray, radius: np.ndarray
) -> np.ndarray:
    """All pairs ``(i, j)``, ``i < j``, of oriented boxes that overlap (separating-axis test)."""
    n = x.shape[0]
    out = np.empty((n * (n - 1) // 2, 2), dtype=np.int64)
    count = 0
    for i in range(n):
        ca = math.cos(h[i])
        sa = math.sin(h[i])
        for j in range(i + 1, n):
            tx = x[j] - x[i]
            ty = y[j] - y[i]
            reach = radius[i] + radius[j]
            if tx * tx + ty * ty >= reach * reach:
                continue
            cb = math.cos(h[j])
            sb = math.sin(h[j])
            c = abs(ca * cb + sa * sb)
            s = abs(sa * cb - ca * sb)
            if abs(tx * ca + ty * sa) > hl[i] + hl[j] * c + hw[j] * s:
                continue
            if abs(-tx * sa + ty * ca) > hw[i] + hl[j] * s + hw[j] * c:
                continue
            if abs(tx * cb + ty * sb) > hl[j] + hl[i] * c + hw[i] * s:
                continue
            if abs(-tx * sb + ty * cb) > hw[j] + hl[i] * s + hw[i] * c:
                continue
            out[count, 0] = i
            out[count, 1] = j
            count += 1
    return out[:count]


def boxes_overlap(corners_a: np.ndarray, corners_b: np.ndarray) -> np.ndarray:
    """SAT overlap test for box pairs given as corner arrays ``(m, 4, 2)``."""
    overlap = np.ones(len(corners_a), dtype=bool)
    for corners in (corners_a, corners_b):
        for k in range(2):
            edge = corners[:, k + 1] - corners[:, k]
            axis = np.stack((-edge[:, 1], edge[:, 0]), axis=1)
            pa = np.einsum("mkd,md->mk", corners_a, axis)
            pb = np.einsum("mkd,md->mk", corners_b, axis)
            overlap &= (pa.max(axis=1) >= pb.min(axis=1)) & (pb.max(axis=1) >= pa.min(axis=1))
    return overlap


def _point_segment_distance(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    ab = b - a
    t = np.clip(
        np.einsum("...d,...d->...", p - a, ab)
        / np.maximum(np.einsum("...d,...d->...", ab, ab), 1e-12),
        0,
        1,
    )
    closest = a + t[..., None] * ab
    return np.linalg.norm(p - closest, axis=-1)


@njit(cache=True)
def _corners_of(x: float, y: float, h: float, hl: float, hw: float, out: np.ndarray) -> None:
    c = math.cos(h)
    s = math.sin(h)
    for k in range(4):
        lx = hl if k == 0 or k == 3 else -hl
        ly = hw if k < 2 else -hw
        out[k, 0] = x + lx * c - ly * s
        out[k, 1] = y + lx * s + ly * c


@njit(cache=True)
def _corner_edge_gap(pa: np.ndarray, pb: np.ndarray) -> float:
    """Smallest distance from a corner of ``pa`` to an edge of ``pb``."""
    best = np.inf
    for i in range(4):
        px = pa[i, 0]
        py = pa[i, 1]
        for k in range(4):
            ax = pb[k, 0]
            ay = pb[k, 1]
            ex = pb[(k + 1) % 4, 0] - ax
            ey = pb[(k + 1) % 4, 1] - ay
            t = ((px - ax) * ex + (py - ay) * ey) / max(ex * ex + ey * ey, 1e-12)
            t = min(max(t, 0.0), 1.0)
            dx = px - ax - t * ex
            dy = py - ay - t * ey
            d = math.sqrt(dx * dx + dy * dy)
            if d < best:
                best = d
    return best


@njit(cache=True)
def min_gap(
    x: np.ndarray,
    y: np.ndarray,
    h: np.ndarray,
    hl: np.ndarray,
    hw: np.ndarray,
    a: int,
    others: np.ndarray,
) -> float:
    """Smallest free-space distance from box ``a`` to the boxes ``others``; 0 on overlap.

    Same result as :func:`box_gap` on the corner arrays, without building them.
    """
    pa = np.empty((4, 2))
    pb = np.empty((4, 2))
    _corners_of(x[a], y[a], h[a], hl[a], hw[a], pa)
    ca = math.cos(h[a])
    sa = math.sin(h[a])
    best = np.inf
    for b in others:
        tx = x[b] - x[a]
        ty = y[b] - y[a]
        cb = math.cos(h[b])
        sb = math.sin(h[b])
        c = abs(ca * cb + sa * sb)
        s = abs(sa * cb - ca * sb)
        if (
            abs(tx * ca + ty * sa) <= hl[a] + hl[b] * c + hw[b] * s
            and abs(-tx * sa + ty * ca) <= hw[a] + hl[b] * s + hw[b] * c
            and abs(tx * cb + ty * sb) <= hl[b] + hl[a] * c + hw[a] * s
            and abs(-tx * sb + ty * cb) <= hw[b] + hl[a] * s + hw[a] * c
        ):
            return 0.0
        _corners_of(x[b], y[b], h[b], hl[b], hw[b], pb)
        best = min(best, _corner_edge_gap(pa, pb), _corner_edge_gap(pb, pa))
    return best


def box_gap(corners_a: np.ndarray, corners_b: np.ndarray) -> np.ndarray:
    """Free-space distance between box pairs ``(m, 4, 2)``; 0 where they overlap."""
    edges_a = (corners_a, np.roll(corners_a, -1, axis=1))
    edges_b = (corners_b, np.roll(corners_b, -1, axis=1))
    d1 = _point_segment_distance(corners_a[:, :, None, :], edges_b[0][:, None], edges_b[1][:, None])
    d2 = _point_segment_distance(corners_b[:, :, None, :], edges_a[0][:, None], edges_a[1][:, None])
    gap = np.minimum(
        d1.reshape(len(corners_a), -1).min(axis=1), d2.reshape(len(corners_a), -1).min(axis=1)
    )
    return np.where(boxes_overlap(corners_a, corners_b), 0.0, gap)
