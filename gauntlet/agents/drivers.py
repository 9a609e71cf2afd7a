"""Lane-following drivers for every vehicle that is not driven by a stack.

All drivers are stepped together as array operations:

* **localisation** projects each vehicle onto its own path (a :class:`PathBank`),
  giving path ``s``, lateral offset, lane and lane-frame ``s``;
* **lateral control** is pure pursuit (from the rear axle) towards a point
  ``lookahead`` metres ahead on the path, shifted by the driver's lateral-offset
  transition (lane changes, lane offsets);
* **longitudinal control** tracks a speed transition (storyboard speed actions)
  and, for car-following drivers, takes the minimum with IDM towards the
  nearest obstacle ahead: another vehicle on a lane of the own path, a red
  stop line, the end of a dead-end lane, or a pedestrian/obstacle in the
  corridor in front;
* **lane changes** are decided by MOBIL every ``mobil_interval_s``
  (:mod:`gauntlet.agents.lane_change`).

What drivers react to besides each other (obstacles, held stop lines) is
declared in :mod:`gauntlet.agents.traffic_inputs`.
"""

from __future__ import annotations

import numpy as np

from gauntlet.agents.distance_keeping import DistanceKeeping, keeping_acceleration
from gauntlet.agents.idm import IdmParams, idm_acceleration
from gauntlet.agents.kernels import nearest_ahead, nearest_stop_line, pure_pursuit
from gauntlet.agents.lane_change import LaneEnds, mobil_choices
from gauntlet.agents.paths import PATH_DS, Chooser, LaneTable, Path, PathBank, build_path
from gauntlet.agents.profiles import CUBIC, Transitions
from gauntlet.agents.traffic_inputs import Obstacles, StopLines, corridor_gap
from gauntlet.maps.lanegraph import RoutingError

PATH_HORIZON_M = 1000.0
PATH_BEHIND_M = 30.0
EXTEND_WHEN_LEFT_M = 150.0
DEFAULT_SPEED_MPS = 13.9
SPEED_GAIN = 1.5
LANE_CHANGE_S = 4.0
YELLOW_STOP_DECEL_MPS2 = 3.0
#: A vehicle whose side reaches this far from its lane's centre occupies the neighbour lane, m.
NEIGHBOUR_REACH_M = 2.1
#: ... and it has left its own lane when its near side is this far from the centre, m.
OWN_LANE_LEFT_M = 1.9


