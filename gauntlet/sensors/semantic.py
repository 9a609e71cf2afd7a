"""Semantic classes of ray hits and the material reflectivity of each.

The class numbers are CARLA's semantic tags (0.9.14 and later), so a point cloud
from Gauntlet carries the tags a CARLA client expects. Lane markings are their
own class (``ROAD_LINE``), set per triangle of the road surface.

The reflectivities are diffuse reflectances at the near-infrared wavelengths of
automotive lidars (905 nm and 1550 nm), rounded, as a fraction of a white
Lambertian target: asphalt ~0.1, retroreflective paint ~0.6, car paint ~0.3,
concrete ~0.3, foliage ~0.5 (chlorophyll reflects strongly in the near infrared).
"""

from __future__ import annotations

from enum import IntEnum
from types import MappingProxyType

import numpy as np


class Semantic(IntEnum):
    """Semantic tag of a hit (CARLA's numbering)."""

    UNLABELED = 0
    ROAD = 1
    SIDEWALK = 2
    BUILDING = 3
    WALL = 4
    FENCE = 5
    POLE = 6
    TRAFFIC_LIGHT = 7
    TRAFFIC_SIGN = 8
    VEGETATION = 9
    TERRAIN = 10
    SKY = 11
    PEDESTRIAN = 12
    RIDER = 13
    CAR = 14
    TRUCK = 15
    BUS = 16
    TRAIN = 17
    MOTORCYCLE = 18
    BICYCLE = 19
    STATIC = 20
    DYNAMIC = 21
    OTHER = 22
    WATER = 23
    ROAD_LINE = 24
    GROUND = 25
    BRIDGE = 26
    RAIL_TRACK = 27
    GUARD_RAIL = 28


def semantic_by_name(name: str) -> Semantic:
    """The class called ``name`` (lower case, as in scenario files: ``"guard_rail"``)."""
    try:
        return Semantic[name.upper()]
    except KeyError:
        known = ", ".join(s.name.lower() for s in Semantic)
        raise ValueError(f"unknown semantic class {name!r}; expected one of {known}") from None


#: Semantic class of each entity type of the scenario format.
ACTOR_SEMANTIC = MappingProxyType(
    {
        "car": Semantic.CAR,
        "truck": Semantic.TRUCK,
        "bus": Semantic.BUS,
        "motorcycle": Semantic.MOTORCYCLE,
        "bicycle": Semantic.BICYCLE,
        "pedestrian": Semantic.PEDESTRIAN,
        "obstacle": Semantic.STATIC,
    }
)

#: Diffuse near-infrared reflectivity (0..1) by semantic class; see the module docstring.
DEFAULT_REFLECTIVITY = MappingProxyType(
    {
        Semantic.UNLABELED: 0.2,
        Semantic.ROAD: 0.1,
        Semantic.SIDEWALK: 0.25,
        Semantic.BUILDING: 0.3,
        Semantic.WALL: 0.3,
        Semantic.FENCE: 0.25,
        Semantic.POLE: 0.3,
        Semantic.TRAFFIC_LIGHT: 0.3,
        Semantic.TRAFFIC_SIGN: 0.8,
        Semantic.VEGETATION: 0.5,
        Semantic.TERRAIN: 0.2,
        Semantic.SKY: 0.0,
        Semantic.PEDESTRIAN: 0.35,
        Semantic.RIDER: 0.35,
        Semantic.CAR: 0.3,
        Semantic.TRUCK: 0.3,
        Semantic.BUS: 0.3,
        Semantic.TRAIN: 0.3,
        Semantic.MOTORCYCLE: 0.3,
        Semantic.BICYCLE: 0.3,
        Semantic.STATIC: 0.3,
        Semantic.DYNAMIC: 0.3,
        Semantic.OTHER: 0.2,
        Semantic.WATER: 0.02,
        Semantic.ROAD_LINE: 0.6,
        Semantic.GROUND: 0.15,
        Semantic.BRIDGE: 0.3,
        Semantic.RAIL_TRACK: 0.2,
        Semantic.GUARD_RAIL: 0.5,
    }
)


def reflectivity_table(overrides: dict[Semantic, float] | None = None) -> np.ndarray:
    """Reflectivity indexed by semantic tag, ``float32`` of length ``len(Semantic)``."""
    table = np.array([DEFAULT_REFLECTIVITY[s] for s in Semantic], dtype=np.float32)
    for sem, value in (overrides or {}).items():
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"reflectivity of {Semantic(sem).name.lower()} must be in [0, 1]")
        table[int(sem)] = value
    return table
