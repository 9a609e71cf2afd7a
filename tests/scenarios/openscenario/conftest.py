"""Fixtures for the OpenSCENARIO import tests: the NCAP folder and small generated files."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from osc_samples import ROAD, scenario_text

from gauntlet.scenarios.openscenario import OpenScenarioWarning


@pytest.fixture
def ncap(osc_ncap_dir: Path) -> Path:
    """The NCAP scenario folder (base scenarios, Catalogs/, Variations/)."""
    return osc_ncap_dir / "OpenSCENARIO" / "NCAP"


@pytest.fixture
def write_xosc(tmp_path: Path) -> Callable[..., Path]:
    """Write a generated scenario (and its road) under tmp_path; returns the .xosc path."""

    def write(text: str | None = None, name: str = "scenario.xosc", **parts: str) -> Path:
        (tmp_path / "road.xodr").write_text(ROAD, encoding="utf-8")
        path = tmp_path / name
        path.write_text(text if text is not None else scenario_text(**parts), encoding="utf-8")
        return path

    return write


@pytest.fixture
def quiet() -> Iterator[None]:
    """Silence the import's notes (tests that check them use import_openscenario)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OpenScenarioWarning)
        yield
