"""Load-time checks across fields of drone and skill files: vector lengths, duplicate names."""

from __future__ import annotations

import pytest

from gauntlet.scenarios import ScenarioErrors, parse_scenario

SKILL = """\
domain: skill
name: move
objects:
  - {name: cube, position_m: [0.45, -0.1]}
fixtures:
  - zone: {name: target, position_m: [0.45, 0.15]}
steps:
  - reach: cube
  - grasp: cube
  - lift: {}
  - transport: {target: target, offset_m: [0.0, 0.01]}
  - place: {target: target, offset_m: [0.0, 0.01]}
  - release: {}
  - transport: {by_m: [0.0, 0.0, 0.1]}
"""


def errors_of(text: str) -> list[str]:
    with pytest.raises(ScenarioErrors) as info:
        parse_scenario(text, "cell.yaml")
    return [str(e) for e in info.value.errors]


def test_step_vectors_of_the_right_length_load() -> None:
    scenario = parse_scenario(SKILL)
    assert scenario.steps[3].offset_m == (0.0, 0.01)
    assert scenario.steps[6].by_m == (0.0, 0.0, 0.1)
    assert parse_scenario(SKILL.replace(", offset_m: [0.0, 0.01]", "")).steps[4].offset_m == ()


def test_step_vectors_of_the_wrong_length_are_errors() -> None:
    text = (
        SKILL.replace(
            "transport: {target: target, offset_m: [0.0, 0.01]}",
            "transport: {target: target, offset_m: [0.0, 0.01, 0.2]}",
        )
        .replace(
            "place: {target: target, offset_m: [0.0, 0.01]}",
            "place: {target: target, offset_m: [0.1]}",
        )
        .replace("by_m: [0.0, 0.0, 0.1]", "by_m: [0.0, 0.1]")
    )
    assert errors_of(text) == [
        "cell.yaml:11: steps[3].transport.offset_m: expected [] or a list of 2 numbers (x, y), got 3",
        "cell.yaml:12: steps[4].place.offset_m: expected [] or a list of 2 numbers (x, y), got 1",
        "cell.yaml:14: steps[6].transport.by_m: expected [] or a list of 3 numbers (x, y, z), got 2",
    ]


def test_skill_scene_names_are_unique_across_objects_and_fixtures() -> None:
    text = SKILL.replace("zone: {name: target,", "zone: {name: cube,").replace(
        "target: target", "target: cube"
    )
    assert errors_of(text) == [
        "cell.yaml:6: fixtures[0].zone.name: duplicate scene name 'cube' (first at objects[0], line 4)"
    ]


DRONES = """\
domain: drone
name: pair
drones:
  - {name: a, mission: {waypoints: {points_m: [[10, 0, 5]]}}}
  - {name: b, mission: {waypoints: {points_m: [[10, 5, 5]]}}}
  - {name: a, mission: {waypoints: {points_m: [[10, 9, 5]]}}}
"""


def test_drone_names_are_unique() -> None:
    assert errors_of(DRONES) == [
        "cell.yaml:6: drones[2].name: duplicate drone name 'a' (first at drones[0], line 4)"
    ]
