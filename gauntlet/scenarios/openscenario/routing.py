"""Routing actions: ``AssignRouteAction``, ``FollowTrajectoryAction`` and ``AcquirePositionAction``.

A trajectory with time stamps becomes Gauntlet's ``follow_trajectory`` as
written. A trajectory without (``TimeReference/None``) is driven at the
entity's own speed: for the ego, which the stack under test drives, it
becomes a route through the lanes the trajectory passes; for any other
entity the path is timed before the run from the entity's speed plan and
replayed (:func:`finish_paths`).

A trajectory without a start position (a clothoid spline whose first segment
has none) starts where the entity is when the action starts: in the Init
section that is its start pose; later, a ``follow_trajectory`` in the
``start_pose`` frame places it while the scenario runs.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Literal

import numpy as np

from gauntlet.scenarios import schema as sc
from gauntlet.scenarios.openscenario.context import Fired, Mover, Result, Segment
from gauntlet.scenarios.openscenario.lateral import require_lane_mover
from gauntlet.scenarios.openscenario.longitudinal import travel_path
from gauntlet.scenarios.openscenario.motion import timed_points
from gauntlet.scenarios.openscenario.nodes import Node
from gauntlet.scenarios.openscenario.roadmap import Path, Pose
from gauntlet.scenarios.openscenario.routes import Route, read_route
from gauntlet.scenarios.openscenario.trajectories import Shape
from gauntlet.scenarios.openscenario.triggers import ALWAYS, to_schema

if TYPE_CHECKING:
    from gauntlet.scenarios.openscenario.board import Board
    from gauntlet.scenarios.openscenario.context import ImportContext

#: Spacing of the route waypoints taken from an ego trajectory, m.
EGO_WAYPOINT_STEP_M = 10.0


def convert(kind: Node, actor: str, fired: Fired, board: Board) -> Result:
    """A ``RoutingAction``'s content while the scenario runs."""
    if kind.tag == "AssignRouteAction":
        require_lane_mover(kind, actor, board)
        route = read_route(kind.choice(("Route", "CatalogReference")), board.ctx.placer)
        waypoints = tuple(lane_point(board.ctx, pose, kind) for pose in route.poses)
        return Result([sc.FollowRouteAction(actor, waypoints)], 0.0)
    if kind.tag == "AcquirePositionAction":
        require_lane_mover(kind, actor, board)
        pose = board.ctx.placer.pose(kind.need("Position"))
        kind.note("the actor drives on along its lane after reaching the position")
        return Result([sc.FollowRouteAction(actor, (lane_point(board.ctx, pose, kind),))], 0.0)
    if kind.tag == "FollowTrajectoryAction":
        return follow_trajectory(kind, actor, fired, board.ctx)
    raise kind.unsupported()


def lane_point(ctx: ImportContext, pose: Pose, node: Node) -> sc.LanePosition:
    """The lane position under a point (route waypoints must lie on driving lanes)."""
    spot = ctx.roadmap.locate(pose)
    if spot is None:
        raise node.error(f"the position ({pose.x:.1f}, {pose.y:.1f}) is not on a driving lane")
    return sc.LanePosition(spot.key.road, spot.key.lane, max(spot.road_s, 0.0), spot.driver_offset)


def assign_route_at_start(kind: Node, mover: Mover, ctx: ImportContext) -> None:
    """An ``AssignRouteAction`` of the Init section: the entity's route."""
    route = read_route(kind.choice(("Route", "CatalogReference")), ctx.placer)
    mover.route, mover.route_keys = _route_ahead(route, mover, ctx, kind)


def _route_ahead(route: Route, mover: Mover, ctx: ImportContext, node: Node) -> tuple:
    """Waypoints and lanes of ``route`` from where the entity starts (those behind are dropped)."""
    spot = ctx.roadmap.locate(mover.start)
    keys = list(route.keys)
    if spot is None or spot.key not in keys:
        raise node.error(f"entity {mover.info.name!r} does not start on its route")
    first = keys.index(spot.key)
    waypoints = []
    for waypoint, pose in zip(route.waypoints, route.poses, strict=True):
        index = keys.index(waypoint.key)
        if index > first or (index == first and waypoint.lane_s > spot.lane_s):
            waypoints.append(lane_point(ctx, pose, node))
    return tuple(waypoints), tuple(keys[first:])


