"""The Ray backend gives the same results as local processes (real local Ray, 2 CPUs)."""

import ray

from gauntlet.runner.ray_backend import batches, estimated_cost_s
from gauntlet.runner.single import RunOptions
from gauntlet.runner.suite import Backend, run_suite
from gauntlet.scenarios.loader import load_scenario
from tests.runner.test_pool import SMOKE, simulated


def test_tasks_are_batched_to_at_least_100_ms(repo_root):
    scenarios = [load_scenario(repo_root / "scenarios" / "smoke" / f"{n}.yaml") for n in SMOKE] * 5
    groups = batches(scenarios)
    assert sorted(k for g in groups for k in g) == list(range(len(scenarios)))
    for g in groups[:-1]:
        assert sum(estimated_cost_s(scenarios[k]) for k in g) >= 0.1


def test_ray_matches_local(repo_root, tmp_path):
    scenarios = [load_scenario(repo_root / "scenarios" / "smoke" / f"{n}.yaml") for n in SMOKE]
    local = run_suite(scenarios, RunOptions(out_dir=tmp_path / "local", plots=False), jobs=2)
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        remote = run_suite(
            scenarios, RunOptions(out_dir=tmp_path / "ray", plots=False), backend=Backend("ray")
        )
    finally:
        ray.shutdown()
    assert remote.meta["backend"] == "ray"
    assert [simulated(r) for r in remote.results] == [simulated(r) for r in local.results]
    assert (tmp_path / "ray" / "scenarios" / "cut_in.trace.npz").is_file()
