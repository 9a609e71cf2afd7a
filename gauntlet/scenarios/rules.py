"""Rules of the format that field types and bounds cannot express.

Each rule looks at one object of a converted scenario and reports problems at
its key path. Rules that need the map (lane ids, signal ids) are checked when
the world is built.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from gauntlet.scenarios.errors import KeyPath, ScenarioError, error_at
from gauntlet.scenarios.references import iter_with_paths
from gauntlet.scenarios.schema import (
    AllTrigger,
    AnyTrigger,
    Ego,
    FollowRouteAction,
    FollowTrajectoryAction,
    HazardBroadcast,
    KeepDistanceAction,
    RoadsideUnit,
    Scenario,
    SignalPlan,
    SpatBroadcast,
    SpeedAction,
    Variations,
    WalkBehaviour,
)

Problem = tuple[KeyPath, str]


def check_rules(scenario: Scenario) -> list[ScenarioError]:
    """Apply every rule to every object of ``scenario``.

    Returns:
        The problems found, located with ``scenario.source``.
    """
    errors = []
    for path, obj in iter_with_paths(scenario):
        rule = RULES.get(type(obj))
        if rule is not None:
            for relative, message in rule(obj):
                errors.append(error_at(scenario.source, (*path, *relative), message))
    return errors


def _speed_transition(action: SpeedAction) -> Iterator[Problem]:
    given = [
        name
        for name in ("duration_s", "rate_mps2", "distance_m")
        if getattr(action, name) is not None
    ]
    if action.shape != "step" and len(given) != 1:
        found = f"got {', '.join(given)}" if given else "got none"
        yield (
            (),
            f"a '{action.shape}' speed change needs exactly one of duration_s, rate_mps2, distance_m; {found}",
        )


def _keep_distance(action: KeepDistanceAction) -> Iterator[Problem]:
    given = [name for name in ("distance_m", "time_gap_s") if getattr(action, name) is not None]
    if len(given) != 1:
        found = f"got {', '.join(given)}" if given else "got none"
        yield (), f"keep_distance needs exactly one of distance_m, time_gap_s; {found}"
    if action.other == action.entity:
        yield ("other",), f"an entity cannot keep a distance to itself ({action.entity!r})"


def _trajectory(action: FollowTrajectoryAction) -> Iterator[Problem]:
    if len(action.points) < 2:
        yield ("points",), f"expected at least two points, got {len(action.points)}"
    for index in range(1, len(action.points)):
        before, after = action.points[index - 1].t_s, action.points[index].t_s
        if after <= before:
            yield ("points", index, "t_s"), f"times must increase: {after!r} follows {before!r}"


def _not_empty(field: str, noun: str) -> Callable[[Any], Iterator[Problem]]:
    def rule(obj: Any) -> Iterator[Problem]:
        if not getattr(obj, field):
            yield (field,), f"expected at least one {noun}, got an empty list"

    return rule


def _exclude(variations: Variations) -> Iterator[Problem]:
    swept: dict[str, Any] = {k: list(v) for k, v in variations.grid.items()}
    swept.update(variations.ranges)
    for index, rule in enumerate(variations.exclude):
        if not rule:
            yield ("exclude", index), "expected at least one parameter, got an empty mapping"
        for name, value in rule.items():
            if name not in swept:
                known = ", ".join(swept) or "none"
                yield (
                    ("exclude", index, name),
                    f"'{name}' is not a grid or ranges parameter; swept: {known}",
                )
            elif name in variations.grid and not any(
                value == g and isinstance(value, bool) == isinstance(g, bool) for g in swept[name]
            ):
                yield (
                    ("exclude", index, name),
                    f"{value!r} is not one of the grid values {swept[name]!r}; it excludes nothing",
                )


def _hazard_window(hazard: HazardBroadcast) -> Iterator[Problem]:
    if hazard.until_s is not None and hazard.until_s <= hazard.from_s:
        yield ("until_s",), f"must be after from_s ({hazard.from_s!r}), got {hazard.until_s!r}"


def _v2x_stations(scenario: Scenario) -> Iterator[Problem]:
    """Entity radios need the scenario's channel; station names are unique; only vehicles are emergency vehicles."""
    for index, entity in enumerate(scenario.entities):
        if entity.v2x is None:
            continue
        if scenario.v2x is None:
            yield ("entities", index, "v2x"), "needs the scenario's v2x section (the channel)"
        if entity.v2x.emergency and entity.type in ("pedestrian", "obstacle"):
            yield (
                ("entities", index, "v2x", "emergency"),
                f"an emergency vehicle must be a vehicle, not a {entity.type}",
            )
    if scenario.v2x is None:
        return
    taken = {e.name: "an entity" for e in scenario.entities}
    for index, unit in enumerate(scenario.v2x.roadside_units):
        if unit.name in taken:
            yield (
                ("v2x", "roadside_units", index, "name"),
                f"duplicate station name '{unit.name}' (already {taken[unit.name]})",
            )
        taken.setdefault(unit.name, "a roadside unit")


def _sensors(
    sensors: tuple[Any, ...], reserved: dict[str, str], duplicate: Callable[[str], str]
) -> Iterator[Problem]:
    """Sensor names are unique and not reserved; kind, preset and overrides make a sensor.

    Args:
        sensors: Ego or roadside sensor declarations (``name``, ``kind``,
            ``preset``, ``params``), at key path ``sensors``.
        reserved: Names a sensor may not take, each with the reason.
        duplicate: The message for a name used a second time.
    """
    if not sensors:
        return
    from gauntlet.sensors.catalog import SensorConfigError, sensor_config  # only when declared

    seen: set[str] = set()
    for index, sensor in enumerate(sensors):
        where = ("sensors", index)
        if sensor.name in reserved:
            yield (*where, "name"), reserved[sensor.name]
        elif sensor.name in seen:
            yield (*where, "name"), duplicate(sensor.name)
        seen.add(sensor.name)
        try:
            sensor_config(sensor.kind, sensor.preset, sensor.params)
        except SensorConfigError as exc:
            yield (*where, *exc.key), str(exc)


def _ego_sensors(ego: Ego) -> Iterator[Problem]:
    """The ego's sensors; ``v2x`` is the key of the V2X inbox in its observation."""
    return _sensors(
        ego.sensors,
        {"v2x": "'v2x' is the key of the V2X inbox; choose another name"},
        lambda name: f"duplicate sensor name '{name}'",
    )


def _roadside_sensors(unit: RoadsideUnit) -> Iterator[Problem]:
    """A roadside unit's sensors, checked at load like the ego's (all problems, not the first)."""
    return _sensors(
        unit.sensors,
        {},
        lambda name: f"sensor name {name!r} is used twice on roadside unit {unit.name!r}",
    )


#: The rule for each schema class that has one.
RULES: dict[type, Callable[[Any], Iterator[Problem]]] = {
    SpeedAction: _speed_transition,
    KeepDistanceAction: _keep_distance,
    FollowTrajectoryAction: _trajectory,
    FollowRouteAction: _not_empty("waypoints", "waypoint"),
    WalkBehaviour: _not_empty("path", "waypoint"),
    AllTrigger: _not_empty("conditions", "condition"),
    AnyTrigger: _not_empty("conditions", "condition"),
    SignalPlan: _not_empty("signals", "signal id"),
    SpatBroadcast: _not_empty("signals", "signal id"),
    HazardBroadcast: _hazard_window,
    Variations: _exclude,
    Scenario: _v2x_stations,
    Ego: _ego_sensors,
    RoadsideUnit: _roadside_sensors,
}
