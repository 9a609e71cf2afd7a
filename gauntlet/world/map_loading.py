"""Load the road network a scenario names: an OpenDRIVE file or a procedural map.

A file that is missing or unreadable, an unknown generator or parameter is a
:class:`ScenarioError` naming the file, line and key.
"""

from __future__ import annotations

import difflib
import functools
import inspect

from gauntlet.library import AssetNotFoundError, resolve_asset, scenario_folder
from gauntlet.maps.network import RoadNetwork
from gauntlet.maps.procedural import PROCEDURAL_MAPS
from gauntlet.scenarios import schema as sc
from gauntlet.scenarios.errors import error_at


# Road networks are read-only once built, and suites reuse a handful of maps across
# hundreds of scenarios: each worker process builds each one once.
@functools.lru_cache(maxsize=32)
def _procedural(name: str, params: tuple[tuple[str, object], ...]) -> RoadNetwork:
    return PROCEDURAL_MAPS[name](**dict(params))


@functools.lru_cache(maxsize=32)
def _opendrive(path: str, mtime_ns: int) -> RoadNetwork:
    del mtime_ns  # part of the cache key: an edited file is read again
    return RoadNetwork.from_opendrive(path)


def load_network(scenario: sc.Scenario) -> RoadNetwork:
    """The road network of ``scenario`` (an OpenDRIVE file or a procedural map)."""
    src = scenario.source
    match scenario.map:
        case sc.OpenDriveMap(file=file):
            try:
                path = resolve_asset(file, scenario_folder(src.file if src else None))
            except AssetNotFoundError as exc:
                raise error_at(
                    src,
                    ("map", "opendrive", "file"),
                    f"OpenDRIVE file {file!r} not found; {exc.looked_for}",
                ) from exc
            try:
                return _opendrive(str(path), path.stat().st_mtime_ns)
            except ValueError as exc:
                raise error_at(src, ("map", "opendrive", "file"), str(exc)) from exc
        case sc.ProceduralMap(generator=name, params=params):
            if name not in PROCEDURAL_MAPS:
                known = ", ".join(sorted(PROCEDURAL_MAPS))
                raise error_at(
                    src,
                    ("map", "procedural", "generator"),
                    f"unknown generator {name!r}; expected one of {known}",
                )
            fn = PROCEDURAL_MAPS[name]
            accepted = inspect.signature(fn).parameters
            for key in params:
                if key not in accepted:
                    close = difflib.get_close_matches(key, list(accepted), n=1)
                    hint = (
                        f"; did you mean {close[0]!r}?"
                        if close
                        else f"; expected one of {', '.join(accepted)}"
                    )
                    raise error_at(
                        src,
                        ("map", "procedural", "params", key),
                        f"unknown parameter {key!r} of {name}{hint}",
                    )
            try:
                return _procedural(name, tuple(sorted(params.items())))
            except (TypeError, ValueError) as exc:
                raise error_at(src, ("map", "procedural", "params"), f"{name}: {exc}") from exc
    raise TypeError(scenario.map)
