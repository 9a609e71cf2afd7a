"""Obstacle geometry and the command link against hand calculations."""

from __future__ import annotations

import numpy as np
import pytest

from gauntlet.dynamics.drone_link import CommandLink, LinkParams
from gauntlet.scenarios import drone as sd
from gauntlet.world.drones.obstacles import build_obstacles


def test_signed_distances_of_each_shape() -> None:
    field = build_obstacles(
        [sd.Tree((0.0, 0.0), 1.0, 10.0), sd.Building((20.0, 0.0), (4.0, 2.0, 6.0)),
         sd.Wire((0.0, 10.0, 5.0), (10.0, 10.0, 5.0), 0.1)],
        [], np.random.default_rng(0),
    )  # fmt: skip
    points = np.array([[3.0, 0.0, 5.0], [0.0, 0.0, 13.0], [15.0, 0.0, 3.0], [5.0, 12.0, 5.0]])
    nearest, wire = field.distances(points, 0.0)
    # 3 m from the axis of a 1 m tree: 2 m; 3 m above its top: 3 m; 3 m before the
    # building's face (x = 18): 3 m; 2 m beside the wire of 0.1 m radius: 1.9 m.
    assert nearest == pytest.approx([2.0, 3.0, 3.0, 1.9])
    assert wire[3] == pytest.approx(1.9)


def test_an_intruder_flies_at_its_target() -> None:
    field = build_obstacles(
        [
            sd.Intruder(
                (0.0, 0.0, 5.0), 90.0, distance_m=20.0, speed_mps=4.0, size_m=1.0, appear_s=2.0
            )
        ],
        [],
        np.random.default_rng(0),
    )
    assert len(field.active_movers(1.0)[0]) == 0
    _, centre = field.active_movers(4.5)
    # Appears 20 m north at t = 2 s and closes at 4 m/s: 10 m north at 4.5 s (base 0.5 m below).
    assert centre[0] == pytest.approx([0.0, 10.0, 4.5])


def test_the_forest_keeps_its_spacing_and_clearings() -> None:
    forest = sd.Forest(
        (0.0, 0.0, 100.0, 100.0), trees_per_ha=200.0, spacing_m=4.0, keep_clear_m=5.0
    )
    a = build_obstacles([forest], [np.array([50.0, 50.0, 3.0])], np.random.default_rng(1))
    b = build_obstacles([forest], [np.array([50.0, 50.0, 3.0])], np.random.default_rng(1))
    trees = a.cylinders
    np.testing.assert_array_equal(trees, b.cylinders)
    assert len(trees) == 200
    gaps = np.hypot(*(trees[:, None, :2] - trees[None, :, :2]).transpose(2, 0, 1))
    assert np.min(gaps + np.eye(len(trees)) * 1e9) >= 4.0
    assert np.min(np.hypot(trees[:, 0] - 50.0, trees[:, 1] - 50.0) - trees[:, 2]) >= 5.0


def test_the_link_delays_drops_and_measures() -> None:
    link = CommandLink(LinkParams(latency_s=0.03, jitter_s=0.0), np.random.default_rng(0))
    link.send("a", 0.0)
    assert link.receive(0.02) is None
    assert link.receive(0.04) == "a"
    assert link.latencies_s == [pytest.approx(0.04)]
    lossy = CommandLink(LinkParams(latency_s=0.0, jitter_s=0.0, loss=0.5), np.random.default_rng(0))
    for k in range(1000):
        lossy.send(k, float(k))
        lossy.receive(float(k))
    assert lossy.lost + len(lossy.latencies_s) == 1000
    assert 450 < lossy.lost < 550
    with pytest.raises(ValueError, match="loss must be in"):
        LinkParams(loss=1.0)
