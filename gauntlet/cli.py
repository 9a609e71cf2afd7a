"""The ``gauntlet`` command.

Exit codes: 0 everything passed, 1 a scenario failed or errored, 2 a usage or
input error (bad file, unknown stack). User mistakes never print a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from gauntlet.commands.common import EXIT_OK, EXIT_USAGE, UsageError
from gauntlet.commands.library import cmd_export, cmd_list, cmd_schema, cmd_validate
from gauntlet.commands.results import cmd_compare, cmd_history, cmd_runs
from gauntlet.commands.run import cmd_merge, cmd_run
from gauntlet.commands.tools import cmd_bench, cmd_serve, cmd_skills
from gauntlet.scenarios.domains import DEFAULT_DOMAIN, domain_names

__all__ = ["EXIT_OK", "EXIT_USAGE", "UsageError", "build_parser", "main"]


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
        "--domain",
        default=DEFAULT_DOMAIN,
        choices=domain_names(),
        help=f"the scenarios' domain (default: {DEFAULT_DOMAIN})",
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
