"""Longitudinal actions: speed changes, longitudinal distances and synchronisation.

Speed changes with a start time known before the run also enter the actor's
:class:`~.motion.SpeedPlan`; the plans time the paths of path movers and
predict where a synchronisation master will be. A synchronisation is
computed before the run from the master's plan: the actor's speed changes
are placed so that it reaches its target when the master reaches its own,
as long as the master moves as planned (an ego under a stack that brakes
does not; see docs/openscenario.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from gauntlet.scenarios import schema as sc
from gauntlet.scenarios.openscenario.context import Fired, ImportContext, Mover, Result
from gauntlet.scenarios.openscenario.motion import SpeedChange, SpeedPlan
from gauntlet.scenarios.openscenario.motion import synchronise as plan_sync
from gauntlet.scenarios.openscenario.nodes import Node
from gauntlet.scenarios.openscenario.roadmap import Path

if TYPE_CHECKING:
    from gauntlet.scenarios.openscenario.board import Board

_SHAPES = ("step", "linear", "cubic", "sinusoidal")


def convert(kind: Node, actor: str, fired: Fired, board: Board) -> Result:
    """A ``LongitudinalAction``'s content."""
    if kind.tag == "SpeedAction":
        return speed(kind, actor, fired, board)
    if kind.tag == "LongitudinalDistanceAction":
        return _distance(kind, actor, fired, board)
    raise kind.unsupported()


def speed_of(node: Node, name: str, time_s: float | None, board: Board) -> float:
    """An entity's speed at ``time_s`` if known before the run; an error at ``node`` if not."""
    constant = board.constant_speed(name)
    if constant is not None:
        return constant
    mover = board.ctx.movers[name]
    if time_s is not None and not mover.dynamic_speed:
        if name == board.ctx.ego:
            node.note(
                f"uses the ego's planned speed at {time_s:.2f} s; the stack may drive otherwise"
            )
        return mover.speed_plan().speed_at(time_s)
    raise node.error(
        f"needs the speed of {name!r} when the action starts, which depends on the run "
        "(its speed changes on conditions)"
    )


def speed(kind: Node, actor: str, fired: Fired, board: Board) -> Result:
    """A ``SpeedAction``."""
    dynamics = kind.need("SpeedActionDynamics")
    shape = dynamics.enum("dynamicsShape", _SHAPES)
    dimension = dynamics.enum("dynamicsDimension", ("time", "distance", "rate"))
    value = dynamics.num("value")
    target_node = kind.need("SpeedActionTarget").choice(
        ("AbsoluteTargetSpeed", "RelativeTargetSpeed")
    )
    if target_node.tag == "AbsoluteTargetSpeed":
        target = target_node.num("value")
    else:
        if target_node.flag("continuous", False):
            raise target_node.unsupported("with continuous='true' (Gauntlet cannot track a speed)")
        ref = target_node.text("entityRef")
        board.check_entity(target_node, ref)
        base = speed_of(target_node, ref, fired.time_s, board)
        how = target_node.enum("speedTargetValueType", ("delta", "factor"))
        target = (
            base + target_node.num("value") if how == "delta" else base * target_node.num("value")
        )
    if shape != "step" and value <= 0:
        shape = "step"
    mover = board.ctx.movers[actor]
    if mover.kind == "path" and (mover.walker or fired.time_s is None):
        return _walk(kind, actor, target, shape, dimension, value, board)
    time = None if mover.dynamic_speed else fired.time_s
    start_speed = mover.speed_plan().speed_at(time) if time is not None else None
    duration = _duration(shape, dimension, value, start_speed, target)
    if mover.kind == "path" and (time is None or duration is None):
        raise kind.error(
            f"the speed of {actor!r}, which follows a path computed before the run, can only "
            "change at a time known before the run"
        )
    if time is not None and duration is not None:
        mover.speed_plan().changes.append(SpeedChange(time, target, shape, duration))
    else:
        mover.dynamic_speed.append(kind)
    if mover.kind == "path":
        return Result([], duration)
    if shape == "step":
        return Result([sc.SpeedAction(actor, target, "step")], 0.0)
    keyword = {"time": "duration_s", "rate": "rate_mps2", "distance": "distance_m"}[dimension]
    return Result([sc.SpeedAction(actor, target, shape, **{keyword: value})], duration)


