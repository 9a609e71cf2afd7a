"""The driving environments' observation vector, built from what a Stack sees.

A policy trained in :class:`~gauntlet.envs.scenario_env.ScenarioEnv` reads the
92-entry vector of :mod:`gauntlet.envs.observation`, which the environment
fills from the world. Under ``gauntlet run`` a stack sees only the
:class:`~gauntlet.agents.stack.Observation` of each step and the
:class:`~gauntlet.agents.stack.EpisodeInfo` of the episode; this module fills
the same vector from those, entry for entry, so that what a policy is trained
on is what it is scored on (``tests/envs/test_policy_stack.py`` compares the two
on the same world).
"""

from __future__ import annotations

import math

import numpy as np

from gauntlet.agents.stack import EpisodeInfo, Observation
from gauntlet.envs.observation import (
    EGO,
    HIGH,
    K_OBJECTS,
    LOOKAHEAD_M,
    LOW,
    MASK,
    NO_STOP_LINE_M,
    OBJECT_FEATURES,
    OBJECT_RANGE_M,
    OBJECTS,
    OBS_SIZE,
    ROUTE,
    SIGNAL,
)

#: Traffic-light states that the ``SIGNAL`` entry reports as 1 (stop).
STOP_STATES = frozenset({"red", "yellow"})


class StackObservation:
    """Builds the environment's observation vector of one episode from stack inputs.

    Args:
        info: The episode's :class:`EpisodeInfo` (route, limits, road network).
    """

    def __init__(self, info: EpisodeInfo) -> None:
        self.info = info
        self._raw = np.zeros(OBS_SIZE)
        self._objects = self._raw[OBJECTS].reshape(K_OBJECTS, OBJECT_FEATURES)

    def heading_error(self, obs: Observation) -> float:
        """Route heading at the ego's route sample minus the ego's heading, rad in [-pi, pi)."""
        s = self.info.route_s
        i = int(np.clip(np.searchsorted(s, obs.route_s, side="right") - 1, 0, len(s) - 1))
        h = obs.ego.heading_rad
        return (float(self.info.route_heading[i]) - h + math.pi) % (2 * math.pi) - math.pi

    def build(self, obs: Observation, steer_command: float) -> np.ndarray:
        """The ``float32`` observation vector; ``steer_command`` is the last one, in [-1, 1]."""
        info, raw, ego = self.info, self._raw, obs.ego
        x, y, h = ego.x_m, ego.y_m, ego.heading_rad
        c, s = math.cos(h), math.sin(h)
        network = info.network
        off_road = 0.0 if network is None else float(not network.on_drivable(x, y))
        raw[EGO] = (
            ego.speed_mps,
            ego.accel_mps2,
            ego.yaw_rate_radps,
            steer_command,
            obs.speed_limit_mps,
            obs.route_lateral_m,
            self.heading_error(obs),
            off_road,
        )
        route_s = info.route_s
        k = np.minimum(np.searchsorted(route_s, obs.route_s + LOOKAHEAD_M), len(route_s) - 1)
        dx, dy = info.route_xy[k, 0] - x, info.route_xy[k, 1] - y
        raw[ROUTE.start : ROUTE.stop : 2] = c * dx + s * dy
        raw[ROUTE.start + 1 : ROUTE.stop : 2] = -s * dx + c * dy
        signal = obs.signal
        if signal is None:
            raw[SIGNAL] = (NO_STOP_LINE_M, 0.0)
        else:
            stop = float(signal.state in STOP_STATES)
            raw[SIGNAL] = (min(signal.distance_m, NO_STOP_LINE_M), stop)
        self._fill_objects(obs, x, y, h, c, s)
        np.clip(raw, LOW, HIGH, out=raw)
        return raw.astype(np.float32)

    def _fill_objects(
        self, obs: Observation, x: float, y: float, h: float, c: float, s: float
    ) -> None:
        objects, mask = self._objects, self._raw[MASK]
        objects[:] = 0.0
        mask[:] = 0.0
        o = obs.objects
        if not len(o):
            return
        dx, dy = o.xy[:, 0] - x, o.xy[:, 1] - y
        d2 = dx * dx + dy * dy
        nearest = np.argsort(d2, kind="stable")[:K_OBJECTS]
        nearest = nearest[d2[nearest] < OBJECT_RANGE_M * OBJECT_RANGE_M]
        n = len(nearest)
        if not n:
            return
        ex, ey = dx[nearest], dy[nearest]
        dh = o.heading[nearest] - h
        vx, vy = o.velocity[nearest, 0], o.velocity[nearest, 1]
        rows = objects[:n]
        rows[:, 0] = c * ex + s * ey
        rows[:, 1] = -s * ex + c * ey
        # The object's velocity in the ego frame, less the ego's own (along x).
        rows[:, 2] = c * vx + s * vy - obs.ego.speed_mps
        rows[:, 3] = -s * vx + c * vy
        rows[:, 4] = np.cos(dh)
        rows[:, 5] = np.sin(dh)
        rows[:, 6] = o.length[nearest]
        rows[:, 7] = o.width[nearest]
        mask[:n] = 1.0
