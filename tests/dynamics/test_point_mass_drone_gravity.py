"""The reduced drone's vertical channel against standard gravity (9.80665 m/s^2)."""

from __future__ import annotations

import numpy as np
import pytest

from gauntlet.dynamics.point_mass_drone import PointMassDroneParams, PointMassDrones


def test_full_climb_and_cut_thrust_accelerate_by_plus_and_minus_g() -> None:
    # From rest, the velocity loop asks 3/s * 4 m/s = 12 m/s^2 up: thrust is capped at twice
    # the weight, so the drone climbs at 2 g - g = g; asked 12 m/s^2 down, the thrust is
    # cut to zero and it falls at g. After one 10 ms step: v_z = +-0.0980665 m/s.
    drones = PointMassDrones(PointMassDroneParams(), np.array([[0.0, 0.0, 10.0]] * 2))
    drones.command_velocity(np.array([[0.0, 0.0, 4.0], [0.0, 0.0, -4.0]]))
    drones.step(0.01)
    assert drones.velocity_mps[:, 2] == pytest.approx([0.0980665, -0.0980665], rel=1e-12)
    assert drones.position_m[:, 2] == pytest.approx(
        [10.0 + 0.01 * 0.0980665, 10.0 - 0.01 * 0.0980665], rel=1e-12
    )
