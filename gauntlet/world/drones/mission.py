"""Mission progress of one drone, judged by the world (not by the stack).

A goal is reached, and a waypoint passed, when the drone comes within the
mission's tolerance of it, in order; a waypoint mission is complete at its
last point. A patrol counts corners and laps and is never complete; a hover
mission is never complete either (its measure is the tracking error).

The *reference* of a mission is what tracking error is measured against:
the hover point, or the polyline start -> waypoints (closed over the corners
for a patrol).
"""

from __future__ import annotations

import numpy as np

from gauntlet.scenarios import drone as sd
from gauntlet.world.drones.obstacles import segment_distance


class MissionProgress:
    """Progress of one drone along its mission.

    Args:
        mission: The scenario's mission.
        start_m: The drone's start ``(3,)``, m.
    """

    def __init__(self, mission: sd.Mission, start_m: np.ndarray) -> None:
        self.kind = type(mission).KIND
        if isinstance(mission, sd.GoalMission | sd.HoverMission):
            points = [mission.position_m]
        else:
            points = list(mission.points_m)
        self.points = np.asarray(points, dtype=np.float64).reshape(-1, 3)
        self.tolerance_m = getattr(mission, "tolerance_m", 1.0)
        self.loop = self.kind == "patrol"
        self.index = 0
        self.passed = 0
        self.laps = 0
        self.complete_s: float | None = None
        if self.kind == "hover":
            self.reference = self.points.copy()
        elif self.loop:
            self.reference = np.vstack((self.points, self.points[:1]))
        else:
            self.reference = np.vstack((np.asarray(start_m, float)[None], self.points))

    @property
    def completable(self) -> bool:
        """Whether the mission can be complete (goal and waypoints)."""
        return self.kind in ("goal", "waypoints")

    @property
    def complete(self) -> bool:
        """Whether the mission is complete."""
        return self.complete_s is not None

    def update(self, position_m: np.ndarray, time_s: float) -> None:
        """Count the points the drone has reached at ``time_s``."""
        if self.kind == "hover" or self.complete:
            return
        if np.linalg.norm(position_m - self.points[self.index]) > self.tolerance_m:
            return
        self.index += 1
        self.passed += 1
        if self.index == len(self.points):
            if self.loop:
                self.index = 0
                self.laps += 1
            else:
                self.complete_s = time_s


def distance_to_polyline(points: np.ndarray, polyline: np.ndarray) -> np.ndarray:
    """Distance of points ``(n, 3)`` to a polyline ``(k, 3)`` (one point: to that point), m."""
    p = np.atleast_2d(points)
    if len(polyline) == 1:
        return np.linalg.norm(p - polyline[0], axis=1)
    return np.min(segment_distance(p, polyline[:-1], polyline[1:]), axis=1)
