"""The ``reference`` stack: route following, ACC, AEB and traffic-light stopping.

It works from the ground-truth object list and the route given at reset:

* **lateral** — pure pursuit (default) or Stanley on the route polyline;
* **longitudinal** — IDM-style adaptive cruise control towards the nearest
  obstacle in the route corridor (other road users now in the corridor, or
  predicted to be in it when the ego arrives, and red stop lines), capped by
  the lane's speed limit and ``cruise_speed_mps``;
* **AEB** — full braking when the time to collision with an in-path object
  falls below ``aeb_ttc_s`` or the deceleration needed to stop exceeds
  ``aeb_decel_mps2``.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from gauntlet.agents.stack import Control, EpisodeInfo, Observation

CORRIDOR_MARGIN_M = 0.4
LOOKAHEAD_RANGE_M = 150.0


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
        self.info: EpisodeInfo | None = None
        self.aeb_active = False

    def reset(self, info: EpisodeInfo) -> None:
        self.info = info
        self.aeb_active = False

    # ------------------------------------------------------------------ route helpers

    def _route_point(self, s: float) -> tuple[float, float, float]:
        info = self.info
        assert info is not None  # reset() comes first by contract
        s = float(np.clip(s, info.route_s[0], info.route_s[-1]))
        x = float(np.interp(s, info.route_s, info.route_xy[:, 0]))
        y = float(np.interp(s, info.route_s, info.route_xy[:, 1]))
        k = int(np.clip(np.searchsorted(info.route_s, s) - 1, 0, len(info.route_s) - 1))
        return x, y, float(info.route_heading[k])

    # ------------------------------------------------------------------ control

    def step(self, obs: Observation) -> Control:
        steer = self._steer(obs)
        accel = self._longitudinal(obs)
        return Control(accel_mps2=accel, steer_rad=steer)

    def _steer(self, obs: Observation) -> float:
        e = obs.ego
        info = self.info
        assert info is not None
        wheelbase = max(e.wheelbase_m, 0.5)
        if self.lateral == "stanley":
            fx = e.x_m + 0.5 * wheelbase * np.cos(e.heading_rad)
            fy = e.y_m + 0.5 * wheelbase * np.sin(e.heading_rad)
            _, _, h_path = self._route_point(obs.route_s + 0.5 * wheelbase)
            heading_error = np.angle(np.exp(1j * (h_path - e.heading_rad)))
            steer = heading_error + np.arctan2(-1.5 * obs.route_lateral_m, max(e.speed_mps, 1.0))
            del fx, fy
        else:
            lookahead = float(np.clip(4.0 + 0.6 * e.speed_mps, 5.0, 35.0))
            tx, ty, _ = self._route_point(obs.route_s + lookahead)
            c, s = np.cos(e.heading_rad), np.sin(e.heading_rad)
            rx = e.x_m - 0.5 * wheelbase * c
            ry = e.y_m - 0.5 * wheelbase * s
            dx, dy = tx - rx, ty - ry
            lx, ly = dx * c + dy * s, -dx * s + dy * c
            steer = np.arctan2(2.0 * wheelbase * ly, lx * lx + ly * ly)
        return float(np.clip(steer, -info.max_steer_rad, info.max_steer_rad))

    def _obstacle_ahead(self, obs: Observation) -> tuple[float, float]:
        """Gap to the nearest obstacle in the corridor and its speed along the route."""
        e = obs.ego
        objs = obs.objects
        best_gap, best_v = np.inf, 0.0
        if len(objs):
            c, s = np.cos(e.heading_rad), np.sin(e.heading_rad)
            dx = objs.xy[:, 0] - e.x_m
            dy = objs.xy[:, 1] - e.y_m
            lon = dx * c + dy * s
            cand = np.flatnonzero((lon > -2.0) & (lon < LOOKAHEAD_RANGE_M) & (np.hypot(dx, dy) < LOOKAHEAD_RANGE_M))
            for k in cand:
                gap, v_along = self._in_corridor(obs, k)
                if gap < best_gap:
                    best_gap, best_v = gap, v_along
        sig = obs.signal
        if sig is not None and sig.distance_m > -0.5:
            need = e.speed_mps**2 / (2.0 * max(sig.distance_m, 0.1))
            if sig.state == "red" or (sig.state == "yellow" and need < self.comfort_decel_mps2):
                if sig.distance_m < best_gap:
                    best_gap, best_v = max(sig.distance_m, 0.0), 0.0
        return best_gap, best_v

    def _in_corridor(self, obs: Observation, k: int) -> tuple[float, float]:
        info = self.info
        assert info is not None
        e, objs = obs.ego, obs.objects
        lo = np.searchsorted(info.route_s, obs.route_s - 5.0)
        hi = np.searchsorted(info.route_s, obs.route_s + LOOKAHEAD_RANGE_M + 10.0)
        pts = info.route_xy[lo:hi]
        if len(pts) < 2:
            return np.inf, 0.0
        d2 = (pts[:, 0] - objs.xy[k, 0]) ** 2 + (pts[:, 1] - objs.xy[k, 1]) ** 2
        j = int(np.argmin(d2))
        h = info.route_heading[lo + j]
        c, s = np.cos(h), np.sin(h)
        rel = objs.xy[k] - pts[j]
        along = info.route_s[lo + j] + rel[0] * c + rel[1] * s - obs.route_s
        lat = -rel[0] * s + rel[1] * c
        v = objs.velocity[k]
        v_along = v[0] * c + v[1] * s
        v_lat = -v[0] * s + v[1] * c
        half = 0.5 * e.width_m + 0.5 * max(objs.width[k], objs.length[k] if objs.types[k] == "pedestrian" else objs.width[k]) + CORRIDOR_MARGIN_M
        extent = 0.5 * (objs.length[k] if abs(np.angle(np.exp(1j * (objs.heading[k] - h)))) < np.pi / 4 else objs.width[k])
        gap = along - 0.5 * e.length_m - extent
        if gap < -e.length_m:
            return np.inf, 0.0
        if abs(lat) <= half:
            return max(gap, 0.0), v_along
        # Crossing prediction: will it be in the corridor when the ego gets there?
        if lat * v_lat < 0 and abs(v_lat) > 0.2:
            t_in = (abs(lat) - half) / abs(v_lat)
            t_out = (abs(lat) + half) / abs(v_lat)
            closing = max(e.speed_mps - v_along, 0.1)
            t_arrive = max(gap, 0.0) / closing
            t_leave = (max(gap, 0.0) + e.length_m + 2 * extent) / closing
            if t_in < t_leave + 0.5 and t_out > t_arrive - 0.5 and t_in < 6.0:
                return max(gap, 0.0), v_along
        return np.inf, 0.0

    def _longitudinal(self, obs: Observation) -> float:
        info = self.info
        assert info is not None
        e = obs.ego
        v = max(e.speed_mps, 0.0)
        v0 = obs.speed_limit_mps
        if self.cruise_speed_mps is not None:
            v0 = min(v0, self.cruise_speed_mps)
        v0 = max(v0, 0.1)
        a_max = info.max_accel_mps2
        gap, v_lead = self._obstacle_ahead(obs)
        free = a_max * (1.0 - (v / v0) ** 4)
        if not np.isfinite(gap):
            self.aeb_active = False
            return float(np.clip(free, -info.max_decel_mps2, a_max))
        dv = v - v_lead
        s_star = self.min_gap_m + max(0.0, v * self.time_gap_s + v * dv / (2.0 * np.sqrt(a_max * self.comfort_decel_mps2)))
        acc = a_max * (1.0 - (v / v0) ** 4 - (s_star / max(gap, 0.1)) ** 2)
        closing = dv
        ttc = gap / closing if closing > 1e-3 else np.inf
        # Braking needed to stop (or match the leader's speed) within the gap, keeping 1 m.
        need = closing**2 / (2.0 * max(gap - 1.0, 0.1)) if closing > 0 else 0.0
        if ttc < self.aeb_ttc_s or need > self.aeb_decel_mps2 or (self.aeb_active and v > 0.1 and closing > 0):
            self.aeb_active = True
            return -info.max_decel_mps2
        self.aeb_active = False
        if v < 0.2 and gap < self.min_gap_m:
            return -info.max_decel_mps2
        return float(np.clip(acc, -info.max_decel_mps2, a_max))
