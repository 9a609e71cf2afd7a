"""Procedurally generated road networks and their registry.

Every generator takes SI keyword parameters with sensible defaults and returns a
:class:`~gauntlet.maps.network.RoadNetwork` built from the same road model the
OpenDRIVE reader produces, so the result can be written with
``to_opendrive`` and read back unchanged.
"""

from __future__ import annotations

from collections.abc import Callable

from gauntlet.maps.network import RoadNetwork
from gauntlet.maps.procedural.corridor import corridor
from gauntlet.maps.procedural.highway import highway
from gauntlet.maps.procedural.junctions import t_junction, x_junction
from gauntlet.maps.procedural.roads import curve, straight
from gauntlet.maps.procedural.roundabout import roundabout

#: Generators by name.
PROCEDURAL_MAPS: dict[str, Callable[..., RoadNetwork]] = {
    "straight": straight,
    "curve": curve,
    "x_junction": x_junction,
    "t_junction": t_junction,
    "roundabout": roundabout,
    "highway": highway,
    "corridor": corridor,
}


def procedural_map(name: str, **parameters: object) -> RoadNetwork:
    """Builds the registered map ``name`` with keyword ``parameters``.

    Raises:
        KeyError: If no generator has that name (the message lists the known names).
    """
    try:
        generator = PROCEDURAL_MAPS[name]
    except KeyError:
        known = ", ".join(sorted(PROCEDURAL_MAPS))
        raise KeyError(f"no procedural map named {name!r}; known maps: {known}") from None
    return generator(**parameters)


__all__ = [
    "PROCEDURAL_MAPS",
    "corridor",
    "curve",
    "highway",
    "procedural_map",
    "roundabout",
    "straight",
    "t_junction",
    "x_junction",
]
