"""The object-list sensor: range, field of view, occlusion geometry and dropout, by numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gauntlet.sensors.object_list import (
    ObjectListSensor,
    ObjectSensorParams,
    sample_points,
    segments_cross_boxes,
)


def _scene(boxes):
    """Arrays of (x, y, heading, length, width, height) rows."""
    a = np.array(boxes, dtype=float)
    return a[:, :2], a[:, 2], a[:, 3], a[:, 4], a[:, 5]


def _seen(boxes, params=None, origin=(0.0, 0.0), heading=0.0, candidates=None):
    xy, h, length, width, height = _scene(boxes)
    sensor = ObjectListSensor(params or ObjectSensorParams())
    return sensor.detect(origin, heading, xy, h, length, width, height, candidates).tolist()


# A 12 m bus, 2.5 m wide and 3 m tall, centred 10 m ahead of the sensor.
BUS = (10.0, 0.0, 0.0, 12.0, 2.5, 3.0)


def test_sample_points_are_centre_and_inset_corners():
    pts = sample_points(
        np.array([[1.0, 2.0]]), np.array([math.pi / 2]), np.array([4.0]), np.array([2.0])
    )
    assert pts.shape == (1, 5, 2)
    assert pts[0, 0] == pytest.approx([1.0, 2.0])
    # Heading north: the box's length runs along y; corner (+l/2, +w/2) lies at (x - w/2, y + l/2).
    assert pts[0, 1] == pytest.approx([1.0 - 0.98, 2.0 + 1.96])


def test_segment_through_a_box_and_beside_it():
    box = (np.array([[5.0, 0.0]]), np.array([0.0]), np.array([2.0]), np.array([2.0]))
    pts = np.array([[10.0, 0.0], [10.0, 2.5], [10.0, 2.01], [4.5, 0.0], [3.0, 0.0]])
    cross = segments_cross_boxes(np.zeros(2), pts, *box)[:, 0]
    # Straight through; passing 1.25 m beside the box at x = 5 (y = 2.5 * 5/10 = 1.25 > 1);
    # the segment to (10, 2.01) is at y = 1.005 over the box's far edge x = 6 (1.206)
    # and at x = 4 (0.804 < 1): it clips the corner; ending inside; ending short of it.
    assert cross.tolist() == [True, False, True, True, False]


def test_box_directly_behind_another_is_hidden():
    walker = (20.0, 0.0, 0.0, 0.5, 0.5, 1.7)
    assert _seen([BUS, walker]) == [0]


@pytest.mark.parametrize(
    ("offset_m", "visible"),
    # The bus spans x = 4 ... 16, |y| <= 1.25. From (0, 0) the steepest ray, to the walker's
    # corner (19.755, y + 0.245), clears the bus's near left corner (4, 1.25) when
    # (y + 0.245) * 4 / 19.755 > 1.25, i.e. y > 5.929 m.
    [(0.0, False), (3.0, False), (5.85, False), (6.0, True), (8.0, True)],
)
def test_lateral_offset_reveals_an_object(offset_m, visible):
    walker = (20.0, offset_m, 0.0, 0.5, 0.5, 1.7)
    assert (1 in _seen([BUS, walker])) is visible


def test_the_reveal_offset_matches_the_hand_calculation():
    # Scan offsets in 1 cm steps: the first visible offset is within 1 cm of 5.929 m.
    first = next(
        y for y in np.arange(5.5, 6.5, 0.01) if 1 in _seen([BUS, (20.0, y, 0.0, 0.5, 0.5, 1.7)])
    )
    expected = 1.25 * 19.755 / 4.0 - 0.245
    assert first == pytest.approx(expected, abs=0.011)


def test_height_rule_low_car_hides_walker_from_bumper_not_from_pole():
    car = (10.0, 0.0, 0.0, 4.5, 1.9, 1.5)
    walker = (20.0, 0.0, 0.0, 0.5, 0.5, 1.7)
    assert _seen([car, walker], ObjectSensorParams(height_m=1.2)) == [0]
    assert _seen([car, walker], ObjectSensorParams(height_m=5.0)) == [0, 1]


def test_occlusion_can_be_switched_off():
    walker = (20.0, 0.0, 0.0, 0.5, 0.5, 1.7)
    assert _seen([BUS, walker], ObjectSensorParams(occlusion=False)) == [0, 1]


def test_own_vehicle_does_not_block_its_sensor():
    ego = (0.0, 0.0, 0.0, 4.7, 1.9, 1.5)
    car = (30.0, 0.0, 0.0, 4.7, 1.9, 1.5)
    assert _seen([ego, car], candidates=np.array([1])) == [1]


def test_range_counts_the_nearest_sample_point():
    # A 4 m car centred at 101.9 m: its rear corners lie at 101.9 - 1.96 = 99.94 m along x.
    car = (101.9, 0.0, 0.0, 4.0, 1.0, 1.5)
    assert _seen([car], ObjectSensorParams(range_m=100.0)) == [0]
    far = (102.1, 0.0, 0.0, 4.0, 1.0, 1.5)
    assert _seen([far], ObjectSensorParams(range_m=100.0)) == []


def test_field_of_view():
    ahead = (20.0, 0.0, 0.0, 0.4, 0.4, 1.7)
    left = (0.0, 20.0, 0.0, 0.4, 0.4, 1.7)
    behind = (-20.0, 0.0, 0.0, 0.4, 0.4, 1.7)
    params = ObjectSensorParams(fov_rad=math.radians(120.0))
    assert _seen([ahead, left, behind], params) == [0]
    assert _seen([ahead, left, behind], params, heading=math.pi / 2) == [1]


def test_dropout_rate_and_determinism():
    params = ObjectSensorParams(dropout=0.3)
    boxes = [(10.0 * (k + 1), 5.0 * (k % 3), 0.0, 0.4, 0.4, 1.7) for k in range(4)]
    xy, h, length, width, height = _scene(boxes)
    occl = ObjectSensorParams(dropout=0.3, occlusion=False)
    counts = []
    for p in (params, occl):
        sensor = ObjectListSensor(p, np.random.default_rng(5))
        seen = [
            len(sensor.detect((0.0, 0.0), 0.0, xy, h, length, width, height)) for _ in range(2500)
        ]
        counts.append(sum(seen))
    n = 2500 * 4
    # Binomial(10 000, 0.7): sd 45.8; 4 sd either side.
    assert abs(counts[1] - 0.7 * n) < 4 * math.sqrt(n * 0.21)
    again = ObjectListSensor(occl, np.random.default_rng(5))
    first = ObjectListSensor(occl, np.random.default_rng(5))
    for _ in range(50):
        a = again.detect((0.0, 0.0), 0.0, xy, h, length, width, height)
        b = first.detect((0.0, 0.0), 0.0, xy, h, length, width, height)
        assert a.tolist() == b.tolist()


def test_bad_parameters_are_refused():
    with pytest.raises(ValueError, match="dropout"):
        ObjectSensorParams(dropout=1.5)
    with pytest.raises(ValueError, match="fov_rad"):
        ObjectSensorParams(fov_rad=7.0)
