"""The observer's coverage grid and the CBBA kernels, against hand-worked cases."""

from __future__ import annotations

import numpy as np
import pytest

from gauntlet.swarm.cbba import BUNDLE_DISCOUNT, CBBA, TIME_DISCOUNT, build_bundles
from gauntlet.swarm.coverage import CoverageGrid


def test_coverage_footprint_is_the_cells_within_the_radius() -> None:
    # 40 m x 40 m, radius 10 m: cells of 5 m (8 x 8); a footprint reaches 2 cells out,
    # and the cells with dx^2 + dy^2 <= 4 are 1 + 4 + 4 + 4 = 13.
    grid = CoverageGrid.over(np.array([0.0, 0.0, 40.0, 40.0]), 10.0)
    assert grid.seen.shape == (8, 8)
    assert grid.cell_m == 5.0
    assert len(grid.offsets) == 13
    # A node on the corner cell's centre sees the quarter of its footprint inside the area.
    grid.mark(np.array([[2.5, 2.5]]))
    assert grid.seen.sum() == 6
    assert set(zip(*np.nonzero(grid.seen), strict=True)) == {
        (0, 0), (1, 0), (0, 1), (1, 1), (2, 0), (0, 2)
    }  # fmt: skip
    # A node in the middle adds its whole footprint; marking twice changes nothing.
    grid.mark(np.array([[22.5, 22.5], [22.5, 22.5]]))
    assert grid.seen.sum() == 6 + 13
    # Nodes far outside the area see nothing.
    grid.mark(np.array([[-100.0, 0.0], [0.0, 500.0]]))
    assert grid.seen.sum() == 19


def test_bundle_scores_are_discounted_by_travel_time_and_bundle_position() -> None:
    # One agent at the origin, 10 m/s; tasks of value 1 at 100 m and 200 m: it takes the
    # nearer one first (0.99^10), then the farther one in the second slot (0.99^20 * 0.9).
    y = np.zeros((1, 2))
    z = np.full((1, 2), -1, dtype=np.int64)
    bundle = np.full((1, 2), -1, dtype=np.int64)
    blen = np.zeros(1, dtype=np.int64)
    changed = build_bundles(
        np.array([0]), np.zeros((1, 2)), np.array([10.0]), np.ones((1, 2), dtype=bool),
        np.ones((1, 2), dtype=bool), np.array([[200.0, 0.0], [0.0, 100.0]]), np.ones(2),
        y, z, bundle, blen,
    )  # fmt: skip
    assert changed == 2
    assert bundle.tolist() == [[1, 0]] and blen.tolist() == [2]
    assert y[0, 1] == pytest.approx(TIME_DISCOUNT**10)
    assert y[0, 0] == pytest.approx(TIME_DISCOUNT**20 * BUNDLE_DISCOUNT)
    assert z.tolist() == [[0, 0]]


def test_consensus_takes_the_higher_bid_and_the_newer_time_stamps() -> None:
    # Agents 0 and 1 both bid on task 0; agent 1 bids higher and tells agent 0.
    c = CBBA(3, 2, 1)
    c.y[0, 0], c.z[0, 0], c.bundle[0, 0], c.blen[0] = 0.5, 0, 0, 1
    c.y[1, 0], c.z[1, 0], c.bundle[1, 0], c.blen[1] = 0.8, 1, 0, 1
    c.s[0] = [0.0, 1.0, 4.0]
    c.s[1] = [2.0, 0.0, 3.0]
    c.snapshot(0, np.array([1]))
    flag = c.receive(np.array([0]), np.array([1]), np.array([0]), 1, 5.0)
    assert flag.tolist() == [True, False, False]
    # Agent 0 now believes agent 1 wins at 0.8 and drops the task from its bundle.
    assert (c.y[0, 0], c.z[0, 0]) == (0.8, 1)
    assert c.blen[0] == 0 and c.bundle[0, 0] == -1
    # Time stamps: the newer of each (its own kept), the sender's set to now.
    assert c.s[0].tolist() == [0.0, 5.0, 4.0]
    # A second, identical packet changes nothing.
    c.snapshot(1, np.array([1]))
    flag = c.receive(np.array([0]), np.array([1]), np.array([1]), 2, 6.0)
    assert not flag.any()
