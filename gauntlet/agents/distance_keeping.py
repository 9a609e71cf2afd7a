"""Keeping a distance to another actor: the controller behind the ``keep_distance`` action.

OpenSCENARIO's continuous ``LongitudinalDistanceAction`` asks an actor to
reach and hold a distance (or time gap) to a reference entity within dynamic
constraints, and leaves the controller to the simulator. Gauntlet's law works
on the gap error ``e = gap - wanted`` (positive: too far away), measured along
the keeper's heading:

    closing = sign(e) * min(K_GAP |e|, sqrt(2 * DECEL_SHARE * b_max * |e|))
    v_cmd   = clip(v_ref + side * closing, 0, v_max)
    a       = clip(K_SPEED (v_cmd - v), -b_max, a_max)

``v_ref`` is the reference's speed along the keeper's heading and ``side`` is
+1 when the keeper stays behind the reference, -1 when it stays ahead. Far
from the set point the keeper closes the gap no faster than it can stop
closing with half its braking limit (the square-root branch), so it does not
overshoot; near it the law is linear (a first-order approach with time
constant ``1 / K_GAP``). The acceleration command never leaves
``[-b_max, a_max]``, and the actuators' lag keeps the realised acceleration
inside it too. The keeper does not reverse.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Gap error to closing speed near the set point, 1/s.
K_GAP = 0.5
#: Speed error to acceleration, 1/s.
K_SPEED = 1.5
#: Share of the braking limit the approach profile plans with.
DECEL_SHARE = 0.5


@dataclass
class DistanceKeeping:
    """Per-driver distance-keeping orders; ``target[k] < 0``: slot ``k`` keeps none.

    Attributes:
        target: Actor index of the reference entity.
        distance_m: Wanted distance, m (when ``time_gap_s`` is NaN).
        time_gap_s: Wanted time gap, s: the distance is this times the
            reference's speed; NaN when a distance is given.
        behind: Whether the keeper stays behind the reference (else ahead of it).
        box_m: Subtracted from the centre distance: the two half lengths for a
            free-space distance (between the boxes), else 0.
        max_accel_mps2: Acceleration limit, m/s^2.
        max_decel_mps2: Deceleration limit (positive), m/s^2.
        max_speed_mps: Speed limit, m/s.
    """

    target: np.ndarray
    distance_m: np.ndarray
    time_gap_s: np.ndarray
    behind: np.ndarray
    box_m: np.ndarray
    max_accel_mps2: np.ndarray
    max_decel_mps2: np.ndarray
    max_speed_mps: np.ndarray

    @classmethod
    def empty(cls, n: int) -> DistanceKeeping:
        return cls(
            np.full(n, -1, np.int64),
            np.zeros(n),
            np.full(n, np.nan),
            np.ones(n, dtype=bool),
            np.zeros(n),
            np.ones(n),
            np.ones(n),
            np.ones(n),
        )

    @property
    def active(self) -> np.ndarray:
        """Slots that keep a distance."""
        return self.target >= 0

    def start(
        self,
        slot: int,
        target: int,
        distance_m: float | None,
        time_gap_s: float | None,
        behind: bool,
        box_m: float,
        limits: tuple[float, float, float],
    ) -> None:
        """Make ``slot`` keep a distance (or time gap) to actor ``target``."""
        self.target[slot] = target
        self.distance_m[slot] = distance_m if distance_m is not None else 0.0
        self.time_gap_s[slot] = time_gap_s if time_gap_s is not None else np.nan
        self.behind[slot], self.box_m[slot] = behind, box_m
        self.max_accel_mps2[slot], self.max_decel_mps2[slot], self.max_speed_mps[slot] = limits

    def stop(self, slot: int) -> None:
        """End the slot's distance keeping (another longitudinal order replaces it)."""
        self.target[slot] = -1


def keeping_acceleration(
    keep: DistanceKeeping,
    slots: np.ndarray,
    actor: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    h: np.ndarray,
    v: np.ndarray,
) -> np.ndarray:
    """Acceleration commands of ``slots`` (whose actors are ``actor[slots]``).

    ``x, y, h, v`` are indexed by actor.
    """
    me, it = actor[slots], keep.target[slots]
    c, s = np.cos(h[me]), np.sin(h[me])
    ahead = (x[it] - x[me]) * c + (y[it] - y[me]) * s  # reference ahead of the keeper, m
    side = np.where(keep.behind[slots], 1.0, -1.0)
    gap = side * ahead - keep.box_m[slots]
    ref_speed = v[it] * np.cos(h[it] - h[me])
    time_gap = keep.time_gap_s[slots]
    wanted = np.where(np.isnan(time_gap), keep.distance_m[slots], time_gap * np.abs(ref_speed))
    error = gap - wanted
    decel, accel = keep.max_decel_mps2[slots], keep.max_accel_mps2[slots]
    closing = np.minimum(K_GAP * np.abs(error), np.sqrt(2.0 * DECEL_SHARE * decel * np.abs(error)))
    v_cmd = np.clip(ref_speed + side * np.sign(error) * closing, 0.0, keep.max_speed_mps[slots])
    return np.clip(K_SPEED * (v_cmd - v[me]), -decel, accel)
