"""Actions: ``PrivateAction`` and ``GlobalAction`` elements to Gauntlet actions.

A private action applies to every actor of its maneuver group. Each
conversion returns the Gauntlet actions and, where it is known before the
run, how long the action lasts (for conditions on an event's end).

Actions that change only what Gauntlet does not simulate (lights, weather,
time of day) are dropped with a note; actions that set variables or
parameters produce no Gauntlet action, the conditions reading those values
follow them (see :mod:`.board`). Anything else outside the supported set is
an error naming the element.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gauntlet.scenarios.openscenario import lateral, longitudinal, routing
from gauntlet.scenarios.openscenario.context import Fired, Result
from gauntlet.scenarios.openscenario.nodes import Node
from gauntlet.scenarios.openscenario.parameters import Value

if TYPE_CHECKING:
    from gauntlet.scenarios.openscenario.board import Board

#: Seconds after the start within which a deleted entity is left out of the scenario.
DELETE_AT_START_S = 0.1

_INERT_GLOBAL = ("EnvironmentAction",)
_INERT_PRIVATE = ("AppearanceAction",)


def _body(action: Node) -> Node:
    return action.choice(("PrivateAction", "GlobalAction", "UserDefinedAction"))


def convert(action: Node, actors: list[str], fired: Fired, board: Board) -> Result:
    """Convert one ``Action`` element for its actors."""
    body = _body(action)
    if body.tag == "UserDefinedAction":
        raise body.error("user-defined actions are not supported: the import never runs commands")
    if body.tag == "GlobalAction":
        return _global(body.choice(), fired, board)
    return private(body, actors, fired, board)


def private(body: Node, actors: list[str], fired: Fired, board: Board) -> Result:
    """A ``PrivateAction`` for each actor."""
    kind = body.choice()
    if kind.tag in _INERT_PRIVATE:
        return Result()
    if not actors:
        raise body.error("a private action needs actors (the maneuver group's Actors is empty)")
    result = Result()
    for actor in actors:
        result.add(_private_one(kind, actor, fired, board))
    return result


def _private_one(kind: Node, actor: str, fired: Fired, board: Board) -> Result:
    if kind.tag == "LongitudinalAction":
        return longitudinal.convert(kind.choice(), actor, fired, board)
    if kind.tag == "LateralAction":
        return lateral.convert(kind.choice(), actor, fired, board)
    if kind.tag == "TeleportAction":
        return lateral.teleport(kind, actor, board)
    if kind.tag == "RoutingAction":
        return routing.convert(kind.choice(), actor, fired, board)
    if kind.tag == "SynchronizeAction":
        return longitudinal.synchronise(kind, actor, fired, board)
    if kind.tag in ("ControllerAction", "ActivateControllerAction") and actor == board.ctx.ego:
        kind.note("controller actions on the ego are left to the stack under test")
        return Result()
    raise kind.unsupported()


def _global(kind: Node, fired: Fired, board: Board) -> Result:
    if kind.tag in _INERT_GLOBAL:
        return Result()
    if kind.tag in ("ParameterAction", "VariableAction"):
        # No Gauntlet action: the conditions that read the value follow the setting events.
        kind.choice(("SetAction", "ModifyAction"))
        return Result()
    if kind.tag == "EntityAction":
        return _entity_action(kind, fired, board)
    raise kind.unsupported()


def _entity_action(kind: Node, fired: Fired, board: Board) -> Result:
    what = kind.choice(("DeleteEntityAction", "AddEntityAction"))
    name = kind.text("entityRef")
    board.check_entity(kind, name)
    if what.tag == "AddEntityAction":
        raise what.error("adding entities while the scenario runs is not supported")
    if fired.time_s is None or fired.time_s > DELETE_AT_START_S:
        raise what.error(
            "Gauntlet cannot remove an entity while the scenario runs; only deletions at the "
            f"start (within {DELETE_AT_START_S} s) are supported, by leaving the entity out"
        )
    board.ctx.movers[name].deleted = True
    what.note(f"entity {name!r} is deleted at the start and left out of the scenario")
    return Result()


# -- classification without conversion ---------------------------------------------------------


def value_targets(action: Node) -> list[tuple[str, str]]:
    """``("variable"|"parameter", name)`` pairs an action sets or modifies."""
    body = _body(action)
    if body.tag != "GlobalAction":
        return []
    kind = body.choice()
    if kind.tag == "VariableAction":
        return [("variable", kind.text("variableRef"))]
    if kind.tag == "ParameterAction":
        return [("parameter", kind.text("parameterRef"))]
    return []


def set_value(action: Node, what: str, name: str) -> Value:
    """The value a ``SetAction`` gives; a ``ModifyAction`` raises ``ValueError``."""
    kind = _body(action).choice()
    body = kind.choice(("SetAction", "ModifyAction"))
    if body.tag == "ModifyAction":
        raise ValueError(
            f"the {what} {name!r} is modified by an action (line {body.line}); conditions on "
            "modified values are not supported"
        )
    return body.value("value")


def changes_speed(action: Node) -> bool:
    """Whether an action may change an actor's speed."""
    body = _body(action)
    if body.tag != "PrivateAction":
        return False
    kind = body.choice()
    if kind.tag == "LongitudinalAction":
        return kind.choice().tag != "LongitudinalDistanceAction" or kind.choice().flag("continuous")
    return kind.tag == "SynchronizeAction" or (
        kind.tag == "RoutingAction" and kind.choice().tag == "FollowTrajectoryAction"
    )


def absolute_target_speed(action: Node) -> float | None:
    """The target of a ``SpeedAction`` with an absolute target, else None."""
    body = _body(action)
    if body.tag != "PrivateAction" or body.choice().tag != "LongitudinalAction":
        return None
    speed = body.choice().choice()
    if speed.tag != "SpeedAction":
        return None
    target = speed.need("SpeedActionTarget").choice()
    return target.num("value") if target.tag == "AbsoluteTargetSpeed" else None


def has_effect(action: Node) -> bool:
    """Whether an action yields Gauntlet actions (or removes an entity)."""
    body = _body(action)
    kind = body.choice()
    if body.tag == "GlobalAction":
        return kind.tag not in (*_INERT_GLOBAL, "ParameterAction", "VariableAction")
    return body.tag == "UserDefinedAction" or kind.tag not in _INERT_PRIVATE


def note_inert(action: Node) -> None:
    """Record that an action without a Gauntlet counterpart is left out."""
    body = _body(action)
    kind = body.choice()
    if kind.tag in (*_INERT_GLOBAL, *_INERT_PRIVATE):
        kind.note(f"{kind.tag} is not simulated by Gauntlet and is left out")
