"""Lateral tyre force laws."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gauntlet.dynamics import (
    PacejkaTyre,
    TyreModel,
    linear_lateral_force,
    pacejka_lateral_force,
)

B, C, D, E = 10.0, 1.3, 6000.0, -0.5


def magic(alpha):
    return pacejka_lateral_force(np.asarray(alpha, dtype=float), B, C, D, E)


def test_pacejka_saturates_at_d():
    alpha = np.linspace(0.0, 1.5, 150_001)
    force = magic(alpha)
    assert force.max() == pytest.approx(D, rel=1e-8)
    assert np.all(force <= D)
    # Beyond the peak it falls towards D sin(C pi / 2).
    assert magic(1.5) < D
    assert magic(20.0) == pytest.approx(D * math.sin(C * math.pi / 2), rel=1e-2)


def test_pacejka_small_slip_slope_is_b_c_d():
    eps = 1e-7
    slope = (magic(eps) - magic(-eps)) / (2 * eps)
    assert slope == pytest.approx(B * C * D, rel=1e-9)


def test_pacejka_is_odd():
    alpha = np.array([0.01, 0.1, 0.3])
    assert magic(-alpha) == pytest.approx(-magic(alpha))


def test_matching_coefficients_reproduce_the_cornering_stiffness():
    tyre = PacejkaTyre.matching(120_000.0, normal_load_n=8000.0, friction_coefficient=0.9)
    d = 0.9 * 8000.0
    b, c, e = tyre.stiffness_factor_b, tyre.shape_factor_c, tyre.curvature_factor_e
    assert b * c * d == pytest.approx(120_000.0)
    eps = 1e-7
    assert pacejka_lateral_force(np.array(eps), b, c, d, e) / eps == pytest.approx(
        120_000.0, rel=1e-9
    )


def test_linear_force_is_stiffness_times_slip():
    assert linear_lateral_force(np.array([0.02, -0.1]), 50_000.0) == pytest.approx(
        [1000.0, -5000.0]
    )


def test_tyre_model_names_and_error():
    assert TyreModel.parse("pacejka") is TyreModel.PACEJKA
    assert TyreModel.parse(TyreModel.LINEAR) is TyreModel.LINEAR
    with pytest.raises(ValueError, match="unknown tyre model 'brush'; known: 'linear', 'pacejka'"):
        TyreModel.parse("brush")


@pytest.mark.parametrize(
    "kwargs",
    [{"stiffness_factor_b": 0.0}, {"shape_factor_c": 2.5}, {"curvature_factor_e": 1.5}],
)
def test_invalid_pacejka_coefficients_are_rejected(kwargs):
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        PacejkaTyre(**kwargs)
