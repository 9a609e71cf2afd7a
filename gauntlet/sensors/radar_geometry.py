"""What a radar sees before detection: targets, their RCS, shadowing, ghosts and clutter.

Targets are oriented boxes given as plain arrays (:class:`RadarTargets`, world
frame, SI units), so the radar needs nothing of the world. Each target
reflects from the point of its box nearest the sensor, which moves with the
box's velocity and yaw rate. The outputs are *scatterers*: range, azimuth,
elevation and radial velocity in the sensor frame, mean RCS, object id and kind.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from enum import IntEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np

from gauntlet.sensors import _radar_kernels as kernels
from gauntlet.sensors.base import SensorPose
from gauntlet.sensors.boxes import Boxes
from gauntlet.sensors.semantic import Semantic

if TYPE_CHECKING:
    from gauntlet.sensors.radar_config import ScanMode

#: Object id of false alarms and ground clutter.
NO_OBJECT_ID = -1


class DetectionKind(IntEnum):
    """What made a detection (ground truth, for evaluation)."""

    TARGET = 0
    GHOST = 1
    CLUTTER = 2
    FALSE_ALARM = 3


@dataclass(frozen=True)
class ClassRcs:
    """Mean radar cross-section of a class: seen head-on or tail-on, and broadside, dBsm."""

    front_dbsm: float
    side_dbsm: float


#: Mean RCS at 76-81 GHz by semantic class, rounded from published measurements: cars
#: ~10 dBsm from front or rear and up to ~20 dBsm broadside (flat doors), trucks and
#: buses 10 dB more, pedestrians about -8 dBsm from any side, cyclists a few dB around 0.
#: Classes not listed are 0 dBsm.
DEFAULT_RCS = MappingProxyType(
    {
        Semantic.CAR: ClassRcs(10.0, 20.0),
        Semantic.TRUCK: ClassRcs(20.0, 30.0),
        Semantic.BUS: ClassRcs(20.0, 30.0),
        Semantic.TRAIN: ClassRcs(25.0, 35.0),
        Semantic.MOTORCYCLE: ClassRcs(3.0, 7.0),
        Semantic.BICYCLE: ClassRcs(-3.0, 3.0),
        Semantic.RIDER: ClassRcs(-5.0, -3.0),
        Semantic.PEDESTRIAN: ClassRcs(-8.0, -8.0),
        Semantic.STATIC: ClassRcs(10.0, 10.0),
        Semantic.POLE: ClassRcs(5.0, 5.0),
        Semantic.GUARD_RAIL: ClassRcs(10.0, 10.0),
    }
)


def rcs_table(overrides: Mapping[Semantic, ClassRcs] | None = None) -> np.ndarray:
    """``(len(Semantic), 2)`` array of front and broadside RCS, dBsm, indexed by tag."""
    table = np.zeros((len(Semantic), 2))
    for source in (DEFAULT_RCS, overrides or {}):
        for sem, rcs in source.items():
            table[int(sem)] = (rcs.front_dbsm, rcs.side_dbsm)
    return table


@dataclass(frozen=True, eq=False)
class RadarTargets(Boxes):
    """Target boxes standing on the ground, one entry per target (world frame, SI units).

    The fields of :class:`~gauntlet.sensors.boxes.Boxes`: ``x, y`` the box
    centre in plan, ``z`` its base, ``heading`` rad counter-clockwise from
    east; ``length``/``width``/``height`` m; ``vx, vy`` world-frame velocity,
    m/s; ``yaw_rate`` rad/s; ``semantic`` a :class:`Semantic` tag per target
    (selects the RCS); ``ids`` int object ids. Every field is checked to hold
    one entry per id.
    """

    def __post_init__(self) -> None:
        super().__post_init__()  # empty vx, vy, yaw_rate -> zeros
        n = len(self.ids)
        for f in fields(self):
            value = np.asarray(getattr(self, f.name))
            if len(value) != n:
                raise ValueError(f"radar targets: {f.name} has {len(value)} entries for {n} ids")
            object.__setattr__(self, f.name, value)

    @classmethod
    def from_boxes(cls, boxes: Any) -> RadarTargets:
        """The targets of a ray-casting scene's ``Boxes`` (any object with the same fields)."""
        return cls(**{f.name: getattr(boxes, f.name) for f in fields(cls)})


@dataclass(frozen=True)
class MirrorPlane:
    """A flat reflector that makes multipath ghosts: all points ``p`` with ``normal . p = offset``.

    Attributes:
        normal: Unit normal, world frame.
        offset: ``normal . p`` of its points, m.
    """

    normal: tuple[float, float, float]
    offset: float

    @classmethod
    def ground(cls, z: float = 0.0) -> MirrorPlane:
        """The road surface, a horizontal plane at height ``z``."""
        return cls((0.0, 0.0, 1.0), z)

    @classmethod
    def vertical(cls, x: float, y: float, heading: float) -> MirrorPlane:
        """A vertical wall or guard rail through ``(x, y)`` running along ``heading`` (rad)."""
        nx, ny = -math.sin(heading), math.cos(heading)
        return cls((nx, ny, 0.0), nx * x + ny * y)


