"""Sensor models and the ray-casting scene they see.

Every sensor kind registers itself by name (``sensor_kind("lidar")``); see
:mod:`gauntlet.sensors.base` for the ``Sensor`` protocol and frames.
"""

from gauntlet.sensors import camera as _camera  # noqa: F401 - registers "camera"
from gauntlet.sensors import gnss as _gnss  # noqa: F401 - registers "gnss"
from gauntlet.sensors import inertial as _inertial  # noqa: F401 - registers "imu"
from gauntlet.sensors import lidar as _lidar  # noqa: F401 - registers "lidar"
from gauntlet.sensors import odometry as _odometry  # noqa: F401 - registers "wheel_odometry"
from gauntlet.sensors import radar as _radar  # noqa: F401 - registers "radar"
from gauntlet.sensors.base import SENSORS, Sensor, SensorPose, register_sensor, sensor_kind

__all__ = ["SENSORS", "Sensor", "SensorPose", "register_sensor", "sensor_kind"]