def _walk(
    kind: Node, actor: str, target: float, shape: str, dimension: str, value: float, board: Board
) -> Result:
    """A speed change of a pedestrian on a condition: hand it to Gauntlet's walker model."""
    mover = board.ctx.movers[actor]
    if (
        mover.info.type != "pedestrian"
        or mover.segments
        or (not mover.walker and (mover.speed_mps > 0 or (mover.plan and mover.plan.changes)))
    ):
        raise kind.error(
            f"the speed of {actor!r}, which follows a path computed before the run, can only "
            "change at a time known before the run (pedestrians that stand until the change "
            "are the exception)"
        )
    mover.walker = True
    mover.dynamic_speed.append(kind)
    if shape != "step":
        kind.note("the pedestrian changes to the target speed at once (Gauntlet's walker model)")
    if target <= 0:
        return Result([sc.AssignBehaviourAction(actor, sc.IdleBehaviour())], 0.0)
    path, start = travel_path(mover, board.ctx)
    ahead = [s for s in path.s if s > start + 1e-6] or [path.length]
    waypoints = []
    for s in ahead:
        pose = path.at(float(s)).moved(*mover.info.center)
        waypoints.append(sc.WorldPosition(pose.x, pose.y, 0.0, pose.h))
    walk = sc.WalkBehaviour(path=tuple(waypoints), speed_mps=target)
    duration = value if (shape != "step" and dimension == "time") else None
    return Result([sc.AssignBehaviourAction(actor, walk)], duration)


def _duration(
    shape: str, dimension: str, value: float, v0: float | None, target: float
) -> float | None:
    if shape == "step":
        return 0.0
    if dimension == "time":
        return value
    if v0 is None:
        return None
    if dimension == "rate":
        return abs(target - v0) / value
    return 2.0 * value / max(abs(v0 + target), 1e-6)


def _distance(kind: Node, actor: str, fired: Fired, board: Board) -> Result:
    from gauntlet.scenarios.openscenario.lateral import (
        lanes_between,
        require_lane_mover,
        start_spot,
    )

    if kind.flag("continuous"):
        return _keep_distance(kind, actor, fired, board)
    if kind.find("DynamicConstraints") is not None:
        raise kind.unsupported("with DynamicConstraints (only an immediate placement)")
    require_lane_mover(kind, actor, board)
    ref = kind.text("entityRef")
    board.check_entity(kind, ref)
    if kind.has("timeGap"):
        gap = kind.num("timeGap") * speed_of(kind, ref, fired.time_s, board)
    else:
        gap = kind.num("distance")
    side = kind.enum(
        "displacement", ("leadingReferencedEntity", "trailingReferencedEntity", "any"), "any"
    )
    own, other = start_spot(kind, actor, board), start_spot(kind, ref, board)
    if side == "any":
        ahead = (own.lane_s - other.lane_s) * (1 if own.key == other.key else 0) >= 0
        side = "leadingReferencedEntity" if ahead else "trailingReferencedEntity"
    me, it = board.ctx.entities[actor], board.ctx.entities[ref]
    sign = 1.0 if side == "leadingReferencedEntity" else -1.0
    if kind.flag("freespace"):
        ahead_m = sign * (gap + 0.5 * (me.dimensions.length_m + it.dimensions.length_m))
    else:
        ahead_m = sign * gap + me.center[0] - it.center[0]
    kind.note("placed at the distance at once (as a teleport), keeping its lane and lane offset")
    position = sc.RelativeLanePosition(
        entity=ref, ds_m=ahead_m, lanes=lanes_between(kind, other, own), offset_m=own.driver_offset
    )
    return Result([sc.TeleportAction(actor, position)], 0.0)


