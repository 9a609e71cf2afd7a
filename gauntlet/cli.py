"""The ``gauntlet`` command.

Exit codes: 0 everything passed, 1 a scenario failed or errored, 2 a usage or
input error (bad file, unknown stack). User mistakes never print a traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A mistake in the command line or the input files; printed without a traceback."""


def _console():  # noqa: ANN202
    from rich.console import Console

    return Console(stderr=False, highlight=False, soft_wrap=True)


def _load_all(paths: Sequence[str]) -> tuple[list, list[str]]:
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


def _select(args: argparse.Namespace, paths: Sequence[str]) -> list:
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
    scenarios, errors = _load_all(roots)
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


def _check_stacks(scenarios: Sequence, override: str | None) -> list[str]:
    """Build each scenario's stack once (name and parameters); return the errors."""
    from gauntlet.agents.stack import StackError, make_stack
    from gauntlet.scenarios.errors import error_at

    errors, seen = [], set()
    for s in scenarios:
        # Non-driving domains name their stack at the top level, without parameters.
        ego = getattr(s, "ego", None)
        params = ego.params if ego is not None else {}
        name = override or (ego.stack if ego is not None else s.stack)
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
        close = getattr(stack, "close", None)
        if callable(close):
            close()
    return errors


# --------------------------------------------------------------------------- commands


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
    scenarios = _select(args, args.paths)
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
    stack_errors = _check_stacks(scenarios, args.stack)
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
    console = _console()
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


def cmd_validate(args: argparse.Namespace) -> int:
    from gauntlet.scenarios.errors import ScenarioError, ScenarioErrors
    from gauntlet.world.builder import build_world

    scenarios, errors = _load_all(args.paths)
    for s in scenarios:
        if not hasattr(s, "map"):
            continue  # other domains' worlds are built by their runners
        try:
            build_world(s)
        except (ScenarioError, ScenarioErrors) as exc:
            errors.append(str(exc))
    errors.extend(_check_stacks(scenarios, None))
    for e in errors:
        print(e, file=sys.stderr)
    if errors:
        print(f"{len(errors)} error(s)", file=sys.stderr)
        return EXIT_FAIL
    print(f"{len(scenarios)} scenario(s) valid")
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    from collections import Counter

    from gauntlet.runner.single import scenario_id

    scenarios = _select(args, [args.path] if args.path else [])
    if args.count:
        counts = Counter(s.category for s in scenarios)
        if args.json:
            print(json.dumps({**dict(sorted(counts.items())), "total": len(scenarios)}, indent=2))
        else:
            for category, n in sorted(counts.items()):
                print(f"{category:<12} {n:>6}")
            print(f"{'total':<12} {len(scenarios):>6}")
        return EXIT_OK
    rows = [
        {
            "id": scenario_id(s),
            "name": s.name,
            "category": s.category,
            "tags": list(s.tags),
            "file": s.source.file if s.source else "",
            "seed": s.seed,
            "description": s.description,
        }
        for s in scenarios
    ]
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        width = max((len(r["id"]) for r in rows), default=10)
        for r in rows:
            print(f"{r['id']:<{width}}  {r['category']:<10}  {', '.join(r['tags'])}")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from gauntlet.world.recorder import Trace

    path = Path(args.trace)
    if not path.is_file():
        raise UsageError(f"{path}: no such trace file")
    try:
        trace = Trace.load(path)
    except (OSError, ValueError, KeyError) as exc:
        raise UsageError(f"{path}: not a Gauntlet trace ({exc})") from None
    text = trace.to_csv()
    if args.output:
        Path(args.output).write_text(text)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from gauntlet.scenarios.domains import domain_names
    from gauntlet.scenarios.jsonschema import scenario_json_schema

    if args.domain not in domain_names():
        raise UsageError(f"unknown domain {args.domain!r}; known: {', '.join(domain_names())}")
    print(json.dumps(scenario_json_schema(args.domain), indent=2))
    return EXIT_OK


def cmd_bench(args: argparse.Namespace) -> int:
    from gauntlet.bench import BENCHMARKS, run_benchmark

    if args.name not in BENCHMARKS:
        raise UsageError(
            f"unknown benchmark {args.name!r}; available: {', '.join(sorted(BENCHMARKS))}"
        )
    try:
        result = run_benchmark(args.name, quick=args.quick)
    except ImportError as exc:
        raise UsageError(
            f"benchmark {args.name!r} needs a package that is missing: {exc}"
        ) from None
    if args.json:
        print(json.dumps(result))
    else:
        for k, v in result.items():
            print(f"{k:>28}: {v}")
    return EXIT_OK


