"""Closed-form pieces shared by the motion models' integrators.

Each function works on whole batches (arrays of shape ``(n,)``) and is exact for
the stated assumptions, so a model's accuracy can be stated in one sentence.
"""

from __future__ import annotations

import math

import numpy as np

#: Added, with the sign of the value, to divisors that may be exactly zero. For
#: ``|x| > 1e-284`` it changes nothing; ``0`` becomes ``±1e-300``, for which
#: ``sin(x) / x`` is exactly 1.0 and ``0 / x`` is 0. Cheaper than ``np.where``.
_NUDGE = 1e-300


def advance_speed(
    speed: np.ndarray,
    accel: np.ndarray,
    min_speed: np.ndarray,
    max_speed: np.ndarray,
    dt: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Speed after ``dt`` and distance covered under constant acceleration and speed bounds.

    The speed follows ``v0 + accel * t`` until it reaches ``min_speed`` or
    ``max_speed`` and then stays there for the rest of the step, so braking to a
    standstill with ``min_speed = 0`` stops exactly at 0. A start speed outside the
    bounds is first moved onto the nearer bound.

    Args:
        speed: Speed at the start of the step, m/s.
        accel: Acceleration held over the step, m/s^2.
        min_speed: Lower speed bound, m/s (0 or negative).
        max_speed: Upper speed bound, m/s.
        dt: Step length, s.

    Returns:
        ``(new_speed, distance)``; the distance is signed (negative when reversing).
    """
    start = np.minimum(speed, max_speed)
    np.maximum(start, min_speed, out=start)
    end = accel * dt
    end += start
    np.minimum(end, max_speed, out=end)
    np.maximum(end, min_speed, out=end)
    # Piecewise-linear speed: distance = v_end * dt - (v_end - v_start)^2 / (2 a).
    # With a == 0 the speed change is 0 too, so any non-zero divisor gives 0.
    change = end - start
    change *= change
    divisor = np.copysign(_NUDGE, accel)
    divisor += accel
    divisor += divisor
    change /= divisor
    distance = end * dt
    distance -= change
    return end, distance


def arc_displacement(
    distance: np.ndarray, heading_change: np.ndarray, start_course: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """World-frame displacement along a circular arc.

    The chord of an arc of length ``s`` that turns by ``dpsi`` has length
    ``s * sin(dpsi / 2) / (dpsi / 2)`` and points along the course at mid-arc,
    ``start_course + dpsi / 2``; a straight line is the limit ``dpsi -> 0``.

    Args:
        distance: Signed arc length, m.
        heading_change: Change of course over the arc, rad.
        start_course: Direction of travel at the start of the arc, rad.

    Returns:
        ``(dx, dy)`` in metres.
    """
    half = 0.5 * heading_change
    course = start_course + half
    half += np.copysign(_NUDGE, half)
    chord = np.sin(half)
    chord /= half
    chord *= distance
    return chord * np.cos(course), np.multiply(chord, np.sin(course), out=chord)


def advance_pose(
    x: np.ndarray,
    y: np.ndarray,
    heading: np.ndarray,
    distance: np.ndarray,
    heading_change: np.ndarray,
    start_course: np.ndarray,
) -> None:
    """Move poses in place along circular arcs (see :func:`arc_displacement`).

    Args:
        x: World x, m; modified in place.
        y: World y, m; modified in place.
        heading: Heading, rad; turned by ``heading_change`` and wrapped into
            ``[-pi, pi)`` in place.
        distance: Signed arc length, m.
        heading_change: Change of heading (and course) over the arc, rad.
        start_course: Direction of travel at the start of the arc, rad.
    """
    dx, dy = arc_displacement(distance, heading_change, start_course)
    x += dx
    y += dy
    heading += heading_change
    wrap_angle(heading)


def wrap_angle(angle: np.ndarray) -> np.ndarray:
    """Wrap angles in place into ``[-pi, pi)`` and return the same array.

    Args:
        angle: Angles in radians; modified in place.
    """
    angle += math.pi
    np.remainder(angle, 2.0 * math.pi, out=angle)
    angle -= math.pi
    return angle


def smoothstep(value: np.ndarray, low: float, high: float) -> np.ndarray:
    """Cubic ramp from 0 at ``low`` to 1 at ``high`` with zero slope at both ends.

    Args:
        value: Input values.
        low: Where the ramp leaves 0.
        high: Where the ramp reaches 1 (``> low``).

    Returns:
        ``t^2 (3 - 2 t)`` with ``t = clip((value - low) / (high - low), 0, 1)``.
    """
    t = (value - low) / (high - low)
    np.clip(t, 0.0, 1.0, out=t)
    return t * t * (3.0 - 2.0 * t)
