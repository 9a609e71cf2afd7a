"""`gauntlet bench`, `skills` and `serve`: benchmarks, the skill catalogue, servers."""

from __future__ import annotations

import argparse
import json
import sys

from gauntlet.commands.common import (
    EXIT_OK,
    UsageError,
)


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
