"""Writing the road model as OpenDRIVE 1.8.

Numbers are written with Python's shortest round-trip representation, so reading the
output back gives an equal model (the header becomes revision 1.8, speeds become m/s).
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path

from gauntlet.maps.geometry import Arc, Geometry, Line, ParamPoly3, Poly3, Spiral
from gauntlet.maps.model import Header, Junction, LaneDef, LaneSection, RoadLink, RoadMark, Signal
from gauntlet.maps.polynomial import CubicRecord
from gauntlet.maps.road import Road


def _num(value: float) -> str:
    return repr(float(value))


def _sub(parent: ET.Element, tag: str, **attrib: str | float | int | None) -> ET.Element:
    clean = {}
    for key, value in attrib.items():
        if value is None:
            continue
        if isinstance(value, float):
            clean[key] = _num(value)
        else:
            clean[key] = str(value)
    return ET.SubElement(parent, tag, clean)


def _cubic(parent: ET.Element, tag: str, record: CubicRecord, s_name: str) -> None:
    _sub(
        parent,
        tag,
        **{s_name: float(record.s)},
        a=float(record.a),
        b=float(record.b),
        c=float(record.c),
        d=float(record.d),
    )


def write_opendrive_string(
    roads: Iterable[Road], junctions: Iterable[Junction], header: Header | None = None
) -> str:
    """The roads and junctions as OpenDRIVE 1.8 XML text."""
    header = header or Header()
    root = ET.Element("OpenDRIVE")
    head = _sub(
        root,
        "header",
        revMajor=1,
        revMinor=8,
        name=header.name or None,
        date=header.date or None,
        vendor=header.vendor or None,
    )
    if header.geo_reference is not None:
        ET.SubElement(head, "geoReference").text = header.geo_reference
    for road in roads:
        _write_road(root, road)
    for junction in junctions:
        _write_junction(root, junction)
    ET.indent(root, space="  ")
    return "<?xml version='1.0' encoding='utf-8'?>\n" + ET.tostring(root, encoding="unicode") + "\n"


def write_opendrive(
    path: str | os.PathLike[str],
    roads: Iterable[Road],
    junctions: Iterable[Junction],
    header: Header | None = None,
) -> None:
    """Writes the roads and junctions to ``path`` as OpenDRIVE 1.8."""
    Path(path).write_text(write_opendrive_string(roads, junctions, header), encoding="utf-8")


def _write_link(parent: ET.Element, tag: str, link: RoadLink | None) -> None:
    if link is not None:
        _sub(
            parent,
            tag,
            elementType=link.element_type,
            elementId=link.element_id,
            contactPoint=link.contact_point,
        )


def _write_road(root: ET.Element, road: Road) -> None:
    node = _sub(
        root,
        "road",
        id=road.id,
        name=road.name,
        length=float(road.length),
        junction=road.junction if road.junction is not None else "-1",
        rule=road.rule,
    )
    if road.predecessor is not None or road.successor is not None:
        link = _sub(node, "link")
        _write_link(link, "predecessor", road.predecessor)
        _write_link(link, "successor", road.successor)
    for road_type in road.types:
        type_node = _sub(node, "type", s=float(road_type.s), type=road_type.type)
        if road_type.speed_mps is not None:
            _sub(type_node, "speed", max=float(road_type.speed_mps), unit="m/s")
    plan = _sub(node, "planView")
    for geometry in road.plan_view.geometries:
        _write_geometry(plan, geometry)
    elevation = _sub(node, "elevationProfile")
    for record in road.elevation:
        _cubic(elevation, "elevation", record, "s")
    lanes = _sub(node, "lanes")
    for record in road.lane_offsets:
        _cubic(lanes, "laneOffset", record, "s")
    for section in road.lane_sections:
        _write_section(lanes, section)
    if road.signals:
        signals = _sub(node, "signals")
        for signal in road.signals:
            _write_signal(signals, signal)


def _write_geometry(parent: ET.Element, g: Geometry) -> None:
    node = _sub(
        parent,
        "geometry",
        s=float(g.s),
        x=float(g.x),
        y=float(g.y),
        hdg=float(g.hdg),
        length=float(g.length),
    )
    if isinstance(g, Line):
        _sub(node, "line")
    elif isinstance(g, Arc):
        _sub(node, "arc", curvature=float(g.curvature))
    elif isinstance(g, Spiral):
        _sub(node, "spiral", curvStart=float(g.curv_start), curvEnd=float(g.curv_end))
    elif isinstance(g, Poly3):
        _sub(node, "poly3", a=float(g.a), b=float(g.b), c=float(g.c), d=float(g.d))
    elif isinstance(g, ParamPoly3):
        _sub(
            node,
            "paramPoly3",
            aU=float(g.au),
            bU=float(g.bu),
            cU=float(g.cu),
            dU=float(g.du),
            aV=float(g.av),
            bV=float(g.bv),
            cV=float(g.cv),
            dV=float(g.dv),
            pRange=g.p_range,
        )
    else:
        raise TypeError(f"cannot write geometry of type {type(g).__name__}")


def _write_section(parent: ET.Element, section: LaneSection) -> None:
    single = None if section.single_side is None else str(section.single_side).lower()
    node = _sub(parent, "laneSection", s=float(section.s), singleSide=single)
    if section.left:
        left = _sub(node, "left")
        for lane in reversed(section.left):
            _write_lane(left, lane)
    center = _sub(node, "center")
    _write_lane(center, section.center)
    if section.right:
        right = _sub(node, "right")
        for lane in section.right:
            _write_lane(right, lane)


def _write_lane(parent: ET.Element, lane: LaneDef) -> None:
    node = _sub(
        parent,
        "lane",
        id=lane.id,
        type=lane.type,
        level=str(lane.level).lower(),
        direction=lane.direction,
    )
    if lane.predecessors or lane.successors:
        link = _sub(node, "link")
        for lane_id in lane.predecessors:
            _sub(link, "predecessor", id=lane_id)
        for lane_id in lane.successors:
            _sub(link, "successor", id=lane_id)
    for record in lane.widths:
        _cubic(node, "width", record, "sOffset")
    for mark in lane.road_marks:
        _write_road_mark(node, mark)
    for speed in lane.speeds:
        limit = "no limit" if speed.max_mps is None else float(speed.max_mps)
        _sub(node, "speed", sOffset=float(speed.s_offset), max=limit, unit="m/s")


def _write_road_mark(parent: ET.Element, mark: RoadMark) -> None:
    _sub(
        parent,
        "roadMark",
        sOffset=float(mark.s_offset),
        type=mark.type,
        weight=mark.weight,
        color=mark.color,
        material=mark.material,
        width=None if mark.width is None else float(mark.width),
        laneChange=mark.lane_change,
        height=None if mark.height is None else float(mark.height),
    )


def _write_signal(parent: ET.Element, signal: Signal) -> None:
    node = _sub(
        parent,
        "signal",
        s=float(signal.s),
        t=float(signal.t),
        id=signal.id,
        name=signal.name,
        dynamic="yes" if signal.dynamic else "no",
        orientation=signal.orientation,
        zOffset=float(signal.z_offset),
        country=signal.country,
        type=signal.type,
        subtype=signal.subtype,
        value=None if signal.value is None else float(signal.value),
        unit=signal.unit,
        height=None if signal.height is None else float(signal.height),
        width=None if signal.width is None else float(signal.width),
    )
    for first, last in signal.validity:
        _sub(node, "validity", fromLane=first, toLane=last)


def _write_junction(root: ET.Element, junction: Junction) -> None:
    node = _sub(root, "junction", id=junction.id, name=junction.name, type=junction.type)
    road_attr = "linkedRoad" if junction.type == "direct" else "connectingRoad"
    for connection in junction.connections:
        c_node = _sub(
            node,
            "connection",
            id=connection.id,
            incomingRoad=connection.incoming_road,
            **{road_attr: connection.connecting_road},
            contactPoint=connection.contact_point,
        )
        for first, last in connection.lane_links:
            _sub(c_node, "laneLink", **{"from": first, "to": last})
