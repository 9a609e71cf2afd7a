"""`gauntlet compare`, `history` and `runs`: read the results database."""

from __future__ import annotations

import argparse
from pathlib import Path

from gauntlet.commands.common import (
    EXIT_OK,
    UsageError,
)


def _open_db(path: str, must_exist: bool = True):  # noqa: ANN202
    """The results database at ``path``; an in-memory one when it does not exist and need not."""
    from gauntlet.evaluation.database import ResultsDB

    if not Path(path).exists():
        if must_exist:
            raise UsageError(f"no results database at {path} (give --db)")
        return ResultsDB(":memory:")
    return ResultsDB(path)


def cmd_compare(args: argparse.Namespace) -> int:
    from gauntlet.evaluation.compare import compare_runs, comparison_exit_code, format_comparison
    from gauntlet.evaluation.merge import ResultsError

    try:
        # Results folders work without a stored database: they are imported on the fly.
        with _open_db(args.db, must_exist=False) as db:
            a, b = db.resolve_run(args.run_a), db.resolve_run(args.run_b)
            comparison = compare_runs(
                db.load_run(a),
                db.load_run(b),
                rel_tol=args.tolerance,
                metrics=args.metric,
                a_name=a,
                b_name=b,
            )
    except ResultsError as exc:
        raise UsageError(str(exc)) from None
    print(format_comparison(comparison))
    return comparison_exit_code(comparison)


def cmd_history(args: argparse.Namespace) -> int:
    from gauntlet.evaluation.compare import format_history
    from gauntlet.evaluation.merge import ResultsError

    try:
        with _open_db(args.db) as db:
            rows = db.history(args.scenario_id, limit=args.limit)
    except ResultsError as exc:
        raise UsageError(str(exc)) from None
    print(format_history(rows))
    return EXIT_OK


def cmd_runs(args: argparse.Namespace) -> int:
    from gauntlet.evaluation.compare import format_runs

    with _open_db(args.db) as db:
        print(format_runs(db.runs()))
    return EXIT_OK
