"""Shared pytest fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def osc_ncap_dir() -> Path:
    """The Euro NCAP OpenSCENARIO/OpenDRIVE collection that sits beside the checkout."""
    path = SHARED_DATA / "osc-ncap"
    if not path.is_dir():
        raise FileNotFoundError(f"expected the osc-ncap data set at {path}")
    return path
