"""Draws the sensor pictures of docs/sensors.md: ``python docs/make_sensor_images.py``.

Every picture is taken from the ego of the ``bench step`` motorway (50
vehicles after 2 s):

* ``docs/img/camera_outputs.png``: one camera frame: shaded RGB with the 2D
  boxes and occlusion ratios, depth, semantic segmentation (CityScapes
  palette) and instance segmentation;
* ``docs/img/lidar_point_cloud.png``: one HDL-64E sweep from the roof, seen
  from above (coloured by height, with the ground-truth boxes and the boxes
  of the reference perception stack's lidar detector) and as a range image
  (ring by azimuth);
* ``docs/img/radar_detections.png``: one ARS 408 cycle (far and near scan)
  from the front bumper, seen from above with the boxes, and as range against
  radial velocity.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from gauntlet.agents.perception.geometry import box_corners  # noqa: E402
from gauntlet.agents.perception.lidar_objects import LidarDetector, points_to_world  # noqa: E402
from gauntlet.bench.lidar import actor_boxes  # noqa: E402
from gauntlet.bench.step import highway_scene  # noqa: E402
from gauntlet.sensors.base import Mount  # noqa: E402
from gauntlet.sensors.camera import Camera, CameraConfig  # noqa: E402
from gauntlet.sensors.lidar import Lidar  # noqa: E402
from gauntlet.sensors.lidar_presets import lidar_preset  # noqa: E402
from gauntlet.sensors.radar import Radar  # noqa: E402
from gauntlet.sensors.radar_geometry import RadarTargets  # noqa: E402
from gauntlet.sensors.radar_presets import radar_preset  # noqa: E402
from gauntlet.sensors.scene import RaycastScene  # noqa: E402
from gauntlet.world.builder import build_world  # noqa: E402
from gauntlet.world.world import World  # noqa: E402

OUT = Path(__file__).parent / "img"


def motorway() -> tuple[World, int]:
    """The benchmark motorway after 2 s, and its ego."""
    world = build_world(highway_scene(), external={"ego"})
    for _ in range(40):
        world.step()
    return world, world.actor_id("ego")


def _draw_boxes(ax, x, y, heading, length, width, **style) -> None:  # noqa: ANN001, ANN003
    for c in box_corners(x, y, heading, length, width):
        ax.add_patch(plt.Polygon(c, closed=True, fill=False, **style))


def lidar_point_cloud(path: Path) -> None:
    """One HDL-64E sweep: bird's-eye view with boxes, and the range image."""
    world, ego = motorway()
    scene = RaycastScene(world.network)
    scene.update_actors(actor_boxes(world), world.time_s)
    pose = Mount(z=1.9).sensor_pose(
        float(world.x[ego]), float(world.y[ego]), float(world.h[ego]), float(world.v[ego])
    )
    lidar = Lidar(lidar_preset("hdl64e"))
    scan = lidar.measure(scene, pose, world.time_s, np.random.default_rng(2), exclude_id=ego)
    xyz = points_to_world(scan.points, pose)
    fig = plt.figure(figsize=(12.8, 8.0))
    ax = fig.add_axes((0.05, 0.36, 0.9, 0.6))
    order = np.argsort(xyz[:, 2])
    sc = ax.scatter(xyz[order, 0] - pose.x, xyz[order, 1] - pose.y, c=xyz[order, 2], s=0.3,
                    cmap="turbo", vmin=-0.2, vmax=2.5)  # fmt: skip
    fig.colorbar(sc, ax=ax, fraction=0.02, label="height (m)")
    others = np.setdiff1d(np.arange(len(world.actors)), [ego])
    _draw_boxes(ax, world.x[others] - pose.x, world.y[others] - pose.y, world.h[others],
                world.length[others], world.width[others], color="limegreen", lw=1.2)  # fmt: skip
    boxes = LidarDetector().detect(scan.points, pose)
    _draw_boxes(ax, boxes.x - pose.x, boxes.y - pose.y, boxes.heading, boxes.length,
                boxes.width, color="red", lw=0.8, ls="--")  # fmt: skip
    ax.set_xlim(-60, 90)
    ax.set_ylim(-25, 25)
    ax.set_aspect("equal")
    ax.set_xlabel("x east of the sensor (m)")
    ax.set_ylabel("y north (m)")
    ax.set_title(
        f"HDL-64E sweep, {len(scan.points):,} points; green: ground truth, red dashed: detected boxes"
    )
    rng = np.hypot(scan.points["x"], scan.points["y"])
    az = np.degrees(np.arctan2(scan.points["y"], scan.points["x"]))
    ax2 = fig.add_axes((0.05, 0.05, 0.9, 0.24))
    sc2 = ax2.scatter(az, scan.points["ring"], c=np.log10(np.maximum(rng, 1.0)), s=0.5,
                      cmap="viridis", marker="s")  # fmt: skip
    fig.colorbar(sc2, ax=ax2, fraction=0.02, label="log10 range (m)")
    ax2.invert_yaxis()
    ax2.set_xlim(180, -180)
    ax2.set_xlabel("azimuth (deg, left positive)")
    ax2.set_ylabel("ring (0: top)")
    ax2.set_title("range image")
    fig.savefig(path, dpi=80)
    plt.close(fig)


