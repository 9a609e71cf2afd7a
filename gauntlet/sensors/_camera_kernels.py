"""Compiled loops of the camera: pixel rays, hit look-ups, actor culling, box silhouettes, shading.

Pixel ``i = v * W + u``. Camera rays have a forward component of 1 (see
:meth:`CameraIntrinsics.pixel_rays`), so open3d's ``t_hit`` along them is the
depth along the optical axis. ``(a, b)`` are a pixel's undistorted normalized
coordinates (``a`` right, ``b`` down).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

SKY = 11  # Semantic.SKY; misses looking up are sky, looking down nothing (0).


@njit(cache=True)
def camera_rays(dirs: np.ndarray, rot: np.ndarray, origin: np.ndarray, out: np.ndarray) -> None:
    """Fill ``out`` ``(N, 6)`` float32 with ``origin`` and the world direction ``rot @ dirs[i]``."""
    for i in range(dirs.shape[0]):
        x, y, z = dirs[i, 0], dirs[i, 1], dirs[i, 2]
        out[i, 0] = origin[0]
        out[i, 1] = origin[1]
        out[i, 2] = origin[2]
        out[i, 3] = rot[0, 0] * x + rot[0, 1] * y + rot[0, 2] * z
        out[i, 4] = rot[1, 0] * x + rot[1, 1] * y + rot[1, 2] * z
        out[i, 5] = rot[2, 0] * x + rot[2, 1] * y + rot[2, 2] * z


@njit(cache=True)
def _facing_light(nx, ny, nz, dx, dy, dz, sun):  # noqa: ANN001, ANN202
    """``max(0, n . sun)`` with the normal turned towards the camera."""
    if nx * dx + ny * dy + nz * dz > 0.0:
        nx, ny, nz = -nx, -ny, -nz
    return max(0.0, nx * sun[0] + ny * sun[1] + nz * sun[2])


@njit(cache=True)
def resolve_static(
    t_hit, prim, normal, rays, prim_object, prim_semantic, sun, shade, depth, obj, sem, light
):  # noqa: ANN001, ANN202
    """Per pixel: depth, object id, semantic tag and (if ``shade``) sunlight of the static hit."""
    for i in range(t_hit.shape[0]):
        t = t_hit[i]
        depth[i] = t
        if not math.isfinite(t):
            obj[i] = -1
            sem[i] = SKY if rays[i, 5] >= 0.0 else 0
            light[i] = 0.0
            continue
        p = prim[i]
        obj[i] = prim_object[p]
        sem[i] = prim_semantic[p]
        if shade:
            light[i] = _facing_light(
                normal[i, 0], normal[i, 1], normal[i, 2], rays[i, 3], rays[i, 4], rays[i, 5], sun
            )


@njit(cache=True)
def fill_misses(rays, depth, obj, sem, light):  # noqa: ANN001, ANN202
    """Every pixel sees nothing (a scene without static geometry)."""
    for i in range(rays.shape[0]):
        depth[i] = np.inf
        obj[i] = -1
        sem[i] = SKY if rays[i, 5] >= 0.0 else 0
        light[i] = 0.0


@njit(cache=True)
def clipped_rects(corners: np.ndarray, near: float, rects: np.ndarray) -> np.ndarray:
    """Bounds ``(a_min, a_max, b_min, b_max)`` of each box's image, clipped at ``x = near``.

    ``corners`` ``(A, 8, 3)`` are camera-frame box corners numbered so that each bit
    of the index picks the end along one box axis (as :data:`scene.BOX` does), so
    edges join corners whose indices differ in one bit. The part of a box in front of the plane ``x = near`` is a
    convex polytope whose vertices are the corners in front and the points where
    edges cross the plane; its image is bounded by theirs. Returns whether each
    box has a part in front.
    """
    n = corners.shape[0]
    front = np.zeros(n, dtype=np.bool_)
    for a in range(n):
        a_lo, a_hi, b_lo, b_hi = np.inf, -np.inf, np.inf, -np.inf
        for j in range(8):
            c = corners[a, j]
            if c[0] >= near:
                a_lo, a_hi = min(a_lo, -c[1] / c[0]), max(a_hi, -c[1] / c[0])
                b_lo, b_hi = min(b_lo, -c[2] / c[0]), max(b_hi, -c[2] / c[0])
            for bit in (1, 2, 4):
                k = j ^ bit
                if k < j:
                    continue
                d = corners[a, k]
                if (c[0] - near) * (d[0] - near) < 0.0:
                    s = (near - c[0]) / (d[0] - c[0])
                    y = c[1] + s * (d[1] - c[1])
                    z = c[2] + s * (d[2] - c[2])
                    a_lo, a_hi = min(a_lo, -y / near), max(a_hi, -y / near)
                    b_lo, b_hi = min(b_lo, -z / near), max(b_hi, -z / near)
        if a_lo <= a_hi:
            front[a] = True
            rects[a, 0], rects[a, 1], rects[a, 2], rects[a, 3] = a_lo, a_hi, b_lo, b_hi
    return front


@njit(cache=True)
def _tiles_in_rect(rect, ta_min, ta_max, tb_min, tb_max, out):  # noqa: ANN001, ANN202
    """Flat indices of the tiles whose pixels' bounds overlap ``rect``; returns how many."""
    m = 0
    cols = ta_min.shape[1]
    for r in range(ta_min.shape[0]):
        for c in range(cols):
            if (
                ta_max[r, c] >= rect[0]
                and ta_min[r, c] <= rect[1]
                and tb_max[r, c] >= rect[2]
                and tb_min[r, c] <= rect[3]
            ):
                out[m] = r * cols + c
                m += 1
    return m


