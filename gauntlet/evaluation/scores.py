"""Scenario scores: the CARLA Leaderboard 2.x driving score and a closed-loop score in nuPlan's form.

Both are computed from criterion results (the run's score monitors, see
:func:`gauntlet.evaluation.criteria.score_specs`) and the run's metrics, by
:func:`score_scenario`. Formulas, constants and their sources are in
``docs/evaluation.md``; the constants below carry the same names.

A criterion missing from the results counts as "no infraction" (and route
completion falls back to 100 % if a ``reach`` criterion passed, else 0 %),
so results scored from a scenario's own criteria alone stay comparable only
when those criteria cover what the scores read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from gauntlet.evaluation.result import CriterionResult, Status

# CARLA Leaderboard 2.0, leaderboard/utils/statistics_manager.py: PENALTY_VALUE_DICT.
PENALTY_COLLISION_PEDESTRIAN = 0.50
PENALTY_COLLISION_VEHICLE = 0.60
PENALTY_COLLISION_STATIC = 0.65
PENALTY_RED_LIGHT = 0.70
PENALTY_SCENARIO_TIMEOUT = 0.70
PENALTY_YIELD_TO_EMERGENCY_VEHICLE = 0.70
PENALTY_STOP_SIGN = 0.80
# PENALTY_PERC_DICT: (value, kind). "decreases": ideal 100 %; "increases": ideal 0 %.
PENALTY_MIN_SPEED = 0.70
PENALTY_OUTSIDE_ROUTE_LANES = 0.0
#: CARLA counts cyclists (``vehicle.*`` blueprints) as vehicles.
COLLISION_PENALTY = {
    "pedestrian": PENALTY_COLLISION_PEDESTRIAN,
    "cyclist": PENALTY_COLLISION_VEHICLE,
    "vehicle": PENALTY_COLLISION_VEHICLE,
    "static": PENALTY_COLLISION_STATIC,
}
#: Name of a criterion reporting failures to yield to an emergency vehicle (none measures it yet).
YIELD_TO_EMERGENCY_VEHICLE = "yield_to_emergency_vehicle"
#: Smallest route distance in the infractions-per-km denominator (CARLA's floor), km.
MIN_ROUTE_KM = 0.001

# nuPlan (docs/nuplan_metrics_aggeregation.md and the simulation_metric configs).
NUPLAN_LEAST_MIN_TTC_S = 0.95
NUPLAN_MAX_OVERSPEED_MPS = 2.23
NUPLAN_MIN_PROGRESS_RATIO = 0.2
NUPLAN_DIRECTION_COMPLIANCE_M = 2.0
NUPLAN_DIRECTION_VIOLATION_M = 6.0
NUPLAN_WEIGHTS = {"ttc": 5.0, "progress": 5.0, "speed_limit": 4.0, "comfort": 2.0}


def _find(criteria: Sequence[CriterionResult], name: str) -> CriterionResult | None:
    return next((c for c in criteria if c.name == name), None)


def _events(result: CriterionResult | None) -> tuple[dict[str, Any], ...]:
    """Events of a result that was evaluated (a NOT_EVALUATED result's event is its reason)."""
    if result is None or result.status is Status.NOT_EVALUATED:
        return ()
    return result.events


def route_completion(criteria: Sequence[CriterionResult]) -> float:
    """Route completion, %: the ``route_completion`` result, else 100 if ``reach`` passed, else 0."""
    rc = _find(criteria, "route_completion")
    if rc is not None and rc.actual is not None:
        return float(rc.actual)
    reach = _find(criteria, "reach")
    return 100.0 if reach is not None and reach.status is Status.PASS else 0.0


def infraction_penalty(criteria: Sequence[CriterionResult]) -> tuple[float, int]:
    """CARLA 2.0's infraction penalty and the number of counted infractions.

    Every collision, red light, stop sign, scenario timeout, failure to yield
    and minimum-speed checkpoint multiplies the penalty; the share of the route
    driven outside the route lanes multiplies it once. The count leaves out
    the outside-route-lanes share (CARLA reports it in km, not as a count).
    """
    penalty, count = 1.0, 0
    for ev in _events(_find(criteria, "collision")):
        penalty *= COLLISION_PENALTY[ev.get("other_class", "vehicle")]
        count += 1
    fixed = (
        ("red_light", PENALTY_RED_LIGHT),
        ("stop_sign", PENALTY_STOP_SIGN),
        (YIELD_TO_EMERGENCY_VEHICLE, PENALTY_YIELD_TO_EMERGENCY_VEHICLE),
    )
    for name, coefficient in fixed:
        for _ in _events(_find(criteria, name)):
            penalty *= coefficient
            count += 1
    timeout = _find(criteria, "scenario_timeout")
    if timeout is not None and timeout.status is Status.FAIL:
        penalty *= PENALTY_SCENARIO_TIMEOUT
        count += 1
    for ev in _events(_find(criteria, "min_speed")):
        penalty *= 1.0 - (1.0 - PENALTY_MIN_SPEED) * (1.0 - ev["percentage"] / 100.0)
        count += 1
    outside = _find(criteria, "outside_route_lanes")
    if outside is not None and outside.actual:
        penalty *= 1.0 - (1.0 - PENALTY_OUTSIDE_ROUTE_LANES) * outside.actual / 100.0
    return max(penalty, 0.0), count


def route_km(criteria: Sequence[CriterionResult], metrics: Mapping[str, float]) -> float:
    """Kilometres of route covered: route length times completion (CARLA), else the odometer."""
    for ev in _events(_find(criteria, "route_completion")):
        if "route_length_m" in ev:
            return ev["route_length_m"] * route_completion(criteria) / 100.0 / 1000.0
    return float(metrics.get("distance_m", 0.0)) / 1000.0


def closed_loop_score(criteria: Sequence[CriterionResult], metrics: Mapping[str, float]) -> float:
    """nuPlan's closed-loop scenario score: multiplier gates times a weighted mean, in [0, 1]."""
    gates = _collision_gate(criteria) * _direction_gate(criteria)
    off_road = _find(criteria, "off_road")
    if off_road is not None and off_road.status is Status.FAIL:
        gates = 0.0
    progress = route_completion(criteria) / 100.0
    if progress < NUPLAN_MIN_PROGRESS_RATIO:
        gates = 0.0
    min_ttc = float(metrics.get("min_ttc_s", -1.0))
    terms = {
        "ttc": 1.0 if min_ttc < 0 or min_ttc >= NUPLAN_LEAST_MIN_TTC_S else 0.0,
        "progress": progress,
        "speed_limit": speed_limit_compliance(criteria, metrics),
        "comfort": 0.0 if _failed(_find(criteria, "comfort")) else 1.0,
    }
    weighted = sum(NUPLAN_WEIGHTS[k] * v for k, v in terms.items()) / sum(NUPLAN_WEIGHTS.values())
    return gates * weighted


def speed_limit_compliance(
    criteria: Sequence[CriterionResult], metrics: Mapping[str, float]
) -> float:
    """``max(0, 1 - integral(overspeed dt) / (2.23 m/s * duration))``, nuPlan's form."""
    duration = float(metrics.get("sim_time_s", 0.0))
    if duration <= 0:
        return 1.0
    excess = sum(ev.get("excess_integral_m", 0.0) for ev in _events(_find(criteria, "speeding")))
    return max(0.0, 1.0 - excess / (NUPLAN_MAX_OVERSPEED_MPS * duration))


def _failed(result: CriterionResult | None) -> bool:
    return result is not None and result.status is Status.FAIL


def _collision_gate(criteria: Sequence[CriterionResult]) -> float:
    at_fault = [e for e in _events(_find(criteria, "collision")) if e.get("at_fault", True)]
    if any(e.get("other_class", "vehicle") != "static" for e in at_fault):
        return 0.0
    return {0: 1.0, 1: 0.5}.get(len(at_fault), 0.0)


def _direction_gate(criteria: Sequence[CriterionResult]) -> float:
    worst = max(
        (e.get("max_window_distance_m", 0.0) for e in _events(_find(criteria, "wrong_way"))),
        default=0.0,
    )
    if worst <= NUPLAN_DIRECTION_COMPLIANCE_M:
        return 1.0
    return 0.5 if worst <= NUPLAN_DIRECTION_VIOLATION_M else 0.0


def score_scenario(
    criteria: Sequence[CriterionResult], metrics: Mapping[str, float]
) -> dict[str, float]:
    """All scores of one run.

    Args:
        criteria: Criterion results; one per name is read (the first).
        metrics: The run's metrics (``min_ttc_s``, ``sim_time_s``, ``distance_m``).

    Returns:
        ``driving_score`` (0-100), ``route_completion`` (%), ``infraction_penalty``
        (0-1), ``infractions_per_km``, ``closed_loop_score`` (0-1), and the
        ``infractions`` count and ``route_km`` that suite aggregates pool.
    """
    completion = route_completion(criteria)
    penalty, count = infraction_penalty(criteria)
    km = route_km(criteria, metrics)
    return {
        "driving_score": completion * penalty,
        "route_completion": completion,
        "infraction_penalty": penalty,
        "infractions_per_km": count / max(km, MIN_ROUTE_KM),
        "closed_loop_score": closed_loop_score(criteria, metrics),
        "infractions": float(count),
        "route_km": km,
    }
