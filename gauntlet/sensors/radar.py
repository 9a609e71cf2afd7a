"""A detection-level automotive radar: RCS, the radar equation, detection probability, Doppler.

The model works on target boxes (:class:`RadarTargets`, plain arrays in the
world frame), not on ray casts; what a radar is configured with (scan modes,
sensitivity, Albersheim's equation) is in :mod:`gauntlet.sensors.radar_config`. One :meth:`Radar.measure` call is one radar
cycle: each :class:`ScanMode` (an ARS 408 has a far and a near scan) sees the
same scatterers and reports its own detections.

Per cycle and scan mode:

1. **Scatterers.** Each target reflects from the point of its box nearest the
   sensor; its mean RCS depends on the class and on the aspect ``phi`` (the
   direction of the sensor in the target's frame, 0 = head-on):
   ``rcs_dB = front + (side - front) sin^2 phi`` (:data:`DEFAULT_RCS`).
   Nearer boxes shadow farther ones by the share of their bearing interval they
   cover (the visible share scales the RCS). Mirror planes add multipath ghosts
   (the target's image behind a guard rail or below the road, ``multipath_loss_db``
   weaker); ground clutter patches (zero velocity in the world frame) are
   drawn per scan.
2. **Fluctuation.** Swerling 0 (none), 1 (exponential power) or 3 (chi-square
   with 4 degrees of freedom), drawn independently per scan.
3. **Radar equation**, normalised at a reference range:
   ``SNR_dB = snr_ref_db + RCS_dBsm - 40 log10(R / reference_range_m)``.
4. **Resolution cells.** Scatterers within one range, azimuth and Doppler
   resolution of a stronger one merge into its cell (powers add; position and
   velocity are power-weighted means; the strongest member names the cell).
5. **Detection** with probability from Albersheim's equation
   (:func:`albersheim_pd`) for the cell's SNR and the false-alarm probability ``pfa``.
6. **Measurement noise**: Gaussian, the datasheet accuracies taken as one sigma.
7. **False alarms**: a Poisson number per scan, uniform in azimuth, then in
   range up to the coverage at that azimuth, object id ``-1``.

Radial velocity is ``d(range)/dt``: the relative velocity of the reflection
point with respect to the sensor, projected on the line of sight; negative for
an approaching target (as the ARS 408 reports ``VrelLong``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gauntlet.sensors import _radar_kernels as kernels
from gauntlet.sensors.base import GaussianNoise, SensorPose, register_sensor
from gauntlet.sensors.radar_config import (
    RadarConfig,
    ScanMode,
    albersheim_pd,
    albersheim_snr_db,
    detection_probability,
)
from gauntlet.sensors.radar_geometry import (
    DEFAULT_RCS,
    NO_OBJECT_ID,
    ClassRcs,
    DetectionKind,
    MirrorPlane,
    RadarTargets,
    Scatterers,
    clutter_scatterers,
    rcs_table,
    target_scatterers,
)

#: One detection, sensor frame (x forward, y left, z up). range_m: m; azimuth_rad: rad,
#: positive to the left; elevation_rad: rad, positive up (0 when the mode does not measure
#: it); radial_velocity_mps: m/s, negative approaching; rcs_dbsm: dB m^2; snr_db: dB;
#: object_id: the target's id (-1 for false alarms and clutter); kind: DetectionKind;
#: scan: index of the scan mode in ``RadarConfig.modes``.
RADAR_DETECTION_DTYPE = np.dtype(
    [
        ("range_m", "<f4"),
        ("azimuth_rad", "<f4"),
        ("elevation_rad", "<f4"),
        ("radial_velocity_mps", "<f4"),
        ("rcs_dbsm", "<f4"),
        ("snr_db", "<f4"),
        ("object_id", "<i4"),
        ("kind", "u1"),
        ("scan", "u1"),
    ],
    align=True,
)


@dataclass(frozen=True, eq=False)
class RadarScan:
    """One radar cycle.

    Attributes:
        detections: Structured array of :data:`RADAR_DETECTION_DTYPE`, scan by scan.
        time_s: Time of the cycle, s.
        pose: The sensor's pose and motion at ``time_s``.
    """

    detections: np.ndarray
    time_s: float
    pose: SensorPose


@register_sensor
class Radar:
    """A detection-level radar; see the module docstring for the model."""

    KIND = "radar"

    def __init__(self, config: RadarConfig) -> None:
        self.config = config
        self.rate_hz = config.rate_hz
        self.latency_s = config.latency_s
        self._rcs = rcs_table(config.rcs)

    @property
    def noise(self) -> tuple[GaussianNoise, ...]:
        """Range, boresight azimuth and radial-velocity noise of each scan mode."""
        out: list[GaussianNoise] = []
        for m in self.config.modes:
            az0 = float(m.azimuth_sigma(np.zeros(1))[0])
            out += [
                GaussianNoise(f"range ({m.name})", m.range_accuracy_m, "m"),
                GaussianNoise(f"azimuth ({m.name}, boresight)", az0, "rad"),
                GaussianNoise(f"radial velocity ({m.name})", m.velocity_accuracy_mps, "m/s"),
            ]
        return tuple(out)

    def measure(
        self,
        scene: RadarTargets,
        pose: SensorPose,
        time_s: float,
        rng: np.random.Generator,
        *,
        exclude_id: int = -1,
        mirrors: Sequence[MirrorPlane] = (),
        ground_z: float = 0.0,
    ) -> RadarScan:
        """One radar cycle at ``time_s`` from ``pose``.

        Args:
            scene: The target boxes.
            pose: The sensor's pose and motion.
            time_s: Time of the cycle, s.
            rng: Source of every random draw.
            exclude_id: Target id the radar does not see (its own vehicle).
            mirrors: Reflecting planes that make multipath ghosts (guard rails, the road).
            ground_z: Height of the ground under the sensor (for clutter), m.
        """
        c = self.config
        rot = pose.rotation()
        shared = target_scatterers(
            scene, pose, rot, self._rcs, exclude_id, c.occlusion, c.min_visible_fraction,
            mirrors, c.multipath_loss_db,
        )  # fmt: skip
        scans = []
        for index, mode in enumerate(c.modes):
            clutter = clutter_scatterers(
                mode, pose, rot, ground_z, c.clutter_range_m, c.clutter_rcs_dbsm, rng
            )
            scans.append(self._scan(index, mode, shared.concat(clutter), rng))
        detections = np.concatenate(scans) if len(scans) > 1 else scans[0]
        return RadarScan(detections, float(time_s), pose)

    def _fluctuation(self, kind: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Power factor (mean 1) of each scatterer for this scan."""
        n = len(kind)
        s = self.config.swerling
        if s == 1:
            return rng.standard_exponential(n)
        x = np.ones(n) if s == 0 else rng.standard_gamma(2.0, n) / 2.0
        clutter = kind == DetectionKind.CLUTTER
        if clutter.any():
            x[clutter] = rng.standard_exponential(int(clutter.sum()))
        return x

    def _scan(
        self, index: int, mode: ScanMode, sc: Scatterers, rng: np.random.Generator
    ) -> np.ndarray:
        c = self.config
        inside = (
            (sc.range_m >= mode.min_range_m)
            & (sc.range_m <= mode.max_range_at(sc.azimuth_rad))
            & (np.abs(sc.elevation_rad) <= math.radians(0.5 * mode.elevation_fov_deg))
        )
        sc = sc.take(np.flatnonzero(inside))
        gain = 10.0 ** (mode.snr_ref_db / 10.0) * mode.reference_range_m**4
        power = gain * sc.rcs_m2 * self._fluctuation(sc.kind, rng) / sc.range_m**4
        n = len(power)
        order = np.argsort(-power, kind="stable")
        cells = [np.empty(n) for _ in range(5)]
        head = np.empty(n, dtype=np.int64)
        m = kernels.merge_cells(
            order, sc.range_m, sc.azimuth_rad, sc.elevation_rad, sc.radial_velocity_mps, power,
            mode.range_resolution_m, mode.azimuth_resolution(sc.azimuth_rad),
            mode.velocity_resolution_mps, *cells, head,
        )  # fmt: skip
        r, az, el, v, p = (a[:m] for a in cells)
        head = head[:m]
        snr_db = 10.0 * np.log10(p)
        hit = np.flatnonzero(rng.random(m) < albersheim_pd(snr_db, c.pfa))
        k = len(hit)
        r, az, el, v, snr_db, head = r[hit], az[hit], el[hit], v[hit], snr_db[hit], head[hit]
        noise = rng.standard_normal((4, k))
        n_fa = int(rng.poisson(mode.false_alarms_per_scan)) if mode.false_alarms_per_scan else 0
        out = np.empty(k + n_fa, dtype=RADAR_DETECTION_DTYPE)
        rcs_db = snr_db - mode.snr_ref_db + 40.0 * np.log10(r / mode.reference_range_m)
        out["range_m"][:k] = np.maximum(r + mode.range_accuracy_m * noise[0], 0.0)
        out["azimuth_rad"][:k] = az + mode.azimuth_sigma(az) * noise[1]
        if mode.elevation_accuracy_deg is None:
            out["elevation_rad"][:k] = 0.0
        else:
            out["elevation_rad"][:k] = el + math.radians(mode.elevation_accuracy_deg) * noise[2]
        out["radial_velocity_mps"][:k] = v + mode.velocity_accuracy_mps * noise[3]
        out["rcs_dbsm"][:k] = rcs_db
        out["snr_db"][:k] = snr_db
        out["object_id"][:k] = sc.object_id[head]
        out["kind"][:k] = sc.kind[head]
        out["scan"] = index
        if n_fa:
            self._false_alarms(mode, out[k:], rng)
        return out

    def _false_alarms(self, mode: ScanMode, out: np.ndarray, rng: np.random.Generator) -> None:
        """Fills ``out`` with false alarms: noise crossing the detector's threshold."""
        n = len(out)
        u = rng.random((4, n))
        half = mode.half_fov_rad
        az = (2.0 * u[0] - 1.0) * half
        r = mode.min_range_m + u[1] * (mode.max_range_at(az) - mode.min_range_m)
        lo, hi = mode.velocity_limits_mps
        # A noise cell's power over the noise floor is exponential; given a crossing of the
        # threshold T = -ln(pfa) it is T plus a unit exponential (memoryless).
        snr_db = 10.0 * np.log10(-math.log(self.config.pfa) + rng.standard_exponential(n))
        out["range_m"] = r
        out["azimuth_rad"] = az
        half_el = math.radians(0.5 * mode.elevation_fov_deg)
        out["elevation_rad"] = (
            0.0 if mode.elevation_accuracy_deg is None else (2.0 * u[2] - 1.0) * half_el
        )
        out["radial_velocity_mps"] = lo + u[3] * (hi - lo)
        out["snr_db"] = snr_db
        out["rcs_dbsm"] = snr_db - mode.snr_ref_db + 40.0 * np.log10(r / mode.reference_range_m)
        out["object_id"] = NO_OBJECT_ID
        out["kind"] = DetectionKind.FALSE_ALARM


__all__ = [
    "NO_OBJECT_ID",
    "RADAR_DETECTION_DTYPE",
    "DEFAULT_RCS",
    "ClassRcs",
    "DetectionKind",
    "MirrorPlane",
    "Radar",
    "RadarConfig",
    "RadarScan",
    "RadarTargets",
    "ScanMode",
    "albersheim_pd",
    "albersheim_snr_db",
    "detection_probability",
]
