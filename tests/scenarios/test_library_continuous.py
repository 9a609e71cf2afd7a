"""The continuous scenario library: size, chained events, whole-route criteria, runs.

Every file under ``scenarios/continuous`` is a logical scenario of the
``continuous`` category on the ``corridor`` map. Together they expand to at
least 100 concrete scenarios with unique ids, every one of them a route of
1 to 10 km that chains at least five events and is judged on the whole
route; each file loads, dumps and reloads to an equal scenario; the first
concrete scenario of each file runs, shortened, without an ERROR; and the
shortest route runs to its end and passes.
"""

from __future__ import annotations

import dataclasses
from functools import cache
from pathlib import Path

import pytest

from gauntlet.evaluation.result import Status
from gauntlet.runner.single import RunOptions, run_scenario
from gauntlet.scenarios import dump_scenario, find_scenario_files, load_scenario, parse_scenario
from gauntlet.scenarios import schema as sc
from gauntlet.scenarios.loader import load_concrete
from gauntlet.scenarios.schema import Scenario
from gauntlet.scenarios.variations import scenario_id

CONTINUOUS = Path(__file__).resolve().parents[2] / "scenarios" / "continuous"
FILES = find_scenario_files([CONTINUOUS]) if CONTINUOUS.is_dir() else []
MIN_CONCRETE = 100
SHORT_RUN_S = 8.0
#: Criteria every continuous scenario holds over its whole route.
ROUTE_WIDE = {"collision", "off_road", "red_light", "speeding", "reach", "route_completion"}


def _rel(path: Path) -> str:
    return path.relative_to(CONTINUOUS).as_posix()


@cache
def _concrete(path: Path) -> tuple[Scenario, ...]:
    return tuple(load_concrete(path))


def _all() -> list[Scenario]:
    return [scenario for path in FILES for scenario in _concrete(path)]


def _events(scenario: Scenario) -> set[str]:
    """The events a concrete scenario chains, read from its map, entities and plans."""
    names = {e.name: e for e in scenario.entities}
    events = set()
    if any(
        isinstance(e.initial.position, sc.LanePosition) and e.initial.position.road == "3"
        for e in scenario.entities
    ):
        events.add("on-ramp merge")
    ego_route = names[scenario.ego.entity].route
    if any(isinstance(wp, sc.LanePosition) and wp.road == "4" for wp in ego_route):
        events.add("lane drop")  # the route runs through the lane drop
    closure = [
        e
        for e in scenario.entities
        if e.type == "obstacle" and getattr(e.initial.position, "road", None) == "5"
    ]
    if len(closure) >= 3:
        events.add("work zone")
    if "slow_truck" in names and scenario.storyboard:
        events.add("slow vehicle")
    waves = [event for event in scenario.storyboard if event.name.startswith("wave_")]
    if {"wave_left", "wave_right"} <= set(names) and len(waves) >= 2:
        events.add("stop-and-go waves")
    goal = ego_route[-1]
    if isinstance(goal, sc.LanePosition) and goal.road == "11":
        events.add("exit into town")
    if scenario.traffic_lights:
        events.add("signalised crossroads")
    return events


def test_the_library_has_files():
    assert len(FILES) >= 4, FILES


def test_at_least_100_unique_continuous_scenarios():
    ids = [scenario_id(s) for s in _all()]
    assert len(ids) >= MIN_CONCRETE
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, duplicates


def test_every_scenario_is_a_long_route_that_chains_five_events():
    lengths = []
    for scenario in _all():
        sid = scenario_id(scenario)
        assert scenario.category == "continuous", sid
        assert "continuous" in scenario.tags, sid
        assert scenario.map.generator == "corridor", sid
        length = float(scenario.map.params["length_m"])
        assert 1000.0 <= length <= 10_000.0, sid
        lengths.append(length)
        events = _events(scenario)
        assert len(events) >= 5, (sid, sorted(events))
    # Weighted towards 1-4 km, with a few up to 10 km.
    assert sum(length <= 4000.0 for length in lengths) >= 0.9 * len(lengths)
    assert max(lengths) == 10_000.0


def test_every_scenario_is_judged_on_the_whole_route():
    for scenario in _all():
        sid = scenario_id(scenario)
        kinds = {c.KIND: c for c in scenario.criteria}
        assert set(kinds) >= ROUTE_WIDE, (sid, sorted(kinds))
        assert kinds["route_completion"].min_pct == 100.0, sid
        goal = kinds["reach"].position
        assert isinstance(goal, sc.LanePosition) and goal.road == "11", sid
        # The run ends when the ego reaches the end of its route.
        assert any(isinstance(t, sc.ReachedPositionTrigger) for t in scenario.stop.when), sid
        assert scenario.dt_s == pytest.approx(0.1), sid


def test_names_are_unique_across_files():
    names = [load_scenario(path).name for path in FILES]
    assert len(names) == len(set(names)), names


@pytest.mark.parametrize("path", FILES, ids=[_rel(p) for p in FILES])
def test_load_dump_reload_is_equal(path):
    scenario = load_scenario(path)
    assert scenario.variations is not None, f"{path} is not a logical scenario"
    again = parse_scenario(dump_scenario(scenario), f"{path.name} (dumped)")
    assert again == scenario
    assert dump_scenario(again) == dump_scenario(scenario)


@pytest.mark.parametrize("path", FILES, ids=[_rel(p) for p in FILES])
def test_first_concrete_scenario_runs_without_error(path):
    scenario = _concrete(path)[0]
    short = dataclasses.replace(
        scenario, stop=dataclasses.replace(scenario.stop, duration_s=SHORT_RUN_S)
    )
    result = run_scenario(short, RunOptions(plots=False))
    assert result.status is not Status.ERROR, result.error
    assert result.sim_time_s > 0.0


def test_the_shortest_route_runs_to_its_end():
    path = CONTINUOUS / "highway_to_city.yaml"
    scenario = next(s for s in _concrete(path) if s.map.params["length_m"] == 1500.0)
    result = run_scenario(scenario, RunOptions(plots=False))
    assert result.status is Status.PASS, [c for c in result.criteria if c.status is Status.FAIL]
    assert result.stop_reason == "stop condition"
    assert result.scores["route_completion"] == pytest.approx(100.0)
    assert result.scores["infractions_per_km"] == 0.0
    # The ego drove the whole route: 1,500 m less the 30 m before its start and the
    # 60 m after its goal, give or take the lane changes (a few metres).
    assert result.metrics["distance_m"] == pytest.approx(1410.0, abs=15.0)
