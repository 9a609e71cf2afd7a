"""Published kinematics of the five arms, and the URDFs written from them.

Every figure below cites where it was read. The UR5e and Kinova Gen3 URDFs in
``assets/robots/`` are *generated* from these tables by :func:`write_robot_assets`
(``python -m gauntlet.skills.robot_models``), so the file and its source data
cannot drift apart; the KUKA iiwa, Franka Panda and xArm6 models come from
``pybullet_data`` and their tables here serve the forward-kinematics check.
"""

from __future__ import annotations

import math
from pathlib import Path

from gauntlet.skills.dh import DHTable, JointLimits, rot_x, translate, urdf_from_dh

PI = math.pi
HALF = math.pi / 2

#: Universal Robots UR5e, standard DH. Source: Universal Robots, "DH parameters
#: for calculations of kinematics and dynamics" (universal-robots.com/articles/ur/
#: application-installation/dh-parameters-for-calculations-of-kinematics-and-dynamics/).
UR5E = DHTable(
    convention="standard",
    a_m=(0.0, -0.425, -0.3922, 0.0, 0.0, 0.0),
    d_m=(0.1625, 0.0, 0.0, 0.1333, 0.0997, 0.0996),
    alpha_rad=(HALF, 0.0, 0.0, HALF, -HALF, 0.0),
    theta_offset_rad=(0.0,) * 6,
    source="Universal Robots, DH parameters for calculations of kinematics and dynamics (UR5e)",
)
#: UR5e link masses (base, shoulder, upper arm, forearm, wrist 1-3), kg; same UR page.
UR5E_MASSES_KG = (4.0, 3.761, 8.058, 2.846, 1.37, 1.3, 0.365)
#: UR5e limits: every joint +-360 deg, 180 deg/s (UR5e technical specifications,
#: universal-robots.com/products/ur5-robot); torques 150 N m (size 3) and 28 N m
#: (size 1) from UR's "Max. joint torques" support article.
UR5E_LIMITS = tuple(JointLimits(-2 * PI, 2 * PI, PI, 150.0 if i < 3 else 28.0) for i in range(6))
UR5E_RADII_M = (0.075, 0.06, 0.055, 0.045, 0.04, 0.04, 0.035)

#: Kinova Gen3 7-DOF, standard DH with its base frame turned pi about x.
#: Source: Kinova, "Kinova Gen3 Ultra lightweight robot User Guide", section
#: "Classic DH parameters" (d1 = -(0.1564 + 0.1284), d2 = -(0.0054 + 0.0064),
#: d3 = -(0.2104 + 0.2104), d4 = -(0.0064 + 0.0064), d5 = -(0.2084 + 0.1059),
#: d7 = -(0.1059 + 0.0615) m; alpha = pi/2 except alpha7 = pi; theta offsets pi
#: on joints 2-7).
GEN3 = DHTable(
    convention="standard",
    a_m=(0.0,) * 7,
    d_m=(-0.2848, -0.0118, -0.4208, -0.0128, -0.3143, 0.0, -0.1674),
    alpha_rad=(HALF, HALF, HALF, HALF, HALF, HALF, PI),
    theta_offset_rad=(0.0, PI, PI, PI, PI, PI, PI),
    base=tuple(rot_x(PI).ravel()),
    source="Kinova Gen3 User Guide, classic DH parameters (7-DOF)",
)
#: Gen3 masses (base, shoulder, half arm 1, half arm 2, forearm, spherical wrist
#: 1, spherical wrist 2, bracelet), kg; Kinova Gen3 User Guide, inertia parameters.
GEN3_MASSES_KG = (1.697, 1.3773, 1.1636, 1.1636, 0.9302, 0.6781, 0.6781, 0.5006)
_GEN3_BOUNDED = {1: math.radians(128.9), 3: math.radians(147.8), 5: math.radians(120.3)}
#: Gen3 limits: joints 2, 4, 6 at +-128.9, +-147.8, +-120.3 deg, the others
#: continuous (modelled as +-2 pi); speeds 1.3963 rad/s (large actuators, joints
#: 1-4) and 1.2218 rad/s (small); torques 39 N m and 9 N m (User Guide, actuator
#: specifications).
GEN3_LIMITS = tuple(
    JointLimits(
        -_GEN3_BOUNDED.get(i, 2 * PI),
        _GEN3_BOUNDED.get(i, 2 * PI),
        1.3963 if i < 4 else 1.2218,
        39.0 if i < 4 else 9.0,
    )
    for i in range(7)
)
GEN3_RADII_M = (0.05, 0.05, 0.045, 0.045, 0.04, 0.035, 0.035, 0.035)

