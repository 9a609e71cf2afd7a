"""Trajectory shapes: ``Polyline``, ``Clothoid``, ``ClothoidSpline`` and ``Nurbs`` as sampled paths.

Every shape becomes a :class:`Shape`: world points, the heading at each and,
where the file gives them, the time of each point. A polyline's headings are
its vertices' orientations when every vertex gives one (an ``Orientation``,
or ``h`` of a ``WorldPosition``), else the direction of travel along it. Clothoids are integrated
with a fine step (Fresnel integrals by Simpson's rule), NURBS curves are
evaluated by de Boor's algorithm at parameter steps fine enough for 0.5 m
spacing. Vertex positions are read by the caller's position reader, so any
position type the import supports may be a vertex.

A ``Clothoid`` without a ``Position``, or a ``ClothoidSpline`` whose first
segment has no ``PositionStart``, starts where the entity is when it starts
to follow it (OpenSCENARIO 1.2+): it is sampled from (0, 0, heading 0) and
marked ``relative``, its points in the entity's frame at that moment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from gauntlet.scenarios.openscenario.nodes import Node
from gauntlet.scenarios.openscenario.roadmap import Path, Pose

#: Arc-length step of sampled clothoids and NURBS curves, m.
SAMPLE_STEP_M = 0.5

ReadPose = Callable[[Node], Pose]

#: Start of a shape without a start position: the entity's own frame.
_ENTITY_FRAME = Pose(0.0, 0.0, 0.0)


@dataclass(frozen=True)
class Shape:
    """A sampled trajectory: positions, headings and (optionally) times.

    ``relative``: the points are in the frame of the entity's pose when it starts
    to follow the trajectory (x ahead, y to the left), not in the world.
    """

    x: np.ndarray
    y: np.ndarray
    h: np.ndarray
    t: np.ndarray | None = None
    relative: bool = False

    def placed(self, start: Pose) -> Shape:
        """The relative shape in the world, starting at ``start``."""
        c, s = np.cos(start.h), np.sin(start.h)
        x = start.x + c * self.x - s * self.y
        y = start.y + s * self.x + c * self.y
        return Shape(x, y, self.h + start.h, self.t)

    @property
    def path(self) -> Path:
        """The shape as a path with arc length."""
        return Path(self.x, self.y, self.h)


def read_shape(shape: Node, read_pose: ReadPose) -> Shape:
    """Sample the ``Shape`` element of a trajectory."""
    kind = shape.choice(("Polyline", "Clothoid", "ClothoidSpline", "Nurbs"))
    if kind.tag == "Polyline":
        return _polyline(kind, read_pose)
    if kind.tag == "Clothoid":
        return _clothoid(kind, read_pose)
    if kind.tag == "ClothoidSpline":
        return _clothoid_spline(kind, read_pose)
    return _nurbs(kind, read_pose)


def _polyline(node: Node, read_pose: ReadPose) -> Shape:
    poses: list[Pose] = []
    times: list[float | None] = []
    oriented = True
    for vertex in node.children("Vertex"):
        position = vertex.need("Position")
        poses.append(read_pose(position))
        times.append(vertex.opt_num("time"))
        kind = position.choice()
        oriented = oriented and (
            kind.find("Orientation") is not None or (kind.tag == "WorldPosition" and kind.has("h"))
        )
    if len(poses) < 2:
        raise node.error(f"a polyline needs at least two vertices, got {len(poses)}")
    return _shape(node, poses, times, oriented)


def _shape(node: Node, poses: list[Pose], times: list[float | None], oriented: bool) -> Shape:
    t = None
    if all(v is not None for v in times):
        t = np.array(times, dtype=float)
        if np.any(np.diff(t) <= 0):
            raise node.error("vertex times must increase")
    elif any(v is not None for v in times):
        raise node.error("either every vertex has a time or none has")
    x = np.array([p.x for p in poses])
    y = np.array([p.y for p in poses])
    if oriented:
        h = np.unwrap(np.array([p.h for p in poses]))
    else:
        # Without an orientation at every vertex, the entity faces along the polyline.
        travel = np.arctan2(np.diff(y), np.diff(x))
        h = np.unwrap(np.concatenate((travel, travel[-1:])))
    return Shape(x, y, h, t)


def _clothoid(node: Node, read_pose: ReadPose) -> Shape:
    position = node.find("Position")
    start = read_pose(position) if position is not None else _ENTITY_FRAME
    length = node.num("length")
    k0 = node.num("curvature")
    dk = node.num("curvatureDot", node.num("curvaturePrime", 0.0))
    x, y, h = _integrate(start, [(length, k0, k0 + dk * length)])
    t = None
    if node.has("startTime") and node.has("stopTime"):
        t = np.linspace(node.num("startTime"), node.num("stopTime"), len(x))
    return Shape(x, y, h, t, relative=position is None)


def _clothoid_spline(node: Node, read_pose: ReadPose) -> Shape:
    segments: list[tuple[float, float, float]] = []
    start: Pose | None = None
    for index, segment in enumerate(node.children("ClothoidSplineSegment")):
        begin = segment.find("PositionStart")
        if begin is not None:
            if index != 0:
                raise begin.unsupported("(only the first segment may give a start position)")
            start = read_pose(begin)
        if segment.has("hOffset") and segment.num("hOffset") != 0.0:
            raise segment.unsupported("with hOffset")
        segments.append(
            (segment.num("length"), segment.num("curvatureStart"), segment.num("curvatureEnd"))
        )
    if not segments:
        raise node.error("a clothoid spline needs at least one segment")
    x, y, h = _integrate(start or _ENTITY_FRAME, segments)
    if node.has("timeEnd"):
        raise node.unsupported("with timeEnd (timed clothoid splines)")
    return Shape(x, y, h, relative=start is None)


def _integrate(
    start: Pose, segments: list[tuple[float, float, float]]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Integrate curvature-linear segments from ``start``; heading and position by Simpson."""
    xs, ys, hs = [np.array([start.x])], [np.array([start.y])], [np.array([start.h])]
    for length, k0, k1 in segments:
        if length <= 0:
            continue
        n = max(2, int(np.ceil(length / SAMPLE_STEP_M)) + 1)
        s = np.linspace(0.0, length, 2 * n - 1)
        heading = hs[-1][-1] + k0 * s + 0.5 * (k1 - k0) / length * s * s
        dx, dy = np.cos(heading), np.sin(heading)
        step = s[1] - s[0]
        # Simpson over each pair of sub-steps, evaluated at the even nodes.
        inc_x = step / 3 * (dx[:-2:2] + 4 * dx[1:-1:2] + dx[2::2])
        inc_y = step / 3 * (dy[:-2:2] + 4 * dy[1:-1:2] + dy[2::2])
        xs.append(xs[-1][-1] + np.cumsum(inc_x))
        ys.append(ys[-1][-1] + np.cumsum(inc_y))
        hs.append(heading[2::2])
    return np.concatenate(xs), np.concatenate(ys), np.concatenate(hs)