def radar_detections(path: Path) -> None:
    """One ARS 408 cycle: detections from above with the boxes, and range against radial velocity."""
    world, ego = motorway()
    targets = RadarTargets.from_boxes(actor_boxes(world))
    pose = Mount(x=2.3, z=0.5).sensor_pose(
        float(world.x[ego]), float(world.y[ego]), float(world.h[ego]), float(world.v[ego])
    )
    scan = Radar(radar_preset("ars408")).measure(
        targets, pose, world.time_s, np.random.default_rng(4), exclude_id=ego
    )
    d = scan.detections
    fa = d["object_id"] < 0
    r, az = d["range_m"].astype(float), d["azimuth_rad"].astype(float) + pose.yaw
    x, y = r * np.cos(az), r * np.sin(az)
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12.8, 5.6), gridspec_kw={"width_ratios": [2.2, 1]})
    others = np.setdiff1d(np.arange(len(world.actors)), [ego])
    _draw_boxes(ax, world.x[others] - pose.x, world.y[others] - pose.y, world.h[others],
                world.length[others], world.width[others], color="grey", lw=0.8)  # fmt: skip
    vr = d["radial_velocity_mps"]
    sc = ax.scatter(x[~fa], y[~fa], c=vr[~fa], cmap="coolwarm", vmin=-15, vmax=15, s=18,
                    edgecolors="k", linewidths=0.3, label="target")  # fmt: skip
    ax.scatter(x[fa], y[fa], marker="x", color="k", s=18, label="false alarm / clutter")
    fig.colorbar(sc, ax=ax, fraction=0.03, label="radial velocity (m/s, negative: approaching)")
    ax.set_xlim(-5, 160)
    ax.set_ylim(-40, 40)
    ax.set_xlabel("x east of the sensor (m)")
    ax.set_ylabel("y north (m)")
    ax.legend(loc="upper right", fontsize=8)
    ax.set_title(f"ARS 408 cycle (far + near scan): {len(d)} detections")
    ax2.scatter(vr[~fa], r[~fa], c=d["snr_db"][~fa], cmap="magma", s=14)
    ax2.scatter(vr[fa], r[fa], marker="x", color="k", s=14)
    ax2.set_xlabel("radial velocity (m/s)")
    ax2.set_ylabel("range (m)")
    ax2.set_title("range against radial velocity (colour: SNR)")
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


def camera_outputs(path: Path) -> None:
    """One frame of every camera output, as a 2 x 2 figure."""
    world, ego = motorway()
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
    lidar_point_cloud(OUT / "lidar_point_cloud.png")
    radar_detections(OUT / "radar_detections.png")
