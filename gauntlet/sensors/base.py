"""What every sensor shares: its pose, the ``Sensor`` protocol and the registry of kinds.

A sensor is an object with an update rate, a latency and a noise model that
turns the world's geometry into typed measurements (numpy arrays with
documented dtypes and frames). It is called as
``sensor.measure(scene, pose, time_s, rng)`` and draws randomness only from
the generator it is given.

Frames: the world frame is OpenDRIVE's (x east, y north, z up); a sensor frame
has x forward, y left, z up, its origin at the sensor.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, TypeVar, runtime_checkable

import numpy as np


@dataclass(frozen=True)
class SensorPose:
    """A sensor's pose in the world frame at a time, and how it moves.

    The motion is taken as constant over one measurement (one lidar sweep):
    the position moves with the world-frame velocity and the yaw turns at
    ``yaw_rate``; roll and pitch stay.

    Attributes:
        x, y, z: Position, m.
        roll, pitch, yaw: Orientation, rad; the rotation is ``Rz(yaw) Ry(pitch) Rx(roll)``.
        vx, vy, vz: World-frame velocity, m/s.
        yaw_rate: Rate of yaw, rad/s (counter-clockwise seen from above).
    """

    x: float
    y: float
    z: float
    roll: float = 0.0
    pitch: float = 0.0
    yaw: float = 0.0
    vx: float = 0.0
    vy: float = 0.0
    vz: float = 0.0
    yaw_rate: float = 0.0

    def rotation(self) -> np.ndarray:
        """The 3x3 rotation from the sensor frame to the world frame."""
        return rotation_matrix(self.roll, self.pitch, self.yaw)


@dataclass(frozen=True)
class Mount:
    """Where a sensor sits on a vehicle, in the vehicle's body frame (x forward, y left, z up).

    ``z`` is measured from the ground under the vehicle's reference point.
    """

    x: float = 0.0
    y: float = 0.0
    z: float = 1.8
    roll: float = 0.0
    pitch: float = 0.0
    yaw: float = 0.0

    def sensor_pose(
        self,
        x: float,
        y: float,
        heading: float,
        speed: float = 0.0,
        yaw_rate: float = 0.0,
        z: float = 0.0,
    ) -> SensorPose:
        """The sensor's pose on a vehicle at ``(x, y, z)`` moving at ``speed`` along ``heading``.

        The vehicle is taken as level; its velocity at the sensor includes the
        turn of the lever arm (``yaw_rate x r``).
        """
        c, s = math.cos(heading), math.sin(heading)
        dx, dy = self.x * c - self.y * s, self.x * s + self.y * c
        return SensorPose(
            x=x + dx,
            y=y + dy,
            z=z + self.z,
            roll=self.roll,
            pitch=self.pitch,
            yaw=heading + self.yaw,
            vx=speed * c - yaw_rate * dy,
            vy=speed * s + yaw_rate * dx,
            yaw_rate=yaw_rate,
        )


def rotation_matrix(roll: float, pitch: float, yaw: float) -> np.ndarray:
    """``Rz(yaw) @ Ry(pitch) @ Rx(roll)`` as a 3x3 array."""
    cr, sr = math.cos(roll), math.sin(roll)
    cp, sp = math.cos(pitch), math.sin(pitch)
    cy, sy = math.cos(yaw), math.sin(yaw)
    return np.array(
        [
            [cy * cp, cy * sp * sr - sy * cr, cy * sp * cr + sy * sr],
            [sy * cp, sy * sp * sr + cy * cr, sy * sp * cr - cy * sr],
            [-sp, cp * sr, cp * cr],
        ]
    )


@dataclass(frozen=True)
class GaussianNoise:
    """Zero-mean Gaussian noise on one measured quantity.

    Attributes:
        quantity: What is perturbed (``"range"``).
        stddev: Standard deviation, in ``units``.
        units: Units of ``stddev``.
    """

    quantity: str
    stddev: float
    units: str


@runtime_checkable
class Sensor(Protocol):
    """A sensor model.

    Attributes:
        KIND: Registry name (``"lidar"``).
        rate_hz: Measurements per second.
        latency_s: Delay from the end of a measurement to its delivery.
    """

    KIND: ClassVar[str]
    rate_hz: float
    latency_s: float

    @property
    def noise(self) -> tuple[GaussianNoise, ...]:
        """The noise the sensor adds to its measurements."""
        ...

    def measure(self, scene: Any, pose: SensorPose, time_s: float, rng: np.random.Generator) -> Any:
        """One measurement of ``scene`` taken from ``pose`` starting at ``time_s``."""
        ...


SENSORS: dict[str, type] = {}

_S = TypeVar("_S", bound=type)


def register_sensor(cls: _S) -> _S:
    """Class decorator: add a sensor kind to the registry under ``cls.KIND``."""
    kind = cls.KIND  # type: ignore[attr-defined]
    if kind in SENSORS:
        raise ValueError(f"sensor kind {kind!r} is already registered")
    SENSORS[kind] = cls
    return cls


def sensor_kind(name: str) -> type:
    """The sensor class registered as ``name``."""
    try:
        return SENSORS[name]
    except KeyError:
        known = ", ".join(sorted(SENSORS)) or "none"
        raise KeyError(f"unknown sensor kind {name!r}; known: {known}") from None
