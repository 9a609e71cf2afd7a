"""Oriented-box geometry: overlap by the separating-axis theorem, and gaps.

Boxes are given by centre ``(x, y)``, heading and half extents. Everything is
vectorised over pairs; the broad phase keeps only pairs whose bounding circles
touch, so the narrow phase runs on a handful of pairs.
"""

from __future__ import annotations

import numpy as np


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


def candidate_pairs(
    x: np.ndarray,
    y: np.ndarray,
    radius: np.ndarray,
    pairs: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs ``i < j`` whose bounding circles overlap.

    ``pairs`` may pass the precomputed ``np.triu_indices(n, 1)`` to save its
    construction on every call.
    """
    i, j = pairs if pairs is not None else np.triu_indices(len(x), 1)
    dx = x[i] - x[j]
    dy = y[i] - y[j]
    reach = radius[i] + radius[j]
    close = dx * dx + dy * dy < reach * reach
    return i[close], j[close]


def obb_overlap(
    x: np.ndarray,
    y: np.ndarray,
    h: np.ndarray,
    hl: np.ndarray,
    hw: np.ndarray,
    i: np.ndarray,
    j: np.ndarray,
) -> np.ndarray:
    """SAT overlap of box pairs ``(i, j)`` from centres, headings and half extents.

    The four candidate axes are both boxes' length and width directions; the
    pair is apart if the centre distance projected on any axis exceeds the sum
    of the boxes' projected half extents.
    """
    tx, ty = x[j] - x[i], y[j] - y[i]
    ca, sa, cb, sb = np.cos(h[i]), np.sin(h[i]), np.cos(h[j]), np.sin(h[j])
    dh = h[j] - h[i]
    c, s = np.abs(np.cos(dh)), np.abs(np.sin(dh))
    la, wa, lb, wb = hl[i], hw[i], hl[j], hw[j]
    apart = np.abs(tx * ca + ty * sa) > la + lb * c + wb * s
    apart |= np.abs(-tx * sa + ty * ca) > wa + lb * s + wb * c
    apart |= np.abs(tx * cb + ty * sb) > lb + la * c + wa * s
    apart |= np.abs(-tx * sb + ty * cb) > wb + la * s + wa * c
    return ~apart


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
