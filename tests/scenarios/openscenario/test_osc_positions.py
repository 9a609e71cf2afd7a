"""Position types at the start: world, road, lane, relative, trajectory and route positions.

The road of ``osc_samples.ROAD`` runs along +x; lane -1 is centred at y = -1.75,
lane -2 at y = -5.25, the sidewalk (lane -3) at y = -8.5. The test car's box
centre lies 1.4 m ahead of its reference point.
"""

from __future__ import annotations

import math

import pytest
from osc_samples import CAR, line_of

from gauntlet.scenarios import schema as sc
from gauntlet.scenarios.errors import ScenarioErrors
from gauntlet.scenarios.openscenario import import_openscenario

PEDESTRIAN = """<Pedestrian name="walker" pedestrianCategory="pedestrian" mass="80" model="adult">
  <BoundingBox><Center x="0" y="0" z="0.9"/><Dimensions width="0.5" length="0.6" height="1.8"/></BoundingBox>
</Pedestrian>"""


def _place(name: str, position: str) -> str:
    return (
        f'<Private entityRef="{name}"><PrivateAction><TeleportAction><Position>{position}'
        "</Position></TeleportAction></PrivateAction></Private>"
    )


PLACEMENTS = {
    "Ego": '<WorldPosition x="100" y="-1.75" h="0"/>',
    "World": '<RelativeWorldPosition entityRef="Ego" dx="20" dy="0"/>',
    "Object": '<RelativeObjectPosition entityRef="Ego" dx="30" dy="-3.5"/>',
    "Road": '<RoadPosition roadId="0" s="200" t="-5.25"/>',
    "RelRoad": '<RelativeRoadPosition entityRef="Ego" ds="10" dt="-3.5"/>',
    "Lane": '<LanePosition roadId="0" laneId="-1" s="300" offset="0.5"/>',
    "RelLane": '<RelativeLanePosition entityRef="Ego" dLane="-1" dsLane="40" offset="-0.25"/>',
    "WrongWay": '<LanePosition roadId="0" laneId="-1" s="400"><Orientation type="relative" h="3.14159265"/></LanePosition>',
    "Absolute": '<LanePosition roadId="0" laneId="-2" s="250"><Orientation type="absolute" h="0.1"/></LanePosition>',
    "Trajectory": (
        '<TrajectoryPosition s="5" t="1"><TrajectoryRef><Trajectory name="t" closed="false">'
        "<Shape><Polyline>"
        '<Vertex><Position><WorldPosition x="0" y="-20"/></Position></Vertex>'
        '<Vertex><Position><WorldPosition x="0" y="-10"/></Position></Vertex>'
        "</Polyline></Shape></Trajectory></TrajectoryRef></TrajectoryPosition>"
    ),
}


@pytest.fixture
def placed(write_xosc):
    entities = "".join(f'<ScenarioObject name="{n}">{CAR}</ScenarioObject>' for n in PLACEMENTS)
    entities += f'<ScenarioObject name="Walker">{PEDESTRIAN}</ScenarioObject>'
    init = "".join(_place(n, p) for n, p in PLACEMENTS.items())
    init += _place("Walker", '<LanePosition roadId="0" laneId="-3" s="120"/>')
    path = write_xosc(entities=entities, init=init)
    return import_openscenario(path).scenario


def _lane(road_s, lane, offset=0.0, heading=0.0):
    return sc.LanePosition(
        "0",
        lane,
        pytest.approx(road_s),
        pytest.approx(offset, abs=1e-9),
        pytest.approx(heading, abs=1e-9),
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Ego", _lane(101.4, -1)),
        ("World", _lane(121.4, -1)),
        ("Object", _lane(131.4, -2)),
        ("Road", _lane(201.4, -2)),
        ("RelRoad", _lane(111.4, -2)),
        ("Lane", _lane(301.4, -1, 0.5)),
        ("RelLane", _lane(141.4, -2, -0.25)),
    ],
)
def test_positions_on_lanes(placed, name, expected):
    assert placed.entity(name).initial.position == expected
    assert placed.entity(name).behaviour == (None if name == "Ego" else sc.CruiseBehaviour())


def test_absolute_orientation_keeps_the_world_heading(placed):
    position = placed.entity("Absolute").initial.position
    assert isinstance(position, sc.LanePosition)
    assert position.heading_rad == pytest.approx(0.1)
    # The box centre is 1.4 m along the heading from the reference point.
    assert position.s_m == pytest.approx(250 + 1.4 * math.cos(0.1))
    assert position.offset_m == pytest.approx(1.4 * math.sin(0.1))


