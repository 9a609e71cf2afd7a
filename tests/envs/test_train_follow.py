"""The train-then-score loop, short form: PPO on Follow-v0, then ``gauntlet run`` with the policy."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from gauntlet.agents.stack import StackError
from gauntlet.envs.policy_stack import ObservationNormaliser, normalisation_path

pytest.importorskip("stable_baselines3", reason="needs the [train] extra")

ROOT = Path(__file__).resolve().parents[2]
_SPEC = importlib.util.spec_from_file_location(
    "train_follow", ROOT / "examples/train_follow/train.py"
)
assert _SPEC is not None and _SPEC.loader is not None
train = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(train)

#: Car-following scenarios of the library the policy is scored on.
FOLLOWING = ("follow_lead", "lead_brakes", "nhtsa/lead_vehicle_moving/lead_kph=20,speed_kph=60")


def test_trained_policy_runs_as_a_stack_under_gauntlet_run(tmp_path: Path) -> None:
    # Short form: 2,048 steps on 2 environments (the full recipe runs 8).
    policy = train.train(steps=2048, out=tmp_path / "follow_ppo.zip", seed=0, n_envs=2)
    assert policy.is_file()
    assert normalisation_path(policy) == tmp_path / "follow_ppo.obs_norm.npz"
    assert normalisation_path(policy).is_file()
    out = tmp_path / "results"
    ids = [arg for i in FOLLOWING for arg in ("--id", i)]
    command = [
        sys.executable, "-m", "gauntlet.cli", "run",
        str(ROOT / "scenarios" / "smoke"), str(ROOT / "scenarios" / "typical" / "nhtsa"),
        *ids, "--stack", "gauntlet.envs.policy_stack:PolicyStack",
        "--out", str(out), "--no-plots", "--quiet", "--jobs", "2", "--fail-on", "error",
    ]  # fmt: skip
    env = {**os.environ, "GAUNTLET_POLICY": str(policy)}
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads((out / "results.json").read_text())
    assert results["stack"] == "gauntlet.envs.policy_stack:PolicyStack"
    assert sorted(s["id"] for s in results["scenarios"]) == sorted(FOLLOWING)
    for s in results["scenarios"]:
        assert s["status"] in ("PASS", "FAIL"), s["error"]
        assert s["steps"] > 0 and s["metrics"]["distance_m"] > 0.0


def test_observation_normaliser_by_hand(tmp_path: Path) -> None:
    path = tmp_path / "p.obs_norm.npz"
    np.savez(path, mean=np.ones(3), var=np.full(3, 3.0), clip=np.float64(2.0), epsilon=1.0)
    norm = ObservationNormaliser(path, 3)
    # (obs - 1) / sqrt(3 + 1), clipped to +-2.
    out = norm(np.array([1.0, 3.0, 100.0], dtype=np.float32))
    assert out.dtype == np.float32
    assert out.tolist() == [0.0, 1.0, 2.0]
    with pytest.raises(StackError, match=r"mean and var must have 92 entries, got \(3,\)"):
        ObservationNormaliser(path, 92)
