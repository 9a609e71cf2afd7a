"""Actions: speed, lane change, lane offset, teleport, routing, trajectories, synchronisation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from osc_samples import act, at_time, event, line_of

from gauntlet.runner.single import RunOptions, simulate
from gauntlet.scenarios import schema as sc
from gauntlet.scenarios.errors import ScenarioErrors
from gauntlet.scenarios.openscenario import import_openscenario


def _private(body: str) -> str:
    return f"<PrivateAction>{body}</PrivateAction>"


def _speed(shape: str, dimension: str, value: float, target: str) -> str:
    return _private(
        "<LongitudinalAction><SpeedAction>"
        f'<SpeedActionDynamics dynamicsShape="{shape}" dynamicsDimension="{dimension}" value="{value}"/>'
        f"<SpeedActionTarget>{target}</SpeedActionTarget></SpeedAction></LongitudinalAction>"
    )


def _convert(write_xosc, action: str, actors: str = "Target", start: str | None = None):
    story = act(event("go", action, at_time(2) if start is None else start), actors=actors)
    imported = import_openscenario(write_xosc(story=story))
    events = {e.name: e for e in imported.scenario.storyboard}
    return events, imported


@pytest.mark.parametrize(
    ("shape", "dimension", "expected"),
    [
        ("linear", "time", sc.SpeedAction("Target", 8.0, "linear", duration_s=3.0)),
        ("cubic", "rate", sc.SpeedAction("Target", 8.0, "cubic", rate_mps2=3.0)),
        ("sinusoidal", "distance", sc.SpeedAction("Target", 8.0, "sinusoidal", distance_m=3.0)),
        ("step", "time", sc.SpeedAction("Target", 8.0, "step")),
    ],
)
def test_speed_action_shapes_and_dimensions(write_xosc, shape, dimension, expected):
    events, _ = _convert(
        write_xosc, _speed(shape, dimension, 3, '<AbsoluteTargetSpeed value="8"/>')
    )
    assert events["go"].actions == (expected,)
    assert events["go"].trigger == sc.SimulationTimeTrigger(2.0, ">")


def test_relative_target_speed(write_xosc):
    # Relative to the Target's own speed, known before the run (5 m/s from Init).
    target = '<RelativeTargetSpeed entityRef="Target" value="1.5" speedTargetValueType="factor" continuous="false"/>'
    events, _ = _convert(write_xosc, _speed("step", "time", 0, target))
    assert events["go"].actions == (sc.SpeedAction("Target", 7.5, "step"),)


def test_negative_target_speed_backs_up(write_xosc):
    events, _ = _convert(
        write_xosc, _speed("linear", "rate", 1, '<AbsoluteTargetSpeed value="-3"/>')
    )
    assert events["go"].actions == (sc.SpeedAction("Target", -3.0, "linear", rate_mps2=1.0),)


def test_continuous_longitudinal_distance_keeps_the_distance(write_xosc):
    action = _private(
        '<LongitudinalAction><LongitudinalDistanceAction entityRef="Ego" distance="10" '
        'freespace="true" continuous="true" displacement="trailingReferencedEntity">'
        '<DynamicConstraints maxAcceleration="2" maxDeceleration="3" maxSpeed="30"/>'
        "</LongitudinalDistanceAction></LongitudinalAction>"
    )
    events, _ = _convert(write_xosc, action)
    assert events["go"].actions == (
        sc.KeepDistanceAction(
            "Target",
            "Ego",
            distance_m=10.0,
            side="behind",
            freespace=True,
            max_accel_mps2=2.0,
            max_decel_mps2=3.0,
            max_speed_mps=30.0,
        ),
    )


def _lane_change(target: str, dimension: str = "time") -> str:
    return _private(
        '<LateralAction><LaneChangeAction><LaneChangeActionDynamics dynamicsShape="sinusoidal" '
        f'dynamicsDimension="{dimension}" value="3"/><LaneChangeTarget>{target}</LaneChangeTarget>'
        "</LaneChangeAction></LateralAction>"
    )


def test_lane_changes(write_xosc):
    relative = _lane_change('<RelativeTargetLane entityRef="Target" value="-1"/>')
    events, _ = _convert(write_xosc, relative)
    assert events["go"].actions == (sc.LaneChangeAction("Target", -1, 3.0, "sinusoidal"),)
    absolute = _lane_change('<AbsoluteTargetLane value="-2"/>', dimension="distance")
    events, imported = _convert(write_xosc, absolute)
    # 3 m at the Target's 5 m/s take 0.6 s; lane -2 is one to the right of lane -1.
    assert events["go"].actions == (sc.LaneChangeAction("Target", -1, 0.6, "sinusoidal"),)
    assert any(n.element == "AbsoluteTargetLane" for n in imported.notes)


def test_lane_offset_timed_by_lateral_acceleration(write_xosc):
    offset = _private(
        '<LateralAction><LaneOffsetAction continuous="false"><LaneOffsetActionDynamics '
        'maxLateralAcc="0.5" dynamicsShape="cubic"/><LaneOffsetTarget>'
        '<AbsoluteTargetLaneOffset value="0.75"/></LaneOffsetTarget></LaneOffsetAction></LateralAction>'
    )
    events, _ = _convert(write_xosc, offset)
    (action,) = events["go"].actions
    # A cubic profile over d metres peaks at 6 d / T^2 lateral acceleration.
    assert action == sc.LaneOffsetAction(
        "Target", 0.75, pytest.approx(math.sqrt(6 * 0.75 / 0.5)), "cubic"
    )


def test_teleport_relative_to_an_entity_stays_relative(write_xosc):
    teleport = _private(
        "<TeleportAction><Position>"
        '<RelativeLanePosition entityRef="Ego" dLane="-1" ds="12" offset="0.2"/></Position></TeleportAction>'
    )
    events, _ = _convert(write_xosc, teleport)
    # Reference points to box centres: both cars have theirs 1.4 m ahead, so ds is kept.
    assert events["go"].actions == (
        sc.TeleportAction("Target", sc.RelativeLanePosition("Ego", 12.0, -1, 0.2)),
    )


def test_acquire_position_and_assign_route(write_xosc):
    acquire = _private(
        "<RoutingAction><AcquirePositionAction><Position>"
        '<LanePosition roadId="0" laneId="-2" s="300"/></Position></AcquirePositionAction></RoutingAction>'
    )
    events, _ = _convert(write_xosc, acquire)
    assert events["go"].actions == (
        sc.FollowRouteAction("Target", (sc.LanePosition("0", -2, 300.0),)),
    )
    route = _private(
        '<RoutingAction><AssignRouteAction><Route name="r" closed="false">'
        '<Waypoint routeStrategy="shortest"><Position><LanePosition roadId="0" laneId="-1" s="100"/></Position></Waypoint>'
        '<Waypoint routeStrategy="fastest"><Position><LanePosition roadId="0" laneId="-2" s="450"/></Position></Waypoint>'
        "</Route></AssignRouteAction></RoutingAction>"
    )
    events, _ = _convert(write_xosc, route)
    (action,) = events["go"].actions
    assert action.waypoints == (sc.LanePosition("0", -1, 100.0), sc.LanePosition("0", -2, 450.0))


def _trajectory(timing: str, vertices: str) -> str:
    return _private(
        "<RoutingAction><FollowTrajectoryAction><TrajectoryRef>"
        f'<Trajectory name="t" closed="false"><Shape><Polyline>{vertices}</Polyline></Shape></Trajectory>'
        f"</TrajectoryRef><TimeReference>{timing}</TimeReference>"
        '<TrajectoryFollowingMode followingMode="position"/></FollowTrajectoryAction></RoutingAction>'
    )


def test_timed_polyline(write_xosc):
    vertices = "".join(
        f'<Vertex time="{t}"><Position><WorldPosition x="{x}" y="-1.75" h="0"/></Position></Vertex>'
        for t, x in ((0, 100), (4, 140), (6, 150))
    )
    timing = '<Timing domainAbsoluteRelative="relative" scale="2" offset="1"/>'
    events, _ = _convert(write_xosc, _trajectory(timing, vertices))
    (action,) = events["go"].actions
    assert action.timing == "relative"
    assert [p.t_s for p in action.points] == [1.0, 9.0, 13.0]
    assert [p.x_m for p in action.points] == pytest.approx([101.4, 141.4, 151.4])


def test_path_without_time_stamps_is_timed_from_the_speed(write_xosc):
    vertices = "".join(
        f'<Vertex><Position><WorldPosition x="{x}" y="{y}"/></Position></Vertex>'
        for x, y in ((80, -1.75), (120, -1.75), (160, -5.25))
    )
    events, _ = _convert(write_xosc, _trajectory("<None/>", vertices), start=at_time(-1))
    (action,) = events["path:Target"].actions
    assert action.timing == "absolute"
    # The Target (5 m/s) follows the path from the scenario start: 40 m take 8 s.
    t = np.array([p.t_s for p in action.points])
    x = np.array([p.x_m for p in action.points])
    centre_x_at_8s = np.interp(8.0, t, x)
    assert centre_x_at_8s == pytest.approx(120 + 1.4 * 40 / math.hypot(40, 3.5), abs=0.1)


def test_synchronised_arrival(write_xosc, quiet):
    sync = _private(
        '<SynchronizeAction masterEntityRef="Ego">'
        '<TargetPositionMaster><LanePosition roadId="0" laneId="-1" s="150"/></TargetPositionMaster>'
        '<TargetPosition><LanePosition roadId="0" laneId="-2" s="160"/></TargetPosition>'
        '<FinalSpeed><AbsoluteSpeed value="4"><TargetDistanceSteadyState distance="10"/>'
        "</AbsoluteSpeed></FinalSpeed></SynchronizeAction>"
    )
    init = """
