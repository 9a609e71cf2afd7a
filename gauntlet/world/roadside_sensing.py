"""Sensor models on roadside units: measured from the unit's pose, sent to the ego by V2X.

A roadside unit's ``sensors`` (lidar, radar, camera; each from a preset with
overrides, :mod:`gauntlet.sensors.catalog`) stand at fixed poses in the unit's
frame. While the ego is connected, the radio (:mod:`gauntlet.world.v2x`) asks
them after every step for what is ready and sends each measurement, raw,
through the V2X channel model. The ego's observation holds the latest one
that has arrived from each sensor under ``sensors["rsu:<unit>/<sensor>"]``:
the sensor's own measurement type (:class:`~gauntlet.sensors.lidar.LidarScan`,
:class:`~gauntlet.sensors.radar.RadarScan`, :class:`~gauntlet.sensors.camera.CameraFrame`),
whose ``pose`` is the sensor's pose in the world frame and ``time_s`` the
time it was taken.

Timing, for a sensor with ``rate_hz`` and ``latency_s``:

* it measures at the first step at or after each due time ``k / rate_hz``
  (at most once a step), the world as it is at that step (a lidar sweep fires
  over one sweep period, the actors moving on at their velocities);
* the measurement is ready at its time plus its acquisition (a lidar sweep's
  ``duration_s``) plus ``latency_s``, and the unit sends it at the first step
  at or after that;
* the channel adds its latency and jitter and may lose it (loss, path loss,
  range); it is delivered at the first step at or after its arrival.

Roadside sensors see every actor, the ego included, and the scenario's static
geometry (the units themselves are not in the scene); they cast into the
world's one ray-casting scene, the one the ego's sensors use
(:func:`gauntlet.world.sensing.world_scene`). They run on their own channel
model (same parameters as the scenario's channel, its own random stream and
rate cap), so declaring them changes no other message's fate.

Randomness: sensor ``j`` of unit ``k`` draws from
``SeedSequence(seed, spawn_key=(ROADSIDE_SENSING_STREAM, k, j))`` and the
channel from ``SeedSequence(seed, spawn_key=(ROADSIDE_CHANNEL_STREAM,))``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from gauntlet.scenarios import schema as sc
from gauntlet.scenarios.errors import error_at
from gauntlet.scenarios.sensing import RoadsideMount, RoadsideSensor, RoadsideUnit
from gauntlet.sensors.base import Mount, SensorPose
from gauntlet.sensors.catalog import SensorConfigError, build_sensor
from gauntlet.sensors.scene import Boxes, RaycastScene
from gauntlet.sensors.schedule import TIME_EPS_S, FrameSchedule
from gauntlet.world.sensing import RAY_CAST_KINDS, ActorScene, world_scene

if TYPE_CHECKING:
    from gauntlet.world.world import World

#: Random streams of roadside sensors: ``SeedSequence(seed, spawn_key=(ROADSIDE_SENSING_STREAM, unit, sensor))``.
ROADSIDE_SENSING_STREAM = 210
#: Random stream of the channel roadside measurements cross.
ROADSIDE_CHANNEL_STREAM = 211
#: Prefix of roadside measurements' keys in the observation's sensors.
ROADSIDE_KEY_PREFIX = "rsu:"


def roadside_key(unit: str, sensor: str) -> str:
    """The observation key of sensor ``sensor`` on roadside unit ``unit``: ``rsu:<unit>/<sensor>``."""
    return f"{ROADSIDE_KEY_PREFIX}{unit}/{sensor}"


@dataclass(frozen=True, eq=False)
class RoadsideMeasurementMessage:
    """A raw roadside measurement on its way over the V2X channel.

    Attributes:
        sender: The roadside unit's name.
        time_s: Sending time, s.
        key: Its key in the observation's sensors, ``rsu:<unit>/<sensor>``.
        measurement: The sensor model's measurement (its own ``time_s`` and ``pose``).
    """

    sender: str
    time_s: float
    key: str
    measurement: Any


@dataclass
class RoadsideSensorModel:
    """One sensor on a roadside unit at a fixed world pose, with its schedule."""

    unit: str
    name: str
    kind: str
    sensor: Any
    pose: SensorPose
    rng: np.random.Generator
    schedule: FrameSchedule
    #: Measurements taken and not yet sent: (ready time, measurement).
    pending: list[tuple[float, Any]] = field(default_factory=list)

    @property
    def key(self) -> str:
        """Its key in the observation's sensors."""
        return roadside_key(self.unit, self.name)

    def measure(self, world: World, sensing: RoadsideSensing) -> None:
        """Measure if one is due at the world's time."""
        if self.schedule.due(world.time_s):
            taken, m = sensing.take_frame(world, self.kind, self.sensor, self.pose, self.rng)
            self.pending.append((taken + self.sensor.latency_s, m))

    def ready(self, t: float) -> list[Any]:
        """The measurements ready to send at ``t``, oldest first."""
        out = []
        while self.pending and self.pending[0][0] <= t + TIME_EPS_S:
            out.append(self.pending.pop(0)[1])
        return out