def _nurbs(node: Node, read_pose: ReadPose) -> Shape:
    order = node.integer("order")
    points: list[Pose] = []
    weights: list[float] = []
    times: list[float | None] = []
    for point in node.children("ControlPoint"):
        points.append(read_pose(point.need("Position")))
        weights.append(point.num("weight", 1.0))
        times.append(point.opt_num("time"))
    knots = np.array([k.num("value") for k in node.children("Knot")])
    n = len(points)
    if order < 2 or n < order or len(knots) != n + order:
        raise node.error(
            f"a NURBS curve of order {order} with {n} control points needs {n + order} knots, "
            f"got {len(knots)}"
        )
    ctrl = np.array([[p.x, p.y] for p in points])
    w = np.array(weights)
    chord = float(np.sum(np.hypot(*np.diff(ctrl, axis=0).T)))
    count = max(2, int(np.ceil(chord / SAMPLE_STEP_M)) * 2 + 1)
    u = np.linspace(knots[order - 1], knots[n], count)
    u[-1] -= 1e-12 * max(1.0, abs(u[-1]))
    xy = np.array([_de_boor(order, knots, ctrl, w, value) for value in u])
    tangent = np.gradient(xy, axis=0)
    heading = np.unwrap(np.arctan2(tangent[:, 1], tangent[:, 0]))
    t = None
    if all(v is not None for v in times):
        ctrl_t = np.array([[v, 0.0] for v in times], dtype=float)
        t = np.array([_de_boor(order, knots, ctrl_t, w, value)[0] for value in u])
    return Shape(xy[:, 0], xy[:, 1], heading, t)


def _de_boor(
    order: int, knots: np.ndarray, ctrl: np.ndarray, w: np.ndarray, u: float
) -> np.ndarray:
    """Point of a rational B-spline at parameter ``u`` (homogeneous de Boor)."""
    degree = order - 1
    k = int(np.clip(np.searchsorted(knots, u, side="right") - 1, degree, len(ctrl) - 1))
    homogeneous = np.column_stack((ctrl * w[:, None], w))
    d = [homogeneous[j + k - degree].copy() for j in range(degree + 1)]
    for r in range(1, degree + 1):
        for j in range(degree, r - 1, -1):
            left = knots[j + k - degree]
            right = knots[j + 1 + k - r]
            alpha = 0.0 if right == left else (u - left) / (right - left)
            d[j] = (1.0 - alpha) * d[j - 1] + alpha * d[j]
    point = d[degree]
    return point[:2] / point[2]
