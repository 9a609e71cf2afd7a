"""Small helpers shared by the motion-model tests."""

from __future__ import annotations

import numpy as np


def fit_circle(points: np.ndarray) -> tuple[np.ndarray, float]:
    """Least-squares circle through ``points`` ``(m, 2)``; returns ``(centre, radius)``.

    Solves ``x^2 + y^2 = 2 a x + 2 b y + c`` for the centre ``(a, b)`` and
    ``c = r^2 - a^2 - b^2`` (Kasa's algebraic fit; exact for points on a circle).
    """
    x, y = points[:, 0], points[:, 1]
    design = np.column_stack((2.0 * x, 2.0 * y, np.ones_like(x)))
    (a, b, c), *_ = np.linalg.lstsq(design, x * x + y * y, rcond=None)
    return np.array([a, b]), float(np.sqrt(c + a * a + b * b))


def repeat_control(row: list[float], n: int) -> np.ndarray:
    """The same control row for ``n`` actors."""
    return np.tile(np.asarray(row, dtype=np.float64), (n, 1))
