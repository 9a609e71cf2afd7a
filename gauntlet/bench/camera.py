"""``gauntlet bench camera``: 640 x 480 depth and semantic images in a 50-actor scene, end to end.

The scene is the one of ``bench lidar``: the ``bench step`` motorway (4 lanes,
49 IDM vehicles and the ego) after 2 s of simulation, the road surface with its
lane markings as the static geometry. A 90-degree camera (CARLA's default
``fov``) sits on the ego's roof, 1.6 m up and 0.5 m ahead of its centre,
looking along the lane.

A frame is what a world would do per camera frame: update the actors' boxes,
take the frame (pixel rays, the static cast, actor culling and cast, depth and
semantic images). In the same run, alternating with the frames, the same rays
are cast once with open3d's ``cast_rays`` against one scene that holds the
road and every actor (the *raw* cast: no look-ups, no images);
``fraction_of_raw_rate`` is the raw cast time over the frame time.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gauntlet.bench.lidar import highway_frame, time_against_raw
from gauntlet.sensors.base import Mount
from gauntlet.sensors.camera import Camera, CameraConfig

WIDTH, HEIGHT = 640, 480
TARGET_FRAMES_PER_S = 30.0


def bench_camera(quick: bool = False) -> dict[str, Any]:
    """Frames per second of 640 x 480 depth + semantic frames, and the raw open3d cast rate."""
    highway = highway_frame()
    world, ego, scene, boxes = highway.world, highway.ego, highway.scene, highway.boxes
    camera = Camera(
        CameraConfig(image_size_x=WIDTH, image_size_y=HEIGHT, depth=True, semantic=True)
    )
    pose = Mount(x=0.5, z=1.6).sensor_pose(
        float(world.x[ego]), float(world.y[ego]), float(world.h[ego]), float(world.v[ego])
    )
    rng = np.random.default_rng(highway.seed)

    def frame() -> tuple[int, int]:
        scene.update_actors(boxes, world.time_s)
        f = camera.measure(scene, pose, world.time_s, rng, exclude_id=ego)
        depth, semantic = np.asarray(f.depth), np.asarray(f.semantic)
        return int(np.isfinite(depth).sum()), int((semantic >= 12).sum())

    timing = time_against_raw(frame, highway.raw_cast(camera.rays(scene, pose).copy()), quick)
    f, r, counts = timing.frame_s, timing.raw_s, timing.outputs
    n_rays = camera.pixels
    hit, actor_pixels = (int(np.median(c)) for c in zip(*counts, strict=True))
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "outputs": ["depth", "semantic"],
        "rays_per_frame": n_rays,
        "actors": len(world.actors),
        "static_triangles": scene.static_triangles,
        "hit_pixels": hit,
        "actor_pixels": actor_pixels,
        **timing.figures(n_rays),
        "frames_per_s": round(1.0 / f, 1),
        "frames_per_s_best": round(1.0 / timing.frame_best_s, 1),
        "raw_cast_frames_per_s": round(1.0 / r, 1),
        "target_frames_per_s": TARGET_FRAMES_PER_S,
    }
