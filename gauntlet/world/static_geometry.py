"""A scenario's imported 3D geometry: loading it, and its footprints as static obstacles.

Each ``static_geometry`` item of a scenario is read once per process (keyed by
path, modification time and placement). Its footprints (see
:mod:`gauntlet.maps.footprint`) join the world as actors of type
``obstacle`` without a motion model, named ``<file>#<k>``, so the collision
check, the collision criteria, the object list and the plots treat them like
any other static obstacle. Footprint boxes that overlap each other are merged
first, so the geometry never collides with itself.
"""

from __future__ import annotations

import functools
from dataclasses import replace

import numpy as np

from gauntlet.library import AssetNotFoundError, resolve_asset, scenario_folder
from gauntlet.maps.footprint import Footprint, convex_hull, enclosing_rectangle
from gauntlet.maps.scene import AssetPose, SceneAsset, SceneAssetError, load_scene_asset
from gauntlet.scenarios import schema as sc
from gauntlet.scenarios.errors import error_at
from gauntlet.world.collision import box_corners, boxes_overlap

#: Height given to footprint obstacles (their box in the object list), m.
OBSTACLE_HEIGHT_M = 2.0


@functools.lru_cache(maxsize=64)
def _load(
    path: str, mtime_ns: int, pose: AssetPose, semantic: str, kind: str, voxel_m: float
) -> SceneAsset:
    del mtime_ns  # part of the cache key: an edited file is read again
    return load_scene_asset(path, pose, semantic=semantic, kind=kind, voxel_m=voxel_m)  # type: ignore[arg-type]


def load_static_geometry(scenario: sc.Scenario) -> tuple[SceneAsset, ...]:
    """The scenario's ``static_geometry`` items, read and placed in the world.

    Raises:
        ScenarioError: If a file is missing, unreadable or unsupported, or open3d
            cannot be loaded; the error names the scenario file, line and key.
    """
    src = scenario.source
    base = scenario_folder(src.file if src else None)
    assets = []
    for k, item in enumerate(scenario.static_geometry):
        key = ("static_geometry", k, "file")
        try:
            path = resolve_asset(item.file, base)
        except AssetNotFoundError as exc:
            raise error_at(
                src, key, f"static geometry file {item.file!r} not found; {exc.looked_for}"
            ) from exc
        p = item.pose
        pose = AssetPose(p.x_m, p.y_m, p.z_m, p.heading_rad, p.scale)
        try:
            asset = _load(
                str(path), path.stat().st_mtime_ns, pose, item.semantic, item.kind, item.voxel_m
            )
        except (SceneAssetError, ImportError, OSError) as exc:
            raise error_at(src, key, str(exc)) from exc
        assets.append(asset)
    return tuple(assets)


def _merged(footprints: list[Footprint]) -> list[Footprint]:
    """Footprints whose boxes overlap, merged into one hull, until none overlap."""
    pieces = list(footprints)
    while len(pieces) > 1:
        x = np.array([f.center[0] for f in pieces])
        y = np.array([f.center[1] for f in pieces])
        h = np.array([f.heading for f in pieces])
        corners = box_corners(
            x,
            y,
            h,
            0.5 * np.array([f.length for f in pieces]),
            0.5 * np.array([f.width for f in pieces]),
        )
        i, j = np.triu_indices(len(pieces), 1)
        hit = np.flatnonzero(boxes_overlap(corners[i], corners[j]))
        if not len(hit):
            break
        a, b = int(i[hit[0]]), int(j[hit[0]])
        hull = convex_hull(np.concatenate((pieces[a].hull, pieces[b].hull)))
        center, heading, length, width = enclosing_rectangle(hull)
        pieces = [f for n, f in enumerate(pieces) if n not in (a, b)]
        pieces.append(Footprint(hull, center, heading, length, width))
    return pieces


def with_static_obstacles(scenario: sc.Scenario) -> sc.Scenario:
    """``scenario`` with one ``obstacle`` entity per footprint of its colliding static geometry."""
    if not scenario.static_geometry:
        return scenario
    assets = load_static_geometry(scenario)
    names = {e.name for e in scenario.entities}
    extra = []
    for item, asset in zip(scenario.static_geometry, assets, strict=True):
        if not item.collision:
            continue
        for k, fp in enumerate(_merged(list(asset.footprints))):
            name = f"{asset.name}#{k}"
            while name in names:
                name += "'"
            names.add(name)
            extra.append(
                sc.Entity(
                    name=name,
                    type="obstacle",
                    initial=sc.InitialState(
                        sc.WorldPosition(x_m=fp.center[0], y_m=fp.center[1], heading_rad=fp.heading)
                    ),
                    dimensions=sc.Dimensions(fp.length, fp.width, OBSTACLE_HEIGHT_M),
                    behaviour=sc.IdleBehaviour(),
                )
            )
    return replace(scenario, entities=(*scenario.entities, *extra)) if extra else scenario
