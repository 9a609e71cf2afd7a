"""The planner: shortest operator sequences from goals, expanded into primitives."""

from __future__ import annotations

import pytest

from gauntlet.library import library_root
from gauntlet.scenarios import skill as sk
from gauntlet.scenarios.files import load_file
from gauntlet.skills.planner import PlanningError, describe_plan, plan_steps


def derived(name: str) -> sk.SkillScenario:
    return load_file(library_root() / "skill" / f"{name}.yaml")[0]


def test_a_tower_is_built_bottom_up() -> None:
    assert describe_plan(derived("derived_stack_three")) == [
        "pick(b)",
        "place(b, a)",
        "pick(c)",
        "place(c, b)",
    ]


def test_a_heavy_block_is_pushed_not_lifted() -> None:
    assert describe_plan(derived("derived_heavy_push")) == ["push(block, dock)"]


def test_fixture_goals_use_their_operators() -> None:
    assert describe_plan(derived("derived_peg_and_valve")) == [
        "pick(peg)",
        "insert(peg, hole)",
        "turn(valve)",
    ]


def test_two_parts_in_one_zone_get_different_slots() -> None:
    steps = plan_steps(derived("derived_tidy_zone"))
    places = [s for s in steps if isinstance(s, sk.Place)]
    # Slots at a quarter of the 0.14 m zone: (-0.035, -0.035) then (0.035, -0.035).
    assert places[0].offset_m == pytest.approx((-0.035, -0.035))
    assert places[1].offset_m == pytest.approx((0.035, -0.035))
    assert [type(s).KIND for s in steps[:6]] == [
        "reach",
        "grasp",
        "lift",
        "transport",
        "place",
        "release",
    ]


def test_unreachable_goal_raises() -> None:
    scenario = sk.SkillScenario(
        name="x",
        objects=(sk.SceneObject(name="a", mass_kg=3.0),),
        fixtures=(sk.Bin(name="bin"),),
        goals=(sk.ObjectIn(object="a", region="bin"),),
        plan=True,
    )
    with pytest.raises(PlanningError, match="no plan of up to 12 operators"):
        plan_steps(scenario)
