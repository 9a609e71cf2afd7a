"""The kinematic bicycle's step as one compiled loop over the actors.

It performs, per actor and in the same order, the floating-point operations of
the array formulation (:class:`~gauntlet.dynamics.actuators.ActuatorBank`,
:func:`~gauntlet.dynamics._integration.advance_speed`,
:func:`~gauntlet.dynamics._integration.arc_displacement`), without the
temporaries that dominate the cost for the few actors of a typical group.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

#: See :data:`gauntlet.dynamics._integration._NUDGE`.
_NUDGE = 1e-300


@njit(cache=True, inline="always")
def _actuate(
    value: float,
    command: float,
    lower: float,
    upper: float,
    end_fraction: float,
    mean_fraction: float,
    max_step: float,
) -> tuple[float, float]:
    """New actuator output and its mean over the step (first-order lag, rate limit)."""
    error = max(min(command, upper), lower) - value
    change = max(min(error * end_fraction, max_step), -max_step)
    half = 0.5 * max_step
    mean_change = max(min(error * mean_fraction, half), -half)
    return value + change, mean_change + value


@njit(cache=True)
def bicycle_step(
    state: np.ndarray,
    control: np.ndarray,
    dt: float,
    lower: np.ndarray,
    upper: np.ndarray,
    end_fraction: np.ndarray,
    mean_fraction: np.ndarray,
    max_step: np.ndarray,
    min_speed: np.ndarray,
    max_speed: np.ndarray,
    lr_ratio: np.ndarray,
    inv_wheelbase: np.ndarray,
) -> None:
    """Advance ``state`` ``(n, 6)`` in place; ``control`` is ``(n, 2)`` (accel, steer).

    The actuator arrays are ``(2, n)`` with rows (steer, accel).
    """
    for i in range(state.shape[0]):
        steer, mean_steer = _actuate(
            state[i, 4],
            control[i, 1],
            lower[0, i],
            upper[0, i],
            end_fraction[0, i],
            mean_fraction[0, i],
            max_step[0, i],
        )
        accel, mean_accel = _actuate(
            state[i, 5],
            control[i, 0],
            lower[1, i],
            upper[1, i],
            end_fraction[1, i],
            mean_fraction[1, i],
            max_step[1, i],
        )
        start = max(min(state[i, 3], max_speed[i]), min_speed[i])
        end = max(min(mean_accel * dt + start, max_speed[i]), min_speed[i])
        change = (end - start) * (end - start)
        divisor = math.copysign(_NUDGE, mean_accel) + mean_accel
        distance = end * dt - change / (divisor + divisor)
        tan_steer = math.tan(mean_steer)
        slip = math.atan(lr_ratio[i] * tan_steer)
        turn = math.cos(slip) * tan_steer * inv_wheelbase[i] * distance
        half = 0.5 * turn
        course = slip + state[i, 2] + half
        half += math.copysign(_NUDGE, half)
        chord = math.sin(half) / half * distance
        state[i, 0] += chord * math.cos(course)
        state[i, 1] += chord * math.sin(course)
        state[i, 2] = (state[i, 2] + turn + math.pi) % (2.0 * math.pi) - math.pi
        state[i, 3] = end
        state[i, 4] = steer
        state[i, 5] = accel
