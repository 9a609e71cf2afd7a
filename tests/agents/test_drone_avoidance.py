"""The reference drone stack crosses a small forest at 14 m/s; the direct stack meets the hard zone limit."""

from __future__ import annotations

from pathlib import Path

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
