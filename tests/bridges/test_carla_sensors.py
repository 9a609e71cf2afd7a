"""Sensor data through ``listen`` with the real ``carla==0.9.16`` client, against hand calculations.

One server for the module (synchronous, straight road): an ego (Tesla Model 3)
at the first spawn point, car A (Audi A2) 12 m straight ahead, car B (Audi A2)
25 m ahead and 4 m to the right. Every sensor rides on the ego at a known offset.
"""

from __future__ import annotations

import math
import os
import socket
import struct
import time

import numpy as np
import pytest

from tests.bridges.carla_process import start_server, stop_server, tick_until_data

carla = pytest.importorskip("carla")

A2_HALF_LENGTH = 1.853  # vehicle.audi.a2 extent x
GAP_A = 12.0 - A2_HALF_LENGTH  # sensor at the ego's origin -> A's rear face, m
GAP_B = 25.0 - A2_HALF_LENGTH
SIZE = (81, 61)  # odd: the centre pixel looks straight along the optical axis


@pytest.fixture(scope="module")
def scene():
    server = start_server("--sync", "--map", "procedural:straight")
    client = carla.Client(server.host, server.port)
    client.set_timeout(60.0)
    world = client.get_world()
    lib = world.get_blueprint_library()
    spawn = world.get_map().get_spawn_points()[0]
    yaw = math.radians(spawn.rotation.yaw)
    fwd = np.array([math.cos(yaw), math.sin(yaw)])
    right = np.array([-math.sin(yaw), math.cos(yaw)])  # CARLA: y to the right

    def at(forward: float, side: float) -> carla.Transform:
        x, y = np.array([spawn.location.x, spawn.location.y]) + forward * fwd + side * right
        return carla.Transform(carla.Location(x=float(x), y=float(y), z=0.5), spawn.rotation)

    ego = world.spawn_actor(lib.find("vehicle.tesla.model3"), spawn)
    car_a = world.spawn_actor(lib.find("vehicle.audi.a2"), at(12.0, 0.0))
    car_b = world.spawn_actor(lib.find("vehicle.audi.a2"), at(25.0, 4.0))

    def sensor(bp_id: str, z: float, **attributes: str):
        bp = lib.find(bp_id)
        for key, value in attributes.items():
            bp.set_attribute(key, value)
        actor = world.spawn_actor(bp, carla.Transform(carla.Location(z=z)), attach_to=ego)
        got: list = []
        actor.listen(got.append)
        return actor, got

    w, h = (str(v) for v in SIZE)
    sensors = {
        "lidar": sensor("sensor.lidar.ray_cast", 2.0, range="50", channels="32"),
        "rgb": sensor("sensor.camera.rgb", 1.0, image_size_x=w, image_size_y=h),
        "depth": sensor("sensor.camera.depth", 1.0, image_size_x=w, image_size_y=h),
        "semantic": sensor(
            "sensor.camera.semantic_segmentation", 1.0, image_size_x=w, image_size_y=h
        ),
        "instance": sensor(
            "sensor.camera.instance_segmentation", 1.0, image_size_x=w, image_size_y=h
        ),
        "slow": sensor(
            "sensor.camera.depth", 1.0, image_size_x="8", image_size_y="6", sensor_tick="0.2"
        ),
        "radar": sensor("sensor.other.radar", 1.0),
        "gnss": sensor("sensor.other.gnss", 0.0),
        "imu": sensor("sensor.other.imu", 0.0),
        "collision": sensor("sensor.other.collision", 0.0),
    }
    # Each sensor measures from the first step after its subscription reached the
    # server; count frames once every one of them (collisions aside) has measured.
    received = {k: got for k, (_, got) in sensors.items()}
    warm = tick_until_data(world, *(got for k, got in received.items() if k != "collision"))
    frames = [world.tick() for _ in range(8)]
    # A sensor with period p measures at its first step and every p-th step after it.
    periods = {"lidar": 2, "slow": 4}
    due = {
        k: [f for f in frames if (f - got[0].frame) % periods.get(k, 1) == 0]
        for k, got in received.items()
        if k != "collision"
    }
    assert wait_for(lambda: all(received[k][-1].frame >= due[k][-1] for k in due))
    data = {k: [d for d in received[k] if d.frame > warm] for k in due}
    data["collision"] = received["collision"]  # filled by the collision test itself
    yield dict(
        server=server, client=client, world=world, ego=ego, a=car_a, b=car_b, spawn=spawn,
        frames=frames, due=due, data=data, actors={k: a for k, (a, _) in sensors.items()},
    )  # fmt: skip
    for actor, _ in sensors.values():
        actor.stop()
        actor.destroy()
    stop_server(server)


