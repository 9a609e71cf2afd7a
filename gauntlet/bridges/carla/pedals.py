"""From CARLA's pedals and steering wheel to Gauntlet's vehicle commands.

``carla.VehicleControl`` has throttle and brake in [0, 1], steer in [-1, 1]
(positive turns right), a hand brake and a reverse gear. Gauntlet's vehicle
models take a longitudinal acceleration and a road-wheel angle, which their
actuators then lag and limit. The mapping uses the vehicle preset's limits:

* drive: ``throttle * max_accel_mps2``, forwards, or backwards in reverse gear;
* brake: ``brake * max_decel_mps2`` against the direction of motion; the hand
  brake brakes with at least :data:`HAND_BRAKE_FRACTION` of ``max_decel_mps2``;
* coasting (no throttle): :data:`COAST_DECEL_MPS2` of rolling resistance and drag;
* brakes and resistance never reverse the motion: a braking vehicle stops
  and, below :data:`HOLD_SPEED_MPS` with the brakes stronger than the drive,
  is held at standstill;
* steer: road-wheel angle ``-steer * max_steer_rad`` (Gauntlet angles are
  counter-clockwise, CARLA's positive steer turns clockwise).

Gears other than reverse are automatic; ``manual_gear_shift`` and ``gear``
are carried back to the client unchanged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

HAND_BRAKE_FRACTION = 0.5
COAST_DECEL_MPS2 = 0.3
HOLD_SPEED_MPS = 0.05


@dataclass(frozen=True)
class VehicleLimits:
    """The preset limits the mapping scales the pedals and the steering wheel by."""

    max_accel_mps2: float
    max_decel_mps2: float
    max_steer_rad: float


def pedal_command(
    throttle: float,
    brake: float,
    steer: float,
    hand_brake: bool,
    reverse: bool,
    speed_mps: float,
    limits: VehicleLimits,
    dt: float,
) -> tuple[float, float, bool]:
    """``(accel_mps2, steer_rad, hold)`` carrying out one vehicle's pedals over ``dt`` s.

    ``hold`` says the brakes hold the vehicle at standstill this step (its
    speed is set to 0 and the acceleration command is 0).
    """
    drive = throttle * limits.max_accel_mps2 * (-1.0 if reverse else 1.0)
    braking = brake * limits.max_decel_mps2
    if hand_brake:
        braking = max(braking, HAND_BRAKE_FRACTION * limits.max_decel_mps2)
    resistance = braking + (0.0 if throttle > 0.0 else COAST_DECEL_MPS2)
    steer_rad = -steer * limits.max_steer_rad
    if abs(speed_mps) < HOLD_SPEED_MPS:
        if abs(drive) <= resistance:
            return 0.0, steer_rad, True
        # Starting: brakes and resistance act against the drive.
        return drive - math.copysign(resistance, drive), steer_rad, False
    sense = math.copysign(1.0, speed_mps)
    accel = drive - sense * resistance
    after = speed_mps + accel * dt
    if after * sense < 0.0 and drive * sense >= 0.0:
        # Brakes and resistance stop the vehicle within the step but do not reverse it.
        accel = -speed_mps / dt
    return accel, steer_rad, False


def walker_velocity(direction: tuple[float, float, float], speed_mps: float) -> tuple[float, float]:
    """A walker's velocity in Gauntlet's frame from CARLA's direction and speed."""
    dx, dy = direction[0], -direction[1]
    norm = math.hypot(dx, dy)
    if norm < 1e-9 or speed_mps <= 0.0:
        return 0.0, 0.0
    return speed_mps * dx / norm, speed_mps * dy / norm
