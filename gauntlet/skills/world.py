"""The simulated cell of one skill run: a pybullet client, the scene, the arms, the clock.

Physics steps at ``PHYSICS_DT_S`` (1/240 s); controllers decide every
``CONTROL_EVERY`` physics steps (60 Hz). An arm's command is a TCP target
(position, yaw) that IK turns into joint targets, plus a finger opening; an
actuation latency (domain randomisation) delays commands by whole control
ticks. The cell records the TCP paths and the largest gripper contact force.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

import numpy as np

from gauntlet.scenarios import skill as sk
from gauntlet.skills._pybullet import pb
from gauntlet.skills.bodies import grip, perturbed, set_gravity
from gauntlet.skills.robots import Robot, robot_spec
from gauntlet.skills.scene import Scene

PHYSICS_DT_S = 1.0 / 240.0
CONTROL_EVERY = 4
CONTROL_DT_S = PHYSICS_DT_S * CONTROL_EVERY
#: Home TCP position of the main arm (m): above the middle of the work area.
HOME_XYZ_M = (0.4, 0.0, 0.3)
#: Fastest a joint target may move (rad/s), below every arm's published joint speed.
MAX_JOINT_SPEED_RADPS = 2.0
#: Fastest the commanded hand heading turns (rad/s), so IK follows a smooth pose path.
MAX_YAW_RATE_RADPS = 1.5


@dataclass
class Arm:
    """One arm and what it is commanded and holding."""

    name: str
    robot: Robot
    target: np.ndarray
    yaw: float
    opening: float
    force_scale: float = 1.0
    held: str | None = None
    held_constraint: int | None = None
    queue: deque = field(default_factory=deque)
    q_cmd: np.ndarray = field(default_factory=lambda: np.zeros(0))
    yaw_cmd: float = 0.0


class Cell:
    """One skill scenario's world, in its own DIRECT pybullet client.

    Args:
        scenario: The skill scenario.
        seed: Seeds every random draw (object jitter, randomisation, sensor noise).
    """

    def __init__(self, scenario: sk.SkillScenario, seed: int) -> None:
        self.scenario = scenario
        self.rng = np.random.default_rng(seed)
        self.client = pb.connect(pb.DIRECT)
        c = self.client
        set_gravity(c)
        pb.setTimeStep(PHYSICS_DT_S, physicsClientId=c)
        pb.setPhysicsEngineParameter(deterministicOverlappingPairs=1, physicsClientId=c)
        self.scene = Scene(c, scenario, self.rng)
        self.arms: dict[str, Arm] = {}
        main = Robot(c, robot_spec(scenario.robot), (0.0, 0.0, 0.0), 0.0, HOME_XYZ_M)
        self.arms["main"] = self._arm("main", main)
        if scenario.helper_robot:
            hx, hy = scenario.helper_base_m[0], scenario.helper_base_m[1]
            home = (hx - (HOME_XYZ_M[0]), hy, HOME_XYZ_M[2])
            helper = Robot(c, robot_spec(scenario.helper_robot), (hx, hy, 0.0), math.pi, home)
            self.arms["helper"] = self._arm("helper", helper)
        self._randomise(scenario.randomisation)
        self.time_s = 0.0
        self.ticks = 0
        self.max_contact_n = 0.0
        self.tcp_path: dict[str, list[np.ndarray]] = {a: [] for a in self.arms}
        self.joint_path: list[np.ndarray] = []
        # Let objects settle on the table before anything moves.
        for _ in range(24):
            pb.stepSimulation(physicsClientId=c)

    def _arm(self, name: str, robot: Robot) -> Arm:
        pos, _ = robot.tcp_pose()
        return Arm(
            name,
            robot,
            pos,
            robot.tcp_yaw(),
            robot.opening(),
            q_cmd=robot.joint_positions(),
            yaw_cmd=robot.tcp_yaw(),
        )

    def _randomise(self, r: sk.Randomisation) -> None:
        c = self.client
        self.latency_ticks = 0
        if r.latency_s > 0:
            self.latency_ticks = int(round(self.rng.uniform(0.0, r.latency_s) / CONTROL_DT_S))
        for name in self.scene.object_names():
            body = self.scene.items[name].body
            info = pb.getDynamicsInfo(body, -1, physicsClientId=c)
            mass = perturbed(self.rng, info[0], r.mass_rel)
            friction = perturbed(self.rng, info[1], r.friction_rel)
            pb.changeDynamics(body, -1, mass=mass, lateralFriction=friction, physicsClientId=c)
        if r.damping_rel > 0:
            for arm in self.arms.values():
                for j in arm.robot.arm_joints:
                    damping = perturbed(self.rng, 0.5, r.damping_rel)
                    pb.changeDynamics(arm.robot.body, j, jointDamping=damping, physicsClientId=c)
        self.sensor_noise_m = r.sensor_noise_m

    # ------------------------------------------------------------------ sensing
    def observed_grasp_point(self, name: str, offset_m: float = 0.0) -> tuple[np.ndarray, float]:
        """The grasp point of ``name`` as the cell's (noisy) object sensor reports it."""
        p, yaw = self.scene.grasp_point(name, offset_m)
        if self.sensor_noise_m > 0:
            p = p + np.append(self.rng.normal(0.0, self.sensor_noise_m, 2), 0.0)
        return p, yaw

    # ------------------------------------------------------------------ stepping
    def tick(self) -> None:
        """One control period: send each arm's command (after latency), step physics."""
        c = self.client
        for arm in self.arms.values():
            command = (arm.target.copy(), arm.yaw, arm.opening, arm.force_scale)
            arm.queue.append(command)
            if len(arm.queue) <= self.latency_ticks:
                continue
            target, yaw, opening, scale = arm.queue.popleft()
            # The hand turns at most MAX_YAW_RATE (a half turn is the same grip).
            turn = (yaw - arm.yaw_cmd + math.pi / 2) % math.pi - math.pi / 2
            arm.yaw_cmd += float(
                np.clip(turn, -MAX_YAW_RATE_RADPS * CONTROL_DT_S, MAX_YAW_RATE_RADPS * CONTROL_DT_S)
            )
            q = arm.robot.solve_ik(target, arm.yaw_cmd, max_iterations=12)
            # Joint targets move at most MAX_JOINT_SPEED: no jumps between IK branches.
            step = MAX_JOINT_SPEED_RADPS * CONTROL_DT_S
            arm.q_cmd = arm.q_cmd + np.clip(q - arm.q_cmd, -step, step)
            arm.robot.command_joints(arm.q_cmd, scale)
            arm.robot.command_gripper(opening)
        for _ in range(CONTROL_EVERY):
            pb.stepSimulation(physicsClientId=c)
        self.time_s += CONTROL_DT_S
        self.ticks += 1
        for name, arm in self.arms.items():
            self.tcp_path[name].append(arm.robot.tcp_pose()[0])
            self.max_contact_n = max(self.max_contact_n, self.gripper_contact_force(arm))
        self.joint_path.append(self.arms["main"].robot.joint_positions())

    def gripper_contact_force(self, arm: Arm) -> float:
        """Sum of normal contact forces (N) between the arm's gripper and the scene."""
        total = 0.0
        for item in self.scene.items.values():
            for f in arm.robot.fingers:
                pts = pb.getContactPoints(
                    arm.robot.gripper_body, item.body, linkIndexA=f, physicsClientId=self.client
                )
                total += sum(p[9] for p in pts)
        return total

    # ------------------------------------------------------------------ holding
    def attach(self, arm: Arm, name: str, max_force_n: float) -> None:
        """Hold ``name`` rigidly in ``arm``'s hand (the grip, up to ``max_force_n`` N)."""
        item = self.scene.items[name]
        robot = arm.robot
        cid = grip(self.client, robot.gripper_body, robot.palm, item.body, item.link, max_force_n)
        arm.held, arm.held_constraint = name, cid

    def detach(self, arm: Arm) -> None:
        """Let go of whatever ``arm`` holds."""
        if arm.held_constraint is not None:
            pb.removeConstraint(arm.held_constraint, physicsClientId=self.client)
        arm.held, arm.held_constraint = None, None

    def close(self) -> None:
        """Disconnect the pybullet client."""
        if self.client >= 0:
            pb.disconnect(self.client)
            self.client = -1
