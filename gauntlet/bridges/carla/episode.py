"""The simulation behind the server: actors, settings, clock and world snapshots.

An :class:`Episode` knows nothing of sockets. It is driven by the server's
one thread, so it needs no locks, and it steps the Gauntlet world at a fixed
``dt`` (``fixed_delta_seconds``, or the server's default step when a client
leaves it unset), so the same calls give the same states.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from gauntlet.bridges.carla.actors import Actor, ActorRegistry, complete_description
from gauntlet.bridges.carla.blueprints import Blueprint, by_id
from gauntlet.bridges.carla.bodies import Body, build_body_world, overlaps_any, pose_at
from gauntlet.bridges.carla.coords import (
    CarlaTransform,
    WorldPose,
    local_to_parent,
    pose_from_carla,
    pose_to_carla,
    vector_from_carla,
)
from gauntlet.bridges.carla.driving import BodyDriver
from gauntlet.bridges.carla.mapdata import map_name, opendrive_for_client, spawn_points
from gauntlet.bridges.carla.protocol import (
    ActorDescription,
    EpisodeSettings,
    VehicleControl,
    WalkerControl,
)
from gauntlet.bridges.carla.sensing import EpisodeSensors
from gauntlet.bridges.carla.snapshot import SnapshotLayout, vehicle_extra
from gauntlet.maps.network import RoadNetwork
from gauntlet.scenarios import schema as sc
from gauntlet.world.builder import load_network
from gauntlet.world.world import World

DEFAULT_DT_S = 0.05
SPEED_LIMIT_KMH = 50.0


class SpawnError(Exception):
    """A spawn the server refuses; the message goes back to the client."""


class Episode:
    """One running episode: the map, the actors, the world and the clock.

    Args:
        map_source: The road network (an OpenDRIVE file or a procedural map).
        dt_s: Step length used when the client sets no ``fixed_delta_seconds``.
        seed: Seed of the world's random generator.
    """

    def __init__(
        self,
        map_source: sc.MapSource,
        *,
        dt_s: float = DEFAULT_DT_S,
        seed: int = 0,
        network: RoadNetwork | None = None,
        warm_up: bool = True,
    ) -> None:
        self.map_source = map_source
        self.network = network or load_network(sc.Scenario(name="map", map=map_source, entities=()))
        self.map_name = map_name(map_source)
        self.opendrive = opendrive_for_client(self.network)
        self.spawn_points = spawn_points(self.network)
        self.default_dt_s = dt_s
        self.seed = seed
        self.settings = EpisodeSettings()
        self.episode_id = 1
        #: The first snapshot is frame 1: the client ignores frames not after its own 0.
        self.frame = 1
        self.elapsed_s = 0.0
        self.actors = ActorRegistry()
        self.world: World | None = None
        self._world_ids: list[int] = []
        self._index: dict[int, int] = {}
        self._stale = False
        self._layout: SnapshotLayout | None = None
        self.driver = BodyDriver()
        self.sensors = EpisodeSensors(self)
        if warm_up:
            self._warm_up()

    def _warm_up(self) -> None:
        """Build and step a throwaway world once, so the first spawn does not stall a client."""
        pose = pose_from_carla(self.spawn_points[0]) if self.spawn_points else WorldPose()
        body = Body(0, "car", (2.0, 0.9, 0.7), WorldPose(pose.x_m, pose.y_m, 0.0, pose.heading_rad))
        build_body_world(self.map_source, [body], self.default_dt_s, self.seed, 0).step()

    # ------------------------------------------------------------------ settings

    @property
    def dt_s(self) -> float:
        """The step length now in force."""
        return self.settings.fixed_delta_seconds or self.default_dt_s

    def apply_settings(self, settings: EpisodeSettings) -> None:
        """Take new settings; a new step length takes effect from the next step."""
        if (settings.fixed_delta_seconds or self.default_dt_s) != self.dt_s:
            self._stale = True
        self.settings = settings

    # ------------------------------------------------------------------ actors

    def spawn(
        self,
        description: ActorDescription,
        transform: CarlaTransform,
        parent: int = 0,
        owner: int | None = None,
    ) -> Actor:
        """Create an actor from a client's description.

        Raises:
            SpawnError: Unknown blueprint, missing parent, or a body that would
                overlap another one.
        """
        blueprint = by_id().get(description.id)
        if blueprint is None:
            raise SpawnError(f"unknown blueprint {description.id!r}")
        self._admit(blueprint)
        offset: CarlaTransform | None = None
        if parent:
            parent_actor = self.actors.get(parent)
            if parent_actor is None:
                raise SpawnError(f"cannot attach to actor {parent}: no such actor")
            if blueprint.kind in ("vehicle", "walker", "prop"):
                raise SpawnError(
                    f"{blueprint.id}: attaching bodies to other actors is not supported"
                )
            offset = transform
            pose = local_to_parent(self.pose_of(parent_actor), transform)
        else:
            pose = pose_from_carla(transform)
            if blueprint.extent[2] > 0.0:
                # Bodies stand on the road: Gauntlet has no vertical dynamics.
                pose = WorldPose(pose.x_m, pose.y_m, 0.0, pose.heading_rad)
        if blueprint.kind in ("vehicle", "walker", "prop"):
            candidate = Body(0, blueprint.road_user or "obstacle", blueprint.extent, pose)
            if overlaps_any(self._bodies(), candidate):
                raise SpawnError("Spawn failed because of collision at spawn position")
        actor = self.actors.add(
            blueprint,
            complete_description(blueprint, description),
            pose,
            parent=parent,
            offset=offset,
            owner=owner,
        )
        if blueprint.kind == "sensor":
            actor.stream_id = actor.id
            try:
                self.sensors.add(actor)
            except Exception as exc:
                # No sensor model, no actor: a failed spawn leaves nothing behind.
                self.actors.remove(actor.id)
                if isinstance(exc, ValueError):
                    raise SpawnError(str(exc)) from None
                raise
        self._layout = None
        if actor.has_body:
            self._stale = True
        return actor

    def _admit(self, blueprint: Blueprint) -> None:
        """Refuse a blueprint this episode does not spawn (all are welcome here)."""

    def destroy(self, actor_id: int) -> bool:
        """Remove an actor (its attached actors stay, frozen where they are)."""
        actor = self.actors.get(actor_id)
        if actor is None or actor is self.actors.spectator:
            return False
        for child in self.actors.children(actor_id):
            child.pose = self.pose_of(child)
            child.parent, child.offset = 0, None
        if actor.has_body:
            actor.pose = self.pose_of(actor)
            self._stale = True
        self.actors.remove(actor_id)
        self.sensors.remove(actor_id)
        self._layout = None
        return True

    @property
    def world_ids(self) -> list[int]:
        """CARLA id of each body of the current world, by world index."""
        return self._world_ids

    def world_index(self, actor_id: int) -> int | None:
        """The world index of body ``actor_id`` (None: not a body of the current world)."""
        return self._index.get(actor_id)

    def pose_of(self, actor: Actor) -> WorldPose:
        """Where ``actor`` is now."""
        # The index maps into the current world even when a rebuild is pending.
        k = self._index.get(actor.id)
        if k is not None and self.world is not None:
            return pose_at(self.world, k)
        if actor.parent and actor.offset is not None:
            parent = self.actors.get(actor.parent)
            if parent is not None:
                return local_to_parent(self.pose_of(parent), actor.offset)
        return actor.pose

    def transform_of(self, actor: Actor) -> CarlaTransform:
        """Where ``actor`` is now, in CARLA's frame."""
        return pose_to_carla(self.pose_of(actor))

    def _bodies(self) -> list[Body]:
        out = []
        for a in self.actors.bodies():
            speed = float(self.world.v[self._index[a.id]]) if self._live(a) else a.speed_mps
            out.append(
                Body(
                    a.id,
                    a.blueprint.road_user or "obstacle",
                    a.blueprint.extent,
                    self.pose_of(a),
                    speed,
                )
            )
        return out

    def _live(self, actor: Actor) -> bool:
        return self.world is not None and actor.id in self._index

    # ------------------------------------------------------------------ commands

    def _body(self, actor_id: int, kinds: Iterable[str]) -> Actor:
        actor = self.actors.get(actor_id)
        if actor is None:
            raise KeyError(f"actor {actor_id} not found")
        if actor.kind not in kinds:
            raise TypeError(f"actor {actor_id} ({actor.blueprint.id}) is not a {'/'.join(kinds)}")
        return actor

    def apply_vehicle_control(self, actor_id: int, control: VehicleControl) -> None:
        """Set the pedals and steering a vehicle holds until the next control."""
        actor = self._body(actor_id, ("vehicle",))
        actor.vehicle_control = control
        if self._layout is not None:
            self._write_control(self._layout, actor)

    def apply_walker_control(self, actor_id: int, control: WalkerControl) -> None:
        """Set the direction and speed a walker keeps until the next control."""
        actor = self._body(actor_id, ("walker",))
        actor.walker_control = control
        if self._layout is not None:
            self._write_control(self._layout, actor)

    def set_transform(self, actor_id: int, transform: CarlaTransform) -> None:
        """Teleport an actor (speed kept); an attached actor gets a new offset."""
        actor = self.actors.get(actor_id)
        if actor is None:
            raise KeyError(f"actor {actor_id} not found")
        if actor.parent and actor.offset is not None:
            actor.offset = transform
            return
        pose = pose_from_carla(transform)
        if actor.has_body:
            pose = WorldPose(pose.x_m, pose.y_m, 0.0, pose.heading_rad)
            world = self._world()
            if world is not None:
                k = self._index[actor.id]
                world.set_pose(k, pose.x_m, pose.y_m, pose.heading_rad)
                world.relocate(k)
                return
        actor.pose = pose

    def set_location(self, actor_id: int, x: float, y: float, z: float) -> None:
        """Move an actor, keeping its rotation."""
        t = self.transform_of(
            self._body(actor_id, ("vehicle", "walker", "prop", "sensor", "spectator"))
        )
        self.set_transform(actor_id, CarlaTransform(x, y, z, t.pitch, t.yaw, t.roll))

    def set_target_velocity(self, actor_id: int, velocity: tuple[float, float, float]) -> None:
        """Set a body's speed to the component of ``velocity`` along its heading."""
        actor = self._body(actor_id, ("vehicle", "walker"))
        vx, vy, _ = vector_from_carla(*velocity)
        world = self._world()
        if world is None:
            return
        k = self._index[actor.id]
        h = float(world.h[k])
        world.set_speed(k, vx * math.cos(h) + vy * math.sin(h))

    # ------------------------------------------------------------------ stepping

    def _world(self) -> World | None:
        """The world holding every body now (rebuilt if bodies came or went)."""
        if not self._stale:
            return self.world
        bodies = self._bodies()
        previous = (self.world, self._world_ids) if self.world is not None else None
        step_index = int(round(self.elapsed_s / self.dt_s))
        self._stale = False
        if not bodies:
            self.world, self._world_ids, self._index = None, [], {}
            self._layout = None
            return None
        self.world = build_body_world(
            self.map_source, bodies, self.dt_s, self.seed, step_index, previous
        )
        self._set_world_ids([b.carla_id for b in bodies])
        # Every body is driven from outside: the world's behaviour models have nothing to decide.
        self.world.behaviour_every = 2**62
        return self.world

    def _set_world_ids(self, ids: list[int]) -> None:
        """Record the CARLA id of each body of the current world, by world index."""
        self._world_ids = ids
        self._index = {cid: k for k, cid in enumerate(ids)}
        self._layout = None

    def tick(self) -> int:
        """Advance by one step; returns the new frame number."""
        world = self._world()
        dt = self.dt_s
        if world is not None:
            held = self.driver.drive(world, self.actors.bodies(), self._index, dt)
            world.step()
            for k, x, y, h in held:
                # Brakes hold a vehicle at standstill whatever its actuators still apply.
                world.set_pose(k, x, y, h, 0.0)
        self.frame += 1
        self.elapsed_s += dt
        return self.frame

    # ------------------------------------------------------------------ snapshots

    def snapshot(self) -> bytes:
        """The episode-stream payload of the current frame."""
        world = self._world()
        layout = self._layout
        if layout is None:
            layout = self._layout = self._make_layout()
        if world is not None:
            layout.fill_bodies(world)
        for row, actor in enumerate(self.actors):
            if actor.id not in self._index:
                layout.set_transform(row, self.transform_of(actor))
        return layout.encode(self.episode_id, self.frame, self.elapsed_s, self.dt_s)

    def _make_layout(self) -> SnapshotLayout:
        actors = list(self.actors)
        rows = [r for r, a in enumerate(actors) if a.id in self._index]
        layout = SnapshotLayout(
            [a.id for a in actors], rows, [self._index[actors[r].id] for r in rows]
        )
        for actor in actors:
            self._write_control(layout, actor)
        return layout

    def _write_control(self, layout: SnapshotLayout, actor: Actor) -> None:
        if actor.kind == "vehicle":
            layout.set_extra(
                actor.id, vehicle_extra(actor.vehicle_control.packed(), SPEED_LIMIT_KMH)
            )
        elif actor.kind == "walker":
            layout.set_extra(actor.id, actor.walker_control.packed())
