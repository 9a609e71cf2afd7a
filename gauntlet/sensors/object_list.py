"""An object-list sensor: range, field of view, line-of-sight occlusion and dropout.

It reports which of the world's boxes a sensor at a pose can see. An object
counts as seen when at least one of five points of its box — the centre and
the four corners — lies within the range, within the field of view and in
line of sight. A line of sight is blocked by another box (a vehicle, a parked
bus, an ``obstacle`` such as a building) when the segment from the sensor to
the point passes through that box and the box is at least as tall as the lower
of the sensor's mount and the object: a 1.5 m car hides a pedestrian from a
bumper-height sensor, not from a roadside camera on a 5 m pole, and a 3 m bus
hides it from both. The test is 2-D in the ground plane apart from that height
rule. A seen object is then dropped with probability ``dropout``.

The sensor works on plain arrays (world frame, SI units), so the world, a
roadside unit or a test can use it alike. What it reports reaches a stack as an
:class:`ObjectList` (struct-of-arrays, one row per object), the same shape a
collective perception message (:mod:`gauntlet.sensors.v2x`) carries.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

#: Sample points of a box in its own frame, as fractions of its half length and width.
_SAMPLES = np.array([[0.0, 0.0], [1.0, 1.0], [1.0, -1.0], [-1.0, 1.0], [-1.0, -1.0]])
#: Corners are pulled this far inside their box, so a box's own outline never hides it.
_INSET = 0.98


@dataclass(frozen=True)
class ObjectList:
    """Other road users as struct-of-arrays, world frame, one row per object.

    Attributes:
        ids: int64 actor ids.
        types: object type names (``car``, ``pedestrian``, ...).
        xy: float64 ``(n, 2)`` centre positions in m.
        heading: float64 ``(n,)`` yaw in rad.
        velocity: float64 ``(n, 2)`` world-frame velocity in m/s.
        length, width: float64 ``(n,)`` box size in m.
    """

    ids: np.ndarray
    types: tuple[str, ...]
    xy: np.ndarray
    heading: np.ndarray
    velocity: np.ndarray
    length: np.ndarray
    width: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class ObjectSensorParams:
    """What an object-list sensor covers.

    Attributes:
        range_m: Largest distance to a sample point of an object.
        fov_rad: Horizontal field of view, centred on the sensor's heading (2 pi: all round).
        occlusion: Whether other boxes block the line of sight.
        dropout: Probability that a visible object is missed in one scan.
        height_m: Mount height, for the occlusion height rule.
    """

    range_m: float = 150.0
    fov_rad: float = 2.0 * math.pi
    occlusion: bool = True
    dropout: float = 0.0
    height_m: float = 1.5

    def __post_init__(self) -> None:
        if not self.range_m > 0.0:
            raise ValueError(f"range_m must be > 0, got {self.range_m}")
        if not 0.0 < self.fov_rad <= 2.0 * math.pi + 1e-9:
            raise ValueError(f"fov_rad must be in (0, 2 pi], got {self.fov_rad}")
        if not 0.0 <= self.dropout <= 1.0:
            raise ValueError(f"dropout must be in [0, 1], got {self.dropout}")


def sample_points(
    xy: np.ndarray, heading: np.ndarray, length: np.ndarray, width: np.ndarray
) -> np.ndarray:
    """The centre and (slightly inset) corners of each box, ``(n, 5, 2)``."""
    c, s = np.cos(heading), np.sin(heading)
    hl = 0.5 * _INSET * np.asarray(length)
    hw = 0.5 * _INSET * np.asarray(width)
    lx = _SAMPLES[None, :, 0] * hl[:, None]
    ly = _SAMPLES[None, :, 1] * hw[:, None]
    x = xy[:, 0, None] + lx * c[:, None] - ly * s[:, None]
    y = xy[:, 1, None] + lx * s[:, None] + ly * c[:, None]
    return np.stack((x, y), axis=-1)


@njit(cache=True)
def _crosses(
    ox: float, oy: float, px: float, py: float,
    bx: float, by: float, c: float, s: float, hl: float, hw: float,
) -> bool:  # fmt: skip
    """Slab test: does the segment (ox, oy) -> (px, py) pass through the box?"""
    ax, ay = ox - bx, oy - by
    a_lon, a_lat = ax * c + ay * s, -ax * s + ay * c
    dx, dy = px - ox, py - oy
    d_lon, d_lat = dx * c + dy * s, -dx * s + dy * c
    t_in, t_out = 0.0, 1.0
    for a, d, half in ((a_lon, d_lon, hl), (a_lat, d_lat, hw)):
        if abs(d) < 1e-12:
            if abs(a) > half:
                return False
            continue
        t1, t2 = (-half - a) / d, (half - a) / d
        t_in = max(t_in, min(t1, t2))
        t_out = min(t_out, max(t1, t2))
    return t_in < t_out


@njit(cache=True)
def segments_cross_boxes(
    origin: np.ndarray,
    points: np.ndarray,
    box_xy: np.ndarray,
    box_heading: np.ndarray,
    box_length: np.ndarray,
    box_width: np.ndarray,
) -> np.ndarray:
    """Whether the segment from ``origin`` to each point passes through each box.

    Slab test in each box's frame. Args are world-frame arrays: ``origin (2,)``,
    ``points (p, 2)``, boxes ``(m,)``. Returns bool ``(p, m)``.
    """
    out = np.zeros((points.shape[0], box_xy.shape[0]), dtype=np.bool_)
    for j in range(box_xy.shape[0]):
        c, s = math.cos(box_heading[j]), math.sin(box_heading[j])
        hl, hw = 0.5 * box_length[j], 0.5 * box_width[j]
        for i in range(points.shape[0]):
            out[i, j] = _crosses(
                origin[0], origin[1], points[i, 0], points[i, 1],
                box_xy[j, 0], box_xy[j, 1], c, s, hl, hw,
            )  # fmt: skip
    return out


@njit(cache=True)
def _lines_blocked(
    origin: np.ndarray,
    points: np.ndarray,
    owner: np.ndarray,
    owner_height: np.ndarray,
    sensor_height: float,
    box_id: np.ndarray,
    box_xy: np.ndarray,
    box_heading: np.ndarray,
    box_length: np.ndarray,
    box_width: np.ndarray,
    box_height: np.ndarray,
) -> np.ndarray:
    """bool ``(p,)``: a box other than the point's owner, tall enough, is in the way.

    A box the sensor stands in (its own vehicle) never blocks.
    """
    p, m = points.shape[0], box_xy.shape[0]
    out = np.zeros(p, dtype=np.bool_)
    for j in range(m):
        c, s = math.cos(box_heading[j]), math.sin(box_heading[j])
        hl, hw = 0.5 * box_length[j], 0.5 * box_width[j]
        ax, ay = origin[0] - box_xy[j, 0], origin[1] - box_xy[j, 1]
        if abs(ax * c + ay * s) <= hl and abs(-ax * s + ay * c) <= hw:
            continue
        for i in range(p):
            if out[i] or owner[i] == box_id[j]:
                continue
            if box_height[j] < min(sensor_height, owner_height[i]):
                continue
            out[i] = _crosses(
                origin[0], origin[1], points[i, 0], points[i, 1],
                box_xy[j, 0], box_xy[j, 1], c, s, hl, hw,
            )  # fmt: skip
    return out


@dataclass
class ObjectListSensor:
    """Which boxes a sensor sees; see the module docstring.

    Args:
        params: Coverage of the sensor.
        rng: Generator for the dropout draws (one draw per candidate object per scan).
    """

    params: ObjectSensorParams
    rng: np.random.Generator | None = None

    def detect(
        self,
        origin: tuple[float, float],
        heading_rad: float,
        xy: np.ndarray,
        heading: np.ndarray,
        length: np.ndarray,
        width: np.ndarray,
        height: np.ndarray,
        candidates: np.ndarray | None = None,
    ) -> np.ndarray:
        """Indices (into the arrays) of the objects the sensor sees, ascending.

        Args:
            origin: Sensor position, world frame.
            heading_rad: Direction the sensor looks.
            xy, heading, length, width, height: Every box of the scene, ``(n, ...)``;
                all of them can block the view.
            candidates: Indices of the boxes that may be reported (default all);
                leave out the sensor's own vehicle.
        """
        p = self.params
        n = len(xy)
        cand = np.arange(n) if candidates is None else np.asarray(candidates, dtype=np.int64)
        if not len(cand):
            return cand
        o = np.asarray(origin, dtype=float)
        reach = p.range_m + 0.5 * np.hypot(length[cand], width[cand])
        cand = cand[np.hypot(xy[cand, 0] - o[0], xy[cand, 1] - o[1]) <= reach]
        if not len(cand):
            return self._dropout(cand, 0)
        pts = sample_points(xy[cand], heading[cand], length[cand], width[cand])  # (k, 5, 2)
        rel = pts - o
        ok = np.hypot(rel[..., 0], rel[..., 1]) <= p.range_m
        if p.fov_rad < 2.0 * math.pi - 1e-9:
            bearing = np.arctan2(rel[..., 1], rel[..., 0]) - heading_rad
            ok &= np.abs((bearing + math.pi) % (2.0 * math.pi) - math.pi) <= 0.5 * p.fov_rad
        if p.occlusion and n > 1:
            ok &= ~self._blocked(o, pts, cand, xy, heading, length, width, height)
        seen = cand[ok.any(axis=1)]
        return self._dropout(seen, len(cand))

    def _blocked(
        self,
        origin: np.ndarray,
        pts: np.ndarray,
        cand: np.ndarray,
        xy: np.ndarray,
        heading: np.ndarray,
        length: np.ndarray,
        width: np.ndarray,
        height: np.ndarray,
    ) -> np.ndarray:
        """bool ``(k, 5)``: the line of sight to each sample point is blocked."""
        k = len(cand)
        # Only boxes that could lie between the sensor and the farthest candidate matter.
        far = np.hypot(pts[..., 0] - origin[0], pts[..., 1] - origin[1]).max()
        box_reach = np.hypot(xy[:, 0] - origin[0], xy[:, 1] - origin[1])
        boxes = np.flatnonzero(box_reach - 0.5 * np.hypot(length, width) <= far)
        if not len(boxes):
            return np.zeros((k, 5), dtype=bool)
        blocked = _lines_blocked(
            origin,
            np.ascontiguousarray(pts.reshape(-1, 2)),
            np.repeat(cand, 5),
            np.repeat(height[cand], 5).astype(float),
            float(self.params.height_m),
            boxes,
            np.ascontiguousarray(xy[boxes]),
            heading[boxes].astype(float),
            length[boxes].astype(float),
            width[boxes].astype(float),
            height[boxes].astype(float),
        )
        return blocked.reshape(k, 5)

    def _dropout(self, seen: np.ndarray, draws: int) -> np.ndarray:
        if self.rng is None or self.params.dropout <= 0.0:
            return seen
        # One draw per candidate in range, so the count does not depend on what is visible.
        u = self.rng.random(max(draws, len(seen)))
        return seen[u[: len(seen)] >= self.params.dropout]
