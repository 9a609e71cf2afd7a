"""Separating touching road users in a lidar cluster, and the tracker's class-aware boxes."""

import math

import numpy as np
import pytest

from gauntlet.agents.perception.cluster_split import SplitParams, split_cluster
from gauntlet.agents.perception.lidar_objects import (
    PEDESTRIAN_SIZE_M,
    LidarBoxes,
    LidarDetector,
    LidarDetectorParams,
)
from gauntlet.agents.perception.track_merge import merge_on_tracks
from gauntlet.agents.perception.tracker import Tracker, _car_behind_face

HEIGHTS_M = (0.5, 1.0, 1.5)


def _columns(xy: np.ndarray, heights=HEIGHTS_M) -> tuple[np.ndarray, np.ndarray]:
    """Points ``(n, 3)`` stacked at each bird's-eye-view spot, and their heights above the ground."""
    z = np.repeat(np.asarray(heights, float)[None], len(xy), axis=0).reshape(-1)
    xyz = np.column_stack((np.repeat(xy, len(heights), axis=0), z))
    return xyz, z.copy()


def _walkers(n: int = 5, spacing_m: float = 0.9, size_m: float = 0.5) -> np.ndarray:
    """The faces of ``n`` square walkers in a row along y, seen from -x: ``(m, 2)`` (the last column is the walker)."""
    edge = np.arange(-0.5 * size_m, 0.5 * size_m + 1e-9, 0.05)
    out = []
    for k in range(n):
        yc = k * spacing_m
        front = np.column_stack(
            (np.full_like(edge, 10.0 - 0.5 * size_m), yc + edge, np.full_like(edge, k))
        )
        side = np.column_stack(
            (10.0 + edge, np.full_like(edge, yc - 0.5 * size_m), np.full_like(edge, k))
        )
        out.append(np.concatenate((front, side)))
    return np.concatenate(out)


def _groups(
    detector: LidarDetector, xyz: np.ndarray, height: np.ndarray, owner: np.ndarray
) -> list[set]:
    """The owners of each cluster's points (one set per cluster)."""
    return sorted((set(owner[c].tolist()) for c in detector.clusters(xyz, height)), key=min)


def test_five_walkers_0_9_m_apart_come_out_as_five_objects():
    w = _walkers()
    xyz, height = _columns(w[:, :2])
    owner = np.repeat(w[:, 2].astype(int), len(HEIGHTS_M))
    # Their surfaces are 0.4 m apart: the 1 m link of the grid joins them ...
    unsplit = LidarDetector(LidarDetectorParams(split=None))
    assert _groups(unsplit, xyz, height, owner) == [{0, 1, 2, 3, 4}]
    # ... and the cut at the gaps (0.4 m, eight times the 0.05 m spacing) parts them.
    assert _groups(LidarDetector(), xyz, height, owner) == [{0}, {1}, {2}, {3}, {4}]
    clusters = LidarDetector().clusters(xyz, height)
    assert sorted(len(c) for c in clusters) == [2 * 11 * 3] * 5  # every point kept, once each


def test_two_cars_bumper_to_bumper_1_m_apart_are_two():
    # The right sides of two 4.5 m cars in a row, 1 m between the first's front and the second's rear.
    along = np.arange(0.0, 4.5 + 1e-9, 0.1)
    first = np.column_stack((10.0 + along, np.full_like(along, -0.9)))
    second = np.column_stack((15.5 + along, np.full_like(along, -0.9)))
    xyz, height = _columns(np.concatenate((first, second)), (0.5, 1.0))
    owner = np.repeat(np.r_[np.zeros(len(along), int), np.ones(len(along), int)], 2)
    assert _groups(LidarDetector(LidarDetectorParams(split=None)), xyz, height, owner) == [{0, 1}]
    assert _groups(LidarDetector(), xyz, height, owner) == [{0}, {1}]


def test_evenly_spaced_returns_of_one_surface_are_not_cut():
    # A truck's side at a grazing angle: columns of four returns every 0.5 m along 9 m.
    along = np.arange(0.0, 9.0 + 1e-9, 0.5)
    xy = np.column_stack((20.0 + along, np.full_like(along, 3.0)))
    xyz, height = _columns(xy, (0.5, 1.0, 1.5, 2.0))
    assert [len(c) for c in LidarDetector().clusters(xyz, height)] == [len(xyz)]
    # A lone walker is never split either, however dense.
    w = _walkers(n=1)
    assert len(split_cluster(w[:, :2], np.full(len(w), 1.5))) == 1


