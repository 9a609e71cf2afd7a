"""Robot arms in a pybullet client: loading, joint control, IK, the gripper.

The arms by name (:data:`ROBOTS`, :func:`robot_spec`) are defined in
:mod:`gauntlet.skills.robot_specs` and importable from here too. Arms
without a gripper of their own get the two-finger parallel gripper, held on
the flange by a fixed constraint.

Every :class:`Robot` lives in one pybullet client (``client``) that its
caller owns; nothing here touches pybullet's default client. The tool centre
point (TCP) frame has z pointing out of the fingers and the fingers closing
along its y axis; :func:`down_quaternion` is the TCP orientation pointing at
the table.
"""

from __future__ import annotations

import math

import numpy as np

from gauntlet.skills._pybullet import pb
from gauntlet.skills.bodies import fixed_joint
from gauntlet.skills.robot_specs import (
    GRIPPER_TCP_M,
    GRIPPER_URDF,
    ROBOTS,
    RobotSpec,
    UnknownRobotError,
    model_path,
    robot_spec,
)

__all__ = [
    "GRIPPER_TCP_M",
    "GRIPPER_URDF",
    "ROBOTS",
    "Robot",
    "RobotSpec",
    "UnknownRobotError",
    "down_quaternion",
    "model_path",
    "robot_spec",
]


#: Gain of pybullet's joint position servo (its default, 0.1, lags heavy arms).
POSITION_GAIN = 0.3


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
            self.mount = fixed_joint(
                client, self.body, self.flange, self.gripper_body, -1, frame_pos, frame_orn, 5000.0
            )
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
