"""``gauntlet bench lidar``: one 64 x 2048 lidar sweep in a 50-actor scene, end to end.

The scene is the ``bench step`` motorway (4 lanes, 49 IDM vehicles and the
ego, all moving) after 2 s of simulation; the road surface with its lane
markings is the static geometry. A 64-channel lidar (HDL-64E elevations,
2048 columns, 10 Hz, 120 m, range noise) sits 1.9 m above the ego and fires
full sweeps with motion distortion: sensor and actors move during the sweep.

A frame is what a world would do per sweep: update the actors' boxes, fire the
sweep (static cast, culled actor cast, intensity, drop-off and noise) and get
the structured point array. In the same run, alternating with the frames, the
same rays are cast once with open3d's ``cast_rays`` against one scene that
holds the road and every actor (the *raw* cast: no motion, no look-ups, no
point output); ``fraction_of_raw_rate`` is the raw cast time over the frame time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import numpy as np

from gauntlet.bench.step import highway_scene
from gauntlet.maps.surface import road_surface
from gauntlet.sensors import _fan_kernels as kernels
from gauntlet.sensors.base import Mount
from gauntlet.sensors.lidar import Lidar, LidarConfig
from gauntlet.sensors.lidar_presets import HDL_64E
from gauntlet.sensors.scene import Boxes, RaycastScene, boxes_mesh
from gauntlet.world.builder import build_world
from gauntlet.world.sensing import actor_boxes as world_actor_boxes
from gauntlet.world.world import World

T = TypeVar("T")

CHANNELS, COLUMNS, ROTATION_HZ = 64, 2048, 10.0
TARGET_POINTS_PER_S = 10_000_000
TARGET_FRACTION_OF_RAW = 0.5


def actor_boxes(world: World) -> Boxes:
    """Every actor of the world as a box, with its velocity."""
    return world_actor_boxes(world, np.arange(len(world.actors)))


@dataclass(frozen=True)
class HighwayFrame:
    """The sensor benches' scene: the ``bench step`` motorway after 2 s of simulation.

    Attributes:
        seed: The scenario's seed (for the sensors' generators).
        world: The world at 2 s.
        ego: The ego's actor index.
        scene: A ray-casting scene of the road surface (actors not yet added).
        boxes: Every actor as a box at the world's time.
    """

    seed: int
    world: World
    ego: int
    scene: RaycastScene
    boxes: Boxes

    def raw_cast(self, rays: np.ndarray) -> Callable[[], object]:
        """A plain open3d ``cast_rays`` of ``rays`` (``(n, 6)`` float32, in the scene's frame)
        against one scene holding the road and every actor but the ego."""
        surface = road_surface(self.world.network)
        b, keep = self.boxes, self.boxes.ids != self.ego
        v, t = boxes_mesh(Boxes(*(getattr(b, f)[keep] for f in Boxes.__dataclass_fields__)))
        verts = np.concatenate((surface.vertices, v)) - self.scene.origin
        tris = np.concatenate((surface.triangles, t + len(surface.vertices)))
        raw = self.scene.open3d_scene(verts, tris)
        tensor = self.scene._o3d.core.Tensor(np.ascontiguousarray(rays))  # a copy of its own
        return lambda: raw.cast_rays(tensor)


def highway_frame() -> HighwayFrame:
    """The motorway of ``bench step`` stepped for 2 s, its road as a ray-casting scene."""
    scenario = highway_scene()
    world = build_world(scenario, external={"ego"})
    for _ in range(40):
        world.step()
    scene = RaycastScene(world.network)
    return HighwayFrame(scenario.seed, world, world.actor_id("ego"), scene, actor_boxes(world))


def bench_lidar(quick: bool = False) -> dict[str, Any]:
    """Frame time and points per second of a 64 x 2048 sweep, and the raw open3d cast rate."""
    highway = highway_frame()
    world, ego, scene, boxes = highway.world, highway.ego, highway.scene, highway.boxes
    config = LidarConfig(
        channels=CHANNELS,
        range=HDL_64E.range,
        points_per_second=CHANNELS * COLUMNS * int(ROTATION_HZ),
        rotation_frequency=ROTATION_HZ,
        upper_fov=HDL_64E.upper_fov,
        lower_fov=HDL_64E.lower_fov,
        elevations_deg=HDL_64E.elevations_deg,
        noise_stddev=HDL_64E.noise_stddev,
        dropoff_general_rate=0.0,
        dropoff_intensity_limit=0.0,
        dropoff_zero_intensity=0.0,
    )
    lidar = Lidar(config)
    mount = Mount(z=1.9)
    pose = mount.sensor_pose(
        float(world.x[ego]), float(world.y[ego]), float(world.h[ego]),
        float(world.v[ego]), float(world.yaw_rate[ego]),
    )  # fmt: skip
    rng = np.random.default_rng(highway.seed)

    def frame() -> int:
        scene.update_actors(boxes, world.time_s)
        scan = lidar.measure(scene, pose, world.time_s, rng, exclude_id=ego)
        return len(scan.points)

    origin, rot, _ = lidar.fans(pose)
    rays = np.empty((lidar.rays_per_sweep, 6), dtype=np.float32)
    kernels.fan_rays(origin - scene.origin, rot, lidar.elevations, rays)
    timing = time_against_raw(frame, highway.raw_cast(rays), quick)
    f, points = timing.frame_s, timing.outputs
    n_rays = lidar.rays_per_sweep
    return {
        "channels": CHANNELS,
        "columns": config.columns,
        "rays_per_frame": n_rays,
        "actors": len(world.actors),
        "static_triangles": scene.static_triangles,
        "returns_per_frame": int(np.median(points)),
        **timing.figures(n_rays),
        "points_per_s": round(n_rays / f),
        "points_per_s_best": round(n_rays / timing.frame_best_s),
        "returns_per_s": round(float(np.median(points)) / f),
        "target_points_per_s": TARGET_POINTS_PER_S,
        "target_fraction_of_raw_rate": TARGET_FRACTION_OF_RAW,
    }


@dataclass(frozen=True)
class FrameTiming(Generic[T]):
    """Timed frames against the raw cast of the same rays (medians over repeats)."""

    frame_s: float
    frame_best_s: float
    raw_s: float
    frames: int
    repeats: int
    outputs: list[T]

    def figures(self, rays_per_frame: int) -> dict[str, Any]:
        """What every sensor bench reports of it: counts, frame and raw-cast times (ms),
        the raw cast's rays per second and ``fraction_of_raw_rate``."""
        f, r = self.frame_s, self.raw_s
        return {
            "frames_per_repeat": self.frames,
            "repeats": self.repeats,
            "frame_ms": round(1e3 * f, 2),
            "frame_ms_best": round(1e3 * self.frame_best_s, 2),
            "raw_cast_ms": round(1e3 * r, 2),
            "raw_cast_rays_per_s": round(rays_per_frame / r),
            "fraction_of_raw_rate": round(r / f, 3),
        }


def time_against_raw(
    frame: Callable[[], T], raw_cast: Callable[[], object], quick: bool
) -> FrameTiming[T]:
    """Seconds per ``frame()`` and per ``raw_cast()``, timed in alternating blocks
    after a warm-up, with every frame's return value."""
    warmup, frames, repeats = (2, 3, 2) if quick else (5, 10, 7)
    for _ in range(warmup):
        frame()
        raw_cast()
    frame_s, raw_s, outputs = [], [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(frames):
            outputs.append(frame())
        frame_s.append((time.perf_counter() - t0) / frames)
        t0 = time.perf_counter()
        for _ in range(frames):
            raw_cast()
        raw_s.append((time.perf_counter() - t0) / frames)
    return FrameTiming(
        float(np.median(frame_s)),
        min(frame_s),
        float(np.median(raw_s)),
        frames,
        repeats,
        outputs,
    )
