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
from gauntlet.dynamics._integration import advance_pose, advance_speed
from gauntlet.dynamics._validation import gather, require_params
from gauntlet.dynamics.base import HEADING, SPEED, MotionModel, X, Y, register_motion_model
from gauntlet.dynamics.presets import VehicleParams
from gauntlet.dynamics.steered_vehicle import (
    SteeredVehicleParams,
    speed_bounds,
    steering_actuators,
)

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
class KinematicBicycleParams(SteeredVehicleParams):
    """Parameters of one actor of the kinematic bicycle model.

    The fields are those of :class:`SteeredVehicleParams` (defaults: the ``car``
    preset); here ``speed_mps`` is the speed of the CoG along its path and
    ``0 <= lr_m <= wheelbase_m``.
    """

    def __post_init__(self) -> None:
        self.check_steered_limits()
        if self.lr_m > self.wheelbase_m:
            raise ValueError(
                f"{type(self).__name__}.lr_m ({self.lr_m}) must not exceed "
                f"wheelbase_m ({self.wheelbase_m})"
            )
        self.check_steer_angle()

    @classmethod
    def from_vehicle(
        cls, vehicle: VehicleParams, *, allow_reverse: bool = False
    ) -> KinematicBicycleParams:
        """Take the fields this model uses from a :class:`VehicleParams`."""
        return cls(**cls.steered_fields(vehicle, allow_reverse=allow_reverse))


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
        self._lr_ratio = gather(self.params, "lr_m") / wheelbase
        self._inv_wheelbase = 1.0 / wheelbase
        self._min_speed, self._max_speed = speed_bounds(self.params)
        self._actuators = steering_actuators(self.params)

    @classmethod
    def from_params(
        cls, vehicles: Sequence[VehicleParams], *, allow_reverse: bool = False
    ) -> KinematicBicycle:
        """Build the model from presets or other :class:`VehicleParams`, one per actor."""
        return cls(
            [KinematicBicycleParams.from_vehicle(v, allow_reverse=allow_reverse) for v in vehicles]
        )

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
        advance_pose(x, y, heading, distance, turn, np.add(slip, heading, out=slip))
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
