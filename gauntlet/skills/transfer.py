"""Sim-to-real transfer gap: skills on the nominal model versus perturbed "reality" variants.

A *reality* is the same scenario with :class:`~gauntlet.scenarios.skill.Randomisation`
switched on (object masses and friction, joint damping, actuation latency,
object-position sensor noise, object poses), drawn from its own seed. For
each skill and robot the study runs the nominal model once and ``realities``
perturbed variants, and reports:

* ``nominal_success`` and ``reality_success``: success rates (0-1);
* ``retained``: ``reality_success / nominal_success`` (target >= 0.9);
* ``trajectory_error_m``: RMS distance between the nominal and the perturbed
  TCP paths, sample by sample over the shorter run (m).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np

from gauntlet.scenarios.skill import Randomisation

#: The perturbations of a "reality" variant (relative spreads, s, m).
REALITY = Randomisation(
    mass_rel=0.2,
    friction_rel=0.2,
    damping_rel=0.3,
    latency_s=0.03,
    sensor_noise_m=0.002,
    pose_m=0.01,
)
#: Skills of the study (library file stems).
TRANSFER_SKILLS = ("pick_and_place", "stack", "peg_insertion", "turn_valve", "open_drawer")


def trajectory_error(a: np.ndarray, b: np.ndarray) -> float:
    """RMS distance (m) between two TCP paths, sample by sample over the shorter one."""
    n = min(len(a), len(b))
    if n == 0:
        return 0.0
    return float(np.sqrt(np.mean(np.sum((a[:n] - b[:n]) ** 2, axis=1))))


def transfer_gap(
    skills: tuple[str, ...] = TRANSFER_SKILLS, realities: int = 3, jobs: int | None = None
) -> dict[str, Any]:
    """Run the study; per skill and overall figures (see the module docstring)."""
    from gauntlet.library import library_root
    from gauntlet.skills.batch import SkillJob, library_jobs, run_skill_jobs

    work: list[SkillJob] = []
    for name in skills:
        for job in library_jobs(str(Path(library_root()) / "skill" / f"{name}.yaml")):
            work.append(job)
            work += [
                dataclasses.replace(job, randomisation=REALITY, seed=1000 + k, tag=k)
                for k in range(realities)
            ]
    results = run_skill_jobs(work, jobs)
    nominal = {(r.name, r.robot): (r.success, r.tcp_path) for r in results if r.tag is None}
    per_skill: dict[str, dict[str, list[float]]] = {}
    for r in results:
        if r.tag is None:
            continue
        entry = per_skill.setdefault(r.name, {"nominal": [], "reality": [], "error": []})
        entry["reality"].append(float(r.success))
        entry["error"].append(trajectory_error(nominal[(r.name, r.robot)][1], r.tcp_path))
    for (s, _r), (ok, _path) in nominal.items():
        per_skill[s]["nominal"].append(float(ok))

    def summary(nom: list[float], real: list[float], err: list[float]) -> dict[str, float]:
        n, rr = float(np.mean(nom)), float(np.mean(real))
        return {
            "nominal_success": n,
            "reality_success": rr,
            "retained": rr / n if n > 0 else 0.0,
            "trajectory_error_m": float(np.mean(err)),
        }

    out = {s: summary(v["nominal"], v["reality"], v["error"]) for s, v in sorted(per_skill.items())}
    every = {
        k: sum((v[k] for v in per_skill.values()), []) for k in ("nominal", "reality", "error")
    }
    return {
        "realities_per_run": realities,
        "perturbations": dataclasses.asdict(REALITY),
        "overall": summary(every["nominal"], every["reality"], every["error"]),
        "skills": out,
    }
