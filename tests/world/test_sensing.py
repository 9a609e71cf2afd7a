"""Sensor models declared on the ego: measurements in the observation, rates, latency, seeds."""

from __future__ import annotations

import math
from typing import get_args

import numpy as np
import pytest

from gauntlet.scenarios.errors import ScenarioErrors
from gauntlet.scenarios.sensing import SensorKind
from gauntlet.sensors import SENSORS
from gauntlet.sensors.catalog import KINDS
from gauntlet.sensors.inertial import STANDARD_GRAVITY
from gauntlet.sensors.lidar import Lidar
from gauntlet.world.observation import EgoRoute, observe

from .helpers import STRAIGHT, world_from_yaml

# The ego at s = 100 on lane -1 (x = 100, y = -1.75), a stationary car 20 m ahead (x = 120);
# both are 4.7 m long, 1.45 m tall. A 20 Hz world.
SCENE = """
dt_s: 0.05
seed: 7
ego:
  sensors:
{sensors}
entities:
  - name: ego
    type: car
    initial: {{position: {{lane: {{road: "1", lane: -1, s_m: 100}}}}}}
    behaviour: idle
  - name: lead
    type: car
    initial: {{position: {{lane: {{road: "1", lane: -1, s_m: 120}}}}}}
    behaviour: idle
"""

LIDAR = "    - {name: top, kind: lidar, preset: vlp16, mount: {z_m: 1.0}}"


def _world(sensors: str, seed: int | None = None):
    text = STRAIGHT + SCENE.format(sensors=sensors)
    if seed is not None:
        text = text.replace("seed: 7", f"seed: {seed}")
    _, world = world_from_yaml(text, external={"ego"})
    return world, EgoRoute(world, 0, 500.0)


def _deliveries(sensors: str, name: str, steps: int) -> list[tuple[float, float | None]]:
    """(world time, time_s of the measurement in the observation) at each step."""
    world, route = _world(sensors)
    out = []
    for _ in range(steps):
        m = observe(world, route).sensors.get(name)
        out.append((round(world.time_s, 6), None if m is None else round(m.time_s, 6)))
        world.step()
    return out


def test_lidar_sees_the_car_ahead_at_its_rear_face():
    world, route = _world(LIDAR)
    lead = world.actor_id("lead")
    for _ in range(3):  # the sweep started at t = 0 ends, and is delivered, at t = 0.1
        obs = observe(world, route)
        world.step()
    scan = obs.sensors["top"]
    assert scan.time_s == 0.0
    points = scan.points
    assert not np.any(points["object_id"] == world.actor_id("ego"))
    car = points[points["object_id"] == lead]
    # The rear face is 20 - 4.7 / 2 = 17.65 m ahead of the sensor (at the ego's centre), so
    # every return has sensor-frame x = 17.65 m, up to the 3 cm range noise.
    assert np.median(car["x"]) == pytest.approx(17.65, abs=0.01)
    assert np.all(np.abs(car["x"] - 17.65) < 0.15)
    # Beams at elevation e reach height 1.0 + 17.65 tan(e): -3 deg (0.075 m), -1 deg and +1 deg
    # (1.308 m) hit the 1.45 m tall box; +3 deg (1.925 m) passes over, -5 deg hits the road
    # first. Rings count from the top (+15 deg): +1 deg is ring 7.
    assert set(np.unique(car["ring"]).tolist()) == {7, 8, 9}
    # 1875 columns a sweep; the 1.8 m wide face spans 2 atan(0.9 / 17.65) = 5.84 deg,
    # 30 or 31 columns per ring.
    half_width = 0.5 * float(world.width[lead])
    columns = 1875 * 2.0 * math.degrees(math.atan(half_width / 17.65)) / 360.0
    assert 3 * math.floor(columns) <= len(car) <= 3 * math.ceil(columns)
    assert np.all(np.abs(car["y"]) <= half_width + 0.01)


def test_a_10_hz_lidar_in_a_20_hz_world_delivers_every_other_step_after_its_latency():
    got = _deliveries(LIDAR, "top", 8)
    # Sweeps start at 0, 0.1, 0.2 and end one period later.
    assert got == [
        (0.0, None),
        (0.05, None),
        (0.1, 0.0),
        (0.15, 0.0),
        (0.2, 0.1),
        (0.25, 0.1),
        (0.3, 0.2),
        (0.35, 0.2),
    ]
    late = LIDAR.replace("mount:", "params: {latency_s: 0.1}, mount:")
    assert _deliveries(late, "top", 8) == [
        (0.0, None),
        (0.05, None),
        (0.1, None),
        (0.15, None),
        (0.2, 0.0),
        (0.25, 0.0),
        (0.3, 0.1),
        (0.35, 0.1),
    ]


