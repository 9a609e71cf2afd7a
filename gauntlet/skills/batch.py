"""Run many library skill scenarios on a local process pool.

The success-rate measurement (:mod:`gauntlet.skills.catalog`) and the
transfer-gap study (:mod:`gauntlet.skills.transfer`) both run lists of
skill scenarios, each named by its file and its index among the file's
concrete scenarios, some with the randomisation of a "reality" variant and
a seed of their own. :func:`run_skill_jobs` runs such a list, in order, on
a pool of worker processes and returns one :class:`SkillOutcome` per job.
"""

from __future__ import annotations

import dataclasses
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np

from gauntlet.scenarios.skill import Randomisation

#: Worker processes when the caller does not say: at most two (a skill run is CPU-bound).
DEFAULT_JOBS = 2


@dataclass(frozen=True)
class SkillJob:
    """One skill run: a concrete scenario of a library file, optionally perturbed.

    Attributes:
        file: The scenario file.
        index: Which of the file's concrete scenarios (after parameter expansion).
        randomisation: Replaces the scenario's randomisation (``None``: as written).
        seed: Replaces the scenario's seed (``None``: as written).
        tag: Carried through to the outcome, for the caller to tell runs apart.
    """

    file: str
    index: int
    randomisation: Randomisation | None = None
    seed: int | None = None
    tag: int | None = None


@dataclass(frozen=True)
class SkillOutcome:
    """What a skill run returns to the pool's caller.

    Attributes:
        name, robot: The scenario's name and robot.
        tag: The job's tag.
        success: Whether every primitive met its success condition and every goal held.
        time_s: Simulated time of the run, s.
        max_contact_force_n: Largest gripper contact force, N.
        tcp_path: TCP positions ``(k, 3)`` of the main arm, one per control tick, m.
    """

    name: str
    robot: str
    tag: int | None
    success: bool
    time_s: float
    max_contact_force_n: float
    tcp_path: np.ndarray


def run_skill_job(job: SkillJob) -> SkillOutcome:
    """Load and run one job in this process."""
    from gauntlet.scenarios.files import load_file
    from gauntlet.skills.run import execute_skill

    scenario = load_file(job.file)[job.index]
    if job.randomisation is not None:
        scenario = dataclasses.replace(scenario, randomisation=job.randomisation)
    run = execute_skill(scenario, scenario.seed if job.seed is None else job.seed)
    return SkillOutcome(
        scenario.name, scenario.robot, job.tag,
        run.success, run.time_s, run.max_contact_force_n, run.tcp_path,
    )  # fmt: skip


def run_skill_jobs(jobs: list[SkillJob], workers: int | None = None) -> list[SkillOutcome]:
    """Run ``jobs`` on ``workers`` processes (default: up to :data:`DEFAULT_JOBS`), in order."""
    workers = workers or min(DEFAULT_JOBS, os.cpu_count() or 1)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run_skill_job, jobs))


def library_jobs(file: str) -> list[SkillJob]:
    """One job per concrete scenario of ``file``, as written."""
    from gauntlet.scenarios.files import load_file

    return [SkillJob(file, i) for i in range(len(load_file(file)))]
