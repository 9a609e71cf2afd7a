"""CARLA sensors driven by Gauntlet's sensor models.

A spawned ``sensor.*`` actor becomes one :class:`CarlaSensor`: the matching
model of :mod:`gauntlet.sensors`, configured from the blueprint attributes
the client chose (CARLA's names and units), and a schedule. After each
world step the server asks every sensor that has a listener whether it is
due and, if so, for its measurement encoded as CARLA's client decodes it
(:mod:`.sensor_data`).

=================================  =====================================================
blueprint                          model and what the client gets
=================================  =====================================================
``sensor.lidar.ray_cast``          :class:`~gauntlet.sensors.lidar.Lidar` (same attribute
                                   names); one whole sweep per message, at most one per
                                   ``1 / rotation_frequency``
``sensor.camera.rgb``              :class:`~gauntlet.sensors.camera.Camera`, shaded RGB
``sensor.camera.depth``            the camera's depth in CARLA's 24-bit encoding
``sensor.camera.semantic_segm...`` the semantic tag in R
``sensor.camera.instance_segm...`` tag in R, CARLA actor id in G (low byte) and B
``sensor.other.radar``             :class:`~gauntlet.sensors.radar.Radar`, one scan mode
                                   with the blueprint's field of view and range
``sensor.other.gnss``              :class:`~gauntlet.sensors.gnss.Gnss` at the map's
                                   geo-reference, CARLA's stddev and bias attributes
``sensor.other.imu``               :class:`~gauntlet.sensors.inertial.Imu`, CARLA's
                                   noise attributes
``sensor.other.collision``         the world's collision events of the parent
=================================  =====================================================

Schedule: a sensor measures at the first step after someone listens to it,
then at the first step at or after each due time ``sensor_tick`` later
(0: every step), as CARLA's ``sensor_tick`` does.

Randomness: each sensor draws from its own generator,
``SeedSequence(seed, spawn_key=(CARLA_SENSOR_STREAM, actor id))``, so the
same calls with the same seed give the same measurements.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from gauntlet.bridges.carla import sensor_data as sd
from gauntlet.bridges.carla.coords import CarlaTransform, WorldPose
from gauntlet.sensors.base import Mount, SensorPose
from gauntlet.sensors.camera import Camera, CameraConfig
from gauntlet.sensors.camera_encoding import (
    depth_to_carla,
    instance_to_carla,
    semantic_to_carla,
)
from gauntlet.sensors.geodesy import GeodeticOrigin
from gauntlet.sensors.gnss import Gnss, GnssConfig
from gauntlet.sensors.inertial import BodyMotion, Imu, ImuConfig, InertialNoise
from gauntlet.sensors.lidar import Lidar, LidarConfig
from gauntlet.sensors.radar import Radar
from gauntlet.sensors.radar_config import RadarConfig, ScanMode, albersheim_snr_db
from gauntlet.sensors.radar_geometry import RadarTargets
from gauntlet.sensors.scene import Boxes, RaycastScene
from gauntlet.sensors.schedule import FrameSchedule
from gauntlet.world.sensing import actor_boxes, body_motion, mounted_pose

if TYPE_CHECKING:
    from gauntlet.bridges.carla.actors import Actor
    from gauntlet.maps.network import RoadNetwork
    from gauntlet.world.world import World

#: Random streams of CARLA sensors: ``SeedSequence(seed, spawn_key=(CARLA_SENSOR_STREAM, id))``.
CARLA_SENSOR_STREAM = 300
#: Metres per degree of latitude, for CARLA's GNSS noise attributes (given in degrees).
M_PER_DEG = 111_319.49
_CAMERA_OUTPUT = {
    "sensor.camera.rgb": "rgb",
    "sensor.camera.depth": "depth",
    "sensor.camera.semantic_segmentation": "semantic",
    "sensor.camera.instance_segmentation": "instance",
}


def _float(actor: Actor, key: str, default: float) -> float:
    raw = actor.description.attribute(key, "")
    if raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(
            f"{actor.blueprint.id}: attribute {key} must be a number, got {raw!r}"
        ) from None
    if not math.isfinite(value):
        raise ValueError(
            f"{actor.blueprint.id}: attribute {key} must be a finite number, got {raw!r}"
        )
    return value


def _int(actor: Actor, key: str, default: int) -> int:
    value = _float(actor, key, float(default))
    if value != int(value):
        raise ValueError(f"{actor.blueprint.id}: attribute {key} must be an integer, got {value}")
    return int(value)


def geodetic_origin(opendrive: str) -> GeodeticOrigin:
    """The origin of an OpenDRIVE ``geoReference`` (``+lat_0=... +lon_0=...``; 0 when absent)."""
    lat = re.search(r"\+lat_0=([-+0-9.eE]+)", opendrive)
    lon = re.search(r"\+lon_0=([-+0-9.eE]+)", opendrive)
    return GeodeticOrigin(float(lat.group(1)) if lat else 0.0, float(lon.group(1)) if lon else 0.0)


@dataclass
class SensingFrame:
    """What the sensors of one step share: the world, its actors as boxes, the scene.

    Attributes:
        world: The stepped world (None: no bodies).
        carla_ids: CARLA id of each world actor, by world index.
        scene: The episode's ray-casting scene (built on first use).
        time_s: Simulation time of the step, s.
    """

    world: World | None
    carla_ids: list[int]
    scene_source: RaycastSceneSource
    time_s: float
    _boxes: Boxes | None = None

    def boxes(self) -> Boxes | None:
        """Every body as a box (made once a step)."""
        if self._boxes is None and self.world is not None and len(self.carla_ids):
            self._boxes = actor_boxes(self.world, np.arange(len(self.carla_ids)))
        return self._boxes

    def scene(self) -> RaycastScene:
        """The scene with the bodies at this step."""
        scene = self.scene_source.get()
        boxes = self.boxes()
        if boxes is not None and scene.actors is not boxes:
            scene.update_actors(boxes, self.time_s)
        elif boxes is None and scene.actors is not None and len(scene.actors):
            scene.update_actors(_no_boxes(), self.time_s)
        return scene


@dataclass
class RaycastSceneSource:
    """Builds the road network's ray-casting scene once, when a sensor first needs it."""

    network: RoadNetwork
    _scene: RaycastScene | None = None

    def get(self) -> RaycastScene:
        """The scene."""
        if self._scene is None:
            self._scene = RaycastScene(self.network)
        return self._scene


