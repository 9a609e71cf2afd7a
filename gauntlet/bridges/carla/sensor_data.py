"""The byte layouts of CARLA's sensor measurements, as the 0.9.16 client decodes them.

Every sensor-stream payload is the 48-byte sensor header
(:func:`gauntlet.bridges.carla.streaming.sensor_header`) followed by the
sensor's own data, which this module encodes. All values are little-endian
and in CARLA's frame (x forward, y right, z up; see :mod:`.coords`).

================================  =========================================================
``carla.LidarMeasurement``        ``uint32`` horizontal angle (the bits of a float32, rad),
                                  ``uint32`` channel count, one ``uint32`` point count per
                                  channel, then the points channel by channel:
                                  ``x, y, z, intensity`` float32 (m, m, m, 0..1)
``carla.Image``                   ``uint32`` width, ``uint32`` height, ``float32`` fov (deg),
                                  then ``height x width`` pixels of B, G, R, A uint8
``carla.RadarMeasurement``        detections of ``velocity`` (m/s, negative approaching),
                                  ``azimuth`` (rad, positive right), ``altitude`` (rad,
                                  positive up), ``depth`` (m), each float32
``carla.GnssMeasurement``         msgpack ``[latitude, longitude, altitude]`` (deg, deg, m)
``carla.IMUMeasurement``          msgpack ``[[ax, ay, az], [gx, gy, gz], compass]``
                                  (m/s^2, rad/s, rad from north, clockwise)
``carla.CollisionEvent``          msgpack ``[self actor, other actor, [ix, iy, iz]]``
                                  (actor records as ``get_actors_by_id`` answers; N s)
================================  =========================================================
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

import msgpack
import numpy as np

_IMAGE_HEADER = struct.Struct("<IIf")
#: One CARLA lidar point: x, y, z (m), intensity.
CARLA_LIDAR_POINT = np.dtype([("x", "<f4"), ("y", "<f4"), ("z", "<f4"), ("intensity", "<f4")])
#: One CARLA radar detection: velocity (m/s), azimuth (rad), altitude (rad), depth (m).
CARLA_RADAR_DETECTION = np.dtype(
    [("velocity", "<f4"), ("azimuth", "<f4"), ("altitude", "<f4"), ("depth", "<f4")]
)


def lidar_data(
    channels: int,
    ring: np.ndarray,
    x: np.ndarray,
    y_left: np.ndarray,
    z: np.ndarray,
    intensity: np.ndarray,
    horizontal_angle_rad: float = 0.0,
) -> bytes:
    """A ``LidarMeasurement`` body from points in Gauntlet's sensor frame (y to the left).

    Points are grouped by channel (``ring``, 0 the top laser, as CARLA counts
    them), keeping their firing order inside a channel; y is negated into
    CARLA's frame.
    """
    ring = np.asarray(ring, dtype=np.int64)
    order = np.argsort(ring, kind="stable")
    counts = np.bincount(ring, minlength=channels)[:channels].astype("<u4")
    points = np.empty(len(order), dtype=CARLA_LIDAR_POINT)
    points["x"] = np.asarray(x)[order]
    points["y"] = -np.asarray(y_left)[order]
    points["z"] = np.asarray(z)[order]
    points["intensity"] = np.asarray(intensity)[order]
    header = struct.pack("<fI", horizontal_angle_rad, channels)
    return header + counts.tobytes() + points.tobytes()


def image_data(bgra: np.ndarray, fov_deg: float) -> bytes:
    """An ``Image`` body from an ``(H, W, 4)`` uint8 BGRA array."""
    h, w = bgra.shape[:2]
    return _IMAGE_HEADER.pack(w, h, fov_deg) + np.ascontiguousarray(bgra, dtype=np.uint8).tobytes()


def rgb_to_bgra(rgb: np.ndarray) -> np.ndarray:
    """An ``(H, W, 3)`` R, G, B uint8 image as CARLA's B, G, R, A with alpha 255."""
    h, w = rgb.shape[:2]
    out = np.empty((h, w, 4), dtype=np.uint8)
    # Channel by channel: three times faster than one reversed, strided copy.
    out[..., 0] = rgb[..., 2]
    out[..., 1] = rgb[..., 1]
    out[..., 2] = rgb[..., 0]
    out[..., 3] = 255
    return out


def radar_data(
    velocity: np.ndarray, azimuth_left: np.ndarray, altitude: np.ndarray, depth: np.ndarray
) -> bytes:
    """A ``RadarMeasurement`` body; the azimuth (positive left in Gauntlet) is negated."""
    out = np.empty(len(depth), dtype=CARLA_RADAR_DETECTION)
    out["velocity"] = velocity
    out["azimuth"] = -np.asarray(azimuth_left)
    out["altitude"] = altitude
    out["depth"] = depth
    return out.tobytes()


def gnss_data(latitude_deg: float, longitude_deg: float, altitude_m: float) -> bytes:
    """A ``GnssMeasurement`` body (``geom::GeoLocation``, doubles)."""
    return msgpack.packb([float(latitude_deg), float(longitude_deg), float(altitude_m)])


def imu_data(accel: Sequence[float], gyro: Sequence[float], compass_rad: float) -> bytes:
    """An ``IMUMeasurement`` body; vectors already in CARLA's sensor frame."""
    return msgpack.packb(
        [[float(v) for v in accel], [float(v) for v in gyro], float(compass_rad)],
        use_single_float=True,
    )


def collision_data(self_actor: list, other_actor: list, impulse: Sequence[float]) -> bytes:
    """A ``CollisionEvent`` body from two encoded actor records and the impulse (N s)."""
    return msgpack.packb(
        [self_actor, other_actor, [float(v) for v in impulse]],
        use_bin_type=True,
        use_single_float=True,
    )
