"""The 360° perception ring: a levelled spinning lidar on every drone, cast with open3d.

Each drone carries a ring of ``A`` azimuths (world frame, east first,
counter-clockwise) by ``E`` elevations. A scan takes all rays at once (the
spin time is neglected) at ``rate_hz``; between scans the last one holds.
The static obstacles (trees and poles as 12-sided prisms, wires as
6-sided tubes, buildings and boxes) form the static mesh of one
:class:`~gauntlet.sensors.scene.RaycastScene`; moving boxes are its actors,
placed at the scan time. Ranges beyond ``max_range_m`` read ``inf``; finite
ranges get Gaussian noise from the generator passed in. Drones do not see
each other, and the ring is levelled (the airframe's tilt does not tip it).
"""

from __future__ import annotations

import math

import numpy as np

from gauntlet.maps.scene import SceneAsset
from gauntlet.scenarios.drone import RingSpec
from gauntlet.sensors.scene import BOX, Boxes, RaycastScene, place_shape
from gauntlet.sensors.semantic import Semantic
from gauntlet.world.drones.obstacles import ObstacleField

CYLINDER_SIDES = 12
WIRE_SIDES = 6
#: Object ids of moving boxes (actors) start here.
MOVER_ID_BASE = 1


def _prism(
    center_xy: np.ndarray, radius: float, z0: float, z1: float, sides: int
) -> tuple[np.ndarray, np.ndarray]:
    """A closed vertical prism circumscribing a circle (so rays never slip inside the circle)."""
    angle = 2.0 * math.pi * np.arange(sides) / sides
    r = radius / math.cos(math.pi / sides)
    ring = np.column_stack((center_xy[0] + r * np.cos(angle), center_xy[1] + r * np.sin(angle)))
    v = np.vstack(
        (np.column_stack((ring, np.full(sides, z0))), np.column_stack((ring, np.full(sides, z1))))
    )
    return v, _tube_triangles(sides)


def _tube_triangles(sides: int) -> np.ndarray:
    i = np.arange(sides)
    j = (i + 1) % sides
    walls = np.concatenate(
        (np.column_stack((i, j, j + sides)), np.column_stack((i, j + sides, i + sides)))
    )
    caps = np.concatenate(
        (
            np.column_stack(
                (np.zeros(sides - 2, int), np.arange(2, sides), np.arange(1, sides - 1))
            ),
            np.column_stack(
                (
                    np.full(sides - 2, sides),
                    np.arange(1, sides - 1) + sides,
                    np.arange(2, sides) + sides,
                )
            ),
        )
    )
    return np.concatenate((walls, caps))


def _tube(a: np.ndarray, b: np.ndarray, radius: float, sides: int) -> tuple[np.ndarray, np.ndarray]:
    """A closed tube round the segment ``a -> b``."""
    axis = b - a
    axis = axis / max(float(np.linalg.norm(axis)), 1e-12)
    helper = np.array([0.0, 0.0, 1.0]) if abs(axis[2]) < 0.9 else np.array([1.0, 0.0, 0.0])
    u = np.cross(axis, helper)
    u /= np.linalg.norm(u)
    w = np.cross(axis, u)
    angle = 2.0 * math.pi * np.arange(sides) / sides
    r = radius / math.cos(math.pi / sides)
    offsets = r * (np.cos(angle)[:, None] * u + np.sin(angle)[:, None] * w)
    return np.vstack((a + offsets, b + offsets)), _tube_triangles(sides)


def _asset(name: str, semantic: str, parts: list[tuple[np.ndarray, np.ndarray]]) -> SceneAsset:
    vertices, triangles, count = [], [], 0
    for v, t in parts:
        vertices.append(v)
        triangles.append(t + count)
        count += len(v)
    return SceneAsset(
        name, "mesh", semantic, np.concatenate(vertices), np.concatenate(triangles), ()
    )


