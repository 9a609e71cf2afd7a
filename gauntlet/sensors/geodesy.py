"""WGS-84 geodesy: the world frame as a local east-north-up (ENU) frame at a geodetic origin.

The world frame (x east, y north, z up) is taken as the ENU tangent frame at
:class:`GeodeticOrigin`: its origin lies at the origin's latitude, longitude
and ellipsoidal height. Conversions go through Earth-centred, Earth-fixed
(ECEF) coordinates:

* geodetic -> ECEF: ``X = (N + h) cos(lat) cos(lon)``, ``Y = (N + h) cos(lat) sin(lon)``,
  ``Z = (N (1 - e^2) + h) sin(lat)``, with ``N = a / sqrt(1 - e^2 sin^2(lat))``;
* ENU -> ECEF: the ENU vector rotated by the origin's east, north and up axes;
* ECEF -> geodetic: the fixed-point iteration
  ``tan(lat) = (Z + e^2 N sin(lat)) / p``, ``p = sqrt(X^2 + Y^2)``, which
  contracts by about ``e^2`` per step (converged to 1e-14 rad within 6 steps
  near the Earth's surface); the height is taken along the normal.

Constants: WGS-84 semi-major axis ``a = 6378137 m`` and flattening
``f = 1 / 298.257223563`` (NIMA TR8350.2).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

#: WGS-84 semi-major axis, m.
WGS84_A = 6_378_137.0
#: WGS-84 flattening.
WGS84_F = 1.0 / 298.257223563
#: First eccentricity squared.
WGS84_E2 = WGS84_F * (2.0 - WGS84_F)


@dataclass(frozen=True)
class GeodeticOrigin:
    """Where the world frame's origin lies on the WGS-84 ellipsoid.

    Attributes:
        latitude_deg: Geodetic latitude, degrees north.
        longitude_deg: Longitude, degrees east.
        altitude_m: Height above the ellipsoid, m.
    """

    latitude_deg: float = 0.0
    longitude_deg: float = 0.0
    altitude_m: float = 0.0

    def __post_init__(self) -> None:
        if not -90.0 <= self.latitude_deg <= 90.0:
            raise ValueError(f"latitude_deg must be in [-90, 90], got {self.latitude_deg}")

    def enu_axes(self) -> np.ndarray:
        """Rows: the east, north and up unit vectors in ECEF."""
        lat, lon = math.radians(self.latitude_deg), math.radians(self.longitude_deg)
        sl, cl, so, co = math.sin(lat), math.cos(lat), math.sin(lon), math.cos(lon)
        return np.array([[-so, co, 0.0], [-sl * co, -sl * so, cl], [cl * co, cl * so, sl]])

    def ecef(self) -> np.ndarray:
        """The origin in ECEF, m."""
        return geodetic_to_ecef(self.latitude_deg, self.longitude_deg, self.altitude_m)


def geodetic_to_ecef(
    latitude_deg: np.ndarray | float,
    longitude_deg: np.ndarray | float,
    altitude_m: np.ndarray | float,
) -> np.ndarray:
    """ECEF coordinates ``(..., 3)`` of geodetic positions, m."""
    lat, lon = np.radians(latitude_deg), np.radians(longitude_deg)
    s = np.sin(lat)
    n = WGS84_A / np.sqrt(1.0 - WGS84_E2 * s * s)
    h = np.asarray(altitude_m, dtype=float)
    return np.stack(
        (
            (n + h) * np.cos(lat) * np.cos(lon),
            (n + h) * np.cos(lat) * np.sin(lon),
            (n * (1.0 - WGS84_E2) + h) * s,
        ),
        axis=-1,
    )


def ecef_to_geodetic(ecef: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Latitude (deg), longitude (deg) and ellipsoidal height (m) of ECEF points ``(..., 3)``."""
    x, y, z = ecef[..., 0], ecef[..., 1], ecef[..., 2]
    p = np.hypot(x, y)
    lat = np.arctan2(z, p * (1.0 - WGS84_E2))
    for _ in range(10):
        s = np.sin(lat)
        n = WGS84_A / np.sqrt(1.0 - WGS84_E2 * s * s)
        new = np.arctan2(z + WGS84_E2 * n * s, p)
        done = np.max(np.abs(new - lat)) < 1e-14
        lat = new
        if done:
            break
    s, c = np.sin(lat), np.cos(lat)
    # Height from the distance along the normal; stable at the poles, unlike p / cos(lat) - N.
    h = p * c + z * s - WGS84_A * np.sqrt(1.0 - WGS84_E2 * s * s)
    return np.degrees(lat), np.degrees(np.arctan2(y, x)), h


def enu_to_geodetic(
    enu: np.ndarray, origin: GeodeticOrigin
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Latitude (deg), longitude (deg) and height (m) of world-frame (ENU) points ``(..., 3)``."""
    ecef = origin.ecef() + np.asarray(enu, dtype=float) @ origin.enu_axes()
    return ecef_to_geodetic(ecef)


def geodetic_to_enu(
    latitude_deg: np.ndarray | float,
    longitude_deg: np.ndarray | float,
    altitude_m: np.ndarray | float,
    origin: GeodeticOrigin,
) -> np.ndarray:
    """World-frame (ENU) coordinates ``(..., 3)`` of geodetic positions, m."""
    d = geodetic_to_ecef(latitude_deg, longitude_deg, altitude_m) - origin.ecef()
    return d @ origin.enu_axes().T


def meridian_radius(latitude_deg: float) -> float:
    """Meridian radius of curvature ``M = a (1 - e^2) / (1 - e^2 sin^2 lat)^1.5``, m."""
    s = math.sin(math.radians(latitude_deg))
    return WGS84_A * (1.0 - WGS84_E2) / (1.0 - WGS84_E2 * s * s) ** 1.5
