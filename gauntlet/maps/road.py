"""The road: reference line, profiles, lane sections and links, with road-frame queries."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from gauntlet.maps.geometry import PlanView
from gauntlet.maps.model import RULES, LaneDef, LaneSection, RoadLink, RoadType, Signal
from gauntlet.maps.polynomial import CubicRecord, PiecewiseCubic

ArrayLike = np.ndarray | float


@dataclass(frozen=True)
class Road:
    """An OpenDRIVE road.

    Attributes:
        id: Road id.
        length: Length of the reference line, m.
        plan_view: The reference line.
        lane_sections: Lane sections ordered by ``s``; the first starts at 0.
        name: Road name.
        junction: Id of the junction this road belongs to (a connecting road), or ``None``.
        rule: ``"RHT"`` (right-hand traffic) or ``"LHT"``.
        elevation: Elevation records (``s`` is a road coordinate), m.
        lane_offsets: Lane offset records: lateral shift of the centre lane, m.
        predecessor: Link at ``s = 0``.
        successor: Link at ``s = length``.
        types: Road type records, with speed limits.
        signals: Signals on this road, as read (stop positions unresolved).
    """

    id: str
    length: float
    plan_view: PlanView
    lane_sections: tuple[LaneSection, ...]
    name: str = ""
    junction: str | None = None
    rule: str = "RHT"
    elevation: tuple[CubicRecord, ...] = ()
    lane_offsets: tuple[CubicRecord, ...] = ()
    predecessor: RoadLink | None = None
    successor: RoadLink | None = None
    types: tuple[RoadType, ...] = ()
    signals: tuple[Signal, ...] = ()

    def __post_init__(self) -> None:
        if not self.length >= 0.0:
            raise ValueError(f"road {self.id!r}: length must be >= 0, got {self.length}")
        if self.rule not in RULES:
            raise ValueError(f"road {self.id!r}: rule must be 'RHT' or 'LHT', got {self.rule!r}")
        if not self.lane_sections:
            raise ValueError(f"road {self.id!r}: needs at least one lane section")
        starts = [section.s for section in self.lane_sections]
        if any(b < a for a, b in zip(starts, starts[1:], strict=False)):
            raise ValueError(f"road {self.id!r}: lane sections must be ordered by s, got {starts}")

    # -- profiles -----------------------------------------------------------------------

    @cached_property
    def _elevation_profile(self) -> PiecewiseCubic:
        return PiecewiseCubic(self.elevation)

    @cached_property
    def _offset_profile(self) -> PiecewiseCubic:
        return PiecewiseCubic(self.lane_offsets)

    @cached_property
    def _width_profiles(self) -> dict[tuple[int, int], PiecewiseCubic]:
        return {
            (index, lane.id): PiecewiseCubic(lane.widths, origin=section.s)
            for index, section in enumerate(self.lane_sections)
            for lane in section.lanes
        }

    @cached_property
    def _section_starts(self) -> np.ndarray:
        return np.array([section.s for section in self.lane_sections])

    # -- sections and lanes ---------------------------------------------------------------

    def section_range(self, index: int) -> tuple[float, float]:
        """Road coordinates ``(start, end)`` of lane section ``index``."""
        start = self.lane_sections[index].s
        if index + 1 < len(self.lane_sections):
            return start, self.lane_sections[index + 1].s
        return start, self.length

    def section_index_at(self, s: float) -> int:
        """Index of the lane section that contains road coordinate ``s``."""
        index = int(np.searchsorted(self._section_starts, s, side="right")) - 1
        return min(max(index, 0), len(self.lane_sections) - 1)

    def lane_def(self, section: int, lane_id: int) -> LaneDef:
        """The :class:`LaneDef` of ``lane_id`` in section ``section``."""
        return self.lane_sections[section].lane(lane_id)

    def lane_direction(self, lane: LaneDef) -> int:
        """+1 if traffic on ``lane`` follows the reference line, -1 otherwise.

        Right lanes follow it in right-hand traffic, left lanes in left-hand traffic;
        an OpenDRIVE ``direction="reversed"`` flips that.
        """
        follows = (lane.id < 0) == (self.rule == "RHT")
        if lane.direction == "reversed":
            follows = not follows
        return 1 if follows else -1

    def speed_limit_at(self, s: float) -> float | None:
        """Speed limit (m/s) of the road type record in force at ``s``, or ``None``."""
        limit = None
        for record in sorted(self.types, key=lambda r: r.s):
            if record.s <= s + 1e-9:
                limit = record.speed_mps
        return limit

    # -- reference-line frame -------------------------------------------------------------

    def reference_pose(self, s: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """World ``(x, y, heading)`` of the reference line at ``s``."""
        return self.plan_view.evaluate(s)

    def position(self, s: ArrayLike, t: ArrayLike = 0.0) -> np.ndarray:
        """World position of road coordinates ``(s, t)``, shape ``(..., 2)``.

        ``t`` is measured from the reference line to its left (OpenDRIVE's s/t frame); the
        lane offset moves lanes, not this frame. Use :meth:`lane_position` for a point
        relative to a lane.
        """
        s, t = np.broadcast_arrays(np.asarray(s, dtype=float), np.asarray(t, dtype=float))
        x, y, h = self.plan_view.evaluate(s)
        return np.stack((x - t * np.sin(h), y + t * np.cos(h)), axis=-1)

    def heading(self, s: ArrayLike) -> np.ndarray:
        """Heading of the reference line, rad."""
        return self.plan_view.heading(s)

    def elevation_at(self, s: ArrayLike) -> np.ndarray:
        """Elevation of the reference line, m."""
        return self._elevation_profile(s)

    def lane_offset_at(self, s: ArrayLike) -> np.ndarray:
        """Lateral position of the centre lane, m."""
        return self._offset_profile(s)

    def lane_borders(
        self, section: int, lane_id: int, s: ArrayLike
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Lateral positions of a lane's borders and their derivatives along ``s``.

        Args:
            section: Lane section index.
            lane_id: Nonzero lane id.
            s: Road coordinates (any shape) inside the section.

        Returns:
            ``(t_inner, t_outer, dt_inner/ds, dt_outer/ds)``; the inner border is the one
            nearer the centre lane.
        """
        if lane_id == 0:
            raise ValueError("the centre lane has no width; use lane_offset_at")
        inner, d_inner = self._offset_profile.evaluate(s)
        sign = 1 if lane_id > 0 else -1
        outer, d_outer = inner, d_inner
        for k in range(1, abs(lane_id) + 1):
            profile = self._width_profiles.get((section, sign * k))
            inner, d_inner = outer, d_outer
            if profile is not None:
                width, d_width = profile.evaluate(s)
                outer, d_outer = inner + sign * width, d_inner + sign * d_width
        return inner, outer, d_inner, d_outer

    def lane_width_profile(self, section: int, lane_id: int) -> PiecewiseCubic:
        """A lane's width as a function of road ``s`` (zero where it has no records)."""
        return self._width_profiles.get((section, lane_id)) or PiecewiseCubic([])

    def lane_center_profile(self, section: int, lane_id: int) -> PiecewiseCubic:
        """A lane's centre-line ``t`` (lane offset included) as one piecewise cubic of ``s``."""
        if lane_id == 0:
            raise ValueError("the centre lane has no centre line of its own; use lane_offset_at")
        sign = 1.0 if lane_id > 0 else -1.0
        terms = [(1.0, self._offset_profile)]
        for k in range(1, abs(lane_id)):
            terms.append((sign, self.lane_width_profile(section, int(sign) * k)))
        terms.append((0.5 * sign, self.lane_width_profile(section, lane_id)))
        return PiecewiseCubic.combine(terms)

    def lane_center_t(self, section: int, lane_id: int, s: ArrayLike) -> np.ndarray:
        """Lateral position of a lane's centre line (lane offset included), m."""
        inner, outer, _, _ = self.lane_borders(section, lane_id, s)
        return 0.5 * (inner + outer)

    def lane_position(self, lane_id: int, s: float, offset: float = 0.0) -> np.ndarray:
        """World position ``offset`` metres left (in +t) of a lane's centre at road ``s``.

        This is OpenSCENARIO's ``LanePosition(road, lane, s, offset)``.

        Raises:
            KeyError: If the section at ``s`` has no lane ``lane_id``.
        """
        section = self.section_index_at(s)
        if not self.lane_sections[section].has_lane(lane_id):
            raise KeyError(f"road {self.id!r} has no lane {lane_id} at s={s}")
        t = self.lane_center_t(section, lane_id, np.asarray(s, dtype=float)) + offset
        return self.position(s, t)
