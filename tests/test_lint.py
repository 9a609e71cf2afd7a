"""The code base passes the project's linter and formatter (ruff)."""

import shutil
import subprocess

import pytest


def _ruff() -> list[str]:
    exe = shutil.which("ruff")
    if exe is None:
        pytest.fail("ruff is not installed; pip install -e '.[test]'")
    return [exe]


@pytest.mark.parametrize(
    "args", [["check", "gauntlet", "tests"], ["format", "--check", "gauntlet", "tests"]]
)
def test_ruff(repo_root, args):
    proc = subprocess.run(
        [*_ruff(), *args], cwd=repo_root, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
