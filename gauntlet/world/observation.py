"""What a stack sees: the ground-truth observation of one actor."""

from __future__ import annotations

import numpy as np

from gauntlet.agents.drivers import DEFAULT_SPEED_MPS
from gauntlet.agents.paths import PATH_DS, Path, PathBank, build_path, straightest
from gauntlet.agents.stack import EpisodeInfo, Observation, SignalAhead
from gauntlet.world.signals import OFF
from gauntlet.world.world import World

#: Route length the stack is given: what the ego could cover in the scenario at this speed.
ROUTE_PLANNING_SPEED_MPS = 45.0
ROUTE_MIN_M = 1000.0
#: Length of the straight bridge a route lays from a lane to its neighbour, m.
LANE_CHANGE_BRIDGE_M = 20.0


class EgoRoute:
    """The route a stack follows, and where its ego is on it.

    The route runs along the ego's lane route (its ``route`` waypoints, then the
    straightest continuation) for ``horizon_m``; an ego that does not start on
    a lane gets a straight line ahead. ``update`` projects the ego on it each step.
    """

    def __init__(self, world: World, actor: int, horizon_m: float) -> None:
        self.actor = actor
        self.table = world.lanes
        slot = world.driver_slot.get(actor)
        if slot is not None:
            d = world.drivers
            lanes = [int(d.lane[slot]), *d.route_plan[slot]]
            path = build_path(
                world.lanes, lanes, float(d.lane_s[slot]), horizon_m, straightest(world.lanes), 0.0
            )
        else:
            s = np.arange(0.0, horizon_m + PATH_DS, PATH_DS)
            c, sn = np.cos(world.h[actor]), np.sin(world.h[actor])
            path = Path(
                s,
                world.x[actor] + s * c,
                world.y[actor] + s * sn,
                np.full_like(s, world.h[actor]),
                np.full(len(s), -1, np.int64),
                s.copy(),
                (),
                (),
                True,
            )
        self.path = path
        self.bank = PathBank([path], len(world.lanes))
        self._slot = np.zeros(1, dtype=np.int64)
        self.s = 0.0
        self.lateral = 0.0
        self.index = 0
        self.update(world)

    def update(self, world: World) -> None:
        """Project the ego onto the route, starting from the last position."""
        a = self.actor
        guess = np.array([self.s + abs(float(world.v[a])) * world.dt])
        s, lat, i = self.bank.project(self._slot, guess, world.x[a : a + 1], world.y[a : a + 1])
        self.s, self.lateral, self.index = float(s[0]), float(lat[0]), int(i[0])

    def speed_limits(self) -> np.ndarray:
        """The speed limit at every route sample, m/s (the default where a lane has none)."""
        lane = self.bank.lane[: len(self.path.s)]
        limit = np.where(lane >= 0, self.table.speed_limit[np.maximum(lane, 0)], np.nan)
        return np.where(np.isfinite(limit), limit, DEFAULT_SPEED_MPS)

    def lane_changes(self) -> np.ndarray:
        """Per route sample: +1 (-1) on the route's moves to the left (right) lane, else 0.

        A move is the straight bridge that :func:`build_path` lays from one lane to
        its neighbour; its samples still carry the lane it leaves.
        """
        lane = self.bank.lane[: len(self.path.s)]
        out = np.zeros(len(lane), dtype=np.int8)
        for i in np.flatnonzero((lane[1:] != lane[:-1]) & (lane[:-1] >= 0)) + 1:
            before = int(lane[i - 1])
            left, right = self.table.left[before], self.table.right[before]
            side = int(lane[i] == left) - int(lane[i] == right)
            if side:
                start = int(np.searchsorted(self.path.s, self.path.s[i] - LANE_CHANGE_BRIDGE_M))
                out[start:i] = side
        return out

    def speed_limit(self) -> float:
        lane = int(self.bank.lane[self.index])
        limit = float(self.table.speed_limit[lane]) if lane >= 0 else np.nan
        return limit if np.isfinite(limit) else DEFAULT_SPEED_MPS


def route_horizon(duration_s: float) -> float:
    """Route length for a scenario of ``duration_s``."""
    return max(ROUTE_MIN_M, duration_s * ROUTE_PLANNING_SPEED_MPS)


def episode_info(world: World, route: EgoRoute, scenario: str, seed: int) -> EpisodeInfo:
    """Route and limits the stack learns at reset."""
    actor = route.actor
    p = route.path
    group = world.groups[world.group_of[actor]]
    params = getattr(group.model, "params", None)
    row = world.row_of[actor]
    vp = params[row] if params is not None else None
    return EpisodeInfo(
        scenario=scenario,
        dt_s=world.dt,
        seed=seed,
        ego_name=world.actors[actor].name,
        route_xy=np.stack((p.x, p.y), axis=1),
        route_s=p.s,
        route_heading=p.heading,
        max_accel_mps2=float(getattr(vp, "max_accel_mps2", 3.0)),
        max_decel_mps2=float(getattr(vp, "max_decel_mps2", 8.0)),
        max_steer_rad=float(getattr(vp, "max_steer_rad", 0.6)),
        network=world.network,
        route_speed_limit_mps=route.speed_limits(),
        route_lane_change=route.lane_changes(),
    )


def observe(world: World, route: EgoRoute) -> Observation:
    """Observation of the route's ego: own state, objects, route position, next signal.

    Ground truth, unless the ego has a perception (``world.perception``); a
    connected ego finds its V2X inbox in ``sensors["v2x"]``, and the latest delivered
    measurement of each of its sensor models (``world.sensing``) under the sensor's name.
    """
    route.update(world)
    actor = route.actor
    perception = world.perception.get(actor)
    inbox = world.v2x.inbox(actor) if world.v2x is not None else None
    sensors = {} if inbox is None else {"v2x": inbox}
    if world.sensing is not None and world.sensing.actor == actor:
        sensors.update(world.sensing.measure(world))
    return Observation(
        time_s=world.time_s,
        ego=world.ego_state(actor),
        objects=world.objects_near(actor) if perception is None else perception.objects(world),
        route_s=route.s,
        route_lateral_m=route.lateral,
        speed_limit_mps=route.speed_limit(),
        signal=_signal_ahead(world, route)
        if perception is None
        else perception.signal(_signal_ahead(world, route)),
        sensors=sensors,
    )


def _signal_ahead(world: World, route: EgoRoute) -> SignalAhead | None:
    stops = world.signal_stops
    if not stops:
        return None
    half = 0.5 * world.length[route.actor]
    entry = route.bank.entry[0, world._stop_lane] + world._stop_s - route.s  # noqa: SLF001
    ahead = np.where(entry > -half, entry, np.inf)
    k = int(np.argmin(ahead))
    if not np.isfinite(ahead[k]):
        return None
    sid = stops[k].signal_id
    return SignalAhead(sid, world.signals.states.get(sid, OFF), float(ahead[k] - half))
