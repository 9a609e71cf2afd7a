"""JUnit XML: schema-valid, counts right, failures and errors spelled out, text escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
import xmlschema

from gauntlet.evaluation.reports import junit_xsd, write_junit
from gauntlet.evaluation.result import CriterionResult, ScenarioResult, Status, SuiteResult
from tests.evaluation.reports.stacks import CRASH_MESSAGE


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(junit_xsd())


@pytest.fixture(scope="module")
def junit(suite, tmp_path_factory) -> ET.Element:
    path = write_junit(suite, tmp_path_factory.mktemp("junit") / "out" / "junit.xml")
    return ET.parse(path).getroot()


def _case(root: ET.Element, name: str) -> ET.Element:
    (case,) = [c for c in root.iter("testcase") if c.get("name") == name]
    return case


def test_written_file_validates_against_the_schema(suite, schema, tmp_path):
    path = write_junit(suite, tmp_path / "junit.xml", name="nightly")
    schema.validate(str(path))
    assert path.read_bytes().startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    assert ET.parse(path).getroot().get("name") == "nightly"


def test_schema_rejects_what_ci_systems_would_not_read(schema):
    assert not schema.is_valid(
        "<testsuites><testsuite tests='1'><testcase name='a'/></testsuite></testsuites>"
    )
    assert not schema.is_valid(
        "<testsuites><testsuite name='s' tests='1'><testcase/></testsuite></testsuites>"
    )
    assert not schema.is_valid(
        "<testsuites><testsuite name='s' tests='1'><testcase name='a'><system-out/>"
        "<failure/></testcase></testsuite></testsuites>"
    )
    assert schema.is_valid(
        "<testsuites><testsuite name='s' tests='1'><properties><property name='k' value='v'/>"
        "</properties><testcase name='a' time='0.5'><failure message='m'>t</failure><system-out>o"
        "</system-out></testcase><system-out/></testsuite></testsuites>"
    )


def test_counts_match_the_results(suite, junit):
    counts = suite.counts()
    assert junit.tag == "testsuites"
    assert int(junit.get("tests")) == counts["total"] == 5
    assert int(junit.get("failures")) == counts["FAIL"] == 1
    assert int(junit.get("errors")) == counts["ERROR"] == 1
    assert int(junit.get("skipped")) == 0
    by_category: dict[str, list[ScenarioResult]] = {}
    for r in suite.results:
        by_category.setdefault(r.category, []).append(r)
    suites = {ts.get("name"): ts for ts in junit.findall("testsuite")}
    assert set(suites) == {f"gauntlet.{c}" for c in by_category}
    for category, results in by_category.items():
        ts = suites[f"gauntlet.{category}"]
        assert int(ts.get("tests")) == len(results) == len(ts.findall("testcase"))
        assert int(ts.get("failures")) == sum(r.status is Status.FAIL for r in results)
        assert int(ts.get("errors")) == sum(r.status is Status.ERROR for r in results)
        assert [c.get("name") for c in ts.findall("testcase")] == [r.id for r in results]
        assert {c.get("classname") for c in ts.findall("testcase")} == {f"gauntlet.{category}"}


def test_failure_lists_each_failed_criterion_with_values_units_and_events(suite, junit):
    result = next(r for r in suite.results if r.status is Status.FAIL)
    case = _case(junit, result.id)
    (failure,) = case.findall("failure")
    assert case.find("error") is None
    failed = {c.name: c for c in result.failed_criteria}
    assert {"collision", "min_ttc"} <= set(failed)
    text, message = failure.text, failure.get("message")
    assert f"{len(failed)} of {len(result.criteria)} criteria failed" in text
    assert "collision: FAIL, actual 1 count, threshold 0 count" in text
    ttc = failed["min_ttc"]
    assert f"min_ttc: FAIL, actual {ttc.actual:.6g} s, threshold 1.5 s" in text
    assert "event at t=" in text and "other=lead" in text and "other_type=car" in text
    assert "collision: actual 1 count, threshold 0 count" in message
    assert "stop reason: collision" in text


def test_error_carries_type_message_and_the_whole_text(suite, junit):
    result = next(r for r in suite.results if r.status is Status.ERROR)
    (error,) = _case(junit, result.id).findall("error")
    assert error.get("type") == "RuntimeError"
    assert error.get("message") == "RuntimeError: " + CRASH_MESSAGE.replace("\x1b", "\\x1b")
    assert "Traceback (most recent call last)" in error.text


def test_system_out_and_properties_describe_each_scenario(suite, junit):
    for r in suite.results:
        out = _case(junit, r.id).find("system-out").text
        assert out.startswith(f"stop reason: {r.stop_reason}")
        assert f"seed: {r.seed}" in out and f"stack: {r.stack}" in out
    props = {p.get("name"): p.get("value") for p in junit.iter("property")}
    passed = next(r for r in suite.results if r.status is Status.PASS)
    assert props[f"{passed.id}.seed"] == str(passed.seed)
    assert props[f"{passed.id}.stack"] == passed.stack
    assert float(props[f"{passed.id}.metric.distance_m"]) == passed.metrics["distance_m"]


def _tricky_suite() -> SuiteResult:
    criterion = CriterionResult(
        'gap<2m & "close"',
        Status.FAIL,
        1.25,
        2.0,
        "m",
        ({"time_s": 3.5, "other": "<truck> & 'trailer'", "note": "bell\x07 nul\x00 ü"},),
    )
    fail = ScenarioResult(
        id="odd/<scenario> & 'quotes'",
        name="odd",
        file="/tmp/a&b.yaml",
        category="urban",
        tags=("x",),
        seed=7,
        stack="pkg.mod:Stack",
        status=Status.FAIL,
        criteria=(criterion,),
        metrics={"min_ttc_s": float("inf")},
        scores={"driving_score": 42.0},
        stop_reason="stop <condition> \ud800",
    )
    error = ScenarioResult(
        id="err]]>",
        name="err",
        file="",
        category="urban",
        tags=(),
        seed=1,
        stack="s",
        status=Status.ERROR,
        error="ValueError: ]]> <![CDATA[ \x1b[1mbold\x1b[0m",
    )
    skipped = ScenarioResult(
        id="later", name="later", file="", category="v2x", tags=(), seed=0, stack="s",
        status=Status.NOT_EVALUATED,
    )  # fmt: skip
    return SuiteResult((fail, error, skipped), "not a date", 1.0, 1, None)


def test_special_characters_are_escaped_and_control_characters_replaced(schema, tmp_path):
    path = write_junit(_tricky_suite(), tmp_path / "junit.xml")
    raw = path.read_text(encoding="utf-8")
    assert "\x00" not in raw and "\x07" not in raw and "\x1b" not in raw
    assert "<scenario>" not in raw and "&lt;scenario&gt; &amp;" in raw
    schema.validate(str(path))
    root = ET.parse(path).getroot()
    assert root.get("timestamp") is None
    case = _case(root, "odd/<scenario> & 'quotes'")
    failure = case.find("failure")
    assert 'gap<2m & "close": FAIL, actual 1.25 m, threshold 2 m' in failure.text
    assert "other=<truck> & 'trailer'" in failure.text
    assert "bell\\x07 nul\\x00 ü" in failure.text
    assert "stop <condition> \\xd800" in case.find("system-out").text
    error = _case(root, "err]]>").find("error")
    assert error.get("type") == "ValueError"
    assert error.text == "ValueError: ]]> <![CDATA[ \\x1b[1mbold\\x1b[0m"
    assert _case(root, "later").find("skipped") is not None
    assert root.get("skipped") == "1"
    props = {p.get("name"): p.get("value") for p in root.iter("property")}
    assert props["odd/<scenario> & 'quotes'.score.driving_score"] == "42.0"
    assert props["odd/<scenario> & 'quotes'.metric.min_ttc_s"] == "inf"
