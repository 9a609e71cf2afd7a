"""Traffic-rule criteria: drivable area, lane keeping, direction, signals, stop signs, speed."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from gauntlet.evaluation.criteria.base import Criterion, Passive, Series, episodes, series
from gauntlet.evaluation.criteria.track import RouteSeries, RouteTrack
from gauntlet.evaluation.result import CriterionResult
from gauntlet.world.signals import OFF, RED
from gauntlet.world.world import World

#: OpenDRIVE (German catalogue) type code of a stop sign.
STOP_SIGN_TYPE = "206"
#: Within this distance of the next stop line's point (plus half the length) its crossing is checked, m.
NEAR_STOP_LINE_M = 10.0
#: Window of the wrong-way distance that nuPlan's driving-direction compliance looks at, s.
DIRECTION_WINDOW_S = 1.0


class StayOnRoad(Criterion):
    """Time the entity's centre spent off the drivable area; one event per excursion."""

    name, units = "off_road", "s"

    def __init__(self, world: World, entity: str) -> None:
        self.actor = world.actor_id(entity)
        self.time_off = 0.0
        self.events: list[dict[str, Any]] = []
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
        return self.verdict(bool(self.events), self.time_off, 0.0, self.events)


def _episode_events(
    t: np.ndarray, weights: np.ndarray, flags: np.ndarray, min_duration: float = 0.0
) -> list[tuple[int, int, float]]:
    """``(first, stop, duration)`` of the runs of ``flags`` lasting longer than ``min_duration``."""
    out = []
    for i, j in episodes(flags):
        duration = float(weights[i:j].sum())
        if duration > min_duration:
            out.append((i, j, duration))
    return out


class _RouteCriterion(Passive):
    """A passive criterion of one entity along its route, evaluated from the recorded series."""

    def __init__(self, world: World, entity: str, track: RouteTrack) -> None:
        self.world, self.actor, self.track = world, world.actor_id(entity), track

    def _series(self) -> tuple[Series, RouteSeries]:
        """The entity's recorded states and its positions along the route, step by step."""
        return series(self.world, self.actor), self.track.series()


class LaneDeparture(_RouteCriterion):
    """Time spent outside the route lane, outside the route's own lane changes.

    The entity has left its lane when its centre is further from the lane
    centre than half the lane width minus half its width plus the tolerance.
    """

    name, units = "lane_departure", "s"

    def __init__(self, world: World, entity: str, track: RouteTrack, tolerance: float) -> None:
        super().__init__(world, entity, track)
        self.tolerance = tolerance

    def result(self) -> CriterionResult:
        sr, rs = self._series()
        margin = 0.5 * self.world.width[self.actor] - self.tolerance
        out = ~self.track.in_lane(rs.lateral, rs.index, margin) & ~self.track.lane_change[rs.index]
        w = sr.weights
        events = [
            {
                "time_s": float(sr.t[i]),
                "duration_s": duration,
                "max_offset_m": float(np.abs(rs.lateral[i:j]).max()),
                "side": "left" if rs.lateral[i:j].mean() > 0 else "right",
            }
            for i, j, duration in _episode_events(sr.t, w, out)
        ]
        total = float(w[out].sum())
        return self.verdict(bool(events), total, 0.0, events)


class WrongWay(_RouteCriterion):
    """Distance driven against the lane's direction, in episodes longer than ``min_duration_s``."""

    name, units = "wrong_way", "m"

    def __init__(
        self, world: World, entity: str, track: RouteTrack, min_duration: float, threshold: float
    ) -> None:
        super().__init__(world, entity, track)
        self.min_duration, self.threshold = min_duration, threshold

    def result(self) -> CriterionResult:
        sr = series(self.world, self.actor)
        flags = self.track.wrong_way(self.threshold)
        step_dist = np.abs(sr.v) * sr.weights
        against = np.where(flags, step_dist, 0.0)
        lag = max(1, int(round(DIRECTION_WINDOW_S / self.world.dt)))
        cum = np.concatenate(([0.0], np.cumsum(against)))
        window = cum[lag:] - cum[:-lag] if len(cum) > lag else cum[-1:] - cum[:1]
        events, total = [], 0.0
        for i, j, duration in _episode_events(sr.t, sr.weights, flags, self.min_duration):
            distance = float(step_dist[i:j].sum())
            total += distance
            events.append(
                {
                    "time_s": float(sr.t[i]),
                    "duration_s": duration,
                    "distance_m": distance,
                    "max_window_distance_m": float(window[max(0, i - lag) : j].max(initial=0.0)),
                }
            )
        return self.verdict(bool(events), total, 0.0, events)


