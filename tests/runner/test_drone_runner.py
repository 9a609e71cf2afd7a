"""Drone scenarios: loading, errors with file:line:key, the runner's result, determinism."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gauntlet.runner.drone import run_drone_scenario
from gauntlet.runner.single import RunOptions
from gauntlet.scenarios.drone import DroneScenario
from gauntlet.scenarios.errors import ScenarioErrors
from gauntlet.scenarios.loader import load_concrete, load_scenario

LIBRARY = Path(__file__).resolve().parents[2] / "scenarios" / "drone"

SMALL = """\
gauntlet: 1
domain: drone
name: small
seed: 3
drones:
  - name: quad
    preset: agile
    start_m: [0, 0, 5]
    cruise_speed_mps: 8
    mission:
      goal: {position_m: [40, 0, 5], tolerance_m: 1.5}
obstacles:
  - tree: {position_m: [20, 0.5], radius_m: 0.5}
wind: {beaufort: 3}
stop: {duration_s: 15}
criteria:
  - no_collision
  - mission_complete
  - command_latency: 0.1
"""


def test_the_library_expands_to_at_least_100_drone_scenarios() -> None:
    total = sum(len(load_concrete(f)) for f in sorted(LIBRARY.glob("*.yaml")))
    assert total >= 100


def test_a_drone_file_loads_into_the_drone_document(tmp_path: Path) -> None:
    f = tmp_path / "small.yaml"
    f.write_text(SMALL)
    s = load_scenario(f)
    assert isinstance(s, DroneScenario)
    assert s.stack == "drone-reference"
    assert s.drones[0].mission.position_m == (40.0, 0.0, 5.0)
    assert s.perception.azimuths == 72


def test_errors_name_file_line_and_key(tmp_path: Path) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text(SMALL.replace("beaufort: 3", "beaufort: 13"))
    with pytest.raises(ScenarioErrors) as info:
        load_scenario(f)
    assert "bad.yaml:14: wind.beaufort: expected a value <= 12, got 13" in str(info.value)
    f.write_text(SMALL.replace("start_m: [0, 0, 5]", "start_m: [0, 5]"))
    with pytest.raises(ScenarioErrors) as info:
        load_scenario(f)
    assert "bad.yaml:8: drones[0].start_m: expected a list of 3 numbers, got 2" in str(info.value)


def test_the_runner_scores_and_writes_trace_and_figure(tmp_path: Path) -> None:
    f = tmp_path / "small.yaml"
    f.write_text(SMALL)
    s = load_scenario(f)
    r = run_drone_scenario(s, RunOptions(out_dir=tmp_path, plots=True))
    assert r.status.value == "PASS", r.criteria
    assert r.stop_reason == "mission complete"
    for key in (
        "min_clearance_m",
        "energy_wh",
        "flight_time_s",
        "command_latency_max_s",
        "peak_speed_mps",
    ):
        assert key in r.metrics
    # Latency 20 ms +- 5 ms jitter, picked up at 20 ms steps: 20 or 40 ms.
    assert r.metrics["command_latency_max_s"] == pytest.approx(0.04, abs=1e-9)
    assert 0.0 < r.metrics["energy_wh"] < 1.0
    assert (tmp_path / r.trace).is_file() and (tmp_path / r.plot).is_file()
    # Same scenario and seed: the same trace, bit for bit.
    again = run_drone_scenario(s, RunOptions(out_dir=tmp_path / "again", plots=False))
    a, b = np.load(tmp_path / r.trace), np.load(tmp_path / "again" / again.trace)
    for key in a.files:
        np.testing.assert_array_equal(a[key], b[key])
    assert r.metrics["min_clearance_m"] == again.metrics["min_clearance_m"]
