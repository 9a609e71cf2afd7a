"""3D scene assets: reading meshes and point clouds, poses, voxel surfaces, footprints, errors."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from gauntlet.maps.footprint import convex_hull, enclosing_rectangle, mesh_footprints
from gauntlet.maps.procedural import procedural_map
from gauntlet.maps.scene import AssetPose, SceneAssetError, load_scene_asset, voxel_surface
from gauntlet.maps.surface import MARKING, road_surface

BOX_FACES = [
    [0, 2, 1], [0, 3, 2], [4, 5, 6], [4, 6, 7], [0, 1, 5], [0, 5, 4],
    [1, 2, 6], [1, 6, 5], [2, 3, 7], [2, 7, 6], [3, 0, 4], [3, 4, 7],
]  # fmt: skip


def box(x0, y0, z0, x1, y1, z1):  # noqa: ANN001, ANN201
    v = [(x0, y0, z0), (x1, y0, z0), (x1, y1, z0), (x0, y1, z0),
         (x0, y0, z1), (x1, y0, z1), (x1, y1, z1), (x0, y1, z1)]  # fmt: skip
    return np.array(v, float), np.array(BOX_FACES)


def write_ply(path: Path, v: np.ndarray, t: np.ndarray | None = None) -> Path:
    head = ["ply", "format ascii 1.0", f"element vertex {len(v)}",
            "property float x", "property float y", "property float z"]  # fmt: skip
    if t is not None:
        head += [f"element face {len(t)}", "property list uchar int vertex_indices"]
    lines = [*head, "end_header", *(f"{a} {b} {c}" for a, b, c in v)]
    if t is not None:
        lines += [f"3 {a} {b} {c}" for a, b, c in t]
    path.write_text("\n".join(lines) + "\n")
    return path


def write_pcd(path: Path, points: np.ndarray) -> Path:
    head = ["VERSION 0.7", "FIELDS x y z", "SIZE 4 4 4", "TYPE F F F", "COUNT 1 1 1",
            f"WIDTH {len(points)}", "HEIGHT 1", "VIEWPOINT 0 0 0 1 0 0 0",
            f"POINTS {len(points)}", "DATA ascii"]  # fmt: skip
    path.write_text("\n".join(head + [f"{a} {b} {c}" for a, b, c in points]) + "\n")
    return path


def test_mesh_is_placed_by_its_pose(tmp_path):
    v, t = box(0.0, 0.0, 0.0, 4.0, 1.0, 3.0)
    path = write_ply(tmp_path / "b.ply", v, t)
    pose = AssetPose(x_m=10.0, y_m=5.0, z_m=1.0, heading_rad=math.pi / 2, scale=2.0)
    asset = load_scene_asset(path, pose, semantic="building")
    assert asset.kind == "mesh" and asset.semantic == "building"
    # File point (4, 1, 3): scaled (8, 2, 6), turned 90 deg (-2, 8, 6), moved (8, 13, 7).
    assert any(np.allclose(p, (8.0, 13.0, 7.0)) for p in asset.vertices)
    assert len(asset.triangles) == 12
    (fp,) = asset.footprints
    # Plan: x from 8 to 10, y from 5 to 13.
    assert fp.center == pytest.approx((9.0, 9.0), abs=1e-9)
    assert (fp.length, fp.width) == pytest.approx((8.0, 2.0))
    assert math.cos(fp.heading) == pytest.approx(0.0, abs=1e-9)


def test_obj_mesh_and_separate_pieces(tmp_path):
    a, ta = box(0, 0, 0, 2, 2, 3)
    b, tb = box(10, 0, 0, 11, 6, 1)
    c, tc = box(20, 0, 2.5, 22, 2, 4)  # floats above vehicle height: no footprint
    v = np.concatenate((a, b, c))
    t = np.concatenate((ta, tb + 8, tc + 16))
    lines = [f"v {x} {y} {z}" for x, y, z in v] + [f"f {i + 1} {j + 1} {k + 1}" for i, j, k in t]
    path = tmp_path / "pieces.obj"
    path.write_text("\n".join(lines) + "\n")
    asset = load_scene_asset(path)
    assert asset.kind == "mesh" and len(asset.triangles) == 36
    centers = sorted(fp.center for fp in asset.footprints)
    assert centers == [pytest.approx((1.0, 1.0)), pytest.approx((10.5, 3.0))]


def test_point_cloud_becomes_a_voxel_surface_and_footprint(tmp_path):
    g = np.arange(0.0, 1.0001, 0.05)
    x, z = np.meshgrid(np.arange(0.0, 6.0001, 0.05), g)
    sheet = np.stack((x.ravel(), np.full(x.size, 2.0), z.ravel()), axis=1)  # a 6 x 1 m panel at y=2
    path = write_pcd(tmp_path / "panel.pcd", sheet)
    asset = load_scene_asset(path, voxel_m=0.1, semantic="fence")
    assert asset.kind == "points"
    lo, hi = asset.vertices.min(axis=0), asset.vertices.max(axis=0)
    assert lo == pytest.approx((0.0, 2.0, 0.0), abs=0.1 + 1e-9)
    assert hi == pytest.approx((6.0, 2.0, 1.0), abs=0.1 + 1e-9)
    (fp,) = asset.footprints
    assert fp.length == pytest.approx(6.0, abs=0.01)
    assert fp.center == pytest.approx((3.0, 2.0), abs=0.01)


def test_ply_without_faces_is_a_point_cloud(tmp_path):
    pts = np.array([[0, 0, 0.5], [1, 0, 0.5], [0, 1, 0.5], [1, 1, 1.5]], float)
    asset = load_scene_asset(write_ply(tmp_path / "p.ply", pts))
    assert asset.kind == "points"
    with pytest.raises(SceneAssetError, match="no triangles"):
        load_scene_asset(tmp_path / "p.ply", kind="mesh")


def test_voxel_surface_of_one_cube_and_of_two_touching_cubes():
    v, t = voxel_surface(np.array([[0.05, 0.05, 0.05]]), 0.1)
    assert len(t) == 12
    v, t = voxel_surface(np.array([[0.05, 0.05, 0.05], [0.15, 0.05, 0.05]]), 0.1)
    assert len(t) == 20  # the shared face is not emitted


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.ply", None, "file not found"),
        ("site.stl", "solid x\n", "unsupported file type"),
        ("broken.pcd", "this is not a point cloud\n", "no points or triangles"),
        ("empty.obj", "", "no triangles"),
    ],
)
def test_unreadable_assets_raise_clear_errors(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    with pytest.raises(SceneAssetError, match=message) as info:
        load_scene_asset(path)
    assert name in str(info.value)


def test_hull_and_rectangle_by_hand():
    square = np.array([[0, 0], [2, 0], [2, 2], [0, 2], [1, 1], [1, 0]], float)
    hull = convex_hull(square)
    assert len(hull) == 4
    diamond = np.array([[0, -1], [3, 2], [2, 3], [-1, 0]], float)  # a 45-degree rectangle
    center, heading, length, width = enclosing_rectangle(convex_hull(diamond))
    assert center == pytest.approx((1.0, 1.0))
    assert (length, width) == pytest.approx((3 * math.sqrt(2), math.sqrt(2)))
    assert math.tan(heading) == pytest.approx(1.0)


def test_wall_footprint_is_the_wall():
    v, t = box(60.0, -1.15, 0.0, 80.0, -0.85, 2.5)
    (fp,) = mesh_footprints(v, t)
    assert fp.center == pytest.approx((70.0, -1.0))
    assert (fp.length, fp.width) == pytest.approx((20.0, 0.3))


def test_road_surface_covers_the_lanes_and_marks_part_of_them():
    net = procedural_map("straight", length_m=120.0, lanes_right=2, lanes_left=1)
    surface = road_surface(net)
    tri = surface.vertices[surface.triangles]
    a, b = tri[:, 1, :2] - tri[:, 0, :2], tri[:, 2, :2] - tri[:, 0, :2]
    area = 0.5 * np.abs(a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0])
    assert area.sum() == pytest.approx(120.0 * 3 * 3.5, rel=1e-9)
    # Painted area by hand: the solid edge lines lie half on the road (2 x 120 m x 0.06 m);
    # the broken centre line (a two-way road) and the broken line between the right
    # lanes have 10 dashes of 3 m x 0.12 m each.
    painted = area[surface.material == MARKING].sum()
    assert painted == pytest.approx(2 * 120.0 * 0.06 + 2 * 10 * 3.0 * 0.12, rel=1e-9)


def test_bundled_libusb_is_loaded_when_the_system_has_none():
    if sys.platform != "linux":
        pytest.skip("the bundled library is a Linux one")
    # A fresh interpreter: once any libusb is loaded, the linker reuses it by soname.
    code = (
        "import ctypes.util\n"
        "from pathlib import Path\n"
        "from gauntlet.maps import scene\n"
        "ctypes.util.find_library = lambda name: None\n"
        "scene._preload_bundled_libusb()\n"
        "print('libusb/_platform/' in Path('/proc/self/maps').read_text())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
