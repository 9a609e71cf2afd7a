"""Sensor models on the ego: built from ``ego.sensors``, measured at their own rates.

Each declared sensor is made from the registry with its preset and overrides
(:mod:`gauntlet.sensors.catalog`) and sits at its mount on the ego. When the
ego is observed (every step under a stack), every sensor measures what is due
and :func:`gauntlet.world.observation.observe` puts the latest delivered
measurement of each in ``Observation.sensors[name]``.

* Frame sensors (lidar, camera, radar) measure at the first step at or after
  each due time ``k / rate_hz`` (at most once a step), taking the world as it
  is at that step. A measurement is taken when its acquisition ends: a camera
  frame or radar cycle at its time, a lidar sweep one sweep period after its
  start (the sweep fires over that period, actors moving on at their
  velocities); it is delivered at the first step at or after that plus
  ``latency_s``.
* Sample sensors (IMU, GNSS, wheel odometry) keep their own sample clocks and
  return every sample due since the previous step, the vehicle's motion held
  over the step; a sample at ``t`` is delivered at or after ``t + latency_s``,
  and the measurement is the array of samples delivered at the latest step
  that delivered any.

The ray-casting scene (one per world, only when a lidar or camera is declared
on the ego or on a roadside unit) holds the road network and the scenario's
static geometry, built once; the ego's and the roadside units' sensing share
it, each showing its own actors as boxes when it measures: the ego's leave out
the ego and the footprint obstacles of the static geometry (which the scene
already holds as meshes).

A connected ego also finds here the raw measurements of the roadside units'
sensor models that reached it over V2X (:mod:`gauntlet.world.roadside_sensing`),
under ``rsu:<unit>/<sensor>``; a scenario with roadside sensors gets an
``EgoSensing`` even when its ego carries none.

Randomness: sensor ``k`` draws from ``SeedSequence(seed, spawn_key=(SENSING_STREAM, k))``,
never from the world's generator, so declaring sensors changes nothing else in
a run, and the same scenario and seed give identical measurements.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from gauntlet.scenarios import schema as sc
from gauntlet.scenarios.errors import error_at
from gauntlet.sensors.base import Mount, SensorPose
from gauntlet.sensors.catalog import SensorConfigError, build_sensor
from gauntlet.sensors.inertial import BodyMotion
from gauntlet.sensors.radar_geometry import RadarTargets
from gauntlet.sensors.scene import Boxes, RaycastScene
from gauntlet.sensors.schedule import TIME_EPS_S, FrameSchedule
from gauntlet.sensors.semantic import ACTOR_SEMANTIC
from gauntlet.world.static_geometry import load_static_geometry

if TYPE_CHECKING:
    from gauntlet.world.world import World

#: Random streams of the ego's sensors: ``SeedSequence(seed, spawn_key=(SENSING_STREAM, k))``.
SENSING_STREAM = 200
#: Kinds that cast rays into the scene.
RAY_CAST_KINDS = frozenset({"lidar", "camera"})
#: Kinds that keep their own sample clock and return arrays of samples.
SAMPLE_KINDS = frozenset({"imu", "gnss", "wheel_odometry"})


def actor_boxes(world: World, keep: np.ndarray) -> Boxes:
    """The actors ``keep`` as boxes at the world's current state, with their velocities."""
    h, v = world.h[keep], world.v[keep]
    return Boxes(
        ids=keep.copy(),
        semantic=np.array([ACTOR_SEMANTIC[world.types[k]] for k in keep], dtype=np.uint8),
        x=world.x[keep],
        y=world.y[keep],
        z=world.z[keep],
        heading=h,
        length=world.length[keep],
        width=world.width[keep],
        height=np.array([world.actors[k].height_m for k in keep], dtype=float),
        vx=v * np.cos(h),
        vy=v * np.sin(h),
        yaw_rate=world.yaw_rate[keep],
    )


def mounted_pose(world: World, k: int, mount: Mount) -> SensorPose:
    """A sensor's pose at ``mount`` on actor ``k``; the actor's pitch and roll are added to its own.

    Args:
        world: The world, at the pose's time.
        k: World index of the actor carrying the sensor.
        mount: Where the sensor sits on the actor (m, rad; body frame x forward, y left).

    Returns:
        The pose in the world frame (m, rad), with the velocity at the sensor (m/s).
    """
    pose = mount.sensor_pose(
        float(world.x[k]), float(world.y[k]), float(world.h[k]),
        float(world.v[k]), float(world.yaw_rate[k]), float(world.z[k]),
    )  # fmt: skip
    if world.pitch[k] or world.roll[k]:
        pose = replace(
            pose,
            pitch=pose.pitch + float(world.pitch[k]),
            roll=pose.roll + float(world.roll[k]),
        )
    return pose


