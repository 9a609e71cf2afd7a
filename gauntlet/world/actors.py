"""The records a world is made of: actors, motion groups, scripted motions, signal stops.

Plain data built by :mod:`gauntlet.world.builder` and kept by
:class:`gauntlet.world.world.World`; lengths in m, times in s.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gauntlet.dynamics.base import MotionModel


@dataclass(frozen=True)
class ActorInfo:
    """Static facts about one actor."""

    id: int
    name: str
    type: str
    length_m: float
    width_m: float
    height_m: float
    wheelbase_m: float


@dataclass
class MotionGroup:
    """Actors that share one motion model, stepped together."""

    model: MotionModel
    actors: np.ndarray
    state: np.ndarray
    control: np.ndarray
    #: Driver slot per actor (-1: driven from outside); filled on first use.
    driver_slots: np.ndarray | None = None

    @property
    def steer_is_yaw_rate(self) -> bool:
        """Whether the model takes a yaw rate where vehicle controls give a steering angle."""
        return self.model.CONTROL_FIELDS[1].startswith("yaw_rate")


@dataclass(frozen=True)
class CollisionEvent:
    """First contact between two actors."""

    time_s: float
    a: int
    b: int


@dataclass
class ScriptedMotion:
    """A timed polyline an actor follows exactly (storyboard FollowTrajectory).

    ``h`` holds headings to interpolate between vertices; ``None`` means the
    heading is the direction of the current segment.
    """

    t: np.ndarray
    x: np.ndarray
    y: np.ndarray
    h: np.ndarray | None = None
    #: ``h`` unwrapped (no jumps of more than pi between vertices), rad; set at construction.
    _h_unwrapped: np.ndarray | None = field(init=False, repr=False, compare=False, default=None)

    def __post_init__(self) -> None:
        if self.h is not None:
            self._h_unwrapped = np.unwrap(self.h)

    def pose_at(self, t: float) -> tuple[float, float, float, float]:
        """``(x, y, heading, speed)`` at time ``t`` (m, m, rad, m/s); at rest after the end."""
        x = float(np.interp(t, self.t, self.x))
        y = float(np.interp(t, self.t, self.y))
        k = int(np.clip(np.searchsorted(self.t, t, side="right") - 1, 0, len(self.t) - 2))
        if self._h_unwrapped is not None:
            h = float(np.interp(t, self.t, self._h_unwrapped))
        else:
            h = float(np.arctan2(self.y[k + 1] - self.y[k], self.x[k + 1] - self.x[k]))
        seg = np.hypot(self.x[k + 1] - self.x[k], self.y[k + 1] - self.y[k]) / max(
            self.t[k + 1] - self.t[k], 1e-9
        )
        speed = float(seg) if t < self.t[-1] else 0.0
        return x, y, h, speed


@dataclass(frozen=True)
class SignalStop:
    """Where a signal holds traffic: lane index in the lane table, lane-frame s."""

    signal_id: str
    lane: int
    lane_s: float
