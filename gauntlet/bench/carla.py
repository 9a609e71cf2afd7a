"""``gauntlet bench carla``: the CARLA-compatible server under CARLA's own client.

Measured through the real ``carla`` client (0.9.16) against a server in its
own process on the loopback interface, synchronous mode, 0.05 s steps, one
vehicle (a Tesla Model 3 blueprint at part throttle) and no sensors:

* ``sync_ticks_per_s``: ``world.tick()`` calls per second; each is a call,
  one world step, and the client waiting for that frame's snapshot;
* ``control_round_trip_ms``: p50 and p99 of one vehicle control sent and
  acknowledged (``apply_batch_sync`` with one ``ApplyVehicleControl``).
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
        client.set_timeout(10.0)
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
    finally:
        server.stop()
    p50, p99 = np.percentile(latencies, [50, 99]) * 1e3
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
        "target_sync_ticks_per_s": 1000,
        "target_control_round_trip_ms_p99": 5.0,
    }
