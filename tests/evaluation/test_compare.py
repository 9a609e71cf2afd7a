"""Comparing two runs: regressions, fixes, metric changes against tolerances, the report."""

from __future__ import annotations

from dataclasses import replace

import pytest

from gauntlet.evaluation.compare import (
    compare_runs,
    comparison_exit_code,
    format_comparison,
    is_timing_metric,
)
from gauntlet.evaluation.result import CriterionResult, ScenarioResult, Status, SuiteResult
from gauntlet.library import library_root
from gauntlet.runner.single import RunOptions
from gauntlet.runner.suite import run_suite
from gauntlet.scenarios.loader import load_scenario

SMOKE = ("curve_lane_keep", "follow_lead", "lead_brakes")
FULL_BRAKE = "tests.runner.stacks_for_tests:FullBrake"


def _scenarios(names: tuple[str, ...]) -> list:
    return [load_scenario(library_root() / "smoke" / f"{n}.yaml") for n in names]


@pytest.fixture(scope="module")
def baseline() -> SuiteResult:
    """A real run of a few smoke scenarios with their own (reference) stack; all pass."""
    suite = run_suite(_scenarios(SMOKE), RunOptions(plots=False), jobs=1)
    assert {r.status for r in suite.results} == {Status.PASS}
    return suite


def _with_result(suite: SuiteResult, result: ScenarioResult) -> SuiteResult:
    return replace(suite, results=tuple(result if r.id == result.id else r for r in suite.results))


def _result(suite: SuiteResult, scenario_id: str) -> ScenarioResult:
    return next(r for r in suite.results if r.id == scenario_id)


def test_identical_runs_have_no_changes(baseline):
    c = compare_runs(baseline, baseline)
    assert (c.regressions, c.fixes, c.new, c.removed, c.metric_changes) == ((),) * 5
    assert c.common == len(SMOKE) and comparison_exit_code(c) == 0
    assert format_comparison(c).splitlines()[-1].startswith("0 regressions, 0 fixes")


def test_planted_regression_names_the_newly_failed_criterion(baseline):
    passed = _result(baseline, "lead_brakes")
    criteria = tuple(
        replace(c, status=Status.FAIL, actual=1.0) if c.name == "collision" else c
        for c in passed.criteria
    )
    broken = replace(passed, status=Status.FAIL, criteria=criteria)
    c = compare_runs(baseline, _with_result(baseline, broken), a_name="main", b_name="pr-7")
    assert [r.scenario_id for r in c.regressions] == ["lead_brakes"]
    (regression,) = c.regressions
    assert (regression.old_status, regression.new_status) == (Status.PASS, Status.FAIL)
    (flip,) = regression.newly_failed_criteria
    assert flip.new.name == "collision" and flip.new.actual == 1.0
    assert flip.old is not None and flip.old.status is Status.PASS
    assert comparison_exit_code(c) == 1
    report = format_comparison(c)
    assert report.splitlines()[:2] == ["A = main", "B = pr-7"]
    assert "REGRESSIONS" in report and "lead_brakes: PASS -> FAIL" in report
    assert "collision: FAIL, actual 1 count, threshold 0 count (was PASS, 0 count)" in report
    # The other direction is a fix, and a fix alone does not fail a CI job.
    back = compare_runs(_with_result(baseline, broken), baseline)
    assert [f.scenario_id for f in back.fixes] == ["lead_brakes"] and not back.regressions
    assert comparison_exit_code(back) == 0


def test_a_stack_that_brakes_to_a_stop_is_a_real_regression(baseline):
    braked = run_suite(_scenarios(("curve_lane_keep",)), RunOptions(stack=FULL_BRAKE, plots=False))
    (result,) = braked.results
    assert result.status is Status.FAIL
    c = compare_runs(baseline, _with_result(baseline, result))
    (regression,) = c.regressions
    assert regression.scenario_id == "curve_lane_keep"
    names = [f.new.name for f in regression.newly_failed_criteria]
    assert names == [c.name for c in result.failed_criteria] and "reach" in names
    reach = next(f for f in regression.newly_failed_criteria if f.new.name == "reach")
    assert reach.new.actual > reach.new.threshold
    report = format_comparison(c)
    assert report.index("REGRESSIONS") < report.index("METRIC CHANGES")
    assert f"reach: FAIL, actual {reach.new.actual:.4g} m" in report
    distance = next(m for m in c.metric_changes if m.name == "distance_m")
    assert distance.beyond_tolerance and distance.new < distance.old
    assert comparison_exit_code(c) == 1