def test_camera_frame_is_delivered_after_its_latency_and_sees_the_car():
    camera = (
        "    - {name: front, kind: camera, mount: {z_m: 1.0},\n"
        "       params: {image_size_x: 64, image_size_y: 48, rate_hz: 10, latency_s: 0.05}}"
    )
    got = _deliveries(camera, "front", 6)
    assert got == [(0.0, None), (0.05, 0.0), (0.1, 0.0), (0.15, 0.1), (0.2, 0.1), (0.25, 0.2)]
    world, route = _world(camera)
    observe(world, route)
    world.step()
    frame = observe(world, route).sensors["front"]
    # fx = fy = 32 px, principal point (32, 24); row v looks (v - 24) / 32 down from 1.0 m.
    # Rows 24 and 25 (0.45 m high at 17.65 m) hit the rear face 17.65 m ahead; row 23 (1.55 m)
    # passes over the 1.45 m car; row 26 meets the road at 1.0 / (2 / 32) = 16 m. The 1.8 m
    # wide face spans 32 +- 32 * 0.9 / 17.65 = 32 +- 1.63 px: columns 31 to 33.
    assert frame.depth[24:26, 31:34] == pytest.approx(17.65, abs=1e-3)
    assert frame.depth[24, 30] == np.inf
    assert frame.depth[23, 32] == np.inf
    assert frame.depth[26, 32] == pytest.approx(16.0, abs=1e-3)


def test_radar_keeps_its_own_rate():
    # The ARS 408-21 cycles every 72 ms: due at 0, 0.072, ..., 0.936 within the first second,
    # each measured at the first 50 ms step at or after it.
    world, route = _world("    - {name: radar, kind: radar, preset: ars408}")
    times = set()
    for _ in range(21):
        scan = observe(world, route).sensors.get("radar")
        if scan is not None:
            times.add(round(scan.time_s, 6))
        world.step()
    expected = {round(math.ceil(k * 0.072 / 0.05 - 1e-9) * 0.05, 6) for k in range(14)}
    assert times == expected


def test_same_seed_gives_identical_measurements():
    sensors = LIDAR + "\n    - {name: imu, kind: imu, preset: consumer_mems}"

    def run(seed: int):
        world, route = _world(sensors, seed)
        out = []
        for _ in range(5):
            obs = observe(world, route)
            out.append({k: v for k, v in obs.sensors.items()})
            world.step()
        return out

    def same(x: np.ndarray, y: np.ndarray) -> bool:  # field by field: the dtype has padding
        return x.shape == y.shape and all(np.array_equal(x[f], y[f]) for f in x.dtype.names)

    a, b, c = run(3), run(3), run(4)
    assert same(a[-1]["top"].points, b[-1]["top"].points)
    assert same(a[-1]["imu"], b[-1]["imu"])
    assert not same(a[-1]["top"].points, c[-1]["top"].points)
    assert not same(a[-1]["imu"], c[-1]["imu"])


def test_imu_at_rest_reads_plus_g_on_z():
    world, route = _world("    - {name: imu, kind: imu, preset: consumer_mems}")
    counts, samples = [], []
    for _ in range(20):
        imu = observe(world, route).sensors["imu"]
        counts.append(len(imu))
        samples.append(imu)
        world.step()
    # 100 Hz in a 20 Hz world: the sample at t = 0, then five a step.
    assert counts == [1] + [5] * 19
    s = np.concatenate(samples)
    assert np.all(np.diff(s["time_s"]) > 0)
    # Consumer MEMS: 5 mg turn-on bias (1 sigma, 0.049 m/s^2), 2.3 mg white noise a sample.
    assert float(np.mean(s["accel_z"])) == pytest.approx(STANDARD_GRAVITY, abs=0.2)
    assert abs(float(np.mean(s["accel_x"]))) < 0.2
    assert abs(float(np.mean(s["accel_y"]))) < 0.2
    assert np.all(np.abs(s["gyro_z"]) < 0.1)


def test_no_sensors_no_sensing():
    text = STRAIGHT + SCENE.format(sensors="    []").replace("  sensors:\n    []", "  sensors: []")
    _, world = world_from_yaml(text, external={"ego"})
    assert world.sensing is None
    assert observe(world, EgoRoute(world, 0, 500.0)).sensors == {}


def test_scenario_kinds_are_the_registered_kinds():
    assert set(get_args(SensorKind)) == set(KINDS) == set(SENSORS)
    assert SENSORS["lidar"] is Lidar


@pytest.mark.parametrize(
    ("sensor", "message"),
    [
        (
            "{name: top, kind: lidar, preset: vlp61}",
            "test.yaml:10: ego.sensors[0].preset: unknown lidar preset 'vlp61'; "
            "known: vlp16, hdl64e, os1_128",
        ),
        (
            "{name: top, kind: lidar, params: {noise_stdev: 0.1}}",
            "test.yaml:10: ego.sensors[0].params.noise_stdev: unknown lidar parameter 'noise_stdev'",
        ),
        (
            "{name: top, kind: lidar, params: {channels: many}}",
            "test.yaml:10: ego.sensors[0].params.channels: channels: expected an integer, got 'many'",
        ),
        (
            "{name: top, kind: lidar, params: {range: -1}}",
            "test.yaml:10: ego.sensors[0].params.range: lidar parameters rejected: "
            "lidar range must be > 0, got -1.0",
        ),
        (
            "{name: top, kind: sonar}",
            "test.yaml:10: ego.sensors[0].kind: expected one of 'lidar', 'camera', 'radar', "
            "'imu', 'gnss', 'wheel_odometry', got 'sonar'",
        ),
        (
            "{name: v2x, kind: imu}",
            "test.yaml:10: ego.sensors[0].name: 'v2x' is the key of the V2X inbox",
        ),
    ],
)
def test_schema_errors_name_file_line_and_key(sensor, message):
    # The sensor's entry is on line 10 of the file (STRAIGHT's four lines, a blank one, then
    # dt_s, seed, ego, sensors).
    with pytest.raises(ScenarioErrors) as info:
        _world(f"    - {sensor}")
    assert message in str(info.value)
