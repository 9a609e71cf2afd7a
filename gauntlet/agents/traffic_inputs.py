"""What lane-following drivers react to besides each other: obstacles and held stop lines.

Obstacles are things not on lanes (pedestrians, static objects); a driver
looks for them in a corridor in front of it whose length grows with speed
(:func:`corridor_gap`). Stop lines are those a signal currently holds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gauntlet.agents.kernels import nearest_in_corridor

CORRIDOR_LENGTH_M = 40.0
#: Faster drivers look further for obstacles: this many seconds of driving, up to the cap.
CORRIDOR_TIME_S = 3.0
CORRIDOR_MAX_M = 100.0


@dataclass
class Obstacles:
    """Things not on lanes that drivers must not hit: pedestrians, static objects.

    Attributes:
        xy: Positions, shape (n, 2), m.
        velocity: Velocities, shape (n, 2), m/s.
        radius: Radii of the circles around them, m.
        actor: Actor index of each.
    """

    xy: np.ndarray
    velocity: np.ndarray
    radius: np.ndarray
    actor: np.ndarray

    @classmethod
    def none(cls) -> Obstacles:
        """No obstacles."""
        return cls(np.zeros((0, 2)), np.zeros((0, 2)), np.zeros(0), np.zeros(0, np.int64))


@dataclass
class StopLines:
    """Stop lines that currently hold traffic: lane index, lane-frame s (m), yellow flag."""

    lane: np.ndarray
    lane_s: np.ndarray
    yellow: np.ndarray

    @classmethod
    def none(cls) -> StopLines:
        """No stop lines."""
        return cls(np.zeros(0, np.int64), np.zeros(0), np.zeros(0, bool))


def corridor_gap(
    pose: tuple[np.ndarray, np.ndarray, np.ndarray],
    half_size: tuple[np.ndarray, np.ndarray],
    actor: np.ndarray,
    obstacles: Obstacles,
    v: np.ndarray,
    back: np.ndarray | None = None,
) -> np.ndarray:
    """Gap from each driver's front to the nearest obstacle in the corridor ahead, m.

    The corridor starts at ``pose = (x, y, heading)`` (m, m, rad) of each
    driver, as wide as ``half_size = (half length, half width)`` (m) says, and
    is ``CORRIDOR_TIME_S`` of driving at speed ``v`` (m/s) long, clipped to
    ``[CORRIDOR_LENGTH_M, CORRIDOR_MAX_M]``, plus ``back`` (m) when given.
    ``actor`` keeps each driver from seeing itself.
    """
    x, y, h = pose
    hl, hw = half_size
    ox, oy = obstacles.xy[:, 0], obstacles.xy[:, 1]
    ovx, ovy = obstacles.velocity[:, 0], obstacles.velocity[:, 1]
    length = np.clip(CORRIDOR_TIME_S * np.abs(v), CORRIDOR_LENGTH_M, CORRIDOR_MAX_M)
    if back is not None:
        length = back + length
    return nearest_in_corridor(
        x, y, h, hl, hw, actor, ox, oy, ovx, ovy, obstacles.radius, obstacles.actor, length
    )
