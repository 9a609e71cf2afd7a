"""``gauntlet serve carla``: the command-line front of the CARLA-compatible server.

Kept apart from :mod:`gauntlet.cli` so that the command's options live with
the server; the CLI only registers the sub-command and calls :func:`serve`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

DEFAULT_MAP = "procedural:x_junction"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``gauntlet serve carla``."""
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=2000, help="RPC port (0: any free port)")
    parser.add_argument(
        "--stream-port", type=int, default=None, help="streaming port (default: RPC port + 1)"
    )
    parser.add_argument(
        "--map",
        default=DEFAULT_MAP,
        help="an OpenDRIVE file, or procedural:NAME for a procedural map (default x_junction)",
    )
    parser.add_argument(
        "--scenario", help="not here: serve a scenario with `gauntlet run FILE --stack carla`"
    )
    parser.add_argument("--sync", action="store_true", help="start in synchronous mode")
    parser.add_argument("--dt", type=float, default=0.05, help="default step length, s")
    parser.add_argument("--seed", type=int, default=0, help="seed of the world's generator")
    parser.add_argument(
        "--free-on-disconnect",
        action="store_true",
        help="destroy the actors a client spawned when it disconnects",
    )


def map_source(spec: str):  # noqa: ANN201 - a scenario MapSource
    """The map named on the command line: ``procedural:NAME`` or an OpenDRIVE file."""
    from gauntlet.maps.procedural import PROCEDURAL_MAPS
    from gauntlet.scenarios import schema as sc

    if spec.startswith("procedural:"):
        name = spec.partition(":")[2]
        if name not in PROCEDURAL_MAPS:
            known = ", ".join(sorted(PROCEDURAL_MAPS))
            raise ValueError(f"--map: unknown procedural map {name!r}; known: {known}")
        return sc.ProceduralMap(name, {})
    path = Path(spec)
    if not path.is_file():
        raise ValueError(f"--map: no such OpenDRIVE file: {spec}")
    return sc.OpenDriveMap(str(path.resolve()))


def serve(args: argparse.Namespace) -> int:
    """Run the server until interrupted; raises ``ValueError`` for bad options."""
    if args.scenario:
        raise ValueError(
            f"--scenario {args.scenario}: a scenario is served by `gauntlet run "
            f"{args.scenario} --stack carla` (scenario mode); `serve carla` takes --map"
        )
    if not args.dt > 0.0:
        raise ValueError("--dt must be > 0")
    try:
        import msgpack  # noqa: F401 - the server's wire format
    except ImportError:
        raise ValueError(
            "the CARLA server needs msgpack: pip install 'gauntlet-sim[carla]'"
        ) from None
    from gauntlet.bridges.carla.episode import Episode
    from gauntlet.bridges.carla.protocol import EpisodeSettings
    from gauntlet.bridges.carla.server import CarlaServer

    episode = Episode(map_source(args.map), dt_s=args.dt, seed=args.seed)
    if args.sync:
        episode.apply_settings(EpisodeSettings(synchronous_mode=True, fixed_delta_seconds=args.dt))
    try:
        server = CarlaServer(
            episode,
            args.host,
            args.port,
            args.stream_port,
            free_on_disconnect=args.free_on_disconnect,
        )
    except OSError as exc:
        raise ValueError(f"cannot listen on {args.host}:{args.port}: {exc}") from None
    print(
        f"gauntlet carla server on {args.host}:{server.port} (streams on {server.stream_port}), "
        f"map {episode.map_name}",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
    finally:
        server.close()
    return 0
