"""Comfort criteria (nuPlan's bounds) and the stack's decision latency.

Every comfort quantity comes from the recorded states:

* longitudinal acceleration ``a``: the recorder's acceleration (the mean over each step);
* yaw rate ``r``: heading change per step;
* lateral acceleration ``v * r``;
* longitudinal jerk, lateral jerk and yaw acceleration: the change of ``a``,
  ``v * r`` and ``r`` over a window ``w`` (0.5 s by default) divided by ``w``,
  i.e. their mean rate over the last ``w``; a step of ``d`` gives ``d / w``;
* jerk magnitude: the norm of the longitudinal and lateral jerk.

nuPlan smooths with a Savitzky-Golay filter instead of the window; the window
keeps the numbers checkable by hand and, like the filter, ignores the
one-step spikes a first-order actuator produces.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gauntlet.evaluation.criteria.base import (
    Criterion,
    Passive,
    RunFacts,
    Series,
    series,
    windowed_difference,
)
from gauntlet.evaluation.result import CriterionResult
from gauntlet.scenarios import schema as sc
from gauntlet.world.world import World


@dataclass(frozen=True)
class ComfortSignals:
    """The comfort quantities of one actor, one value per recorded step."""

    t: np.ndarray
    lon_accel: np.ndarray
    lat_accel: np.ndarray
    lon_jerk: np.ndarray
    jerk: np.ndarray
    yaw_rate: np.ndarray
    yaw_accel: np.ndarray


def comfort_signals(sr: Series, window_s: float) -> ComfortSignals:
    """Comfort quantities of a recorded series (see the module docstring)."""
    yaw_rate = sr.yaw_rate
    lat = sr.v * yaw_rate
    lon_jerk = windowed_difference(sr.accel, sr.t, window_s)
    lat_jerk = windowed_difference(lat, sr.t, window_s)
    return ComfortSignals(
        sr.t,
        sr.accel,
        lat,
        lon_jerk,
        np.hypot(lon_jerk, lat_jerk),
        yaw_rate,
        windowed_difference(yaw_rate, sr.t, window_s),
    )


class Peak(Passive):
    """Largest absolute value of one comfort quantity against a bound."""

    def __init__(
        self,
        world: World,
        entity: str,
        name: str,
        units: str,
        quantity: str,
        threshold: float,
        window_s: float = 0.5,
    ) -> None:
        self.world, self.actor = world, world.actor_id(entity)
        self.name, self.units, self.quantity = name, units, quantity
        self.threshold, self.window_s = threshold, window_s

    def result(self) -> CriterionResult:
        sig = comfort_signals(series(self.world, self.actor), self.window_s)
        values = np.abs(getattr(sig, self.quantity))
        k = int(np.argmax(values))
        peak = float(values[k])
        bad = peak > self.threshold
        events = [{"time_s": float(sig.t[k]), "value": peak}] if bad else []
        return self.verdict(bad, peak, self.threshold, events)


class Comfort(Passive):
    """All of nuPlan's comfort bounds at once.

    ``actual`` is the largest ratio of a quantity to its bound (1 is at the
    bound); each quantity out of its bound gives one event.
    """

    name, units = "comfort", "ratio"

    def __init__(self, world: World, spec: sc.ComfortCriterion) -> None:
        self.world, self.actor, self.spec = world, world.actor_id(spec.entity), spec

    def result(self) -> CriterionResult:
        p = self.spec
        sig = comfort_signals(series(self.world, self.actor), p.window_s)
        checks = (
            ("lon_accel_min", -sig.lon_accel, -p.min_lon_accel_mps2),
            ("lon_accel_max", sig.lon_accel, p.max_lon_accel_mps2),
            ("lat_accel", np.abs(sig.lat_accel), p.max_lat_accel_mps2),
            ("jerk", sig.jerk, p.max_jerk_mps3),
            ("lon_jerk", np.abs(sig.lon_jerk), p.max_lon_jerk_mps3),
            ("yaw_rate", np.abs(sig.yaw_rate), p.max_yaw_rate_radps),
            ("yaw_accel", np.abs(sig.yaw_accel), p.max_yaw_accel_radps2),
        )
        worst, events = 0.0, []
        for quantity, values, bound in checks:
            k = int(np.argmax(values))
            ratio = float(values[k]) / bound
            worst = max(worst, ratio)
            if ratio > 1.0:
                events.append(
                    {
                        "time_s": float(sig.t[k]),
                        "quantity": quantity,
                        "value": float(values[k]),
                        "bound": bound,
                    }
                )
        return self.verdict(bool(events), worst, 1.0, events)


class StackLatency(Criterion):
    """A percentile of the stack's step times, ms, from the times the runner hands over."""

    name, units = "stack_latency", "ms"

    def __init__(self, world: World, threshold_ms: float, percentile: float) -> None:
        self.dt, self.threshold, self.percentile = world.dt, threshold_ms, percentile
        self.latencies_ms = np.zeros(0)

    def update(self, world: World) -> None:
        pass

    def finish(self, facts: RunFacts) -> None:
        self.latencies_ms = np.asarray(facts.stack_latencies_s, dtype=float) * 1e3

    def result(self) -> CriterionResult:
        lat = self.latencies_ms
        if not len(lat):
            return self.not_evaluated(self.threshold, "no stack step was timed")
        value = float(np.percentile(lat, self.percentile))
        bad = value > self.threshold
        k = int(np.argmax(lat))
        events = [{"time_s": k * self.dt, "max_ms": float(lat[k])}] if bad else []
        return self.verdict(bad, value, self.threshold, events)
