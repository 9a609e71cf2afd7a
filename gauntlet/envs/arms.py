"""Goal-conditioned robot-arm environments (pybullet): reach, push, pick-and-place, peg insertion.

Ids: ``gauntlet/ArmReach-v0``, ``gauntlet/ArmPush-v0``, ``gauntlet/ArmPickPlace-v0``,
``gauntlet/ArmPegInsert-v0``. Keyword arguments of ``gymnasium.make``:

* ``robot``: one of :data:`gauntlet.skills.robot_specs.ROBOTS` (default ``panda``);
* ``action_mode``: ``"ee"`` (TCP displacement dx, dy, dz in [-1, 1] x 30 mm, plus a
  gripper command, > 0 opens) or ``"joint"`` (joint-angle change per joint in
  [-1, 1] x 0.1 rad, plus the gripper command);
* ``reward_type``: ``"dense"`` (minus the goal distance, m) or ``"sparse"``
  (-1 until within :data:`SUCCESS_M` of the goal, then 0);
* ``max_episode_steps`` (default 50);
* ``randomise``: domain randomisation per episode (object mass and friction
  +-20 %, joint damping +-30 %, an actuation latency of 0 or 1 step, 2 mm noise
  on the observed object position; object and goal poses are random anyway).

Observations are dicts for hindsight experience replay: ``observation``
(joint angles rad, joint speeds rad/s, TCP position m, finger opening m, then
for object tasks the object position m and its offset from the TCP m),
``achieved_goal`` (TCP or object position, m) and ``desired_goal`` (m);
:meth:`ArmEnv.compute_reward` recomputes rewards for substituted goals.
Control runs at 25 Hz with 20 physics substeps (2 ms). ``render_mode="rgb_array"``
frames are ``(400, 400, 3)`` ``uint8`` from pybullet's tiny renderer.

Each environment owns one DIRECT pybullet client, created on the first
reset. It pickles as its constructor arguments, the generator state of its
last reset and the actions since; unpickling rebuilds the client and replays
them, so a copy continues bit for bit. Importing this module does not
import pybullet.
"""

from __future__ import annotations

from typing import Any

import gymnasium
import numpy as np
from gymnasium import spaces

#: Frame size of ``render()`` (px), as for every Gauntlet environment.
RENDER_SIZE_PX = 400
#: Goal distance that counts as success (m).
SUCCESS_M = 0.05
CONTROL_HZ = 25.0
SUBSTEPS = 20
#: Constraint-solver iterations per substep (pybullet's default is 50; 10 holds the joint
#: servos and grasps at 2 ms substeps and halves the cost).
SOLVER_ITERATIONS = 10
#: IK iterations per control step: each step starts from the arm's current pose 30 mm away.
IK_ITERATIONS = 3
EE_STEP_M = 0.03
JOINT_STEP_RAD = 0.1
#: TCP workspace box (m).
WORKSPACE = (np.array([0.25, -0.3, 0.02]), np.array([0.65, 0.3, 0.45]))
TASKS = ("reach", "push", "pick_place", "peg_insert")
OBS_LIMIT = 20.0
#: Perturbations drawn per episode with ``randomise=True``: relative spreads of the
#: object's mass and friction and of the joint damping, the std. dev. of the noise
#: on the observed object position (m); the actuation latency is 0 or 1 step.
RANDOMISATION = {"mass_rel": 0.2, "friction_rel": 0.2, "damping_rel": 0.3, "sensor_noise_m": 0.002}


class GoalObservation(dict):
    """The observation dict, equal to another when every array is equal (``numpy.array_equal``).

    A plain dict of arrays cannot be compared with ``==``; this one can, so
    tests and tools that compare observations as values work with it.
    """

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, dict) or self.keys() != other.keys():
            return False
        return all(np.array_equal(self[k], other[k]) for k in self)

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = None  # type: ignore[assignment]


