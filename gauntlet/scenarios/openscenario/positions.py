"""OpenSCENARIO positions to world poses and to Gauntlet positions.

Two readings of the same ``Position`` element:

* :meth:`Placer.pose` resolves it at scenario start to the world pose of an
  entity's *reference point*; positions relative to an entity use that
  entity's start pose. Initial positions and the geometry of trajectories,
  routes and synchronisation targets are read this way.
* :meth:`Placer.runtime` keeps positions relative to an entity relative,
  as Gauntlet's ``relative_lane`` and ``relative_world`` kinds, for actions
  and conditions that are evaluated while the scenario runs.

Headings: a missing ``Orientation`` follows the reference (the lane's
driving direction, the road's reference line, the trajectory or the
reference entity); ``type="relative"`` (also when the type is missing) adds
to it; ``type="absolute"`` is a world heading.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from gauntlet.scenarios import schema as sc
from gauntlet.scenarios.openscenario.catalogs import Catalogs
from gauntlet.scenarios.openscenario.entities import EntityInfo
from gauntlet.scenarios.openscenario.nodes import Node
from gauntlet.scenarios.openscenario.parameters import declare
from gauntlet.scenarios.openscenario.roadmap import LaneSpot, Pose, RoadMap
from gauntlet.scenarios.openscenario.routes import route_position
from gauntlet.scenarios.openscenario.trajectories import Shape, read_shape

POSITION_TYPES = (
    "WorldPosition",
    "RelativeWorldPosition",
    "RelativeObjectPosition",
    "RoadPosition",
    "RelativeRoadPosition",
    "LanePosition",
    "RelativeLanePosition",
    "RoutePosition",
    "TrajectoryPosition",
)
#: Entity types placed on lanes (and driven along them) when their start pose is on one.
LANE_TYPES = frozenset({"car", "truck", "bus", "motorcycle", "bicycle"})


class Placer:
    """Reads positions against the road map and the entities' start poses."""

    def __init__(
        self,
        roadmap: RoadMap,
        catalogs: Catalogs,
        entities: dict[str, EntityInfo],
        start_pose: Callable[[str, Node], Pose] | None = None,
    ) -> None:
        self.roadmap = roadmap
        self.catalogs = catalogs
        self.entities = entities
        #: The start pose of an entity by name (set once the Init section is read).
        self.start_pose = start_pose

    # -- start-time poses --------------------------------------------------------------------

    def pose(self, position: Node) -> Pose:
        """World pose of a ``Position`` element's reference point at scenario start."""
        kind = position.choice(POSITION_TYPES)
        try:
            return getattr(self, f"_{kind.tag}")(kind)
        except KeyError as exc:
            raise kind.error(str(exc.args[0])) from None

    def _WorldPosition(self, node: Node) -> Pose:
        return Pose(node.num("x"), node.num("y"), node.num("h", 0.0))

    def _RelativeWorldPosition(self, node: Node) -> Pose:
        ref = self._reference(node)
        return _orient(node, Pose(ref.x + node.num("dx"), ref.y + node.num("dy"), ref.h), ref.h)

    def _RelativeObjectPosition(self, node: Node) -> Pose:
        ref = self._reference(node)
        return _orient(node, ref.moved(node.num("dx"), node.num("dy")), ref.h)

    def _RoadPosition(self, node: Node) -> Pose:
        pose = self.roadmap.road_pose(node.text("roadId"), node.num("s"), node.num("t"))
        return _orient(node, pose, pose.h)

    def _RelativeRoadPosition(self, node: Node) -> Pose:
        spot = self._reference_spot(node)
        road = spot.key.road
        pose = self.roadmap.road_pose(
            road, spot.road_s + node.num("ds"), spot.road_t + node.num("dt")
        )
        return _orient(node, pose, pose.h)

    def _LanePosition(self, node: Node) -> Pose:
        road, lane, s = node.text("roadId"), node.integer("laneId"), node.num("s")
        pose = self.roadmap.lane_pose(road, lane, s, node.num("offset", 0.0))
        return _orient(node, pose, pose.h)

    def _RelativeLanePosition(self, node: Node) -> Pose:
        spot = self._reference_spot(node)
        lane = _shift_lane(spot.key.lane, node.integer("dLane"))
        if node.has("dsLane"):
            if node.has("ds"):
                raise node.error("give ds or dsLane, not both")
            lane_s = spot.lane_s + node.num("dsLane")
            road_s = float(self.roadmap.network.lanes[spot.key].road_s(lane_s))
        else:
            road_s = spot.road_s + node.num("ds", 0.0)
        pose = self.roadmap.lane_pose(spot.key.road, lane, road_s, node.num("offset", 0.0))
        return _orient(node, pose, pose.h)

    def _RoutePosition(self, node: Node) -> Pose:
        pose, reference_heading = route_position(node, self)
        return _orient(node, pose, reference_heading)

    def _TrajectoryPosition(self, node: Node) -> Pose:
        shape = self.trajectory(node.need("TrajectoryRef"))
        if shape.relative:
            raise node.error("the trajectory has no start position, so it has no fixed points")
        path = shape.path
        pose = path.at(node.num("s"), node.num("t", 0.0))
        return _orient(node, pose, pose.h)

    def _reference(self, node: Node) -> Pose:
        name = node.text("entityRef")
        if name not in self.entities:
            raise node.error(f"unknown entity {name!r}")
        if self.start_pose is None:
            raise node.error("a position relative to an entity is not allowed here")
        return self.start_pose(name, node)

    def _reference_spot(self, node: Node) -> LaneSpot:
        ref = self._reference(node)
        spot = self.roadmap.locate(ref)
        if spot is None:
            raise node.error(f"entity {node.text('entityRef')!r} does not start on a driving lane")
        return spot

    # -- trajectories ------------------------------------------------------------------------

    def trajectory(self, ref: Node) -> Shape:
        """The shape of the ``Trajectory`` or ``CatalogReference`` inside ``ref``."""
        body = next(
            (c for c in ref.children() if c.tag in ("Trajectory", "CatalogReference")), None
        )
        if body is None:
            raise ref.error("expected a Trajectory or a CatalogReference to one")
        if body.tag == "CatalogReference":
            body = self.catalogs.resolve(body)
            if body.tag != "Trajectory":
                raise ref.error(f"catalog entry is a {body.tag}, expected a Trajectory")
        else:
            declarations = body.find("ParameterDeclarations")
            if declarations is not None:
                scope = declare(body.sources.error, declarations.element, body.scope)
                body = body.at(body.element, scope)
        if body.flag("closed", False):
            raise body.unsupported("(closed trajectories)")
        return read_shape(body.need("Shape"), self.pose)

    # -- Gauntlet positions --------------------------------------------------------------------

    def start_position(self, pose: Pose, entity: EntityInfo) -> sc.Position:
        """Gauntlet position of an entity whose reference point is at ``pose``."""
        centre = pose.moved(*entity.center)
        if entity.type in LANE_TYPES:
            spot = self.roadmap.locate(centre)
            if spot is not None and abs(_wrap(centre.h - spot.lane_heading)) <= math.pi / 2:
                return sc.LanePosition(
                    road=spot.key.road,
                    lane=spot.key.lane,
                    s_m=max(spot.road_s, 0.0),
                    offset_m=spot.driver_offset,
                    heading_rad=_wrap(centre.h - spot.lane_heading),
                )
        return sc.WorldPosition(x_m=centre.x, y_m=centre.y, heading_rad=_wrap(centre.h))

    def point(self, pose: Pose) -> sc.Position:
        """Gauntlet position of a point (a condition's target), as a world position."""
        return sc.WorldPosition(x_m=pose.x, y_m=pose.y, heading_rad=_wrap(pose.h))

    def runtime(self, position: Node, entity: EntityInfo | None) -> sc.Position:
        """A position evaluated when an action runs; ``entity`` is the one placed there.

        Positions relative to an entity stay relative (to where it is then);
        the others are resolved now. Without ``entity`` the position is a
        point (a condition's target).
        """
        kind = position.choice(POSITION_TYPES)
        center = entity.center if entity is not None else (0.0, 0.0)
        if kind.tag == "RelativeObjectPosition":
            ref = self._reference_info(kind)
            dh = _relative_heading(kind)
            c, s = math.cos(dh), math.sin(dh)
            dx = kind.num("dx") - ref.center[0] + c * center[0] - s * center[1]
            dy = kind.num("dy") - ref.center[1] + s * center[0] + c * center[1]
            return sc.RelativeWorldPosition(ref.name, dx, dy, dh, "entity")
        if kind.tag == "RelativeLanePosition":
            ref = self._reference_info(kind)
            if kind.find("Orientation") is not None:
                raise kind.unsupported("with an Orientation while the scenario runs")
            spot = self._reference_spot(kind)
            ds = kind.num("dsLane") if kind.has("dsLane") else kind.num("ds", 0.0) * spot.direction
            return sc.RelativeLanePosition(
                entity=ref.name,
                ds_m=ds - ref.center[0] + center[0],
                lanes=kind.integer("dLane") * spot.direction,
                offset_m=kind.num("offset", 0.0) * spot.direction,
            )
        if kind.tag in ("RelativeWorldPosition", "RelativeRoadPosition"):
            raise kind.unsupported(
                "while the scenario runs (only at the start); use RelativeObjectPosition "
                "or RelativeLanePosition"
            )
        pose = self.pose(position)
        if entity is None:
            return self.point(pose)
        return self.start_position(pose, entity)

    def _reference_info(self, node: Node) -> EntityInfo:
        name = node.text("entityRef")
        if name not in self.entities:
            raise node.error(f"unknown entity {name!r}")
        return self.entities[name]


def _orient(node: Node, pose: Pose, reference_heading: float) -> Pose:
    orientation = node.find("Orientation")
    if orientation is None:
        return pose
    h = orientation.num("h", 0.0)
    kind = orientation.enum("type", ("relative", "absolute"), "relative")
    for angle in ("p", "r"):
        if orientation.num(angle, 0.0) != 0.0:
            orientation.note(f"{angle} (pitch/roll) is ignored; Gauntlet takes them from the road")
    return Pose(pose.x, pose.y, h if kind == "absolute" else reference_heading + h)


def _relative_heading(node: Node) -> float:
    orientation = node.find("Orientation")
    if orientation is None:
        return 0.0
    if orientation.enum("type", ("relative", "absolute"), "relative") == "absolute":
        raise orientation.unsupported("(absolute orientation of a relative position at run time)")
    return orientation.num("h", 0.0)


def _shift_lane(lane: int, d_lane: int) -> int:
    """The lane ``d_lane`` ids from ``lane``, skipping the centre lane 0."""
    target = lane + d_lane
    if lane < 0 <= target or target <= 0 < lane:
        target += 1 if d_lane > 0 else -1
    return target


def _wrap(angle: float) -> float:
    return float((angle + math.pi) % (2 * math.pi) - math.pi)
