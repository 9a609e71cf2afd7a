"""A detection-level automotive radar: RCS, the radar equation, detection probability, Doppler.

The model works on target boxes (:class:`RadarTargets`, plain arrays in the
world frame), not on ray casts. One :meth:`Radar.measure` call is one radar
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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from gauntlet.sensors import _radar_kernels as kernels
from gauntlet.sensors.base import GaussianNoise, SensorPose, register_sensor
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
from gauntlet.sensors.semantic import Semantic

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


def albersheim_pd(snr_db: np.ndarray | float, pfa: float, n_pulses: int = 1) -> np.ndarray:
    """Detection probability of a steady target from Albersheim's equation, inverted.

    Albersheim (1981): ``SNR_dB = -5 log10 N + (6.2 + 4.54 / sqrt(N + 0.44))
    log10(A + 0.12 A B + 1.7 B)`` with ``A = ln(0.62 / Pfa)`` and
    ``B = ln(Pd / (1 - Pd))`` (square-law detector, N pulses integrated
    non-coherently; within 0.2 dB for Pd 0.1-0.9, Pfa 1e-7-1e-3). Solved for
    ``B`` it is a logistic curve in ``10^(SNR_dB / ...)``, which this returns.
    """
    a = math.log(0.62 / pfa)
    z = (np.asarray(snr_db, dtype=float) + 5.0 * math.log10(n_pulses)) / (
        6.2 + 4.54 / math.sqrt(n_pulses + 0.44)
    )
    b = (np.power(10.0, z) - a) / (0.12 * a + 1.7)
    return 1.0 / (1.0 + np.exp(-b))


def albersheim_snr_db(pd: float, pfa: float, n_pulses: int = 1) -> float:
    """SNR (dB) a steady target needs for detection probability ``pd``: Albersheim's equation."""
    a = math.log(0.62 / pfa)
    b = math.log(pd / (1.0 - pd))
    return -5.0 * math.log10(n_pulses) + (6.2 + 4.54 / math.sqrt(n_pulses + 0.44)) * math.log10(
        a + 0.12 * a * b + 1.7 * b
    )


def _table(points: tuple[tuple[float, float], ...], az: np.ndarray) -> np.ndarray:
    """Linear interpolation of ``(|azimuth| deg, value)`` pairs at ``az`` (rad)."""
    deg = np.abs(np.degrees(az))
    return np.interp(deg, [p[0] for p in points], [p[1] for p in points])


