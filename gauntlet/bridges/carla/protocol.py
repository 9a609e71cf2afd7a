"""The msgpack layouts of CARLA's RPC types (client version 0.9.16), read and written.

CARLA serialises its C++ types as msgpack arrays of their fields, in
declaration order; enums are integers, ``boost::optional<T>`` is ``[false]``
or ``[true, value]``, a variant is ``[index, value]``. Every RPC answer is a
``Response<T>``: ``[[1, value]]`` on success and ``[[0, [message]]]`` on
failure, which the client raises as ``RuntimeError(message)``; ``Response<void>``
is ``[[false]]`` or ``[[true, [message]]]``.

Decoders check shapes and types and raise :class:`ProtocolError` (a
``ValueError``) with a message that names the field, so a malformed argument
becomes an error answer for that call instead of an exception in the server.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from gauntlet.bridges.carla.fields import (
    ProtocolError,
    actor_id,
    array,
    decode_vector,
    encode_optional,
    encode_vector,
    flag,
    integer,
    number,
    optional,
    text,
)

#: ``carla.Client.get_server_version()``: the client warns unless it equals its own.
SERVER_VERSION = "0.9.16"


class AttributeType(IntEnum):
    """``carla.ActorAttributeType``."""

    BOOL = 1
    INT = 2
    FLOAT = 3
    STRING = 4
    RGB_COLOR = 5


class CommandKind(IntEnum):
    """Index of each command in ``carla::rpc::Command``'s variant (0.9.16)."""

    SPAWN_ACTOR = 0
    DESTROY_ACTOR = 1
    APPLY_VEHICLE_CONTROL = 2
    APPLY_VEHICLE_ACKERMANN_CONTROL = 3
    APPLY_WALKER_CONTROL = 4
    APPLY_VEHICLE_PHYSICS_CONTROL = 5
    APPLY_TRANSFORM = 6
    APPLY_WALKER_STATE = 7
    APPLY_TARGET_VELOCITY = 8
    APPLY_TARGET_ANGULAR_VELOCITY = 9
    APPLY_IMPULSE = 10
    APPLY_FORCE = 11
    APPLY_ANGULAR_IMPULSE = 12
    APPLY_TORQUE = 13
    SET_SIMULATE_PHYSICS = 14
    SET_ENABLE_GRAVITY = 15
    SET_AUTOPILOT = 16
    SHOW_DEBUG_TELEMETRY = 17
    SET_VEHICLE_LIGHT_STATE = 18
    APPLY_LOCATION = 19
    CONSOLE_COMMAND = 20
    SET_TRAFFIC_LIGHT_STATE = 21


# --------------------------------------------------------------------------- responses


def ok(value: Any) -> list:
    """A successful ``Response<T>``."""
    return [[1, value]]


def ok_void() -> list:
    """A successful ``Response<void>``."""
    return [[False]]


def failure(message: str) -> list:
    """A failed ``Response<T>`` (works for any T: the client checks the index first)."""
    return [[0, [message]]]


def failure_void(message: str) -> list:
    """A failed ``Response<void>``."""
    return [[True, [message]]]


# --------------------------------------------------------------------------- geometry


@dataclass(frozen=True)
class BoundingBox:
    """An actor's box in its own frame: centre offset and half-extents, m."""

    extent: tuple[float, float, float] = (0.0, 0.0, 0.0)
    location: tuple[float, float, float] = (0.0, 0.0, 0.0)

    def encode(self) -> list:
        """``[location, extent, rotation]`` on the wire."""
        return [encode_vector(*self.location), encode_vector(*self.extent), [0.0, 0.0, 0.0]]


# --------------------------------------------------------------------------- actors


@dataclass(frozen=True)
class AttributeValue:
    """One attribute of an actor description: id, type and value as text."""

    id: str
    type: AttributeType
    value: str

    def encode(self) -> list:
        """``ActorAttributeValue`` on the wire."""
        return [self.id, int(self.type), self.value]


@dataclass(frozen=True)
class ActorDescription:
    """What the client asks to spawn: blueprint id and attribute values."""

    uid: int
    id: str
    attributes: tuple[AttributeValue, ...] = ()

    def attribute(self, key: str, default: str = "") -> str:
        """The value of attribute ``key`` (``default`` when absent)."""
        for a in self.attributes:
            if a.id == key:
                return a.value
        return default

    def encode(self) -> list:
        """``ActorDescription`` on the wire."""
        return [self.uid, self.id, [a.encode() for a in self.attributes]]


def decode_description(value: Any, name: str = "description") -> ActorDescription:
    """An ``ActorDescription``: ``[uid, id, [[attr id, type, value], ...]]``."""
    uid, bp_id, attrs = array(value, name, 3)[:3]
    attributes = []
    for k, item in enumerate(array(attrs, f"{name}.attributes")):
        a_id, a_type, a_value = array(item, f"{name}.attributes[{k}]", 3)[:3]
        kind = integer(a_type, f"{name}.attributes[{k}].type")
        if kind not in AttributeType._value2member_map_:
            raise ProtocolError(f"{name}.attributes[{k}].type: unknown attribute type {kind}")
        attributes.append(
            AttributeValue(
                text(a_id, f"{name}.attributes[{k}].id"),
                AttributeType(kind),
                text(a_value, f"{name}.attributes[{k}].value"),
            )
        )
    return ActorDescription(
        actor_id(uid, f"{name}.uid"), text(bp_id, f"{name}.id"), tuple(attributes)
    )


