"""Writing scenarios: dump -> parse gives an equal scenario; the written form is compact."""

from __future__ import annotations

import dataclasses
import inspect
from pathlib import Path

import pytest
import yaml
from scenario_samples import EVERY_CLASS, MINIMAL, docs_example

from gauntlet.scenarios import (
    criteria_kinds,
    dump_scenario,
    entities,
    events,
    find_scenario_files,
    load_scenario,
    parse_scenario,
    positions,
    schema,
)
from gauntlet.scenarios.dump import to_raw
from gauntlet.scenarios.references import iter_with_paths
from gauntlet.scenarios.schema import (
    CollisionCriterion,
    Ego,
    Entity,
    Event,
    IdleBehaviour,
    InitialState,
    LaneChangeAction,
    LanePosition,
    ProceduralMap,
    Scenario,
    SimulationTimeTrigger,
)

REPO_ROOT = Path(__file__).resolve().parents[2]


def _round_trip(scenario: Scenario) -> Scenario:
    return parse_scenario(dump_scenario(scenario), "dumped.yaml")


@pytest.mark.parametrize(
    "text", [MINIMAL, EVERY_CLASS, docs_example()], ids=["minimal", "every_class", "docs_example"]
)
def test_dump_then_parse_is_equal(text):
    scenario = parse_scenario(text)
    again = _round_trip(scenario)
    assert again == scenario
    assert dump_scenario(again) == dump_scenario(scenario)


def test_samples_cover_every_schema_class():
    used = {
        type(obj)
        for text in (EVERY_CLASS, docs_example())
        for _, obj in iter_with_paths(parse_scenario(text))
    }
    modules = {
        schema.__name__,
        criteria_kinds.__name__,
        positions.__name__,
        entities.__name__,
        events.__name__,
    }
    declared = {
        cls
        for _, cls in inspect.getmembers(schema, inspect.isclass)
        if dataclasses.is_dataclass(cls)
        and cls.__module__ in modules
        and cls is not schema.SourceInfo
    }
    assert len(declared) > 60  # every file-format class, wherever it is defined
    assert declared - used == set()


def test_scenario_built_in_code_round_trips():
    scenario = Scenario(
        name="coded",
        map=ProceduralMap("straight", {"length_m": 300.0}),
        entities=(
            Entity("ego", "car", InitialState(LanePosition("1", -1, 0.0), speed_mps=12.0)),
            Entity(
                "parked",
                "car",
                InitialState(LanePosition("1", -2, 40.0)),
                behaviour=IdleBehaviour(),
            ),
        ),
        description="Uses ${ literally and $${ too",
        ego=Ego(params={"gains": [1.0, 2.0]}),
        storyboard=(Event("swerve", SimulationTimeTrigger(2.0), (LaneChangeAction("ego", -1),)),),
        criteria=(CollisionCriterion(),),
    )
    assert _round_trip(scenario) == scenario


def test_written_form():
    scenario = parse_scenario(docs_example())
    data = yaml.safe_load(dump_scenario(scenario))
    assert list(data)[:4] == ["gauntlet", "name", "map", "entities"]
    assert data["gauntlet"] == 1
    # Defaults are left out; tagged unions are one-key mappings.
    ego = data["entities"][0]
    assert ego == {
        "name": "ego",
        "type": "car",
        "initial": {
            "position": {"lane": {"road": "1", "lane": -2, "s_m": 100.0}},
            "speed_mps": 30.0,
        },
    }
    assert data["criteria"] == [{"collision": {}}, {"min_ttc": {"threshold_s": 1.5}}]
    assert "ego" in data and data["ego"] == {"params": {"cruise_speed_mps": 30.0}}
    assert "dt_s" not in data and "traffic_lights" not in data


def test_to_raw_writes_tagged_classes_in_their_one_key_form():
    assert to_raw(LanePosition("1", -1, 0.0, offset_m=0.0)) == {
        "lane": {"road": "1", "lane": -1, "s_m": 0.0}
    }
    assert to_raw(IdleBehaviour()) == {"idle": {}}


def test_shipped_scenarios_load_write_and_reload():
    library = REPO_ROOT / "scenarios"
    paths = find_scenario_files([library]) if library.is_dir() else []
    for path in paths:
        scenario = load_scenario(path)
        assert _round_trip(scenario) == scenario, path
