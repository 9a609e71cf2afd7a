"""`gauntlet validate`, `list`, `export` and `schema`: the scenario files and their format."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from gauntlet.commands.common import (
    EXIT_FAIL,
    EXIT_OK,
    UsageError,
    check_stacks,
    load_all,
    select_scenarios,
)


def cmd_validate(args: argparse.Namespace) -> int:
    from gauntlet.scenarios.domains import DEFAULT_DOMAIN, domain_of
    from gauntlet.scenarios.errors import ScenarioError, ScenarioErrors
    from gauntlet.world.builder import build_world

    scenarios, errors = load_all(args.paths)
    for s in scenarios:
        if domain_of(s) != DEFAULT_DOMAIN:
            continue  # other domains' worlds are built by their runners
        try:
            build_world(s)
        except (ScenarioError, ScenarioErrors) as exc:
            errors.append(str(exc))
    errors.extend(check_stacks(scenarios, None))
    for e in errors:
        print(e, file=sys.stderr)
    if errors:
        print(f"{len(errors)} error(s)", file=sys.stderr)
        return EXIT_FAIL
    print(f"{len(scenarios)} scenario(s) valid")
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    from gauntlet.runner.single import scenario_id

    scenarios = select_scenarios(args, [args.path] if args.path else [])
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
    from gauntlet.scenarios.jsonschema import scenario_json_schema

    print(json.dumps(scenario_json_schema(args.domain), indent=2))
    return EXIT_OK
