"""Coordinate conventions at the CARLA boundary.

Gauntlet works in OpenDRIVE's world frame: right-handed, x east, y north, z
up, headings in radians counter-clockwise from +x, pitch positive nose-down.
CARLA (Unreal Engine) is left-handed: x forward/east, y to the *right*
(south), z up, angles in degrees, yaw clockwise seen from above, pitch
positive nose-up. CARLA reads OpenDRIVE maps by flipping the sign of y, so
the two frames share x and z and the same map point has opposite y.

Everything that crosses the boundary goes through this module:

=====================  =============================  ==========================
quantity               Gauntlet                       CARLA
=====================  =============================  ==========================
position               (x, y, z) m                    (x, -y, z) m
heading / yaw          h rad, counter-clockwise       -degrees(h), clockwise
pitch                  p rad, positive nose-down      -degrees(p), nose-up
roll                   r rad, positive right side     degrees(r), same sense
                       down
velocity, accel.       (vx, vy, vz)                   (vx, -vy, vz)
yaw rate               w rad/s, counter-clockwise     -degrees(w) deg/s
=====================  =============================  ==========================

The flip is its own inverse, so each ``to_carla`` has a matching ``from_carla``
that undoes it exactly (up to float32 rounding on the wire).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class CarlaTransform:
    """A pose in CARLA's frame: location in m, rotation in degrees (pitch, yaw, roll)."""

    x: float = 0.0
    y: float = 0.0
    z: float = 0.0
    pitch: float = 0.0
    yaw: float = 0.0
    roll: float = 0.0


@dataclass(frozen=True)
class WorldPose:
    """A pose in Gauntlet's frame: position in m, angles in rad."""

    x_m: float = 0.0
    y_m: float = 0.0
    z_m: float = 0.0
    heading_rad: float = 0.0
    pitch_rad: float = 0.0
    roll_rad: float = 0.0


def wrap_degrees(angle: float) -> float:
    """``angle`` wrapped into ``[-180, 180)``."""
    return (angle + 180.0) % 360.0 - 180.0


def wrap_radians(angle: float) -> float:
    """``angle`` wrapped into ``[-pi, pi)``."""
    return (angle + math.pi) % (2.0 * math.pi) - math.pi


def pose_to_carla(pose: WorldPose) -> CarlaTransform:
    """A Gauntlet pose as a CARLA transform (yaw wrapped into ``[-180, 180)``)."""
    return CarlaTransform(
        pose.x_m,
        -pose.y_m,
        pose.z_m,
        -math.degrees(pose.pitch_rad),
        wrap_degrees(-math.degrees(pose.heading_rad)),
        math.degrees(pose.roll_rad),
    )


def pose_from_carla(t: CarlaTransform) -> WorldPose:
    """A CARLA transform as a Gauntlet pose (heading wrapped into ``[-pi, pi)``)."""
    return WorldPose(
        t.x,
        -t.y,
        t.z,
        wrap_radians(-math.radians(t.yaw)),
        -math.radians(t.pitch),
        math.radians(t.roll),
    )


def vector_to_carla(x: float, y: float, z: float = 0.0) -> tuple[float, float, float]:
    """A Gauntlet vector (velocity, acceleration, offset) in CARLA's axes."""
    return x, -y, z


def vector_from_carla(x: float, y: float, z: float = 0.0) -> tuple[float, float, float]:
    """A CARLA vector in Gauntlet's axes (the flip is its own inverse)."""
    return x, -y, z


def yaw_rate_to_carla(yaw_rate_radps: float) -> float:
    """A counter-clockwise yaw rate in rad/s as CARLA's angular velocity z in deg/s."""
    return -math.degrees(yaw_rate_radps)


def poses_to_carla(
    x: np.ndarray, y: np.ndarray, z: np.ndarray, h: np.ndarray, p: np.ndarray, r: np.ndarray
) -> np.ndarray:
    """Many poses at once: an ``(n, 6)`` float64 array of x, y, z, pitch, yaw, roll (CARLA)."""
    out = np.empty((len(x), 6))
    out[:, 0] = x
    np.negative(y, out=out[:, 1])
    out[:, 2] = z
    out[:, 3] = np.degrees(-p)
    out[:, 4] = (np.degrees(-h) + 180.0) % 360.0 - 180.0
    out[:, 5] = np.degrees(r)
    return out


def local_to_parent(parent: WorldPose, offset: CarlaTransform) -> WorldPose:
    """The world pose of a child attached to ``parent`` at ``offset`` (CARLA's relative frame).

    CARLA gives attachment offsets in the parent's own left-handed frame
    (x forward, y right, z up); only the yaw of the parent is applied, as
    Gauntlet's ground actors do not pitch or roll their attachments.
    """
    fx, fy = offset.x, -offset.y  # forward, left
    c, s = math.cos(parent.heading_rad), math.sin(parent.heading_rad)
    return WorldPose(
        parent.x_m + c * fx - s * fy,
        parent.y_m + s * fx + c * fy,
        parent.z_m + offset.z,
        wrap_radians(parent.heading_rad - math.radians(offset.yaw)),
        parent.pitch_rad - math.radians(offset.pitch),
        parent.roll_rad + math.radians(offset.roll),
    )