class LaneDrivers:
    """The drivers of ``n`` vehicles (slots); ``actor[k]`` is slot k's actor index."""

    def __init__(
        self,
        table: LaneTable,
        actor: np.ndarray,
        paths: list[Path],
        start_s: np.ndarray,
        half_length: np.ndarray,
        half_width: np.ndarray,
        wheelbase: np.ndarray,
        rear_to_ref: np.ndarray,
        idm: IdmParams,
        desired_speed: np.ndarray,
        follow: np.ndarray,
        lane_changes: np.ndarray,
        obey_signals: np.ndarray,
        choose: Chooser,
        mobil_interval_s: float = 1.0,
    ) -> None:
        n = len(actor)
        self.table = table
        self.actor = np.asarray(actor, dtype=np.int64)
        self.paths = list(paths)
        self.bank = PathBank(self.paths, len(table))
        self.slots = np.arange(n)
        self.s = np.asarray(start_s, dtype=np.float64).copy()
        self.lateral = np.zeros(n)
        self.lane = np.zeros(n, np.int64)
        self.lane_s = np.zeros(n)
        self.heading_error = np.zeros(n)
        self.half_length = half_length
        self.half_width = half_width
        self.wheelbase = wheelbase
        self.rear_to_ref = rear_to_ref
        self.idm = idm
        self.desired_speed = desired_speed
        self.follow = follow
        self.lane_changes = lane_changes
        self.obey_signals = obey_signals
        self.choose = choose
        self.mobil_interval_s = mobil_interval_s
        self.route_plan: list[list[int]] = [[] for _ in range(n)]
        self.extend = np.ones(n, dtype=bool)
        self.horizon = np.full(n, PATH_HORIZON_M)
        self.offset = Transitions.empty(n)
        self.speed = Transitions.empty(n)
        self.keep = DistanceKeeping.empty(n)
        self.prev_lane = np.full(n, -1, np.int64)
        self.last_change_t = np.full(n, -np.inf)
        self.last_accel = np.zeros(n)
        self.gap = np.full(n, np.inf)
        self.leader_speed = np.zeros(n)
        self._next_mobil_t = 0.0
        self.lane_ends = LaneEnds(table)

    # ------------------------------------------------------------------ paths

    def set_route(self, slot: int, lanes: list[int], lane_s: float) -> None:
        """Make ``slot`` follow ``lanes`` from lane-frame ``lane_s`` on ``lanes[0]``."""
        self.route_plan[slot] = list(lanes[1:])
        self._rebuild(slot, lanes, lane_s)

    def _rebuild(self, slot: int, lanes: list[int], lane_s: float) -> None:
        path = build_path(
            self.table, lanes, lane_s, float(self.horizon[slot]), self.choose, PATH_BEHIND_M
        )
        self.paths[slot] = path
        self.bank.set(slot, path)
        self.s[slot] = min(lane_s, PATH_BEHIND_M)

    def _extend_paths(self) -> None:
        due = (self.bank.length - self.s < EXTEND_WHEN_LEFT_M) & self.extend & ~self.bank.complete
        if not due.any():
            return
        for slot in np.flatnonzero(due):
            lane = int(self.lane[slot])
            plan = self.route_plan[slot]
            if lane in plan:
                del plan[: plan.index(lane) + 1]
            self._rebuild(int(slot), [lane, *plan], float(self.lane_s[slot]))

    # ------------------------------------------------------------------ localisation

    def localise(
        self,
        x: np.ndarray,
        y: np.ndarray,
        h: np.ndarray,
        v: np.ndarray,
        dt: float,
        housekeeping: bool = True,
    ) -> None:
        """Project every slot's vehicle (actor arrays ``x, y, h, v``) onto its path.

        With ``housekeeping``, paths running short are extended (the world
        does this on behaviour-decision steps).
        """
        a = self.actor
        s, lat, i = self.bank.project(self.slots, self.s + v[a] * dt, x[a], y[a])
        self.s = s
        self.lateral = lat
        self.lane = self.bank.lane[i]
        self.lane_s = self.bank.lane_s[i] + (s - self.bank.s[i])
        self.heading_error = (h[a] - self.bank.heading[i] + np.pi) % (2 * np.pi) - np.pi
        if housekeeping:
            self._extend_paths()

    # ------------------------------------------------------------------ control

    def controls(
        self,
        t: float,
        x: np.ndarray,
        y: np.ndarray,
        h: np.ndarray,
        v: np.ndarray,
        obstacles: Obstacles,
        stops: StopLines,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Acceleration and steering commands for every slot."""
        a = self.actor
        xa, ya, ha, va = x[a], y[a], h[a], v[a]
        # Backing up (a negative target speed), a driver holds the wheel straight:
        # it reverses along its heading; pure pursuit only tracks a path ahead.
        steer = np.where(va < 0.0, 0.0, self._steer(t, xa, ya, ha, va))
        v_ref, a_ref = self._speed_reference(t, va)
        accel = a_ref + SPEED_GAIN * (v_ref - va)
        gap, lead_v = self._gaps(xa, ya, ha, va, obstacles, stops)
        self.gap, self.leader_speed = gap, lead_v
        idm = idm_acceleration(va, np.maximum(v_ref, 0.1), gap, va - lead_v, self.idm)
        free = ~self.speed.active
        # Car following looks ahead only: a driver told to reverse tracks its speed.
        follow = self.follow & (v_ref >= 0.0)
        accel = np.where(follow, np.where(free, idm, np.minimum(accel, idm)), accel)
        keeping = np.flatnonzero(self.keep.active)
        if len(keeping):
            accel[keeping] = keeping_acceleration(self.keep, keeping, a, x, y, h, v)
        self.last_accel = accel
        if t >= self._next_mobil_t:
            self._next_mobil_t = t + self.mobil_interval_s
            for slot, target in mobil_choices(self, t, va, v_ref, (xa, ya, ha), obstacles):
                self.change_lane(slot, target, t, LANE_CHANGE_S, CUBIC)
        return accel, steer

    def _steer(
        self, t: float, x: np.ndarray, y: np.ndarray, h: np.ndarray, v: np.ndarray
    ) -> np.ndarray:
        speed = np.abs(v)
        lookahead = np.clip(4.0 + 0.6 * speed, 5.0, 35.0)
        offset, _ = self.offset.value(t + lookahead / np.maximum(speed, 1.0))
        b = self.bank
        return pure_pursuit(
            b.first,
            b.last_segment,
            b.length,
            PATH_DS,
            b.s,
            b.x,
            b.y,
            b.heading,
            self.s,
            lookahead,
            offset,
            x,
            y,
            h,
            self.rear_to_ref,
            self.wheelbase,
        )

    def _speed_reference(self, t: float, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        limit = self.table.speed_limit[self.lane]
        default = np.where(np.isnan(self.desired_speed), limit, self.desired_speed)
        default = np.where(np.isnan(default), DEFAULT_SPEED_MPS, default)
        value, rate = self.speed.value(t)
        v_ref = np.where(self.speed.active, value, default)
        a_ref = np.where(self.speed.active, rate, 0.0)
        return v_ref, a_ref

    def occupants(self, v: np.ndarray) -> tuple[np.ndarray, ...]:
        """Lane occupants: every slot on its lane, and on its old lane while changing.

        A vehicle driving well off its path's lane (an ego passing on a neighbour
        lane, a wide lane offset) occupies the neighbour lane it reaches into, and
        no longer its own once it has left it.
        """
        changing = self.prev_lane >= 0
        reach = np.abs(self.lateral) + self.half_width
        wide = (reach > NEIGHBOUR_REACH_M) & ~changing
        if not wide.any():
            if not changing.any():
                return self.lane, self.lane_s, v, self.half_length, self.slots
            side, into, kept = self.lane, wide, ~wide
        else:
            side = np.where(
                self.lateral > 0, self.table.left[self.lane], self.table.right[self.lane]
            )
            into = wide & (side >= 0)
            kept = ~(into & (reach - 2.0 * self.half_width > OWN_LANE_LEFT_M))
        extra = np.concatenate((np.flatnonzero(changing), np.flatnonzero(into)))
        lane = np.concatenate((self.lane[kept], self.prev_lane[changing], side[into]))
        lane_s = np.concatenate((self.lane_s[kept], self.lane_s[extra]))
        speed = np.concatenate((v[kept], v[extra]))
        half = np.concatenate((self.half_length[kept], self.half_length[extra]))
        owner = np.concatenate((self.slots[kept], self.slots[extra]))
        return lane, lane_s, speed, half, owner

    def _gaps(
        self,
        x: np.ndarray,
        y: np.ndarray,
        h: np.ndarray,
        v: np.ndarray,
        obstacles: Obstacles,
        stops: StopLines,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Gap to the nearest thing ahead and its speed: a vehicle on a lane of the
        own path, a holding stop line, the end of a dead-end path, or an obstacle
        in the corridor in front."""
        lane, lane_s, speed, half, owner = self.occupants(v)
        entry = self.bank.entry
        best, lead_v = nearest_ahead(
            entry, self.s, self.half_length, lane, lane_s, speed, half, owner
        )
        blockers = []
        if len(stops.lane):
            blockers.append(
                nearest_stop_line(
                    entry,
                    self.s,
                    self.half_length,
                    v,
                    self.obey_signals,
                    stops.lane,
                    stops.lane_s,
                    stops.yellow,
                    YELLOW_STOP_DECEL_MPS2,
                )
            )
        if self.bank.complete.any():
            blockers.append(
                np.where(
                    self.bank.complete,
                    np.maximum(self.bank.length - self.s - self.half_length, 0.0),
                    np.inf,
                )
            )
        if len(obstacles.actor):
            blockers.append(
                corridor_gap(
                    (x, y, h), (self.half_length, self.half_width), self.actor, obstacles, v
                )
            )
        for gap in blockers:
            closer = gap < best
            best = np.where(closer, gap, best)
            lead_v = np.where(closer, 0.0, lead_v)
        return best, lead_v

    # ------------------------------------------------------------------ lane changes

    def change_lane(
        self, slot: int, target_lane: int, t: float, duration_s: float, shape: int
    ) -> None:
        """Start a lane change of ``slot`` onto ``target_lane`` (a lane index).

        The driver's path moves to the target lane at once; its lateral offset
        starts where the vehicle is (seen from the new lane) and goes to zero
        along the transition ``shape`` over ``duration_s``.
        """
        here = np.array([slot])
        old_x, old_y, _ = self.bank.sample(here, self.s[slot : slot + 1])  # old centre line
        old_lane, old_lateral = int(self.lane[slot]), float(self.lateral[slot])
        lanes = self._replan(target_lane, self.route_plan[slot])
        self.route_plan[slot] = lanes[1:]
        self._rebuild(slot, lanes, float(self.lane_s[slot]))
        _, centre_offset, _ = self.bank.project(here, self.s[slot : slot + 1], old_x, old_y)
        self.offset.set(slot, float(centre_offset[0]) + old_lateral, 0.0, t, duration_s, shape)
        self.prev_lane[slot] = old_lane
        self.last_change_t[slot] = t

    def _replan(self, start: int, plan: list[int]) -> list[int]:
        """Lanes from ``start`` to the end of the current route plan (just ``start`` without one)."""
        if not plan:
            return [start]
        keys = self.table.keys
        try:
            route = self.table.network.route(keys[start], keys[plan[-1]])
        except RoutingError:  # no way from here to the destination: drive on without it
            return [start]
        return [self.table.index[k] for k in route if k in self.table.index] or [start]

    def set_offset(
        self, slot: int, offset_m: float, t: float, duration_s: float, shape: int
    ) -> None:
        """Drift to a lateral offset from the lane centre."""
        value, _ = self.offset.value(t)
        current = float(value[slot]) if self.offset.active[slot] else 0.0
        self.offset.set(slot, current, offset_m, t, duration_s, shape)

    def finish_lane_changes(self, t: float) -> None:
        """Retire finished transitions.

        A lane change releases its old lane; an offset transition back to the
        centre line ends; a finished speed transition leaves its end value as
        the desired speed.
        """
        over = t >= self.offset.t0 + self.offset.duration
        self.prev_lane[(self.prev_lane >= 0) & over] = -1
        self.offset.active &= ~(over & (self.offset.end == 0.0))
        done = self.speed.active & (t >= self.speed.t0 + self.speed.duration)
        if done.any():
            self.desired_speed[done] = self.speed.end[done]
            self.speed.active[done] = False
