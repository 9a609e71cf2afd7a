"""Lanes in their own frame: the interface the simulator core drives on.

A lane's ``s`` runs along its centre line in its driving direction, from 0 at the lane
start to :attr:`Lane.length`; ``t`` is measured to the driver's left of the centre
line. Every query is vectorised over numpy arrays. Coordinates are OpenDRIVE's world
frame: x east, y north, headings counter-clockwise from +x.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gauntlet.maps._numeric import wrap_angle
from gauntlet.maps.lane_frame import LaneFrame
from gauntlet.maps.model import DRIVABLE_LANE_TYPES, LaneKey

ArrayLike = np.ndarray | float

#: Largest spacing of centre-line samples, m.
CENTERLINE_STEP_M = 0.5


@dataclass(frozen=True)
class LanePosition:
    """A point in a lane's frame.

    Attributes:
        key: The lane.
        s: Distance along the lane from its start in the driving direction, m.
        t: Lateral offset to the driver's left of the lane centre, m.
    """

    key: LaneKey
    s: float
    t: float


@dataclass(frozen=True, eq=False)
class Polyline:
    """A sampled lane centre line; every attribute is an array of the same shape.

    Attributes:
        s: Lane coordinate of each sample, m (increasing).
        x: World x, m.
        y: World y, m.
        heading: Driving-direction heading, rad in [-pi, pi).
        width: Lane width, m.
        z: Elevation, m.
        curvature: Signed curvature in the driving direction (positive turns left), 1/m.
    """

    s: np.ndarray
    x: np.ndarray
    y: np.ndarray
    heading: np.ndarray
    width: np.ndarray
    z: np.ndarray
    curvature: np.ndarray

    @property
    def points(self) -> np.ndarray:
        """Positions, shape ``(..., 2)``."""
        return np.stack((self.x, self.y), axis=-1)

    def interpolate(self, s: ArrayLike) -> Polyline:
        """The polyline linearly interpolated at lane coordinates ``s`` (any shape).

        Values outside the sampled range are clamped to the ends; headings are
        interpolated along the shorter way round.
        """
        s = np.asarray(s, dtype=float)
        index = np.searchsorted(self.s[1:-1], s, side="right")
        s0 = self.s[index]
        span = self.s[index + 1] - s0
        frac = np.clip(np.divide(s - s0, span, out=np.zeros(s.shape), where=span > 0), 0.0, 1.0)

        def lerp(values: np.ndarray) -> np.ndarray:
            return values[index] + frac * (values[index + 1] - values[index])

        h0 = self.heading[index]
        heading = wrap_angle(h0 + frac * wrap_angle(self.heading[index + 1] - h0))
        return Polyline(
            s=s,
            x=lerp(self.x),
            y=lerp(self.y),
            heading=heading,
            width=lerp(self.width),
            z=lerp(self.z),
            curvature=lerp(self.curvature),
        )


@dataclass(frozen=True, eq=False)
class Lane:
    """One lane of one lane section, in its driving direction.

    Attributes:
        key: Road id, section index and OpenDRIVE lane id.
        type: OpenDRIVE lane type (``"driving"``, ``"sidewalk"``, ``"shoulder"``, ...).
        length: Length of the centre line, m.
        direction: +1 if driving follows the road reference line, -1 otherwise.
        speed_limit_mps: Speed limit, or ``None`` if the map gives none.
        successors: Lanes that continue this one at its end (driving direction).
        predecessors: Lanes that lead into this one at its start.
        left: Adjacent lane to the driver's left with the same driving direction.
        right: Adjacent lane to the driver's right with the same driving direction.
        centerline: The centre line sampled every <= 0.5 m, exact at both ends.
        frame: The numeric frame that answers the queries.
    """

    key: LaneKey
    type: str
    length: float
    direction: int
    speed_limit_mps: float | None
    successors: tuple[LaneKey, ...]
    predecessors: tuple[LaneKey, ...]
    left: LaneKey | None
    right: LaneKey | None
    centerline: Polyline = field(repr=False)
    frame: LaneFrame = field(repr=False)

    @classmethod
    def build(
        cls,
        frame: LaneFrame,
        *,
        key: LaneKey,
        type: str,
        speed_limit_mps: float | None,
        successors: tuple[LaneKey, ...] = (),
        predecessors: tuple[LaneKey, ...] = (),
        left: LaneKey | None = None,
        right: LaneKey | None = None,
    ) -> Lane:
        """Builds a lane from its frame, sampling the centre line."""
        return cls(
            key=key,
            type=type,
            length=frame.length,
            direction=frame.direction,
            speed_limit_mps=speed_limit_mps,
            successors=successors,
            predecessors=predecessors,
            left=left,
            right=right,
            centerline=_sample_centerline(frame),
            frame=frame,
        )

    @property
    def is_drivable(self) -> bool:
        """Whether vehicles drive on this lane type."""
        return self.type in DRIVABLE_LANE_TYPES

    def position(self, s: ArrayLike, t: ArrayLike = 0.0) -> np.ndarray:
        """World ``(x, y)`` of lane coordinates, shape ``(..., 2)``.

        Args:
            s: Distance from the lane start in the driving direction, m. Values beyond
                the ends continue straight along the end heading.
            t: Offset to the driver's left of the lane centre, m.
        """
        return self.frame.position(s, t)

    def local_coordinates(self, x: ArrayLike, y: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """Lane coordinates ``(s, t)`` of world points: the inverse of :meth:`position`.

        ``s`` locates the centre-line point whose road normal passes through the point
        (the nearest centre-line point wherever the lane's width is constant); points
        beyond the lane ends get ``s < 0`` or ``s > length``.
        """
        return self.frame.local_coordinates(x, y)

    def heading_at(self, s: ArrayLike) -> np.ndarray:
        """Driving-direction heading of the centre line, rad in [-pi, pi)."""
        return self.frame.heading_at(s)

    def width_at(self, s: ArrayLike) -> np.ndarray:
        """Lane width, m."""
        return self.frame.width_at(s)

    def elevation_at(self, s: ArrayLike) -> np.ndarray:
        """Elevation of the road reference line beside the lane, m."""
        return self.frame.elevation_at(s)

    def road_s(self, s: ArrayLike) -> np.ndarray:
        """Road coordinate of lane coordinate ``s``."""
        return self.frame.road_s(s)

    def s_at_road_s(self, road_s: ArrayLike) -> np.ndarray:
        """Lane coordinate of road coordinate ``road_s``."""
        return self.frame.lane_s(road_s)


def _sample_centerline(frame: LaneFrame) -> Polyline:
    count = max(2, int(np.ceil(frame.length / CENTERLINE_STEP_M - 1e-9)) + 1)
    s = np.linspace(0.0, frame.length, count)
    points = frame.position(s)
    heading = frame.heading_at(s)
    if frame.length > 0.0:
        curvature = np.gradient(np.unwrap(heading), s, edge_order=2 if count > 2 else 1)
    else:
        curvature = np.zeros(count)
    return Polyline(
        s=s,
        x=points[:, 0],
        y=points[:, 1],
        heading=heading,
        width=frame.width_at(s),
        z=frame.elevation_at(s),
        curvature=curvature,
    )
