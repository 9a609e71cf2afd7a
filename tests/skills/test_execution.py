"""Skills run in simulation: success, determinism, preconditions, the runner's outputs."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from gauntlet.evaluation.result import Status
from gauntlet.library import library_root
from gauntlet.runner.single import RunOptions
from gauntlet.runner.skill import run_skill_scenario
from gauntlet.scenarios import skill as sk
from gauntlet.scenarios.files import load_file
from gauntlet.skills.run import execute_skill
from gauntlet.skills.transfer import REALITY, trajectory_error


def library(name: str, robot: str) -> sk.SkillScenario:
    scenarios = load_file(library_root() / "skill" / f"{name}.yaml")
    return next(s for s in scenarios if s.robot == robot)


@pytest.mark.parametrize("robot", ["panda", "ur5e"])
def test_pick_and_place_succeeds(robot: str) -> None:
    run = execute_skill(library("pick_and_place", robot), 0)
    assert run.success
    assert [r.status for r in run.steps] == ["ok"] * 6
    # Two fingers at 40 N each hold the cube: about 80 N, below the 200 N bound.
    assert 60.0 < run.max_contact_force_n < 200.0


def test_same_seed_gives_a_bit_identical_path() -> None:
    scenario = dataclasses.replace(library("pick_and_place", "xarm6"), randomisation=REALITY)
    a, b = execute_skill(scenario, 3), execute_skill(scenario, 3)
    np.testing.assert_array_equal(a.tcp_path, b.tcp_path)
    np.testing.assert_array_equal(a.joint_path, b.joint_path)


def test_grasp_before_reach_fails_its_precondition() -> None:
    base = library("pick_and_place", "panda")
    scenario = dataclasses.replace(base, steps=(sk.Grasp(target="cube"),))
    run = execute_skill(scenario, 0)
    assert not run.success
    assert run.steps[0].status == "precondition"
    assert run.steps[0].reason == "TCP is not above cube (reach it first)"


def test_runner_writes_trace_and_figure(tmp_path: Path) -> None:
    scenario = library("turn_valve", "kinova_gen3")
    result = run_skill_scenario(scenario, RunOptions(out_dir=tmp_path))
    assert result.status is Status.PASS
    assert result.id == "turn_valve/robot=kinova_gen3"
    assert result.metrics["success"] == 1.0
    assert result.metrics["primitives_ok"] == result.metrics["primitives"] == 4.0
    assert {c.name for c in result.criteria} >= {
        "skill_completed",
        "goal:valve_opened",
        "max_contact_force",
    }
    trace = np.load(tmp_path / result.trace)
    assert trace["tcp_xyz_m"].shape[1] == 3
    assert (tmp_path / result.plot).stat().st_size > 1000


def test_trajectory_error_is_the_rms_distance() -> None:
    a = np.zeros((4, 3))
    b = np.array([[0.0, 0.0, 0.0], [0.03, 0.04, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [9, 9, 9]])
    # Distances 0, 0.05, 0, 0 over the 4 common samples: sqrt(0.0025 / 4) = 0.025 m.
    assert trajectory_error(a, b) == pytest.approx(0.025)
