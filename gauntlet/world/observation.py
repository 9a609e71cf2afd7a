"""What a stack sees: the ground-truth observation of one actor."""

from __future__ import annotations

import numpy as np

from gauntlet.agents.drivers import DEFAULT_SPEED_MPS
from gauntlet.agents.stack import EpisodeInfo, Observation, SignalAhead
from gauntlet.world.signals import OFF
from gauntlet.world.world import World

ROUTE_FALLBACK_M = 1000.0


def episode_info(world: World, actor: int, scenario: str, seed: int) -> EpisodeInfo:
    """Route and limits the stack learns at reset.

    The route is the actor's lane path (from its ``route`` waypoints, else the
    straightest continuation); an actor off the lanes gets a straight line ahead.
    """
    slot = world.driver_slot.get(actor)
    if slot is not None:
        p = world.drivers.paths[slot]
        xy, s, h = np.stack((p.x, p.y), axis=1), p.s, p.heading
    else:
        s = np.linspace(0.0, ROUTE_FALLBACK_M, 201)
        c, sn = np.cos(world.h[actor]), np.sin(world.h[actor])
        xy = np.stack((world.x[actor] + s * c, world.y[actor] + s * sn), axis=1)
        h = np.full_like(s, world.h[actor])
    group = world.groups[world.group_of[actor]]
    params = getattr(group.model, "params", None)
    row = world.row_of[actor]
    p = params[row] if params is not None else None
    return EpisodeInfo(
        scenario=scenario,
        dt_s=world.dt,
        seed=seed,
        ego_name=world.actors[actor].name,
        route_xy=xy,
        route_s=s,
        route_heading=h,
        max_accel_mps2=float(getattr(p, "max_accel_mps2", 3.0)),
        max_decel_mps2=float(getattr(p, "max_decel_mps2", 8.0)),
        max_steer_rad=float(getattr(p, "max_steer_rad", 0.6)),
        network=world.network,
    )


def observe(world: World, actor: int) -> Observation:
    """Ground-truth observation of ``actor``: own state, objects, route position, next signal."""
    slot = world.driver_slot.get(actor)
    signal = None
    if slot is not None:
        d = world.drivers
        route_s, lateral = float(d.s[slot]), float(d.lateral[slot])
        limit = float(world.lanes.speed_limit[d.lane[slot]])
        signal = _signal_ahead(world, slot)
    else:
        route_s, lateral, limit = 0.0, 0.0, np.nan
    return Observation(
        time_s=world.time_s,
        ego=world.ego_state(actor),
        objects=world.objects_near(actor),
        route_s=route_s,
        route_lateral_m=lateral,
        speed_limit_mps=limit if np.isfinite(limit) else DEFAULT_SPEED_MPS,
        signal=signal,
    )


def _signal_ahead(world: World, slot: int) -> SignalAhead | None:
    stops = world.signal_stops
    if not stops:
        return None
    d = world.drivers
    entry = d.bank.entry[slot, world._stop_lane] + world._stop_s - d.s[slot]  # noqa: SLF001
    ahead = np.where(entry > -0.5 * world.length[d.actor[slot]], entry, np.inf)
    k = int(np.argmin(ahead))
    if not np.isfinite(ahead[k]):
        return None
    sid = stops[k].signal_id
    state = world.signals.states.get(sid, OFF)
    return SignalAhead(sid, state, float(ahead[k] - 0.5 * world.length[d.actor[slot]]))
