"""Small numeric helpers shared by the geometry and lane modules."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

#: Gauss-Legendre nodes and weights on [0, 1] (10 points: exact for polynomials of degree 19).
_GL_X, _GL_W = np.polynomial.legendre.leggauss(10)
GL_NODES: np.ndarray = 0.5 * (_GL_X + 1.0)
GL_WEIGHTS: np.ndarray = 0.5 * _GL_W


def wrap_angle(angle: np.ndarray | float) -> np.ndarray:
    """Wraps angles to the interval [-pi, pi).

    Args:
        angle: Angles in radians, any shape.

    Returns:
        The wrapped angles as an array of the same shape.
    """
    return np.mod(np.asarray(angle, dtype=float) + np.pi, 2.0 * np.pi) - np.pi


def integrate_intervals(
    integrand: Callable[[np.ndarray], np.ndarray], lower: np.ndarray, upper: np.ndarray
) -> np.ndarray:
    """Integrates ``integrand`` over each interval [lower[i], upper[i]] with 10-point Gauss-Legendre.

    The integrand must accept an array and be smooth on every interval; the caller
    keeps intervals short enough for the requested accuracy.

    Args:
        integrand: Vectorised function of one array argument.
        lower: Interval starts, shape ``(n,)``.
        upper: Interval ends, shape ``(n,)``.

    Returns:
        The integrals, shape ``(n,)`` (real or complex, as the integrand).
    """
    lower = np.asarray(lower, dtype=float)
    width = np.asarray(upper, dtype=float) - lower
    points = lower[:, None] + width[:, None] * GL_NODES[None, :]
    values = integrand(points)
    return (values * GL_WEIGHTS[None, :]).sum(axis=1) * width


def cumulative_integral(
    integrand: Callable[[np.ndarray], np.ndarray], nodes: np.ndarray
) -> np.ndarray:
    """Cumulative integral of ``integrand`` from ``nodes[0]`` to every node.

    Args:
        integrand: Vectorised function of one array argument, smooth between nodes.
        nodes: Increasing 1-D array of abscissae.

    Returns:
        Array of the same length as ``nodes``, starting with 0.
    """
    nodes = np.asarray(nodes, dtype=float)
    pieces = integrate_intervals(integrand, nodes[:-1], nodes[1:])
    out = np.zeros(nodes.shape, dtype=pieces.dtype if pieces.size else float)
    np.cumsum(pieces, out=out[1:])
    return out


def integrate_from_zero(
    integrand: Callable[[np.ndarray], np.ndarray], upper: np.ndarray, max_panel: float
) -> np.ndarray:
    """Integrates ``integrand`` from 0 to each value of ``upper`` on equal panels.

    Every query uses ``ceil(max|upper| / max_panel)`` panels of 10-point Gauss-Legendre,
    which keeps the result accurate to machine precision for integrands that vary
    slowly over one panel.

    Args:
        integrand: Vectorised function of one array argument.
        upper: Upper limits, any shape (negative values integrate backwards).
        max_panel: Largest panel width.

    Returns:
        The integrals, same shape as ``upper``.
    """
    upper = np.asarray(upper, dtype=float)
    flat = upper.reshape(-1)
    if flat.size == 0:
        return np.zeros(upper.shape)
    panels = max(1, int(np.ceil(np.max(np.abs(flat)) / max_panel)))
    edges = np.arange(panels, dtype=float) / panels
    # points[i, p, k] = upper_i * (edge_p + node_k / panels)
    fractions = (edges[:, None] + GL_NODES[None, :] / panels).reshape(-1)
    points = flat[:, None] * fractions[None, :]
    values = integrand(points)
    weights = np.tile(GL_WEIGHTS, panels) / panels
    result = (values * weights[None, :]).sum(axis=1) * flat
    return result.reshape(upper.shape)
