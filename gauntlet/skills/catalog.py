"""What ``gauntlet skills --json`` lists: robots, primitives, skills, derived skills, success rates.

Success rates are *measured*: :func:`measure_success_rates` runs every skill
of the library (``scenarios/skill/*.yaml``, each swept over the five robots)
in simulation and records, per skill and robot, whether the skill succeeded
(every primitive met its success condition and every goal held). Running
them all takes a few minutes, so the figures are kept in
``gauntlet/skills/success_rates.json`` with the date and the Gauntlet version;
``gauntlet skills --measure`` runs them again and rewrites the file.
"""

from __future__ import annotations

import datetime
import json
import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

RATES_FILE = Path(__file__).with_name("success_rates.json")


def library_skill_files() -> list[Path]:
    """The skill scenario files of the library, sorted."""
    from gauntlet.library import library_root

    return sorted((library_root() / "skill").glob("*.yaml"))


def _run_one(args: tuple[str, int]) -> tuple[str, str, bool, float, float]:
    from gauntlet.scenarios.files import load_file
    from gauntlet.skills.run import execute_skill

    file, index = args
    scenario = load_file(file)[index]
    run = execute_skill(scenario, scenario.seed)
    return scenario.name, scenario.robot, run.success, run.time_s, run.max_contact_force_n


def measure_success_rates(
    files: Iterable[Path] | None = None, jobs: int | None = None
) -> dict[str, Any]:
    """Run every concrete skill scenario; per skill and robot: success, time (s), force (N)."""
    from gauntlet import __version__
    from gauntlet.scenarios.files import load_file

    work = []
    for f in files or library_skill_files():
        work += [(str(f), i) for i in range(len(load_file(f)))]
    jobs = jobs or min(2, os.cpu_count() or 1)
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(_run_one, work))
    skills: dict[str, dict[str, Any]] = {}
    for name, robot, ok, time_s, force in results:
        entry = skills.setdefault(name, {"robots": {}})
        entry["robots"][robot] = {
            "success": ok,
            "time_s": round(time_s, 3),
            "max_contact_force_n": round(force, 1),
        }
    for entry in skills.values():
        runs = entry["robots"].values()
        entry["success_rate"] = sum(r["success"] for r in runs) / len(entry["robots"])
    return {
        "measured": datetime.date.today().isoformat(),
        "gauntlet_version": __version__,
        "method": "one seeded run per skill and robot (gauntlet skills --measure)",
        "skills": dict(sorted(skills.items())),
    }


def load_rates() -> dict[str, Any]:
    """The recorded success rates (empty when never measured)."""
    if not RATES_FILE.is_file():
        return {"skills": {}}
    return json.loads(RATES_FILE.read_text(encoding="utf-8"))


def skill_catalog(rates: dict[str, Any] | None = None) -> dict[str, Any]:
    """Robots, primitives, library skills and derived skills (with plans and success rates)."""
    from gauntlet.scenarios.files import load_file
    from gauntlet.skills.planner import describe_plan
    from gauntlet.skills.primitives import primitive_names
    from gauntlet.skills.robots import ROBOTS

    rates = rates if rates is not None else load_rates()
    measured = rates.get("skills", {})
    skills, derived = [], []
    for f in library_skill_files():
        scenario = load_file(f)[0]
        entry = {
            "name": scenario.name,
            "file": f.name,
            "description": scenario.description,
            "primitives": len(scenario.steps),
            "success_rate": measured.get(scenario.name, {}).get("success_rate"),
            "per_robot": {
                r: v["success"]
                for r, v in measured.get(scenario.name, {}).get("robots", {}).items()
            },
        }
        if scenario.plan:
            entry["plan"] = describe_plan(scenario)
            derived.append(entry)
        else:
            entry["steps"] = [type(s).KIND for s in scenario.steps]
            skills.append(entry)
    return {
        "robots": [
            {
                "name": s.name,
                "title": s.title,
                "dof": s.dof,
                "reach_m": s.reach_m,
                "source": s.source,
            }
            for s in ROBOTS.values()
        ],
        "primitives": primitive_names(),
        "skills": skills,
        "derived_skills": derived,
        "rates_measured": rates.get("measured"),
    }