def body_motion(world: World, k: int) -> BodyMotion:
    """Actor ``k``'s world-frame acceleration, m/s² (along its heading and centripetal)."""
    h, v, acc, r = (
        float(world.h[k]),
        float(world.v[k]),
        float(world.accel[k]),
        float(world.yaw_rate[k]),
    )
    return BodyMotion(
        ax=acc * math.cos(h) - v * r * math.sin(h),
        ay=acc * math.sin(h) + v * r * math.cos(h),
    )


@dataclass
class MountedSensor:
    """One sensor on the ego, with its schedule and what it has measured."""

    name: str
    kind: str
    sensor: Any
    mount: Mount
    rng: np.random.Generator
    #: When a frame sensor measures (None for sample sensors, which keep their own clocks).
    schedule: FrameSchedule | None = None
    pending: list[tuple[float, Any]] = field(default_factory=list)
    samples: np.ndarray | None = None
    latest: Any = None

    def _frame(self, world: World, sensing: EgoSensing, pose: SensorPose) -> None:
        assert self.schedule is not None
        if not self.schedule.due(world.time_s):
            return
        a = sensing.actor
        taken, m = sensing.take_frame(
            world, self.kind, self.sensor, pose, self.rng, exclude_id=a, ground_z=float(world.z[a])
        )
        self.pending.append((taken + self.sensor.latency_s, m))

    def _sample(self, world: World, pose: SensorPose, motion: BodyMotion) -> None:
        scene = motion if self.kind == "imu" else None
        new = self.sensor.measure(scene, pose, world.time_s, self.rng)
        self.samples = new if self.samples is None else np.concatenate((self.samples, new))

    def update(
        self, world: World, sensing: EgoSensing, pose: SensorPose, motion: BodyMotion
    ) -> None:
        """Measure what is due at the world's time and deliver what has arrived."""
        now = world.time_s + TIME_EPS_S
        if self.kind in SAMPLE_KINDS:
            self._sample(world, pose, motion)
            assert self.samples is not None
            due = self.samples["time_s"] + self.sensor.latency_s <= now
            if due.any():
                self.latest = self.samples[due]
                self.samples = self.samples[~due]
            return
        self._frame(world, sensing, pose)
        while self.pending and self.pending[0][0] <= now:
            self.latest = self.pending.pop(0)[1]


class ActorScene:
    """The actors as boxes, and the ray-casting scene showing them, made once per world time.

    Shared by the ego's and the roadside units' sensing (dataclasses that
    hold ``scene``, ``shown``, ``_time_s`` and ``_boxes``). Both hold the
    world's one scene; each puts its own boxes in before it casts.
    """

    scene: RaycastScene | None
    shown: np.ndarray
    _time_s: float
    _boxes: Boxes | None

    def boxes_at(self, world: World) -> Boxes:
        """The shown actors' boxes at the world's time (made once a step)."""
        if self._boxes is None or self._time_s != world.time_s:
            self._time_s = world.time_s
            self._boxes = actor_boxes(world, self.shown)
        return self._boxes

    def scene_at(self, world: World) -> RaycastScene:
        """The scene with the actors at the world's time."""
        assert self.scene is not None
        boxes = self.boxes_at(world)
        if self.scene.actors is not boxes:
            self.scene.update_actors(boxes, world.time_s)
        return self.scene

    def take_frame(
        self,
        world: World,
        kind: str,
        sensor: Any,
        pose: SensorPose,
        rng: np.random.Generator,
        *,
        exclude_id: int = -1,
        ground_z: float = 0.0,
    ) -> tuple[float, Any]:
        """One frame sensor's measurement at the world's time, from ``pose``.

        Args:
            world: The world, at the measurement's time.
            kind: The sensor's kind (``lidar``, ``camera`` or ``radar``).
            sensor: The sensor model.
            pose: The sensor's pose in the world frame.
            rng: The sensor's generator.
            exclude_id: Actor the sensor does not see (the one carrying it; -1: none).
            ground_z: Height of the ground under a radar, m (its multipath mirror).

        Returns:
            The time its acquisition ends (s: the world's time plus a lidar
            sweep's ``duration_s``) and the measurement.
        """
        t = world.time_s
        if kind in RAY_CAST_KINDS:
            m = sensor.measure(self.scene_at(world), pose, t, rng, exclude_id=exclude_id)
        else:
            targets = RadarTargets.from_boxes(self.boxes_at(world))
            m = sensor.measure(targets, pose, t, rng, exclude_id=exclude_id, ground_z=ground_z)
        return t + float(getattr(m, "duration_s", 0.0)), m


