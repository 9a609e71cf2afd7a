"""Compiled loops of the ray-casting scene: fan rays, actor culling, merging hits.

A *fan* is a set of rays from one origin in one vertical plane: ray ``k`` of fan
``c`` leaves ``origin[c]`` along ``rot[c] @ (cos el[k], 0, sin el[k])``. Rays are
numbered ``c * K + k``.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit


@njit(cache=True)
def fan_rays(origin: np.ndarray, rot: np.ndarray, elev: np.ndarray, out: np.ndarray) -> None:
    """Fill ``out`` ``(C*K, 6)`` float32 with the fans' origins and unit directions."""
    n_fan, n_el = origin.shape[0], elev.shape[0]
    ce = np.cos(elev)
    se = np.sin(elev)
    for c in range(n_fan):
        r = rot[c]
        for k in range(n_el):
            i = c * n_el + k
            out[i, 0] = origin[c, 0]
            out[i, 1] = origin[c, 1]
            out[i, 2] = origin[c, 2]
            out[i, 3] = r[0, 0] * ce[k] + r[0, 2] * se[k]
            out[i, 4] = r[1, 0] * ce[k] + r[1, 2] * se[k]
            out[i, 5] = r[2, 0] * ce[k] + r[2, 2] * se[k]


@njit(cache=True)
def _box_corners(pose: np.ndarray, dims: np.ndarray, out: np.ndarray) -> None:
    """The 8 corners of a box standing at ``pose = (x, y, z_base, heading)``."""
    c, s = math.cos(pose[3]), math.sin(pose[3])
    j = 0
    for sx in (-0.5, 0.5):
        for sy in (-0.5, 0.5):
            lx, ly = sx * dims[0], sy * dims[1]
            for sz in (0.0, 1.0):
                out[j, 0] = pose[0] + c * lx - s * ly
                out[j, 1] = pose[1] + s * lx + c * ly
                out[j, 2] = pose[2] + sz * dims[2]
                j += 1


@njit(cache=True)
def cull_fans(
    origin: np.ndarray,
    rot: np.ndarray,
    fan_slice: np.ndarray,
    pose: np.ndarray,
    dims: np.ndarray,
    elev: np.ndarray,
    max_range: float,
    mask: np.ndarray,
    used: np.ndarray,
) -> int:
    """Mark the rays that may meet an actor's box; returns how many.

    Actor ``a`` in slice ``s`` is a box with ``pose[s, a] = (x, y, z_base, heading)``
    and ``dims[a] = (length, width, height)``. A fan's plane meets the box if the
    corners lie on both sides of it; the rays that can reach the box then lie
    within the elevations of the corners (the box's cross-section is a convex
    combination of them). ``mask`` (``C*K``) and ``used`` (``S x A``: the actor
    copies some ray may meet) are cleared first.
    """
    n_fan, n_el = origin.shape[0], elev.shape[0]
    n_slice, n_act = pose.shape[0], pose.shape[1]
    corners = np.empty((8, 3))
    centers = np.empty((n_slice, n_act, 3))
    radius = np.empty(n_act)
    for a in range(n_act):
        radius[a] = 0.5 * math.sqrt(dims[a, 0] ** 2 + dims[a, 1] ** 2 + dims[a, 2] ** 2)
        for s in range(n_slice):
            centers[s, a, 0] = pose[s, a, 0]
            centers[s, a, 1] = pose[s, a, 1]
            centers[s, a, 2] = pose[s, a, 2] + 0.5 * dims[a, 2]
    mask[:] = False
    used[:] = False
    for c in range(n_fan):
        s = fan_slice[c]
        r = rot[c]
        base = c * n_el
        for a in range(n_act):
            px = centers[s, a, 0] - origin[c, 0]
            py = centers[s, a, 1] - origin[c, 1]
            pz = centers[s, a, 2] - origin[c, 2]
            # Fan frame: x along the fan's azimuth, y across its plane, z its up.
            qx = r[0, 0] * px + r[1, 0] * py + r[2, 0] * pz
            qy = r[0, 1] * px + r[1, 1] * py + r[2, 1] * pz
            qz = r[0, 2] * px + r[1, 2] * py + r[2, 2] * pz
            ra = radius[a]
            if abs(qy) > ra or qx < -ra or math.sqrt(qx * qx + qz * qz) - ra > max_range:
                continue
            _box_corners(pose[s, a], dims[a], corners)
            y_min, y_max = np.inf, -np.inf
            el_min, el_max = np.inf, -np.inf
            behind = False
            for j in range(8):
                dx = corners[j, 0] - origin[c, 0]
                dy = corners[j, 1] - origin[c, 1]
                dz = corners[j, 2] - origin[c, 2]
                x = r[0, 0] * dx + r[1, 0] * dy + r[2, 0] * dz
                y = r[0, 1] * dx + r[1, 1] * dy + r[2, 1] * dz
                z = r[0, 2] * dx + r[1, 2] * dy + r[2, 2] * dz
                y_min = min(y_min, y)
                y_max = max(y_max, y)
                if x <= 1e-6:
                    behind = True
                else:
                    el = math.atan2(z, x)
                    el_min = min(el_min, el)
                    el_max = max(el_max, el)
            if y_min > 0.0 or y_max < 0.0:
                continue
            if behind:
                el_min, el_max = -np.inf, np.inf
            hit = False
            for k in range(n_el):
                if el_min <= elev[k] <= el_max:
                    mask[base + k] = True
                    hit = True
            if hit:
                used[s, a] = True
    return int(mask.sum())


