"""Inertial measurement unit, and what the GNSS and wheel-odometry models share with it.

Shared pieces:

* :class:`BodyMotion` — what a vehicle's motion gives an inertial sensor beyond
  its :class:`SensorPose`: the world-frame acceleration and the roll and pitch rates.
* :class:`SampleClock` — samples at ``t0 + k / rate_hz`` (``t0`` the first call);
  a call at ``time_s`` returns every sample due since the previous call, so a
  sensor keeps its own rate whatever the simulation step.
* :class:`BiasDrift` — the time-varying part of a bias, in discrete time with
  sample interval ``dt`` (IEEE Std 952-1997; Woodman, *An introduction to
  inertial navigation*, UCAM-CL-TR-696, 2007):

  - random walk: ``b[k+1] = b[k] + K sqrt(dt) w[k]`` (``K`` in units/sqrt(s));
  - bias instability as a first-order Gauss-Markov process of stationary
    standard deviation ``B`` and correlation time ``tau``:
    ``b[k+1] = exp(-dt/tau) b[k] + B sqrt(1 - exp(-2 dt/tau)) w[k]``,
    started in its stationary distribution; ``w[k]`` are unit normals.

The IMU measures, per axis, ``(1 + scale_error) * true + bias + turn_on + drift
+ N sqrt(rate_hz) w``: white noise of density ``N`` (units/sqrt(Hz)) sampled at
``rate_hz`` has standard deviation ``N sqrt(rate_hz)`` per sample. The true
values are, in the body (sensor) frame, x forward, y left, z up:

* specific force ``f = R^T (a - g)`` with ``g = (0, 0, -gravity_mps2)``: a level
  IMU at rest reads ``+g`` on z;
* angular rate from the Euler-angle rates of ``R = Rz(yaw) Ry(pitch) Rx(roll)``:
  ``p = roll' - yaw' sin(pitch)``, ``q = pitch' cos(roll) + yaw' sin(roll) cos(pitch)``,
  ``r = -pitch' sin(roll) + yaw' cos(roll) cos(pitch)``.

The Earth's rotation (15 deg/h) is not modelled.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from gauntlet.sensors.base import GaussianNoise, SensorPose, register_sensor

#: Standard gravity, m/s^2.
STANDARD_GRAVITY = 9.80665


@dataclass(frozen=True)
class BodyMotion:
    """The motion of an inertial sensor beyond its pose.

    Attributes:
        ax, ay, az: Acceleration of the sensor point, world frame, m/s^2.
        roll_rate, pitch_rate: Rates of the roll and pitch angles, rad/s (the yaw
            rate is ``SensorPose.yaw_rate``).
    """

    ax: float = 0.0
    ay: float = 0.0
    az: float = 0.0
    roll_rate: float = 0.0
    pitch_rate: float = 0.0


class SampleClock:
    """Sample times ``t0 + k / rate_hz`` of a sensor, ``t0`` being the first call's time."""

    def __init__(self, rate_hz: float) -> None:
        if not rate_hz > 0:
            raise ValueError(f"rate_hz must be > 0, got {rate_hz}")
        self.rate_hz = rate_hz
        self.reset()

    def reset(self) -> None:
        """Forget the start time."""
        self._t0: float | None = None
        self._next = 0

    def due(self, time_s: float) -> np.ndarray:
        """Times of the samples due in ``(previous call, time_s]`` (the first call gives one)."""
        if self._t0 is None:
            self._t0 = float(time_s)
        # A sample counts as due up to 1 ns early, so float steps that land on it take it.
        last = math.floor((time_s - self._t0) * self.rate_hz + 1e-9 * self.rate_hz)
        k = np.arange(self._next, last + 1)
        self._next = max(self._next, last + 1)
        return self._t0 + k / self.rate_hz


