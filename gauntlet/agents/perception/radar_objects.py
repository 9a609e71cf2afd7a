"""Objects from one radar cycle: detections to the world frame, clustered.

Detections (:data:`RADAR_DETECTION_DTYPE`: range, azimuth, elevation, radial
velocity, in the sensor frame) become world points; detections closer than
``cluster_radius_m`` to each other and within ``velocity_gate_mps`` in radial
velocity join one cluster (single linkage, ``scipy.spatial.cKDTree``). A
cluster reports its SNR-weighted mean point, its line of sight and its mean
*ground* radial velocity: the target's world velocity along the line of
sight, ``v_r + v_sensor . u`` (the radar measures the relative one). The
stack never reads the simulator's object ids.

Clusters whose ground radial velocity is under ``static_speed_mps`` are
flagged static: ground clutter and parked objects look alike to a radar, so
a tracker births tracks only from moving radar clusters. The threshold is
well above the velocity accuracy because a radar resolution cell that holds
a slow target and clutter reports their power-weighted mean velocity.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from gauntlet.sensors.base import SensorPose


@dataclass(frozen=True)
class RadarClusterParams:
    """Settings of :func:`radar_clusters`."""

    cluster_radius_m: float = 2.5
    velocity_gate_mps: float = 1.5
    static_speed_mps: float = 1.0


@dataclass(frozen=True)
class RadarClusters:
    """Clusters of one radar cycle, world frame (one row per cluster).

    Attributes:
        xy: SNR-weighted mean point ``(n, 2)``, m.
        los: Unit line of sight from the sensor ``(n, 2)``.
        ground_vr: Target velocity along the line of sight, m/s (positive: receding).
        detections: Detections in the cluster.
        moving: Whether ``|ground_vr|`` is at least ``static_speed_mps``.
    """

    xy: np.ndarray
    los: np.ndarray
    ground_vr: np.ndarray
    detections: np.ndarray
    moving: np.ndarray

    def __len__(self) -> int:
        return len(self.xy)


def detections_to_world(det: np.ndarray, pose: SensorPose) -> tuple[np.ndarray, np.ndarray]:
    """World points ``(n, 3)`` and world lines of sight ``(n, 3)`` of radar detections."""
    r = det["range_m"].astype(float)
    az, el = det["azimuth_rad"].astype(float), det["elevation_rad"].astype(float)
    u_local = np.stack((np.cos(el) * np.cos(az), np.cos(el) * np.sin(az), np.sin(el)), axis=1)
    u = u_local @ pose.rotation().T
    return np.array([pose.x, pose.y, pose.z]) + r[:, None] * u, u


def radar_clusters(
    det: np.ndarray, pose: SensorPose, params: RadarClusterParams | None = None
) -> RadarClusters:
    """Cluster one cycle's detections (see the module docstring)."""
    p = params or RadarClusterParams()
    n = len(det)
    if n == 0:
        z2 = np.zeros((0, 2))
        return RadarClusters(z2, z2, np.zeros(0), np.zeros(0, np.int64), np.zeros(0, bool))
    xyz, u = detections_to_world(det, pose)
    ground_vr = det["radial_velocity_mps"].astype(float) + u @ np.array([pose.vx, pose.vy, pose.vz])
    pairs = cKDTree(xyz[:, :2]).query_pairs(p.cluster_radius_m, output_type="ndarray")
    if len(pairs):
        close = np.abs(ground_vr[pairs[:, 0]] - ground_vr[pairs[:, 1]]) <= p.velocity_gate_mps
        pairs = pairs[close]
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    k, label = connected_components(graph, directed=False)
    w = np.power(10.0, det["snr_db"].astype(float) / 10.0)
    wsum = np.bincount(label, w, minlength=k)
    xy = np.stack([np.bincount(label, w * xyz[:, i], minlength=k) / wsum for i in (0, 1)], axis=1)
    vr = np.bincount(label, w * ground_vr, minlength=k) / wsum
    d = xy - np.array([pose.x, pose.y])
    los = d / np.maximum(np.linalg.norm(d, axis=1, keepdims=True), 1e-9)
    count = np.bincount(label, minlength=k)
    return RadarClusters(xy, los, vr, count, np.abs(vr) >= p.static_speed_mps)