@dataclass(frozen=True, eq=False)
class Scatterers:
    """Echo sources of one scan in the sensor frame; arrays of one length."""

    range_m: np.ndarray
    azimuth_rad: np.ndarray
    elevation_rad: np.ndarray
    radial_velocity_mps: np.ndarray
    rcs_m2: np.ndarray
    object_id: np.ndarray
    kind: np.ndarray

    def _arrays(self) -> tuple[np.ndarray, ...]:
        return (
            self.range_m, self.azimuth_rad, self.elevation_rad, self.radial_velocity_mps,
            self.rcs_m2, self.object_id, self.kind,
        )  # fmt: skip

    def take(self, index: np.ndarray) -> Scatterers:
        """The scatterers at ``index``."""
        return Scatterers(*(a[index] for a in self._arrays()))

    def concat(self, other: Scatterers) -> Scatterers:
        """These scatterers followed by ``other``."""
        if len(other.range_m) == 0:
            return self
        return Scatterers(
            *(np.concatenate(p) for p in zip(self._arrays(), other._arrays(), strict=True))
        )


def _in_sensor_frame(
    points: np.ndarray, velocity: np.ndarray, pose: SensorPose, rot: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Range, azimuth, elevation and radial velocity of world points moving at ``velocity``."""
    n = len(points)
    r, az, el, vr = np.empty(n), np.empty(n), np.empty(n), np.empty(n)
    sensor = np.array([pose.x, pose.y, pose.z])
    sensor_v = np.array([pose.vx, pose.vy, pose.vz])
    kernels.to_sensor_frame(points, velocity, sensor, sensor_v, rot, r, az, el, vr)
    return r, az, el, vr


def target_scatterers(
    t: RadarTargets,
    pose: SensorPose,
    rot: np.ndarray,
    rcs: np.ndarray,
    exclude_id: int,
    occlusion: bool,
    min_visible: float,
    mirrors: Sequence[MirrorPlane],
    multipath_loss_db: float,
) -> Scatterers:
    """The targets' echoes and their multipath ghosts; see the module docstring."""
    n = len(t)
    sem = t.semantic.astype(np.intp)
    points, velocity, rcs_db = np.empty((n, 3)), np.empty((n, 3)), np.empty(n)
    sensor = np.array([pose.x, pose.y, pose.z])
    kernels.box_echoes(
        sensor, np.array([pose.vx, pose.vy, pose.vz]), rot, t.x, t.y, t.z, t.heading,
        t.length, t.width, t.height, t.vx, t.vy, t.yaw_rate, rcs[sem, 0], rcs[sem, 1],
        points, velocity, rcs_db,
    )  # fmt: skip
    active = t.ids != exclude_id
    r, az, el, vr = _in_sensor_frame(points, velocity, pose, rot)
    visible = np.ones(len(t))
    if occlusion and len(t) > 1:
        lo, hi, bearing = np.empty(len(t)), np.empty(len(t)), np.empty(len(t))
        kernels.bearing_intervals(
            pose.x, pose.y, t.x, t.y, t.heading, t.length, t.width, lo, hi, bearing
        )
        visible = kernels.visible_fraction(r, t.z + t.height, pose.z, bearing, lo, hi, active)
    keep = np.flatnonzero(active & (visible >= min_visible) & (r > 0.0))
    rcs_m2 = 10.0 ** (rcs_db / 10.0) * visible
    ids = t.ids.astype(np.int32)
    out = Scatterers(
        r[keep], az[keep], el[keep], vr[keep], rcs_m2[keep], ids[keep],
        np.full(len(keep), DetectionKind.TARGET, np.uint8),
    )  # fmt: skip
    for mirror in mirrors:
        n = np.asarray(mirror.normal, dtype=float)
        d_p = points[keep] @ n - mirror.offset
        same_side = np.flatnonzero(d_p * (sensor @ n - mirror.offset) > 0.0)
        if len(same_side) == 0:
            continue
        k = keep[same_side]
        image = points[k] - 2.0 * d_p[same_side, None] * n
        image_v = velocity[k] - 2.0 * (velocity[k] @ n)[:, None] * n
        gr, gaz, gel, gvr = _in_sensor_frame(image, image_v, pose, rot)
        loss = 10.0 ** (-multipath_loss_db / 10.0)
        ghosts = Scatterers(
            gr, gaz, gel, gvr, rcs_m2[k] * loss, ids[k],
            np.full(len(k), DetectionKind.GHOST, np.uint8),
        )  # fmt: skip
        out = out.concat(ghosts)
    return out


def clutter_scatterers(
    mode: ScanMode,
    pose: SensorPose,
    rot: np.ndarray,
    ground_z: float,
    max_ground_range_m: float,
    rcs_dbsm: float,
    rng: np.random.Generator,
) -> Scatterers:
    """Ground-clutter patches of one scan: a Poisson number, uniform in azimuth and ground range.

    Patches lie on the ground (``z = ground_z``) at rest in the world, so their
    radial velocity is the sensor's own motion projected on the line of sight.
    """
    n = int(rng.poisson(mode.clutter_per_scan)) if mode.clutter_per_scan > 0 else 0
    if n == 0:
        empty = np.zeros(0)
        return Scatterers(
            empty, empty, empty, empty, empty, np.zeros(0, np.int32), np.zeros(0, np.uint8)
        )
    u = rng.random((2, n))
    az = (2.0 * u[0] - 1.0) * mode.half_fov_rad
    far = np.minimum(mode.max_range_at(az), max_ground_range_m)
    rho = mode.min_range_m + u[1] * np.maximum(far - mode.min_range_m, 0.0)
    bearing = pose.yaw + az
    points = np.stack(
        (pose.x + rho * np.cos(bearing), pose.y + rho * np.sin(bearing), np.full(n, ground_z)),
        axis=1,
    )
    r, a, e, vr = _in_sensor_frame(points, np.zeros((n, 3)), pose, rot)
    return Scatterers(
        r, a, e, vr, np.full(n, 10.0 ** (rcs_dbsm / 10.0)), np.full(n, NO_OBJECT_ID, np.int32),
        np.full(n, DetectionKind.CLUTTER, np.uint8),
    )  # fmt: skip
