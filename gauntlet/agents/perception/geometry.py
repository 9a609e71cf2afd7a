"""Oriented boxes seen from above: corners, areas and bird's-eye-view IoU.

A box is its centre ``(x, y)`` in m, heading in rad (counter-clockwise from
+x) and its length (along the heading) and width, m. The IoU of two boxes is
the area of their intersection over the area of their union; the
intersection of two convex polygons is found by Sutherland-Hodgman clipping.
"""

from __future__ import annotations

import math

import numpy as np


def box_corners(
    x: np.ndarray, y: np.ndarray, heading: np.ndarray, length: np.ndarray, width: np.ndarray
) -> np.ndarray:
    """Corners ``(n, 4, 2)`` of ``n`` boxes, counter-clockwise, m."""
    c, s = np.cos(heading), np.sin(heading)
    hl, hw = 0.5 * np.asarray(length, float), 0.5 * np.asarray(width, float)
    local = np.array([[1.0, 1.0], [-1.0, 1.0], [-1.0, -1.0], [1.0, -1.0]])
    lx = local[None, :, 0] * hl[:, None]
    ly = local[None, :, 1] * hw[:, None]
    out = np.empty((len(c), 4, 2))
    out[..., 0] = np.asarray(x, float)[:, None] + lx * c[:, None] - ly * s[:, None]
    out[..., 1] = np.asarray(y, float)[:, None] + lx * s[:, None] + ly * c[:, None]
    return out


def in_box(
    px: np.ndarray | float,
    py: np.ndarray | float,
    box: tuple[float, float, float, float, float],
    margin_m: float = 0.0,
) -> np.ndarray:
    """Whether points ``(px, py)``, m, lie in the box ``(x, y, heading, length, width)``.

    The box is grown by ``margin_m`` on every side; points on its edge are inside.
    Returns a boolean array of the points' shape.
    """
    x, y, heading, length, width = box
    c, s = math.cos(heading), math.sin(heading)
    dx, dy = px - x, py - y
    along = dx * c + dy * s
    across = -dx * s + dy * c
    return (np.abs(along) <= 0.5 * length + margin_m) & (np.abs(across) <= 0.5 * width + margin_m)


def polygon_area(poly: np.ndarray) -> float:
    """Area of a simple polygon ``(m, 2)`` (shoelace formula), m²; 0 for fewer than 3 vertices."""
    if len(poly) < 3:
        return 0.0
    x, y = poly[:, 0], poly[:, 1]
    return 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))


def polygon_areas(polys: np.ndarray) -> np.ndarray:
    """Areas of ``n`` simple polygons ``(n, m, 2)`` with the same vertex count, m²."""
    x, y = polys[..., 0], polys[..., 1]
    xn, yn = np.roll(x, -1, axis=1), np.roll(y, -1, axis=1)
    return 0.5 * np.abs((x * yn - y * xn).sum(axis=1))


def _clip(subject: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The part of convex ``subject`` to the left of the directed line ``a -> b``."""
    if len(subject) == 0:
        return subject
    d = b - a
    side = d[0] * (subject[:, 1] - a[1]) - d[1] * (subject[:, 0] - a[0])
    out: list[np.ndarray] = []
    n = len(subject)
    for i in range(n):
        p, q = subject[i], subject[(i + 1) % n]
        sp, sq = side[i], side[(i + 1) % n]
        if sp >= 0.0:
            out.append(p)
        if (sp >= 0.0) != (sq >= 0.0):
            out.append(p + (q - p) * (sp / (sp - sq)))
    return np.array(out) if out else np.zeros((0, 2))


def convex_intersection_area(p: np.ndarray, q: np.ndarray) -> float:
    """Area of the intersection of two counter-clockwise convex polygons, m²."""
    poly = p
    for i in range(len(q)):
        poly = _clip(poly, q[i], q[(i + 1) % len(q)])
        if len(poly) == 0:
            return 0.0
    return polygon_area(poly)


def bev_iou_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Bird's-eye-view IoU ``(n, m)`` between box corner sets ``a (n, 4, 2)`` and ``b (m, 4, 2)``.

    Pairs whose bounding circles do not touch are 0 without clipping.
    """
    n, m = len(a), len(b)
    out = np.zeros((n, m))
    if n == 0 or m == 0:
        return out
    ca, cb = a.mean(axis=1), b.mean(axis=1)
    ra = np.linalg.norm(a - ca[:, None], axis=2).max(axis=1)
    rb = np.linalg.norm(b - cb[:, None], axis=2).max(axis=1)
    dist = np.linalg.norm(ca[:, None] - cb[None], axis=2)
    area_a, area_b = polygon_areas(a), polygon_areas(b)
    for i, j in zip(*np.nonzero(dist < ra[:, None] + rb[None]), strict=True):
        inter = convex_intersection_area(a[i], b[j])
        union = area_a[i] + area_b[j] - inter
        out[i, j] = inter / union if union > 0.0 else 0.0
    return out
