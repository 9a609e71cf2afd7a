"""The lidar against hand calculations: a flat wall, noise, intensity, motion, ids."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gauntlet.sensors.base import SENSORS, Sensor, SensorPose, sensor_kind
from gauntlet.sensors.lidar import LIDAR_POINT_DTYPE, Lidar, LidarConfig
from gauntlet.sensors.scene import Boxes, RaycastScene
from gauntlet.sensors.semantic import DEFAULT_REFLECTIVITY, Semantic

WALL_ID = 5000
ELEVATIONS = (10.0, 5.0, 0.0, -5.0, -10.0)


def boxes(ids, x, y, length, width, height, z=None, semantic=Semantic.WALL, vx=None):  # noqa: ANN001
    n = len(ids)
    return Boxes(
        ids=np.asarray(ids),
        semantic=np.full(n, semantic, np.uint8),
        x=np.asarray(x, float),
        y=np.asarray(y, float),
        z=np.zeros(n) if z is None else np.asarray(z, float),
        heading=np.zeros(n),
        length=np.asarray(length, float),
        width=np.asarray(width, float),
        height=np.asarray(height, float),
        vx=np.zeros(n) if vx is None else np.asarray(vx, float),
    )


def wall_scene(face_x: float = 20.0) -> RaycastScene:
    """A wall 0.2 m thick whose face is the plane x = face_x, 200 m wide, from z=-50 to 50."""
    return RaycastScene(
        static_boxes=boxes([WALL_ID], [face_x + 0.1], [0.0], [0.2], [200.0], [100.0], z=[-50.0])
    )


def lidar(**changes) -> Lidar:  # noqa: ANN003
    config = {
        "channels": len(ELEVATIONS),
        "elevations_deg": ELEVATIONS,
        "horizontal_fov": 40.0,
        "points_per_second": len(ELEVATIONS) * 80 * 10,
        "range": 100.0,
        "dropoff_general_rate": 0.0,
        "dropoff_intensity_limit": 0.0,
        "dropoff_zero_intensity": 0.0,
        "noise_stddev": 0.0,
    }
    config.update(changes)
    return Lidar(LidarConfig(**config))


def ranges(points: np.ndarray) -> np.ndarray:
    return np.sqrt(points["x"] ** 2 + points["y"] ** 2 + points["z"] ** 2)


def test_flat_wall_ranges_and_ring_elevations_by_hand():
    sensor = lidar()
    scan = sensor.measure(wall_scene(), SensorPose(0.0, 0.0, 0.0), 0.0, np.random.default_rng(0))
    p = scan.points
    assert p.dtype == LIDAR_POINT_DTYPE
    assert len(p) == sensor.rays_per_sweep == 5 * 80  # every ray meets the wall
    el = np.radians(np.array(ELEVATIONS))[p["ring"]]
    column = np.arange(len(p)) // 5
    az = sensor.azimuths[column]
    # Ray (az, el) meets the plane x = 20 at range 20 / (cos el cos az).
    expected = 20.0 / (np.cos(el) * np.cos(az))
    assert np.max(np.abs(ranges(p) - expected)) < 0.01
    assert np.max(np.abs(p["x"] - 20.0)) < 0.01
    measured_el = np.arctan2(p["z"], np.hypot(p["x"], p["y"]))
    assert np.max(np.abs(measured_el - el)) < 1e-5
    # Columns sweep clockwise from +20 deg to -20 deg, one step apart in time.
    assert az[0] == pytest.approx(math.radians(20.0 - 0.25))
    assert p["time_offset"][5] == pytest.approx(1.0 / (80 * 10))
    assert set(np.unique(p["object_id"])) == {WALL_ID}
    assert set(np.unique(p["semantic"])) == {Semantic.WALL}


def test_range_limit_drops_the_far_wall():
    scan = lidar(range=19.0).measure(
        wall_scene(), SensorPose(0, 0, 0), 0.0, np.random.default_rng(0)
    )
    assert len(scan.points) == 0


def test_noise_std_matches_noise_stddev():
    sensor = lidar(points_per_second=5 * 2000 * 10, noise_stddev=0.05)
    scan = sensor.measure(wall_scene(), SensorPose(0, 0, 0), 0.0, np.random.default_rng(11))
    p = scan.points
    el = np.radians(np.array(ELEVATIONS))[p["ring"]]
    az = sensor.azimuths[np.arange(len(p)) // 5]
    error = ranges(p) - 20.0 / (np.cos(el) * np.cos(az))
    assert len(error) == 10_000
    # Standard error of the sample std: 0.05 / sqrt(2n) = 0.00035 m.
    assert np.std(error) == pytest.approx(0.05, abs=0.0015)
    assert abs(np.mean(error)) < 0.0015
    # Noise moves points along their rays: the elevation stays exact.
    assert np.max(np.abs(np.arctan2(p["z"], np.hypot(p["x"], p["y"])) - el)) < 1e-5


def test_same_seed_same_sweep_other_seed_other_sweep():
    sensor = lidar(noise_stddev=0.03, dropoff_general_rate=0.3)
    scene = wall_scene()
    pose = SensorPose(0, 0, 0)
    a = sensor.measure(scene, pose, 0.0, np.random.default_rng(42)).points
    b = sensor.measure(scene, pose, 0.0, np.random.default_rng(42)).points
    c = sensor.measure(scene, pose, 0.0, np.random.default_rng(43)).points
    assert np.array_equal(a, b)
    assert not (len(a) == len(c) and np.array_equal(a, c))
    # The general drop-off keeps about 70 % of 400 points.
    assert 0.6 * 400 < len(a) < 0.8 * 400


def test_intensity_falls_with_range_as_configured():
    sensor = lidar(elevations_deg=(0.0,), channels=1, horizontal_fov=2.0, points_per_second=20)
    rate = sensor.config.atmosphere_attenuation_rate
    rho = DEFAULT_REFLECTIVITY[Semantic.WALL]
    values = {}
    for d in (10.0, 40.0):
        p = sensor.measure(wall_scene(d), SensorPose(0, 0, 0), 0.0, np.random.default_rng(0)).points
        cos_inc = np.cos(sensor.azimuths[np.arange(len(p))])
        expected = rho * cos_inc * np.exp(-rate * ranges(p))
        np.testing.assert_allclose(p["intensity"], expected, rtol=1e-5)
        values[d] = float(p["intensity"][0])
    assert values[40.0] / values[10.0] == pytest.approx(math.exp(-rate * 30.0), rel=1e-3)
    # CARLA's own model: no reflectivity, no incidence angle.
    carla = lidar(material_reflectivity=False, incidence_angle=False)
    p = carla.measure(wall_scene(), SensorPose(0, 0, 0), 0.0, np.random.default_rng(0)).points
    np.testing.assert_allclose(p["intensity"], np.exp(-rate * ranges(p)), rtol=1e-5)


def test_intensity_dropoff_follows_carla():
    # Intensity ~0.3 * cos * exp(-0.004 * 20) ~ 0.27 < limit 0.8: kept with probability
    # 1 - 0.4 * (1 - I / 0.8) ~ 0.73.
    sensor = lidar(
        points_per_second=5 * 2000 * 10, dropoff_intensity_limit=0.8, dropoff_zero_intensity=0.4
    )
    p = sensor.measure(wall_scene(), SensorPose(0, 0, 0), 0.0, np.random.default_rng(3)).points
    keep = 1.0 - 0.4 * (1.0 - p["intensity"] / 0.8)
    expected = np.mean(keep) * 10_000  # the kept points' mean is close to the mean over all
    assert len(p) == pytest.approx(expected, rel=0.03)


def test_moving_sensor_sees_the_wall_nearer_by_v_times_time_offset():
    v = 10.0
    sensor = lidar(horizontal_fov=360.0, points_per_second=5 * 720 * 10)
    pose = SensorPose(0.0, 0.0, 0.0, vx=v)
    p = sensor.measure(wall_scene(), pose, 3.0, np.random.default_rng(0)).points
    assert len(p) > 0
    # Points are in the sensor frame at their firing time: the wall is 20 - v * t away.
    np.testing.assert_allclose(p["x"], 20.0 - v * p["time_offset"], atol=0.01)
    assert np.ptp(p["x"]) > 0.1
    still = lidar(horizontal_fov=360.0, points_per_second=5 * 720 * 10, motion_distortion=False)
    q = still.measure(wall_scene(), pose, 3.0, np.random.default_rng(0)).points
    np.testing.assert_allclose(q["x"], 20.0, atol=0.01)


def test_turning_sensor_rotates_each_fan_by_its_yaw():
    sensor = lidar(horizontal_fov=360.0, points_per_second=5 * 720 * 10)
    yaw_rate = 0.5
    p = sensor.measure(
        wall_scene(), SensorPose(0, 0, 0, yaw_rate=yaw_rate), 0.0, np.random.default_rng(0)
    ).points
    column = np.rint(p["time_offset"] * 720 * 10).astype(int)
    az = sensor.azimuths[column] + yaw_rate * p["time_offset"]
    el = np.radians(np.array(ELEVATIONS))[p["ring"]]
    np.testing.assert_allclose(ranges(p), 20.0 / (np.cos(el) * np.cos(az)), atol=0.01)


def test_actor_hits_carry_its_id_and_class_and_its_motion():
    scene = wall_scene(30.0)
    # A car 4 m long, front at x = 10, coming towards the sensor at 20 m/s.
    car = boxes(
        [7], [12.0], [0.0], [4.0], [2.0], [1.5], z=[-0.75], semantic=Semantic.CAR, vx=[-20.0]
    )
    scene.update_actors(car, 0.0)
    sensor = lidar(horizontal_fov=360.0, points_per_second=5 * 720 * 10)
    p = sensor.measure(scene, SensorPose(0, 0, 0), 0.0, np.random.default_rng(0)).points
    on_car = p["object_id"] == 7
    assert on_car.sum() > 10
    assert set(p["semantic"][on_car]) == {Semantic.CAR}
    assert set(p["semantic"][~on_car]) == {Semantic.WALL}
    # The car's face is at x = 10 - 20 t when the ray fires (slices keep the error < 2 cm).
    front = on_car & (np.abs(p["y"]) < 0.5)
    np.testing.assert_allclose(p["x"][front], 10.0 - 20.0 * p["time_offset"][front], atol=0.025)
    # The sensor does not see the actor it is told to ignore.
    q = sensor.measure(
        scene, SensorPose(0, 0, 0), 0.0, np.random.default_rng(0), exclude_id=7
    ).points
    assert not np.any(q["object_id"] == 7)


def test_registry_and_protocol():
    assert sensor_kind("lidar") is Lidar
    assert "lidar" in SENSORS
    sensor = lidar(noise_stddev=0.02, rotation_frequency=20.0)
    assert isinstance(sensor, Sensor)
    assert sensor.rate_hz == 20.0
    assert sensor.noise[0].stddev == 0.02
    with pytest.raises(KeyError, match="unknown sensor kind"):
        sensor_kind("sonar")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"channels": 0}, "channels"),
        ({"upper_fov": -40.0}, "upper_fov"),
        ({"horizontal_fov": 400.0}, "horizontal_fov"),
        ({"dropoff_general_rate": 1.5}, "dropoff_general_rate"),
        ({"elevations_deg": (1.0, 2.0)}, "elevations_deg"),
    ],
)
def test_invalid_configs_are_refused(change, message):
    with pytest.raises(ValueError, match=message):
        LidarConfig(**change)


def test_presets_carry_their_datasheet_figures():
    from gauntlet.sensors.lidar_presets import LIDAR_PRESETS, lidar_preset

    vlp = lidar_preset("vlp16")
    assert vlp.channels == 16 and vlp.range == 100.0 and vlp.points_per_second == 300_000
    np.testing.assert_allclose(np.degrees(vlp.elevations_rad()), np.arange(15.0, -16.0, -2.0))
    hdl = lidar_preset("hdl64e")
    el = np.degrees(hdl.elevations_rad())
    assert len(el) == 64 and el[0] == pytest.approx(2.0) and el[-1] == pytest.approx(-24.9)
    assert np.diff(el[:32]) == pytest.approx(np.full(31, -10.33 / 31))
    os1 = lidar_preset("os1_128")
    assert (os1.channels, os1.columns) == (128, 2048)
    assert np.ptp(np.degrees(os1.elevations_rad())) == pytest.approx(45.0)
    for config in LIDAR_PRESETS.values():
        assert config.dropoff_general_rate == 0.0 and config.noise_stddev > 0
    with pytest.raises(KeyError, match="unknown lidar preset"):
        lidar_preset("hdl32")
