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
from collections.abc import Iterable
from pathlib import Path
from typing import Any

RATES_FILE = Path(__file__).with_name("success_rates.json")


def library_skill_files() -> list[Path]:
    """The skill scenario files of the library, sorted."""
    from gauntlet.library import library_root

    return sorted((library_root() / "skill").glob("*.yaml"))


def measure_success_rates(
    files: Iterable[Path] | None = None, jobs: int | None = None
) -> dict[str, Any]:
    """Run every concrete skill scenario; per skill and robot: success, time (s), force (N)."""
    from gauntlet import __version__
    from gauntlet.skills.batch import library_jobs, run_skill_jobs

    work = []
    for f in files or library_skill_files():
        work += library_jobs(str(f))
    results = run_skill_jobs(work, jobs)
    skills: dict[str, dict[str, Any]] = {}
    for r in results:
        entry = skills.setdefault(r.name, {"robots": {}})
        entry["robots"][r.robot] = {
            "success": r.success,
            "time_s": round(r.time_s, 3),
            "max_contact_force_n": round(r.max_contact_force_n, 1),
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
    from gauntlet.skills.robot_specs import ROBOTS

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
