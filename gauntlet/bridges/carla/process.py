"""Run ``gauntlet serve carla`` in a child process (for benchmarks, tests and tools).

A CARLA client blocks while holding Python's GIL, so a client and the server
cannot share one interpreter: the server gets its own process, on free ports
unless told otherwise, and this module starts it, waits until it listens and
stops it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

_READY = re.compile(r"on (?P<host>[\d.]+):(?P<port>\d+) \(streams on (?P<stream>\d+)\)")
_PACKAGE_ROOT = Path(__file__).resolve().parents[3]


@dataclass
class ServerProcess:
    """A running server: its process, address and ports."""

    process: subprocess.Popen
    host: str
    port: int
    stream_port: int

    def alive(self) -> bool:
        """Whether the process still runs."""
        return self.process.poll() is None

    def stop(self) -> str:
        """Stop the server; returns what it wrote to standard error."""
        self.process.terminate()
        try:
            _, err = self.process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, err = self.process.communicate(timeout=10)
        return err or ""


def start_server_process(*options: str) -> ServerProcess:
    """Start ``gauntlet serve carla --port 0 OPTIONS`` and wait until it listens.

    Raises:
        RuntimeError: If the server exits or prints something else first.
    """
    path = os.environ.get("PYTHONPATH", "")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (str(_PACKAGE_ROOT), path) if p))
    process = subprocess.Popen(
        [sys.executable, "-m", "gauntlet.cli", "serve", "carla", "--port", "0", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    line = process.stdout.readline() if process.stdout is not None else ""
    match = _READY.search(line)
    if match is None:
        process.kill()
        _, err = process.communicate(timeout=10)
        raise RuntimeError(f"the CARLA server did not start: {line.strip()!r} {err[-2000:]}")
    return ServerProcess(process, match["host"], int(match["port"]), int(match["stream"]))
