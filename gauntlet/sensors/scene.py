"""The ray-casting scene: one open3d ``RaycastingScene`` for the static world, actors per frame.

The static part is built once: the road surface meshed from the road network
(lane markings as their own per-triangle class, see :mod:`gauntlet.maps.surface`),
imported scene assets (:mod:`gauntlet.maps.scene`) and static boxes, merged
into one mesh. Moving actors never touch it: each frame their boxes (or a
mesh template per semantic class) are merged into one small mesh in a second
scene, rebuilt per frame, and only the rays that can reach an actor's
bounding sphere are cast against it. Building that scene costs ~0.2 ms; open3d
0.20 cannot remove geometry from a scene, and rebuilding the static part each
frame would cost about as much as the whole cast.

Targets move while a sweep fires. The sweep's time span is cut into *slices*
(as many as keep each actor within ``motion_tolerance_m`` of its true position
at every ray's time, at most :data:`MAX_SLICES`); each slice's copy of the
actors stands at the slice's mid time, translated far from the others, and a
ray is cast against its own slice's copy.

Every hit carries an object id and a semantic class (:class:`Semantic`):
actors keep the ids they were given; static objects have ids from
:data:`STATIC_ID_BASE` on (:attr:`RaycastScene.objects` names them).

Coordinates are world coordinates; open3d works in float32, so the static
mesh is stored relative to the centre of its bounds and the actor mesh
relative to the sensor, which keeps rounding below a millimetre within 10 km.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from gauntlet.maps.network import RoadNetwork
from gauntlet.maps.scene import SceneAsset, import_open3d
from gauntlet.maps.surface import MARKING, SIDEWALK, road_surface
from gauntlet.sensors import _fan_kernels as k
from gauntlet.sensors.boxes import BOX, ActorShape, Boxes, boxes_mesh, place_shape
from gauntlet.sensors.scratch import ScratchArrays
from gauntlet.sensors.semantic import Semantic, semantic_by_name

#: Object ids of static geometry: the road surface is ``STATIC_ID_BASE``, asset k is ``+ 1 + k``.
STATIC_ID_BASE = 1 << 20
ROAD_OBJECT_ID = STATIC_ID_BASE
MAX_SLICES = 64
#: Public names, with the box types of :mod:`gauntlet.sensors.boxes` that the scene shows.
__all__ = [
    "BOX",
    "MAX_SLICES",
    "ROAD_OBJECT_ID",
    "STATIC_ID_BASE",
    "ActorShape",
    "Boxes",
    "FanHits",
    "RaycastScene",
    "boxes_mesh",
    "place_shape",
]


@dataclass(frozen=True, eq=False)
class FanHits:
    """What each ray of a fan cast met; arrays of length ``C*K`` (ray ``c*K + k``).

    Attributes:
        range: Distance to the first hit along the unit ray, m (``inf``: nothing).
        object_id: Object hit (-1: nothing).
        semantic: :class:`Semantic` tag of the hit (0: nothing).
        cos_incidence: ``|cos|`` of the angle between ray and surface normal.
    """

    range: np.ndarray
    object_id: np.ndarray
    semantic: np.ndarray
    cos_incidence: np.ndarray


class RaycastScene:
    """The geometry sensors see.

    Args:
        network: Road network whose lanes form the road surface (optional).
        assets: Imported meshes and point clouds.
        static_boxes: Boxes that never move (their own ids and classes).
        shapes: Mesh template per semantic class for actors; default a box.
        nthreads: Threads open3d may use (0: all).
    """

    def __init__(
        self,
        network: RoadNetwork | None = None,
        assets: Sequence[SceneAsset] = (),
        static_boxes: Boxes | None = None,
        shapes: Mapping[int, ActorShape] | None = None,
        nthreads: int = 0,
    ) -> None:
        self._o3d = import_open3d()
        self.nthreads = nthreads
        self.shapes = dict(shapes or {})
        self.objects: dict[int, str] = {}
        verts, tris, objs, sems = [], [], [], []
        count = 0

        def add(v: np.ndarray, t: np.ndarray, obj: np.ndarray, sem: np.ndarray) -> None:
            nonlocal count
            verts.append(v)
            tris.append(t + count)
            objs.append(obj)
            sems.append(sem)
            count += len(v)

        if network is not None:
            surface = road_surface(network)
            sem = np.full(len(surface.triangles), Semantic.ROAD, dtype=np.uint8)
            sem[surface.material == SIDEWALK] = Semantic.SIDEWALK
            sem[surface.material == MARKING] = Semantic.ROAD_LINE
            add(
                surface.vertices,
                surface.triangles,
                np.full(len(sem), ROAD_OBJECT_ID, np.int32),
                sem,
            )
            self.objects[ROAD_OBJECT_ID] = "road"
        for j, asset in enumerate(assets):
            oid = STATIC_ID_BASE + 1 + j
            m = len(asset.triangles)
            tag = semantic_by_name(asset.semantic)
            add(
                asset.vertices,
                asset.triangles,
                np.full(m, oid, np.int32),
                np.full(m, tag, np.uint8),
            )
            self.objects[oid] = asset.name
        if static_boxes is not None and len(static_boxes):
            b = static_boxes
            n_t = len(BOX.triangles)
            add(
                *boxes_mesh(b),
                np.repeat(b.ids.astype(np.int32), n_t),
                np.repeat(b.semantic.astype(np.uint8), n_t),
            )
            for oid in b.ids:
                self.objects[int(oid)] = f"static box {int(oid)}"
        self._static = None
        self.origin = np.zeros(3)
        if verts:
            all_v = np.concatenate(verts)
            self.origin = np.round(0.5 * (all_v.min(axis=0) + all_v.max(axis=0)))
            self._prim_object = np.concatenate(objs)
            self._prim_semantic = np.concatenate(sems)
            self._static = self.open3d_scene(all_v - self.origin, np.concatenate(tris))
        self.static_triangles = int(sum(len(t) for t in tris))
        self.actors: Boxes | None = None
        self.actors_time_s = 0.0
        self._scratch = ScratchArrays()

    # ------------------------------------------------------------------ building

    def open3d_scene(self, vertices: np.ndarray, triangles: np.ndarray):  # noqa: ANN201
        """A new open3d ``RaycastingScene`` holding one mesh (coordinates in the scene's frame:
        world minus :attr:`origin`)."""
        o3c = self._o3d.core
        scene = self._o3d.t.geometry.RaycastingScene(nthreads=self.nthreads)
        scene.add_triangles(
            o3c.Tensor(np.ascontiguousarray(vertices, dtype=np.float32)),
            o3c.Tensor(np.ascontiguousarray(triangles, dtype=np.uint32)),
        )
        return scene

    def update_actors(self, actors: Boxes, time_s: float) -> None:
        """The actors' boxes at ``time_s`` (their velocities carry them through a sweep)."""
        self.actors = actors
        self.actors_time_s = float(time_s)

    def _cast(self, scene, rays: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # noqa: ANN001
        out = scene.cast_rays(self._o3d.core.Tensor.from_numpy(rays), nthreads=self.nthreads)
        return out["t_hit"].numpy(), out["primitive_ids"].numpy(), out["primitive_normals"].numpy()

    # ------------------------------------------------------------------ casting

    def cast_static(
        self, rays: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
        """Casts rays ``(n, 6)`` float32 (origins in the scene's frame: world minus :attr:`origin`)
        against the static part only; ``None`` when there is none.

        Returns open3d's ``t_hit`` (in units of each direction's length; ``inf``: nothing),
        ``primitive_ids`` and ``primitive_normals`` per ray, and the object id and semantic
        tag of every static triangle (indexed by primitive id).
        """
        if self._static is None:
            return None
        t, prim, normal = self._cast(self._static, rays)
        return t, prim, normal, self._prim_object, self._prim_semantic

    def cast_fans(
        self,
        origins: np.ndarray,
        rotations: np.ndarray,
        times: np.ndarray,
        elevations: np.ndarray,
        max_range: float,
        *,
        exclude_id: int = -1,
        motion_tolerance_m: float = 0.02,
    ) -> FanHits:
        """Casts C fans of K rays (see :mod:`gauntlet.sensors._fan_kernels`).

        Args:
            origins: ``(C, 3)`` world origin of each fan, m.
            rotations: ``(C, 3, 3)`` fan frame to world (fan x: its azimuth, z: up).
            times: ``(C,)`` firing time of each fan, s (same clock as :meth:`update_actors`).
            elevations: ``(K,)`` ray elevations in the fan plane, rad.
            max_range: Actors farther than this are left out, m.
            exclude_id: An actor not to see (the one carrying the sensor).
            motion_tolerance_m: Largest error of an actor's position at a ray's time, m.

        The returned arrays are reused by the next call; copy what you keep.
        """
        n_fan, n_el = len(origins), len(elevations)
        n = n_fan * n_el
        local = np.ascontiguousarray(origins - self.origin)
        rot = np.ascontiguousarray(rotations, dtype=np.float64)
        elev = np.ascontiguousarray(elevations, dtype=np.float64)
        rays = self._scratch.get("rays", (n, 6), np.float32)
        k.fan_rays(local, rot, elev, rays)
        hits = FanHits(
            self._scratch.get("range", (n,), np.float32),
            self._scratch.get("object", (n,), np.int32),
            self._scratch.get("semantic", (n,), np.uint8),
            self._scratch.get("cos", (n,), np.float32),
        )
        if self._static is not None:
            t, prim, normal = self._cast(self._static, rays)
            k.resolve_static(
                t, prim, normal, rays, self._prim_object, self._prim_semantic,
                hits.range, hits.object_id, hits.semantic, hits.cos_incidence,
            )  # fmt: skip
        else:
            hits.range[:] = np.inf
            hits.object_id[:] = -1
            hits.semantic[:] = 0
            hits.cos_incidence[:] = 0.0
        if self.actors is not None and len(self.actors):
            self._cast_actors(
                self.actors,
                origins,
                rot,
                np.asarray(times, float),
                elev,
                max_range,
                exclude_id,
                motion_tolerance_m,
                rays,
                hits,
            )
        return hits

    def _cast_actors(
        self,
        a: Boxes,
        origins: np.ndarray,
        rot: np.ndarray,
        times: np.ndarray,
        elev: np.ndarray,
        max_range: float,
        exclude_id: int,
        tolerance: float,
        rays: np.ndarray,
        hits: FanHits,
    ) -> None:
        centre = origins.mean(axis=0)
        reach = max_range + float(np.max(np.linalg.norm(origins - centre, axis=1)))
        radius = 0.5 * np.sqrt(a.length**2 + a.width**2 + a.height**2)
        near = np.hypot(a.x - centre[0], a.y - centre[1]) - radius <= reach
        near &= a.ids != exclude_id
        sel = np.flatnonzero(near)
        if not len(sel):
            return
        t0, t1 = float(times.min()), float(times.max())
        speed = np.hypot(a.vx[sel], a.vy[sel]) + np.abs(a.yaw_rate[sel]) * radius[sel]
        slices = int(
            np.clip(math.ceil(float(speed.max()) * (t1 - t0) / (2.0 * tolerance)), 1, MAX_SLICES)
        )
        span = max(t1 - t0, 1e-12)
        fan_slice = np.minimum(((times - t0) / span * slices).astype(np.int64), slices - 1)
        dt = t0 + (np.arange(slices) + 0.5) * span / slices - self.actors_time_s
        xs = a.x[sel][None] + a.vx[sel][None] * dt[:, None]  # (S, A)
        ys = a.y[sel][None] + a.vy[sel][None] * dt[:, None]
        hs = a.heading[sel][None] + a.yaw_rate[sel][None] * dt[:, None]
        zs = np.broadcast_to(a.z[sel], xs.shape)
        pose = np.stack((xs, ys, zs, hs), axis=-1) - np.append(self.origin, 0.0)
        dims = np.stack((a.length[sel], a.width[sel], a.height[sel]), axis=1)
        mask = self._scratch.get("mask", (len(rays),), np.bool_)
        used = np.empty((slices, len(sel)), dtype=np.bool_)
        found = k.cull_fans(
            origins - self.origin, rot, fan_slice, pose, dims, elev, max_range, mask, used
        )
        if found == 0:
            return
        # Each slice's copy stands on its own cell of a grid, so far apart that a ray meets
        # any copy of its own slice before any copy of another.
        gap = 4.0 * (reach + float(radius[sel].max()))
        side = math.ceil(math.sqrt(slices))
        cells = np.arange(slices)
        offset = np.zeros((slices, 3))
        offset[:, 0] = (cells % side - 0.5 * (side - 1)) * gap
        offset[:, 1] = (cells // side - 0.5 * (side - 1)) * gap
        pair_slice, pair_actor = np.nonzero(used)
        verts, tris, prim_pair = self._actor_mesh(
            a, sel, pair_slice, pair_actor, xs, ys, zs, hs, centre, offset
        )
        scene = self.open3d_scene(verts, tris)
        index = self._scratch.get("cand_index", (found,), np.int64)
        ray_slice = self._scratch.get("cand_slice", (found,), np.int64)
        cand = self._scratch.get("cand_rays", (found, 6), np.float32)
        m = k.gather_rays(
            rays, mask, len(elev), fan_slice, self.origin - centre, offset, index, ray_slice, cand
        )
        t, prim, normal = self._cast(scene, cand[:m])
        k.merge_dynamic(
            index[:m], ray_slice[:m], t, prim, normal, rays,
            pair_actor[prim_pair], pair_slice[prim_pair],
            np.asarray(a.ids, dtype=np.int32)[sel], np.asarray(a.semantic, dtype=np.uint8)[sel],
            hits.range, hits.object_id, hits.semantic, hits.cos_incidence,
        )  # fmt: skip

    def _actor_mesh(self, a, sel, pair_slice, pair_actor, xs, ys, zs, hs, centre, offset):  # noqa: ANN001, ANN202
        """Vertices and triangles of the (slice, actor) copies, and each triangle's pair index."""
        sems = np.asarray(a.semantic)[sel][pair_actor]
        verts, tris, prim_pair = [], [], []
        count = 0
        for tag in np.unique(sems):
            shape = self.shapes.get(int(tag), BOX)
            pairs = np.flatnonzero(sems == tag)
            ps, pa = pair_slice[pairs], pair_actor[pairs]
            rows = sel[pa]
            v = (
                place_shape(
                    shape,
                    xs[ps, pa] - centre[0],
                    ys[ps, pa] - centre[1],
                    zs[ps, pa] - centre[2],
                    hs[ps, pa],
                    a.length[rows],
                    a.width[rows],
                    a.height[rows],
                )
                + offset[ps][:, None, :]
            )
            nv, nt = len(shape.vertices), len(shape.triangles)
            base = count + nv * np.arange(len(pairs))
            tris.append((shape.triangles[None] + base[:, None, None]).reshape(-1, 3))
            verts.append(v.reshape(-1, 3))
            prim_pair.append(np.repeat(pairs, nt))
            count += nv * len(pairs)
        return np.concatenate(verts), np.concatenate(tris), np.concatenate(prim_pair)
