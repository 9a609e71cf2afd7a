"""The V2X scenario library: size, ids, expectations, a lossless written form, and the benefit.

Every file under ``scenarios/v2x`` is a logical scenario of the ``v2x``
category, swept over the channel's latency and loss (and the penetration
rate where a vehicle sends) with a ``connected=false`` baseline. Together
they expand to at least 150 concrete scenarios with unique ids, each tagged
with its expected outcome: ``connected`` (should pass), ``degraded`` (a poor
channel or partial penetration: may fail) or ``baseline`` (no V2X: expected
to fail).
"""

from __future__ import annotations

import dataclasses
from functools import cache
from pathlib import Path

import pytest

from gauntlet.evaluation.result import Status
from gauntlet.runner.single import RunOptions, run_scenario
from gauntlet.scenarios import dump_scenario, find_scenario_files, load_scenario, parse_scenario
from gauntlet.scenarios.loader import load_concrete
from gauntlet.scenarios.schema import Scenario
from gauntlet.scenarios.variations import scenario_id

V2X = Path(__file__).resolve().parents[2] / "scenarios" / "v2x"
FILES = find_scenario_files([V2X]) if V2X.is_dir() else []
MIN_CONCRETE = 150
EXPECTATIONS = {"connected", "degraded", "baseline"}
SHORT_RUN_S = 6.0


def _rel(path: Path) -> str:
    return path.relative_to(V2X).as_posix()


@cache
def _concrete(path: Path) -> tuple[Scenario, ...]:
    return tuple(load_concrete(path))


def _variant(path: Path, **values) -> Scenario:
    for scenario in _concrete(path):
        params = dict(scenario.variation)
        if all(params.get(k) == v for k, v in values.items()):
            return scenario
    raise AssertionError(f"no variant {values} in {path}")


def test_the_library_has_the_use_cases():
    names = {load_scenario(p).name for p in FILES}
    assert names >= {
        "v2x/glosa",
        "v2x/red_light_warning",
        "v2x/occluded_crossing",
        "v2x/emergency_brake_fog",
        "v2x/hazard_warning",
        "v2x/emergency_vehicle",
        "v2x/occluded_pedestrian",
    }


def test_at_least_150_unique_v2x_scenarios_with_expectations():
    ids: list[str] = []
    for path in FILES:
        for scenario in _concrete(path):
            sid = scenario_id(scenario)
            assert scenario.category == "v2x", sid
            assert "v2x" in scenario.tags, sid
            assert scenario.criteria, sid
            assert scenario.v2x is not None, sid
            expected = EXPECTATIONS.intersection(scenario.tags)
            assert len(expected) == 1, (sid, scenario.tags)
            connected = dict(scenario.variation)["connected"]
            assert (expected == {"baseline"}) == (connected is False), sid
            assert scenario.stop.duration_s <= 30.0, sid
            ids.append(sid)
    assert len(ids) >= MIN_CONCRETE
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, duplicates


@pytest.mark.parametrize("path", FILES, ids=[_rel(p) for p in FILES])
def test_every_file_sweeps_latency_loss_and_a_baseline(path):
    scenario = load_scenario(path)
    assert scenario.variations is not None
    swept = set(scenario.variations.grid)
    assert {"connected", "latency_s", "loss"} <= swept
    baselines = [s for s in _concrete(path) if "baseline" in s.tags]
    connected = [s for s in _concrete(path) if "baseline" not in s.tags]
    # One baseline per physical variant, not one per channel setting.
    assert 0 < len(baselines) < len(connected)


@pytest.mark.parametrize("path", FILES, ids=[_rel(p) for p in FILES])
def test_load_dump_reload_is_equal(path):
    scenario = load_scenario(path)
    again = parse_scenario(dump_scenario(scenario), f"{path.name} (dumped)")
    assert again == scenario
    assert dump_scenario(again) == dump_scenario(scenario)


@pytest.mark.parametrize("path", FILES, ids=[_rel(p) for p in FILES])
def test_first_concrete_scenario_runs_without_error(path):
    scenario = _concrete(path)[0]
    short = dataclasses.replace(
        scenario,
        stop=dataclasses.replace(
            scenario.stop, duration_s=min(scenario.stop.duration_s, SHORT_RUN_S)
        ),
    )
    result = run_scenario(short, RunOptions(plots=False))
    assert result.status in (Status.PASS, Status.FAIL), result.error
    assert result.sim_time_s > 0.0


@pytest.mark.parametrize(
    "name", ["occluded_pedestrian.yaml", "emergency_brake_fog.yaml", "occluded_crossing.yaml"]
)
def test_connected_ego_avoids_the_collision_of_the_baseline(name):
    path = V2X / name
    channel = {"latency_s": 0.05, "loss": 0.0}
    baseline = run_scenario(_variant(path, connected=False, **channel), RunOptions(plots=False))
    connected = run_scenario(
        _variant(
            path,
            connected=True,
            **channel,
            **({"penetration": 1.0} if "penetration" in dict(_concrete(path)[0].variation) else {}),
        ),
        RunOptions(plots=False),
    )
    collisions = {r.name: r for r in baseline.criteria}["collision"]
    assert collisions.status is Status.FAIL and collisions.actual >= 1
    assert baseline.stop_reason == "collision"
    assert connected.status is Status.PASS, connected.criteria
    assert {r.name: r for r in connected.criteria}["collision"].actual == 0
