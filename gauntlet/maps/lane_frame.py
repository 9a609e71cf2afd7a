"""The numeric machinery behind a lane's frame: road ``s`` <-> lane ``s``, exact positions.

A lane's frame has ``s`` measured along the lane's centre line in its driving direction
(true arc length, from the lane start) and ``t`` to the driver's left of the centre
line. A point ``(s, t)`` lies on the road's normal through the centre-line point at
``s`` (the reference line's normal, as in OpenDRIVE's own s/t frame), so
:meth:`LaneFrame.local_coordinates` is the exact inverse of :meth:`LaneFrame.position`.
Beyond the lane ends positions continue straight along the end heading.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
from scipy.spatial import cKDTree

from gauntlet.maps._numeric import cumulative_integral, wrap_angle
from gauntlet.maps.road import Road

ArrayLike = np.ndarray | float

#: Road-coordinate spacing of the nodes that map road s to lane s, m.
_MAPPING_STEP_M = 0.25


class LaneFrame:
    """Lane-frame geometry of one lane of one lane section.

    Args:
        road: The road.
        section: Lane section index.
        lane_id: OpenDRIVE lane id (nonzero).
        direction: +1 if the lane's traffic follows the reference line, -1 otherwise.
    """

    def __init__(self, road: Road, section: int, lane_id: int, direction: int) -> None:
        self.road = road
        self.section = section
        self.lane_id = lane_id
        self.direction = direction
        self.s_start, self.s_end = road.section_range(section)
        span = max(self.s_end - self.s_start, 0.0)
        count = max(2, int(np.ceil(span / _MAPPING_STEP_M)) + 1)
        self._nodes = np.linspace(self.s_start, self.s_start + span, count)
        self._sigma = cumulative_integral(self._centre_speed, self._nodes)
        self.length = float(self._sigma[-1])

    # -- road coordinate helpers ---------------------------------------------------------

    def _centre(self, rs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        inner, outer, d_inner, d_outer = self.road.lane_borders(self.section, self.lane_id, rs)
        return 0.5 * (inner + outer), 0.5 * (d_inner + d_outer)

    def _centre_speed(self, rs: np.ndarray) -> np.ndarray:
        """|d centre / d rs|: the centre line's arc length per metre of road ``s``."""
        speed, rate = self.road.plan_view.rates(rs)
        tc, dtc = self._centre(rs)
        return np.hypot(speed - rate * tc, dtc)

    def road_s(self, s: ArrayLike) -> np.ndarray:
        """Road coordinate of lane coordinate ``s`` (clamped to the lane)."""
        s = np.asarray(s, dtype=float)
        sigma = s if self.direction > 0 else self.length - s
        return np.interp(sigma, self._sigma, self._nodes)

    def lane_s(self, road_s: ArrayLike) -> np.ndarray:
        """Lane coordinate of road coordinate ``road_s`` (clamped to the section)."""
        sigma = np.interp(np.asarray(road_s, dtype=float), self._nodes, self._sigma)
        return sigma if self.direction > 0 else self.length - sigma

    def _heading_at_road_s(self, rs: np.ndarray) -> np.ndarray:
        _, _, h = self.road.plan_view.evaluate(rs)
        speed, rate = self.road.plan_view.rates(rs)
        tc, dtc = self._centre(rs)
        heading = h + np.arctan2(dtc, speed - rate * tc)
        if self.direction < 0:
            heading = heading + np.pi
        return wrap_angle(heading)

    # -- lane-frame queries ----------------------------------------------------------------

    def position(self, s: ArrayLike, t: ArrayLike = 0.0) -> np.ndarray:
        """World position of lane coordinates ``(s, t)``, shape ``(..., 2)``."""
        s, t = np.broadcast_arrays(np.asarray(s, dtype=float), np.asarray(t, dtype=float))
        clamped = np.clip(s, 0.0, self.length)
        rs = self.road_s(clamped)
        x, y, h = self.road.plan_view.evaluate(rs)
        tc, _ = self._centre(rs)
        t_road = tc + self.direction * t
        px, py = x - t_road * np.sin(h), y + t_road * np.cos(h)
        extra = s - clamped
        if np.any(extra):
            heading = self._heading_at_road_s(rs)
            px = px + extra * np.cos(heading)
            py = py + extra * np.sin(heading)
        return np.stack((px, py), axis=-1)

    def heading_at(self, s: ArrayLike) -> np.ndarray:
        """Heading of the centre line in the driving direction, rad in [-pi, pi)."""
        return self._heading_at_road_s(self.road_s(np.clip(s, 0.0, self.length)))

    def width_at(self, s: ArrayLike) -> np.ndarray:
        """Lane width, m."""
        rs = self.road_s(np.clip(s, 0.0, self.length))
        inner, outer, _, _ = self.road.lane_borders(self.section, self.lane_id, rs)
        return np.abs(outer - inner)

    def elevation_at(self, s: ArrayLike) -> np.ndarray:
        """Elevation of the reference line beside the lane, m."""
        return self.road.elevation_at(self.road_s(np.clip(s, 0.0, self.length)))

    @cached_property
    def _search_samples(self) -> tuple[np.ndarray, np.ndarray, cKDTree]:
        count = max(2, int(np.ceil(self.length / 0.5)) + 1)
        s = np.linspace(0.0, self.length, count)
        points = self.position(s)
        return s, points, cKDTree(points)

    def _initial_road_s(self, points: np.ndarray) -> np.ndarray:
        """Road ``s`` of the nearest point of the sampled centre line."""
        s, samples, tree = self._search_samples
        _, nearest = tree.query(points)
        best_s = s[nearest]
        best_d = np.full(len(points), np.inf)
        for first in (nearest - 1, nearest):
            first = np.clip(first, 0, len(s) - 2)
            a, b = samples[first], samples[first + 1]
            ab = b - a
            denom = np.einsum("ij,ij->i", ab, ab)
            frac = np.divide(
                np.einsum("ij,ij->i", points - a, ab), denom, out=np.zeros(len(points)),
                where=denom > 0,
            )
            frac = np.clip(frac, 0.0, 1.0)
            foot = a + frac[:, None] * ab
            dist = np.hypot(*(points - foot).T)
            better = dist < best_d
            best_d = np.where(better, dist, best_d)
            best_s = np.where(better, s[first] + frac * (s[first + 1] - s[first]), best_s)
        return self.road_s(best_s)

    def local_coordinates(self, x: ArrayLike, y: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """Lane coordinates ``(s, t)`` of world points; the exact inverse of :meth:`position`."""
        x, y = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
        shape = x.shape
        px, py = x.reshape(-1), y.reshape(-1)
        if px.size == 0:
            return np.zeros(shape), np.zeros(shape)
        rs = self._initial_road_s(np.stack((px, py), axis=-1))
        lo, hi = self.s_start, self.s_start + max(self.s_end - self.s_start, 0.0)
        plan = self.road.plan_view
        # Newton on f(rs) = (p - ref(rs)) . T(rs); f' = -(speed - heading_rate * t_road).
        for _ in range(12):
            rx, ry, h = plan.evaluate(rs)
            speed, rate = plan.rates(rs)
            dx, dy = px - rx, py - ry
            cos_h, sin_h = np.cos(h), np.sin(h)
            along = dx * cos_h + dy * sin_h
            across = -dx * sin_h + dy * cos_h
            denom = speed - rate * across
            denom = np.where(np.abs(denom) > 1e-9 * np.maximum(speed, 1e-12), denom, speed)
            new_rs = np.clip(rs + along / denom, lo, hi)
            converged = np.max(np.abs(new_rs - rs)) <= 1e-12 * (1.0 + max(abs(lo), abs(hi)))
            rs = new_rs
            if converged:
                break
        rx, ry, h = plan.evaluate(rs)
        dx, dy = px - rx, py - ry
        cos_h, sin_h = np.cos(h), np.sin(h)
        tc, _ = self._centre(rs)
        s_lane = self.lane_s(rs)
        t_road = -dx * sin_h + dy * cos_h
        t_lane = self.direction * (t_road - tc)
        at_end = (rs <= lo) | (rs >= hi)
        if np.any(at_end):
            # Beyond an end the frame continues straight: p - centre = q N + e U.
            heading = self._heading_at_road_s(rs[at_end])
            ux, uy = np.cos(heading), np.sin(heading)
            nx, ny = -sin_h[at_end], cos_h[at_end]
            rx_, ry_ = dx[at_end] - nx * tc[at_end], dy[at_end] - ny * tc[at_end]
            det = nx * uy - ny * ux
            q = (rx_ * uy - ry_ * ux) / det
            e = (nx * ry_ - ny * rx_) / det
            s_lane = s_lane.copy()
            s_lane[at_end] += e
            t_lane[at_end] = self.direction * q
        return s_lane.reshape(shape), t_lane.reshape(shape)

    def area_samples(self, step: float) -> tuple[np.ndarray, np.ndarray]:
        """World points covering the lane's surface at about ``step`` spacing.

        Returns:
            ``(x, y)`` flat arrays; used to rasterise the drivable area.
        """
        rs = self.road_s(np.linspace(0.0, self.length, max(2, int(np.ceil(self.length / step)) + 1)))
        inner, outer, _, _ = self.road.lane_borders(self.section, self.lane_id, rs)
        _, rate = self.road.plan_view.rates(rs)
        # On a curve the outer border is longer than the centre line: sample finer.
        stretch = 1.0 + float(np.max(np.abs(rate) * np.abs(outer - inner)))
        if stretch > 1.0 + 1e-9:
            count = max(2, int(np.ceil(self.length * stretch / step)) + 1)
            rs = self.road_s(np.linspace(0.0, self.length, count))
            inner, outer, _, _ = self.road.lane_borders(self.section, self.lane_id, rs)
        rx, ry, h = self.road.plan_view.evaluate(rs)
        width_max = float(np.max(np.abs(outer - inner)))
        fractions = np.linspace(0.0, 1.0, max(2, int(np.ceil(width_max / step)) + 1))
        t = inner[:, None] + (outer - inner)[:, None] * fractions[None, :]
        xs = rx[:, None] - t * np.sin(h)[:, None]
        ys = ry[:, None] + t * np.cos(h)[:, None]
        return xs.reshape(-1), ys.reshape(-1)
