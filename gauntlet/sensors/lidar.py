"""A rotating lidar with CARLA's parameters, per-channel elevations and motion distortion.

One :meth:`Lidar.measure` call fires one sweep: ``columns`` vertical fans of
``channels`` rays, fan ``j`` at azimuth ``horizontal_fov/2 - (j + 1/2) * step``
(sensor frame; the head turns clockwise seen from above, as Velodyne and Ouster
heads do, so a full sweep starts and ends straight behind) and at time
``j / (columns * rotation_frequency)`` after the sweep start. With
``points_per_second`` P, ``channels`` N and ``rotation_frequency`` f there are
``round(P / (N f))`` columns; like CARLA, they are spread over
``horizontal_fov`` and a sweep takes ``1/f`` whatever the field of view.

Motion distortion: each fan leaves from where the sensor is at its firing
time (the pose moves with the sensor's velocity and yaw rate) and meets the
actors where they are at that time (see :class:`RaycastScene`). Each point is
reported in the sensor frame *at its own firing time*, as a real sensor
reports it, with that time in ``time_offset``.

Intensity: ``exp(-atmosphere_attenuation_rate * r)`` (CARLA's model), times the
material reflectivity of the semantic class hit (``material_reflectivity``)
and ``|cos|`` of the incidence angle (``incidence_angle``); switch both off for
CARLA's intensities. Then CARLA's drop-off: a fraction
``dropoff_general_rate`` of points is dropped at random, and a point of
intensity ``I <= dropoff_intensity_limit`` is kept with probability
``1 - dropoff_zero_intensity * (1 - I / dropoff_intensity_limit)``. Range noise is
Gaussian along the ray, ``noise_stddev`` (1 sigma). All draws come from the
generator passed to :meth:`Lidar.measure`, a fixed number per sweep, so a seed
reproduces a sweep exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

from gauntlet.sensors.base import GaussianNoise, SensorPose, register_sensor
from gauntlet.sensors.scene import RaycastScene
from gauntlet.sensors.semantic import Semantic, reflectivity_table

#: One lidar return. Sensor frame (x forward, y left, z up) at the point's firing time.
#: x, y, z: m; intensity: 0..1; time_offset: s after the sweep start; object_id: actor id
#: or static object id (``RaycastScene.objects``); ring: channel index (0 = top beam);
#: semantic: :class:`Semantic` tag.
LIDAR_POINT_DTYPE = np.dtype(
    [
        ("x", "<f4"),
        ("y", "<f4"),
        ("z", "<f4"),
        ("intensity", "<f4"),
        ("time_offset", "<f4"),
        ("object_id", "<i4"),
        ("ring", "<u2"),
        ("semantic", "u1"),
    ],
    align=True,
)


@dataclass(frozen=True)
class LidarConfig:
    """Lidar parameters; names, units and defaults are CARLA's ``sensor.lidar.ray_cast``.

    Attributes:
        channels: Number of lasers (rays per fan).
        range: Largest range, m.
        points_per_second: Rays fired per second, all lasers together.
        rotation_frequency: Sweeps per second, Hz.
        upper_fov: Elevation of the top laser, degrees.
        lower_fov: Elevation of the bottom laser, degrees.
        horizontal_fov: Horizontal field of view, degrees (0-360].
        atmosphere_attenuation_rate: ``a`` of the intensity ``exp(-a r)``, 1/m.
        dropoff_general_rate: Fraction of points dropped at random.
        dropoff_intensity_limit: Intensity above which no point is dropped.
        dropoff_zero_intensity: Drop probability of a point of zero intensity.
        noise_stddev: Standard deviation of the range noise, m.
        elevations_deg: Elevation of each laser, top to bottom, degrees; overrides
            ``upper_fov``/``lower_fov`` (which then only describe it).
        material_reflectivity: Scale intensity by the reflectivity of the class hit.
        incidence_angle: Scale intensity by ``|cos|`` of the incidence angle.
        motion_distortion: Move the sensor and the actors during the sweep; when
            off, every ray is fired from the start pose at the start time.
        latency_s: Delay between the end of a sweep and its delivery, s.
    """

    channels: int = 32
    range: float = 10.0
    points_per_second: int = 56000
    rotation_frequency: float = 10.0
    upper_fov: float = 10.0
    lower_fov: float = -30.0
    horizontal_fov: float = 360.0
    atmosphere_attenuation_rate: float = 0.004
    dropoff_general_rate: float = 0.45
    dropoff_intensity_limit: float = 0.8
    dropoff_zero_intensity: float = 0.4
    noise_stddev: float = 0.0
    elevations_deg: tuple[float, ...] | None = None
    material_reflectivity: bool = True
    incidence_angle: bool = True
    motion_distortion: bool = True
    latency_s: float = 0.0

    def __post_init__(self) -> None:
        checks = [
            ("channels", self.channels >= 1, ">= 1"),
            ("range", self.range > 0, "> 0"),
            ("points_per_second", self.points_per_second > 0, "> 0"),
            ("rotation_frequency", self.rotation_frequency > 0, "> 0"),
            ("upper_fov", self.upper_fov >= self.lower_fov, ">= lower_fov"),
            ("horizontal_fov", 0 < self.horizontal_fov <= 360, "in (0, 360]"),
            ("atmosphere_attenuation_rate", self.atmosphere_attenuation_rate >= 0, ">= 0"),
            ("dropoff_general_rate", 0 <= self.dropoff_general_rate <= 1, "in [0, 1]"),
            ("dropoff_intensity_limit", 0 <= self.dropoff_intensity_limit <= 1, "in [0, 1]"),
            ("dropoff_zero_intensity", 0 <= self.dropoff_zero_intensity <= 1, "in [0, 1]"),
            ("noise_stddev", self.noise_stddev >= 0, ">= 0"),
            ("latency_s", self.latency_s >= 0, ">= 0"),
        ]
        for name, ok, expected in checks:
            if not ok:
                raise ValueError(f"lidar {name} must be {expected}, got {getattr(self, name)!r}")
        if self.elevations_deg is not None and len(self.elevations_deg) != self.channels:
            raise ValueError(
                f"lidar elevations_deg has {len(self.elevations_deg)} entries for {self.channels} channels"
            )

    @property
    def columns(self) -> int:
        """Fans per sweep."""
        return max(1, round(self.points_per_second / (self.channels * self.rotation_frequency)))

    def elevations_rad(self) -> np.ndarray:
        """Elevation of each channel, top to bottom, rad."""
        if self.elevations_deg is not None:
            return np.radians(np.asarray(self.elevations_deg, dtype=float))
        if self.channels == 1:
            return np.radians(np.array([self.upper_fov]))
        return np.radians(np.linspace(self.upper_fov, self.lower_fov, self.channels))


@dataclass(frozen=True, eq=False)
class LidarScan:
    """One sweep.

    Attributes:
        points: Structured array of :data:`LIDAR_POINT_DTYPE`, in firing order.
        time_s: Firing time of the first fan, s.
        duration_s: Time from the first to the last fan plus one fan interval, s.
        pose: The sensor's pose and motion at ``time_s``.
    """

    points: np.ndarray
    time_s: float
    duration_s: float
    pose: SensorPose


@register_sensor
class Lidar:
    """A rotating lidar; see the module docstring for the model."""

    KIND = "lidar"

    def __init__(self, config: LidarConfig | None = None) -> None:
        self.config = config or LidarConfig()
        c = self.config
        self.rate_hz = c.rotation_frequency
        self.latency_s = c.latency_s
        self.elevations = self.elevations_rad()
        n = c.columns
        step = math.radians(c.horizontal_fov) / n
        self.azimuths = math.radians(c.horizontal_fov) / 2 - (np.arange(n) + 0.5) * step
        self.fan_times = np.arange(n) / (n * c.rotation_frequency)
        ca, sa = np.cos(self.azimuths), np.sin(self.azimuths)
        self._reflectivity = reflectivity_table()
        self._elev_cos = np.cos(self.elevations).astype(np.float32)
        self._elev_sin = np.sin(self.elevations).astype(np.float32)
        self._az_cos = ca.astype(np.float32)
        self._az_sin = sa.astype(np.float32)
        self._fan_times32 = self.fan_times.astype(np.float32)
        self._az_cos64, self._az_sin64 = ca, sa

    def elevations_rad(self) -> np.ndarray:
        """Elevation of each channel, top to bottom, rad."""
        return self.config.elevations_rad()

    @property
    def noise(self) -> tuple[GaussianNoise, ...]:
        """Gaussian range noise along each ray."""
        return (GaussianNoise("range", self.config.noise_stddev, "m"),)

    @property
    def rays_per_sweep(self) -> int:
        """Rays fired per sweep (channels x columns)."""
        return self.config.channels * self.config.columns

    def fans(self, pose: SensorPose) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """World origin ``(C, 3)``, rotation ``(C, 3, 3)`` and time offset ``(C,)`` of each fan."""
        c = self.config
        tau = self.fan_times
        tau_move = tau if c.motion_distortion else np.zeros_like(tau)
        tilt = SensorPose(0, 0, 0, pose.roll, pose.pitch, 0.0).rotation()
        start = np.array([pose.x, pose.y, pose.z, pose.yaw])
        rate = np.array([pose.vx, pose.vy, pose.vz, pose.yaw_rate])
        origin = np.empty((len(tau), 3))
        rot = np.empty((len(tau), 3, 3))
        _fan_frames(start, rate, tilt, tau_move, self._az_cos64, self._az_sin64, origin, rot)
        return origin, rot, tau_move

    def measure(
        self,
        scene: RaycastScene,
        pose: SensorPose,
        time_s: float,
        rng: np.random.Generator,
        *,
        exclude_id: int = -1,
    ) -> LidarScan:
        """Fires one sweep starting at ``time_s`` from ``pose``.

        Args:
            scene: The geometry, with its actors updated to a recent time.
            pose: The sensor's pose and motion at ``time_s``.
            time_s: Start of the sweep, s.
            rng: Source of the noise and drop-off draws.
            exclude_id: Object id the sensor does not see (its own vehicle).
        """
        c = self.config
        origin, rot, tau_move = self.fans(pose)
        hits = scene.cast_fans(
            origin, rot, time_s + tau_move, self.elevations, c.range, exclude_id=exclude_id
        )
        index = _in_range(hits.range, np.float32(c.range))
        n = len(index)
        empty = np.zeros(0, dtype=np.float32)
        general = rng.random(n, dtype=np.float32) if c.dropoff_general_rate > 0 else empty
        by_intensity = c.dropoff_intensity_limit > 0 and c.dropoff_zero_intensity > 0
        weak = rng.random(n, dtype=np.float32) if by_intensity else empty
        alpha = c.dropoff_zero_intensity / c.dropoff_intensity_limit if by_intensity else 0.0
        points = np.empty(n, dtype=LIDAR_POINT_DTYPE)
        count = _emit(
            index, hits.range, hits.object_id, hits.semantic, hits.cos_incidence,
            self._elev_cos, self._elev_sin, self._az_cos, self._az_sin,
            self._fan_times32, np.float32(c.atmosphere_attenuation_rate), self._reflectivity,
            c.material_reflectivity, c.incidence_angle,
            np.float32(c.dropoff_general_rate), general,
            np.float32(c.dropoff_intensity_limit), np.float32(alpha),
            np.float32(1.0 - c.dropoff_zero_intensity), weak,
            points["x"], points["y"], points["z"], points["intensity"], points["time_offset"],
            points["object_id"], points["ring"], points["semantic"],
        )  # fmt: skip
        points = points[:count]
        if c.noise_stddev > 0:
            noise = rng.standard_normal(count, dtype=np.float32)
            _add_range_noise(
                points["x"], points["y"], points["z"], noise, np.float32(c.noise_stddev)
            )
        return LidarScan(points, float(time_s), 1.0 / c.rotation_frequency, pose)


@njit(cache=True)
def _fan_frames(start, rate, tilt, tau, ca, sa, origin, rot):  # noqa: ANN001, ANN202
    """Origin and rotation ``Rz(yaw(tau)) @ tilt @ Rz(azimuth)`` of each fan."""
    f = np.empty((3, 3))
    for c in range(tau.shape[0]):
        t = tau[c]
        for i in range(3):
            origin[c, i] = start[i] + rate[i] * t
            f[i, 0] = tilt[i, 0] * ca[c] + tilt[i, 1] * sa[c]
            f[i, 1] = -tilt[i, 0] * sa[c] + tilt[i, 1] * ca[c]
            f[i, 2] = tilt[i, 2]
        yaw = start[3] + rate[3] * t
        cy, sy = math.cos(yaw), math.sin(yaw)
        for j in range(3):
            rot[c, 0, j] = cy * f[0, j] - sy * f[1, j]
            rot[c, 1, j] = sy * f[0, j] + cy * f[1, j]
            rot[c, 2, j] = f[2, j]


@njit(cache=True)
def _in_range(ranges: np.ndarray, max_range: np.float32) -> np.ndarray:
    """Indices of the rays that hit something within ``max_range``."""
    out = np.empty(ranges.shape[0], dtype=np.int64)
    m = 0
    for i in range(ranges.shape[0]):
        if ranges[i] <= max_range:
            out[m] = i
            m += 1
    return out[:m]


@njit(cache=True)
def _emit(
    index, rng_, obj, sem, cos_inc, ce, se, ca, sa, fan_time, atten, refl, use_refl, use_cos,
    drop_rate, general, limit, alpha, beta, weak, ox, oy, oz, oi, ot, oobj, oring, osem,
):  # fmt: skip  # noqa: ANN001, ANN202
    """Intensity and drop-off of each in-range hit; writes the kept points, returns how many."""
    n_el = ce.shape[0]
    m = 0
    for j in range(index.shape[0]):
        i = index[j]
        if drop_rate > 0.0 and general[j] < drop_rate:
            continue
        r = rng_[i]
        intensity = math.exp(-atten * r)
        if use_refl:
            intensity *= refl[sem[i]]
        if use_cos:
            intensity *= cos_inc[i]
        if alpha > 0.0 and intensity <= limit and not weak[j] < alpha * intensity + beta:
            continue
        c = i // n_el
        k = i - c * n_el
        ox[m] = r * ce[k] * ca[c]
        oy[m] = r * ce[k] * sa[c]
        oz[m] = r * se[k]
        oi[m] = intensity
        ot[m] = fan_time[c]
        oobj[m] = obj[i]
        oring[m] = k
        osem[m] = sem[i]
        m += 1
    return m


@njit(cache=True)
def _add_range_noise(x, y, z, noise, stddev):  # noqa: ANN001, ANN202
    """Moves each point along its ray by ``stddev * noise`` (not past the sensor)."""
    for i in range(x.shape[0]):
        r = math.sqrt(x[i] * x[i] + y[i] * y[i] + z[i] * z[i])
        if r > 0.0:
            f = max(r + stddev * noise[i], 0.0) / r
            x[i] *= f
            y[i] *= f
            z[i] *= f


__all__ = ["LIDAR_POINT_DTYPE", "Lidar", "LidarConfig", "LidarScan", "Semantic"]