class RedLight(Criterion):
    """The entity's front bumper must not cross the stop line of a red signal on its route.

    Stop lines come from the world's signal stops on the lanes of the route
    (path ``s`` = the lane's entry on the path + the stop's lane ``s``); the
    light's state is read at the step the bumper passes the line.
    """

    name, units = "red_light", "count"

    def __init__(self, world: World, entity: str, track: RouteTrack) -> None:
        self.actor, self.track = world.actor_id(entity), track
        self.half_length = 0.5 * float(world.length[self.actor])
        bank = track.route.bank
        entry = bank.entry[0]
        start = self.half_length + float(track.route.s)
        stops = []
        for st in world.signal_stops:
            s = float(entry[st.lane] + st.lane_s)
            if np.isfinite(s) and s > start:
                x, y, _ = bank.sample(np.zeros(1, dtype=np.int64), np.array([s]))
                stops.append((s, st.signal_id, float(x[0]), float(y[0])))
        self.stops = sorted(stops)
        self.next = 0
        self.events: list[dict[str, Any]] = []
        # Far from the next stop line its crossing cannot be near: skip the projection.
        self.near_m = self.half_length + NEAR_STOP_LINE_M

    def update(self, world: World) -> None:
        if self.next >= len(self.stops):
            return
        _, _, sx, sy = self.stops[self.next]
        a = self.actor
        if math.hypot(float(world.x[a]) - sx, float(world.y[a]) - sy) > self.near_m:
            return
        self.track.update(world)
        front = float(self.track.series().s[-1]) + self.half_length
        while self.next < len(self.stops) and front >= self.stops[self.next][0]:
            s_stop, sid, _, _ = self.stops[self.next]
            state = world.signals.states.get(sid, OFF)
            if state == RED:
                self.events.append(
                    {
                        "time_s": world.time_s,
                        "signal_id": sid,
                        "speed_mps": float(world.v[a]),
                        "stop_s_m": s_stop,
                    }
                )
            self.next += 1

    def result(self) -> CriterionResult:
        return self.verdict(bool(self.events), float(len(self.events)), 0.0, self.events)


class StopSign(_RouteCriterion):
    """The entity must come below ``stop_speed`` within ``zone_m`` before each stop sign's line.

    Stop signs are the map's static signals of OpenDRIVE type 206 whose stop
    positions lie on the route; without any, the criterion is not evaluated.
    A sign counts once the front bumper has passed its line.
    """

    name, units = "stop_sign", "count"

    def __init__(
        self, world: World, entity: str, track: RouteTrack, stop_speed: float, zone: float
    ) -> None:
        super().__init__(world, entity, track)
        self.stop_speed, self.zone = stop_speed, zone
        self.half_length = 0.5 * float(world.length[self.actor])
        entry = track.route.bank.entry[0]
        found = []
        for sid, sig in world.network.signals.items():
            if sig.dynamic or sig.type != STOP_SIGN_TYPE:
                continue
            for key, lane_s in sig.stop_positions:
                lane = world.lanes.index.get(key)
                if lane is not None and np.isfinite(entry[lane]):
                    found.append((float(entry[lane] + lane_s), sid))
        self.stops = sorted(set(found))

    def result(self) -> CriterionResult:
        if not self.stops:
            return self.not_evaluated(0.0, "no stop sign on the route")
        sr, rs = self._series()
        front = rs.s + self.half_length
        events = []
        for s_stop, sid in self.stops:
            if front[0] >= s_stop:
                continue
            passed = np.flatnonzero(front >= s_stop)
            if not len(passed):
                continue
            k = int(passed[0])
            zone = (front[:k] >= s_stop - self.zone) & (front[:k] < s_stop)
            slowest = float(np.abs(sr.v[:k][zone]).min()) if zone.any() else float(abs(sr.v[k]))
            if slowest >= self.stop_speed:
                events.append(
                    {"time_s": float(sr.t[k]), "signal_id": sid, "min_speed_mps": slowest}
                )
        return self.verdict(bool(events), float(len(events)), 0.0, events)


class Speeding(_RouteCriterion):
    """Largest excess over the route lane's speed limit; one event per stretch over the limit.

    Each event gives the stretch's duration, largest excess and the integral of
    the excess over time (m), which nuPlan's speed-limit compliance uses.
    Lanes without a limit are not checked.
    """

    name, units = "speeding", "m/s"

    def __init__(self, world: World, entity: str, track: RouteTrack, tolerance: float) -> None:
        super().__init__(world, entity, track)
        self.tolerance = tolerance

    def result(self) -> CriterionResult:
        sr, rs = self._series()
        excess = np.abs(sr.v) - self.track.speed_limit[rs.index]
        over = np.isfinite(excess) & (excess > 0.0)
        w = sr.weights
        events = [
            {
                "time_s": float(sr.t[i]),
                "duration_s": duration,
                "max_excess_mps": float(excess[i:j].max()),
                "excess_integral_m": float((excess[i:j] * w[i:j]).sum()),
            }
            for i, j, duration in _episode_events(sr.t, w, over)
        ]
        worst = float(excess[over].max()) if over.any() else 0.0
        return self.verdict(worst > self.tolerance, worst, self.tolerance, events)


class OutsideRouteLanes(_RouteCriterion):
    """Share of the completed route driven off the drivable area or in an oncoming lane, %.

    As CARLA's outside-route-lanes test: route distance covered (the growth of
    the furthest route ``s`` reached) while outside, over all route distance covered.
    """

    name, units = "outside_route_lanes", "%"

    def __init__(self, world: World, entity: str, track: RouteTrack, max_pct: float) -> None:
        super().__init__(world, entity, track)
        self.max_pct = max_pct

    def result(self) -> CriterionResult:
        sr, rs = self._series()
        off = ~self.world.network.on_drivable(sr.x, sr.y)
        outside = off | self.track.wrong_way(np.pi / 2)
        furthest = np.maximum.accumulate(np.maximum(rs.s, 0.0))
        progress = np.diff(furthest, prepend=furthest[:1])
        done = float(furthest[-1])
        outside_m = float(progress[outside].sum())
        pct = 100.0 * outside_m / done if done > 0 else 0.0
        events = (
            [
                {
                    "time_s": float(sr.t[np.argmax(outside)]),
                    "distance_m": outside_m,
                    "percentage": pct,
                }
            ]
            if outside_m > 0
            else []
        )
        return self.verdict(pct > self.max_pct, pct, self.max_pct, events)
