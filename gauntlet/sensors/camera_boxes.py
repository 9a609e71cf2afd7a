"""Box ground truth of a camera frame: 2D and 3D boxes of the actors in view, and their occlusion.

The actors as a camera sees them (:class:`ActorView`: poses relative to the
camera, image bounds of each box) also give the camera its actor culling and mesh.

For each actor whose box covers at least one pixel centre of the image:

* **3D box** in the camera frame (x forward, y left, z up): the centre of the
  box's volume, its size (length, width, height), the rotation from the box's
  frame (x along its heading, z up) to the camera frame, and its 8 corners.
* **2D box** ``(u_min, v_min, u_max, v_max)``, pixels: the bounding rectangle
  of the projections (with the lens distortion) of the box's corners, after
  cutting the box at the near plane ``x = near_m``, clipped to the image's edges
  ``[-0.5, W - 0.5] x [-0.5, H - 0.5]`` (pixel centres are integers).
* **Occlusion ratio** ``1 - visible / silhouette``: ``silhouette`` counts the
  pixels whose ray meets the actor's box, everything else ignored (within the
  image, so a box cut by the image's edge is judged on its part in view);
  ``visible`` counts the pixels of the instance image that show the actor. 0:
  fully visible, 1: fully hidden. With a mesh template smaller than its box
  (``RaycastScene.shapes``), the ratio also counts the box's empty space as hidden.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from gauntlet.sensors import _camera_kernels as k
from gauntlet.sensors.boxes import BOX, ActorShape, Boxes, place_shape
from gauntlet.sensors.camera_model import CameraIntrinsics, PixelTiles


@dataclass(frozen=True, eq=False)
class BoxGroundTruth:
    """The actors in view of one frame; arrays have one row per actor.

    Attributes:
        ids: Actor ids (int32).
        semantic: Semantic tags (uint8).
        box_2d: ``(n, 4)`` ``u_min, v_min, u_max, v_max``, pixels (float32).
        centre: ``(n, 3)`` centre of the box's volume, camera frame, m.
        size: ``(n, 3)`` length, width, height, m.
        rotation: ``(n, 3, 3)`` box frame to camera frame.
        corners: ``(n, 8, 3)`` corners, camera frame, m.
        silhouette_pixels: Pixels whose ray meets the box (int64).
        visible_pixels: Pixels showing the actor (int64).
        occlusion: ``1 - visible / silhouette`` (float32).
    """

    ids: np.ndarray
    semantic: np.ndarray
    box_2d: np.ndarray
    centre: np.ndarray
    size: np.ndarray
    rotation: np.ndarray
    corners: np.ndarray
    silhouette_pixels: np.ndarray
    visible_pixels: np.ndarray
    occlusion: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True, eq=False)
class ActorView(Boxes):
    """The actors at the frame's time as the camera sees them (world axes, camera origin).

    The box fields (:class:`~gauntlet.sensors.boxes.Boxes`) hold each actor
    moved on to the frame's time: ``x, y, z`` its position relative to the
    camera position (``z``: base), m; ``heading`` rad; ``length, width,
    height`` m; its velocities are not used (zero; may be one shared read-only
    array). Besides:

    Attributes:
        corners: ``(A, 8, 3)`` camera-frame corners (numbered as :data:`boxes.BOX`).
        rects: ``(A, 4)`` ``a_min, a_max, b_min, b_max`` of each box's image (normalized).
        active: Whether each box has a part in front of the near plane and is not excluded.
    """

    corners: np.ndarray = field(kw_only=True)
    rects: np.ndarray = field(kw_only=True)
    active: np.ndarray = field(kw_only=True)

    @classmethod
    def empty(cls) -> ActorView:
        """No actors."""
        z = np.zeros(0)
        return cls(
            z.astype(np.int32), z.astype(np.uint8), z, z, z, z, z, z, z,
            corners=np.zeros((0, 8, 3)), rects=np.zeros((0, 4)), active=np.zeros(0, np.bool_),
        )  # fmt: skip


def actor_corners(
    view_rot: np.ndarray,
    x,
    y,
    z,
    heading,
    length,
    width,
    height,  # noqa: ANN001
) -> np.ndarray:
    """Camera-frame corners ``(A, 8, 3)`` of boxes placed relative to the camera in world axes."""
    world = place_shape(BOX, x, y, z, heading, length, width, height)
    return world @ view_rot  # R^T p for each corner p


def actor_mesh(
    view: ActorView, sel: np.ndarray, shapes: Mapping[int, ActorShape]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mesh of the actors ``sel``: vertices (camera-relative, world axes), triangles, and the
    actor index of each triangle; each actor is its class's template (``shapes``) or a box."""
    sems = np.asarray(view.semantic)[sel]
    verts, tris, owner = [], [], []
    count = 0
    for tag in np.unique(sems):
        shape = shapes.get(int(tag), BOX)
        rows = sel[sems == tag]
        v = place_shape(
            shape, view.x[rows], view.y[rows], view.z[rows], view.heading[rows],
            view.length[rows], view.width[rows], view.height[rows],
        )  # fmt: skip
        nv, nt = len(shape.vertices), len(shape.triangles)
        base = count + nv * np.arange(len(rows))
        tris.append((shape.triangles[None] + base[:, None, None]).reshape(-1, 3))
        verts.append(v.reshape(-1, 3))
        owner.append(np.repeat(rows, nt))
        count += nv * len(rows)
    return np.concatenate(verts), np.concatenate(tris), np.concatenate(owner)


