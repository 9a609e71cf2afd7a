"""The RPC calls the server answers, by the names CARLA's client uses on the wire.

Each handler takes the call's arguments (metadata removed) and the id of the
connection it came on, and returns the msgpack value to answer with — a
``Response<T>`` in every case but ``apply_batch``, whose answer is the bare
list of per-command responses. A call that fails, or that the server does
not implement, gets an error response naming the call; the client raises it
as ``RuntimeError``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from gauntlet.bridges.carla.blueprints import library
from gauntlet.bridges.carla.episode import SpawnError
from gauntlet.bridges.carla.fields import (
    ProtocolError,
    actor_id,
    decode_transform,
    decode_vector,
    encode_transform,
    optional,
)
from gauntlet.bridges.carla.protocol import (
    SERVER_VERSION,
    CommandKind,
    decode_command,
    decode_description,
    decode_settings,
    decode_vehicle_control,
    decode_walker_control,
    failure,
    ok,
    ok_void,
)

if TYPE_CHECKING:
    from gauntlet.bridges.carla.server import CarlaServer

log = logging.getLogger("gauntlet.carla")
Handler = Callable[[list, int], Any]
#: Weather as CARLA's default ``WeatherParameters`` (cloudiness ... dust_storm).
DEFAULT_WEATHER = [5.0, 0.0, 0.0, 10.0, 0.0, 45.0, 0.0, 0.75, 0.1, 0.0, 1.0, 0.03, 0.0331, 0.0]
#: Calls that answer with an empty list: the server has no such objects.
EMPTY_LISTS = (
    "get_all_level_BBs",
    "get_environment_objects",
    "get_group_traffic_lights",
    "get_light_boxes",
    "get_names_of_all_objects",
    "get_vehicle_light_states",
    "query_lights_state",
)
#: Calls accepted without effect (Gauntlet's bodies have no rigid-body physics).
ACCEPTED = (
    "set_actor_simulate_physics",
    "set_actor_enable_gravity",
    "set_actor_target_angular_velocity",
    "draw_debug_shape",
    "update_lights_state",
    "update_day_night_cycle",
)


def _arity(args: list, n: int) -> list:
    if len(args) < n:
        raise ProtocolError(f"expected {n} arguments, got {len(args)}")
    return args[:n]


class Handlers:
    """The call table of one server."""

    def __init__(self, server: CarlaServer) -> None:
        self.server = server
        self.episode = server.episode
        self.weather = list(DEFAULT_WEATHER)
        self.table: dict[str, Handler] = {
            "version": lambda a, c: ok(SERVER_VERSION),
            "get_episode_info": self.get_episode_info,
            "get_sensor_token": self.get_sensor_token,
            "get_map_info": self.get_map_info,
            "get_map_data": lambda a, c: ok(self.episode.opendrive),
            "get_required_files": lambda a, c: ok([]),
            "get_navigation_mesh": lambda a, c: ok(b""),
            "get_available_maps": lambda a, c: ok([self.episode.map_name]),
            "get_actor_definitions": self.get_actor_definitions,
            "get_spectator": lambda a, c: ok(self._record(self.episode.actors.spectator)),
            "get_episode_settings": lambda a, c: ok(self.episode.settings.encode()),
            "set_episode_settings": self.set_episode_settings,
            "get_weather_parameters": lambda a, c: ok(self.weather),
            "set_weather_parameters": self.set_weather_parameters,
            "get_actors_by_id": self.get_actors_by_id,
            "spawn_actor": self.spawn_actor,
            "spawn_actor_with_parent": self.spawn_actor_with_parent,
            "destroy_actor": self.destroy_actor,
            "get_actor_bounding_box": self.get_actor_bounding_box,
            "set_actor_location": self.set_actor_location,
            "set_actor_transform": self.set_actor_transform,
            "set_actor_target_velocity": self.set_actor_target_velocity,
            "apply_control_to_vehicle": self.apply_control_to_vehicle,
            "apply_control_to_walker": self.apply_control_to_walker,
            "apply_batch": self.apply_batch,
            "tick_cue": self.tick_cue,
        }
        for name in EMPTY_LISTS:
            self.table[name] = lambda a, c: ok([])
        for name in ACCEPTED:
            self.table[name] = lambda a, c: ok_void()

    def dispatch(self, method: str, args: list, connection: int) -> Any:
        """Answer one call; never raises."""
        log.debug("call %s from connection %d", method, connection)
        handler = self.table.get(method)
        if handler is None:
            return failure(f"{method}: not supported by the Gauntlet CARLA-compatible server")
        try:
            return handler(args, connection)
        except (ProtocolError, SpawnError, KeyError, TypeError, ValueError) as exc:
            message = exc.args[0] if exc.args else type(exc).__name__
            return failure(f"{method}: {message}")

    # ------------------------------------------------------------------ episode and map

    def _record(self, actor: Any) -> list:
        return actor.record(self.server.token(actor.stream_id) if actor.stream_id else b"").encode()

    def get_episode_info(self, args: list, connection: int) -> Any:
        return ok([self.episode.episode_id, [self.server.token(self.server.episode_stream)]])

    def get_sensor_token(self, args: list, connection: int) -> Any:
        (stream,) = _arity(args, 1)
        stream = actor_id(stream, "stream id")
        if not self.server.has_stream(stream):
            return failure(f"get_sensor_token: no stream {stream}")
        return ok([self.server.token(stream)])

    def get_map_info(self, args: list, connection: int) -> Any:
        points = [encode_transform(t) for t in self.episode.spawn_points]
        return ok([self.episode.map_name, points])

    def get_actor_definitions(self, args: list, connection: int) -> Any:
        return ok([bp.encode(uid) for uid, bp in enumerate(library(), start=1)])

    def set_episode_settings(self, args: list, connection: int) -> Any:
        (settings,) = _arity(args, 1)
        self.server.apply_settings(decode_settings(settings))
        return ok(self.episode.frame)

    def set_weather_parameters(self, args: list, connection: int) -> Any:
        (weather,) = _arity(args, 1)
        if not isinstance(weather, list) or not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in weather
        ):
            raise ProtocolError("expected the weather as a list of numbers")
        self.weather = [float(v) for v in weather]
        return ok_void()

    # ------------------------------------------------------------------ actors

    def get_actors_by_id(self, args: list, connection: int) -> Any:
        (ids,) = _arity(args, 1)
        if not isinstance(ids, list):
            raise ProtocolError("expected a list of actor ids")
        found = (self.episode.actors.get(actor_id(i)) for i in ids)
        return ok([self._record(a) for a in found if a is not None])

    def _spawn(self, description: Any, transform: Any, parent: int, connection: int) -> Any:
        return self.episode.spawn(
            decode_description(description), decode_transform(transform), parent, connection
        )

    def spawn_actor(self, args: list, connection: int) -> Any:
        description, transform = _arity(args, 2)
        return ok(self._record(self._spawn(description, transform, 0, connection)))

    def spawn_actor_with_parent(self, args: list, connection: int) -> Any:
        description, transform, parent = _arity(args, 3)
        parent_id = actor_id(parent, "parent")
        return ok(self._record(self._spawn(description, transform, parent_id, connection)))

    def get_actor_bounding_box(self, args: list, connection: int) -> Any:
        (target,) = _arity(args, 1)
        actor = self.episode.actors.get(actor_id(target))
        if actor is None:
            return failure(f"get_actor_bounding_box: actor {target} not found")
        return ok(actor.bounding_box().encode())

    def destroy_actor(self, args: list, connection: int) -> Any:
        (target,) = _arity(args, 1)
        target = actor_id(target)
        if not self.server.destroy(target):
            return failure(f"destroy_actor: actor {target} not found")
        return ok(True)

    def set_actor_location(self, args: list, connection: int) -> Any:
        target, location = _arity(args, 2)
        self.episode.set_location(actor_id(target), *decode_vector(location, "location"))
        return ok_void()

    def set_actor_transform(self, args: list, connection: int) -> Any:
        target, transform = _arity(args, 2)
        self.episode.set_transform(actor_id(target), decode_transform(transform))
        return ok_void()

    def set_actor_target_velocity(self, args: list, connection: int) -> Any:
        target, velocity = _arity(args, 2)
        self.episode.set_target_velocity(actor_id(target), decode_vector(velocity, "velocity"))
        return ok_void()

    def apply_control_to_vehicle(self, args: list, connection: int) -> Any:
        target, control = _arity(args, 2)
        self.episode.apply_vehicle_control(actor_id(target), decode_vehicle_control(control))
        return ok_void()

    def apply_control_to_walker(self, args: list, connection: int) -> Any:
        target, control = _arity(args, 2)
        self.episode.apply_walker_control(actor_id(target), decode_walker_control(control))
        return ok_void()

    def tick_cue(self, args: list, connection: int) -> Any:
        answer = self.server.client_tick()
        return ok(answer) if isinstance(answer, int) else answer

    # ------------------------------------------------------------------ batches

    def apply_batch(self, args: list, connection: int) -> Any:
        commands, do_tick = _arity(args, 2)
        if not isinstance(commands, list):
            raise ProtocolError("expected a list of commands")
        responses = [self._command(c, connection, 0) for c in commands]
        if do_tick is True:
            answer = self.server.client_tick()
            if not isinstance(answer, int):
                raise ProtocolError("do_tick is not available here; call world.tick()")
        return responses

    def _command(self, raw: Any, connection: int, parent: int) -> list:
        """One command's ``CommandResponse``: ``[[1, actor id]]`` or ``[[0, [message]]]``."""
        try:
            command = decode_command(raw)
            fields = command.fields
            kind = command.kind
            if kind is CommandKind.SPAWN_ACTOR:
                description, transform, parent_opt = fields[:3]
                chosen = optional(parent_opt, "parent")
                attach = actor_id(chosen, "parent") if chosen is not None else parent
                actor = self._spawn(description, transform, attach, connection)
                for then in fields[5] if len(fields) > 5 and isinstance(fields[5], list) else []:
                    self._then(then, actor.id, connection)
                return [[1, actor.id]]
            target = actor_id(fields[0]) if fields else 0
            if kind is CommandKind.DESTROY_ACTOR:
                if not self.server.destroy(target):
                    raise KeyError(f"actor {target} not found")
            elif kind is CommandKind.APPLY_VEHICLE_CONTROL:
                self.episode.apply_vehicle_control(target, decode_vehicle_control(fields[1]))
            elif kind is CommandKind.APPLY_WALKER_CONTROL:
                self.episode.apply_walker_control(target, decode_walker_control(fields[1]))
            elif kind is CommandKind.APPLY_TRANSFORM:
                self.episode.set_transform(target, decode_transform(fields[1]))
            elif kind is CommandKind.APPLY_LOCATION:
                self.episode.set_location(target, *decode_vector(fields[1], "location"))
            elif kind is CommandKind.APPLY_TARGET_VELOCITY:
                self.episode.set_target_velocity(target, decode_vector(fields[1], "velocity"))
            elif kind in (CommandKind.SET_SIMULATE_PHYSICS, CommandKind.SET_ENABLE_GRAVITY):
                pass
            else:
                raise ProtocolError(f"command {kind.name.lower()} is not supported")
            return [[1, target]]
        except (ProtocolError, SpawnError, KeyError, TypeError, ValueError, IndexError) as exc:
            return [[0, [str(exc.args[0]) if exc.args else type(exc).__name__]]]

    def _then(self, raw: Any, spawned: int, connection: int) -> None:
        """A ``then`` command of a spawn: its actor id 0 stands for the spawned actor."""
        try:
            (variant,) = raw
            index, fields = variant
            if fields and fields[0] == 0:
                fields = [spawned, *fields[1:]]
            self._command([[index, fields]], connection, spawned)
        except (TypeError, ValueError):
            return
