"""Trigger algebra of the import: constant conditions, simplifying AND/OR, static fire times.

Conditions that the file alone decides (a parameter compared with a value,
a time in the past) become the constants :data:`ALWAYS` and :data:`NEVER`,
which AND and OR fold away. What remains is a Gauntlet trigger. A trigger
whose first firing depends only on the clock has a *static fire time*; the
import needs those to place motion it computes ahead (synchronisation,
trajectories without time stamps).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from gauntlet.scenarios import schema as sc


@dataclass(frozen=True)
class Constant:
    """A condition whose value never changes during the run."""

    value: bool


ALWAYS = Constant(True)
NEVER = Constant(False)

Trigger = sc.Trigger | Constant


def all_of(triggers: Iterable[Trigger]) -> Trigger:
    """AND, folding constants and nested ANDs."""
    parts: list[sc.Trigger] = []
    for trigger in triggers:
        if trigger == NEVER:
            return NEVER
        if trigger == ALWAYS:
            continue
        if isinstance(trigger, sc.AllTrigger):
            parts.extend(trigger.conditions)
        else:
            parts.append(trigger)
    parts = _unique(parts)
    if not parts:
        return ALWAYS
    return parts[0] if len(parts) == 1 else sc.AllTrigger(tuple(parts))


def any_of(triggers: Iterable[Trigger]) -> Trigger:
    """OR, folding constants and nested ORs."""
    parts: list[sc.Trigger] = []
    for trigger in triggers:
        if trigger == ALWAYS:
            return ALWAYS
        if trigger == NEVER:
            continue
        if isinstance(trigger, sc.AnyTrigger):
            parts.extend(trigger.conditions)
        else:
            parts.append(trigger)
    parts = _unique(parts)
    if not parts:
        return NEVER
    return parts[0] if len(parts) == 1 else sc.AnyTrigger(tuple(parts))


def _unique(parts: list[sc.Trigger]) -> list[sc.Trigger]:
    seen: list[sc.Trigger] = []
    for part in parts:
        if part not in seen:
            seen.append(part)
    return seen


def to_schema(trigger: Trigger) -> sc.Trigger:
    """A Gauntlet trigger for any trigger, constants included."""
    if trigger == ALWAYS:
        return sc.SimulationTimeTrigger(0.0, ">=")
    if trigger == NEVER:
        # The clock never runs backwards: time < 0 never holds.
        return sc.SimulationTimeTrigger(0.0, "<")
    return trigger  # type: ignore[return-value]


def fire_time(trigger: Trigger, event_time: Callable[[str], float | None]) -> float | None:
    """The time a trigger first holds when only the clock decides it, else None.

    ``event_time`` gives the static start time of an event (or None).
    """
    match trigger:
        case Constant(value=True):
            return 0.0
        case Constant(value=False):
            return None
        case sc.SimulationTimeTrigger(value_s=v, rule=rule) if rule in (">", ">="):
            return v
        case sc.AfterEventTrigger(event=name, delay_s=delay):
            start = event_time(name)
            return None if start is None else start + delay
        case sc.AllTrigger(conditions=parts) | sc.AnyTrigger(conditions=parts):
            times = [fire_time(p, event_time) for p in parts]
            known = [t for t in times if t is not None]
            if len(known) < len(times):
                return None
            return max(known) if isinstance(trigger, sc.AllTrigger) else min(known)
    return None


def delayed(trigger: Trigger, delay: float) -> Trigger | None:
    """``trigger`` shifted later by ``delay`` when that needs no helper event, else None."""
    if delay <= 0 or isinstance(trigger, Constant):
        return trigger
    match trigger:
        case sc.SimulationTimeTrigger(value_s=v, rule=rule) if rule in (">", ">="):
            return sc.SimulationTimeTrigger(v + delay, rule)
        case sc.AfterEventTrigger(event=name, delay_s=d):
            return sc.AfterEventTrigger(name, d + delay)
        case sc.AllTrigger(conditions=parts) | sc.AnyTrigger(conditions=parts):
            shifted = [delayed(p, delay) for p in parts]
            if any(s is None for s in shifted):
                return None
            combine = all_of if isinstance(trigger, sc.AllTrigger) else any_of
            return combine(shifted)  # type: ignore[arg-type]
    return None
