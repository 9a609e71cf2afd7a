"""The test suite's handle on servers in their own processes."""

from __future__ import annotations

from pathlib import Path

from gauntlet.bridges.carla.process import ServerProcess, start_server_process

ROOT = Path(__file__).resolve().parents[2]


def start_server(*options: str) -> ServerProcess:
    """A server on free ports with ``options`` (``--sync``, ``--map ...``)."""
    return start_server_process(*options)


def stop_server(server: ServerProcess) -> str:
    """Stop ``server``; returns its standard error."""
    return server.stop()
