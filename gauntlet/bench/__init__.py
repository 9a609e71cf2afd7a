"""Benchmarks behind ``gauntlet bench NAME --json`` (one JSON object per benchmark)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

BENCHMARKS: dict[str, str] = {
    "step": "gauntlet.bench.step:bench_step",
    "suite": "gauntlet.bench.suite:bench_suite",
    "lidar": "gauntlet.bench.lidar:bench_lidar",
    "radar": "gauntlet.bench.radar:bench_radar",
    "camera": "gauntlet.bench.camera:bench_camera",
    "quadrotor": "gauntlet.bench.quadrotor:bench_quadrotor",
    "carla": "gauntlet.bench.carla:bench_carla",
    "env": "gauntlet.bench.env:bench_env",
    "swarm": "gauntlet.bench.swarm:bench_swarm",
    "arm": "gauntlet.bench.arm:bench_arm",
}


def run_benchmark(name: str, quick: bool = False) -> dict[str, Any]:
    """Run the benchmark ``name``; returns its JSON-ready result."""
    import importlib

    module_name, _, attr = BENCHMARKS[name].partition(":")
    fn: Callable[..., dict[str, Any]] = getattr(importlib.import_module(module_name), attr)
    return {"benchmark": name, **fn(quick=quick)}
