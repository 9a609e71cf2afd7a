"""No-fly zones: vertical prisms and cylinders, signed distances, and a velocity constraint.

A zone is a horizontal shape (a polygon or a circle, world ENU metres)
extruded between a floor and a ceiling height. Its signed distance at a point
is negative inside; with ``d_h`` the signed distance of the horizontal shape
and ``d_v = max(floor - z, z - ceiling)``,

    d = max(d_h, d_v)                                  if both are <= 0
    d = sqrt(max(d_h, 0)^2 + max(d_v, 0)^2)            otherwise

which is the exact Euclidean distance to the extruded solid.

:meth:`Airspace.constrain` clips commanded velocities so that a drone's
distance to a zone, less the margin, shrinks no faster than ``1 / dt`` of
itself (it stops at ``margin`` from the zone) and keeps the velocity's
component along the boundary, so it slides around the zone instead of
stopping dead. With a ``detour`` state it follows the boundary in a fixed
sense until the way is clear (a boundary-following detour, as in the Bug
algorithms). Zones are applied one after another; in a concave corner formed
by two zones the result may still point slightly into the first.
:class:`gauntlet.dynamics.fleet.QuadrotorFleet` applies it every step.

:func:`zones_from_geojson` reads ``Polygon`` features (outer ring; holes are
ignored) with the properties ``floor_m`` (default 0), ``ceiling_m`` (default
unbounded) and ``name``, and ``Point`` features with ``radius_m`` as
cylinders. Longitude/latitude become local east/north metres by the
equirectangular projection around an origin,
``x = R cos(lat0) (lon - lon0)``, ``y = R (lat - lat0)`` (angles in radians,
``R`` = 6 371 008.8 m, the mean Earth radius): good to about 0.1 % within
10 km of the origin, not for large areas or near the poles.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

EARTH_RADIUS_M = 6_371_008.8


@dataclass(frozen=True)
class CylinderZone:
    """A vertical cylinder: centre ``(x, y)``, radius and altitude band, m."""

    center_m: tuple[float, float]
    radius_m: float
    floor_m: float = 0.0
    ceiling_m: float = math.inf
    name: str = ""

    def horizontal_distance(self, xy: np.ndarray) -> np.ndarray:
        """Signed horizontal distance of points ``(m, 2)`` to the circle, m."""
        return np.hypot(xy[:, 0] - self.center_m[0], xy[:, 1] - self.center_m[1]) - self.radius_m


@dataclass(frozen=True)
class PrismZone:
    """A vertical prism: a simple polygon (vertices ``(x, y)`` in order) and altitude band, m."""

    polygon_m: tuple[tuple[float, float], ...]
    floor_m: float = 0.0
    ceiling_m: float = math.inf
    name: str = ""

    def __post_init__(self) -> None:
        if len(self.polygon_m) < 3:
            raise ValueError(f"PrismZone {self.name!r}: a polygon needs at least 3 vertices")

    def horizontal_distance(self, xy: np.ndarray) -> np.ndarray:
        """Signed horizontal distance of points ``(m, 2)`` to the polygon, m (even-odd inside)."""
        a = np.asarray(self.polygon_m, dtype=np.float64)
        b = np.roll(a, -1, axis=0)
        edge = b - a
        rel = xy[:, None, :] - a[None, :, :]
        t = np.clip(np.sum(rel * edge, axis=2) / np.sum(edge * edge, axis=1), 0.0, 1.0)
        gap = rel - t[:, :, None] * edge
        distance = np.sqrt(np.min(np.sum(gap * gap, axis=2), axis=1))
        # Even-odd rule: count edges crossed by a ray towards +x.
        y = xy[:, 1:2]
        straddles = (a[None, :, 1] > y) != (b[None, :, 1] > y)
        with np.errstate(divide="ignore", invalid="ignore"):
            cross_x = a[:, 0] + (y - a[:, 1]) * edge[:, 0] / edge[:, 1]
        inside = np.sum(straddles & (xy[:, 0:1] < cross_x), axis=1) % 2 == 1
        return np.where(inside, -distance, distance)


Zone = CylinderZone | PrismZone


def signed_distance(zone: Zone, points: np.ndarray) -> np.ndarray:
    """Signed distance of points ``(m, 3)`` to ``zone``, m (negative inside)."""
    points = np.atleast_2d(np.asarray(points, dtype=np.float64))
    d_h = zone.horizontal_distance(points[:, :2])
    z = points[:, 2]
    d_v = np.maximum(zone.floor_m - z, z - zone.ceiling_m)
    inside = (d_h <= 0.0) & (d_v <= 0.0)
    outside = np.hypot(np.maximum(d_h, 0.0), np.maximum(d_v, 0.0))
    return np.where(inside, np.maximum(d_h, d_v), outside)


class Airspace:
    """A set of no-fly zones.

    Args:
        zones: The zones.
        margin_m: Distance a constrained drone keeps from every zone, m.
    """

    def __init__(self, zones: Sequence[Zone], margin_m: float = 0.0) -> None:
        self.zones = tuple(zones)
        if not margin_m >= 0.0:
            raise ValueError(f"Airspace: margin_m must be >= 0, got {margin_m!r}")
        self.margin_m = margin_m

    def distances(self, points: np.ndarray) -> np.ndarray:
        """Signed distance of each point ``(m, 3)`` to each zone, shape ``(m, zones)``, m."""
        points = np.atleast_2d(np.asarray(points, dtype=np.float64))
        if not self.zones:
            return np.zeros((len(points), 0))
        return np.stack([signed_distance(z, points) for z in self.zones], axis=1)

    def violations(self, points: np.ndarray) -> np.ndarray:
        """Whether each point ``(m, 3)`` lies inside any zone."""
        return np.any(self.distances(points) < 0.0, axis=1)

    def constrain(
        self,
        position: np.ndarray,
        velocity: np.ndarray,
        dt: float | np.ndarray,
        *,
        detour: np.ndarray | None = None,
    ) -> np.ndarray:
        """Commanded velocities ``(m, 3)`` limited so that no drone enters a zone.

        Per zone, with ``n`` the outward unit normal (gradient of the signed
        distance, by central differences) and ``d`` the distance: the speed
        towards the zone is limited to ``(d - margin) / dt`` (negative, so
        away from the zone, for a drone inside the margin); the part of the
        velocity along the boundary is kept, so the drone slides round.

        A command straight at a zone has no part along the boundary, and a
        drone that keeps only its own tangential part stalls where that part
        changes sign. With ``detour`` a blocked drone instead turns the blocked
        part of its command along the boundary (the horizontal tangent), keeping
        the command's horizontal speed, in a fixed sense until its command no
        longer points into any zone: the
        sense is chosen at the first contact from the command's tangential
        part (counter-clockwise when there is none) and kept in ``detour``.
        This gets round convex zones; in a concave pocket a drone may circle.

        Args:
            position: Drone positions ``(m, 3)``, m.
            velocity: Commanded velocities ``(m, 3)``, m/s.
            dt: Time until the next command, s, or, per drone ``(m,)``, a longer
                horizon: a drone that lags its command needs ``dt`` about its
                stopping time so that it slows down early enough.
            detour: Boundary-following sense per drone ``(m,)``, updated in
                place: 0 free, +1 counter-clockwise round the zone seen from
                above, -1 clockwise.
        """
        horizon = np.broadcast_to(np.asarray(dt, dtype=np.float64), (len(np.atleast_2d(position)),))
        if not np.all(horizon > 0.0):
            raise ValueError(f"Airspace.constrain: dt must be > 0, got {dt!r}")
        position = np.atleast_2d(np.asarray(position, dtype=np.float64))
        out = np.array(velocity, dtype=np.float64, ndmin=2)
        blocked_any = np.zeros(len(position), dtype=bool)
        h = 1e-4
        for zone in self.zones:
            d = signed_distance(zone, position)
            reach = np.linalg.norm(out, axis=1) * horizon + self.margin_m
            near = np.flatnonzero(d < reach + h)
            if len(near) == 0:
                continue
            p = position[near]
            normal = np.empty((len(p), 3))
            for axis in range(3):
                step = np.zeros(3)
                step[axis] = h
                normal[:, axis] = signed_distance(zone, p + step) - signed_distance(zone, p - step)
            normal /= np.maximum(np.linalg.norm(normal, axis=1, keepdims=True), 1e-12)
            v = out[near]
            towards = -np.sum(v * normal, axis=1)
            allowed = (d[near] - self.margin_m) / horizon[near]
            excess = np.maximum(towards - allowed, 0.0)
            limited = v + excess[:, None] * normal
            blocked = excess > 0.0
            blocked_any[near] |= blocked
            if detour is not None:
                limited = self._follow(v, limited, normal, blocked, near, detour)
            out[near] = limited
        if detour is not None:
            detour[~blocked_any] = 0
        return out

    @staticmethod
    def _follow(
        command: np.ndarray,
        limited: np.ndarray,
        normal: np.ndarray,
        blocked: np.ndarray,
        rows: np.ndarray,
        detour: np.ndarray,
    ) -> np.ndarray:
        """Replace the boundary part of blocked commands by the detour sense at full speed."""
        horizontal = np.hypot(normal[:, 0], normal[:, 1])
        # Only round the sides of a zone: over or under it the drone just stops.
        follow = blocked & (horizontal > 0.5)
        if not np.any(follow):
            return limited
        tangent = np.zeros_like(normal)  # counter-clockwise round the zone
        tangent[follow, 0] = -normal[follow, 1] / horizontal[follow]
        tangent[follow, 1] = normal[follow, 0] / horizontal[follow]
        along = np.sum(command * tangent, axis=1)
        sense = detour[rows].astype(np.float64)
        start = follow & (sense == 0.0)
        sense[start] = np.where(along[start] < 0.0, -1.0, 1.0)
        detour[rows[follow]] = sense[follow]
        # Keep the limited part across the boundary and turn the rest of the
        # command's horizontal speed along it, in the detour's sense.
        kept = limited - np.sum(limited * tangent, axis=1)[:, None] * tangent
        speed2 = command[:, 0] ** 2 + command[:, 1] ** 2 - kept[:, 0] ** 2 - kept[:, 1] ** 2
        followed = kept + (sense * np.sqrt(np.maximum(speed2, 0.0)))[:, None] * tangent
        return np.where(follow[:, None], followed, limited)


def _local_xy(lon_lat: np.ndarray, origin: tuple[float, float]) -> np.ndarray:
    lon0, lat0 = math.radians(origin[0]), math.radians(origin[1])
    lon, lat = np.radians(lon_lat[:, 0]), np.radians(lon_lat[:, 1])
    return np.column_stack(
        (EARTH_RADIUS_M * math.cos(lat0) * (lon - lon0), EARTH_RADIUS_M * (lat - lat0))
    )


def zones_from_geojson(
    source: str | Path | dict[str, Any], origin_lon_lat: tuple[float, float]
) -> list[Zone]:
    """No-fly zones from a GeoJSON FeatureCollection (a path, a JSON string or a parsed dict).

    Args:
        source: The GeoJSON.
        origin_lon_lat: Longitude and latitude (degrees) of the local frame's origin.

    Raises:
        ValueError: For a geometry type other than Polygon or Point, or a Point
            without ``radius_m``.
    """
    if isinstance(source, dict):
        data = source
    elif isinstance(source, Path) or not str(source).lstrip().startswith("{"):
        data = json.loads(Path(source).read_text())
    else:
        data = json.loads(str(source))
    zones: list[Zone] = []
    for index, feature in enumerate(data.get("features", [])):
        props = feature.get("properties") or {}
        geometry = feature.get("geometry") or {}
        floor_m = float(props.get("floor_m", 0.0))
        ceiling_m = float(props.get("ceiling_m", math.inf))
        name = str(props.get("name", f"zone{index}"))
        kind = geometry.get("type")
        if kind == "Polygon":
            ring = np.asarray(geometry["coordinates"][0], dtype=np.float64)[:, :2]
            if len(ring) > 1 and np.array_equal(ring[0], ring[-1]):
                ring = ring[:-1]
            xy = _local_xy(ring, origin_lon_lat)
            polygon = tuple((float(x), float(y)) for x, y in xy)
            zones.append(PrismZone(polygon, floor_m, ceiling_m, name))
        elif kind == "Point":
            if "radius_m" not in props:
                raise ValueError(f"GeoJSON feature {index}: a Point zone needs a radius_m property")
            xy = _local_xy(
                np.asarray([geometry["coordinates"][:2]], dtype=np.float64), origin_lon_lat
            )
            center = (float(xy[0, 0]), float(xy[0, 1]))
            zones.append(CylinderZone(center, float(props["radius_m"]), floor_m, ceiling_m, name))
        else:
            raise ValueError(
                f"GeoJSON feature {index}: geometry {kind!r} is not a no-fly zone (Polygon or Point)"
            )
    return zones
