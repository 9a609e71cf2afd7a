"""Trajectory shapes sampled against hand calculations: clothoids, clothoid splines, NURBS."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gauntlet.scenarios.openscenario.document import OpenScenarioError, parse_bytes
from gauntlet.scenarios.openscenario.nodes import Node, Sources
from gauntlet.scenarios.openscenario.parameters import Scope
from gauntlet.scenarios.openscenario.roadmap import Pose
from gauntlet.scenarios.openscenario.trajectories import read_shape


def _shape(xml: str):
    sources = Sources()
    document = parse_bytes(f"<Shape>{xml}</Shape>".encode(), "shape.xosc")
    sources.add(document)

    def pose(position: Node) -> Pose:
        world = position.choice()
        return Pose(world.num("x"), world.num("y"), world.num("h", 0.0))

    return read_shape(Node(document.root, Scope(), sources), pose)


START = '<Position><WorldPosition x="10" y="5" h="0"/></Position>'


def test_circular_arc_clothoid():
    # Constant curvature 1/20 over a quarter circle: ends 20 m on and 20 m to the left.
    shape = _shape(
        f'<Clothoid curvature="0.05" curvatureDot="0" length="{10 * math.pi}">{START}</Clothoid>'
    )
    assert (shape.x[-1], shape.y[-1]) == (
        pytest.approx(30.0, abs=1e-6),
        pytest.approx(25.0, abs=1e-6),
    )
    assert shape.h[-1] == pytest.approx(math.pi / 2)
    assert np.all(np.hypot(shape.x - 10, shape.y - 25) == pytest.approx(20.0, abs=1e-6))


def test_clothoid_heading_grows_with_the_square_of_the_arc_length():
    shape = _shape(f'<Clothoid curvature="0" curvatureDot="0.01" length="20">{START}</Clothoid>')
    # heading(s) = curvatureDot * s^2 / 2 -> 2 rad at 20 m.
    assert shape.h[-1] == pytest.approx(2.0)
    assert np.all(np.diff(np.hypot(np.diff(shape.x), np.diff(shape.y))) < 1e-9 + 0.01)


def test_clothoid_spline_of_straight_and_turn():
    spline = (
        "<ClothoidSpline>"
        f'<ClothoidSplineSegment curvatureStart="0" curvatureEnd="0" length="50"><PositionStart>'
        f'<WorldPosition x="0" y="0" h="0"/></PositionStart></ClothoidSplineSegment>'
        f'<ClothoidSplineSegment curvatureStart="0.1" curvatureEnd="0.1" length="{10 * math.pi}"/>'
        "</ClothoidSpline>"
    )
    shape = _shape(spline)
    # 50 m straight on, then a half circle of radius 10: ends at (50, 20) facing back.
    assert (shape.x[-1], shape.y[-1]) == (
        pytest.approx(50.0, abs=1e-6),
        pytest.approx(20.0, abs=1e-6),
    )
    assert shape.h[-1] == pytest.approx(math.pi)
    assert shape.path.length == pytest.approx(50 + 10 * math.pi, abs=0.01)


def test_clothoid_spline_without_a_start_is_relative_to_the_entity():
    # Quarter circle of radius 10 from the entity's pose: 10 m ahead, 10 m to the left.
    spline = (
        "<ClothoidSpline>"
        f'<ClothoidSplineSegment curvatureStart="0.1" curvatureEnd="0.1" length="{5 * math.pi}"/>'
        "</ClothoidSpline>"
    )
    shape = _shape(spline)
    assert shape.relative
    assert (shape.x[0], shape.y[0], shape.h[0]) == (0.0, 0.0, 0.0)
    assert (shape.x[-1], shape.y[-1]) == pytest.approx((10.0, 10.0), abs=1e-6)
    # Placed at (100, 50) facing west: ahead is -x, left is -y.
    placed = shape.placed(Pose(100.0, 50.0, math.pi))
    assert not placed.relative
    assert (placed.x[-1], placed.y[-1]) == pytest.approx((90.0, 40.0), abs=1e-6)
    assert placed.h[-1] == pytest.approx(1.5 * math.pi)


def test_clothoid_without_a_position_is_relative_to_the_entity():
    shape = _shape(f'<Clothoid curvature="0.05" curvatureDot="0" length="{10 * math.pi}"/>')
    assert shape.relative
    assert (shape.x[-1], shape.y[-1]) == pytest.approx((20.0, 20.0), abs=1e-6)


def test_nurbs_quarter_circle():
    # A rational quadratic B-spline with weights 1, sqrt(2)/2, 1 is an exact quarter circle.
    w = math.sqrt(0.5)
    nurbs = (
        '<Nurbs order="3">'
        f'<ControlPoint weight="1"><Position><WorldPosition x="10" y="0"/></Position></ControlPoint>'
        f'<ControlPoint weight="{w}"><Position><WorldPosition x="10" y="10"/></Position></ControlPoint>'
        f'<ControlPoint weight="1"><Position><WorldPosition x="0" y="10"/></Position></ControlPoint>'
        + "".join(f'<Knot value="{k}"/>' for k in (0, 0, 0, 1, 1, 1))
        + "</Nurbs>"
    )
    shape = _shape(nurbs)
    assert np.hypot(shape.x, shape.y) == pytest.approx(np.full(len(shape.x), 10.0), abs=1e-6)
    assert (shape.x[0], shape.y[0]) == pytest.approx((10.0, 0.0))
    assert (shape.x[-1], shape.y[-1]) == pytest.approx((0.0, 10.0), abs=1e-6)
    assert shape.h[0] == pytest.approx(math.pi / 2, abs=0.02)


def test_nurbs_needs_consistent_knots():
    nurbs = (
        '<Nurbs order="3"><ControlPoint><Position><WorldPosition x="0" y="0"/></Position></ControlPoint>'
        '<Knot value="0"/></Nurbs>'
    )
    with pytest.raises(OpenScenarioError, match="needs 4 knots"):
        _shape(nurbs)


def test_polyline_faces_along_its_segments_unless_every_vertex_is_oriented():
    plain = _shape(
        "<Polyline>"
        '<Vertex><Position><WorldPosition x="0" y="0" h="3"/></Position></Vertex>'
        '<Vertex><Position><WorldPosition x="0" y="10" h="3"/></Position></Vertex>'
        "</Polyline>"
    )
    assert plain.h == pytest.approx([3.0, 3.0])  # h of a WorldPosition counts
    unoriented = _shape(
        "<Polyline>"
        '<Vertex><Position><WorldPosition x="0" y="0" h="3"/></Position></Vertex>'
        '<Vertex><Position><WorldPosition x="0" y="10"/></Position></Vertex>'
        "</Polyline>"
    )
    assert unoriented.h == pytest.approx([math.pi / 2, math.pi / 2])
