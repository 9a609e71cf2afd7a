"""Plan-view geometry: the OpenDRIVE reference-line primitives and their sequence.

Every primitive starts at ``(x, y)`` with heading ``hdg`` (rad, counter-clockwise from
+x) and covers ``length`` metres of the road coordinate ``s`` from ``s``. All evaluation
is vectorised over arrays of the local coordinate ``ds = s - geometry.s``; values of
``ds`` outside ``[0, length]`` extend the primitive's own formula.

Besides position and heading each primitive reports two rates with respect to ``s``:
``speed = |d position / ds|`` (1 for everything except ``paramPoly3``, whose parameter
is mapped linearly from ``s`` as in the common OpenDRIVE implementations) and
``heading_rate = d heading / ds``. Curvature is ``heading_rate / speed``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy.special import fresnel

from gauntlet.maps._numeric import cumulative_integral, integrate_from_zero, integrate_intervals

ArrayLike = np.ndarray | float

# Above this value of ``length * max(curvStart, curvEnd)**2 / |curvature rate|`` the
# Fresnel form of a spiral loses digits to cancellation; quadrature takes over.
_FRESNEL_CONDITION_LIMIT = 1.0e5


@dataclass(frozen=True)
class Geometry:
    """Base of the plan-view primitives.

    Attributes:
        s: Road coordinate of the start, m.
        x: World x of the start, m.
        y: World y of the start, m.
        hdg: Heading at the start, rad.
        length: Length along ``s``, m.
    """

    s: float
    x: float
    y: float
    hdg: float
    length: float

    def _local(self, ds: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Position ``(u, v)`` and heading change in the start frame."""
        raise NotImplementedError

    def rates(self, ds: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """Returns ``(speed, heading_rate)`` with respect to ``s`` at local ``ds``."""
        raise NotImplementedError

    def evaluate(self, ds: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """World ``(x, y, heading)`` at local coordinate ``ds`` (any shape)."""
        ds = np.asarray(ds, dtype=float)
        u, v, dh = self._local(ds)
        cos_h, sin_h = np.cos(self.hdg), np.sin(self.hdg)
        return self.x + u * cos_h - v * sin_h, self.y + u * sin_h + v * cos_h, self.hdg + dh

    def curvature_at(self, ds: ArrayLike) -> np.ndarray:
        """Signed curvature (1/m, positive to the left) at local ``ds``."""
        speed, rate = self.rates(ds)
        return rate / speed

    def end_pose(self) -> tuple[float, float, float]:
        """World ``(x, y, heading)`` at the end of the primitive."""
        x, y, h = self.evaluate(np.array(self.length))
        return float(x), float(y), float(h)


def _circle(ds: np.ndarray, curvature: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(u, v, heading change)`` along a circle of ``curvature`` (a line for 0)."""
    if curvature == 0.0:
        return ds, np.zeros_like(ds), np.zeros_like(ds)
    turn = curvature * ds
    # 1 - cos(x) = 2 sin^2(x / 2) keeps v exact for small curvature
    return np.sin(turn) / curvature, 2.0 * np.sin(0.5 * turn) ** 2 / curvature, turn


@dataclass(frozen=True)
class Line(Geometry):
    """A straight line."""

    def _local(self, ds: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return ds, np.zeros_like(ds), np.zeros_like(ds)

    def rates(self, ds: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        ds = np.asarray(ds, dtype=float)
        return np.ones_like(ds), np.zeros_like(ds)


@dataclass(frozen=True)
class Arc(Geometry):
    """A circular arc of constant ``curvature`` (1/m, positive turns left)."""

    curvature: float

    def _local(self, ds: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return _circle(ds, self.curvature)

    def rates(self, ds: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        ds = np.asarray(ds, dtype=float)
        return np.ones_like(ds), np.full_like(ds, self.curvature)


@dataclass(frozen=True)
class Spiral(Geometry):
    """A clothoid whose curvature changes linearly from ``curv_start`` to ``curv_end``.

    Positions are evaluated in closed form with Fresnel integrals, including the
    general case ``curv_start != 0``; a nearly constant curvature, where that form is
    ill-conditioned, is integrated by Gauss-Legendre quadrature instead.
    """

    curv_start: float
    curv_end: float

    @property
    def curvature_rate(self) -> float:
        """Change of curvature per metre, 1/m^2."""
        return (self.curv_end - self.curv_start) / self.length if self.length > 0 else 0.0

    def _local(self, ds: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        k0, c = self.curv_start, self.curvature_rate
        dh = k0 * ds + 0.5 * c * ds * ds
        if c == 0.0:
            return _circle(ds, k0)
        k_max_sq = max(self.curv_start**2, self.curv_end**2)
        if self.length * k_max_sq / abs(c) > _FRESNEL_CONDITION_LIMIT:
            return *self._local_quadrature(ds), dh
        # heading = k0 u + c u^2 / 2 = (c / 2) (u + k0 / c)^2 - k0^2 / (2 c); substitute
        # tau = (u + k0 / c) sqrt(|c| / pi) to reach the standard Fresnel integrals.
        scale = np.sqrt(abs(c) / np.pi)
        sign = 1.0 if c > 0 else -1.0
        tau0 = (k0 / c) * scale
        s_lo, c_lo = fresnel(tau0)
        s_hi, c_hi = fresnel((ds + k0 / c) * scale)
        phase = -k0 * k0 / (2.0 * c)
        du, dv = (c_hi - c_lo) / scale, sign * (s_hi - s_lo) / scale
        cos_p, sin_p = np.cos(phase), np.sin(phase)
        return du * cos_p - dv * sin_p, du * sin_p + dv * cos_p, dh

    def _local_quadrature(self, ds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        k0, c = self.curv_start, self.curvature_rate
        k_max = max(abs(self.curv_start), abs(self.curv_end), 1e-9)
        panel = min(2.0, 0.25 / k_max)

        def integrand(u: np.ndarray) -> np.ndarray:
            return np.exp(1j * (k0 * u + 0.5 * c * u * u))

        z = integrate_from_zero(integrand, ds, panel)
        return z.real, z.imag

    def rates(self, ds: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        ds = np.asarray(ds, dtype=float)
        return np.ones_like(ds), self.curv_start + self.curvature_rate * ds


@dataclass(frozen=True)
class Poly3(Geometry):
    """A cubic ``v(u) = a + b u + c u^2 + d u^3`` in the start frame (deprecated in 1.6).

    ``s`` is the arc length along the curve; the local ``u`` of a given ``s`` is found
    by numerical arc-length integration and Newton refinement.
    """

    a: float = 0.0
    b: float = 0.0
    c: float = 0.0
    d: float = 0.0

    def _slope(self, u: np.ndarray) -> np.ndarray:
        return self.b + u * (2.0 * self.c + 3.0 * self.d * u)

    def _speed_u(self, u: np.ndarray) -> np.ndarray:
        return np.sqrt(1.0 + self._slope(u) ** 2)

    @cached_property
    def _arc_table(self) -> tuple[np.ndarray, np.ndarray]:
        """Nodes ``u`` and arc length ``s(u)`` covering ``[0, length]``."""
        u_end = self.length
        for _ in range(60):
            s_end = float(integrate_from_zero(self._speed_u, np.array(u_end), 0.5))
            step = (s_end - self.length) / float(self._speed_u(np.array(u_end)))
            u_end -= step
            if abs(step) <= 1e-13 * max(1.0, self.length):
                break
        nodes = np.linspace(0.0, u_end, max(2, int(np.ceil(u_end / 0.5)) + 1))
        return nodes, cumulative_integral(self._speed_u, nodes)

    def u_at(self, ds: ArrayLike) -> np.ndarray:
        """Local ``u`` of arc length ``ds`` (any shape)."""
        ds = np.asarray(ds, dtype=float)
        u_nodes, s_nodes = self._arc_table
        flat = ds.reshape(-1)
        u = np.interp(flat, s_nodes, u_nodes)
        beyond = flat > s_nodes[-1]
        u[beyond] = u_nodes[-1] + (flat[beyond] - s_nodes[-1])
        for _ in range(5):
            k = np.clip(np.searchsorted(u_nodes, u, side="right") - 1, 0, len(u_nodes) - 1)
            arc = s_nodes[k] + integrate_intervals(self._speed_u, u_nodes[k], u)
            u = u - (arc - flat) / self._speed_u(u)
        return u.reshape(ds.shape)

    def _local(self, ds: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        u = self.u_at(ds)
        v = self.a + u * (self.b + u * (self.c + self.d * u))
        return u, v, np.arctan(self._slope(u))

    def rates(self, ds: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        u = self.u_at(ds)
        slope = self._slope(u)
        second = 2.0 * self.c + 6.0 * self.d * u
        return np.ones_like(u), second / (1.0 + slope * slope) ** 1.5


@dataclass(frozen=True)
class ParamPoly3(Geometry):
    """A parametric cubic ``U(p), V(p)`` in the start frame.

    ``p_range`` is ``"arcLength"`` (``p = ds``) or ``"normalized"`` (``p = ds / length``).
    """

    au: float = 0.0
    bu: float = 1.0
    cu: float = 0.0
    du: float = 0.0
    av: float = 0.0
    bv: float = 0.0
    cv: float = 0.0
    dv: float = 0.0
    p_range: str = "arcLength"

    def __post_init__(self) -> None:
        if self.p_range not in ("arcLength", "normalized"):
            raise ValueError(f"p_range must be 'arcLength' or 'normalized', got {self.p_range!r}")

    @property
    def _dp_ds(self) -> float:
        if self.p_range == "arcLength":
            return 1.0
        return 1.0 / self.length if self.length > 0 else 0.0

    def _derivatives(self, p: np.ndarray) -> tuple[np.ndarray, ...]:
        du = self.bu + p * (2.0 * self.cu + 3.0 * self.du * p)
        dv = self.bv + p * (2.0 * self.cv + 3.0 * self.dv * p)
        ddu = 2.0 * self.cu + 6.0 * self.du * p
        ddv = 2.0 * self.cv + 6.0 * self.dv * p
        return du, dv, ddu, ddv

    def _local(self, ds: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        p = ds * self._dp_ds
        u = self.au + p * (self.bu + p * (self.cu + self.du * p))
        v = self.av + p * (self.bv + p * (self.cv + self.dv * p))
        du, dv, _, _ = self._derivatives(p)
        return u, v, np.arctan2(dv, du)

    def rates(self, ds: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        p = np.asarray(ds, dtype=float) * self._dp_ds
        du, dv, ddu, ddv = self._derivatives(p)
        norm_sq = du * du + dv * dv
        speed = np.sqrt(norm_sq) * self._dp_ds
        rate = np.divide(du * ddv - dv * ddu, norm_sq, out=np.zeros_like(p), where=norm_sq > 0)
        return speed, rate * self._dp_ds


@dataclass(frozen=True)
class PlanView:
    """The reference line of a road: primitives ordered by their start ``s``."""

    geometries: tuple[Geometry, ...]

    def __post_init__(self) -> None:
        if not self.geometries:
            raise ValueError("a plan view needs at least one geometry")
        starts = [g.s for g in self.geometries]
        if any(b < a for a, b in zip(starts, starts[1:], strict=False)):
            raise ValueError(f"plan view geometries must be ordered by s, got starts {starts}")

    @cached_property
    def _later_starts(self) -> np.ndarray:
        return np.array([g.s for g in self.geometries[1:]])

    @property
    def length(self) -> float:
        """Sum of the primitives' lengths, m."""
        return float(sum(g.length for g in self.geometries))

    def _dispatch(self, s: ArrayLike, method: str, n_out: int) -> tuple[np.ndarray, ...]:
        s = np.asarray(s, dtype=float)
        if len(self.geometries) == 1:
            g = self.geometries[0]
            return getattr(g, method)(s - g.s)
        flat = s.reshape(-1)
        index = np.searchsorted(self._later_starts, flat, side="right")
        outs = [np.empty(flat.shape) for _ in range(n_out)]
        for i in np.unique(index):
            g = self.geometries[i]
            mask = index == i
            for out, value in zip(outs, getattr(g, method)(flat[mask] - g.s), strict=True):
                out[mask] = value
        return tuple(out.reshape(s.shape) for out in outs)

    def evaluate(self, s: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """World ``(x, y, heading)`` of the reference line at road coordinate ``s``."""
        x, y, h = self._dispatch(s, "evaluate", 3)
        return x, y, h

    def rates(self, s: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """``(speed, heading_rate)`` of the reference line with respect to ``s``."""
        speed, rate = self._dispatch(s, "rates", 2)
        return speed, rate

    def position(self, s: ArrayLike) -> np.ndarray:
        """World position, shape ``(..., 2)``."""
        x, y, _ = self.evaluate(s)
        return np.stack((x, y), axis=-1)

    def heading(self, s: ArrayLike) -> np.ndarray:
        """Heading, rad (not wrapped)."""
        return self.evaluate(s)[2]

    def curvature(self, s: ArrayLike) -> np.ndarray:
        """Signed curvature, 1/m."""
        speed, rate = self.rates(s)
        return rate / speed
