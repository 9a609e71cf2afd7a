"""``gauntlet bench carla`` runs and reports its figures."""

from __future__ import annotations

import pytest

from gauntlet.bench import run_benchmark

pytest.importorskip("carla")


def test_bench_carla_quick():
    result = run_benchmark("carla", quick=True)
    assert result["benchmark"] == "carla"
    assert result["vehicle_moved"] is True
    assert result["sync_ticks_per_s"] > 50.0
    assert 0.0 < result["control_round_trip_ms_p50"] <= result["control_round_trip_ms_p99"]
    assert result["lidar_ticks_per_s"] > 5.0 and result["camera_ticks_per_s"] > 0.5
    assert 0.0 < result["sensor_to_control_ms_p50"] <= result["sensor_to_control_ms_p99"]
