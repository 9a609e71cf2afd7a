"""Nothing a client sends can take the server down or disturb another client."""

from __future__ import annotations

import os
import socket
import struct
import subprocess
import sys
import textwrap

import msgpack
import numpy as np
import pytest

from gauntlet.bridges.carla.server import EPISODE_STREAM
from gauntlet.bridges.carla.snapshot import parse_snapshot
from gauntlet.bridges.carla.wire import encode_request
from tests.bridges.carla_process import ROOT, start_server, stop_server

carla = pytest.importorskip("carla")


def _closed_by_server(sock: socket.socket, timeout: float = 5.0) -> bool:
    """Whether the server closes ``sock`` (answers it may send first are skipped)."""
    sock.settimeout(timeout)
    try:
        while True:
            if not sock.recv(1 << 16):
                return True
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def _answer(sock: socket.socket) -> list:
    sock.settimeout(5.0)
    unpacker = msgpack.Unpacker(raw=False)
    while True:
        unpacker.feed(sock.recv(1 << 16))
        for message in unpacker:
            return message


def _garbage(rng: np.random.Generator) -> bytes:
    kind = rng.integers(5)
    if kind == 0:
        return rng.bytes(int(rng.integers(1, 400)))
    if kind == 1:  # msgpack, but not msgpack-RPC
        return msgpack.packb([int(rng.integers(3, 9)), "x", {"a": [1, 2]}])
    if kind == 2:  # a string header promising more than the limit
        return b"\xdb" + struct.pack(">I", 1 << 30) + rng.bytes(64)
    if kind == 3:  # an array header promising a billion elements
        return b"\xdd" + struct.pack(">I", 1 << 30) + b"\x00" * 16
    return b"\xc1" + encode_request(1, "version", [])  # a reserved byte first


def test_garbage_closes_only_that_connection(sync_server):
    client = carla.Client(sync_server.host, sync_server.port)
    client.set_timeout(10.0)
    world = client.get_world()
    car = world.spawn_actor(
        world.get_blueprint_library().find("vehicle.tesla.model3"),
        world.get_map().get_spawn_points()[0],
    )
    car.apply_control(carla.VehicleControl(throttle=0.5))
    rng = np.random.default_rng(11)
    frame = world.tick()
    for _ in range(25):
        with socket.create_connection((sync_server.host, sync_server.port)) as raw:
            raw.sendall(_garbage(rng))
            # Bytes that could still start a valid message wait for the rest: end them.
            raw.shutdown(socket.SHUT_WR)
            assert _closed_by_server(raw)
        assert world.tick() == frame + 1
        frame += 1
    assert sync_server.alive()
    assert car.get_velocity().length() > 1.0


def test_an_incomplete_message_times_out():
    from gauntlet.bridges.carla import CarlaServer, Episode
    from gauntlet.scenarios.schema import ProceduralMap

    episode = Episode(ProceduralMap("straight", {}))
    server = CarlaServer(episode, port=0, incomplete_message_timeout_s=0.5)
    with server, socket.create_connection(("127.0.0.1", server.port)) as stalled:
        stalled.sendall(encode_request(1, "version", [])[:-3])
        with socket.create_connection(("127.0.0.1", server.port)) as other:
            other.sendall(encode_request(2, "version", []))
            assert _answer(other)[3] == [[1, "0.9.16"]]
        assert _closed_by_server(stalled, timeout=5.0)


def test_bad_arguments_get_error_answers_and_the_connection_stays(sync_server):
    with socket.create_connection((sync_server.host, sync_server.port)) as raw:
        cases = [
            ("no_such_call", [], "no_such_call"),
            ("spawn_actor", [["not", "a", "description"], 5], "spawn_actor"),
            ("apply_control_to_vehicle", [999, [1.0, 0.0, 0.0, False, False, False, 0]], "999"),
            ("destroy_actor", ["seven"], "destroy_actor"),
            ("set_episode_settings", [[1, 2]], "set_episode_settings"),
            ("get_actors_by_id", [[-1]], "get_actors_by_id"),
            ("apply_batch", [[[["x"]]], False], None),
        ]
        for msgid, (method, args, expected) in enumerate(cases, start=1):
            raw.sendall(encode_request(msgid, method, args))
            kind, got_id, error, result = _answer(raw)
            assert (kind, got_id, error) == (1, msgid, None)
            if expected is None:
                assert result[0][0][0] == 0  # a failed CommandResponse
            else:
                assert result[0][0] == 0 and expected in result[0][1][0]
        raw.sendall(encode_request(99, "version", []))
        assert _answer(raw)[3] == [[1, "0.9.16"]]


def test_a_non_finite_sensor_attribute_fails_the_spawn_and_leaves_no_actor(sync_server):
    client = carla.Client(sync_server.host, sync_server.port)
    client.set_timeout(10.0)
    world = client.get_world()
    bp = world.get_blueprint_library().find("sensor.lidar.ray_cast")
    bp.set_attribute("channels", "inf")
    before = {a.id for a in world.get_actors()}
    with pytest.raises(
        RuntimeError,
        match=r"sensor\.lidar\.ray_cast: attribute channels must be a finite number, got 'inf'",
    ):
        world.spawn_actor(bp, carla.Transform())
    world.tick()
    actors = world.get_actors()
    assert {a.id for a in actors} == before
    assert len(actors.filter("sensor.*")) == 0


