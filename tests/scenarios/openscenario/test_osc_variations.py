"""Parameter variation files: deterministic distributions to concrete parameter sets."""

from __future__ import annotations

import pytest

from gauntlet.scenarios.errors import ScenarioErrors
from gauntlet.scenarios.openscenario import expand_variations, load_openscenario, run_id


def _variation(tmp_path, body: str, scenario: str = "base.xosc"):
    path = tmp_path / "variations" / "v.xosc"
    path.parent.mkdir(exist_ok=True)
    path.write_text(
        f"""<?xml version="1.0"?><OpenSCENARIO>
<FileHeader revMajor="1" revMinor="2" date="2024-01-01T00:00:00" description="" author=""/>
<ParameterValueDistribution><ScenarioFile filepath="../{scenario}"/>{body}</ParameterValueDistribution>
</OpenSCENARIO>""",
        encoding="utf-8",
    )
    return path


def test_sets_ranges_and_value_sets_combine(tmp_path, write_xosc):
    write_xosc(name="base.xosc")
    body = """<Deterministic>
  <DeterministicSingleParameterDistribution parameterName="Side">
    <DistributionSet><Element value="left"/><Element value="right"/></DistributionSet>
  </DeterministicSingleParameterDistribution>
  <DeterministicSingleParameterDistribution parameterName="Speed">
    <DistributionRange stepWidth="0.1"><Range lowerLimit="0.2" upperLimit="0.5"/></DistributionRange>
  </DeterministicSingleParameterDistribution>
  <DeterministicMultiParameterDistribution><ValueSetDistribution>
    <ParameterValueSet><ParameterAssignment parameterRef="A" value="1"/><ParameterAssignment parameterRef="B" value="2"/></ParameterValueSet>
    <ParameterValueSet><ParameterAssignment parameterRef="A" value="3"/><ParameterAssignment parameterRef="B" value="4"/></ParameterValueSet>
  </ValueSetDistribution></DeterministicMultiParameterDistribution>
</Deterministic>"""
    runs = expand_variations(_variation(tmp_path, body))
    assert len(runs) == 2 * 4 * 2
    files = {file for file, _ in runs}
    assert files == {str((tmp_path / "base.xosc").resolve())}
    values = [parameters for _, parameters in runs]
    assert values[0] == {"Side": "left", "Speed": 0.2, "A": "1", "B": "2"}
    assert values[1] == {"Side": "left", "Speed": 0.2, "A": "3", "B": "4"}
    assert [v["Speed"] for v in values[:8:2]] == [0.2, 0.3, 0.4, 0.5]
    assert values[-1] == {"Side": "right", "Speed": 0.5, "A": "3", "B": "4"}
    assert expand_variations(_variation(tmp_path, body)) == runs  # deterministic
    assert run_id(tmp_path / "variations" / "v.xosc", 15) == "v#016"


def test_concrete_runs_load(tmp_path, write_xosc, quiet):
    parameters = '<ParameterDeclaration name="Gap" parameterType="double" value="40"/>'
    init = """
<Private entityRef="Ego"><PrivateAction><TeleportAction><Position>
  <LanePosition roadId="0" laneId="-1" s="50"/></Position></TeleportAction></PrivateAction></Private>
<Private entityRef="Target"><PrivateAction><TeleportAction><Position>
  <RelativeLanePosition entityRef="Ego" dLane="0" ds="$Gap"/></Position></TeleportAction></PrivateAction></Private>"""
    write_xosc(name="base.xosc", parameters=parameters, init=init)
    body = """<Deterministic><DeterministicSingleParameterDistribution parameterName="Gap">
<DistributionRange stepWidth="10"><Range lowerLimit="20" upperLimit="45"/></DistributionRange>
</DeterministicSingleParameterDistribution></Deterministic>"""
    runs = expand_variations(_variation(tmp_path, body))
    starts = [
        load_openscenario(file, parameters).entity("Target").initial.position.s_m
        for file, parameters in runs
    ]
    assert starts == pytest.approx([71.4, 81.4, 91.4])


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("<Stochastic numberOfTestRuns='3'/>", "stochastic distributions are not supported"),
        (
            "<Deterministic><DeterministicSingleParameterDistribution parameterName='x'>"
            "<DistributionSet/></DeterministicSingleParameterDistribution></Deterministic>",
            "needs at least one Element",
        ),
        (
            "<Deterministic><DeterministicSingleParameterDistribution parameterName='x'>"
            "<DistributionRange stepWidth='0'><Range lowerLimit='0' upperLimit='1'/></DistributionRange>"
            "</DeterministicSingleParameterDistribution></Deterministic>",
            "stepWidth > 0",
        ),
    ],
)
def test_refused_distributions(tmp_path, write_xosc, body, message):
    write_xosc(name="base.xosc")
    with pytest.raises(ScenarioErrors, match=message):
        expand_variations(_variation(tmp_path, body))


def test_missing_scenario_file(tmp_path):
    with pytest.raises(ScenarioErrors, match="scenario file not found"):
        expand_variations(_variation(tmp_path, "<Deterministic/>", scenario="nope.xosc"))
