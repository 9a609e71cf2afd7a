"""The storyboard: Story, Act, ManeuverGroup, Maneuver and Event to Gauntlet's flat events.

Every OpenSCENARIO event becomes one Gauntlet event whose trigger is its own
start trigger AND "its act has started". An act with a start trigger that is
not constant gets a marker event (no actions) that the act's events wait
for. Events are converted on demand: those whose actions move something,
and those that other conditions refer to. Each Gauntlet event is written
after the events its trigger refers to, so a reference is seen in the same
step.

Values that change while the scenario runs (variables, and parameters set
by actions) are followed through the events that set them: a condition on
such a value holds once one of those events has started.
"""

from __future__ import annotations

from gauntlet.scenarios import schema as sc
from gauntlet.scenarios.openscenario import actions
from gauntlet.scenarios.openscenario.conditions import convert_trigger
from gauntlet.scenarios.openscenario.context import ImportContext
from gauntlet.scenarios.openscenario.nodes import Node
from gauntlet.scenarios.openscenario.parameters import Value, compare
from gauntlet.scenarios.openscenario.story import Element, StoryReader
from gauntlet.scenarios.openscenario.triggers import (
    ALWAYS,
    NEVER,
    Constant,
    Trigger,
    all_of,
    any_of,
    fire_time,
    to_schema,
)

_TYPES = ("story", "act", "maneuverGroup", "maneuver", "event", "action")
_START_STATES = ("startTransition", "runningState")
_END_STATES = ("endTransition", "completeState")


