"""Every kind of error names the file, the line, the key path and what was expected."""

from __future__ import annotations

import pickle

import pytest
from scenario_samples import MINIMAL, line_of

from gauntlet.scenarios import (
    ScenarioError,
    ScenarioErrors,
    error_at,
    load_scenario,
    parse_scenario,
)
from gauntlet.scenarios.schema import SourceInfo

LEAD = """\
  - name: lead
    type: car
    initial:
      position: {relative_lane: {entity: ego, ds_m: 30.0}}
      speed_mps: 8.0
"""


def test_error_str_format():
    error = ScenarioError(
        "cut_in.yaml", 14, ("entities", 1, "initial", "speed_mps"), "expected a number, got 'fast'"
    )
    assert (
        str(error) == "cut_in.yaml:14: entities[1].initial.speed_mps: expected a number, got 'fast'"
    )
    assert str(ScenarioError("a.yaml", None, (), "file not found")) == "a.yaml: file not found"
    assert str(ScenarioError("a.yaml", 3, ("x", 0, 1, "y"), "m")) == "a.yaml:3: x[0][1].y: m"
    assert isinstance(error, ValueError)


def test_errors_pickle_for_worker_processes():
    error = ScenarioError("a.yaml", 2, ("name",), "bad")
    errors = ScenarioErrors([error, ScenarioError("a.yaml", 1, (), "worse")])
    restored = pickle.loads(pickle.dumps(errors))
    assert str(restored) == str(errors) == "a.yaml:1: worse\na.yaml:2: name: bad"
    assert pickle.loads(pickle.dumps(error)).path == ("name",)


def test_wrong_type(write):
    text = MINIMAL + LEAD.replace("speed_mps: 8.0", "speed_mps: fast")
    path = write(text, "cut_in.yaml")
    with pytest.raises(ScenarioErrors) as info:
        load_scenario(path)
    (error,) = info.value.errors
    line = line_of(text, "speed_mps: fast")
    assert (
        str(error) == f"{path}:{line}: entities[1].initial.speed_mps: expected a number, got 'fast'"
    )
    assert (error.file, error.line, error.path) == (
        str(path),
        line,
        ("entities", 1, "initial", "speed_mps"),
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("speed_mps: 10.0", "speed_mps: true", "expected a number, got true"),
        ("lane: -1", "lane: -1.5", "expected an integer, got -1.5"),
        ("lane: -1", "lane: false", "expected an integer, got false"),
        (
            "s_m: 10.0",
            "s_m: 1e3",
            "expected a number, got '1e3' (a string: YAML reads 1e3 as text; write 1.0e+3)",
        ),
        ("s_m: 10.0", "s_m: .nan", "expected a finite number, got nan"),
        (
            "s_m: 10.0",
            "s_m: 1" + "0" * 400,
            "expected a number within float range, got an integer of about 400 digits",
        ),
        ('road: "1"', "road: 1.5", "expected a string, got 1.5"),
        (
            "type: car",
            "type: [car]",
            "expected one of 'car', 'truck', 'bus', 'motorcycle', 'bicycle', 'pedestrian', 'obstacle', got a list",
        ),
        (
            "type: car",
            "type: cra",
            "expected one of 'car', 'truck', 'bus', 'motorcycle', 'bicycle', 'pedestrian', 'obstacle', got 'cra'; did you mean 'car'?",
        ),
    ],
)
def test_wrong_types(one_error, old, new, message):
    text = MINIMAL.replace(old, new)
    error = one_error(text)
    assert error.message == message
    assert error.line == line_of(text, new)


def test_unknown_key_with_suggestion(one_error):
    text = MINIMAL.replace("speed_mps: 10.0", "speed: 10.0")
    error = one_error(text)
    assert error.message == "unknown key 'speed'; did you mean 'speed_mps'?"
    assert error.path == ("entities", 0, "initial", "speed")
    assert error.line == line_of(text, "speed: 10.0")


def test_unknown_key_lists_allowed_keys(one_error):
    text = MINIMAL + "stop: {duration_s: 10, zzz: 1}\n"
    error = one_error(text)
    assert error.message == "unknown key 'zzz'; allowed keys: duration_s, on_collision, when"
    assert error.line == line_of(text, "zzz")