def _keep_distance(kind: Node, actor: str, fired: Fired, board: Board) -> Result:
    """A continuous ``LongitudinalDistanceAction``.

    A lane mover gets Gauntlet's ``keep_distance`` controller. A path mover
    keeping its distance to another path mover moves with it: it takes the
    reference's planned speed from the start of the action until one of its
    own speed changes overrides it (see :func:`resolve_keeps`).
    """
    ref = kind.text("entityRef")
    board.check_entity(kind, ref)
    if ref == actor:
        raise kind.error("an entity cannot keep a distance to itself")
    side = kind.enum(
        "displacement", ("leadingReferencedEntity", "trailingReferencedEntity", "any"), "any"
    )
    time_gap = kind.num("timeGap") if kind.has("timeGap") else None
    distance = None if time_gap is not None else kind.num("distance")
    constraints = kind.find("DynamicConstraints")
    mover = board.ctx.movers[actor]
    if mover.kind == "lane":
        if side == "any":
            from gauntlet.scenarios.openscenario.lateral import start_spot

            own, other = start_spot(kind, actor, board), start_spot(kind, ref, board)
            ahead = own.key == other.key and own.lane_s >= other.lane_s
            side = "leadingReferencedEntity" if ahead else "trailingReferencedEntity"
        limits = {}
        if constraints is not None:
            for key, name in (
                ("maxAcceleration", "max_accel_mps2"),
                ("maxDeceleration", "max_decel_mps2"),
                ("maxSpeed", "max_speed_mps"),
            ):
                if constraints.has(key):
                    limits[name] = constraints.num(key)
        else:
            kind.note("without DynamicConstraints the distance is kept within the vehicle's limits")
        action = sc.KeepDistanceAction(
            actor,
            ref,
            distance_m=distance,
            time_gap_s=time_gap,
            side="ahead" if side == "leadingReferencedEntity" else "behind",
            freespace=kind.flag("freespace"),
            **limits,
        )
        mover.dynamic_speed.append(kind)
        return Result([action], None)
    leader = board.ctx.movers[ref]
    if fired.time_s is None or leader.kind != "path" or leader.dynamic_speed or mover.walker:
        raise kind.error(
            f"a continuous distance kept by {actor!r}, which follows a path computed before "
            f"the run, needs a start time known before the run and a reference ({ref!r}) whose "
            "motion is computed before the run too"
        )
    if constraints is not None:
        kind.note("DynamicConstraints are not applied: the entity moves with its reference")
    kind.note(
        f"{actor!r} moves with {ref!r} at its planned speed, keeping the distance it starts at"
    )
    mover.keeps = (ref, fired.time_s)
    return Result([], None)


def resolve_keeps(ctx: ImportContext) -> None:
    """Speed plans of path movers that keep a distance to another: the reference's speeds.

    From the start of the keeping until the mover's own next speed change (the
    action that overrides it), the mover takes the reference's planned speed.
    """
    for mover in ctx.movers.values():
        if mover.keeps is None:
            continue
        ref, t0 = mover.keeps
        lead = ctx.movers[ref].speed_plan()
        own = mover.speed_plan()
        end = min((c.t_s for c in own.changes if c.t_s >= t0), default=np.inf)
        changes = [c for c in own.changes if c.t_s < t0 or c.t_s >= end]
        changes.append(SpeedChange(t0, lead.speed_at(t0), "step", 0.0))
        changes += [c for c in lead.changes if t0 <= c.t_s < end]
        own.changes = sorted(changes, key=lambda c: c.t_s)
        mover.keeps = None


def travel_path(mover: Mover, ctx: ImportContext) -> tuple[Path, float]:
    """The path an entity's reference point moves along, and its arc length at the start."""
    if mover.path is not None:
        return mover.path, mover.path_start_m
    if mover.kind == "lane":
        roadmap = ctx.roadmap
        spot = roadmap.locate(mover.start)
        if spot is not None:
            keys = list(mover.route_keys) or roadmap.forward_keys(spot.key)
            if keys[0] != spot.key:
                keys = [spot.key, *roadmap.forward_keys(spot.key)]
            return roadmap.lane_path(keys, spot.lane_s, offset=spot.driver_offset), 0.0
    return mover.travel_path(), 0.0


