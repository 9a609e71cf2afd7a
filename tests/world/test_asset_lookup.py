"""Files a scenario names (OpenDRIVE maps, static geometry): next to the scenario, then in assets/."""

from __future__ import annotations

from pathlib import Path

import pytest

from gauntlet.library import AssetNotFoundError, assets_root, resolve_asset, scenario_folder
from gauntlet.maps.procedural import PROCEDURAL_MAPS
from gauntlet.scenarios.errors import ScenarioError
from gauntlet.scenarios.loader import load_scenario
from gauntlet.world.builder import build_world, load_network
from gauntlet.world.static_geometry import load_static_geometry

REPO = Path(__file__).resolve().parents[2]
X_JUNCTION = "maps/X-Intersection_NCAP.xodr"

SCENARIO = """\
gauntlet: 1
name: lookup
map: {{opendrive: {{file: {map}}}}}
entities:
  - name: ego
    type: car
    initial: {{position: {{lane: {{road: "0", lane: -1, s_m: 20}}}}, speed_mps: 5.0}}
    behaviour: cruise
"""

GEOMETRY = """\
static_geometry:
  - file: {file}
    pose: {{x_m: 100.0, y_m: 20.0}}
    semantic: building
"""


def write_scenario(folder: Path, map_file: str, geometry: str | None = None) -> Path:
    text = SCENARIO.format(map=map_file)
    if geometry is not None:
        text += GEOMETRY.format(file=geometry)
    path = folder / "lookup.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_assets_root_is_the_source_trees_assets_folder():
    root = assets_root()
    assert root == REPO / "assets"
    assert (root / X_JUNCTION).is_file()
    assert (root / "maps" / "StraightRoad_NCAP_Roadmarks.xodr").is_file()
    assert (root / "maps" / "LICENSE.osc-ncap").is_file()
    assert (root / "scenes" / "site.ply").is_file()


def test_a_file_next_to_the_scenario_wins_over_the_assets(tmp_path):
    local = tmp_path / X_JUNCTION
    local.parent.mkdir()
    local.write_text("<OpenDRIVE/>")
    assert resolve_asset(X_JUNCTION, tmp_path) == local.resolve()


def test_a_file_not_next_to_the_scenario_comes_from_the_assets(tmp_path):
    assert resolve_asset(X_JUNCTION, tmp_path) == (assets_root() / X_JUNCTION).resolve()


def test_a_file_in_neither_place_lists_both(tmp_path):
    with pytest.raises(AssetNotFoundError) as info:
        resolve_asset("maps/nowhere.xodr", tmp_path)
    searched = (tmp_path / "maps/nowhere.xodr", assets_root() / "maps/nowhere.xodr")
    assert info.value.searched == tuple(p.resolve() for p in searched)
    assert str(info.value) == (
        f"maps/nowhere.xodr not found; looked for {searched[0].resolve()} "
        f"and {searched[1].resolve()}"
    )


def test_an_absolute_path_is_only_looked_for_where_it_points(tmp_path):
    with pytest.raises(AssetNotFoundError) as info:
        resolve_asset(tmp_path / "nowhere.xodr", REPO)
    assert info.value.searched == ((tmp_path / "nowhere.xodr").resolve(),)


def test_scenario_map_from_the_assets_is_the_ncap_crossroads(tmp_path):
    network = load_network(load_scenario(write_scenario(tmp_path, X_JUNCTION)))
    assert set(network.roads) == {str(k) for k in range(10)}
    assert network.roads["0"].length == pytest.approx(250.0)
    assert len(network.junctions) == 1


def test_scenario_map_next_to_the_scenario_shadows_the_assets(tmp_path):
    local = tmp_path / X_JUNCTION
    local.parent.mkdir()
    straight = PROCEDURAL_MAPS["straight"](length_m=120.0)
    straight.to_opendrive(local)
    network = load_network(load_scenario(write_scenario(tmp_path, X_JUNCTION)))
    assert not network.junctions
    assert sum(road.length for road in network.roads.values()) == pytest.approx(120.0)


def test_missing_map_names_file_line_key_and_both_places(tmp_path):
    path = write_scenario(tmp_path, "maps/nowhere.xodr")
    with pytest.raises(ScenarioError) as info:
        load_network(load_scenario(path))
    assert str(info.value) == (
        f"{path}:3: map.opendrive.file: OpenDRIVE file 'maps/nowhere.xodr' not found; "
        f"looked for {tmp_path.resolve() / 'maps/nowhere.xodr'} "
        f"and {assets_root().resolve() / 'maps/nowhere.xodr'}"
    )


def test_static_geometry_from_the_assets_becomes_obstacles(tmp_path):
    scenario = load_scenario(write_scenario(tmp_path, X_JUNCTION, "scenes/site.ply"))
    (asset,) = load_static_geometry(scenario)
    assert asset.name == "site.ply"
    assert asset.footprints
    world = build_world(scenario)
    obstacles = [a.name for a in world.actors if a.name.startswith("site.ply#")]
    assert obstacles
    assert all(world.types[world.actor_id(n)] == "obstacle" for n in obstacles)


def test_missing_static_geometry_names_file_line_key_and_both_places(tmp_path):
    path = write_scenario(tmp_path, X_JUNCTION, "scenes/nowhere.ply")
    with pytest.raises(ScenarioError) as info:
        load_static_geometry(load_scenario(path))
    assert str(info.value) == (
        f"{path}:10: static_geometry[0].file: static geometry file 'scenes/nowhere.ply' "
        f"not found; looked for {tmp_path.resolve() / 'scenes/nowhere.ply'} "
        f"and {assets_root().resolve() / 'scenes/nowhere.ply'}"
    )


def test_scenario_folder_is_the_files_folder_or_the_working_directory():
    assert scenario_folder("/data/scenarios/cut_in.yaml") == Path("/data/scenarios")
    for no_file in (None, "", "<string>"):
        assert scenario_folder(no_file) == Path.cwd()
