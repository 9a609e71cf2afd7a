"""CARLA actors as the server knows them, and the registry that numbers them.

Every actor a client sees has a CARLA id (uint32, never reused within a
server's life), the description it was spawned from and a pose. Actors with
a body (vehicles, walkers, props) are also actors of the Gauntlet world
(:mod:`gauntlet.bridges.carla.bodies`); sensors and the spectator only have
a pose; attached actors follow their parent at a fixed offset.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from gauntlet.bridges.carla.blueprints import SPECTATOR, Blueprint
from gauntlet.bridges.carla.coords import CarlaTransform, WorldPose
from gauntlet.bridges.carla.protocol import (
    ActorDescription,
    ActorRecord,
    AttributeType,
    AttributeValue,
    BoundingBox,
    VehicleControl,
    WalkerControl,
)

#: CARLA's semantic tags (CityScapes palette indices) by actor kind.
SEMANTIC_TAG = {"vehicle": 14, "walker": 12, "prop": 20}
_BODY_KINDS = frozenset({"vehicle", "walker", "prop"})


@dataclass
class Actor:
    """One CARLA actor.

    Attributes:
        id: CARLA actor id.
        blueprint: What it was spawned from.
        description: The description the client sent (attribute values it chose).
        pose: Current pose in Gauntlet's frame.
        parent: Id of the actor it is attached to (0: none).
        offset: Pose relative to the parent, in CARLA's frame.
        owner: Connection that spawned it (None: the server's own).
        stream_id: Stream of a sensor's data (0: none).
        vehicle_control: Last control applied to a vehicle.
        walker_control: Last control applied to a walker.
        speed_mps: Speed along the heading (bodies).
    """

    id: int
    blueprint: Blueprint
    description: ActorDescription
    pose: WorldPose = field(default_factory=WorldPose)
    parent: int = 0
    offset: CarlaTransform | None = None
    owner: int | None = None
    stream_id: int = 0
    vehicle_control: VehicleControl = field(default_factory=VehicleControl)
    walker_control: WalkerControl = field(default_factory=WalkerControl)
    speed_mps: float = 0.0

    @property
    def kind(self) -> str:
        """``vehicle``, ``walker``, ``sensor``, ``prop``, ``controller`` or ``spectator``."""
        return self.blueprint.kind

    @property
    def has_body(self) -> bool:
        """Whether it is an actor of the Gauntlet world."""
        return self.blueprint.kind in _BODY_KINDS

    @property
    def role_name(self) -> str:
        """The ``role_name`` attribute (``hero`` marks the ego)."""
        return self.description.attribute("role_name")

    def bounding_box(self) -> BoundingBox:
        """Its box: half-extents, centred above the actor's ground-level origin."""
        ex, ey, ez = self.blueprint.extent
        return BoundingBox((ex, ey, ez), (0.0, 0.0, ez))

    def record(self, token: bytes = b"") -> ActorRecord:
        """What ``spawn_actor`` and ``get_actors_by_id`` answer for it."""
        tag = SEMANTIC_TAG.get(self.kind)
        return ActorRecord(
            self.id,
            self.description,
            self.bounding_box(),
            self.parent,
            bytes([tag]) if tag is not None else b"",
            token,
        )


def complete_description(blueprint: Blueprint, chosen: ActorDescription) -> ActorDescription:
    """The client's description with every blueprint attribute present.

    CARLA reports all attributes of a spawned actor (``actor.attributes``),
    the client's values where it set them and the defaults otherwise.
    """
    given = {a.id: a for a in chosen.attributes}
    values = [
        given.get(a.id, AttributeValue(a.id, AttributeType(a.type), a.value))
        for a in blueprint.attributes
    ]
    return ActorDescription(chosen.uid, blueprint.id, tuple(values))


class ActorRegistry:
    """All live actors by CARLA id, in spawn order; the spectator always exists."""

    def __init__(self) -> None:
        self._actors: dict[int, Actor] = {}
        self._next_id = 1
        self.spectator = self.add(SPECTATOR, ActorDescription(0, SPECTATOR.id))

    def add(
        self,
        blueprint: Blueprint,
        description: ActorDescription,
        pose: WorldPose | None = None,
        **fields: object,
    ) -> Actor:
        """Register a new actor under the next free id."""
        actor = Actor(self._next_id, blueprint, description, pose or WorldPose(), **fields)  # type: ignore[arg-type]
        self._actors[actor.id] = actor
        self._next_id += 1
        return actor

    def remove(self, actor_id: int) -> Actor | None:
        """Forget an actor; returns it (None if unknown). The spectator stays."""
        if actor_id == self.spectator.id:
            return None
        return self._actors.pop(actor_id, None)

    def get(self, actor_id: int) -> Actor | None:
        """The actor with ``actor_id``, or None."""
        return self._actors.get(actor_id)

    def __iter__(self) -> Iterator[Actor]:
        return iter(self._actors.values())

    def __len__(self) -> int:
        return len(self._actors)

    def bodies(self) -> list[Actor]:
        """Actors with a body, in spawn order (the order of the world's actors)."""
        return [a for a in self._actors.values() if a.has_body]

    def children(self, actor_id: int) -> list[Actor]:
        """Actors attached to ``actor_id``."""
        return [a for a in self._actors.values() if a.parent == actor_id]

    def owned_by(self, owner: int) -> list[Actor]:
        """Actors spawned through connection ``owner``."""
        return [a for a in self._actors.values() if a.owner == owner]
