"""Fixtures for the scenario loader tests: example files and error helpers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from scenario_samples import docs_example

from gauntlet.scenarios import ScenarioError, ScenarioErrors, load_scenario


@pytest.fixture
def example_text() -> str:
    return docs_example()


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a scenario file under tmp_path and return its path."""

    def write_file(text: str, name: str = "scenario.yaml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write_file


@pytest.fixture
def errors_of(write: Callable[[str, str], Path]) -> Callable[..., list[ScenarioError]]:
    """Load text from a file and return the errors it raises (failing if it loads)."""

    def load_errors(text: str, name: str = "scenario.yaml") -> list[ScenarioError]:
        path = write(text, name)
        with pytest.raises(ScenarioErrors) as info:
            load_scenario(path)
        return info.value.errors

    return load_errors


@pytest.fixture
def one_error(errors_of: Callable[..., list[ScenarioError]]) -> Callable[..., ScenarioError]:
    """Like ``errors_of`` but expects exactly one error."""

    def load_one(text: str, name: str = "scenario.yaml") -> ScenarioError:
        errors = errors_of(text, name)
        assert len(errors) == 1, "\n".join(str(e) for e in errors)
        return errors[0]

    return load_one
