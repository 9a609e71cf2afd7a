"""CARLA's image encodings of depth, semantic and instance segmentation, and the CityScapes palette.

All images here are ``(H, W, 3)`` uint8 in R, G, B order (CARLA's raw buffers
are BGRA; ``image[..., ::-1]`` and an alpha of 255 give those bytes).

* **Depth** (``sensor.camera.depth``): the depth along the optical axis as a
  24-bit fraction of 1000 m, least significant byte in R:
  ``normalized = (R + G * 256 + B * 256**2) / (256**3 - 1)``, ``depth = 1000 m *
  normalized``. Depths beyond 1000 m (and the sky) encode as 1000 m (all 255).
  One step is ``1000 / (2**24 - 1)`` m, about 0.06 mm.
* **Semantic segmentation** (``sensor.camera.semantic_segmentation``): the tag
  (:class:`Semantic`) in R, G and B zero; :data:`CITYSCAPES_PALETTE` gives
  CARLA's ``CityScapesPalette`` colours.
* **Instance segmentation** (``sensor.camera.instance_segmentation``, CARLA
  0.9.14 and later): the tag in R, the object id's low byte in G and its second
  byte in B. Only 16 bits fit: actor ids below 65536 encode exactly; static
  objects (ids from ``2**20``) and ``-1`` (nothing) encode as their low 16 bits.
"""

from __future__ import annotations

import numpy as np
from numba import njit

#: Farthest depth the 24-bit encoding holds, m.
CARLA_DEPTH_FAR_M = 1000.0
_DEPTH_STEPS = float(256**3 - 1)

#: CARLA's CityScapes colour of each semantic tag (``Semantic`` value = row), uint8 RGB.
CITYSCAPES_PALETTE = np.array(
    [
        (0, 0, 0), (128, 64, 128), (244, 35, 232), (70, 70, 70), (102, 102, 156),
        (190, 153, 153), (153, 153, 153), (250, 170, 30), (220, 220, 0), (107, 142, 35),
        (152, 251, 152), (70, 130, 180), (220, 20, 60), (255, 0, 0), (0, 0, 142),
        (0, 0, 70), (0, 60, 100), (0, 80, 100), (0, 0, 230), (119, 11, 32),
        (110, 190, 160), (170, 120, 50), (55, 90, 80), (45, 60, 150), (157, 234, 50),
        (81, 0, 81), (150, 100, 100), (230, 150, 140), (180, 165, 180),
    ],
    dtype=np.uint8,
)  # fmt: skip


def depth_to_carla(depth: np.ndarray) -> np.ndarray:
    """CARLA's 24-bit RGB depth image of a depth image (m; ``inf``: nothing)."""
    d = np.asarray(depth, dtype=np.float32)
    out = np.empty((*d.shape, 3), dtype=np.uint8)
    _encode_depth(d.ravel(), out.reshape(-1, 3))
    return out


def carla_to_depth(image: np.ndarray) -> np.ndarray:
    """Depth, m (float32), of CARLA's 24-bit RGB depth image."""
    rgb = np.asarray(image, dtype=np.uint32)
    code = rgb[..., 0] + rgb[..., 1] * 256 + rgb[..., 2] * 65536
    return (code.astype(np.float64) * (CARLA_DEPTH_FAR_M / _DEPTH_STEPS)).astype(np.float32)


def semantic_to_carla(semantic: np.ndarray) -> np.ndarray:
    """CARLA's raw semantic image: the tag in R, G and B zero."""
    out = np.zeros((*np.shape(semantic), 3), dtype=np.uint8)
    out[..., 0] = semantic
    return out


def semantic_to_cityscapes(semantic: np.ndarray) -> np.ndarray:
    """The CityScapes colour of each tag (CARLA's ``ColorConverter.CityScapesPalette``)."""
    return CITYSCAPES_PALETTE[np.asarray(semantic, dtype=np.uint8)]


def instance_to_carla(semantic: np.ndarray, object_id: np.ndarray) -> np.ndarray:
    """CARLA's instance image: tag in R, object id's low byte in G, second byte in B."""
    ids = np.asarray(object_id).astype(np.int64) & 0xFFFF
    out = np.empty((*np.shape(semantic), 3), dtype=np.uint8)
    out[..., 0] = semantic
    out[..., 1] = ids & 0xFF
    out[..., 2] = ids >> 8
    return out


def carla_to_instance(image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Tag (uint8) and 16-bit object id (int32) of CARLA's instance image."""
    rgb = np.asarray(image)
    return rgb[..., 0].copy(), rgb[..., 1].astype(np.int32) + 256 * rgb[..., 2].astype(np.int32)


@njit(cache=True)
def _encode_depth(depth: np.ndarray, out: np.ndarray) -> None:
    scale = _DEPTH_STEPS / CARLA_DEPTH_FAR_M
    top = int(_DEPTH_STEPS)
    for i in range(depth.shape[0]):
        d = depth[i]
        code = top if not d < CARLA_DEPTH_FAR_M else int(np.float64(max(d, 0.0)) * scale + 0.5)
        out[i, 0] = code & 0xFF
        out[i, 1] = (code >> 8) & 0xFF
        out[i, 2] = (code >> 16) & 0xFF


__all__ = [
    "CARLA_DEPTH_FAR_M",
    "CITYSCAPES_PALETTE",
    "carla_to_depth",
    "carla_to_instance",
    "depth_to_carla",
    "instance_to_carla",
    "semantic_to_carla",
    "semantic_to_cityscapes",
]
