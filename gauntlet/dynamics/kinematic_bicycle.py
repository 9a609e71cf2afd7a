"""Kinematic bicycle model with its reference point at the centre of mass.

The two wheels of each axle are lumped into one, tyres do not slip, and the
velocity of the centre of mass (CoG) makes the slip angle

    beta = atan(lr / L * tan(delta))

with the vehicle's heading, where ``L`` is the wheelbase, ``lr`` the distance
from the rear axle to the CoG and ``delta`` the road-wheel steering angle.
With ``v`` the speed of the CoG and ``psi`` the heading:

    dx/dt = v cos(psi + beta)      dy/dt = v sin(psi + beta)
    dpsi/dt = v cos(beta) tan(delta) / L        dv/dt = a

The CoG moves on a circle of curvature ``kappa = cos(beta) tan(delta) / L``,
radius ``sqrt(lr^2 + L^2 cot^2(delta))``. Acceleration and steering angle come
from first-order actuators (:mod:`gauntlet.dynamics.actuators`).

Integration: over a step, the actuators' mean outputs are held constant. The
speed profile is then piecewise linear (clamped at the speed bounds) and the
curvature constant, so the path is an exact circular arc (or straight line)
whose length is the exact distance covered; position and heading are computed
in closed form, without truncation error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gauntlet.dynamics._bicycle_kernel import bicycle_step
from gauntlet.dynamics._integration import advance_speed, arc_displacement, wrap_angle
from gauntlet.dynamics._validation import (
    gather,
    require_finite_positive,
    require_non_negative,
    require_params,
    require_positive,
)
from gauntlet.dynamics.actuators import vehicle_actuators
from gauntlet.dynamics.base import HEADING, SPEED, MotionModel, X, Y, register_motion_model
from gauntlet.dynamics.presets import VehicleParams, preset

_CAR = preset("car")

#: Columns of the actuator outputs.
STEER, ACCEL = 4, 5


@dataclass(frozen=True)
class KinematicBicycleState:
    """State of one actor of the kinematic bicycle model.

    Attributes:
        x_m: CoG position, world x, m.
        y_m: CoG position, world y, m.
        heading_rad: Yaw angle of the body, rad, in ``[-pi, pi)`` after a step.
        speed_mps: Speed of the CoG along its path, m/s (negative when reversing).
        steer_rad: Road-wheel steering angle (actuator output), rad.
        accel_mps2: Longitudinal acceleration (actuator output), m/s^2.
    """

    x_m: float
    y_m: float
    heading_rad: float
    speed_mps: float = 0.0
    steer_rad: float = 0.0
    accel_mps2: float = 0.0


@dataclass(frozen=True)
class KinematicBicycleParams:
    """Parameters of one actor of the kinematic bicycle model.

    Defaults are those of the ``car`` preset.

    Attributes:
        wheelbase_m: Front to rear axle, m.
        lr_m: Rear axle to the CoG (the reference point), m; ``0 <= lr_m <= wheelbase_m``.
        max_accel_mps2: Highest acceleration, m/s^2.
        max_decel_mps2: Highest braking deceleration (positive), m/s^2.
        max_steer_rad: Largest road-wheel angle, rad (``< pi / 2``).
        max_steer_rate_radps: Largest steering rate, rad/s (``inf``: unlimited).
        accel_lag_s: Time constant of the acceleration actuator, s (0: none).
        steer_lag_s: Time constant of the steering actuator, s (0: none).
        max_speed_mps: Highest speed, m/s; also the highest reverse speed.
        allow_reverse: Whether the speed may become negative. When False, braking
            stops the vehicle exactly at 0 and it stays there.
    """

    wheelbase_m: float = _CAR.wheelbase_m
    lr_m: float = _CAR.lr_m
    max_accel_mps2: float = _CAR.max_accel_mps2
    max_decel_mps2: float = _CAR.max_decel_mps2
    max_steer_rad: float = _CAR.max_steer_rad
    max_steer_rate_radps: float = _CAR.max_steer_rate_radps
    accel_lag_s: float = _CAR.accel_lag_s
    steer_lag_s: float = _CAR.steer_lag_s
    max_speed_mps: float = _CAR.max_speed_mps
    allow_reverse: bool = False

    def __post_init__(self) -> None:
        owner = type(self).__name__
        require_finite_positive(
            owner,
            wheelbase_m=self.wheelbase_m,
            max_accel_mps2=self.max_accel_mps2,
            max_decel_mps2=self.max_decel_mps2,
            max_speed_mps=self.max_speed_mps,
        )
        require_positive(owner, max_steer_rate_radps=self.max_steer_rate_radps)
        require_non_negative(
            owner, lr_m=self.lr_m, accel_lag_s=self.accel_lag_s, steer_lag_s=self.steer_lag_s
        )
        if self.lr_m > self.wheelbase_m:
            raise ValueError(
                f"{owner}.lr_m ({self.lr_m}) must not exceed wheelbase_m ({self.wheelbase_m})"
            )
        if not 0.0 < self.max_steer_rad < np.pi / 2:
            raise ValueError(
                f"{owner}.max_steer_rad must lie in (0, pi/2), got {self.max_steer_rad!r}"
            )

    @classmethod
    def from_vehicle(
        cls, vehicle: VehicleParams, *, allow_reverse: bool = False
    ) -> KinematicBicycleParams:
        """Take the fields this model uses from a :class:`VehicleParams`."""
        return cls(
            wheelbase_m=vehicle.wheelbase_m,
            lr_m=vehicle.lr_m,
            max_accel_mps2=vehicle.max_accel_mps2,
            max_decel_mps2=vehicle.max_decel_mps2,
            max_steer_rad=vehicle.max_steer_rad,
            max_steer_rate_radps=vehicle.max_steer_rate_radps,
            accel_lag_s=vehicle.accel_lag_s,
            steer_lag_s=vehicle.steer_lag_s,
            max_speed_mps=vehicle.max_speed_mps,
            allow_reverse=allow_reverse,
        )


@register_motion_model
class KinematicBicycle(MotionModel):
    """Kinematic bicycle model, batched over actors.

    State columns: ``x_m, y_m, heading_rad, speed_mps, steer_rad, accel_mps2``.
    Control columns: ``accel_cmd_mps2, steer_cmd_rad``.

    Args:
        params: One :class:`KinematicBicycleParams` per actor.
    """

    NAME = "kinematic_bicycle"
    STATE_TYPE = KinematicBicycleState
    STATE_FIELDS = ("x_m", "y_m", "heading_rad", "speed_mps", "steer_rad", "accel_mps2")
    CONTROL_FIELDS = ("accel_cmd_mps2", "steer_cmd_rad")

    def __init__(self, params: Sequence[KinematicBicycleParams]) -> None:
        self.params = require_params(type(self).__name__, params, KinematicBicycleParams)
        wheelbase = gather(self.params, "wheelbase_m")
        max_speed = gather(self.params, "max_speed_mps")
        self._lr_ratio = gather(self.params, "lr_m") / wheelbase
        self._inv_wheelbase = 1.0 / wheelbase
        self._max_speed = max_speed
        self._min_speed = np.where(gather(self.params, "allow_reverse") > 0, -max_speed, 0.0)
        self._actuators = vehicle_actuators(
            max_steer_rad=gather(self.params, "max_steer_rad"),
            max_steer_rate_radps=gather(self.params, "max_steer_rate_radps"),
            steer_lag_s=gather(self.params, "steer_lag_s"),
            max_accel_mps2=gather(self.params, "max_accel_mps2"),
            max_decel_mps2=gather(self.params, "max_decel_mps2"),
            accel_lag_s=gather(self.params, "accel_lag_s"),
        )

    @classmethod
    def from_params(
        cls, vehicles: Sequence[VehicleParams], *, allow_reverse: bool = False
    ) -> KinematicBicycle:
        """Build the model from presets or other :class:`VehicleParams`, one per actor."""
        return cls(
            [KinematicBicycleParams.from_vehicle(v, allow_reverse=allow_reverse) for v in vehicles]
        )

    @property
    def size(self) -> int:
        """Number of actors this instance steps."""
        return len(self.params)

    def step(self, state: np.ndarray, control: np.ndarray, dt: float) -> np.ndarray:
        """Advance ``state`` in place by ``dt`` seconds and return it.

        Args:
            state: Shape ``(n, 6)``, columns :attr:`STATE_FIELDS`.
            control: Shape ``(n, 2)``, columns :attr:`CONTROL_FIELDS`.
            dt: Step length, s.
        """
        self.check_step_args(state, control, dt)
        a = self._actuators
        end_fraction, mean_fraction, max_step = a.coefficients(dt)
        bicycle_step(
            state,
            control,
            dt,
            a.lower,
            a.upper,
            end_fraction,
            mean_fraction,
            max_step,
            self._min_speed,
            self._max_speed,
            self._lr_ratio,
            self._inv_wheelbase,
        )
        return state

    def step_arrays(self, state: np.ndarray, control: np.ndarray, dt: float) -> np.ndarray:
        """:meth:`step` written with array operations: the reference for the compiled loop."""
        self.check_step_args(state, control, dt)
        # Work on contiguous rows (one per state field): much faster than on columns.
        work = np.array(state.T, order="C")
        x, y, heading, speed = work[X], work[Y], work[HEADING], work[SPEED]
        # The actuator rows are (steer, accel); the control columns are (accel, steer).
        mean = self._actuators.advance(
            work[STEER : ACCEL + 1], np.ascontiguousarray(control.T[::-1]), dt
        )
        new_speed, distance = advance_speed(speed, mean[1], self._min_speed, self._max_speed, dt)
        tan_steer = np.tan(mean[0])
        slip = np.arctan(self._lr_ratio * tan_steer)
        # Heading change = path curvature cos(beta) tan(delta) / L times distance.
        turn = np.cos(slip)
        turn *= tan_steer
        turn *= self._inv_wheelbase
        turn *= distance
        course = np.add(slip, heading, out=slip)
        dx, dy = arc_displacement(distance, turn, course)
        x += dx
        y += dy
        heading += turn
        wrap_angle(heading)
        speed[:] = new_speed
        state[...] = work.T
        return state

    def slip_angle(self, state: np.ndarray) -> np.ndarray:
        """Angle between the CoG velocity and the heading, rad, shape ``(n,)``."""
        return np.arctan(self._lr_ratio * np.tan(state[:, STEER]))

    def yaw_rate(self, state: np.ndarray) -> np.ndarray:
        """Yaw rate ``v cos(beta) tan(delta) / L`` in rad/s, shape ``(n,)``."""
        tan_steer = np.tan(state[:, STEER])
        return (
            state[:, SPEED]
            * np.cos(np.arctan(self._lr_ratio * tan_steer))
            * tan_steer
            * self._inv_wheelbase
        )

    def velocity(self, state: np.ndarray) -> np.ndarray:
        """World-frame CoG velocity ``(n, 2)`` in m/s, along ``heading + beta``."""
        course = state[:, HEADING] + self.slip_angle(state)
        speed = state[:, SPEED]
        return np.stack((speed * np.cos(course), speed * np.sin(course)), axis=1)
