"""Forward kinematics of every arm model against its published DH parameters."""

from __future__ import annotations

import numpy as np
import pybullet as pb
import pytest

from gauntlet.library import assets_root
from gauntlet.skills.dh import forward_kinematics
from gauntlet.skills.robot_models import dh_table, robot_asset_texts
from gauntlet.skills.robots import ROBOTS, UnknownRobotError, model_path, robot_spec

#: Link whose frame is the flange (and the extra offset to it along its z, m).
FLANGES = {
    "ur5e": ("tool0", 0.0),
    "kinova_gen3": ("tool0", 0.0),
    "kuka_iiwa": ("lbr_iiwa_link_7", 0.045),  # the URDF stops 45 mm short of the 126 mm flange
    "panda": ("panda_link8", 0.0),
    "xarm6": ("link6", 0.0),
}


@pytest.fixture()
def client():
    c = pb.connect(pb.DIRECT)
    yield c
    pb.disconnect(c)


@pytest.mark.parametrize("name", sorted(ROBOTS))
def test_flange_pose_matches_the_published_dh_table(name: str, client: int) -> None:
    body = pb.loadURDF(
        str(model_path(ROBOTS[name].urdf)), useFixedBase=True, physicsClientId=client
    )
    n = pb.getNumJoints(body, physicsClientId=client)
    infos = [pb.getJointInfo(body, j, physicsClientId=client) for j in range(n)]
    arm = [j for j in range(n) if infos[j][2] == pb.JOINT_REVOLUTE][: ROBOTS[name].dof]
    link = next(j for j in range(n) if infos[j][12].decode() == FLANGES[name][0])
    rng = np.random.default_rng(7)
    for q in (
        np.zeros(len(arm)),
        rng.uniform(-1.0, 1.0, len(arm)),
        rng.uniform(-1.5, 1.5, len(arm)),
    ):
        for j, v in zip(arm, q, strict=True):
            pb.resetJointState(body, j, float(v), physicsClientId=client)
        state = pb.getLinkState(body, link, computeForwardKinematics=1, physicsClientId=client)
        rot = np.array(pb.getMatrixFromQuaternion(state[5])).reshape(3, 3)
        pos = np.array(state[4]) + rot[:, 2] * FLANGES[name][1]
        expected = forward_kinematics(dh_table(name), q)[-1]
        np.testing.assert_allclose(pos, expected[:3, 3], atol=1e-4)
        np.testing.assert_allclose(rot, expected[:3, :3], atol=1e-4)


def test_ur5e_straight_out_reaches_the_sum_of_its_link_lengths() -> None:
    # All joints at zero: x = a2 + a3 = -0.8172 m, y = -(d4 + d6) = -0.2329 m, z = d1 - d5 = 0.0628 m.
    flange = forward_kinematics(dh_table("ur5e"), [0.0] * 6)[-1]
    np.testing.assert_allclose(flange[:3, 3], [-0.8172, -0.2329, 0.0628], atol=1e-9)


def test_iiwa_upright_flange_height_is_1306_mm() -> None:
    # 360 + 420 + 400 + 126 mm (KUKA LBR iiwa 14 R820 specification).
    flange = forward_kinematics(dh_table("kuka_iiwa"), [0.0] * 7)[-1]
    assert flange[2, 3] == pytest.approx(1.306)


def test_shipped_urdfs_are_the_generated_ones() -> None:
    for name, text in robot_asset_texts().items():
        assert (assets_root() / "robots" / name).read_text(encoding="utf-8") == text


def test_unknown_robot_lists_the_known_ones() -> None:
    with pytest.raises(
        UnknownRobotError, match="unknown robot 'ur10'; known robots: kinova_gen3, kuka_iiwa"
    ):
        robot_spec("ur10")
