"""The pinhole camera with Brown–Conrady lens distortion: intrinsics, projection, pixel rays.

Frames and coordinates:

* **Camera frame** (3D outputs): the sensor frame, x forward along the optical
  axis, y left, z up, origin at the optical centre.
* **Normalized image plane**: ``a = -y / x`` (right), ``b = -z / x`` (down) of a
  camera-frame point in front of the camera.
* **Image**: ``u`` to the right (columns), ``v`` down (rows), in pixels. Pixel
  ``(u, v)`` with integer ``u, v`` has its *centre* at ``(u, v)`` (OpenCV's
  convention), so the image spans ``[-0.5, W - 0.5] x [-0.5, H - 0.5]``.

Distortion is OpenCV's Brown–Conrady model: with ``r^2 = a^2 + b^2``,

    a_d = a (1 + k1 r^2 + k2 r^4 + k3 r^6) + 2 p1 a b + p2 (r^2 + 2 a^2)
    b_d = b (1 + k1 r^2 + k2 r^4 + k3 r^6) + p1 (r^2 + 2 b^2) + 2 p2 a b

and ``u = fx a_d + cx``, ``v = fy b_d + cy``. A pixel's ray is found by
inverting the model with fixed-point iterations (as OpenCV's
``undistortPoints``), once per camera.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

#: Fixed-point iterations of :func:`undistort`; enough for |k1| r^2 up to ~0.3 at float64 level.
UNDISTORT_ITERATIONS = 20
#: Largest normalized residual of a pixel's inverted distortion (~4e-5 pixels at f = 400).
MAX_UNDISTORT_RESIDUAL = 1e-7


@dataclass(frozen=True)
class CameraIntrinsics:
    """A pinhole camera's image size, focal lengths, principal point and lens distortion.

    Attributes:
        width, height: Image size, pixels.
        fx, fy: Focal lengths, pixels.
        cx, cy: Principal point, pixels (the image of the optical axis).
        k1, k2, k3: Radial distortion coefficients.
        p1, p2: Tangential distortion coefficients.
    """

    width: int
    height: int
    fx: float
    fy: float
    cx: float
    cy: float
    k1: float = 0.0
    k2: float = 0.0
    k3: float = 0.0
    p1: float = 0.0
    p2: float = 0.0

    def __post_init__(self) -> None:
        if self.width < 1 or self.height < 1:
            raise ValueError(f"camera image size must be >= 1, got {self.width} x {self.height}")
        if not (self.fx > 0 and self.fy > 0):
            raise ValueError(f"camera focal lengths must be > 0, got fx={self.fx}, fy={self.fy}")

    @classmethod
    def from_fov(
        cls, width: int, height: int, fov_deg: float, **distortion: float
    ) -> CameraIntrinsics:
        """CARLA's intrinsics: square pixels, ``fx = width / (2 tan(fov / 2))``, centre ``(W/2, H/2)``.

        Args:
            width, height: Image size, pixels.
            fov_deg: Horizontal field of view, degrees (0-180).
            **distortion: ``k1, k2, k3, p1, p2``.
        """
        if not 0.0 < fov_deg < 180.0:
            raise ValueError(f"camera fov must be in (0, 180) degrees, got {fov_deg}")
        f = width / (2.0 * math.tan(math.radians(fov_deg) / 2.0))
        return cls(width, height, f, f, width / 2.0, height / 2.0, **distortion)

    @property
    def matrix(self) -> np.ndarray:
        """The 3x3 camera matrix ``K``."""
        return np.array([[self.fx, 0.0, self.cx], [0.0, self.fy, self.cy], [0.0, 0.0, 1.0]])

    @property
    def distorted(self) -> bool:
        """Whether any distortion coefficient is non-zero."""
        return any((self.k1, self.k2, self.k3, self.p1, self.p2))

    def distort(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Distorted normalized coordinates of the normalized coordinates ``(a, b)``."""
        a, b = np.asarray(a, float), np.asarray(b, float)
        r2 = a * a + b * b
        radial = 1.0 + r2 * (self.k1 + r2 * (self.k2 + r2 * self.k3))
        ad = a * radial + 2.0 * self.p1 * a * b + self.p2 * (r2 + 2.0 * a * a)
        bd = b * radial + self.p1 * (r2 + 2.0 * b * b) + 2.0 * self.p2 * a * b
        return ad, bd

    def undistort(
        self, ad: np.ndarray, bd: np.ndarray, iterations: int = UNDISTORT_ITERATIONS
    ) -> tuple[np.ndarray, np.ndarray]:
        """Normalized coordinates whose distortion is ``(ad, bd)`` (fixed-point iterations)."""
        ad, bd = np.asarray(ad, float), np.asarray(bd, float)
        a, b = ad.copy(), bd.copy()
        if not self.distorted:
            return a, b
        for _ in range(iterations):
            r2 = a * a + b * b
            radial = 1.0 + r2 * (self.k1 + r2 * (self.k2 + r2 * self.k3))
            da = 2.0 * self.p1 * a * b + self.p2 * (r2 + 2.0 * a * a)
            db = self.p1 * (r2 + 2.0 * b * b) + 2.0 * self.p2 * a * b
            a = (ad - da) / radial
            b = (bd - db) / radial
        return a, b

    def project(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Pixel coordinates ``(u, v)`` of camera-frame points ``(n, 3)``, and whether each is in front.

        Points at or behind the optical centre (``x <= 0``) get ``nan``.
        """
        p = np.asarray(points, float).reshape(-1, 3)
        front = p[:, 0] > 0.0
        with np.errstate(divide="ignore", invalid="ignore"):
            x = np.where(front, p[:, 0], np.nan)
            ad, bd = self.distort(-p[:, 1] / x, -p[:, 2] / x)
        return self.fx * ad + self.cx, self.fy * bd + self.cy, front

    def pixel_normalized(self) -> tuple[np.ndarray, np.ndarray]:
        """Undistorted normalized coordinates ``(a, b)`` of every pixel centre, each ``(H, W)``."""
        v, u = np.mgrid[0 : self.height, 0 : self.width].astype(float)
        ad, bd = (u - self.cx) / self.fx, (v - self.cy) / self.fy
        a, b = self.undistort(ad, bd)
        a2, b2 = self.distort(a, b)
        # Past the turning point of a strong barrel distortion no ray maps to the pixel.
        if not np.max(np.hypot(a2 - ad, b2 - bd)) < MAX_UNDISTORT_RESIDUAL:
            raise ValueError(
                "camera distortion cannot be inverted over the whole image "
                f"(k1={self.k1}, k2={self.k2}, k3={self.k3}, p1={self.p1}, p2={self.p2})"
            )
        return a, b

    def pixel_rays(self) -> np.ndarray:
        """Camera-frame ray of every pixel, ``(H*W, 3)`` float64, row-major (pixel ``v*W + u``).

        Each ray is ``(1, -a, -b)``: its forward component is 1, so a distance along it
        is the depth along the optical axis.
        """
        a, b = self.pixel_normalized()
        rays = np.empty((self.width * self.height, 3))
        rays[:, 0] = 1.0
        rays[:, 1] = -a.ravel()
        rays[:, 2] = -b.ravel()
        return rays


@dataclass(frozen=True, eq=False)
class PixelTiles:
    """Square tiles of pixels with the bounds of their pixels' normalized coordinates.

    Lets a region of the normalized image plane find its pixels without a look at
    every pixel, whatever the distortion.

    Attributes:
        size: Tile side, pixels.
        rows, cols: Tiles down and across.
        a_min, a_max, b_min, b_max: ``(rows, cols)`` bounds of the tile's pixels' ``(a, b)``.
    """

    size: int
    rows: int
    cols: int
    a_min: np.ndarray
    a_max: np.ndarray
    b_min: np.ndarray
    b_max: np.ndarray


def pixel_tiles(intrinsics: CameraIntrinsics, rays: np.ndarray, size: int = 16) -> PixelTiles:
    """Tiles of ``size`` x ``size`` pixels over the image of ``rays`` (from :meth:`pixel_rays`)."""
    h, w = intrinsics.height, intrinsics.width
    rows, cols = -(-h // size), -(-w // size)
    pad_h, pad_w = rows * size - h, cols * size - w
    a = np.pad((-rays[:, 1]).reshape(h, w), ((0, pad_h), (0, pad_w)), mode="edge")
    b = np.pad((-rays[:, 2]).reshape(h, w), ((0, pad_h), (0, pad_w)), mode="edge")
    a = a.reshape(rows, size, cols, size)
    b = b.reshape(rows, size, cols, size)
    return PixelTiles(
        size,
        rows,
        cols,
        a.min(axis=(1, 3)),
        a.max(axis=(1, 3)),
        b.min(axis=(1, 3)),
        b.max(axis=(1, 3)),
    )