def test_out_of_range_names_the_bound(one_error):
    text = MINIMAL + "dt_s: 0.0\n"
    error = one_error(text)
    assert (
        str(error) == f"{error.file}:{line_of(text, 'dt_s')}: dt_s: expected a value > 0, got 0.0"
    )
    error = one_error(MINIMAL.replace("s_m: 10.0", "s_m: -2"))
    assert error.message == "expected a value >= 0, got -2.0"
    assert error.path == ("entities", 0, "initial", "position", "lane", "s_m")


def test_missing_key(one_error):
    text = MINIMAL.replace("    type: car\n", "")
    error = one_error(text)
    assert error.message == "missing required key 'type'"
    assert error.path == ("entities", 0)
    assert error.line == line_of(text, "- name: ego")


def test_unknown_kind_with_suggestion(one_error):
    text = MINIMAL + "criteria: [{colision: {}}]\n"
    error = one_error(text)
    assert error.message == "unknown kind 'colision'; did you mean 'collision'?"
    assert error.path == ("criteria", 0, "colision")
    assert error.line == line_of(text, "colision")


def test_unknown_kind_lists_allowed_kinds(one_error):
    error = one_error(MINIMAL.replace("{lane: {", "{frenet: {"))
    assert (
        error.message
        == "unknown kind 'frenet'; allowed kinds: lane, relative_lane, relative_world, world"
    )


def test_kind_wrapper_forgotten(one_error):
    error = one_error(
        MINIMAL.replace(
            '{lane: {road: "1", lane: -1, s_m: 10.0}}', '{road: "1", lane: -1, s_m: 10.0}'
        )
    )
    assert error.message == (
        "expected a single kind key (one of world, lane, relative_lane, relative_world), "
        "got keys 'road', 'lane', 's_m'; did you mean {lane: {...}}?"
    )


def test_kind_without_a_shorthand(one_error):
    error = one_error(MINIMAL + "criteria: [{min_ttc: 1.5}]\n")
    assert error.message == "expected a mapping such as {min_ttc: {threshold_s: ...}}, got 1.5"
    assert error.path == ("criteria", 0, "min_ttc")


def test_bare_kind_that_needs_keys(one_error):
    error = one_error(MINIMAL + "criteria: [min_ttc]\n")
    assert error.message == "kind 'min_ttc' needs its keys: write {min_ttc: {threshold_s: ...}}"
    assert error.path == ("criteria", 0)


def test_all_errors_of_a_file_are_reported_in_line_order(errors_of):
    text = (
        MINIMAL.replace("type: car", "type: plane").replace("speed_mps: 10.0", "speed_mps: x")
        + "seed: -1\nfoo: 1\n"
    )
    errors = errors_of(text)
    assert [e.message.split(",")[0] for e in errors] == [
        "expected one of 'car'",
        "expected a number",
        "expected a value >= 0",
        "unknown key 'foo'; allowed keys: category",
    ]
    assert [e.line for e in errors] == sorted(e.line for e in errors)


def test_bad_entity_reference(one_error):
    text = (
        MINIMAL
        + LEAD
        + "storyboard:\n  - name: cut\n    trigger: {distance: {entity: ego, other: leed, value_m: 25}}\n    actions: [{stop: {entity: lead}}]\n"
    )
    error = one_error(text)
    assert error.message == "unknown entity 'leed'; did you mean 'lead'?"
    assert error.path == ("storyboard", 0, "trigger", "distance", "other")
    assert error.line == line_of(text, "other: leed")


def test_bad_references_everywhere(errors_of):
    text = (
        MINIMAL
        + LEAD.replace("entity: ego", "entity: nobody")
        + (
            "ego: {entity: car_1}\n"
            "storyboard:\n"
            "  - name: a\n"
            "    trigger: {after_event: b}\n"
            "    actions: [{lane_change: {entity: ghost, lanes: 1}}]\n"
            "criteria: [{min_distance: {threshold_m: 1, other: phantom}}]\n"
        )
    )
    messages = {(e.path[-1], e.message) for e in errors_of(text)}
    assert messages == {
        ("entity", "unknown entity 'nobody'; allowed entities: ego, lead"),
        ("entity", "unknown entity 'car_1'; allowed entities: ego, lead"),
        ("event", "unknown event 'b'; allowed events: a"),
        ("entity", "unknown entity 'ghost'; allowed entities: ego, lead"),
        ("other", "unknown entity 'phantom'; allowed entities: ego, lead"),
    }


