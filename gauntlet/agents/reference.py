"""The ``reference`` stack: route following, ACC, AEB and traffic-light stopping.

It works from the ground-truth object list and the route given at reset:

* **lateral** — pure pursuit (default) or Stanley on the route polyline;
* **longitudinal** — IDM-style adaptive cruise control towards the nearest
  obstacle in the route corridor (other road users now in the corridor, or
  predicted to be in it when the ego arrives - drifting or turning into it,
  judged along the route's bends: :mod:`gauntlet.agents.route_conflict` -
  and red stop lines), capped by the lane's speed limit and
  ``cruise_speed_mps``;
* **AEB** — full braking when the time to collision with an in-path object
  falls below ``aeb_ttc_s`` or the deceleration needed to stop exceeds
  ``aeb_decel_mps2``;
* **speed limits ahead** — braking at ``limit_decel_mps2`` so that the ego
  enters a lower limit on its route at that limit;
* **passing** (``passing=True``) — leaving its route's lane for a neighbour
  lane to pass slow traffic or a closed lane, and going back
  (:mod:`gauntlet.agents.passing`);
* **V2X** (only when the observation carries a radio inbox) — objects from
  BSMs and CPMs join the object list; SPaT and MAP give the next signal before
  it is in sight (a red or stoppable yellow holds the ego; a red that turns
  green soon gets green-light optimal speed advice instead of a stop); hazard
  warnings on the route are approached as stationary obstacles; an emergency
  vehicle coming up from behind makes the ego pull over to the right and slow
  down (:mod:`gauntlet.agents.cooperative`).
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Literal

import numpy as np

from gauntlet.agents.cooperative import CooperativeAwareness, CooperativeControl
from gauntlet.agents.idm import idm_scalar
from gauntlet.agents.passing import PassingPlanner
from gauntlet.agents.route_conflict import object_frame, object_motion, route_conflict
from gauntlet.agents.stack import Control, EpisodeInfo, Observation

CORRIDOR_MARGIN_M = 0.4
LOOKAHEAD_RANGE_M = 150.0
#: How far ahead lower speed limits are looked for, m.
LIMIT_LOOKAHEAD_M = 400.0
#: The ego's centre is at the lower limit this far before the limit starts, m.
LIMIT_MARGIN_M = 3.0
#: Shortest time over which an object's turning and acceleration are measured, s.
TURN_WINDOW_S = 0.3
#: Largest path curvature an object is credited with, 1/m (a 5 m radius).
MAX_TURN_PER_M = 0.2
#: Largest acceleration (either sign) an object is credited with, m/s^2.
MAX_ACCEL_MPS2 = 4.0


class ReferenceStack:
    """A rule-based driving stack on ground truth; the yardstick for the library.

    Args:
        lateral: ``"pure_pursuit"`` or ``"stanley"``.
        cruise_speed_mps: Largest speed; default the lane's speed limit.
        time_gap_s: ACC time gap.
        min_gap_m: ACC standstill gap.
        comfort_decel_mps2: ACC comfortable deceleration.
        aeb_ttc_s: TTC below which AEB brakes fully.
        aeb_decel_mps2: Needed deceleration above which AEB brakes fully.
        limit_decel_mps2: Braking for a lower speed limit ahead (0: none).
        passing: Pass slow traffic and closed lanes in a neighbour lane.
        v2x: Use V2X messages when the observation carries a radio inbox.
        v2x_max_age_s: Age after which BSMs, CPMs and SPaT are forgotten.
        glosa: Follow green-light speed advice instead of stopping at a red that turns green.
        emergency_speed_mps: Speed cap while an emergency vehicle approaches from behind.
    """

    def __init__(
        self,
        lateral: Literal["pure_pursuit", "stanley"] = "pure_pursuit",
        cruise_speed_mps: float | None = None,
        time_gap_s: float = 1.8,
        min_gap_m: float = 3.0,
        comfort_decel_mps2: float = 3.0,
        aeb_ttc_s: float = 1.5,
        aeb_decel_mps2: float = 5.0,
        limit_decel_mps2: float = 1.5,
        passing: bool = False,
        v2x: bool = True,
        v2x_max_age_s: float = 1.0,
        glosa: bool = True,
        emergency_speed_mps: float = 5.0,
    ) -> None:
        if lateral not in ("pure_pursuit", "stanley"):
            raise ValueError(f"lateral must be 'pure_pursuit' or 'stanley', got {lateral!r}")
        self.lateral = lateral
        self.cruise_speed_mps = cruise_speed_mps
        self.time_gap_s = time_gap_s
        self.min_gap_m = min_gap_m
        self.comfort_decel_mps2 = comfort_decel_mps2
        self.aeb_ttc_s = aeb_ttc_s
        self.aeb_decel_mps2 = aeb_decel_mps2
        self.limit_decel_mps2 = limit_decel_mps2
        self.passing = passing
        self.v2x = v2x
        self.v2x_max_age_s = v2x_max_age_s
        self.glosa = glosa
        self.emergency_speed_mps = emergency_speed_mps
        self.planner: PassingPlanner | None = None
        self.info: EpisodeInfo | None = None
        self.aeb_active = False

    def reset(self, info: EpisodeInfo) -> None:
        self.info = info
        self.aeb_active = False
        self._route_x = np.ascontiguousarray(info.route_xy[:, 0])
        self._route_y = np.ascontiguousarray(info.route_xy[:, 1])
        self._limit_drops = _limit_drops(info)
        self._limit_braking_on = False
        self._frames: list[tuple[float, np.ndarray, np.ndarray, np.ndarray]] = []
        self._coop = CooperativeAwareness(info, self.v2x_max_age_s)
        self._cc = CooperativeControl(self.comfort_decel_mps2, self.glosa)
        self.planner = (
            PassingPlanner(
                info,
                time_gap_s=self.time_gap_s,
                min_gap_m=self.min_gap_m,
                comfort_decel_mps2=self.comfort_decel_mps2,
            )
            if self.passing
            else None
        )

    # ------------------------------------------------------------------ route helpers

    def _route_point(self, s: float) -> tuple[float, float, float]:
        info = self.info
        assert info is not None  # reset() comes first by contract
        rs = info.route_s
        s = min(max(s, float(rs[0])), float(rs[-1]))
        k = min(int(np.searchsorted(rs, s, side="right")) - 1, len(rs) - 2)
        k = max(k, 0)
        s0, s1 = float(rs[k]), float(rs[k + 1])
        f = (s - s0) / (s1 - s0) if s1 > s0 else 0.0
        x0, y0 = info.route_xy[k]
        x1, y1 = info.route_xy[k + 1]
        return float(x0 + (x1 - x0) * f), float(y0 + (y1 - y0) * f), float(info.route_heading[k])

    def _offset(self, s: float) -> float:
        """Lateral offset of the driven line from the route at route ``s`` (passing)."""
        offset = self.planner.offset(s) if self.planner is not None else 0.0
        return offset + self._cc.pull_over_offset if self._cc.pull_over_offset else offset

    # ------------------------------------------------------------------ control

    def step(self, obs: Observation) -> Control:
        if self.v2x:
            self._coop.update(obs)
            if self._coop.active:
                obs = replace(obs, objects=self._coop.objects(obs))
                if self._cc.update(self._coop, obs, self.info):
                    self._route_x, self._route_y = self._cc.shifted_route(self.info)
        steer = self._steer(obs)
        accel = self._longitudinal(obs)
        return Control(accel_mps2=accel, steer_rad=steer)

    def _steer(self, obs: Observation) -> float:
        e = obs.ego
        info = self.info
        assert info is not None
        wheelbase = max(e.wheelbase_m, 0.5)
        if self.lateral == "stanley":
            _, _, h_path = self._route_point(obs.route_s + 0.5 * wheelbase)
            heading_error = np.angle(np.exp(1j * (h_path - e.heading_rad)))
            lateral = obs.route_lateral_m - self._offset(obs.route_s)
            steer = heading_error + np.arctan2(-1.5 * lateral, max(e.speed_mps, 1.0))
        else:
            lookahead = min(max(4.0 + 0.6 * e.speed_mps, 5.0), 35.0)
            tx, ty, th = self._route_point(obs.route_s + lookahead)
            offset = self._offset(obs.route_s + lookahead)
            if offset:
                tx, ty = tx - offset * math.sin(th), ty + offset * math.cos(th)
            c, s = math.cos(e.heading_rad), math.sin(e.heading_rad)
            rx = e.x_m - 0.5 * wheelbase * c
            ry = e.y_m - 0.5 * wheelbase * s
            dx, dy = tx - rx, ty - ry
            lx, ly = dx * c + dy * s, -dx * s + dy * c
            steer = float(np.arctan2(2.0 * wheelbase * ly, lx * lx + ly * ly))
        return float(min(max(steer, -info.max_steer_rad), info.max_steer_rad))

    def _obstacle_ahead(self, obs: Observation) -> tuple[float, float]:
        """Gap to the nearest obstacle in the corridor and its speed along the route."""
        e = obs.ego
        best_gap, best_v = np.inf, 0.0
        if len(obs.objects):
            best_gap, best_v = self._corridor(obs)
        else:
            self._frames = []
        # The end of the route is a place to stop, not to drive off.
        route_end = (
            float(self.info.route_s[-1]) - obs.route_s - 0.5 * e.length_m if self.info else np.inf
        )
        if self.planner is not None:
            # A neighbour lane that ends is a place to stop too, if the way back is shut.
            route_end = min(route_end, self.planner.end_gap(obs.route_s, 0.5 * e.length_m))
        if route_end < best_gap:
            best_gap, best_v = max(route_end, 0.0), 0.0
        sig = obs.signal
        if self._cc.signal is not None:
            v2x_gap = self._cc.stop_gap()
            if v2x_gap < best_gap:
                best_gap, best_v = v2x_gap, 0.0
            if sig is not None and sig.signal_id == self._cc.signal.signal_id:
                sig = None  # SPaT, with its timing, decides for this light
        if sig is not None and sig.distance_m > -0.5:
            need = e.speed_mps**2 / (2.0 * max(sig.distance_m, 0.1))
            holds = sig.state == "red" or (sig.state == "yellow" and need < self.comfort_decel_mps2)
            if holds and sig.distance_m < best_gap:
                best_gap, best_v = max(sig.distance_m, 0.0), 0.0
        return best_gap, best_v

    def _corridor(self, obs: Observation) -> tuple[float, float]:
        """Bumper gap (m) to, and speed along the route (m/s) of, the nearest object in the path."""
        info = self.info
        assert info is not None
        e, objs = obs.ego, obs.objects
        turn, accel = self._motion(obs)
        c, s = math.cos(e.heading_rad), math.sin(e.heading_rad)
        lon = (objs.xy[:, 0] - e.x_m) * c + (objs.xy[:, 1] - e.y_m) * s
        k = np.flatnonzero((lon > -e.length_m) & (lon < LOOKAHEAD_RANGE_M))
        if not len(k):
            return np.inf, 0.0
        lo = int(np.searchsorted(info.route_s, obs.route_s - 5.0))
        hi = int(np.searchsorted(info.route_s, obs.route_s + LOOKAHEAD_RANGE_M + 10.0))
        if hi - lo < 2:
            return np.inf, 0.0
        route_s, route_h = info.route_s, info.route_heading
        route_x, route_y = self._route_x, self._route_y
        if self.planner is not None:
            # The corridor follows the line the ego drives, passing offsets included.
            route_x, route_y = self.planner.driven_line(route_x, route_y, lo, hi)
            route_s, route_h = route_s[lo:hi], route_h[lo:hi]
            lo, hi = 0, hi - lo
        return route_conflict(
            route_s,
            route_x,
            route_y,
            route_h,
            lo,
            hi,
            obs.route_s,
            e.speed_mps,
            e.length_m,
            e.width_m,
            CORRIDOR_MARGIN_M,
            objs.xy[k, 0],
            objs.xy[k, 1],
            objs.velocity[k, 0],
            objs.velocity[k, 1],
            objs.heading[k],
            turn[k],
            accel[k],
            objs.length[k],
            objs.width[k],
        )

    def _motion(self, obs: Observation) -> tuple[np.ndarray, np.ndarray]:
        """Path curvature (1/m, left positive) and acceleration (m/s^2) of every object.

        Both come from the object's heading and speed in the newest earlier
        object list at least ``TURN_WINDOW_S`` old (:func:`object_motion`;
        NaN curvature and 0 acceleration where unknown).
        """
        objs, now = obs.objects, obs.time_s
        ids, heading, speed_sorted, speed = object_frame(
            objs.ids, objs.heading, objs.velocity[:, 0], objs.velocity[:, 1]
        )
        frames = self._frames
        frames.append((now, ids, heading, speed_sorted))
        while len(frames) > 2 and now - frames[1][0] >= TURN_WINDOW_S - 1e-9:
            frames.pop(0)
        t0, ids0, heading0, speed0 = frames[0]
        if now - t0 < TURN_WINDOW_S - 1e-9:
            return np.full(len(speed), np.nan), np.zeros(len(speed))
        return object_motion(
            objs.ids,
            objs.heading,
            speed,
            ids0,
            heading0,
            speed0,
            now - t0,
            MAX_TURN_PER_M,
            MAX_ACCEL_MPS2,
        )

    def _longitudinal(self, obs: Observation) -> float:
        info = self.info
        assert info is not None
        e = obs.ego
        v = max(e.speed_mps, 0.0)
        v0 = obs.speed_limit_mps
        if self.cruise_speed_mps is not None:
            v0 = min(v0, self.cruise_speed_mps)
        if self._cc.slow_down:
            v0 = min(v0, self.emergency_speed_mps)
        v0 = max(min(v0, self._limit_speed_cap(obs.route_s)), 0.1)
        a_max = info.max_accel_mps2
        if self.planner is not None:
            self.planner.update(obs, v0)
        gap, v_lead = self._obstacle_ahead(obs)
        dv = v - v_lead
        acc = float(
            idm_scalar(
                v, v0, gap, dv, a_max, self.comfort_decel_mps2, self.time_gap_s, self.min_gap_m, 4.0
            )
        )
        acc = min(acc, self._limit_braking(obs.route_s, v))
        if self._coop.active:
            acc = min(
                acc, self._cc.accel_cap(self._coop, obs, v0, a_max, self.time_gap_s, self.min_gap_m)
            )
        if not np.isfinite(gap):
            self.aeb_active = False
            return float(min(max(acc, -info.max_decel_mps2), a_max))
        closing = dv
        ttc = gap / closing if closing > 1e-3 else np.inf
        # Braking needed to stop (or match the leader's speed) within the gap, keeping 1 m.
        need = closing**2 / (2.0 * max(gap - 1.0, 0.1)) if closing > 0 else 0.0
        if (
            ttc < self.aeb_ttc_s
            or need > self.aeb_decel_mps2
            or (self.aeb_active and v > 0.1 and closing > 0)
        ):
            self.aeb_active = True
            return -info.max_decel_mps2
        self.aeb_active = False
        if v < 0.2 and gap < self.min_gap_m:
            return -info.max_decel_mps2
        return float(min(max(acc, -info.max_decel_mps2), a_max))

    def _limit_speed_cap(self, route_s: float) -> float:
        """Highest speed from which braking at ``limit_decel_mps2`` meets every lower limit ahead."""
        drops_s, drops_v = self._limit_drops
        if not len(drops_s) or self.limit_decel_mps2 <= 0:
            return np.inf
        k = int(np.searchsorted(drops_s, route_s + LIMIT_MARGIN_M))
        cap = np.inf
        while k < len(drops_s) and drops_s[k] - route_s < LIMIT_LOOKAHEAD_M:
            distance = max(drops_s[k] - route_s - LIMIT_MARGIN_M, 0.0)
            cap = min(cap, math.sqrt(drops_v[k] ** 2 + 2.0 * self.limit_decel_mps2 * distance))
            k += 1
        return cap

    def _limit_braking(self, route_s: float, v: float) -> float:
        """Acceleration that meets the lowest speed limit ahead at its start (inf: none needed).

        Braking starts once meeting a lower limit takes ``limit_decel_mps2``, and
        then holds the deceleration that meets it exactly.
        """
        drops_s, drops_v = self._limit_drops
        if not len(drops_s) or self.limit_decel_mps2 <= 0:
            return np.inf
        k = int(np.searchsorted(drops_s, route_s + LIMIT_MARGIN_M))
        need = 0.0
        while k < len(drops_s) and drops_s[k] - route_s < LIMIT_LOOKAHEAD_M:
            if v > drops_v[k]:
                distance = max(drops_s[k] - route_s - LIMIT_MARGIN_M, 0.1)
                need = max(need, (v * v - drops_v[k] ** 2) / (2.0 * distance))
            k += 1
        # Once braking, keep on until the limit is met: no on-off chatter at the threshold.
        self._limit_braking_on = (
            need >= (0.3 if self._limit_braking_on else 1.0) * self.limit_decel_mps2
        )
        return -need if self._limit_braking_on else np.inf


def _limit_drops(info: EpisodeInfo) -> tuple[np.ndarray, np.ndarray]:
    """Route ``s`` and value of every place where the speed limit on the route falls."""
    limits = info.route_speed_limit_mps
    if limits is None or len(limits) < 2:
        return np.zeros(0), np.zeros(0)
    k = np.flatnonzero(limits[1:] < limits[:-1] - 1e-9) + 1
    return info.route_s[k], limits[k]
