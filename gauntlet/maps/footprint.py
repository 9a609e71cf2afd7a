"""2D ground footprints of 3D geometry, for collision checks.

A footprint is the part of an object a vehicle can run into: the geometry
between :data:`FOOTPRINT_LOW_M` (above kerbs and the ground itself) and
:data:`FOOTPRINT_HIGH_M` (the height of a van) above the map datum, split into
connected pieces, each reduced to its convex hull and to the smallest oriented
rectangle around that hull (the box the simulator's collision check uses).
Concave pieces (an L-shaped building) are over-approximated by their hull.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

FOOTPRINT_LOW_M = 0.2
FOOTPRINT_HIGH_M = 2.0
#: Thickness given to pieces that are flat in plan (a wall modelled as one plane), m.
MIN_THICKNESS_M = 0.05


@dataclass(frozen=True, eq=False)
class Footprint:
    """One connected piece of an object's footprint.

    Attributes:
        hull: ``(k, 2)`` convex hull, counter-clockwise, world frame, m.
        center: ``(x, y)`` of the enclosing rectangle, m.
        heading: Direction of the rectangle's long side, rad.
        length: Long side, m.
        width: Short side (at least :data:`MIN_THICKNESS_M`), m.
    """

    hull: np.ndarray
    center: tuple[float, float]
    heading: float
    length: float
    width: float


def convex_hull(points: np.ndarray) -> np.ndarray:
    """Counter-clockwise hull of ``(n, 2)`` points (Andrew's monotone chain); collinear
    points give the two ends."""
    pts = np.unique(np.round(points, 9), axis=0)
    if len(pts) < 3:
        return pts

    def half(seq: np.ndarray) -> list[np.ndarray]:
        chain: list[np.ndarray] = []
        for p in seq:
            while len(chain) >= 2:
                o, a = chain[-2], chain[-1]
                if (a[0] - o[0]) * (p[1] - o[1]) - (a[1] - o[1]) * (p[0] - o[0]) > 1e-12:
                    break
                chain.pop()
            chain.append(p)
        return chain

    lower, upper = half(pts), half(pts[::-1])
    return np.array(lower[:-1] + upper[:-1])


def enclosing_rectangle(hull: np.ndarray) -> tuple[tuple[float, float], float, float, float]:
    """Smallest-area oriented rectangle around a hull: ``(center, heading, length, width)``."""
    if len(hull) == 1:
        return (float(hull[0, 0]), float(hull[0, 1])), 0.0, MIN_THICKNESS_M, MIN_THICKNESS_M
    edges = np.roll(hull, -1, axis=0) - hull
    angles = np.arctan2(edges[:, 1], edges[:, 0])
    best = None
    for a in angles:
        c, s = np.cos(a), np.sin(a)
        u = hull @ np.array([c, s])
        v = hull @ np.array([-s, c])
        area = (u.max() - u.min()) * (v.max() - v.min())
        if best is None or area < best[0] - 1e-12:
            best = (area, a, u, v)
    assert best is not None
    _, a, u, v = best
    du, dv = u.max() - u.min(), v.max() - v.min()
    mu, mv = 0.5 * (u.max() + u.min()), 0.5 * (v.max() + v.min())
    c, s = np.cos(a), np.sin(a)
    center = (float(mu * c - mv * s), float(mu * s + mv * c))
    if dv > du:
        a, du, dv = a + 0.5 * np.pi, dv, du
    heading = float((a + np.pi) % (2 * np.pi) - np.pi)
    return center, heading, float(max(du, MIN_THICKNESS_M)), float(max(dv, MIN_THICKNESS_M))


def _footprint(points_2d: np.ndarray) -> Footprint:
    hull = convex_hull(points_2d)
    center, heading, length, width = enclosing_rectangle(hull)
    return Footprint(hull, center, heading, length, width)


def _band_points(
    vertices: np.ndarray, triangles: np.ndarray, lo: float, hi: float
) -> tuple[np.ndarray, np.ndarray]:
    """Points of every triangle's part inside ``lo <= z <= hi``, with their triangle."""
    tri = vertices[triangles]  # (m, 3, 3)
    pts, owner = [], []
    z = tri[..., 2]
    inside = (z >= lo) & (z <= hi)
    m_idx, v_idx = np.nonzero(inside)
    pts.append(tri[m_idx, v_idx, :2])
    owner.append(m_idx)
    for k in range(3):
        a, b = tri[:, k], tri[:, (k + 1) % 3]
        for plane in (lo, hi):
            dz = b[:, 2] - a[:, 2]
            with np.errstate(divide="ignore", invalid="ignore"):
                f = (plane - a[:, 2]) / dz
            cross = (dz != 0.0) & (f >= 0.0) & (f <= 1.0)
            p = a[cross] + f[cross, None] * (b[cross] - a[cross])
            pts.append(p[:, :2])
            owner.append(np.flatnonzero(cross))
    return np.concatenate(pts), np.concatenate(owner)


def mesh_footprints(
    vertices: np.ndarray,
    triangles: np.ndarray,
    low_m: float = FOOTPRINT_LOW_M,
    high_m: float = FOOTPRINT_HIGH_M,
) -> tuple[Footprint, ...]:
    """Footprints of a triangle mesh, one per connected piece that reaches into the band.

    Vertices that coincide (to 1 mm) are merged first, so meshes stored with
    separate vertices per face still form connected pieces.
    """
    if len(triangles) == 0:
        return ()
    _, merged = np.unique(np.round(vertices, 3), axis=0, return_inverse=True)
    merged = merged.ravel()
    tri = merged[triangles]
    n = int(merged.max()) + 1
    rows = np.concatenate((tri[:, 0], tri[:, 1], tri[:, 2]))
    cols = np.concatenate((tri[:, 1], tri[:, 2], tri[:, 0]))
    graph = coo_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    pts, owner = _band_points(vertices, triangles, low_m, high_m)
    if len(pts) == 0:
        return ()
    piece = label[tri[owner, 0]]
    return tuple(_footprint(pts[piece == k]) for k in np.unique(piece))


def point_footprints(
    points: np.ndarray,
    low_m: float = FOOTPRINT_LOW_M,
    high_m: float = FOOTPRINT_HIGH_M,
    gap_m: float = 0.5,
) -> tuple[Footprint, ...]:
    """Footprints of a point cloud: points in the band, grouped on a ``gap_m`` grid
    (cells touching at an edge or a corner join), pieces of fewer than 3 points dropped."""
    band = points[(points[:, 2] >= low_m) & (points[:, 2] <= high_m), :2]
    if len(band) < 3:
        return ()
    cell = np.floor((band - band.min(axis=0)) / gap_m).astype(np.int64)
    grid = np.zeros(tuple(cell.max(axis=0) + 1), dtype=bool)
    grid[cell[:, 0], cell[:, 1]] = True
    labels, _ = ndimage.label(grid, structure=np.ones((3, 3), dtype=bool))
    piece = labels[cell[:, 0], cell[:, 1]]
    out = []
    for k in np.unique(piece):
        sel = band[piece == k]
        if len(sel) >= 3:
            out.append(_footprint(sel))
    return tuple(out)
