"""Obstacle geometry of a drone world: cylinders, boxes, wires and moving boxes as arrays.

Every obstacle answers an exact signed distance (negative inside), so a
drone of radius ``r`` collides when the distance from its centre is below
``r`` and its *clearance* is the distance less ``r``:

* vertical cylinders (trees, poles) from the ground to their height:
  ``d = max(d_h, d_v)`` inside, ``hypot(max(d_h, 0), max(d_v, 0))`` outside,
  with ``d_h = |xy - c| - radius`` and ``d_v = max(-z, z - height)``;
* oriented boxes (buildings, boxes, moving boxes): the box distance in the
  box frame, ``|max(q, 0)| + min(max(q), 0)`` with ``q = |p_local| - half``;
* wires: the distance to the segment less the radius.

:func:`build_obstacles` turns a scenario's obstacle list into one
:class:`ObstacleField`, drawing forests from the generator it is given.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gauntlet.scenarios import drone as sd
from gauntlet.sensors.semantic import Semantic


@dataclass(frozen=True, eq=False)
class ObstacleField:
    """All obstacles of a world, by shape; arrays have one row per obstacle.

    Attributes:
        cylinders: ``(k, 4)`` centre x, y, radius, height, m.
        cylinder_semantic: Semantic class per cylinder (vegetation or pole).
        boxes: ``(b, 7)`` base-centre x, y, z, heading (rad), length, width, height, m.
        box_semantic: Semantic class per box (building or static).
        wires: ``(w, 7)`` start x, y, z, end x, y, z, radius, m.
        movers: ``(m, 10)`` base-centre x, y, z at appearance, vx, vy, vz, length,
            width, height (m, m/s), appear time (s); axis-aligned.
    """

    cylinders: np.ndarray
    cylinder_semantic: np.ndarray
    boxes: np.ndarray
    box_semantic: np.ndarray
    wires: np.ndarray
    movers: np.ndarray

    @property
    def empty(self) -> bool:
        """Whether there is nothing to hit."""
        return not (len(self.cylinders) or len(self.boxes) or len(self.wires) or len(self.movers))

    def active_movers(self, time_s: float) -> tuple[np.ndarray, np.ndarray]:
        """Indices of the movers present at ``time_s`` and their base centres ``(k, 3)``, m."""
        m = self.movers
        active = np.flatnonzero(m[:, 9] <= time_s) if len(m) else np.zeros(0, dtype=np.int64)
        age = time_s - m[active, 9]
        return active, m[active, 0:3] + age[:, None] * m[active, 3:6]

    def distances(self, points: np.ndarray, time_s: float) -> tuple[np.ndarray, np.ndarray]:
        """Signed distance of points ``(n, 3)`` to the nearest obstacle and to the nearest wire, m.

        Returns ``inf`` where there is no obstacle (of that kind).
        """
        p = np.atleast_2d(points)
        nearest = np.full(len(p), np.inf)
        if len(self.cylinders):
            nearest = np.minimum(nearest, np.min(_cylinder_distance(p, self.cylinders), axis=1))
        if len(self.boxes):
            b = self.boxes
            d = _box_distance(p, b[:, 0:3], b[:, 3], b[:, 4:7])
            nearest = np.minimum(nearest, np.min(d, axis=1))
        active, centres = self.active_movers(time_s)
        if len(active):
            d = _box_distance(p, centres, np.zeros(len(active)), self.movers[active, 6:9])
            nearest = np.minimum(nearest, np.min(d, axis=1))
        wire = np.full(len(p), np.inf)
        if len(self.wires):
            w = self.wires
            wire = np.min(segment_distance(p, w[:, 0:3], w[:, 3:6]) - w[None, :, 6], axis=1)
            nearest = np.minimum(nearest, wire)
        return nearest, wire


def _cylinder_distance(p: np.ndarray, c: np.ndarray) -> np.ndarray:
    d_h = np.hypot(p[:, None, 0] - c[None, :, 0], p[:, None, 1] - c[None, :, 1]) - c[None, :, 2]
    d_v = np.maximum(-p[:, None, 2], p[:, None, 2] - c[None, :, 3])
    inside = np.maximum(d_h, d_v)
    outside = np.hypot(np.maximum(d_h, 0.0), np.maximum(d_v, 0.0))
    return np.where(inside < 0.0, inside, outside)


def _box_distance(
    p: np.ndarray, base: np.ndarray, heading: np.ndarray, size: np.ndarray
) -> np.ndarray:
    """Signed distance ``(n, b)`` of points to boxes with base centres, headings and sizes."""
    rel = p[:, None, :] - base[None, :, :]
    c, s = np.cos(heading)[None, :], np.sin(heading)[None, :]
    half = 0.5 * size
    q = np.stack(
        (
            np.abs(c * rel[..., 0] + s * rel[..., 1]) - half[None, :, 0],
            np.abs(-s * rel[..., 0] + c * rel[..., 1]) - half[None, :, 1],
            np.abs(rel[..., 2] - half[None, :, 2]) - half[None, :, 2],
        ),
        axis=-1,
    )
    outside = np.linalg.norm(np.maximum(q, 0.0), axis=-1)
    return outside + np.minimum(np.max(q, axis=-1), 0.0)


def segment_distance(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance ``(n, w)`` of points ``(n, 3)`` to segments ``a -> b`` (``(w, 3)`` each), m."""
    ab = b - a
    rel = p[:, None, :] - a[None, :, :]
    t = np.clip(
        np.sum(rel * ab[None], axis=-1) / np.maximum(np.sum(ab * ab, axis=-1), 1e-12), 0.0, 1.0
    )
    return np.linalg.norm(rel - t[..., None] * ab[None], axis=-1)


