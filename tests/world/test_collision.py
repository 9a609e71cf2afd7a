import numpy as np
import pytest

from gauntlet.world.collision import box_corners, box_gap, boxes_overlap, candidate_pairs


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


def test_candidate_pairs_broad_phase():
    i, j = candidate_pairs(np.array([0.0, 3.0, 100.0]), np.zeros(3), np.full(3, 2.3))
    assert list(zip(i, j, strict=True)) == [(0, 1)]


def test_obb_overlap_agrees_with_corner_sat():
    rng = np.random.default_rng(3)
    n = 400
    x, y = rng.uniform(-6, 6, n), rng.uniform(-6, 6, n)
    h = rng.uniform(-np.pi, np.pi, n)
    hl, hw = rng.uniform(0.3, 3.0, n), rng.uniform(0.3, 1.5, n)
    i, j = np.arange(0, n, 2), np.arange(1, n, 2)
    from gauntlet.world.collision import obb_overlap

    corners = box_corners(x, y, h, hl, hw)
    fast = obb_overlap(x, y, h, hl, hw, i, j)
    assert np.array_equal(fast, boxes_overlap(corners[i], corners[j]))
    assert 20 < fast.sum() < 180  # both outcomes are exercised
