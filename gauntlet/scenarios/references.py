"""File-level checks of a converted scenario: unique names and valid references.

By the schema's naming convention a field called ``entity`` or ``other``
names an entity and a field called ``event`` names a storyboard event,
wherever it occurs (triggers, actions, criteria, relative positions,
``ego.entity``). References to the map (roads, lanes, signals) are checked
when the world is built, since only the map knows them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from gauntlet.scenarios import introspect
from gauntlet.scenarios.errors import KeyPath, ScenarioError, error_at, format_path, suggestion
from gauntlet.scenarios.schema import (
    RelativeLanePosition,
    RelativeWorldPosition,
    Scenario,
    SourceInfo,
)

#: Field names whose value is the name of an entity.
ENTITY_REFERENCE_KEYS = ("entity", "other")
#: Field names whose value is the name of a storyboard event.
EVENT_REFERENCE_KEYS = ("event",)


def iter_with_paths(obj: Any, path: KeyPath = ()) -> Iterator[tuple[KeyPath, Any]]:
    """Yield every schema object below ``obj`` (itself first) with its key path.

    Paths are those of the YAML file, including the kind key of tagged unions
    (``("storyboard", 0, "actions", 1, "lane_change")``), so that
    :func:`~gauntlet.scenarios.errors.error_at` finds their lines.
    """
    yield path, obj
    for field in introspect.schema_fields(type(obj)):
        yield from _children(getattr(obj, field.name), (*path, field.name))


def _children(value: Any, path: KeyPath) -> Iterator[tuple[KeyPath, Any]]:
    if introspect.is_schema_class(type(value)):
        kind = introspect.kind_of(type(value))
        yield from iter_with_paths(value, (*path, kind) if kind else path)
    elif isinstance(value, tuple):
        for index, item in enumerate(value):
            yield from _children(item, (*path, index))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _children(item, (*path, key))


def check_references(scenario: Scenario) -> list[ScenarioError]:
    """Find duplicate names, references to unknown entities or events, and cycles.

    Args:
        scenario: A converted scenario; ``scenario.source`` locates the errors.

    Returns:
        The errors found, in file order; empty when the scenario is consistent.
    """
    source = scenario.source
    errors: list[ScenarioError] = []
    entities = unique_names(source, _named("entities", scenario.entities), "entity", errors)
    events = unique_names(source, _named("storyboard", scenario.storyboard), "event", errors)

    for path, obj in iter_with_paths(scenario):
        fields = {f.name for f in introspect.schema_fields(type(obj))}
        for key in fields.intersection(ENTITY_REFERENCE_KEYS):
            name = getattr(obj, key)
            if name is not None and name not in entities:
                message = f"unknown entity '{name}'{suggestion(name, entities, 'entities')}"
                if not entities:
                    message += " (the scenario has no entities)"
                elif (
                    path == ("ego",)
                    and source is not None
                    and ("ego", "entity") not in source.lines
                ):
                    message += (
                        f" (the ego is the entity named '{name}' unless ego.entity says otherwise)"
                    )
                errors.append(error_at(source, (*path, key), message))
        for key in fields.intersection(EVENT_REFERENCE_KEYS):
            name = getattr(obj, key)
            if name not in events:
                message = f"unknown event '{name}'{suggestion(name, events, 'events')}"
                errors.append(error_at(source, (*path, key), message))

    errors.extend(_relative_start_cycles(scenario))
    return errors


def unique_names(
    source: SourceInfo | None,
    named: Iterable[tuple[KeyPath, str]],
    noun: str,
    errors: list[ScenarioError],
) -> list[str]:
    """Report every name used a second time; return the distinct names in file order.

    Args:
        source: The scenario's source information (None for scenarios built in code).
        named: ``(key path of the name, name)`` pairs, e.g.
            ``(("entities", 1, "name"), "ego")``.
        noun: What the names name, for the message (``entity``, ``drone``).
        errors: Receives one error per repeated name, located at the repeat
            and naming the line of the first use.

    Returns:
        The distinct names.
    """
    first: dict[str, KeyPath] = {}
    for path, name in named:
        if name in first:
            where = error_at(source, first[name], "").line
            also = f" (first at {format_path(first[name][:-1])}" + (
                f", line {where})" if where else ")"
            )
            errors.append(error_at(source, path, f"duplicate {noun} name '{name}'{also}"))
        else:
            first[name] = path
    return list(first)


def _named(section: str, items: Iterable[Any]) -> list[tuple[KeyPath, str]]:
    return [((section, index, "name"), item.name) for index, item in enumerate(items)]


def _relative_start_cycles(scenario: Scenario) -> list[ScenarioError]:
    """Initial positions relative to other entities must not go round in a circle."""
    relative = (RelativeLanePosition, RelativeWorldPosition)
    depends_on: dict[str, str] = {}
    index_of: dict[str, int] = {}
    for index, entity in enumerate(scenario.entities):
        index_of.setdefault(entity.name, index)
        position = entity.initial.position
        if isinstance(position, relative):
            depends_on.setdefault(entity.name, position.entity)

    errors: list[ScenarioError] = []
    reported: set[str] = set()
    for start in depends_on:
        chain = [start]
        while chain[-1] in depends_on and depends_on[chain[-1]] not in chain:
            chain.append(depends_on[chain[-1]])
        if chain[-1] not in depends_on or depends_on[chain[-1]] != start or start in reported:
            continue
        reported.update(chain)
        index = index_of[start]
        position = scenario.entities[index].initial.position
        path = ("entities", index, "initial", "position", position.KIND, "entity")
        if len(chain) == 1:
            message = f"the start of '{start}' is relative to '{start}' itself"
        else:
            loop = " -> ".join([*chain, start])
            message = f"starting positions are relative to each other in a circle: {loop}"
        errors.append(error_at(scenario.source, path, message))
    return errors
