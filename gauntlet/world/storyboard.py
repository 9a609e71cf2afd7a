"""The storyboard at run time: triggers compiled to predicates, actions applied to the world.

Each event fires at most once, on the first step its trigger holds. Actions
run in the order written. Conditions are evaluated on the state at the start
of the step, before behaviours and dynamics, as in OpenSCENARIO.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from gauntlet.agents.profiles import shape_code
from gauntlet.scenarios import schema as sc
from gauntlet.world.collision import min_gap
from gauntlet.world.world import ScriptedMotion, World

Predicate = Callable[[World], bool]
Resolve = Callable[[sc.Position], tuple[float, float, float]]

_RULES: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def pair_gap(world: World, a: int, b: int, freespace: bool = True) -> float:
    """Distance between two actors' boxes (freespace) or centres."""
    if not freespace:
        return float(np.hypot(world.x[a] - world.x[b], world.y[a] - world.y[b]))
    return min_box_gap(world, a, np.array([b]))


def min_box_gap(world: World, a: int, others: np.ndarray) -> float:
    """Smallest free-space distance from actor ``a``'s box to the boxes of ``others``."""
    return float(min_gap(world.x, world.y, world.h, world.half_length, world.half_width, a, others))


def longitudinal_gap(world: World, a: int, b: int) -> tuple[float, float]:
    """Bumper gap from ``a`` to ``b`` along ``a``'s heading, and ``b``'s lateral offset.

    The gap is ``inf`` when ``b`` is behind ``a``.
    """
    c, s = np.cos(world.h[a]), np.sin(world.h[a])
    dx, dy = world.x[b] - world.x[a], world.y[b] - world.y[a]
    lon = dx * c + dy * s
    lat = -dx * s + dy * c
    if lon <= 0:
        return np.inf, float(lat)
    gap = lon - 0.5 * world.length[a] - 0.5 * world.length[b]
    return float(max(gap, 0.0)), float(lat)


def time_to_collision(world: World, a: int, b: int) -> float:
    """Constant-velocity TTC from ``a`` to ``b`` ahead of it in its path (inf if none)."""
    gap, lat = longitudinal_gap(world, a, b)
    if not np.isfinite(gap) or abs(lat) > 0.5 * (world.width[a] + world.width[b]):
        return np.inf
    closing = world.v[a] - world.v[b] * np.cos(world.h[b] - world.h[a])
    return gap / closing if closing > 1e-6 else np.inf


def headway(world: World, a: int, b: int) -> float:
    """Time headway from ``a`` to ``b`` ahead of it (inf if ``a`` stands or ``b`` is not ahead)."""
    gap, lat = longitudinal_gap(world, a, b)
    if (
        not np.isfinite(gap)
        or abs(lat) > 0.5 * (world.width[a] + world.width[b])
        or world.v[a] < 1e-6
    ):
        return np.inf
    return gap / world.v[a]


@dataclass
class Storyboard:
    """Compiled events; call it once per step (the world does)."""

    events: list[tuple[str, Predicate, list[Callable[[World], None]]]]
    stop_when: list[Predicate]
    started: dict[str, float] = field(default_factory=dict)
    stop_requested: bool = False

    def __call__(self, world: World) -> None:
        for name, predicate, actions in self.events:
            if name in self.started or not predicate(world):
                continue
            self.started[name] = world.time_s
            for action in actions:
                action(world)
            world.decide_now()
        if any(p(world) for p in self.stop_when):
            self.stop_requested = True


