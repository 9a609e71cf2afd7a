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
==============  ======================================================================
"""

from __future__ import annotations

from dataclasses import dataclass

from gauntlet.envs.observation import RouteStopLines
from gauntlet.world.observation import EgoRoute
from gauntlet.world.world import World

TERMS = ("progress", "collision", "off_road", "comfort", "red_light", "speeding", "goal")


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


class RewardTracker:
    """Computes the reward terms of one episode, step by step."""

    def __init__(
        self, weights: RewardWeights, world: World, route: EgoRoute, stop_lines: RouteStopLines
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
        return {
            "progress": w.progress_per_m * progress,
            "collision": w.collision if first_hit else 0.0,
            "off_road": w.off_road_per_s * dt if world.off_road[a] else 0.0,
            "comfort": w.jerk_per_mps3_s * jerk * dt,
            "red_light": w.red_light * red,
            "speeding": w.speeding_per_mps_s * over * dt if over > 0.0 else 0.0,
            "goal": w.goal if goal_reached else 0.0,
        }