def cmd_skills(args: argparse.Namespace) -> int:
    """Robots, primitives, skills and derived skills with their measured success rates."""
    from gauntlet.skills.catalog import RATES_FILE, measure_success_rates, skill_catalog

    if args.transfer:
        from gauntlet.skills.transfer import transfer_gap

        gap = transfer_gap(jobs=args.jobs)
        if args.json:
            print(json.dumps(gap))
        else:
            for name, row in {**gap["skills"], "overall": gap["overall"]}.items():
                print(
                    f"{name:<16} nominal {row['nominal_success']:.0%}"
                    f"  reality {row['reality_success']:.0%}"
                    f"  retained {row['retained']:.0%}"
                    f"  trajectory error {row['trajectory_error_m'] * 1e3:.1f} mm"
                )
        return EXIT_OK
    rates = None
    if args.measure:
        rates = measure_success_rates(jobs=args.jobs)
        try:  # kept with the package, so that later listings show them
            RATES_FILE.write_text(json.dumps(rates, indent=2) + "\n", encoding="utf-8")
        except OSError as exc:
            print(f"gauntlet skills: rates not kept ({RATES_FILE}: {exc})", file=sys.stderr)
    catalog = skill_catalog(rates)
    if args.json:
        print(json.dumps(catalog))
        return EXIT_OK
    print("robots:     " + ", ".join(r["name"] for r in catalog["robots"]))
    print("primitives: " + ", ".join(catalog["primitives"]))
    for group in ("skills", "derived_skills"):
        print(f"{group}:")
        for s in catalog[group]:
            rate = "not measured" if s["success_rate"] is None else f"{s['success_rate']:.0%}"
            print(f"  {s['name']:<28} {rate}")
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from gauntlet.bridges.carla.serve import serve

    try:
        return serve(args)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


