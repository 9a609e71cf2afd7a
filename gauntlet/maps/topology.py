"""Lane connectivity: driving directions, successors and neighbours, from the road model.

Connections are collected as undirected links between *lane ends* (a lane's end at
the low-``s`` or high-``s`` side of its section), from every place OpenDRIVE records
them: lane links between consecutive sections, lane links across road-to-road links
(declared on either road), and junction lane links. A link becomes a successor edge
when it leads from the end where a lane's traffic leaves to the end where the other
lane's traffic enters; links that would join opposing traffic are dropped.

Between consecutive sections of one road, a lane that declares no link and is not
named by any lane of the neighbouring section continues into the lane with the same
id there, if that lane declares no link either.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from gauntlet.maps.model import DRIVABLE_LANE_TYPES, Junction, LaneKey
from gauntlet.maps.road import Road

#: A lane end: the lane and whether it is the end at the section's high-s side.
LaneEnd = tuple[LaneKey, bool]


@dataclass(frozen=True)
class LaneTopology:
    """Connectivity of every lane of a network, in driving direction."""

    directions: Mapping[LaneKey, int]
    successors: Mapping[LaneKey, tuple[LaneKey, ...]]
    predecessors: Mapping[LaneKey, tuple[LaneKey, ...]]
    left: Mapping[LaneKey, LaneKey | None]
    right: Mapping[LaneKey, LaneKey | None]


def _road_end(road: Road, contact: str) -> tuple[int, bool]:
    """Section index and lane-end side of a road's ``"start"`` or ``"end"``."""
    if contact == "start":
        return 0, False
    return len(road.lane_sections) - 1, True


def _end_point(road: Road, contact: str) -> np.ndarray:
    return road.position(0.0 if contact == "start" else road.length)


def _nearest_contact(road: Road, point: np.ndarray) -> str:
    d_start = np.hypot(*(_end_point(road, "start") - point))
    d_end = np.hypot(*(_end_point(road, "end") - point))
    return "start" if d_start <= d_end else "end"


class _LinkCollector:
    def __init__(self, roads: Mapping[str, Road]) -> None:
        self.roads = roads
        self.links: set[tuple[LaneEnd, LaneEnd]] = set()

    def add(self, a: LaneEnd, b: LaneEnd) -> None:
        for key, _ in (a, b):
            road = self.roads.get(key.road)
            if road is None or not road.lane_sections[key.section].has_lane(key.lane):
                return  # links to lanes that do not exist are ignored
        self.links.add((a, b) if a <= b else (b, a))

    def within_roads(self) -> None:
        for road in self.roads.values():
            for index in range(len(road.lane_sections) - 1):
                here, there = road.lane_sections[index], road.lane_sections[index + 1]
                named_back = {p for lane in there.lanes for p in lane.predecessors}
                named_forward = {s for lane in here.lanes for s in lane.successors}
                for lane in here.lanes:
                    for succ in lane.successors:
                        self.add(
                            (LaneKey(road.id, index, lane.id), True),
                            (LaneKey(road.id, index + 1, succ), False),
                        )
                for lane in there.lanes:
                    for pred in lane.predecessors:
                        self.add(
                            (LaneKey(road.id, index + 1, lane.id), False),
                            (LaneKey(road.id, index, pred), True),
                        )
                for lane in here.lanes:
                    if lane.successors or lane.id in named_back or not there.has_lane(lane.id):
                        continue
                    other = there.lane(lane.id)
                    if other.predecessors or other.id in named_forward:
                        continue
                    self.add(
                        (LaneKey(road.id, index, lane.id), True),
                        (LaneKey(road.id, index + 1, lane.id), False),
                    )

    def road_links(self) -> None:
        for road in self.roads.values():
            for contact_here, link in (("start", road.predecessor), ("end", road.successor)):
                if link is None or link.element_type != "road":
                    continue
                other = self.roads.get(link.element_id)
                if other is None:
                    continue
                contact_there = link.contact_point or _nearest_contact(
                    other, _end_point(road, contact_here)
                )
                section_here, side_here = _road_end(road, contact_here)
                section_there, side_there = _road_end(other, contact_there)
                for lane in road.lane_sections[section_here].lanes:
                    ids = lane.predecessors if contact_here == "start" else lane.successors
                    for other_id in ids:
                        self.add(
                            (LaneKey(road.id, section_here, lane.id), side_here),
                            (LaneKey(other.id, section_there, other_id), side_there),
                        )

    def junction_links(self, junctions: Mapping[str, Junction]) -> None:
        for junction in junctions.values():
            for connection in junction.connections:
                incoming = self.roads.get(connection.incoming_road)
                connecting = self.roads.get(connection.connecting_road)
                if incoming is None or connecting is None:
                    continue
                section_c, side_c = _road_end(connecting, connection.contact_point)
                contact_i = _incoming_contact(
                    incoming, junction.id, connecting, connection.contact_point
                )
                section_i, side_i = _road_end(incoming, contact_i)
                for from_id, to_id in connection.lane_links:
                    self.add(
                        (LaneKey(incoming.id, section_i, from_id), side_i),
                        (LaneKey(connecting.id, section_c, to_id), side_c),
                    )