def _shape(kind: Node, ctx: ImportContext) -> Shape:
    # OpenSCENARIO 1.0 puts the Trajectory (or a CatalogReference) right inside the action.
    return ctx.placer.trajectory(kind.find("TrajectoryRef") or kind)


def trajectory_path(kind: Node, ctx: ImportContext) -> Path:
    """The path of a ``FollowTrajectoryAction``'s trajectory (reference-point poses)."""
    shape = _shape(kind, ctx)
    if shape.relative:
        raise kind.error(
            "a trajectory without a start position starts where the entity is, so it cannot "
            "give the entity's start position (add a TeleportAction)"
        )
    return shape.path


def follow_trajectory(
    kind: Node, actor: str, fired: Fired, ctx: ImportContext, at_start: bool = False
) -> Result:
    """A ``FollowTrajectoryAction`` (``at_start``: from the Init section)."""
    shape = _shape(kind, ctx)
    offset = kind.num("initialDistanceOffset", 0.0)
    timing = kind.need("TimeReference").choice(("None", "Timing"))
    mode = kind.find("TrajectoryFollowingMode")
    if mode is not None:
        mode.enum("followingMode", ("position", "follow"))
    mover = ctx.movers[actor]
    info = ctx.entities[actor]
    if shape.relative and at_start:
        shape = shape.placed(mover.start)
    if timing.tag == "Timing":
        if actor == ctx.ego:
            kind.note("the ego is moved along the timed trajectory, whatever the stack decides")
        return _timed(kind, timing, shape, actor, info.center, offset)
    path = shape.path
    if shape.relative and actor == ctx.ego:
        raise kind.error(
            "the ego's trajectory without time stamps needs a start position outside Init "
            "(its route is planned before the run)"
        )
    if actor == ctx.ego and at_start and _backs_along(path, offset, mover.start.h):
        # The ego reverses along the trajectory (NCAP CPRA): it keeps its heading and
        # backs up in its lane; a route would lead the other way.
        kind.note("the ego backs up along the trajectory, keeping its lane; no route is set")
        mover.path, mover.path_start_m = path, offset
        return Result([], None)
    if actor == ctx.ego:
        waypoints = _ego_route(kind, path, offset, ctx)
        if at_start:
            mover.path, mover.path_start_m = path, offset
            mover.route = waypoints
            return Result([], None)
        return Result([sc.FollowRouteAction(actor, waypoints)] if waypoints else [], None)
    if at_start:
        mover.kind = "path"
        mover.path, mover.path_start_m = path, offset
        return Result([], None)
    if fired.time_s is None or mover.dynamic_speed:
        raise kind.error(
            "a trajectory without time stamps needs a start time and speeds known before the run"
        )
    if mover.kind == "lane":
        # Until the switch it drives on along its lanes, replayed as well.
        mover.path, mover.path_start_m = travel_path(mover, ctx)
        mover.kind = "path"
    mover.segments.append(Segment(fired.time_s, path, offset, fired.event, shape.relative))
    return Result([], None)


def _backs_along(path: Path, offset: float, heading: float) -> bool:
    """Whether a trajectory runs against ``heading`` where it starts (driven in reverse)."""
    turn = path.at(offset).h - heading
    return abs((turn + np.pi) % (2 * np.pi) - np.pi) > np.pi / 2


