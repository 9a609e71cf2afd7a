"""Compiled inner loops of the driver model.

Each function here is a plain loop over actors (or pairs) that numpy would
express as a dozen temporary ``(n, m)`` arrays; compiled, it runs in a few
microseconds. They are the only implementation: results are deterministic and
identical on every machine. Compiled code is cached next to this file, so
only the first run on a machine pays for compilation.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

INF = np.inf


@njit(cache=True)
def project_on_paths(
    first: np.ndarray,
    last_segment: np.ndarray,
    ds: float,
    ps: np.ndarray,
    px: np.ndarray,
    py: np.ndarray,
    ph: np.ndarray,
    slots: np.ndarray,
    s_guess: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Foot point of each point on its slot's uniformly sampled path.

    Returns path ``s``, lateral offset (left positive) and the flat index of
    the segment start. Starting from the guess, the point is projected on the
    segment it falls in and moved to the neighbouring segment until the foot
    point lies inside one (at most 8 moves).
    """
    n = slots.shape[0]
    s_out = np.empty(n)
    lat_out = np.empty(n)
    idx_out = np.empty(n, dtype=np.int64)
    for k in range(n):
        slot = slots[k]
        last = last_segment[slot]
        seg = int(max(s_guess[k], 0.0) / ds)
        seg = min(max(seg, 0), last)
        for _ in range(8):
            i = first[slot] + seg
            c = math.cos(ph[i])
            sn = math.sin(ph[i])
            dx = x[k] - px[i]
            dy = y[k] - py[i]
            along = dx * c + dy * sn
            length = ps[i + 1] - ps[i]
            if along < 0.0 and seg > 0:
                seg -= 1
            elif along > length and seg < last:
                seg += 1
            else:
                break
        i = first[slot] + seg
        c = math.cos(ph[i])
        sn = math.sin(ph[i])
        dx = x[k] - px[i]
        dy = y[k] - py[i]
        s_out[k] = ps[i] + dx * c + dy * sn
        lat_out[k] = -dx * sn + dy * c
        idx_out[k] = i
    return s_out, lat_out, idx_out


