"""Piecewise cubic polynomials: elevation, lane offset and lane width profiles."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class CubicRecord:
    """One OpenDRIVE polynomial record ``a + b ds + c ds^2 + d ds^3``, valid from ``s``.

    ``s`` is a road coordinate for elevation and lane offset records, and the offset
    from the lane section start (OpenDRIVE ``sOffset``) for lane width records.
    """

    s: float
    a: float
    b: float = 0.0
    c: float = 0.0
    d: float = 0.0


class PiecewiseCubic:
    """Vectorised evaluation of a sequence of :class:`CubicRecord`.

    Each record applies from its start until the next record's start; before the
    first record the first one applies, and no records mean the constant 0.

    Args:
        records: Records in any order.
        origin: Added to every record start (the lane section ``s`` for widths).
    """

    def __init__(self, records: Sequence[CubicRecord], origin: float = 0.0) -> None:
        ordered = sorted(records, key=lambda r: r.s)
        self._starts = np.array([origin + r.s for r in ordered], dtype=float)
        self._coeffs = np.array([(r.a, r.b, r.c, r.d) for r in ordered], dtype=float).reshape(
            -1, 4
        )
        self._constant = len(ordered) == 1 and ordered[0].b == ordered[0].c == ordered[0].d == 0.0

    def __call__(self, s: np.ndarray | float) -> np.ndarray:
        """Value at ``s`` (any shape)."""
        return self.evaluate(s)[0]

    def evaluate(self, s: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
        """Value and first derivative at ``s`` (any shape)."""
        s = np.asarray(s, dtype=float)
        if len(self._starts) == 0:
            return np.zeros(s.shape), np.zeros(s.shape)
        if self._constant:
            return np.full(s.shape, self._coeffs[0, 0]), np.zeros(s.shape)
        index = np.searchsorted(self._starts, s, side="right") - 1
        np.clip(index, 0, len(self._starts) - 1, out=index)
        ds = s - self._starts[index]
        a, b, c, d = (self._coeffs[index, k] for k in range(4))
        value = a + ds * (b + ds * (c + ds * d))
        slope = b + ds * (2.0 * c + 3.0 * d * ds)
        return value, slope