def test_against_the_lane_is_a_world_position(placed):
    wrong_way = placed.entity("WrongWay")
    assert wrong_way.initial.position == sc.WorldPosition(
        pytest.approx(400 - 1.4), pytest.approx(-1.75), 0.0, pytest.approx(math.pi)
    )
    assert wrong_way.behaviour == sc.IdleBehaviour()  # a path mover, replayed if it moves


def test_trajectory_position(placed):
    # 5 m along a path heading +y from (0, -20), 1 m to its left (-x); box centre 1.4 m on.
    assert placed.entity("Trajectory").initial.position == sc.WorldPosition(
        pytest.approx(-1.0), pytest.approx(-15 + 1.4), 0.0, pytest.approx(math.pi / 2)
    )


def test_pedestrian_on_the_sidewalk(placed):
    walker = placed.entity("Walker")
    assert walker.type == "pedestrian"
    assert walker.initial.position == sc.WorldPosition(120.0, pytest.approx(-8.5), 0.0, 0.0)
    assert walker.behaviour == sc.IdleBehaviour()


def test_route_position_on_a_catalog_route(write_xosc, tmp_path):
    (tmp_path / "routes").mkdir()
    (tmp_path / "routes" / "routes.xosc").write_text(
        """<?xml version="1.0"?><OpenSCENARIO>
<FileHeader revMajor="1" revMinor="2" date="2024-01-01T00:00:00" description="" author=""/>
<Catalog name="RouteCatalog"><Route name="straight" closed="false">
  <Waypoint routeStrategy="shortest"><Position><LanePosition roadId="0" laneId="-2" s="10"/></Position></Waypoint>
  <Waypoint routeStrategy="shortest"><Position><LanePosition roadId="0" laneId="-2" s="400"/></Position></Waypoint>
</Route></Catalog></OpenSCENARIO>""",
        encoding="utf-8",
    )
    position = (
        "<RoutePosition><RouteRef>"
        '<CatalogReference catalogName="RouteCatalog" entryName="straight"/></RouteRef>'
        '<InRoutePosition><FromLaneCoordinates pathS="90" laneId="-1" laneOffset="0.3"/>'
        "</InRoutePosition></RoutePosition>"
    )
    path = write_xosc(
        catalogs='<RouteCatalog><Directory path="routes"/></RouteCatalog>',
        init=_place("Ego", position)
        + _place("Target", '<LanePosition roadId="0" laneId="-1" s="300"/>'),
    )
    scenario = import_openscenario(path).scenario
    assert scenario.entity("Ego").initial.position == _lane(101.4, -1, 0.3)


def test_unsupported_position_names_element_and_line(write_xosc):
    init = _place("Ego", '<GeoPosition latitude="48.1" longitude="11.5"/>')
    path = write_xosc(init=init)
    with pytest.raises(ScenarioErrors) as caught:
        import_openscenario(path)
    (error,) = caught.value.errors
    assert error.path == ("GeoPosition",)
    assert error.line == line_of(path.read_text(), "<GeoPosition")
    assert "not supported by the Gauntlet import" in error.message
    assert "RelativeLanePosition" in error.message  # the supported alternatives are listed


def test_circular_relative_start_positions(write_xosc):
    init = _place("Ego", '<RelativeObjectPosition entityRef="Target" dx="5" dy="0"/>')
    init += _place("Target", '<RelativeObjectPosition entityRef="Ego" dx="5" dy="0"/>')
    with pytest.raises(ScenarioErrors, match="refer to each other in a circle"):
        import_openscenario(write_xosc(init=init))


def test_misc_object_is_an_obstacle(write_xosc):
    cone = (
        '<MiscObject name="cone" miscObjectCategory="obstacle" mass="5"><BoundingBox>'
        '<Center x="0" y="0" z="0.4"/><Dimensions width="0.4" length="0.4" height="0.8"/>'
        "</BoundingBox></MiscObject>"
    )
    entities = f'<ScenarioObject name="Ego">{CAR}</ScenarioObject><ScenarioObject name="Cone">{cone}</ScenarioObject>'
    init = _place("Ego", PLACEMENTS["Ego"]) + _place("Cone", '<WorldPosition x="130" y="-1.75"/>')
    cone_entity = import_openscenario(write_xosc(entities=entities, init=init)).scenario.entity(
        "Cone"
    )
    assert cone_entity.type == "obstacle"
    assert cone_entity.dimensions == sc.Dimensions(0.4, 0.4, 0.8)
    assert cone_entity.initial.position == sc.WorldPosition(130.0, -1.75, 0.0, 0.0)
    assert cone_entity.behaviour == sc.IdleBehaviour()
