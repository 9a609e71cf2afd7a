import numpy as np
import pytest

from gauntlet.world.collision import (
    box_corners,
    box_gap,
    boxes_overlap,
    min_gap,
    overlapping_pairs,
)


def boxes(xs, ys, hs, hl=2.0, hw=1.0):
    n = len(xs)
    return box_corners(
        np.array(xs, float),
        np.array(ys, float),
        np.array(hs, float),
        np.full(n, hl),
        np.full(n, hw),
    )


def test_separated_boxes_gap_by_hand():
    c = boxes([0, 5], [0, 0], [0, np.pi / 2])
    # First spans x in [-2, 2]; the second, turned 90 degrees, spans x in [4, 6].
    assert not boxes_overlap(c[:1], c[1:])[0]
    assert box_gap(c[:1], c[1:])[0] == pytest.approx(2.0)


def test_rotated_overlap_found_only_by_all_axes():
    # Two 4x2 boxes 3.5 m apart on x: the axis-aligned extents overlap, the 45-degree one does not reach.
    c = boxes([0, 3.9], [0, 0], [0, np.pi / 4])
    half_diag_proj = 2.0 * np.cos(np.pi / 4) + 1.0 * np.sin(np.pi / 4)
    assert boxes_overlap(c[:1], c[1:])[0] == (3.9 - half_diag_proj <= 2.0)
    c = boxes([0, 3.0], [0, 0], [0, np.pi / 4])
    assert boxes_overlap(c[:1], c[1:])[0]
    assert box_gap(c[:1], c[1:])[0] == 0.0


def test_overlapping_pairs_agrees_with_corner_sat():
    rng = np.random.default_rng(3)
    n = 120
    x, y = rng.uniform(-15, 15, n), rng.uniform(-15, 15, n)
    h = rng.uniform(-np.pi, np.pi, n)
    hl, hw = rng.uniform(0.3, 3.0, n), rng.uniform(0.3, 1.5, n)
    radius = np.hypot(hl, hw)
    pairs = {tuple(p) for p in overlapping_pairs(x, y, h, hl, hw, radius)}
    i, j = np.triu_indices(n, 1)
    corners = box_corners(x, y, h, hl, hw)
    expected = {
        (int(a), int(b))
        for a, b in zip(i, j, strict=True)
        if boxes_overlap(corners[[a]], corners[[b]])[0]
    }
    assert pairs == expected
    assert 20 < len(pairs) < 600  # both outcomes are exercised


def test_min_gap_matches_corner_gap_and_takes_the_nearest_box():
    rng = np.random.default_rng(7)
    n = 300
    x, y = rng.uniform(-8, 8, n), rng.uniform(-8, 8, n)
    h = rng.uniform(-np.pi, np.pi, n)
    hl, hw = rng.uniform(0.3, 3.0, n), rng.uniform(0.3, 1.5, n)
    c = box_corners(x, y, h, hl, hw)
    for b in range(1, n):
        expected = box_gap(c[:1], c[b : b + 1])[0]
        assert min_gap(x, y, h, hl, hw, 0, np.array([b])) == pytest.approx(expected, abs=1e-12)
    # By hand: the 90-degree box 5 m away is 2 m off, the one 10 m away 7 m off.
    x, y, h = np.array([0.0, 5.0, 10.0]), np.zeros(3), np.array([0.0, np.pi / 2, np.pi / 2])
    hl, hw = np.full(3, 2.0), np.full(3, 1.0)
    assert min_gap(x, y, h, hl, hw, 0, np.array([2, 1])) == pytest.approx(2.0)
    assert min_gap(x, y, h, hl, hw, 0, np.array([], dtype=np.int64)) == np.inf
