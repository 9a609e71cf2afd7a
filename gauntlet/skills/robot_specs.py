"""The robot arms Gauntlet ships, by name: what model to load and how to drive it.

Five arms (:data:`ROBOTS`): KUKA LBR iiwa 14, Franka Panda and UFactory
xArm6 from ``pybullet_data``; Universal Robots UR5e and Kinova Gen3 from the
URDFs in ``assets/robots/`` (written from published DH tables, see
:mod:`gauntlet.skills.robot_models`). Arms without a gripper of their own get
the parallel gripper of ``assets/robots/parallel_gripper.urdf``. This module
is plain data (it does not import pybullet); :mod:`gauntlet.skills.robots`
loads an arm into a pybullet client.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from gauntlet.library import assets_root


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
        import pybullet_data

        return Path(pybullet_data.getDataPath()) / rel
    if origin == "assets":
        return assets_root() / rel
    raise ValueError(f"model {urdf!r}: expected 'pybullet_data:<path>' or 'assets:<path>'")
