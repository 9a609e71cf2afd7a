"""Every .xosc file of the Euro NCAP collection: base scenarios, catalogs, variations."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import pytest

from gauntlet.runner.single import RunOptions, simulate
from gauntlet.scenarios.errors import ScenarioErrors
from gauntlet.scenarios.openscenario import expand_variations, import_openscenario, run_id

#: Concrete runs of all variation files; every one loads.
VARIATION_RUNS = 1183


def _files(ncap: Path, kind: str) -> list[Path]:
    files = sorted(ncap.rglob("*.xosc"))
    if kind == "catalog":
        return [f for f in files if "Catalogs" in f.parts]
    if kind == "variation":
        return [f for f in files if "Variations" in f.parts]
    return [f for f in files if "Catalogs" not in f.parts and "Variations" not in f.parts]


def test_collection_layout(ncap):
    assert len(_files(ncap, "base")) == 23
    assert len(_files(ncap, "catalog")) == 6
    assert len(_files(ncap, "variation")) == 109


def test_every_base_scenario_loads(ncap):
    loaded = []
    for path in _files(ncap, "base"):
        imported = import_openscenario(path)
        loaded.append(path.name)
        assert imported.scenario.ego.entity == "Ego"
        assert imported.scenario.stop.when, path.name
    assert len(loaded) == 23


def test_ccfhol_target_changes_lane_from_where_it_is(ncap):
    # The target's lane change is a clothoid spline without a start position: it starts
    # where the target is when the change begins (a follow_trajectory in its own frame).
    folder = ncap / "AEB_C2C_2023"
    base = folder / "NCAP_AEB_C2C_CCFhol_2023.xosc"
    runs = [
        run
        for name in ("NCAP_AEB_C2C_CCFhol_50kph_2023", "NCAP_AEB_C2C_CCFhol_Variation_2023")
        for run in expand_variations(folder / "Variations" / f"{name}.xosc")
    ]
    assert len(runs) == 3
    for file, parameters in runs:
        assert Path(file) == base.resolve()
        import_openscenario(file, parameters)
    scenario = import_openscenario(base).scenario
    changes = [
        action
        for event in scenario.storyboard
        for action in event.actions
        if getattr(action, "frame", "world") == "start_pose"
    ]
    assert len(changes) == 1 and changes[0].entity == "GVT"
    assert (changes[0].points[0].x_m, changes[0].points[0].y_m) == (0.0, 0.0)
    # Oncoming on lane 1 (y = 1.75), it swerves to its left into the ego's lane (y = -1.75).
    assert changes[0].points[-1].y_m == pytest.approx(3.46, abs=0.01)
    gvt = [e.name for e in scenario.entities].index("GVT")
    world, _ = simulate(scenario, RunOptions(stack="scenario"))
    assert world.y[gvt] == pytest.approx(-1.71, abs=0.01)
    assert abs(world.h[gvt]) == pytest.approx(math.pi, abs=1e-3)


def test_catalog_files_are_not_scenarios(ncap):
    for path in _files(ncap, "catalog"):
        with pytest.raises(ScenarioErrors, match="this is a catalog file"):
            import_openscenario(path)


def test_variation_files_are_not_scenarios(ncap):
    path = ncap / "CA-FC_2026" / "Variations" / "StandardRange" / "CCRm.xosc"
    with pytest.raises(ScenarioErrors, match="use expand_variations"):
        import_openscenario(path)


def test_variation_count_and_ids(ncap):
    counts = {path: len(expand_variations(path)) for path in _files(ncap, "variation")}
    assert sum(counts.values()) == VARIATION_RUNS
    ccrm = ncap / "CA-FC_2026" / "Variations" / "StandardRange" / "CCRm.xosc"
    assert counts[ccrm] == 55  # 5 impact locations x 11 speed pairs
    runs = expand_variations(ccrm)
    ids = [run_id(ccrm, k) for k in range(len(runs))]
    assert ids[:3] == ["CCRm#001", "CCRm#002", "CCRm#003"] and ids[-1] == "CCRm#055"
    file, first = runs[0]
    assert Path(file) == (ncap / "CA-FC_2026" / "CCRs.xosc").resolve()
    assert first["ImpactLocation"] == "100"
    assert (first["Ego_speed_kph"], first["Target_init_speed_kph"]) == ("30", "20")
    last = runs[-1][1]
    assert last["ImpactLocation"] == "0"
    assert (last["Ego_speed_kph"], last["Target_init_speed_kph"]) == ("130", "70")


@pytest.mark.slow
def test_every_concrete_run_loads(ncap):
    outcome: Counter[str] = Counter()
    for path in _files(ncap, "variation"):
        for base, parameters in expand_variations(path):
            import_openscenario(base, parameters)
            outcome["loaded"] += 1
    assert outcome == {"loaded": VARIATION_RUNS}
