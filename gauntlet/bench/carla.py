"""``gauntlet bench carla``: the CARLA-compatible server under CARLA's own client.

Measured through the real ``carla`` client (0.9.16) against a server in its
own process on the loopback interface, synchronous mode, 0.05 s steps, one
vehicle (a Tesla Model 3 blueprint at part throttle) and no sensors:

* ``sync_ticks_per_s``: ``world.tick()`` calls per second; each is a call,
  one world step, and the client waiting for that frame's snapshot;
* ``control_round_trip_ms``: p50 and p99 of one vehicle control sent and
  acknowledged (``apply_batch_sync`` with one ``ApplyVehicleControl``);
* ``lidar_ticks_per_s``: the same with a ``sensor.lidar.ray_cast`` on the car
  (32 channels, 56,000 points/s, 10 Hz, range 50 m; a sweep every other
  step), each step waiting until the client holds that step's data when a
  sweep is due;
* ``camera_ticks_per_s``: the same with an 800 x 600 ``sensor.camera.rgb``
  (a frame every step);
* ``sensor_to_control_ms``: p50 and p99 of the loop a stack closes, sensor
  data out, control in: from ``world.tick()`` returning to the client
  holding the camera frame of that step and its next control acknowledged
  (the camera rendering is part of ``world.tick()``, not of this time).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from gauntlet.bridges.carla.process import start_server_process


def bench_carla(quick: bool = False) -> dict[str, Any]:
    """Sync ticks per second and control round-trip times through the real client."""
    try:
        import carla
    except ImportError:
        raise ImportError(
            "gauntlet bench carla needs CARLA's client: pip install 'gauntlet-sim[carla]'"
        ) from None
    ticks, controls, repeats = (200, 200, 1) if quick else (2000, 2000, 3)
    server = start_server_process("--sync", "--map", "procedural:straight")
    try:
        client = carla.Client(server.host, server.port)
        client.set_timeout(60.0)  # a deadline only: the first sensor frame builds the scene
        world = client.get_world()
        blueprint = world.get_blueprint_library().find("vehicle.tesla.model3")
        vehicle = world.spawn_actor(blueprint, world.get_map().get_spawn_points()[0])
        vehicle.apply_control(carla.VehicleControl(throttle=0.3))
        for _ in range(50):
            world.tick()
        rates = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            for _ in range(ticks):
                world.tick()
            rates.append(ticks / (time.perf_counter() - t0))
        latencies = np.empty(controls)
        for k in range(controls):
            command = carla.command.ApplyVehicleControl(
                vehicle.id, carla.VehicleControl(throttle=0.3, steer=0.01 * (k % 3 - 1))
            )
            t0 = time.perf_counter()
            client.apply_batch_sync([command])
            latencies[k] = time.perf_counter() - t0
            if k % 10 == 0:
                world.tick()
        moved = vehicle.get_velocity().length() > 0.0
        lidar_rate, camera_rate, loop_ms = _with_sensors(carla, world, client, vehicle, quick)
    finally:
        server.stop()
    p50, p99 = np.percentile(latencies, [50, 99]) * 1e3
    loop50, loop99 = np.percentile(loop_ms, [50, 99])
    return {
        "vehicles": 1,
        "sensors": 0,
        "dt_s": 0.05,
        "ticks_per_repeat": ticks,
        "repeats": repeats,
        "sync_ticks_per_s": round(float(np.median(rates)), 1),
        "sync_ticks_per_s_best": round(float(max(rates)), 1),
        "control_round_trip_ms_p50": round(float(p50), 3),
        "control_round_trip_ms_p99": round(float(p99), 3),
        "vehicle_moved": moved,
        "lidar_ticks_per_s": round(lidar_rate, 1),
        "camera_ticks_per_s": round(camera_rate, 1),
        "sensor_to_control_ms_p50": round(float(loop50), 3),
        "sensor_to_control_ms_p99": round(float(loop99), 3),
        "target_sync_ticks_per_s": 1000,
        "target_control_round_trip_ms_p99": 5.0,
    }


def _wait(received: dict[str, int], frame: int, timeout_s: float = 60.0) -> None:
    """Block until a callback recorded data of ``frame``."""
    end = time.perf_counter() + timeout_s
    while received.get("frame", -1) < frame:
        if time.perf_counter() > end:
            raise RuntimeError(f"no sensor data for frame {frame}")
        time.sleep(0)


def _with_sensors(carla: Any, world: Any, client: Any, vehicle: Any, quick: bool):  # noqa: ANN202
    """Tick rates with a lidar, then with a camera, and the sensor-to-control loop times."""
    library = world.get_blueprint_library()
    lidar_bp = library.find("sensor.lidar.ray_cast")
    lidar_bp.set_attribute("channels", "32")
    lidar_bp.set_attribute("range", "50")
    camera_bp = library.find("sensor.camera.rgb")
    camera_bp.set_attribute("image_size_x", "800")
    camera_bp.set_attribute("image_size_y", "600")
    rates = []
    loop_ms: list[float] = []
    for bp, ticks, period in (
        (lidar_bp, 40 if quick else 400, 2),
        (camera_bp, 10 if quick else 100, 1),
    ):
        sensor = world.spawn_actor(
            bp, carla.Transform(carla.Location(x=1.0, z=1.8)), attach_to=vehicle
        )
        received: dict = {}
        sensor.listen(lambda data, r=received: r.__setitem__("frame", data.frame))
        # Until the first measurement arrives: the stream subscribed, the scene built.
        for _ in range(100):
            frame = world.tick()
            time.sleep(0.05)
            if received.get("frame") == frame:
                break
        _wait(received, frame)
        t0 = time.perf_counter()
        for k in range(ticks):
            frame = world.tick()
            if bp is camera_bp:
                t_data = time.perf_counter()
                _wait(received, frame)
                control = carla.VehicleControl(throttle=0.3, steer=0.01 * (k % 3 - 1))
                client.apply_batch_sync([carla.command.ApplyVehicleControl(vehicle.id, control)])
                loop_ms.append((time.perf_counter() - t_data) * 1e3)
            elif k % period == period - 1:
                _wait(received, frame)
        rates.append(ticks / (time.perf_counter() - t0))
        sensor.stop()
        sensor.destroy()
    return rates[0], rates[1], np.asarray(loop_ms)
