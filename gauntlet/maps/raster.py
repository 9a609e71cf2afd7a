"""A boolean raster of the drivable area for constant-time point queries."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from gauntlet.maps.lane_frame import LaneFrame

#: Default cell size, m.
DEFAULT_RESOLUTION_M = 0.25
#: Largest raster, in cells; a coarser resolution is chosen for larger maps.
MAX_CELLS = 1 << 26


class DrivableRaster:
    """The drivable area rasterised once; lookups are array indexing.

    A cell is drivable when a lane's surface covers part of it (surface sampled at half
    the cell size), so the area is accurate to about one cell. The raster carries an
    undrivable border: points outside it map onto that border.

    Args:
        frames: Frames of the drivable lanes.
        resolution_m: Requested cell size; doubled until the raster fits
            :data:`MAX_CELLS`.
    """

    def __init__(self, frames: Iterable[LaneFrame], resolution_m: float = DEFAULT_RESOLUTION_M) -> None:
        if not resolution_m > 0:
            raise ValueError(f"resolution_m must be > 0, got {resolution_m}")
        frames = list(frames)
        boxes = [_frame_box(frame) for frame in frames]
        if boxes:
            box = np.array(boxes)
            x_min, y_min = box[:, 0].min(), box[:, 1].min()
            x_max, y_max = box[:, 2].max(), box[:, 3].max()
        else:
            x_min = y_min = 0.0
            x_max = y_max = resolution_m
        while True:
            nx = int(np.ceil((x_max - x_min) / resolution_m)) + 5
            ny = int(np.ceil((y_max - y_min) / resolution_m)) + 5
            if nx * ny <= MAX_CELLS:
                break
            resolution_m *= 2.0
        self.resolution_m = resolution_m
        self.origin = (x_min - 2.0 * resolution_m, y_min - 2.0 * resolution_m)
        self.cells = np.zeros((ny, nx), dtype=bool)
        self._inv = 1.0 / resolution_m
        self._x0, self._y0 = self.origin
        self._x_last, self._y_last = float(nx - 1), float(ny - 1)
        for frame in frames:
            xs, ys = frame.area_samples(0.5 * resolution_m)
            ix = np.clip((xs - self._x0) * self._inv, 0.0, self._x_last).astype(np.intp)
            iy = np.clip((ys - self._y0) * self._inv, 0.0, self._y_last).astype(np.intp)
            self.cells[iy, ix] = True
        # keep the border undrivable: clipped queries land there
        self.cells[0, :] = self.cells[-1, :] = False
        self.cells[:, 0] = self.cells[:, -1] = False

    def contains(self, x: np.ndarray | float, y: np.ndarray | float) -> np.ndarray:
        """Whether each point ``(x, y)`` is drivable; same shape as the inputs."""
        ix = np.clip((np.asarray(x) - self._x0) * self._inv, 0.0, self._x_last).astype(np.intp)
        iy = np.clip((np.asarray(y) - self._y0) * self._inv, 0.0, self._y_last).astype(np.intp)
        return self.cells[iy, ix]


def _frame_box(frame: LaneFrame) -> tuple[float, float, float, float]:
    xs, ys = frame.area_samples(0.5)
    return float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())
