"""The oriented-box containment test shared by the lidar detector and the tracker."""

from __future__ import annotations

import math

import numpy as np

from gauntlet.agents.perception.geometry import in_box


def test_points_in_a_turned_box_with_and_without_margin() -> None:
    # A 4 m x 2 m box at (10, 5) turned 90 degrees: it spans x 9..11 and y 3..7.
    box = (10.0, 5.0, math.pi / 2, 4.0, 2.0)
    px = np.array([10.0, 10.9, 10.0, 11.2, 10.0, 11.4])
    py = np.array([5.0, 6.9, 7.2, 5.0, 2.5, 5.0])
    assert in_box(px, py, box).tolist() == [True, True, False, False, False, False]
    # Grown by 0.3 m: (10, 7.2) and (11.2, 5) come in; (10, 2.5) and (11.4, 5) stay out.
    assert in_box(px, py, box, margin_m=0.3).tolist() == [True, True, True, True, False, False]


def test_a_point_on_the_edge_is_inside() -> None:
    assert bool(in_box(2.0, 0.0, (0.0, 0.0, 0.0, 4.0, 2.0)))
    assert not bool(in_box(2.0 + 1e-9, 0.0, (0.0, 0.0, 0.0, 4.0, 2.0)))
