"""Wind: Beaufort table, profile, Dryden statistics, gusts, determinism."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gauntlet.dynamics.wind import (
    BEAUFORT_BANDS_MPS,
    Gust,
    MeanWind,
    WindField,
    beaufort_speed_mps,
    dryden_low_altitude,
)


def test_beaufort_7_is_13_9_to_17_1_mps():
    assert BEAUFORT_BANDS_MPS[7] == (13.9, 17.1)
    assert beaufort_speed_mps(7) == pytest.approx(15.5)
    with pytest.raises(ValueError):
        beaufort_speed_mps(13)


def test_log_profile_and_power_law():
    wind = MeanWind(10.0, roughness_length_m=0.03)
    assert wind.speed_at(10.0) == pytest.approx(10.0)
    assert wind.speed_at(50.0) == pytest.approx(10.0 * math.log(50 / 0.03) / math.log(10 / 0.03))
    assert wind.speed_at(0.0) == 0.0
    power = MeanWind(10.0, shear_exponent=1.0 / 7.0)
    assert power.speed_at(80.0) == pytest.approx(10.0 * 8.0 ** (1.0 / 7.0))


def test_mil_f_8785c_low_altitude_figures():
    # At 100 ft with W20 = 30 kt (moderate): sigma_w = 3 kt, L_w = 100 ft.
    h = 100.0 * 0.3048
    w20 = 30.0 * 0.514444
    s_uv, s_w, l_uv, l_w = dryden_low_altitude(np.array([h]), np.array([w20]))
    base = 0.177 + 0.000823 * 100.0
    assert s_w[0] == pytest.approx(0.1 * w20)
    assert s_uv[0] == pytest.approx(0.1 * w20 / base**0.4)
    assert l_w[0] == pytest.approx(h)
    assert l_uv[0] == pytest.approx(100.0 / base**1.2 * 0.3048)


def test_turbulence_standard_deviations_match_the_specification():
    n, dt = 400, 0.01
    mean = MeanWind.beaufort(7, direction_rad=0.7)
    field = WindField(n, mean, np.random.default_rng(11))
    position = np.zeros((n, 3))
    position[:, 2] = 30.0
    still = np.zeros((n, 3))
    samples = np.array([field.sample(position, still, 0.0, dt) for _ in range(6000)])
    s_uv, s_w, _, _ = dryden_low_altitude(np.array([30.0]), np.array([mean.speed_at(6.096)]))
    c, s = math.cos(0.7), math.sin(0.7)
    gust = samples - mean.velocity_at(position[:, 2])
    along = gust[..., 0] * c + gust[..., 1] * s
    across = -gust[..., 0] * s + gust[..., 1] * c
    assert along.std() == pytest.approx(s_uv[0], rel=0.05)
    assert across.std() == pytest.approx(s_uv[0], rel=0.05)
    assert gust[..., 2].std() == pytest.approx(s_w[0], rel=0.05)
    # The mean over the run stays in the Beaufort-7 band at 10 m.
    at_10m = WindField(n, mean, np.random.default_rng(2))
    position[:, 2] = 10.0
    speeds = [np.hypot(*at_10m.sample(position, still, 0.0, dt)[:, :2].T) for _ in range(3000)]
    assert 13.9 <= float(np.mean(speeds)) <= 17.1


def test_same_seed_same_wind():
    def run(seed):
        field = WindField(5, MeanWind.beaufort(5), np.random.default_rng(seed))
        pos = np.full((5, 3), 20.0)
        return np.array([field.sample(pos, np.zeros((5, 3)), 0.0, 0.01) for _ in range(100)])

    assert run(4).tobytes() == run(4).tobytes()
    assert run(4).tobytes() != run(5).tobytes()


def test_one_minus_cosine_gust():
    gust = Gust(start_s=1.0, rise_s=2.0, hold_s=1.0, amplitude_mps=(4.0, 0.0, -2.0))
    assert gust.velocity_at(0.5) == pytest.approx([0.0, 0.0, 0.0])
    assert gust.velocity_at(2.0) == pytest.approx([2.0, 0.0, -1.0])
    assert gust.velocity_at(3.5) == pytest.approx([4.0, 0.0, -2.0])
    assert gust.velocity_at(5.0) == pytest.approx([2.0, 0.0, -1.0])
    assert gust.velocity_at(6.5) == pytest.approx([0.0, 0.0, 0.0])
    field = WindField(2, MeanWind(), np.random.default_rng(0), gusts=[gust])
    assert field.sample(np.zeros((2, 3)), np.zeros((2, 3)), 3.5, 0.01) == pytest.approx(
        np.array([[4.0, 0.0, -2.0]] * 2)
    )
