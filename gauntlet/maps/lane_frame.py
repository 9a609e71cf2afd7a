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
#: Spacing of the centre-line samples that seed the inverse, m.
_SEED_STEP_M = 0.5
#: Up to this many point-sample pairs the nearest seed is found by brute force.
_BRUTE_FORCE_PAIRS = 65536


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
        self._plan = road.plan_view
        self._centre_profile = road.lane_center_profile(section, lane_id)
        self._width_profile = road.lane_width_profile(section, lane_id)
        start, end = road.section_range(section)
        self.s_start, self.s_end = start, max(end, start)
        count = max(2, int(np.ceil((self.s_end - start) / _MAPPING_STEP_M)) + 1)
        # Nodes at every geometry and profile breakpoint keep the quadrature away from
        # the kinks in curvature and width.
        breaks = np.concatenate(
            ([g.s for g in self._plan.geometries], self._centre_profile.breakpoints)
        )
        inside = breaks[(breaks > start) & (breaks < self.s_end)]
        self._nodes = np.unique(np.concatenate((np.linspace(start, self.s_end, count), inside)))
        self._sigma = cumulative_integral(self._centre_speed, self._nodes)
        self.length = float(self._sigma[-1])

    # -- road coordinate helpers ---------------------------------------------------------

    def _centre_speed(self, rs: np.ndarray) -> np.ndarray:
        """|d centre / d rs|: the centre line's arc length per metre of road ``s``."""
        speed, rate = self._plan.rates(rs)
        tc, dtc = self._centre_profile.evaluate(rs)
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

    def _heading_at_road_s(self, rs: np.ndarray, h: np.ndarray | None = None) -> np.ndarray:
        if h is None:
            h = self._plan.evaluate(rs)[2]
        speed, rate = self._plan.rates(rs)
        tc, dtc = self._centre_profile.evaluate(rs)
        heading = h + np.arctan2(dtc, speed - rate * tc)
        if self.direction < 0:
            heading = heading + np.pi
        return wrap_angle(heading)

    def _clamp(self, s: ArrayLike) -> np.ndarray:
        return np.minimum(np.maximum(s, 0.0), self.length)

    # -- lane-frame queries ----------------------------------------------------------------

    def position(self, s: ArrayLike, t: ArrayLike = 0.0) -> np.ndarray:
        """World position of lane coordinates ``(s, t)``, shape ``(..., 2)``."""
        s = np.asarray(s, dtype=float)
        t = np.asarray(t, dtype=float)
        if s.shape != t.shape:
            s, t = np.broadcast_arrays(s, t)
        clamped = self._clamp(s)
        rs = self.road_s(clamped)
        x, y, h = self._plan.evaluate(rs)
        t_road = self._centre_profile(rs) + self.direction * t
        px, py = x - t_road * np.sin(h), y + t_road * np.cos(h)
        extra = s - clamped
        if np.any(extra):
            heading = self._heading_at_road_s(rs, h)
            px = px + extra * np.cos(heading)
            py = py + extra * np.sin(heading)
        return np.stack((px, py), axis=-1)

    def heading_at(self, s: ArrayLike) -> np.ndarray:
        """Heading of the centre line in the driving direction, rad in [-pi, pi)."""
        return self._heading_at_road_s(self.road_s(self._clamp(s)))

    def width_at(self, s: ArrayLike) -> np.ndarray:
        """Lane width, m."""
        return np.abs(self._width_profile(self.road_s(self._clamp(s))))

    def elevation_at(self, s: ArrayLike) -> np.ndarray:
        """Elevation of the reference line beside the lane, m."""
        return self.road.elevation_at(self.road_s(self._clamp(s)))

    @cached_property
    def _seeds(self) -> tuple[np.ndarray, np.ndarray]:
        count = max(2, int(np.ceil(self.length / _SEED_STEP_M)) + 1)
        s = np.linspace(0.0, self.length, count)
        return self.road_s(s), self.position(s)

    @cached_property
    def _seed_tree(self) -> cKDTree:
        return cKDTree(self._seeds[1])

    def _nearest_seed(self, points: np.ndarray) -> np.ndarray:
        """Road ``s`` of the centre-line sample nearest each point."""
        road_s, samples = self._seeds
        if len(points) * len(samples) <= _BRUTE_FORCE_PAIRS:
            dx = points[:, 0, None] - samples[None, :, 0]
            dy = points[:, 1, None] - samples[None, :, 1]
            return road_s[np.argmin(dx * dx + dy * dy, axis=1)]
        return road_s[self._seed_tree.query(points)[1]]

    def local_coordinates(self, x: ArrayLike, y: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """Lane coordinates ``(s, t)`` of world points; the exact inverse of :meth:`position`."""
        x, y = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
        shape = x.shape
        px, py = x.reshape(-1), y.reshape(-1)
        if px.size == 0:
            return np.zeros(shape), np.zeros(shape)
        rs = self._nearest_seed(np.stack((px, py), axis=-1))
        lo, hi = self.s_start, self.s_end
        tolerance = 1e-12 * (1.0 + max(abs(lo), abs(hi)))
        # Newton on f(rs) = (p - ref(rs)) . T(rs), with f' = -(speed - heading_rate * t_road).
        for _ in range(16):
            rx, ry, h = self._plan.evaluate(rs)
            speed, rate = self._plan.rates(rs)
            dx, dy = px - rx, py - ry
            cos_h, sin_h = np.cos(h), np.sin(h)
            across = dy * cos_h - dx * sin_h
            denom = speed - rate * across
            denom = np.where(np.abs(denom) > 1e-9 * speed, denom, speed)
            new_rs = np.minimum(np.maximum(rs + (dx * cos_h + dy * sin_h) / denom, lo), hi)
            converged = np.max(np.abs(new_rs - rs)) <= tolerance
            rs = new_rs
            if converged:
                break  # the pose evaluated at the previous rs is exact to ~1e-12 m
        tc = self._centre_profile(rs)
        s_lane = np.array(self.lane_s(rs), dtype=float)
        t_lane = self.direction * (across - tc)
        at_end = (rs <= lo) | (rs >= hi)
        if np.any(at_end):
            # Beyond an end the frame continues straight: p - centre = q N + e U.
            heading = self._heading_at_road_s(rs[at_end], h[at_end])
            ux, uy = np.cos(heading), np.sin(heading)
            nx, ny = -sin_h[at_end], cos_h[at_end]
            ex, ey = dx[at_end] - nx * tc[at_end], dy[at_end] - ny * tc[at_end]
            det = nx * uy - ny * ux
            s_lane[at_end] += (nx * ey - ny * ex) / det
            t_lane[at_end] = self.direction * (ex * uy - ey * ux) / det
        return s_lane.reshape(shape), t_lane.reshape(shape)

    def outline(self, step: float = 0.5, margin: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        """The lane's boundary as a closed ring of world points.

        Args:
            step: Largest spacing of the border points, m (about).
            margin: Grow the lane by this much on every side, m.

        Returns:
            ``(x, y)`` arrays of the ring (left border forward, right border back; the
            first point is not repeated).
        """
        rs = self._nodes
        _, rate = self._plan.rates(rs)
        # On a curve the outer border is longer than the centre line: sample finer.
        reach = np.abs(self._centre_profile(rs)) + 0.5 * np.abs(self._width_profile(rs)) + margin
        stretch = 1.0 + float(np.max(np.abs(rate) * reach))
        count = max(2, int(np.ceil(self.length * stretch / step)) + 1)
        s = np.linspace(0.0, self.length, count)
        if margin > 0.0:
            s = np.concatenate(([-margin], s, [self.length + margin]))
        half = 0.5 * self.width_at(s) + margin
        left, right = self.position(s, half), self.position(s, -half)
        ring = np.concatenate((left, right[::-1]))
        return ring[:, 0], ring[:, 1]
