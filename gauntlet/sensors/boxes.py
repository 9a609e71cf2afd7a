"""Oriented boxes standing on the ground, and the mesh templates that dress them.

Actors and static obstacles reach the sensors as :class:`Boxes`: one entry
per box, struct-of-arrays (world frame, SI units). A box is drawn as a mesh
template (:class:`ActorShape`, the unit box :data:`BOX` by default) scaled to
its length, width and height, turned to its heading and set on its base.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True, eq=False)
class ActorShape:
    """A mesh template in the unit box ``[-0.5, 0.5] x [-0.5, 0.5] x [0, 1]``, scaled per actor
    to its length (x), width (y) and height (z)."""

    vertices: np.ndarray
    triangles: np.ndarray


def _unit_box() -> ActorShape:
    v = np.array([(x, y, z) for z in (0.0, 1.0) for y in (-0.5, 0.5) for x in (-0.5, 0.5)])
    t = np.array(
        [[0, 1, 3], [0, 3, 2], [4, 6, 7], [4, 7, 5], [0, 4, 5], [0, 5, 1],
         [2, 3, 7], [2, 7, 6], [0, 2, 6], [0, 6, 4], [1, 5, 7], [1, 7, 3]]
    )  # fmt: skip
    return ActorShape(v, t)


BOX = _unit_box()


@dataclass(frozen=True, eq=False)
class Boxes:
    """Oriented boxes standing on the ground (actors, or static obstacles).

    All arrays have one entry per box. ``x, y`` is the box centre in plan, ``z``
    its base; velocities are world-frame and used only for actors.
    """

    ids: np.ndarray
    semantic: np.ndarray
    x: np.ndarray
    y: np.ndarray
    z: np.ndarray
    heading: np.ndarray
    length: np.ndarray
    width: np.ndarray
    height: np.ndarray
    vx: np.ndarray = field(default_factory=lambda: np.zeros(0))
    vy: np.ndarray = field(default_factory=lambda: np.zeros(0))
    yaw_rate: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def __post_init__(self) -> None:
        n = len(self.ids)
        for name in ("vx", "vy", "yaw_rate"):
            if len(getattr(self, name)) == 0:
                object.__setattr__(self, name, np.zeros(n))

    def __len__(self) -> int:
        return len(self.ids)


def place_shape(
    shape: ActorShape,
    x: np.ndarray,
    y: np.ndarray,
    z: np.ndarray,
    heading: np.ndarray,
    length: np.ndarray,
    width: np.ndarray,
    height: np.ndarray,
) -> np.ndarray:
    """``(n, nv, 3)`` template vertices placed for n boxes (arrays of shape ``(n,)``)."""
    h = heading
    local = shape.vertices[None] * np.stack((length, width, height), axis=1)[:, None, :]
    c, s = np.cos(h)[:, None], np.sin(h)[:, None]
    return np.stack(
        (
            x[:, None] + c * local[..., 0] - s * local[..., 1],
            y[:, None] + s * local[..., 0] + c * local[..., 1],
            z[:, None] + local[..., 2],
        ),
        axis=-1,
    )


def boxes_mesh(boxes: Boxes) -> tuple[np.ndarray, np.ndarray]:
    """Vertices ``(8n, 3)`` and triangles ``(12n, 3)`` of boxes."""
    b = boxes
    v = place_shape(BOX, b.x, b.y, b.z, b.heading, b.length, b.width, b.height)
    t = (BOX.triangles[None] + 8 * np.arange(len(b))[:, None, None]).reshape(-1, 3)
    return v.reshape(-1, 3), t
