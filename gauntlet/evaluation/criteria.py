"""Pass criteria: small objects updated every step, each giving one verdict.

A criterion follows the contract ``update(world)`` / ``result() ->
CriterionResult``. The scenario's ``criteria`` list picks and parameterises
them; without one, the ego must not collide and must stay on the road.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from gauntlet.evaluation.result import CriterionResult, Status
from gauntlet.scenarios import schema as sc
from gauntlet.world.storyboard import pair_gap
from gauntlet.world.observation import EgoRoute
from gauntlet.world.world import World


def ttc_to_all(world: World, a: int) -> float:
    """Smallest constant-velocity time to collision from ``a`` to anything in its path."""
    others = np.arange(len(world.actors)) != a
    c, s = np.cos(world.h[a]), np.sin(world.h[a])
    dx, dy = world.x[others] - world.x[a], world.y[others] - world.y[a]
    lon = dx * c + dy * s
    lat = -dx * s + dy * c
    gap = lon - 0.5 * world.length[a] - 0.5 * world.length[others]
    in_path = (lon > 0) & (np.abs(lat) < 0.5 * (world.width[a] + world.width[others]))
    closing = world.v[a] - world.v[others] * np.cos(world.h[others] - world.h[a])
    ttc = np.where(
        in_path & (closing > 1e-6), np.maximum(gap, 0.0) / np.maximum(closing, 1e-6), np.inf
    )
    return float(ttc.min()) if len(ttc) else np.inf


class Criterion:
    """Base: subclasses set ``name``/``units`` and implement ``update`` and ``result``."""

    name: str = ""
    units: str = ""

    def update(self, world: World) -> None:
        raise NotImplementedError

    def result(self) -> CriterionResult:
        raise NotImplementedError


class NoCollision(Criterion):
    name, units = "collision", "count"

    def __init__(self, world: World, entity: str) -> None:
        self.actor = world.actor_id(entity)
        self.events: list[dict] = []
        self._seen = 0

    def update(self, world: World) -> None:
        for ev in world.collisions[self._seen :]:
            if self.actor in (ev.a, ev.b):
                other = ev.b if ev.a == self.actor else ev.a
                self.events.append(
                    {
                        "time_s": ev.time_s,
                        "other": world.actors[other].name,
                        "other_type": world.actors[other].type,
                        "speed_mps": float(world.v[self.actor]),
                    }
                )
        self._seen = len(world.collisions)

    def result(self) -> CriterionResult:
        n = len(self.events)
        return CriterionResult(
            self.name,
            Status.FAIL if n else Status.PASS,
            float(n),
            0.0,
            self.units,
            tuple(self.events),
        )


class StayOnRoad(Criterion):
    name, units = "off_road", "s"

    def __init__(self, world: World, entity: str) -> None:
        self.actor = world.actor_id(entity)
        self.time_off = 0.0
        self.events: list[dict] = []
        self._was_off = False

    def update(self, world: World) -> None:
        off = bool(world.off_road[self.actor])
        if off:
            self.time_off += world.dt
            if not self._was_off:
                self.events.append(
                    {
                        "time_s": world.time_s,
                        "x_m": float(world.x[self.actor]),
                        "y_m": float(world.y[self.actor]),
                    }
                )
        self._was_off = off

    def result(self) -> CriterionResult:
        return CriterionResult(
            self.name,
            Status.FAIL if self.events else Status.PASS,
            self.time_off,
            0.0,
            self.units,
            tuple(self.events),
        )


class Reach(Criterion):
    name, units = "reach", "m"

    def __init__(
        self, world: World, entity: str, goal: tuple[float, float], tolerance: float
    ) -> None:
        self.actor = world.actor_id(entity)
        self.goal, self.tolerance = goal, tolerance
        self.best = np.inf
        self.reached_at: float | None = None

    def update(self, world: World) -> None:
        d = float(np.hypot(world.x[self.actor] - self.goal[0], world.y[self.actor] - self.goal[1]))
        self.best = min(self.best, d)
        if self.reached_at is None and d <= self.tolerance:
            self.reached_at = world.time_s

    def result(self) -> CriterionResult:
        ok = self.reached_at is not None
        events = ({"time_s": self.reached_at},) if ok else ()
        return CriterionResult(
            self.name,
            Status.PASS if ok else Status.FAIL,
            self.best,
            self.tolerance,
            self.units,
            events,
        )


class _Extreme(Criterion):
    """Tracks the smallest or largest value of a per-step measurement against a bound."""

    def __init__(
        self,
        name: str,
        units: str,
        measure: Callable[[World], float],
        threshold: float,
        keep_min: bool,
    ) -> None:
        self.name, self.units = name, units
        self.measure, self.threshold, self.keep_min = measure, threshold, keep_min
        self.value = np.inf if keep_min else -np.inf
        self.at: float | None = None

    def update(self, world: World) -> None:
        v = self.measure(world)
        if (v < self.value) if self.keep_min else (v > self.value):
            self.value, self.at = v, world.time_s

    def result(self) -> CriterionResult:
        bad = self.value < self.threshold if self.keep_min else self.value > self.threshold
        actual = None if not np.isfinite(self.value) else float(self.value)
        events = ({"time_s": self.at, "value": actual},) if bad else ()
        return CriterionResult(
            self.name,
            Status.FAIL if bad else Status.PASS,
            actual,
            self.threshold,
            self.units,
            events,
        )


class Standstill(Criterion):
    name, units = "standstill", "m/s"

    def __init__(self, world: World, entity: str, below: float) -> None:
        self.actor, self.below = world.actor_id(entity), below
        self.final = np.inf

    def update(self, world: World) -> None:
        self.final = float(abs(world.v[self.actor]))

    def result(self) -> CriterionResult:
        ok = self.final <= self.below
        return CriterionResult(
            self.name, Status.PASS if ok else Status.FAIL, self.final, self.below, self.units
        )


@dataclass(frozen=True)
class EvaluationContext:
    """What criteria may look at: the world, the scenario, the ego and its route."""

    world: World
    scenario: sc.Scenario
    ego: int
    route: EgoRoute


def build_criteria(ctx: EvaluationContext) -> list[Criterion]:
    """The scenario's criteria (default: no collision and no off-road for the ego)."""
    world, scenario = ctx.world, ctx.scenario
    specs = scenario.criteria or (
        sc.CollisionCriterion(scenario.ego.entity),
        sc.OffRoadCriterion(scenario.ego.entity),
    )
    out: list[Criterion] = []
    for spec in specs:
        match spec:
            case sc.CollisionCriterion(entity=e):
                out.append(NoCollision(world, e))
            case sc.OffRoadCriterion(entity=e):
                out.append(StayOnRoad(world, e))
            case sc.ReachCriterion(position=p, entity=e, tolerance_m=tol):
                x, y, _ = world.resolve_position(p)  # type: ignore[attr-defined]
                out.append(Reach(world, e, (x, y), tol))
            case sc.MinTimeToCollisionCriterion(threshold_s=thr, entity=e):
                a = world.actor_id(e)
                out.append(
                    _Extreme("min_ttc", "s", lambda w, a=a: ttc_to_all(w, a), thr, keep_min=True)
                )
            case sc.MinDistanceCriterion(threshold_m=thr, entity=e, other=o):
                a = world.actor_id(e)
                others = (
                    [world.actor_id(o)] if o else [k for k in range(len(world.actors)) if k != a]
                )
                out.append(
                    _Extreme(
                        "min_distance",
                        "m",
                        lambda w, a=a, os=others: min(
                            (pair_gap(w, a, b) for b in os), default=np.inf
                        ),
                        thr,
                        keep_min=True,
                    )
                )
            case sc.MaxDecelerationCriterion(threshold_mps2=thr, entity=e):
                a = world.actor_id(e)
                out.append(
                    _Extreme(
                        "max_decel", "m/s^2", lambda w, a=a: float(-w.accel[a]), thr, keep_min=False
                    )
                )
            case sc.MaxSpeedCriterion(threshold_mps=thr, entity=e):
                a = world.actor_id(e)
                out.append(
                    _Extreme("max_speed", "m/s", lambda w, a=a: float(w.v[a]), thr, keep_min=False)
                )
            case sc.StandstillCriterion(entity=e, speed_below_mps=b):
                out.append(Standstill(world, e, b))
    return out
