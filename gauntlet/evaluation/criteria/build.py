"""From the scenario's criterion specs to criterion objects, and the set a run evaluates.

Each criterion kind of the scenario format has a builder in a registry that
the :func:`builds` decorator fills; a package adding a kind registers its
builder the same way. :class:`Evaluation` holds what one run evaluates: the
scenario's criteria (they decide its status) and the *score monitors*, the
criteria the scores are computed from, always with their default parameters
so that scores compare across scenarios. A monitor identical to one of the
scenario's criteria is the same object, evaluated once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from gauntlet.evaluation.criteria import comfort, progress, rules, safety
from gauntlet.evaluation.criteria.base import (
    Criterion,
    EvaluationContext,
    Extreme,
    Passive,
    RunFacts,
)
from gauntlet.evaluation.criteria.track import RouteTrack
from gauntlet.evaluation.result import CriterionResult
from gauntlet.scenarios import schema as sc
from gauntlet.world.observation import EgoRoute, route_horizon
from gauntlet.world.storyboard import min_box_gap

Builder = Callable[[Any, "Builds"], Criterion]
#: Criterion builders by spec class; filled by :func:`builds` at import.
BUILDERS: dict[type, Builder] = {}


def builds(kind: type) -> Callable[[Builder], Builder]:
    """Register the decorated function as the builder of criterion spec class ``kind``."""

    def register(fn: Builder) -> Builder:
        BUILDERS[kind] = fn
        return fn

    return register


def default_specs(ego: str) -> tuple[Any, ...]:
    """The criteria of a scenario that lists none: the ego must not collide or leave the road."""
    return (sc.CollisionCriterion(ego), sc.OffRoadCriterion(ego))


def score_specs(ego: str) -> tuple[Any, ...]:
    """The criteria the scores are computed from (see :mod:`gauntlet.evaluation.scores`)."""
    return (
        sc.CollisionCriterion(ego),
        sc.OffRoadCriterion(ego),
        sc.RedLightCriterion(ego),
        sc.StopSignCriterion(entity=ego),
        sc.ScenarioTimeoutCriterion(entity=ego),
        sc.RouteCompletionCriterion(entity=ego),
        sc.MinSpeedCriterion(entity=ego),
        sc.OutsideRouteLanesCriterion(entity=ego),
        sc.WrongWayCriterion(entity=ego),
        sc.SpeedingCriterion(entity=ego),
        sc.ComfortCriterion(entity=ego),
    )


class Builds:
    """One build: the context, and the objects criteria share (route tracks, goals)."""

    def __init__(self, ctx: EvaluationContext) -> None:
        self.ctx, self.world, self.scenario = ctx, ctx.world, ctx.scenario
        self._tracks: dict[int, RouteTrack] = {}
        self._built: dict[Any, Criterion] = {}

    def build(self, spec: Any) -> Criterion:
        """The criterion of ``spec``; identical specs give the same object."""
        if spec not in self._built:
            builder = BUILDERS.get(type(spec))
            if builder is None:
                raise TypeError(f"no criterion builder for {type(spec).__name__}")
            self._built[spec] = builder(spec, self)
        return self._built[spec]

    def track(self, entity: str) -> RouteTrack:
        """The route track of ``entity`` (the ego's route is the one its stack drives)."""
        actor = self.world.actor_id(entity)
        if actor not in self._tracks:
            if actor == self.ctx.ego:
                route = self.ctx.route
            else:
                route = EgoRoute(self.world, actor, route_horizon(self.duration))
            self._tracks[actor] = RouteTrack(self.world, route)
        return self._tracks[actor]

    @property
    def duration(self) -> float:
        return self.scenario.stop.duration_s

    def goal(
        self, entity: str, position: sc.Position | None = None, tolerance: float | None = None
    ) -> tuple[tuple[float, float], float] | None:
        """A goal ``((x, y), tolerance)``: ``position``, else the entity's reach criterion."""
        if position is None:
            for spec in self.scenario.criteria:
                if isinstance(spec, sc.ReachCriterion) and spec.entity == entity:
                    position = spec.position
                    tolerance = spec.tolerance_m if tolerance is None else tolerance
                    break
        if position is None:
            return None
        x, y, _ = self.world.resolve_position(position)  # type: ignore[attr-defined]
        return (float(x), float(y)), float(tolerance if tolerance is not None else 3.0)


class Evaluation:
    """What one run evaluates: the scenario's criteria and the score monitors.

    The runner calls :meth:`update` after building the world and after every
    step, :meth:`finish` once after the last step with what it measured
    (stack step times), then reads :meth:`results` (the scenario's criteria,
    which decide its status) and :meth:`monitor_results` (for the scores).
    """

    def __init__(self, ctx: EvaluationContext) -> None:
        b = Builds(ctx)
        ego = ctx.world.actors[ctx.ego].name
        self.criteria = [b.build(s) for s in ctx.scenario.criteria or default_specs(ego)]
        self.monitors = [b.build(s) for s in score_specs(ego)]
        unique: dict[int, Criterion] = {}
        for c in (*self.criteria, *self.monitors):
            unique.setdefault(id(c), c)
        self._all = list(unique.values())
        # Criteria evaluated from the recorded series need no call per step.
        self._live = [c for c in self._all if type(c).update is not Passive.update]
        self._results: dict[int, CriterionResult] = {}

    def update(self, world: Any) -> None:
        """Update every criterion and monitor that works per step, after a step."""
        for c in self._live:
            c.update(world)

    def finish(self, facts: RunFacts) -> None:
        """Hand the runner's measurements to every criterion (once, after the last step)."""
        for c in self._all:
            c.finish(facts)

    def results(self) -> list[CriterionResult]:
        """Verdicts of the scenario's criteria, in the scenario's order."""
        return [self._result(c) for c in self.criteria]

    def monitor_results(self) -> list[CriterionResult]:
        """Verdicts of the score monitors."""
        return [self._result(c) for c in self.monitors]

    def _result(self, c: Criterion) -> CriterionResult:
        if id(c) not in self._results:
            self._results[id(c)] = c.result()
        return self._results[id(c)]


def build_criteria(ctx: EvaluationContext) -> list[Criterion]:
    """The scenario's criteria (default: no collision and no off-road for the ego)."""
    b = Builds(ctx)
    ego = ctx.world.actors[ctx.ego].name
    return [b.build(s) for s in ctx.scenario.criteria or default_specs(ego)]


# --------------------------------------------------------------------------- builders


@builds(sc.CollisionCriterion)
def _collision(spec: sc.CollisionCriterion, b: Builds) -> Criterion:
    return safety.NoCollision(b.world, spec.entity, b.track(spec.entity), spec.at_fault_only)


@builds(sc.OffRoadCriterion)
def _off_road(spec: sc.OffRoadCriterion, b: Builds) -> Criterion:
    return rules.StayOnRoad(b.world, spec.entity)


@builds(sc.ReachCriterion)
def _reach(spec: sc.ReachCriterion, b: Builds) -> Criterion:
    x, y, _ = b.world.resolve_position(spec.position)  # type: ignore[attr-defined]
    return progress.Reach(b.world, spec.entity, (float(x), float(y)), spec.tolerance_m)


@builds(sc.MinTimeToCollisionCriterion)
def _min_ttc(spec: sc.MinTimeToCollisionCriterion, b: Builds) -> Criterion:
    return safety.MinTimeToCollision(b.world, spec.entity, spec.threshold_s)


@builds(sc.MinDistanceCriterion)
def _min_distance(spec: sc.MinDistanceCriterion, b: Builds) -> Criterion:
    w = b.world
    a = w.actor_id(spec.entity)
    others = np.array(
        [w.actor_id(spec.other)] if spec.other else [k for k in range(len(w.actors)) if k != a],
        dtype=np.int64,
    )

    def gap(world: Any) -> float:
        return min_box_gap(world, a, others)

    return Extreme("min_distance", "m", gap, spec.threshold_m, keep_min=True)


@builds(sc.MaxDecelerationCriterion)
def _max_decel(spec: sc.MaxDecelerationCriterion, b: Builds) -> Criterion:
    a = b.world.actor_id(spec.entity)
    return Extreme("max_decel", "m/s^2", lambda w: float(-w.accel[a]), spec.threshold_mps2, False)


@builds(sc.MaxSpeedCriterion)
def _max_speed(spec: sc.MaxSpeedCriterion, b: Builds) -> Criterion:
    a = b.world.actor_id(spec.entity)
    return Extreme("max_speed", "m/s", lambda w: float(w.v[a]), spec.threshold_mps, False)


@builds(sc.StandstillCriterion)
def _standstill(spec: sc.StandstillCriterion, b: Builds) -> Criterion:
    return progress.Standstill(b.world, spec.entity, spec.speed_below_mps)


@builds(sc.LaneDepartureCriterion)
def _lane_departure(spec: sc.LaneDepartureCriterion, b: Builds) -> Criterion:
    return rules.LaneDeparture(b.world, spec.entity, b.track(spec.entity), spec.tolerance_m)


@builds(sc.WrongWayCriterion)
def _wrong_way(spec: sc.WrongWayCriterion, b: Builds) -> Criterion:
    return rules.WrongWay(
        b.world, spec.entity, b.track(spec.entity), spec.min_duration_s, spec.heading_threshold_rad
    )


@builds(sc.RedLightCriterion)
def _red_light(spec: sc.RedLightCriterion, b: Builds) -> Criterion:
    return rules.RedLight(b.world, spec.entity, b.track(spec.entity))


@builds(sc.StopSignCriterion)
def _stop_sign(spec: sc.StopSignCriterion, b: Builds) -> Criterion:
    track = b.track(spec.entity)
    return rules.StopSign(b.world, spec.entity, track, spec.stop_speed_mps, spec.zone_m)


@builds(sc.SpeedingCriterion)
def _speeding(spec: sc.SpeedingCriterion, b: Builds) -> Criterion:
    return rules.Speeding(b.world, spec.entity, b.track(spec.entity), spec.tolerance_mps)


@builds(sc.OutsideRouteLanesCriterion)
def _outside(spec: sc.OutsideRouteLanesCriterion, b: Builds) -> Criterion:
    return rules.OutsideRouteLanes(b.world, spec.entity, b.track(spec.entity), spec.max_pct)


@builds(sc.RouteCompletionCriterion)
def _route_completion(spec: sc.RouteCompletionCriterion, b: Builds) -> Criterion:
    track, goal = b.track(spec.entity), b.goal(spec.entity)
    return progress.RouteCompletion(b.world, spec.entity, track, goal, b.duration, spec.min_pct)


@builds(sc.ScenarioTimeoutCriterion)
def _timeout(spec: sc.ScenarioTimeoutCriterion, b: Builds) -> Criterion:
    goal = b.goal(spec.entity, spec.position, spec.tolerance_m if spec.position else None)
    return progress.ScenarioTimeout(b.world, spec.entity, goal, b.duration)


@builds(sc.BlockedCriterion)
def _blocked(spec: sc.BlockedCriterion, b: Builds) -> Criterion:
    return progress.Blocked(b.world, spec.entity, spec.max_duration_s, spec.speed_below_mps)


@builds(sc.MinSpeedCriterion)
def _min_speed(spec: sc.MinSpeedCriterion, b: Builds) -> Criterion:
    track, goal = b.track(spec.entity), b.goal(spec.entity)
    length = track.goal_length(goal[0] if goal else None, b.duration)
    return progress.MinSpeed(b.world, spec.entity, track, length, spec.checkpoints, spec.min_pct)


@builds(sc.MinHeadwayCriterion)
def _min_headway(spec: sc.MinHeadwayCriterion, b: Builds) -> Criterion:
    return safety.MinHeadway(b.world, spec.entity, spec.threshold_s, spec.min_speed_mps)


@builds(sc.PostEncroachmentTimeCriterion)
def _pet(spec: sc.PostEncroachmentTimeCriterion, b: Builds) -> Criterion:
    return safety.PostEncroachmentTime(b.world, spec.entity, spec.threshold_s, spec.other)


@builds(sc.MaxJerkCriterion)
def _max_jerk(spec: sc.MaxJerkCriterion, b: Builds) -> Criterion:
    return comfort.Peak(
        b.world, spec.entity, "max_jerk", "m/s^3", "lon_jerk", spec.threshold_mps3, spec.window_s
    )


@builds(sc.MaxLateralAccelerationCriterion)
def _max_lat(spec: sc.MaxLateralAccelerationCriterion, b: Builds) -> Criterion:
    return comfort.Peak(
        b.world, spec.entity, "max_lateral_accel", "m/s^2", "lat_accel", spec.threshold_mps2
    )


@builds(sc.MaxYawRateCriterion)
def _max_yaw_rate(spec: sc.MaxYawRateCriterion, b: Builds) -> Criterion:
    return comfort.Peak(
        b.world, spec.entity, "max_yaw_rate", "rad/s", "yaw_rate", spec.threshold_radps
    )


@builds(sc.ComfortCriterion)
def _comfort(spec: sc.ComfortCriterion, b: Builds) -> Criterion:
    return comfort.Comfort(b.world, spec)


@builds(sc.StackLatencyCriterion)
def _stack_latency(spec: sc.StackLatencyCriterion, b: Builds) -> Criterion:
    return comfort.StackLatency(b.world, spec.threshold_ms, spec.percentile)
