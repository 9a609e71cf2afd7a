"""JUnit XML, the test-report format every CI system reads.

The layout: one ``<testsuite>`` per scenario category inside one
``<testsuites>``, one ``<testcase classname="gauntlet.<category>">`` per
scenario. A failed scenario carries one ``<failure>`` listing every failed
criterion with its measured value, threshold, units and events; a scenario
that could not run carries an ``<error>`` with the error text; a scenario
that was not evaluated is ``<skipped>``. Each test case's ``<system-out>``
holds the stop reason, seed, stack, scores and metrics in plain text, and the
test suite's ``<properties>`` hold the same values keyed by scenario id
(``<id>.seed``, ``<id>.score.<name>``, ``<id>.metric.<name>``), because the
common schema has no properties on test cases. The document validates
against the schema returned by :func:`junit_xsd`.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

from gauntlet import __version__
from gauntlet.evaluation.result import CriterionResult, ScenarioResult, Status, SuiteResult

#: Characters that XML 1.0 cannot carry, even escaped (control characters, lone surrogates).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: An exception class name at the start of an error text ("RuntimeError: ...").
_EXCEPTION_NAME = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Timeout))\b")


def junit_xsd() -> str:
    """The XML Schema of the JUnit format written here (the common Jenkins/Ant shape)."""
    return files(__package__).joinpath("assets").joinpath("junit.xsd").read_text(encoding="utf-8")


def write_junit(suite: SuiteResult, path: Path, name: str = "gauntlet") -> Path:
    """Write ``suite`` as a JUnit XML report.

    Args:
        suite: The results of one run.
        path: File to write; parent folders are created.
        name: Name of the ``<testsuites>`` root, shown by some CI systems.

    Returns:
        ``path``.
    """
    root = build_junit(suite, name)
    ET.indent(root)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    return path


def build_junit(suite: SuiteResult, name: str = "gauntlet") -> ET.Element:
    """The JUnit document of ``suite`` as an element tree (see :func:`write_junit`)."""
    timestamp = _timestamp(suite.started)
    root = _element("testsuites", name=name, **_counts(suite.results))
    root.set("time", _seconds(suite.wall_time_s))
    if timestamp:
        root.set("timestamp", timestamp)
    for k, (category, results) in enumerate(_by_category(suite.results).items()):
        ts = _element("testsuite", name=f"gauntlet.{category}", **_counts(results))
        ts.set("time", _seconds(sum(r.wall_time_s for r in results)))
        if timestamp:
            ts.set("timestamp", timestamp)
        ts.set("id", str(k))
        ts.set("package", "gauntlet")
        ts.append(_suite_properties(suite, category, results))
        for r in results:
            ts.append(_testcase(r))
        root.append(ts)
    return root


def _clean(text: Any) -> str:
    """``text`` as a string XML can hold: illegal characters shown as ``\\xNN``."""
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", str(text))


def _element(tag: str, text: str | None = None, **attrib: Any) -> ET.Element:
    el = ET.Element(tag, {k: _clean(v) for k, v in attrib.items()})
    if text is not None:
        el.text = _clean(text)
    return el


def _counts(results: Sequence[ScenarioResult]) -> dict[str, int]:
    statuses = [r.status for r in results]
    return {
        "tests": len(statuses),
        "failures": statuses.count(Status.FAIL),
        "errors": statuses.count(Status.ERROR),
        "skipped": statuses.count(Status.NOT_EVALUATED),
    }


def _by_category(results: Iterable[ScenarioResult]) -> dict[str, list[ScenarioResult]]:
    groups: dict[str, list[ScenarioResult]] = {}
    for r in results:
        groups.setdefault(r.category or "uncategorised", []).append(r)
    return groups


def _seconds(value: float) -> str:
    return f"{value:.3f}" if math.isfinite(value) and value > 0 else "0.000"


def _timestamp(started: str) -> str | None:
    """``started`` in UTC without an offset, the form the common schema expects."""
    try:
        when = datetime.fromisoformat(started)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    return when.isoformat(timespec="seconds")


def _number(value: float | None) -> str:
    """A value for people: ``n/a`` for missing, up to six significant digits."""
    if value is None:
        return "n/a"
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def _quantity(value: float | None, units: str) -> str:
    text = _number(value)
    return f"{text} {units}" if units and value is not None else text


def _event_text(event: Mapping[str, Any]) -> str:
    parts = []
    t = event.get("time_s")
    if t is not None:
        parts.append(f"t={t:.3f} s")
    parts.extend(f"{k}={_number(v)}" for k, v in event.items() if k != "time_s")
    return ", ".join(parts) or "(no details)"


def criterion_text(c: CriterionResult) -> str:
    """One line per criterion (value, threshold, units), then one per event."""
    lines = [
        f"{c.name}: {c.status.value}, actual {_quantity(c.actual, c.units)}, "
        f"threshold {_quantity(c.threshold, c.units)}"
    ]
    lines.extend(f"  event at {_event_text(ev)}" for ev in c.events)
    return "\n".join(lines)


def _failure(r: ScenarioResult) -> ET.Element:
    failed = r.failed_criteria
    if failed:
        message = "; ".join(
            f"{c.name}: actual {_quantity(c.actual, c.units)}, "
            f"threshold {_quantity(c.threshold, c.units)}"
            for c in failed
        )
        lines = [f"{len(failed)} of {len(r.criteria)} criteria failed"]
        lines.extend(criterion_text(c) for c in failed)
    else:
        message = r.stop_reason or "failed"
        lines = []
    lines.append(f"stop reason: {r.stop_reason or 'n/a'}")
    return _element("failure", "\n".join(lines), message=message, type="criteria")


def _error(r: ScenarioResult) -> ET.Element:
    text = r.error or "the scenario could not run"
    first = text.strip().splitlines()[0] if text.strip() else text
    match = _EXCEPTION_NAME.match(first)
    return _element("error", text, message=first, type=match.group(1) if match else "error")


def _system_out(r: ScenarioResult) -> str:
    lines = [
        f"stop reason: {r.stop_reason or 'n/a'}",
        f"seed: {r.seed}",
        f"stack: {r.stack}",
        f"simulated: {r.sim_time_s:.2f} s in {r.steps} steps (wall time {r.wall_time_s:.3f} s)",
    ]
    if r.scores:
        lines.append("scores: " + ", ".join(f"{k}={_number(v)}" for k, v in r.scores.items()))
    if r.metrics:
        lines.append("metrics: " + ", ".join(f"{k}={_number(v)}" for k, v in r.metrics.items()))
    if r.criteria:
        lines.append("criteria:")
        lines.extend("  " + line for c in r.criteria for line in criterion_text(c).splitlines())
    return "\n".join(lines)


def _testcase(r: ScenarioResult) -> ET.Element:
    category = r.category or "uncategorised"
    case = _element("testcase", classname=f"gauntlet.{category}", name=r.id or r.name)
    case.set("time", _seconds(r.wall_time_s))
    case.set("assertions", str(sum(c.status is not Status.NOT_EVALUATED for c in r.criteria)))
    if r.file:
        case.set("file", _clean(r.file))
    if r.status is Status.FAIL:
        case.append(_failure(r))
    elif r.status is Status.ERROR:
        case.append(_error(r))
    elif r.status is Status.NOT_EVALUATED:
        case.append(_element("skipped", message=r.stop_reason or "not evaluated"))
    case.append(_element("system-out", _system_out(r)))
    return case


def _property_value(value: Any) -> str:
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _suite_properties(
    suite: SuiteResult, category: str, results: Sequence[ScenarioResult]
) -> ET.Element:
    props = _element("properties")
    rows: list[tuple[str, Any]] = [
        ("gauntlet.version", __version__),
        ("category", category),
        ("started", suite.started),
        ("jobs", suite.jobs),
    ]
    if suite.stack:
        rows.append(("stack", suite.stack))
    for r in results:
        rows.extend(((f"{r.id}.seed", r.seed), (f"{r.id}.stack", r.stack)))
        rows.extend((f"{r.id}.score.{k}", v) for k, v in r.scores.items())
        rows.extend((f"{r.id}.metric.{k}", v) for k, v in r.metrics.items())
    for key, value in rows:
        props.append(_element("property", name=key, value=_property_value(value)))
    return props
