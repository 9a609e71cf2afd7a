"""Compiled wind sample: mean profile and Dryden shaping filters, one drone at a time.

:mod:`gauntlet.dynamics.wind` documents the model; this is its only
implementation of the per-step update. The unit white noise comes in from the
caller (drawn in blocks from the field's seeded generator), so the kernel
itself holds no randomness. Compiled code is cached on disk.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

#: Metres per foot.
FT_M = 0.3048
#: MIL-F-8785C's low-altitude laws are evaluated no lower than 10 ft.
MIN_HEIGHT_FT = 10.0
_SQRT3 = math.sqrt(3.0)

# Mean-wind table: speed at 10 m (m/s), cos and sin of the direction, roughness
# length z0 (m), 1 / ln(10 / z0), shear exponent (used when POWER_LAW is 1),
# and sigma_w = 0.1 W20 (m/s).
SPEED_10M, COS_DIR, SIN_DIR, Z0, INV_LOG_10_Z0, SHEAR, POWER_LAW, SIGMA_W = range(8)
MEAN_SIZE = 8


@njit(cache=True, error_model="numpy", inline="always")
def mean_speed(mean: np.ndarray, z: float) -> float:
    """Mean wind speed at height ``z`` (log law, or power law), m/s."""
    if mean[POWER_LAW] > 0.0:
        return mean[SPEED_10M] * (max(z, 0.0) / 10.0) ** mean[SHEAR]
    z0 = mean[Z0]
    return mean[SPEED_10M] * math.log(max(z, z0) / z0) * mean[INV_LOG_10_Z0]


@njit(cache=True, error_model="numpy")
def sample_batch(
    position: np.ndarray, velocity: np.ndarray, mean: np.ndarray, turbulence: bool,
    u: np.ndarray, stages: np.ndarray, noise: np.ndarray, dt: float, out: np.ndarray,
) -> None:  # fmt: skip
    """Wind ``(n, 3)`` at the drones into ``out``, advancing the shaping filters by ``dt``.

    Args:
        position: Drone positions ``(n, 3)``, m (z is the height above ground).
        velocity: Drone velocities ``(n, 3)``, m/s.
        mean: The mean-wind table (``MEAN_SIZE``).
        turbulence: Whether to add (and advance) the Dryden turbulence.
        u: Along-wind filter state ``(n,)``, m/s.
        stages: First and second stages of the v and w filters ``(4, n)``.
        noise: Unit white noise of this step ``(3, n)`` (u, v, w).
        dt: Step length, s.
        out: World-frame wind ``(n, 3)``, m/s.
    """
    c, s = mean[COS_DIR], mean[SIN_DIR]
    sigma_w = mean[SIGMA_W]
    for i in range(position.shape[0]):
        z = position[i, 2]
        speed = mean_speed(mean, z)
        wx = speed * c
        wy = speed * s
        wz = 0.0
        if turbulence:
            rx = wx - velocity[i, 0]
            ry = wy - velocity[i, 1]
            inv_v = 1.0 / max(math.sqrt(rx * rx + ry * ry), 1.0)
            h_ft = max(z / FT_M, MIN_HEIGHT_FT)
            # (0.177 + 0.000823 h)^-0.4, and its cube for the ^-1.2 of L_uv.
            shrink = math.exp(-0.4 * math.log(0.177 + 0.000823 * h_ft))
            sigma_uv = sigma_w * shrink
            t_uv = h_ft * FT_M * shrink * shrink * shrink * inv_v
            t_w = h_ft * FT_M * inv_v
            a_uv = math.exp(-dt / t_uv)
            a_w = math.exp(-dt / t_w)
            # u: exact Gauss-Markov update.
            u[i] = a_uv * u[i] + sigma_uv * math.sqrt(1.0 - a_uv * a_uv) * noise[0, i]
            # v and w: two first-order stages driven by white noise of intensity
            # sigma^2 T held over the step (sample variance sigma^2 T / dt).
            drive = sigma_uv * math.sqrt(t_uv / dt) * noise[1, i]
            first = a_uv * stages[0, i] + (1.0 - a_uv) * drive
            second = a_uv * stages[1, i] + (1.0 - a_uv) * first
            stages[0, i], stages[1, i] = first, second
            gust_v = second + _SQRT3 * (first - second)
            drive = sigma_w * math.sqrt(t_w / dt) * noise[2, i]
            first = a_w * stages[2, i] + (1.0 - a_w) * drive
            second = a_w * stages[3, i] + (1.0 - a_w) * first
            stages[2, i], stages[3, i] = first, second
            wx += c * u[i] - s * gust_v
            wy += s * u[i] + c * gust_v
            wz = second + _SQRT3 * (first - second)
        out[i, 0] = wx
        out[i, 1] = wy
        out[i, 2] = wz
