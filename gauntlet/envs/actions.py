"""Action spaces of the driving environments and their mapping to a vehicle :class:`Control`.

``continuous``: ``Box(-1, 1, (2,), float32)`` = (acceleration, steering). An
acceleration of +1 is the ego's largest acceleration, -1 its largest
deceleration; a steering of ±1 is its largest road-wheel angle (left positive).

``meta``: ``Discrete(5)`` meta-actions, tracked by a built-in controller:
0 keep (hold speed and lateral target), 1 accelerate (+2 m/s²), 2 brake
(-4 m/s²), 3 left and 4 right (move the lateral target one lane width,
3.5 m, to that side of the route, at most two lanes). The controller steers
to the target with a Stanley law on the route's heading and lateral errors.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from gymnasium import spaces

ActionKind = Literal["continuous", "meta"]
KEEP, ACCELERATE, BRAKE, LEFT, RIGHT = range(5)
META_ACCEL_MPS2 = {KEEP: 0.0, ACCELERATE: 2.0, BRAKE: -4.0, LEFT: 0.0, RIGHT: 0.0}
LANE_WIDTH_M = 3.5
MAX_LANE_SHIFT = 2
#: Stanley gain on the lateral error, 1/s.
STANLEY_GAIN = 1.0


class ActionMapper:
    """Turns an action into (acceleration m/s², steering rad) for one ego."""

    def __init__(
        self, kind: ActionKind, max_accel: float, max_decel: float, max_steer: float
    ) -> None:
        if kind not in ("continuous", "meta"):
            raise ValueError(f"actions must be 'continuous' or 'meta', got {kind!r}")
        self.kind = kind
        self.max_accel, self.max_decel, self.max_steer = max_accel, max_decel, max_steer
        self.lateral_target_m = 0.0

    @staticmethod
    def space(kind: ActionKind) -> spaces.Space:
        """The action space of ``kind``."""
        if kind == "meta":
            return spaces.Discrete(5)
        return spaces.Box(-1.0, 1.0, shape=(2,), dtype=np.float32)

    def control(
        self, action: np.ndarray | int, lateral_m: float, heading_error: float, speed: float
    ) -> tuple[float, float]:
        """Acceleration and steering for ``action`` at the ego's current route errors."""
        if self.kind == "continuous":
            a = min(max(float(action[0]), -1.0), 1.0)  # type: ignore[index]
            steer = min(max(float(action[1]), -1.0), 1.0)  # type: ignore[index]
            accel = a * (self.max_accel if a >= 0.0 else self.max_decel)
            return accel, steer * self.max_steer
        meta = int(action)
        if meta == LEFT:
            self.lateral_target_m = min(
                self.lateral_target_m + LANE_WIDTH_M, MAX_LANE_SHIFT * LANE_WIDTH_M
            )
        elif meta == RIGHT:
            self.lateral_target_m = max(
                self.lateral_target_m - LANE_WIDTH_M, -MAX_LANE_SHIFT * LANE_WIDTH_M
            )
        error = self.lateral_target_m - lateral_m
        steer = heading_error + math.atan2(STANLEY_GAIN * error, max(speed, 1.0))
        steer = min(max(steer, -self.max_steer), self.max_steer)
        accel = min(max(META_ACCEL_MPS2[meta], -self.max_decel), self.max_accel)
        return accel, steer