def _no_boxes() -> Boxes:
    z = np.zeros(0)
    return Boxes(
        np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint8), z, z, z, z, z, z, z, z, z, z
    )


@dataclass
class CarlaSensor:
    """One CARLA sensor actor: its model, its schedule and its random generator."""

    actor: Actor
    period_s: float
    rng: np.random.Generator
    model: object = None
    extra: dict = field(default_factory=dict)
    #: When it measures: first at the first step it is asked at, then every ``period_s``.
    schedule: FrameSchedule = field(init=False)

    def __post_init__(self) -> None:
        self.schedule = FrameSchedule(self.period_s, None)

    @property
    def blueprint_id(self) -> str:
        """The blueprint it was spawned from."""
        return self.actor.blueprint.id

    def due(self, time_s: float) -> bool:
        """Whether it measures at ``time_s`` (advancing its schedule when it does)."""
        return self.schedule.due(time_s)


def make_sensor(actor: Actor, seed: int, dt_s: float, origin: GeodeticOrigin) -> CarlaSensor | None:
    """The sensor model behind a ``sensor.*`` actor; None for sensors without data.

    Raises:
        ValueError: An attribute that is not a number or out of the model's range.
    """
    bp = actor.blueprint.id
    tick = max(0.0, _float(actor, "sensor_tick", 0.0))
    rng = np.random.default_rng(
        np.random.SeedSequence(seed, spawn_key=(CARLA_SENSOR_STREAM, actor.id))
    )
    if bp == "sensor.lidar.ray_cast":
        config = LidarConfig(
            channels=_int(actor, "channels", 32),
            range=_float(actor, "range", 10.0),
            points_per_second=_int(actor, "points_per_second", 56000),
            rotation_frequency=_float(actor, "rotation_frequency", 10.0),
            upper_fov=_float(actor, "upper_fov", 10.0),
            lower_fov=_float(actor, "lower_fov", -30.0),
            horizontal_fov=_float(actor, "horizontal_fov", 360.0),
            atmosphere_attenuation_rate=_float(actor, "atmosphere_attenuation_rate", 0.004),
            dropoff_general_rate=_float(actor, "dropoff_general_rate", 0.45),
            dropoff_intensity_limit=_float(actor, "dropoff_intensity_limit", 0.8),
            dropoff_zero_intensity=_float(actor, "dropoff_zero_intensity", 0.4),
            noise_stddev=_float(actor, "noise_stddev", 0.0),
        )
        period = max(tick, 1.0 / config.rotation_frequency)
        return CarlaSensor(actor, period, rng, model=Lidar(config))
    if bp in _CAMERA_OUTPUT:
        output = _CAMERA_OUTPUT[bp]
        config = CameraConfig(
            image_size_x=_int(actor, "image_size_x", 800),
            image_size_y=_int(actor, "image_size_y", 600),
            fov=_float(actor, "fov", 90.0),
            depth=output == "depth",
            semantic=output == "semantic",
            instance=output == "instance",
            rgb=output == "rgb",
        )
        return CarlaSensor(actor, tick, rng, model=Camera(config), extra={"output": output})
    if bp == "sensor.other.radar":
        hfov = _float(actor, "horizontal_fov", 30.0)
        vfov = _float(actor, "vertical_fov", 30.0)
        reach = _float(actor, "range", 100.0)
        if not 0.0 < hfov <= 180.0 or not vfov > 0.0 or not reach > 0.0:
            raise ValueError(
                f"{bp}: horizontal_fov must be in (0, 180], vertical_fov and range > 0"
            )
        mode = ScanMode(
            name="carla",
            coverage=((hfov / 2.0, reach),),
            elevation_fov_deg=vfov,
            range_resolution_m=0.39,
            range_accuracy_m=0.10,
            azimuth_resolution_deg=((0.0, 3.2), (90.0, 3.2)),
            azimuth_accuracy_deg=((0.0, 0.3), (90.0, 0.3)),
            elevation_accuracy_deg=0.5,
            velocity_resolution_mps=0.12,
            velocity_accuracy_mps=0.03,
            # A 10 dBsm target reaches a detection probability of 0.5 at the blueprint's range.
            snr_ref_db=albersheim_snr_db(0.5, 1e-6) - 10.0 + 40.0 * math.log10(reach / 100.0),
        )
        radar = Radar(RadarConfig(modes=(mode,), rate_hz=20.0, pfa=1e-6))
        points_per_second = max(1, _int(actor, "points_per_second", 1500))
        # The nearest detections a scan keeps: the points of one measurement interval
        # (the sensor tick, at least one step of the episode at spawn).
        cap = max(1, int(points_per_second * max(tick, dt_s)))
        return CarlaSensor(actor, tick, rng, model=radar, extra={"max_detections": cap})
    if bp == "sensor.other.gnss":
        lat_sd = _float(actor, "noise_lat_stddev", 0.0) * M_PER_DEG
        lon_sd = _float(actor, "noise_lon_stddev", 0.0) * M_PER_DEG
        config = GnssConfig(
            origin=origin,
            rate_hz=1.0 / max(tick, dt_s),
            white_horizontal_m=max(lat_sd, lon_sd),
            white_vertical_m=_float(actor, "noise_alt_stddev", 0.0),
            velocity_sigma_mps=0.0,
        )
        bias = (
            _float(actor, "noise_lat_bias", 0.0),
            _float(actor, "noise_lon_bias", 0.0),
            _float(actor, "noise_alt_bias", 0.0),
        )
        return CarlaSensor(actor, tick, rng, model=Gnss(config), extra={"bias": bias})
    if bp == "sensor.other.imu":

        def triad(q: str) -> tuple[float, float, float]:
            return tuple(_float(actor, f"noise_{q}_{a}", 0.0) for a in "xyz")  # type: ignore[return-value]

        rate = 1.0 / max(tick, dt_s)
        accel_sd, gyro_sd, gyro_bias = (
            triad("accel_stddev"),
            triad("gyro_stddev"),
            triad("gyro_bias"),
        )
        # CARLA gives per-sample standard deviations; the model takes a density (x sqrt(rate)).
        config = ImuConfig(
            rate_hz=rate,
            accel=InertialNoise(noise_density=max(accel_sd) / math.sqrt(rate)),
            gyro=InertialNoise(noise_density=max(gyro_sd) / math.sqrt(rate), bias=gyro_bias),
        )
        return CarlaSensor(actor, tick, rng, model=Imu(config))
    if bp == "sensor.other.collision":
        return CarlaSensor(actor, 0.0, rng)
    return None


