"""Differential-drive ground robots (AGVs): two driven wheels on one axle.

Kinematics (no wheel slip): with wheel radius ``r``, track ``b`` (distance
between the wheels) and wheel speeds ``w_l, w_r`` (rad/s),

    v = r (w_r + w_l) / 2,        yaw rate = r (w_r - w_l) / b,

so constant wheel speeds trace a circle of radius
``R = b/2 (w_r + w_l) / (w_r - w_l)``. The wheel speeds follow their commands
through a first-order motor lag and a wheel-acceleration limit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class DiffDriveParams:
    """A differential-drive robot (defaults: a small warehouse AGV).

    Attributes:
        wheel_radius_m: Wheel radius, m.
        track_m: Distance between the two wheels, m.
        max_wheel_speed_radps: Wheel speed limit, rad/s.
        max_wheel_accel_radps2: Wheel acceleration limit, rad/s^2.
        motor_time_constant_s: First-order lag of the wheel speed, s.
        radius_m: Footprint radius for collision avoidance, m.
    """

    wheel_radius_m: float = 0.1
    track_m: float = 0.5
    max_wheel_speed_radps: float = 15.0
    max_wheel_accel_radps2: float = 30.0
    motor_time_constant_s: float = 0.05
    radius_m: float = 0.4

    @property
    def max_speed_mps(self) -> float:
        return self.wheel_radius_m * self.max_wheel_speed_radps


def turning_radius_m(params: DiffDriveParams, left_radps: float, right_radps: float) -> float:
    """Radius of the circle traced at constant wheel speeds, m (``inf`` driving straight)."""
    if left_radps == right_radps:
        return math.inf
    return 0.5 * params.track_m * (right_radps + left_radps) / (right_radps - left_radps)


@dataclass
class DiffDriveState:
    """States of ``n`` robots (arrays ``(n,)``): pose, m and rad; wheel speeds, rad/s."""

    x_m: np.ndarray
    y_m: np.ndarray
    heading_rad: np.ndarray
    left_radps: np.ndarray
    right_radps: np.ndarray

    @classmethod
    def at_rest(cls, xy_m: np.ndarray, heading_rad: np.ndarray | float = 0.0) -> DiffDriveState:
        xy = np.asarray(xy_m, dtype=np.float64).reshape(-1, 2)
        n = len(xy)
        h = np.broadcast_to(np.asarray(heading_rad, dtype=np.float64), (n,)).copy()
        return cls(xy[:, 0].copy(), xy[:, 1].copy(), h, np.zeros(n), np.zeros(n))

    def speed_mps(self, params: DiffDriveParams) -> np.ndarray:
        return params.wheel_radius_m * 0.5 * (self.left_radps + self.right_radps)

    def velocity_world(self, params: DiffDriveParams) -> np.ndarray:
        """Velocity ``(n, 2)`` in the world frame, m/s."""
        v = self.speed_mps(params)
        return np.stack([v * np.cos(self.heading_rad), v * np.sin(self.heading_rad)], axis=1)


class DiffDriveFleet:
    """``n`` robots of one parameter set; commands are wheel speeds ``(n, 2)`` (left, right)."""

    def __init__(
        self, params: DiffDriveParams, state: DiffDriveState, max_substep_s: float = 0.02
    ) -> None:
        self.params = params
        self.state = state
        self.max_substep_s = max_substep_s
        n = len(state.x_m)
        self.command_radps = np.zeros((n, 2))

    @property
    def size(self) -> int:
        return len(self.state.x_m)

    def command_twist(self, speed_mps: np.ndarray, yaw_rate_radps: np.ndarray) -> None:
        """Command body speed (m/s) and yaw rate (rad/s); wheel limits keep the turn ratio."""
        p = self.params
        left = (speed_mps - 0.5 * p.track_m * yaw_rate_radps) / p.wheel_radius_m
        right = (speed_mps + 0.5 * p.track_m * yaw_rate_radps) / p.wheel_radius_m
        peak = np.maximum(np.maximum(np.abs(left), np.abs(right)), 1e-12)
        scale = np.minimum(1.0, p.max_wheel_speed_radps / peak)
        self.command_radps = np.stack([left * scale, right * scale], axis=1)

    def step(self, dt: float) -> None:
        """Advance every robot by ``dt`` seconds."""
        if not dt > 0.0:
            raise ValueError(f"DiffDriveFleet: dt must be > 0, got {dt!r}")
        p, s = self.params, self.state
        count = max(1, math.ceil(dt / self.max_substep_s - 1e-9))
        h = dt / count
        lag = 1.0 - math.exp(-h / p.motor_time_constant_s)
        cap = p.max_wheel_accel_radps2 * h
        for _ in range(count):
            for col, name in ((0, "left_radps"), (1, "right_radps")):
                w = getattr(s, name)
                dw = np.clip(lag * (self.command_radps[:, col] - w), -cap, cap)
                setattr(s, name, w + dw)
            v = p.wheel_radius_m * 0.5 * (s.left_radps + s.right_radps)
            yaw_rate = p.wheel_radius_m * (s.right_radps - s.left_radps) / p.track_m
            # Exact integration of the arc over the substep.
            half = 0.5 * h * yaw_rate
            mid = s.heading_rad + half
            chord = (
                v
                * h
                * np.where(np.abs(half) > 1e-9, np.sin(half) / np.where(half == 0, 1, half), 1.0)
            )
            s.x_m = s.x_m + chord * np.cos(mid)
            s.y_m = s.y_m + chord * np.sin(mid)
            s.heading_rad = s.heading_rad + h * yaw_rate
