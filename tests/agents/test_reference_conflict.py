"""The reference stack's in-path test on hand-placed worlds: bends and vehicles pulling in."""

import math

import numpy as np
import pytest

from gauntlet.agents.reference import ReferenceStack
from gauntlet.agents.stack import EgoState, EpisodeInfo, Observation
from gauntlet.sensors.object_list import ObjectList

EGO_LENGTH, EGO_WIDTH = 4.6, 1.85
DT = 0.05


def _info(xy: np.ndarray, heading: np.ndarray) -> EpisodeInfo:
    s = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(xy, axis=0).T))])
    return EpisodeInfo(
        scenario="hand",
        dt_s=DT,
        seed=0,
        ego_name="ego",
        route_xy=xy,
        route_s=s,
        route_heading=heading,
        max_accel_mps2=3.0,
        max_decel_mps2=9.0,
        max_steer_rad=0.6,
    )


def _obs(t: float, speed: float, heading: float, other: dict) -> Observation:
    ego = EgoState(0.0, 0.0, heading, speed, 0.0, 0.0, EGO_LENGTH, EGO_WIDTH, 2.8)
    objects = ObjectList(
        ids=np.array([7]),
        types=(other["type"],),
        xy=np.array([other["xy"]], float),
        heading=np.array([other["heading"]], float),
        velocity=np.array([other["velocity"]], float),
        length=np.array([other["length"]], float),
        width=np.array([other["width"]], float),
    )
    return Observation(t, ego, objects, 0.0, 0.0, speed)


# A left bend: the ego's lane centre is a circle of radius 101.75 m (a 100 m
# road centre line, 3.5 m lanes), sampled every metre from the ego at (0, 0).
R_EGO = 101.75
R_TRUCK = R_EGO - 3.5
SPEED = math.sqrt(3.0 * 100.0)  # 3 m/s^2 in the bend: 17.32 m/s


def _bend() -> EpisodeInfo:
    phi = np.arange(0.0, 600.0) / R_EGO
    xy = np.stack([R_EGO * np.sin(phi), R_EGO * (1.0 - np.cos(phi))], axis=1)
    return _info(xy, phi)


def _oncoming_truck(s_m: float, drift_mps: float = 0.0, slip_rad: float = 0.0) -> dict:
    """A 12 m truck in the opposite lane at route ``s_m``, driving the other way.

    ``slip_rad`` turns its body (and velocity) towards the ego's lane; ``drift_mps``
    adds a sideways velocity towards it.
    """
    phi = s_m / R_EGO
    pos = (R_TRUCK * math.sin(phi), R_EGO - R_TRUCK * math.cos(phi))
    heading = phi + math.pi + slip_rad
    # Towards the ego's lane, which is on the outside of the bend.
    out = np.array([math.sin(phi), -math.cos(phi)])
    vel = SPEED * np.array([math.cos(heading), math.sin(heading)]) + drift_mps * out
    return {
        "type": "truck",
        "xy": pos,
        "heading": heading,
        "velocity": vel,
        "length": 12.0,
        "width": 2.55,
    }


def test_oncoming_truck_keeping_its_lane_in_a_left_bend_is_not_in_the_path():
    stack = ReferenceStack()
    stack.reset(_bend())
    # Its body a chord of its lane, the truck points 0.02 rad towards the ego's
    # lane: v_lat = 17.32 sin(0.02) = 0.346 m/s towards it, more than the 0.2 m/s
    # that counts as drift, and a straight-line prediction enters the corridor
    # (half width 0.925 + 1.275 + 0.4 = 2.6 m) after (3.5 - 2.6) / 0.346 = 2.6 s,
    # while the ego, closing at 34.6 m/s on a gap of 90 - 2.3 - 6 = 81.7 m, is
    # alongside it (2.36 s to 2.84 s). Following a lane of curvature 1/98.25 m,
    # a 12 m vehicle shows up to 17.32 * 6 / 98.25 = 1.06 m/s of such drift.
    truck = _oncoming_truck(90.0, slip_rad=0.02)
    phi = 90.0 / R_EGO
    v_out = truck["velocity"] @ np.array([math.sin(phi), -math.cos(phi)])
    assert v_out == pytest.approx(SPEED * math.sin(0.02), rel=1e-9)
    for k in range(10):  # half a second of history: the truck follows its lane
        obs = _obs(k * DT, SPEED, 0.0, _oncoming_truck(90.0 + SPEED * DT * (9 - k), slip_rad=0.02))
        gap, _ = stack._corridor(obs)
    assert gap == math.inf
    # Cruising at the limit (the route's end 600 m away costs 0.06 m/s^2).
    assert stack.step(obs).accel_mps2 > -0.1
    assert not stack.aeb_active


