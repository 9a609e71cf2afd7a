"""Plan-view primitives against hand calculations and numerical integration."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.special import fresnel

from gauntlet.maps import Arc, Line, ParamPoly3, PlanView, Poly3, Spiral


def numeric_end(x0, y0, heading, length):
    """End point of a curve with the given heading(u), by adaptive quadrature."""
    opts = {"epsabs": 1e-13, "epsrel": 1e-13, "limit": 500}
    x = quad(lambda u: math.cos(heading(u)), 0.0, length, **opts)[0]
    y = quad(lambda u: math.sin(heading(u)), 0.0, length, **opts)[0]
    return x0 + x, y0 + y


def test_line_heading_north_ends_100_m_up():
    line = Line(s=0.0, x=0.0, y=0.0, hdg=math.pi / 2, length=100.0)
    x, y, h = line.evaluate(np.array([0.0, 50.0, 100.0]))
    np.testing.assert_allclose(x, [0.0, 0.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(y, [0.0, 50.0, 100.0])
    np.testing.assert_allclose(h, math.pi / 2)
    assert line.curvature_at(30.0) == 0.0


def test_arc_quarter_circle_ends_at_hand_computed_point():
    # Start (10, 5) heading north, turning left on radius 50: the centre is (-40, 5),
    # so a quarter circle ends at (-40, 55) heading west.
    arc = Arc(s=0.0, x=10.0, y=5.0, hdg=math.pi / 2, length=50.0 * math.pi / 2, curvature=1 / 50)
    x, y, h = arc.end_pose()
    assert (x, y) == pytest.approx((-40.0, 55.0), abs=1e-9)
    assert h == pytest.approx(math.pi)
    # halfway: 45 degrees round the centre
    hx, hy, hh = arc.evaluate(arc.length / 2)
    assert (hx, hy) == pytest.approx(
        (-40 + 50 * math.cos(math.pi / 4), 5 + 50 * math.sin(math.pi / 4))
    )
    assert hh == pytest.approx(3 * math.pi / 4)


def test_right_turning_arc_and_tiny_curvature_stay_exact():
    arc = Arc(s=0.0, x=0.0, y=0.0, hdg=0.0, length=50.0 * math.pi / 2, curvature=-1 / 50)
    assert arc.end_pose() == pytest.approx((50.0, -50.0, -math.pi / 2))
    almost_line = Arc(s=0.0, x=0.0, y=0.0, hdg=0.0, length=100.0, curvature=1e-12)
    x, y, _ = almost_line.end_pose()
    assert x == pytest.approx(100.0, abs=1e-9)
    assert y == pytest.approx(0.5e-12 * 100.0**2, abs=1e-12)


@pytest.mark.parametrize(
    ("k0", "k1"),
    [(0.0, 0.02), (0.01, 0.05), (-0.03, 0.02), (0.05, -0.01), (0.02, 0.0200001), (0.04, 0.04)],
)
def test_spiral_matches_numeric_integration(k0, k1):
    length, h0 = 40.0, 0.3
    spiral = Spiral(s=5.0, x=1.0, y=2.0, hdg=h0, length=length, curv_start=k0, curv_end=k1)
    x, y, h = spiral.end_pose()
    assert h == pytest.approx(h0 + k0 * length + (k1 - k0) * length / 2, abs=1e-12)

    def heading(u):
        return h0 + k0 * u + (k1 - k0) / length * u * u / 2

    assert (x, y) == pytest.approx(numeric_end(1.0, 2.0, heading, length), abs=1e-9)
    # intermediate points too, and the curvature is linear in s
    for ds in (7.5, 22.0):
        px, py, _ = spiral.evaluate(ds)
        assert (px, py) == pytest.approx(numeric_end(1.0, 2.0, heading, ds), abs=1e-9)
        assert spiral.curvature_at(ds) == pytest.approx(k0 + (k1 - k0) * ds / length)


def test_spiral_from_zero_curvature_is_the_standard_fresnel_form():
    length, k1 = 30.0, 1 / 50
    rate = k1 / length
    spiral = Spiral(s=0.0, x=0.0, y=0.0, hdg=0.0, length=length, curv_start=0.0, curv_end=k1)
    scale = math.sqrt(math.pi / rate)
    s_val, c_val = fresnel(length / scale)
    x, y, h = spiral.end_pose()
    assert (x, y) == pytest.approx((scale * c_val, scale * s_val), abs=1e-12)
    assert h == pytest.approx(k1 * length / 2)


def test_poly3_parabola_ends_at_hand_value():
    # v = 0.01 u^2 from u = 0 to 10: arc length has a closed form.
    k, u_end = 0.01, 10.0
    q = 2 * k * u_end
    length = u_end * math.sqrt(1 + q * q) / 2 + math.asinh(q) / (4 * k)
    poly = Poly3(s=0.0, x=3.0, y=4.0, hdg=0.0, length=length, a=0.0, b=0.0, c=k, d=0.0)
    x, y, h = poly.end_pose()
    assert (x, y) == pytest.approx((13.0, 5.0), abs=1e-10)
    assert h == pytest.approx(math.atan(q))
    assert poly.curvature_at(0.0) == pytest.approx(2 * k)


def test_poly3_rotated_cubic():
    poly = Poly3(s=0.0, x=0.0, y=0.0, hdg=math.pi / 2, length=20.0, a=0.0, b=0.1, c=0.01, d=-0.001)
    u = poly.u_at(np.array([0.0, 20.0]))
    assert u[0] == 0.0
    v_end = 0.1 * u[1] + 0.01 * u[1] ** 2 - 0.001 * u[1] ** 3
    x, y, _ = poly.end_pose()
    # local u points north, local v west
    assert (x, y) == pytest.approx((-v_end, u[1]), abs=1e-12)
    arc, _ = quad(lambda t: math.sqrt(1 + (0.1 + 0.02 * t - 0.003 * t * t) ** 2), 0, u[1])
    assert arc == pytest.approx(20.0, abs=1e-9)


def test_param_poly3_arc_length_range():
    curve = ParamPoly3(
        s=0.0, x=0.0, y=0.0, hdg=0.0, length=10.0, bu=1.0, cv=0.1, p_range="arcLength"
    )
    x, y, h = curve.evaluate(5.0)
    assert (x, y, h) == pytest.approx((5.0, 2.5, math.pi / 4))
    assert curve.curvature_at(0.0) == pytest.approx(0.2)
    assert curve.curvature_at(5.0) == pytest.approx(0.2 / 2**1.5)


def test_param_poly3_normalized_range_and_offset_start():
    curve = ParamPoly3(
        s=0.0,
        x=1.0,
        y=1.0,
        hdg=math.pi / 2,
        length=10.0,
        au=0.0,
        bu=10.0,
        cu=0.0,
        du=0.0,
        av=0.0,
        bv=0.0,
        cv=10.0,
        dv=0.0,
        p_range="normalized",
    )
    x, y, h = curve.evaluate(5.0)  # p = 0.5: local (5, 2.5), rotated a quarter turn
    assert (x, y, h) == pytest.approx((-1.5, 6.0, 3 * math.pi / 4))
    speed, _ = curve.rates(0.0)
    assert speed == pytest.approx(1.0)


def test_plan_view_dispatches_to_the_right_primitive():
    line = Line(s=0.0, x=0.0, y=0.0, hdg=0.0, length=10.0)
    arc = Arc(s=10.0, x=10.0, y=0.0, hdg=0.0, length=10.0 * math.pi, curvature=0.1)
    plan = PlanView((line, arc))
    points = plan.position(np.array([[5.0, 10.0], [10.0 + 5.0 * math.pi, 10.0 + 10.0 * math.pi]]))
    assert points.shape == (2, 2, 2)
    np.testing.assert_allclose(points[0], [[5.0, 0.0], [10.0, 0.0]], atol=1e-12)
    np.testing.assert_allclose(points[1], [[20.0, 10.0], [10.0, 20.0]], atol=1e-12)
    assert plan.curvature(np.array([5.0, 15.0])) == pytest.approx([0.0, 0.1])
    assert plan.length == pytest.approx(10.0 + 10.0 * math.pi)


def test_plan_view_rejects_unordered_geometries():
    a = Line(s=5.0, x=0.0, y=0.0, hdg=0.0, length=5.0)
    b = Line(s=0.0, x=0.0, y=0.0, hdg=0.0, length=5.0)
    with pytest.raises(ValueError, match="ordered by s"):
        PlanView((a, b))
