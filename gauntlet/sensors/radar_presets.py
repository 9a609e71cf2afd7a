"""Radar presets with the figures their manufacturers publish.

Accuracies are the datasheet's figures taken as one standard deviation. The
datasheet gives no sensitivity, so each scan's ``snr_ref_db`` is set for the
stated maximum range: a steady 10 dBsm target (a car seen from behind) is
detected with probability 0.5 at that range, at ``pfa = 1e-6``.
"""

from __future__ import annotations

import math
from types import MappingProxyType

from gauntlet.sensors.radar_config import RadarConfig, ScanMode, albersheim_snr_db

_PFA = 1e-6
_KMH = 1.0 / 3.6


def _snr_ref_db(
    max_range_m: float, rcs_dbsm: float = 10.0, reference_range_m: float = 100.0
) -> float:
    """``snr_ref_db`` at which ``rcs_dbsm`` reaches Pd 0.5 at ``max_range_m``."""
    needed = albersheim_snr_db(0.5, _PFA)
    return needed - rcs_dbsm + 40.0 * math.log10(max_range_m / reference_range_m)


#: Continental ARS 408-21 (77 GHz long-range radar), datasheet "ARS 408-21 Premium Long
#: Range Radar Sensor 77 GHz", technical data. Far scan: 0.20-250 m, azimuth FOV +-9 deg,
#: elevation FOV 14 deg; distance resolution 1.79 m, accuracy +-0.40 m; azimuth resolution
#: 1.6 deg, accuracy +-0.1 deg; velocity resolution 0.37 km/h, accuracy 0.1 km/h.
ARS408_FAR = ScanMode(
    name="far",
    coverage=((9.0, 250.0),),
    elevation_fov_deg=14.0,
    range_resolution_m=1.79,
    range_accuracy_m=0.40,
    azimuth_resolution_deg=((0.0, 1.6), (9.0, 1.6)),
    azimuth_accuracy_deg=((0.0, 0.1), (9.0, 0.1)),
    velocity_resolution_mps=0.37 * _KMH,
    velocity_accuracy_mps=0.1 * _KMH,
    velocity_limits_mps=(-400.0 * _KMH, 200.0 * _KMH),
    snr_ref_db=_snr_ref_db(250.0),
    false_alarms_per_scan=1.0,
    clutter_per_scan=2.0,
)

#: Near scan of the ARS 408-21: 0.20-70 m out to +-45 deg and 0.20-20 m out to +-60 deg,
#: elevation FOV 20 deg; distance resolution 0.39 m, accuracy +-0.10 m; azimuth resolution
#: 3.2 deg at 0 deg / 4.5 deg at +-45 deg / 12.3 deg at +-60 deg, accuracy +-0.3 / +-1 / +-5
#: deg at the same angles; velocity resolution 0.43 km/h, accuracy 0.1 km/h. ``snr_ref_db``
#: puts Pd 0.5 for a 10 dBsm target at 100 m (the near scan's wider beam has less gain).
ARS408_NEAR = ScanMode(
    name="near",
    coverage=((45.0, 70.0), (60.0, 20.0)),
    elevation_fov_deg=20.0,
    range_resolution_m=0.39,
    range_accuracy_m=0.10,
    azimuth_resolution_deg=((0.0, 3.2), (45.0, 4.5), (60.0, 12.3)),
    azimuth_accuracy_deg=((0.0, 0.3), (45.0, 1.0), (60.0, 5.0)),
    velocity_resolution_mps=0.43 * _KMH,
    velocity_accuracy_mps=0.1 * _KMH,
    velocity_limits_mps=(-400.0 * _KMH, 200.0 * _KMH),
    snr_ref_db=_snr_ref_db(100.0),
    false_alarms_per_scan=1.0,
    clutter_per_scan=4.0,
)

#: The ARS 408-21 with both scans; one cycle (near and far) takes about 72 ms.
ARS_408 = RadarConfig(modes=(ARS408_FAR, ARS408_NEAR), rate_hz=1.0 / 0.072, pfa=_PFA)

#: Presets by name.
RADAR_PRESETS = MappingProxyType({"ars408": ARS_408})


def radar_preset(name: str) -> RadarConfig:
    """The preset called ``name`` (``ars408``)."""
    try:
        return RADAR_PRESETS[name]
    except KeyError:
        known = ", ".join(RADAR_PRESETS)
        raise KeyError(f"unknown radar preset {name!r}; known: {known}") from None