def test_oncoming_truck_drifting_over_in_a_bend_is_in_the_path():
    stack = ReferenceStack()
    stack.reset(_bend())
    # 1.5 m/s towards the ego's lane: 1.5 - 1.06 = 0.44 m/s of drift, in the
    # corridor after 0.9 / 0.44 = 2.0 s, before the ego has passed it (2.84 s).
    truck = _oncoming_truck(90.0, drift_mps=1.5)
    gap, v_lead = stack._corridor(_obs(0.0, SPEED, 0.0, truck))
    assert gap == pytest.approx(90.0 - 0.5 * EGO_LENGTH - 6.0, abs=1e-3)
    assert v_lead == pytest.approx(-SPEED, abs=0.01)


def _straight() -> EpisodeInfo:
    x = np.arange(0.0, 2000.0)
    return _info(np.stack([x, np.zeros_like(x)], axis=1), np.zeros_like(x))


def _pulling_out(t: float, turn_per_m: float) -> dict:
    """A car leaving the right neighbour lane (centre y = -3.5 m) at 2 m/s from x = 40 m.

    It follows a circle of curvature ``turn_per_m`` (left) from heading 0 at t = 0.
    """
    psi = turn_per_m * 2.0 * t
    if turn_per_m:
        xy = (40.0 + math.sin(psi) / turn_per_m, -3.5 + (1.0 - math.cos(psi)) / turn_per_m)
    else:
        xy = (40.0 + 2.0 * t, -3.5)
    return {
        "type": "car",
        "xy": xy,
        "heading": psi,
        "velocity": (2.0 * math.cos(psi), 2.0 * math.sin(psi)),
        "length": 4.5,
        "width": 1.8,
    }


def test_car_turning_into_the_lane_is_a_lead_before_it_overlaps():
    stack = ReferenceStack()
    stack.reset(_straight())
    for k in range(8):  # 0 .. 0.35 s: turning on a 10 m radius at 2 m/s
        car = _pulling_out(k * DT, 0.1)
        gap, v_lead = stack._corridor(_obs(k * DT, 13.9, 0.0, car))
    # At 0.35 s: heading 0.07 rad, centre at (40.699, -3.4755), 1.25 m clear
    # of the corridor (half width 0.925 + 0.9 + 0.4 = 2.225 m); at 0.14 m/s of
    # drift its centre would need 8.9 s to enter, more than the 6 s looked at.
    # Its front-left corner (2.185, 1.055 from the centre across the route) is
    # at -2.420 m and moves 0.140 + 0.1 * 2.185 * 2 = 0.577 m/s towards the
    # ego's half width plus margin (1.325 m): in by 1.9 s, while it is still
    # 18.4 m ahead of the ego's centre. So it is the lead now.
    x, y = car["xy"]
    assert abs(y) - 2.225 == pytest.approx(1.2505, abs=1e-3)
    assert gap == pytest.approx(x - 0.5 * EGO_LENGTH - 2.25, abs=1e-3)
    assert v_lead == pytest.approx(2.0 * math.cos(0.07), abs=1e-6)
    assert stack.step(_obs(8 * DT, 13.9, 0.0, _pulling_out(8 * DT, 0.1))).accel_mps2 < -3.0


def test_car_driving_straight_in_the_neighbour_lane_is_not_a_lead():
    stack = ReferenceStack()
    stack.reset(_straight())
    for k in range(8):
        gap, _ = stack._corridor(_obs(k * DT, 13.9, 0.0, _pulling_out(k * DT, 0.0)))
    assert gap == math.inf


def test_first_sight_of_a_turning_car_is_not_enough():
    # Without 0.3 s of headings its turning is unknown, and a car whose centre
    # does not drift towards the lane is not taken to turn into it.
    stack = ReferenceStack()
    stack.reset(_straight())
    car = _pulling_out(0.0, 0.1)
    gap, _ = stack._corridor(_obs(0.0, 13.9, 0.0, car))
    assert gap == math.inf
