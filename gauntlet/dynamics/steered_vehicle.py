"""Limits shared by the steered road-vehicle models and their per-actor arrays.

The kinematic bicycle and the dynamic single-track model describe the same
chassis: a wheelbase with the reference point (the CoG) ``lr_m`` ahead of the
rear axle, a first-order steering and acceleration actuator, and speed bounds
on the ``speed_mps`` column. :class:`SteeredVehicleParams` holds these fields,
their defaults (the ``car`` preset) and their checks once; each model's
parameter class adds its own fields and rules on top.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from gauntlet.dynamics._validation import (
    gather,
    require_finite_positive,
    require_non_negative,
    require_positive,
)
from gauntlet.dynamics.actuators import ActuatorBank, vehicle_actuators
from gauntlet.dynamics.presets import VehicleParams, preset

_CAR = preset("car")


@dataclass(frozen=True)
class SteeredVehicleParams:
    """Chassis, actuator and speed limits of one steered road vehicle.

    Defaults are those of the ``car`` preset.

    Attributes:
        wheelbase_m: Front to rear axle, m.
        lr_m: Rear axle to the CoG (the reference point), m.
        max_accel_mps2: Highest acceleration, m/s^2.
        max_decel_mps2: Highest braking deceleration (positive), m/s^2.
        max_steer_rad: Largest road-wheel angle, rad (``< pi / 2``).
        max_steer_rate_radps: Largest steering rate, rad/s (``inf``: unlimited).
        accel_lag_s: Time constant of the acceleration actuator, s (0: none).
        steer_lag_s: Time constant of the steering actuator, s (0: none).
        max_speed_mps: Highest value of the model's ``speed_mps`` column, m/s; also
            the highest reverse speed.
        allow_reverse: Whether ``speed_mps`` may become negative. When False,
            braking stops the vehicle exactly at 0 and it stays there.
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

    def check_steered_limits(self) -> None:
        """Raise ``ValueError`` naming the first field outside its range.

        The placement of the CoG on the wheelbase is left to the subclasses,
        whose models need different ranges of ``lr_m``.
        """
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

    def check_steer_angle(self) -> None:
        """Raise ``ValueError`` unless ``0 < max_steer_rad < pi / 2``."""
        if not 0.0 < self.max_steer_rad < np.pi / 2:
            raise ValueError(
                f"{type(self).__name__}.max_steer_rad must lie in (0, pi/2), "
                f"got {self.max_steer_rad!r}"
            )

    @staticmethod
    def steered_fields(vehicle: VehicleParams, *, allow_reverse: bool) -> dict[str, Any]:
        """The fields of this class taken from a :class:`VehicleParams`, as keywords."""
        return {
            "wheelbase_m": vehicle.wheelbase_m,
            "lr_m": vehicle.lr_m,
            "max_accel_mps2": vehicle.max_accel_mps2,
            "max_decel_mps2": vehicle.max_decel_mps2,
            "max_steer_rad": vehicle.max_steer_rad,
            "max_steer_rate_radps": vehicle.max_steer_rate_radps,
            "accel_lag_s": vehicle.accel_lag_s,
            "steer_lag_s": vehicle.steer_lag_s,
            "max_speed_mps": vehicle.max_speed_mps,
            "allow_reverse": allow_reverse,
        }


def speed_bounds(params: tuple[Any, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Per-actor ``(min_speed, max_speed)`` in m/s from ``max_speed_mps`` and ``allow_reverse``.

    The lower bound is ``-max_speed_mps`` for actors that may reverse, else 0.

    Args:
        params: One parameter object per actor, each with ``max_speed_mps`` and
            ``allow_reverse``.
    """
    max_speed = gather(params, "max_speed_mps")
    return np.where(gather(params, "allow_reverse") > 0, -max_speed, 0.0), max_speed


def steering_actuators(params: tuple[SteeredVehicleParams, ...]) -> ActuatorBank:
    """The steering and acceleration actuators of a batch of steered vehicles."""
    return vehicle_actuators(
        max_steer_rad=gather(params, "max_steer_rad"),
        max_steer_rate_radps=gather(params, "max_steer_rate_radps"),
        steer_lag_s=gather(params, "steer_lag_s"),
        max_accel_mps2=gather(params, "max_accel_mps2"),
        max_decel_mps2=gather(params, "max_decel_mps2"),
        accel_lag_s=gather(params, "accel_lag_s"),
    )
