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
        self._set(
            np.array([origin + r.s for r in ordered], dtype=float),
            np.array([(r.a, r.b, r.c, r.d) for r in ordered], dtype=float).reshape(-1, 4),
        )

    def _set(self, starts: np.ndarray, coeffs: np.ndarray) -> None:
        self._starts = starts
        self._later_starts = starts[1:]
        self._coeffs = coeffs
        self._constant = len(starts) == 1 and not np.any(coeffs[0, 1:])

    @classmethod
    def combine(cls, terms: Sequence[tuple[float, PiecewiseCubic]]) -> PiecewiseCubic:
        """The weighted sum ``sum(weight * profile)`` as one piecewise cubic.

        Every piece of every term is re-expanded about the merged breakpoints, so the
        sum evaluates with a single lookup.
        """
        used = [(w, p) for w, p in terms if len(p._starts)]
        result = cls([])
        if not used:
            return result
        starts = np.unique(np.concatenate([p._starts for _, p in used]))
        coeffs = np.zeros((len(starts), 4))
        for weight, profile in used:
            index = np.searchsorted(profile._later_starts, starts, side="right")
            h = starts - profile._starts[index]
            a, b, c, d = (profile._coeffs[index, k] for k in range(4))
            coeffs[:, 0] += weight * (a + h * (b + h * (c + h * d)))
            coeffs[:, 1] += weight * (b + h * (2.0 * c + 3.0 * d * h))
            coeffs[:, 2] += weight * (c + 3.0 * d * h)
            coeffs[:, 3] += weight * d
        result._set(starts, coeffs)
        return result

    @property
    def breakpoints(self) -> np.ndarray:
        """Where the pieces start (road coordinates)."""
        return self._starts.copy()

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
        if len(self._starts) == 1:
            ds = s - self._starts[0]
            a, b, c, d = self._coeffs[0]
        else:
            # searching the later starts maps s < starts[1] to record 0: no clipping needed
            index = np.searchsorted(self._later_starts, s, side="right")
            ds = s - self._starts[index]
            a, b, c, d = (self._coeffs[index, k] for k in range(4))
        value = a + ds * (b + ds * (c + ds * d))
        slope = b + ds * (2.0 * c + 3.0 * d * ds)
        return value, slope
