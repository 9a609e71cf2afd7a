"""Start and stop conditions: each supported kind, delays, edges, groups and element states."""

from __future__ import annotations

import pytest
from osc_samples import act, at_time, by_entity, condition, event, line_of

from gauntlet.scenarios import schema as sc
from gauntlet.scenarios.errors import ScenarioErrors
from gauntlet.scenarios.openscenario import import_openscenario

SPEED = """<PrivateAction><LongitudinalAction><SpeedAction>
  <SpeedActionDynamics dynamicsShape="linear" dynamicsDimension="time" value="2"/>
  <SpeedActionTarget><AbsoluteTargetSpeed value="8"/></SpeedActionTarget>
</SpeedAction></LongitudinalAction></PrivateAction>"""


def _events(write_xosc, start: str, **parts: str) -> dict[str, sc.Event]:
    story = act(event("go", SPEED, start))
    imported = import_openscenario(write_xosc(story=story, **parts))
    return {e.name: e for e in imported.scenario.storyboard}


def _trigger(write_xosc, start: str) -> sc.Trigger:
    return _events(write_xosc, start)["go"].trigger


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('<TraveledDistanceCondition value="25"/>', sc.TraveledDistanceTrigger("Ego", 25.0)),
        ('<SpeedCondition value="12" rule="lessThan"/>', sc.SpeedTrigger("Ego", 12.0, "<")),
        (
            '<RelativeDistanceCondition entityRef="Target" freespace="false" '
            'relativeDistanceType="euclidianDistance" value="15" rule="lessOrEqual"/>',
            sc.DistanceTrigger("Ego", "Target", 15.0, "<=", False),
        ),
        (
            '<TimeHeadwayCondition entityRef="Target" value="1.5" freespace="true" '
            'alongRoute="false" rule="lessThan"/>',
            sc.HeadwayTrigger("Ego", "Target", 1.5, "<"),
        ),
        (
            '<TimeToCollisionCondition value="2" freespace="true" alongRoute="false" rule="lessThan">'
            '<TimeToCollisionConditionTarget><EntityRef entityRef="Target"/>'
            "</TimeToCollisionConditionTarget></TimeToCollisionCondition>",
            sc.TimeToCollisionTrigger("Ego", "Target", 2.0, "<"),
        ),
        (
            '<CollisionCondition><EntityRef entityRef="Target"/></CollisionCondition>',
            sc.DistanceTrigger("Ego", "Target", 0.0, "<=", True),
        ),
        (
            '<ReachPositionCondition tolerance="2"><Position>'
            '<WorldPosition x="200" y="-1.75" h="0"/></Position></ReachPositionCondition>',
            # The test car's box centre is 1.4 m ahead of its reference point.
            sc.ReachedPositionTrigger("Ego", sc.WorldPosition(201.4, -1.75, 0.0, 0.0), 2.0),
        ),
    ],
)
def test_entity_conditions(write_xosc, body, expected):
    assert _trigger(write_xosc, condition(by_entity("Ego", body))) == expected


def test_simulation_time_and_groups(write_xosc):
    start = at_time(3) + (
        '<ConditionGroup><Condition name="a" delay="0" conditionEdge="none">'
        + by_entity("Ego", '<TraveledDistanceCondition value="10"/>')
        + '</Condition><Condition name="b" delay="0" conditionEdge="none">'
        + by_entity("Ego", '<SpeedCondition value="5" rule="greaterThan"/>')
        + "</Condition></ConditionGroup>"
    )
    assert _trigger(write_xosc, start) == sc.AnyTrigger(
        (
            sc.SimulationTimeTrigger(3.0, ">"),
            sc.AllTrigger(
                (sc.TraveledDistanceTrigger("Ego", 10.0), sc.SpeedTrigger("Ego", 5.0, ">"))
            ),
        )
    )


def test_relative_speed_against_an_entity_of_constant_speed(write_xosc):
    # Target keeps 5 m/s until the event (its only speed change) -> ego faster than 5 + 2.
    start = condition(
        by_entity(
            "Ego", '<RelativeSpeedCondition entityRef="Target" value="2" rule="greaterThan"/>'
        )
    )
    story = act(event("go", SPEED, start), actors="Ego")
    scenario = import_openscenario(write_xosc(story=story)).scenario
    assert scenario.storyboard[-1].trigger == sc.SpeedTrigger("Ego", 7.0, ">")


def test_delays(write_xosc):
    # A clock condition shifts; another condition waits on a helper event.
    assert _trigger(write_xosc, at_time(2).replace('delay="0.0"', 'delay="1.5"')) == (
        sc.SimulationTimeTrigger(3.5, ">")
    )
    events = _events(
        write_xosc,
        condition(by_entity("Ego", '<SpeedCondition value="5" rule="greaterThan"/>'), delay=0.5),
    )
    helper = next(name for name in events if name.startswith("when:"))
    assert events[helper].trigger == sc.SpeedTrigger("Ego", 5.0, ">")
    assert events[helper].actions == ()
    assert events["go"].trigger == sc.AfterEventTrigger(helper, 0.5)
    assert list(events).index(helper) < list(events).index("go")


def test_standstill_waits_its_duration(write_xosc):
    events = _events(write_xosc, condition(by_entity("Ego", '<StandStillCondition duration="2"/>')))
    helper = next(name for name in events if name.startswith("when:"))
    assert events[helper].trigger == sc.SpeedTrigger("Ego", 0.05, "<")
    assert events["go"].trigger == sc.AfterEventTrigger(helper, 2.0)


def test_rising_edge_is_noted(write_xosc):
    start = condition(
        by_entity("Ego", '<SpeedCondition value="5" rule="greaterThan"/>'), edge="rising"
    )
    imported = import_openscenario(write_xosc(story=act(event("go", SPEED, start))))
    assert any("rising" in n.message for n in imported.notes)


