"""The scenario format's small value types (literal choices and parameter scalars)."""

from __future__ import annotations

from typing import Literal

Rule = Literal["<", "<=", ">", ">="]
Shape = Literal["step", "linear", "cubic", "sinusoidal"]
EntityType = Literal["car", "truck", "bus", "motorcycle", "bicycle", "pedestrian", "obstacle"]
Category = Literal["smoke", "typical", "continuous", "v2x", "urban"]
LightState = Literal["red", "yellow", "green", "off"]
Scalar = float | int | str | bool
