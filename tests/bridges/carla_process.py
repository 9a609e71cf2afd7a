"""The test suite's handle on servers in their own processes."""

from __future__ import annotations

import time
from pathlib import Path

from gauntlet.bridges.carla.process import ServerProcess, start_server_process

ROOT = Path(__file__).resolve().parents[2]


def start_server(*options: str) -> ServerProcess:
    """A server on free ports with ``options`` (``--sync``, ``--map ...``)."""
    return start_server_process(*options)


def stop_server(server: ServerProcess) -> str:
    """Stop ``server``; returns its standard error."""
    return server.stop()


def wait_for_frame(world, frame: int, timeout_s: float = 60.0):
    """The world snapshot once the episode stream has delivered ``frame`` (or a later one).

    In synchronous mode ``world.tick()`` waits for its frame, but nothing else
    does: not connecting, and not an RPC that changes the world (such as
    ``apply_batch_sync(..., True)``). Snapshot-derived reads (``get_actors``,
    ``get_transform``, ``get_velocity``) see the newest snapshot delivered, so
    a careful client waits for the frame it expects first.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        snapshot = world.get_snapshot()
        if snapshot.frame >= frame:
            return snapshot
        if time.monotonic() > deadline:
            raise TimeoutError(f"frame {frame} not delivered within {timeout_s:g} s")
        time.sleep(0.005)


def tick_until_data(world, *received: list, timeout_s: float = 60.0) -> int:
    """Tick until every list in ``received`` (filled by ``listen``) holds data; returns the frame.

    ``sensor.listen`` subscribes over its own connection, which may reach the
    server only after the next tick; a sensor measures from the first step
    after that, so a careful client waits for the first measurement before it
    counts frames.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        frame = world.tick()
        wait_end = min(deadline, time.monotonic() + 0.5)
        while not all(received) and time.monotonic() < wait_end:
            time.sleep(0.005)
        if all(received):
            return frame
        if time.monotonic() > deadline:
            raise TimeoutError(f"no sensor data within {timeout_s:g} s of listening")
