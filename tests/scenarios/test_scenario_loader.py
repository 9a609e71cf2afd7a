"""Loading valid scenarios: the values that come out, the short forms, the line table."""

from __future__ import annotations

import pytest
from scenario_samples import MINIMAL, line_of

from gauntlet.scenarios import load_scenario, load_yaml_with_lines, parse_scenario
from gauntlet.scenarios.schema import (
    AfterEventTrigger,
    AllTrigger,
    CollisionCriterion,
    CruiseBehaviour,
    DistanceTrigger,
    IdleBehaviour,
    LaneChangeAction,
    LanePosition,
    MinTimeToCollisionCriterion,
    MotionModelSpec,
    OpenDriveMap,
    ProceduralMap,
    RelativeLanePosition,
    SimulationTimeTrigger,
    SpeedAction,
    SpeedTrigger,
)


def test_docs_example_values(write, example_text):
    path = write(example_text, "highway_cut_in.yaml")
    scenario = load_scenario(path)

    assert scenario.name == "highway_cut_in"
    assert scenario.gauntlet == 1
    assert scenario.seed == 7
    assert scenario.tags == ("highway", "cut_in")
    assert scenario.map == ProceduralMap("highway", {"lanes": 3, "length_m": 2000.0})
    assert scenario.ego.entity == "ego"
    assert scenario.ego.stack == "reference"
    assert scenario.ego.params == {"cruise_speed_mps": 30.0}

    ego, lead, cut_in = scenario.entities
    assert ego.initial.position == LanePosition(road="1", lane=-2, s_m=100.0)
    assert isinstance(ego.initial.position.road, str)
    assert ego.initial.speed_mps == 30.0
    assert lead.initial.position == RelativeLanePosition(entity="ego", ds_m=80.0)
    assert lead.behaviour == CruiseBehaviour()
    assert cut_in.initial.position == RelativeLanePosition(entity="ego", ds_m=60.0, lanes=-1)
    assert cut_in.initial.speed_mps == 22.0  # ${ego_speed_mps - 8}
    assert cut_in.dimensions.length_m == 4.6
    assert cut_in.dimensions.height_m == 1.5  # default
    assert cut_in.behaviour == CruiseBehaviour()

    cut, brake = scenario.storyboard
    assert cut.name == "cut_in_begins"
    assert cut.trigger == DistanceTrigger(entity="ego", other="cut_in", value_m=25.0, rule="<")
    assert cut.trigger.value_m == 25.0
    (lane_change,) = cut.actions
    assert isinstance(lane_change, LaneChangeAction)
    assert lane_change.lanes == 1
    assert lane_change.duration_s == 3.0
    assert lane_change.shape == "cubic"
    assert brake.trigger == AfterEventTrigger(event="cut_in_begins", delay_s=2.0)
    assert brake.actions == (SpeedAction(entity="cut_in", target_mps=15.0, rate_mps2=3.0),)

    assert scenario.stop.duration_s == 20.0
    assert scenario.stop.on_collision is True
    assert scenario.criteria == (CollisionCriterion(), MinTimeToCollisionCriterion(threshold_s=1.5))
    assert scenario.parameters == {
        "ego_speed_mps": 30.0,
        "lead_gap_m": 80.0,
        "cut_in_gap_m": 25.0,
        "cut_in_speed_mps": 22.0,
    }


def test_source_records_file_and_lines(write, example_text):
    path = write(example_text, "highway_cut_in.yaml")
    source = load_scenario(path).source

    assert source.file == str(path)
    assert source.line_of(("name",)) == line_of(example_text, "name: highway_cut_in")
    assert source.line_of(("entities", 2)) == line_of(example_text, "- name: cut_in")
    lane_change_line = line_of(example_text, "lane_change:")
    assert source.line_of(("storyboard", 0, "actions", 0, "lane_change")) == lane_change_line
    assert (
        source.line_of(("storyboard", 0, "actions", 0, "lane_change", "lanes")) == lane_change_line
    )
    # Paths without a line of their own (defaults) fall back to their closest ancestor.
    assert source.line_of(("stop", "on_collision")) == line_of(example_text, "stop:")