def wait_for(condition, timeout: float = 10.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def test_lidar_points_channels_and_frame(scene):
    scans = scene["data"]["lidar"]
    assert all(isinstance(s, carla.LidarMeasurement) for s in scans)
    # 0.1 s sweeps at 0.05 s steps: every other step, four of the 8.
    assert [s.frame for s in scans] == scene["due"]["lidar"] and len(scans) == 4
    scan = scans[-1]
    assert scan.channels == 32
    counts = [scan.get_point_count(c) for c in range(32)]
    raw = np.frombuffer(scan.raw_data, dtype=np.float32).reshape(-1, 4)
    assert sum(counts) == len(scan) == len(raw)
    # The bottom laser (-30 deg, 2 m up) meets the flat road 2 / tan(30 deg) = 3.464 m away.
    bottom = raw[-counts[-1] :]
    assert counts[-1] > 0
    assert np.allclose(bottom[:, 2], -2.0, atol=1e-3)
    assert np.allclose(
        np.hypot(bottom[:, 0], bottom[:, 1]), 2.0 / math.tan(math.radians(30)), atol=0.01
    )
    above = raw[raw[:, 2] > -1.9]
    # Car A's rear face straight ahead; car B to the right: CARLA's y is positive there.
    ahead = above[np.abs(above[:, 1]) < 0.5]
    assert ahead[:, 0].min() == pytest.approx(GAP_A, abs=0.02)
    right = above[above[:, 1] > 3.0]
    assert right[:, 0].min() == pytest.approx(GAP_B, abs=0.05)
    assert not (above[:, 1] < -1.5).any()  # nothing on the left
    assert (raw[:, 3] >= 0.0).all() and (raw[:, 3] <= 1.0).all()


def _centre(image) -> np.ndarray:
    bgra = np.frombuffer(image.raw_data, dtype=np.uint8).reshape(image.height, image.width, 4)
    return bgra[image.height // 2, image.width // 2]


def test_cameras_depth_semantic_rgb(scene):
    data = scene["data"]
    for key in ("rgb", "depth", "semantic"):
        images = data[key]
        assert len(images) == 8 and all(isinstance(i, carla.Image) for i in images)
        image = images[-1]
        assert (image.width, image.height, image.fov) == (*SIZE, 90.0)
        assert len(image.raw_data) == SIZE[0] * SIZE[1] * 4
    b, g, r, a = (int(v) for v in _centre(data["depth"][-1]))
    assert a == 255
    assert 1000.0 * (r + g * 256 + b * 65536) / (256**3 - 1) == pytest.approx(GAP_A, abs=0.01)
    b, g, r, _ = _centre(data["semantic"][-1])
    assert (r, g, b) == (14, 0, 0)  # CARLA's tag of cars
    palette = data["semantic"][-2]
    palette.convert(carla.ColorConverter.CityScapesPalette)
    b, g, r, _ = _centre(palette)
    assert (r, g, b) == (0, 0, 142)  # CARLA's CityScapes colour of cars
    b, g, r, _ = (int(v) for v in _centre(data["instance"][-1]))
    assert (r, g + 256 * b) == (14, scene["a"].id)  # tag, then the CARLA actor id
    rgb = np.frombuffer(data["rgb"][-1].raw_data, dtype=np.uint8).reshape(SIZE[1], SIZE[0], 4)
    assert (rgb[..., 3] == 255).all() and rgb[..., :3].std() > 0


def test_sensor_tick(scene):
    # sensor_tick 0.2 s at 0.05 s steps: every fourth step, two of the 8.
    assert [i.frame for i in scene["data"]["slow"]] == scene["due"]["slow"]
    assert len(scene["data"]["slow"]) == 2


def test_radar_detections(scene):
    scans = scene["data"]["radar"]
    assert all(isinstance(s, carla.RadarMeasurement) for s in scans)
    raw = np.concatenate(
        [np.frombuffer(s.raw_data, dtype=np.float32).reshape(-1, 4) for s in scans]
    )
    velocity, azimuth, altitude, depth = raw.T
    near = depth < 15.0
    assert near.sum() >= 4  # car A, seen in (nearly) every cycle
    assert np.median(depth[near]) == pytest.approx(GAP_A, abs=0.3)
    assert np.abs(azimuth[near]).max() < 0.05 and np.abs(velocity[near]).max() < 0.2
    far = (depth > 20.0) & (depth < 30.0)
    assert far.sum() >= 4  # car B: to the right, so a positive azimuth in CARLA's frame
    assert np.median(azimuth[far]) == pytest.approx(math.atan2(4.0, GAP_B), abs=0.05)
    first = scans[-1][0]
    assert isinstance(first.depth, float) and hasattr(first, "altitude")


def test_gnss_and_imu(scene):
    loc = scene["ego"].get_transform().location
    fix = scene["data"]["gnss"][-1]
    assert isinstance(fix, carla.GnssMeasurement)
    # WGS-84 at the equator: 110,574.3 m per degree of latitude, 111,319.5 of longitude;
    # north is CARLA's -y.
    assert fix.latitude == pytest.approx(-loc.y / 110574.3, rel=1e-3)
    assert fix.longitude == pytest.approx(loc.x / 111319.5, rel=1e-3)
    assert fix.altitude == pytest.approx(loc.z, abs=1e-3)
    imu = scene["data"]["imu"][-1]
    assert isinstance(imu, carla.IMUMeasurement)
    assert (imu.accelerometer.x, imu.accelerometer.y, imu.accelerometer.z) == pytest.approx(
        (0.0, 0.0, 9.80665), abs=1e-4
    )
    assert (imu.gyroscope.x, imu.gyroscope.y, imu.gyroscope.z) == pytest.approx((0, 0, 0))
    # Compass: radians clockwise from north; a CARLA yaw of 0 faces east (pi / 2).
    expected = (math.pi / 2 + math.radians(scene["spawn"].rotation.yaw)) % (2 * math.pi)
    assert imu.compass == pytest.approx(expected, abs=1e-5)


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs /proc")
def test_a_client_that_stops_reading_a_sensor_keeps_memory_bounded(scene):
    world, lib, ego = scene["world"], scene["world"].get_blueprint_library(), scene["ego"]
    bp = lib.find("sensor.camera.depth")  # 800 x 600: 1.9 MB a frame
    camera = world.spawn_actor(bp, carla.Transform(carla.Location(z=1.0)), attach_to=ego)
    server = scene["server"]
    raw = socket.create_connection((server.host, server.stream_port))
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    raw.sendall(struct.pack("<I", camera.id))  # subscribe, then never read
    try:
        for _ in range(12):
            world.tick()
        before = _rss_mb(server.process.pid)
        for _ in range(36):
            world.tick()
        grown = _rss_mb(server.process.pid) - before
        # 36 unread frames are 69 MB; the queue keeps at most 16 MiB.
        assert grown < 30.0, f"the server grew by {grown:.1f} MB for 36 unread 1.9 MB frames"
    finally:
        raw.close()
        camera.destroy()
    assert server.alive()


def _rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    raise AssertionError("no VmRSS")


def test_collision_event(scene):
    world, ego, car_a = scene["world"], scene["ego"], scene["a"]
    events = scene["data"]["collision"]
    assert events == []
    ego.apply_control(carla.VehicleControl(throttle=1.0))
    for _ in range(80):
        world.tick()
        if events:
            break
    assert wait_for(lambda: len(events) > 0)
    event = events[0]
    assert isinstance(event, carla.CollisionEvent)
    assert event.actor.id == ego.id and event.other_actor.id == car_a.id
    assert event.other_actor.type_id == "vehicle.audi.a2"
    # Ego driving into a standing car along +x of its own frame: the impulse on it points back.
    impulse = event.normal_impulse
    yaw = math.radians(scene["spawn"].rotation.yaw)
    assert impulse.x * math.cos(yaw) + impulse.y * math.sin(yaw) < 0.0
