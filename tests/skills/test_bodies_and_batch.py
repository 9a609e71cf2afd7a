"""The shared pybullet body helpers and the pool that runs library skills."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from gauntlet.dynamics.tyres import GRAVITY_MPS2
from gauntlet.library import library_root
from gauntlet.scenarios.files import load_file
from gauntlet.skills._pybullet import pb
from gauntlet.skills.batch import SkillJob, library_jobs, run_skill_jobs
from gauntlet.skills.bodies import box, grip, peg_hole_parts, perturbed, set_gravity
from gauntlet.skills.run import execute_skill
from gauntlet.skills.transfer import REALITY


def test_peg_hole_walls_leave_a_square_opening() -> None:
    # 36 mm opening, 50 mm deep, in a 120 mm block: walls 21 mm thick, centred 39 mm out.
    parts = peg_hole_parts(0.018, 0.05)
    np.testing.assert_allclose(
        [h for h, _ in parts], [(0.06, 0.021, 0.025)] * 2 + [(0.021, 0.018, 0.025)] * 2
    )
    np.testing.assert_allclose(
        [o for _, o in parts],
        [(0, -0.039, 0.025), (0, 0.039, 0.025), (-0.039, 0, 0.025), (0.039, 0, 0.025)],
        atol=1e-15,
    )


def test_perturbed_draws_only_when_there_is_a_spread() -> None:
    rng = np.random.default_rng(5)
    assert perturbed(rng, 0.8, 0.0) == 0.8
    # No draw was made: the generator is where a fresh one with the same seed is.
    expected = 0.8 * np.random.default_rng(5).uniform(0.8, 1.2)
    assert perturbed(rng, 0.8, 0.2) == expected
    assert 0.64 <= expected <= 0.96


def test_free_fall_under_standard_gravity_and_a_grip_that_holds() -> None:
    c = pb.connect(pb.DIRECT)
    try:
        set_gravity(c)
        dt = 1.0 / 240.0
        pb.setTimeStep(dt, physicsClientId=c)
        hand = box(c, (0.02, 0.02, 0.02), (0.0, 0.0, 1.0), 0.0, (1, 1, 1, 1))
        held = box(c, (0.02, 0.02, 0.02), (0.0, 0.0, 0.95), 0.1, (1, 0, 0, 1))
        free = box(c, (0.02, 0.02, 0.02), (1.0, 0.0, 1.0), 0.1, (0, 0, 1, 1))
        for body in (held, free):
            pb.changeDynamics(body, -1, linearDamping=0.0, physicsClientId=c)
        grip(c, hand, -1, held, -1, 100.0)
        steps = 120
        for _ in range(steps):
            pb.stepSimulation(physicsClientId=c)
        # Semi-implicit Euler: after N steps the drop is g dt^2 N (N + 1) / 2 (1.236 m).
        drop = GRAVITY_MPS2 * dt**2 * steps * (steps + 1) / 2
        z_free = pb.getBasePositionAndOrientation(free, physicsClientId=c)[0][2]
        assert 1.0 - z_free == pytest.approx(drop, rel=1e-6)
        z_held = pb.getBasePositionAndOrientation(held, physicsClientId=c)[0][2]
        assert z_held == pytest.approx(0.95, abs=1e-3)
    finally:
        pb.disconnect(c)


def test_a_pooled_job_runs_as_the_skill_run_it_names() -> None:
    file = str(library_root() / "skill" / "pick_and_place.yaml")
    jobs = library_jobs(file)
    assert len(jobs) == len(load_file(file)) and jobs[1] == SkillJob(file, 1)
    job = dataclasses.replace(jobs[0], randomisation=REALITY, seed=1000, tag=0)
    (outcome,) = run_skill_jobs([job], workers=1)
    scenario = dataclasses.replace(load_file(file)[0], randomisation=REALITY)
    run = execute_skill(scenario, 1000)
    assert (outcome.name, outcome.robot, outcome.tag) == (scenario.name, scenario.robot, 0)
    assert (outcome.success, outcome.time_s) == (run.success, run.time_s)
    np.testing.assert_array_equal(outcome.tcp_path, run.tcp_path)
