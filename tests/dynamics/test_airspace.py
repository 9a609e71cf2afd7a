"""No-fly zones: signed distances by hand, GeoJSON, the velocity constraint."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gauntlet.dynamics.airspace import (
    EARTH_RADIUS_M,
    Airspace,
    CylinderZone,
    PrismZone,
    signed_distance,
    zones_from_geojson,
)

SQUARE = PrismZone(
    ((0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)), floor_m=0.0, ceiling_m=50.0
)


def test_prism_signed_distances():
    points = np.array([
        [5.0, 5.0, 20.0],    # inside: 5 m to the nearest wall
        [13.0, 5.0, 20.0],   # 3 m east of the east wall
        [13.0, 14.0, 20.0],  # 3 m east and 4 m north of the corner: 5 m
        [5.0, 5.0, 53.0],    # 3 m above the ceiling
        [13.0, 5.0, 54.0],   # 3 m out and 4 m up: 5 m
        [5.0, 5.0, 49.0],    # 1 m under the ceiling: -1
    ])  # fmt: skip
    assert signed_distance(SQUARE, points) == pytest.approx([-5.0, 3.0, 5.0, 3.0, 5.0, -1.0])


def test_concave_polygon_inside_test():
    l_shape = PrismZone(((0, 0), (10, 0), (10, 4), (4, 4), (4, 10), (0, 10)))
    d = signed_distance(l_shape, np.array([[7.0, 7.0, 100.0], [2.0, 2.0, 100.0]]))
    assert d == pytest.approx([3.0, -2.0])


def test_cylinder_signed_distances():
    zone = CylinderZone((100.0, 0.0), 20.0, floor_m=10.0, ceiling_m=120.0)
    d = signed_distance(zone, np.array([[100.0, 50.0, 50.0], [100.0, 0.0, 5.0], [110.0, 0, 50.0]]))
    assert d == pytest.approx([30.0, 5.0, -10.0])


def test_constraint_stops_at_the_boundary_and_slides_along_it():
    airspace = Airspace([SQUARE], margin_m=1.0)
    position = np.array([[-3.0, 5.0, 20.0], [-3.0, -15.0, 20.0]])
    velocity = np.array([[10.0, 2.0, 0.0], [10.0, 0.0, 0.0]])
    out = airspace.constrain(position, velocity, 1.0)
    # Towards the west wall: 2 m of room (3 m minus the margin) in 1 s; the 2 m/s north stays.
    assert out[0] == pytest.approx([2.0, 2.0, 0.0])
    assert out[1] == pytest.approx([10.0, 0.0, 0.0])  # passes south of the zone


def test_a_drone_that_follows_the_constraint_never_enters():
    airspace = Airspace([SQUARE, CylinderZone((30.0, 5.0), 5.0)], margin_m=0.5)
    position = np.array([[-20.0, 4.0, 20.0]])
    for _ in range(2000):
        command = np.array([[5.0, 0.3, 0.0]])
        position = position + airspace.constrain(position, command, 0.05) * 0.05
        assert airspace.distances(position).min() >= 0.5 - 1e-6
    assert position[0, 0] > 10.0  # it got round the square


def test_geojson_polygon_and_point_in_local_metres():
    lon0, lat0 = 11.0, 48.0
    metre_lat = 180.0 / (math.pi * EARTH_RADIUS_M)
    metre_lon = metre_lat / math.cos(math.radians(lat0))
    geojson = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature",
             "properties": {"name": "field", "floor_m": 0, "ceiling_m": 120},
             "geometry": {"type": "Polygon", "coordinates": [[
                 [lon0, lat0], [lon0 + 100 * metre_lon, lat0],
                 [lon0 + 100 * metre_lon, lat0 + 50 * metre_lat], [lon0, lat0]]]}},
            {"type": "Feature", "properties": {"radius_m": 30},
             "geometry": {"type": "Point", "coordinates": [lon0, lat0 + 200 * metre_lat]}},
        ],
    }  # fmt: skip
    prism, cylinder = zones_from_geojson(geojson, (lon0, lat0))
    assert np.array(prism.polygon_m) == pytest.approx(
        np.array([[0.0, 0.0], [100.0, 0.0], [100.0, 50.0]]), abs=1e-6
    )
    assert (prism.name, prism.ceiling_m) == ("field", 120.0)
    assert cylinder.center_m == pytest.approx((0.0, 200.0), abs=1e-6)
    with pytest.raises(ValueError, match="radius_m"):
        zones_from_geojson(
            {"features": [{"geometry": {"type": "Point", "coordinates": [0, 0]}}]}, (0.0, 0.0)
        )


def test_fleet_flies_round_a_zone_it_is_commanded_straight_through():
    from gauntlet.dynamics.drone_presets import drone_preset
    from gauntlet.dynamics.fleet import QuadrotorFleet

    # Drone 0 aims through the middle of a square zone, drone 1 through the
    # centre of a cylinder (no side is nearer: the detour sense is the default),
    # drone 2 has a clear way and must not be disturbed.
    square = PrismZone(((0.0, -10.0), (20.0, -10.0), (20.0, 10.0), (0.0, 10.0)), ceiling_m=60.0)
    cylinder = CylinderZone((10.0, 60.0), 8.0)
    airspace = Airspace([square, cylinder], margin_m=1.0)
    start = np.array([[-20.0, 0.0, 10.0], [-20.0, 60.0, 10.0], [-20.0, 120.0, 10.0]])
    goal = start + [60.0, 0.0, 0.0]
    fleet = QuadrotorFleet([drone_preset("crazyflie")] * 3, start, airspace=airspace)
    free = QuadrotorFleet([drone_preset("crazyflie")], start[2:])
    fleet.controller.command_waypoint(goal)
    free.controller.command_waypoint(goal[2:])
    closest = np.full(3, np.inf)
    widest = np.zeros(3)
    for _ in range(4000):  # 40 s
        fleet.step(0.01)
        free.step(0.01)
        closest = np.minimum(closest, airspace.distances(fleet.position).min(axis=1))
        widest = np.maximum(widest, np.abs(fleet.position[:, 1] - start[:, 1]))
    # Never inside a zone, nor (by more than 5 cm) inside the 1 m margin; but close round it.
    assert np.all(closest[:2] > 0.95) and np.all(closest[:2] < 1.5)
    assert widest[0] > 10.0 and widest[1] > 8.0  # round the side, not through
    assert np.linalg.norm(fleet.position - goal, axis=1).max() < 0.05
    # The drone with a clear way flies exactly as without an airspace.
    assert fleet.state[2].tobytes() == free.state[0].tobytes()
    assert np.all(fleet.detour == 0)
