"""What a radar is built to do: its scan modes, its configuration and its sensitivity.

A :class:`RadarConfig` holds one or more :class:`ScanMode` (an ARS 408 has a
far and a near scan), each with its coverage, resolutions, accuracies and a
sensitivity given as the SNR of a reference target at a reference range.
Albersheim's equation (:func:`albersheim_pd`, :func:`albersheim_snr_db`) ties
SNR to detection probability for a false-alarm probability; the model of
:mod:`gauntlet.sensors.radar` uses these to detect.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from gauntlet.sensors.radar_geometry import ClassRcs
from gauntlet.sensors.semantic import Semantic


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


def detection_probability(
    mode: ScanMode, rcs_dbsm: float, range_m: np.ndarray, pfa: float
) -> np.ndarray:
    """Detection probability of a steady (Swerling 0) target of ``rcs_dbsm`` at ``range_m``."""
    snr_db = (
        mode.snr_ref_db + rcs_dbsm - 40.0 * np.log10(np.asarray(range_m) / mode.reference_range_m)
    )
    return albersheim_pd(snr_db, pfa)