def test_short_forms():
    text = MINIMAL + (
        "  - name: parked\n"
        "    type: car\n"
        "    model: kinematic_bicycle\n"
        "    behaviour: idle\n"
        "    initial: {position: {lane: {road: 1, lane: -2, s_m: 30}}}\n"
        "  - name: cone\n"
        "    type: obstacle\n"
        "    behaviour: {idle: null}\n"
        "    initial: {position: {world: {x_m: 3, y_m: 4}}}\n"
        "storyboard:\n"
        "  - name: go\n"
        "    trigger: {simulation_time: 5}\n"
        "    actions: [{speed: {entity: ego, target_mps: 20, shape: step}}]\n"
        "  - name: later\n"
        "    trigger: {all: [{after_event: go}, {speed: {entity: ego, value_mps: 19.5}}]}\n"
        "    actions: [{stop: {entity: ego}}]\n"
        "criteria: [collision, off_road]\n"
    )
    scenario = parse_scenario(
        text.replace("{procedural: {generator: straight}}", "{opendrive: maps/a.xodr}")
    )

    assert scenario.map == OpenDriveMap(file="maps/a.xodr")
    parked, cone = scenario.entities[1:]
    assert parked.model == MotionModelSpec(name="kinematic_bicycle")
    assert parked.behaviour == IdleBehaviour()
    assert parked.initial.position == LanePosition(road="1", lane=-2, s_m=30.0)
    assert isinstance(parked.initial.position.s_m, float)
    assert cone.behaviour == IdleBehaviour()
    assert scenario.storyboard[0].trigger == SimulationTimeTrigger(value_s=5.0)
    assert scenario.storyboard[1].trigger == AllTrigger(
        (AfterEventTrigger(event="go"), SpeedTrigger(entity="ego", value_mps=19.5))
    )
    assert [type(c).__name__ for c in scenario.criteria] == [
        "CollisionCriterion",
        "OffRoadCriterion",
    ]


def test_integral_float_accepted_for_integer():
    scenario = parse_scenario(MINIMAL.replace("lane: -1", "lane: -1.0") + "seed: 3.0\n")
    assert scenario.entities[0].initial.position.lane == -1
    assert isinstance(scenario.seed, int)
    assert scenario.seed == 3


def test_generator_params_keep_their_types():
    text = MINIMAL.replace(
        "{generator: straight}",
        "{generator: highway, params: {lanes: 3, length_m: 5, curvy: false, name: a}}",
    )
    params = parse_scenario(text).map.params
    assert params == {"lanes": 3, "length_m": 5, "curvy": False, "name": "a"}
    assert [type(v) for v in params.values()] == [int, int, bool, str]


def test_yaml_anchors_and_merge_keys():
    text = MINIMAL + (
        "  - &parked\n"
        "    name: parked_1\n"
        "    type: car\n"
        "    behaviour: idle\n"
        "    initial: {position: {lane: {road: '1', lane: -2, s_m: 30}}}\n"
        "  - <<: *parked\n"
        "    name: parked_2\n"
    )
    scenario = parse_scenario(text)
    assert [e.name for e in scenario.entities] == ["ego", "parked_1", "parked_2"]
    assert scenario.entities[2].initial == scenario.entities[1].initial
    assert scenario.source.line_of(("entities", 2, "type")) == line_of(text, "<<: *parked")


def test_load_yaml_with_lines_keys_match_safe_load():
    data, lines = load_yaml_with_lines("a:\n  1: x\n  '2': y\nb: [p, {q: 1}]\n", "f.yaml")
    assert data == {"a": {1: "x", "2": "y"}, "b": ["p", {"q": 1}]}
    assert lines == {
        (): 1,
        ("a",): 1,
        ("a", 1): 2,
        ("a", "2"): 3,
        ("b",): 4,
        ("b", 0): 4,
        ("b", 1): 4,
        ("b", 1, "q"): 4,
    }


def test_unsafe_tags_are_not_constructed(one_error):
    error = one_error(MINIMAL + "description: !!python/object/apply:os.system ['true']\n")
    assert error.line == 10
    assert "could not determine a constructor" in error.message


@pytest.mark.parametrize("value", ["1", "'1'", '"1"'])
def test_road_ids_may_be_written_as_integers(value):
    scenario = parse_scenario(MINIMAL.replace('road: "1"', f"road: {value}"))
    assert scenario.entities[0].initial.position.road == "1"
