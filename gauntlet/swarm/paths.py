"""Moving references of a mission: a point travelling along a polyline at constant speed."""

from __future__ import annotations

import numpy as np


class PathReference:
    """A point that starts at the first vertex at ``start_s`` and moves at ``speed_mps``; it stops at the end.

    Args:
        points_m: Polyline vertices ``(k, 2)``, m (one vertex: a fixed point).
        speed_mps: Speed along the path, m/s.
        start_s: When it starts moving, s.
    """

    def __init__(self, points_m: np.ndarray, speed_mps: float, start_s: float = 0.0) -> None:
        self.points = np.asarray(points_m, dtype=np.float64).reshape(-1, 2)
        seg = np.diff(self.points, axis=0)
        self.seg_len = np.linalg.norm(seg, axis=1)
        self.cum = np.concatenate([[0.0], np.cumsum(self.seg_len)])
        self.speed = speed_mps
        self.start_s = start_s

    @property
    def length_m(self) -> float:
        return float(self.cum[-1])

    def at_arc(self, s_m: float) -> tuple[np.ndarray, np.ndarray]:
        """Position ``(2,)`` and unit direction ``(2,)`` at arc length ``s_m`` (clamped to the path)."""
        if len(self.points) == 1 or self.length_m == 0.0:
            return self.points[0].copy(), np.array([1.0, 0.0])
        s = min(max(s_m, 0.0), self.length_m)
        k = int(min(np.searchsorted(self.cum, s, side="right") - 1, len(self.seg_len) - 1))
        direction = (self.points[k + 1] - self.points[k]) / max(self.seg_len[k], 1e-12)
        return self.points[k] + direction * (s - self.cum[k]), direction

    def arc_at(self, time_s: float) -> float:
        return max(0.0, time_s - self.start_s) * self.speed

    def state(self, time_s: float, back_m: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        """Position and velocity ``(2,)`` at ``time_s``, ``back_m`` behind the moving point."""
        s = self.arc_at(time_s) - back_m
        pos, direction = self.at_arc(s)
        moving = 0.0 <= s < self.length_m and time_s >= self.start_s
        return pos, direction * (self.speed if moving else 0.0)