def test_metric_change_beyond_tolerance_is_reported_and_within_is_not(baseline):
    r = _result(baseline, "follow_lead")
    metrics = dict(r.metrics)
    metrics["distance_m"] *= 1.02  # within 5 %
    metrics["max_speed_mps"] *= 1.20  # beyond
    c = compare_runs(baseline, _with_result(baseline, replace(r, metrics=metrics)))
    changed = {m.name: m for m in c.metric_changes}
    assert set(changed) == {"distance_m", "max_speed_mps"}
    assert not changed["distance_m"].beyond_tolerance
    assert changed["max_speed_mps"].beyond_tolerance
    assert changed["max_speed_mps"].rel_change == pytest.approx(0.20)
    assert [m.name for m in c.significant_changes] == ["max_speed_mps"]
    report = format_comparison(c)
    assert "max_speed_mps" in report and "+20.0%" in report and "distance_m" not in report
    assert "1 metric change beyond tolerance (1 within)" in report
    assert not c.regressions and comparison_exit_code(c) == 0
    tight = compare_runs(baseline, _with_result(baseline, replace(r, metrics=metrics)), 0.01)
    assert {m.name for m in tight.significant_changes} == {"distance_m", "max_speed_mps"}


def test_absolute_tolerance_covers_values_near_zero(baseline):
    r = _result(baseline, "curve_lane_keep")
    nudged = replace(r, metrics={**r.metrics, "collisions": 1e-9}, scores={"driving_score": 0.5})
    c = compare_runs(
        _with_result(baseline, replace(r, scores={"driving_score": 0.9})),
        _with_result(baseline, nudged),
    )
    by_name = {m.name: m for m in c.metric_changes}
    assert not by_name["collisions"].beyond_tolerance and by_name["collisions"].rel_change is None
    score = by_name["driving_score"]
    assert score.kind == "score" and score.beyond_tolerance and score.old == 0.9


def test_timing_metrics_are_compared_only_when_named(baseline):
    r = _result(baseline, "lead_brakes")
    slow = {k: v * 10 if is_timing_metric(k) else v for k, v in r.metrics.items()}
    other = _with_result(baseline, replace(r, metrics=slow))
    assert compare_runs(baseline, other).metric_changes == ()
    named = compare_runs(baseline, other, metrics=["stack_latency_p99_ms"])
    assert [m.name for m in named.significant_changes] == ["stack_latency_p99_ms"]
    with pytest.raises(ValueError, match="no metric or score named 'min_tc_s'"):
        compare_runs(baseline, other, metrics=["min_tc_s"])


def test_new_removed_and_error_scenarios(baseline):
    extra = replace(_result(baseline, "follow_lead"), id="follow_lead_2")
    errored = replace(
        _result(baseline, "lead_brakes"),
        status=Status.ERROR,
        criteria=(),
        metrics={},
        error="RuntimeError: perception node died\ntraceback",
    )
    b = replace(
        baseline,
        results=(errored, extra, *(r for r in baseline.results if r.id == "follow_lead")),
    )
    c = compare_runs(baseline, b)
    assert [r.id for r in c.new] == ["follow_lead_2"]
    assert [r.id for r in c.removed] == ["curve_lane_keep"]
    (regression,) = c.regressions
    assert regression.new_status is Status.ERROR and regression.criteria == ()
    assert not any(m.scenario_id == "lead_brakes" for m in c.metric_changes)
    report = format_comparison(c)
    assert "error: RuntimeError: perception node died" in report and "traceback" not in report
    assert "NEW SCENARIOS (1)" in report and "REMOVED SCENARIOS (1)" in report
    still = compare_runs(b, replace(b, results=(replace(errored, status=Status.FAIL),)))
    assert [s.scenario_id for s in still.other_changes] == ["lead_brakes"]


def test_repeated_criterion_names_are_matched_in_order(baseline):
    r = _result(baseline, "follow_lead")
    reach = CriterionResult("reach", Status.PASS, 1.0, 3.0, "m")
    a = _with_result(baseline, replace(r, criteria=(reach, reach)))
    failing = replace(reach, status=Status.FAIL, actual=9.0)
    b = _with_result(baseline, replace(r, status=Status.FAIL, criteria=(reach, failing)))
    (regression,) = compare_runs(a, b).regressions
    (flip,) = regression.criteria
    assert flip.new.actual == 9.0 and flip.old == reach


def test_bad_arguments(baseline):
    with pytest.raises(ValueError, match="tolerances"):
        compare_runs(baseline, baseline, rel_tol=-0.1)
    doubled = replace(baseline, results=baseline.results * 2)
    with pytest.raises(ValueError, match="twice"):
        compare_runs(baseline, doubled)
