"""Logical scenarios: expand a parameter sweep into concrete scenarios.

A scenario file with a ``variations`` block is a *logical* scenario. Its
concrete scenarios are the full factorial of ``grid`` and ``ranges``, each
combined with ``samples`` seeded random draws of the ``random`` parameters.
Each gets

* an id that encodes its parameter values, e.g.
  ``ncap/ccrs/speed_kph=30,overlap_pct=50`` (numbers in their shortest form),
  so a failure in CI can be rerun alone with ``gauntlet run --id``;
* a seed derived from that id, so it is the same wherever and in whatever
  order the suite runs.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
from collections.abc import Callable, Mapping

import numpy as np

from gauntlet.scenarios.schema import Scalar, Scenario, Variations

#: Digits kept when a swept float becomes part of an id.
ID_DIGITS = 6


def format_value(value: Scalar) -> str:
    """A parameter value as it appears in an id (``30``, ``0.5``, ``-75``, ``true``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        rounded = round(value, ID_DIGITS)
        return str(int(rounded)) if rounded == int(rounded) else repr(rounded)
    return str(value)


def _range_values(start: float, stop: float, step: float) -> list[float]:
    count = int(np.floor((stop - start) / step + 1e-9)) + 1
    return [round(start + k * step, 12) for k in range(max(count, 0))]


def _draws(v: Variations, seed: int) -> list[dict[str, float]]:
    names = sorted(v.random)
    if not names or v.samples == 0:
        return [{}]
    rng = np.random.default_rng(seed)
    if v.method == "latin_hypercube":
        # One draw in each of `samples` equal strata per parameter, strata shuffled independently.
        u = (np.arange(v.samples)[:, None] + rng.random((v.samples, len(names)))) / v.samples
        for j in range(len(names)):
            u[:, j] = u[rng.permutation(v.samples), j]
    else:
        u = rng.random((v.samples, len(names)))
    out = []
    for row in u:
        out.append(
            {
                n: float(v.random[n].low + x * (v.random[n].high - v.random[n].low))
                for n, x in zip(names, row, strict=True)
            }
        )
    return out


def assignments(v: Variations, seed: int = 0) -> list[dict[str, Scalar]]:
    """Every concrete parameter assignment of a sweep, in a stable order."""
    axes: dict[str, list[Scalar]] = {name: list(values) for name, values in v.grid.items()}
    for name, r in v.ranges.items():
        axes[name] = _range_values(r.start, r.stop, r.step)
    names = list(axes)
    out: list[dict[str, Scalar]] = []
    for point in itertools.product(*(axes[n] for n in names)):
        base = dict(zip(names, point, strict=True))
        if any(excluded(base, rule) for rule in v.exclude):
            continue
        point_seed = seed ^ int.from_bytes(
            hashlib.sha1(repr(sorted(base.items())).encode()).digest()[:4], "big"
        )
        for k, draw in enumerate(_draws(v, point_seed)):
            combined = {**base, **draw}
            if draw:
                combined["sample"] = k
            out.append(combined)
    return out


def excluded(point: Mapping[str, Scalar], rule: Mapping[str, Scalar]) -> bool:
    """Whether a grid point matches every value of an ``exclude`` entry."""
    return all(
        name in point
        and point[name] == value
        and isinstance(point[name], bool) == isinstance(value, bool)  # true is not 1
        for name, value in rule.items()
    )


def scenario_id(scenario: Scenario) -> str:
    """The stable id of a scenario: its name, plus ``/k=v,...`` for a member of a sweep."""
    sid = scenario.name
    if scenario.variation:
        sid += "/" + ",".join(f"{k}={format_value(v)}" for k, v in scenario.variation)
    return sid


def derived_seed(scenario_id_text: str, base_seed: int) -> int:
    """A seed from the id (and the file's seed), the same on every machine."""
    digest = hashlib.sha1(scenario_id_text.encode()).digest()
    return (int.from_bytes(digest[:4], "big") ^ base_seed) & 0x7FFFFFFF


def concrete(base: Scenario, reload: Callable[[Mapping[str, Scalar]], Scenario]) -> list[Scenario]:
    """The concrete scenarios of ``base`` (itself alone when it has no sweep).

    ``reload(parameters)`` re-reads the logical scenario with parameter overrides.
    """
    if base.variations is None:
        return [base]
    out = []
    for values in assignments(base.variations, base.seed):
        s = reload({k: v for k, v in values.items() if k != "sample"})
        s = dataclasses.replace(s, variation=tuple(values.items()))
        out.append(dataclasses.replace(s, seed=derived_seed(scenario_id(s), base.seed)))
    return out
