"""Irregular sea waves from a JONSWAP spectrum, for surface-vessel disturbances.

The spectrum is the JONSWAP form of DNV-RP-C205 (2010), section 3.5.5:

    S(w) = A_g * 5/16 * Hs^2 * wp^4 * w^-5 * exp(-5/4 (w/wp)^-4) * g^exp(-(w-wp)^2 / (2 s^2 wp^2))

with ``wp = 2 pi / Tp``, peak enhancement ``g`` (gamma, 3.3 for the mean
North Sea), ``s = 0.07`` below the peak and ``0.09`` above it, and the
normalising factor ``A_g = 1 - 0.287 ln(g)``, so that ``4 sqrt(m0)`` is ``Hs``
within about 1 %. A :class:`WaveField` realises the spectrum as a sum of
long-crested deep-water components with phases drawn from a seeded generator;
it returns the surface elevation and its gradient (slope) at any positions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gauntlet.dynamics.tyres import GRAVITY_MPS2

#: Density of sea water, kg/m^3.
RHO_WATER = 1025.0


def jonswap_spectrum(
    omega_radps: np.ndarray, hs_m: float, tp_s: float, gamma: float = 3.3
) -> np.ndarray:
    """JONSWAP wave spectrum ``S(w)`` in m^2 s/rad at angular frequencies ``omega_radps``.

    Args:
        omega_radps: Angular frequencies, rad/s (> 0).
        hs_m: Significant wave height, m.
        tp_s: Peak period, s.
        gamma: Peak enhancement factor (1 gives Pierson-Moskowitz).
    """
    if not (hs_m >= 0.0 and tp_s > 0.0 and gamma >= 1.0):
        raise ValueError(
            f"jonswap_spectrum: need hs_m >= 0, tp_s > 0, gamma >= 1; got {hs_m}, {tp_s}, {gamma}"
        )
    w = np.asarray(omega_radps, dtype=np.float64)
    wp = 2.0 * math.pi / tp_s
    sigma = np.where(w <= wp, 0.07, 0.09)
    a_gamma = 1.0 - 0.287 * math.log(gamma)
    pm = 5.0 / 16.0 * hs_m**2 * wp**4 * w**-5.0 * np.exp(-1.25 * (w / wp) ** -4.0)
    peak = gamma ** np.exp(-((w - wp) ** 2) / (2.0 * sigma**2 * wp**2))
    return a_gamma * pm * peak


def spectral_moment(omega_radps: np.ndarray, spectrum: np.ndarray, order: int = 0) -> float:
    """The ``order``-th spectral moment ``m_k = integral w^k S(w) dw`` (trapezoid rule)."""
    return float(np.trapezoid(omega_radps**order * spectrum, omega_radps))


@dataclass(frozen=True)
class SeaState:
    """A long-crested irregular sea.

    Attributes:
        hs_m: Significant wave height, m (0: calm).
        tp_s: Peak period, s.
        gamma: JONSWAP peak enhancement factor.
        direction_rad: Direction the waves travel *towards*, counter-clockwise from east, rad.
        components: Number of sinusoidal components of the realisation.
    """

    hs_m: float = 0.0
    tp_s: float = 6.0
    gamma: float = 3.3
    direction_rad: float = 0.0
    components: int = 24

    def __post_init__(self) -> None:
        if self.hs_m < 0.0 or self.tp_s <= 0.0 or self.gamma < 1.0 or self.components < 1:
            raise ValueError(f"SeaState: bad parameters {self!r}")


class WaveField:
    """One realisation of a :class:`SeaState`: elevation and slope at positions and times.

    Components are spaced evenly over ``[0.5, 3] * wp`` (which holds about
    97 % of the spectrum's energy for gamma = 3.3); each has amplitude
    ``sqrt(2 S(w) dw)``, the deep-water wave number ``w^2 / g`` and a random
    phase from ``rng``.
    """

    def __init__(self, sea: SeaState, rng: np.random.Generator) -> None:
        self.sea = sea
        wp = 2.0 * math.pi / sea.tp_s
        n = sea.components
        edges = np.linspace(0.5 * wp, 3.0 * wp, n + 1)
        self.omega_radps = 0.5 * (edges[1:] + edges[:-1])
        d_omega = edges[1] - edges[0]
        spectrum = jonswap_spectrum(self.omega_radps, sea.hs_m, sea.tp_s, sea.gamma)
        self.amplitude_m = np.sqrt(2.0 * spectrum * d_omega)
        self.wavenumber_radpm = self.omega_radps**2 / GRAVITY_MPS2
        self.phase_rad = rng.uniform(0.0, 2.0 * math.pi, n)
        self.direction = np.array([math.cos(sea.direction_rad), math.sin(sea.direction_rad)])
        #: Slope amplitude of each component ``a_k k_k`` (dimensionless).
        self._slope_amplitude = self.amplitude_m * self.wavenumber_radpm

    @property
    def calm(self) -> bool:
        """Whether the sea is flat."""
        return self.sea.hs_m == 0.0

    def _arguments(self, xy_m: np.ndarray, time_s: float) -> np.ndarray:
        along = xy_m @ self.direction
        return (
            self.omega_radps[None, :] * time_s
            - self.wavenumber_radpm[None, :] * along[:, None]
            + self.phase_rad[None, :]
        )

    def elevation(self, xy_m: np.ndarray, time_s: float) -> np.ndarray:
        """Surface elevation ``(n,)`` at positions ``xy_m`` ``(n, 2)``, m."""
        return np.cos(self._arguments(xy_m, time_s)) @ self.amplitude_m

    def slope(self, xy_m: np.ndarray, time_s: float) -> np.ndarray:
        """Surface gradient ``(n, 2)`` (dimensionless) at positions ``xy_m`` ``(n, 2)``."""
        if self.calm:
            return np.zeros((len(xy_m), 2))
        s = np.sin(self._arguments(xy_m, time_s)) @ self._slope_amplitude
        return s[:, None] * self.direction[None, :]

    def mean_drift_force_n(self, beam_m: float, coefficient: float = 0.1) -> np.ndarray:
        """Mean second-order drift force on a hull of beam ``beam_m``, world frame ``(2,)``, N.

        ``F = 0.5 rho g B C sum(a_k^2)`` in the wave direction; ``C`` is the
        reflection coefficient of the hull (small for a hull much shorter than
        the waves).
        """
        magnitude = (
            0.5
            * RHO_WATER
            * GRAVITY_MPS2
            * beam_m
            * coefficient
            * float(np.sum(self.amplitude_m**2))
        )
        return magnitude * self.direction