class Board:
    """Converts a ``Storyboard`` element on demand."""

    def __init__(
        self,
        ctx: ImportContext,
        storyboard: Node,
        variables: dict[str, Value],
        parameters: dict[str, Value] | None = None,
    ) -> None:
        self.ctx = ctx
        self.storyboard = storyboard
        self.variables = variables
        self.parameters = dict(parameters or {})
        reader = StoryReader(ctx.catalogs, ctx.entities)
        reader.read(storyboard)
        self.elements = reader.elements
        self.setters = reader.setters

    # -- queries used by the conditions ------------------------------------------------------

    def check_entity(self, node: Node, name: str) -> None:
        """Raise at ``node`` unless ``name`` is an entity."""
        if name not in self.ctx.entities:
            raise node.error(f"unknown entity {name!r}; entities: {', '.join(self.ctx.entities)}")

    def entities_of_type(self, node: Node, kind: str) -> list[str]:
        """Entities of an OpenSCENARIO object type (vehicle, pedestrian, miscellaneous)."""
        groups = {
            "vehicle": ("car", "truck", "bus", "motorcycle", "bicycle"),
            "pedestrian": ("pedestrian",),
            "miscellaneous": ("obstacle",),
        }
        if kind not in groups:
            raise node.unsupported(f"object type {kind!r}")
        return [name for name, info in self.ctx.entities.items() if info.type in groups[kind]]

    def helper(self, node: Node, trigger: Trigger) -> str:
        """A Gauntlet event without actions that starts when ``trigger`` first holds."""
        name = self.ctx.unique(f"when:{node.element.get('name') or node.tag}")
        self.ctx.add_event(name, to_schema(trigger), [], node.line)
        return name

    def constant_speed(self, entity: str) -> float | None:
        """The entity's speed if nothing changes it during the run, else None.

        Never known for the ego: the stack under test decides its speed.
        """
        if entity == self.ctx.ego:
            return None
        mover = self.ctx.movers[entity]
        if mover.plan is not None and not mover.plan.is_constant():
            return None
        if self._speed_changes(entity):
            return None
        return mover.speed_mps

    def settled_speed(self, entity: str) -> tuple[float, Trigger] | None:
        """The speed an entity ends at after its only speed change, and when that ends.

        None for the ego, and for entities with more than one speed change
        (or one without an absolute target).
        """
        if entity == self.ctx.ego:
            return None
        changes = self._speed_changes(entity)
        if len(changes) != 1:
            return None
        target = actions.absolute_target_speed(changes[0].node)
        if target is None:
            return None
        return target, self.ended(changes[0], changes[0].node)

    def _speed_changes(self, entity: str) -> list[Element]:
        """Actions that may change the entity's speed, in elements that can start."""
        return [
            element
            for element in self.elements
            if element.kind == "action"
            and entity in element.actors
            and actions.changes_speed(element.node)
            and self._alive(element)
        ]

    def condition_point(self, position: Node, entity: str) -> sc.Position:
        """A condition's target position, moved to where the entity's box centre is then."""
        pose = self.ctx.placer.pose(position)
        return self.ctx.placer.point(pose.moved(*self.ctx.entities[entity].center))

    def event_time(self, name: str) -> float | None:
        """Static start time of a converted Gauntlet event."""
        trigger = self.ctx.triggers.get(name)
        return None if trigger is None else fire_time(_from_schema(trigger), self.event_time)

    # -- element states ----------------------------------------------------------------------

    def element_state(self, kind: Node) -> Trigger:
        """A ``StoryboardElementStateCondition``."""
        element_type = kind.enum("storyboardElementType", _TYPES)
        state = kind.text("state")
        element = self._find(kind, element_type, kind.text("storyboardElementRef"))
        if state in _START_STATES:
            if state == "runningState":
                kind.note("runningState is read as 'has started'")
            return self.started(element)
        if state in _END_STATES:
            return self.ended(element, kind)
        raise kind.error(
            f"state {state!r} is not supported (supported: {', '.join(_START_STATES + _END_STATES)})"
        )

    def _find(self, node: Node, kind: str, reference: str) -> Element:
        parts = reference.split("::")
        found = [
            e for e in self.elements if e.kind == kind and e.path()[-len(parts) :] == tuple(parts)
        ]
        if len(found) != 1:
            problem = "no" if not found else "more than one"
            raise node.error(f"{problem} {kind} called {reference!r}")
        return found[0]

    def started(self, element: Element) -> Trigger:
        """Holds once ``element`` has started."""
        if element.kind == "story":
            return ALWAYS
        if element.kind in ("act", "maneuverGroup", "maneuver"):
            return self.act_start(element.ancestor("act"))
        event = element.ancestor("event")
        name = self.emit(event)
        return NEVER if name is None else sc.AfterEventTrigger(name)

    def ended(self, element: Element, node: Node) -> Trigger:
        """Holds once ``element`` has completed."""
        if element.kind in ("event", "action"):
            event = element.ancestor("event")
            name = self.emit(event)
            if name is None:
                return NEVER
            if event.duration_s is None:
                raise node.error(
                    f"the end of event {event.name!r} cannot be known before the run "
                    "(an action of unknown duration)"
                )
            return sc.AfterEventTrigger(name, event.duration_s)
        if element.kind == "act" and element.node.find("StopTrigger") is not None:
            raise node.error(f"act {element.name!r} has a StopTrigger; its end is not supported")
        return all_of(self.ended(child, node) for child in element.children)

    # -- values that actions change ------------------------------------------------------------

    def value_condition(self, kind: Node, what: str, name: str) -> Trigger:
        """A ``ParameterCondition`` or ``VariableCondition``."""
        rule, wanted = kind.text("rule"), kind.value("value")
        if what == "variable":
            if name not in self.variables:
                raise kind.error(f"unknown variable {name!r}")
            initial = self.variables[name]
        elif name in self.parameters:
            initial = self.parameters[name]
        else:
            try:
                initial = kind.scope.lookup(name)
            except KeyError:
                raise kind.error(f"unknown parameter {name!r}") from None
        try:
            holds = compare(rule, initial, wanted)
            setters = []
            for event, action in self.setters.get((what, name), []):
                if not self._alive(event):
                    continue
                value = actions.set_value(action, what, name)
                setters.append((event, compare(rule, value, wanted)))
        except ValueError as exc:
            raise kind.error(str(exc)) from None
        if all(result == holds for _, result in setters):
            return ALWAYS if holds else NEVER
        if not holds and all(result for _, result in setters):
            return any_of(self.started(event) for event, _ in setters)
        raise kind.error(
            f"the {what} {name!r} is set so that this condition would stop holding; "
            "Gauntlet triggers cannot express that"
        )

    # -- conversion ------------------------------------------------------------------------------

    def act_start(self, act: Element) -> Trigger:
        """Holds once the act has started."""
        if act.start is not None:
            return act.start
        if act.busy:
            raise act.node.error("the act's start trigger refers to the act itself")
        act.busy = True
        trigger = convert_trigger(act.node.find("StartTrigger"), self)
        act.busy = False
        if not isinstance(trigger, Constant):
            name = self.ctx.unique(f"act:{act.name}")
            self.ctx.add_event(name, to_schema(trigger), [], act.node.line)
            trigger = sc.AfterEventTrigger(name)
        act.start = trigger
        return trigger

    def _alive(self, element: Element) -> bool:
        act = element.ancestor("act")
        return act.busy or self.act_start(act) != NEVER

    def emit(self, event: Element) -> str | None:
        """Convert ``event`` (once); its Gauntlet name, or None if it can never start."""
        if event.emitted is not None or event.start == NEVER:
            return event.emitted
        if event.busy:
            raise event.node.error("the event's start trigger refers to the event itself")
        event.busy = True
        act = event.ancestor("act")
        own = convert_trigger(event.node.find("StartTrigger"), self)
        trigger = all_of([self.act_start(act), own])
        event.busy = False
        if trigger == NEVER:
            event.start = NEVER
            return None
        if act.node.find("StopTrigger") is not None and self.moves_something(event):
            raise act.node.need("StopTrigger").error(
                "an act StopTrigger is not supported: Gauntlet cannot stop actions once started"
            )
        name = self.ctx.unique(event.name)
        event.emitted = name
        when = fire_time(trigger, self.event_time)
        converted: list[sc.Action] = []
        durations: list[float | None] = [0.0]
        for child in event.children:
            result = actions.convert(
                child.node, list(child.actors), actions.Fired(name, when), self
            )
            converted.extend(result.actions)
            durations.append(result.duration_s)
        known = [d for d in durations if d is not None]
        event.duration_s = max(known) if len(known) == len(durations) else None
        self.ctx.add_event(name, to_schema(trigger), converted, event.node.line)
        return name

    def moves_something(self, event: Element) -> bool:
        """Whether converting the event gives Gauntlet actions or removes an entity."""
        return any(actions.has_effect(child.node) for child in event.children)

    def convert_all(self) -> sc.Trigger | None:
        """Convert every event that moves something; return the stop trigger (None: none)."""
        events = [e for e in self.elements if e.kind == "event" and self._alive(e)]
        for event in events:
            if self.moves_something(event):
                self.emit(event)
        stop = convert_trigger(self.storyboard.find("StopTrigger"), self)
        for event in events:
            for action in event.children:
                actions.note_inert(action.node)
        if self.storyboard.find("StopTrigger") is None or stop == NEVER:
            return None
        return to_schema(stop)


def _from_schema(trigger: sc.Trigger) -> Trigger:
    if trigger == to_schema(ALWAYS):
        return ALWAYS
    if trigger == to_schema(NEVER):
        return NEVER
    return trigger