class BiasDrift:
    """Gauss-Markov bias instability plus a random walk on ``dims`` axes; see the module docstring.

    Args:
        instability: Stationary standard deviation ``B`` per axis (0: none).
        correlation_time_s: ``tau`` of the Gauss-Markov term, s.
        random_walk: ``K`` per axis, units/sqrt(s) (0: none).
    """

    def __init__(
        self, instability: np.ndarray, correlation_time_s: float, random_walk: np.ndarray
    ) -> None:
        self.instability = np.asarray(instability, dtype=float)
        self.tau = correlation_time_s
        self.random_walk = np.asarray(random_walk, dtype=float)
        self.gm = np.zeros_like(self.instability)
        self.rw = np.zeros_like(self.instability)

    def start(self, rng: np.random.Generator) -> None:
        """Draw the Gauss-Markov state from its stationary distribution; the walk starts at 0."""
        self.rw[:] = 0.0
        self.gm[:] = self.instability * rng.standard_normal(self.gm.shape)

    def advance(self, dt: float, k: int, rng: np.random.Generator) -> np.ndarray:
        """The drift at ``k`` successive samples, each ``dt`` after the one before, ``(k, dims)``."""
        dims = len(self.gm)
        gm = np.zeros((k, dims))
        if self.instability.any():
            w = rng.standard_normal((k, dims))
            phi = math.exp(-dt / self.tau)
            q = self.instability * math.sqrt(1.0 - phi * phi)
            for i in range(k):
                self.gm = phi * self.gm + q * w[i]
                gm[i] = self.gm
        rw = np.zeros((k, dims))
        if self.random_walk.any():
            steps = self.random_walk * math.sqrt(dt) * rng.standard_normal((k, dims))
            rw = self.rw + np.cumsum(steps, axis=0)
            self.rw = rw[-1].copy()
        else:
            rw += self.rw
        return gm + rw


