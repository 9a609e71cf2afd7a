"""The observation vector's ego, route and object entries as one compiled loop.

It performs the arithmetic of the layout in :mod:`gauntlet.envs.observation`
per entry, in scalar form, without the many small temporaries that dominate
the cost of the array form for the handful of actors near an ego. Compiled
with numba and cached on disk after the first run.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit


@njit(cache=True)
def fill_observation(
    raw: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    h: np.ndarray,
    v: np.ndarray,
    ego: int,
    others: np.ndarray,
    length: np.ndarray,
    width: np.ndarray,
    path_s: np.ndarray,
    path_x: np.ndarray,
    path_y: np.ndarray,
    route_s: float,
    lookahead: np.ndarray,
    route_start: int,
    objects_start: int,
    mask_start: int,
    k_objects: int,
    features: int,
    range_m: float,
    taken: np.ndarray,
) -> None:
    """Write the ``ROUTE``, ``OBJECTS`` and ``MASK`` entries of ``raw`` (float64).

    Args:
        raw: The observation being built, shape ``(OBS_SIZE,)``.
        x, y, h, v: Every actor's position m, heading rad and speed m/s.
        ego: The ego's actor index.
        others: Actor indices of the other actors, in order.
        length, width: Box sizes of ``others``, m.
        path_s, path_x, path_y: The ego's route samples.
        route_s: The ego's position along the route, m.
        lookahead: Route distances ahead of the ego to report, m.
        route_start, objects_start, mask_start: Offsets of those slices in ``raw``.
        k_objects, features: Object rows and features per row.
        range_m: Objects at or beyond this distance are not reported, m.
        taken: Scratch, one flag per entry of ``others``.
    """
    ex, ey, eh = x[ego], y[ego], h[ego]
    c, s = math.cos(eh), math.sin(eh)
    last = len(path_s) - 1
    for j in range(len(lookahead)):
        k = min(np.searchsorted(path_s, route_s + lookahead[j]), last)
        dx, dy = path_x[k] - ex, path_y[k] - ey
        raw[route_start + 2 * j] = c * dx + s * dy
        raw[route_start + 2 * j + 1] = -s * dx + c * dy
    raw[objects_start : mask_start + k_objects] = 0.0
    n = len(others)
    taken[:n] = False
    limit = range_m * range_m
    for row in range(k_objects):
        # The nearest not yet taken; ties go to the earlier actor (a stable sort's order).
        best, best_d2 = -1, limit
        for m in range(n):
            if taken[m]:
                continue
            o = others[m]
            dx, dy = x[o] - ex, y[o] - ey
            d2 = dx * dx + dy * dy
            if d2 < best_d2:
                best, best_d2 = m, d2
        if best < 0:
            break
        taken[best] = True
        o = others[best]
        dx, dy = x[o] - ex, y[o] - ey
        dh = h[o] - eh
        cos_dh, sin_dh = math.cos(dh), math.sin(dh)
        at = objects_start + row * features
        raw[at] = c * dx + s * dy
        raw[at + 1] = -s * dx + c * dy
        # Velocity relative to the ego, in the ego frame.
        raw[at + 2] = v[o] * cos_dh - v[ego]
        raw[at + 3] = v[o] * sin_dh
        raw[at + 4] = cos_dh
        raw[at + 5] = sin_dh
        raw[at + 6] = length[best]
        raw[at + 7] = width[best]
        raw[mask_start + row] = 1.0
