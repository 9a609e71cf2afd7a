"""Pedestrian: relaxation towards the desired velocity under acceleration and speed limits."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gauntlet.dynamics import Pedestrian, PedestrianParams, PedestrianState, preset


def walk(command, seconds, dt=0.01, state=None, **params):
    model = Pedestrian([PedestrianParams(**params)])
    array = model.pack([state or PedestrianState(0.0, 0.0, 0.0)])
    trace = []
    for _ in range(round(seconds / dt)):
        model.step(array, np.array([command], dtype=float), dt)
        trace.append(array[0].copy())
    return np.array(trace)


def test_reaches_the_commanded_velocity_at_the_acceleration_limit():
    """From rest towards 2 m/s with tau = 0.5 s: (2 - v) / tau exceeds 1.5 m/s^2
    until v = 1.25 m/s, so the first 0.8333 s are a 1.5 m/s^2 ramp."""
    trace = walk([2.0, 0.0], seconds=10.0)
    speed = trace[:, 3]
    assert speed[49] == pytest.approx(0.75, rel=1e-12)  # t = 0.5 s
    assert trace[49, 0] == pytest.approx(0.5 * 1.5 * 0.5**2, rel=1e-12)
    assert np.all(np.diff(speed) <= 1.5 * 0.01 + 1e-12)
    assert speed[-1] == pytest.approx(2.0, rel=1e-6)
    assert np.all(speed <= 2.0 + 1e-12)
    assert np.all(trace[:, 2] == 0.0)


def test_relaxation_after_the_ramp_is_exponential():
    trace = walk([2.0, 0.0], seconds=3.0)
    # After the ramp ends (v = 1.25 m/s at t = 5/6 s) the gap decays as exp(-t / tau).
    t_end = 1.25 / 1.5
    gap_at = 0.75 * math.exp(-(3.0 - t_end) / 0.5)
    # Ramp ends inside a step, so allow the one-step mismatch.
    assert 2.0 - trace[-1, 3] == pytest.approx(gap_at, rel=0.02)


def test_never_exceeds_max_speed():
    trace = walk([10.0, -10.0], seconds=8.0)
    assert np.all(trace[:, 3] <= 2.5)
    assert trace[-1, 3] == pytest.approx(2.5, abs=1e-5)
    assert trace[-1, 2] == pytest.approx(-math.pi / 4)


def test_heading_follows_the_velocity_and_is_kept_when_standing():
    trace = walk([0.0, 1.0], seconds=5.0)
    assert trace[-1, 2] == pytest.approx(math.pi / 2)
    standing = walk([0.0, 0.0], seconds=1.0, state=PedestrianState(0.0, 0.0, 1.0, 0.0))
    assert np.all(standing[:, 2] == 1.0)
    assert np.all(standing[:, 3] == 0.0)


def test_turning_around_passes_through_the_acceleration_limit():
    trace = walk(
        [-1.0, 0.0], seconds=4.0, state=PedestrianState(0.0, 0.0, 0.0, 1.0), relaxation_time_s=0.1
    )
    # 2 m/s of velocity change at 1.5 m/s^2 takes 4/3 s; the walker stops at 2/3 s.
    assert trace[-1, 2] == -math.pi  # pi, wrapped into [-pi, pi)
    assert trace[-1, 3] == pytest.approx(1.0)
    furthest = trace[:, 0].max()
    assert furthest == pytest.approx(1.0**2 / (2 * 1.5), rel=1e-3)


def test_from_params_uses_the_pedestrian_preset():
    model = Pedestrian.from_params([preset("pedestrian")])
    assert model.params[0] == PedestrianParams(
        max_speed_mps=2.5, max_accel_mps2=1.5, relaxation_time_s=0.5
    )


def test_invalid_parameters_are_rejected():
    with pytest.raises(ValueError, match="max_speed_mps"):
        PedestrianParams(max_speed_mps=0.0)
    with pytest.raises(ValueError, match="relaxation_time_s"):
        PedestrianParams(relaxation_time_s=-0.5)
