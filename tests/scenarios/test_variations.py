"""Logical scenarios expand into concrete ones with stable ids and seeds."""

import json

import numpy as np

from gauntlet.cli import main
from gauntlet.scenarios.loader import load_concrete
from gauntlet.scenarios.schema import RandomRange, ValueRange, Variations
from gauntlet.scenarios.variations import assignments, derived_seed, format_value, scenario_id

LOGICAL = """\
gauntlet: 1
name: sweep/ccrs
category: typical
seed: 5
parameters: {speed_kph: 50, overlap_pct: 100, gap_m: 20}
variations:
  grid: {speed_kph: [20, 50]}
  ranges: {overlap_pct: {start: -50, stop: 50, step: 50}}
  random: {gap_m: {low: 10, high: 40}}
  samples: 2
map: {procedural: {generator: straight, params: {length_m: 600, lanes_right: 1, lanes_left: 1}}}
entities:
  - name: ego
    type: car
    initial: {position: {lane: {road: "1", lane: -1, s_m: 30}}, speed_mps: "${speed_kph / 3.6}"}
  - name: target
    type: car
    initial: {position: {relative_lane: {entity: ego, ds_m: "${gap_m + 40}", offset_m: "${overlap_pct / 100}"}}}
    behaviour: idle
stop: {duration_s: 12}
criteria: [{collision: {}}]
"""


def test_grid_times_ranges_times_samples(tmp_path):
    path = tmp_path / "ccrs.yaml"
    path.write_text(LOGICAL)
    concrete = load_concrete(path)
    assert len(concrete) == 2 * 3 * 2
    ids = [scenario_id(s) for s in concrete]
    assert len(set(ids)) == 12
    assert ids[0].startswith("sweep/ccrs/speed_kph=20,overlap_pct=-50,gap_m=")
    assert ids[0].endswith(",sample=0")
    first = concrete[0]
    assert first.parameters["speed_kph"] == 20 and first.parameters["overlap_pct"] == -50.0
    assert 10 <= first.parameters["gap_m"] <= 40
    assert first.entities[0].initial.speed_mps == 20 / 3.6  # the expression saw the swept value
    assert first.seed == derived_seed(ids[0], 5)
    # Stable: expanding again gives the same ids, values and seeds.
    again = load_concrete(path)
    assert [(scenario_id(s), s.seed, s.parameters) for s in again] == [
        (scenario_id(s), s.seed, s.parameters) for s in concrete
    ]


def test_latin_hypercube_fills_every_stratum():
    v = Variations(random={"a": RandomRange(0.0, 1.0), "b": RandomRange(10.0, 20.0)}, samples=10)
    draws = assignments(v, seed=3)
    a = np.array([d["a"] for d in draws])
    b = np.array([d["b"] for d in draws])
    assert sorted(np.floor(a * 10).astype(int)) == list(range(10))
    assert sorted(np.floor(b - 10).astype(int)) == list(range(10))


def test_ranges_include_their_end_and_ids_print_short_numbers():
    v = Variations(ranges={"x": ValueRange(0.0, 1.0, 0.25)})
    assert [d["x"] for d in assignments(v)] == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert [format_value(x) for x in (30.0, 0.5, -75.0, True, "day")] == [
        "30",
        "0.5",
        "-75",
        "true",
        "day",
    ]


def test_run_one_member_by_id(tmp_path, capsys):
    path = tmp_path / "ccrs.yaml"
    path.write_text(
        LOGICAL.replace("samples: 2", "samples: 0").replace(
            "random: {gap_m: {low: 10, high: 40}}", "random: {}"
        )
    )
    assert main(["list", str(path), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 6
    target = "sweep/ccrs/speed_kph=50,overlap_pct=0"
    assert target in {r["id"] for r in rows}
    out = tmp_path / "r"
    assert main(["run", str(path), "--id", target, "--out", str(out), "--quiet", "--no-plots"]) == 0
    results = json.loads((out / "results.json").read_text())["scenarios"]
    assert [r["id"] for r in results] == [target]
    capsys.readouterr()
    assert main(["list", str(path), "--count", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"typical": 6, "total": 6}
