"""The road model's records: frozen dataclasses that mirror OpenDRIVE where sensible.

Road coordinates follow OpenDRIVE: ``s`` along the road reference line, ``t`` to its
left. Lane ids follow OpenDRIVE: positive ids lie left of the reference line, negative
ids right of it, the centre lane is 0. Speeds are in m/s whatever unit the file used.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gauntlet.maps.polynomial import CubicRecord

CONTACT_POINTS = ("start", "end")
RULES = ("RHT", "LHT")
ORIENTATIONS = ("+", "-", "none")
LANE_DIRECTIONS = ("standard", "reversed", "both")

#: Lane types that vehicles drive on: they are routable and count as drivable area.
DRIVABLE_LANE_TYPES = frozenset(
    {"driving", "entry", "exit", "onRamp", "offRamp", "connectingRamp", "bidirectional"}
)


@dataclass(frozen=True, order=True)
class LaneKey:
    """Identifies one lane of one lane section.

    Attributes:
        road: Road id.
        section: Index of the lane section within the road (0-based).
        lane: OpenDRIVE lane id (nonzero).
    """

    road: str
    section: int
    lane: int

    def __str__(self) -> str:
        return f"{self.road}/{self.section}/{self.lane}"


@dataclass(frozen=True)
class Header:
    """The OpenDRIVE ``<header>``: identification only, no geometry."""

    name: str = ""
    rev_major: int = 1
    rev_minor: int = 8
    date: str = ""
    vendor: str = ""
    geo_reference: str | None = None


@dataclass(frozen=True)
class RoadLink:
    """A road's predecessor or successor.

    Attributes:
        element_type: ``"road"`` or ``"junction"``.
        element_id: Id of the linked road or junction.
        contact_point: End of the linked road that touches this one (``"start"`` or
            ``"end"``); ``None`` for junctions or when the file leaves it out.
    """

    element_type: str
    element_id: str
    contact_point: str | None = None

    def __post_init__(self) -> None:
        if self.element_type not in ("road", "junction"):
            raise ValueError(
                f"element_type must be 'road' or 'junction', got {self.element_type!r}"
            )
        if self.contact_point is not None and self.contact_point not in CONTACT_POINTS:
            raise ValueError(f"contact_point must be 'start' or 'end', got {self.contact_point!r}")


@dataclass(frozen=True)
class RoadType:
    """A ``<type>`` record: road type from ``s`` on and its speed limit (m/s or ``None``)."""

    s: float
    type: str
    speed_mps: float | None = None


@dataclass(frozen=True)
class RoadMark:
    """A lane's ``<roadMark>``: the marking on its outer border from ``s_offset`` on."""

    s_offset: float
    type: str
    weight: str | None = None
    color: str | None = None
    width: float | None = None
    lane_change: str | None = None
    material: str | None = None
    height: float | None = None


@dataclass(frozen=True)
class LaneSpeed:
    """A lane ``<speed>`` record: the limit (m/s, ``None`` for no limit) from ``s_offset`` on."""

    s_offset: float
    max_mps: float | None


@dataclass(frozen=True)
class LaneDef:
    """One lane of a lane section as the file describes it.

    Attributes:
        id: OpenDRIVE lane id (0 for the centre lane).
        type: OpenDRIVE lane type (``"driving"``, ``"sidewalk"``, ...).
        widths: Width records; their ``s`` is the offset from the section start.
        road_marks: Markings on the lane's outer border (the centre line for lane 0).
        predecessors: Lane ids linked at the section start (in reference-line terms).
        successors: Lane ids linked at the section end.
        speeds: Lane speed records.
        level: OpenDRIVE ``level`` flag.
        direction: OpenDRIVE 1.7 ``direction`` (``"standard"``, ``"reversed"``,
            ``"both"``) or ``None`` when absent.
    """

    id: int
    type: str = "driving"
    widths: tuple[CubicRecord, ...] = ()
    road_marks: tuple[RoadMark, ...] = ()
    predecessors: tuple[int, ...] = ()
    successors: tuple[int, ...] = ()
    speeds: tuple[LaneSpeed, ...] = ()
    level: bool = False
    direction: str | None = None

    def __post_init__(self) -> None:
        if self.direction is not None and self.direction not in LANE_DIRECTIONS:
            raise ValueError(
                f"lane {self.id}: direction must be one of {LANE_DIRECTIONS}, got {self.direction!r}"
            )