#: KUKA LBR iiwa 14 R820, standard DH (flange at d7 = 0.126 m). Source: KUKA,
#: "LBR iiwa 7 R800, LBR iiwa 14 R820 Specification" (dimensions 360, 420, 400,
#: 126 mm); the joint signs follow the URDF in pybullet_data.
KUKA_IIWA = DHTable(
    convention="standard",
    a_m=(0.0,) * 7,
    d_m=(0.36, 0.0, 0.42, 0.0, 0.4, 0.0, 0.126),
    alpha_rad=(-HALF, HALF, HALF, -HALF, -HALF, HALF, 0.0),
    theta_offset_rad=(0.0,) * 7,
    source="KUKA LBR iiwa 14 R820 specification (360/420/400/126 mm)",
)

#: Franka Emika Panda, modified DH; flange 0.107 m past joint 7. Source: Franka
#: Control Interface documentation, "Robot and interface specifications",
#: Denavit-Hartenberg parameters.
PANDA = DHTable(
    convention="modified",
    a_m=(0.0, 0.0, 0.0, 0.0825, -0.0825, 0.0, 0.088),
    d_m=(0.333, 0.0, 0.316, 0.0, 0.384, 0.0, 0.0),
    alpha_rad=(0.0, -HALF, HALF, HALF, -HALF, HALF, HALF),
    theta_offset_rad=(0.0,) * 7,
    flange=tuple(translate(0, 0, 0.107).ravel()),
    source="Franka Control Interface documentation, DH parameters",
)

#: UFactory xArm6, modified DH. Source: UFactory xArm Developer Manual,
#: "Kinematic and dynamic parameters" (d1 = 267, a2 = 289.4886 with offset
#: -1.3849 rad, a3 = 77.5, d4 = 342.5, a5 = 76, d6 = 97 mm).
XARM6 = DHTable(
    convention="modified",
    a_m=(0.0, 0.0, 0.289489, 0.0775, 0.0, 0.076),
    d_m=(0.267, 0.0, 0.0, 0.3425, 0.0, 0.097),
    alpha_rad=(0.0, -HALF, 0.0, -HALF, HALF, -HALF),
    theta_offset_rad=(0.0, -1.3849, 1.3849, 0.0, 0.0, 0.0),
    source="UFactory xArm Developer Manual, DH parameters (xArm6)",
)


def parallel_gripper_urdf(parent: str | None) -> str:
    """URDF links of the two-finger parallel gripper (palm, fingers, ``tcp``).

    With ``parent`` the palm hangs on that link by a fixed joint; without, the
    palm is the root (a stand-alone gripper, attached at run time). The fingers
    slide along the palm's y axis, 0-50 mm each (0-100 mm opening), 40 N; the
    tool centre point ``tcp`` sits 75 mm out along z.
    """
    mat = '<material name="dark"><color rgba="0.2 0.2 0.22 1"/></material>'
    palm = (
        '  <link name="palm"><visual><origin xyz="0 0 0.02"/><geometry><box size="0.04 0.12 0.04"/>'
        f'</geometry>{mat}</visual><collision><origin xyz="0 0 0.02"/><geometry>'
        '<box size="0.04 0.12 0.04"/></geometry></collision><inertial><origin xyz="0 0 0"/>'
        '<mass value="0.4"/><inertia ixx="0.0005" ixy="0" ixz="0" iyy="0.0001" iyz="0" '
        'izz="0.0005"/></inertial></link>\n'
    )
    fingers = ""
    for side, sign in (("left", 1), ("right", -1)):
        fingers += (
            f'  <link name="{side}_finger"><visual><origin xyz="0 {0.006 * sign} 0.025"/>'
            f'<geometry><box size="0.02 0.012 0.05"/></geometry>{mat}</visual><collision>'
            f'<origin xyz="0 {0.006 * sign} 0.025"/><geometry><box size="0.02 0.012 0.05"/>'
            '</geometry></collision><inertial><origin xyz="0 0 0.025"/><mass value="0.05"/>'
            '<inertia ixx="0.00001" ixy="0" ixz="0" iyy="0.00001" iyz="0" izz="0.00001"/>'
            "</inertial></link>\n"
            f'  <joint name="{side}_finger_joint" type="prismatic"><parent link="palm"/>'
            f'<child link="{side}_finger"/><origin xyz="0 0 0.04"/><axis xyz="0 {sign} 0"/>'
            '<limit lower="0" upper="0.05" velocity="0.2" effort="40"/></joint>\n'
        )
    tcp = (
        '  <link name="tcp"><inertial><mass value="0.001"/><inertia ixx="1e-7" ixy="0" ixz="0" '
        'iyy="1e-7" iyz="0" izz="1e-7"/></inertial></link>\n'
        '  <joint name="tcp_joint" type="fixed"><parent link="palm"/>'
        '<child link="tcp"/><origin xyz="0 0 0.075"/></joint>\n'
    )
    mount = ""
    if parent:
        mount = (
            f'  <joint name="gripper_mount" type="fixed"><parent link="{parent}"/>'
            '<child link="palm"/><origin xyz="0 0 0"/></joint>\n'
        )
    return palm + fingers + tcp + mount


