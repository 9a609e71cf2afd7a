"""``ScenarioEnv``: any library scenario or set of scenarios as a gymnasium environment.

The ego is the agent. Each reset samples one scenario of the set with the
environment's generator, applies its domain randomisation, and builds a
fresh world; each step applies the action to the ego, steps the world, and
scores the step. Spaces: :mod:`gauntlet.envs.observation` (observation),
:mod:`gauntlet.envs.actions` (actions), :mod:`gauntlet.envs.reward` (reward
terms), :mod:`gauntlet.envs.render` (frames). See ``docs/envs.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from gauntlet.agents.stack import Control
from gauntlet.envs.actions import ActionKind, ActionMapper
from gauntlet.envs.observation import EGO, HIGH, LOW, ObservationBuilder, RouteStopLines
from gauntlet.envs.presets import randomisation as preset
from gauntlet.envs.presets import reward_weights
from gauntlet.envs.randomise import Randomisation
from gauntlet.envs.render import TopDownRenderer
from gauntlet.envs.reward import RewardTracker, RewardWeights
from gauntlet.envs.scenario_set import load_scenario_set
from gauntlet.scenarios import schema as sc
from gauntlet.scenarios.variations import scenario_id
from gauntlet.world.builder import build_world
from gauntlet.world.observation import EgoRoute, episode_info, route_horizon

#: Largest world seed drawn at reset (exclusive).
WORLD_SEED_LIMIT = 2**31


class ScenarioEnv(gym.Env[np.ndarray, Any]):
    """Drive the ego of scenarios from a scenario set.

    Args:
        scenarios: Scenario sources: files, folders, ids or fnmatch patterns over
            the library's ids, ``suite:<name>``, ``template:<name>`` (see
            :mod:`gauntlet.envs.scenario_set`).
        randomisation: Domain randomisation applied at each reset: a
            :class:`Randomisation`, a preset name, or ``None`` for none.
        actions: ``"continuous"`` (acceleration, steering in [-1, 1]) or ``"meta"``.
        reward: Weights of the reward terms, or the name of a preset (``"follow"``).
        time_limit_s: Episode length before truncation; default the scenario's duration.
        render_mode: ``None`` or ``"rgb_array"``.

    Episodes end *terminated* when the ego collides or the scenario's stop
    conditions fire, *truncated* at the time limit.
    """

    metadata = {"render_modes": ["rgb_array"], "render_fps": 20}

    def __init__(
        self,
        scenarios: str | Sequence[str] = "suite:smoke",
        *,
        randomisation: Randomisation | str | None = None,
        actions: ActionKind = "continuous",
        reward: RewardWeights | str | None = None,
        time_limit_s: float | None = None,
        render_mode: str | None = None,
    ) -> None:
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ValueError(f"render_mode must be one of {self.metadata['render_modes']}")
        self._init_kwargs = {
            "scenarios": scenarios,
            "randomisation": randomisation,
            "actions": actions,
            "reward": reward,
            "time_limit_s": time_limit_s,
            "render_mode": render_mode,
        }
        self.scenarios = load_scenario_set(scenarios)
        self._ids = [scenario_id(s) for s in self.scenarios]
        self.randomisation = (
            preset(randomisation) if isinstance(randomisation, str) else randomisation
        )
        self.action_kind: ActionKind = actions
        self.weights = (
            reward_weights(reward) if isinstance(reward, str) else reward or RewardWeights()
        )
        self.time_limit_s = time_limit_s
        self.render_mode = render_mode
        self.observation_space = spaces.Box(LOW, HIGH, dtype=np.float32)
        self.action_space = ActionMapper.space(actions)
        self.world: Any = None
        self.scenario: sc.Scenario | None = None
        self._episode_rng_state: dict[str, Any] | None = None
        self._episode_choice: str | None = None
        self._actions_taken: list[Any] = []

    # ------------------------------------------------------------------ gymnasium API

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[np.ndarray, dict[str, Any]]:
        """Start an episode; ``options={"scenario": id}`` picks a scenario of the set."""
        super().reset(seed=seed)
        self._episode_rng_state = self.np_random.bit_generator.state
        self._episode_choice = None if options is None else options.get("scenario")
        self._start_episode(self._episode_choice)
        return self._obs, self._reset_info()

    def step(self, action: Any) -> tuple[np.ndarray, float, bool, bool, dict[str, Any]]:
        """Apply ``action`` for one world step."""
        if self.world is None:
            raise RuntimeError("call reset() before step()")
        world, route, raw = self.world, self.route, self._builder._raw  # noqa: SLF001
        self._actions_taken.append(action.copy() if isinstance(action, np.ndarray) else action)
        ego_state = raw[EGO]
        accel, steer = self.mapper.control(
            action, float(ego_state[5]), float(ego_state[6]), float(world.v[self.ego])
        )
        self._controls[self.ego] = Control(accel, steer)
        world.step(self._controls)
        route.update(world)
        stop = world.storyboard is not None and world.storyboard.stop_requested
        terms = self._tracker.update(world, goal_reached=bool(stop))
        terminated = bool(stop or self._tracker.collided)
        truncated = not terminated and world.step_index >= self._max_steps
        self._obs = self._builder.build(steer / self.mapper.max_steer)
        info = {
            "reward_terms": terms,
            "scenario": self._scenario_id,
            "time_s": world.time_s,
            "collided": self._tracker.collided,
            "goal_reached": bool(stop),
        }
        return self._obs, float(sum(terms.values())), terminated, bool(truncated), info

    def render(self) -> np.ndarray | None:  # type: ignore[override]
        """A ``(400, 400, 3)`` ``uint8`` top-down frame in ``rgb_array`` mode, else ``None``."""
        if self.render_mode != "rgb_array" or self.world is None:
            return None
        if self._renderer is None:
            self._renderer = TopDownRenderer(self.world, self.ego)
        return self._renderer.render()

    # ------------------------------------------------------------------ episodes

    def _start_episode(self, choice: str | None) -> None:
        rng = self.np_random
        index = int(rng.integers(len(self.scenarios)))
        if choice is not None:
            if choice not in self._ids:
                raise ValueError(f"no scenario {choice!r} in this environment's set")
            index = self._ids.index(choice)
        scenario = self.scenarios[index]
        if self.randomisation is not None:
            scenario = self.randomisation.apply(scenario, rng)
        world_seed = int(rng.integers(WORLD_SEED_LIMIT))
        ego_name = scenario.ego.entity
        world = build_world(scenario, external={ego_name}, seed=world_seed)
        ego = world.actor_id(ego_name)
        duration = self.time_limit_s or scenario.stop.duration_s
        route = EgoRoute(world, ego, route_horizon(duration))
        limits = episode_info(world, route, scenario_id(scenario), world_seed)
        stop_lines = RouteStopLines(world, route)
        self.scenario, self.world, self.ego, self.route = scenario, world, ego, route
        self._scenario_id, self._world_seed = self._ids[index], world_seed
        self._max_steps = int(round(duration / scenario.dt_s))
        self.mapper = ActionMapper(
            self.action_kind, limits.max_accel_mps2, limits.max_decel_mps2, limits.max_steer_rad
        )
        self._builder = ObservationBuilder(world, route, stop_lines)
        self._tracker = RewardTracker(self.weights, world, route, stop_lines)
        self._controls: dict[int, Control] = {}
        self._renderer: TopDownRenderer | None = None
        self._actions_taken = []
        self._obs = self._builder.build(0.0)

    def _reset_info(self) -> dict[str, Any]:
        return {
            "scenario": self._scenario_id,
            "world_seed": self._world_seed,
            "vehicles": len(self.world.actors),
            "dt_s": self.world.dt,
        }

    # ------------------------------------------------------------------ pickling

    def __getstate__(self) -> dict[str, Any]:
        """The constructor's arguments and the episode so far (start state and actions).

        A world holds compiled kernels and closures that do not pickle; an
        unpickled environment rebuilds its episode and replays the actions,
        which the determinism of the world makes bit-identical.
        """
        rng = self._np_random
        return {
            "init": self._init_kwargs,
            "rng_now": None if rng is None else rng.bit_generator.state,
            "seed": self._np_random_seed,
            "episode_rng": self._episode_rng_state if self.world is not None else None,
            "choice": self._episode_choice,
            "actions": list(self._actions_taken),
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(**state["init"])  # type: ignore[misc]
        self._np_random_seed = state["seed"]
        if state["episode_rng"] is not None:
            self._np_random = np.random.Generator(np.random.PCG64())
            self._np_random.bit_generator.state = state["episode_rng"]
            self._episode_rng_state = state["episode_rng"]
            self._episode_choice = state["choice"]
            self._start_episode(self._episode_choice)
            for action in state["actions"]:
                self.step(action)
        if state["rng_now"] is not None:
            self._np_random = np.random.Generator(np.random.PCG64())
            self._np_random.bit_generator.state = state["rng_now"]
