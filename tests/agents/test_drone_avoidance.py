"""The reference drone stack crosses a small forest at 14 m/s; the direct stack meets the hard zone limit."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from gauntlet.agents import drone_avoidance as da
from gauntlet.agents import drone_paths
from gauntlet.runner.drone import run_drone_scenario
from gauntlet.runner.single import RunOptions
from gauntlet.scenarios.loader import load_scenario

FOREST = """\
gauntlet: 1
domain: drone
name: small_forest
seed: 7
drones:
  - name: quad
    preset: agile
    start_m: [-10, 0, 4]
    cruise_speed_mps: 14
    mission:
      goal: {position_m: [110, 0, 4], tolerance_m: 2.0}
obstacles:
  - forest: {area_m: [10, -20, 90, 20], trees_per_ha: 150, spacing_m: 4}
perception: {azimuths: 90, elevations_deg: [0], rate_hz: 20, max_range_m: 40}
stop: {duration_s: 20}
criteria:
  - no_collision
  - mission_complete
  - average_speed: 9
"""

ZONE = """\
gauntlet: 1
domain: drone
name: into_the_zone
stack: drone-direct
drones:
  - preset: agile
    start_m: [0, 0, 10]
    cruise_speed_mps: 15
    mission: {goal: [80, 0, 10]}
no_fly_zones:
  - prism: {polygon_m: [[30, -10], [50, -10], [50, 10], [30, 10]], ceiling_m: 100}
zone_margin_m: 1.0
stop: {duration_s: 30}
criteria: [no_fly_zone, {zone_distance: 0.5}, mission_complete]
"""


def test_the_reference_stack_crosses_a_forest_at_14_mps(tmp_path: Path) -> None:
    f = tmp_path / "forest.yaml"
    f.write_text(FOREST)
    r = run_drone_scenario(load_scenario(f), RunOptions())
    assert r.metrics["obstacles"] >= 30
    assert r.status.value == "PASS", [(c.name, c.actual) for c in r.criteria]
    assert r.metrics["peak_speed_mps"] > 12.0


def test_a_stack_commanding_into_a_zone_never_enters_it(tmp_path: Path) -> None:
    f = tmp_path / "zone.yaml"
    f.write_text(ZONE)
    r = run_drone_scenario(load_scenario(f), RunOptions())
    assert r.metrics["zone_violations"] == 0.0
    # The controller keeps the 1 m margin (to within the lag of the velocity loop).
    assert r.metrics["min_zone_distance_m"] > 0.5
    assert r.status.value == "PASS"


def test_turn_commands_are_lengthened_to_keep_the_speed() -> None:
    v = np.array([14.0, 0.0, 0.0])
    c30 = np.array([14.0 * math.cos(math.radians(30)), 14.0 * math.sin(math.radians(30)), 1.0])
    out = drone_paths.hold_speed_in_turns(c30, v)
    # Lengthened by 1 / cos 30 deg: its component along the flight is the commanded 14 m/s.
    assert out[:2] == pytest.approx([14.0, 14.0 * math.tan(math.radians(30))])
    assert out[2] == 1.0
    c60 = np.array([7.0, 7.0 * math.sqrt(3.0), 0.0])
    assert drone_paths.hold_speed_in_turns(c60, v)[:2] == pytest.approx(
        drone_paths.TURN_BOOST_MAX * c60[:2]
    )
    behind = np.array([-5.0, 13.0, 0.0])
    assert np.array_equal(drone_paths.hold_speed_in_turns(behind, v), behind)
    assert np.array_equal(drone_paths.hold_speed_in_turns(c30, np.array([1.0, 0.0, 0.0])), c30)


def test_memory_keeps_one_point_per_cell() -> None:
    points = np.array([[0.1, 0.1, 0.0], [0.2, 0.2, 0.0], [0.3, 0.0, 0.0], [-0.1, 0.0, 0.0]])
    # 0.25 m cells: the first two share the cell (0, 0, 0); (1, 0, 0) and (-1, 0, 0) differ.
    assert np.array_equal(da._one_per_cell(points), points[[0, 2, 3]])


def test_closest_approach_of_a_straight_path() -> None:
    # Flying on at 10 m/s for 2 s: samples every 0.1 s (1 m), one at x = 10 m, beside the
    # point 2 m to the left; the point behind the drone is 3 m away at the start.
    points = np.array([[10.0, 2.0, 0.0], [-3.0, 0.0, 0.0]])
    v = np.array([10.0, 0.0, 0.0])
    free = drone_paths.closest_approach(
        v[None], v, points, np.zeros_like(points), 2.0, 0.25, 10.0, 10.0
    )
    assert free == pytest.approx([2.0])
    # The point moving away at 10 m/s keeps its 2 m lateral gap and the 10 m lead.
    moving = np.array([[10.0, 2.0, 0.0]])
    free = drone_paths.closest_approach(
        v[None], v, moving, np.array([[10.0, 0.0, 0.0]]), 2.0, 0.25, 10.0, 10.0
    )
    assert free == pytest.approx([math.hypot(10.0, 2.0)])
