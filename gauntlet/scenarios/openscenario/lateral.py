"""Lateral actions and teleports: lane changes, lane offsets and ``TeleportAction``.

Lane changes and offsets act on lane movers (see :mod:`.context`). Targets
given relative to another entity's lane, or as an absolute lane id, are
turned into a number of lanes from where the two entities start, which is
exact while neither changes lanes before the action.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from gauntlet.scenarios import schema as sc
from gauntlet.scenarios.openscenario.context import Fired, Result
from gauntlet.scenarios.openscenario.nodes import Node
from gauntlet.scenarios.openscenario.roadmap import LaneSpot

if TYPE_CHECKING:
    from gauntlet.scenarios.openscenario.board import Board

#: Duration of a lane offset whose dynamics give no lateral acceleration, s.
DEFAULT_OFFSET_DURATION_S = 2.0
_SHAPES = ("step", "linear", "cubic", "sinusoidal")


def require_lane_mover(node: Node, actor: str, board: Board) -> None:
    """Raise unless ``actor`` is driven along the lanes."""
    mover = board.ctx.movers[actor]
    if mover.kind != "lane":
        raise node.error(
            f"{node.tag} on {actor!r} is not supported: it follows a path computed before the "
            "run (a pedestrian, object, trajectory, or a vehicle off the lanes)"
        )


def start_spot(node: Node, actor: str, board: Board) -> LaneSpot:
    """The lane an entity starts on (its box centre)."""
    mover = board.ctx.movers[actor]
    spot = board.ctx.roadmap.locate(mover.start.moved(*mover.info.center))
    if spot is None:
        raise node.error(f"entity {actor!r} does not start on a driving lane")
    return spot


def lanes_between(node: Node, a: LaneSpot, b: LaneSpot) -> int:
    """Lanes from ``a`` to ``b`` counted to ``a``'s driver's left (same road and direction)."""
    if a.key.road != b.key.road or a.direction != b.direction:
        raise node.error("the two entities must start on the same road, driving the same way")
    return (b.key.lane - a.key.lane) * a.direction


def convert(kind: Node, actor: str, fired: Fired, board: Board) -> Result:
    """A ``LateralAction``'s content."""
    if kind.tag == "LaneChangeAction":
        require_lane_mover(kind, actor, board)
        change = _lane_change(kind, actor, fired, board)
        return Result([change], change.duration_s if change.shape != "step" else 0.0)
    if kind.tag == "LaneOffsetAction":
        require_lane_mover(kind, actor, board)
        action = _lane_offset(kind, actor, board)
        return Result([action], action.duration_s if action.shape != "step" else 0.0)
    raise kind.unsupported()


def _lane_change(kind: Node, actor: str, fired: Fired, board: Board) -> sc.LaneChangeAction:
    if kind.num("targetLaneOffset", 0.0) != 0.0:
        raise kind.unsupported("with a targetLaneOffset")
    target = kind.need("LaneChangeTarget").choice(("RelativeTargetLane", "AbsoluteTargetLane"))
    own = start_spot(kind, actor, board)
    if target.tag == "RelativeTargetLane":
        ref = target.text("entityRef")
        board.check_entity(target, ref)
        lanes = target.integer("value")
        if ref != actor:
            lanes += lanes_between(target, own, start_spot(target, ref, board))
            target.note("counted from the lanes the two entities start on")
    else:
        wanted = target.integer("value")
        lanes = (wanted - own.key.lane) * own.direction
        if (own.key.lane < 0) != (wanted < 0):
            raise target.error("a lane change across the road's centre line is not supported")
        target.note(f"counted from the lane {actor!r} starts on")
    if lanes == 0:
        target.note("the target is the actor's own lane; the lane change does nothing")
    dynamics = kind.need("LaneChangeActionDynamics")
    shape = dynamics.enum("dynamicsShape", _SHAPES)
    duration = _transition_time(dynamics, actor, fired, board, own)
    return sc.LaneChangeAction(actor, lanes, duration, shape)


def _transition_time(
    dynamics: Node, actor: str, fired: Fired, board: Board, spot: LaneSpot
) -> float:
    dimension = dynamics.enum("dynamicsDimension", ("time", "distance", "rate"))
    value = dynamics.num("value")
    if dynamics.text("dynamicsShape") == "step":
        return 1e-3
    if value <= 0:
        raise dynamics.error(f"value must be > 0, got {value}")
    if dimension == "time":
        return value
    if dimension == "rate":
        width = float(board.ctx.roadmap.network.lanes[spot.key].width_at(spot.lane_s))
        dynamics.note(f"a lateral rate is turned into a duration over a {width:.2f} m lane width")
        return width / value
    speed = board.constant_speed(actor)
    if speed is None and fired.time_s is not None and not board.ctx.movers[actor].dynamic_speed:
        speed = board.ctx.movers[actor].speed_plan().speed_at(fired.time_s)
    if not speed:
        raise dynamics.error(
            "a lane change over a distance needs the actor's speed before the run (constant, "
            "or set at known times)"
        )
    return value / speed


def _lane_offset(kind: Node, actor: str, board: Board) -> sc.LaneOffsetAction:
    target = kind.need("LaneOffsetTarget").choice(
        ("AbsoluteTargetLaneOffset", "RelativeTargetLaneOffset")
    )
    offset = target.num("value")
    own = start_spot(kind, actor, board)
    if target.tag == "RelativeTargetLaneOffset":
        ref = target.text("entityRef")
        board.check_entity(target, ref)
        offset += start_spot(target, ref, board).driver_offset
        target.note("relative to the reference entity's lane offset at the start")
    if kind.flag("continuous", False) and target.tag == "RelativeTargetLaneOffset":
        raise kind.unsupported("continuous offsets relative to another entity")
    dynamics = kind.need("LaneOffsetActionDynamics")
    shape = dynamics.enum("dynamicsShape", _SHAPES)
    delta = abs(offset - own.driver_offset)
    max_acc = dynamics.opt_num("maxLateralAcc")
    if shape == "step" or delta == 0:
        duration = 1e-3
    elif max_acc is None or max_acc <= 0:
        dynamics.note(f"no maxLateralAcc: the offset takes {DEFAULT_OFFSET_DURATION_S} s")
        duration = DEFAULT_OFFSET_DURATION_S
    elif shape == "sinusoidal":
        duration = math.pi * math.sqrt(delta / (2.0 * max_acc))
    else:
        if shape == "linear":
            dynamics.note(
                "a linear offset under a lateral acceleration limit is timed as a cubic one"
            )
        duration = math.sqrt(6.0 * delta / max_acc)
    if delta:
        dynamics.note("the duration assumes the actor starts from its initial lane offset")
    return sc.LaneOffsetAction(actor, offset, duration, shape)


def teleport(kind: Node, actor: str, board: Board) -> Result:
    """A ``TeleportAction`` while the scenario runs."""
    require_lane_mover(kind, actor, board)
    position = board.ctx.placer.runtime(kind.need("Position"), board.ctx.entities[actor])
    return Result([sc.TeleportAction(actor, position)], 0.0)
