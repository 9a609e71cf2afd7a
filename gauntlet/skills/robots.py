"""Robot arms by name: loading into a pybullet client, joint control, IK, the gripper.

Five arms ship (:data:`ROBOTS`): KUKA LBR iiwa 14, Franka Panda and UFactory
xArm6 from ``pybullet_data``; Universal Robots UR5e and Kinova Gen3 from the
URDFs in ``assets/robots/`` (written from published DH tables, see
:mod:`gauntlet.skills.robot_models`). Arms without a gripper of their own get
the two-finger parallel gripper of ``assets/robots/parallel_gripper.urdf``,
held on the flange by a fixed constraint.

Every :class:`Robot` lives in one pybullet client (``client``) that its
caller owns; nothing here touches pybullet's default client. The tool centre
point (TCP) frame has z pointing out of the fingers and the fingers closing
along its y axis; :func:`down_quaternion` is the TCP orientation pointing at
the table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pybullet_data

from gauntlet.library import assets_root
from gauntlet.skills._pybullet import pb


@dataclass(frozen=True)
class RobotSpec:
    """How to load and drive one arm model.

    Attributes:
        name: Registry name.
        title: Maker and model.
        urdf: ``pybullet_data:<path>`` or ``assets:<path>``.
        dof: Number of arm joints (revolute, in chain order).
        tcp_link: Link whose frame is the TCP, on the arm (``None``: on the attached gripper).
        flange_link: The last arm link (the attached gripper hangs here).
        finger_joints: The two finger joints (on the arm, or on the attached gripper).
        finger_max_m: Travel of each finger, m (the opening is twice this).
        finger_force_n: Force of each finger, N.
        seed_rad: Joint angles the home-pose IK starts from, rad.
        reach_m: Published reach, m.
        source: Where the model comes from.
        palm_link: The link a grasped object is held by (when the gripper is the arm's own).
        mount_m: Where the base sits relative to the cell's base position (m, base frame):
            the tall iiwa stands 0.15 m further back to work near the table with its elbow free.
    """

    name: str
    title: str
    urdf: str
    dof: int
    tcp_link: str | None
    flange_link: str
    finger_joints: tuple[str, str]
    finger_max_m: float
    finger_force_n: float
    seed_rad: tuple[float, ...]
    reach_m: float
    source: str
    palm_link: str = "palm"
    mount_m: tuple[float, float, float] = (0.0, 0.0, 0.0)


#: Gain of pybullet's joint position servo (its default, 0.1, lags heavy arms).
POSITION_GAIN = 0.3
GRIPPER_URDF = "assets:robots/parallel_gripper.urdf"
#: TCP offset of the parallel gripper from its palm (the flange), m along z.
GRIPPER_TCP_M = 0.075

ROBOTS: dict[str, RobotSpec] = {
    spec.name: spec
    for spec in (
        RobotSpec(
            "kuka_iiwa",
            "KUKA LBR iiwa 14 R820",
            "pybullet_data:kuka_iiwa/model.urdf",
            7,
            None,
            "lbr_iiwa_link_7",
            ("left_finger_joint", "right_finger_joint"),
            0.05,
            40.0,
            (0.0, 0.6, 0.0, -1.5, 0.0, 1.0, 0.0),
            0.82,
            "pybullet_data kuka_iiwa/model.urdf (KUKA LBR iiwa 14 R820)",
            mount_m=(-0.15, 0.0, 0.0),
        ),
        RobotSpec(
            "panda",
            "Franka Emika Panda",
            "pybullet_data:franka_panda/panda.urdf",
            7,
            "panda_grasptarget",
            "panda_link8",
            ("panda_finger_joint1", "panda_finger_joint2"),
            0.04,
            40.0,
            (0.0, -0.2, 0.0, -2.2, 0.0, 2.0, 0.785),
            0.855,
            "pybullet_data franka_panda/panda.urdf (Franka Emika Panda with hand)",
            "panda_hand",
        ),
        RobotSpec(
            "xarm6",
            "UFactory xArm6",
            "pybullet_data:xarm/xarm6_robot.urdf",
            6,
            None,
            "link6",
            ("left_finger_joint", "right_finger_joint"),
            0.05,
            40.0,
            (0.0, -0.3, -0.9, 0.0, 1.2, 0.0),
            0.7,
            "pybullet_data xarm/xarm6_robot.urdf (UFactory xArm6)",
        ),
        RobotSpec(
            "ur5e",
            "Universal Robots UR5e",
            "assets:robots/ur5e.urdf",
            6,
            "tcp",
            "tool0",
            ("left_finger_joint", "right_finger_joint"),
            0.05,
            40.0,
            (math.pi, -1.9, 1.9, -1.57, -1.57, 0.0),
            0.85,
            "assets/robots/ur5e.urdf, from Universal Robots' published DH parameters",
        ),
        RobotSpec(
            "kinova_gen3",
            "Kinova Gen3 7-DOF",
            "assets:robots/kinova_gen3.urdf",
            7,
            "tcp",
            "tool0",
            ("left_finger_joint", "right_finger_joint"),
            0.05,
            40.0,
            (0.0, 0.6, 0.0, 1.8, 0.0, 0.7, 0.0),
            0.902,
            "assets/robots/kinova_gen3.urdf, from the Kinova Gen3 User Guide DH table",
        ),
    )
}


class UnknownRobotError(KeyError):
    """A robot name that is not in :data:`ROBOTS`."""

    def __str__(self) -> str:
        return f"unknown robot {self.args[0]!r}; known robots: {', '.join(sorted(ROBOTS))}"


def robot_spec(name: str) -> RobotSpec:
    """The spec of robot ``name``; :class:`UnknownRobotError` lists the known ones."""
    try:
        return ROBOTS[name]
    except KeyError:
        raise UnknownRobotError(name) from None


def model_path(urdf: str) -> Path:
    """The file behind a ``pybullet_data:`` or ``assets:`` model name."""
    origin, _, rel = urdf.partition(":")
    if origin == "pybullet_data":
        return Path(pybullet_data.getDataPath()) / rel
    if origin == "assets":
        return assets_root() / rel
    raise ValueError(f"model {urdf!r}: expected 'pybullet_data:<path>' or 'assets:<path>'")


def down_quaternion(yaw_rad: float = 0.0) -> tuple[float, float, float, float]:
    """TCP orientation (x, y, z, w) pointing straight down, fingers closing along yaw + pi/2."""
    half = yaw_rad / 2
    # Rz(yaw) * Rx(pi)
    return (math.cos(half), math.sin(half), 0.0, 0.0)


def _links_by_name(client: int, body: int) -> dict[str, int]:
    return {
        pb.getJointInfo(body, j, physicsClientId=client)[12].decode(): j
        for j in range(pb.getNumJoints(body, physicsClientId=client))
    }


def _joints_by_name(client: int, body: int) -> dict[str, int]:
    return {
        pb.getJointInfo(body, j, physicsClientId=client)[1].decode(): j
        for j in range(pb.getNumJoints(body, physicsClientId=client))
    }


class Robot:
    """One arm (with its gripper) in a pybullet client.

    Args:
        client: The pybullet client id that owns the arm.
        spec: Which model.
        base_xyz_m: Base position, m (world frame).
        base_yaw_rad: Base heading about z, rad.
        home_xyz_m: TCP position the home pose reaches (pointing down), m.
    """

    def __init__(
        self,
        client: int,
        spec: RobotSpec,
        base_xyz_m: tuple[float, float, float] = (0.0, 0.0, 0.0),
        base_yaw_rad: float = 0.0,
        home_xyz_m: tuple[float, float, float] | None = None,
    ) -> None:
        self.client = client
        self.spec = spec
        c, s = math.cos(base_yaw_rad), math.sin(base_yaw_rad)
        mx, my, mz = spec.mount_m
        base_xyz_m = (
            base_xyz_m[0] + c * mx - s * my,
            base_xyz_m[1] + s * mx + c * my,
            base_xyz_m[2] + mz,
        )
        self.base_yaw = float(base_yaw_rad)
        orn = pb.getQuaternionFromEuler((0.0, 0.0, base_yaw_rad))
        # Our URDFs carry computed inertias; pybullet_data's xArm has some it rejects.
        from_file = pb.URDF_USE_INERTIA_FROM_FILE if spec.urdf.startswith("assets:") else 0
        self.body = pb.loadURDF(
            str(model_path(spec.urdf)),
            basePosition=base_xyz_m,
            baseOrientation=orn,
            useFixedBase=True,
            flags=from_file,
            physicsClientId=client,
        )
        joints = _joints_by_name(client, self.body)
        links = _links_by_name(client, self.body)
        self.arm_joints = [
            j
            for j in range(pb.getNumJoints(self.body, physicsClientId=client))
            if pb.getJointInfo(self.body, j, physicsClientId=client)[2] == pb.JOINT_REVOLUTE
        ][: spec.dof]
        infos = [pb.getJointInfo(self.body, j, physicsClientId=client) for j in self.arm_joints]
        self.lower = np.array([i[8] for i in infos])
        self.upper = np.array([i[9] for i in infos])
        self.effort = np.array([i[10] for i in infos])
        self.flange = links[spec.flange_link]
        if spec.tcp_link is None:
            flange_state = pb.getLinkState(self.body, self.flange, physicsClientId=client)
            self.gripper_body = pb.loadURDF(
                str(model_path(GRIPPER_URDF)),
                basePosition=flange_state[4],
                baseOrientation=flange_state[5],
                flags=pb.URDF_USE_INERTIA_FROM_FILE,
                physicsClientId=client,
            )
            # Constraint frames are relative to the link's centre of mass.
            info = pb.getDynamicsInfo(self.body, self.flange, physicsClientId=client)
            frame_pos, frame_orn = pb.invertTransform(info[3], info[4])
            self.mount = pb.createConstraint(
                self.body,
                self.flange,
                self.gripper_body,
                -1,
                pb.JOINT_FIXED,
                (0, 0, 0),
                frame_pos,
                (0, 0, 0),
                parentFrameOrientation=frame_orn,
                physicsClientId=client,
            )
            pb.changeConstraint(self.mount, maxForce=5000.0, physicsClientId=client)
            # The palm overlaps the flange link by construction: no contacts between them.
            for a in range(-1, pb.getNumJoints(self.body, physicsClientId=client)):
                for g in range(-1, pb.getNumJoints(self.gripper_body, physicsClientId=client)):
                    pb.setCollisionFilterPair(
                        self.body, self.gripper_body, a, g, 0, physicsClientId=client
                    )
            gjoints = _joints_by_name(client, self.gripper_body)
            self.fingers = [gjoints[n] for n in spec.finger_joints]
            self.tcp = _links_by_name(client, self.gripper_body)["tcp"]
            self.ik_link = self.flange
            self.ik_offset = GRIPPER_TCP_M
            self.palm = -1
        else:
            self.gripper_body = self.body
            self.fingers = [joints[n] for n in spec.finger_joints]
            self.tcp = links[spec.tcp_link]
            self.ik_link = self.tcp
            self.ik_offset = 0.0
            self.palm = links[spec.palm_link]
        # Movable joints of the arm body, in pybullet's IK order.
        self._movable = [
            j
            for j in range(pb.getNumJoints(self.body, physicsClientId=client))
            if pb.getJointInfo(self.body, j, physicsClientId=client)[2] != pb.JOINT_FIXED
        ]
        self._arm_slots = [self._movable.index(j) for j in self.arm_joints]
        # Joint bounds in pybullet's IK order: built once, passed on every solve.
        self._ik_lower = self._ik_full(np.maximum(self.lower, -2 * math.pi), 0.0)
        self._ik_upper = self._ik_full(np.minimum(self.upper, 2 * math.pi), 0.05)
        self._ik_ranges = self._ik_full(np.minimum(self.upper - self.lower, 4 * math.pi), 0.05)
        self.home = np.asarray(spec.seed_rad, dtype=float)
        self.reset_joints(self.home, opening_m=2 * spec.finger_max_m)
        if home_xyz_m is not None:
            self.home = self.solve_ik(np.asarray(home_xyz_m, dtype=float), self.base_yaw, iters=40)
            self.reset_joints(self.home, opening_m=2 * spec.finger_max_m)

    # ----- state -------------------------------------------------------------------
    def joint_positions(self) -> np.ndarray:
        """Arm joint angles, rad."""
        states = pb.getJointStates(self.body, self.arm_joints, physicsClientId=self.client)
        return np.array([s[0] for s in states])

    def joint_state(self) -> tuple[np.ndarray, np.ndarray]:
        """Arm joint angles (rad) and speeds (rad/s), in one query."""
        states = pb.getJointStates(self.body, self.arm_joints, physicsClientId=self.client)
        return np.array([s[0] for s in states]), np.array([s[1] for s in states])

    def tcp_pose(self) -> tuple[np.ndarray, np.ndarray]:
        """TCP position (m) and orientation quaternion (x, y, z, w), world frame."""
        s = pb.getLinkState(
            self.gripper_body, self.tcp, computeForwardKinematics=1, physicsClientId=self.client
        )
        return np.array(s[4]), np.array(s[5])

    def opening(self) -> float:
        """Finger opening (distance between the fingers' inner faces), m."""
        states = pb.getJointStates(self.gripper_body, self.fingers, physicsClientId=self.client)
        return float(states[0][0] + states[1][0])

    # ----- commands ----------------------------------------------------------------
    def reset_joints(self, q: np.ndarray, opening_m: float | None = None) -> None:
        """Teleport the arm (and fingers) to ``q`` rad, at rest; re-seats an attached gripper."""
        for j, v in zip(self.arm_joints, q, strict=True):
            pb.resetJointState(self.body, j, float(v), 0.0, physicsClientId=self.client)
        if self.gripper_body != self.body:
            s = pb.getLinkState(
                self.body, self.flange, computeForwardKinematics=1, physicsClientId=self.client
            )
            pb.resetBasePositionAndOrientation(
                self.gripper_body, s[4], s[5], physicsClientId=self.client
            )
            pb.resetBaseVelocity(
                self.gripper_body, (0, 0, 0), (0, 0, 0), physicsClientId=self.client
            )
        if opening_m is not None:
            half = min(max(opening_m / 2, 0.0), self.spec.finger_max_m)
            for f in self.fingers:
                pb.resetJointState(self.gripper_body, f, half, 0.0, physicsClientId=self.client)
        self.command_joints(np.asarray(q, dtype=float))
        self.command_gripper(self.opening())

    def command_joints(self, q: np.ndarray, force_scale: float = 1.0) -> None:
        """Position-control the arm joints to ``q`` rad (torques capped at the published effort)."""
        pb.setJointMotorControlArray(
            self.body,
            self.arm_joints,
            pb.POSITION_CONTROL,
            targetPositions=[float(v) for v in q],
            forces=[float(f) for f in self.effort * force_scale],
            positionGains=[POSITION_GAIN] * len(self.arm_joints),
            physicsClientId=self.client,
        )

    def command_gripper(self, opening_m: float) -> None:
        """Drive the fingers to an opening of ``opening_m`` m (force-limited)."""
        half = min(max(opening_m / 2, 0.0), self.spec.finger_max_m)
        pb.setJointMotorControlArray(
            self.gripper_body,
            self.fingers,
            pb.POSITION_CONTROL,
            targetPositions=[half, half],
            forces=[self.spec.finger_force_n] * 2,
            physicsClientId=self.client,
        )

    def solve_ik(
        self, tcp_xyz_m: np.ndarray, yaw_rad: float, iters: int = 1, max_iterations: int = 30
    ) -> np.ndarray:
        """Arm joint angles (rad) that put the TCP at ``tcp_xyz_m`` pointing down with ``yaw_rad``.

        ``iters > 1`` refines by teleporting the arm to each solution (used once,
        at load time); the default leaves the simulation untouched.
        """
        # A parallel gripper is symmetric under a half turn: take the yaw nearest the current one.
        orn = down_quaternion(self.nearest_yaw(yaw_rad))
        target = np.asarray(tcp_xyz_m, dtype=float)
        if self.ik_offset:
            # The flange sits ``ik_offset`` above the TCP when it points down.
            target = target + np.array([0.0, 0.0, self.ik_offset])
        q = self.joint_positions()
        for _ in range(iters):
            sol = pb.calculateInverseKinematics(
                self.body,
                self.ik_link,
                target.tolist(),
                orn,
                lowerLimits=self._ik_lower,
                upperLimits=self._ik_upper,
                jointRanges=self._ik_ranges,
                restPoses=self._ik_full(self.home, 0.0),
                maxNumIterations=max_iterations,
                residualThreshold=1e-5,
                physicsClientId=self.client,
            )
            q = np.clip(np.array([sol[s] for s in self._arm_slots]), self.lower, self.upper)
            if iters > 1:
                for j, v in zip(self.arm_joints, q, strict=True):
                    pb.resetJointState(self.body, j, float(v), 0.0, physicsClientId=self.client)
        return q

    def tcp_yaw(self) -> float:
        """Heading of the TCP's x axis about world z (rad)."""
        _, orn = self.tcp_pose()
        m = pb.getMatrixFromQuaternion(orn.tolist())
        return math.atan2(m[3], m[0])

    def nearest_yaw(self, yaw_rad: float) -> float:
        """``yaw_rad`` or ``yaw_rad + pi``, whichever is nearer the TCP's yaw now (rad)."""
        current = self.tcp_yaw()
        delta = (yaw_rad - current + math.pi / 2) % math.pi - math.pi / 2
        return current + delta

    def _ik_full(self, arm_values: np.ndarray, other: float) -> list[float]:
        full = [other] * len(self._movable)
        for slot, v in zip(self._arm_slots, arm_values, strict=True):
            full[slot] = float(v)
        return full

    # ----- contacts ----------------------------------------------------------------
    def finger_forces(self, body: int, link: int | None = None) -> tuple[float, float]:
        """Normal contact force (N) of each finger on ``body`` (optionally one of its links)."""
        out = []
        for f in self.fingers:
            kwargs = {"linkIndexA": f}
            if link is not None:
                kwargs["linkIndexB"] = link
            pts = pb.getContactPoints(
                self.gripper_body, body, physicsClientId=self.client, **kwargs
            )
            out.append(float(sum(p[9] for p in pts)))
        return out[0], out[1]
