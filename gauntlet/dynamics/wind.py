"""Wind: mean wind by Beaufort level with an altitude profile, Dryden turbulence, 1-cosine gusts.

**Mean wind.** The Beaufort scale gives the mean wind speed 10 m above open
ground (WMO, *Manual on Codes*, WMO-No. 306; and the WMO Guide to
Instruments, WMO-No. 8): level 7 ("near gale") is 13.9-17.1 m/s.
:func:`beaufort_speed_mps` returns the middle of a level's band. With height
the speed follows the logarithmic law ``u(z) = u10 ln(z / z0) / ln(10 / z0)``
(roughness length ``z0``, 0.03 m for open terrain) or, when a shear exponent
``alpha`` is given, the power law ``u(z) = u10 (z / 10)^alpha``; below
``z0`` (or at ``z <= 0``) the speed is 0.

**Turbulence** (MIL-F-8785C, low altitude, h < 1000 ft). With ``h`` the height
in feet (at least 10 ft) and ``W20`` the mean wind at 20 ft (6.1 m), in ft/s:

    sigma_w = 0.1 W20,   sigma_u = sigma_v = sigma_w / (0.177 + 0.000823 h)^0.4
    L_w = h,             L_u = L_v = h / (0.177 + 0.000823 h)^1.2

in the frame u along the mean wind, v across it (to its left), w up. Taylor's
frozen-turbulence hypothesis with the speed ``V`` at which air passes the
drone, ``V = max(|mean wind - drone velocity|, 1 m/s)``, turns the Dryden
spectra into time filters with ``T = L / V``:

    u: sigma sqrt(2T) / (1 + T s)                   (exact Gauss-Markov update)
    v, w: sigma sqrt(T) (1 + sqrt(3) T s) / (1 + T s)^2

driven by unit white noise; each first-order stage is discretised with its
exact decay and a noise sample held over the step (the variance is exact as
``dt / T -> 0``; the error is below 1 % for ``dt / T < 0.02``). Each drone has
its own filters (no spatial correlation between drones).

**Gusts**: the 1-cosine shape ``A (1 - cos(pi t / t_rise)) / 2`` rising over
``rise_s``, held for ``hold_s``, and falling the same way (MIL-F-8785C's
discrete gust, in time rather than distance).

All randomness comes from the ``numpy.random.Generator`` passed in, so a wind
field is deterministic under its seed. The field draws the filters' white
noise from it in blocks of many steps (one call instead of one per step); a
block holds exactly the numbers the per-step draws would, so the samples do
not depend on the block size. The generator should belong to the field alone:
other draws from it would land between blocks rather than between steps.
The per-step update is compiled (:mod:`gauntlet.dynamics._wind_kernels`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from gauntlet.dynamics import _wind_kernels as wk

_FT = wk.FT_M
#: White-noise values drawn from the generator per block (rounded to whole steps).
NOISE_BLOCK_VALUES = 1 << 14

#: WMO Beaufort bands, m/s at 10 m: ``(low, high)`` for levels 0..12 (12 is open-ended).
BEAUFORT_BANDS_MPS = (
    (0.0, 0.2), (0.3, 1.5), (1.6, 3.3), (3.4, 5.4), (5.5, 7.9), (8.0, 10.7), (10.8, 13.8),
    (13.9, 17.1), (17.2, 20.7), (20.8, 24.4), (24.5, 28.4), (28.5, 32.6), (32.7, 40.0),
)  # fmt: skip


def beaufort_speed_mps(level: int) -> float:
    """Middle of the WMO band of Beaufort ``level`` (0-12), m/s at 10 m (level 12: 32.7)."""
    if not 0 <= level <= 12:
        raise ValueError(f"Beaufort level must be 0..12, got {level}")
    low, high = BEAUFORT_BANDS_MPS[level]
    return low if level == 12 else 0.5 * (low + high)


@dataclass(frozen=True)
class MeanWind:
    """Steady horizontal wind with a height profile.

    Attributes:
        speed_mps: Speed 10 m above ground, m/s.
        direction_rad: Direction the air moves *towards*, counter-clockwise
            from east, rad (a wind from the west has 0).
        roughness_length_m: ``z0`` of the logarithmic law, m.
        shear_exponent: If set, the power law with this exponent replaces the log law.
    """

    speed_mps: float = 0.0
    direction_rad: float = 0.0
    roughness_length_m: float = 0.03
    shear_exponent: float | None = None

    def __post_init__(self) -> None:
        if not (math.isfinite(self.speed_mps) and self.speed_mps >= 0.0):
            raise ValueError(f"MeanWind.speed_mps must be >= 0, got {self.speed_mps!r}")
        if not self.roughness_length_m > 0.0:
            raise ValueError("MeanWind.roughness_length_m must be > 0")

    @classmethod
    def beaufort(cls, level: int, direction_rad: float = 0.0) -> MeanWind:
        """Mean wind at the middle of Beaufort ``level``."""
        return cls(beaufort_speed_mps(level), direction_rad)

    def speed_at(self, height_m: np.ndarray | float) -> np.ndarray:
        """Mean wind speed at ``height_m`` above ground, m/s."""
        z = np.asarray(height_m, dtype=np.float64)
        if self.shear_exponent is not None:
            return self.speed_mps * (np.maximum(z, 0.0) / 10.0) ** self.shear_exponent
        z0 = self.roughness_length_m
        ratio = np.log(np.maximum(z, z0) / z0) / math.log(10.0 / z0)
        return self.speed_mps * ratio

    def velocity_at(self, height_m: np.ndarray) -> np.ndarray:
        """Mean wind velocity ``(n, 3)`` at heights ``(n,)``, m/s (ENU)."""
        speed = self.speed_at(height_m)
        out = np.zeros((speed.shape[0], 3))
        out[:, 0] = speed * math.cos(self.direction_rad)
        out[:, 1] = speed * math.sin(self.direction_rad)
        return out


def dryden_low_altitude(
    height_m: np.ndarray, wind_20ft_mps: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """MIL-F-8785C low-altitude intensities and scale lengths, SI.

    Args:
        height_m: Height above ground, m (evaluated no lower than 10 ft).
        wind_20ft_mps: Mean wind speed at 20 ft (6.1 m), m/s.

    Returns:
        ``(sigma_uv, sigma_w, L_uv, L_w)`` in m/s and m.
    """
    h = np.maximum(np.asarray(height_m, dtype=np.float64) / _FT, 10.0)
    base = 0.177 + 0.000823 * h
    sigma_w = 0.1 * np.asarray(wind_20ft_mps, dtype=np.float64)
    return sigma_w / base**0.4, sigma_w, h / base**1.2 * _FT, h * _FT


@dataclass(frozen=True)
class Gust:
    """A discrete 1-cosine gust, the same for every drone.

    Attributes:
        start_s: Time the gust begins, s.
        rise_s: Time to build up (and to die away), s.
        hold_s: Time at full amplitude, s.
        amplitude_mps: Gust velocity at full amplitude, world ENU, m/s.
    """

    start_s: float
    rise_s: float
    hold_s: float
    amplitude_mps: tuple[float, float, float]

    def velocity_at(self, time_s: float) -> np.ndarray:
        """Gust velocity ``(3,)`` at ``time_s``, m/s."""
        t = time_s - self.start_s
        if t <= 0.0 or t >= 2.0 * self.rise_s + self.hold_s:
            share = 0.0
        elif t < self.rise_s:
            share = 0.5 * (1.0 - math.cos(math.pi * t / self.rise_s))
        elif t <= self.rise_s + self.hold_s:
            share = 1.0
        else:
            fall = t - self.rise_s - self.hold_s
            share = 0.5 * (1.0 + math.cos(math.pi * fall / self.rise_s))
        return share * np.asarray(self.amplitude_mps, dtype=np.float64)


class GustSource(Protocol):
    """Anything that gives a gust velocity, the same for every drone, at a time."""

    def velocity_at(self, time_s: float) -> np.ndarray:
        """Gust velocity ``(3,)`` at ``time_s``, m/s (world ENU)."""
        ...


class WindField:
    """Wind for a batch of drones: mean + Dryden turbulence + gusts.

    Args:
        size: Number of drones.
        mean: The mean wind.
        rng: Generator for the turbulence (deterministic under its seed; the
            field's own, see the module notes on noise blocks).
        turbulence: Whether to add Dryden turbulence.
        gusts: Discrete gusts (:class:`Gust`, or any :class:`GustSource`).
    """

    def __init__(
        self,
        size: int,
        mean: MeanWind,
        rng: np.random.Generator,
        *,
        turbulence: bool = True,
        gusts: Sequence[GustSource] = (),
    ) -> None:
        self.size = size
        self.mean = mean
        self.rng = rng
        self.turbulence = turbulence
        self.gusts = tuple(gusts)
        #: Filter states: u, then (first stage, second stage) of v and w.
        self._u = np.zeros(size)
        self._stages = np.zeros((4, size))
        self._started = False
        self._mean_table = np.zeros(wk.MEAN_SIZE)
        t = self._mean_table
        t[wk.SPEED_10M] = mean.speed_mps
        t[wk.COS_DIR], t[wk.SIN_DIR] = math.cos(mean.direction_rad), math.sin(mean.direction_rad)
        t[wk.Z0] = mean.roughness_length_m
        t[wk.INV_LOG_10_Z0] = 1.0 / math.log(10.0 / mean.roughness_length_m)
        t[wk.POWER_LAW] = float(mean.shear_exponent is not None)
        t[wk.SHEAR] = mean.shear_exponent or 0.0
        t[wk.SIGMA_W] = 0.1 * float(mean.speed_at(20.0 * _FT))
        self._noise = np.zeros((0, 3, size))
        self._noise_row = 0
        self._calm_noise = np.zeros((3, size))

    @property
    def turbulent(self) -> bool:
        """Whether the samples carry Dryden turbulence (on, and a mean wind to scale it)."""
        return self.turbulence and self.mean.speed_mps > 0.0

    def _start(self, height_m: np.ndarray) -> None:
        # Draw the initial state from the stationary distribution (no warm-up transient).
        sigma_uv, sigma_w, _, _ = dryden_low_altitude(height_m, self.mean.speed_at(20.0 * _FT))
        self._u = sigma_uv * self.rng.standard_normal(self.size)
        # Stage spreads sigma / sqrt(2) and sigma / 2 (their correlation is ignored).
        spread = np.array([math.sqrt(0.5), 0.5, math.sqrt(0.5), 0.5])[:, None]
        self._stages = spread * self.rng.standard_normal((4, self.size))
        self._stages[:2] *= sigma_uv
        self._stages[2:] *= sigma_w
        self._started = True

    def _next_noise(self) -> np.ndarray:
        """This step's unit white noise ``(3, n)``, from the current block."""
        if self._noise_row == len(self._noise):
            steps = max(1, NOISE_BLOCK_VALUES // (3 * max(self.size, 1)))
            self._noise = self.rng.standard_normal((steps, 3, self.size))
            self._noise_row = 0
        noise = self._noise[self._noise_row]
        self._noise_row += 1
        return noise

    def sample(
        self,
        position_m: np.ndarray,
        velocity_mps: np.ndarray,
        time_s: float,
        dt: float,
        out: np.ndarray | None = None,
    ) -> np.ndarray:
        """Wind velocity ``(n, 3)`` at the drones, advancing the turbulence by ``dt``.

        Args:
            position_m: Drone positions ``(n, 3)`` (z is the height above ground), m.
            velocity_mps: Drone velocities ``(n, 3)``, m/s.
            time_s: Simulation time (for gusts), s.
            dt: Time since the last sample, s.
            out: Array ``(n, 3)`` to write the wind into (default a new one).
        """
        position_m = np.asarray(position_m, dtype=np.float64)
        velocity_mps = np.asarray(velocity_mps, dtype=np.float64)
        if out is None:
            out = np.empty((self.size, 3))
        turbulent = self.turbulent
        if turbulent:
            if not self._started:
                self._start(position_m[:, 2])
            noise = self._next_noise()
        else:
            noise = self._calm_noise
        wk.sample_batch(
            position_m, velocity_mps, self._mean_table, turbulent, self._u, self._stages,
            noise, dt, out,
        )  # fmt: skip
        for gust in self.gusts:
            out += gust.velocity_at(time_s)
        return out