# --------------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="gauntlet", description="Simulation testbed for autonomous driving and robotics."
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    r = sub.add_parser("run", help="run scenarios and score them")
    r.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="scenario files or folders (default: the library; without --suite/--id, its smoke suite)",
    )
    r.add_argument("--suite", help="a suite name from scenarios/suites/, or a suite file")
    r.add_argument(
        "--id", action="append", help="only this scenario id (or fnmatch pattern); repeatable"
    )
    r.add_argument("--category", help="only scenarios of this category")
    r.set_defaults(default_smoke=True)
    r.add_argument(
        "--out", default="gauntlet-results", help="results folder (default: ./gauntlet-results)"
    )
    r.add_argument("--seed", type=int, help="override every scenario's seed")
    r.add_argument("--stack", help="stack name or module:Class (default: each scenario's own)")
    r.add_argument(
        "--carla-port",
        type=int,
        metavar="PORT",
        help="with --stack carla: the CARLA-compatible server's RPC port (default 2000; 0: any free port)",
    )
    r.add_argument("--jobs", type=int, help="worker processes (default: one per core)")
    r.add_argument("--no-plots", action="store_true", help="skip the bird's-eye-view PNGs")
    r.add_argument("--quiet", action="store_true", help="no progress bar or table")
    r.add_argument(
        "--timeout",
        type=float,
        default=600.0,
        metavar="S",
        help="seconds a scenario may run before it is stopped as an ERROR (0: no limit; default 600)",
    )
    r.add_argument(
        "--memory-mb",
        type=int,
        metavar="MB",
        help="address-space cap per scenario; beyond it: ERROR",
    )
    r.add_argument(
        "--resume",
        metavar="DIR",
        help="continue an interrupted run in DIR; finished scenarios are kept",
    )
    r.add_argument(
        "--shard",
        metavar="I/N",
        help="run only shard I of N (stable across runs); join with gauntlet merge",
    )
    r.add_argument(
        "--fail-on",
        choices=("any", "failure", "error", "never"),
        default="any",
        help="which outcomes make the exit status 1 (default: any FAIL or ERROR)",
    )
    r.add_argument(
        "--backend",
        choices=("local", "ray"),
        default="local",
        help="local processes or a Ray cluster",
    )
    r.add_argument("--address", help="Ray cluster address (default: start a local Ray)")
    r.add_argument("--junit", metavar="FILE", help="JUnit XML file (default: OUT/junit.xml)")
    r.add_argument(
        "--db", metavar="PATH", help="results database to add the run to (default: OUT/results.db)"
    )
    r.add_argument("--label", help="a name for this run in the database (e.g. a branch)")
    r.set_defaults(func=cmd_run)

    m = sub.add_parser("merge", help="join the results folders of a sharded run")
    m.add_argument("dirs", nargs="+", metavar="DIR")
    m.add_argument("--out", required=True, help="folder for the merged results")
    m.add_argument("--fail-on", choices=("any", "failure", "error", "never"), default="any")
    m.set_defaults(func=cmd_merge)

    c = sub.add_parser("compare", help="regressions, fixes and metric changes from run A to run B")
    c.add_argument(
        "run_a", metavar="RUN_A", help="run id or prefix, latest, latest~N, or a results folder"
    )
    c.add_argument("run_b", metavar="RUN_B")
    c.add_argument(
        "--db",
        default="gauntlet-results/results.db",
        help="database (default: gauntlet-results/results.db)",
    )
    c.add_argument(
        "--tolerance", type=float, default=0.05, help="relative metric tolerance (default 0.05)"
    )
    c.add_argument(
        "--metric", action="append", help="compare only these metrics or scores (repeatable)"
    )
    c.set_defaults(func=cmd_compare)

    hi = sub.add_parser("history", help="one scenario over the stored runs")
    hi.add_argument("scenario_id", metavar="ID")
    hi.add_argument("--db", default="gauntlet-results/results.db")
    hi.add_argument("--limit", type=int, default=50)
    hi.set_defaults(func=cmd_history)

    ru = sub.add_parser("runs", help="list the runs in a results database")
    ru.add_argument("--db", default="gauntlet-results/results.db")
    ru.set_defaults(func=cmd_runs)

    v = sub.add_parser("validate", help="check scenario files; exit 1 on any error")
    v.add_argument("paths", nargs="+", metavar="PATH")
    v.set_defaults(func=cmd_validate)

    ls = sub.add_parser("list", help="list scenarios")
    ls.add_argument("path", nargs="?", metavar="PATH")
    ls.add_argument("--json", action="store_true")
    ls.add_argument("--count", action="store_true", help="counts per category")
    ls.add_argument("--category", help="only this category")
    ls.add_argument("--suite", help="only this suite")
    ls.add_argument("--id", action="append", help="only ids matching this pattern")
    ls.set_defaults(func=cmd_list)

    e = sub.add_parser("export", help="export a trace")
    e.add_argument("trace", metavar="TRACE", help="a .trace.npz file from a run")
    e.add_argument(
        "--csv",
        action="store_true",
        required=True,
        help="write CSV (time,id,name,x,y,z,h,p,r,speed)",
    )
    e.add_argument("-o", "--output", help="file to write (default: standard output)")
    e.set_defaults(func=cmd_export)

    s = sub.add_parser("schema", help="print the JSON Schema of the scenario format")
    s.add_argument(
        "--domain", default="driving", help="driving (default), drone, swarm or skill scenarios"
    )
    s.set_defaults(func=cmd_schema)

    b = sub.add_parser("bench", help="run a benchmark")
    b.add_argument("name", metavar="NAME")
    b.add_argument("--json", action="store_true", help="one JSON object on standard output")
    b.add_argument("--quick", action="store_true", help="a short run (for tests)")
    b.set_defaults(func=cmd_bench)

    sk = sub.add_parser("skills", help="robot arms, primitives, skills and their success rates")
    sk.add_argument("--json", action="store_true", help="one JSON object on standard output")
    sk.add_argument(
        "--measure", action="store_true", help="run every skill on every robot and record the rates"
    )
    sk.add_argument(
        "--transfer", action="store_true", help="measure the sim-to-real gap (nominal vs perturbed)"
    )
    sk.add_argument("--jobs", type=int, help="worker processes of --measure/--transfer (default 2)")
    sk.set_defaults(func=cmd_skills)

    from gauntlet.bridges.carla.serve import add_arguments as add_carla_arguments

    sv = sub.add_parser("serve", help="serve a simulation to external clients")
    servers = sv.add_subparsers(dest="protocol", required=True, metavar="PROTOCOL")
    carla = servers.add_parser("carla", help="a server CARLA's Python client (0.9.16) connects to")
    add_carla_arguments(carla)
    carla.set_defaults(func=cmd_serve)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except UsageError as exc:
        print(f"gauntlet {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (gauntlet ... | head): not an error of ours.
        sys.stderr.close()
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
