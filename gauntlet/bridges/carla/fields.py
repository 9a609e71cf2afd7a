"""The msgpack fields of CARLA's RPC arguments: scalars, optionals, vectors, transforms.

Each reader checks one field's type and raises :class:`ProtocolError` (a
``ValueError``) with a message that names the field, so a malformed argument
becomes an error answer for that call; each writer gives the layout the
0.9.16 client reads (``boost::optional<T>`` is ``[false]`` or ``[true, value]``,
a ``Transform`` is ``[[x, y, z], [pitch, yaw, roll]]``).
"""

from __future__ import annotations

import math
from typing import Any

from gauntlet.bridges.carla.coords import CarlaTransform


class ProtocolError(ValueError):
    """An RPC argument that does not have the layout CARLA's client sends."""


def number(value: Any, name: str) -> float:
    """A finite float (``name`` goes into the error message)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ProtocolError(f"{name}: expected a number, got {type(value).__name__}")
    result = float(value)
    if not math.isfinite(result):
        raise ProtocolError(f"{name}: expected a finite number, got {result!r}")
    return result


def integer(value: Any, name: str) -> int:
    """An integer, not a bool."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProtocolError(f"{name}: expected an integer, got {type(value).__name__}")
    return value


def flag(value: Any, name: str) -> bool:
    """A bool."""
    if not isinstance(value, bool):
        raise ProtocolError(f"{name}: expected a bool, got {type(value).__name__}")
    return value


def text(value: Any, name: str) -> str:
    """A string (UTF-8 bytes are decoded)."""
    if isinstance(value, bytes):
        try:
            return value.decode()
        except UnicodeDecodeError:
            raise ProtocolError(f"{name}: not UTF-8 text") from None
    if not isinstance(value, str):
        raise ProtocolError(f"{name}: expected a string, got {type(value).__name__}")
    return value


def array(value: Any, name: str, min_len: int = 0) -> list:
    """A list of at least ``min_len`` fields."""
    if not isinstance(value, list | tuple):
        raise ProtocolError(f"{name}: expected an array, got {type(value).__name__}")
    if len(value) < min_len:
        raise ProtocolError(f"{name}: expected at least {min_len} fields, got {len(value)}")
    return list(value)


def actor_id(value: Any, name: str = "actor id") -> int:
    """An ``ActorId`` (uint32)."""
    result = integer(value, name)
    if not 0 <= result < 2**32:
        raise ProtocolError(f"{name}: {result} is not a uint32")
    return result


def optional(value: Any, name: str) -> Any | None:
    """The payload of a ``boost::optional`` (``None`` when empty)."""
    items = array(value, name, 1)
    if not flag(items[0], f"{name}.has_value") or len(items) < 2:
        return None
    return items[1]


def encode_optional(value: Any | None) -> list:
    """A ``boost::optional`` on the wire."""
    return [False] if value is None else [True, value]


# --------------------------------------------------------------------------- geometry


def decode_vector(value: Any, name: str = "vector") -> tuple[float, float, float]:
    """A ``Vector3D`` / ``Location``: ``[x, y, z]``."""
    x, y, z = array(value, name, 3)[:3]
    return number(x, f"{name}.x"), number(y, f"{name}.y"), number(z, f"{name}.z")


def encode_vector(x: float, y: float, z: float) -> list[float]:
    """A ``Vector3D`` on the wire."""
    return [float(x), float(y), float(z)]


def decode_transform(value: Any, name: str = "transform") -> CarlaTransform:
    """A ``Transform``: ``[[x, y, z], [pitch, yaw, roll]]``."""
    location, rotation = array(value, name, 2)[:2]
    x, y, z = decode_vector(location, f"{name}.location")
    pitch, yaw, roll = array(rotation, f"{name}.rotation", 3)[:3]
    return CarlaTransform(
        x,
        y,
        z,
        number(pitch, f"{name}.rotation.pitch"),
        number(yaw, f"{name}.rotation.yaw"),
        number(roll, f"{name}.rotation.roll"),
    )


def encode_transform(t: CarlaTransform) -> list:
    """A ``Transform`` on the wire."""
    return [encode_vector(t.x, t.y, t.z), [float(t.pitch), float(t.yaw), float(t.roll)]]