@njit(cache=True)
def nearest_ahead(
    entry: np.ndarray,
    s: np.ndarray,
    half_length: np.ndarray,
    occ_lane: np.ndarray,
    occ_s: np.ndarray,
    occ_speed: np.ndarray,
    occ_half: np.ndarray,
    occ_owner: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Bumper gap to, and speed of, the nearest lane occupant ahead on each slot's path.

    ``entry[slot, lane]`` is the path ``s`` where ``lane`` starts (inf if the
    path does not use it); occupant ``j`` is ahead of slot ``i`` when its
    position mapped onto ``i``'s path is beyond ``s[i]``. Occupants owned by
    the slot itself are skipped.
    """
    n = s.shape[0]
    m = occ_lane.shape[0]
    gap = np.full(n, INF)
    speed = np.zeros(n)
    for i in range(n):
        for j in range(m):
            if occ_owner[j] == i:
                continue
            start = entry[i, occ_lane[j]]
            if start == INF:
                continue
            ahead = start + occ_s[j] - s[i]
            if ahead <= 0.0:
                continue
            g = ahead - half_length[i] - occ_half[j]
            if g < gap[i]:
                gap[i] = g
                speed[i] = occ_speed[j]
    return gap, speed


@njit(cache=True)
def nearest_stop_line(
    entry: np.ndarray,
    s: np.ndarray,
    half_length: np.ndarray,
    speed: np.ndarray,
    obey: np.ndarray,
    stop_lane: np.ndarray,
    stop_s: np.ndarray,
    yellow: np.ndarray,
    yellow_decel: float,
) -> np.ndarray:
    """Gap from each slot's front bumper to the nearest holding stop line ahead.

    A yellow line holds only drivers who can stop at ``yellow_decel`` or less.
    """
    n = s.shape[0]
    out = np.full(n, INF)
    for i in range(n):
        if not obey[i]:
            continue
        for j in range(stop_lane.shape[0]):
            start = entry[i, stop_lane[j]]
            if start == INF:
                continue
            g = start + stop_s[j] - s[i] - half_length[i]
            if g <= 0.0:
                continue
            if yellow[j] and speed[i] * speed[i] / (2.0 * max(g, 0.1)) >= yellow_decel:
                continue
            out[i] = min(out[i], g)
    return out


@njit(cache=True)
def nearest_in_corridor(
    x: np.ndarray,
    y: np.ndarray,
    h: np.ndarray,
    half_length: np.ndarray,
    half_width: np.ndarray,
    actor: np.ndarray,
    ob_x: np.ndarray,
    ob_y: np.ndarray,
    ob_vx: np.ndarray,
    ob_vy: np.ndarray,
    ob_radius: np.ndarray,
    ob_actor: np.ndarray,
    length: np.ndarray,
) -> np.ndarray:
    """Gap to the nearest obstacle in the straight corridor ahead, now or in one second.

    ``length`` is each driver's corridor length.
    """
    n = x.shape[0]
    out = np.full(n, INF)
    for i in range(n):
        c = math.cos(h[i])
        sn = math.sin(h[i])
        for j in range(ob_x.shape[0]):
            if ob_actor[j] == actor[i]:
                continue
            dx = ob_x[j] - x[i]
            dy = ob_y[j] - y[i]
            lon = dx * c + dy * sn
            if lon <= 0.0 or lon >= length[i]:
                continue
            lat = -dx * sn + dy * c
            vlat = -ob_vx[j] * sn + ob_vy[j] * c
            reach = half_width[i] + ob_radius[j] + 0.3
            if abs(lat) < reach or abs(lat + vlat) < reach:
                out[i] = min(out[i], max(lon - half_length[i] - ob_radius[j], 0.0))
    return out


@njit(cache=True)
def pure_pursuit(
    first: np.ndarray,
    last_segment: np.ndarray,
    length: np.ndarray,
    ds: float,
    ps: np.ndarray,
    px: np.ndarray,
    py: np.ndarray,
    ph: np.ndarray,
    s: np.ndarray,
    lookahead: np.ndarray,
    offset: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    h: np.ndarray,
    rear_to_ref: np.ndarray,
    wheelbase: np.ndarray,
) -> np.ndarray:
    """Pure-pursuit steering angle towards the path point ``lookahead`` ahead.

    The target is shifted ``offset`` to the left of the path; the pursuit
    geometry is taken from the rear axle. Past the path's end the target
    continues straight along the last segment.
    """
    n = s.shape[0]
    out = np.empty(n)
    for k in range(n):
        target = s[k] + lookahead[k]
        over = max(target - length[k], 0.0)
        target = min(max(target, 0.0), length[k])
        seg = min(int(target / ds), last_segment[k])
        i = first[k] + seg
        frac = min(max((target - ps[i]) / (ps[i + 1] - ps[i]), 0.0), 1.0)
        c = math.cos(ph[i])
        sn = math.sin(ph[i])
        tx = px[i] + (px[i + 1] - px[i]) * frac + over * c - offset[k] * sn
        ty = py[i] + (py[i + 1] - py[i]) * frac + over * sn + offset[k] * c
        ch = math.cos(h[k])
        sh = math.sin(h[k])
        dx = tx - (x[k] - rear_to_ref[k] * ch)
        dy = ty - (y[k] - rear_to_ref[k] * sh)
        lx = dx * ch + dy * sh
        ly = -dx * sh + dy * ch
        out[k] = math.atan2(2.0 * wheelbase[k] * ly, lx * lx + ly * ly)
    return out


@njit(cache=True)
def neighbours_on_lane(
    target: np.ndarray,
    lane_s: np.ndarray,
    occ_lane: np.ndarray,
    occ_s: np.ndarray,
    occ_owner: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """For each slot, the nearest occupant ahead and behind on lane ``target[slot]``.

    Lanes of one section share their ``s``, so positions compare directly.
    Returns occupant indices (-1 where none, or where ``target`` is -1).
    """
    n = target.shape[0]
    front = np.full(n, -1, dtype=np.int64)
    back = np.full(n, -1, dtype=np.int64)
    for i in range(n):
        if target[i] < 0:
            continue
        best_f = INF
        best_b = INF
        for j in range(occ_lane.shape[0]):
            if occ_lane[j] != target[i] or occ_owner[j] == i:
                continue
            rel = occ_s[j] - lane_s[i]
            if rel >= 0.0:
                if rel < best_f:
                    best_f = rel
                    front[i] = j
            elif -rel < best_b:
                best_b = -rel
                back[i] = j
    return front, back
