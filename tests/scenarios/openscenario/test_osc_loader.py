"""The import as a whole: the ego rule, notes and strict mode, XML safety, file problems."""

from __future__ import annotations

import warnings

import pytest
from osc_samples import CAR, INIT, line_of, scenario_text

from gauntlet.scenarios.errors import ScenarioErrors
from gauntlet.scenarios.openscenario import (
    OpenScenarioWarning,
    import_openscenario,
    load_openscenario,
)


def _entities(*names: str, hint: str | None = None) -> str:
    out = ""
    for name in names:
        body = CAR
        if name == hint:
            body = CAR.replace(
                "</Vehicle>",
                '<Properties><Property name="gauntlet.ego" value="true"/></Properties></Vehicle>',
            )
        out += f'<ScenarioObject name="{name}">{body}</ScenarioObject>'
    return out


def _init(*names: str) -> str:
    return "".join(
        f'<Private entityRef="{n}"><PrivateAction><TeleportAction><Position>'
        f'<LanePosition roadId="0" laneId="-1" s="{50 + 30 * k}"/></Position></TeleportAction>'
        "</PrivateAction></Private>"
        for k, n in enumerate(names)
    )


@pytest.mark.parametrize(
    ("names", "hint", "requested", "ego"),
    [
        (("Lead", "ego"), None, None, "ego"),  # the entity called Ego, in any case
        (("Lead", "Follower"), None, None, "Lead"),  # else the first
        (("Lead", "Ego"), "Lead", None, "Lead"),  # a property names it
        (("Lead", "Ego"), "Lead", "Ego", "Ego"),  # the caller decides
    ],
)
def test_ego_rule(write_xosc, names, hint, requested, ego):
    path = write_xosc(entities=_entities(*names, hint=hint), init=_init(*names))
    assert import_openscenario(path, ego=requested).scenario.ego.entity == ego


def test_header_property_names_the_ego(write_xosc):
    text = scenario_text(entities=_entities("A", "B"), init=_init("A", "B")).replace(
        'author="tests"/>',
        'author="tests"><Properties><Property name="gauntlet.ego" value="B"/></Properties>'
        "</FileHeader>",
    )
    assert import_openscenario(write_xosc(text)).scenario.ego.entity == "B"


def test_unknown_ego(write_xosc):
    with pytest.raises(ScenarioErrors, match="no entity 'Nobody' to be the ego"):
        import_openscenario(write_xosc(), ego="Nobody")


ENVIRONMENT = (
    "<GlobalAction><EnvironmentAction><Environment name='sun'/></EnvironmentAction></GlobalAction>"
)


def test_notes_warn_or_fail_in_strict_mode(write_xosc):
    path = write_xosc(init=ENVIRONMENT + INIT)
    with pytest.warns(OpenScenarioWarning, match="EnvironmentAction is not simulated"):
        load_openscenario(path)
    with pytest.raises(ScenarioErrors) as caught:
        load_openscenario(path, strict=True)
    (error,) = caught.value.errors
    assert (error.path, error.line) == (
        ("EnvironmentAction",),
        line_of(path.read_text(), "<EnvironmentAction"),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_openscenario(write_xosc())  # nothing approximate: no warning


def test_scenario_fields(write_xosc, tmp_path):
    path = write_xosc()
    scenario = load_openscenario(path, duration_s=12.5, name="run#1")
    assert scenario.name == "run#1"
    assert scenario.map.file == str((tmp_path / "road.xodr").resolve())
    assert scenario.stop.duration_s == 12.5 and scenario.stop.when == ()
    assert scenario.tags == ("openscenario",)
    assert scenario.description == "test"
    assert scenario.source.file == str(path)
    text = path.read_text()
    assert scenario.source.line_of(("entities", 1)) == line_of(
        text, '<ScenarioObject name="Target"'
    )
    assert scenario.source.line_of(("entities", 1, "initial", "position")) == line_of(
        text, "<TeleportAction", last=True
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><OpenSCENARIO/>',
            "document type declarations",
        ),
        ("<OpenSCENARIO><FileHeader></OpenSCENARIO>", "invalid XML: mismatched tag"),
        ("<Scenario/>", "expected an <OpenSCENARIO> document"),
        (
            scenario_text().replace('revMinor="2"', 'revMinor="4"'),
            "OpenSCENARIO 1.4 is not supported",
        ),
        (scenario_text().replace("road.xodr", "missing.xodr"), "OpenDRIVE file not found"),
        (scenario_text(entities=""), "the scenario has no entities"),
        (scenario_text(init=""), "has no start position"),
    ],
)
def test_file_problems(write_xosc, text, message):
    with pytest.raises(ScenarioErrors, match=message):
        import_openscenario(write_xosc(text))


def test_missing_file(tmp_path):
    with pytest.raises(ScenarioErrors, match="file not found"):
        import_openscenario(tmp_path / "nope.xosc")


def test_catalog_reference_with_parameters(write_xosc, tmp_path):
    (tmp_path / "vehicles").mkdir()
    (tmp_path / "vehicles" / "v.xosc").write_text(
        """<?xml version="1.0"?><OpenSCENARIO>
<FileHeader revMajor="1" revMinor="2" date="2024-01-01T00:00:00" description="" author=""/>
<Catalog name="Vehicles"><Vehicle name="box" vehicleCategory="truck">
  <ParameterDeclarations><ParameterDeclaration name="L" parameterType="double" value="8"/></ParameterDeclarations>
  <BoundingBox><Center x="${$L / 2}" y="0" z="1"/><Dimensions width="2.5" length="$L" height="3"/></BoundingBox>
  <Performance maxSpeed="30" maxAcceleration="2" maxDeceleration="6"/>
</Vehicle></Catalog></OpenSCENARIO>""",
        encoding="utf-8",
    )
    entities = (
        f'<ScenarioObject name="Ego">{CAR}</ScenarioObject><ScenarioObject name="Target">'
        '<CatalogReference catalogName="Vehicles" entryName="box"><ParameterAssignments>'
        '<ParameterAssignment parameterRef="L" value="12"/></ParameterAssignments></CatalogReference>'
        "</ScenarioObject>"
    )
    path = write_xosc(
        entities=entities, catalogs='<VehicleCatalog><Directory path="vehicles"/></VehicleCatalog>'
    )
    target = import_openscenario(path).scenario.entity("Target")
    assert target.type == "truck"
    assert (target.dimensions.length_m, target.dimensions.width_m) == (12.0, 2.5)
    # RelativeLanePosition ds 40 from the Ego's reference point; box centre L / 2 ahead.
    assert target.initial.position.s_m == pytest.approx(50 + 40 + 6)
    bad = path.read_text().replace('parameterRef="L"', 'parameterRef="Width"')
    with pytest.raises(ScenarioErrors, match="undeclared parameter"):
        import_openscenario(write_xosc(bad))
    missing = path.read_text().replace('entryName="box"', 'entryName="bus"')
    with pytest.raises(ScenarioErrors, match="has no entry 'bus'; entries: box"):
        import_openscenario(write_xosc(missing))