def _timed(
    kind: Node, timing: Node, shape: Shape, actor: str, center: tuple[float, float], offset: float
) -> Result:
    if shape.t is None:
        raise timing.error("a Timing reference needs a time at every vertex")
    if offset:
        raise kind.unsupported("with initialDistanceOffset and time stamps")
    domain = timing.enum("domainAbsoluteRelative", ("absolute", "relative"))
    scale, shift = timing.num("scale", 1.0), timing.num("offset", 0.0)
    if scale <= 0:
        raise timing.error(f"scale must be > 0, got {scale}")
    points = []
    for x, y, h, t in zip(shape.x, shape.y, shape.h, shape.t, strict=True):
        pose = Pose(float(x), float(y), float(h)).moved(*center)
        points.append(sc.TrajectoryPoint(float(t * scale + shift), pose.x, pose.y, pose.h))
    frame = "world"
    if shape.relative:
        points, frame = _box_frame(points, center), "start_pose"
    action = sc.FollowTrajectoryAction(actor, tuple(points), domain, frame)  # type: ignore[arg-type]
    return Result([action], float(points[-1].t_s - points[0].t_s) if domain == "relative" else None)


def _box_frame(
    points: list[sc.TrajectoryPoint] | tuple[sc.TrajectoryPoint, ...], center: tuple[float, float]
) -> list[sc.TrajectoryPoint]:
    """Box-centre points of a path in the reference point's start frame, in the box's frame.

    The box centre starts at ``center`` in that frame (heading 0); Gauntlet places
    the points from the box centre's pose when the action starts.
    """
    return [replace(p, x_m=p.x_m - center[0], y_m=p.y_m - center[1]) for p in points]


def _ego_route(
    kind: Node, path: Path, offset: float, ctx: ImportContext
) -> tuple[sc.Position, ...]:
    """Waypoints on the (non-junction) lanes a trajectory passes, for the ego's route."""
    travel = np.arctan2(np.diff(path.y), np.diff(path.x))
    facing = np.cos(travel - path.h[:-1])
    if np.any(facing < -0.5):
        raise kind.error("the ego would drive this trajectory backwards; Gauntlet does not reverse")
    waypoints: list[sc.LanePosition] = []
    roads = ctx.roadmap.network.roads
    for s in np.arange(offset + EGO_WAYPOINT_STEP_M, path.length + 1e-9, EGO_WAYPOINT_STEP_M):
        pose = path.at(float(s))
        spot = ctx.roadmap.locate(pose)
        # Junction lanes overlap; the router finds the way through a junction by itself.
        if spot is None or roads[spot.key.road].junction is not None:
            continue
        if abs((pose.h - spot.lane_heading + np.pi) % (2 * np.pi) - np.pi) > 0.5:
            continue
        point = sc.LanePosition(
            spot.key.road, spot.key.lane, max(spot.road_s, 0.0), spot.driver_offset
        )
        if not waypoints or (waypoints[-1].road, waypoints[-1].lane) != (point.road, point.lane):
            waypoints.append(point)
    kind.note(
        "the ego, driven by the stack under test, gets a route through the lanes this "
        "trajectory passes instead of the exact path"
    )
    return tuple(waypoints)


def finish_paths(ctx: ImportContext) -> None:
    """Replay every path mover's path at its planned speed (Gauntlet ``follow_trajectory``)."""
    for name, mover in ctx.movers.items():
        if mover.deleted or mover.kind != "path" or mover.walker or name == ctx.ego:
            continue
        segments = list(mover.segments)
        if mover.path is not None or not segments or segments[0].t_from > 0:
            segments.insert(0, Segment(0.0, mover.travel_path(), mover.path_start_m))
        plan = mover.speed_plan()
        if mover.speed_mps == 0 and not plan.changes and len(segments) == 1:
            continue
        ends = [s.t_from for s in segments[1:]] + [ctx.horizon_s]
        for segment, end in zip(segments, ends, strict=True):
            points = timed_points(
                segment.path, segment.start_m, plan, segment.t_from, end, mover.info.center
            )
            if len(points) < 2:
                continue
            trigger = (
                to_schema(ALWAYS) if segment.event is None else sc.AfterEventTrigger(segment.event)
            )
            event = ctx.unique(f"path:{name}")
            frame: Literal["world", "start_pose"] = "world"
            if segment.relative:
                points, frame = tuple(_box_frame(points, mover.info.center)), "start_pose"
            action = sc.FollowTrajectoryAction(name, points, "absolute", frame)
            ctx.add_event(event, trigger, [action], None)
