"""Progress criteria: reaching the goal, route completion, timeouts, standstills, keeping up."""

from __future__ import annotations

import math

import numpy as np

from gauntlet.evaluation.criteria.base import Criterion, Passive, episodes, series
from gauntlet.evaluation.criteria.track import RouteTrack
from gauntlet.evaluation.result import CriterionResult
from gauntlet.world.world import World

#: Share of the route after which CARLA scores the last minimum-speed checkpoint at the end.
LAST_CHECKPOINT_SHARE = 0.95


class Reach(Criterion):
    """Closest approach to a goal; passes once the entity comes within the tolerance."""

    name, units = "reach", "m"

    def __init__(
        self, world: World, entity: str, goal: tuple[float, float], tolerance: float
    ) -> None:
        self.actor = world.actor_id(entity)
        self.goal, self.tolerance = goal, tolerance
        self.best = np.inf
        self.reached_at: float | None = None

    def update(self, world: World) -> None:
        a = self.actor
        d = math.hypot(float(world.x[a]) - self.goal[0], float(world.y[a]) - self.goal[1])
        self.best = min(self.best, d)
        if self.reached_at is None and d <= self.tolerance:
            self.reached_at = world.time_s

    def result(self) -> CriterionResult:
        ok = self.reached_at is not None
        events = ({"time_s": self.reached_at},) if ok else ()
        return self.verdict(not ok, self.best, self.tolerance, events)


class Standstill(Criterion):
    """The entity's final speed must be below a bound."""

    name, units = "standstill", "m/s"

    def __init__(self, world: World, entity: str, below: float) -> None:
        self.actor, self.below = world.actor_id(entity), below
        self.final = np.inf

    def update(self, world: World) -> None:
        self.final = float(abs(world.v[self.actor]))

    def result(self) -> CriterionResult:
        return self.verdict(self.final > self.below, self.final, self.below)


def first_within(
    world: World, actor: int, goal: tuple[float, float], tolerance: float
) -> int | None:
    """First recorded step at which ``actor`` was within ``tolerance`` of ``goal``."""
    sr = series(world, actor)
    near = np.flatnonzero(np.hypot(sr.x - goal[0], sr.y - goal[1]) <= tolerance)
    return int(near[0]) if len(near) else None


class RouteCompletion(Passive):
    """Share of the route to the goal the entity covered, %.

    The goal is the scenario's ``reach`` position when it has one (reaching it
    within its tolerance counts as 100 %); otherwise the point of the route
    reached by driving at each lane's speed limit for the scenario's duration.
    Covered distance is the furthest route ``s`` reached.
    """

    name, units = "route_completion", "%"

    def __init__(
        self,
        world: World,
        entity: str,
        track: RouteTrack,
        goal: tuple[tuple[float, float], float] | None,
        duration_s: float,
        min_pct: float,
    ) -> None:
        self.world, self.actor, self.track, self.goal = world, world.actor_id(entity), track, goal
        self.length = track.goal_length(goal[0] if goal else None, duration_s)
        self.min_pct = min_pct

    def result(self) -> CriterionResult:
        rs = self.track.series()
        covered = float(max(rs.s.max(), 0.0))
        pct = min(100.0, 100.0 * covered / self.length)
        if self.goal is not None and first_within(self.world, self.actor, *self.goal) is not None:
            pct = 100.0
        summary = {
            "time_s": float(self.world.time_s),
            "route_length_m": self.length,
            "completed_m": min(covered, self.length) if pct < 100.0 else self.length,
        }
        return self.verdict(pct < self.min_pct, pct, self.min_pct, [summary])


class ScenarioTimeout(Passive):
    """Time to the goal; fails if the run used its whole duration without reaching it."""

    name, units = "scenario_timeout", "s"

    def __init__(
        self,
        world: World,
        entity: str,
        goal: tuple[tuple[float, float], float] | None,
        duration_s: float,
    ) -> None:
        self.world, self.actor, self.goal, self.duration = (
            world,
            world.actor_id(entity),
            goal,
            duration_s,
        )

    def result(self) -> CriterionResult:
        if self.goal is None:
            return self.not_evaluated(
                self.duration, "no goal: give a position or a reach criterion"
            )
        k = first_within(self.world, self.actor, *self.goal)
        if k is not None:
            return self.verdict(False, float(self.world.recorder.time[k]), self.duration)
        end = float(self.world.time_s)
        if end < self.duration - 0.5 * self.world.dt:
            return self.not_evaluated(
                self.duration, f"the run ended at {end:.2f} s, before its duration"
            )
        events = [{"time_s": end, "reason": "goal not reached within the scenario's duration"}]
        return self.verdict(True, None, self.duration, events)


class Blocked(Passive):
    """Longest standstill; fails when one lasts longer than ``max_duration_s``."""

    name, units = "blocked", "s"

    def __init__(self, world: World, entity: str, max_duration: float, below: float) -> None:
        self.world, self.actor = world, world.actor_id(entity)
        self.max_duration, self.below = max_duration, below

    def result(self) -> CriterionResult:
        sr = series(self.world, self.actor)
        w = sr.weights
        spans = [(i, float(w[i + 1 : j].sum())) for i, j in episodes(np.abs(sr.v) < self.below)]
        longest = max((d for _, d in spans), default=0.0)
        events = [
            {"time_s": float(sr.t[i]), "duration_s": d} for i, d in spans if d > self.max_duration
        ]
        return self.verdict(bool(events), longest, self.max_duration, events)


class MinSpeed(Passive):
    """Own mean speed relative to the other vehicles', per part of the route (CARLA's test), %.

    The route to the goal (as for route completion) is cut into equal parts;
    when the entity passes the end of a part, its mean speed over the part is
    divided by the mean, over the same steps, of the other vehicles' mean
    speed. The last part is also scored at the end if the entity covered
    more than 95 % of the route. A part without other vehicles scores 100 %.
    """

    name, units = "min_speed", "%"

    def __init__(
        self,
        world: World,
        entity: str,
        track: RouteTrack,
        goal_length_m: float,
        checkpoints: int,
        min_pct: float,
    ) -> None:
        self.world, self.actor, self.track = world, world.actor_id(entity), track
        self.length, self.checkpoints, self.min_pct = goal_length_m, checkpoints, min_pct

    def result(self) -> CriterionResult:
        w, a = self.world, self.actor
        k = w.recorder.count
        speeds = np.abs(w.recorder.buffers["speed"][:k])
        others = np.flatnonzero(w.is_vehicle & (np.arange(len(w.actors)) != a))
        traffic = speeds[:, others].mean(axis=1) if len(others) else np.zeros(k)
        own = speeds[:, a]
        s = np.maximum.accumulate(self.track.series().s)
        bounds = self.length * np.arange(1, self.checkpoints + 1) / self.checkpoints
        passed = [int(np.argmax(s >= b)) for b in bounds if s[-1] >= b]
        if len(passed) < self.checkpoints and s[-1] / self.length > LAST_CHECKPOINT_SHARE:
            passed.append(k - 1)
        values, events, start = [], [], 0
        for stop in passed:
            part = slice(start, stop + 1)
            mean_traffic = float(traffic[part].mean()) if stop >= start else 0.0
            value = 100.0 * float(own[part].mean()) / mean_traffic if mean_traffic > 0 else 100.0
            values.append(value)
            if value < self.min_pct:
                events.append({"time_s": float(w.recorder.time[stop]), "percentage": value})
            start = stop + 1
        actual = float(np.mean(values)) if values else 100.0
        return self.verdict(bool(events), actual, self.min_pct, events)
