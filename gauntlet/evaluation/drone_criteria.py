"""Drone metrics and criteria, computed from a drone run's record.

Metrics (over all drones; per-zone distances by zone name):

* ``collisions`` (drones that touched an obstacle or the ground), ``min_clearance_m``
  (smallest gap between a collision sphere and an obstacle), ``min_wire_distance_m``
  (both left out when there is nothing of the kind);
* ``mean_speed_mps`` (path length / time, from the start until the mission
  was complete or the run ended), ``peak_speed_mps``, ``mean_speed_avoiding_mps``
  (mean ground speed over the steps where the stack was avoiding);
* ``tracking_rms_m`` and ``tracking_max_m``: distance to the mission reference
  (hover point, waypoint polyline) after the settling time of the
  ``tracking_error`` criterion (5 s when there is none);
* ``zone_violations`` (steps inside a zone, all drones), ``min_zone_distance_m``
  and ``min_distance_m.<zone>``;
* ``energy_wh`` (electrical, from the recorded power), ``flight_time_s``,
  ``battery_min_soc``, ``battery_final_soc``, ``battery_swaps``;
* ``command_latency_mean_s`` / ``command_latency_max_s``: measured from a
  command's sending to the flight controller acting on it; ``commands_lost``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gauntlet.evaluation.result import CriterionResult, Status
from gauntlet.scenarios import drone as sd
from gauntlet.world.drones.mission import distance_to_polyline

DEFAULT_SETTLE_S = 5.0


@dataclass(frozen=True)
class DroneRunRecord:
    """What the criteria read: the recorder's arrays and a few facts of the run.

    Attributes:
        arrays: :class:`gauntlet.world.drones.recorder.DroneRecorder` arrays.
        references: Mission reference polyline per drone ``(k, 3)``, m.
        mission_kinds: Mission kind per drone.
        complete_s: Mission completion time per drone (``None``: not complete or not completable).
        zone_names: Name of each zone.
        modes: Stack mode per recorded step and drone ``(T, n)``.
        latencies_s: Command-to-actuation latencies of every command that acted, s.
        commands_lost: Commands lost on the links.
        battery_swaps: Battery swaps on the home pad.
        depleted: Whether any battery reached its cut-off.
        collision_events: One entry per first collision of a drone.
    """

    arrays: dict[str, np.ndarray]
    references: Sequence[np.ndarray]
    mission_kinds: Sequence[str]
    complete_s: Sequence[float | None]
    zone_names: Sequence[str]
    modes: np.ndarray
    latencies_s: np.ndarray
    commands_lost: int
    battery_swaps: int
    depleted: bool
    collision_events: Sequence[dict]


def settle_time_s(criteria: Sequence[sd.DroneCriterion]) -> float:
    """The tracking settling time: that of the first ``tracking_error`` criterion, else 5 s."""
    for c in criteria:
        if isinstance(c, sd.TrackingErrorCriterion):
            return c.after_s
    return DEFAULT_SETTLE_S


def drone_metrics(record: DroneRunRecord, settle_s: float) -> dict[str, float]:
    """Every metric of the run (see the module notes)."""
    a = record.arrays
    t = a["time_s"]
    pos, vel = a["position_m"], a["velocity_mps"]
    n = pos.shape[1]
    dt = np.diff(t)
    speed = np.linalg.norm(vel, axis=2)
    m: dict[str, float] = {}
    m["collisions"] = float(np.count_nonzero(a["collided"][-1]))
    m["min_clearance_m"] = float(np.min(a["clearance_m"]))
    m["min_wire_distance_m"] = float(np.min(a["wire_distance_m"]))
    m["peak_speed_mps"] = float(np.max(speed))
    means, tracking = [], []
    for i in range(n):
        end = len(t) - 1
        done = record.complete_s[i]
        if done is not None:
            end = int(np.searchsorted(t, done))
        if end > 0:
            length = float(np.sum(np.linalg.norm(np.diff(pos[: end + 1, i], axis=0), axis=1)))
            means.append(length / t[end])
        if record.mission_kinds[i] in ("hover", "waypoints", "patrol"):
            after = (t >= settle_s) & (record.modes[:, i] != "return")
            if done is not None:
                after &= t <= done
            if np.any(after):
                tracking.append(distance_to_polyline(pos[after, i], record.references[i]))
    m["mean_speed_mps"] = float(min(means)) if means else 0.0
    avoiding = record.modes == "avoid"
    m["mean_speed_avoiding_mps"] = float(np.mean(speed[avoiding])) if np.any(avoiding) else 0.0
    m["avoiding_time_s"] = float(np.sum(avoiding[1:] * dt[:, None]))
    if tracking:
        err = np.concatenate(tracking)
        m["tracking_rms_m"] = float(np.sqrt(np.mean(err**2)))
        m["tracking_max_m"] = float(np.max(err))
    zd = a["zone_distance_m"]
    if zd.shape[2]:
        m["zone_violations"] = float(np.count_nonzero(np.any(zd < 0.0, axis=2)))
        m["min_zone_distance_m"] = float(np.min(zd))
        for k, name in enumerate(record.zone_names):
            m[f"min_distance_m.{name}"] = float(np.min(zd[:, :, k]))
    else:
        m["zone_violations"] = 0.0
    power = a["power_w"]
    m["energy_wh"] = float(np.sum(power[1:] * dt[:, None]) / 3600.0)
    m["flight_time_s"] = round(float(t[-1]), 6)  # a sum of steps: drop the rounding
    m["battery_min_soc"] = float(np.min(a["soc"]))
    m["battery_final_soc"] = float(np.min(a["soc"][-1]))
    m["battery_swaps"] = float(record.battery_swaps)
    lat = record.latencies_s
    m["command_latency_mean_s"] = float(np.mean(lat)) if len(lat) else 0.0
    m["command_latency_max_s"] = float(np.max(lat)) if len(lat) else 0.0
    m["commands_lost"] = float(record.commands_lost)
    # JSON has no infinity: a clearance with nothing to clear is left out.
    return {k: v for k, v in m.items() if math.isfinite(v)}


def _bound(
    name: str, actual: float | None, threshold: float, units: str, *, upper: bool
) -> CriterionResult:
    if actual is None or (isinstance(actual, float) and math.isnan(actual)):
        return CriterionResult(name, Status.NOT_EVALUATED, None, threshold, units)
    ok = actual <= threshold if upper else actual >= threshold
    shown = actual if math.isfinite(actual) else None
    return CriterionResult(name, Status.PASS if ok else Status.FAIL, shown, threshold, units)


def default_criteria(scenario: sd.DroneScenario) -> tuple[sd.DroneCriterion, ...]:
    """No collision, no zone entered, and (for goal and waypoint missions) the mission complete."""
    out: list[sd.DroneCriterion] = [sd.NoCollisionCriterion(), sd.NoFlyZoneCriterion()]
    if any(isinstance(d.mission, sd.GoalMission | sd.WaypointsMission) for d in scenario.drones):
        out.append(sd.MissionCompleteCriterion())
    return tuple(out)


def evaluate(
    criteria: Sequence[sd.DroneCriterion], metrics: dict[str, float], record: DroneRunRecord
) -> list[CriterionResult]:
    """The verdict of every criterion."""
    out = []
    for c in criteria:
        if isinstance(c, sd.NoCollisionCriterion):
            r = _bound("no_collision", metrics["collisions"], 0.0, "drones", upper=True)
            out.append(
                CriterionResult(
                    r.name, r.status, r.actual, r.threshold, r.units, tuple(record.collision_events)
                )
            )
        elif isinstance(c, sd.MinClearanceCriterion):
            out.append(
                _bound("min_clearance", metrics.get("min_clearance_m"), c.min_m, "m", upper=False)
            )
        elif isinstance(c, sd.StandoffCriterion):
            out.append(
                _bound("standoff", metrics.get("min_wire_distance_m"), c.min_m, "m", upper=False)
            )
        elif isinstance(c, sd.MissionCompleteCriterion):
            times = [
                s
                for s, k in zip(record.complete_s, record.mission_kinds, strict=True)
                if k in ("goal", "waypoints")
            ]
            if not times:
                out.append(
                    CriterionResult("mission_complete", Status.NOT_EVALUATED, None, c.within_s, "s")
                )
                continue
            latest = math.inf if any(s is None for s in times) else max(times)
            r = _bound("mission_complete", latest, c.within_s or math.inf, "s", upper=True)
            out.append(CriterionResult(r.name, r.status, r.actual, c.within_s, r.units))
        elif isinstance(c, sd.NoFlyZoneCriterion):
            out.append(_bound("no_fly_zone", metrics["zone_violations"], 0.0, "steps", upper=True))
        elif isinstance(c, sd.ZoneDistanceCriterion):
            out.append(
                _bound(
                    "zone_distance", metrics.get("min_zone_distance_m"), c.min_m, "m", upper=False
                )
            )
        elif isinstance(c, sd.TrackingErrorCriterion):
            if c.rms_max_m is not None:
                out.append(
                    _bound(
                        "tracking_rms", metrics.get("tracking_rms_m"), c.rms_max_m, "m", upper=True
                    )
                )
            if c.max_m is not None:
                out.append(
                    _bound("tracking_max", metrics.get("tracking_max_m"), c.max_m, "m", upper=True)
                )
        elif isinstance(c, sd.AverageSpeedCriterion):
            out.append(
                _bound("average_speed", metrics["mean_speed_mps"], c.min_mps, "m/s", upper=False)
            )
        elif isinstance(c, sd.FlightTimeCriterion):
            achieved = 0.0 if record.depleted else metrics["flight_time_s"]
            out.append(_bound("flight_time", achieved, c.min_s, "s", upper=False))
        elif isinstance(c, sd.BatteryReserveCriterion):
            out.append(
                _bound("battery_reserve", metrics["battery_min_soc"], c.min_soc, "soc", upper=False)
            )
        elif isinstance(c, sd.CommandLatencyCriterion):
            out.append(
                _bound(
                    "command_latency", metrics["command_latency_max_s"], c.max_s, "s", upper=True
                )
            )
    return out