@njit(cache=True)
def gather_rays(
    rays: np.ndarray,
    mask: np.ndarray,
    n_el: int,
    fan_slice: np.ndarray,
    shift: np.ndarray,
    slice_offset: np.ndarray,
    index: np.ndarray,
    ray_slice: np.ndarray,
    out: np.ndarray,
) -> int:
    """Copy the marked rays into ``out``, moved by ``shift`` plus their slice's offset."""
    m = 0
    for i in range(mask.shape[0]):
        if not mask[i]:
            continue
        s = fan_slice[i // n_el]
        out[m, 0] = rays[i, 0] + shift[0] + slice_offset[s, 0]
        out[m, 1] = rays[i, 1] + shift[1] + slice_offset[s, 1]
        out[m, 2] = rays[i, 2] + shift[2] + slice_offset[s, 2]
        out[m, 3] = rays[i, 3]
        out[m, 4] = rays[i, 4]
        out[m, 5] = rays[i, 5]
        index[m] = i
        ray_slice[m] = s
        m += 1
    return m


@njit(cache=True)
def resolve_static(
    t_hit: np.ndarray,
    prim: np.ndarray,
    normal: np.ndarray,
    rays: np.ndarray,
    prim_object: np.ndarray,
    prim_semantic: np.ndarray,
    out_range: np.ndarray,
    out_object: np.ndarray,
    out_semantic: np.ndarray,
    out_cos: np.ndarray,
) -> None:
    """Per ray: range, object id, semantic class and |cos| of the incidence angle."""
    for i in range(t_hit.shape[0]):
        t = t_hit[i]
        out_range[i] = t
        if not math.isfinite(t):
            out_object[i] = -1
            out_semantic[i] = 0
            out_cos[i] = 0.0
            continue
        p = prim[i]
        out_object[i] = prim_object[p]
        out_semantic[i] = prim_semantic[p]
        out_cos[i] = abs(
            normal[i, 0] * rays[i, 3] + normal[i, 1] * rays[i, 4] + normal[i, 2] * rays[i, 5]
        )


@njit(cache=True)
def merge_dynamic(
    index: np.ndarray,
    ray_slice: np.ndarray,
    t_hit: np.ndarray,
    prim: np.ndarray,
    normal: np.ndarray,
    rays: np.ndarray,
    prim_actor: np.ndarray,
    prim_slice: np.ndarray,
    actor_object: np.ndarray,
    actor_semantic: np.ndarray,
    out_range: np.ndarray,
    out_object: np.ndarray,
    out_semantic: np.ndarray,
    out_cos: np.ndarray,
) -> None:
    """Let actor hits nearer than the static hit of the same ray win."""
    for m in range(index.shape[0]):
        t = t_hit[m]
        if not math.isfinite(t):
            continue
        p = prim[m]
        if prim_slice[p] != ray_slice[m]:
            continue
        i = index[m]
        if t >= out_range[i]:
            continue
        a = prim_actor[p]
        out_range[i] = t
        out_object[i] = actor_object[a]
        out_semantic[i] = actor_semantic[a]
        out_cos[i] = abs(
            normal[m, 0] * rays[i, 3] + normal[m, 1] * rays[i, 4] + normal[m, 2] * rays[i, 5]
        )