def _clipped_vertices(corners: np.ndarray, near: float) -> np.ndarray:
    """Vertices of the part of a box (8 corners) in front of the plane ``x = near``."""
    keep = [corners[j] for j in range(8) if corners[j, 0] >= near]
    for j in range(8):
        for bit in (1, 2, 4):
            m = j ^ bit
            c, d = corners[j], corners[m]
            if m > j and (c[0] - near) * (d[0] - near) < 0.0:
                keep.append(c + (near - c[0]) / (d[0] - c[0]) * (d - c))
    return np.array(keep).reshape(-1, 3)


def box_ground_truth(
    intrinsics: CameraIntrinsics,
    rotation: np.ndarray,
    view: ActorView,
    tiles: PixelTiles,
    a_pix: np.ndarray,
    b_pix: np.ndarray,
    rays: np.ndarray,
    object_id: np.ndarray,
    near: float,
) -> BoxGroundTruth:
    """Boxes, 2D boxes and occlusion of the actors in ``view`` (see the module docstring).

    Args:
        intrinsics: The camera.
        rotation: Camera frame to world.
        view: The actors relative to the camera.
        tiles, a_pix, b_pix: The camera's pixel tiles and pixel normalized coordinates.
        rays: ``(N, 6)`` the frame's pixel rays (directions in world axes).
        object_id: ``(N,)`` the frame's instance image (object id per pixel).
        near: Near plane, m.
    """
    n = len(view.ids)
    c, s = np.cos(view.heading), np.sin(view.heading)
    axes = np.zeros((n, 3, 3))
    axes[:, 0, 0], axes[:, 1, 0] = c, s
    axes[:, 0, 1], axes[:, 1, 1] = -s, c
    axes[:, 2, 2] = 1.0
    centre = np.stack((view.x, view.y, view.z + 0.5 * view.height), axis=1)
    half = 0.5 * np.stack((view.length, view.width, view.height), axis=1)
    silhouette = np.zeros(n, dtype=np.int64)
    visible = np.zeros(n, dtype=np.int64)
    k.box_pixels(
        view.rects, view.active, tiles.size, tiles.a_min, tiles.a_max, tiles.b_min, tiles.b_max,
        a_pix, b_pix, intrinsics.width, intrinsics.height, rays, centre,
        np.ascontiguousarray(axes), half, np.asarray(view.ids, np.int32), object_id,
        silhouette, visible,
    )  # fmt: skip
    sel = np.flatnonzero(silhouette > 0)
    box_2d = np.empty((len(sel), 4), dtype=np.float32)
    w, h = intrinsics.width, intrinsics.height
    for row, a in enumerate(sel):
        u, v, _ = intrinsics.project(_clipped_vertices(view.corners[a], near))
        box_2d[row] = (
            np.clip(u.min(), -0.5, w - 0.5),
            np.clip(v.min(), -0.5, h - 0.5),
            np.clip(u.max(), -0.5, w - 0.5),
            np.clip(v.max(), -0.5, h - 0.5),
        )
    sil, vis = silhouette[sel], np.minimum(visible[sel], silhouette[sel])
    return BoxGroundTruth(
        ids=np.asarray(view.ids, np.int32)[sel],
        semantic=np.asarray(view.semantic, np.uint8)[sel],
        box_2d=box_2d,
        centre=centre[sel] @ rotation,
        size=2.0 * half[sel],
        rotation=np.einsum("ji,njk->nik", rotation, axes[sel]),
        corners=view.corners[sel],
        silhouette_pixels=sil,
        visible_pixels=vis,
        occlusion=(1.0 - vis / sil).astype(np.float32),
    )