@dataclass(frozen=True)
class ActorRecord:
    """``rpc::Actor``: what the client learns about an actor when it first sees it."""

    id: int
    description: ActorDescription
    bounding_box: BoundingBox = BoundingBox()
    parent_id: int = 0
    semantic_tags: bytes = b""
    stream_token: bytes = b""

    def encode(self) -> list:
        """``rpc::Actor`` on the wire."""
        return [
            self.id,
            self.parent_id,
            self.description.encode(),
            self.bounding_box.encode(),
            self.semantic_tags,
            self.stream_token,
        ]


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class EpisodeSettings:
    """``rpc::EpisodeSettings`` (the fields Gauntlet acts on come first)."""

    synchronous_mode: bool = False
    no_rendering_mode: bool = False
    fixed_delta_seconds: float | None = None
    substepping: bool = True
    max_substep_delta_time: float = 0.01
    max_substeps: int = 10
    max_culling_distance: float = 0.0
    deterministic_ragdolls: bool = True
    tile_stream_distance: float = 3000.0
    actor_active_distance: float = 2000.0
    spectator_as_ego: bool = True

    def encode(self) -> list:
        """``EpisodeSettings`` on the wire."""
        return [
            self.synchronous_mode,
            self.no_rendering_mode,
            encode_optional(self.fixed_delta_seconds),
            self.substepping,
            float(self.max_substep_delta_time),
            int(self.max_substeps),
            float(self.max_culling_distance),
            self.deterministic_ragdolls,
            float(self.tile_stream_distance),
            float(self.actor_active_distance),
            self.spectator_as_ego,
        ]


def decode_settings(value: Any, name: str = "settings") -> EpisodeSettings:
    """``EpisodeSettings`` as the client sends them (older clients send fewer fields)."""
    items = array(value, name, 3)
    delta = optional(items[2], f"{name}.fixed_delta_seconds")
    fixed = None if delta is None else number(delta, f"{name}.fixed_delta_seconds")
    if fixed is not None and fixed <= 0.0:
        fixed = None
    defaults = EpisodeSettings()
    readers = (
        ("substepping", flag),
        ("max_substep_delta_time", number),
        ("max_substeps", integer),
        ("max_culling_distance", number),
        ("deterministic_ragdolls", flag),
        ("tile_stream_distance", number),
        ("actor_active_distance", number),
        ("spectator_as_ego", flag),
    )
    rest: dict[str, Any] = {}
    for (key, read), raw in zip(readers, items[3:], strict=False):
        rest[key] = read(raw, f"{name}.{key}")
    return EpisodeSettings(
        flag(items[0], f"{name}.synchronous_mode"),
        flag(items[1], f"{name}.no_rendering_mode"),
        fixed,
        **{k: rest.get(k, getattr(defaults, k)) for k, _ in readers},
    )


# --------------------------------------------------------------------------- controls


@dataclass(frozen=True)
class VehicleControl:
    """``carla.VehicleControl``: pedals in [0, 1], steer in [-1, 1] (positive: right)."""

    throttle: float = 0.0
    steer: float = 0.0
    brake: float = 0.0
    hand_brake: bool = False
    reverse: bool = False
    manual_gear_shift: bool = False
    gear: int = 0

    def packed(self) -> bytes:
        """The 19-byte packed form carried in the episode snapshot."""
        return struct.pack(
            "<fff???i",
            self.throttle,
            self.steer,
            self.brake,
            self.hand_brake,
            self.reverse,
            self.manual_gear_shift,
            self.gear,
        )


def decode_vehicle_control(value: Any, name: str = "control") -> VehicleControl:
    """A ``VehicleControl``: ``[throttle, steer, brake, hand_brake, reverse, manual, gear]``."""
    t, s, b, hb, rev, manual, gear = array(value, name, 7)[:7]
    return VehicleControl(
        min(max(number(t, f"{name}.throttle"), 0.0), 1.0),
        min(max(number(s, f"{name}.steer"), -1.0), 1.0),
        min(max(number(b, f"{name}.brake"), 0.0), 1.0),
        flag(hb, f"{name}.hand_brake"),
        flag(rev, f"{name}.reverse"),
        flag(manual, f"{name}.manual_gear_shift"),
        integer(gear, f"{name}.gear"),
    )


@dataclass(frozen=True)
class WalkerControl:
    """``carla.WalkerControl``: direction (CARLA frame, any length), speed in m/s, jump."""

    direction: tuple[float, float, float] = (1.0, 0.0, 0.0)
    speed: float = 0.0
    jump: bool = False

    def packed(self) -> bytes:
        """The 17-byte packed form carried in the episode snapshot."""
        return struct.pack("<ffff?", *self.direction, self.speed, self.jump)


def decode_walker_control(value: Any, name: str = "control") -> WalkerControl:
    """A ``WalkerControl``: ``[[dx, dy, dz], speed, jump]``."""
    direction, speed, jump = array(value, name, 3)[:3]
    return WalkerControl(
        decode_vector(direction, f"{name}.direction"),
        max(number(speed, f"{name}.speed"), 0.0),
        flag(jump, f"{name}.jump"),
    )


# --------------------------------------------------------------------------- batches


@dataclass(frozen=True)
class Command:
    """One entry of ``apply_batch``: its kind and its decoded fields."""

    kind: CommandKind
    fields: list = field(default_factory=list)


def decode_command(value: Any, name: str = "command") -> Command:
    """A ``Command``: ``[[variant index, [fields...]]]``."""
    (variant,) = array(value, name, 1)[:1]
    index, payload = array(variant, f"{name}.variant", 2)[:2]
    index = integer(index, f"{name}.index")
    if index not in CommandKind._value2member_map_:
        raise ProtocolError(f"{name}: unknown command index {index}")
    return Command(CommandKind(index), array(payload, f"{name}.fields"))
