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

import math
from typing import Literal

import numpy as np

from gauntlet.agents.idm import idm_formula
from gauntlet.agents.kernels import nearest_on_route
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
        self._route_x = np.ascontiguousarray(info.route_xy[:, 0])
        self._route_y = np.ascontiguousarray(info.route_xy[:, 1])

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
            _, _, h_path = self._route_point(obs.route_s + 0.5 * wheelbase)
            heading_error = np.angle(np.exp(1j * (h_path - e.heading_rad)))
            steer = heading_error + np.arctan2(-1.5 * obs.route_lateral_m, max(e.speed_mps, 1.0))
        else:
            lookahead = min(max(4.0 + 0.6 * e.speed_mps, 5.0), 35.0)
            tx, ty, _ = self._route_point(obs.route_s + lookahead)
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
        # The end of the route is a place to stop, not to drive off.
        route_end = (
            float(self.info.route_s[-1]) - obs.route_s - 0.5 * e.length_m if self.info else np.inf
        )
        if route_end < best_gap:
            best_gap, best_v = max(route_end, 0.0), 0.0
        sig = obs.signal
        if sig is not None and sig.distance_m > -0.5:
            need = e.speed_mps**2 / (2.0 * max(sig.distance_m, 0.1))
            holds = sig.state == "red" or (sig.state == "yellow" and need < self.comfort_decel_mps2)
            if holds and sig.distance_m < best_gap:
                best_gap, best_v = max(sig.distance_m, 0.0), 0.0
        return best_gap, best_v

    def _corridor(self, obs: Observation) -> tuple[float, float]:
        """Nearest object now in the route corridor, or crossing into it in time."""
        info = self.info
        assert info is not None
        e, objs = obs.ego, obs.objects
        c, s = math.cos(e.heading_rad), math.sin(e.heading_rad)
        lon = (objs.xy[:, 0] - e.x_m) * c + (objs.xy[:, 1] - e.y_m) * s
        k = np.flatnonzero((lon > -e.length_m) & (lon < LOOKAHEAD_RANGE_M))
        if not len(k):
            return np.inf, 0.0
        lo = int(np.searchsorted(info.route_s, obs.route_s - 5.0))
        hi = int(np.searchsorted(info.route_s, obs.route_s + LOOKAHEAD_RANGE_M + 10.0))
        if hi - lo < 2:
            return np.inf, 0.0
        return nearest_on_route(
            info.route_s,
            self._route_x,
            self._route_y,
            info.route_heading,
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
            objs.length[k],
            objs.width[k],
        )

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
        dv = v - v_lead
        acc = float(
            idm_formula(
                v, v0, gap, dv, a_max, self.comfort_decel_mps2, self.time_gap_s, self.min_gap_m, 4.0
            )
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
