"""Start and stop triggers: ``ConditionGroup`` / ``Condition`` elements to Gauntlet triggers.

A trigger is an OR over condition groups, each an AND of conditions, which
becomes Gauntlet's ``any`` of ``all`` triggers. A condition's ``delay`` is
added to the time its condition first holds (through a helper event with no
actions where the condition itself is not a clock condition).
``conditionEdge="rising"`` is read as the first step the condition holds:
Gauntlet events fire once, so the two differ only when the condition
already holds when it is first evaluated.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gauntlet.scenarios import schema as sc
from gauntlet.scenarios.openscenario.nodes import Node
from gauntlet.scenarios.openscenario.triggers import (
    ALWAYS,
    NEVER,
    Constant,
    Trigger,
    all_of,
    any_of,
    delayed,
)

if TYPE_CHECKING:
    from gauntlet.scenarios.openscenario.board import Board

#: OpenSCENARIO rules and the Gauntlet comparisons they become.
RULES: dict[str, sc.Rule] = {
    "greaterThan": ">",
    "greaterOrEqual": ">=",
    "lessThan": "<",
    "lessOrEqual": "<=",
}
#: Speed below which an entity counts as standing still, m/s.
STANDSTILL_MPS = 0.05
#: Conditions that, once they hold, hold for the rest of the run.
_LATCHING = frozenset(
    {"SimulationTimeCondition", "TraveledDistanceCondition", "StoryboardElementStateCondition"}
)


def convert_trigger(trigger: Node | None, board: Board) -> Trigger:
    """An OR of ANDs; a missing trigger holds at once."""
    if trigger is None:
        return ALWAYS
    groups = []
    for group in trigger.children():
        if group.tag != "ConditionGroup":
            raise group.unsupported()
        groups.append(all_of(convert_condition(c, board) for c in group.children("Condition")))
    return any_of(groups)


def convert_condition(condition: Node, board: Board) -> Trigger:
    """One ``Condition``: its kind, delay and edge."""
    edge = condition.enum("conditionEdge", ("none", "rising", "falling", "risingOrFalling"), "none")
    if edge in ("falling", "risingOrFalling"):
        raise condition.error(
            f"conditionEdge {edge!r} is not supported: Gauntlet triggers cannot fire when a "
            "condition stops holding"
        )
    body = condition.choice(("ByEntityCondition", "ByValueCondition"))
    kind = (
        body.choice() if body.tag == "ByValueCondition" else body.need("EntityCondition").choice()
    )
    if body.tag == "ByEntityCondition":
        trigger = _by_entity(body, kind, board)
    else:
        trigger = _by_value(kind, board)
    latching = kind.tag in _LATCHING or delayed(trigger, 1.0) is not None
    if edge == "rising" and not latching:
        condition.note(
            "conditionEdge 'rising' fires on the first step the condition holds, even if it "
            "already holds when first evaluated"
        )
    delay = condition.num("delay", 0.0)
    if delay < 0:
        raise condition.error(f"delay must be >= 0, got {delay}")
    if delay == 0 or isinstance(trigger, Constant):
        return trigger
    shifted = delayed(trigger, delay)
    if shifted is not None:
        return shifted
    if not latching:
        condition.note(
            f"the delay of {delay} s counts from the first time the condition holds; the "
            "condition is not checked again at the end of the delay"
        )
    helper = board.helper(condition, trigger)
    return sc.AfterEventTrigger(helper, delay)


def _by_entity(body: Node, kind: Node, board: Board) -> Trigger:
    triggering = body.need("TriggeringEntities")
    rule = triggering.enum("triggeringEntitiesRule", ("any", "all"))
    names = [ref.text("entityRef") for ref in triggering.children("EntityRef")]
    if not names:
        raise triggering.error("no triggering entity")
    for name in names:
        board.check_entity(triggering, name)
    per_entity = [_entity_condition(kind, name, board) for name in names]
    return any_of(per_entity) if rule == "any" else all_of(per_entity)


def _entity_condition(kind: Node, entity: str, board: Board) -> Trigger:
    tag = kind.tag
    if tag == "TraveledDistanceCondition":
        value = kind.num("value")
        return ALWAYS if value <= 0 else sc.TraveledDistanceTrigger(entity, value)
    if tag == "SpeedCondition":
        if kind.has("direction"):
            raise kind.unsupported("with a direction")
        return _speed(kind, entity, kind.num("value"), _rule(kind))
    if tag == "StandStillCondition":
        still = board.helper(kind, sc.SpeedTrigger(entity, STANDSTILL_MPS, "<"))
        return sc.AfterEventTrigger(still, max(kind.num("duration"), 0.0))
    if tag == "RelativeSpeedCondition":
        return _relative_speed(kind, entity, board)
    if tag == "RelativeDistanceCondition":
        return _relative_distance(kind, entity, board)
    if tag == "CollisionCondition":
        return _collision(kind, entity, board)
    if tag == "TimeHeadwayCondition":
        return _gap_time(kind, entity, board, kind.text("entityRef"), sc.HeadwayTrigger)
    if tag == "TimeToCollisionCondition":
        target = kind.need("TimeToCollisionConditionTarget").choice(("EntityRef", "Position"))
        if target.tag == "Position":
            raise target.unsupported("(time to collision with a position)")
        return _gap_time(kind, entity, board, target.text("entityRef"), sc.TimeToCollisionTrigger)
    if tag == "ReachPositionCondition":
        point = board.condition_point(kind.need("Position"), entity)
        return sc.ReachedPositionTrigger(entity, point, kind.num("tolerance"))
    if tag == "DistanceCondition":
        return _distance_to_position(kind, entity, board)
    raise kind.unsupported(
        "(Gauntlet has no trigger for it; see docs/openscenario.md for the supported conditions)"
    )


def _rule(kind: Node) -> sc.Rule:
    rule = kind.text("rule")
    if rule not in RULES:
        raise kind.error(
            f"rule {rule!r} is not supported for a measured quantity (supported: {', '.join(RULES)})"
        )
    return RULES[rule]


def _speed(kind: Node, entity: str, value: float, rule: sc.Rule) -> Trigger:
    if value < 0 or (value == 0 and rule == ">="):
        return ALWAYS if rule in (">", ">=") else NEVER
    if value == 0 and rule == "<":
        return NEVER
    return sc.SpeedTrigger(entity, value, rule)


def _relative_speed(kind: Node, entity: str, board: Board) -> Trigger:
    """``speed(entity) - speed(other) RULE value`` with one of the two speeds known."""
    if kind.has("direction"):
        raise kind.unsupported("with a direction")
    other = kind.text("entityRef")
    board.check_entity(kind, other)
    value, rule = kind.num("value"), _rule(kind)
    flipped: dict[str, sc.Rule] = {">": "<", ">=": "<=", "<": ">", "<=": ">="}
    other_speed = board.constant_speed(other)
    if other_speed is not None:
        return _speed(kind, entity, other_speed + value, rule)
    own_speed = board.constant_speed(entity)
    if own_speed is not None:
        return _speed(kind, other, own_speed - value, flipped[rule])
    for known, measured, offset, how in (
        (other, entity, value, rule),
        (entity, other, -value, flipped[rule]),
    ):
        settled = board.settled_speed(known)
        if settled is not None:
            final, gate = settled
            kind.note(
                f"compared with the speed {known!r} ends at ({final:.2f} m/s), from the end of its "
                "last speed change on; Gauntlet has no relative-speed trigger"
            )
            return all_of([gate, _speed(kind, measured, final + offset, how)])
    raise kind.error(
        "RelativeSpeedCondition needs one of the two entities to keep a constant speed, or to "
        "change it once: Gauntlet has no relative-speed trigger"
    )


def _relative_distance(kind: Node, entity: str, board: Board) -> Trigger:
    other = kind.text("entityRef")
    board.check_entity(kind, other)
    how = kind.enum(
        "relativeDistanceType",
        ("longitudinal", "lateral", "cartesianDistance", "euclidianDistance"),
    )
    if how == "lateral":
        raise kind.error(
            "relativeDistanceType 'lateral' is not supported: Gauntlet has no lateral distance trigger"
        )
    if kind.has("coordinateSystem") and kind.text("coordinateSystem") not in (
        "entity",
        "road",
        "lane",
    ):
        raise kind.unsupported(f"with coordinateSystem {kind.text('coordinateSystem')!r}")
    freespace = kind.flag("freespace")
    if how == "longitudinal":
        kind.note(
            "a longitudinal distance is compared as the distance between the two "
            + ("bounding boxes" if freespace else "reference points")
            + "; the two agree while the entities move in line"
            + (" and overlap sideways" if freespace else "")
        )
    value = kind.num("value")
    return sc.DistanceTrigger(entity, other, max(value, 0.0), _rule(kind), freespace)


def _collision(kind: Node, entity: str, board: Board) -> Trigger:
    target = kind.choice(("EntityRef", "ByType"))
    if target.tag == "EntityRef":
        others = [target.text("entityRef")]
        board.check_entity(target, others[0])
    else:
        others = board.entities_of_type(target, target.text("type"))
    others = [o for o in others if o != entity]
    # Touching bounding boxes are a collision in Gauntlet's collision model too.
    return any_of(sc.DistanceTrigger(entity, o, 0.0, "<=", True) for o in others)


def _gap_time(kind: Node, entity: str, board: Board, other: str, cls: type) -> Trigger:
    board.check_entity(kind, other)
    if not kind.flag("freespace"):
        raise kind.error(
            "freespace='false' is not supported: Gauntlet measures headway and time to "
            "collision between bounding boxes"
        )
    if kind.has("relativeDistanceType") and kind.text("relativeDistanceType") != "longitudinal":
        raise kind.unsupported(f"with relativeDistanceType {kind.text('relativeDistanceType')!r}")
    if kind.has("alongRoute") and kind.flag("alongRoute"):
        kind.note("alongRoute='true' is measured along the follower's heading")
    value = kind.num("value")
    return cls(entity, other, max(value, 0.0), _rule(kind))


def _distance_to_position(kind: Node, entity: str, board: Board) -> Trigger:
    rule = _rule(kind)
    how = kind.text("relativeDistanceType", "cartesianDistance")
    if rule not in ("<", "<=") or how not in ("cartesianDistance", "euclidianDistance"):
        raise kind.error(
            "DistanceCondition is supported as 'cartesian distance below a value' only "
            "(Gauntlet's reached-position trigger)"
        )
    if kind.flag("freespace", False):
        raise kind.error("freespace='true' to a position is not supported")
    point = board.condition_point(kind.need("Position"), entity)
    return sc.ReachedPositionTrigger(entity, point, max(kind.num("value"), 1e-6))


def _by_value(kind: Node, board: Board) -> Trigger:
    tag = kind.tag
    if tag == "SimulationTimeCondition":
        value, rule = kind.num("value"), kind.text("rule")
        if rule == "equalTo":
            kind.note("'equalTo' a time fires at the first step at or after that time")
            rule = "greaterOrEqual"
        gauntlet_rule = RULES.get(rule)
        if gauntlet_rule is None:
            raise kind.error(f"rule {rule!r} is not supported for the simulation time")
        if value < 0:
            return ALWAYS if gauntlet_rule in (">", ">=") else NEVER
        return sc.SimulationTimeTrigger(value, gauntlet_rule)
    if tag == "StoryboardElementStateCondition":
        return board.element_state(kind)
    if tag == "ParameterCondition":
        return board.value_condition(kind, "parameter", kind.text("parameterRef"))
    if tag == "VariableCondition":
        return board.value_condition(kind, "variable", kind.text("variableRef"))
    raise kind.unsupported("(Gauntlet has no trigger for it)")