@dataclass
class RoadsideSensing(ActorScene):
    """Every roadside unit's sensors and the geometry they see."""

    sensors: list[RoadsideSensorModel]
    scene: RaycastScene | None
    #: Actors shown as boxes: all but the static geometry's footprints.
    shown: np.ndarray
    _time_s: float = -math.inf
    _boxes: Boxes | None = None

    def messages(
        self, world: World
    ) -> list[tuple[RoadsideSensorModel, RoadsideMeasurementMessage]]:
        """Measure what is due now and return the messages ready to send, by sensor."""
        t = world.time_s
        out = []
        for s in self.sensors:
            s.measure(world, self)
            for m in s.ready(t):
                out.append((s, RoadsideMeasurementMessage(s.unit, t, s.key, m)))
        return out


def unit_sensor_pose(x: float, y: float, heading: float, mount: RoadsideMount) -> SensorPose:
    """The world pose of a sensor at ``mount`` on a unit at ``(x, y)`` facing ``heading`` (still)."""
    m = Mount(mount.x_m, mount.y_m, mount.z_m, mount.roll_rad, mount.pitch_rad, mount.yaw_rad)
    return m.sensor_pose(x, y, heading)


def build_roadside_sensing(
    scenario: sc.Scenario,
    world: World,
    units: list[tuple[RoadsideUnit, float, float, float]],
    shown: np.ndarray,
    seed: int,
) -> RoadsideSensing | None:
    """The sensors of the roadside units; None when no unit carries any.

    Args:
        scenario: The scenario (for its source, static geometry and error paths).
        world: The world being built (for its road network).
        units: Each roadside unit with its resolved position and heading (x, y, heading).
        shown: Actors the sensors see as boxes (all but the static geometry's footprints).
        seed: The run's seed.
    """
    sensors: list[RoadsideSensorModel] = []
    for k, (unit, x, y, heading) in enumerate(units):
        names: set[str] = set()
        for j, spec in enumerate(unit.sensors):
            path = ("v2x", "roadside_units", k, "sensors", j)
            if spec.name in names:
                raise error_at(
                    scenario.source,
                    (*path, "name"),
                    f"sensor name {spec.name!r} is used twice on roadside unit {unit.name!r}",
                )
            names.add(spec.name)
            sensors.append(_model(scenario, path, unit.name, spec, x, y, heading, seed, k, j))
    if not sensors:
        return None
    scene = world_scene(scenario, world) if any(s.kind in RAY_CAST_KINDS for s in sensors) else None
    return RoadsideSensing(sensors, scene, shown)


def _model(
    scenario: sc.Scenario,
    path: tuple,
    unit: str,
    spec: RoadsideSensor,
    x: float,
    y: float,
    heading: float,
    seed: int,
    k: int,
    j: int,
) -> RoadsideSensorModel:
    try:
        sensor = build_sensor(spec.kind, spec.preset, spec.params)
    except SensorConfigError as exc:
        raise error_at(scenario.source, (*path, *exc.key), str(exc)) from None
    rng = np.random.default_rng(
        np.random.SeedSequence(seed, spawn_key=(ROADSIDE_SENSING_STREAM, k, j))
    )
    pose = unit_sensor_pose(x, y, heading, spec.mount)
    schedule = FrameSchedule.at_rate(sensor.rate_hz)
    return RoadsideSensorModel(unit, spec.name, spec.kind, sensor, pose, rng, schedule)
