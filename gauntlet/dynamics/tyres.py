"""Lateral tyre force laws for the dynamic single-track model.

Slip angle ``alpha`` (rad) is positive when the tyre's velocity points to the
right of its heading, and a positive slip angle gives a positive (leftward)
lateral force, so a cornering stiffness is a positive number in N/rad.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

#: Standard gravity, m/s^2.
GRAVITY_MPS2 = 9.80665


class TyreModel(StrEnum):
    """Which lateral force law a dynamic single-track model uses."""

    LINEAR = "linear"
    """``Fy = C_alpha * alpha``: no saturation; valid for small slip angles."""

    PACEJKA = "pacejka"
    """Pacejka's magic formula: saturates at ``D = mu * Fz``."""

    @classmethod
    def parse(cls, value: TyreModel | str) -> TyreModel:
        """Return the member for ``value``, with a message naming the known models.

        Raises:
            ValueError: If ``value`` is not a known tyre model.
        """
        try:
            return cls(value)
        except ValueError:
            known = ", ".join(repr(m.value) for m in cls)
            raise ValueError(f"unknown tyre model {value!r}; known: {known}") from None


@dataclass(frozen=True)
class PacejkaTyre:
    """Shape coefficients of the magic formula for one axle.

    ``Fy = D sin(C atan(B alpha - E (B alpha - atan(B alpha))))`` with the peak
    ``D = mu * Fz`` taken from the friction coefficient and the axle's static
    load; the slope at zero slip is ``B * C * D``.

    Attributes:
        stiffness_factor_b: ``B``, 1/rad.
        shape_factor_c: ``C``, dimensionless (about 1.3 for lateral force).
        curvature_factor_e: ``E``, dimensionless (``<= 1``).
    """

    stiffness_factor_b: float = 10.0
    shape_factor_c: float = 1.3
    curvature_factor_e: float = 0.0

    def __post_init__(self) -> None:
        if not (math.isfinite(self.stiffness_factor_b) and self.stiffness_factor_b > 0.0):
            raise ValueError(
                f"PacejkaTyre.stiffness_factor_b must be > 0, got {self.stiffness_factor_b!r}"
            )
        if not (0.0 < self.shape_factor_c < 2.0):
            raise ValueError(
                f"PacejkaTyre.shape_factor_c must lie in (0, 2), got {self.shape_factor_c!r}"
            )
        if not (math.isfinite(self.curvature_factor_e) and self.curvature_factor_e <= 1.0):
            raise ValueError(
                f"PacejkaTyre.curvature_factor_e must be <= 1, got {self.curvature_factor_e!r}"
            )

    @classmethod
    def matching(
        cls,
        cornering_stiffness_npr: float,
        normal_load_n: float,
        friction_coefficient: float,
        shape_factor_c: float = 1.3,
        curvature_factor_e: float = 0.0,
    ) -> PacejkaTyre:
        """Coefficients whose small-slip slope equals a given cornering stiffness.

        Args:
            cornering_stiffness_npr: Axle cornering stiffness, N/rad.
            normal_load_n: Axle normal load, N.
            friction_coefficient: Peak friction coefficient ``mu``.
            shape_factor_c: ``C``.
            curvature_factor_e: ``E``.

        Returns:
            A tyre with ``B = C_alpha / (C * mu * Fz)``.
        """
        peak = friction_coefficient * normal_load_n
        return cls(
            cornering_stiffness_npr / (shape_factor_c * peak), shape_factor_c, curvature_factor_e
        )


def linear_lateral_force(slip_rad: np.ndarray, cornering_stiffness_npr: np.ndarray) -> np.ndarray:
    """Lateral force ``C_alpha * alpha`` in N.

    Args:
        slip_rad: Slip angles, rad.
        cornering_stiffness_npr: Cornering stiffness per axle, N/rad.
    """
    return cornering_stiffness_npr * slip_rad


def pacejka_lateral_force(
    slip_rad: np.ndarray,
    b: np.ndarray,
    c: np.ndarray,
    d: np.ndarray,
    e: np.ndarray,
) -> np.ndarray:
    """Lateral force from the magic formula in N.

    Args:
        slip_rad: Slip angles, rad.
        b: Stiffness factor ``B``, 1/rad.
        c: Shape factor ``C``.
        d: Peak force ``D = mu * Fz``, N.
        e: Curvature factor ``E``.

    Returns:
        ``D sin(C atan(B alpha - E (B alpha - atan(B alpha))))``.
    """
    b_alpha = b * slip_rad
    return d * np.sin(c * np.arctan(b_alpha - e * (b_alpha - np.arctan(b_alpha))))