def _incoming_contact(incoming: Road, junction_id: str, connecting: Road, contact: str) -> str:
    """Which end of an incoming road touches the junction."""
    ends = [
        name
        for name, link in (("start", incoming.predecessor), ("end", incoming.successor))
        if link is not None and link.element_type == "junction" and link.element_id == junction_id
    ]
    if len(ends) == 1:
        return ends[0]
    return _nearest_contact(incoming, _end_point(connecting, contact))


def _side_neighbour(lane_id: int, toward_positive_t: bool) -> int:
    step = 1 if toward_positive_t else -1
    neighbour = lane_id + step
    return neighbour + step if neighbour == 0 else neighbour


def build_topology(roads: Mapping[str, Road], junctions: Mapping[str, Junction]) -> LaneTopology:
    """Computes directions, successors, predecessors and neighbours of every lane.

    Args:
        roads: Roads by id.
        junctions: Junctions by id.

    Returns:
        The lane topology.
    """
    directions: dict[LaneKey, int] = {}
    types: dict[LaneKey, str] = {}
    for road in roads.values():
        for index, section in enumerate(road.lane_sections):
            for lane in section.lanes:
                key = LaneKey(road.id, index, lane.id)
                directions[key] = road.lane_direction(lane)
                types[key] = lane.type

    collector = _LinkCollector(roads)
    collector.within_roads()
    collector.road_links()
    collector.junction_links(junctions)
    touching: dict[LaneEnd, set[LaneEnd]] = defaultdict(set)
    for a, b in collector.links:
        touching[a].add(b)
        touching[b].add(a)

    successors: dict[LaneKey, set[LaneKey]] = {key: set() for key in directions}
    predecessors: dict[LaneKey, set[LaneKey]] = {key: set() for key in directions}
    for key, direction in directions.items():
        exit_end = (key, direction > 0)
        for other, side in touching.get(exit_end, ()):
            entry_side = directions[other] < 0
            if side == entry_side and other != key:
                successors[key].add(other)
                predecessors[other].add(key)

    left: dict[LaneKey, LaneKey | None] = {}
    right: dict[LaneKey, LaneKey | None] = {}
    for key, direction in directions.items():
        for result, to_left in ((left, True), (right, False)):
            # The driver's left is +t when driving along the reference line.
            neighbour = LaneKey(
                key.road, key.section, _side_neighbour(key.lane, to_left == (direction > 0))
            )
            compatible = (
                neighbour in directions
                and directions[neighbour] == direction
                and (
                    types[neighbour] == types[key]
                    or (
                        types[neighbour] in DRIVABLE_LANE_TYPES
                        and types[key] in DRIVABLE_LANE_TYPES
                    )
                )
            )
            result[key] = neighbour if compatible else None

    return LaneTopology(
        directions=directions,
        successors={key: tuple(sorted(value)) for key, value in successors.items()},
        predecessors={key: tuple(sorted(value)) for key, value in predecessors.items()},
        left=left,
        right=right,
    )