def test_act_start_trigger_gates_its_events(write_xosc):
    story = act(event("go", SPEED, at_time(4)), start=at_time(1))
    events = {e.name: e for e in import_openscenario(write_xosc(story=story)).scenario.storyboard}
    assert events["act:act"].trigger == sc.SimulationTimeTrigger(1.0, ">")
    assert events["go"].trigger == sc.AllTrigger(
        (sc.AfterEventTrigger("act:act"), sc.SimulationTimeTrigger(4.0, ">"))
    )


PARAMETER = '<ParameterDeclaration name="Braking" parameterType="boolean" value="false"/>'
PARAMETER_CONDITION = condition(
    '<ByValueCondition><ParameterCondition parameterRef="Braking" rule="equalTo" value="true"/>'
    "</ByValueCondition>"
)


def test_static_parameter_conditions(write_xosc):
    never = _events(write_xosc, PARAMETER_CONDITION, parameters=PARAMETER)
    assert "go" not in never
    always = _events(write_xosc, PARAMETER_CONDITION, parameters=PARAMETER.replace("false", "true"))
    assert always["go"].trigger == sc.SimulationTimeTrigger(0.0, ">=")


def test_parameter_set_by_an_action(write_xosc):
    setter = event(
        "set",
        '<GlobalAction><ParameterAction parameterRef="Braking"><SetAction value="true"/>'
        "</ParameterAction></GlobalAction>",
        at_time(2),
    )
    story = act(event("go", SPEED, PARAMETER_CONDITION) + setter)
    events = {
        e.name: e
        for e in import_openscenario(
            write_xosc(story=story, parameters=PARAMETER)
        ).scenario.storyboard
    }
    assert events["set"].trigger == sc.SimulationTimeTrigger(2.0, ">")
    assert events["go"].trigger == sc.AfterEventTrigger("set")


def test_element_states(write_xosc):
    first = event("first", SPEED, at_time(1))
    started = condition(
        '<ByValueCondition><StoryboardElementStateCondition storyboardElementType="event" '
        'storyboardElementRef="first" state="startTransition"/></ByValueCondition>'
    )
    ended = started.replace("startTransition", "completeState")
    story = act(first + event("second", SPEED, started) + event("third", SPEED, ended))
    events = {e.name: e for e in import_openscenario(write_xosc(story=story)).scenario.storyboard}
    assert events["second"].trigger == sc.AfterEventTrigger("first")
    # The first event's speed change lasts 2 s.
    assert events["third"].trigger == sc.AfterEventTrigger("first", 2.0)
    maneuver = ended.replace('"event"', '"maneuver"').replace('"first"', '"a_maneuver"')
    story = act(first, name="a") + act(event("after", SPEED, maneuver), name="b")
    events = {e.name: e for e in import_openscenario(write_xosc(story=story)).scenario.storyboard}
    assert events["after"].trigger == sc.AfterEventTrigger("first", 2.0)


def test_variables_set_by_events(write_xosc):
    header = (
        '<VariableDeclarations><VariableDeclaration name="hit" variableType="boolean" value="false"/>'
        "</VariableDeclarations>"
    )
    setter = event(
        "mark",
        '<GlobalAction><VariableAction variableRef="hit"><SetAction value="true"/></VariableAction>'
        "</GlobalAction>",
        condition(
            by_entity(
                "Ego", '<CollisionCondition><EntityRef entityRef="Target"/></CollisionCondition>'
            )
        ),
    )
    reads = condition(
        '<ByValueCondition><VariableCondition variableRef="hit" rule="equalTo" value="true"/>'
        "</ByValueCondition>",
        delay=1,
    )
    text = write_xosc(story=act(setter)).read_text()
    text = text.replace("<CatalogLocations>", header + "<CatalogLocations>")
    text = text.replace("</Story>", f"</Story><StopTrigger>{reads}</StopTrigger>")
    scenario = import_openscenario(write_xosc(text)).scenario
    assert scenario.stop.when == (sc.AfterEventTrigger("mark", 1.0),)
    assert {e.name: e for e in scenario.storyboard}["mark"].actions == ()


@pytest.mark.parametrize(
    ("body", "element", "message"),
    [
        (
            '<AccelerationCondition value="3" rule="greaterThan"/>',
            "AccelerationCondition",
            "no trigger",
        ),
        ('<EndOfRoadCondition duration="0"/>', "EndOfRoadCondition", "no trigger"),
        ('<OffroadCondition duration="1"/>', "OffroadCondition", "no trigger"),
        (
            '<RelativeDistanceCondition entityRef="Target" freespace="true" '
            'relativeDistanceType="lateral" value="1" rule="lessThan"/>',
            "RelativeDistanceCondition",
            "'lateral' is not supported",
        ),
        ('<SpeedCondition value="3" rule="equalTo"/>', "SpeedCondition", "rule 'equalTo'"),
    ],
)
def test_unsupported_conditions_name_element_and_line(write_xosc, body, element, message):
    path = write_xosc(story=act(event("go", SPEED, condition(by_entity("Ego", body)))))
    with pytest.raises(ScenarioErrors) as caught:
        import_openscenario(path)
    (error,) = caught.value.errors
    assert error.path == (element,)
    assert error.line == line_of(path.read_text(), f"<{element}")
    assert message in error.message


def test_falling_edge_is_refused(write_xosc):
    start = condition(
        by_entity("Ego", '<SpeedCondition value="5" rule="greaterThan"/>'), edge="falling"
    )
    with pytest.raises(ScenarioErrors, match="conditionEdge 'falling' is not supported"):
        import_openscenario(write_xosc(story=act(event("go", SPEED, start))))
