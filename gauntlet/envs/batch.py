"""``BatchScenarioEnv``: many copies of a one-vehicle scenario stepped as arrays.

A native :class:`gymnasium.vector.VectorEnv` for scenarios whose ego drives
alone (``gauntlet/LaneKeepBatch-v0``: the lane-keeping S-bend). Every world
shares the scenario's road network and the ego's route; what differs between
worlds is held in arrays of shape ``(num_envs, ...)``:

- the kinematic bicycle of every ego, stepped by the same compiled kernel as a
  world's motion group (:class:`~gauntlet.dynamics.kinematic_bicycle.KinematicBicycle`
  with one row per world);
- the projection on the route (:meth:`~gauntlet.agents.paths.PathBank.project`),
  the drivable-area test of the map's raster, and the speed limit of the lanes;
- the observation of :mod:`gauntlet.envs.observation` (the ``OBJECTS`` rows and
  ``MASK`` stay zero: there are no other road users; ``SIGNAL`` reads "no stop
  line") and the reward terms of :mod:`gauntlet.envs.reward`.

The arithmetic is that of :class:`~gauntlet.envs.scenario_env.ScenarioEnv` on
the same scenario without randomisation, step for step, so a world of the batch
and the single environment given the same actions agree to rounding
(``tests/envs/test_batch.py`` bounds the difference by :data:`AGREEMENT_ATOL`).

Episodes end as in ``ScenarioEnv``: *terminated* when the scenario's
``reached_position`` stop condition holds (checked on the state at the start of
a step, as the world's storyboard does), *truncated* at the time limit. A world
that ended is reset on the next call of ``step`` (gymnasium's ``NEXT_STEP``
autoreset): that call returns its first observation, reward 0 and no flags.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from gymnasium import spaces
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space

from gauntlet.dynamics.kinematic_bicycle import KinematicBicycle
from gauntlet.envs.observation import (
    EGO,
    HIGH,
    LOOKAHEAD_M,
    LOW,
    NO_STOP_LINE_M,
    OBS_SIZE,
    ROUTE,
    SIGNAL,
    RouteStopLines,
)
from gauntlet.envs.presets import reward_weights
from gauntlet.envs.reward import RewardWeights, speed_term, step_terms
from gauntlet.envs.scenario_set import load_scenario_set
from gauntlet.scenarios import schema as sc
from gauntlet.scenarios.errors import error_at
from gauntlet.scenarios.variations import scenario_id
from gauntlet.world.builder import build_world
from gauntlet.world.observation import EgoRoute, episode_info, route_horizon

#: Largest difference between a batch world and ``ScenarioEnv`` on the same actions
#: (observation entries and rewards), over a whole episode.
AGREEMENT_ATOL = 1e-6
_SPEED, _STEER, _ACCEL = 3, 4, 5


class BatchScenarioEnv(VectorEnv):
    """``num_envs`` worlds of one single-vehicle scenario, stepped together.

    Args:
        num_envs: Number of worlds.
        scenarios: A source naming exactly one scenario (see
            :mod:`gauntlet.envs.scenario_set`); its only entity is the ego, it has
            no traffic lights on the ego's route, and its stop conditions are the
            duration and ``reached_position`` triggers of the ego.
        reward: Weights of the reward terms, or the name of a preset (``"follow"``).
            With no other road users there is never a lead: ``headway`` and ``ttc``
            stay 0 and ``speed`` tracks the speed limit, as in ``ScenarioEnv``.
        time_limit_s: Episode length before truncation, s; default the scenario's duration.
        render_mode: Only ``None``: the batch does not draw frames.

    Spaces: ``single_observation_space`` is that of ``ScenarioEnv`` (92 ``float32``
    entries), ``single_action_space`` ``Box(-1, 1, (2,))`` = (acceleration, steering).
    ``info["reward_terms"][term]`` holds each weighted term per world, shape ``(num_envs,)``.

    Raises:
        ValueError: A scenario the batch cannot simulate, with the reason.
    """

    metadata = {"render_modes": [], "autoreset_mode": AutoresetMode.NEXT_STEP}

    def __init__(
        self,
        num_envs: int = 1024,
        scenarios: str | Sequence[str] = "template:lane_keep",
        *,
        reward: RewardWeights | str | None = None,
        time_limit_s: float | None = None,
        render_mode: str | None = None,
    ) -> None:
        if num_envs < 1:
            raise ValueError(f"num_envs must be at least 1, got {num_envs}")
        if render_mode is not None:
            raise ValueError("BatchScenarioEnv draws no frames: render_mode must be None")
        self._init_kwargs = {
            "num_envs": num_envs,
            "scenarios": scenarios,
            "reward": reward,
            "time_limit_s": time_limit_s,
        }
        found = load_scenario_set(scenarios)
        if len(found) != 1:
            raise ValueError(
                f"BatchScenarioEnv needs exactly one scenario, {scenarios!r} names {len(found)}"
            )
        scenario = found[0]
        self.scenario, self.scenario_id = scenario, scenario_id(scenario)
        self.num_envs = num_envs
        self.render_mode = None
        self.weights = (
            reward_weights(reward) if isinstance(reward, str) else reward or RewardWeights()
        )
        self.single_observation_space = spaces.Box(LOW, HIGH, dtype=np.float32)
        self.single_action_space = spaces.Box(-1.0, 1.0, shape=(2,), dtype=np.float32)
        self.observation_space = batch_space(self.single_observation_space, num_envs)
        self.action_space = batch_space(self.single_action_space, num_envs)
        self._setup(scenario, time_limit_s)
        self._start = np.zeros(num_envs, dtype=bool)
        self._reset_worlds(np.ones(num_envs, dtype=bool))

    # ------------------------------------------------------------------ set-up

    def _setup(self, scenario: sc.Scenario, time_limit_s: float | None) -> None:
        src = scenario.source
        ego_name = scenario.ego.entity
        if len(scenario.entities) != 1:
            raise error_at(
                src,
                ("entities",),
                f"BatchScenarioEnv simulates the ego alone: expected 1 entity, "
                f"got {len(scenario.entities)}",
            )
        world = build_world(scenario, external={ego_name}, seed=scenario.seed)
        ego = world.actor_id(ego_name)
        group = world.groups[world.group_of[ego]]
        if not isinstance(group.model, KinematicBicycle):
            raise error_at(
                src,
                ("entities", 0),
                f"BatchScenarioEnv: the ego must move as a kinematic_bicycle, "
                f"not {group.model.NAME}",
            )
        row = int(world.row_of[ego])
        duration = time_limit_s or scenario.stop.duration_s
        route = EgoRoute(world, ego, route_horizon(duration))
        if len(RouteStopLines(world, route).s):
            raise error_at(
                src, ("map",), "BatchScenarioEnv: expected no traffic lights on the ego's route"
            )
        self._goals = self._goal_points(scenario, world, ego_name)
        limits = episode_info(world, route, self.scenario_id, scenario.seed)
        self.dt = world.dt
        self.max_steps = int(round(duration / scenario.dt_s))
        self.max_accel, self.max_decel = limits.max_accel_mps2, limits.max_decel_mps2
        self.max_steer = limits.max_steer_rad
        self.model = KinematicBicycle([group.model.params[row]] * self.num_envs)
        self.network, self.bank, self.path = world.network, route.bank, route.path
        self.speed_limits = route.speed_limits()
        self._initial_state = group.state[row].copy()
        self._initial_route = (route.s, route.lateral, route.index)
        self._initial_off_road = bool(world.off_road[ego])
        n = self.num_envs
        self.state = np.zeros((n, 6))
        self.control = np.zeros((n, 2))
        self.accel, self.yaw_rate = np.zeros(n), np.zeros(n)
        self.route_s, self.lateral = np.zeros(n), np.zeros(n)
        self.route_index = np.zeros(n, dtype=np.int64)
        self.off_road = np.zeros(n, dtype=bool)
        self.steer_command = np.zeros(n)
        self.step_index = np.zeros(n, dtype=np.int64)
        self._slots = np.zeros(n, dtype=np.int64)
        self._raw = np.zeros((n, OBS_SIZE))
        self._raw[:, SIGNAL.start] = NO_STOP_LINE_M

    @staticmethod
    def _goal_points(
        scenario: sc.Scenario, world: Any, ego_name: str
    ) -> list[tuple[float, float, float]]:
        """(x, y, tolerance) of each ``reached_position`` stop condition of the ego."""
        goals = []
        for k, trigger in enumerate(scenario.stop.when):
            if not (isinstance(trigger, sc.ReachedPositionTrigger) and trigger.entity == ego_name):
                raise error_at(
                    scenario.source,
                    ("stop", "when", k),
                    "BatchScenarioEnv: expected only reached_position triggers of the ego, "
                    f"got {type(trigger).__name__}",
                )
            p = trigger.position
            if isinstance(p, sc.WorldPosition):
                goals.append((p.x_m, p.y_m, trigger.tolerance_m))
                continue
            if not isinstance(p, sc.LanePosition):
                raise error_at(
                    scenario.source,
                    ("stop", "when", k),
                    f"BatchScenarioEnv: expected a lane or world position, got {p.KIND}",
                )
            key, lane_s = world.network.lane_at(p.road, p.lane, p.s_m)
            lane = world.lanes.lanes[world.lanes.index[key]]
            s = float(np.clip(lane_s, 0.0, lane.length))
            xy = np.asarray(lane.position(np.array([s]), np.array([p.offset_m]))).reshape(-1, 2)
            goals.append((float(xy[0, 0]), float(xy[0, 1]), trigger.tolerance_m))
        return goals

    # ------------------------------------------------------------------ gymnasium API

    def reset(
        self, *, seed: int | list[int | None] | None = None, options: dict[str, Any] | None = None
    ) -> tuple[np.ndarray, dict[str, Any]]:
        """Reset every world. The start state is the scenario's; ``seed`` seeds ``np_random``.

        ``options={"mask": bool array}`` resets only the worlds marked.
        """
        if isinstance(seed, list):
            seed = seed[0]
        if seed is not None:
            self._np_random, self._np_random_seed = np.random.default_rng(seed), seed
        mask = np.ones(self.num_envs, dtype=bool)
        if options is not None and "mask" in options:
            mask = np.asarray(options["mask"], dtype=bool)
            if mask.shape != (self.num_envs,):
                raise ValueError(
                    f"options['mask'] must have shape ({self.num_envs},), got {mask.shape}"
                )
        self._reset_worlds(mask)
        self._start[mask] = False
        return self._observe(), {}

    def step(
        self, actions: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict[str, Any]]:
        """Apply one (acceleration, steering) row per world for one step of ``dt``."""
        actions = np.asarray(actions, dtype=np.float64)
        if actions.shape != (self.num_envs, 2):
            raise ValueError(f"actions must have shape ({self.num_envs}, 2), got {actions.shape}")
        restart = self._start.copy()
        s, dt = self.state, self.dt
        # The storyboard checks the stop conditions on the state the step starts from.
        goal = np.zeros(self.num_envs, dtype=bool)
        for gx, gy, tol in self._goals:
            goal |= np.hypot(s[:, 0] - gx, s[:, 1] - gy) <= tol
        a = np.clip(actions[:, 0], -1.0, 1.0)
        steer = np.clip(actions[:, 1], -1.0, 1.0)
        self.control[:, 0] = a * np.where(a >= 0.0, self.max_accel, self.max_decel)
        self.control[:, 1] = steer * self.max_steer
        self.steer_command = self.control[:, 1] / self.max_steer
        v_before, h_before, last_s, last_accel = (
            s[:, _SPEED].copy(),
            s[:, 2].copy(),
            self.route_s.copy(),
            self.accel.copy(),
        )
        self.model.step(s, self.control, dt)
        self.step_index += 1
        self.accel = (s[:, _SPEED] - v_before) / dt
        self.yaw_rate = ((s[:, 2] - h_before + np.pi) % (2 * np.pi) - np.pi) / dt
        guess = self.route_s + np.abs(s[:, _SPEED]) * dt
        self.route_s, self.lateral, self.route_index = self.bank.project(
            self._slots, guess, s[:, 0], s[:, 1]
        )
        self.off_road = ~self.network.on_drivable(s[:, 0], s[:, 1])
        terms = self._reward_terms(last_s, last_accel, goal)
        reward = sum(terms.values())
        terminated = goal.copy()
        truncated = ~terminated & (self.step_index >= self.max_steps)
        if restart.any():
            self._reset_worlds(restart)
            reward[restart] = 0.0
            terminated[restart] = truncated[restart] = False
            for value in terms.values():
                value[restart] = 0.0
        self._start = terminated | truncated
        obs = self._observe()
        info = {
            "reward_terms": terms,
            "goal_reached": terminated.copy(),
            "time_s": self.step_index * dt,
        }
        return obs, reward, terminated, truncated, info

    # ------------------------------------------------------------------ pieces

    def _reward_terms(
        self, last_s: np.ndarray, last_accel: np.ndarray, goal: np.ndarray
    ) -> dict[str, np.ndarray]:
        w, dt, n = self.weights, self.dt, self.num_envs
        limit = self.speed_limits[self.route_index]
        speed = self.state[:, _SPEED]
        # The ego drives alone: no lead, so the target speed is the limit.
        following = (
            (np.zeros(n), np.zeros(n), speed_term(w, dt, speed, limit))
            if w.follows
            else (np.zeros(n), np.zeros(n), np.zeros(n))
        )
        return step_terms(
            w,
            dt,
            progress=self.route_s - last_s,
            jerk=np.abs(self.accel - last_accel) / dt,
            first_hit=np.zeros(n, dtype=bool),
            off_road=self.off_road,
            red=np.zeros(n),
            over=speed - limit,
            goal=goal,
            following=following,
            lateral=self.lateral,
        )

    def _reset_worlds(self, mask: np.ndarray) -> None:
        self.state[mask] = self._initial_state
        self.control[mask] = 0.0
        self.accel[mask] = self.yaw_rate[mask] = self.steer_command[mask] = 0.0
        self.route_s[mask], self.lateral[mask], self.route_index[mask] = self._initial_route
        self.off_road[mask] = self._initial_off_road
        self.step_index[mask] = 0

    def _observe(self) -> np.ndarray:
        raw, s, path = self._raw, self.state, self.path
        x, y, h = s[:, 0], s[:, 1], s[:, 2]
        i = np.minimum(self.route_index, len(path.heading) - 1)
        ego = raw[:, EGO]
        ego[:, 0] = s[:, _SPEED]
        ego[:, 1] = self.accel
        ego[:, 2] = self.yaw_rate
        ego[:, 3] = self.steer_command
        ego[:, 4] = self.speed_limits[self.route_index]
        ego[:, 5] = self.lateral
        ego[:, 6] = (path.heading[i] - h + math.pi) % (2 * math.pi) - math.pi
        ego[:, 7] = self.off_road
        k = np.searchsorted(path.s, self.route_s[:, None] + LOOKAHEAD_M)
        np.minimum(k, len(path.s) - 1, out=k)
        dx, dy = path.x[k] - x[:, None], path.y[k] - y[:, None]
        c, sn = np.cos(h)[:, None], np.sin(h)[:, None]
        raw[:, ROUTE.start : ROUTE.stop : 2] = c * dx + sn * dy
        raw[:, ROUTE.start + 1 : ROUTE.stop : 2] = -sn * dx + c * dy
        np.clip(raw, LOW, HIGH, out=raw)
        return raw.astype(np.float32)

    # ------------------------------------------------------------------ pickling

    def __getstate__(self) -> dict[str, Any]:
        """Constructor arguments and the per-world arrays (the map is rebuilt on load)."""
        arrays = (
            "state", "control", "accel", "yaw_rate", "route_s", "lateral",
            "route_index", "off_road", "steer_command", "step_index", "_start",
        )  # fmt: skip
        rng = self._np_random
        return {
            "init": self._init_kwargs,
            "arrays": {k: getattr(self, k).copy() for k in arrays},
            "rng": None if rng is None else rng.bit_generator.state,
            "seed": self._np_random_seed,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(**state["init"])  # type: ignore[misc]
        for key, value in state["arrays"].items():
            setattr(self, key, value)
        self._np_random_seed = state["seed"]
        if state["rng"] is not None:
            self._np_random = np.random.Generator(np.random.PCG64())
            self._np_random.bit_generator.state = state["rng"]
