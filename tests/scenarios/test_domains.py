"""The ``domain`` key: which document class a file selects, and its errors."""

from __future__ import annotations

import pytest

from gauntlet.scenarios import ScenarioErrors, parse_scenario
from gauntlet.scenarios.domains import DOCUMENTS, domain_names, domain_of
from gauntlet.scenarios.suites import Suite, load_suite

DRIVING = """\
name: plain
map: {procedural: {generator: curve, params: {radius_m: 120, angle_rad: 1.0}}}
entities:
  - {name: ego, type: car, initial: {position: {lane: {road: "1", lane: -1, s_m: 10}}}}
"""


def test_driving_is_the_default_and_may_be_named() -> None:
    implicit = parse_scenario(DRIVING)
    explicit = parse_scenario("domain: driving\n" + DRIVING)
    assert implicit == explicit
    assert domain_of(implicit) == "driving"


def test_unknown_domain_names_line_key_and_the_closest_name() -> None:
    with pytest.raises(ScenarioErrors) as info:
        parse_scenario("name: x\ndomain: dron\n", "flight.yaml")
    (error,) = info.value.errors
    assert error.line == 2
    assert str(error) == "flight.yaml:2: domain: unknown domain 'dron'; did you mean 'drone'?"


def test_domain_must_be_a_name() -> None:
    with pytest.raises(ScenarioErrors) as info:
        parse_scenario("name: x\ndomain: [drone]\n", "f.yaml")
    assert "expected a domain name (driving, drone, skill, swarm), got a list" in str(info.value)


def test_every_domain_is_listed() -> None:
    assert domain_names() == ("driving", *sorted(DOCUMENTS))


def test_suites_select_domain_categories(tmp_path) -> None:
    good = tmp_path / "drones.yaml"
    good.write_text("name: drones\ncategories: [drone]\n")
    assert load_suite(good) == Suite(name="drones", categories=("drone",))
    bad = tmp_path / "boats.yaml"
    bad.write_text("name: boats\ncategories: [boat]\n")
    with pytest.raises(ScenarioErrors) as info:
        load_suite(bad)
    assert "boats.yaml:2: categories[0]" in str(info.value)


@pytest.mark.parametrize("domain", sorted(DOCUMENTS))
def test_library_files_validate_against_their_domain_schema(domain) -> None:
    import yaml

    jsonschema = pytest.importorskip("jsonschema")
    from gauntlet.library import library_root
    from gauntlet.scenarios.jsonschema import scenario_json_schema

    schema = scenario_json_schema(domain)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    files = sorted((library_root() / domain).glob("*.yaml"))
    assert files
    for path in files:
        data = yaml.safe_load(path.read_text())
        assert list(validator.iter_errors(data)) == [], path
    data["descriptoin"] = "typo"
    assert any("descriptoin" in e.message for e in validator.iter_errors(data))


@pytest.mark.parametrize("domain", domain_names())
def test_domain_key_is_accepted_with_and_without_it_by_schema_and_loader(domain) -> None:
    import yaml

    jsonschema = pytest.importorskip("jsonschema")
    from gauntlet.library import library_root
    from gauntlet.scenarios import load_scenario
    from gauntlet.scenarios.jsonschema import scenario_json_schema

    folder = "smoke" if domain == "driving" else domain
    path = sorted((library_root() / folder).glob("*.yaml"))[0]
    validator = jsonschema.Draft202012Validator(scenario_json_schema(domain))
    data = yaml.safe_load(path.read_text())
    with_key = {**data, "domain": domain}
    without_key = {k: v for k, v in data.items() if k != "domain"}
    assert list(validator.iter_errors(with_key)) == [], path
    assert list(validator.iter_errors(without_key)) == [], path
    assert domain_of(load_scenario(path)) == domain
    other = "drone" if domain == "driving" else "driving"
    errors = [e.message for e in validator.iter_errors({**data, "domain": other})]
    assert errors and any(repr(other) in m for m in errors), errors