@njit(cache=True)
def mark_candidates(
    rects, active, size, ta_min, ta_max, tb_min, tb_max, a_pix, b_pix, width, height, mask, used
):  # noqa: ANN001, ANN202
    """Mark the pixels whose ray lies within some active box's image bounds; returns how many.

    ``used[k]`` tells whether box ``k`` has any such pixel.
    """
    mask[:] = False
    tiles = np.empty(ta_min.size, dtype=np.int64)
    cols = ta_min.shape[1]
    found = 0
    for k in range(rects.shape[0]):
        used[k] = False
        if not active[k]:
            continue
        rect = rects[k]
        for j in range(_tiles_in_rect(rect, ta_min, ta_max, tb_min, tb_max, tiles)):
            r, c = tiles[j] // cols, tiles[j] % cols
            for v in range(r * size, min((r + 1) * size, height)):
                for u in range(c * size, min((c + 1) * size, width)):
                    i = v * width + u
                    if rect[0] <= a_pix[i] <= rect[1] and rect[2] <= b_pix[i] <= rect[3]:
                        used[k] = True
                        if not mask[i]:
                            mask[i] = True
                            found += 1
    return found


@njit(cache=True)
def gather_candidates(rays, mask, index, out):  # noqa: ANN001, ANN202
    """Copy the marked pixels' directions into ``out`` (origin 0: the camera); returns how many."""
    m = 0
    for i in range(mask.shape[0]):
        if mask[i]:
            out[m, 0] = 0.0
            out[m, 1] = 0.0
            out[m, 2] = 0.0
            out[m, 3] = rays[i, 3]
            out[m, 4] = rays[i, 4]
            out[m, 5] = rays[i, 5]
            index[m] = i
            m += 1
    return m


@njit(cache=True)
def merge_actors(
    index, t_hit, prim, normal, rays, prim_actor, actor_object, actor_semantic, sun, shade,
    depth, obj, sem, light,
):  # fmt: skip  # noqa: ANN001, ANN202
    """Let actor hits nearer than the static hit of the same pixel win."""
    for m in range(index.shape[0]):
        t = t_hit[m]
        i = index[m]
        if not math.isfinite(t) or t >= depth[i]:
            continue
        a = prim_actor[prim[m]]
        depth[i] = t
        obj[i] = actor_object[a]
        sem[i] = actor_semantic[a]
        if shade:
            light[i] = _facing_light(
                normal[m, 0], normal[m, 1], normal[m, 2], rays[i, 3], rays[i, 4], rays[i, 5], sun
            )


