"""The sensors of an episode: which are due after a step, and their stream payloads.

:class:`EpisodeSensors` keeps one :class:`~.sensor_models.CarlaSensor` per
sensor actor, made when the actor spawns (so bad attributes fail the spawn),
and after every step turns the due measurements of the sensors someone
listens to into stream payloads: the 48-byte sensor header (sensor type,
frame, time, the sensor's CARLA transform) and the data body. Sensors no
one listens to are not measured; their schedules stand still.

Collision sensors report the world's collision events (first contact of two
bodies) that involve their parent, once each, with the impulse taken as the
reduced mass times the relative velocity, ``m1 m2 / (m1 + m2) (v_other - v_self)``
in CARLA's frame (N s).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from gauntlet.bridges.carla import sensor_data as sd
from gauntlet.bridges.carla import sensor_models as sm
from gauntlet.bridges.carla.blueprints import SENSOR_DATA_TYPE
from gauntlet.bridges.carla.coords import pose_to_carla, vector_to_carla
from gauntlet.bridges.carla.streaming import sensor_header
from gauntlet.dynamics.presets import preset

if TYPE_CHECKING:
    from collections.abc import Collection

    from gauntlet.bridges.carla.actors import Actor
    from gauntlet.bridges.carla.episode import Episode


class EpisodeSensors:
    """The sensor models of one episode's sensor actors."""

    def __init__(self, episode: Episode) -> None:
        self.episode = episode
        self.origin = sm.geodetic_origin(episode.opendrive)
        self.scene = sm.RaycastSceneSource(episode.network)
        self.sensors: dict[int, sm.CarlaSensor] = {}
        #: Collision events already reported: (world, number of events seen).
        self._collisions_seen: tuple[object, int] = (None, 0)

    def add(self, actor: Actor) -> None:
        """Make the model of a new sensor actor.

        Raises:
            ValueError: An attribute the model cannot take (named in the message).
        """
        sensor = sm.make_sensor(actor, self.episode.seed, self.episode.dt_s, self.origin)
        if sensor is not None:
            self.sensors[actor.id] = sensor

    def remove(self, actor_id: int) -> None:
        """Forget a destroyed sensor."""
        self.sensors.pop(actor_id, None)

    def payloads(self, listening: Collection[int]) -> list[tuple[int, bytes]]:
        """``(stream id, payload)`` of every listened-to sensor that measured at this step."""
        ep = self.episode
        out: list[tuple[int, bytes]] = []
        collisions = self._new_collisions()
        if not listening:
            return out
        world = ep.world
        frame = sm.SensingFrame(world, list(ep.world_ids), self.scene, ep.elapsed_s)
        for actor_id in sorted(listening):
            sensor = self.sensors.get(actor_id)
            if sensor is None or (sensor.model is not None and not sensor.due(ep.elapsed_s)):
                continue
            actor = sensor.actor
            index = ep.world_index(actor.parent) if actor.parent else None
            # Where the episode puts it (at its offset from its parent): made once a step.
            own = ep.pose_of(actor)
            if sensor.model is None:
                body = self._collision_bodies(actor, index, collisions)
            else:
                pose = sm.sensor_pose(world, index, actor.offset, own)
                one = sm.measure(sensor, frame, pose, index)
                body = [one] if one is not None else []
            if body:
                kind = SENSOR_DATA_TYPE[actor.blueprint.id]
                header = sensor_header(kind, ep.frame, ep.elapsed_s, pose_to_carla(own))
                out.extend((actor.stream_id, header + b) for b in body)
        return out

    def _new_collisions(self) -> list[tuple[int, int]]:
        world = self.episode.world
        if world is None:
            return []
        seen_world, seen = self._collisions_seen
        start = seen if seen_world is world else 0
        events = world.collisions[start:]
        self._collisions_seen = (world, len(world.collisions))
        return [(e.a, e.b) for e in events]

    def _collision_bodies(
        self, sensor: Actor, index: int | None, events: list[tuple[int, int]]
    ) -> list[bytes]:
        ep = self.episode
        if index is None or not any(index in (a, b) for a, b in events):
            return []
        # The parent is the body at ``index``.
        me_actor = ep.actors.get(ep.world_ids[index])
        if me_actor is None:
            return []
        me_record = me_actor.record().encode()
        out = []
        for a, b in events:
            if index not in (a, b):
                continue
            other = b if a == index else a
            other_actor = ep.actors.get(ep.world_ids[other])
            if other_actor is None:
                continue
            out.append(
                sd.collision_data(
                    me_record,
                    other_actor.record().encode(),
                    self._impulse(index, other, me_actor, other_actor),
                )
            )
        return out

    def _impulse(self, me: int, other: int, me_actor: Actor, other_actor: Actor) -> tuple:
        w = self.episode.world
        m1 = preset(me_actor.blueprint.road_user or "car").mass_kg
        m2 = preset(other_actor.blueprint.road_user or "car").mass_kg
        reduced = m1 * m2 / (m1 + m2)

        def velocity(k: int) -> tuple[float, float]:
            return float(w.v[k]) * math.cos(float(w.h[k])), float(w.v[k]) * math.sin(float(w.h[k]))

        (v1x, v1y), (v2x, v2y) = velocity(me), velocity(other)
        return vector_to_carla(reduced * (v2x - v1x), reduced * (v2y - v1y), 0.0)
