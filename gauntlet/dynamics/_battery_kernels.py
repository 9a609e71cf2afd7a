"""Compiled step of the equivalent-circuit battery, one pack at a time.

:mod:`gauntlet.dynamics.battery` documents the model; this is its only
implementation of the step. The OCV curves of all packs are concatenated:
pack ``i`` uses the break points ``curve_soc[start[i]:stop[i]]`` and the cell
voltages ``curve_v[start[i]:stop[i]]``. Compiled code is cached on disk.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit


@njit(cache=True, error_model="numpy", inline="always")
def cell_ocv(
    soc: float, curve_soc: np.ndarray, curve_v: np.ndarray, start: int, stop: int
) -> float:
    """Piecewise-linear cell OCV at ``soc`` (clipped to the curve's ends), V."""
    x = min(max(soc, curve_soc[start]), curve_soc[stop - 1])
    j = start
    while j < stop - 2 and curve_soc[j + 1] < x:
        j += 1
    x0, x1 = curve_soc[j], curve_soc[j + 1]
    return curve_v[j] + (x - x0) * (curve_v[j + 1] - curve_v[j]) / (x1 - x0)


@njit(cache=True, error_model="numpy")
def step_batch(
    power: np.ndarray, dt: float, decay: np.ndarray, soc: np.ndarray, v1: np.ndarray,
    current: np.ndarray, capacity_c: np.ndarray, r0: np.ndarray, r1: np.ndarray,
    cells: np.ndarray, curve_soc: np.ndarray, curve_v: np.ndarray, start: np.ndarray,
    stop: np.ndarray,
) -> None:  # fmt: skip
    """Draw ``power`` (W, held, negative read as 0) for ``dt`` from every pack, in place.

    ``decay`` is ``e^(-dt / (R1 C1))`` per pack.
    """
    for i in range(power.shape[0]):
        p = max(power[i], 0.0)
        source = cells[i] * cell_ocv(soc[i], curve_soc, curve_v, start[i], stop[i]) - v1[i]
        # The smaller root of (source - R0 I) I = P, written 2P / (V + sqrt(V^2 - 4 R0 P))
        # (exact at R0 = 0); beyond the peak power the peak-power current.
        disc = source * source - 4.0 * r0[i] * p
        if disc > 0.0:
            amps = 2.0 * p / (source + math.sqrt(disc))
        else:
            amps = 0.5 * max(source, 0.0) / r0[i] if r0[i] > 0.0 else 0.0
        v1[i] = v1[i] * decay[i] + r1[i] * amps * (1.0 - decay[i])
        soc[i] = max(soc[i] - amps * dt / capacity_c[i], 0.0)
        current[i] = amps
