"""The road surface as a triangle mesh, with lane markings as a per-triangle material.

Every lane is meshed as a triangle strip along its centre line, split across
into up to three bands: half of the marking on its inner border, the lane
interior, and half of the marking on its outer border (each OpenDRIVE
``<roadMark>`` is centred on the border it belongs to, so the two lanes on
either side each carry half of it). The marking bands have the marking's
width everywhere; their triangles are :data:`MARKING` where paint is present
(solid marks throughout, broken marks in dashes of :data:`DASH_M` every
:data:`DASH_PERIOD_M`) and :data:`ASPHALT` elsewhere.

Samples along a lane are spaced so that the chord of a curve departs from the
arc by at most ``tolerance_m`` (at most ``max_step_m`` apart on straights),
with extra samples at dash ends and where markings change. Heights are the
road reference line's elevation (superelevation is not modelled, as in
:mod:`gauntlet.maps.lanes`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gauntlet.maps.lanes import Lane
from gauntlet.maps.model import LaneKey, RoadMark
from gauntlet.maps.network import RoadNetwork

#: Per-triangle materials.
ASPHALT, SIDEWALK, MARKING = 0, 1, 2
#: Painted length and period of broken marks, m (OpenDRIVE leaves them to the country).
DASH_M, DASH_PERIOD_M = 3.0, 12.0
#: Paint width where a mark gives none, m ("standard" weight; "bold" is twice this).
DEFAULT_MARK_WIDTH_M = 0.12


@dataclass(frozen=True, eq=False)
class RoadSurface:
    """A triangle mesh of all lanes.

    Attributes:
        vertices: ``(n, 3)`` world points, m.
        triangles: ``(m, 3)`` vertex indices.
        material: ``(m,)`` :data:`ASPHALT`, :data:`SIDEWALK` or :data:`MARKING`.
        lane: ``(m,)`` index into ``keys`` of the lane each triangle belongs to.
        keys: The lanes, in the order ``lane`` counts them.
    """

    vertices: np.ndarray
    triangles: np.ndarray
    material: np.ndarray
    lane: np.ndarray
    keys: tuple[LaneKey, ...]


def road_surface(
    network: RoadNetwork, *, tolerance_m: float = 0.01, max_step_m: float = 5.0
) -> RoadSurface:
    """Meshes every lane of ``network`` (lanes of type ``none`` are left out)."""
    vertices: list[np.ndarray] = []
    triangles: list[np.ndarray] = []
    materials: list[np.ndarray] = []
    lanes: list[np.ndarray] = []
    keys: list[LaneKey] = []
    offset = 0
    for key, lane in network.lanes.items():
        if lane.type == "none" or lane.length <= 0.0:
            continue
        v, t, m = _mesh_lane(network, lane, tolerance_m, max_step_m)
        vertices.append(v)
        triangles.append(t + offset)
        materials.append(m)
        lanes.append(np.full(len(t), len(keys), dtype=np.int32))
        keys.append(key)
        offset += len(v)
    if not vertices:
        empty = np.zeros((0, 3))
        return RoadSurface(
            empty, empty.astype(np.int64), np.zeros(0, np.uint8), np.zeros(0, np.int32), ()
        )
    return RoadSurface(
        np.concatenate(vertices),
        np.concatenate(triangles),
        np.concatenate(materials),
        np.concatenate(lanes),
        tuple(keys),
    )


def _marks(
    network: RoadNetwork, key: LaneKey
) -> tuple[tuple[RoadMark, ...], tuple[RoadMark, ...], float]:
    """Marks on the lane's inner and outer borders, and the section start (road s)."""
    road = network.roads[key.road]
    section = road.lane_sections[key.section]
    outer = road.lane_def(key.section, key.lane).road_marks
    inner_id = key.lane - 1 if key.lane > 0 else key.lane + 1
    inner = section.lane(inner_id).road_marks if inner_id == 0 or section.has_lane(inner_id) else ()
    return inner, outer, section.s


def _painted(mark_type: str) -> str:
    """``"solid"``, ``"broken"`` or ``"none"`` for an OpenDRIVE mark type."""
    kind = mark_type.lower()
    if kind in ("none", ""):
        return "none"
    if "broken" in kind and "solid" not in kind:
        return "broken"
    if "botts" in kind:
        return "broken"
    return "solid"


def _half_width(marks: tuple[RoadMark, ...]) -> float:
    widths = [
        (m.width if m.width else DEFAULT_MARK_WIDTH_M * (2.0 if m.weight == "bold" else 1.0))
        for m in marks
        if _painted(m.type) != "none"
    ]
    return 0.5 * max(widths, default=0.0)