@dataclass
class EgoSensing(ActorScene):
    """The ego's sensors and the geometry they see."""

    actor: int
    sensors: list[MountedSensor]
    scene: RaycastScene | None
    #: Actors shown as boxes: all but the ego and the static geometry's footprints.
    shown: np.ndarray
    _time_s: float = -math.inf
    _boxes: Boxes | None = None

    def pose(self, world: World, mount: Mount) -> SensorPose:
        """A sensor's pose at ``mount`` on the ego (see :func:`mounted_pose`)."""
        return mounted_pose(world, self.actor, mount)

    def motion(self, world: World) -> BodyMotion:
        """The ego's world-frame acceleration (see :func:`body_motion`)."""
        return body_motion(world, self.actor)

    def measure(self, world: World) -> dict[str, Any]:
        """Measure what is due now (once per world time) and return the latest delivered measurements."""
        if world.time_s != self._time_s:
            self._time_s = world.time_s
            self._boxes = None
            motion = self.motion(world)
            for s in self.sensors:
                s.update(world, self, self.pose(world, s.mount), motion)
        out = {s.name: s.latest for s in self.sensors if s.latest is not None}
        if world.v2x is not None:
            out.update(world.v2x.roadside_measurements(self.actor))
        return out


def static_scene(scenario: sc.Scenario, world: World) -> RaycastScene:
    """A new ray-casting scene of the world's road network and the scenario's static geometry."""
    return RaycastScene(world.network, assets=load_static_geometry(scenario))


def world_scene(scenario: sc.Scenario, world: World) -> RaycastScene:
    """The world's one ray-casting scene: the ego's sensing's, made here only when it has none."""
    if world.sensing is not None and world.sensing.scene is not None:
        return world.sensing.scene
    return static_scene(scenario, world)


def with_sensor_rig(scenario: sc.Scenario, rig: tuple[sc.EgoSensor, ...]) -> sc.Scenario:
    """``scenario`` with ``rig`` mounted on its ego when it declares no ``ego.sensors``.

    A stack that needs sensors declares them as its class attribute ``SENSORS``;
    the runner mounts them this way, so a scenario's own declaration wins.
    """
    if scenario.ego.sensors or not rig:
        return scenario
    return replace(scenario, ego=replace(scenario.ego, sensors=tuple(rig)))


def build_sensing(
    scenario: sc.Scenario, world: World, seed: int, declared: set[str] | None = None
) -> EgoSensing | None:
    """The ego's sensors from ``scenario.ego.sensors``; None when none are declared.

    A scenario whose roadside units carry sensors gets one without sensors of
    its own (the ego's observation reads the roadside measurements through it).

    Args:
        scenario: The scenario, with its static geometry's footprint obstacles added.
        world: The world being built.
        seed: The run's seed.
        declared: Names of the entities the scenario itself declares; other
            ``obstacle`` actors are footprints of the static geometry.
    """
    specs = scenario.ego.sensors
    roadside = scenario.v2x is not None and any(u.sensors for u in scenario.v2x.roadside_units)
    if not specs and not roadside:
        return None
    actor = world.actor_id(scenario.ego.entity)
    sensors = []
    for k, spec in enumerate(specs):
        try:
            sensor = build_sensor(spec.kind, spec.preset, spec.params)
        except SensorConfigError as exc:
            raise error_at(scenario.source, ("ego", "sensors", k, *exc.key), str(exc)) from None
        m = spec.mount
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(SENSING_STREAM, k)))
        mount = Mount(m.x_m, m.y_m, m.z_m, m.roll_rad, m.pitch_rad, m.yaw_rad)
        schedule = None if spec.kind in SAMPLE_KINDS else FrameSchedule.at_rate(sensor.rate_hz)
        sensors.append(MountedSensor(spec.name, spec.kind, sensor, mount, rng, schedule))
    kinds = {spec.kind for spec in specs}
    if scenario.v2x is not None:
        kinds.update(s.kind for u in scenario.v2x.roadside_units for s in u.sensors)
    scene = static_scene(scenario, world) if kinds & RAY_CAST_KINDS else None
    footprint = [
        k
        for k, a in enumerate(world.actors)
        if declared is not None and a.type == "obstacle" and a.name not in declared
    ]
    shown = np.setdiff1d(np.arange(len(world.actors)), [actor, *footprint])
    return EgoSensing(actor, sensors, scene, shown)
