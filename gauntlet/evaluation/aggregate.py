"""Suite aggregates: pass rates and mean scores per group, with 95 % confidence intervals.

:func:`summarise` groups scenario results (by category, by default) and gives
each group, and the whole suite under ``"all"``, a :class:`GroupSummary`:

* the **pass rate** with a Wilson score interval (it stays inside ``[0, 1]``
  and keeps its coverage for small suites and for rates near 0 or 1, where the
  normal approximation fails);
* the **mean driving score** and **mean closed-loop score** with a Student t
  interval, clipped to the score's range;
* **infractions per km**, pooled over the group: all infractions divided by all
  kilometres driven along the routes (as the CARLA leaderboard does), not a
  mean of per-scenario ratios.

ERROR results count in ``total`` and ``errors`` and as not passed; they have
no scores, so they do not enter the score means. See ``docs/evaluation.md``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from gauntlet.evaluation.result import ScenarioResult, Status

#: Two-sided confidence level of every interval.
CONFIDENCE = 0.95
#: Name of the group that holds every result.
ALL = "all"
#: Smallest distance used as the denominator of infractions per km (CARLA's 1 m floor).
MIN_DRIVEN_KM = 0.001


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its 95 % confidence interval ``[low, high]`` from ``n`` samples."""

    value: float
    low: float
    high: float
    n: int


@dataclass(frozen=True)
class GroupSummary:
    """Counts, pass rate and mean scores of one group of scenario results.

    Attributes:
        name: The group's value (a category, a tag, a stack, ...) or ``"all"``.
        total: Results in the group, errors included.
        passed, failed, errors: Results by status.
        pass_rate: ``passed / total`` with a Wilson score interval.
        driving_score: Mean CARLA driving score (0-100) with a t interval;
            None if no result in the group has scores.
        closed_loop_score: Mean nuPlan-form closed-loop score (0-1) with a t
            interval; None if no result has scores.
        infractions_per_km: Infractions of the group over its kilometres driven
            along the routes; None if no result has scores.
    """

    name: str
    total: int
    passed: int
    failed: int
    errors: int
    pass_rate: Estimate
    driving_score: Estimate | None
    closed_loop_score: Estimate | None
    infractions_per_km: float | None


def wilson_interval(successes: int, n: int, confidence: float = CONFIDENCE) -> Estimate:
    """Proportion ``successes / n`` with its Wilson score interval.

    With ``z`` the normal quantile of the confidence level and ``p = k / n``::

        centre = (p + z^2 / (2n)) / (1 + z^2 / n)
        half   = z / (1 + z^2 / n) * sqrt(p (1 - p) / n + z^2 / (4 n^2))

    For ``n = 0`` the estimate is 0 with the uninformative interval ``[0, 1]``.

    Raises:
        ValueError: If ``successes`` is not in ``[0, n]``.
    """
    if not 0 <= successes <= n:
        raise ValueError(f"successes must lie in [0, n]; got {successes} of {n}")
    if n == 0:
        return Estimate(0.0, 0.0, 1.0, 0)
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    p = successes / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return Estimate(p, max(0.0, centre - half), min(1.0, centre + half), n)


def mean_interval(
    values: Sequence[float],
    confidence: float = CONFIDENCE,
    bounds: tuple[float, float] = (-math.inf, math.inf),
) -> Estimate | None:
    """Sample mean with a Student t interval ``mean +- t(n-1) * s / sqrt(n)``.

    ``s`` is the sample standard deviation (``ddof=1``). The interval is
    clipped to ``bounds``, the range the values can take. One value gives a
    zero-width interval (no spread can be estimated from one run); no values
    give None.
    """
    x = np.asarray(values, dtype=float)
    n = len(x)
    if n == 0:
        return None
    mean = float(x.mean())
    if n == 1:
        return Estimate(mean, mean, mean, 1)
    t = float(stats.t.ppf(0.5 + confidence / 2, n - 1))
    half = t * float(x.std(ddof=1)) / math.sqrt(n)
    low, high = bounds
    return Estimate(mean, max(low, mean - half), min(high, mean + half), n)


def summarise(results: Sequence[ScenarioResult], by: str = "category") -> dict[str, GroupSummary]:
    """One summary per value of the result attribute ``by``, plus ``"all"``.

    Args:
        results: Scenario results of a suite.
        by: A :class:`ScenarioResult` attribute to group by (``category``,
            ``stack``, ``file``, ...). For a tuple-valued attribute such as
            ``tags`` a result joins the group of each of its values.

    Returns:
        Groups in sorted order of their names, then ``"all"``.

    Raises:
        AttributeError: If ``ScenarioResult`` has no attribute ``by``.
    """
    if by not in ScenarioResult.__dataclass_fields__:
        raise AttributeError(f"ScenarioResult has no attribute {by!r} to group by")
    groups: dict[str, list[ScenarioResult]] = {}
    for r in results:
        value = getattr(r, by)
        for key in value if isinstance(value, tuple) else (value,):
            groups.setdefault(str(key), []).append(r)
    out = {name: summarise_group(name, groups[name]) for name in sorted(groups)}
    out[ALL] = summarise_group(ALL, results)
    return out


def summarise_group(name: str, results: Sequence[ScenarioResult]) -> GroupSummary:
    """The :class:`GroupSummary` of ``results`` under the name ``name``."""
    passed = sum(r.status is Status.PASS for r in results)
    failed = sum(r.status is Status.FAIL for r in results)
    errors = sum(r.status is Status.ERROR for r in results)
    scored = [r.scores for r in results if r.status is not Status.ERROR and r.scores]
    driving = mean_interval([s["driving_score"] for s in scored], bounds=(0.0, 100.0))
    closed = mean_interval([s["closed_loop_score"] for s in scored], bounds=(0.0, 1.0))
    per_km = None
    if scored:
        infractions = sum(s.get("infractions", 0.0) for s in scored)
        km = sum(s.get("route_km", 0.0) for s in scored)
        per_km = infractions / max(km, MIN_DRIVEN_KM)
    return GroupSummary(
        name=name,
        total=len(results),
        passed=passed,
        failed=failed,
        errors=errors,
        pass_rate=wilson_interval(passed, len(results)),
        driving_score=driving,
        closed_loop_score=closed,
        infractions_per_km=per_km,
    )