def _paint(marks: tuple[RoadMark, ...], section_s: float, road_s: np.ndarray) -> np.ndarray:
    """Whether the marking covers each road coordinate."""
    out = np.zeros(road_s.shape, dtype=bool)
    if not marks:
        return out
    starts = np.array([section_s + m.s_offset for m in marks])
    index = np.clip(np.searchsorted(starts, road_s, side="right") - 1, 0, len(marks) - 1)
    for k, mark in enumerate(marks):
        sel = index == k
        kind = _painted(mark.type)
        if kind == "solid":
            out[sel] = True
        elif kind == "broken":
            phase = np.mod(road_s[sel] - starts[k], DASH_PERIOD_M)
            out[sel] = phase < DASH_M
    return out


def _dash_edges(marks: tuple[RoadMark, ...], section_s: float, lo: float, hi: float) -> np.ndarray:
    """Road coordinates in ``[lo, hi]`` where paint starts or stops."""
    edges = [section_s + m.s_offset for m in marks]
    for k, mark in enumerate(marks):
        if _painted(mark.type) != "broken":
            continue
        start = section_s + mark.s_offset
        end = section_s + marks[k + 1].s_offset if k + 1 < len(marks) else hi
        first = start + DASH_PERIOD_M * np.floor((max(lo, start) - start) / DASH_PERIOD_M)
        base = np.arange(first, min(end, hi) + DASH_PERIOD_M, DASH_PERIOD_M)
        edges.extend(base)
        edges.extend(base + DASH_M)
    e = np.array(edges, dtype=float)
    return e[(e > lo) & (e < hi)]


def _samples(
    lane: Lane, extra_road_s: np.ndarray, tolerance_m: float, max_step_m: float
) -> np.ndarray:
    """Lane ``s`` of the strip's cross-sections."""
    line = lane.centerline
    kappa = np.abs(line.curvature)
    step = np.clip(np.sqrt(8.0 * tolerance_m / np.maximum(kappa, 1e-12)), 0.25, max_step_m)
    budget = np.concatenate(([0.0], np.cumsum(np.diff(line.s) / step[:-1])))
    count = max(1, int(np.ceil(budget[-1])))
    s = np.interp(np.linspace(0.0, budget[-1], count + 1), budget, line.s)
    if len(extra_road_s):
        s = np.concatenate((s, lane.s_at_road_s(extra_road_s)))
    s = np.unique(np.clip(s, 0.0, lane.length))
    keep = np.concatenate((np.diff(s) > 1e-3, [True]))
    keep[0] = True
    return s[keep]


def _mesh_lane(
    network: RoadNetwork, lane: Lane, tolerance_m: float, max_step_m: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    key = lane.key
    inner, outer, section_s = _marks(network, key)
    rs_ends = lane.road_s(np.array([0.0, lane.length]))
    lo, hi = float(rs_ends.min()), float(rs_ends.max())
    extra = np.concatenate(
        (_dash_edges(inner, section_s, lo, hi), _dash_edges(outer, section_s, lo, hi))
    )
    s = _samples(lane, extra, tolerance_m, max_step_m)
    # Lane t grows to the driver's left; the outer border lies on the side away from
    # the centre lane: +t road side for left lanes, flipped when driving against s.
    out = float(np.sign(key.lane) * lane.direction)
    half = 0.5 * lane.width_at(s)
    a_in, a_out = _half_width(inner), _half_width(outer)
    a_in_s = np.minimum(a_in, half)
    a_out_s = np.minimum(a_out, half)
    t = np.stack((-out * half, -out * (half - a_in_s), out * (half - a_out_s), out * half), axis=1)
    xy = lane.position(np.repeat(s, 4), t.ravel()).reshape(len(s), 4, 2)
    z = np.repeat(lane.elevation_at(s)[:, None], 4, axis=1)
    vertices = np.concatenate((xy, z[..., None]), axis=-1).reshape(-1, 3)

    n = len(s) - 1
    mid_rs = lane.road_s(0.5 * (s[:-1] + s[1:]))
    base_material = SIDEWALK if lane.type == "sidewalk" else ASPHALT
    bands = [
        (0, a_in > 0.0, _paint(inner, section_s, mid_rs)),
        (1, True, np.zeros(n, dtype=bool)),
        (2, a_out > 0.0, _paint(outer, section_s, mid_rs)),
    ]
    row = np.arange(n) * 4
    tris, mats = [], []
    for band, present, paint in bands:
        if not present:
            continue
        a, b = row + band, row + band + 1
        c, d = a + 4, b + 4
        tris.append(np.stack((a, b, d), axis=1))
        tris.append(np.stack((a, d, c), axis=1))
        m = np.where(paint, MARKING, base_material).astype(np.uint8)
        mats.extend((m, m))
    return vertices, np.concatenate(tris).astype(np.int64), np.concatenate(mats)
