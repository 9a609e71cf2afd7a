"""Road-network geometry the import needs: road and lane coordinates, routes and paths.

OpenSCENARIO places entities in road coordinates (``RoadPosition``),
along routes and trajectories and relative to other entities; Gauntlet's
scenario format knows world and lane positions. The import resolves the
former against the OpenDRIVE file the scenario names, through
:mod:`gauntlet.maps`, the same reader the simulator uses.

Conventions: road ``t`` is to the left of the reference line; a lane's
*driver offset* is to the driver's left of its centre line; headings are
counter-clockwise from +x.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path as FilePath

import numpy as np

from gauntlet.maps.lanes import Lane
from gauntlet.maps.model import LaneKey
from gauntlet.maps.network import RoadNetwork

#: How far ahead a lane-following path is built for timing computations, m.
PATH_AHEAD_M = 1500.0


@dataclass(frozen=True)
class Pose:
    """A world pose: position (m) and heading (rad)."""

    x: float
    y: float
    h: float

    def moved(self, forward: float, left: float = 0.0, dh: float = 0.0) -> Pose:
        """The pose moved in its own frame and turned by ``dh``."""
        c, s = np.cos(self.h), np.sin(self.h)
        return Pose(
            float(self.x + forward * c - left * s),
            float(self.y + forward * s + left * c),
            self.h + dh,
        )


@dataclass(frozen=True)
class LaneSpot:
    """Where a point lies on a driving lane."""

    key: LaneKey
    lane_s: float
    driver_offset: float
    road_s: float
    road_t: float
    direction: int
    lane_heading: float


class Path:
    """A polyline with arc length: trajectories, routes and lane paths."""

    def __init__(self, x: np.ndarray, y: np.ndarray, h: np.ndarray | None = None) -> None:
        keep = np.concatenate(([True], np.hypot(np.diff(x), np.diff(y)) > 1e-9))
        self.x, self.y = np.asarray(x, float)[keep], np.asarray(y, float)[keep]
        if len(self.x) < 2:
            raise ValueError("a path needs two distinct points")
        self.s = np.concatenate(([0.0], np.cumsum(np.hypot(np.diff(self.x), np.diff(self.y)))))
        travel = np.arctan2(np.diff(self.y), np.diff(self.x))
        default = np.concatenate((travel, travel[-1:]))
        self.h = default if h is None else np.asarray(h, float)[keep]

    @property
    def length(self) -> float:
        """Arc length, m."""
        return float(self.s[-1])

    def at(self, s: float, t: float = 0.0) -> Pose:
        """The pose at arc length ``s`` (extended straight beyond the ends), ``t`` to the left."""
        k = int(np.clip(np.searchsorted(self.s, s, side="right") - 1, 0, len(self.s) - 2))
        seg = self.s[k + 1] - self.s[k]
        frac = (s - self.s[k]) / seg
        x = self.x[k] + frac * (self.x[k + 1] - self.x[k])
        y = self.y[k] + frac * (self.y[k + 1] - self.y[k])
        h0, h1 = self.h[k], self.h[k + 1]
        h = h0 + float(np.clip(frac, 0.0, 1.0)) * _wrap(h1 - h0)
        return Pose(float(x), float(y), float(h)).moved(0.0, t)

    def project(self, x: float, y: float) -> float:
        """Arc length of the path point nearest to ``(x, y)``."""
        ax, ay = self.x[:-1], self.y[:-1]
        dx, dy = np.diff(self.x), np.diff(self.y)
        u = np.clip(((x - ax) * dx + (y - ay) * dy) / np.maximum(dx * dx + dy * dy, 1e-12), 0, 1)
        d2 = (ax + u * dx - x) ** 2 + (ay + u * dy - y) ** 2
        k = int(np.argmin(d2))
        return float(self.s[k] + u[k] * (self.s[k + 1] - self.s[k]))

    def sample(self, start: float, end: float, step: float = 0.5) -> np.ndarray:
        """Arc lengths from ``start`` to ``end`` every ``step`` and at every vertex between."""
        count = max(2, int(np.ceil(abs(end - start) / step)) + 1)
        inner = self.s[(self.s > min(start, end)) & (self.s < max(start, end))]
        return np.unique(np.concatenate((np.linspace(start, end, count), inner)))


class RoadMap:
    """The road network of one scenario, with the queries of the import."""

    def __init__(self, network: RoadNetwork, file: FilePath) -> None:
        self.network = network
        self.file = file

    @classmethod
    def read(cls, path: FilePath) -> RoadMap:
        """Read an OpenDRIVE file (``ValueError`` with the reader's message if invalid)."""
        return cls(RoadNetwork.from_opendrive(path), path)

    # -- road and lane coordinates -----------------------------------------------------------

    def road(self, road_id: str):  # noqa: ANN201 - gauntlet.maps.road.Road
        """The road ``road_id``; ``KeyError`` naming the known roads if missing."""
        if road_id not in self.network.roads:
            known = ", ".join(sorted(self.network.roads)[:20])
            raise KeyError(f"unknown road {road_id!r}; the map has roads {known}")
        return self.network.roads[road_id]

    def lane(self, road_id: str, lane_id: int, road_s: float) -> tuple[Lane, float]:
        """The lane and its lane-frame ``s`` at road coordinate ``road_s``."""
        self.road(road_id)
        key, lane_s = self.network.lane_at(road_id, lane_id, road_s)
        return self.network.lanes[key], lane_s

    def lane_pose(self, road_id: str, lane_id: int, road_s: float, t_offset: float) -> Pose:
        """World pose of ``LanePosition(road, lane, s, offset)``, heading along the traffic."""
        road = self.road(road_id)
        lane, lane_s = self.lane(road_id, lane_id, road_s)
        xy = road.lane_position(lane_id, road_s, t_offset)
        heading = float(np.asarray(lane.heading_at(np.array([lane_s]))).ravel()[0])
        return Pose(float(xy[0]), float(xy[1]), heading)

    def road_pose(self, road_id: str, road_s: float, t: float) -> Pose:
        """World pose of ``RoadPosition(road, s, t)``, heading along the reference line."""
        road = self.road(road_id)
        xy = road.position(road_s, t)
        return Pose(float(xy[0]), float(xy[1]), float(road.heading(road_s)))

    def lane_direction(self, road_id: str, lane_id: int, road_s: float) -> int:
        """+1 if traffic on the lane follows the reference line, else -1."""
        return self.lane(road_id, lane_id, road_s)[0].direction

    def locate(self, pose: Pose) -> LaneSpot | None:
        """The driving lane under a point (preferring lanes along ``pose.h``), or None."""
        found = self.network.locate(pose.x, pose.y, pose.h)
        if found is None:
            return None
        lane = self.network.lanes[found.key]
        road = self.network.roads[found.key.road]
        road_s = float(lane.road_s(found.s))
        centre = float(road.lane_center_t(found.key.section, found.key.lane, np.asarray(road_s)))
        heading = float(np.asarray(lane.heading_at(np.array([found.s]))).ravel()[0])
        return LaneSpot(
            found.key,
            float(found.s),
            float(found.t),
            road_s,
            centre + lane.direction * float(found.t),
            lane.direction,
            heading,
        )

    # -- paths ---------------------------------------------------------------------------

    def lane_path(
        self, keys: list[LaneKey], start_s: float, end_s: float | None = None, offset: float = 0.0
    ) -> Path:
        """The line ``offset`` to the left of the lane centres through ``keys``, from ``start_s``.

        Neighbouring lanes in ``keys`` (a lane change of a route) are joined
        straight; ``end_s`` (on the last lane) ends the path, default its end.
        """
        xs: list[np.ndarray] = []
        ys: list[np.ndarray] = []
        for index, key in enumerate(keys):
            lane = self.network.lanes[key]
            line = lane.centerline
            lo = start_s if index == 0 else 0.0
            hi = end_s if (index == len(keys) - 1 and end_s is not None) else line.s[-1]
            mask = (line.s >= lo - 1e-9) & (line.s <= hi + 1e-9)
            s = np.unique(np.concatenate(([lo, hi], line.s[mask])))
            points = np.asarray(lane.position(s, np.full(len(s), offset))).reshape(-1, 2)
            xs.append(points[:, 0])
            ys.append(points[:, 1])
        return Path(np.concatenate(xs), np.concatenate(ys))

    def forward_keys(self, key: LaneKey, length: float = PATH_AHEAD_M) -> list[LaneKey]:
        """Lanes ahead of ``key`` taking the straightest successor, about ``length`` m."""
        keys = [key]
        total = self.network.lanes[key].length
        while total < length:
            lane = self.network.lanes[keys[-1]]
            options = [k for k in lane.successors if k in self.network.lanes]
            if not options or options[0] in keys:
                break
            end_heading = lane.centerline.heading[-1]
            turns = [
                abs(_wrap(self.network.lanes[k].centerline.heading[0] - end_heading))
                for k in options
            ]
            keys.append(options[int(np.argmin(turns))])
            total += self.network.lanes[keys[-1]].length
        return keys

    def route_keys(self, spots: list[LaneSpot]) -> list[LaneKey]:
        """The lanes of the cheapest route through the lanes of ``spots``, in order."""
        keys = [spots[0].key]
        for spot in spots[1:]:
            keys.extend(self.network.route(keys[-1], spot.key)[1:])
        return keys


def _wrap(angle: float) -> float:
    return float((angle + np.pi) % (2 * np.pi) - np.pi)
