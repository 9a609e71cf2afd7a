"""The road network: roads, junctions and signals, with lane-level queries and routing."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from typing import Protocol, TypeVar

import numpy as np
from scipy.spatial import cKDTree

from gauntlet.maps._numeric import wrap_angle
from gauntlet.maps.lane_frame import LaneFrame
from gauntlet.maps.lanegraph import DEFAULT_LANE_CHANGE_COST_M, LaneGraph
from gauntlet.maps.lanes import Lane, LanePosition
from gauntlet.maps.model import Header, Junction, LaneDef, LaneKey, Signal
from gauntlet.maps.raster import DEFAULT_RESOLUTION_M, DrivableRaster
from gauntlet.maps.road import Road
from gauntlet.maps.topology import build_topology

#: Among lanes that contain a point, those whose heading is this close to the best
#: match (rad) count as matching; the one nearest its centre wins.
_HEADING_TIE_RAD = 0.2
_CONTAINS_TOL_M = 1e-6


class RoadNetwork:
    """A road network and its lanes.

    Args:
        roads: The roads.
        junctions: The junctions.
        header: File identification (kept for writing).
        raster_resolution_m: Cell size of the drivable-area raster used by
            :meth:`on_drivable`.
        lane_change_cost_m: Routing cost of one lane change, m.

    Raises:
        ValueError: If ids repeat or a link names a road or junction that does not exist.
    """

    def __init__(
        self,
        roads: Iterable[Road],
        junctions: Iterable[Junction] = (),
        *,
        header: Header | None = None,
        raster_resolution_m: float = DEFAULT_RESOLUTION_M,
        lane_change_cost_m: float = DEFAULT_LANE_CHANGE_COST_M,
    ) -> None:
        self.header = header or Header()
        self.roads: dict[str, Road] = _unique_by_id(roads, "road")
        self.junctions: dict[str, Junction] = _unique_by_id(junctions, "junction")
        self._check_references()
        topology = build_topology(self.roads, self.junctions)
        self.lanes: dict[LaneKey, Lane] = {}
        for key in sorted(topology.directions):
            road = self.roads[key.road]
            lane_def = road.lane_def(key.section, key.lane)
            frame = LaneFrame(road, key.section, key.lane, topology.directions[key])
            self.lanes[key] = Lane.build(
                frame,
                key=key,
                type=lane_def.type,
                speed_limit_mps=_speed_limit(road, key.section, lane_def),
                successors=topology.successors[key],
                predecessors=topology.predecessors[key],
                left=topology.left[key],
                right=topology.right[key],
            )
        signals = [self._resolve_signal(s) for road in self.roads.values() for s in road.signals]
        self.signals: dict[str, Signal] = _unique_by_id(signals, "signal")
        self._raster = DrivableRaster(
            (lane.frame for lane in self.driving_lanes()), raster_resolution_m
        )
        self.graph = LaneGraph(self.lanes, lane_change_cost_m)

    def __repr__(self) -> str:
        return (
            f"RoadNetwork({len(self.roads)} roads, {len(self.junctions)} junctions, "
            f"{len(self.lanes)} lanes, {len(self.signals)} signals)"
        )

    # -- construction helpers --------------------------------------------------------------

    def _check_references(self) -> None:
        for road in self.roads.values():
            if road.junction is not None and road.junction not in self.junctions:
                raise ValueError(f"road {road.id!r} belongs to unknown junction {road.junction!r}")
            for name, link in (("predecessor", road.predecessor), ("successor", road.successor)):
                if link is None:
                    continue
                table = self.roads if link.element_type == "road" else self.junctions
                if link.element_id not in table:
                    raise ValueError(
                        f"road {road.id!r} {name} refers to unknown {link.element_type} "
                        f"{link.element_id!r}"
                    )
            for signal in road.signals:
                if signal.road != road.id:
                    raise ValueError(
                        f"signal {signal.id!r} on road {road.id!r} names road {signal.road!r}"
                    )
        for junction in self.junctions.values():
            for connection in junction.connections:
                for role in ("incoming_road", "connecting_road"):
                    road_id = getattr(connection, role)
                    if road_id not in self.roads:
                        raise ValueError(
                            f"junction {junction.id!r} connection {connection.id!r}: "
                            f"{role} {road_id!r} does not exist"
                        )

    def _resolve_signal(self, signal: Signal) -> Signal:
        road = self.roads[signal.road]
        section_index = road.section_index_at(signal.s)
        section = road.lane_sections[section_index]
        keys = [LaneKey(road.id, section_index, lane.id) for lane in section.lanes]
        if signal.validity:
            valid = {
                lane_id
                for first, last in signal.validity
                for lane_id in range(min(first, last), max(first, last) + 1)
            }
            keys = [key for key in keys if key.lane in valid]
        else:
            wanted = {"+": (1,), "-": (-1,), "none": (1, -1)}[signal.orientation]
            keys = [key for key in keys if self.lanes[key].direction in wanted]
        stops = tuple(
            (key, float(self.lanes[key].s_at_road_s(signal.s)))
            for key in sorted(keys, key=lambda k: abs(k.lane))
            if self.lanes[key].is_drivable
        )
        return replace(signal, stop_positions=stops)

    # -- lanes -------------------------------------------------------------------------------

    def lane(self, key: LaneKey) -> Lane:
        """The lane ``key``; raises ``KeyError`` naming it if it does not exist."""
        try:
            return self.lanes[key]
        except KeyError:
            raise KeyError(f"no lane {key} in this network") from None

    def driving_lanes(self) -> list[Lane]:
        """Lanes that vehicles drive on (see ``DRIVABLE_LANE_TYPES``), ordered by key."""
        return [lane for lane in self.lanes.values() if lane.is_drivable]

    def lane_at(self, road: str, lane: int, s_road: float) -> tuple[LaneKey, float]:
        """Converts a lane given in road coordinates to the lane frame.

        Args:
            road: Road id.
            lane: OpenDRIVE lane id.
            s_road: Road coordinate ``s``, m.

        Returns:
            The lane's key (section found from ``s_road``) and its lane-frame ``s``.

        Raises:
            KeyError: If the road does not exist or has no such lane at ``s_road``.
        """
        if road not in self.roads:
            raise KeyError(f"no road {road!r} in this network")
        the_road = self.roads[road]
        section = the_road.section_index_at(s_road)
        key = LaneKey(road, section, lane)
        if key not in self.lanes and section > 0 and s_road <= the_road.lane_sections[section].s:
            key = LaneKey(road, section - 1, lane)
        if key not in self.lanes:
            raise KeyError(f"road {road!r} has no lane {lane} at s={s_road}")
        return key, float(self.lanes[key].s_at_road_s(s_road))

    @cached_property
    def _locate_index(self) -> tuple[cKDTree, np.ndarray, list[Lane], float]:
        lanes = self.driving_lanes()
        points = [lane.centerline.points for lane in lanes]
        owners = np.concatenate([np.full(len(p), i) for i, p in enumerate(points)])
        half_width = max((float(np.max(lane.centerline.width)) / 2 for lane in lanes), default=0.0)
        tree = cKDTree(np.concatenate(points)) if points else cKDTree(np.zeros((1, 2)))
        return tree, owners, lanes, half_width + 1.0

    def locate(self, x: float, y: float, heading: float | None = None) -> LanePosition | None:
        """The drivable lane under a point, in lane coordinates.

        Among the drivable lanes whose surface contains the point, the one nearest its
        centre wins; with ``heading`` (rad) only lanes whose heading is within 0.2 rad
        of the best-matching lane's are considered.

        Returns:
            The lane position, or ``None`` if no drivable lane contains the point.
        """
        tree, owners, lanes, radius = self._locate_index
        if not lanes:
            return None
        hits = tree.query_ball_point([float(x), float(y)], r=radius)
        found: list[tuple[float, float, LanePosition]] = []
        for index in np.unique(owners[hits]) if hits else ():
            lane = lanes[int(index)]
            s, t = (float(v) for v in lane.local_coordinates(x, y))
            if not -_CONTAINS_TOL_M <= s <= lane.length + _CONTAINS_TOL_M:
                continue
            if abs(t) > 0.5 * float(lane.width_at(s)) + _CONTAINS_TOL_M:
                continue
            mismatch = 0.0
            if heading is not None:
                mismatch = abs(float(wrap_angle(heading - lane.heading_at(s))))
            found.append((mismatch, abs(t), LanePosition(lane.key, s, t)))
        if not found:
            return None
        best_mismatch = min(item[0] for item in found)
        matching = [item for item in found if item[0] <= best_mismatch + _HEADING_TIE_RAD]
        return min(matching, key=lambda item: (item[1], item[2].key))[2]

    def on_drivable(self, x: np.ndarray | float, y: np.ndarray | float) -> np.ndarray:
        """Whether each point lies on the drivable area (driving-type lanes of all roads,
        junction connecting roads included), to the raster's resolution (0.25 m)."""
        return self._raster.contains(x, y)

    @cached_property
    def _bounds(self) -> tuple[float, float, float, float]:
        if self.lanes:
            rings = [lane.frame.outline() for lane in self.lanes.values()]
            xs = np.concatenate([x for x, _ in rings])
            ys = np.concatenate([y for _, y in rings])
        else:
            points = np.concatenate(
                [road.position(np.linspace(0.0, road.length, 65)) for road in self.roads.values()]
            )
            xs, ys = points[:, 0], points[:, 1]
        return float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())

    def bounds(self) -> tuple[float, float, float, float]:
        """``(x_min, y_min, x_max, y_max)`` of all lanes' surfaces, m."""
        return self._bounds

    # -- routing -----------------------------------------------------------------------------

    def route(self, start: LaneKey, goal: LaneKey) -> list[LaneKey]:
        """The cheapest lane sequence from ``start`` to ``goal``; see :class:`LaneGraph`.

        Raises:
            RoutingError: If ``goal`` cannot be reached from ``start``.
        """
        return self.graph.route(start, goal)

    # -- OpenDRIVE -----------------------------------------------------------------------------

    @classmethod
    def from_opendrive(cls, source: str | os.PathLike[str], **kwargs: float) -> RoadNetwork:
        """Reads an OpenDRIVE (1.4-1.8) file, or XML text starting with ``<``.

        Raises:
            OpenDriveError: If the file is malformed; the message names file, line,
                element and attribute.
        """
        from gauntlet.maps.opendrive import read_opendrive

        document = read_opendrive(source)
        return cls(document.roads, document.junctions, header=document.header, **kwargs)

    def to_opendrive_string(self) -> str:
        """The network as OpenDRIVE 1.8 XML text."""
        from gauntlet.maps.opendrive_writer import write_opendrive_string

        return write_opendrive_string(self.roads.values(), self.junctions.values(), self.header)

    def to_opendrive(self, path: str | os.PathLike[str]) -> None:
        """Writes the network as an OpenDRIVE 1.8 file."""
        Path(path).write_text(self.to_opendrive_string(), encoding="utf-8")


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


_Item = TypeVar("_Item", bound=_HasId)


def _unique_by_id(items: Iterable[_Item], kind: str) -> dict[str, _Item]:
    table: dict[str, _Item] = {}
    for item in items:
        if item.id in table:
            raise ValueError(f"duplicate {kind} id {item.id!r}")
        table[item.id] = item
    return table


def _speed_limit(road: Road, section: int, lane: LaneDef) -> float | None:
    if lane.speeds:
        return min(lane.speeds, key=lambda record: record.s_offset).max_mps
    return road.speed_limit_at(road.lane_sections[section].s)


__all__ = ["LaneKey", "LanePosition", "RoadNetwork"]