def _header(title: str, sources: list[str]) -> str:
    lines = [
        f"<!-- {title}",
        "     Generated by gauntlet.skills.robot_models from published figures:",
    ]
    lines += [f"     - {s}" for s in sources]
    lines.append("     Links are drawn as cylinders along the DH offsets. -->")
    return "\n".join(lines)


def robot_asset_texts() -> dict[str, str]:
    """File name -> URDF text of every URDF under ``assets/robots/``."""
    ur_sources = [
        UR5E.source + " (a, d, alpha; link masses)",
        "UR5e technical specifications: +-360 deg range, 180 deg/s on every joint",
        "UR support article 'Max. joint torques': 150 N m (base, shoulder, elbow), 28 N m (wrists)",
    ]
    gen3_sources = [
        GEN3.source + " (d, alpha, theta offsets; base frame turned pi about x)",
        "Kinova Gen3 User Guide: link masses, joint ranges 128.9/147.8/120.3 deg, "
        "speeds 1.3963/1.2218 rad/s, torques 39/9 N m",
    ]
    gripper_sources = ["Gauntlet two-finger parallel gripper: 100 mm stroke, 40 N per finger"]
    return {
        "ur5e.urdf": urdf_from_dh(
            "ur5e",
            UR5E,
            UR5E_MASSES_KG,
            UR5E_LIMITS,
            UR5E_RADII_M,
            _header("Universal Robots UR5e with a parallel gripper", ur_sources + gripper_sources),
            parallel_gripper_urdf("tool0"),
        ),
        "kinova_gen3.urdf": urdf_from_dh(
            "kinova_gen3",
            GEN3,
            GEN3_MASSES_KG,
            GEN3_LIMITS,
            GEN3_RADII_M,
            _header("Kinova Gen3 (7-DOF) with a parallel gripper", gen3_sources + gripper_sources),
            parallel_gripper_urdf("tool0"),
        ),
        "parallel_gripper.urdf": '<?xml version="1.0"?>\n'
        + _header("Two-finger parallel gripper for arms shipped without one", gripper_sources)
        + '\n<robot name="parallel_gripper">\n'
        + parallel_gripper_urdf(None)
        + "</robot>\n",
    }


def write_robot_assets(folder: Path) -> list[Path]:
    """Write the generated URDFs into ``folder`` (``assets/robots``); returns the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in robot_asset_texts().items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def dh_table(robot: str) -> DHTable:
    """The published DH table of ``robot`` (a name of :data:`gauntlet.skills.robots.ROBOTS`)."""
    tables = {"ur5e": UR5E, "kinova_gen3": GEN3, "kuka_iiwa": KUKA_IIWA, "panda": PANDA}
    tables["xarm6"] = XARM6
    return tables[robot]


if __name__ == "__main__":  # pragma: no cover
    from gauntlet.library import assets_root

    for p in write_robot_assets(assets_root() / "robots"):
        print(p)
