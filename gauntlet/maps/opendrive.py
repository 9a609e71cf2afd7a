"""Reading OpenDRIVE 1.4-1.8 (``.xodr``) into the road model.

Read: header, roads (links, types with speed limits, plan view with line, arc,
spiral, poly3 and paramPoly3, elevation profile, lane offsets, lane sections with lane
links, widths, road marks, speeds and 1.7 lane directions), signals with validity,
and junctions (default and direct) with connections and lane links. Everything else
(objects, lateral profile, lane heights, controllers, user data, ...) is skipped.
Every error names the file, the line, the element and attribute, and what was expected
(the typed attribute getters live in :mod:`gauntlet.maps.opendrive_attributes`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from gauntlet.maps._xml import XmlNode, XmlSyntaxError, parse_xml
from gauntlet.maps.geometry import Arc, Geometry, Line, ParamPoly3, PlanView, Poly3, Spiral
from gauntlet.maps.model import (
    CONTACT_POINTS,
    LANE_DIRECTIONS,
    ORIENTATIONS,
    Connection,
    Header,
    Junction,
    LaneDef,
    LaneSection,
    LaneSpeed,
    RoadLink,
    RoadMark,
    RoadType,
    Signal,
)
from gauntlet.maps.opendrive_attributes import REQUIRED, AttributeReader, OpenDriveError
from gauntlet.maps.road import Road

GEOMETRY_SHAPES = ("line", "arc", "spiral", "poly3", "paramPoly3")


@dataclass(frozen=True)
class OpenDriveDocument:
    """The parts of an OpenDRIVE file that the road model keeps."""

    header: Header
    roads: tuple[Road, ...]
    junctions: tuple[Junction, ...]


def read_opendrive(source: str | os.PathLike[str] | bytes) -> OpenDriveDocument:
    """Reads OpenDRIVE from a path, from XML text (a ``str`` starting with ``<``) or bytes.

    Raises:
        OpenDriveError: If the document is malformed or uses an unsupported feature.
        OSError: If the file cannot be read.
    """
    if isinstance(source, bytes):
        name, data = "<bytes>", source
    elif isinstance(source, str) and source.lstrip().startswith("<"):
        name, data = "<string>", source.encode("utf-8")
    else:
        name, data = str(source), Path(source).read_bytes()
    try:
        root = parse_xml(data)
    except XmlSyntaxError as error:
        raise OpenDriveError(f"{name}:{error.line}: malformed XML: {error}") from None
    return _Reader(name).document(root)


class _Reader(AttributeReader):
    # -- document ------------------------------------------------------------------------------

    def document(self, root: XmlNode) -> OpenDriveDocument:
        if root.tag != "OpenDRIVE":
            raise self.error(
                root, "is not an OpenDRIVE document: expected the root element <OpenDRIVE>"
            )
        header_node = root.find("header")
        header = self.header(header_node) if header_node is not None else Header()
        road_nodes = root.iter("road")
        roads = [self.road(node) for node in road_nodes]
        junction_nodes = root.iter("junction")
        junctions = [self.junction(node) for node in junction_nodes]
        self.check_ids(road_nodes, [road.id for road in roads], "road")
        self.check_ids(junction_nodes, [junction.id for junction in junctions], "junction")
        self.check_references(road_nodes, roads, junction_nodes, junctions)
        return OpenDriveDocument(header, tuple(roads), tuple(junctions))

    def header(self, node: XmlNode) -> Header:
        geo = node.find("geoReference")
        return Header(
            name=node.attrib.get("name", ""),
            rev_major=self.integer(node, "revMajor", 1),
            rev_minor=self.integer(node, "revMinor", 8),
            date=node.attrib.get("date", ""),
            vendor=node.attrib.get("vendor", ""),
            geo_reference=geo.text.strip() if geo is not None else None,
        )

    def check_ids(self, nodes: list[XmlNode], ids: Sequence[str], kind: str) -> None:
        seen: set[str] = set()
        for node, item_id in zip(nodes, ids, strict=True):
            if item_id in seen:
                raise self.error(node, f"attribute 'id': duplicate {kind} id {item_id!r}")
            seen.add(item_id)

    def check_references(
        self,
        road_nodes: list[XmlNode],
        roads: list[Road],
        junction_nodes: list[XmlNode],
        junctions: list[Junction],
    ) -> None:
        road_ids = {road.id for road in roads}
        junction_ids = {junction.id for junction in junctions}
        for node, road in zip(road_nodes, roads, strict=True):
            if road.junction is not None and road.junction not in junction_ids:
                raise self.error(
                    node, f"attribute 'junction': no junction with id {road.junction!r}"
                )
            for tag, link in (("predecessor", road.predecessor), ("successor", road.successor)):
                if link is None:
                    continue
                known = road_ids if link.element_type == "road" else junction_ids
                if link.element_id not in known:
                    link_node = self.require(self.require(node, "link"), tag)
                    raise self.error(
                        link_node,
                        f"attribute 'elementId': no {link.element_type} with id {link.element_id!r}",
                    )
        for node, junction in zip(junction_nodes, junctions, strict=True):
            for c_node, connection in zip(
                node.iter("connection"), junction.connections, strict=True
            ):
                for attr, road_id in (
                    ("incomingRoad", connection.incoming_road),
                    ("connectingRoad", connection.connecting_road),
                ):
                    if road_id not in road_ids:
                        if attr == "connectingRoad" and "linkedRoad" in c_node.attrib:
                            attr = "linkedRoad"
                        raise self.error(c_node, f"attribute {attr!r}: no road with id {road_id!r}")

    # -- roads ---------------------------------------------------------------------------------

    def road(self, node: XmlNode) -> Road:
        road_id = self.string(node, "id")
        junction = node.attrib.get("junction", "-1").strip()
        link = node.find("link")
        predecessor = successor = None
        if link is not None:
            p_node, s_node = link.find("predecessor"), link.find("successor")
            predecessor = self.road_link(p_node) if p_node is not None else None
            successor = self.road_link(s_node) if s_node is not None else None
        lanes = self.require(node, "lanes")
        section_nodes = lanes.iter("laneSection")
        if not section_nodes:
            raise self.error(lanes, "needs at least one <laneSection>")
        sections = [self.lane_section(n) for n in section_nodes]
        self.ordered(section_nodes, sections, lambda sec: sec.s, "lane sections")
        elevation_node = node.find("elevationProfile")
        elevation = (
            [self.cubic(n, "s") for n in elevation_node.iter("elevation")]
            if elevation_node is not None
            else []
        )
        signals_node = node.find("signals")
        signal_nodes = signals_node.iter("signal") if signals_node is not None else []
        return Road(
            id=road_id,
            length=self.number(node, "length", minimum=0.0),
            plan_view=self.plan_view(self.require(node, "planView")),
            lane_sections=tuple(sections),
            name=node.attrib.get("name", ""),
            junction=None if junction in ("-1", "") else junction,
            rule=self.choice(node, "rule", ("RHT", "LHT"), "RHT"),
            elevation=tuple(elevation),
            lane_offsets=tuple(self.cubic(n, "s") for n in lanes.iter("laneOffset")),
            predecessor=predecessor,
            successor=successor,
            types=tuple(self.road_type(n) for n in node.iter("type")),
            signals=tuple(self.signal(n, road_id) for n in signal_nodes),
        )

    def road_link(self, node: XmlNode) -> RoadLink:
        element_type = self.choice(node, "elementType", ("road", "junction"))
        contact = None
        if "contactPoint" in node.attrib:
            contact = self.choice(node, "contactPoint", CONTACT_POINTS)
        return RoadLink(element_type, self.string(node, "elementId"), contact)

    def road_type(self, node: XmlNode) -> RoadType:
        speed_node = node.find("speed")
        return RoadType(
            s=self.number(node, "s", minimum=0.0),
            type=self.string(node, "type"),
            speed_mps=self.speed(speed_node) if speed_node is not None else None,
        )

    def plan_view(self, node: XmlNode) -> PlanView:
        nodes = node.iter("geometry")
        if not nodes:
            raise self.error(node, "needs at least one <geometry>")
        geometries = [self.geometry(n) for n in nodes]
        self.ordered(nodes, geometries, lambda g: g.s, "geometries")
        return PlanView(tuple(geometries))

    def geometry(self, node: XmlNode) -> Geometry:
        common = {
            "s": self.number(node, "s", minimum=0.0),
            "x": self.number(node, "x"),
            "y": self.number(node, "y"),
            "hdg": self.number(node, "hdg"),
            "length": self.number(node, "length", minimum=0.0),
        }
        shapes = [child for child in node.children if child.tag in GEOMETRY_SHAPES]
        if len(shapes) != 1:
            found = ", ".join(f"<{child.tag}>" for child in node.children) or "nothing"
            expected = ", ".join(f"<{tag}>" for tag in GEOMETRY_SHAPES)
            raise self.error(node, f"needs exactly one shape element ({expected}), found {found}")
        shape = shapes[0]
        if shape.tag == "line":
            return Line(**common)
        if shape.tag == "arc":
            return Arc(**common, curvature=self.number(shape, "curvature"))
        if shape.tag == "spiral":
            return Spiral(
                **common,
                curv_start=self.number(shape, "curvStart"),
                curv_end=self.number(shape, "curvEnd"),
            )
        if shape.tag == "poly3":
            return Poly3(**common, **{k: self.number(shape, k) for k in "abcd"})
        names = ("aU", "bU", "cU", "dU", "aV", "bV", "cV", "dV")
        coefficients = {name.lower(): self.number(shape, name) for name in names}
        p_range = self.choice(shape, "pRange", ("arcLength", "normalized"), "normalized")
        return ParamPoly3(**common, **coefficients, p_range=p_range)

    # -- lanes ---------------------------------------------------------------------------------

    def lane_section(self, node: XmlNode) -> LaneSection:
        sides: dict[str, list[LaneDef]] = {}
        for side in ("left", "center", "right"):
            side_node = node.find(side)
            sides[side] = (
                [self.lane(n, side) for n in side_node.iter("lane")]
                if side_node is not None
                else []
            )
        center = sides["center"][0] if sides["center"] else LaneDef(0, "none")
        single_side = (
            self.boolean(node, "singleSide", False) if "singleSide" in node.attrib else None
        )
        try:
            return LaneSection(
                s=self.number(node, "s", minimum=0.0),
                left=tuple(sides["left"]),
                center=center,
                right=tuple(sides["right"]),
                single_side=single_side,
            )
        except ValueError as error:
            raise self.error(node, str(error)) from None

    def lane(self, node: XmlNode, side: str) -> LaneDef:
        lane_id = self.integer(node, "id")
        valid = {"left": lane_id > 0, "right": lane_id < 0, "center": lane_id == 0}[side]
        if not valid:
            wanted = {"left": "a positive", "right": "a negative", "center": "the"}[side]
            raise self.error(
                node, f"attribute 'id': expected {wanted} lane id in <{side}>, got {lane_id}"
            )
        widths = [self.cubic(n, "sOffset") for n in node.iter("width")]
        if not widths and node.find("border") is not None and side != "center":
            raise self.error(
                self.require(node, "border"),
                "lane borders are not supported: describe the lane with <width>",
            )
        link = node.find("link")
        predecessors: list[int] = []
        successors: list[int] = []
        if link is not None:
            predecessors = [self.integer(n, "id") for n in link.iter("predecessor")]
            successors = [self.integer(n, "id") for n in link.iter("successor")]
        direction = (
            self.choice(node, "direction", LANE_DIRECTIONS) if "direction" in node.attrib else None
        )
        return LaneDef(
            id=lane_id,
            type=node.attrib.get("type", "none"),
            widths=tuple(widths),
            road_marks=tuple(self.road_mark(n) for n in node.iter("roadMark")),
            predecessors=tuple(predecessors),
            successors=tuple(successors),
            speeds=tuple(
                LaneSpeed(self.number(n, "sOffset", minimum=0.0), self.speed(n))
                for n in node.iter("speed")
            ),
            level=self.boolean(node, "level", False),
            direction=direction,
        )

    def road_mark(self, node: XmlNode) -> RoadMark:
        return RoadMark(
            s_offset=self.number(node, "sOffset", minimum=0.0),
            type=node.attrib.get("type", "none"),
            weight=node.attrib.get("weight"),
            color=node.attrib.get("color"),
            width=self.optional_number(node, "width"),
            lane_change=node.attrib.get("laneChange"),
            material=node.attrib.get("material"),
            height=self.optional_number(node, "height"),
        )

    # -- signals and junctions -------------------------------------------------------------------

    def signal(self, node: XmlNode, road_id: str) -> Signal:
        validity = tuple(
            (self.integer(n, "fromLane"), self.integer(n, "toLane")) for n in node.iter("validity")
        )
        return Signal(
            id=self.string(node, "id"),
            road=road_id,
            s=self.number(node, "s", minimum=0.0),
            t=self.number(node, "t"),
            orientation=self.choice(node, "orientation", ORIENTATIONS, "none"),
            dynamic=self.boolean(node, "dynamic", False),
            type=node.attrib.get("type", "-1"),
            subtype=node.attrib.get("subtype", "-1"),
            name=node.attrib.get("name", ""),
            country=node.attrib.get("country"),
            value=self.optional_number(node, "value"),
            unit=node.attrib.get("unit"),
            z_offset=self.number(node, "zOffset", 0.0),
            height=self.optional_number(node, "height"),
            width=self.optional_number(node, "width"),
            validity=validity,
        )

    def junction(self, node: XmlNode) -> Junction:
        kind = node.attrib.get("type", "default")
        connections = []
        for c_node in node.iter("connection"):
            road_attr = (
                "linkedRoad"
                if kind == "direct" and "linkedRoad" in c_node.attrib
                else "connectingRoad"
            )
            connections.append(
                Connection(
                    id=self.string(c_node, "id"),
                    incoming_road=self.string(c_node, "incomingRoad"),
                    connecting_road=self.string(c_node, road_attr),
                    contact_point=self.choice(
                        c_node,
                        "contactPoint",
                        CONTACT_POINTS,
                        "start" if kind == "direct" else REQUIRED,
                    ),
                    lane_links=tuple(
                        (self.integer(n, "from"), self.integer(n, "to"))
                        for n in c_node.iter("laneLink")
                    ),
                )
            )
        return Junction(
            id=self.string(node, "id"),
            connections=tuple(connections),
            name=node.attrib.get("name", ""),
            type=kind,
        )
