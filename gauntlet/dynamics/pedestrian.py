"""Pedestrian model: a walker that relaxes towards a desired velocity.

The control is the desired world-frame velocity ``v_des``; as in the social
force model, the velocity relaxes towards it with time constant ``tau``:

    dv/dt = (v_des - v) / tau,      |dv/dt| <= max_accel,      |v| <= max_speed

``v_des`` is first shortened to ``max_speed``. The heading follows the
direction of the velocity (it is kept while the pedestrian stands still), so
``(heading, speed)`` with ``speed >= 0`` is the velocity in polar form.

Integration: per step, the exact relaxation ``v_des + (v0 - v_des) exp(-dt / tau)``
gives the velocity change; if it exceeds ``max_accel * dt`` in magnitude it is
shortened to that (a constant-acceleration ramp). The position advances by the
exact mean velocity of either case. Cyclists are not pedestrians: they use the
kinematic bicycle with the ``bicycle`` preset.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gauntlet.dynamics._integration import wrap_angle
from gauntlet.dynamics._validation import (
    gather,
    require_finite_positive,
    require_non_negative,
    require_params,
)
from gauntlet.dynamics.actuators import lag_fractions
from gauntlet.dynamics.base import HEADING, SPEED, MotionModel, X, Y, register_motion_model
from gauntlet.dynamics.presets import VehicleParams

#: Below this speed the heading is kept instead of following the velocity, m/s.
STANDING_SPEED_MPS = 1e-6


@dataclass(frozen=True)
class PedestrianState:
    """State of one pedestrian.

    Attributes:
        x_m: Position, world x, m.
        y_m: Position, world y, m.
        heading_rad: Direction of walking (kept while standing), rad, in ``[-pi, pi)``
            after a step.
        speed_mps: Walking speed, m/s, ``>= 0``.
    """

    x_m: float
    y_m: float
    heading_rad: float
    speed_mps: float = 0.0


@dataclass(frozen=True)
class PedestrianParams:
    """Parameters of one pedestrian.

    Attributes:
        max_speed_mps: Highest walking/running speed, m/s.
        max_accel_mps2: Largest magnitude of the acceleration vector, m/s^2.
        relaxation_time_s: Time constant ``tau`` of the approach to the desired
            velocity, s (0: as fast as ``max_accel_mps2`` allows).
    """

    max_speed_mps: float = 2.5
    max_accel_mps2: float = 1.5
    relaxation_time_s: float = 0.5

    def __post_init__(self) -> None:
        owner = type(self).__name__
        require_finite_positive(
            owner, max_speed_mps=self.max_speed_mps, max_accel_mps2=self.max_accel_mps2
        )
        require_non_negative(owner, relaxation_time_s=self.relaxation_time_s)

    @classmethod
    def from_vehicle(cls, vehicle: VehicleParams) -> PedestrianParams:
        """Take max speed and acceleration from a :class:`VehicleParams`.

        Its ``accel_lag_s`` serves as the relaxation time.
        """
        return cls(
            max_speed_mps=vehicle.max_speed_mps,
            max_accel_mps2=vehicle.max_accel_mps2,
            relaxation_time_s=vehicle.accel_lag_s,
        )


@register_motion_model
class Pedestrian(MotionModel):
    """Pedestrian model, batched over actors.

    State columns: ``x_m, y_m, heading_rad, speed_mps``.
    Control columns: ``vx_cmd_mps, vy_cmd_mps`` (desired world-frame velocity).

    Args:
        params: One :class:`PedestrianParams` per actor.
    """

    NAME = "pedestrian"
    STATE_TYPE = PedestrianState
    STATE_FIELDS = ("x_m", "y_m", "heading_rad", "speed_mps")
    CONTROL_FIELDS = ("vx_cmd_mps", "vy_cmd_mps")

    def __init__(self, params: Sequence[PedestrianParams]) -> None:
        self.params = require_params(type(self).__name__, params, PedestrianParams)
        self._max_speed = gather(self.params, "max_speed_mps")
        self._max_accel = gather(self.params, "max_accel_mps2")
        self._relaxation = gather(self.params, "relaxation_time_s")
        self._dt = float("nan")

    @classmethod
    def from_params(cls, vehicles: Sequence[VehicleParams]) -> Pedestrian:
        """Build the model from presets or other :class:`VehicleParams`, one per actor."""
        return cls([PedestrianParams.from_vehicle(v) for v in vehicles])

    @property
    def size(self) -> int:
        """Number of actors this instance steps."""
        return len(self.params)

    def step(self, state: np.ndarray, control: np.ndarray, dt: float) -> np.ndarray:
        """Advance ``state`` in place by ``dt`` seconds and return it.

        Args:
            state: Shape ``(n, 4)``, columns :attr:`STATE_FIELDS`.
            control: Shape ``(n, 2)``, columns :attr:`CONTROL_FIELDS`.
            dt: Step length, s.
        """
        self.check_step_args(state, control, dt)
        if dt != self._dt:
            self._end_fraction, self._mean_fraction = lag_fractions(self._relaxation, dt)
            self._max_change = self._max_accel * dt
            self._dt = dt
        work = np.array(state.T, order="C")
        heading, speed = work[HEADING], work[SPEED]
        np.minimum(speed, self._max_speed, out=speed)
        velocity = np.stack((np.cos(heading), np.sin(heading)))
        velocity *= speed
        desired = np.array(control.T, order="C")
        # Shorten the desired velocity to max speed (the 1e-300 avoids 0 / 0).
        shrink = np.hypot(desired[0], desired[1])
        shrink += 1e-300
        np.divide(self._max_speed, shrink, out=shrink)
        desired *= np.minimum(shrink, 1.0, out=shrink)
        error = np.subtract(desired, velocity, out=desired)
        change = error * self._end_fraction
        mean_change = np.multiply(error, self._mean_fraction, out=error)
        # Where the acceleration limit binds, the change is a linear ramp whose
        # mean over the step is half its end value.
        shrink = np.hypot(change[0], change[1])
        shrink += 1e-300
        np.divide(self._max_change, shrink, out=shrink)
        ramp = shrink < 1.0
        change *= np.minimum(shrink, 1.0, out=shrink)
        mean_change = np.where(ramp, 0.5 * change, mean_change)
        mean_change += velocity
        mean_change *= dt
        work[X] += mean_change[0]
        work[Y] += mean_change[1]
        velocity += change
        new_speed = np.hypot(velocity[0], velocity[1])
        moving = new_speed >= STANDING_SPEED_MPS
        np.copyto(heading, np.arctan2(velocity[1], velocity[0]), where=moving)
        wrap_angle(heading)  # arctan2 gives (-pi, pi]; the models use [-pi, pi)
        np.minimum(new_speed, self._max_speed, out=speed)
        state[...] = work.T
        return state

    def yaw_rate(self, state: np.ndarray) -> np.ndarray:
        """Zeros, shape ``(n,)``: the heading follows the velocity and has no dynamics of its own."""
        return np.zeros(state.shape[0])
