"""Wheel odometry: forward speed and yaw rate from the wheel encoders.

Per sample (``rate_hz``, see :class:`SampleClock`):

* ``speed = (1 + speed_scale_error) v + drift_v + speed_sigma_mps w``, where ``v``
  is the velocity along the body's x axis (negative when reversing); a scale
  error stands for a wrong tyre radius (1 % is a few millimetres of tread);
* ``yaw_rate = (1 + yaw_rate_scale_error) r + drift_r + yaw_rate_sigma_radps w``,
  the yaw rate from the difference of the rear wheel speeds (the scale error
  stands for a wrong track width);
* ``drift_*`` are random walks (``*_bias_random_walk``, units/sqrt(s); see
  :class:`BiasDrift`).

Below ``standstill_mps`` the wheels do not turn and both read exactly 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gauntlet.sensors.base import GaussianNoise, SensorPose, register_sensor
from gauntlet.sensors.inertial import BiasDrift, SampleClock

#: One odometry sample. time_s: s; speed_mps: along body x, m/s; yaw_rate_radps: rad/s,
#: counter-clockwise seen from above.
ODOMETRY_SAMPLE_DTYPE = np.dtype(
    [("time_s", "<f8"), ("speed_mps", "<f4"), ("yaw_rate_radps", "<f4")]
)


@dataclass(frozen=True)
class WheelOdometryConfig:
    """Wheel odometry.

    Attributes:
        rate_hz: Samples per second.
        latency_s: Delay from a sample to its delivery, s.
        speed_sigma_mps: White speed noise, m/s.
        speed_scale_error: Relative speed scale error.
        speed_bias_random_walk: Random walk of the speed bias, m/s/sqrt(s).
        yaw_rate_sigma_radps: White yaw-rate noise, rad/s.
        yaw_rate_scale_error: Relative yaw-rate scale error.
        yaw_rate_bias_random_walk: Random walk of the yaw-rate bias, rad/s/sqrt(s).
        standstill_mps: Speed below which both read 0, m/s.
    """

    rate_hz: float = 50.0
    latency_s: float = 0.0
    speed_sigma_mps: float = 0.02
    speed_scale_error: float = 0.0
    speed_bias_random_walk: float = 0.0
    yaw_rate_sigma_radps: float = 0.002
    yaw_rate_scale_error: float = 0.0
    yaw_rate_bias_random_walk: float = 0.0
    standstill_mps: float = 0.01

    def __post_init__(self) -> None:
        for name in (
            "speed_sigma_mps", "speed_bias_random_walk", "yaw_rate_sigma_radps",
            "yaw_rate_bias_random_walk", "standstill_mps",
        ):  # fmt: skip
            if getattr(self, name) < 0:
                raise ValueError(f"wheel odometry {name} must be >= 0, got {getattr(self, name)}")


@register_sensor
class WheelOdometry:
    """Wheel odometry; see the module docstring. Keeps its bias state between calls."""

    KIND = "wheel_odometry"

    def __init__(self, config: WheelOdometryConfig | None = None) -> None:
        self.config = c = config or WheelOdometryConfig()
        self.rate_hz = c.rate_hz
        self.latency_s = c.latency_s
        self.clock = SampleClock(c.rate_hz)
        self._drift = BiasDrift(
            np.zeros(2), 1.0, np.array([c.speed_bias_random_walk, c.yaw_rate_bias_random_walk])
        )
        self._scale = np.array([1.0 + c.speed_scale_error, 1.0 + c.yaw_rate_scale_error])
        self._white = np.array([c.speed_sigma_mps, c.yaw_rate_sigma_radps])

    @property
    def noise(self) -> tuple[GaussianNoise, ...]:
        """White speed and yaw-rate noise per sample."""
        return (
            GaussianNoise("speed", self.config.speed_sigma_mps, "m/s"),
            GaussianNoise("yaw rate", self.config.yaw_rate_sigma_radps, "rad/s"),
        )

    def reset(self) -> None:
        """Start again: zero drift and a new sample clock at the next call."""
        self.clock.reset()
        self._drift.rw[:] = 0.0

    def measure(
        self, scene: object, pose: SensorPose, time_s: float, rng: np.random.Generator
    ) -> np.ndarray:
        """The samples due since the last call, for the vehicle at ``pose`` (``scene`` is unused).

        Returns a structured array of :data:`ODOMETRY_SAMPLE_DTYPE` (possibly empty).
        """
        times = self.clock.due(time_s)
        k = len(times)
        out = np.empty(k, dtype=ODOMETRY_SAMPLE_DTYPE)
        if k == 0:
            return out
        speed = pose.vx * math.cos(pose.yaw) + pose.vy * math.sin(pose.yaw)
        true = np.array([speed, pose.yaw_rate])
        drift = self._drift.advance(1.0 / self.rate_hz, k, rng)
        value = self._scale * true + drift + self._white * rng.standard_normal((k, 2))
        if abs(speed) < self.config.standstill_mps:
            value[:] = 0.0
        out["time_s"] = times
        out["speed_mps"] = value[:, 0]
        out["yaw_rate_radps"] = value[:, 1]
        return out
