"""The world snapshot the episode stream carries, in the 0.9.16 client's binary layout.

A snapshot is the 48-byte sensor header (sensor type 17, the episode state),
a 36-byte episode header and one 119-byte record per actor, all packed and
little-endian:

* episode header: episode id (uint64), wall-clock time (float64), step length
  (float32), map origin (3 x int32, always 0), simulation-state flags (int32);
* actor record: id (uint32), state (uint8, 1: active), transform (x, y, z,
  pitch, yaw, roll as float32), velocity, angular velocity (deg/s) and
  acceleration (3 x float32 each), then a 54-byte union whose meaning depends
  on the actor: vehicles carry their last control (19 bytes), the speed limit
  (float32, km/h) and traffic-light fields; walkers their last control (17 bytes).

Everything is in CARLA's frame (see :mod:`gauntlet.bridges.carla.coords`).
"""

from __future__ import annotations

import struct
import time

import numpy as np

from gauntlet.bridges.carla.coords import CarlaTransform, poses_to_carla
from gauntlet.bridges.carla.streaming import EPISODE_STATE_SENSOR, sensor_header
from gauntlet.world.world import World

ACTOR_RECORD = np.dtype(
    [
        ("id", "<u4"),
        ("state", "u1"),
        ("transform", "<f4", (6,)),
        ("velocity", "<f4", (3,)),
        ("angular_velocity", "<f4", (3,)),
        ("acceleration", "<f4", (3,)),
        ("extra", "V54"),
    ]
)
ACTIVE = 1
_EPISODE_HEADER = struct.Struct("<Qdf3ii")
_ORIGIN = CarlaTransform()
if ACTOR_RECORD.itemsize != 119:
    raise RuntimeError("the actor record must be 119 bytes, as in the client")


class SnapshotLayout:
    """The records of one set of actors, reused frame after frame.

    Ids and the control unions stay put; each frame, :meth:`fill_bodies` writes
    the bodies' motion from the world's arrays in one vectorised pass, and the
    other actors (spectator, sensors) get their transforms one by one.

    Args:
        ids: Actor ids in record order.
        body_rows: Record rows of the actors with a body.
        body_index: Their world actor indices, in the same order.
    """

    def __init__(self, ids: list[int], body_rows: list[int], body_index: list[int]) -> None:
        self.records = np.zeros(len(ids), dtype=ACTOR_RECORD)
        self.records["id"] = ids
        self.records["state"] = ACTIVE
        self.rows = {actor_id: row for row, actor_id in enumerate(ids)}
        self.body_rows = np.asarray(body_rows, dtype=np.int64)
        self.body_index = np.asarray(body_index, dtype=np.int64)

    def set_extra(self, actor_id: int, extra: bytes) -> None:
        """The type-dependent union of one actor (padded to 54 bytes)."""
        self.records["extra"][self.rows[actor_id]] = extra.ljust(54, b"\0")

    def set_transform(self, row: int, t: CarlaTransform) -> None:
        """The transform of the actor in record ``row``."""
        self.records["transform"][row] = (t.x, t.y, t.z, t.pitch, t.yaw, t.roll)

    def fill_bodies(self, world: World) -> None:
        """Transforms, velocities, angular velocities and accelerations of every body."""
        if not len(self.body_rows):
            return
        k, rows, r = self.body_index, self.body_rows, self.records
        h, v, w, a = world.h[k], world.v[k], world.yaw_rate[k], world.accel[k]
        r["transform"][rows] = poses_to_carla(
            world.x[k], world.y[k], world.z[k], h, world.pitch[k], world.roll[k]
        )
        c, s = np.cos(h), np.sin(h)
        zero = np.zeros_like(v)
        r["velocity"][rows] = np.stack((v * c, -(v * s), zero), axis=1)
        r["angular_velocity"][rows] = np.stack((zero, zero, -np.degrees(w)), axis=1)
        # Along the heading, dv/dt; across it, the centripetal v * yaw rate.
        ax, ay = a * c - v * w * s, a * s + v * w * c
        r["acceleration"][rows] = np.stack((ax, -ay, zero), axis=1)

    def encode(self, episode_id: int, frame: int, elapsed_s: float, delta_s: float) -> bytes:
        """The stream payload of the current records."""
        return b"".join(
            (
                sensor_header(EPISODE_STATE_SENSOR, frame, elapsed_s, _ORIGIN),
                _EPISODE_HEADER.pack(episode_id, time.time(), delta_s, 0, 0, 0, 0),
                self.records.tobytes(),
            )
        )


def vehicle_extra(control: bytes, speed_limit_kmh: float) -> bytes:
    """The union of a vehicle: packed control, speed limit, no traffic light, no failure."""
    return control + struct.pack("<fB?IB", speed_limit_kmh, 4, False, 0, 0)


def parse_snapshot(payload: bytes) -> tuple[int, float, np.ndarray]:
    """Frame, simulation time and actor records of a snapshot (for tests and tools)."""
    _, frame, elapsed = struct.unpack_from("<QQd", payload)
    offset = 48 + _EPISODE_HEADER.size
    return frame, elapsed, np.frombuffer(payload, dtype=ACTOR_RECORD, offset=offset)
