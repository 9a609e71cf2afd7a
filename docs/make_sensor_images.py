"""Draws the sensor pictures of docs/sensors.md: ``python docs/make_sensor_images.py``.

Writes ``docs/img/camera_outputs.png``: one camera frame from the ego of the
``bench step`` motorway (50 vehicles after 2 s): shaded RGB with the 2D boxes
and occlusion ratios, depth, semantic segmentation (CityScapes palette) and
instance segmentation.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from gauntlet.bench.lidar import actor_boxes  # noqa: E402
from gauntlet.bench.step import highway_scene  # noqa: E402
from gauntlet.sensors.base import Mount  # noqa: E402
from gauntlet.sensors.camera import Camera, CameraConfig  # noqa: E402
from gauntlet.sensors.scene import RaycastScene  # noqa: E402
from gauntlet.world.builder import build_world  # noqa: E402

OUT = Path(__file__).parent / "img"


def camera_outputs(path: Path) -> None:
    """One frame of every camera output, as a 2 x 2 figure."""
    world = build_world(highway_scene(), external={"ego"})
    for _ in range(40):
        world.step()
    ego = world.actor_id("ego")
    scene = RaycastScene(world.network)
    scene.update_actors(actor_boxes(world), world.time_s)
    config = CameraConfig(
        image_size_x=640, image_size_y=360, fov=70.0, k1=-0.05,
        instance=True, rgb=True, boxes=True, rgb_noise_stddev=2.0,
    )  # fmt: skip
    pose = Mount(x=0.5, z=1.6, pitch=0.03).sensor_pose(
        float(world.x[ego]), float(world.y[ego]), float(world.h[ego]), float(world.v[ego])
    )
    frame = Camera(config).measure(
        scene, pose, world.time_s, np.random.default_rng(1), exclude_id=ego
    )
    fig, axes = plt.subplots(2, 2, figsize=(12.8, 7.6))
    ax = axes[0, 0]
    ax.imshow(frame.rgb)
    boxes = frame.boxes
    for (u0, v0, u1, v1), occ in zip(boxes.box_2d, boxes.occlusion, strict=True):
        if u1 - u0 < 6:
            continue
        ax.add_patch(plt.Rectangle((u0, v0), u1 - u0, v1 - v0, fill=False, color="yellow", lw=1))
        ax.text(u0, v0 - 2, f"{occ:.2f}", color="yellow", fontsize=7)
    ax.set_title("rgb, 2D boxes with occlusion ratio")
    depth = np.where(np.isfinite(frame.depth), frame.depth, np.nan)
    im = axes[0, 1].imshow(np.log10(depth), cmap="viridis")
    fig.colorbar(im, ax=axes[0, 1], fraction=0.03, label="log10 depth (m)")
    axes[0, 1].set_title("depth along the optical axis")
    axes[1, 0].imshow(frame.semantic_cityscapes())
    axes[1, 0].set_title("semantic (CityScapes palette)")
    ids = frame.object_id.astype(np.int64)
    colours = np.random.default_rng(0).integers(40, 255, size=(64, 3), dtype=np.uint8)
    instance = colours[ids % 64]
    instance[ids < 0] = 0
    axes[1, 1].imshow(instance)
    axes[1, 1].set_title("instance (object id)")
    for a in axes.ravel():
        a.set_xticks([])
        a.set_yticks([])
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    camera_outputs(OUT / "camera_outputs.png")
