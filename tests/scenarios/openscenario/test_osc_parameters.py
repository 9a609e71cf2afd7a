"""Parameter declarations, ``$name`` references and ``${...}`` expressions."""

from __future__ import annotations

import math
import re

import pytest
from osc_samples import line_of

from gauntlet.scenarios.errors import ScenarioErrors
from gauntlet.scenarios.expressions import ExpressionError
from gauntlet.scenarios.openscenario import import_openscenario
from gauntlet.scenarios.openscenario.expressions import evaluate_expression


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$v / 3.6", 10.0),
        ("($v + 4) * 2 - 1", 79.0),
        ("$v % 7", 1.0),
        ("-$v", -36.0),
        ("round(2.4) + floor(1.7) + ceil(1.2)", 5),
        ("sqrt(16) + pow(2, 3)", 12.0),
        ("sin(0) + cos(0)", 1.0),
        ("asin(1)", math.pi / 2),
        ("acos(1)", 0.0),
        ("atan(1)", math.pi / 4),
        ("sign(-3) + sign(0) + sign(2)", 0),
        ("abs(-2) + max(1, 3) + min(1, 3)", 6),
        ("$v > 30 and not $flag", True),
        ("$v == 36 or false", True),
        ("65 * pi / 180", 65 * math.pi / 180),
        ("1.5e1", 15.0),
    ],
)
def test_expressions(text, expected):
    assert evaluate_expression(text, {"v": 36.0, "flag": False}) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("$missing + 1", "unknown parameter '$missing'"),
        ("v + 1", "parameters are written '$v'"),
        ("$v / 0", "division by zero"),
        ("$v ** 2", "invalid expression"),
        ("__import__('os')", "unknown name '__import__'"),
        ("$v[0]", "unexpected '[0]'"),
        ("exp(1)", "unknown name 'exp'"),
    ],
)
def test_expression_errors(text, message):
    with pytest.raises(ExpressionError, match=re.escape(message)):
        evaluate_expression(text, {"v": 2.0})


def test_parameter_names_that_are_functions_or_keywords():
    assert evaluate_expression("$round + $and", {"round": 1.0, "and": 2.0}) == 3.0


PARAMETERS = """
<ParameterDeclaration name="EgoSpeed_kph" parameterType="double" value="36"/>
<ParameterDeclaration name="Gap" parameterType="double" value="${$EgoSpeed_kph / 3.6 * 4}">
  <ConstraintGroup><ValueConstraint rule="greaterThan" value="10"/></ConstraintGroup>
</ParameterDeclaration>
<ParameterDeclaration name="Lanes" parameterType="int" value="0"/>
<ParameterDeclaration name="Braking" parameterType="boolean" value="false"/>
<ParameterDeclaration name="Kind" parameterType="string" value="fast"/>
"""
INIT = """
<Private entityRef="Ego">
  <PrivateAction><TeleportAction><Position><LanePosition roadId="0" laneId="-1" s="20"/></Position></TeleportAction></PrivateAction>
  <PrivateAction><LongitudinalAction><SpeedAction>
    <SpeedActionDynamics dynamicsShape="step" dynamicsDimension="time" value="0"/>
    <SpeedActionTarget><AbsoluteTargetSpeed value="${$EgoSpeed_kph / 3.6}"/></SpeedActionTarget>
  </SpeedAction></LongitudinalAction></PrivateAction>
</Private>
<Private entityRef="Target">
  <PrivateAction><TeleportAction><Position>
    <RelativeLanePosition entityRef="Ego" dLane="$Lanes" ds="$Gap"/>
  </Position></TeleportAction></PrivateAction>
</Private>
"""


def test_declarations_references_and_overrides(write_xosc):
    path = write_xosc(parameters=PARAMETERS, init=INIT)
    scenario = import_openscenario(path).scenario
    assert scenario.entity("Ego").initial.speed_mps == pytest.approx(10.0)
    assert scenario.entity("Target").initial.position.s_m == pytest.approx(20 + 40 + 1.4)
    assert scenario.parameters == {
        "EgoSpeed_kph": 36.0,
        "Gap": pytest.approx(40.0),
        "Lanes": 0,
        "Braking": False,
        "Kind": "fast",
    }
    # Values of a variation arrive as text and take the declared type.
    varied = import_openscenario(path, {"EgoSpeed_kph": "72", "Lanes": "-1"}).scenario
    assert varied.entity("Ego").initial.speed_mps == pytest.approx(20.0)
    assert varied.entity("Target").initial.position.lane == -2
    assert varied.entity("Target").initial.position.s_m == pytest.approx(20 + 80 + 1.4)


def test_violated_constraint_names_the_declaration(write_xosc):
    path = write_xosc(parameters=PARAMETERS, init=INIT)
    with pytest.raises(ScenarioErrors) as caught:
        import_openscenario(path, {"EgoSpeed_kph": 5})
    (error,) = caught.value.errors
    assert error.path == ("ParameterDeclaration",)
    assert error.line == line_of(path.read_text(), 'name="Gap"')
    assert "parameter 'Gap' = " in error.message and "greaterThan 10" in error.message


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"Nope": 1}, "undeclared parameter(s) Nope"),
        ({"Lanes": "1.5"}, "expected a whole number"),
        ({"Braking": "maybe"}, "expected true or false"),
    ],
)
def test_bad_overrides(write_xosc, overrides, message):
    path = write_xosc(parameters=PARAMETERS, init=INIT)
    with pytest.raises(ScenarioErrors, match=re.escape(message)):
        import_openscenario(path, overrides)


def test_unknown_parameter_reference_names_attribute_and_line(write_xosc):
    init = INIT.replace('dLane="$Lanes" ds="$Gap"', 'dLane="0" ds="10"')
    path = write_xosc(init=init)
    with pytest.raises(ScenarioErrors) as caught:
        import_openscenario(path)
    (error,) = caught.value.errors
    assert error.path == ("AbsoluteTargetSpeed",)
    assert error.line == line_of(path.read_text(), 'value="${$EgoSpeed_kph / 3.6}"')
    assert "attribute 'value': unknown parameter '$EgoSpeed_kph'" in error.message
