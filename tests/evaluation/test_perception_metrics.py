"""Perception metrics on hand-made cases with known answers."""

import math

import numpy as np
import pytest

from gauntlet.agents.perception.geometry import bev_iou_matrix, box_corners, polygon_area
from gauntlet.evaluation.perception_metrics import (
    PerceptionFrame,
    average_precision,
    clear_mot,
    detection_scores,
    match_detections,
    perception_metrics,
)


def corners(*boxes):
    """Corners of boxes given as (x, y, heading, length, width)."""
    b = np.array(boxes, float).reshape(-1, 5)
    return box_corners(b[:, 0], b[:, 1], b[:, 2], b[:, 3], b[:, 4])


def frame(gt, det, scores=None, gt_ids=None, det_ids=None, care=None, confirmed=None):
    gc, dc = corners(*gt), corners(*det)
    n, m = len(gc), len(dc)
    return PerceptionFrame(
        gt_ids=np.asarray(gt_ids if gt_ids is not None else range(n), np.int64),
        gt_corners=gc,
        gt_range=np.hypot(gc.mean(1)[:, 0], gc.mean(1)[:, 1]),
        gt_care=np.asarray(care if care is not None else [True] * n, bool),
        det_ids=np.asarray(det_ids if det_ids is not None else range(100, 100 + m), np.int64),
        det_corners=dc,
        det_range=np.hypot(dc.mean(1)[:, 0], dc.mean(1)[:, 1]),
        det_scores=np.asarray(scores if scores is not None else [1.0] * m, float),
        det_confirmed=np.asarray(confirmed if confirmed is not None else [True] * m, bool),
    )


def test_bev_iou_of_shifted_turned_and_apart_boxes():
    a = corners((0, 0, 0, 4, 2))
    assert polygon_area(a[0]) == pytest.approx(8.0)
    # Shifted 1 m along the length: intersection 3 x 2 = 6, union 8 + 8 - 6 = 10.
    assert bev_iou_matrix(a, corners((1, 0, 0, 4, 2)))[0, 0] == pytest.approx(0.6)
    # Turned a quarter: intersection 2 x 2 = 4, union 12.
    assert bev_iou_matrix(a, corners((0, 0, math.pi / 2, 4, 2)))[0, 0] == pytest.approx(1 / 3)
    # A unit square turned 45 degrees on another: intersection is the octagon 2(sqrt 2 - 1).
    octagon = 2.0 * (math.sqrt(2.0) - 1.0)
    iou = bev_iou_matrix(corners((0, 0, 0, 1, 1)), corners((0, 0, math.pi / 4, 1, 1)))[0, 0]
    assert iou == pytest.approx(octagon / (2.0 - octagon))
    assert bev_iou_matrix(a, corners((10, 0, 0, 4, 2)))[0, 0] == 0.0


def test_average_precision_by_hand():
    # Ranked: TP, FP, TP against 3 boxes -> (recall, precision) (1/3, 1), (1/3, 1/2), (2/3, 2/3).
    # All-point interpolation: 1/3 * 1 + 1/3 * 2/3 = 5/9.
    ap = average_precision(np.array([0.9, 0.8, 0.7]), np.array([True, False, True]), 3)
    assert ap == pytest.approx(5.0 / 9.0)
    assert average_precision(np.array([0.5]), np.array([True]), 1) == pytest.approx(1.0)
    assert math.isnan(average_precision(np.zeros(0), np.zeros(0, bool), 0))


def test_matching_takes_each_box_once_by_confidence_and_ignores_dont_care():
    f = frame(
        gt=[(0, 0, 0, 4, 2), (20, 0, 0, 4, 2)],
        det=[(0.2, 0, 0, 4, 2), (0, 0, 0, 4, 2), (20, 0, 0, 4, 2)],
        scores=[0.5, 0.9, 0.8],
        care=[True, False],
    )
    # The best-scored detection takes box 0; the other on box 0 is a false positive;
    # the one on the don't-care box 1 counts for nothing.
    assert list(match_detections(f, 0.5)) == [0, 1, -1]


def test_precision_recall_and_ap_over_frames():
    frames = [
        frame(gt=[(0, 0, 0, 4, 2)], det=[(0, 0, 0, 4, 2), (30, 0, 0, 4, 2)], scores=[0.9, 0.3]),
        frame(gt=[(0, 0, 0, 4, 2), (10, 5, 0, 4, 2)], det=[(1, 0, 0, 4, 2)], scores=[0.8]),
    ]
    # IoU 0.5: frame 1 TP(0.9) FP(0.3); frame 2 the 1 m shift has IoU 0.6 -> TP(0.8); 3 boxes.
    s = detection_scores(frames, 0.5)
    assert s["precision"] == pytest.approx(2 / 3) and s["recall"] == pytest.approx(2 / 3)
    # Ranked TP(0.9) TP(0.8) FP(0.3): AP = 2/3 * 1.
    assert s["ap"] == pytest.approx(2 / 3)
    # At IoU 0.7 the shifted box misses: ranked TP FP FP... AP = 1/3.
    assert detection_scores(frames, 0.7)["ap"] == pytest.approx(1 / 3)


def test_mota_and_motp_by_hand():
    a, b = (0, 0, 0, 4, 2), (20, 0, 0, 4, 2)
    frames = [
        frame([a, b], [(0.5, 0, 0, 4, 2), b], gt_ids=[1, 2], det_ids=[10, 20]),
        frame([a, b], [a], gt_ids=[1, 2], det_ids=[10]),  # misses b
        frame([a, b], [a, b, (40, 0, 0, 4, 2)], gt_ids=[1, 2], det_ids=[11, 20, 30]),  # switch, FP
    ]
    m = clear_mot(frames)
    # 6 boxes; 1 miss, 1 false positive, 1 identity switch: MOTA = 1 - 3/6.
    assert m["mota"] == pytest.approx(0.5)
    assert m["id_switches"] == 1.0
    # Matched distances 0.5, 0, 0, 0, 0 -> MOTP 0.1 m.
    assert m["motp_m"] == pytest.approx(0.1)


def test_scenario_metrics_names_and_range_bins():
    frames = [frame(gt=[(5, 0, 0, 4, 2), (45, 0, 0, 4, 2)], det=[(5, 0, 0, 4, 2)])]
    m = perception_metrics(frames)
    assert m["perception_recall_bev50"] == pytest.approx(0.5)
    assert m["perception_ap_bev30_0_20m"] == pytest.approx(1.0)
    assert m["perception_ap_bev30_40_60m"] == 0.0
    assert "perception_ap_bev30_20_40m" not in m  # no ground truth there: undefined, left out
    assert m["perception_gt"] == 2.0 and m["perception_frames"] == 1.0
