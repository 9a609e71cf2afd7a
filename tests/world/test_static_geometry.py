"""Imported 3D geometry in the world: its footprint is an obstacle vehicles collide with."""

from __future__ import annotations

from pathlib import Path

import pytest

from gauntlet.scenarios.errors import ScenarioError, ScenarioErrors
from gauntlet.scenarios.loader import load_scenario, parse_scenario
from gauntlet.world.builder import build_world
from gauntlet.world.static_geometry import load_static_geometry

REPO = Path(__file__).resolve().parents[2]

#: One lane along +x (centre y = -1.75); a car 4 m long starts at x = 10.1 at 10 m/s.
SCENARIO = """\
gauntlet: 1
name: into_the_wall
map: {procedural: {generator: straight, params: {length_m: 200, lanes_right: 1, lanes_left: 0}}}
entities:
  - name: ego
    type: car
    dimensions: {length_m: 4.0, width_m: 2.0}
    initial: {position: {world: {x_m: 10.1, y_m: -1.75}}, speed_mps: 10.0}
    behaviour: cruise
static_geometry:
  - file: wall.ply
    pose: {x_m: 50.0, y_m: -6.0, heading_rad: 0.0}
    semantic: wall
"""

# A wall 0.3 m thick (x 0..0.3 in its file), 9 m long across the lane (y 0..9), 3 m high.
WALL_PLY = """\
ply
format ascii 1.0
element vertex 8
property float x
property float y
property float z
element face 12
property list uchar int vertex_indices
end_header
0 0 0
0.3 0 0
0.3 9 0
0 9 0
0 0 3
0.3 0 3
0.3 9 3
0 9 3
3 0 2 1
3 0 3 2
3 4 5 6
3 4 6 7
3 0 1 5
3 0 5 4
3 1 2 6
3 1 6 5
3 2 3 7
3 2 7 6
3 3 0 4
3 3 4 7
"""


def write(tmp_path: Path, scenario: str = SCENARIO, wall: str | None = WALL_PLY) -> Path:
    if wall is not None:
        (tmp_path / "wall.ply").write_text(wall)
    path = tmp_path / "into_the_wall.yaml"
    path.write_text(scenario)
    return path


def test_car_hits_the_wall_at_the_hand_computed_time(tmp_path):
    scenario = load_scenario(write(tmp_path))
    world = build_world(scenario)
    wall = world.actor_id("wall.ply#0")
    assert world.types[wall] == "obstacle"
    assert (world.length[wall], world.width[wall]) == pytest.approx((9.0, 0.3))
    # The wall's face is at x = 50; the car's front (x + 2) reaches it when x = 48, after
    # (48 - 10.1) / 10 = 3.79 s: the first step at or after that is t = 3.80 s.
    while world.time_s < 5.0 and not world.collisions:
        world.step()
    (event,) = world.collisions
    assert event.time_s == pytest.approx(3.80)
    assert {event.a, event.b} == {world.actor_id("ego"), wall}


def test_geometry_without_collision_is_not_an_obstacle(tmp_path):
    text = SCENARIO.replace("    semantic: wall\n", "    semantic: wall\n    collision: false\n")
    world = build_world(load_scenario(write(tmp_path, text)))
    assert len(world.actors) == 1


def test_missing_file_names_the_scenario_line_and_key(tmp_path):
    path = write(tmp_path, wall=None)
    with pytest.raises(ScenarioError) as info:
        build_world(load_scenario(path))
    message = str(info.value)
    assert "into_the_wall.yaml:11: static_geometry[0].file" in message
    assert "not found" in message


def test_unreadable_file_names_the_scenario_line_and_key(tmp_path):
    path = write(tmp_path, wall="ply\nthis is not a ply file\n")
    with pytest.raises(ScenarioError) as info:
        load_static_geometry(load_scenario(path))
    message = str(info.value)
    assert "into_the_wall.yaml:11: static_geometry[0].file" in message
    assert "wall.ply" in message


def test_unknown_keys_are_refused(tmp_path):
    text = SCENARIO.replace("semantic: wall", "semantics: wall")
    with pytest.raises(ScenarioErrors, match=r"static_geometry\[0\]\.semantics: unknown key"):
        parse_scenario(text, file="x.yaml")


def test_example_scenario_runs():
    from gauntlet.runner.single import RunOptions, run_scenario

    scenario = load_scenario(REPO / "examples" / "static_geometry" / "site_drive.yaml")
    assert len(load_static_geometry(scenario)) == 2
    result = run_scenario(scenario, RunOptions(plots=False, out_dir=None))
    assert result.status.value in ("PASS", "FAIL")
