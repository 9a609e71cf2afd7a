"""Values read from the Euro NCAP files: CCRs, a CCRm run, CPNA, and catalog entries."""

from __future__ import annotations

import pytest

from gauntlet.scenarios import schema as sc
from gauntlet.scenarios.openscenario import import_openscenario

# The VW Golf Sportsvan of Catalogs/Vehicles/Vehicles.xosc: box centre 1.349 m ahead of the
# rear axle; and the Global Vehicle Target: 1.328 m.
GOLF = {"length": 4.358, "width": 1.815, "height": 1.577, "center_x": 1.349}
GVT = {"length": 4.023, "width": 1.712, "height": 1.427, "center_x": 1.328}


@pytest.fixture
def ccrs(ncap):
    return import_openscenario(ncap / "CA-FC_2026" / "CCRs.xosc")


def test_ccrs_ego_speed_and_start(ccrs):
    ego = ccrs.scenario.entity("Ego")
    assert ccrs.scenario.ego.entity == "Ego"
    # Ego_speed_kph = 20 -> _Ego_speed = 20 / 3.6
    assert ego.initial.speed_mps == pytest.approx(20 / 3.6)
    # LanePosition road 0, lane -1, s = Ego_initS = 50 (rear axle) -> box centre 1.349 m ahead.
    assert ego.initial.position == sc.LanePosition(
        road="0", lane=-1, s_m=pytest.approx(50 + GOLF["center_x"]), offset_m=0.0, heading_rad=0.0
    )


def test_ccrs_target_position_and_speed(ccrs):
    target = ccrs.scenario.entity("Target")
    assert target.initial.speed_mps == 0.0
    # RelativeLanePosition ds = Ego_initTimeHeadway * _Ego_speed = 5 s * 20 km/h, from the
    # ego's rear axle; ImpactLocation 50 % gives offset 0.
    ds = 5 * 20 / 3.6
    position = target.initial.position
    assert isinstance(position, sc.LanePosition)
    assert (position.road, position.lane) == ("0", -1)
    assert position.s_m == pytest.approx(50 + ds + GVT["center_x"])
    assert position.offset_m == pytest.approx(0.0)
    # A scripted target keeps its lane and speed (OpenSCENARIO's default controller).
    assert target.behaviour == sc.CruiseBehaviour()


def test_ccrs_catalog_bounding_boxes(ccrs):
    ego, target = ccrs.scenario.entity("Ego"), ccrs.scenario.entity("Target")
    assert ego.dimensions == sc.Dimensions(GOLF["length"], GOLF["width"], GOLF["height"])
    assert target.dimensions == sc.Dimensions(GVT["length"], GVT["width"], GVT["height"])
    assert ego.type == target.type == "car"
    # Performance maxSpeed / maxAcceleration / maxDeceleration and FrontAxle maxSteering.
    assert ego.limits == sc.Limits(70.0, 5.0, 10.0, 0.5)


def test_ccrs_stop_trigger_distance(ccrs):
    """StopPastTarget: longitudinal freespace distance > Ego_initTimeHeadway * _Ego_speed."""
    (stop,) = ccrs.scenario.stop.when
    assert isinstance(stop, sc.AnyTrigger)
    distances = [c for c in stop.conditions if isinstance(c, sc.DistanceTrigger)]
    assert distances == [
        sc.DistanceTrigger("Ego", "Target", pytest.approx(5 * 20 / 3.6), ">", True)
    ]
    # The collision stop holds one second after the collision variable is set.
    assert sc.AfterEventTrigger("AtCollision", 1.0) in stop.conditions
    collision = next(e for e in ccrs.scenario.storyboard if e.name == "AtCollision")
    assert collision.trigger == sc.DistanceTrigger("Ego", "Target", 0.0, "<=", True)
    assert ccrs.scenario.stop.on_collision is False


def test_ccrs_notes_name_elements_and_lines(ccrs):
    by_element = {n.element: n for n in ccrs.notes}
    assert by_element["EnvironmentAction"].line == 105
    assert by_element["RelativeDistanceCondition"].line == 267
    assert "longitudinal distance" in by_element["RelativeDistanceCondition"].message


def test_ccrb_braking_act_only_when_the_parameter_says_so(ncap):
    base = ncap / "CA-FC_2026" / "CCRs.xosc"
    static = import_openscenario(base).scenario
    assert all(not e.actions for e in static.storyboard)
    braking = import_openscenario(
        base,
        {"isTargetbraking": "true", "Ego_speed_kph": 50, "Target_init_speed_kph": 50},
    ).scenario
    events = {e.name: e for e in braking.storyboard}
    (teleport,) = events["Target_TeleportEvent"].actions
    # LongitudinalDistanceAction freespace 1 s * 50 km/h ahead of the ego, bumper to bumper.
    assert teleport.position.ds_m == pytest.approx(50 / 3.6 + (GOLF["length"] + GVT["length"]) / 2)
    brake = events["Target_DelayedBrakingEvent"]
    assert brake.trigger == sc.AfterEventTrigger("Target_TeleportEvent", 3.0)
    assert brake.actions == (sc.SpeedAction("Target", 0.0, "linear", rate_mps2=4.0),)


def test_ccrm_run_parameters(ncap):
    scenario = import_openscenario(
        ncap / "CA-FC_2026" / "CCRs.xosc",
        {"Ego_speed_kph": 50, "Target_init_speed_kph": 20, "Target_final_speed_kph": 20},
    ).scenario
    assert scenario.entity("Ego").initial.speed_mps == pytest.approx(50 / 3.6)
    assert scenario.entity("Target").initial.speed_mps == pytest.approx(20 / 3.6)
    assert scenario.parameters["Ego_speed_kph"] == 50.0


def test_cpna_pedestrian_crosses_on_its_catalog_trajectory(ncap):
    scenario = import_openscenario(ncap / "CA-FC_2026" / "CPNA.xosc").scenario
    vru = scenario.entity("VRU")
    assert vru.type == "pedestrian"
    assert vru.dimensions == sc.Dimensions(0.6, 0.5, 1.8)
    # Trajectory VRU_CPx: lane -1 (centre t = -14 on the 28 m lane) at s = VRU_initS = 150,
    # offset -VRU_initLatDist = -4, facing across the road.
    assert vru.initial.position == sc.WorldPosition(150.0, -18.0, 0.0, pytest.approx(1.5707963))
    (path,) = [e for e in scenario.storyboard if e.name == "path:VRU"]
    (follow,) = path.actions
    assert follow.timing == "absolute"
    assert follow.points[-1].y_m == pytest.approx(-10.0)
    assert all(p.x_m == pytest.approx(150.0) for p in follow.points)
