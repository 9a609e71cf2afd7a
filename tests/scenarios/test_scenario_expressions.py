"""Parameters and ${...} expressions: evaluation, substitution and rejection."""

from __future__ import annotations

import math

import pytest
from scenario_samples import MINIMAL, line_of

from gauntlet.scenarios import parse_scenario
from gauntlet.scenarios.expressions import ExpressionError, evaluate, substitute


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("2 + 3 * 4", 14),
        ("(2 + 3) * 4", 20),
        ("7 / 2", 3.5),
        ("7 // 2", 3),
        ("7 % 4", 3),
        ("2 ** 10", 1024),
        ("-speed + 1", -19),
        ("speed * 1.5", 30.0),
        ("speed > 10 and speed < 30", True),
        ("not fast", False),
        ("1 < 2 < 3", True),
        ("3 < 2 or speed == 20", True),
        ("'a' if speed >= 20 else 'b'", "a"),
        ("label + '_x'", "car_x"),
        ("sqrt(16)", 4.0),
        ("hypot(3, 4)", 5.0),
        ("abs(-2.5)", 2.5),
        ("min(3, speed, 7)", 3),
        ("max(3, speed)", 20),
        ("round(2.567, 1)", 2.6),
        ("floor(2.7) + ceil(2.1)", 5),
        ("atan2(1, 1)", math.pi / 4),
        ("radians(180)", math.pi),
        ("cos(0) + sin(0) + tan(0)", 1.0),
    ],
)
def test_evaluate(expression, expected):
    names = {"speed": 20, "fast": True, "label": "car"}
    assert evaluate(expression, names) == pytest.approx(expected)


def test_degrees_of_pi():
    assert evaluate("degrees(pi)", {}) == pytest.approx(180.0)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("__import__('os')", "unknown function '__import__'; allowed functions: abs, atan2,"),
        (
            "__import__('os').system('true')",
            "attribute access '__import__('os').system' is not allowed",
        ),
        ("speed.__class__", "attribute access 'speed.__class__' is not allowed"),
        ("(1).real", "attribute access '(1).real' is not allowed"),
        ("label[0]", "subscript 'label[0]' is not allowed"),
        ("(lambda: 1)()", "lambda 'lambda: 1' is not allowed"),
        ("[x for x in ()]", "comprehension '[x for x in ()]' is not allowed"),
        ("eval('1')", "unknown function 'eval'; allowed functions:"),
        ("open", "unknown parameter 'open'"),
        ("sped * 2", "unknown parameter 'sped'; did you mean 'speed'?"),
        ("sqrt", "function 'sqrt' must be called"),
        ("speed / 0", "division by zero in 'speed / 0'"),
        ("sqrt(-1)", "sqrt() failed in 'sqrt(-1)': math domain error"),
        (
            "round(speed, ndigits=2)",
            "keyword arguments in 'round(speed, ndigits=2)' are not allowed",
        ),
        ("label * 1000000000", "cannot apply '*' to 'car' and 1000000000"),
        ("speed + ", "invalid expression: invalid syntax"),
        ("None", "constant None is not allowed"),
        ("10 ** 10 ** 10", "number too large in '10 ** 10 ** 10'"),
        ("(x := 3)", "assignment 'x := 3' is not allowed"),
        ("(-8) ** 0.5", "'(-8) ** 0.5' is not a real number"),
    ],
)
def test_rejected_expressions(expression, message):
    with pytest.raises(ExpressionError) as info:
        evaluate(expression, {"speed": 20, "label": "car"})
    assert str(info.value).startswith(message)


def test_substitute_whole_value_and_text():
    names = {"gap": 25.0, "lanes": 2, "on": True}
    assert substitute("${gap}", names) == 25.0
    assert substitute("${lanes}", names) == 2
    assert substitute("${on}", names) is True
    assert substitute("gap_${gap}_lanes_${lanes}_${on}", names) == "gap_25.0_lanes_2_true"
    assert substitute("costs $${gap} and $5", names) == "costs ${gap} and $5"
    assert substitute("no expressions", names) == "no expressions"
    with pytest.raises(ExpressionError, match="unterminated"):
        substitute("${gap", names)


FILE = (
    MINIMAL.replace("name: minimal", "name: run_${speed_mps}_mps")
    .replace("speed_mps: 10.0", "speed_mps: ${speed_mps}")
    .replace(
        "map:",
        "parameters:\n  speed_mps: 20\n  gap_m: ${speed_mps * 1.5}\n  lanes: 2\n  far: ${gap_m > 20}\nmap:",
    )
)


