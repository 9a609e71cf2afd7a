"""``gauntlet skills --json`` and ``gauntlet bench arm``: what they list and measure."""

from __future__ import annotations

import json

from gauntlet.bench import run_benchmark
from gauntlet.cli import main
from gauntlet.skills.catalog import load_rates


def test_skills_json_lists_robots_primitives_skills_and_derived_skills(capsys) -> None:
    assert main(["skills", "--json"]) == 0
    catalog = json.loads(capsys.readouterr().out)
    assert [r["name"] for r in catalog["robots"]] == [
        "kuka_iiwa",
        "panda",
        "xarm6",
        "ur5e",
        "kinova_gen3",
    ]
    assert catalog["primitives"] == [
        "reach",
        "grasp",
        "release",
        "lift",
        "transport",
        "place",
        "push",
        "insert",
        "turn",
    ]
    assert len(catalog["skills"]) >= 10
    assert len(catalog["derived_skills"]) >= 10
    rates = load_rates()["skills"]
    for entry in catalog["skills"] + catalog["derived_skills"]:
        # Every listed skill has a measured rate over the five robots.
        assert entry["success_rate"] == rates[entry["name"]]["success_rate"]
        assert len(entry["per_robot"]) == 5
    stack = next(d for d in catalog["derived_skills"] if d["name"] == "derived_stack_three")
    assert stack["plan"] == ["pick(b)", "place(b, a)", "pick(c)", "place(c, b)"]


def test_bench_arm_quick_reports_throughput_and_success_per_robot() -> None:
    result = run_benchmark("arm", quick=True)
    assert result["benchmark"] == "arm"
    assert result["reach_steps_per_s"] > 0 and result["pick_place_steps_per_s"] > 0
    assert (result["control_hz"], result["physics_substeps"]) == (25.0, 20)
    assert set(result["primitive_success"]) == {
        "kuka_iiwa",
        "panda",
        "xarm6",
        "ur5e",
        "kinova_gen3",
    }
    for row in result["primitive_success"].values():
        assert 0.0 <= row["primitives"] <= 1.0 and row["runs"] == 1.0
