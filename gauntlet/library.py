"""Where the shipped scenario library and assets live."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def library_root() -> Path:
    """The scenario library folder (``scenarios/`` of the source tree, or its installed copy)."""
    for candidate in (_PACKAGE / "_library", _PACKAGE.parent / "scenarios"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        "the Gauntlet scenario library is not installed (no scenarios/ folder found)"
    )
