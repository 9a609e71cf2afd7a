"""Byte layouts of CARLA's sensor measurements, and deterministic sensor streams."""

from __future__ import annotations

import struct

import msgpack
import numpy as np
import pytest

from gauntlet.bridges.carla import sensor_data as sd
from gauntlet.bridges.carla.coords import CarlaTransform
from gauntlet.bridges.carla.episode import Episode
from gauntlet.bridges.carla.protocol import ActorDescription, AttributeType, AttributeValue
from gauntlet.bridges.carla.sensor_models import CarlaSensor, geodetic_origin
from gauntlet.scenarios.schema import ProceduralMap


def test_lidar_layout_groups_points_by_channel_and_flips_y():
    ring = np.array([2, 0, 2, 1])
    x = np.array([1.0, 2.0, 3.0, 4.0])
    y_left = np.array([0.5, -1.0, 0.0, 2.0])
    z = np.array([-1.0, 0.0, 1.0, 2.0])
    intensity = np.array([0.1, 0.2, 0.3, 0.4])
    body = sd.lidar_data(3, ring, x, y_left, z, intensity, 1.5)
    angle, channels = struct.unpack_from("<fI", body)
    assert (angle, channels) == (1.5, 3)
    assert struct.unpack_from("<3I", body, 8) == (1, 1, 2)
    points = np.frombuffer(body, dtype="<f4", offset=20).reshape(-1, 4)
    expected = [
        [2.0, 1.0, 0.0, 0.2],  # channel 0
        [4.0, -2.0, 2.0, 0.4],  # channel 1
        [1.0, -0.5, -1.0, 0.1],  # channel 2, in firing order
        [3.0, -0.0, 1.0, 0.3],
    ]
    assert np.array_equal(points, np.float32(expected))


def test_image_layout_is_header_then_bgra():
    rgb = np.array([[[10, 20, 30], [40, 50, 60]]], dtype=np.uint8)  # 1 x 2
    body = sd.image_data(sd.rgb_to_bgra(rgb), 90.0)
    assert struct.unpack_from("<IIf", body) == (2, 1, 90.0)
    assert body[12:] == bytes([30, 20, 10, 255, 60, 50, 40, 255])


def test_radar_gnss_imu_collision_layouts():
    body = sd.radar_data(np.array([-3.0]), np.array([0.25]), np.array([0.1]), np.array([42.0]))
    assert struct.unpack("<4f", body) == pytest.approx((-3.0, -0.25, 0.1, 42.0))
    assert msgpack.unpackb(sd.gnss_data(48.1, 11.5, 520.0)) == [48.1, 11.5, 520.0]
    imu = msgpack.unpackb(sd.imu_data((0.0, 1.0, 9.81), (0.0, 0.0, -0.5), 1.5))
    assert imu == [[0.0, 1.0, pytest.approx(9.81)], [0.0, 0.0, -0.5], 1.5]
    event = msgpack.unpackb(sd.collision_data([1, 0], [2, 0], (1.0, -2.0, 0.0)))
    assert event == [[1, 0], [2, 0], [1.0, -2.0, 0.0]]


def test_geo_reference():
    origin = geodetic_origin("<geoReference>+proj=tmerc +lat_0=48.5 +lon_0=-11.25</geoReference>")
    assert (origin.latitude_deg, origin.longitude_deg) == (48.5, -11.25)
    assert geodetic_origin("<header/>").latitude_deg == 0.0


def test_sensor_tick_schedule():
    sensor = CarlaSensor(actor=None, period_s=0.2, rng=np.random.default_rng(0))  # type: ignore[arg-type]
    times = [round(0.05 * k, 10) for k in range(1, 13)]
    assert [t for t in times if sensor.due(t)] == [0.05, 0.25, 0.45]
    every = CarlaSensor(actor=None, period_s=0.0, rng=np.random.default_rng(0))  # type: ignore[arg-type]
    assert all(every.due(t) for t in times)


def _lidar_session(seed: int) -> list[bytes]:
    """Spawn a car and a noisy lidar on it, drive 6 steps, collect the lidar payloads."""
    episode = Episode(ProceduralMap("straight", {}), seed=seed)
    car = episode.spawn(ActorDescription(0, "vehicle.tesla.model3"), episode.spawn_points[0])
    attrs = (
        AttributeValue("noise_stddev", AttributeType.FLOAT, "0.05"),
        AttributeValue("range", AttributeType.FLOAT, "30"),
    )
    lidar = episode.spawn(
        ActorDescription(0, "sensor.lidar.ray_cast", attrs), CarlaTransform(z=2.0), parent=car.id
    )
    out = []
    for _ in range(6):
        episode.tick()
        out += [p for _, p in episode.sensors.payloads([lidar.id])]
    return out


def test_same_seed_same_bytes():
    first, again, other = _lidar_session(3), _lidar_session(3), _lidar_session(4)
    assert len(first) == 3 and first == again
    assert first != other  # the range noise comes from the seed


def test_bad_sensor_attribute_fails_the_spawn():
    from gauntlet.bridges.carla.episode import SpawnError

    episode = Episode(ProceduralMap("straight", {}), warm_up=False)
    attrs = (AttributeValue("channels", AttributeType.INT, "many"),)
    with pytest.raises(SpawnError, match="channels must be a number"):
        episode.spawn(ActorDescription(0, "sensor.lidar.ray_cast", attrs), CarlaTransform())
    attrs = (AttributeValue("range", AttributeType.FLOAT, "nan"),)
    with pytest.raises(
        SpawnError,
        match="sensor.lidar.ray_cast: attribute range must be a finite number, got 'nan'",
    ):
        episode.spawn(ActorDescription(0, "sensor.lidar.ray_cast", attrs), CarlaTransform())
    attrs = (AttributeValue("image_size_x", AttributeType.INT, "0"),)
    with pytest.raises(SpawnError, match="image_size_x must be >= 1"):
        episode.spawn(ActorDescription(0, "sensor.camera.rgb", attrs), CarlaTransform())
    assert [a.kind for a in episode.actors] == ["spectator"]
