"""Lidar presets with the figures their manufacturers publish.

Range noise is the datasheet's range accuracy or precision taken as one
standard deviation. Drop-off is off (real sensors do not drop a share of points
at random); the range limit stands for the datasheet's range on bright targets.
Beams are listed top to bottom (``ring`` 0 is the top beam, as in CARLA and
Ouster; Velodyne's own drivers number rings from the bottom).
"""

from __future__ import annotations

from types import MappingProxyType

import numpy as np

from gauntlet.sensors.lidar import LidarConfig

_NO_DROPOFF = {
    "dropoff_general_rate": 0.0,
    "dropoff_intensity_limit": 0.0,
    "dropoff_zero_intensity": 0.0,
}

#: Velodyne VLP-16 ("Puck"), datasheet 63-9229 Rev-C: 16 channels; vertical FOV 30 deg
#: (+15 to -15) at 2.0 deg spacing; horizontal FOV 360 deg; 5-20 Hz; ~300,000 points/s
#: (single return); range up to 100 m; range accuracy up to +-3 cm (typical).
VLP_16 = LidarConfig(
    channels=16,
    range=100.0,
    points_per_second=300_000,
    rotation_frequency=10.0,
    upper_fov=15.0,
    lower_fov=-15.0,
    noise_stddev=0.03,
    elevations_deg=tuple(float(e) for e in np.arange(15.0, -15.1, -2.0)),
    **_NO_DROPOFF,
)

#: Velodyne HDL-64E (S2/S3), datasheet: 64 channels; vertical FOV 26.9 deg (+2.0 to
#: -24.9) in two blocks of 32 lasers (upper block +2.0 to -8.33 deg at ~1/3 deg, lower
#: block -8.83 to -24.9 deg at ~1/2 deg); horizontal FOV 360 deg; 5-20 Hz; ~1.3 million
#: points/s; range 120 m; range accuracy < 2 cm (1 sigma).
HDL_64E = LidarConfig(
    channels=64,
    range=120.0,
    points_per_second=1_300_000,
    rotation_frequency=10.0,
    upper_fov=2.0,
    lower_fov=-24.9,
    noise_stddev=0.02,
    elevations_deg=tuple(
        float(e)
        for e in np.concatenate((np.linspace(2.0, -8.33, 32), np.linspace(-8.83, -24.9, 32)))
    ),
    **_NO_DROPOFF,
)

#: Ouster OS1-128 (Rev 6), datasheet: 128 channels; vertical FOV 45 deg (+22.5 to -22.5,
#: uniform beam spacing ~0.35 deg); horizontal resolution 512, 1024 or 2048 per sweep at
#: 10 Hz (2,621,440 points/s at 2048 x 10 Hz); range 120 m (80 % reflectivity); range
#: precision ~+-3 cm.
OS1_128 = LidarConfig(
    channels=128,
    range=120.0,
    points_per_second=2_621_440,
    rotation_frequency=10.0,
    upper_fov=22.5,
    lower_fov=-22.5,
    noise_stddev=0.03,
    **_NO_DROPOFF,
)

#: Presets by name.
LIDAR_PRESETS = MappingProxyType({"vlp16": VLP_16, "hdl64e": HDL_64E, "os1_128": OS1_128})


def lidar_preset(name: str) -> LidarConfig:
    """The preset called ``name`` (``vlp16``, ``hdl64e``, ``os1_128``)."""
    try:
        return LIDAR_PRESETS[name]
    except KeyError:
        known = ", ".join(LIDAR_PRESETS)
        raise KeyError(f"unknown lidar preset {name!r}; known: {known}") from None
