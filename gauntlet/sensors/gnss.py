"""A GNSS receiver: antenna position as latitude, longitude and height, and velocity.

The world frame (x east, y north, z up) is the east-north-up frame at
``GnssConfig.origin`` (:mod:`gauntlet.sensors.geodesy`, WGS-84). At each
sample (``rate_hz``, see :class:`SampleClock`) the antenna's world position
gets, per ENU axis, a slowly drifting bias and white noise:

``error = bias + drift + sigma_white w``, where ``drift`` is a Gauss-Markov
term (stationary sigma ``bias_*_m``, correlation time ``bias_correlation_time_s``)
plus a random walk (``bias_random_walk``, m/sqrt(s)); see :class:`BiasDrift`.
Positioning errors are dominated by the correlated part (atmosphere, orbits,
multipath); white noise is the receiver's tracking noise. The velocity (from
Doppler) gets white noise only. The noisy ENU position is then converted to
geodetic coordinates, so ``east_m``/``north_m``/``up_m`` and the latitude,
longitude and height describe the same point.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gauntlet.sensors.base import GaussianNoise, SensorPose, register_sensor
from gauntlet.sensors.geodesy import GeodeticOrigin, enu_to_geodetic
from gauntlet.sensors.inertial import BiasDrift, SampleClock

#: One fix. time_s: s; latitude_deg, longitude_deg: WGS-84, deg; altitude_m: height above
#: the ellipsoid, m; east_m, north_m, up_m: the same point in the world (ENU) frame, m;
#: velocity_*_mps: ENU velocity, m/s.
GNSS_FIX_DTYPE = np.dtype(
    [
        ("time_s", "<f8"),
        ("latitude_deg", "<f8"),
        ("longitude_deg", "<f8"),
        ("altitude_m", "<f8"),
        ("east_m", "<f8"),
        ("north_m", "<f8"),
        ("up_m", "<f8"),
        ("velocity_east_mps", "<f4"),
        ("velocity_north_mps", "<f4"),
        ("velocity_up_mps", "<f4"),
    ]
)


@dataclass(frozen=True)
class GnssConfig:
    """A GNSS receiver.

    Attributes:
        origin: Geodetic position of the world frame's origin.
        rate_hz: Fixes per second.
        latency_s: Delay from a fix to its delivery, s.
        white_horizontal_m, white_vertical_m: White position noise per fix, per axis, m.
        bias_horizontal_m, bias_vertical_m: Stationary sigma of the Gauss-Markov position bias, m.
        bias_correlation_time_s: Its correlation time, s.
        bias_random_walk: Random walk of the position bias, m/sqrt(s), every axis.
        velocity_sigma_mps: White velocity noise per axis, m/s.
    """

    origin: GeodeticOrigin = field(default_factory=GeodeticOrigin)
    rate_hz: float = 10.0
    latency_s: float = 0.0
    white_horizontal_m: float = 0.3
    white_vertical_m: float = 0.5
    bias_horizontal_m: float = 0.0
    bias_vertical_m: float = 0.0
    bias_correlation_time_s: float = 60.0
    bias_random_walk: float = 0.0
    velocity_sigma_mps: float = 0.05

    def __post_init__(self) -> None:
        for name in (
            "white_horizontal_m", "white_vertical_m", "bias_horizontal_m", "bias_vertical_m",
            "bias_random_walk", "velocity_sigma_mps",
        ):  # fmt: skip
            if getattr(self, name) < 0:
                raise ValueError(f"gnss {name} must be >= 0, got {getattr(self, name)}")
        if not self.bias_correlation_time_s > 0:
            raise ValueError("gnss bias_correlation_time_s must be > 0")


@register_sensor
class Gnss:
    """A GNSS receiver; see the module docstring. Keeps its bias state between calls."""

    KIND = "gnss"

    def __init__(self, config: GnssConfig | None = None) -> None:
        self.config = c = config or GnssConfig()
        self.rate_hz = c.rate_hz
        self.latency_s = c.latency_s
        self.clock = SampleClock(c.rate_hz)
        h, v = c.bias_horizontal_m, c.bias_vertical_m
        self._drift = BiasDrift(
            np.array([h, h, v]), c.bias_correlation_time_s, np.full(3, c.bias_random_walk)
        )
        self._white = np.array([c.white_horizontal_m, c.white_horizontal_m, c.white_vertical_m])
        self._started = False

    @property
    def noise(self) -> tuple[GaussianNoise, ...]:
        """White position and velocity noise per fix."""
        c = self.config
        return (
            GaussianNoise("horizontal position", c.white_horizontal_m, "m"),
            GaussianNoise("vertical position", c.white_vertical_m, "m"),
            GaussianNoise("velocity", c.velocity_sigma_mps, "m/s"),
        )

    def reset(self) -> None:
        """Start again: a new bias and sample clock at the next call."""
        self.clock.reset()
        self._started = False

    def measure(
        self, scene: object, pose: SensorPose, time_s: float, rng: np.random.Generator
    ) -> np.ndarray:
        """The fixes due since the last call, for the antenna at ``pose`` (``scene`` is unused).

        Returns a structured array of :data:`GNSS_FIX_DTYPE` (possibly empty).
        """
        times = self.clock.due(time_s)
        k = len(times)
        out = np.empty(k, dtype=GNSS_FIX_DTYPE)
        if k == 0:
            return out
        if not self._started:
            self._drift.start(rng)
            self._started = True
        enu = np.array([pose.x, pose.y, pose.z]) + self._drift.advance(1.0 / self.rate_hz, k, rng)
        enu = enu + self._white * rng.standard_normal((k, 3))
        vel = np.array(
            [pose.vx, pose.vy, pose.vz]
        ) + self.config.velocity_sigma_mps * rng.standard_normal((k, 3))
        lat, lon, alt = enu_to_geodetic(enu, self.config.origin)
        out["time_s"] = times
        out["latitude_deg"], out["longitude_deg"], out["altitude_m"] = lat, lon, alt
        out["east_m"], out["north_m"], out["up_m"] = enu[:, 0], enu[:, 1], enu[:, 2]
        out["velocity_east_mps"], out["velocity_north_mps"] = vel[:, 0], vel[:, 1]
        out["velocity_up_mps"] = vel[:, 2]
        return out