<Private entityRef="Ego">
  <PrivateAction><TeleportAction><Position><LanePosition roadId="0" laneId="-1" s="50"/></Position></TeleportAction></PrivateAction>
  <PrivateAction><LongitudinalAction><SpeedAction>
    <SpeedActionDynamics dynamicsShape="step" dynamicsDimension="time" value="0"/>
    <SpeedActionTarget><AbsoluteTargetSpeed value="10"/></SpeedActionTarget>
  </SpeedAction></LongitudinalAction></PrivateAction>
</Private>
<Private entityRef="Target">
  <PrivateAction><TeleportAction><Position><LanePosition roadId="0" laneId="-2" s="120"/></Position></TeleportAction></PrivateAction>
</Private>"""
    story = act(event("sync", sync, at_time(1)), actors="Target")
    scenario = import_openscenario(write_xosc(story=story, init=init)).scenario
    world, _ = simulate(scenario, RunOptions(stack="scenario", plots=False))
    trace = world.recorder.trace()
    target = trace.names.index("Target")
    # The ego reaches s = 150 after 10 s; the Target's reference point is then at s = 160.
    k = int(np.argmin(np.abs(trace.time - 10.0)))
    assert trace.data["x"][k, target] - 1.4 == pytest.approx(160.0, abs=0.05)
    assert trace.data["speed"][k - 10, target] == pytest.approx(4.0, abs=1e-6)


def test_lane_change_runs_in_the_world(write_xosc, quiet):
    story = act(event("go", _lane_change('<RelativeTargetLane entityRef="Target" value="-1"/>')))
    scenario = import_openscenario(write_xosc(story=story)).scenario
    world, _ = simulate(scenario, RunOptions(stack="scenario", plots=False))
    trace = world.recorder.trace()
    y = trace.data["y"][:, trace.names.index("Target")]
    assert y[0] == pytest.approx(-1.75)
    assert y[-1] == pytest.approx(-5.25, abs=0.1)


@pytest.mark.parametrize(
    ("action", "element", "message"),
    [
        (
            _private('<VisibilityAction graphics="false" traffic="true" sensors="false"/>'),
            "VisibilityAction",
            "not supported by the Gauntlet import",
        ),
        (
            '<UserDefinedAction><CustomCommandAction type="shell">rm -rf /</CustomCommandAction></UserDefinedAction>',
            "UserDefinedAction",
            "never runs commands",
        ),
        (
            "<GlobalAction><TrafficAction><TrafficStopAction/></TrafficAction></GlobalAction>",
            "TrafficAction",
            "not supported",
        ),
    ],
)
def test_unsupported_actions_name_element_and_line(write_xosc, action, element, message):
    path = write_xosc(story=act(event("go", action, at_time(1))))
    with pytest.raises(ScenarioErrors) as caught:
        import_openscenario(path)
    (error,) = caught.value.errors
    assert error.path == (element,)
    assert error.line == line_of(path.read_text(), f"<{element}", last=True)
    assert message in error.message


def test_appearance_and_environment_are_left_out_with_a_note(write_xosc):
    lights = _private(
        '<AppearanceAction><LightStateAction><LightType><VehicleLight vehicleLightType="lowBeam"/>'
        '</LightType><LightState mode="on"/></LightStateAction></AppearanceAction>'
    )
    events, imported = _convert(write_xosc, lights)
    assert "go" not in events
    assert [n.element for n in imported.notes] == ["AppearanceAction"]


def test_delete_at_the_start_leaves_the_entity_out(write_xosc):
    delete = (
        '<GlobalAction><EntityAction entityRef="Target"><DeleteEntityAction/></EntityAction>'
        "</GlobalAction>"
    )
    _, imported = _convert(write_xosc, delete, start=at_time(0))
    assert [e.name for e in imported.scenario.entities] == ["Ego"]
    with pytest.raises(ScenarioErrors, match="cannot remove an entity while the scenario runs"):
        _convert(write_xosc, delete, start=at_time(5))


def test_timed_trajectory_in_init_places_and_moves(write_xosc, quiet):
    vertices = "".join(
        f'<Vertex time="{t}"><Position><WorldPosition x="{x}" y="-5.25" h="0"/></Position></Vertex>'
        for t, x in ((0, 60), (10, 160))
    )
    follow = _trajectory(
        '<Timing domainAbsoluteRelative="absolute" scale="1" offset="0"/>', vertices
    )
    init = (
        '<Private entityRef="Ego"><PrivateAction><TeleportAction><Position>'
        '<LanePosition roadId="0" laneId="-1" s="20"/></Position></TeleportAction></PrivateAction></Private>'
        f'<Private entityRef="Target">{follow}</Private>'
    )
    scenario = import_openscenario(write_xosc(init=init)).scenario
    target = scenario.entity("Target")
    assert target.initial.position == sc.LanePosition("0", -2, pytest.approx(61.4), 0.0, 0.0)
    (start,) = [e for e in scenario.storyboard if e.name.startswith("init:Target")]
    assert start.trigger == sc.SimulationTimeTrigger(0.0, ">=")
    (action,) = start.actions
    assert action.timing == "absolute"
    world, _ = simulate(scenario, RunOptions(stack="scenario", plots=False))
    trace = world.recorder.trace()
    k = int(np.argmin(np.abs(trace.time - 5.0)))
    assert trace.data["x"][k, trace.names.index("Target")] == pytest.approx(111.4)


def test_path_switch_while_running(write_xosc, quiet):
    vertices = "".join(
        f'<Vertex><Position><WorldPosition x="{x}" y="{y}"/></Position></Vertex>'
        for x, y in ((100, -1.75), (140, -5.25), (300, -5.25))
    )
    events, _ = _convert(write_xosc, _trajectory("<None/>", vertices), start=at_time(4))
    first, second = (events[n] for n in events if n.startswith("path:Target"))
    assert first.trigger == sc.SimulationTimeTrigger(0.0, ">=")
    assert second.trigger == sc.AfterEventTrigger("go")
    # Until 4 s along its lane at 5 m/s (reference point from 90 to 110), then the new path.
    assert first.actions[0].points[-1].t_s == pytest.approx(4.0)
    assert first.actions[0].points[-1].x_m == pytest.approx(110 + 1.4)
    assert second.actions[0].points[0].x_m == pytest.approx(100 + 1.4 * 40 / math.hypot(40, 3.5))