def test_a_fragment_too_small_to_stand_alone_stays_with_its_neighbour():
    w = _walkers(n=2)
    stray = np.array([[9.75, 0.9 + 0.55]])  # one return 0.3 m beyond the second walker's face
    xy = np.concatenate((w[:, :2], stray))
    parts = split_cluster(xy, np.full(len(xy), 1.5), SplitParams())
    assert [len(p) for p in parts] == [22, 23]
    assert len(xy) - 1 in parts[1]


def _small_box(x: float, y: float, visible: tuple, kind: str, size=(0.6, 0.6)) -> LidarBoxes:
    one = np.ones(1)
    return LidarBoxes(
        np.array([x]), np.array([y]), np.zeros(1), size[0] * one, size[1] * one, one,
        10 * one.astype(int), (kind,), np.array([visible], float),
    )  # fmt: skip


def test_a_face_on_a_fast_track_is_completed_as_a_car_behind_it():
    # A 1.6 m wide face with 0.1 m of depth at x = 20, moving at 20 m/s along +x, seen from the origin.
    centre, size = _car_behind_face(
        np.array([20.0, 0.0, 0.5 * math.pi, 1.6, 0.1]), np.array([20.0, 0.0]), (0, 0)
    )
    assert size == (pytest.approx(4.5), pytest.approx(1.85))
    assert centre == pytest.approx(
        [20.0 + 0.5 * (4.5 - 0.1), 0.0]
    )  # (22.2, 0): away from the sensor
    # Approaching from ahead (moving towards the sensor), the car still lies behind the face.
    centre, _ = _car_behind_face(
        np.array([20.0, 0.0, 0.5 * math.pi, 1.6, 0.1]), np.array([-20.0, 0.0]), (0, 0)
    )
    assert centre == pytest.approx([22.2, 0.0])


def test_a_fast_track_of_small_boxes_becomes_a_car_along_its_motion():
    tracker = Tracker()
    for k in range(12):  # a pedestrian-sized face moving at 20 m/s, 40 m ahead
        x = 40.0 + 2.0 * k
        face = (x, 0.0, 0.5 * math.pi, 0.8, 0.1)
        tracker.update_lidar(_small_box(x, 0.0, face, "pedestrian"), 0.1 * k)
    (track,) = tracker.tracks
    assert track.kind == "car"
    assert (track.length, track.width) == (pytest.approx(4.5), pytest.approx(1.85))
    assert math.cos(track.heading) == pytest.approx(1.0, abs=1e-6)  # along the motion


def test_a_walker_track_keeps_a_walkers_box():
    tracker = Tracker()
    for k in range(6):  # a walker seen with a neighbour's points now and then
        size = (1.0, 0.9) if k % 2 else (0.5, 0.5)
        face = (10.0, 0.1 * k, 0.0, size[0], size[1])
        tracker.update_lidar(_small_box(10.0, 0.1 * k, face, "pedestrian", size), 0.1 * k)
    (track,) = tracker.tracks
    assert track.kind == "pedestrian"
    assert (track.length, track.width) == PEDESTRIAN_SIZE_M


def test_the_pieces_of_a_two_wheeler_on_its_track_become_one_box():
    # A 2.2 m motorcycle along +x at x = 10: its rear face (x 8.9) and a ring across its top (x 10.9).
    rear = (8.95, 0.0, 0.5 * math.pi, 0.8, 0.1)
    top = (10.85, 0.0, 0.5 * math.pi, 0.6, 0.1)
    one = np.ones(2)
    boxes = LidarBoxes(
        np.array([9.2, 11.1]), np.zeros(2), np.zeros(2), 0.6 * one, 0.6 * one, one,
        np.array([30, 10]), ("pedestrian", "pedestrian"), np.array([rear, top]),
    )  # fmt: skip
    joined = merge_on_tracks(boxes, np.array([[9.9, 0.0, 0.0, 1.8, 0.6]]))
    assert len(joined) == 1 and joined.types == ("bicycle",) and joined.points[0] == 40
    # Rear of the face 8.9 to front of the ring 10.9: 2.0 m long, centred at 9.9; 0.8 m wide.
    assert (joined.x[0], joined.y[0]) == (pytest.approx(9.9), pytest.approx(0.0, abs=1e-12))
    assert (joined.length[0], joined.width[0]) == (pytest.approx(2.0), pytest.approx(0.8))
    # Pieces not both on one track stay apart.
    assert len(merge_on_tracks(boxes, np.array([[8.0, 0.0, 0.0, 1.8, 0.6]]))) == 2
