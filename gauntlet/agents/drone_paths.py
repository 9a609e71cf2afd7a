"""Predicted paths of candidate velocity commands, and how close each passes to obstacles.

The avoidance planner (:mod:`gauntlet.agents.drone_avoidance`) scores
candidate commands by the closest approach of the path each would fly: the
drone keeps its velocity for REACTION_S, then follows the command as a
first-order lag with the acceleration capped by the tilt limit; the path is
sampled finely enough at speed that it cannot step over a trunk between
samples, and moving points are predicted along their velocity.
"""

from __future__ import annotations

import math

import numpy as np

#: Look-ahead samples at the least; more at speed so that samples stay SAMPLE_SPACING_M apart.
HORIZON_SAMPLES = 10
#: Largest distance between two samples of a predicted path, m.
SAMPLE_SPACING_M = 1.0
#: Most samples of a predicted path.
MAX_HORIZON_SAMPLES = 64
#: The drone keeps its velocity this long before it follows a new command (scan age, link, attitude), s.
REACTION_S = 0.06
#: Largest factor a command is lengthened by in a turn.
TURN_BOOST_MAX = 1.25


def closest_approach(
    candidates: np.ndarray, v0: np.ndarray, points: np.ndarray, point_v: np.ndarray,
    horizon: float, tau: float, accel: float, reach: float, spread: np.ndarray | None = None,
) -> np.ndarray:  # fmt: skip
    """Closest approach of each candidate's predicted path to the points over the horizon, m.

    The drone keeps its velocity ``v0`` for REACTION_S (scan age, link and
    attitude response), then its velocity follows the candidate command as a
    first-order lag of time constant ``tau``, s, with the change per step no
    larger than ``accel``, m/s^2, times the step (the tilt limit caps the
    acceleration the lag would ask for in a sharp turn). Points move at
    ``point_v``. The path is sampled no more than SAMPLE_SPACING_M apart at the
    speed ``reach``, m/s, so that it cannot step over a trunk between samples.
    A moving point's predicted position is uncertain by its ``spread`` (one
    per point, none by default) times its speed times the look-ahead time (a
    heading error of about ``spread`` rad): its distance counts that much less.
    """
    samples = min(
        max(HORIZON_SAMPLES, math.ceil(reach * horizon / SAMPLE_SPACING_M)), MAX_HORIZON_SAMPLES
    )
    dt = horizon / samples
    pull = 1.0 - math.exp(-dt / tau)
    step_max = accel * dt
    velocity = np.repeat(v0[None], len(candidates), axis=0)
    drone = np.zeros_like(velocity)
    path = np.empty((samples, len(candidates), 3))
    for k in range(samples):
        if (k + 1) * dt > REACTION_S:
            change = (hold_speed_in_turns(candidates, velocity) - velocity) * pull
            size = np.sqrt(np.sum(change * change, axis=1))
            np.multiply(change, (step_max / np.maximum(size, step_max))[:, None], out=change)
            # Mean velocity over the step: the path, not its corners.
            drone += (velocity + 0.5 * change) * dt
            velocity += change
        else:
            drone += velocity * dt
        path[k] = drone
    moving = np.any(point_v != 0.0, axis=1)
    free2 = np.full(len(candidates), np.inf)
    still = points[~moving]
    if len(still):
        # |p - d|^2 = |p|^2 - 2 p.d + |d|^2 for every sample, candidate and point at once.
        # In single precision (to ~1 mm at 100 m): the closest approach is only compared
        # with a clearance of about a metre.
        flat = path.reshape(-1, 3).astype(np.float32)
        still32 = still.astype(np.float32)
        d2 = flat @ (-2.0 * still32.T)
        d2 += np.sum(still32 * still32, axis=1)[None]
        nearest = np.min(d2, axis=1) + np.sum(flat * flat, axis=1)
        free2 = np.min(nearest.reshape(samples, -1), axis=0).astype(np.float64)
    if np.any(moving):
        go, go_v = points[moving], point_v[moving]
        go_spread = np.sqrt(np.sum(go_v * go_v, axis=1))
        go_spread *= 0.0 if spread is None else spread[moving]
        free_moving = np.full(len(candidates), np.inf)
        for k in range(samples):
            t = (k + 1) * dt
            gap = (go + go_v * t)[None] - path[k][:, None]
            d = np.sqrt(np.sum(gap * gap, axis=-1)) - go_spread * t
            free_moving = np.minimum(free_moving, np.min(d, axis=1))
        return np.minimum(np.sqrt(np.maximum(free2, 0.0)), np.maximum(free_moving, 0.0))
    return np.sqrt(np.maximum(free2, 0.0))


def hold_speed_in_turns(command: np.ndarray, velocity: np.ndarray) -> np.ndarray:
    """Lengthen horizontal commands ``(..., 3)`` at an angle to the flight so that turns keep speed.

    The velocity loop pulls the velocity straight towards the command, which
    cuts the corner and loses speed. A command lengthened by ``1 / cos(angle)``
    (the angle between it and the current horizontal velocity ``(..., 3)``,
    m/s) has the commanded speed as its component along the flight: the
    loop's pull on the speed is the same as in straight flight, the rest
    turns the drone. The factor is at most TURN_BOOST_MAX, and applies above
    2 m/s of flight and command, to commands less than 90 degrees off.
    """
    speed = np.hypot(velocity[..., 0], velocity[..., 1])
    wanted = np.hypot(command[..., 0], command[..., 1])
    along = command[..., 0] * velocity[..., 0] + command[..., 1] * velocity[..., 1]
    ok = (speed >= 2.0) & (wanted >= 2.0) & (along > 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(ok, np.minimum(wanted * speed / along, TURN_BOOST_MAX), 1.0)
    out = np.array(command, dtype=np.float64)
    out[..., 0] *= factor
    out[..., 1] *= factor
    return out
