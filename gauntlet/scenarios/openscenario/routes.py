"""Routes: waypoints to lane sequences, route positions and paths.

A route is planned through its waypoints on the lane graph of the map
(Gauntlet's cheapest route, which is what ``shortest`` and ``fastest`` ask
for on roads without speed differences). ``pathS`` of a route position is
measured along the road reference lines of the route's lanes, from the
first waypoint.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from gauntlet.maps.lanegraph import RoutingError
from gauntlet.maps.model import LaneKey
from gauntlet.scenarios.openscenario.nodes import Node
from gauntlet.scenarios.openscenario.roadmap import LaneSpot, Path, Pose, RoadMap

if TYPE_CHECKING:
    from gauntlet.scenarios.openscenario.positions import Placer

_STRATEGIES = ("shortest", "fastest", "leastIntersections", "random")


@dataclass(frozen=True)
class Route:
    """A planned route: its waypoints, lanes, and the path of its lane centre lines."""

    waypoints: tuple[LaneSpot, ...]
    poses: tuple[Pose, ...]
    keys: tuple[LaneKey, ...]
    roadmap: RoadMap

    def path(self) -> Path:
        """Lane centre lines from the first to the last waypoint."""
        return self.roadmap.lane_path(
            list(self.keys), self.waypoints[0].lane_s, self.waypoints[-1].lane_s
        )

    def at(self, path_s: float) -> tuple[LaneKey, float]:
        """The route lane and road coordinate ``pathS`` metres (along reference lines) in."""
        remaining = path_s
        network = self.roadmap.network
        for index, key in enumerate(self.keys):
            lane = network.lanes[key]
            start = self.waypoints[0].lane_s if index == 0 else 0.0
            road_a = float(lane.road_s(start))
            road_b = float(lane.road_s(lane.length))
            span = abs(road_b - road_a)
            if remaining <= span or index == len(self.keys) - 1:
                return key, road_a + np.sign(road_b - road_a) * remaining
            remaining -= span
        raise AssertionError("unreachable")


def read_route(node: Node, placer: Placer) -> Route:
    """A ``Route`` element, a ``CatalogReference`` to one, or a ``RouteRef`` holding either."""
    if node.tag == "RouteRef":
        node = node.choice(("Route", "CatalogReference"))
    if node.tag == "CatalogReference":
        node = placer.catalogs.resolve(node)
        if node.tag != "Route":
            raise node.error(f"catalog entry is a {node.tag}, expected a Route")
    if node.flag("closed", False):
        raise node.unsupported("(closed routes)")
    spots: list[LaneSpot] = []
    poses: list[Pose] = []
    for waypoint in node.children("Waypoint"):
        strategy = waypoint.enum("routeStrategy", _STRATEGIES, "shortest")
        if strategy == "random":
            waypoint.note("routeStrategy 'random' is planned as the shortest route")
        position = waypoint.need("Position")
        pose = placer.pose(position)
        spot = _spot(position, pose, placer.roadmap)
        if spot is None:
            raise waypoint.error("route waypoints must lie on a driving lane")
        spots.append(spot)
        poses.append(pose)
    if len(spots) < 2:
        raise node.error(f"a route needs at least two waypoints, got {len(spots)}")
    try:
        keys = placer.roadmap.route_keys(spots)
    except RoutingError as exc:
        raise node.error(f"no route through the waypoints: {exc}") from None
    return Route(tuple(spots), tuple(poses), tuple(keys), placer.roadmap)


def _spot(position: Node, pose: Pose, roadmap: RoadMap) -> LaneSpot | None:
    """The lane of a waypoint: the named lane for a lane position, else the lane under it."""
    kind = position.choice()
    if kind.tag == "LanePosition":
        road, lane_id, road_s = kind.text("roadId"), kind.integer("laneId"), kind.num("s")
        lane, lane_s = roadmap.lane(road, lane_id, road_s)
        if lane.is_drivable:
            return LaneSpot(
                lane.key,
                lane_s,
                kind.num("offset", 0.0) * lane.direction,
                road_s,
                0.0,
                lane.direction,
                float(np.asarray(lane.heading_at(np.array([lane_s]))).ravel()[0]),
            )
    return roadmap.locate(pose)


def route_position(node: Node, placer: Placer) -> tuple[Pose, float]:
    """World pose of a ``RoutePosition`` and the route's heading there."""
    route = read_route(node.need("RouteRef"), placer)
    where = node.need("InRoutePosition").choice(
        ("FromLaneCoordinates", "FromRoadCoordinates", "FromCurrentEntity")
    )
    if where.tag == "FromCurrentEntity":
        raise where.unsupported("(positions along a route from an entity's current place)")
    key, road_s = route.at(where.num("pathS"))
    roadmap = placer.roadmap
    lane_heading = roadmap.lane_pose(key.road, key.lane, road_s, 0.0).h
    if where.tag == "FromRoadCoordinates":
        pose = roadmap.road_pose(key.road, road_s, where.num("t"))
        return Pose(pose.x, pose.y, lane_heading), lane_heading
    lane_id = where.integer("laneId")
    try:
        pose = roadmap.lane_pose(key.road, lane_id, road_s, where.num("laneOffset", 0.0))
    except KeyError as exc:
        raise where.error(str(exc.args[0])) from None
    return pose, pose.h
