"""A pinhole camera with lens distortion: depth, semantic and instance images, shaded RGB, boxes.

One :meth:`Camera.measure` casts one ray per pixel through the
:class:`RaycastScene` — all pixels in one batch, every output from that one
cast. Each pixel's ray goes through the lens model (:mod:`camera_model`): the
undistorted rays are computed once per camera. The camera is a global shutter:
every pixel sees the scene at ``time_s`` (actors moved there by their
velocities).

Outputs (each ``(H, W)``, row ``v`` down, column ``u`` right; switch each on in
:class:`CameraConfig`):

* ``depth``: float32, m, along the optical axis (the camera-frame x of the hit,
  not the distance along the ray); ``inf`` where nothing is hit.
* ``semantic``: uint8 :class:`Semantic` tag of the hit; misses are ``SKY`` (11)
  when the ray points up and ``UNLABELED`` (0) when it points down.
* ``object_id``: int32 object id of the hit (actor id, or a static object id,
  ``RaycastScene.objects``); -1 where nothing is hit. This is the instance image.
* ``rgb``: ``(H, W, 3)`` uint8: a vertical sky gradient where nothing is hit,
  elsewhere the class colour (:data:`SHADE_COLOURS`) times ``ambient + (1 -
  ambient) max(0, n . sun)`` with ``n`` the surface normal facing the camera;
  optional Gaussian noise of ``rgb_noise_stddev`` levels per channel, drawn
  from the generator passed in (one ``standard_normal`` of ``H*W*3`` per frame).
* ``boxes``: :class:`BoxGroundTruth` (:mod:`camera_boxes`).

CARLA's encodings of these images are in :mod:`camera_encoding` and on
:class:`CameraFrame`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gauntlet.maps.scene import import_open3d
from gauntlet.sensors import _camera_kernels as k
from gauntlet.sensors import camera_encoding as enc
from gauntlet.sensors.base import GaussianNoise, SensorPose, register_sensor
from gauntlet.sensors.camera_boxes import (
    ActorView,
    BoxGroundTruth,
    actor_corners,
    actor_mesh,
    box_ground_truth,
)
from gauntlet.sensors.camera_model import CameraIntrinsics, pixel_tiles
from gauntlet.sensors.scene import RaycastScene
from gauntlet.sensors.scratch import ScratchArrays
from gauntlet.sensors.semantic import Semantic


def _shade_colours() -> np.ndarray:
    table = enc.CITYSCAPES_PALETTE.astype(np.float32)
    table[Semantic.ROAD] = (105, 105, 108)
    table[Semantic.ROAD_LINE] = (240, 240, 235)
    table[Semantic.SIDEWALK] = (175, 172, 168)
    table[Semantic.CAR] = (30, 60, 170)
    return table


#: Colour (0..255, float32) of each semantic class in the shaded RGB image, before lighting.
SHADE_COLOURS = _shade_colours()
SKY_TOP, SKY_HORIZON, VOID = (60, 110, 190), (200, 220, 238), (45, 42, 40)


@dataclass(frozen=True)
class CameraConfig:
    """Camera parameters; the image size and ``fov`` are CARLA's names, units and defaults.

    Attributes:
        image_size_x, image_size_y: Image width and height, pixels.
        fov: Horizontal field of view, degrees; gives ``fx = fy = W / (2 tan(fov/2))``.
        fx, fy, cx, cy: Focal lengths and principal point, pixels; each overrides what
            ``fov`` gives (the principal point defaults to ``(W/2, H/2)``).
        k1, k2, k3, p1, p2: Brown–Conrady distortion (OpenCV's coefficients).
        depth, semantic, instance, rgb, boxes: Which outputs to deliver.
        rgb_noise_stddev: Gaussian noise on each RGB channel, 8-bit levels (1 sigma).
        sun_azimuth_deg, sun_elevation_deg: Direction to the sun in the world frame
            (azimuth counter-clockwise from east), degrees.
        ambient: Share of the class colour that unlit surfaces keep (0..1).
        near_m: Near plane of the box ground truth, m.
        rate_hz: Frames per second.
        latency_s: Delay between a frame and its delivery, s.
    """

    image_size_x: int = 800
    image_size_y: int = 600
    fov: float = 90.0
    fx: float | None = None
    fy: float | None = None
    cx: float | None = None
    cy: float | None = None
    k1: float = 0.0
    k2: float = 0.0
    k3: float = 0.0
    p1: float = 0.0
    p2: float = 0.0
    depth: bool = True
    semantic: bool = True
    instance: bool = False
    rgb: bool = False
    boxes: bool = False
    rgb_noise_stddev: float = 0.0
    sun_azimuth_deg: float = 135.0
    sun_elevation_deg: float = 50.0
    ambient: float = 0.35
    near_m: float = 0.05
    rate_hz: float = 20.0
    latency_s: float = 0.0

    def __post_init__(self) -> None:
        checks = [
            ("image_size_x", self.image_size_x >= 1, ">= 1"),
            ("image_size_y", self.image_size_y >= 1, ">= 1"),
            ("fov", 0.0 < self.fov < 180.0, "in (0, 180)"),
            ("rgb_noise_stddev", self.rgb_noise_stddev >= 0, ">= 0"),
            ("ambient", 0.0 <= self.ambient <= 1.0, "in [0, 1]"),
            ("near_m", self.near_m > 0, "> 0"),
            ("rate_hz", self.rate_hz > 0, "> 0"),
            ("latency_s", self.latency_s >= 0, ">= 0"),
        ]
        for name, ok, expected in checks:
            if not ok:
                raise ValueError(f"camera {name} must be {expected}, got {getattr(self, name)!r}")

    def intrinsics(self) -> CameraIntrinsics:
        """The camera's intrinsics and distortion."""
        base = CameraIntrinsics.from_fov(self.image_size_x, self.image_size_y, self.fov)
        return CameraIntrinsics(
            self.image_size_x,
            self.image_size_y,
            base.fx if self.fx is None else self.fx,
            base.fy if self.fy is None else self.fy,
            base.cx if self.cx is None else self.cx,
            base.cy if self.cy is None else self.cy,
            self.k1,
            self.k2,
            self.k3,
            self.p1,
            self.p2,
        )


@dataclass(frozen=True, eq=False)
class CameraFrame:
    """One camera frame; outputs not asked for are ``None`` (see the module docstring).

    Attributes:
        time_s: Time of the frame, s.
        pose: The camera's pose at ``time_s``.
        intrinsics: The camera model the images were taken with.
        depth: ``(H, W)`` float32, m along the optical axis.
        semantic: ``(H, W)`` uint8 :class:`Semantic` tags.
        object_id: ``(H, W)`` int32 object ids (-1: nothing).
        rgb: ``(H, W, 3)`` uint8.
        boxes: Box ground truth.
    """

    time_s: float
    pose: SensorPose
    intrinsics: CameraIntrinsics
    depth: np.ndarray | None = None
    semantic: np.ndarray | None = None
    object_id: np.ndarray | None = None
    rgb: np.ndarray | None = None
    boxes: BoxGroundTruth | None = None

    def depth_carla(self) -> np.ndarray:
        """CARLA's 24-bit RGB depth image."""
        return enc.depth_to_carla(_need(self.depth, "depth"))

    def semantic_carla(self) -> np.ndarray:
        """CARLA's raw semantic image (tag in R)."""
        return enc.semantic_to_carla(_need(self.semantic, "semantic"))

    def semantic_cityscapes(self) -> np.ndarray:
        """The semantic image in CARLA's CityScapes palette."""
        return enc.semantic_to_cityscapes(_need(self.semantic, "semantic"))

    def instance_carla(self) -> np.ndarray:
        """CARLA's instance image (tag in R, object id in G and B)."""
        return enc.instance_to_carla(
            _need(self.semantic, "semantic"), _need(self.object_id, "instance")
        )


def _need(image: np.ndarray | None, name: str) -> np.ndarray:
    if image is None:
        raise ValueError(f"this frame has no {name} image; switch on {name!r} in CameraConfig")
    return image


@register_sensor
class Camera:
    """A pinhole camera with lens distortion; see the module docstring."""

    KIND = "camera"

    def __init__(self, config: CameraConfig | None = None) -> None:
        self.config = config or CameraConfig()
        c = self.config
        self.rate_hz = c.rate_hz
        self.latency_s = c.latency_s
        self.intrinsics = c.intrinsics()
        self.pixel_rays = self.intrinsics.pixel_rays()
        self._a = np.ascontiguousarray(-self.pixel_rays[:, 1])
        self._b = np.ascontiguousarray(-self.pixel_rays[:, 2])
        self.tiles = pixel_tiles(self.intrinsics, self.pixel_rays)
        el, az = math.radians(c.sun_elevation_deg), math.radians(c.sun_azimuth_deg)
        self.sun = np.array(
            [math.cos(el) * math.cos(az), math.cos(el) * math.sin(az), math.sin(el)]
        )
        self._o3d = import_open3d()
        self._scratch = ScratchArrays()

    @property
    def noise(self) -> tuple[GaussianNoise, ...]:
        """Gaussian noise on each channel of the RGB image."""
        return (GaussianNoise("rgb", self.config.rgb_noise_stddev, "8-bit levels"),)

    @property
    def pixels(self) -> int:
        """Pixels (rays) per frame."""
        return self.intrinsics.width * self.intrinsics.height

    def rays(self, scene: RaycastScene, pose: SensorPose) -> np.ndarray:
        """``(H*W, 6)`` float32 pixel rays in the scene's frame (reused by the next call)."""
        rays = self._scratch.get("rays", (self.pixels, 6), np.float32)
        origin = np.array([pose.x, pose.y, pose.z]) - scene.origin
        k.camera_rays(self.pixel_rays, pose.rotation(), origin, rays)
        return rays

    def measure(
        self,
        scene: RaycastScene,
        pose: SensorPose,
        time_s: float,
        rng: np.random.Generator,
        *,
        exclude_id: int = -1,
    ) -> CameraFrame:
        """Takes one frame at ``time_s`` from ``pose``.

        Args:
            scene: The geometry, with its actors updated to a recent time.
            pose: The camera's pose at ``time_s``.
            time_s: Time of the frame, s.
            rng: Source of the RGB noise.
            exclude_id: Object id the camera does not see (its own vehicle).
        """
        c, n = self.config, self.pixels
        h, w = self.intrinsics.height, self.intrinsics.width
        rays = self.rays(scene, pose)
        depth = np.empty(n, np.float32)
        obj = np.empty(n, np.int32)
        sem = np.empty(n, np.uint8)
        light = self._scratch.get("light", (n,), np.float32)
        shade = c.rgb
        static = scene.cast_static(rays)
        if static is None:
            k.fill_misses(rays, depth, obj, sem, light)
        else:
            t, prim, normal, prim_object, prim_semantic = static
            k.resolve_static(
                t, prim, normal, rays, prim_object, prim_semantic, self.sun, shade,
                depth, obj, sem, light,
            )  # fmt: skip
        rotation = pose.rotation()
        view = self._actor_view(scene, pose, rotation, time_s, exclude_id)
        if view is not None:
            self._cast_actors(scene, view, rays, shade, depth, obj, sem, light)
        rgb = self._shade(depth, sem, light, rays, rng) if c.rgb else None
        boxes = None
        if c.boxes:
            if view is None:
                view = ActorView.empty()
            boxes = box_ground_truth(
                self.intrinsics, rotation, view, self.tiles, self._a, self._b, rays, obj, c.near_m
            )
        return CameraFrame(
            time_s=float(time_s),
            pose=pose,
            intrinsics=self.intrinsics,
            depth=depth.reshape(h, w) if c.depth else None,
            semantic=sem.reshape(h, w) if c.semantic or c.instance else None,
            object_id=obj.reshape(h, w) if c.instance else None,
            rgb=rgb,
            boxes=boxes,
        )

    # ------------------------------------------------------------------ actors

    def _actor_view(
        self,
        scene: RaycastScene,
        pose: SensorPose,
        rotation: np.ndarray,
        time_s: float,
        exclude_id: int,
    ) -> ActorView | None:
        a = scene.actors
        if a is None or not len(a):
            return None
        dt = float(time_s) - scene.actors_time_s
        x = a.x + a.vx * dt - pose.x
        y = a.y + a.vy * dt - pose.y
        z = np.asarray(a.z, float) - pose.z
        heading = a.heading + a.yaw_rate * dt
        dims = (
            np.asarray(a.length, float),
            np.asarray(a.width, float),
            np.asarray(a.height, float),
        )
        corners = actor_corners(rotation, x, y, z, heading, *dims)
        rects = np.zeros((len(a), 4))
        front = k.clipped_rects(np.ascontiguousarray(corners), self.config.near_m, rects)
        active = front & (np.asarray(a.ids) != exclude_id)
        still = np.broadcast_to(0.0, (len(a),))  # velocities unused: one read-only zero view
        return ActorView(
            np.asarray(a.ids),
            np.asarray(a.semantic),
            x,
            y,
            z,
            heading,
            *dims,
            vx=still,
            vy=still,
            yaw_rate=still,
            corners=corners,
            rects=rects,
            active=active,
        )

    def _cast_actors(
        self, scene: RaycastScene, view: ActorView, rays, shade, depth, obj, sem, light
    ) -> None:  # noqa: ANN001
        n = self.pixels
        t = self.tiles
        mask = self._scratch.get("mask", (n,), np.bool_)
        used = np.zeros(len(view.ids), dtype=np.bool_)
        found = k.mark_candidates(
            view.rects, view.active, t.size, t.a_min, t.a_max, t.b_min, t.b_max,
            self._a, self._b, self.intrinsics.width, self.intrinsics.height, mask, used,
        )  # fmt: skip
        if found == 0:
            return
        verts, tris, prim_actor = actor_mesh(view, np.flatnonzero(used), scene.shapes)
        # Camera-relative coordinates keep float32 rounding small far from the scene's origin.
        actor_scene = scene.open3d_scene(verts, tris)
        index = self._scratch.get("cand_index", (found,), np.int64)
        cand = self._scratch.get("cand_rays", (found, 6), np.float32)
        m = k.gather_candidates(rays, mask, index, cand)
        out = actor_scene.cast_rays(
            self._o3d.core.Tensor.from_numpy(cand[:m]), nthreads=scene.nthreads
        )
        k.merge_actors(
            index[:m], out["t_hit"].numpy(), out["primitive_ids"].numpy(),
            out["primitive_normals"].numpy(), rays, prim_actor,
            np.asarray(view.ids, np.int32), np.asarray(view.semantic, np.uint8),
            self.sun, shade, depth, obj, sem, light,
        )  # fmt: skip

    # ------------------------------------------------------------------ RGB

    def _shade(self, depth, sem, light, rays, rng: np.random.Generator) -> np.ndarray:  # noqa: ANN001
        n, c = self.pixels, self.config
        image = np.empty((self.intrinsics.height, self.intrinsics.width, 3), np.uint8)
        noise = (
            rng.standard_normal((n, 3), dtype=np.float32)
            if c.rgb_noise_stddev > 0
            else np.zeros((0, 3), np.float32)
        )
        k.shade_rgb(
            depth, sem, light, rays, SHADE_COLOURS, np.float32(c.ambient),
            np.array(SKY_TOP, np.float32), np.array(SKY_HORIZON, np.float32),
            np.array(VOID, np.float32), noise, np.float32(c.rgb_noise_stddev),
            image.reshape(n, 3),
        )  # fmt: skip
        return image


__all__ = ["SHADE_COLOURS", "BoxGroundTruth", "Camera", "CameraConfig", "CameraFrame"]
