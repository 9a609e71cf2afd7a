"""The example CARLA script runs unchanged against the server."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.bridges.carla_process import ROOT, start_server, stop_server

pytest.importorskip("carla")


@pytest.fixture
def curve_server():
    server = start_server("--map", "procedural:curve")
    yield server
    stop_server(server)


def test_follow_lane_example(curve_server):
    out = subprocess.run(
        [
            sys.executable,
            str(ROOT / "examples" / "carla_client" / "follow_lane.py"),
            "--port",
            str(curve_server.port),
            "--steps",
            "300",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    # 15 s at up to 8 m/s round a 100 m curve: well over 50 m, on the lane all the way.
    assert result["driven_m"] > 50.0
    assert result["max_lane_offset_m"] < 0.5
    # A camera frame every step, a lidar sweep every other (10 Hz at 0.05 s steps); the
    # last step's data may still be on its way when the script stops.
    assert 299 <= result["camera_frames"] <= 301
    assert 149 <= result["lidar_sweeps"] <= 151
    assert curve_server.alive()