def synchronise(kind: Node, actor: str, fired: Fired, board: Board) -> Result:
    """A ``SynchronizeAction``, computed before the run."""
    master = kind.text("masterEntityRef")
    board.check_entity(kind, master)
    if fired.time_s is None:
        raise kind.error(
            "a SynchronizeAction is supported only when it starts at a time known before the run"
        )
    t0 = fired.time_s
    ctx = board.ctx
    leader, follower = ctx.movers[master], ctx.movers[actor]
    for name, mover in ((master, leader), (actor, follower)):
        if mover.dynamic_speed:
            raise kind.error(
                f"the synchronisation needs the speed plan of {name!r}, whose speed changes on "
                f"conditions (line {mover.dynamic_speed[0].line})"
            )
    leader_path, leader_start = travel_path(leader, ctx)
    leader_target = ctx.placer.pose(kind.need("TargetPositionMaster"))
    leader_goal = leader_path.project(leader_target.x, leader_target.y) - leader_start
    # A master that backs up (negative speeds) moves along a path laid out behind it.
    backwards = _faces_against(leader, leader_path, leader_start)
    arrival = _arrival_time(
        kind, leader.speed_plan(), leader_goal, ctx.horizon_s, -1.0 if backwards else 1.0
    )
    follower_path, follower_start = travel_path(follower, ctx)
    target = ctx.placer.pose(kind.need("TargetPosition"))
    plan = follower.speed_plan()
    distance = follower_path.project(target.x, target.y) - follower_start - plan.distance_at(t0)
    final, steady = _final_speed(kind.find("FinalSpeed"), leader.speed_plan().speed_at(arrival))
    try:
        changes = plan_sync(t0, arrival - t0, distance, plan.speed_at(t0), final, steady)
    except ValueError as exc:
        raise kind.error(f"cannot synchronise {actor!r} with {master!r}: {exc}") from None
    plan.changes.extend(changes)
    kind.note(
        f"computed before the run from the planned motion of {master!r} (arrival at "
        f"{arrival:.2f} s); it does not follow {master!r} if that moves otherwise"
    )
    end = max([t0, *(c.t_s + c.duration_s for c in changes)])
    if follower.kind == "lane":
        # Replayed exactly: a lane driver's own acceleration limits would make it late.
        follower.kind = "path"
        follower.path, follower.path_start_m = follower_path, follower_start
    return Result([], end - t0)


def _faces_against(mover: Mover, path: Path, start_m: float) -> bool:
    """Whether the entity starts facing against its path's direction (it reverses along it)."""
    h = path.at(start_m).h - mover.start.h
    return abs((h + np.pi) % (2 * np.pi) - np.pi) > np.pi / 2


def _arrival_time(
    node: Node, plan: SpeedPlan, goal_m: float, horizon_s: float, direction: float = 1.0
) -> float:
    """When a master moving by ``plan`` has covered ``goal_m`` along its path.

    ``direction`` is -1 for a path the master follows backwards (negative speeds).
    """
    t, _, s = plan.sampled(horizon_s)
    s = direction * s
    if goal_m <= 0:
        raise node.error("the master starts at or beyond its target position")
    reached = np.flatnonzero(s >= goal_m)
    if len(reached) == 0:
        raise node.error(
            f"the master does not reach its target ({goal_m:.1f} m ahead) within {horizon_s} s "
            "at its planned speed"
        )
    k = int(reached[0])
    if k == 0:
        return float(t[0])
    return float(np.interp(goal_m, s[k - 1 : k + 1], t[k - 1 : k + 1]))


def _final_speed(
    node: Node | None, master_speed: float
) -> tuple[float | None, tuple[str, float] | None]:
    """Final speed and steady state of a ``FinalSpeed`` element ((None, None) without one).

    The steady state stands in a ``SteadyState`` element (1.1, 1.2) or right
    inside the speed element (1.3).
    """
    if node is None:
        return None, None
    kind = node.choice(("AbsoluteSpeed", "RelativeSpeedToMaster"))
    if kind.tag == "AbsoluteSpeed":
        final = kind.num("value")
    elif kind.enum("speedTargetValueType", ("delta", "factor")) == "delta":
        final = master_speed + kind.num("value")
    else:
        final = master_speed * kind.num("value")
    holder = kind.find("SteadyState") or kind
    distance = holder.find("TargetDistanceSteadyState")
    if distance is not None:
        return final, ("distance", distance.num("distance"))
    time = holder.find("TargetTimeSteadyState")
    if time is not None:
        return final, ("time", time.num("time"))
    return final, None