def sensor_pose(
    world: World | None, index: int | None, offset: CarlaTransform | None, own: WorldPose
) -> SensorPose:
    """A sensor's pose: at ``offset`` on its parent's body (world index ``index``), or ``own``.

    ``own`` is where the episode puts the sensor (:meth:`.episode.Episode.pose_of`:
    at its offset from its parent, or where it was placed); it is used when the
    parent is not a body of the world, and carries no velocity.
    """
    if world is not None and index is not None and offset is not None:
        # Level mounts get +0.0 roll and pitch (0.0 - x, not -x): the same bits as
        # adding the body's own zero roll and pitch to them would give.
        mount = Mount(
            offset.x,
            -offset.y,
            offset.z,
            0.0 + math.radians(offset.roll),
            0.0 - math.radians(offset.pitch),
            -math.radians(offset.yaw),
        )
        return mounted_pose(world, index, mount)
    return SensorPose(own.x_m, own.y_m, own.z_m, own.roll_rad, own.pitch_rad, own.heading_rad)


def motion_of(world: World | None, index: int | None) -> BodyMotion:
    """The world-frame acceleration of body ``index`` (along its heading and centripetal), m/s²."""
    if world is None or index is None:
        return BodyMotion()
    return body_motion(world, index)


def measure(
    sensor: CarlaSensor, frame: SensingFrame, pose: SensorPose, index: int | None
) -> bytes | None:
    """The sensor's data body at this step (None: nothing to send)."""
    bp, model, t = sensor.blueprint_id, sensor.model, frame.time_s
    exclude = -1 if index is None else index
    if isinstance(model, Lidar):
        scan = model.measure(frame.scene(), pose, t, sensor.rng, exclude_id=exclude)
        p = scan.points
        return sd.lidar_data(
            model.config.channels, p["ring"], p["x"], p["y"], p["z"], p["intensity"],
            math.radians(model.config.horizontal_fov) % (2.0 * math.pi),
        )  # fmt: skip
    if isinstance(model, Camera):
        image = model.measure(frame.scene(), pose, t, sensor.rng, exclude_id=exclude)
        output = sensor.extra["output"]
        if output == "rgb":
            rgb = image.rgb
        elif output == "depth":
            rgb = depth_to_carla(image.depth)
        elif output == "semantic":
            rgb = semantic_to_carla(image.semantic)
        else:
            ids = np.asarray(frame.carla_ids + [0], dtype=np.int64)
            obj = image.object_id
            carla = np.where(
                (obj >= 0) & (obj < len(frame.carla_ids)), ids[np.clip(obj, 0, len(ids) - 1)], 0
            )
            rgb = instance_to_carla(image.semantic, carla)
        return sd.image_data(sd.rgb_to_bgra(rgb), model.config.fov)
    if isinstance(model, Radar):
        boxes = frame.boxes()
        if boxes is None:
            return sd.radar_data(*(np.zeros(0, np.float32),) * 4)
        ground = float(frame.world.z[index]) if index is not None else 0.0
        scan = model.measure(
            RadarTargets.from_boxes(boxes), pose, t, sensor.rng, exclude_id=exclude, ground_z=ground
        )
        d = scan.detections
        d = d[np.argsort(d["range_m"], kind="stable")][: sensor.extra["max_detections"]]
        return sd.radar_data(
            d["radial_velocity_mps"], d["azimuth_rad"], d["elevation_rad"], d["range_m"]
        )
    if isinstance(model, Gnss):
        fixes = model.measure(None, pose, t, sensor.rng)
        if len(fixes) == 0:
            return None
        f = fixes[-1]
        b = sensor.extra["bias"]
        return sd.gnss_data(
            float(f["latitude_deg"]) + b[0],
            float(f["longitude_deg"]) + b[1],
            float(f["altitude_m"]) + b[2],
        )
    if isinstance(model, Imu):
        samples = model.measure(motion_of(frame.world, index), pose, t, sensor.rng)
        if len(samples) == 0:
            return None
        s = samples[-1]
        # Body frame x forward, y left, z up -> CARLA's y right; rates of roll, pitch (nose up), yaw (clockwise).
        accel = (s["accel_x"], -s["accel_y"], s["accel_z"])
        gyro = (s["gyro_x"], -s["gyro_y"], -s["gyro_z"])
        compass = (math.pi / 2.0 - pose.yaw) % (2.0 * math.pi)
        return sd.imu_data(accel, gyro, compass)
    raise AssertionError(f"no measurement for {bp}")  # pragma: no cover - collisions go elsewhere
