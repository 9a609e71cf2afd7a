"""3D scene assets: meshes and point clouds placed in the world as static geometry.

A reconstructed site, a building or a wall is read with open3d from PLY or OBJ
(triangle meshes) or from PCD or PLY (point clouds), moved into the world by
an :class:`AssetPose` and kept as triangles (for ray casting) and ground
footprints (for collisions, see :mod:`gauntlet.maps.footprint`).

Point clouds become triangles by voxelisation: the points are binned into
cubes of ``voxel_m`` (in the asset's frame, after scaling) and every cube face
that does not touch another occupied cube is emitted as two triangles. That
is fast (linear in the points), deterministic, needs no normals, and gives a
closed surface at the cloud's resolution; a surface reconstruction (Poisson,
ball pivoting) would be smoother but slow and fragile on sparse scans.

open3d is imported when an asset is first read, so importing this module costs
nothing; :func:`import_open3d` explains what to install if it cannot be loaded.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import importlib.util
import math
import platform
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Literal

import numpy as np

from gauntlet.maps.footprint import (
    FOOTPRINT_HIGH_M,
    FOOTPRINT_LOW_M,
    Footprint,
    mesh_footprints,
    point_footprints,
)

MESH_SUFFIXES = (".ply", ".obj")
POINT_SUFFIXES = (".pcd", ".ply")
AssetKind = Literal["auto", "mesh", "points"]

#: The system libraries open3d's Linux wheels link against (Debian/Ubuntu package names).
OPEN3D_SYSTEM_PACKAGES = "libusb-1.0-0 libgl1 libegl1 libx11-6 libudev1"


class SceneAssetError(ValueError):
    """An asset file that is missing, unreadable, empty or of an unsupported type."""


def _preload_bundled_libusb() -> None:
    """Load the libusb the ``libusb`` wheel ships when the system has none.

    open3d's Linux wheel links ``libusb-1.0.so.0``, which minimal systems lack;
    once a library with that soname is loaded, the dynamic linker uses it.
    """
    if sys.platform != "linux" or ctypes.util.find_library("usb-1.0"):
        return
    spec = importlib.util.find_spec("libusb")
    if spec is None or not spec.submodule_search_locations:
        return
    platforms = Path(next(iter(spec.submodule_search_locations))) / "_platform"
    machine = platform.machine()
    for folder in {"x86_64": ("x64", "x86_64")}.get(machine, (machine,)):
        for library in sorted(platforms.glob(f"*linux/{folder}/libusb-1.0.so")):
            with contextlib.suppress(OSError):  # built for a newer C library: leave it
                ctypes.CDLL(str(library), mode=ctypes.RTLD_GLOBAL)
                return


def import_open3d() -> ModuleType:
    """The ``open3d`` module, or an ``ImportError`` that says what to install."""
    _preload_bundled_libusb()
    try:
        import open3d
    except ImportError as exc:
        hint = (
            f"open3d could not be loaded ({exc}). Install it with `pip install open3d`; "
            "on Debian or Ubuntu its wheel also needs the system libraries "
            f"`sudo apt-get install {OPEN3D_SYSTEM_PACKAGES}`"
        )
        raise ImportError(hint) from exc
    return open3d


@dataclass(frozen=True)
class AssetPose:
    """Where an asset goes: its frame's origin and yaw in the world, and a uniform scale.

    A point ``p`` of the file lands at ``Rz(heading_rad) (scale p) + (x_m, y_m, z_m)``.
    """

    x_m: float = 0.0
    y_m: float = 0.0
    z_m: float = 0.0
    heading_rad: float = 0.0
    scale: float = 1.0

    def apply(self, points: np.ndarray) -> np.ndarray:
        """``(n, 3)`` file points in the world frame."""
        c, s = math.cos(self.heading_rad), math.sin(self.heading_rad)
        p = np.asarray(points, dtype=float) * self.scale
        return np.stack(
            (
                c * p[:, 0] - s * p[:, 1] + self.x_m,
                s * p[:, 0] + c * p[:, 1] + self.y_m,
                p[:, 2] + self.z_m,
            ),
            axis=1,
        )


@dataclass(frozen=True, eq=False)
class SceneAsset:
    """An asset in the world frame.

    Attributes:
        name: The file's name.
        kind: ``"mesh"`` or ``"points"`` (what the file held).
        semantic: Semantic class name of every triangle (``"building"``).
        vertices: ``(n, 3)`` world points, m.
        triangles: ``(m, 3)`` vertex indices.
        footprints: Ground footprints for collisions (empty if it reaches no vehicle).
    """

    name: str
    kind: str
    semantic: str
    vertices: np.ndarray
    triangles: np.ndarray
    footprints: tuple[Footprint, ...]


def load_scene_asset(
    path: str | Path,
    pose: AssetPose | None = None,
    *,
    semantic: str = "static",
    kind: AssetKind = "auto",
    voxel_m: float = 0.1,
    footprint_band_m: tuple[float, float] = (FOOTPRINT_LOW_M, FOOTPRINT_HIGH_M),
) -> SceneAsset:
    """Reads a mesh or point cloud and places it in the world.

    Args:
        path: A ``.ply``, ``.obj`` or ``.pcd`` file.
        pose: Placement; default the file's own frame.
        semantic: Semantic class of the asset.
        kind: ``"mesh"``, ``"points"``, or ``"auto"``: OBJ is a mesh, PCD a point
            cloud, PLY a mesh if it has faces and a point cloud otherwise.
        voxel_m: Cube size point clouds are meshed with, m.
        footprint_band_m: Heights above the datum whose geometry counts for collisions.

    Raises:
        SceneAssetError: If the file is missing, unreadable, empty or unsupported.
    """
    path = Path(path)
    pose = pose or AssetPose()
    suffix = path.suffix.lower()
    if suffix not in MESH_SUFFIXES + POINT_SUFFIXES:
        raise SceneAssetError(
            f"{path}: unsupported file type {suffix!r}; expected .ply, .obj or .pcd"
        )
    if not path.is_file():
        raise SceneAssetError(f"{path}: file not found")
    if voxel_m <= 0.0:
        raise SceneAssetError(f"{path}: voxel_m must be > 0, got {voxel_m}")
    o3d = import_open3d()
    want_mesh = kind == "mesh" or (kind == "auto" and suffix == ".obj")
    want_points = kind == "points" or (kind == "auto" and suffix == ".pcd")
    if (want_mesh and suffix == ".pcd") or (want_points and suffix == ".obj"):
        raise SceneAssetError(f"{path}: a {suffix} file cannot be read as {kind}")
    low, high = footprint_band_m
    with o3d.utility.VerbosityContextManager(o3d.utility.VerbosityLevel.Error):
        if not want_points:
            mesh = o3d.io.read_triangle_mesh(str(path))
            vertices = np.asarray(mesh.vertices, dtype=float)
            triangles = np.asarray(mesh.triangles, dtype=np.int64)
            if len(triangles):
                world = pose.apply(vertices)
                return SceneAsset(
                    path.name,
                    "mesh",
                    semantic,
                    world,
                    triangles,
                    mesh_footprints(world, triangles, low, high),
                )
            if want_mesh:
                raise SceneAssetError(
                    f"{path}: no triangles could be read (not a mesh, or unreadable)"
                )
        cloud = o3d.io.read_point_cloud(str(path))
        points = np.asarray(cloud.points, dtype=float)
    if len(points) == 0:
        raise SceneAssetError(f"{path}: no points or triangles could be read (empty or unreadable)")
    if not np.all(np.isfinite(points)):
        points = points[np.all(np.isfinite(points), axis=1)]
    local_v, triangles = voxel_surface(points * pose.scale, voxel_m)
    unscaled = AssetPose(pose.x_m, pose.y_m, pose.z_m, pose.heading_rad, 1.0)
    world_points = unscaled.apply(points * pose.scale)
    return SceneAsset(
        path.name,
        "points",
        semantic,
        unscaled.apply(local_v),
        triangles,
        point_footprints(world_points, low, high, gap_m=max(0.5, 2.0 * voxel_m)),
    )


# The six face directions of a cube and the corners of each face (unit cube, counter-clockwise
# seen from outside).
_FACES = (
    ((-1, 0, 0), ((0, 0, 0), (0, 0, 1), (0, 1, 1), (0, 1, 0))),
    ((1, 0, 0), ((1, 0, 0), (1, 1, 0), (1, 1, 1), (1, 0, 1))),
    ((0, -1, 0), ((0, 0, 0), (1, 0, 0), (1, 0, 1), (0, 0, 1))),
    ((0, 1, 0), ((0, 1, 0), (0, 1, 1), (1, 1, 1), (1, 1, 0))),
    ((0, 0, -1), ((0, 0, 0), (0, 1, 0), (1, 1, 0), (1, 0, 0))),
    ((0, 0, 1), ((0, 0, 1), (1, 0, 1), (1, 1, 1), (0, 1, 1))),
)


def voxel_surface(points: np.ndarray, voxel_m: float) -> tuple[np.ndarray, np.ndarray]:
    """The outer faces of the ``voxel_m`` cubes occupied by ``points``: ``(vertices, triangles)``."""
    if len(points) == 0:
        return np.zeros((0, 3)), np.zeros((0, 3), dtype=np.int64)
    origin = np.floor(points.min(axis=0) / voxel_m) * voxel_m
    cell = np.floor((points - origin) / voxel_m).astype(np.int64) + 1  # one cell of padding
    dims = cell.max(axis=0) + 2
    key = np.unique((cell[:, 0] * dims[1] + cell[:, 1]) * dims[2] + cell[:, 2])
    occupied = np.stack(
        (key // (dims[1] * dims[2]), (key // dims[2]) % dims[1], key % dims[2]), axis=1
    )
    verts, tris = [], []
    count = 0
    for normal, corners in _FACES:
        nb = occupied + np.array(normal)
        nb_key = (nb[:, 0] * dims[1] + nb[:, 1]) * dims[2] + nb[:, 2]
        pos = np.searchsorted(key, nb_key)
        pos = np.minimum(pos, len(key) - 1)
        exposed = occupied[key[pos] != nb_key]
        if len(exposed) == 0:
            continue
        quad = exposed[:, None, :] + np.array(corners)[None]  # (k, 4, 3)
        verts.append(quad.reshape(-1, 3))
        base = count + 4 * np.arange(len(exposed))[:, None]
        tris.append(np.concatenate((base + [0, 1, 2], base + [0, 2, 3])))
        count += 4 * len(exposed)
    vertices = (np.concatenate(verts) - 1).astype(float) * voxel_m + origin
    return vertices, np.concatenate(tris).astype(np.int64)
