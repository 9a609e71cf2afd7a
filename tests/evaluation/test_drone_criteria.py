"""Drone criteria on a hand-built record: metrics and verdicts."""

from __future__ import annotations

import numpy as np
import pytest

from gauntlet.evaluation.drone_criteria import DroneRunRecord, drone_metrics, evaluate
from gauntlet.evaluation.result import Status
from gauntlet.scenarios import drone as sd


def _record(wire_distance_m: float, clearance_m: float) -> DroneRunRecord:
    """One drone flying east at 2 m/s for 1 s (11 samples, dt 0.1 s)."""
    t = np.linspace(0.0, 1.0, 11)
    steps = len(t)
    pos = np.zeros((steps, 1, 3))
    pos[:, 0, 0] = 2.0 * t
    vel = np.zeros((steps, 1, 3))
    vel[:, 0, 0] = 2.0
    arrays = {
        "time_s": t,
        "position_m": pos,
        "velocity_mps": vel,
        "soc": np.full((steps, 1), 0.9),
        "power_w": np.full((steps, 1), 360.0),
        "clearance_m": np.full((steps, 1), clearance_m),
        "wire_distance_m": np.full((steps, 1), wire_distance_m),
        "zone_distance_m": np.zeros((steps, 1, 0)),
        "collided": np.zeros((steps, 1), dtype=bool),
    }
    return DroneRunRecord(
        arrays=arrays,
        references=[np.zeros((1, 3))],
        mission_kinds=["goal"],
        complete_s=[None],
        zone_names=[],
        modes=np.full((steps, 1), "track"),
        latencies_s=np.zeros(0),
        commands_lost=0,
        battery_swaps=0,
        depleted=False,
        collision_events=[],
    )


def test_standoff_and_clearance_without_wires_or_obstacles_are_not_evaluated() -> None:
    record = _record(np.inf, np.inf)
    metrics = drone_metrics(record, settle_s=5.0)
    assert "min_wire_distance_m" not in metrics
    assert "min_clearance_m" not in metrics
    # 360 W for 1 s = 0.1 Wh; 2 m in 1 s = 2 m/s.
    assert metrics["energy_wh"] == pytest.approx(0.1)
    assert metrics["mean_speed_mps"] == pytest.approx(2.0)
    results = evaluate(
        [sd.StandoffCriterion(min_m=1.5), sd.MinClearanceCriterion(min_m=0.5)], metrics, record
    )
    assert [(r.name, r.status, r.actual) for r in results] == [
        ("standoff", Status.NOT_EVALUATED, None),
        ("min_clearance", Status.NOT_EVALUATED, None),
    ]


def test_standoff_with_wires_compares_the_closest_distance() -> None:
    record = _record(1.2, 3.0)
    metrics = drone_metrics(record, settle_s=5.0)
    results = evaluate(
        [sd.StandoffCriterion(min_m=1.5), sd.MinClearanceCriterion(min_m=0.5)], metrics, record
    )
    assert [(r.name, r.status, r.actual) for r in results] == [
        ("standoff", Status.FAIL, 1.2),
        ("min_clearance", Status.PASS, 3.0),
    ]
