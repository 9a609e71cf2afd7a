"""The converter's fixed-length tuples: ``tuple[float, float, float]`` is a list of exactly 3."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from gauntlet.scenarios import ScenarioErrors, introspect, parse_scenario
from gauntlet.scenarios.convert import INVALID, Converter, expected_name
from gauntlet.scenarios.jsonschema import scenario_json_schema
from gauntlet.scenarios.loader import load_yaml_with_lines
from gauntlet.scenarios.reference import type_text
from gauntlet.scenarios.schema import SourceInfo
from gauntlet.scenarios.spec import param


@dataclass(frozen=True)
class _Probe:
    """A mapping with fixed-length lists, for the tests."""

    at_m: tuple[float, float, float] = param(doc="A point [x, y, z], m.")
    path_m: tuple[tuple[float, float], ...] = param(doc="Points [x, y], m.", factory=tuple)
    cells: tuple[int, int] | None = param(None, doc="Cells along x and y.")


def _convert(text: str) -> tuple[object, list[str]]:
    data, lines = load_yaml_with_lines(text, "probe.yaml")
    converter = Converter(SourceInfo("probe.yaml", lines))
    result = converter.convert(_Probe, data, ())
    return result, [str(e) for e in converter.errors]


def test_right_lengths_convert_each_item() -> None:
    probe, errors = _convert("at_m: [1, 2.5, -3]\npath_m: [[0, 0], [10, 5]]\ncells: [4, 2.0]\n")
    assert errors == []
    assert probe == _Probe((1.0, 2.5, -3.0), ((0.0, 0.0), (10.0, 5.0)), (4, 2))
    assert all(type(v) is float for v in probe.at_m)
    assert all(type(v) is int for v in probe.cells)


def test_wrong_length_names_file_line_key_and_count() -> None:
    _, errors = _convert("cells: [1, 2]\nat_m: [1, 2]\n")
    assert errors == ["probe.yaml:2: at_m: expected a list of 3 numbers, got 2"]
    _, errors = _convert("at_m: [0, 0, 0]\npath_m:\n  - [0, 0]\n  - [1, 2, 3]\n")
    assert errors == ["probe.yaml:4: path_m[1]: expected a list of 2 numbers, got 3"]
    _, errors = _convert("at_m: [0, 0, 0]\ncells: [1, 2, 3, 4]\n")
    assert errors == ["probe.yaml:2: cells: expected a list of 2 integers, got 4"]


def test_not_a_list() -> None:
    _, errors = _convert("at_m: 5.0\n")
    assert errors == ["probe.yaml:1: at_m: expected a list of 3 numbers, got 5.0"]
    _, errors = _convert("at_m: {x: 1}\n")
    assert errors == ["probe.yaml:1: at_m: expected a list of 3 numbers, got a mapping"]


def test_wrong_item_type_names_the_item() -> None:
    _, errors = _convert("at_m:\n  - 1\n  - north\n  - true\n")
    assert errors == [
        "probe.yaml:3: at_m[1]: expected a number, got 'north'",
        "probe.yaml:4: at_m[2]: expected a number, got true",
    ]
    _, errors = _convert("at_m: [0, 0, 0]\ncells: [1.5, 2]\n")
    assert errors == ["probe.yaml:2: cells[0]: expected an integer, got 1.5"]


def test_introspection_and_names() -> None:
    tp = tuple[float, float, float]
    assert introspect.tuple_item(tp) is float
    assert introspect.tuple_length(tp) == 3
    assert introspect.tuple_length(tuple[float, ...]) is None
    assert introspect.tuple_length(float) is None
    assert expected_name(tp) == "a list of 3 numbers"
    assert expected_name(tuple[str, str]) == "a list of 2 strings"
    assert type_text(tp) == "list of number (exactly 3)"
    with pytest.raises(TypeError, match="one item type"):
        introspect.tuple_item(tuple[float, int])
    assert Converter(SourceInfo("x")).convert(tp, [1, 2], ()) is INVALID


def test_drone_documents_use_the_converter() -> None:
    text = """\
domain: drone
name: lengths
drones:
  - mission: {goal: [40, 0, 5]}
    start_m: [0, 0, 5]
obstacles:
  - tree: {position_m: [5, 1, 0]}
  - box: {center_m: [5, 1], size_m: [1, 1, 1]}
no_fly_zones:
  - cylinder: {center_m: [0, 0], radius_m: 3}
"""
    with pytest.raises(ScenarioErrors) as info:
        parse_scenario(text, "d.yaml")
    assert [str(e) for e in info.value.errors] == [
        "d.yaml:7: obstacles[0].tree.position_m: expected a list of 2 numbers, got 3",
        "d.yaml:8: obstacles[1].box.center_m: expected a list of 3 numbers, got 2",
    ]
    array = scenario_json_schema("drone")["$defs"]["Drone"]["properties"]["start_m"]
    assert (array["minItems"], array["maxItems"]) == (3, 3)


def test_swarm_documents_use_the_converter() -> None:
    text = """\
domain: swarm
name: lengths
fleet:
  - {kind: drone, count: 2, center_m: [0, 0, 0]}
tasks:
  - search: {area_m: [0, 0, 100], sectors: [2, 2]}
"""
    with pytest.raises(ScenarioErrors) as info:
        parse_scenario(text, "s.yaml")
    assert [str(e) for e in info.value.errors] == [
        "s.yaml:4: fleet[0].center_m: expected a list of 2 numbers, got 3",
        "s.yaml:6: tasks[0].search.area_m: expected a list of 4 numbers, got 3",
    ]
