"""IMU, GNSS and wheel odometry against hand calculations and their configured statistics."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from gauntlet.sensors.base import Sensor, SensorPose, sensor_kind
from gauntlet.sensors.geodesy import (
    WGS84_A,
    GeodeticOrigin,
    enu_to_geodetic,
    geodetic_to_ecef,
    geodetic_to_enu,
    meridian_radius,
)
from gauntlet.sensors.gnss import GNSS_FIX_DTYPE, Gnss, GnssConfig
from gauntlet.sensors.inertial import (
    IMU_SAMPLE_DTYPE,
    STANDARD_GRAVITY,
    BiasDrift,
    BodyMotion,
    Imu,
    ImuConfig,
    InertialNoise,
    SampleClock,
)
from gauntlet.sensors.inertial_presets import CONSUMER_MEMS, TACTICAL, gnss_preset, imu_preset
from gauntlet.sensors.odometry import WheelOdometry, WheelOdometryConfig

LEVEL = SensorPose(0.0, 0.0, 0.0)


def run(sensor, seconds: float, step: float, motion=None, pose=LEVEL, seed=0) -> np.ndarray:  # noqa: ANN001
    """Calls ``sensor`` every ``step`` s from 0 to ``seconds``; all samples."""
    rng = np.random.default_rng(seed)
    n = round(seconds / step)
    return np.concatenate([sensor.measure(motion, pose, i * step, rng) for i in range(n + 1)])


@pytest.mark.parametrize(
    "kind,cls", [("imu", Imu), ("gnss", Gnss), ("wheel_odometry", WheelOdometry)]
)
def test_registered_and_follow_the_sensor_protocol(kind, cls):  # noqa: ANN001
    assert sensor_kind(kind) is cls
    assert isinstance(cls(), Sensor)


def test_imu_at_rest_reads_plus_g_on_z_with_the_configured_bias():
    accel = InertialNoise(noise_density=2e-3, bias=(0.02, -0.03, 0.05))
    gyro = InertialNoise(noise_density=1e-4, bias=(1e-3, 0.0, -2e-3))
    imu = Imu(ImuConfig(rate_hz=100.0, accel=accel, gyro=gyro))
    s = run(imu, 20.0, 0.05)
    assert s.dtype == IMU_SAMPLE_DTYPE and len(s) == 2001
    n = len(s)
    sa, sg = 2e-3 * 10, 1e-4 * 10  # per-sample sigma: density * sqrt(100 Hz)
    mean = [s[f"accel_{a}"].mean() for a in "xyz"]
    assert mean == pytest.approx([0.02, -0.03, STANDARD_GRAVITY + 0.05], abs=5 * sa / math.sqrt(n))
    gmean = [s[f"gyro_{a}"].mean() for a in "xyz"]
    assert gmean == pytest.approx([1e-3, 0.0, -2e-3], abs=5 * sg / math.sqrt(n))


@pytest.mark.parametrize("preset", [CONSUMER_MEMS, TACTICAL])
def test_imu_white_noise_std_is_density_times_sqrt_rate(preset):  # noqa: ANN001
    # Bias drift off: the per-sample spread is the white noise alone.
    quiet = {"turn_on_sigma": 0.0, "bias_instability": 0.0, "random_walk": 0.0}
    config = dataclasses.replace(
        preset,
        accel=dataclasses.replace(preset.accel, **quiet),
        gyro=dataclasses.replace(preset.gyro, **quiet),
    )
    s = run(Imu(config), 40.0 if preset.rate_hz < 200 else 10.0, 0.05, seed=1)
    n = len(s)
    assert n == round((40.0 if preset.rate_hz < 200 else 10.0) * preset.rate_hz) + 1
    tol = 5.0 / math.sqrt(2 * n)
    for axis in "xyz":
        expected_a = preset.accel.noise_density * math.sqrt(preset.rate_hz)
        expected_g = preset.gyro.noise_density * math.sqrt(preset.rate_hz)
        assert np.std(s[f"accel_{axis}"]) == pytest.approx(expected_a, rel=tol)
        assert np.std(s[f"gyro_{axis}"]) == pytest.approx(expected_g, rel=tol)
    # Consumer gyro: 0.015 deg/s/sqrt(Hz) at 100 Hz is 0.15 deg/s per sample.
    if preset is CONSUMER_MEMS:
        assert expected_g == pytest.approx(math.radians(0.15))


def test_imu_tilted_and_turning_by_hand():
    # Pitched 10 deg (nose down): gravity's reaction (0, 0, g) seen in the body frame is
    # (-g sin10, 0, g cos10).
    imu = Imu(ImuConfig(rate_hz=50.0))
    pose = SensorPose(0, 0, 0, pitch=math.radians(10.0))
    s = imu.measure(None, pose, 0.0, np.random.default_rng(0))
    g = STANDARD_GRAVITY
    f = [s[f"accel_{a}"][0] for a in "xyz"]
    assert f == pytest.approx(
        [-g * math.sin(math.radians(10)), 0.0, g * math.cos(math.radians(10))], abs=1e-5
    )
    # Level car heading north at 20 m/s turning left at 0.2 rad/s: centripetal acceleration
    # v r = 4 m/s^2 points west (world), i.e. to the car's left (+y body); gyro z = 0.2.
    imu = Imu(ImuConfig(rate_hz=50.0))
    pose = SensorPose(0, 0, 0, yaw=math.pi / 2, vy=20.0, yaw_rate=0.2)
    s = imu.measure(BodyMotion(ax=-4.0), pose, 0.0, np.random.default_rng(0))
    assert [s[f"accel_{a}"][0] for a in "xyz"] == pytest.approx([0.0, 4.0, g], abs=1e-5)
    assert [s[f"gyro_{a}"][0] for a in "xyz"] == pytest.approx([0.0, 0.0, 0.2], abs=1e-7)


def test_bias_random_walk_grows_with_sqrt_time():
    # K = 0.01 units/sqrt(s): after 10 s the walk has spread 0.01 * sqrt(10).
    rng = np.random.default_rng(2)
    ends = []
    for _ in range(400):
        drift = BiasDrift(np.zeros(1), 1.0, np.array([0.01]))
        drift.start(rng)
        ends.append(drift.advance(0.01, 1000, rng)[-1, 0])
    assert np.std(ends) == pytest.approx(0.01 * math.sqrt(10.0), rel=5 / math.sqrt(800))


def test_gauss_markov_bias_instability_is_stationary():
    rng = np.random.default_rng(3)
    drift = BiasDrift(np.array([0.5]), 0.5, np.zeros(1))
    drift.start(rng)
    x = drift.advance(0.01, 100_000, rng)[:, 0]
    assert np.std(x) == pytest.approx(0.5, rel=0.1)
    lag = round(0.5 / 0.01)  # correlation exp(-1) one time constant apart
    assert np.corrcoef(x[:-lag], x[lag:])[0, 1] == pytest.approx(math.exp(-1.0), abs=0.08)


def test_sample_clock_keeps_its_rate_whatever_the_step():
    clock = SampleClock(10.0)
    times = np.concatenate([clock.due(i * 0.01) for i in range(301)])  # 100 Hz steps, 3 s
    assert times == pytest.approx(np.arange(31) / 10.0)
    clock = SampleClock(100.0)
    calls = [clock.due(1.0 + i * 0.05) for i in range(11)]  # 20 Hz steps: 5 samples each
    assert [len(c) for c in calls] == [1] + [5] * 10
    assert np.concatenate(calls) == pytest.approx(1.0 + np.arange(51) / 100.0)


def test_geodetic_origin_and_poles():
    assert geodetic_to_ecef(0.0, 0.0, 0.0) == pytest.approx([WGS84_A, 0.0, 0.0])
    assert geodetic_to_ecef(90.0, 0.0, 0.0) == pytest.approx([0.0, 0.0, 6_356_752.314245], abs=1e-6)


def test_one_kilometre_north_and_east_at_the_equator():
    # WGS-84 meridian radius at the equator M0 = a (1 - e^2) = 6,335,439.327 m, so 1 km north
    # along the tangent plane is atan(1000 / M0) = 0.0090437 deg of latitude (a sphere of
    # 6,371 km would give 0.008993 deg), and the point stands sqrt(M0^2 + 1000^2) - M0 above
    # the ellipsoid. East, the radius is the prime vertical a.
    origin = GeodeticOrigin(0.0, 0.0, 0.0)
    m0 = meridian_radius(0.0)
    assert m0 == pytest.approx(6_335_439.327, abs=1e-3)
    lat, lon, h = enu_to_geodetic(np.array([0.0, 1000.0, 0.0]), origin)
    assert float(lat) == pytest.approx(math.degrees(math.atan(1000.0 / m0)), abs=1e-10)
    assert float(lat) == pytest.approx(0.0090437, abs=1e-7)
    assert float(lon) == pytest.approx(0.0, abs=1e-12)
    assert float(h) == pytest.approx(math.hypot(m0, 1000.0) - m0, abs=1e-5)
    lat, lon, h = enu_to_geodetic(np.array([1000.0, 0.0, 0.0]), origin)
    assert float(lon) == pytest.approx(math.degrees(math.atan(1000.0 / WGS84_A)), abs=1e-12)
    assert float(h) == pytest.approx(math.hypot(WGS84_A, 1000.0) - WGS84_A, abs=1e-5)


def test_enu_geodetic_round_trip_at_mid_latitude():
    origin = GeodeticOrigin(48.137, 11.575, 519.0)
    enu = np.random.default_rng(0).uniform(-10_000.0, 10_000.0, (100, 3)) * [1, 1, 0.05]
    lat, lon, h = enu_to_geodetic(enu, origin)
    assert np.max(np.abs(geodetic_to_enu(lat, lon, h, origin) - enu)) < 1e-6
    lat0, lon0, h0 = enu_to_geodetic(np.zeros(3), origin)
    assert (float(lat0), float(lon0), float(h0)) == pytest.approx((48.137, 11.575, 519.0), abs=1e-9)


def test_gnss_rate_noise_and_geodetic_fix():
    config = GnssConfig(
        origin=GeodeticOrigin(52.0, 13.0, 40.0),
        rate_hz=5.0,
        white_horizontal_m=0.5,
        white_vertical_m=1.0,
    )
    gnss = Gnss(config)
    pose = SensorPose(100.0, -50.0, 2.0, vx=10.0)
    fixes = run(gnss, 400.0, 0.05, pose=pose, seed=4)  # 20 Hz calls, 5 Hz fixes
    assert fixes.dtype == GNSS_FIX_DTYPE
    assert len(fixes) == 2001
    assert np.diff(fixes["time_s"]) == pytest.approx(np.full(2000, 0.2))
    n = len(fixes)
    tol = 5 / math.sqrt(2 * n)
    assert np.std(fixes["east_m"]) == pytest.approx(0.5, rel=tol)
    assert np.std(fixes["north_m"]) == pytest.approx(0.5, rel=tol)
    assert np.std(fixes["up_m"]) == pytest.approx(1.0, rel=tol)
    assert np.mean(fixes["east_m"]) == pytest.approx(100.0, abs=5 * 0.5 / math.sqrt(n))
    assert np.std(fixes["velocity_east_mps"]) == pytest.approx(0.05, rel=tol)
    enu = np.stack((fixes["east_m"], fixes["north_m"], fixes["up_m"]), axis=1)
    lat, lon, h = enu_to_geodetic(enu, config.origin)
    assert np.array_equal(lat, fixes["latitude_deg"]) and np.array_equal(h, fixes["altitude_m"])


def test_gnss_presets_bias_dominates_standard_and_is_centimetric_for_rtk():
    assert gnss_preset("standard").bias_horizontal_m > 1.0
    rtk = Gnss(gnss_preset("rtk"))
    fixes = run(rtk, 60.0, 0.1, seed=5)
    assert np.std(fixes["east_m"]) < 0.03 and abs(np.mean(fixes["north_m"])) < 0.03
    assert (
        imu_preset("tactical").gyro.bias_instability
        < imu_preset("consumer_mems").gyro.bias_instability
    )


def test_wheel_odometry_scale_noise_reverse_and_standstill():
    config = WheelOdometryConfig(
        rate_hz=50.0, speed_sigma_mps=0.05, speed_scale_error=0.02, yaw_rate_sigma_radps=0.01
    )
    odo = WheelOdometry(config)
    pose = SensorPose(
        0,
        0,
        0,
        yaw=math.radians(40.0),
        vx=10 * math.cos(math.radians(40.0)),
        vy=10 * math.sin(math.radians(40.0)),
        yaw_rate=0.1,
    )
    s = run(odo, 40.0, 0.05, pose=pose, seed=6)
    n = len(s)
    assert n == 2001
    assert np.mean(s["speed_mps"]) == pytest.approx(10.2, abs=5 * 0.05 / math.sqrt(n))
    assert np.std(s["speed_mps"]) == pytest.approx(0.05, rel=5 / math.sqrt(2 * n))
    assert np.mean(s["yaw_rate_radps"]) == pytest.approx(0.1, abs=5 * 0.01 / math.sqrt(n))
    back = WheelOdometry(config).measure(
        None, SensorPose(0, 0, 0, yaw=0.0, vx=-3.0), 0.0, np.random.default_rng(0)
    )
    assert back["speed_mps"][0] == pytest.approx(-3.06, abs=0.3)
    still = run(WheelOdometry(config), 2.0, 0.05, pose=LEVEL)
    assert np.all(still["speed_mps"] == 0.0) and np.all(still["yaw_rate_radps"] == 0.0)


def test_same_seed_same_samples():
    for make in (lambda: Imu(TACTICAL), lambda: Gnss(gnss_preset("standard")), WheelOdometry):
        pose = SensorPose(1.0, 2.0, 0.5, vx=5.0, yaw_rate=0.05)
        a = run(make(), 2.0, 0.05, BodyMotion(ax=1.0), pose, seed=9)
        b = run(make(), 2.0, 0.05, BodyMotion(ax=1.0), pose, seed=9)
        c = run(make(), 2.0, 0.05, BodyMotion(ax=1.0), pose, seed=10)
        assert a.tobytes() == b.tobytes() and a.tobytes() != c.tobytes()
