"""CARLA's left-handed frame against Gauntlet's, on poses whose answer is known."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gauntlet.bridges.carla.coords import (
    CarlaTransform,
    WorldPose,
    local_to_parent,
    pose_from_carla,
    pose_to_carla,
    poses_to_carla,
    vector_from_carla,
    vector_to_carla,
    yaw_rate_to_carla,
)


@pytest.mark.parametrize(
    ("heading", "yaw"),
    [
        (0.0, 0.0),  # east is +x in both
        (math.pi / 2, -90.0),  # north: +y in Gauntlet, -y in CARLA, yaw -90
        (-math.pi / 2, 90.0),  # south: CARLA's +y, yaw +90 (clockwise from above)
        (math.pi / 4, -45.0),  # north-east
    ],
)
def test_heading_maps_to_clockwise_yaw(heading, yaw):
    t = pose_to_carla(WorldPose(10.0, 20.0, 1.5, heading))
    assert (t.x, t.y, t.z) == (10.0, -20.0, 1.5)
    assert t.yaw == pytest.approx(yaw)
    # The forward vector agrees: Gauntlet's (cos h, sin h) is CARLA's (cos yaw, -sin yaw) flipped.
    fx, fy, _ = vector_to_carla(math.cos(heading), math.sin(heading))
    assert (fx, fy) == pytest.approx((math.cos(math.radians(yaw)), math.sin(math.radians(yaw))))


def test_west_wraps_to_minus_180():
    assert pose_to_carla(WorldPose(heading_rad=math.pi)).yaw == pytest.approx(-180.0)


def test_pitch_is_nose_up_in_carla():
    # A climb: Gauntlet pitch is negative (nose-down positive); CARLA pitch is positive.
    climb = WorldPose(pitch_rad=-math.radians(5.0))
    assert pose_to_carla(climb).pitch == pytest.approx(5.0)


def test_round_trip_is_exact():
    pose = WorldPose(-3.25, 7.5, 0.25, 2.0, -0.1, 0.05)
    back = pose_from_carla(pose_to_carla(pose))
    assert back.x_m == pose.x_m and back.y_m == pose.y_m and back.z_m == pose.z_m
    assert back.heading_rad == pytest.approx(pose.heading_rad)
    assert back.pitch_rad == pytest.approx(pose.pitch_rad)
    assert back.roll_rad == pytest.approx(pose.roll_rad)


def test_carla_spawn_pose_to_gauntlet():
    # CARLA yaw 90 at y = +30 faces CARLA's +y: that is south at Gauntlet y = -30.
    pose = pose_from_carla(CarlaTransform(5.0, 30.0, 0.5, 0.0, 90.0, 0.0))
    assert (pose.x_m, pose.y_m, pose.z_m) == (5.0, -30.0, 0.5)
    assert pose.heading_rad == pytest.approx(-math.pi / 2)


def test_vectors_and_yaw_rate():
    assert vector_to_carla(1.0, 2.0, 3.0) == (1.0, -2.0, 3.0)
    assert vector_from_carla(*vector_to_carla(1.0, 2.0, 3.0)) == (1.0, 2.0, 3.0)
    # Turning left (counter-clockwise) is a negative yaw rate in CARLA, in deg/s.
    assert yaw_rate_to_carla(0.5) == pytest.approx(-math.degrees(0.5))


def test_batch_conversion_matches_single_poses():
    rng = np.random.default_rng(3)
    x, y, z, h, p, r = (rng.uniform(-10, 10, 20) for _ in range(6))
    batch = poses_to_carla(x, y, z, h, p, r)
    for k in range(20):
        t = pose_to_carla(WorldPose(x[k], y[k], z[k], h[k], p[k], r[k]))
        assert batch[k] == pytest.approx([t.x, t.y, t.z, t.pitch, t.yaw, t.roll])


def test_attachment_offset_follows_parent_yaw():
    # A sensor 2 m forward and 0.5 m to the right (CARLA +y) of a car heading north.
    parent = WorldPose(100.0, 50.0, 0.0, math.pi / 2)
    child = local_to_parent(parent, CarlaTransform(2.0, 0.5, 1.7, 0.0, 90.0, 0.0))
    # Forward is north (+y), right of north is east (+x).
    assert child.x_m == pytest.approx(100.5)
    assert child.y_m == pytest.approx(52.0)
    assert child.z_m == pytest.approx(1.7)
    # Turned 90 degrees clockwise from north: east.
    assert child.heading_rad == pytest.approx(0.0, abs=1e-12)
