"""Scenarios run isolated: crashes, hangs and memory blow-ups become ERROR rows."""

import json
import time

import pytest

from gauntlet.cli import main
from gauntlet.evaluation.result import Status
from gauntlet.runner.pool import Limits
from gauntlet.runner.shard import parse_shard, select_shard, shard_of
from gauntlet.runner.single import RunOptions, scenario_id
from gauntlet.runner.suite import run_suite
from gauntlet.scenarios.loader import load_scenario

SMOKE = ["follow_lead", "cut_in", "stationary_target", "cyclist_ahead"]


def simulated(result):
    """Everything about a result that the simulation decides (not wall-clock timings)."""
    metrics = {k: v for k, v in result.metrics.items() if not k.startswith("stack_latency")}
    return result.id, result.status, metrics, result.criteria, result.scores, result.steps


@pytest.fixture
def scenarios(repo_root):
    return [load_scenario(repo_root / "scenarios" / "smoke" / f"{n}.yaml") for n in SMOKE]


@pytest.mark.parametrize(
    ("stack", "expected", "timeout_s"),
    [
        ("Hanging", "timed out after 2 s", 2.0),
        ("HardExit", "exited with code 3 without a result", 60.0),
        ("Segfault", "died from signal SIGSEGV", 60.0),
        ("MemoryHog", "MemoryError", 60.0),
    ],
)
def test_misbehaving_stack_is_an_error_and_the_others_finish(
    scenarios, tmp_path, stack, expected, timeout_s
):
    bad = RunOptions(stack=f"tests.runner.stacks_for_tests:{stack}", out_dir=tmp_path, plots=False)
    t0 = time.perf_counter()
    suite = run_suite(
        scenarios[:2], bad, jobs=2, limits=Limits(timeout_s=timeout_s, memory_mb=1500)
    )
    assert time.perf_counter() - t0 < 60
    assert [r.status for r in suite.results] == [Status.ERROR, Status.ERROR]
    assert all(expected in r.error for r in suite.results), [r.error for r in suite.results]
    # The journal holds both, so nothing is lost.
    assert len((tmp_path / "results.partial.jsonl").read_text().splitlines()) == 2


def test_results_do_not_depend_on_jobs(scenarios, tmp_path):
    one = run_suite(scenarios, RunOptions(plots=False), jobs=1)
    two = run_suite(scenarios, RunOptions(plots=False), jobs=2)
    assert [simulated(r) for r in one.results] == [simulated(r) for r in two.results]
    assert [r.id for r in one.results] == sorted(r.id for r in one.results)


def test_resume_runs_only_what_is_missing(scenarios, tmp_path, capsys):
    full = run_suite(scenarios, RunOptions(out_dir=tmp_path / "full", plots=False), jobs=2)
    out = tmp_path / "part"
    run_suite(
        scenarios[:2], RunOptions(out_dir=out, plots=False), jobs=2
    )  # "interrupted" after two
    seen = []
    resumed = run_suite(
        scenarios, RunOptions(out_dir=out, plots=False), jobs=2, resume=True, on_result=seen.append
    )
    assert len(seen) == 4 and resumed.meta["resumed"] == 2
    assert [simulated(r) for r in resumed.results] == [simulated(r) for r in full.results]


def test_shards_partition_the_suite_stably(scenarios):
    assert parse_shard("2/3") == (2, 3)
    with pytest.raises(ValueError, match="expects i/n"):
        parse_shard("2-3")
    with pytest.raises(ValueError, match="between 1 and n"):
        parse_shard("4/3")
    parts = [select_shard(scenarios, i, 3) for i in (1, 2, 3)]
    ids = sorted(scenario_id(s) for p in parts for s in p)
    assert ids == sorted(scenario_id(s) for s in scenarios)
    assert shard_of("cut_in", 3) == shard_of("cut_in", 3)


def test_cli_timeout_and_exit_policy(repo_root, tmp_path, capsys):
    path = str(repo_root / "scenarios" / "smoke" / "follow_lead.yaml")
    args = [
        "run",
        path,
        "--out",
        str(tmp_path / "r"),
        "--no-plots",
        "--timeout",
        "1",
        "--stack",
        "tests.runner.stacks_for_tests:Hanging",
    ]
    assert main(args) == 1
    row = json.loads((tmp_path / "r" / "results.json").read_text())["scenarios"][0]
    assert row["status"] == "ERROR" and "timed out after 1 s" in row["error"]
    assert main([*args, "--fail-on", "never"]) == 0
    assert main([*args, "--fail-on", "failure"]) == 0  # an ERROR is not a FAIL
    assert main([*args, "--fail-on", "error"]) == 1
