"""Transition shapes for speed and lateral-offset changes, vectorised.

A shape maps normalised time ``u`` in [0, 1] to progress in [0, 1]; the same
codes serve the storyboard's SpeedAction, LaneChangeAction and LaneOffsetAction.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SHAPES = ("step", "linear", "cubic", "sinusoidal")
STEP, LINEAR, CUBIC, SINUSOIDAL = range(4)


def shape_code(name: str) -> int:
    """Integer code of a shape name."""
    return SHAPES.index(name)


def progress(shape: np.ndarray, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Progress ``f(u)`` and its derivative ``df/du`` for each shape code."""
    u = np.clip(u, 0.0, 1.0)
    one = np.ones_like(u)
    cos_pu = np.cos(np.pi * u)
    f = np.choose(shape, (one, u, u * u * (3.0 - 2.0 * u), 0.5 * (1.0 - cos_pu)))
    df = np.choose(
        shape,
        (
            0.0 * u,
            one,
            6.0 * u * (1.0 - u),
            0.5 * np.pi * np.sqrt(np.maximum(1.0 - cos_pu * cos_pu, 0.0)),
        ),
    )
    return f, np.where((u > 0.0) & (u < 1.0), df, 0.0)


@dataclass
class Transitions:
    """A bank of value transitions ``start -> end`` over ``[t0, t0 + duration]``.

    One per actor; ``active`` marks those in progress or held at their end value.
    """

    start: np.ndarray
    end: np.ndarray
    t0: np.ndarray
    duration: np.ndarray
    shape: np.ndarray
    active: np.ndarray

    @classmethod
    def empty(cls, n: int) -> Transitions:
        z = np.zeros(n)
        return cls(
            z.copy(), z.copy(), z.copy(), np.ones(n), np.zeros(n, np.int64), np.zeros(n, bool)
        )

    def set(self, i: int, start: float, end: float, t0: float, duration: float, shape: int) -> None:
        """Start a transition for actor ``i`` (a step shape or zero duration jumps at once)."""
        self.start[i], self.end[i], self.t0[i] = start, end, t0
        self.duration[i] = max(duration, 1e-9)
        self.shape[i] = shape
        self.active[i] = True

    def value(self, t: float | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Value and time derivative of every transition at time ``t`` (scalar or per actor).

        Inactive entries read their end value and a zero rate.
        """
        value = self.end.copy()
        rate = np.zeros_like(self.end)
        idx = np.flatnonzero(self.active)
        if len(idx):
            tt = t[idx] if np.ndim(t) else t
            d = self.duration[idx]
            f, df = progress(self.shape[idx], (tt - self.t0[idx]) / d)
            delta = self.end[idx] - self.start[idx]
            value[idx] = self.start[idx] + delta * f
            rate[idx] = delta * df / d
        return value, rate
