"""A server that CARLA's Python client (0.9.16) connects to, backed by a Gauntlet world.

Start one with ``gauntlet serve carla`` or in Python::

    from gauntlet.bridges.carla import CarlaServer, Episode
    from gauntlet.scenarios.schema import ProceduralMap

    with CarlaServer(Episode(ProceduralMap("x_junction")), port=2000) as server:
        ...  # carla.Client("127.0.0.1", server.port) works here

See ``docs/carla.md`` for the supported calls and the coordinate conventions.
"""

from __future__ import annotations

from gauntlet.bridges.carla.episode import Episode, SpawnError
from gauntlet.bridges.carla.server import CarlaServer

__all__ = ["CarlaServer", "Episode", "SpawnError"]