@dataclass(frozen=True)
class LaneSection:
    """Lanes valid from road coordinate ``s`` to the next section's start.

    ``left`` is ordered 1, 2, ...; ``right`` is ordered -1, -2, ... (inside out).
    """

    s: float
    left: tuple[LaneDef, ...] = ()
    center: LaneDef = field(default_factory=lambda: LaneDef(0, "none"))
    right: tuple[LaneDef, ...] = ()
    single_side: bool | None = None

    def __post_init__(self) -> None:
        if any(lane.id <= 0 for lane in self.left):
            raise ValueError(f"section at s={self.s}: left lanes need positive ids")
        if any(lane.id >= 0 for lane in self.right):
            raise ValueError(f"section at s={self.s}: right lanes need negative ids")
        if self.center.id != 0:
            raise ValueError(f"section at s={self.s}: the centre lane needs id 0")
        object.__setattr__(self, "left", tuple(sorted(self.left, key=lambda lane: lane.id)))
        object.__setattr__(self, "right", tuple(sorted(self.right, key=lambda lane: -lane.id)))
        ids = [lane.id for lane in self.lanes]
        if len(set(ids)) != len(ids):
            raise ValueError(f"section at s={self.s}: duplicate lane ids {sorted(ids)}")

    @property
    def lanes(self) -> tuple[LaneDef, ...]:
        """All side lanes (left then right; the centre lane excluded)."""
        return self.left + self.right

    def lane(self, lane_id: int) -> LaneDef:
        """The lane with id ``lane_id``; raises ``KeyError`` if there is none."""
        for lane in self.left if lane_id > 0 else self.right:
            if lane.id == lane_id:
                return lane
        if lane_id == 0:
            return self.center
        raise KeyError(f"no lane {lane_id} in the section at s={self.s}")

    def has_lane(self, lane_id: int) -> bool:
        """Whether a side lane with this id exists."""
        return any(lane.id == lane_id for lane in self.lanes)


@dataclass(frozen=True)
class Signal:
    """A traffic signal on a road.

    Attributes:
        id: Signal id (unique in the network).
        road: Id of the road that carries the signal.
        s: Road coordinate of the signal and of its stop line, m.
        t: Lateral position, m (left of the reference line is positive).
        orientation: ``"+"`` (valid for traffic in +s), ``"-"`` or ``"none"`` (both).
        dynamic: Whether the signal changes state (traffic light) or not (sign).
        type: OpenDRIVE signal type code.
        subtype: OpenDRIVE signal subtype code.
        name: Signal name.
        country: Country code of ``type``, if given.
        value: Value (e.g. the speed of a limit sign), if given.
        unit: Unit of ``value``, if given.
        z_offset: Height of the signal's base above the road, m.
        height: Height of the signal body, m.
        width: Width of the signal body, m.
        validity: ``(from_lane, to_lane)`` ranges of lane ids the signal controls;
            empty means all lanes of the orientation's direction.
        stop_positions: The controlled lanes and the lane-frame ``s`` of the stop line
            on each; filled in by :class:`~gauntlet.maps.network.RoadNetwork`.
    """

    id: str
    road: str
    s: float
    t: float
    orientation: str = "+"
    dynamic: bool = False
    type: str = "-1"
    subtype: str = "-1"
    name: str = ""
    country: str | None = None
    value: float | None = None
    unit: str | None = None
    z_offset: float = 0.0
    height: float | None = None
    width: float | None = None
    validity: tuple[tuple[int, int], ...] = ()
    stop_positions: tuple[tuple[LaneKey, float], ...] = ()

    def __post_init__(self) -> None:
        if self.orientation not in ORIENTATIONS:
            raise ValueError(
                f"signal {self.id!r}: orientation must be one of {ORIENTATIONS}, "
                f"got {self.orientation!r}"
            )


@dataclass(frozen=True)
class Connection:
    """A junction connection from an incoming road into a connecting road.

    Attributes:
        id: Connection id.
        incoming_road: Road that reaches the junction.
        connecting_road: Road inside the junction (the linked road of a direct junction).
        contact_point: End of the connecting road that touches the incoming road.
        lane_links: ``(incoming lane id, connecting lane id)`` pairs.
    """

    id: str
    incoming_road: str
    connecting_road: str
    contact_point: str
    lane_links: tuple[tuple[int, int], ...] = ()

    def __post_init__(self) -> None:
        if self.contact_point not in CONTACT_POINTS:
            raise ValueError(
                f"connection {self.id!r}: contact_point must be 'start' or 'end', "
                f"got {self.contact_point!r}"
            )


@dataclass(frozen=True)
class Junction:
    """A junction: the set of connections between its incoming and connecting roads."""

    id: str
    connections: tuple[Connection, ...] = ()
    name: str = ""
    type: str = "default"


__all__ = [
    "CONTACT_POINTS",
    "DRIVABLE_LANE_TYPES",
    "Connection",
    "CubicRecord",
    "Header",
    "Junction",
    "LaneDef",
    "LaneKey",
    "LaneSection",
    "LaneSpeed",
    "RoadLink",
    "RoadMark",
    "RoadType",
    "Signal",
]
