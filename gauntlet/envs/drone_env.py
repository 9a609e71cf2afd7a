"""Gymnasium environments of the drone domain: hover in wind, fly waypoints, cross a forest.

Ids (registered on ``import gauntlet`` through :data:`gauntlet.envs.registry.DOMAIN_ENVS`):
``gauntlet/DroneHover-v0``, ``gauntlet/DroneWaypoint-v0``, ``gauntlet/DroneAvoid-v0``. Each episode is a
:class:`~gauntlet.world.drones.DroneWorld` of one ``agile`` quadrotor built
from a scenario the task draws at reset (:mod:`gauntlet.envs.drone_tasks`);
the world's flight controller, wind, battery, airspace and 360° ring do all
the physics and sensing, the environment only maps actions and observations.

Action ``Box(-1, 1, (4,), float32)``: ``(vx, vy, vz, yaw rate)``, world ENU.
``(a0, a1) x max_speed_xy_mps`` (its length limited to ``max_speed_xy_mps``)
is the horizontal velocity, ``a2 x max_speed_z_mps`` the climb rate and
``a3 x max_yaw_rate_radps`` turns the heading setpoint. The command goes to
the flight controller as a velocity setpoint, so no-fly zones stay enforced.

Observation ``Box(float32)``, every entry clipped to :data:`OBS_LOW` /
:data:`OBS_HIGH` (first 13 entries; ``avoid`` appends the ring):

====== ==========================================================================
0:3    current target minus position (hover point, next waypoint, goal), world, m
3:6    ground velocity, world, m/s
6:9    roll, pitch (positive nose-down), yaw, rad
9:12   air-relative velocity (ground velocity minus the wind at the drone), world, m/s
12     battery state of charge (0-1)
13:49  ``avoid`` only: ring ranges / 20 m at 36 azimuths (east first,
       counter-clockwise, world frame, level), 1 = nothing within 20 m
====== ==========================================================================

Reward: the sum of ``info["reward_terms"]`` (:class:`~gauntlet.envs.drone_tasks.RewardWeights`).
Terminated on a collision (obstacle or ground) or when the mission is
complete; truncated at the task's time limit. ``render()`` returns a
``(400, 400, 3)`` ``uint8`` top view (:mod:`gauntlet.envs.drone_render`).

An environment pickles as its constructor arguments, the generator state of
its last reset and the actions since; unpickling rebuilds the world and
replays them, so a copy continues bit for bit.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import gymnasium
import numpy as np
from gymnasium import spaces

from gauntlet.agents.drone_types import DroneCommand
from gauntlet.dynamics import _quadrotor_kernels as qk
from gauntlet.dynamics._integration import wrap_angle
from gauntlet.dynamics.quadrotor import euler_angles
from gauntlet.envs.drone_render import RENDER_SIZE_PX, DroneTopView
from gauntlet.envs.drone_tasks import DEFAULTS, TASKS, RewardWeights, build_scenario
from gauntlet.world.drones import DroneWorld
from gauntlet.world.drones.mission import distance_to_polyline

BASE_SIZE = 13
OBS_LOW = np.array([-200.0] * 3 + [-40.0] * 3 + [-math.pi] * 3 + [-60.0] * 3 + [0.0], np.float32)
OBS_HIGH = -OBS_LOW
OBS_HIGH[12] = 1.0
RING_SLICE = slice(BASE_SIZE, None)
_WH_PER_J = 1.0 / 3600.0


class DroneEnv(gymnasium.Env):
    """One quadrotor, one task (``hover``, ``waypoint`` or ``avoid``); see the module docstring.

    Args:
        task: The task.
        render_mode: ``None`` or ``"rgb_array"``.
        beaufort: Inclusive range of the Beaufort level drawn at reset (``None``:
            the task's; an int fixes the level).
        time_limit_s: Episode length, s (``None``: the task's).
        start_offset_m: ``hover``: largest distance of the start from the point, m.
        reward: Reward weights (``None``: the task's).
    """

    metadata = {"render_modes": ["rgb_array"], "render_fps": 50}

    def __init__(
        self,
        task: str = "hover",
        render_mode: str | None = None,
        beaufort: int | tuple[int, int] | None = None,
        time_limit_s: float | None = None,
        start_offset_m: float = 2.0,
        reward: RewardWeights | None = None,
    ) -> None:
        if task not in TASKS:
            raise ValueError(f"DroneEnv: task must be one of {TASKS}, got {task!r}")
        if render_mode not in (None, "rgb_array"):
            raise ValueError(
                f"DroneEnv: render_mode must be None or 'rgb_array', got {render_mode!r}"
            )
        settings = DEFAULTS[task]
        if beaufort is not None:
            levels = (beaufort, beaufort) if isinstance(beaufort, int) else tuple(beaufort)
            if len(levels) != 2 or not 0 <= levels[0] <= levels[1] <= 12:
                raise ValueError(
                    f"DroneEnv: beaufort must be a level 0-12 or a range (low, high), got {beaufort!r}"
                )
            settings = replace(settings, beaufort=(int(levels[0]), int(levels[1])))
        if time_limit_s is not None:
            if not time_limit_s > 0.0:
                raise ValueError(f"DroneEnv: time_limit_s must be > 0, got {time_limit_s!r}")
            settings = replace(settings, time_limit_s=float(time_limit_s))
        if reward is not None:
            settings = replace(settings, reward=reward)
        if not start_offset_m >= 0.0:
            raise ValueError(f"DroneEnv: start_offset_m must be >= 0, got {start_offset_m!r}")
        self._kwargs = {
            "task": task, "render_mode": render_mode, "beaufort": beaufort,
            "time_limit_s": time_limit_s, "start_offset_m": start_offset_m, "reward": reward,
        }  # fmt: skip
        self.task = task
        self.settings = settings
        self.render_mode = render_mode
        self.start_offset_m = float(start_offset_m)
        self.action_space = spaces.Box(-1.0, 1.0, (4,), np.float32)
        ring = settings.ring.azimuths * len(settings.ring.elevations_deg) if task == "avoid" else 0
        low = np.concatenate((OBS_LOW, np.zeros(ring, np.float32)))
        high = np.concatenate((OBS_HIGH, np.ones(ring, np.float32)))
        self.observation_space = spaces.Box(low, high, dtype=np.float32)
        self._obs = np.zeros(BASE_SIZE + ring, np.float32)
        self.world: DroneWorld | None = None
        self._view: DroneTopView | None = None
        self._reset_state: dict | None = None
        self._reset_options: dict | None = None
        self._actions: list[np.ndarray] = []

    # ------------------------------------------------------------------ gymnasium API

    def reset(
        self, *, seed: int | None = None, options: dict | None = None
    ) -> tuple[np.ndarray, dict[str, Any]]:
        """Draw a new episode from the environment's generator; ``options`` are unused."""
        super().reset(seed=seed)
        self._reset_state = self.np_random.bit_generator.state
        self._reset_options = options
        self._actions = []
        return self._start()

    def _start(self) -> tuple[np.ndarray, dict[str, Any]]:
        scenario = build_scenario(self.settings, self.np_random, self.start_offset_m)
        world = DroneWorld(scenario, scenario.seed)
        self.world = world
        self.mission = world.missions[0]
        self.heading_sp = float(world.fleet.state[0, qk.HEADING])
        self.steps = 0
        self._view = None
        start = world.fleet.state[0]
        self._path = [(float(start[qk.X]), float(start[qk.Y]))]
        world.sense()
        self._target_distance = self._distance_to_target()
        return self._observe(), {
            "scenario": scenario.name,
            "world_seed": scenario.seed,
            "beaufort": scenario.wind.beaufort,
            "trees": len(world.obstacles.cylinders),
            "dt_s": world.dt,
        }

    def step(self, action: np.ndarray) -> tuple[np.ndarray, float, bool, bool, dict[str, Any]]:
        """Fly one world step (0.02 s) at the commanded velocity and yaw rate."""
        if self.world is None:
            raise RuntimeError("DroneEnv: call reset() before step()")
        a = np.clip(np.asarray(action, dtype=np.float64).reshape(4), -1.0, 1.0)
        self._actions.append(a.copy())
        world, s, w = self.world, self.settings, self.settings.reward
        horizontal = math.hypot(a[0], a[1])
        scale = s.max_speed_xy_mps / max(horizontal, 1.0)
        velocity = np.array((a[0] * scale, a[1] * scale, a[2] * s.max_speed_z_mps))
        heading = np.array([self.heading_sp + a[3] * s.max_yaw_rate_radps * world.dt])
        self.heading_sp = float(wrap_angle(heading)[0])
        mission = self.mission
        target_before = mission.points[min(mission.index, len(mission.points) - 1)].copy()
        passed_before = mission.passed
        world.step([DroneCommand(velocity, self.heading_sp)])
        world.sense()
        self.steps += 1
        position = world.fleet.state[0, (qk.X, qk.Y, qk.Z)]
        self._path.append((float(position[0]), float(position[1])))
        progress = self._target_distance - float(np.linalg.norm(position - target_before))
        self._target_distance = self._distance_to_target()
        tracking = float(distance_to_polyline(position, mission.reference)[0]) * world.dt
        energy = float(world.fleet.electrical_power_w[0]) * world.dt * _WH_PER_J
        collided = bool(world.collided[0])
        complete = mission.complete
        terms = {
            "progress": w.progress * progress,
            "tracking": w.tracking * tracking,
            "collision": w.collision if collided else 0.0,
            "energy": w.energy * energy,
            "waypoint": w.waypoint * (mission.passed - passed_before),
            "goal": w.goal if complete else 0.0,
        }
        terminated = collided or complete
        truncated = not terminated and world.time_s >= s.time_limit_s - 1e-9
        info = {
            "reward_terms": terms,
            "time_s": world.time_s,
            "collided": collided,
            "goal_reached": complete,
            "waypoints_passed": mission.passed,
        }
        return self._observe(), float(sum(terms.values())), terminated, truncated, info

    def render(self) -> np.ndarray | None:
        """The top view, ``(400, 400, 3)`` ``uint8`` (``None`` unless ``render_mode="rgb_array"``)."""
        if self.render_mode != "rgb_array":
            return None
        if self.world is None:
            return np.zeros((RENDER_SIZE_PX, RENDER_SIZE_PX, 3), np.uint8)
        if self._view is None:
            self._view = DroneTopView(self.world)
        return self._view.draw(self.world, self.mission.index, self._path)

    # ------------------------------------------------------------------ internals

    def _distance_to_target(self) -> float:
        m = self.mission
        target = m.points[min(m.index, len(m.points) - 1)]
        return float(np.linalg.norm(self.world.fleet.state[0, (qk.X, qk.Y, qk.Z)] - target))

    def _observe(self) -> np.ndarray:
        world, m, obs = self.world, self.mission, self._obs
        st = world.fleet.state[0]
        target = m.points[min(m.index, len(m.points) - 1)]
        obs[0] = target[0] - st[qk.X]
        obs[1] = target[1] - st[qk.Y]
        obs[2] = target[2] - st[qk.Z]
        obs[3:6] = st[qk.VX : qk.VZ + 1]
        obs[6:9] = np.concatenate(euler_angles(world.fleet.state[:1]))
        obs[9:12] = st[qk.VX : qk.VZ + 1] - world.fleet.wind_mps[0]
        obs[12] = world.fleet.battery.soc[0]
        if self.task == "avoid":
            ranges = world.ring_ranges[0].ravel() / self.settings.ring.max_range_m
            obs[RING_SLICE] = np.minimum(ranges, 1.0)
        np.clip(obs, self.observation_space.low, self.observation_space.high, out=obs)
        return obs.copy()

    # ------------------------------------------------------------------ pickling

    def __getstate__(self) -> dict[str, Any]:
        return {
            "kwargs": self._kwargs,
            "reset_state": self._reset_state,
            "reset_options": self._reset_options,
            "actions": list(self._actions),
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        DroneEnv.__init__(self, **state["kwargs"])
        if state["reset_state"] is None:
            return
        rng = np.random.default_rng()
        rng.bit_generator.state = state["reset_state"]
        self._np_random = rng
        self._reset_state = state["reset_state"]
        self._reset_options = state["reset_options"]
        self._start()
        for action in state["actions"]:
            self.step(action)


class DroneHoverEnv(DroneEnv):
    """Hold a point in wind of a Beaufort level drawn at each reset (0-6)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(task="hover", **kwargs)


class DroneWaypointEnv(DroneEnv):
    """Pass 3-5 waypoints in order."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(task="waypoint", **kwargs)


class DroneAvoidEnv(DroneEnv):
    """Cross a forest of random density to a goal, seeing the trees with the 360° ring."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(task="avoid", **kwargs)
