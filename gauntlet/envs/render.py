"""Top-down ``rgb_array`` frames of the ego's surroundings, rasterised with numpy.

A frame is ``(RENDER_SIZE_PX, RENDER_SIZE_PX, 3)`` ``uint8`` = (400, 400, 3),
``RENDER_RESOLUTION_M`` = 0.25 m per pixel (a 100 m square), heading up: the
ego sits at the centre column, 70 % of the way down, facing the top. The
drivable area is grey, lane edges white, the ego blue, vehicles red and
other road users yellow, on a green ground.
"""

from __future__ import annotations

import math

import numpy as np

from gauntlet.world.world import World

RENDER_SIZE_PX = 400
RENDER_RESOLUTION_M = 0.25
#: Row of the ego's centre, as a share of the height from the top.
EGO_ROW_SHARE = 0.7
GROUND = np.array([48, 96, 48], dtype=np.uint8)
ROAD = np.array([96, 96, 96], dtype=np.uint8)
EDGE = np.array([235, 235, 235], dtype=np.uint8)
EGO_COLOUR = np.array([40, 120, 255], dtype=np.uint8)
VEHICLE_COLOUR = np.array([220, 50, 50], dtype=np.uint8)
OTHER_COLOUR = np.array([250, 200, 0], dtype=np.uint8)
#: Spacing of the lane-edge points drawn, m.
EDGE_STEP_M = 0.25


class TopDownRenderer:
    """Renders frames of one world around one actor; static geometry is prepared once."""

    def __init__(self, world: World, ego: int, size_px: int = RENDER_SIZE_PX) -> None:
        self.world, self.ego, self.size = world, ego, size_px
        res = RENDER_RESOLUTION_M
        centre = (np.arange(size_px) + 0.5) * res
        # Pixel (row, col) -> metres ahead of and to the left of the ego.
        self.ahead = EGO_ROW_SHARE * size_px * res - centre
        self.left = 0.5 * size_px * res - centre
        self.edges = _lane_edges(world)
        self.frame = np.empty((size_px, size_px, 3), dtype=np.uint8)

    def render(self) -> np.ndarray:
        """The current frame (a new array)."""
        w, a, res, n = self.world, self.ego, RENDER_RESOLUTION_M, self.size
        x0, y0, h = float(w.x[a]), float(w.y[a]), float(w.h[a])
        c, s = math.cos(h), math.sin(h)
        ahead, left = self.ahead[:, None], self.left[None, :]
        gx, gy = x0 + ahead * c - left * s, y0 + ahead * s + left * c
        drivable = np.asarray(w.network.on_drivable(gx.ravel(), gy.ravel())).reshape(n, n)
        frame = self.frame
        frame[:] = GROUND
        frame[drivable] = ROAD
        row, col = self._pixels(self.edges[:, 0], self.edges[:, 1], x0, y0, c, s)
        frame[row, col] = EDGE
        others = w.is_vehicle
        for k in range(len(w.actors)):
            colour = EGO_COLOUR if k == a else VEHICLE_COLOUR if others[k] else OTHER_COLOUR
            self._box(frame, k, x0, y0, c, s, colour, res)
        return frame.copy()

    def _pixels(
        self, x: np.ndarray, y: np.ndarray, x0: float, y0: float, c: float, s: float
    ) -> tuple[np.ndarray, np.ndarray]:
        dx, dy = x - x0, y - y0
        ahead, left = c * dx + s * dy, -s * dx + c * dy
        row = np.floor(
            (EGO_ROW_SHARE * self.size * RENDER_RESOLUTION_M - ahead) / RENDER_RESOLUTION_M
        )
        col = np.floor((0.5 * self.size * RENDER_RESOLUTION_M - left) / RENDER_RESOLUTION_M)
        inside = (row >= 0) & (row < self.size) & (col >= 0) & (col < self.size)
        return row[inside].astype(np.int64), col[inside].astype(np.int64)

    def _box(
        self,
        frame: np.ndarray,
        k: int,
        x0: float,
        y0: float,
        c: float,
        s: float,
        colour: np.ndarray,
        res: float,
    ) -> None:
        w = self.world
        half_l, half_w = float(w.half_length[k]), float(w.half_width[k])
        hk = float(w.h[k])
        ck, sk = math.cos(hk), math.sin(hk)
        corners_x = (
            float(w.x[k])
            + np.array([1, 1, -1, -1]) * half_l * ck
            - np.array([1, -1, -1, 1]) * half_w * sk
        )
        corners_y = (
            float(w.y[k])
            + np.array([1, 1, -1, -1]) * half_l * sk
            + np.array([1, -1, -1, 1]) * half_w * ck
        )
        dx, dy = corners_x - x0, corners_y - y0
        ahead, left = c * dx + s * dy, -s * dx + c * dy
        rows = (EGO_ROW_SHARE * self.size * res - ahead) / res
        cols = (0.5 * self.size * res - left) / res
        r0, r1 = max(int(rows.min()), 0), min(int(math.ceil(rows.max())), self.size)
        c0, c1 = max(int(cols.min()), 0), min(int(math.ceil(cols.max())), self.size)
        if r0 >= r1 or c0 >= c1:
            return
        fa, la = self.ahead[r0:r1, None], self.left[None, c0:c1]
        px, py = x0 + fa * c - la * s - float(w.x[k]), y0 + fa * s + la * c - float(w.y[k])
        inside = (np.abs(px * ck + py * sk) <= half_l) & (np.abs(-px * sk + py * ck) <= half_w)
        frame[r0:r1, c0:c1][inside] = colour


def _lane_edges(world: World) -> np.ndarray:
    """Points along both edges of every driving lane, ``(n, 2)`` world metres."""
    pieces = []
    for lane in world.lanes.lanes:
        line = lane.centerline
        count = max(2, int(math.ceil(float(line.s[-1] - line.s[0]) / EDGE_STEP_M)) + 1)
        s = np.linspace(line.s[0], line.s[-1], count)
        x, y = np.interp(s, line.s, line.x), np.interp(s, line.s, line.y)
        heading = np.interp(s, line.s, np.unwrap(line.heading))
        half = 0.5 * np.interp(s, line.s, line.width)
        nx, ny = -np.sin(heading), np.cos(heading)
        for side in (-1.0, 1.0):
            pieces.append(np.stack((x + side * half * nx, y + side * half * ny), axis=1))
    return np.concatenate(pieces) if pieces else np.zeros((0, 2))
