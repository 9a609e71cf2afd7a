"""The world around the drones of a drone scenario: obstacles, wind and airspace.

Part of the drone scenario format (:mod:`gauntlet.scenarios.drone`).
Coordinates are world ENU metres (x east, y north, z up, the ground at
``z = 0``); angles in degrees where the key says ``_deg``. Positions are
``[x, y]`` in plan or ``[x, y, z]`` in space; the converter checks their
lengths from the field types.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from gauntlet.scenarios.literals import XY, XYZ, Rectangle
from gauntlet.scenarios.spec import param

# --------------------------------------------------------------------------- obstacles


@dataclass(frozen=True)
class Tree:
    """A tree as a vertical cylinder (crown and trunk together)."""

    KIND: ClassVar[str] = "tree"
    position_m: XY = param(doc="Trunk position [x, y], m.")
    radius_m: float = param(0.5, doc="Radius of the cylinder, m.", gt=0.0)
    height_m: float = param(12.0, doc="Height, m.", gt=0.0)


@dataclass(frozen=True)
class Pole:
    """A pole or pylon mast as a vertical cylinder."""

    KIND: ClassVar[str] = "pole"
    position_m: XY = param(doc="Foot position [x, y], m.")
    radius_m: float = param(0.15, doc="Radius, m.", gt=0.0)
    height_m: float = param(10.0, doc="Height, m.", gt=0.0)


@dataclass(frozen=True)
class Building:
    """A building as a box standing on the ground."""

    KIND: ClassVar[str] = "building"
    center_m: XY = param(doc="Footprint centre [x, y], m.")
    size_m: XYZ = param(doc="Length (along the heading), width, height, m.")
    heading_deg: float = param(0.0, doc="Direction of the length, deg.")


@dataclass(frozen=True)
class Box:
    """A box anywhere in space (base at ``center_m[2]``)."""

    KIND: ClassVar[str] = "box"
    center_m: XYZ = param(doc="Base centre [x, y, z], m.")
    size_m: XYZ = param(doc="Length, width, height, m.")
    heading_deg: float = param(0.0, doc="Direction of the length, deg.")


@dataclass(frozen=True)
class Wire:
    """A power line or cable: a straight segment with a radius."""

    KIND: ClassVar[str] = "wire"
    start_m: XYZ = param(doc="One end [x, y, z], m.")
    end_m: XYZ = param(doc="Other end [x, y, z], m.")
    radius_m: float = param(0.02, doc="Radius, m.", gt=0.0)


@dataclass(frozen=True)
class Forest:
    """Trees scattered at random (from the seed) over a rectangle, at least ``spacing_m`` apart."""

    KIND: ClassVar[str] = "forest"
    area_m: Rectangle = param(doc="Rectangle [x_min, y_min, x_max, y_max], m.")
    trees_per_ha: float = param(doc="Density, trees per hectare (10,000 m²).", ge=0.0, le=2000.0)
    radius_m: tuple[float, float] = param(
        doc="Smallest and largest tree radius [min, max], m.", factory=lambda: (0.3, 0.8)
    )
    height_m: float = param(15.0, doc="Tree height, m.", gt=0.0)
    spacing_m: float = param(3.0, doc="Smallest distance between trunks, m.", ge=0.0)
    keep_clear_m: float = param(
        5.0, doc="No trees this close to a drone's start or mission points, m.", ge=0.0
    )


@dataclass(frozen=True)
class MovingBox:
    """A box that appears at ``appear_s`` and moves at a constant velocity."""

    KIND: ClassVar[str] = "moving_box"
    center_m: XYZ = param(doc="Base centre [x, y, z] at ``appear_s``, m.")
    size_m: XYZ = param(doc="Length, width, height, m.", factory=lambda: (1.0, 1.0, 1.0))
    velocity_mps: XYZ = param(doc="Velocity [vx, vy, vz], m/s.", factory=lambda: (0.0, 0.0, 0.0))
    appear_s: float = param(0.0, doc="When it appears, s.", ge=0.0)


@dataclass(frozen=True)
class Intruder:
    """A box that appears at a bearing and distance from a point and flies straight at it."""

    KIND: ClassVar[str] = "intruder"
    target_m: XYZ = param(doc="Point it flies at [x, y, z], m.")
    bearing_deg: float = param(doc="Direction it comes from, counter-clockwise from east, deg.")
    distance_m: float = param(20.0, doc="Distance from the target when it appears, m.", gt=0.0)
    speed_mps: float = param(4.0, doc="Speed, m/s.", gt=0.0)
    size_m: float = param(1.0, doc="Edge of the cube, m.", gt=0.0)
    appear_s: float = param(2.0, doc="When it appears, s.", ge=0.0)


Obstacle = Tree | Pole | Building | Box | Wire | Forest | MovingBox | Intruder

# --------------------------------------------------------------------------- wind and airspace


@dataclass(frozen=True)
class GustSpec:
    """A discrete 1-cosine gust (the same everywhere)."""

    start_s: float = param(doc="When it begins, s.", ge=0.0)
    amplitude_mps: XYZ = param(doc="Gust velocity at full amplitude [vx, vy, vz], m/s.")
    rise_s: float = param(1.0, doc="Build-up (and die-away) time, s.", gt=0.0)
    hold_s: float = param(1.0, doc="Time at full amplitude, s.", ge=0.0)


@dataclass(frozen=True)
class WindSpec:
    """Mean wind by Beaufort level with Dryden turbulence and gusts."""

    beaufort: int = param(
        0, doc="Beaufort level 0-12 (mean wind at 10 m: middle of its band).", ge=0, le=12
    )
    direction_deg: float = param(0.0, doc="Direction the wind blows towards, ccw from east, deg.")
    turbulence: bool = param(True, doc="Whether to add Dryden turbulence (MIL-F-8785C).")
    gusts: tuple[GustSpec, ...] = param(doc="Discrete gusts.", factory=tuple)


@dataclass(frozen=True)
class CylinderNoFly:
    """A cylindrical no-fly zone with an altitude band."""

    KIND: ClassVar[str] = "cylinder"
    center_m: XY = param(doc="Centre [x, y], m.")
    radius_m: float = param(doc="Radius, m.", gt=0.0)
    floor_m: float = param(0.0, doc="Lowest height of the zone, m.")
    ceiling_m: float = param(1.0e4, doc="Highest height of the zone, m.")
    name: str = param("", doc="Zone name in reports.")


@dataclass(frozen=True)
class PrismNoFly:
    """A polygonal no-fly zone with an altitude band."""

    KIND: ClassVar[str] = "prism"
    polygon_m: tuple[XY, ...] = param(doc="Corners [x, y] in order, m.")
    floor_m: float = param(0.0, doc="Lowest height of the zone, m.")
    ceiling_m: float = param(1.0e4, doc="Highest height of the zone, m.")
    name: str = param("", doc="Zone name in reports.")


@dataclass(frozen=True)
class GeoJsonNoFly:
    """No-fly zones from a GeoJSON file (Polygon and Point features; see ``docs/drones.md``)."""

    KIND: ClassVar[str] = "geojson"
    SHORTHAND: ClassVar[str] = "file"
    file: str = param(doc="GeoJSON file, next to the scenario file or in assets/.")
    origin_lonlat: tuple[float, float] = param(
        doc="Longitude, latitude of the world origin, deg.", factory=lambda: (0.0, 0.0)
    )


NoFlyZone = CylinderNoFly | PrismNoFly | GeoJsonNoFly