def test_parameters_in_a_file():
    text = FILE + (
        "  - name: lead\n"
        "    type: car\n"
        "    initial:\n"
        "      position: {relative_lane: {entity: ego, ds_m: '${gap_m}', lanes: '${lanes - 1}'}}\n"
        "stop: {on_collision: '${far}', duration_s: '${max(10, gap_m)}'}\n"
    )
    scenario = parse_scenario(text)
    assert scenario.name == "run_20_mps"
    assert scenario.parameters == {"speed_mps": 20, "gap_m": 30.0, "lanes": 2, "far": True}
    assert scenario.entities[0].initial.speed_mps == 20.0
    assert isinstance(scenario.entities[0].initial.speed_mps, float)
    position = scenario.entities[1].initial.position
    assert (position.ds_m, position.lanes) == (30.0, 1)
    assert scenario.stop.on_collision is True
    assert scenario.stop.duration_s == 30.0
    # Substituted values keep the line of the key they replaced.
    assert scenario.source.line_of(("entities", 0, "initial", "speed_mps")) == line_of(
        text, "speed_mps: ${speed_mps}"
    )


def test_parameter_overrides():
    scenario = parse_scenario(FILE, parameters={"speed_mps": 10})
    assert scenario.parameters["gap_m"] == 15.0
    assert scenario.entities[0].initial.speed_mps == 10.0
    assert scenario.name == "run_10_mps"


def test_override_of_undeclared_parameter(errors_of):
    from gauntlet.scenarios import ScenarioErrors

    with pytest.raises(ScenarioErrors) as info:
        parse_scenario(FILE, "f.yaml", parameters={"speed": 10})
    (error,) = info.value.errors
    assert error.message == "override of undeclared parameter 'speed'; did you mean 'speed_mps'?"
    assert error.line == line_of(FILE, "parameters:")


def test_import_in_a_file_names_key_and_line(one_error):
    text = FILE.replace("speed_mps: ${speed_mps}", "speed_mps: ${__import__('os').getpid()}")
    error = one_error(text)
    assert error.path == ("entities", 0, "initial", "speed_mps")
    assert error.line == line_of(text, "__import__")
    assert (
        error.message
        == "in \"${__import__('os').getpid()}\": attribute access '__import__('os').getpid' is not allowed"
    )


def test_unknown_parameter_in_a_file(one_error):
    text = FILE.replace("speed_mps: ${speed_mps}", "speed_mps: ${sped_mps}")
    error = one_error(text)
    assert (
        error.message == "in '${sped_mps}': unknown parameter 'sped_mps'; did you mean 'speed_mps'?"
    )
    assert error.line == line_of(text, "${sped_mps}")


def test_parameters_use_only_earlier_parameters(one_error):
    text = FILE.replace("gap_m: ${speed_mps * 1.5}", "gap_m: ${lanes * 1.5}")
    error = one_error(text)
    assert error.path == ("parameters", "gap_m")
    assert error.message == (
        "in '${lanes * 1.5}': parameter 'lanes' is defined further down; a parameter may use only those above it"
    )


def test_a_parameter_cannot_use_itself(one_error):
    error = one_error(FILE.replace("lanes: 2", "lanes: ${lanes + 1}"))
    assert error.message == "in '${lanes + 1}': parameter 'lanes' refers to itself"


def test_a_failed_parameter_is_reported_once(errors_of):
    text = FILE.replace("gap_m: ${speed_mps * 1.5}", "gap_m: ${speed_mps / 0}")
    text += "  - name: lead\n    type: car\n    initial: {position: {relative_lane: {entity: ego, ds_m: '${gap_m}'}}}\n"
    (error,) = errors_of(text)
    assert error.path == ("parameters", "gap_m")
    assert error.message == "in '${speed_mps / 0}': division by zero in 'speed_mps / 0'"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("pi", "parameter name 'pi' is reserved for a function or constant"),
        ("max speed", "parameter names must be identifiers (letters, digits, _), got 'max speed'"),
    ],
)
def test_bad_parameter_names(one_error, name, message):
    error = one_error(MINIMAL + f"parameters: {{'{name}': 1}}\n")
    assert error.message == message
    assert error.path == ("parameters", name)


def test_expression_result_is_type_checked(one_error):
    error = one_error(
        FILE.replace("lanes: 2", "lanes: two").replace(
            "speed_mps: ${speed_mps}", "speed_mps: ${lanes}"
        )
    )
    assert error.message == "expected a number, got 'two'"
