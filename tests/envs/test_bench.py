"""``gauntlet bench env`` runs and reports its numbers."""

from __future__ import annotations

from gauntlet.bench import run_benchmark


def test_bench_env_quick_reports_a_rate() -> None:
    result = run_benchmark("env", quick=True)
    assert result["benchmark"] == "env"
    assert result["env"] == "gauntlet/LaneKeep-v0"
    assert result["steps_per_s"] > 0 and result["steps_per_s_unwrapped"] > 0
    assert result["dt_s"] == 0.05
    assert result["batch_env"] == "gauntlet/LaneKeepBatch-v0"
    assert result["batch_num_envs"] == 1024 and result["batch_env_steps_per_s"] > 0
