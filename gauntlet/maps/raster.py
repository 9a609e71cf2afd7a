"""A boolean raster of the drivable area for constant-time point queries."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
from numba import njit

from gauntlet.maps.lane_frame import LaneFrame

#: Default cell size, m.
DEFAULT_RESOLUTION_M = 0.25
#: Largest raster, in cells; a coarser resolution is chosen for larger maps.
MAX_CELLS = 1 << 26


class DrivableRaster:
    """The drivable area rasterised once; lookups are array indexing.

    A cell is drivable when its centre lies inside a lane's outline grown by
    ``resolution_m / sqrt(2)`` (scanline fill of each lane polygon). Every point of a
    drivable lane therefore reads drivable, and points up to about 1.5 cells outside
    may too. The raster keeps an undrivable border onto which points outside it are
    clipped.

    Args:
        frames: Frames of the drivable lanes.
        resolution_m: Requested cell size; doubled until the raster fits
            :data:`MAX_CELLS`.
    """

    def __init__(
        self, frames: Iterable[LaneFrame], resolution_m: float = DEFAULT_RESOLUTION_M
    ) -> None:
        if not resolution_m > 0:
            raise ValueError(f"resolution_m must be > 0, got {resolution_m}")
        frames = list(frames)
        rings = [frame.outline(margin=resolution_m * math.sqrt(0.5)) for frame in frames]
        if rings:
            x_min = min(float(xs.min()) for xs, _ in rings)
            y_min = min(float(ys.min()) for _, ys in rings)
            x_max = max(float(xs.max()) for xs, _ in rings)
            y_max = max(float(ys.max()) for _, ys in rings)
        else:
            x_min = y_min = 0.0
            x_max = y_max = resolution_m
        requested = resolution_m
        while True:
            nx = int(np.ceil((x_max - x_min) / resolution_m)) + 4
            ny = int(np.ceil((y_max - y_min) / resolution_m)) + 4
            if nx * ny <= MAX_CELLS:
                break
            resolution_m *= 2.0
        if resolution_m != requested:
            # the wider margin of the coarser raster stays inside its two padding cells
            rings = [frame.outline(margin=resolution_m * math.sqrt(0.5)) for frame in frames]
        self.resolution_m = resolution_m
        self.origin = (x_min - 2.0 * resolution_m, y_min - 2.0 * resolution_m)
        self.shape = (ny, nx)
        self._inv = 1.0 / resolution_m
        self._x0, self._y0 = self.origin
        self._x_last, self._y_last = np.uintp(nx - 1), np.uintp(ny - 1)
        self._nx = np.uintp(nx)
        self.cells = _fill_polygons(rings, self.origin, resolution_m, self.shape)
        self._flat = self.cells.reshape(-1)

    def contains(self, x: np.ndarray | float, y: np.ndarray | float) -> np.ndarray:
        """Whether each point ``(x, y)`` is drivable; same shape as the inputs.

        Points outside the raster (and NaN) read the undrivable border.
        """
        # Negative indices viewed as unsigned become huge, so one minimum clips both ends.
        ix = np.asarray((np.asarray(x) - self._x0) * self._inv).astype(np.intp).view(np.uintp)
        iy = np.asarray((np.asarray(y) - self._y0) * self._inv).astype(np.intp).view(np.uintp)
        return self._flat[np.minimum(iy, self._y_last) * self._nx + np.minimum(ix, self._x_last)]


def _fill_polygons(
    rings: list[tuple[np.ndarray, np.ndarray]],
    origin: tuple[float, float],
    resolution: float,
    shape: tuple[int, int],
) -> np.ndarray:
    """Scanline fill: cells whose centre is inside any ring (even-odd within a ring)."""
    cells = np.zeros(shape, dtype=bool)
    if not rings:
        return cells
    x0, y0 = origin
    xa = np.concatenate([xs for xs, _ in rings])
    ya = np.concatenate([ys for _, ys in rings])
    xb = np.concatenate([np.roll(xs, -1) for xs, _ in rings])
    yb = np.concatenate([np.roll(ys, -1) for _, ys in rings])
    ring_id = np.concatenate([np.full(len(xs), i) for i, (xs, _) in enumerate(rings)])
    # Row j has its centre at y0 + (j + 0.5) * resolution; an edge crosses the rows with
    # centres in [min(ya, yb), max(ya, yb)), which counts every vertex exactly once.
    lo = np.ceil((np.minimum(ya, yb) - y0) / resolution - 0.5).astype(np.intp)
    hi = np.ceil((np.maximum(ya, yb) - y0) / resolution - 0.5).astype(np.intp)
    counts = np.maximum(hi - lo, 0)
    edge = np.repeat(np.arange(len(xa)), counts)
    offsets = np.arange(len(edge)) - np.repeat(np.cumsum(counts) - counts, counts)
    row = lo[edge] + offsets
    y_centre = y0 + (row + 0.5) * resolution
    x_cross = xa[edge] + (y_centre - ya[edge]) * (xb[edge] - xa[edge]) / (yb[edge] - ya[edge])
    order = np.lexsort((x_cross, row, ring_id[edge]))
    row, x_cross = row[order], x_cross[order]
    start_row, start_x, end_x = row[0::2], x_cross[0::2], x_cross[1::2]
    first = np.ceil((start_x - x0) / resolution - 0.5).astype(np.intp)
    stop = np.ceil((end_x - x0) / resolution - 0.5).astype(np.intp)
    keep = stop > first
    _fill_spans(cells, start_row[keep], first[keep], stop[keep])
    return cells


@njit(cache=True)
def _fill_spans(cells: np.ndarray, row: np.ndarray, first: np.ndarray, stop: np.ndarray) -> None:
    """Mark ``cells[row[k], first[k]:stop[k]]``; spans are clipped to the raster."""
    ny, nx = cells.shape
    for k in range(row.shape[0]):
        r = row[k]
        if r < 0 or r >= ny:
            continue
        for c in range(max(first[k], 0), min(stop[k], nx)):
            cells[r, c] = True