def test_stream_port_rejects_unknown_streams_and_garbage(sync_server):
    address = (sync_server.host, sync_server.stream_port)
    for hello in (struct.pack("<I", 12345), b"\x01\x02\x03\x04\x05\x06\x07\x08"):
        with socket.create_connection(address) as raw:
            raw.sendall(hello)
            assert _closed_by_server(raw)
    with socket.create_connection(address) as raw:
        raw.sendall(struct.pack("<I", EPISODE_STREAM))
        raw.settimeout(5.0)
        data = b""
        while len(data) < 4 or len(data) < 4 + struct.unpack_from("<I", data)[0]:
            data += raw.recv(1 << 16)
        frame, _, records = parse_snapshot(data[4:])
        assert frame >= 1 and len(records) == 1  # the spectator
    assert sync_server.alive()


def test_a_subscriber_that_stops_reading_does_not_stall_the_server(carla_server):
    # Subscribe to the episode stream and never read: frames pile up and are dropped.
    raw = socket.create_connection((carla_server.host, carla_server.stream_port))
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    raw.sendall(struct.pack("<I", EPISODE_STREAM))
    try:
        client = carla.Client(carla_server.host, carla_server.port)
        client.set_timeout(10.0)
        world = client.get_world()
        first = world.wait_for_tick().frame
        for _ in range(20):
            last = world.wait_for_tick().frame
        assert last == first + 20
    finally:
        raw.close()


def test_disconnect_frees_the_clients_actors():
    server = start_server("--sync", "--free-on-disconnect")
    try:
        script = textwrap.dedent(
            f"""
            import carla
            client = carla.Client("{server.host}", {server.port})
            client.set_timeout(10.0)
            world = client.get_world()
            bp = world.get_blueprint_library().find("vehicle.audi.a2")
            car = world.spawn_actor(bp, world.get_map().get_spawn_points()[1])
            world.tick()
            print(car.id)
            """
        )
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        out = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, env=env
        )
        assert out.returncode == 0, out.stderr
        client = carla.Client(server.host, server.port)
        client.set_timeout(10.0)
        world = client.get_world()
        world.tick()
        assert len(world.get_actors().filter("vehicle.*")) == 0
    finally:
        stop_server(server)


#: Every call the server answers, by its wire name, and a few it does not.
CALLS = (
    "version", "get_episode_info", "get_sensor_token", "get_map_info", "get_map_data",
    "get_required_files", "get_navigation_mesh", "get_available_maps", "get_actor_definitions",
    "get_spectator", "get_episode_settings", "set_episode_settings", "get_weather_parameters",
    "set_weather_parameters", "get_actors_by_id", "spawn_actor", "spawn_actor_with_parent",
    "destroy_actor", "get_actor_bounding_box", "set_actor_location", "set_actor_transform",
    "set_actor_target_velocity", "apply_control_to_vehicle", "apply_control_to_walker",
    "apply_batch", "tick_cue", "draw_debug_shape", "load_new_episode", "", "\x00",
)  # fmt: skip


def _fuzz_value(rng: np.random.Generator, depth: int = 0):
    kind = int(rng.integers(11 if depth < 3 else 8))
    if kind == 0:
        return int(rng.integers(-(2**31), 2**31))
    if kind == 1:
        return [2**64 - 1, -(2**63), 0, 1, 2**32][int(rng.integers(5))]
    if kind == 2:
        return float(rng.choice([np.nan, np.inf, -np.inf, 1e308, -0.0, float(rng.normal())]))
    if kind == 3:
        return rng.bytes(int(rng.integers(0, 30))).decode("latin-1")
    if kind == 4:
        return rng.bytes(int(rng.integers(0, 30)))
    if kind == 5:
        return bool(rng.integers(2))
    if kind == 6:
        return None
    if kind == 7:
        return int(rng.integers(0, 40))  # plausible actor ids and enum indices
    if kind in (8, 9):
        return [_fuzz_value(rng, depth + 1) for _ in range(int(rng.integers(0, 8)))]
    return {str(k): _fuzz_value(rng, depth + 1) for k in range(int(rng.integers(0, 4)))}


def test_fuzzed_and_truncated_msgpack_never_kill_the_server(sync_server):
    """Random msgpack-RPC calls get answers (never an internal error); truncated ones close."""
    client = carla.Client(sync_server.host, sync_server.port)
    client.set_timeout(10.0)
    world = client.get_world()
    rng = np.random.default_rng(2024)
    with socket.create_connection((sync_server.host, sync_server.port)) as raw:
        for msgid in range(1, 401):
            method = CALLS[int(rng.integers(len(CALLS)))]
            args = [_fuzz_value(rng) for _ in range(int(rng.integers(0, 4)))]
            raw.sendall(encode_request(msgid, method, args))
            kind, got_id, error, result = _answer(raw)
            assert (kind, got_id) == (1, msgid)
            assert "internal error" not in repr((error, result)), (method, args, result)
    for _ in range(20):
        request = encode_request(7, CALLS[int(rng.integers(len(CALLS)))], [_fuzz_value(rng)])
        with socket.create_connection((sync_server.host, sync_server.port)) as raw:
            raw.sendall(request[: int(rng.integers(1, len(request)))])
            raw.shutdown(socket.SHUT_WR)
            assert _closed_by_server(raw)
    assert sync_server.alive()
    settings = world.get_settings()
    settings.synchronous_mode, settings.fixed_delta_seconds = True, 0.05
    world.apply_settings(settings)
    frame = world.tick()
    assert world.tick() == frame + 1
    assert "Traceback" not in sync_server.stop()
