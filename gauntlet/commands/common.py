"""What every subcommand shares: exit codes, usage errors, loading and selecting scenarios."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A mistake in the command line or the input files; printed without a traceback."""


def make_console() -> Console:
    """A console for the command's tables and summaries (standard output, no highlighting)."""
    from rich.console import Console

    return Console(stderr=False, highlight=False, soft_wrap=True)


def load_all(paths: Sequence[str]) -> tuple[list, list[str]]:
    """Load every concrete scenario under ``paths`` (sweeps expanded); return them and the errors."""
    from gauntlet.scenarios.catalog import find_scenario_files
    from gauntlet.scenarios.errors import ScenarioError, ScenarioErrors
    from gauntlet.scenarios.files import load_file

    try:
        files = find_scenario_files(Path(p) for p in paths)
    except (FileNotFoundError, ValueError, ScenarioErrors) as exc:
        raise UsageError(str(exc)) from None
    scenarios, errors = [], []
    for f in files:
        try:
            scenarios.extend(load_file(f))
        except ScenarioErrors as exc:
            errors.extend(str(e) for e in exc.errors)
        except ScenarioError as exc:
            errors.append(str(exc))
    return scenarios, errors


def select_scenarios(args: argparse.Namespace, paths: Sequence[str]) -> list:
    """Scenarios from ``paths`` (default: the library), narrowed by --suite, --id and --category."""
    from gauntlet.library import library_root
    from gauntlet.scenarios.errors import ScenarioErrors
    from gauntlet.scenarios.suites import find_suite, select_ids

    suite_name = getattr(args, "suite", None)
    ids = getattr(args, "id", None)
    if not paths and not suite_name and not ids and getattr(args, "default_smoke", False):
        suite_name = "smoke"
    suite = None
    if suite_name:
        try:
            suite = find_suite(suite_name, library_root() / "suites")
        except ScenarioErrors as exc:
            raise UsageError(str(exc)) from None
    roots = list(paths)
    if not roots:
        # The library keeps each category in its own folder: read only the ones a suite needs.
        folders = [library_root() / c for c in (suite.categories if suite else ())]
        roots = (
            [str(f) for f in folders]
            if folders and all(f.is_dir() for f in folders)
            else [str(library_root())]
        )
    scenarios, errors = load_all(roots)
    if errors:
        raise UsageError("\n".join(errors))
    if suite is not None:
        scenarios = suite.select(scenarios)
    if ids:
        chosen = select_ids(scenarios, ids)
        if not chosen:
            raise UsageError(f"no scenario with id {' or '.join(ids)}; see gauntlet list")
        scenarios = chosen
    if getattr(args, "category", None):
        scenarios = [s for s in scenarios if s.category == args.category]
    return scenarios


def check_stacks(scenarios: Sequence, override: str | None) -> list[str]:
    """Build each scenario's stack once (name and parameters); return the errors."""
    from gauntlet.agents.stack import StackError, close_stack, make_stack
    from gauntlet.scenarios.domains import DEFAULT_DOMAIN, domain_of, stack_of
    from gauntlet.scenarios.errors import error_at

    errors, seen = [], set()
    for s in scenarios:
        # Non-driving domains name their stack at the top level, without parameters.
        ego = s.ego if domain_of(s) == DEFAULT_DOMAIN else None
        params = ego.params if ego is not None else {}
        name = stack_of(s, override)
        key = (name, repr(sorted(params.items())))
        if key in seen:
            continue
        seen.add(key)
        try:
            stack = make_stack(name, params)
        except StackError as exc:
            path = ("stack",) if ego is None else ("ego", "params") if params else ("ego", "stack")
            errors.append(str(error_at(s.source, path, str(exc))))
            continue
        close_stack(stack)
    return errors
