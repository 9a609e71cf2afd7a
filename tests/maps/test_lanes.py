"""Lane frames: widths, offsets, directions, and position/local_coordinates inverses."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gauntlet.maps import Arc, CubicRecord, LaneKey, Line, ParamPoly3, Polyline, Spiral
from gauntlet.maps.procedural import straight

from .helpers import angle_difference, lane_def, single_road

CUBIC_WIDTH = CubicRecord(0.0, 3.0, 0.1, -0.001, 0.00001)


def cubic(record: CubicRecord, ds: float) -> float:
    return record.a + record.b * ds + record.c * ds**2 + record.d * ds**3


@pytest.fixture
def widening_road():
    """A 100 m road along +x with a cubic lane width and a linear lane offset."""
    return single_road(
        [Line(s=0.0, x=0.0, y=0.0, hdg=0.0, length=100.0)],
        left=[lane_def(1, 3.0)],
        right=[lane_def(-1, CUBIC_WIDTH), lane_def(-2, 2.0)],
        lane_offsets=(CubicRecord(0.0, 0.5, 0.01),),
    )


def test_cubic_lane_width_and_lane_offset(widening_road):
    road = widening_road.roads["r"]
    for s in (0.0, 10.0, 55.0, 100.0):
        offset = 0.5 + 0.01 * s
        width = cubic(CUBIC_WIDTH, s)
        assert road.lane_offset_at(s) == pytest.approx(offset)
        inner, outer, _, _ = road.lane_borders(0, -2, s)
        assert (inner, outer) == pytest.approx((offset - width, offset - width - 2.0))
        assert road.lane_position(-2, s) == pytest.approx([s, offset - width - 1.0])
        assert road.lane_position(1, s, offset=0.25) == pytest.approx([s, offset + 1.75])
        key, lane_s = widening_road.lane_at("r", -1, s)
        lane = widening_road.lane(key)
        assert lane.width_at(lane_s) == pytest.approx(width)
        assert lane.position(lane_s) == pytest.approx([s, offset - width / 2])


def test_road_frame_ignores_the_lane_offset(widening_road):
    road = widening_road.roads["r"]
    assert road.position(10.0, 2.0) == pytest.approx([10.0, 2.0])
    assert road.position(np.array([0.0, 50.0]), -1.0) == pytest.approx(
        np.array([[0.0, -1.0], [50.0, -1.0]])
    )


def test_lane_length_is_the_centre_line_arc_length(widening_road):
    # Lane 1's centre rises 0.01 m per metre: its length is 100 sqrt(1 + 0.01^2).
    lane = widening_road.lane(LaneKey("r", 0, 1))
    assert lane.length == pytest.approx(100.0 * math.sqrt(1.0 + 1e-4), abs=1e-9)
    assert lane.direction == -1
    # driving against the reference line: starts at x = 100, heads west and slightly down
    assert lane.position(0.0) == pytest.approx([100.0, 0.5 + 1.0 + 1.5])
    assert lane.heading_at(0.0) == pytest.approx(math.pi + math.atan(0.01) - 2 * math.pi)


def test_arc_lane_lengths_headings_and_directions():
    radius, angle = 50.0, math.pi / 2
    net = single_road(
        [Arc(s=0.0, x=0.0, y=0.0, hdg=0.0, length=radius * angle, curvature=1 / radius)],
        left=[lane_def(1, 3.5)],
        right=[lane_def(-1, 3.5)],
    )
    outer = net.lane(LaneKey("r", 0, -1))
    inner = net.lane(LaneKey("r", 0, 1))
    assert outer.length == pytest.approx((radius + 1.75) * angle, abs=1e-9)
    assert inner.length == pytest.approx((radius - 1.75) * angle, abs=1e-9)
    assert (outer.direction, inner.direction) == (1, -1)
    # the arc's centre is (0, 50): the outer lane starts 1.75 m below the origin
    assert outer.position(0.0) == pytest.approx([0.0, -1.75], abs=1e-12)
    assert outer.position(outer.length) == pytest.approx([51.75, 50.0], abs=1e-9)
    s = np.linspace(0.0, outer.length, 7)
    np.testing.assert_allclose(outer.heading_at(s), s / (radius + 1.75), atol=1e-12)
    # the inner lane runs backwards: from the arc's end heading south
    assert inner.position(0.0) == pytest.approx([48.25, 50.0], abs=1e-9)
    assert inner.heading_at(0.0) == pytest.approx(-math.pi / 2)
    assert outer.centerline.curvature == pytest.approx(1 / (radius + 1.75), rel=1e-6)
    assert inner.centerline.curvature == pytest.approx(-1 / (radius - 1.75), rel=1e-6)


ROADS = {
    "arc": [Arc(s=0.0, x=0.0, y=0.0, hdg=0.3, length=60.0, curvature=-1 / 40)],
    "clothoid": [
        Line(s=0.0, x=0.0, y=0.0, hdg=0.0, length=20.0),
        Spiral(s=20.0, x=20.0, y=0.0, hdg=0.0, length=30.0, curv_start=0.0, curv_end=1 / 30),
    ],
    "param_poly3": [
        ParamPoly3(
            s=0.0,
            x=5.0,
            y=-2.0,
            hdg=1.0,
            length=40.0,
            bu=30.0,
            cu=5.0,
            bv=0.0,
            cv=8.0,
            dv=-2.0,
            p_range="normalized",
        )
    ],
}


@pytest.mark.parametrize("name", sorted(ROADS))
def test_local_coordinates_inverts_position(name):
    net = single_road(
        ROADS[name],
        left=[lane_def(1, 3.0), lane_def(2, CubicRecord(0.0, 2.0, 0.02))],
        right=[lane_def(-1, CUBIC_WIDTH)],
        lane_offsets=(CubicRecord(0.0, 0.3, 0.005),),
    )
    rng = np.random.default_rng(7)
    for lane in net.lanes.values():
        s = rng.uniform(-5.0, lane.length + 5.0, size=(40, 3))
        t = rng.uniform(-2.0, 2.0, size=(40, 3))
        points = lane.position(s, t)
        assert points.shape == (40, 3, 2)
        s_back, t_back = lane.local_coordinates(points[..., 0], points[..., 1])
        np.testing.assert_allclose(s_back, s, atol=1e-8)
        np.testing.assert_allclose(t_back, t, atol=1e-8)


def test_t_is_to_the_drivers_left_in_both_directions():
    net = straight(length_m=100.0, lanes_right=1, lanes_left=1)
    east = net.lane(LaneKey("1", 0, -1))
    west = net.lane(LaneKey("1", 0, 1))
    assert east.position(10.0, 1.0) == pytest.approx([10.0, -1.75 + 1.0])
    assert west.position(10.0, 1.0) == pytest.approx([90.0, 1.75 - 1.0])
    assert east.local_coordinates(30.0, -2.0) == pytest.approx((30.0, -0.25))
    assert west.local_coordinates(30.0, 2.0) == pytest.approx((70.0, -0.25))


def test_positions_continue_straight_beyond_the_ends():
    net = straight(length_m=100.0, lanes_right=1, lanes_left=0)
    lane = net.lane(LaneKey("1", 0, -1))
    assert lane.position(105.0) == pytest.approx([105.0, -1.75])
    assert lane.position(-3.0, 0.5) == pytest.approx([-3.0, -1.25])
    assert lane.local_coordinates(110.0, -1.75) == pytest.approx((110.0, 0.0))


def test_left_hand_traffic_reverses_directions():
    net = straight(length_m=50.0, lanes_right=2, lanes_left=2, rule="LHT")
    assert net.lane(LaneKey("1", 0, 1)).direction == 1
    assert net.lane(LaneKey("1", 0, -1)).direction == -1
    # driving along +x on the left lanes: the driver's right is towards the centre line
    assert net.lane(LaneKey("1", 0, 2)).right == LaneKey("1", 0, 1)
    assert net.lane(LaneKey("1", 0, 1)).left == LaneKey("1", 0, 2)
    assert net.lane(LaneKey("1", 0, 1)).right is None


def test_neighbours_have_the_same_direction():
    net = straight(length_m=50.0, lanes_right=2, lanes_left=1, sidewalks=True)
    inner = net.lane(LaneKey("1", 0, -1))
    outer = net.lane(LaneKey("1", 0, -2))
    assert (inner.left, inner.right) == (None, outer.key)
    assert (outer.left, outer.right) == (inner.key, None)  # the sidewalk is no neighbour
    opposite = net.lane(LaneKey("1", 0, 1))
    assert (opposite.left, opposite.right) == (None, None)
    assert net.lane(LaneKey("1", 0, -3)).type == "sidewalk"


def test_centerline_sampling_and_interpolation():
    net = straight(length_m=100.3, lanes_right=1, lanes_left=0)
    line = net.lane(LaneKey("1", 0, -1)).centerline
    assert line.s[0] == 0.0 and line.s[-1] == pytest.approx(100.3)
    assert np.max(np.diff(line.s)) <= 0.5 + 1e-12
    mid = line.interpolate(np.array([[10.25, 50.0]]))
    assert mid.x == pytest.approx(np.array([[10.25, 50.0]]))
    assert mid.width == pytest.approx(3.5)


def test_polyline_heading_interpolation_wraps():
    heading = np.array([math.pi - 0.1, -math.pi + 0.1])
    zeros = np.zeros(2)
    line = Polyline(
        s=np.array([0.0, 1.0]),
        x=zeros,
        y=zeros,
        heading=heading,
        width=zeros,
        z=zeros,
        curvature=zeros,
    )
    half = line.interpolate(0.5).heading
    assert angle_difference(half, math.pi) == pytest.approx(0.0, abs=1e-12)
    quarter = line.interpolate(0.25).heading
    assert quarter == pytest.approx(math.pi - 0.05)
