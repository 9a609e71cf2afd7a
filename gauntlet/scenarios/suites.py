"""Suites: named selections of scenarios by id pattern, tag and category.

A suite file (``scenarios/suites/<name>.yaml``) holds one mapping::

    name: nightly
    description: Everything in the library.
    include: ["*"]            # fnmatch patterns over scenario ids
    exclude: ["*/slow_*"]
    categories: []            # empty: any
    tags: []                  # empty: any; else a scenario needs one of them

A scenario is in the suite when it matches an ``include`` pattern, no
``exclude`` pattern, and the category and tag filters.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from gauntlet.scenarios.convert import INVALID, Converter
from gauntlet.scenarios.domains import DomainCategory
from gauntlet.scenarios.errors import ScenarioError, ScenarioErrors
from gauntlet.scenarios.loader import load_yaml_with_lines
from gauntlet.scenarios.schema import Category, Scenario, SourceInfo
from gauntlet.scenarios.spec import param
from gauntlet.scenarios.variations import scenario_id


@dataclass(frozen=True)
class Suite:
    """A named selection of scenarios."""

    name: str = param(doc="Suite name.")
    description: str = param("", doc="What the suite is for.")
    include: tuple[str, ...] = param(
        doc="Id patterns (fnmatch) to include.", factory=lambda: ("*",)
    )
    exclude: tuple[str, ...] = param(doc="Id patterns to leave out.", factory=tuple)
    categories: tuple[Category | DomainCategory, ...] = param(
        doc="Only these categories (empty: any).", factory=tuple
    )
    tags: tuple[str, ...] = param(
        doc="Only scenarios with one of these tags (empty: any).", factory=tuple
    )

    def selects(self, scenario: Scenario) -> bool:
        """Whether ``scenario`` belongs to the suite."""
        sid = scenario_id(scenario)
        if not any(fnmatch.fnmatchcase(sid, p) for p in self.include):
            return False
        if any(fnmatch.fnmatchcase(sid, p) for p in self.exclude):
            return False
        if self.categories and scenario.category not in self.categories:
            return False
        return not self.tags or bool(set(self.tags) & set(scenario.tags))

    def select(self, scenarios: Iterable[Scenario]) -> list[Scenario]:
        return [s for s in scenarios if self.selects(s)]


def load_suite(path: str | os.PathLike[str]) -> Suite:
    """Read a suite file; errors name file, line and key."""
    file = os.fspath(path)
    try:
        text = Path(file).read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioErrors(
            [ScenarioError(file, None, (), f"cannot read the suite file: {exc}")]
        ) from None
    data, lines = load_yaml_with_lines(text, file)
    converter = Converter(SourceInfo(file, lines))
    suite = converter.build(Suite, data if isinstance(data, dict) else {}, ())
    if converter.errors or suite is INVALID:
        raise ScenarioErrors(
            list(converter.errors) or [ScenarioError(file, 1, (), "expected a suite mapping")]
        )
    return suite


def find_suite(name_or_path: str, suites_dir: Path) -> Suite:
    """A suite by file path, or by name in ``suites_dir``."""
    candidate = Path(name_or_path)
    if candidate.suffix in (".yaml", ".yml") or candidate.is_file():
        return load_suite(candidate)
    path = suites_dir / f"{name_or_path}.yaml"
    if not path.is_file():
        known = sorted(p.stem for p in suites_dir.glob("*.yaml"))
        raise ScenarioErrors(
            [
                ScenarioError(
                    str(path),
                    None,
                    (),
                    f"no suite {name_or_path!r}; known suites: {', '.join(known) or 'none'}",
                )
            ]
        )
    return load_suite(path)


def select_ids(scenarios: Sequence[Scenario], patterns: Sequence[str]) -> list[Scenario]:
    """The scenarios whose id matches one of ``patterns`` (exact ids or fnmatch patterns)."""
    return [s for s in scenarios if any(fnmatch.fnmatchcase(scenario_id(s), p) for p in patterns)]
