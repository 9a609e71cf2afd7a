"""Every .xosc file of the Euro NCAP collection: base scenarios, catalogs, variations."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from gauntlet.scenarios.errors import ScenarioErrors
from gauntlet.scenarios.openscenario import expand_variations, import_openscenario, run_id

#: Base scenarios that need what Gauntlet cannot express: the element that says so, its
#: message and the file it stands in (a catalog, for the lane change of CCFhol's target:
#: a clothoid spline that starts wherever the target is when it begins).
UNSUPPORTED = {
    "NCAP_AEB_C2C_CCFhol_2023.xosc": (
        "ClothoidSpline",
        "the first ClothoidSplineSegment needs a PositionStart",
        "TrajectoryCatalog.xosc",
    ),
}
#: Concrete runs of all variation files, and those of the unsupported bases among them.
VARIATION_RUNS = 1183
UNSUPPORTED_RUNS = 3


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


def test_every_base_scenario_loads_or_names_what_gauntlet_lacks(ncap):
    loaded, refused = [], {}
    for path in _files(ncap, "base"):
        try:
            imported = import_openscenario(path)
        except ScenarioErrors as errors:
            (error,) = errors.errors
            refused[path.name] = error
            continue
        loaded.append(path.name)
        assert imported.scenario.ego.entity == "Ego"
        assert imported.scenario.stop.when, path.name
    assert len(loaded) == 22
    assert set(refused) == set(UNSUPPORTED)
    for name, error in refused.items():
        element, message, file = UNSUPPORTED[name]
        assert error.path == (element,)
        assert message in error.message
        assert error.file.endswith(file) and error.line is not None


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
            try:
                import_openscenario(base, parameters)
                outcome["loaded"] += 1
            except ScenarioErrors as errors:
                assert Path(base).name in UNSUPPORTED, str(errors)
                outcome["unsupported"] += 1
    assert outcome == {
        "loaded": VARIATION_RUNS - UNSUPPORTED_RUNS,
        "unsupported": UNSUPPORTED_RUNS,
    }