def forest_trees(
    forest: sd.Forest, keep_clear: Sequence[np.ndarray], rng: np.random.Generator
) -> np.ndarray:
    """Tree cylinders ``(k, 4)`` of a forest: dart throwing with a minimum spacing.

    The count is ``density x area`` (rounded); candidates are drawn uniformly
    over the rectangle and kept when at least ``spacing_m`` from every kept
    trunk and ``keep_clear_m`` (plus the tree's radius) from every point in
    ``keep_clear``; after 30 candidates per tree the forest stays thinner.
    """
    x0, y0, x1, y1 = forest.area_m
    target = int(round(forest.trees_per_ha * (x1 - x0) * (y1 - y0) / 1.0e4))
    clear = np.array([np.asarray(c, dtype=float)[:2] for c in keep_clear]).reshape(-1, 2)
    kept: list[tuple[float, float, float]] = []
    attempts = 0
    while len(kept) < target and attempts < 30 * max(target, 1):
        attempts += 1
        x, y = rng.uniform(x0, x1), rng.uniform(y0, y1)
        radius = rng.uniform(forest.radius_m[0], forest.radius_m[1])
        if (
            len(clear)
            and np.min(np.hypot(clear[:, 0] - x, clear[:, 1] - y)) < forest.keep_clear_m + radius
        ):
            continue
        if kept:
            k = np.asarray(kept)
            if np.min(np.hypot(k[:, 0] - x, k[:, 1] - y)) < forest.spacing_m:
                continue
        kept.append((x, y, radius))
    trees = np.zeros((len(kept), 4))
    if kept:
        trees[:, :3] = kept
        trees[:, 3] = forest.height_m
    return trees


def build_obstacles(
    obstacles: Sequence[sd.Obstacle], keep_clear: Sequence[np.ndarray], rng: np.random.Generator
) -> ObstacleField:
    """The :class:`ObstacleField` of a scenario's obstacle list (forests drawn from ``rng``)."""
    cyl, cyl_sem, boxes, box_sem, wires, movers = [], [], [], [], [], []
    for ob in obstacles:
        if isinstance(ob, sd.Tree | sd.Pole):
            cyl.append((*ob.position_m, ob.radius_m, ob.height_m))
            cyl_sem.append(Semantic.VEGETATION if isinstance(ob, sd.Tree) else Semantic.POLE)
        elif isinstance(ob, sd.Forest):
            trees = forest_trees(ob, keep_clear, rng)
            cyl.extend(map(tuple, trees))
            cyl_sem.extend([Semantic.VEGETATION] * len(trees))
        elif isinstance(ob, sd.Building):
            boxes.append((*ob.center_m, 0.0, math.radians(ob.heading_deg), *ob.size_m))
            box_sem.append(Semantic.BUILDING)
        elif isinstance(ob, sd.Box):
            boxes.append((*ob.center_m, math.radians(ob.heading_deg), *ob.size_m))
            box_sem.append(Semantic.STATIC)
        elif isinstance(ob, sd.Wire):
            wires.append((*ob.start_m, *ob.end_m, ob.radius_m))
        elif isinstance(ob, sd.MovingBox):
            movers.append((*ob.center_m, *ob.velocity_mps, *ob.size_m, ob.appear_s))
        elif isinstance(ob, sd.Intruder):
            bearing = math.radians(ob.bearing_deg)
            direction = np.array([math.cos(bearing), math.sin(bearing), 0.0])
            target = np.asarray(ob.target_m, dtype=float)
            start = target + ob.distance_m * direction - np.array([0.0, 0.0, 0.5 * ob.size_m])
            size = (ob.size_m, ob.size_m, ob.size_m)
            movers.append((*start, *(-ob.speed_mps * direction), *size, ob.appear_s))
        else:  # pragma: no cover - the schema admits nothing else
            raise TypeError(f"unknown obstacle {ob!r}")

    def table(rows: list, width: int) -> np.ndarray:
        return np.asarray(rows, dtype=np.float64).reshape(-1, width)

    return ObstacleField(
        table(cyl, 4),
        np.asarray(cyl_sem, dtype=np.uint8),
        table(boxes, 7),
        np.asarray(box_sem, dtype=np.uint8),
        table(wires, 7),
        table(movers, 10),
    )
