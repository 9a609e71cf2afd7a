"""Fixtures: CARLA-compatible servers in their own processes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.bridges.carla_process import ServerProcess, start_server, stop_server


@pytest.fixture
def carla_server() -> Iterator[ServerProcess]:
    """A server on free ports, asynchronous at start, x_junction map."""
    server = start_server()
    yield server
    stop_server(server)


@pytest.fixture
def sync_server() -> Iterator[ServerProcess]:
    """A server on free ports that starts in synchronous mode, 0.05 s steps."""
    server = start_server("--sync")
    yield server
    stop_server(server)
