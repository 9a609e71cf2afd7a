"""IMU and GNSS presets with the figures their manufacturers publish.

Units are converted to the models' SI units: gyroscope noise density from
deg/s/sqrt(Hz) or angle random walk in deg/sqrt(h) to rad/s/sqrt(Hz) (divide
deg/sqrt(h) by 60); accelerometer noise density from ug/sqrt(Hz) or velocity
random walk in m/s/sqrt(h) to m/s^2/sqrt(Hz); bias instability from deg/h and
ug to rad/s and m/s^2. Where a datasheet gives no figure (consumer parts
publish no bias instability), the value is typical of the class in published
Allan-variance analyses and says so.
"""

from __future__ import annotations

import math
from types import MappingProxyType

from gauntlet.sensors.gnss import GnssConfig
from gauntlet.sensors.inertial import STANDARD_GRAVITY, ImuConfig, InertialNoise

_DEG = math.pi / 180.0
_DEG_PER_H = _DEG / 3600.0
_UG = 1e-6 * STANDARD_GRAVITY
_MG = 1e-3 * STANDARD_GRAVITY

#: Consumer MEMS IMU of the InvenSense ICM-20948 class (datasheet DS-000189): gyroscope
#: rate noise 0.015 deg/s/sqrt(Hz), accelerometer noise 230 ug/sqrt(Hz); 100 Hz output.
#: Bias instability (10 deg/h, 100 ug, tau 100 s) and bias random walk are typical of
#: the class; turn-on biases (0.5 deg/s, 5 mg) stand for what remains after factory
#: calibration (the datasheet allows up to +-5 deg/s and tens of mg).
CONSUMER_MEMS = ImuConfig(
    rate_hz=100.0,
    accel=InertialNoise(
        noise_density=230.0 * _UG,
        turn_on_sigma=5.0 * _MG,
        bias_instability=100.0 * _UG,
        correlation_time_s=100.0,
        random_walk=1e-4,
    ),
    gyro=InertialNoise(
        noise_density=0.015 * _DEG,
        turn_on_sigma=0.5 * _DEG,
        bias_instability=10.0 * _DEG_PER_H,
        correlation_time_s=100.0,
        random_walk=1e-5,
    ),
)

#: Tactical-grade MEMS IMU of the Honeywell HG4930 class (datasheet): angle random walk
#: 0.04 deg/sqrt(h), gyroscope bias instability 0.25 deg/h; velocity random walk
#: 0.03 m/s/sqrt(h), accelerometer bias instability 25 ug; 600 Hz output. Turn-on biases
#: (5 deg/h, 1 mg) are of the order of the run-to-run repeatability such parts state.
TACTICAL = ImuConfig(
    rate_hz=600.0,
    accel=InertialNoise(
        noise_density=0.03 / 60.0,
        turn_on_sigma=1.0 * _MG,
        bias_instability=25.0 * _UG,
        correlation_time_s=300.0,
    ),
    gyro=InertialNoise(
        noise_density=0.04 * _DEG / 60.0,
        turn_on_sigma=5.0 * _DEG_PER_H,
        bias_instability=0.25 * _DEG_PER_H,
        correlation_time_s=300.0,
    ),
)

#: Presets by name.
IMU_PRESETS = MappingProxyType({"consumer_mems": CONSUMER_MEMS, "tactical": TACTICAL})

#: Single-frequency standalone receiver of the u-blox M8 class (datasheet): horizontal
#: accuracy 2.5 m CEP (one sigma per axis ~2.1 m, mostly slowly varying), velocity
#: 0.05 m/s, up to 10 Hz. Vertical errors taken as 1.5 times the horizontal.
GNSS_STANDARD = GnssConfig(
    rate_hz=10.0,
    white_horizontal_m=0.3,
    white_vertical_m=0.45,
    bias_horizontal_m=2.1,
    bias_vertical_m=3.2,
    bias_correlation_time_s=120.0,
    velocity_sigma_mps=0.05,
)

#: Dual-frequency RTK receiver of the u-blox ZED-F9P class (datasheet): RTK accuracy
#: 0.01 m + 1 ppm CEP horizontal and 0.01 m + 1 ppm R50 vertical, velocity 0.05 m/s,
#: up to 20 Hz (10 Hz here).
GNSS_RTK = GnssConfig(
    rate_hz=10.0,
    white_horizontal_m=0.008,
    white_vertical_m=0.012,
    bias_horizontal_m=0.005,
    bias_vertical_m=0.008,
    bias_correlation_time_s=60.0,
    velocity_sigma_mps=0.05,
)

#: Presets by name.
GNSS_PRESETS = MappingProxyType({"standard": GNSS_STANDARD, "rtk": GNSS_RTK})


def imu_preset(name: str) -> ImuConfig:
    """The IMU preset called ``name`` (``consumer_mems``, ``tactical``)."""
    try:
        return IMU_PRESETS[name]
    except KeyError:
        raise KeyError(f"unknown IMU preset {name!r}; known: {', '.join(IMU_PRESETS)}") from None


def gnss_preset(name: str) -> GnssConfig:
    """The GNSS preset called ``name`` (``standard``, ``rtk``)."""
    try:
        return GNSS_PRESETS[name]
    except KeyError:
        raise KeyError(f"unknown GNSS preset {name!r}; known: {', '.join(GNSS_PRESETS)}") from None
