"""Hand an actor to a behaviour model: set its driver's or walker's parameters."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from gauntlet.agents.walkers import Walker
from gauntlet.scenarios import schema as sc

Resolve = Callable[[sc.Position], tuple[float, float, float]]


def apply_behaviour(world, actor: int, behaviour: sc.Behaviour, resolve: Resolve) -> None:  # noqa: ANN001
    """Make ``behaviour`` drive ``actor`` from now on (``world`` is a :class:`World`)."""
    walker = world.walkers.by_actor(actor)
    if walker is not None:
        world.walkers.walkers.remove(walker)
    slot = world.driver_slot.get(actor)
    if isinstance(behaviour, sc.WalkBehaviour):
        points = np.array([resolve(p)[:2] for p in behaviour.path], dtype=np.float64)
        world.walkers.walkers.append(
            Walker(actor, points, behaviour.speed_mps, behaviour.loop, behaviour.yield_to_vehicles)
        )
        return
    if slot is None:
        return
    d = world.drivers
    d.speed.active[slot] = False
    d.keep.stop(slot)
    world.allow_reverse(actor, False)
    match behaviour:
        case sc.IdmBehaviour():
            d.follow[slot] = True
            d.lane_changes[slot] = behaviour.lane_changes
            d.obey_signals[slot] = behaviour.obey_signals
            d.desired_speed[slot] = (
                behaviour.desired_speed_mps if behaviour.desired_speed_mps else np.nan
            )
            p = d.idm
            p.time_headway_s[slot] = behaviour.time_headway_s
            p.min_gap_m[slot] = behaviour.min_gap_m
            p.max_accel_mps2[slot] = behaviour.max_accel_mps2
            p.comfort_decel_mps2[slot] = behaviour.comfort_decel_mps2
            p.delta[slot] = behaviour.delta
            p.politeness[slot] = behaviour.politeness
            p.change_threshold_mps2[slot] = behaviour.change_threshold_mps2
            p.safe_decel_mps2[slot] = behaviour.safe_decel_mps2
        case sc.CruiseBehaviour():
            d.follow[slot] = False
            d.lane_changes[slot] = False
            d.obey_signals[slot] = False
            speed = (
                behaviour.speed_mps if behaviour.speed_mps is not None else float(world.v[actor])
            )
            d.desired_speed[slot] = speed
        case sc.IdleBehaviour():
            d.follow[slot] = False
            d.lane_changes[slot] = False
            d.desired_speed[slot] = 0.0