class ArmEnv(gymnasium.Env):
    """One arm, one task; see the module docstring."""

    metadata = {"render_modes": ["rgb_array"], "render_fps": int(CONTROL_HZ)}

    def __init__(
        self,
        task: str = "reach",
        robot: str = "panda",
        action_mode: str = "ee",
        reward_type: str = "dense",
        max_episode_steps: int = 50,
        render_mode: str | None = None,
        randomise: bool = False,
    ) -> None:
        from gauntlet.skills.robot_specs import robot_spec

        if task not in TASKS:
            raise ValueError(f"task {task!r}: expected one of {', '.join(TASKS)}")
        if action_mode not in ("ee", "joint"):
            raise ValueError(f"action_mode {action_mode!r}: expected 'ee' or 'joint'")
        if reward_type not in ("dense", "sparse"):
            raise ValueError(f"reward_type {reward_type!r}: expected 'dense' or 'sparse'")
        if render_mode not in (None, "rgb_array"):
            raise ValueError(f"render_mode {render_mode!r}: expected None or 'rgb_array'")
        self.spec_robot = robot_spec(robot)
        self._kwargs = dict(
            task=task,
            robot=robot,
            action_mode=action_mode,
            reward_type=reward_type,
            max_episode_steps=max_episode_steps,
            render_mode=render_mode,
            randomise=randomise,
        )
        self.randomise = randomise
        self.task, self.robot_name = task, robot
        self.action_mode, self.reward_type = action_mode, reward_type
        self.max_episode_steps = max_episode_steps
        self.render_mode = render_mode
        dof = self.spec_robot.dof
        self.has_object = task != "reach"
        n_obs = 2 * dof + 4 + (6 if self.has_object else 0)
        box3 = spaces.Box(-OBS_LIMIT, OBS_LIMIT, (3,), np.float64)
        self.observation_space = spaces.Dict(
            {
                "observation": spaces.Box(-OBS_LIMIT, OBS_LIMIT, (n_obs,), np.float64),
                "achieved_goal": box3,
                "desired_goal": box3,
            }
        )
        n_act = (3 if action_mode == "ee" else dof) + 1
        self.action_space = spaces.Box(-1.0, 1.0, (n_act,), np.float32)
        self._client = -1
        self._actions: list[np.ndarray] = []
        self._reset_state: dict | None = None
        self._reset_options: dict | None = None

    # ------------------------------------------------------------------ physics
    def _build(self) -> None:
        from gauntlet.skills._pybullet import pb
        from gauntlet.skills.bodies import box, compound_boxes, peg_hole_parts, set_gravity
        from gauntlet.skills.robots import Robot

        self._pb = pb
        c = self._client = pb.connect(pb.DIRECT)
        set_gravity(c)
        pb.setPhysicsEngineParameter(
            fixedTimeStep=1.0 / CONTROL_HZ,
            numSubSteps=SUBSTEPS,
            numSolverIterations=SOLVER_ITERATIONS,
            deterministicOverlappingPairs=1,
            physicsClientId=c,
        )
        self.robot = Robot(c, self.spec_robot, (0, 0, 0), 0.0, (0.45, 0.0, 0.25))
        self.object = self.table = self.hole = -1
        if self.has_object:
            self.table = box(c, (0.4, 0.5, 0.025), (0.45, 0, -0.025), 0.0, (0.6, 0.5, 0.4, 1))
            size = (0.015, 0.015, 0.04) if self.task == "peg_insert" else (0.02, 0.02, 0.02)
            self.object_half = size
        if self.task == "peg_insert":
            d = 0.05
            grey = (0.55, 0.55, 0.6, 1)
            self.hole = compound_boxes(c, peg_hole_parts(0.018, d), (0.45, 0.15, 0), grey)
            self.hole_depth = d
        vis = pb.createVisualShape(
            pb.GEOM_SPHERE, radius=0.02, rgbaColor=(0.2, 0.9, 0.2, 0.6), physicsClientId=c
        )
        self.goal_marker = pb.createMultiBody(0, -1, vis, (0.45, 0, 0.2), physicsClientId=c)
        self.home = self.robot.home.copy()
        self.grip_constraint: int | None = None
        self.nominal_damping = [
            pb.getJointInfo(self.robot.body, j, physicsClientId=c)[6] for j in self.robot.arm_joints
        ]
        self.robot.reset_joints(self.home, opening_m=2 * self.spec_robot.finger_max_m)
        self._snapshot = pb.saveState(physicsClientId=c)

    # ------------------------------------------------------------------ gymnasium API
    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple[dict, dict]:
        super().reset(seed=seed)
        self._reset_state = self.np_random.bit_generator.state
        self._reset_options = options
        self._actions = []
        self._reset_sim()
        obs = self._obs()
        return obs, self._info(obs)

    def _reset_sim(self) -> None:
        from gauntlet.skills.bodies import box

        if self._client < 0:
            self._build()
        pb, c, rng = self._pb, self._client, self.np_random
        if self.grip_constraint is not None:
            pb.removeConstraint(self.grip_constraint, physicsClientId=c)
            self.grip_constraint = None
        # Every episode starts from the snapshot taken after building (contacts included).
        if self.object >= 0:
            pb.removeBody(self.object, physicsClientId=c)
            self.object = -1
        pb.restoreState(self._snapshot, physicsClientId=c)
        self.robot.reset_joints(self.home, opening_m=2 * self.spec_robot.finger_max_m)
        self.target = self.robot.tcp_pose()[0]
        self.opening = 2 * self.spec_robot.finger_max_m
        self.steps = 0
        lo, hi = WORKSPACE
        if self.task == "reach":
            self.goal = rng.uniform(lo + [0.05, 0.05, 0.05], hi - [0.05, 0.05, 0.15])
        else:
            obj_xy = rng.uniform([0.38, -0.12], [0.52, 0.12])
            h = self.object_half[2]
            # A new body each episode: no contact history carries over from the last one.
            self.object = box(c, self.object_half, (*obj_xy, h), 0.1, (0.85, 0.3, 0.2, 1))
            pb.changeDynamics(self.object, -1, lateralFriction=0.8, physicsClientId=c)
            if self.task == "push":
                goal_xy = obj_xy + rng.uniform(-0.1, 0.1, 2)
                self.goal = np.array([*goal_xy, h])
            elif self.task == "pick_place":
                goal_xy = rng.uniform([0.38, -0.15], [0.52, 0.15])
                self.goal = np.array([*goal_xy, h + rng.uniform(0.0, 0.15)])
            else:
                self.goal = np.array([0.45, 0.15, self.hole_depth - 0.035 + h])
                # The peg starts in the hand above the work area.
                tcp = self.robot.tcp_pose()[0]
                pb.resetBasePositionAndOrientation(
                    self.object,
                    (tcp[0], tcp[1], tcp[2] - h + 0.02),
                    (0, 0, 0, 1),
                    physicsClientId=c,
                )
                self.opening = 0.0
                self.robot.reset_joints(self.home, opening_m=2 * self.object_half[0])
                self._attach()
        self.goal = np.asarray(self.goal, dtype=float)
        pb.resetBasePositionAndOrientation(
            self.goal_marker, self.goal.tolist(), (0, 0, 0, 1), physicsClientId=c
        )
        self._perturb(rng)

    def _perturb(self, rng: np.random.Generator) -> None:
        """Domain randomisation of this episode (nominal values when ``randomise`` is off)."""
        from gauntlet.skills.bodies import perturbed

        pb, c = self._pb, self._client
        r = RANDOMISATION if self.randomise else {k: 0.0 for k in RANDOMISATION}
        for j, damping in zip(self.robot.arm_joints, self.nominal_damping, strict=True):
            pb.changeDynamics(
                self.robot.body,
                j,
                jointDamping=perturbed(rng, damping, r["damping_rel"]),
                physicsClientId=c,
            )
        if self.object >= 0:
            pb.changeDynamics(
                self.object,
                -1,
                mass=perturbed(rng, 0.1, r["mass_rel"]),
                lateralFriction=perturbed(rng, 0.8, r["friction_rel"]),
                physicsClientId=c,
            )
        latency_steps = int(rng.integers(0, 2)) if self.randomise else 0
        self.noise_m = r["sensor_noise_m"]
        # Until the first action arrives the arm holds still with the gripper as it is.
        hold = np.zeros(self.action_space.shape, dtype=np.float64)
        hold[-1] = 1.0 if self.opening > 0 else -1.0
        self._pending: list[np.ndarray] = [hold] * latency_steps

    def _attach(self) -> None:
        from gauntlet.skills.bodies import grip

        r = self.robot
        max_force_n = 2 * 0.8 * self.spec_robot.finger_force_n
        self.grip_constraint = grip(
            self._client, r.gripper_body, r.palm, self.object, -1, max_force_n
        )

    def step(self, action: np.ndarray) -> tuple[dict, float, bool, bool, dict]:
        if self._client < 0:
            raise RuntimeError("call reset() before step()")
        a = np.clip(np.asarray(action, dtype=np.float64), -1.0, 1.0)
        self._actions.append(a.copy())
        self._apply(a)
        self.steps += 1
        obs = self._obs()
        info = self._info(obs)
        reward = float(self.compute_reward(obs["achieved_goal"], obs["desired_goal"], info))
        truncated = self.steps >= self.max_episode_steps
        return obs, reward, False, truncated, info

    def _apply(self, a: np.ndarray) -> None:
        pb, r = self._pb, self.robot
        # Actuation latency: the arm acts on the action of ``latency_steps`` steps ago.
        self._pending.append(a)
        a = self._pending.pop(0)
        if self.action_mode == "ee":
            lo, hi = WORKSPACE
            self.target = np.clip(self.target + a[:3] * EE_STEP_M, lo, hi)
            q = r.solve_ik(self.target, 0.0, max_iterations=IK_ITERATIONS)
        else:
            q = np.clip(r.joint_positions() + a[:-1] * JOINT_STEP_RAD, r.lower, r.upper)
        r.command_joints(q)
        if self.task != "peg_insert":
            self.opening = 2 * self.spec_robot.finger_max_m if a[-1] > 0 else 0.0
            if self.has_object:
                self._update_grip(a[-1] > 0)
        r.command_gripper(self.opening)
        pb.stepSimulation(physicsClientId=self._client)

    def _update_grip(self, open_cmd: bool) -> None:
        if open_cmd and self.grip_constraint is not None:
            self._pb.removeConstraint(self.grip_constraint, physicsClientId=self._client)
            self.grip_constraint = None
        elif not open_cmd and self.grip_constraint is None and self.task == "pick_place":
            left, right = self.robot.finger_forces(self.object)
            if min(left, right) > 1.0:
                self._attach()

    def _obs(self) -> GoalObservation:
        pb, r = self._pb, self.robot
        tcp = r.tcp_pose()[0]
        q, qd = r.joint_state()
        parts = [q, qd, tcp, [r.opening()]]
        achieved = tcp
        if self.has_object:
            obj = np.array(
                pb.getBasePositionAndOrientation(self.object, physicsClientId=self._client)[0]
            )
            # Sensor noise on what the policy sees of the object (the goal stays exact).
            seen = obj + self.np_random.normal(0.0, self.noise_m, 3) if self.noise_m else obj
            parts += [seen, seen - tcp]
            achieved = obj
        observation = np.clip(np.concatenate(parts), -OBS_LIMIT, OBS_LIMIT)
        return GoalObservation(
            {
                "observation": observation.astype(np.float64),
                "achieved_goal": np.clip(achieved, -OBS_LIMIT, OBS_LIMIT).astype(np.float64),
                "desired_goal": self.goal.astype(np.float64).copy(),
            }
        )

    def _info(self, obs: dict) -> dict[str, Any]:
        d = float(np.linalg.norm(obs["achieved_goal"] - obs["desired_goal"]))
        return {
            "scenario": f"arm_{self.task}/{self.robot_name}",
            "is_success": d < SUCCESS_M,
            "reward_terms": {"distance_m": d, "success": float(d < SUCCESS_M)},
        }

    def compute_reward(self, achieved_goal: np.ndarray, desired_goal: np.ndarray, info: Any) -> Any:
        """Reward of reaching ``achieved_goal`` when ``desired_goal`` was wanted (batched too)."""
        d = np.linalg.norm(np.asarray(achieved_goal) - np.asarray(desired_goal), axis=-1)
        if self.reward_type == "sparse":
            return -(d >= SUCCESS_M).astype(np.float64)
        return -d

    def render(self) -> np.ndarray | None:
        if self.render_mode != "rgb_array":
            return None
        if self._client < 0:
            self.reset()
        pb = self._pb
        view = pb.computeViewMatrixFromYawPitchRoll((0.45, 0.0, 0.1), 1.2, 50, -30, 0, 2)
        proj = pb.computeProjectionMatrixFOV(50, 1.0, 0.05, 5.0)
        _, _, rgba, _, _ = pb.getCameraImage(
            RENDER_SIZE_PX,
            RENDER_SIZE_PX,
            view,
            proj,
            renderer=pb.ER_TINY_RENDERER,
            physicsClientId=self._client,
        )
        return (
            np.asarray(rgba, dtype=np.uint8)
            .reshape(RENDER_SIZE_PX, RENDER_SIZE_PX, 4)[:, :, :3]
            .copy()
        )

    def close(self) -> None:
        if self._client >= 0:
            self._pb.disconnect(self._client)
            self._client = -1

    # ------------------------------------------------------------------ pickling
    def __getstate__(self) -> dict:
        return {
            "kwargs": self._kwargs,
            "reset_state": self._reset_state,
            "reset_options": self._reset_options,
            "actions": [a.copy() for a in self._actions],
            "rng_state": self.np_random.bit_generator.state
            if self._np_random is not None
            else None,
        }

    def __setstate__(self, state: dict) -> None:
        ArmEnv.__init__(self, **state["kwargs"])
        if state["reset_state"] is not None:
            self._np_random = np.random.Generator(np.random.PCG64())
            self._np_random.bit_generator.state = state["reset_state"]
            self._reset_state = state["reset_state"]
            self._reset_options = state["reset_options"]
            self._reset_sim()
            for a in state["actions"]:
                self._actions.append(a.copy())
                self._apply(a)
                self.steps += 1
        if state["rng_state"] is not None:
            if self._np_random is None:
                self._np_random = np.random.Generator(np.random.PCG64())
            self._np_random.bit_generator.state = state["rng_state"]


class ArmReachEnv(ArmEnv):
    """Bring the TCP to a goal point."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(task="reach", **kwargs)


class ArmPushEnv(ArmEnv):
    """Push a cube to a goal on the table."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(task="push", **kwargs)


class ArmPickPlaceEnv(ArmEnv):
    """Pick a cube and bring it to a goal, on the table or in the air."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(task="pick_place", **kwargs)


class ArmPegInsertEnv(ArmEnv):
    """Insert the held peg into a hole."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(task="peg_insert", **kwargs)
