"""`gauntlet run` and `gauntlet merge`: run suites, write reports, print the table."""

from __future__ import annotations

import argparse
import dataclasses
from collections import Counter
from pathlib import Path

from gauntlet.commands.common import (
    EXIT_FAIL,
    EXIT_OK,
    UsageError,
    check_stacks,
    make_console,
    select_scenarios,
)


def cmd_run(args: argparse.Namespace) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from gauntlet.agents.stack import StackError, resolve_stack
    from gauntlet.evaluation.result import Status
    from gauntlet.runner.pool import Limits
    from gauntlet.runner.shard import parse_shard, select_shard
    from gauntlet.runner.single import RunOptions, scenario_id
    from gauntlet.runner.suite import Backend, run_suite

    out = Path(args.resume or args.out)
    if (
        args.resume
        and not (out / "results.partial.jsonl").is_file()
        and not (out / "results.json").is_file()
    ):
        raise UsageError(f"--resume {out}: no results to resume there")
    scenarios = select_scenarios(args, args.paths)
    if not scenarios:
        raise UsageError(f"no scenarios selected from {' '.join(args.paths) or 'the library'}")
    ids = [scenario_id(s) for s in scenarios]
    dupes = sorted(i for i, n in Counter(ids).items() if n > 1)
    if dupes:
        raise UsageError(f"scenario ids must be unique; repeated: {', '.join(dupes)}")
    if args.shard:
        try:
            index, count = parse_shard(args.shard)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        scenarios = select_shard(scenarios, index, count)
    if args.stack:
        try:
            resolve_stack(args.stack)
        except StackError as exc:
            raise UsageError(str(exc)) from None
    stack_errors = check_stacks(scenarios, args.stack)
    if stack_errors:
        raise UsageError("\n".join(stack_errors))
    if args.stack == "carla":
        # Scenario mode: one server and one external client, one scenario at a time.
        args.jobs = 1
        if args.carla_port is not None:
            import os

            os.environ["GAUNTLET_CARLA_PORT"] = str(args.carla_port)
    if args.backend == "ray":
        from gauntlet.runner.ray_backend import check_ray

        try:
            check_ray()
        except ImportError as exc:
            raise UsageError(str(exc)) from None
    options = RunOptions(stack=args.stack, seed=args.seed, out_dir=out, plots=not args.no_plots)
    limits = Limits(timeout_s=args.timeout if args.timeout > 0 else None, memory_mb=args.memory_mb)
    console = make_console()
    with Progress(
        TextColumn("[bold]running"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=console,
        transient=True,
        disable=args.quiet,
    ) as progress:
        task = progress.add_task("", total=len(scenarios))

        def advance(result) -> None:  # noqa: ANN001
            progress.update(task, advance=1, description=f"{result.id} {result.status.value}")

        suite = run_suite(
            scenarios,
            options,
            jobs=args.jobs,
            on_result=advance,
            limits=limits,
            backend=Backend(args.backend, args.address),
            resume=bool(args.resume),
        )
    if args.shard:
        suite = dataclasses.replace(suite, meta={**suite.meta, "shard": args.shard})
    suite.write_json(out / "results.json")
    _write_reports(suite, out, args, console)
    if not args.quiet:
        _print_table(console, suite)
    counts = suite.counts()
    console.print(
        f"{counts['total']} scenarios: {counts['PASS']} passed, {counts['FAIL']} failed, "
        f"{counts['ERROR']} errors in {suite.wall_time_s:.1f} s; results in {out}/results.json"
    )
    for r in suite.results:
        if r.status is Status.ERROR:
            console.print(f"[red]ERROR[/red] {r.id}: {r.error.splitlines()[0] if r.error else ''}")
    return exit_code(counts, args.fail_on)


def exit_code(counts: dict[str, int], fail_on: str) -> int:
    """The run's exit status under the ``--fail-on`` policy."""
    failed = {
        "any": counts["FAIL"] + counts["ERROR"],
        "failure": counts["FAIL"],
        "error": counts["ERROR"],
        "never": 0,
    }[fail_on]
    return EXIT_FAIL if failed else EXIT_OK


def _write_reports(suite, out: Path, args: argparse.Namespace, console) -> None:  # noqa: ANN001
    """JUnit XML, the HTML report and the results database, beside results.json."""
    from gauntlet.evaluation.database import ResultsDB, default_db_path
    from gauntlet.evaluation.reports import write_html_report, write_junit

    junit = write_junit(suite, Path(args.junit) if args.junit else out / "junit.xml")
    report = write_html_report(suite, out)
    db_path = Path(args.db) if args.db else default_db_path(out)
    with ResultsDB(db_path) as db:
        run_id = db.add_run(suite, label=args.label, source=str(out))
    if not args.quiet:
        console.print(f"report: {report}  junit: {junit}  database: {db_path} (run {run_id})")


def _print_table(console, suite) -> None:  # noqa: ANN001
    from rich.table import Table

    style = {"PASS": "green", "FAIL": "red", "ERROR": "bold red"}
    table = Table(show_lines=False)
    for col in (
        "scenario",
        "status",
        "min TTC [s]",
        "max decel [m/s²]",
        "distance [m]",
        "failed criteria",
    ):
        left = col in ("scenario", "failed criteria")
        table.add_column(
            col, justify="left" if left else "right", overflow="fold", no_wrap=not left
        )
    for r in suite.results:
        m = r.metrics
        ttc = m.get("min_ttc_s", -1.0)
        failed = ", ".join(
            f"{c.name}={c.actual:.3g}" if c.actual is not None else c.name
            for c in r.failed_criteria
        )
        table.add_row(
            r.id,
            f"[{style[r.status.value]}]{r.status.value}[/]",
            f"{ttc:.2f}" if ttc >= 0 else "-",
            f"{m.get('max_decel_mps2', 0):.1f}" if m else "-",
            f"{m.get('distance_m', 0):.0f}" if m else "-",
            failed or (r.error or "").splitlines()[0][:60] if r.error else failed,
        )
    console.print(table)


def cmd_merge(args: argparse.Namespace) -> int:
    from gauntlet.evaluation.database import ResultsDB, default_db_path
    from gauntlet.evaluation.merge import ResultsError, format_merge, merge_into
    from gauntlet.evaluation.reports import write_html_report, write_junit

    out = Path(args.out)
    try:
        suite = merge_into([Path(d) for d in args.dirs], out)
    except ResultsError as exc:
        raise UsageError(str(exc)) from None
    write_junit(suite, out / "junit.xml")
    write_html_report(suite, out)
    with ResultsDB(default_db_path(out)) as db:
        db.add_run(suite, source=str(out))
    print(format_merge(suite, out))
    return exit_code(suite.counts(), args.fail_on)