class StoryboardCompiler:
    """Turns schema triggers and actions into closures over actor indices."""

    def __init__(
        self,
        world: World,
        resolve: Resolve,
        board_ref: Callable[[], Storyboard],
        route_to: Callable,
    ) -> None:
        self.world = world
        self.resolve = resolve
        self.board_ref = board_ref
        self.route_to = route_to

    def trigger(self, t: sc.Trigger) -> Predicate:
        w = self.world
        match t:
            case sc.SimulationTimeTrigger(value_s=v, rule=r):
                cmp = _RULES[r]
                return lambda world: cmp(
                    world.time_s + 1e-9 if r in (">", ">=") else world.time_s, v
                )
            case sc.AfterEventTrigger(event=e, delay_s=d):
                board = self.board_ref
                return lambda world: (
                    e in board().started and world.time_s >= board().started[e] + d - 1e-9
                )
            case sc.DistanceTrigger(entity=a, other=b, value_m=v, rule=r, freespace=f):
                i, j, cmp = w.actor_id(a), w.actor_id(b), _RULES[r]
                return lambda world: cmp(pair_gap(world, i, j, f), v)
            case sc.HeadwayTrigger(entity=a, other=b, value_s=v, rule=r):
                i, j, cmp = w.actor_id(a), w.actor_id(b), _RULES[r]
                return lambda world: cmp(headway(world, i, j), v)
            case sc.TimeToCollisionTrigger(entity=a, other=b, value_s=v, rule=r):
                i, j, cmp = w.actor_id(a), w.actor_id(b), _RULES[r]
                return lambda world: cmp(time_to_collision(world, i, j), v)
            case sc.SpeedTrigger(entity=a, value_mps=v, rule=r):
                i, cmp = w.actor_id(a), _RULES[r]
                return lambda world: cmp(float(world.v[i]), v)
            case sc.ReachedPositionTrigger(entity=a, position=p, tolerance_m=tol):
                i = w.actor_id(a)
                px, py, _ = self.resolve(p)
                return lambda world: float(np.hypot(world.x[i] - px, world.y[i] - py)) <= tol
            case sc.TraveledDistanceTrigger(entity=a, value_m=v):
                i = w.actor_id(a)
                return lambda world: float(world.odometer[i]) >= v
            case sc.AllTrigger(conditions=cs):
                preds = [self.trigger(c) for c in cs]
                return lambda world: all(p(world) for p in preds)
            case sc.AnyTrigger(conditions=cs):
                preds = [self.trigger(c) for c in cs]
                return lambda world: any(p(world) for p in preds)
        raise TypeError(f"unsupported trigger {t!r}")

    def action(self, act: sc.Action) -> Callable[[World], None]:
        match act:
            case sc.SpeedAction():
                return self._speed(act)
            case sc.LaneChangeAction(entity=e, lanes=n, duration_s=d, shape=shape):
                return lambda world: _lane_change(world, world.actor_id(e), n, d, shape_code(shape))
            case sc.LaneOffsetAction(entity=e, offset_m=off, duration_s=d, shape=shape):
                return lambda world: _lane_offset(
                    world, world.actor_id(e), off, d, shape_code(shape)
                )
            case sc.FollowRouteAction(entity=e, waypoints=wps):
                return lambda world: self.route_to(world, world.actor_id(e), wps)
            case sc.FollowTrajectoryAction():
                return self._trajectory(act)
            case sc.TeleportAction(entity=e, position=p):
                resolve = self.resolve
                return lambda world: _teleport(world, world.actor_id(e), resolve(p))
            case sc.TrafficLightAction(signal=sid, state=state, duration_s=d):
                return lambda world: world.signals.force(
                    sid, state, world.time_s + d if d else np.inf
                )
            case sc.AssignBehaviourAction(entity=e, behaviour=b):
                return lambda world: _assign(world, world.actor_id(e), b)
            case sc.StopAction(entity=e, decel_mps2=dec):
                return lambda world: _speed_change(
                    world, world.actor_id(e), 0.0, "linear", rate=dec
                )
            case sc.KeepDistanceAction():
                return lambda world: _keep_distance(world, act)
        raise TypeError(f"unsupported action {act!r}")

    def _speed(self, act: sc.SpeedAction) -> Callable[[World], None]:
        def run(world: World) -> None:
            _speed_change(
                world,
                world.actor_id(act.entity),
                act.target_mps,
                act.shape,
                duration=act.duration_s,
                rate=act.rate_mps2,
                distance=act.distance_m,
            )

        return run

    def _trajectory(self, act: sc.FollowTrajectoryAction) -> Callable[[World], None]:
        pts = act.points

        def run(world: World) -> None:
            t0 = world.time_s if act.timing == "relative" else 0.0
            t = np.array([p.t_s for p in pts]) + t0
            x = np.array([p.x_m for p in pts])
            y = np.array([p.y_m for p in pts])
            actor = world.actor_id(act.entity)
            turn = 0.0
            if act.frame == "start_pose":
                # Points in the actor's frame now: x ahead, y to the left.
                x0, y0, turn = float(world.x[actor]), float(world.y[actor]), float(world.h[actor])
                c, s = np.cos(turn), np.sin(turn)
                x, y = x0 + c * x - s * y, y0 + s * x + c * y
            h = None  # heading follows each segment unless vertices give one
            if any(p.heading_rad is not None for p in pts):
                travel = np.arctan2(np.diff(y), np.diff(x))
                travel = np.concatenate((travel, travel[-1:]))
                h = np.array(
                    [
                        p.heading_rad + turn if p.heading_rad is not None else travel[k]
                        for k, p in enumerate(pts)
                    ]
                )
            world.scripted[actor] = ScriptedMotion(t, x, y, h)

        return run


