"""Reward of the driving environments: a weighted sum of terms, each reported in ``info``.

Every term is computed from the world after a step; ``info["reward_terms"]``
holds each one, already weighted, and the reward is their sum:

==============  ======================================================================
term            value per step
==============  ======================================================================
``progress``    ``progress_per_m`` × metres advanced along the route (negative backwards)
``collision``   ``collision`` (once, on the step the ego first collides; the episode ends)
``off_road``    ``off_road_per_s`` × dt while the ego's centre is off the drivable area
``comfort``     ``jerk_per_mps3_s`` × |jerk| × dt, jerk = change of acceleration / dt
``red_light``   ``red_light`` × stop lines of red lights the front bumper crossed
``speeding``    ``speeding_per_mps_s`` × (speed − limit, if over) × dt
``goal``        ``goal`` once, when the scenario's stop conditions end the episode
``headway``     ``headway_per_s`` × (1 − THW / ``desired_headway_s``) × dt while the time
                headway THW = bumper gap / speed to the lead is below the desired one
``ttc``         ``ttc_per_s`` × (1 − TTC / ``ttc_threshold_s``) × dt while the time to
                collision TTC = gap / closing speed to the lead is below the threshold
``speed``       ``speed_tracking_per_s`` × max(−1, 1 − |speed − target| /
                ``speed_error_scale_mps``) × dt, target = min(limit, safe following speed)
``lane``        ``lane_offset_per_m_s`` × |lateral offset from the route| × dt
==============  ======================================================================

The *lead* is the nearest other actor ahead of the ego whose centre lies
within ``LEAD_HALF_WIDTH_M`` of the ego's longitudinal axis or of the route's
centre line, and within ``LEAD_RANGE_M``; its bumper gap is the centre
distance along the ego's heading less the two half lengths. The safe following speed behind a lead at
bumper gap ``g`` moving at ``v_lead`` (m/s) is the smaller of the time-gap law
``(g − s0) / desired_headway_s`` and the braking law
``sqrt(v_lead² + 2 b (g − s0))``, ``s0`` = ``standstill_gap_m``, ``b`` =
``comfort_decel_mps2``; both are 0 once ``g <= s0``. With no lead the target is
the speed limit. The last four terms are 0 under the default weights, so the
reward of an environment that does not set them is what it was before they
existed; ``gauntlet/Follow-v0`` uses :data:`ACC_WEIGHTS`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from gauntlet.envs.observation import RouteStopLines
from gauntlet.world.observation import EgoRoute
from gauntlet.world.world import World

#: The terms every driving environment reports.
TERMS = ("progress", "collision", "off_road", "comfort", "red_light", "speeding", "goal")
#: The car-following terms, reported after :data:`TERMS`.
FOLLOWING_TERMS = ("headway", "ttc", "speed", "lane")
#: Every term of ``ScenarioEnv``'s ``info["reward_terms"]``, in order.
ALL_TERMS = TERMS + FOLLOWING_TERMS
#: Half width of the corridor ahead of the ego in which an actor counts as the lead, m.
LEAD_HALF_WIDTH_M = 1.75
#: Farthest lead considered (centre to centre along the ego's heading), m.
LEAD_RANGE_M = 150.0


@dataclass(frozen=True)
class RewardWeights:
    """Weights of the reward terms (penalties are negative)."""

    progress_per_m: float = 0.1
    collision: float = -10.0
    off_road_per_s: float = -1.0
    jerk_per_mps3_s: float = -0.01
    red_light: float = -5.0
    speeding_per_mps_s: float = -0.1
    goal: float = 5.0
    headway_per_s: float = 0.0
    ttc_per_s: float = 0.0
    speed_tracking_per_s: float = 0.0
    lane_offset_per_m_s: float = 0.0
    #: Time headway below which ``headway`` applies, s.
    desired_headway_s: float = 1.5
    #: Time to collision below which ``ttc`` applies, s.
    ttc_threshold_s: float = 3.0
    #: Speed error at which ``speed`` reaches 0 (and -1 at twice it), m/s.
    speed_error_scale_mps: float = 15.0
    #: Bumper gap kept at a standstill behind the lead, m.
    standstill_gap_m: float = 4.0
    #: Deceleration of the braking law of the safe following speed, m/s².
    comfort_decel_mps2: float = 3.0

    @property
    def follows(self) -> bool:
        """Whether any term that needs the lead has a weight."""
        return bool(self.headway_per_s or self.ttc_per_s or self.speed_tracking_per_s)


#: Car-following (ACC) weights of ``gauntlet/Follow-v0``: keep a safe time gap behind the
#: lead, track min(limit, safe following speed), stay in the lane. Progress and the goal
#: pay nothing (speed tracking replaces them), jerk weighs less and speeding more than
#: in the defaults.
ACC_WEIGHTS = RewardWeights(
    progress_per_m=0.0,
    collision=-20.0,
    off_road_per_s=-2.0,
    jerk_per_mps3_s=-0.002,
    speeding_per_mps_s=-1.0,
    goal=0.0,
    headway_per_s=-1.0,
    ttc_per_s=-2.0,
    speed_tracking_per_s=1.0,
    lane_offset_per_m_s=-0.5,
)


def safe_following_speed(gap_m: float, lead_speed_mps: float, w: RewardWeights) -> float:
    """The speed at which the ego may follow a lead ``gap_m`` ahead (bumper gap), m/s.

    ``min((gap − s0) / T, sqrt(v_lead² + 2 b (gap − s0)))``, 0 once ``gap <= s0``
    (``s0`` = ``w.standstill_gap_m``, ``T`` = ``w.desired_headway_s``,
    ``b`` = ``w.comfort_decel_mps2``).
    """
    free = gap_m - w.standstill_gap_m
    if free <= 0.0:
        return 0.0
    lead = max(lead_speed_mps, 0.0)
    return min(
        free / w.desired_headway_s, math.sqrt(lead * lead + 2.0 * w.comfort_decel_mps2 * free)
    )


def following_terms(
    w: RewardWeights, dt: float, speed: float, limit: float, gap: float | None, lead_speed: float
) -> tuple[float, float, float]:
    """The weighted ``headway``, ``ttc`` and ``speed`` terms of one step.

    Args:
        w: Weights.
        dt: Step, s.
        speed: Ego speed, m/s.
        limit: Speed limit at the ego, m/s.
        gap: Bumper gap to the lead, m (``None``: no lead).
        lead_speed: The lead's speed along the ego's heading, m/s.
    """
    target = limit
    headway = ttc = 0.0
    if gap is not None:
        target = min(limit, safe_following_speed(gap, lead_speed, w))
        if speed > 0.0:
            thw = max(gap, 0.0) / speed
            if thw < w.desired_headway_s:
                headway = w.headway_per_s * (1.0 - thw / w.desired_headway_s) * dt
        closing = speed - lead_speed
        if closing > 0.0:
            time_to_collision = max(gap, 0.0) / closing
            if time_to_collision < w.ttc_threshold_s:
                ttc = w.ttc_per_s * (1.0 - time_to_collision / w.ttc_threshold_s) * dt
    return headway, ttc, float(speed_term(w, dt, speed, target))


def speed_term(w: RewardWeights, dt: float, speed: Any, target: Any) -> np.ndarray:
    """The weighted ``speed`` term: tracking of ``target`` (m/s) at ``speed`` (m/s), any shape.

    ``speed_tracking_per_s × max(−1, 1 − |speed − target| / speed_error_scale_mps) × dt``.
    """
    match = np.maximum(-1.0, 1.0 - np.abs(np.subtract(speed, target)) / w.speed_error_scale_mps)
    return w.speed_tracking_per_s * match * dt


def step_terms(
    w: RewardWeights,
    dt: float,
    *,
    progress: Any,
    jerk: Any,
    first_hit: Any,
    off_road: Any,
    red: Any,
    over: Any,
    goal: Any,
    following: tuple[Any, Any, Any],
    lateral: Any,
) -> dict[str, Any]:
    """Every weighted term of :data:`ALL_TERMS` for one step, on scalars or arrays alike.

    Args:
        w: Weights.
        dt: Step, s.
        progress: Metres advanced along the route.
        jerk: |change of acceleration| / dt, m/s³.
        first_hit: Whether the ego first collided on this step.
        off_road: Whether the ego's centre is off the drivable area.
        red: Stop lines of red lights crossed.
        over: Speed minus the limit, m/s.
        goal: Whether the stop conditions ended the episode.
        following: The weighted ``headway``, ``ttc`` and ``speed`` terms.
        lateral: Lateral offset from the route, m.
    """
    headway, ttc, speed = following
    return {
        "progress": w.progress_per_m * progress,
        "collision": np.where(first_hit, w.collision, 0.0),
        "off_road": np.where(off_road, w.off_road_per_s * dt, 0.0),
        "comfort": w.jerk_per_mps3_s * jerk * dt,
        "red_light": w.red_light * red,
        "speeding": np.where(over > 0.0, w.speeding_per_mps_s * over * dt, 0.0),
        "goal": np.where(goal, w.goal, 0.0),
        "headway": headway,
        "ttc": ttc,
        "speed": speed,
        "lane": w.lane_offset_per_m_s * np.abs(lateral) * dt,
    }


def find_lead(world: World, ego: int, lateral_m: float = 0.0) -> tuple[float, float] | None:
    """Bumper gap (m) and speed along the ego's heading (m/s) of the ego's lead, or ``None``.

    An actor ahead counts when its centre lies within ``LEAD_HALF_WIDTH_M`` of the
    ego's axis or of the route's centre line, ``lateral_m`` to the ego's right (the
    ego's lateral offset from the route, left positive): moving out of the lane
    does not hide the car in it.
    """
    h = float(world.h[ego])
    c, s = math.cos(h), math.sin(h)
    dx = world.x - float(world.x[ego])
    dy = world.y - float(world.y[ego])
    ahead = dx * c + dy * s
    side = -dx * s + dy * c
    in_path = (np.abs(side) < LEAD_HALF_WIDTH_M) | (np.abs(side + lateral_m) < LEAD_HALF_WIDTH_M)
    near = (ahead > 0.0) & (ahead < LEAD_RANGE_M) & in_path
    near[ego] = False
    if not near.any():
        return None
    candidates = np.flatnonzero(near)
    lead = int(candidates[np.argmin(ahead[candidates])])
    gap = float(ahead[lead]) - 0.5 * (float(world.length[ego]) + float(world.length[lead]))
    speed = float(world.v[lead]) * math.cos(float(world.h[lead]) - h)
    return gap, speed


class RewardTracker:
    """Computes the reward terms of one episode, step by step."""

    def __init__(
        self,
        weights: RewardWeights,
        world: World,
        route: EgoRoute,
        stop_lines: RouteStopLines,
    ) -> None:
        self.weights, self.route, self.stop_lines = weights, route, stop_lines
        self.ego = route.actor
        self.last_s = route.s
        self.last_accel = float(world.accel[self.ego])
        self.seen_collisions = len(world.collisions)
        self.collided = False
        #: Speed limit at every route sample, m/s (looked up per step by the route index).
        self.speed_limits = route.speed_limits()

    def update(self, world: World, goal_reached: bool) -> dict[str, float]:
        """The terms of the step just taken (call after ``route.update``)."""
        w, a, dt, r = self.weights, self.ego, world.dt, self.route
        progress = r.s - self.last_s
        self.last_s = r.s
        accel = float(world.accel[a])
        jerk = abs(accel - self.last_accel) / dt
        self.last_accel = accel
        hit = False
        collisions = world.collisions
        if len(collisions) > self.seen_collisions:
            hit = any(a in (e.a, e.b) for e in collisions[self.seen_collisions :])
            self.seen_collisions = len(collisions)
        first_hit = hit and not self.collided
        self.collided = self.collided or hit
        over = float(world.v[a]) - float(self.speed_limits[r.index])
        red = (
            self.stop_lines.crossed_on_red(world, r.s + self.stop_lines.half_length)
            if len(self.stop_lines.s)
            else 0
        )
        terms = step_terms(
            w,
            dt,
            progress=progress,
            jerk=jerk,
            first_hit=first_hit,
            off_road=bool(world.off_road[a]),
            red=red,
            over=over,
            goal=goal_reached,
            following=self._following(world, float(self.speed_limits[r.index])),
            lateral=r.lateral,
        )
        return {term: float(value) for term, value in terms.items()}

    def _following(self, world: World, limit: float) -> tuple[float, float, float]:
        w = self.weights
        if not w.follows:
            return 0.0, 0.0, 0.0
        lead = find_lead(world, self.ego, self.route.lateral)
        gap, lead_speed = lead if lead is not None else (None, 0.0)
        return following_terms(w, world.dt, float(world.v[self.ego]), limit, gap, lead_speed)
