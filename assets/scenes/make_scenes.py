"""Writes the example scene assets of this folder (run from anywhere; deterministic).

* ``site.ply`` — three buildings and a boundary wall as one triangle mesh (ASCII PLY),
  in a local frame whose x axis runs along the street: buildings from x = 0 to 52 m,
  their fronts at y = 0, the wall 0.3 m thick along y = -1 from x = 60 to 80 m.
* ``hedge.pcd`` — a hedge 30 m long, 1.2 m deep and 1.6 m high as a point cloud
  (ASCII PCD): its outer surface sampled every 0.15 m with 2 cm of seeded jitter,
  as a scan would give it.

Usage: ``python3 assets/scenes/make_scenes.py``
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent

#: Boxes as (x_min, y_min, z_min, x_max, y_max, z_max), m.
SITE_BOXES = (
    (0.0, 0.0, 0.0, 12.0, 8.0, 9.0),
    (16.0, 0.0, 0.0, 31.0, 10.0, 12.0),
    (36.0, 0.0, 0.0, 52.0, 9.0, 6.0),
    (60.0, -1.15, 0.0, 80.0, -0.85, 2.5),
)

_BOX_FACES = np.array(
    [
        [0, 2, 1],
        [0, 3, 2],  # bottom
        [4, 5, 6],
        [4, 6, 7],  # top
        [0, 1, 5],
        [0, 5, 4],  # y_min
        [1, 2, 6],
        [1, 6, 5],  # x_max
        [2, 3, 7],
        [2, 7, 6],  # y_max
        [3, 0, 4],
        [3, 4, 7],  # x_min
    ]
)


def box_mesh(boxes: tuple[tuple[float, ...], ...]) -> tuple[np.ndarray, np.ndarray]:
    """Vertices and triangles of axis-aligned boxes."""
    verts, tris = [], []
    for k, (x0, y0, z0, x1, y1, z1) in enumerate(boxes):
        verts.append(
            [
                (x0, y0, z0),
                (x1, y0, z0),
                (x1, y1, z0),
                (x0, y1, z0),
                (x0, y0, z1),
                (x1, y0, z1),
                (x1, y1, z1),
                (x0, y1, z1),
            ]
        )
        tris.append(_BOX_FACES + 8 * k)
    return np.array(verts, float).reshape(-1, 3), np.concatenate(tris)


def write_ply(path: Path, vertices: np.ndarray, triangles: np.ndarray) -> None:
    """ASCII PLY with vertices and faces."""
    lines = [
        "ply",
        "format ascii 1.0",
        f"element vertex {len(vertices)}",
        "property float x",
        "property float y",
        "property float z",
        f"element face {len(triangles)}",
        "property list uchar int vertex_indices",
        "end_header",
    ]
    lines += [f"{x:.3f} {y:.3f} {z:.3f}" for x, y, z in vertices]
    lines += [f"3 {a} {b} {c}" for a, b, c in triangles]
    path.write_text("\n".join(lines) + "\n", encoding="ascii")


def write_pcd(path: Path, points: np.ndarray) -> None:
    """ASCII PCD (v0.7) with x, y, z."""
    header = [
        "# .PCD v0.7 - Point Cloud Data file format",
        "VERSION 0.7",
        "FIELDS x y z",
        "SIZE 4 4 4",
        "TYPE F F F",
        "COUNT 1 1 1",
        f"WIDTH {len(points)}",
        "HEIGHT 1",
        "VIEWPOINT 0 0 0 1 0 0 0",
        f"POINTS {len(points)}",
        "DATA ascii",
    ]
    body = [f"{x:.3f} {y:.3f} {z:.3f}" for x, y, z in points]
    path.write_text("\n".join(header + body) + "\n", encoding="ascii")


def hedge_points(
    length: float = 30.0, depth: float = 1.2, height: float = 1.6, step: float = 0.15
) -> np.ndarray:
    """Points on the sides and top of a hedge, seeded jitter."""
    rng = np.random.default_rng(3)
    xs = np.arange(0.0, length + 1e-9, step)
    ys = np.arange(0.0, depth + 1e-9, step)
    zs = np.arange(0.0, height + 1e-9, step)
    faces = []
    for y in (0.0, depth):
        gx, gz = np.meshgrid(xs, zs)
        faces.append(np.stack((gx.ravel(), np.full(gx.size, y), gz.ravel()), axis=1))
    for x in (0.0, length):
        gy, gz = np.meshgrid(ys, zs)
        faces.append(np.stack((np.full(gy.size, x), gy.ravel(), gz.ravel()), axis=1))
    gx, gy = np.meshgrid(xs, ys)
    faces.append(np.stack((gx.ravel(), gy.ravel(), np.full(gx.size, height)), axis=1))
    points = np.concatenate(faces)
    return points + rng.normal(0.0, 0.02, points.shape)


def main() -> None:
    write_ply(HERE / "site.ply", *box_mesh(SITE_BOXES))
    write_pcd(HERE / "hedge.pcd", hedge_points())


if __name__ == "__main__":
    main()
