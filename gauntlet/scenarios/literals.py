"""The scenario format's small value types (literal choices, parameter scalars, fixed-length vectors)."""

from __future__ import annotations

from typing import Literal

Rule = Literal["<", "<=", ">", ">="]
Shape = Literal["step", "linear", "cubic", "sinusoidal"]
EntityType = Literal["car", "truck", "bus", "motorcycle", "bicycle", "pedestrian", "obstacle"]
Category = Literal["smoke", "typical", "continuous", "v2x", "urban"]
LightState = Literal["red", "yellow", "green", "off"]
Scalar = float | int | str | bool

#: A point or vector in plan ``[x, y]`` (or two sizes), m.
XY = tuple[float, float]
#: A point or vector in space ``[x, y, z]`` (or three sizes, or a velocity).
XYZ = tuple[float, float, float]
#: A rectangle ``[x_min, y_min, x_max, y_max]``, m.
Rectangle = tuple[float, float, float, float]