def obstacle_assets(field: ObstacleField) -> list[SceneAsset]:
    """The static obstacles as meshes, one asset per semantic class."""
    assets = []
    c = field.cylinders
    for sem, name in ((Semantic.VEGETATION, "vegetation"), (Semantic.POLE, "pole")):
        rows = c[field.cylinder_semantic == sem]
        if len(rows):
            parts = [_prism(r[:2], r[2], 0.0, r[3], CYLINDER_SIDES) for r in rows]
            assets.append(_asset(f"{name}s", name, parts))
    if len(field.boxes):
        b = field.boxes
        v = place_shape(BOX, b[:, 0], b[:, 1], b[:, 2], b[:, 3], b[:, 4], b[:, 5], b[:, 6])
        parts = [(v[k], BOX.triangles) for k in range(len(b))]
        assets.append(_asset("buildings and boxes", "building", parts))
    if len(field.wires):
        w = field.wires
        parts = [_tube(r[0:3], r[3:6], r[6], WIRE_SIDES) for r in w]
        assets.append(_asset("wires", "pole", parts))
    return assets


class PerceptionRing:
    """Scans of the 360° ring for a group of drones.

    Args:
        spec: Ring geometry, rate, range and noise.
        field: The obstacles.
        rng: Generator for the range noise.
    """

    def __init__(self, spec: RingSpec, field: ObstacleField, rng: np.random.Generator) -> None:
        self.spec = spec
        self.field = field
        self.rng = rng
        self.azimuth_rad = 2.0 * math.pi * np.arange(spec.azimuths) / spec.azimuths
        self.elevation_rad = np.radians(np.asarray(spec.elevations_deg, dtype=np.float64))
        self.period_s = 1.0 / spec.rate_hz
        assets = obstacle_assets(field)
        self.scene = RaycastScene(assets=assets, nthreads=1) if not field.empty else None
        c, s = np.cos(self.azimuth_rad), np.sin(self.azimuth_rad)
        rot = np.zeros((spec.azimuths, 3, 3))
        rot[:, 0, 0], rot[:, 1, 0] = c, s
        rot[:, 0, 1], rot[:, 1, 1] = -s, c
        rot[:, 2, 2] = 1.0
        self._rotations = rot
        # Fans are cast column by column: ray (a, e) is row e, column a of a scan.
        self._next_scan_s = 0.0

    def due(self, time_s: float) -> bool:
        """Whether a scan is due at ``time_s``."""
        return time_s + 1e-9 >= self._next_scan_s

    def scan(self, positions_m: np.ndarray, time_s: float) -> np.ndarray:
        """Ranges ``(n, E, A)`` seen from each position at ``time_s``, m (``inf``: nothing)."""
        self._next_scan_s = time_s + self.period_s
        n, a, e = len(positions_m), self.spec.azimuths, len(self.elevation_rad)
        out = np.full((n, e, a), np.inf)
        if self.scene is None:
            return out
        active, centres = self.field.active_movers(time_s)
        if len(active) or self.scene.actors is not None:
            sizes = self.field.movers[active, 6:9]
            velocity = self.field.movers[active, 3:5]
            self.scene.update_actors(
                Boxes(
                    ids=MOVER_ID_BASE + active.astype(np.int64),
                    semantic=np.full(len(active), Semantic.DYNAMIC, dtype=np.uint8),
                    x=centres[:, 0], y=centres[:, 1], z=centres[:, 2],
                    heading=np.zeros(len(active)),
                    length=sizes[:, 0], width=sizes[:, 1], height=sizes[:, 2],
                    vx=velocity[:, 0].copy(), vy=velocity[:, 1].copy(),
                ),
                time_s,
            )  # fmt: skip
        # Every drone's ring in one cast: fan j of drone i is fan i * a + j.
        origins = np.repeat(np.asarray(positions_m, dtype=np.float64), a, axis=0)
        hits = self.scene.cast_fans(
            origins, np.tile(self._rotations, (n, 1, 1)), np.full(n * a, time_s),
            self.elevation_rad, self.spec.max_range_m,
        )  # fmt: skip
        out[:] = hits.range.reshape(n, a, e).transpose(0, 2, 1)
        out[out > self.spec.max_range_m] = np.inf
        finite = np.isfinite(out)
        if self.spec.noise_m > 0.0:
            # Draw for every ray so that the stream does not depend on what was hit.
            noise = self.spec.noise_m * self.rng.standard_normal(out.shape)
            out[finite] = np.maximum(out[finite] + noise[finite], 0.0)
        return out
