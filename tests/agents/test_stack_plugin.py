"""The example stack package installs with pip and Gauntlet then finds it by name."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

#: The repository's root (examples/ and scenarios/ live there).
ROOT = Path(__file__).resolve().parents[2]


def test_pip_installed_example_stack_is_found_by_entry_point_and_runs(tmp_path):
    # A copy, so that the build leaves nothing in the source tree.
    source = tmp_path / "my_stack"
    shutil.copytree(ROOT / "examples" / "my_stack", source)
    target = tmp_path / "site"
    # With setuptools at hand the build needs no index (fast, offline); else pip fetches it.
    offline = (
        ["--no-build-isolation", "--no-index"] if importlib.util.find_spec("setuptools") else []
    )
    pip = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", *offline,
         "--target", str(target), "--quiet", str(source)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert pip.returncode == 0, pip.stderr
    assert (target / "my_stack" / "stack.py").is_file()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(target), str(ROOT)]))
    found = subprocess.run(
        [sys.executable, "-c",
         "from gauntlet.agents.stack import resolve_stack, stack_names;"
         "print(resolve_stack('my_stack').__module__, 'my_stack' in stack_names())"],
        capture_output=True, text=True, timeout=60, env=env,
    )  # fmt: skip
    assert found.stdout.split() == ["my_stack.stack", "True"], found.stderr
    out = tmp_path / "out"
    run = subprocess.run(
        [sys.executable, "-m", "gauntlet.cli", "run",
         str(ROOT / "scenarios" / "smoke" / "follow_lead.yaml"), "--stack", "my_stack",
         "--out", str(out), "--quiet", "--no-plots", "--jobs", "1"],
        capture_output=True, text=True, timeout=180, env=env,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    (result,) = json.loads((out / "results.json").read_text())["scenarios"]
    assert result["stack"] == "my_stack" and result["status"] == "PASS"
    # The runner measured every decision of the plugin.
    assert result["steps"] == 600
    assert (
        0.0 < result["metrics"]["stack_latency_p50_ms"] <= result["metrics"]["stack_latency_p99_ms"]
    )
    assert result["metrics"]["collisions"] == 0.0
