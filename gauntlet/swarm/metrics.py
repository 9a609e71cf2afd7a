"""A swarm mission's metrics and its criteria against the requirements."""

from __future__ import annotations

import numpy as np

from gauntlet.evaluation.result import CriterionResult, Status
from gauntlet.swarm.mission import SwarmMission
from gauntlet.swarm.world import ROLE_AGENT

#: Metrics that include wall-clock compute time (so differ between identical runs).
WALL_CLOCK_METRICS = frozenset(
    {
        "decision_response_p50_ms",
        "decision_response_p99_ms",
        "control_latency_mean_ms",
        "stack_compute_s",
        "batch_decision_p99_ms",
    }
)


def _pct(values: np.ndarray, q: float) -> float:
    return float(np.percentile(values, q)) if len(values) else 0.0


def mission_metrics(mission: SwarmMission) -> dict[str, float]:
    """Summary numbers of a finished mission (times in ms or s as the names say)."""
    st, rec, w = mission.stack, mission.record, mission.world
    net = w.network.stats
    response = np.concatenate(st.response_s) * 1e3 if st.response_s else np.zeros(0)
    allocs = [a[1] for a in rec.allocations]
    lat = np.concatenate(net.latencies_s) * 1e3 if net.latencies_s else np.zeros(0)
    agents0 = int(np.sum((w.role == ROLE_AGENT) & (w.join_s <= 0.0)))
    m = {
        "nodes": float(np.sum(w.role > 0)),
        "agents_at_start": float(agents0),
        "tasks": float(mission.tasking.board.count),
        "decision_response_p50_ms": _pct(response, 50),
        "decision_response_p99_ms": _pct(response, 99),
        "allocation_time_s": float(allocs[0]) if allocs else -1.0,
        "reallocation_time_max_s": float(max(allocs[1:])) if len(allocs) > 1 else 0.0,
        "reallocations": float(max(len(allocs) - 1, 0)),
        "station_usv_p95_m": _pct(np.array(rec.station_usv_m), 95),
        "station_drone_p95_m": _pct(np.array(rec.station_drone_m), 95),
        "message_latency_mean_ms": float(lat.mean()) if len(lat) else 0.0,
        "message_latency_p99_ms": _pct(lat, 99),
        "control_latency_mean_ms": float(np.mean(st.control_latency_s) * 1e3)
        if st.control_latency_s
        else 0.0,
        "neighbour_state_age_mean_ms": float(np.mean(st.neighbour_age_s) * 1e3)
        if st.neighbour_age_s
        else 0.0,
        "task_completion_rate": mission.completion_rate(),
        "coverage_final": mission.coverage(),
        "coverage_half_time": float(rec.coverage[len(rec.coverage) // 2]) if rec.coverage else 0.0,
        "connectivity_mean": float(np.mean(rec.connectivity)) if rec.connectivity else 1.0,
        "connectivity_min": float(np.min(rec.connectivity)) if rec.connectivity else 1.0,
        "messages_sent": float(net.sent),
        "messages_delivered": float(net.delivered),
        "messages_lost": float(net.lost),
        "messages_dropped": float(net.dropped),
        "beacons_sent": float(net.beacons),
        "nodes_removed": float(np.sum(w.removed)),
        "landings_on_water": float(np.sum(w.drones.floating)) if len(w.drone_slots) else 0.0,
        "stack_compute_s": float(st.compute_s),
        "batch_decision_p99_ms": _pct(np.array(st.batch_s) * 1e3, 99),
    }
    return m


def _bound(
    name: str,
    actual: float,
    threshold: float,
    units: str,
    upper: bool = True,
    evaluated: bool = True,
) -> CriterionResult:
    if not evaluated:
        return CriterionResult(name, Status.NOT_EVALUATED, None, threshold, units)
    ok = actual <= threshold if upper else actual >= threshold
    return CriterionResult(name, Status.PASS if ok else Status.FAIL, actual, threshold, units)


def mission_criteria(mission: SwarmMission, metrics: dict[str, float]) -> list[CriterionResult]:
    """The scenario's criteria against the measured metrics."""
    c = mission.scenario.criteria
    rec = mission.record
    return [
        _bound(
            "decision_response_p99", metrics["decision_response_p99_ms"], c.decision_p99_ms, "ms"
        ),
        _bound(
            "allocation_time",
            metrics["allocation_time_s"] if metrics["allocation_time_s"] >= 0 else float("inf"),
            c.allocation_s,
            "s",
            evaluated=mission.tasking.board.count > 0,
        ),  # fmt: skip
        _bound(
            "station_usv",
            metrics["station_usv_p95_m"],
            c.usv_station_m,
            "m",
            evaluated=bool(rec.station_usv_m),
        ),
        _bound(
            "station_drone",
            metrics["station_drone_p95_m"],
            c.drone_station_m,
            "m",
            evaluated=bool(rec.station_drone_m),
        ),  # fmt: skip
        _bound("message_latency", metrics["message_latency_mean_ms"], c.message_latency_ms, "ms"),
        _bound("control_latency", metrics["control_latency_mean_ms"], c.control_latency_ms, "ms"),
        _bound(
            "task_completion", metrics["task_completion_rate"], c.min_completion, "", upper=False
        ),
        _bound(
            "coverage",
            metrics["coverage_final"],
            c.min_coverage,
            "",
            upper=False,
            evaluated=len(mission.tasking.search_areas) > 0,
        ),  # fmt: skip
    ]
