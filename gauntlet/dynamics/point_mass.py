"""Point-mass model: a particle steered by acceleration and yaw rate.

The actor is a point with a heading; it is commanded a longitudinal
acceleration ``a`` and a yaw rate ``omega`` directly:

    dx/dt = v cos(psi)      dy/dt = v sin(psi)      dpsi/dt = omega      dv/dt = a

Limits: ``a`` is clipped to ``[-max_decel, max_accel]`` and ``omega`` to
``±max_yaw_rate``; then the combined acceleration must lie in the friction
circle ``sqrt(a^2 + (v omega)^2) <= max_total_accel``. When it does not, ``a``
and ``omega`` are scaled down by the same factor, which keeps the direction of
the acceleration vector. ``v`` here is the larger of the speeds at the start
and the end of the step, so the limit also holds at the end of the step.

Integration: over a step ``a`` and ``omega`` are constant; the speed is exact
(piecewise linear, clamped at the speed bounds; braking to standstill stops at
0 when reversing is not allowed), and the position moves along the circular
arc of the exact length covered that turns by ``omega * dt``. This is exact at
constant speed and second-order accurate while the speed changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gauntlet.dynamics._integration import advance_pose, advance_speed
from gauntlet.dynamics._validation import (
    gather,
    require_finite_positive,
    require_params,
    require_positive,
)
from gauntlet.dynamics.base import HEADING, SPEED, MotionModel, X, Y, register_motion_model
from gauntlet.dynamics.presets import VehicleParams, preset
from gauntlet.dynamics.steered_vehicle import speed_bounds
from gauntlet.dynamics.tyres import GRAVITY_MPS2

_CAR = preset("car")

#: Column of the applied yaw rate.
YAW_RATE = 4


@dataclass(frozen=True)
class PointMassState:
    """State of one actor of the point-mass model.

    Attributes:
        x_m: Position, world x, m.
        y_m: Position, world y, m.
        heading_rad: Direction of travel, rad, in ``[-pi, pi)`` after a step.
        speed_mps: Speed along the heading, m/s.
        yaw_rate_radps: Yaw rate applied over the last step (after the limits), rad/s.
    """

    x_m: float
    y_m: float
    heading_rad: float
    speed_mps: float = 0.0
    yaw_rate_radps: float = 0.0


@dataclass(frozen=True)
class PointMassParams:
    """Parameters of one actor of the point-mass model.

    Defaults are those of the ``car`` preset.

    Attributes:
        max_accel_mps2: Highest longitudinal acceleration, m/s^2.
        max_decel_mps2: Highest braking deceleration (positive), m/s^2.
        max_total_accel_mps2: Radius of the friction circle, m/s^2 (``mu * g``).
        max_yaw_rate_radps: Largest yaw rate, rad/s (``inf``: unlimited).
        max_speed_mps: Highest speed, m/s; also the highest reverse speed.
        allow_reverse: Whether the speed may become negative.
    """

    max_accel_mps2: float = _CAR.max_accel_mps2
    max_decel_mps2: float = _CAR.max_decel_mps2
    max_total_accel_mps2: float = _CAR.friction_coefficient * GRAVITY_MPS2
    max_yaw_rate_radps: float = float("inf")
    max_speed_mps: float = _CAR.max_speed_mps
    allow_reverse: bool = False

    def __post_init__(self) -> None:
        owner = type(self).__name__
        require_finite_positive(
            owner,
            max_accel_mps2=self.max_accel_mps2,
            max_decel_mps2=self.max_decel_mps2,
            max_total_accel_mps2=self.max_total_accel_mps2,
            max_speed_mps=self.max_speed_mps,
        )
        require_positive(owner, max_yaw_rate_radps=self.max_yaw_rate_radps)

    @classmethod
    def from_vehicle(
        cls, vehicle: VehicleParams, *, allow_reverse: bool = False
    ) -> PointMassParams:
        """Take the fields this model uses from a :class:`VehicleParams`.

        The friction circle's radius is ``friction_coefficient * g``.
        """
        return cls(
            max_accel_mps2=vehicle.max_accel_mps2,
            max_decel_mps2=vehicle.max_decel_mps2,
            max_total_accel_mps2=vehicle.friction_coefficient * GRAVITY_MPS2,
            max_speed_mps=vehicle.max_speed_mps,
            allow_reverse=allow_reverse,
        )


@register_motion_model
class PointMass(MotionModel):
    """Point-mass model, batched over actors.

    State columns: ``x_m, y_m, heading_rad, speed_mps, yaw_rate_radps``.
    Control columns: ``accel_cmd_mps2, yaw_rate_cmd_radps``.

    Args:
        params: One :class:`PointMassParams` per actor.
    """

    NAME = "point_mass"
    STATE_TYPE = PointMassState
    STATE_FIELDS = ("x_m", "y_m", "heading_rad", "speed_mps", "yaw_rate_radps")
    CONTROL_FIELDS = ("accel_cmd_mps2", "yaw_rate_cmd_radps")

    def __init__(self, params: Sequence[PointMassParams]) -> None:
        self.params = require_params(type(self).__name__, params, PointMassParams)
        p = self.params
        self._max_accel = gather(p, "max_accel_mps2")
        self._min_accel = -gather(p, "max_decel_mps2")
        self._max_total_accel = gather(p, "max_total_accel_mps2")
        self._max_yaw_rate = gather(p, "max_yaw_rate_radps")
        self._min_yaw_rate = -self._max_yaw_rate
        self._min_speed, self._max_speed = speed_bounds(p)

    @classmethod
    def from_params(
        cls, vehicles: Sequence[VehicleParams], *, allow_reverse: bool = False
    ) -> PointMass:
        """Build the model from presets or other :class:`VehicleParams`, one per actor."""
        return cls([PointMassParams.from_vehicle(v, allow_reverse=allow_reverse) for v in vehicles])

    def limited_controls(
        self, speed: np.ndarray, control: np.ndarray, dt: float
    ) -> tuple[np.ndarray, np.ndarray]:
        """The acceleration and yaw rate actually applied, after all limits.

        Args:
            speed: Speeds at the start of the step, m/s, shape ``(n,)``.
            control: Shape ``(n, 2)``, columns :attr:`CONTROL_FIELDS`.
            dt: Step length, s.

        Returns:
            ``(accel_mps2, yaw_rate_radps)``, each of shape ``(n,)``.
        """
        accel = np.minimum(control[:, 0], self._max_accel)
        np.maximum(accel, self._min_accel, out=accel)
        yaw_rate = np.minimum(control[:, 1], self._max_yaw_rate)
        np.maximum(yaw_rate, self._min_yaw_rate, out=yaw_rate)
        start = np.minimum(speed, self._max_speed)
        np.maximum(start, self._min_speed, out=start)
        end = accel * dt
        end += start
        np.minimum(end, self._max_speed, out=end)
        np.maximum(end, self._min_speed, out=end)
        lateral = np.maximum(np.abs(start), np.abs(end, out=end), out=end)
        lateral *= yaw_rate
        total = np.hypot(accel, lateral, out=lateral)
        # A zero total becomes 1e-300, so the scale is 1 without a division warning.
        total += 1e-300
        scale = np.divide(self._max_total_accel, total, out=total)
        np.minimum(scale, 1.0, out=scale)
        accel *= scale
        yaw_rate *= scale
        return accel, yaw_rate

    def step(self, state: np.ndarray, control: np.ndarray, dt: float) -> np.ndarray:
        """Advance ``state`` in place by ``dt`` seconds and return it.

        Args:
            state: Shape ``(n, 5)``, columns :attr:`STATE_FIELDS`.
            control: Shape ``(n, 2)``, columns :attr:`CONTROL_FIELDS`.
            dt: Step length, s.
        """
        self.check_step_args(state, control, dt)
        work = np.array(state.T, order="C")
        x, y, heading, speed = work[X], work[Y], work[HEADING], work[SPEED]
        accel, yaw_rate = self.limited_controls(speed, control, dt)
        new_speed, distance = advance_speed(speed, accel, self._min_speed, self._max_speed, dt)
        advance_pose(x, y, heading, distance, yaw_rate * dt, heading)
        speed[:] = new_speed
        work[YAW_RATE] = yaw_rate
        state[...] = work.T
        return state

    def yaw_rate(self, state: np.ndarray) -> np.ndarray:
        """Yaw rate applied over the last step, rad/s, shape ``(n,)``."""
        return state[:, YAW_RATE].copy()
