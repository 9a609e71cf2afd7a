"""Objects from one lidar sweep: ground removal, clustering and oriented boxes.

The detector reads only what a real lidar gives: x, y, z and the firing time
of each point (never the simulator's object ids or semantic tags).

1. **To the world frame.** Each point is in the sensor frame at its own firing
   time; the sensor's pose then is the sweep's start pose moved on by its
   velocity and yaw rate for the point's ``time_offset`` (the frame the lidar
   model fires in), so moving the ego does not smear the cloud.
2. **Ground removal.** A road plane is fitted to the lowest point of each
   ``ground_cell_m`` square near the sensor; the ground of a square is the
   lowest point in it and its eight neighbours where that agrees with the
   plane, else the plane (:func:`remove_ground`). Points less than
   ``ground_clearance_m`` or more than ``max_height_m`` above the ground
   (bridges, tree tops) are dropped.
3. **Clustering.** The remaining points are binned on a bird's-eye-view grid
   of ``cluster_cell_m`` cells; the occupied cells are grown by half of
   ``link_distance_m`` and the 8-connected grown regions are the objects
   (``scipy.ndimage.label``): points closer than about the link distance
   join one object, so that the sparse returns of a surface seen at a
   grazing angle stay together. Each cluster is then cut at the gaps between
   the road users it may hold (walkers in a group, cars bumper to bumper):
   :func:`~gauntlet.agents.perception.cluster_split.split_cluster` with
   ``split`` (None: no cuts). Clusters with fewer than ``min_points`` points,
   lower than ``min_height_m`` or longer than ``max_length_m`` are dropped.
4. **Oriented boxes.** Search-based L-shape fitting (Zhang et al., 2017): the
   rectangle orientation in [0, 90°) that maximises the closeness of the
   points to the rectangle's two nearest edges; then the axis that is the
   object's length and the side it extends to are chosen from the visible
   extents and class size priors (:func:`complete_box`), since a lidar sees
   only the faces that look at it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import ndimage

from gauntlet.agents.perception.cluster_split import SplitParams, split_cluster
from gauntlet.agents.perception.geometry import in_box
from gauntlet.sensors.base import SensorPose

#: Orientations tried by the L-shape fit, rad (1 degree steps over a quarter turn).
FIT_ANGLES_RAD = np.radians(np.arange(0.0, 90.0, 1.0))
#: Smallest distance counted by the closeness criterion, m.
CLOSENESS_FLOOR_M = 0.01
#: Size priors (length, width) in m by coarse class, and the class rules.
CAR_SIZE_M = (4.5, 1.85)
CYCLIST_SIZE_M = (1.8, 0.6)
PEDESTRIAN_SIZE_M = (0.6, 0.6)
#: Largest depth of the points of one flat face (a vehicle seen end on), m.
END_FACE_DEPTH_M = 0.4


@dataclass(frozen=True)
class LidarDetectorParams:
    """Settings of :class:`LidarDetector` (see the module docstring), m."""

    ground_cell_m: float = 4.0
    plane_range_m: float = 30.0
    plane_outlier_m: float = 0.3
    plane_tolerance_m: float = 0.15
    plane_tolerance_per_m: float = 0.005
    ground_clearance_m: float = 0.25
    max_height_m: float = 3.5
    cluster_cell_m: float = 0.25
    link_distance_m: float = 1.0
    min_points: int = 4
    min_height_m: float = 0.4
    max_length_m: float = 15.0
    split: SplitParams | None = SplitParams()


@dataclass(frozen=True)
class LidarBoxes:
    """Boxes found in one sweep, world frame (struct of arrays, one row per box).

    Attributes:
        x, y: Centre, m.
        heading: Yaw of the length axis, rad (ambiguous by a half turn).
        length, width: Completed size, m.
        height: Height of the points above the ground, m.
        points: Number of points.
        types: Coarse class by size (``car``, ``bicycle``, ``pedestrian``).
        visible: ``(n, 5)`` the fitted rectangle of the points before completion:
            centre x, y (m), angle (rad), extent along it and across (m).
    """

    x: np.ndarray
    y: np.ndarray
    heading: np.ndarray
    length: np.ndarray
    width: np.ndarray
    height: np.ndarray
    points: np.ndarray
    types: tuple[str, ...]
    visible: np.ndarray = field(default_factory=lambda: np.zeros((0, 5)))

    def __len__(self) -> int:
        return len(self.x)


def points_to_world(points: np.ndarray, pose: SensorPose) -> np.ndarray:
    """World coordinates ``(n, 3)`` of lidar points (:data:`LIDAR_POINT_DTYPE`) of a sweep from ``pose``."""
    tau = points["time_offset"].astype(float)
    tilt = SensorPose(0.0, 0.0, 0.0, pose.roll, pose.pitch, 0.0).rotation()
    local = np.stack([points[k].astype(float) for k in ("x", "y", "z")], axis=1) @ tilt.T
    yaw = pose.yaw + pose.yaw_rate * tau
    c, s = np.cos(yaw), np.sin(yaw)
    out = np.empty_like(local)
    out[:, 0] = pose.x + pose.vx * tau + c * local[:, 0] - s * local[:, 1]
    out[:, 1] = pose.y + pose.vy * tau + s * local[:, 0] + c * local[:, 1]
    out[:, 2] = pose.z + pose.vz * tau + local[:, 2]
    return out


def ground_plane(xyz: np.ndarray, p: LidarDetectorParams) -> np.ndarray:
    """Coefficients ``(a, b, c)`` of the road plane ``z = a x + b y + c`` near the sensor.

    Fitted by least squares to the lowest point of each ``ground_cell_m`` cell
    within ``plane_range_m`` of the cloud's centre of the near points,
    twice, the second time without cells more than ``plane_outlier_m`` off.
    """
    lowest = _cell_minima(xyz, p.ground_cell_m)
    if len(lowest) < 3:
        z = float(xyz[:, 2].min()) if len(xyz) else 0.0
        return np.array([0.0, 0.0, z])
    keep = np.ones(len(lowest), dtype=bool)
    coef = np.zeros(3)
    for _ in range(2):
        a = np.column_stack((lowest[keep, 0], lowest[keep, 1], np.ones(int(keep.sum()))))
        coef = np.linalg.lstsq(a, lowest[keep, 2], rcond=None)[0]
        resid = lowest[:, 2] - (lowest[:, :2] @ coef[:2] + coef[2])
        keep = np.abs(resid) < p.plane_outlier_m
        if keep.sum() < 3:
            break
    return coef


def _cell_minima(xyz: np.ndarray, cell_m: float) -> np.ndarray:
    """The lowest point ``(k, 3)`` of each occupied square cell, ordered by cell."""
    if len(xyz) == 0:
        return np.zeros((0, 3))
    cell = np.floor(xyz[:, :2] / cell_m).astype(np.int64)
    key = cell[:, 0] * 1_000_003 + cell[:, 1]
    order = np.lexsort((xyz[:, 2], key))
    first = np.flatnonzero(np.r_[True, key[order][1:] != key[order][:-1]])
    return xyz[order[first]]


def remove_ground(
    xyz: np.ndarray, p: LidarDetectorParams, origin: tuple[float, float] = (0.0, 0.0)
) -> tuple[np.ndarray, np.ndarray]:
    """Points of ``xyz`` off the ground, and their height above it, m.

    The ground of a cell is the lowest point in it and its eight neighbours
    when that lies within ``plane_tolerance_m`` (plus ``plane_tolerance_per_m``
    per metre from ``origin``) of the road plane, else the plane: far objects
    whose surroundings the lidar does not reach stand on the plane.
    """
    if len(xyz) == 0:
        return xyz, np.zeros(0)
    near = np.hypot(xyz[:, 0] - origin[0], xyz[:, 1] - origin[1]) < p.plane_range_m
    coef = ground_plane(xyz[near], p)
    plane = xyz[:, :2] @ coef[:2] + coef[2]
    cell = np.floor(xyz[:, :2] / p.ground_cell_m).astype(np.int64)
    lo = cell.min(axis=0) - 1
    idx = cell - lo
    grid = np.full(tuple(idx.max(axis=0) + 2), np.inf)
    np.minimum.at(grid, (idx[:, 0], idx[:, 1]), xyz[:, 2])
    grid = ndimage.minimum_filter(grid, size=3, mode="constant", cval=np.inf)
    local = grid[idx[:, 0], idx[:, 1]]
    dist = np.hypot(xyz[:, 0] - origin[0], xyz[:, 1] - origin[1])
    tol = p.plane_tolerance_m + p.plane_tolerance_per_m * dist
    ground = np.where(np.abs(local - plane) <= tol, local, plane)
    height = xyz[:, 2] - ground
    keep = (height > p.ground_clearance_m) & (height < p.max_height_m)
    return xyz[keep], height[keep]


def fit_rectangle(xy: np.ndarray) -> tuple[float, float, float, float, float]:
    """L-shape fit of points ``(m, 2)``: centre x, y, angle in [0, pi/2), extent along it and across, m."""
    c, s = np.cos(FIT_ANGLES_RAD), np.sin(FIT_ANGLES_RAD)
    e1 = xy[:, 0, None] * c + xy[:, 1, None] * s  # (m, k) along the angle
    e2 = -xy[:, 0, None] * s + xy[:, 1, None] * c  # across
    d1 = np.minimum(e1.max(axis=0) - e1, e1 - e1.min(axis=0))
    d2 = np.minimum(e2.max(axis=0) - e2, e2 - e2.min(axis=0))
    closeness = (1.0 / np.maximum(np.minimum(d1, d2), CLOSENESS_FLOOR_M)).sum(axis=0)
    k = int(np.argmax(closeness))
    lo1, hi1 = float(e1[:, k].min()), float(e1[:, k].max())
    lo2, hi2 = float(e2[:, k].min()), float(e2[:, k].max())
    m1, m2 = 0.5 * (lo1 + hi1), 0.5 * (lo2 + hi2)
    cx, cy = m1 * c[k] - m2 * s[k], m1 * s[k] + m2 * c[k]
    return float(cx), float(cy), float(FIT_ANGLES_RAD[k]), hi1 - lo1, hi2 - lo2


def complete_box(
    cx: float,
    cy: float,
    angle: float,
    ext1: float,
    ext2: float,
    sensor_xy: tuple[float, float],
    kind: str | None = None,
) -> tuple[float, float, float, float, float, str]:
    """The object's box from the visible rectangle: centre, heading, length, width, class.

    The length axis is the longer visible extent, except that one face with
    almost no depth (under ``END_FACE_DEPTH_M``) 1.3 to 2.6 m wide is the end
    of a car, whose length runs away from the sensor. Classes by the longer
    extent ``big`` and the shorter ``small``: car when ``big`` is over 2.6 m,
    or ``small`` over 1.0 m, or at an end face; bicycle when ``big`` is 1.0 to
    2.6 m; pedestrian below. A given ``kind`` (what a track already knows the
    object to be) overrides the class, the longer extent then being its
    length. Each extent shorter than the class prior grows to it on the side
    away from the sensor.
    """
    long1 = ext1 >= ext2
    big, small = (ext1, ext2) if long1 else (ext2, ext1)
    heading = angle if long1 else angle + 0.5 * np.pi
    length, width = big, small
    if kind is not None:
        pass
    elif 1.3 <= big <= 2.6 and small < END_FACE_DEPTH_M:  # the end of a vehicle
        heading += 0.5 * np.pi
        length, width = small, big
        kind = "car"
    elif big > 2.6 or small > 1.0:
        kind = "car"
    elif big >= 1.0:
        kind = "bicycle"
    else:
        kind = "pedestrian"
    prior = {"car": CAR_SIZE_M, "bicycle": CYCLIST_SIZE_M, "pedestrian": PEDESTRIAN_SIZE_M}[kind]
    c, s = np.cos(heading), np.sin(heading)
    away = np.array([cx - sensor_xy[0], cy - sensor_xy[1]])
    x, y = cx, cy
    for axis, (size, want) in enumerate(((length, prior[0]), (width, prior[1]))):
        if size < want:
            u = np.array([c, s]) if axis == 0 else np.array([-s, c])
            sign = 1.0 if float(u @ away) >= 0.0 else -1.0
            shift = 0.5 * (want - size) * sign
            x, y = x + shift * u[0], y + shift * u[1]
    return (
        float(x),
        float(y),
        float(np.angle(np.exp(1j * heading))),
        max(length, prior[0]),
        max(width, prior[1]),
        kind,
    )


class LidarDetector:
    """Boxes of the objects in a lidar sweep (see the module docstring)."""

    def __init__(self, params: LidarDetectorParams | None = None) -> None:
        self.params = params or LidarDetectorParams()

    def clusters(self, xyz: np.ndarray, height: np.ndarray) -> list[np.ndarray]:
        """Indices of the points of each cluster of the off-ground points ``xyz``."""
        p = self.params
        if len(xyz) == 0:
            return []
        reach = int(math.ceil(0.5 * p.link_distance_m / p.cluster_cell_m))
        cell = np.floor(xyz[:, :2] / p.cluster_cell_m).astype(np.int64)
        idx = cell - cell.min(axis=0) + reach
        grid = np.zeros(tuple(idx.max(axis=0) + 1 + reach), dtype=bool)
        grid[idx[:, 0], idx[:, 1]] = True
        # Cells within half the link distance of a point: points that far apart touch.
        k = np.arange(-reach, reach + 1)
        disk = (k[:, None] ** 2 + k[None, :] ** 2) <= reach**2
        grown = ndimage.binary_dilation(grid, structure=disk)
        labels, n = ndimage.label(grown, structure=np.ones((3, 3), dtype=bool))
        point_label = labels[idx[:, 0], idx[:, 1]]
        order = np.argsort(point_label, kind="stable")
        bounds = np.searchsorted(point_label[order], np.arange(1, n + 2))
        out = []
        for k in range(n):
            members = order[bounds[k] : bounds[k + 1]]
            xy = xyz[members, :2]
            if p.split is None or float(np.ptp(xy, axis=0).max()) > p.max_length_m:
                parts = [members]  # longer than any object: its box is dropped
            else:
                parts = [members[i] for i in split_cluster(xy, height[members], p.split)]
            for part in parts:
                if len(part) >= p.min_points and height[part].max() >= p.min_height_m:
                    out.append(part)
        return out

    def _box(self, xyz: np.ndarray, sensor_xy: tuple[float, float]) -> tuple | None:
        """The completed box and the visible rectangle of one cluster; None when too long."""
        xy = xyz[:, :2]
        origin = xy.mean(axis=0)
        cx, cy, ang, e1, e2 = fit_rectangle(xy - origin)
        if max(e1, e2) > self.params.max_length_m:
            return None
        visible = (cx + origin[0], cy + origin[1], ang, e1, e2)
        return (*complete_box(*visible, sensor_xy), visible)

    def detect(self, points: np.ndarray, pose: SensorPose) -> LidarBoxes:
        """Objects in one sweep (:data:`LIDAR_POINT_DTYPE` points fired from ``pose``).

        A cluster whose centroid lies inside the completed box of a larger
        cluster is merged into it (a sparse lidar sees a near car's rear face
        and a strip of its roof apart), and the merged cluster is fitted again.
        """
        p = self.params
        sensor_xy = (pose.x, pose.y)
        xyz, height = remove_ground(points_to_world(points, pose), p, sensor_xy)
        groups = sorted(self.clusters(xyz, height), key=len, reverse=True)
        boxes: list[tuple | None] = [self._box(xyz[g], sensor_xy) for g in groups]
        merged: list[list[np.ndarray]] = []
        owners: list[int] = []
        for k, g in enumerate(groups):
            centre = xyz[g, :2].mean(axis=0)
            host = next(
                (o for o in owners if boxes[o] is not None and _inside(boxes[o], centre)), None
            )
            if host is None:
                owners.append(k)
                merged.append([g])
            else:
                merged[owners.index(host)].append(g)
        rows = []
        for k, parts in zip(owners, merged, strict=True):
            members = np.concatenate(parts)
            box = boxes[k] if len(parts) == 1 else self._box(xyz[members], sensor_xy)
            if box is not None:
                row = (*box[:5], float(height[members].max()), len(members), box[5], box[6])
                rows.append(row)
        cols = list(zip(*rows, strict=True)) if rows else [()] * 9
        return LidarBoxes(
            x=np.array(cols[0], float),
            y=np.array(cols[1], float),
            heading=np.array(cols[2], float),
            length=np.array(cols[3], float),
            width=np.array(cols[4], float),
            height=np.array(cols[5], float),
            points=np.array(cols[6], np.int64),
            types=tuple(cols[7]),
            visible=np.array(cols[8], float).reshape(-1, 5),
        )


def _inside(box: tuple, point: np.ndarray, margin_m: float = 0.3) -> bool:
    """Whether ``point`` lies within a completed box ``(x, y, heading, length, width, ...)``."""
    return bool(in_box(point[0], point[1], box[:5], margin_m))