def _speed_change(
    world: World,
    actor: int,
    target: float,
    shape: str,
    duration: float | None = None,
    rate: float | None = None,
    distance: float | None = None,
) -> None:
    """Start a speed transition; a negative target backs the actor up along its heading."""
    v0 = float(world.v[actor])
    world.allow_reverse(actor, target < 0.0)
    if shape == "step" or (duration is None and rate is None and distance is None):
        world.set_speed(actor, target)
        duration, shape = 1e-9, "step"
    elif duration is None and rate is not None:
        duration = abs(target - v0) / rate
    elif duration is None and distance is not None:
        duration = 2.0 * distance / max(abs(v0 + target), 1e-6)
    walker = world.walkers.by_actor(actor)
    if walker is not None:
        walker.speed_mps = max(target, 0.0)  # walkers do not walk backwards
        return
    slot = world.drivers_slot(actor)
    if slot is not None:
        world.drivers.keep.stop(slot)
        world.drivers.speed.set(
            slot,
            v0 if shape != "step" else target,
            target,
            world.time_s,
            duration or 1e-9,
            shape_code(shape),
        )


def _keep_distance(world: World, act: sc.KeepDistanceAction) -> None:
    """Hand the entity's speed to the distance-keeping controller (lane-following vehicles)."""
    actor, target = world.actor_id(act.entity), world.actor_id(act.other)
    slot = world.drivers_slot(actor)
    if slot is None:
        return
    world.allow_reverse(actor, False)
    world.drivers.speed.active[slot] = False
    box = float(world.half_length[actor] + world.half_length[target]) if act.freespace else 0.0
    limits = (
        act.max_accel_mps2 if act.max_accel_mps2 is not None else float(world.max_accel[actor]),
        act.max_decel_mps2 if act.max_decel_mps2 is not None else float(world.max_decel[actor]),
        act.max_speed_mps if act.max_speed_mps is not None else float(world.max_speed[actor]),
    )
    world.drivers.keep.start(
        slot, target, act.distance_m, act.time_gap_s, act.side == "behind", box, limits
    )


def _lane_change(world: World, actor: int, lanes: int, duration: float, shape: int) -> None:
    slot = world.drivers_slot(actor)
    if slot is None:
        return
    d = world.drivers
    target = int(d.lane[slot])
    side = world.lanes.left if lanes > 0 else world.lanes.right
    for _ in range(abs(lanes)):
        nxt = int(side[target])
        if nxt < 0:
            break
        target = nxt
    if target != int(d.lane[slot]):
        d.change_lane(slot, target, world.time_s, duration, shape)


def _lane_offset(world: World, actor: int, offset: float, duration: float, shape: int) -> None:
    slot = world.drivers_slot(actor)
    if slot is not None:
        world.drivers.set_offset(slot, offset, world.time_s, duration, shape)


def _teleport(world: World, actor: int, pose: tuple[float, float, float]) -> None:
    world.set_pose(actor, *pose)
    world.relocate(actor)


def _assign(world: World, actor: int, behaviour: sc.Behaviour) -> None:
    world.assign_behaviour(actor, behaviour)