@njit(cache=True)
def box_pixels(
    rects, active, size, ta_min, ta_max, tb_min, tb_max, a_pix, b_pix, width, height,
    rays, centre, axes, half, ids, obj, silhouette, visible,
):  # fmt: skip  # noqa: ANN001, ANN202
    """Per box: pixels whose ray meets it (ignoring everything else) and pixels showing it.

    Box ``k`` has centre ``centre[k]`` (relative to the camera), axes ``axes[k]``
    (columns: its x, y, z in the world) and half sizes ``half[k]``; the ray test is
    the slab test on the box.
    """
    tiles = np.empty(ta_min.size, dtype=np.int64)
    cols = ta_min.shape[1]
    for k in range(rects.shape[0]):
        silhouette[k] = 0
        visible[k] = 0
        if not active[k]:
            continue
        rect = rects[k]
        ax = axes[k]
        # The camera (ray origin) in the box's frame.
        o = np.empty(3)
        for j in range(3):
            o[j] = -(ax[0, j] * centre[k, 0] + ax[1, j] * centre[k, 1] + ax[2, j] * centre[k, 2])
        for jt in range(_tiles_in_rect(rect, ta_min, ta_max, tb_min, tb_max, tiles)):
            r, c = tiles[jt] // cols, tiles[jt] % cols
            for v in range(r * size, min((r + 1) * size, height)):
                for u in range(c * size, min((c + 1) * size, width)):
                    i = v * width + u
                    if not (rect[0] <= a_pix[i] <= rect[1] and rect[2] <= b_pix[i] <= rect[3]):
                        continue
                    if obj[i] == ids[k]:
                        visible[k] += 1
                    t_in, t_out = 0.0, np.inf
                    for j in range(3):
                        d = ax[0, j] * rays[i, 3] + ax[1, j] * rays[i, 4] + ax[2, j] * rays[i, 5]
                        if abs(d) < 1e-12:
                            if abs(o[j]) > half[k, j]:
                                t_in, t_out = 1.0, 0.0
                            continue
                        t0 = (-half[k, j] - o[j]) / d
                        t1 = (half[k, j] - o[j]) / d
                        if t0 > t1:
                            t0, t1 = t1, t0
                        t_in, t_out = max(t_in, t0), min(t_out, t1)
                    if t_in <= t_out:
                        silhouette[k] += 1


@njit(cache=True)
def shade_rgb(
    depth, sem, light, rays, colour, ambient, sky_top, sky_horizon, void, noise, stddev, out
):  # noqa: ANN001, ANN202
    """Shaded colour per pixel: sky gradient, or class colour times light; plus noise, as uint8.

    ``noise`` is ``(N, 3)`` standard normal draws, or empty for none.
    """
    c = np.empty(3, dtype=np.float32)
    noisy = noise.shape[0] > 0
    for i in range(depth.shape[0]):
        if not math.isfinite(depth[i]):
            dz = rays[i, 5] / math.sqrt(rays[i, 3] ** 2 + rays[i, 4] ** 2 + rays[i, 5] ** 2)
            if dz >= 0.0:
                w = math.sqrt(dz)
                for j in range(3):
                    c[j] = (1.0 - w) * sky_horizon[j] + w * sky_top[j]
            else:
                for j in range(3):
                    c[j] = void[j]
        else:
            f = ambient + (1.0 - ambient) * light[i]
            for j in range(3):
                c[j] = colour[sem[i], j] * f
        for j in range(3):
            x = c[j] + stddev * noise[i, j] if noisy else c[j]
            out[i, j] = np.uint8(min(max(round(x), 0.0), 255.0))
