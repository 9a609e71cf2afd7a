"""Suite aggregates: Wilson intervals, t intervals, grouping."""

from __future__ import annotations

import pytest
from scipy import stats

from gauntlet.evaluation.aggregate import (
    Estimate,
    GroupSummary,
    mean_interval,
    summarise,
    wilson_interval,
)
from gauntlet.evaluation.result import ScenarioResult, Status


def test_wilson_interval_for_8_of_10_is_the_textbook_value():
    e = wilson_interval(8, 10)
    assert e.value == 0.8 and e.n == 10
    assert (e.low, e.high) == pytest.approx((0.490, 0.943), abs=5e-4)


def test_wilson_interval_edges():
    assert wilson_interval(0, 0) == Estimate(0.0, 0.0, 1.0, 0)
    none = wilson_interval(0, 20)
    assert none.low == 0.0 and none.high == pytest.approx(0.161, abs=5e-4)
    assert wilson_interval(20, 20).high == 1.0
    with pytest.raises(ValueError, match="successes"):
        wilson_interval(3, 2)


def test_mean_interval_is_a_t_interval():
    values = [60.0, 70.0, 80.0, 90.0]
    e = mean_interval(values)
    half = stats.t.ppf(0.975, 3) * stats.tstd(values) / 2.0
    assert e == Estimate(75.0, pytest.approx(75.0 - half), pytest.approx(75.0 + half), 4)
    assert mean_interval([50.0, 100.0], bounds=(0.0, 100.0)).high == 100.0
    assert mean_interval([42.0]) == Estimate(42.0, 42.0, 42.0, 1)
    assert mean_interval([]) is None


def _r(name, category, status, driving=None, closed=None, infractions=0.0, km=1.0, tags=()):
    scores = {}
    if driving is not None:
        scores = {
            "driving_score": driving,
            "closed_loop_score": closed,
            "infractions": infractions,
            "route_km": km,
        }
    return ScenarioResult(
        name, name, "f.yaml", category, tags, 0, "reference", status, scores=scores
    )


RESULTS = [
    _r("a", "smoke", Status.PASS, 100.0, 1.0, tags=("x",)),
    _r("b", "smoke", Status.FAIL, 50.0, 0.5, infractions=2.0, km=0.5, tags=("x", "y")),
    _r("c", "urban", Status.PASS, 80.0, 0.8, infractions=1.0, km=1.5),
    _r("d", "urban", Status.ERROR),
]


def test_summarise_by_category_with_all():
    groups = summarise(RESULTS)
    assert list(groups) == ["smoke", "urban", "all"]
    every = groups["all"]
    assert isinstance(every, GroupSummary)
    assert (every.total, every.passed, every.failed, every.errors) == (4, 2, 1, 1)
    assert every.pass_rate == wilson_interval(2, 4)
    assert every.driving_score.value == pytest.approx((100 + 50 + 80) / 3)
    assert every.driving_score.n == 3  # the error has no scores
    assert every.closed_loop_score.value == pytest.approx((1.0 + 0.5 + 0.8) / 3)
    assert every.infractions_per_km == pytest.approx(3.0 / 3.0)
    urban = groups["urban"]
    assert urban.errors == 1 and urban.driving_score == Estimate(80.0, 80.0, 80.0, 1)
    assert urban.infractions_per_km == pytest.approx(1.0 / 1.5)


def test_summarise_by_tags_puts_a_result_in_each_of_its_groups():
    groups = summarise(RESULTS, by="tags")
    assert list(groups) == ["x", "y", "all"]
    assert groups["x"].total == 2 and groups["y"].total == 1


def test_a_group_without_scores_has_none():
    g = summarise([_r("e", "smoke", Status.ERROR)])["smoke"]
    assert g.driving_score is None and g.closed_loop_score is None and g.infractions_per_km is None


def test_unknown_grouping_attribute():
    with pytest.raises(AttributeError, match="colour"):
        summarise(RESULTS, by="colour")