def test_default_ego_missing(one_error):
    text = MINIMAL.replace("name: ego", "name: car_1")
    error = one_error(text)
    assert error.path == ("ego", "entity")
    assert error.message == (
        "unknown entity 'ego'; allowed entities: car_1 (the ego is the entity named 'ego' unless ego.entity says otherwise)"
    )
    assert error.line == 1


def test_duplicate_names(errors_of):
    text = MINIMAL + LEAD + LEAD.replace("ds_m: 30.0", "ds_m: 60.0")
    (error,) = errors_of(text)
    assert (
        error.message
        == f"duplicate entity name 'lead' (first at entities[1], line {line_of(text, 'name: lead')})"
    )
    assert error.line == line_of(text, "name: lead", occurrence=2)


def test_relative_start_positions_in_a_circle(one_error):
    text = (
        MINIMAL.replace(
            '{lane: {road: "1", lane: -1, s_m: 10.0}}', "{relative_lane: {entity: lead}}"
        )
        + LEAD
    )
    error = one_error(text)
    assert (
        error.message
        == "starting positions are relative to each other in a circle: ego -> lead -> ego"
    )
    assert error.line == line_of(text, "relative_lane: {entity: lead}")


def test_rules_across_fields(errors_of):
    text = MINIMAL + (
        "storyboard:\n"
        "  - name: slow\n"
        "    trigger: {simulation_time: 1}\n"
        "    actions:\n"
        "      - speed: {entity: ego, target_mps: 0}\n"
        "      - follow_trajectory:\n"
        "          entity: ego\n"
        "          points: [{t_s: 0, x_m: 0, y_m: 0}, {t_s: 0, x_m: 1, y_m: 0}]\n"
    )
    first, second = errors_of(text)
    assert (
        first.message
        == "a 'linear' speed change needs exactly one of duration_s, rate_mps2, distance_m; got none"
    )
    assert first.line == line_of(text, "- speed:")
    assert second.message == "times must increase: 0.0 follows 0.0"
    assert second.path == ("storyboard", 0, "actions", 1, "follow_trajectory", "points", 1, "t_s")


def test_bad_version(one_error):
    text = MINIMAL.replace("gauntlet: 1", "gauntlet: 2") + "unknown_key_of_v2: 1\n"
    error = one_error(text)
    assert error.message == "unsupported format version 2; supported versions: 1"
    assert (error.line, error.path) == (1, ("gauntlet",))
    error = one_error(MINIMAL.replace("gauntlet: 1", "gauntlet: one"))
    assert (
        error.message
        == "expected the format version as an integer (supported versions: 1), got 'one'"
    )


def test_yaml_syntax_error_line(one_error):
    text = MINIMAL.replace("    type: car\n", "    type: car\n   bad: [1,\n")
    error = one_error(text)
    assert error.line == 7
    assert error.message.startswith("invalid YAML: ")
    assert error.path == ()


def test_duplicate_key(one_error):
    text = MINIMAL.replace("    type: car\n", "    type: car\n    type: bus\n")
    error = one_error(text)
    assert error.message == "duplicate key 'type' (first on line 6)"
    assert error.line == 7


def test_missing_file(tmp_path):
    path = tmp_path / "nope.yaml"
    with pytest.raises(ScenarioErrors) as info:
        load_scenario(path)
    assert str(info.value) == f"{path}: file not found"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty; expected a scenario mapping"),
        ("# only a comment\n", "the file is empty; expected a scenario mapping"),
        ("- a\n- b\n", "expected a mapping of scenario keys at the top level, got a list"),
    ],
)
def test_not_a_scenario_mapping(text, message):
    with pytest.raises(ScenarioErrors) as info:
        parse_scenario(text, "x.yaml")
    assert [e.message for e in info.value] == [message]


def test_error_at_uses_the_scenario_source():
    scenario = parse_scenario(MINIMAL, "m.yaml")
    path = ("entities", 0, "initial", "position", "lane", "road")
    error = error_at(scenario.source, path, "road '1' is not in the map")
    assert (
        str(error)
        == f"m.yaml:{line_of(MINIMAL, 'road:')}: entities[0].initial.position.lane.road: road '1' is not in the map"
    )
    # A path without a line of its own takes its ancestor's line.
    assert error_at(
        scenario.source, ("entities", 0, "limits", "max_speed_mps"), "x"
    ).line == line_of(MINIMAL, "- name: ego")
    assert error_at(None, ("name",), "x").line is None
    assert error_at(SourceInfo("s.yaml"), (), "x").line is None
