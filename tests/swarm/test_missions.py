"""Swarm missions end to end: the runner, determinism, and re-allocation after losing 20 % of the nodes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from gauntlet.evaluation.result import Status
from gauntlet.runner.single import RunOptions, run_scenario
from gauntlet.runner.swarm import mission_trace
from gauntlet.scenarios.loader import load_scenario
from gauntlet.scenarios.swarm import RemoveNodes
from gauntlet.swarm.metrics import WALL_CLOCK_METRICS, mission_metrics
from gauntlet.swarm.mission import SwarmMission
from gauntlet.swarm.world import ROLE_AGENT

SWARM_DIR = Path(__file__).resolve().parents[2] / "scenarios" / "swarm"


def short(name: str, duration_s: float, **changes):
    return replace(load_scenario(SWARM_DIR / f"{name}.yaml"), duration_s=duration_s, **changes)


def test_suite_scenario_runs_through_the_runner(tmp_path: Path) -> None:
    scenario = short(
        "warehouse_agv",
        12.0,
        criteria=replace(
            load_scenario(SWARM_DIR / "warehouse_agv.yaml").criteria, min_completion=0.0
        ),
    )
    result = run_scenario(scenario, RunOptions(out_dir=tmp_path))
    assert result.status is Status.PASS, result.error or [
        c for c in result.criteria if c.status is Status.FAIL
    ]
    assert result.id == "warehouse_agv_transport" and result.stack == "swarm"
    assert result.steps == 480 and result.sim_time_s == pytest.approx(12.0)
    by_name = {c.name: c for c in result.criteria}
    assert by_name["allocation_time"].actual <= 1.0
    assert by_name["station_usv"].status is Status.NOT_EVALUATED
    assert (tmp_path / result.trace).is_file() and (tmp_path / result.plot).is_file()
    # Some AGV has picked up a load and is on its way to the drop.
    assert result.metrics["messages_sent"] > 0 and result.metrics["agents_at_start"] == 20


def test_same_seed_gives_identical_trace_and_metrics() -> None:
    scenario = short("convoy_escort", 6.0)
    runs = []
    for _ in range(2):
        mission = SwarmMission(scenario, 5)
        mission.run()
        runs.append((mission_trace(mission), mission_metrics(mission)))
    (ta, ma), (tb, mb) = runs
    assert ta.keys() == tb.keys()
    for key in ta:
        np.testing.assert_array_equal(ta[key], tb[key])
    assert {k: v for k, v in ma.items() if k not in WALL_CLOCK_METRICS} == {
        k: v for k, v in mb.items() if k not in WALL_CLOCK_METRICS
    }


def test_reallocation_after_removing_a_fifth_of_the_swarm() -> None:
    scenario = short("node_loss_joiners", 11.0, events=(RemoveNodes(at_s=6.0, fraction=0.2),))
    scenario = replace(scenario, fleet=scenario.fleet[:2])  # no late joiners here
    mission = SwarmMission(scenario, 21)
    w, st = mission.world, mission.stack
    while w.time_s < 6.0 - 1e-9:
        mission.step()
    agents = np.flatnonzero(w.active & (w.role == ROLE_AGENT))
    held = {int(st.task[i]): int(i) for i in agents if st.task[i] >= 0}
    mission.step()  # the event fires: 12 of 60 agents announce they leave
    removed = np.flatnonzero(w.removed)
    assert len(removed) == 12
    orphaned = [j for j, i in held.items() if i in removed and not st.cbba.done[:, j].any()]
    assert orphaned
    while w.time_s < 11.0 - 1e-9:
        mission.step()
    survivors = np.flatnonzero(w.active & (w.role == ROLE_AGENT))
    # Every orphaned task that is not finished yet has a surviving winner, agreed by all survivors.
    for j in orphaned:
        if st.cbba.done[survivors, j].any():
            continue
        winners = set(st.cbba.z[survivors, j].tolist())
        assert len(winners) == 1 and winners.pop() in survivors
    # Nobody still believes a removed node wins anything.
    assert not np.isin(st.cbba.z[survivors], removed).any()
    # The re-allocation was recorded: agreement within 1 s of the event.
    (start, took), *_ = [a for a in mission.record.allocations if a[0] > 0]
    assert start == pytest.approx(6.0) and took <= 1.0
