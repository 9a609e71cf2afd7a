"""``MyStack``: lane keeping on the route and a constant-time-gap follower.

* lateral: pure pursuit on the route polyline (``EpisodeInfo.route_xy``),
  lookahead ``max(min_lookahead_m, lookahead_time_s * v)``;
* longitudinal: the speed limit (capped by ``cruise_speed_mps``), or, behind
  the nearest object in the ego's lane corridor, the speed that restores a
  gap of ``min_gap_m + time_gap_s * v`` at ``gap_gain`` per second;
  acceleration is proportional to the speed error and clipped to the ego's
  limits.

Units are SI throughout: metres, seconds, radians.
"""

from __future__ import annotations

import math

import numpy as np

from gauntlet.agents.stack import Control, EpisodeInfo, Observation


class MyStack:
    """A small but complete stack; parameters come from the scenario's ``ego.params``.

    Args:
        cruise_speed_mps: Highest speed it drives, m/s.
        time_gap_s: Time gap kept behind a leader, s.
        min_gap_m: Gap kept at standstill, m.
        gap_gain: How fast a gap error turns into a speed change, 1/s.
        speed_gain: Acceleration per m/s of speed error, 1/s.
        lookahead_time_s: Pure-pursuit lookahead per m/s of speed, s.
        min_lookahead_m: Shortest lookahead, m.
    """

    def __init__(
        self,
        cruise_speed_mps: float = 30.0,
        time_gap_s: float = 1.8,
        min_gap_m: float = 4.0,
        gap_gain: float = 0.4,
        speed_gain: float = 0.8,
        lookahead_time_s: float = 0.8,
        min_lookahead_m: float = 6.0,
    ) -> None:
        self.cruise_speed_mps = cruise_speed_mps
        self.time_gap_s = time_gap_s
        self.min_gap_m = min_gap_m
        self.gap_gain = gap_gain
        self.speed_gain = speed_gain
        self.lookahead_time_s = lookahead_time_s
        self.min_lookahead_m = min_lookahead_m
        self.info: EpisodeInfo | None = None

    def reset(self, info: EpisodeInfo) -> None:
        """Keep the route and the ego's limits."""
        self.info = info

    def step(self, obs: Observation) -> Control:
        """One decision: steer towards the lookahead point, accelerate towards the wanted speed."""
        info = self.info
        assert info is not None, "reset() comes first"
        ego = obs.ego
        v = ego.speed_mps
        # Lateral: pure pursuit on the route.
        s_target = obs.route_s + max(self.min_lookahead_m, self.lookahead_time_s * v)
        k = int(np.clip(np.searchsorted(info.route_s, s_target), 0, len(info.route_s) - 1))
        dx, dy = info.route_xy[k, 0] - ego.x_m, info.route_xy[k, 1] - ego.y_m
        c, s = math.cos(ego.heading_rad), math.sin(ego.heading_rad)
        ahead, left = c * dx + s * dy, -s * dx + c * dy
        steer = math.atan2(2.0 * ego.wheelbase_m * left, max(ahead * ahead + left * left, 1e-6))
        steer = max(-info.max_steer_rad, min(info.max_steer_rad, steer))
        # Longitudinal: speed limit, or the gap to the leader in the lane corridor.
        wanted = min(self.cruise_speed_mps, obs.speed_limit_mps)
        gap, lead_speed = self._leader(obs)
        if gap is not None:
            desired_gap = self.min_gap_m + self.time_gap_s * v
            wanted = min(wanted, max(0.0, lead_speed + self.gap_gain * (gap - desired_gap)))
        accel = self.speed_gain * (wanted - v)
        accel = max(-info.max_decel_mps2, min(info.max_accel_mps2, accel))
        return Control(accel_mps2=accel, steer_rad=steer)

    def _leader(self, obs: Observation) -> tuple[float | None, float]:
        """Bumper-to-bumper gap (m) and speed along the ego's heading (m/s) of the nearest leader."""
        objects, ego = obs.objects, obs.ego
        if len(objects) == 0:
            return None, 0.0
        c, s = math.cos(ego.heading_rad), math.sin(ego.heading_rad)
        rel = objects.xy - np.array([ego.x_m, ego.y_m])
        ahead = rel @ np.array([c, s])
        side = rel @ np.array([-s, c])
        half_lane = 1.75
        mask = (ahead > 0.0) & (np.abs(side) < half_lane + objects.width / 2.0)
        if not mask.any():
            return None, 0.0
        i = int(np.flatnonzero(mask)[np.argmin(ahead[mask])])
        gap = float(ahead[i] - ego.length_m / 2.0 - objects.length[i] / 2.0)
        speed = float(objects.velocity[i] @ np.array([c, s]))
        return gap, speed
