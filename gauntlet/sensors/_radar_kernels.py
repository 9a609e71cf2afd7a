"""Compiled inner loops of the radar model: angular shadowing and resolution-cell merging.

Both are pairwise loops over a few dozen scatterers per scan; numba keeps them
free of the ``(n, n)`` temporaries a numpy version would allocate every scan.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit


@njit(cache=True)
def _wrap(a: float) -> float:
    """``a`` wrapped into ``[-pi, pi)``."""
    return (a + math.pi) % (2.0 * math.pi) - math.pi


@njit(cache=True)
def bearing_intervals(sx, sy, cx, cy, heading, length, width, lo, hi, bearing):  # noqa: ANN001, ANN201
    """World bearing of each box centre seen from ``(sx, sy)`` and the span of its corners.

    Writes ``bearing[i]`` and the corner span ``[lo[i], hi[i]]`` as offsets from
    ``bearing[i]`` (rad). Offsets are taken relative to the centre's bearing,
    so a box behind the sensor, across the +-pi cut, still gets one interval.
    """
    for i in range(cx.shape[0]):
        b = math.atan2(cy[i] - sy, cx[i] - sx)
        bearing[i] = b
        c, s = math.cos(heading[i]), math.sin(heading[i])
        hl, hw = 0.5 * length[i], 0.5 * width[i]
        low, high = 0.0, 0.0
        for fl in (-1.0, 1.0):
            for fw in (-1.0, 1.0):
                px = cx[i] + fl * hl * c - fw * hw * s
                py = cy[i] + fl * hl * s + fw * hw * c
                d = _wrap(math.atan2(py - sy, px - sx) - b)
                low = min(low, d)
                high = max(high, d)
        lo[i] = low
        hi[i] = high


@njit(cache=True)
def box_echoes(sensor, sensor_v, rot, x, y, z, heading, length, width, height, vx, vy, yaw_rate, front_db, side_db, points, velocity, rcs_db):  # fmt: skip  # noqa: ANN001, ANN201, E501
    """Nearest point of each box to the sensor, its velocity and the aspect-dependent RCS.

    The point moves with the box's velocity plus ``yaw_rate x (point - centre)``;
    ``rcs_db = front + (side - front) sin^2(aspect)``, the aspect being the
    direction of the sensor in the box's frame.
    """
    for i in range(x.shape[0]):
        c, s = math.cos(heading[i]), math.sin(heading[i])
        dx, dy = sensor[0] - x[i], sensor[1] - y[i]
        lx, ly = dx * c + dy * s, -dx * s + dy * c
        hl, hw = 0.5 * length[i], 0.5 * width[i]
        qx, qy = min(max(lx, -hl), hl), min(max(ly, -hw), hw)
        px, py = x[i] + qx * c - qy * s, y[i] + qx * s + qy * c
        points[i, 0] = px
        points[i, 1] = py
        points[i, 2] = min(max(sensor[2], z[i]), z[i] + height[i])
        velocity[i, 0] = vx[i] - yaw_rate[i] * (py - y[i])
        velocity[i, 1] = vy[i] + yaw_rate[i] * (px - x[i])
        velocity[i, 2] = 0.0
        d2 = lx * lx + ly * ly
        sin2 = ly * ly / d2 if d2 > 0.0 else 0.0
        rcs_db[i] = front_db[i] + (side_db[i] - front_db[i]) * sin2


@njit(cache=True)
def to_sensor_frame(points, velocity, sensor, sensor_v, rot, r, az, el, vr):  # noqa: ANN001, ANN201
    """Range, azimuth, elevation and radial velocity (``d range / dt``) of moving world points.

    ``rot`` turns sensor-frame vectors into world-frame ones; its transpose takes
    the line of sight into the sensor frame.
    """
    for i in range(points.shape[0]):
        d0 = points[i, 0] - sensor[0]
        d1 = points[i, 1] - sensor[1]
        d2 = points[i, 2] - sensor[2]
        rr = math.sqrt(d0 * d0 + d1 * d1 + d2 * d2)
        lx = rot[0, 0] * d0 + rot[1, 0] * d1 + rot[2, 0] * d2
        ly = rot[0, 1] * d0 + rot[1, 1] * d1 + rot[2, 1] * d2
        lz = rot[0, 2] * d0 + rot[1, 2] * d1 + rot[2, 2] * d2
        r[i] = rr
        az[i] = math.atan2(ly, lx)
        if rr > 0.0:
            el[i] = math.asin(min(max(lz / rr, -1.0), 1.0))
            vr[i] = (
                d0 * (velocity[i, 0] - sensor_v[0])
                + d1 * (velocity[i, 1] - sensor_v[1])
                + d2 * (velocity[i, 2] - sensor_v[2])
            ) / rr
        else:
            el[i] = 0.0
            vr[i] = 0.0


@njit(cache=True)
def visible_fraction(rng_, top, sensor_z, bearing, lo, hi, active):  # noqa: ANN001, ANN201
    """Share of each box's bearing interval not covered by nearer, tall enough boxes.

    Box ``i`` shadows box ``j`` when it is nearer (``rng_[i] < rng_[j]``, the
    ranges to their nearest points) and its top is at least
    ``min(top[j], sensor_z)``: a car hides a car behind it from a bumper-height
    radar, not a truck's upper half from a roof-mounted one. Inactive boxes
    (out of range, the sensor's own vehicle) neither shadow nor are measured.
    """
    n = rng_.shape[0]
    out = np.zeros(n)
    starts = np.empty(n)
    ends = np.empty(n)
    for j in range(n):
        if not active[j]:
            continue
        width = hi[j] - lo[j]
        if width <= 0.0:
            out[j] = 1.0
            continue
        m = 0
        for i in range(n):
            if i == j or not active[i] or rng_[i] >= rng_[j]:
                continue
            if top[i] < min(top[j], sensor_z):
                continue
            offset = _wrap(bearing[i] - bearing[j])
            a = max(offset + lo[i], lo[j])
            b = min(offset + hi[i], hi[j])
            if b > a:
                starts[m] = a
                ends[m] = b
                m += 1
        if m == 0:
            out[j] = 1.0
            continue
        order = np.argsort(starts[:m])
        covered = 0.0
        cur_a, cur_b = starts[order[0]], ends[order[0]]
        for k in range(1, m):
            a, b = starts[order[k]], ends[order[k]]
            if a > cur_b:
                covered += cur_b - cur_a
                cur_a, cur_b = a, b
            else:
                cur_b = max(cur_b, b)
        covered += cur_b - cur_a
        out[j] = max(0.0, 1.0 - covered / width)
    return out


@njit(cache=True)
def merge_cells(order, r, az, el, vr, power, res_r, res_az, res_v, out_r, out_az, out_el, out_v, out_p, head):  # fmt: skip  # noqa: ANN001, ANN201, E501
    """Merges scatterers that fall into one range / azimuth / Doppler resolution cell.

    Scatterers are visited strongest first (``order``); each joins the first
    cell whose strongest member is within one resolution of it in range,
    azimuth and radial velocity, else it opens a cell. A cell reports the
    power-weighted mean position and velocity and the summed power (echoes
    added incoherently); ``head[c]`` is its strongest member. Returns the
    number of cells.
    """
    m = 0
    for k in range(order.shape[0]):
        i = order[k]
        cell = -1
        for c in range(m):
            h = head[c]
            if (
                abs(r[i] - r[h]) < res_r
                and abs(az[i] - az[h]) < res_az[h]
                and abs(vr[i] - vr[h]) < res_v
            ):
                cell = c
                break
        if cell < 0:
            cell = m
            head[m] = i
            out_r[m] = 0.0
            out_az[m] = 0.0
            out_el[m] = 0.0
            out_v[m] = 0.0
            out_p[m] = 0.0
            m += 1
        p = power[i]
        out_r[cell] += p * r[i]
        out_az[cell] += p * az[i]
        out_el[cell] += p * el[i]
        out_v[cell] += p * vr[i]
        out_p[cell] += p
    for c in range(m):
        out_r[c] /= out_p[c]
        out_az[c] /= out_p[c]
        out_el[c] /= out_p[c]
        out_v[c] /= out_p[c]
    return m