@dataclass(frozen=True)
class InertialNoise:
    """Errors of one IMU triad (accelerometers or gyroscopes), the same on each axis.

    Units are the triad's: m/s^2 for accelerometers, rad/s for gyroscopes.

    Attributes:
        noise_density: White-noise density ``N``, units/sqrt(Hz) (velocity or angle random walk).
        bias: Constant bias of each axis (x, y, z).
        turn_on_sigma: Standard deviation of a bias drawn at the first sample (run-to-run).
        bias_instability: Stationary standard deviation of the Gauss-Markov bias.
        correlation_time_s: Its correlation time, s.
        random_walk: Bias random walk ``K``, units/sqrt(s) (rate or acceleration random walk).
        scale_error: Relative scale-factor error.
    """

    noise_density: float = 0.0
    bias: tuple[float, float, float] = (0.0, 0.0, 0.0)
    turn_on_sigma: float = 0.0
    bias_instability: float = 0.0
    correlation_time_s: float = 100.0
    random_walk: float = 0.0
    scale_error: float = 0.0

    def __post_init__(self) -> None:
        for name in ("noise_density", "turn_on_sigma", "bias_instability", "random_walk"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0, got {getattr(self, name)}")
        if not self.correlation_time_s > 0:
            raise ValueError(f"correlation_time_s must be > 0, got {self.correlation_time_s}")


@dataclass(frozen=True)
class ImuConfig:
    """An IMU.

    Attributes:
        rate_hz: Samples per second.
        latency_s: Delay from a sample to its delivery, s.
        accel: Accelerometer errors (m/s^2).
        gyro: Gyroscope errors (rad/s).
        gravity_mps2: Magnitude of gravity, m/s^2.
    """

    rate_hz: float = 100.0
    latency_s: float = 0.0
    accel: InertialNoise = field(default_factory=InertialNoise)
    gyro: InertialNoise = field(default_factory=InertialNoise)
    gravity_mps2: float = STANDARD_GRAVITY


#: One IMU sample: time_s (s, sample time); accel_*: specific force, body frame, m/s^2;
#: gyro_*: angular rate, body frame, rad/s. Body frame: x forward, y left, z up.
IMU_SAMPLE_DTYPE = np.dtype(
    [
        ("time_s", "<f8"),
        ("accel_x", "<f4"),
        ("accel_y", "<f4"),
        ("accel_z", "<f4"),
        ("gyro_x", "<f4"),
        ("gyro_y", "<f4"),
        ("gyro_z", "<f4"),
    ]
)


def true_specific_force(motion: BodyMotion, pose: SensorPose, gravity_mps2: float) -> np.ndarray:
    """``R^T (a - g)`` in the body frame, m/s^2."""
    f_world = np.array([motion.ax, motion.ay, motion.az + gravity_mps2])
    return pose.rotation().T @ f_world


def true_angular_rate(motion: BodyMotion, pose: SensorPose) -> np.ndarray:
    """Body-frame angular rate from the Euler-angle rates, rad/s."""
    sr, cr = math.sin(pose.roll), math.cos(pose.roll)
    sp, cp = math.sin(pose.pitch), math.cos(pose.pitch)
    dr, dp, dy = motion.roll_rate, motion.pitch_rate, pose.yaw_rate
    return np.array([dr - dy * sp, dp * cr + dy * sr * cp, -dp * sr + dy * cr * cp])


class _Triad:
    """The error state of one triad."""

    def __init__(self, noise: InertialNoise, rate_hz: float) -> None:
        self.noise = noise
        self.white = noise.noise_density * math.sqrt(rate_hz)
        self.drift = BiasDrift(
            np.full(3, noise.bias_instability),
            noise.correlation_time_s,
            np.full(3, noise.random_walk),
        )
        self.turn_on = np.zeros(3)

    def start(self, rng: np.random.Generator) -> None:
        self.turn_on = self.noise.turn_on_sigma * rng.standard_normal(3)
        self.drift.start(rng)

    def measure(self, true: np.ndarray, dt: float, k: int, rng: np.random.Generator) -> np.ndarray:
        bias = np.asarray(self.noise.bias) + self.turn_on + self.drift.advance(dt, k, rng)
        white = self.white * rng.standard_normal((k, 3)) if self.white > 0 else 0.0
        return (1.0 + self.noise.scale_error) * true + bias + white


@register_sensor
class Imu:
    """A strapdown IMU; see the module docstring. Keeps its bias state between calls."""

    KIND = "imu"

    def __init__(self, config: ImuConfig | None = None) -> None:
        self.config = config or ImuConfig()
        self.rate_hz = self.config.rate_hz
        self.latency_s = self.config.latency_s
        self.clock = SampleClock(self.rate_hz)
        self._accel = _Triad(self.config.accel, self.rate_hz)
        self._gyro = _Triad(self.config.gyro, self.rate_hz)
        self._started = False

    @property
    def noise(self) -> tuple[GaussianNoise, ...]:
        """White noise per sample of the accelerometers and gyroscopes."""
        return (
            GaussianNoise("specific force", self._accel.white, "m/s^2"),
            GaussianNoise("angular rate", self._gyro.white, "rad/s"),
        )

    def reset(self) -> None:
        """Start again: a new turn-on bias and sample clock at the next call."""
        self.clock.reset()
        self._started = False

    def measure(
        self, scene: BodyMotion | None, pose: SensorPose, time_s: float, rng: np.random.Generator
    ) -> np.ndarray:
        """The samples due since the last call, at the motion given (held over the interval).

        Returns a structured array of :data:`IMU_SAMPLE_DTYPE` (possibly empty).
        """
        motion = scene or BodyMotion()
        times = self.clock.due(time_s)
        out = np.empty(len(times), dtype=IMU_SAMPLE_DTYPE)
        if len(times) == 0:
            return out
        if not self._started:
            self._accel.start(rng)
            self._gyro.start(rng)
            self._started = True
        dt = 1.0 / self.rate_hz
        f = self._accel.measure(
            true_specific_force(motion, pose, self.config.gravity_mps2), dt, len(times), rng
        )
        w = self._gyro.measure(true_angular_rate(motion, pose), dt, len(times), rng)
        out["time_s"] = times
        for i, axis in enumerate("xyz"):
            out[f"accel_{axis}"] = f[:, i]
            out[f"gyro_{axis}"] = w[:, i]
        return out
