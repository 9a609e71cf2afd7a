"""The skill document: library files load, sweeps expand per robot, errors name file:line:key."""

from __future__ import annotations

from pathlib import Path

import pytest

from gauntlet.library import library_root
from gauntlet.scenarios.errors import ScenarioErrors
from gauntlet.scenarios.files import load_file
from gauntlet.scenarios.skill import Grasp, Reach, SkillScenario
from gauntlet.scenarios.variations import scenario_id

FILES = sorted((library_root() / "skill").glob("*.yaml"))
ROBOTS = {"kuka_iiwa", "panda", "xarm6", "ur5e", "kinova_gen3"}


def test_library_has_ten_skills_and_ten_derived_skills() -> None:
    names = [load_file(f)[0].name for f in FILES]
    derived = [n for n in names if n.startswith("derived_")]
    assert len(names) - len(derived) >= 10
    assert len(derived) >= 10


@pytest.mark.parametrize("file", FILES, ids=lambda f: f.stem)
def test_every_library_skill_runs_on_all_five_robots(file: Path) -> None:
    scenarios = load_file(file)
    assert all(isinstance(s, SkillScenario) for s in scenarios)
    assert {s.robot for s in scenarios} == ROBOTS
    assert scenario_id(scenarios[0]).startswith(f"{scenarios[0].name}/robot=")


def test_shorthand_steps_parse_into_primitives() -> None:
    steps = load_file(library_root() / "skill" / "pick_and_place.yaml")[0].steps
    assert steps[0] == Reach(target="cube")
    assert steps[1] == Grasp(target="cube")


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text("gauntlet: 1\ndomain: skill\nname: bad\n" + body, encoding="utf-8")
    return path


def test_unknown_robot_is_an_error_with_file_line_and_key(tmp_path: Path) -> None:
    path = write(tmp_path, "robot: ur10\nsteps: [{release: {}}]\n")
    with pytest.raises(ScenarioErrors) as exc:
        load_file(path)
    text = str(exc.value)
    assert "bad.yaml:4: robot:" in text
    assert "kinova_gen3" in text


def test_a_step_naming_a_missing_object_is_an_error(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "objects: [{name: cube}]\nsteps:\n  - reach: cube\n  - grasp: {target: cub}\n",
    )
    with pytest.raises(ScenarioErrors) as exc:
        load_file(path)
    assert "bad.yaml:7: steps[1].grasp.target: unknown name 'cub'; the scene has: cube" in str(
        exc.value
    )


def test_helper_steps_need_a_helper_robot(tmp_path: Path) -> None:
    path = write(
        tmp_path, "objects: [{name: cube}]\nsteps: [{reach: {target: cube, arm: helper}}]\n"
    )
    with pytest.raises(ScenarioErrors, match="no helper_robot is set"):
        load_file(path)


def test_no_steps_and_no_plan_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "objects: [{name: cube}]\n")
    with pytest.raises(ScenarioErrors, match="give steps or set plan: true"):
        load_file(path)


def test_the_docs_example_is_the_library_peg_insertion(tmp_path: Path) -> None:
    import re

    docs = Path(__file__).parents[2] / "docs" / "skills.md"
    text = re.search(r"```yaml\n(gauntlet: 1\ndomain: skill.*?)```", docs.read_text(), re.S)
    example = tmp_path / "peg_insertion.yaml"
    example.write_text(text.group(1), encoding="utf-8")
    library_file = library_root() / "skill" / "peg_insertion.yaml"
    assert load_file(example) == load_file(library_file)
