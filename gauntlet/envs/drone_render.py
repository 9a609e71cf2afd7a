"""Top-view ``rgb_array`` frames of a drone world, rasterised with numpy.

A frame is ``(400, 400, 3)`` ``uint8``, north up (world +y towards the top
row, +x to the right). The window is fixed per episode: a square round the
start and the mission points with 10 m of margin, at least 40 m wide. Tree
and pole trunks are dark green discs, boxes and buildings grey rectangles
(axis-aligned bounds), the flight path so far light blue (drawn into the static layer as it grows), waypoints orange
(the current one red), the drone a blue disc with a white heading tick, a
collided drone red. No-fly zones are not drawn. A frame costs well under a
millisecond plus about a microsecond per trunk pixel (the static layer is
drawn once per episode).
"""

from __future__ import annotations

import math

import numpy as np

from gauntlet.dynamics import _quadrotor_kernels as qk
from gauntlet.world.drones import DroneWorld

RENDER_SIZE_PX = 400
GROUND = np.array([214, 226, 196], dtype=np.uint8)
TRUNK = np.array([30, 90, 40], dtype=np.uint8)
BOX = np.array([120, 120, 120], dtype=np.uint8)
PATH = np.array([120, 170, 235], dtype=np.uint8)
POINT = np.array([245, 150, 30], dtype=np.uint8)
TARGET = np.array([220, 40, 40], dtype=np.uint8)
DRONE = np.array([30, 70, 220], dtype=np.uint8)
CRASHED = np.array([200, 0, 0], dtype=np.uint8)
TICK = np.array([255, 255, 255], dtype=np.uint8)
#: Margin round the start and mission points, m; smallest window, m.
MARGIN_M = 10.0
MIN_SPAN_M = 40.0
DRONE_RADIUS_PX = 5


class DroneTopView:
    """Frames of one drone world's episode; the static layer is drawn on construction."""

    def __init__(self, world: DroneWorld, size_px: int = RENDER_SIZE_PX) -> None:
        self.size = size_px
        mission = world.missions[0]
        pts = np.vstack((world.scenario.drones[0].start_m, mission.points))[:, :2]
        lo, hi = pts.min(axis=0) - MARGIN_M, pts.max(axis=0) + MARGIN_M
        span = max(float(np.max(hi - lo)), MIN_SPAN_M)
        self.centre = 0.5 * (lo + hi)
        self.px_per_m = size_px / span
        self.background = np.empty((size_px, size_px, 3), dtype=np.uint8)
        self.background[:] = GROUND
        field = world.obstacles
        for x, y, r, _h in field.cylinders:
            self._disc(self.background, x, y, max(r * self.px_per_m, 1.0), TRUNK)
        for b in field.boxes:
            c, s = abs(math.cos(b[3])), abs(math.sin(b[3]))
            hx, hy = 0.5 * (b[4] * c + b[5] * s), 0.5 * (b[4] * s + b[5] * c)
            r0, c0 = self._pixel(b[0] - hx, b[1] + hy)
            r1, c1 = self._pixel(b[0] + hx, b[1] - hy)
            self.background[max(r0, 0) : max(r1 + 1, 0), max(c0, 0) : max(c1 + 1, 0)] = BOX
        for p in mission.points:
            self._disc(self.background, p[0], p[1], 3.0, POINT)
        self.points = mission.points
        self._drawn = 0

    def _pixel(self, x: float, y: float) -> tuple[int, int]:
        """Row and column of a world point (may fall outside the frame)."""
        half = 0.5 * self.size
        col = int(math.floor(half + (x - self.centre[0]) * self.px_per_m))
        row = int(math.floor(half - (y - self.centre[1]) * self.px_per_m))
        return row, col

    def _disc(
        self, frame: np.ndarray, x: float, y: float, radius_px: float, colour: np.ndarray
    ) -> None:
        row, col = self._pixel(x, y)
        r = int(math.ceil(radius_px))
        r0, r1 = max(row - r, 0), min(row + r + 1, self.size)
        c0, c1 = max(col - r, 0), min(col + r + 1, self.size)
        if r0 >= r1 or c0 >= c1:
            return
        rr = np.arange(r0, r1)[:, None] - row
        cc = np.arange(c0, c1)[None, :] - col
        frame[r0:r1, c0:c1][rr * rr + cc * cc <= radius_px * radius_px] = colour

    def draw(
        self, world: DroneWorld, target_index: int, path_xy: list[tuple[float, float]]
    ) -> np.ndarray:
        """The frame of the world now (a new array).

        Args:
            world: The world.
            target_index: Index of the current mission point.
            path_xy: Positions (x, y) of the episode so far, m; only the entries
                added since the last frame are rasterised.
        """
        for x, y in path_xy[self._drawn :]:
            r, c = self._pixel(x, y)
            if 0 <= r < self.size and 0 <= c < self.size:
                self.background[r, c] = PATH
        self._drawn = len(path_xy)
        st = world.fleet.state[0]
        row, col = self._pixel(st[qk.X], st[qk.Y])
        frame = self.background.copy()
        if target_index < len(self.points):
            p = self.points[target_index]
            self._disc(frame, p[0], p[1], 4.0, TARGET)
        colour = CRASHED if world.collided[0] else DRONE
        self._disc(frame, st[qk.X], st[qk.Y], DRONE_RADIUS_PX, colour)
        h = st[qk.HEADING]
        for k in range(1, DRONE_RADIUS_PX + 4):
            r = int(round(row - k * math.sin(h)))
            c = int(round(col + k * math.cos(h)))
            if 0 <= r < self.size and 0 <= c < self.size:
                frame[r, c] = TICK
        return frame
