"""Search coverage as the observer measures it: a grid of cells over a search area.

A cell counts as seen once a searching node has been within its sensor
footprint radius of the cell's centre (to the grid's resolution: the cells
whose offset from the node's nearest cell lies within the radius). The
cells are half a radius wide. The footprint's cell offsets depend only on
the radius and the cell size, so they are computed once per grid.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class CoverageGrid:
    """The seen cells of one search rectangle.

    Attributes:
        seen: ``(nx, ny)`` whether each cell was seen.
        xs, ys: Cell centres along x and y, m.
        radius_m: Sensor footprint radius, m.
        cell_m: Cell width, m.
        offsets: ``(k, 2)`` cell offsets ``(dx, dy)`` covered by a footprint.
    """

    seen: np.ndarray
    xs: np.ndarray
    ys: np.ndarray
    radius_m: float
    cell_m: float
    offsets: np.ndarray

    @classmethod
    def over(cls, area_m: np.ndarray, radius_m: float) -> CoverageGrid:
        """The empty grid over ``area_m`` ``(x0, y0, x1, y1)`` for a footprint of ``radius_m``."""
        cell = radius_m / 2.0
        xs = np.arange(area_m[0] + cell / 2, area_m[2], cell)
        ys = np.arange(area_m[1] + cell / 2, area_m[3], cell)
        # The cell size as the centres are spaced (equal to ``cell`` up to rounding).
        cell_m = xs[1] - xs[0] if len(xs) > 1 else radius_m
        span = int(np.ceil(radius_m / cell_m))
        offsets = [
            (dx, dy)
            for dx in range(-span, span + 1)
            for dy in range(-span, span + 1)
            if not (dx * dx + dy * dy) * cell_m * cell_m > radius_m * radius_m
        ]
        return cls(
            seen=np.zeros((len(xs), len(ys)), dtype=bool),
            xs=xs,
            ys=ys,
            radius_m=float(radius_m),
            cell_m=float(cell_m),
            offsets=np.array(offsets, dtype=np.int64).reshape(-1, 2),
        )

    def mark(self, xy_m: np.ndarray) -> None:
        """Mark the cells within the footprint of nodes at ``xy_m`` ``(p, 2)`` as seen."""
        ix = np.round((xy_m[:, 0] - self.xs[0]) / self.cell_m).astype(np.int64)
        iy = np.round((xy_m[:, 1] - self.ys[0]) / self.cell_m).astype(np.int64)
        gx = ix[:, None] + self.offsets[None, :, 0]
        gy = iy[:, None] + self.offsets[None, :, 1]
        nx, ny = self.seen.shape
        ok = (gx >= 0) & (gx < nx) & (gy >= 0) & (gy < ny)
        self.seen[gx[ok], gy[ok]] = True
