"""The storyboard's elements: Story, Act, ManeuverGroup, Maneuver, Event and Action.

:class:`StoryReader` walks the ``Story`` elements once, checks what Gauntlet
cannot express at all (repeated executions, triggering-entity actors) and
records every element with its parent, its actors and the parameter scope
it is read in (catalog maneuvers in the scope of their own parameters). It
also notes which events set which variables and parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gauntlet.scenarios.openscenario import actions
from gauntlet.scenarios.openscenario.catalogs import Catalogs
from gauntlet.scenarios.openscenario.nodes import Node
from gauntlet.scenarios.openscenario.parameters import declare
from gauntlet.scenarios.openscenario.triggers import Trigger

Setters = dict[tuple[str, str], list[tuple["Element", Node]]]


@dataclass
class Element:
    """One storyboard element and what the conversion learnt about it."""

    kind: str
    name: str
    node: Node
    parent: Element | None = None
    children: list[Element] = field(default_factory=list)
    actors: tuple[str, ...] = ()
    start: Trigger | None = None
    busy: bool = False
    emitted: str | None = None
    duration_s: float | None = None

    def ancestor(self, kind: str) -> Element:
        """This element or its closest ancestor of ``kind`` (``LookupError`` if none)."""
        element: Element | None = self
        while element is not None and element.kind != kind:
            element = element.parent
        if element is None:
            raise LookupError(kind)
        return element

    def path(self) -> tuple[str, ...]:
        """Names from the story down to this element."""
        names: list[str] = []
        element: Element | None = self
        while element is not None:
            names.append(element.name)
            element = element.parent
        return tuple(reversed(names))


class StoryReader:
    """Collects the elements of the ``Story`` elements of a storyboard."""

    def __init__(self, catalogs: Catalogs, entities: dict[str, object]) -> None:
        self.catalogs = catalogs
        self.entities = entities
        self.elements: list[Element] = []
        self.setters: Setters = {}

    def read(self, storyboard: Node) -> None:
        """Read every ``Story``; other children than Init and StopTrigger are unsupported."""
        for child in storyboard.children():
            if child.tag == "Story":
                self._story(child)
            elif child.tag not in ("Init", "StopTrigger"):
                raise child.unsupported()

    def _add(self, kind: str, node: Node, parent: Element | None, **extra: object) -> Element:
        element = Element(kind, node.text("name"), node, parent, **extra)  # type: ignore[arg-type]
        if parent is not None:
            parent.children.append(element)
        self.elements.append(element)
        return element

    def _scoped(self, node: Node) -> Node:
        declarations = node.find("ParameterDeclarations")
        if declarations is None:
            return node
        return node.at(node.element, declare(node.sources.error, declarations.element, node.scope))

    def _story(self, node: Node) -> None:
        node = self._scoped(node)
        story = self._add("story", node, None)
        for act in node.children():
            if act.tag == "Act":
                self._act(act, story)
            elif act.tag != "ParameterDeclarations":
                raise act.unsupported()

    def _act(self, node: Node, story: Element) -> None:
        act = self._add("act", node, story)
        for group in node.children():
            if group.tag == "ManeuverGroup":
                self._group(group, act)
            elif group.tag not in ("StartTrigger", "StopTrigger"):
                raise group.unsupported()

    def _group(self, node: Node, act: Element) -> None:
        if node.integer("maximumExecutionCount", 1) != 1:
            raise node.error(
                "maximumExecutionCount above 1 is not supported: Gauntlet events fire once"
            )
        actors_node = node.need("Actors")
        if actors_node.flag("selectTriggeringEntities", False):
            raise actors_node.unsupported("with selectTriggeringEntities='true'")
        actors = []
        for ref in actors_node.children():
            if ref.tag != "EntityRef":
                raise ref.unsupported()
            if ref.text("entityRef") not in self.entities:
                raise ref.error(f"unknown entity {ref.text('entityRef')!r}")
            actors.append(ref.text("entityRef"))
        group = self._add("maneuverGroup", node, act, actors=tuple(actors))
        for child in node.children():
            if child.tag == "Maneuver":
                self._maneuver(self._scoped(child), group)
            elif child.tag == "CatalogReference":
                entry = self.catalogs.resolve(child)
                if entry.tag != "Maneuver":
                    raise child.error(f"catalog entry is a {entry.tag}, expected a Maneuver")
                self._maneuver(entry, group)
            elif child.tag != "Actors":
                raise child.unsupported()

    def _maneuver(self, node: Node, group: Element) -> None:
        maneuver = self._add("maneuver", node, group, actors=group.actors)
        for event in node.children():
            if event.tag == "Event":
                self._event(event, maneuver)
            elif event.tag != "ParameterDeclarations":
                raise event.unsupported()

    def _event(self, node: Node, maneuver: Element) -> None:
        priority = node.enum("priority", ("overwrite", "override", "parallel", "skip"), "parallel")
        if priority == "skip" and len(maneuver.node.element.findall("Event")) > 1:
            raise node.error(
                "priority 'skip' is not supported: Gauntlet does not track running events"
            )
        if node.integer("maximumExecutionCount", 1) != 1:
            raise node.error(
                "maximumExecutionCount above 1 is not supported: Gauntlet events fire once"
            )
        event = self._add("event", node, maneuver, actors=maneuver.actors)
        for action in node.children("Action"):
            self._add("action", action, event, actors=maneuver.actors)
            for kind, name in actions.value_targets(action):
                self.setters.setdefault((kind, name), []).append((event, action))
