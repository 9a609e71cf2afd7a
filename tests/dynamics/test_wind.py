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


def reference_samples(field_rng, mean, n, heights, velocity, dt, steps):
    """The documented filters in plain numpy, with one noise draw per step."""
    w20 = mean.speed_at(20.0 * 0.3048)
    s_uv, s_w, l_uv, l_w = dryden_low_altitude(heights, w20)
    u = s_uv * field_rng.standard_normal(n)
    stages = np.array([math.sqrt(0.5), 0.5, math.sqrt(0.5), 0.5])[:, None]
    stages = stages * field_rng.standard_normal((4, n))
    stages[:2] *= s_uv
    stages[2:] *= s_w
    c, s = math.cos(mean.direction_rad), math.sin(mean.direction_rad)
    base = mean.velocity_at(heights)
    airspeed = np.maximum(np.hypot(*(base[:, :2] - velocity[:, :2]).T), 1.0)
    out = []
    for _ in range(steps):
        noise = field_rng.standard_normal((3, n))
        a = np.exp(-dt * airspeed / l_uv)
        u = a * u + s_uv * np.sqrt(1.0 - a * a) * noise[0]
        gust = [u]
        for axis, (sigma, length) in enumerate(((s_uv, l_uv), (s_w, l_w))):
            a = np.exp(-dt * airspeed / length)
            drive = sigma * np.sqrt(length / airspeed / dt) * noise[axis + 1]
            stages[2 * axis] = a * stages[2 * axis] + (1.0 - a) * drive
            stages[2 * axis + 1] = a * stages[2 * axis + 1] + (1.0 - a) * stages[2 * axis]
            first, second = stages[2 * axis], stages[2 * axis + 1]
            gust.append(second + math.sqrt(3.0) * (first - second))
        wind = base.copy()
        wind[:, 0] += c * gust[0] - s * gust[1]
        wind[:, 1] += s * gust[0] + c * gust[1]
        wind[:, 2] += gust[2]
        out.append(wind)
    return np.array(out)


@pytest.mark.parametrize("n", [1, 7, 2000])  # 2000: a noise block holds only 2 steps
def test_compiled_filters_match_the_per_step_reference(n):
    mean = MeanWind.beaufort(6, direction_rad=-1.1)
    heights = np.linspace(2.0, 300.0, n)
    position = np.column_stack((np.zeros(n), np.zeros(n), heights))
    velocity = np.column_stack((np.linspace(-20.0, 20.0, n), np.full(n, 3.0), np.zeros(n)))
    field = WindField(n, mean, np.random.default_rng(21))
    out = np.empty((n, 3))
    samples = []
    for _ in range(25):
        assert field.sample(position, velocity, 0.0, 0.01, out=out) is out
        samples.append(out.copy())
    expected = reference_samples(np.random.default_rng(21), mean, n, heights, velocity, 0.01, 25)
    # Same noise, in the same order, whatever the block size; only rounding differs.
    assert np.array(samples) == pytest.approx(expected, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("mean", [MeanWind(8.0, 2.0), MeanWind(8.0, 2.0, shear_exponent=0.2)])
def test_calm_field_is_the_mean_profile(mean):
    field = WindField(4, mean, np.random.default_rng(0), turbulence=False)
    position = np.array([[0.0, 0.0, z] for z in (0.01, 5.0, 10.0, 80.0)])
    wind = field.sample(position, np.zeros((4, 3)), 0.0, 0.01)
    assert wind == pytest.approx(mean.velocity_at(position[:, 2]), rel=1e-13, abs=1e-13)