@dataclass(frozen=True)
class ScanMode:
    """One scan of a radar cycle (e.g. the ARS 408's far or near scan).

    Attributes:
        name: Label (``"far"``).
        coverage: ``(half-angle deg, max range m)`` pairs with increasing angles: out
            to each half-angle the scan reaches that range; the last angle is the
            azimuth field of view.
        elevation_fov_deg: Full elevation field of view, deg (centred on 0).
        range_resolution_m, range_accuracy_m: Cell size and one-sigma noise in range.
        azimuth_resolution_deg, azimuth_accuracy_deg: ``(|azimuth| deg, value deg)``
            tables, interpolated linearly.
        elevation_accuracy_deg: One-sigma elevation noise; ``None``: the scan does
            not measure elevation and reports 0.
        velocity_resolution_mps, velocity_accuracy_mps: Doppler cell size and noise.
        velocity_limits_mps: Radial velocities reported (false alarms are drawn in them).
        snr_ref_db: SNR of a 0 dBsm target at ``reference_range_m``, dB.
        reference_range_m: Range the radar equation is normalised at, m.
        false_alarms_per_scan: Mean of the Poisson number of false alarms per scan.
        clutter_per_scan: Mean number of ground-clutter patches per scan, before detection.
        min_range_m: Smallest range, m.
    """

    name: str
    coverage: tuple[tuple[float, float], ...]
    elevation_fov_deg: float
    range_resolution_m: float
    range_accuracy_m: float
    azimuth_resolution_deg: tuple[tuple[float, float], ...]
    azimuth_accuracy_deg: tuple[tuple[float, float], ...]
    velocity_resolution_mps: float
    velocity_accuracy_mps: float
    snr_ref_db: float
    elevation_accuracy_deg: float | None = None
    velocity_limits_mps: tuple[float, float] = (-111.0, 55.0)
    reference_range_m: float = 100.0
    false_alarms_per_scan: float = 0.0
    clutter_per_scan: float = 0.0
    min_range_m: float = 0.2

    def __post_init__(self) -> None:
        angles = [a for a, _ in self.coverage]
        checks = [
            ("coverage", len(angles) > 0 and angles == sorted(angles) and angles[-1] <= 90, "increasing half-angles <= 90 deg"),
            ("range_resolution_m", self.range_resolution_m > 0, "> 0"),
            ("velocity_resolution_mps", self.velocity_resolution_mps > 0, "> 0"),
            ("range_accuracy_m", self.range_accuracy_m >= 0, ">= 0"),
            ("velocity_accuracy_mps", self.velocity_accuracy_mps >= 0, ">= 0"),
            ("false_alarms_per_scan", self.false_alarms_per_scan >= 0, ">= 0"),
            ("clutter_per_scan", self.clutter_per_scan >= 0, ">= 0"),
            ("reference_range_m", self.reference_range_m > 0, "> 0"),
        ]  # fmt: skip
        for name, ok, expected in checks:
            if not ok:
                raise ValueError(f"radar scan {self.name!r}: {name} must be {expected}")

    @property
    def half_fov_rad(self) -> float:
        """Azimuth half field of view, rad."""
        return math.radians(self.coverage[-1][0])

    def max_range_at(self, az: np.ndarray) -> np.ndarray:
        """Largest range at each azimuth (rad); 0 outside the field of view."""
        deg = np.abs(np.degrees(az))
        edges = np.array([a for a, _ in self.coverage])
        ranges = np.array([r for _, r in self.coverage] + [0.0])
        return ranges[np.searchsorted(edges, deg)]

    def azimuth_resolution(self, az: np.ndarray) -> np.ndarray:
        """Azimuth resolution at each azimuth, rad."""
        return np.radians(_table(self.azimuth_resolution_deg, az))

    def azimuth_sigma(self, az: np.ndarray) -> np.ndarray:
        """One-sigma azimuth noise at each azimuth, rad."""
        return np.radians(_table(self.azimuth_accuracy_deg, az))


@dataclass(frozen=True)
class RadarConfig:
    """A radar: its scan modes and what they share.

    Attributes:
        modes: The scans of one cycle.
        rate_hz: Cycles per second.
        latency_s: Delay from the end of a cycle to its delivery, s.
        pfa: False-alarm probability of the detector (sets the Albersheim curve).
        swerling: RCS fluctuation model: 0, 1 or 3.
        rcs: Mean RCS by semantic class; classes not given use :data:`DEFAULT_RCS`.
        occlusion: Whether nearer boxes shadow farther ones.
        min_visible_fraction: Below this visible share a target is fully hidden.
        multipath_loss_db: Loss of a ghost's two extra bounces relative to the direct echo.
        clutter_rcs_dbsm: Mean RCS of a ground-clutter patch (Swerling 1).
        clutter_range_m: Largest ground distance of clutter patches, m.
    """

    modes: tuple[ScanMode, ...]
    rate_hz: float = 13.9
    latency_s: float = 0.0
    pfa: float = 1e-6
    swerling: int = 1
    rcs: Mapping[Semantic, ClassRcs] | None = field(default=None, hash=False)
    occlusion: bool = True
    min_visible_fraction: float = 0.05
    multipath_loss_db: float = 12.0
    clutter_rcs_dbsm: float = -5.0
    clutter_range_m: float = 60.0

    def __post_init__(self) -> None:
        if not self.modes:
            raise ValueError("radar needs at least one scan mode")
        if len(self.modes) > 255:
            raise ValueError("radar supports at most 255 scan modes")
        if self.swerling not in (0, 1, 3):
            raise ValueError(f"radar swerling must be 0, 1 or 3, got {self.swerling}")
        if not 0 < self.pfa < 1:
            raise ValueError(f"radar pfa must be in (0, 1), got {self.pfa}")
        if not self.rate_hz > 0:
            raise ValueError(f"radar rate_hz must be > 0, got {self.rate_hz}")


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


def detection_probability(
    mode: ScanMode, rcs_dbsm: float, range_m: np.ndarray, pfa: float
) -> np.ndarray:
    """Detection probability of a steady (Swerling 0) target of ``rcs_dbsm`` at ``range_m``."""
    snr_db = (
        mode.snr_ref_db + rcs_dbsm - 40.0 * np.log10(np.asarray(range_m) / mode.reference_range_m)
    )
    return albersheim_pd(snr_db, pfa)


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
