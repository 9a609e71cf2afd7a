"""Where the shipped scenario library and assets live."""

from __future__ import annotations

import contextlib
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


def assets_root() -> Path:
    """The assets folder (``assets/`` of the source tree, or its installed copy).

    It holds the maps (``maps/*.xodr``) and 3D scenes (``scenes/``) that
    scenario files may name relative to it; see :func:`resolve_asset`.
    """
    for candidate in (_PACKAGE / "_assets", _PACKAGE.parent / "assets"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("the Gauntlet assets are not installed (no assets/ folder found)")


class AssetNotFoundError(FileNotFoundError):
    """A file named by a scenario is in none of the places searched.

    Attributes:
        file: The name as the scenario wrote it.
        searched: The paths tried, in order.
    """

    def __init__(self, file: str, searched: tuple[Path, ...]) -> None:
        self.file = file
        self.searched = searched
        super().__init__(f"{file} not found; {self.looked_for}")

    @property
    def looked_for(self) -> str:
        """The paths tried, as a phrase: ``looked for A and B``."""
        return "looked for " + " and ".join(str(p) for p in self.searched)


def scenario_folder(file: str | None) -> Path:
    """The folder that relative paths in a scenario start from.

    Args:
        file: The scenario's file as recorded in its source (``None``, empty, or a
            name in angle brackets such as ``"<string>"`` for a scenario not read
            from a file).

    Returns:
        The file's folder, or the current working directory when there is no file.
    """
    if file and not file.startswith("<"):
        return Path(file).parent
    return Path.cwd()


def resolve_asset(file: str | Path, base: Path) -> Path:
    """The file a scenario names, found relative to its folder or to :func:`assets_root`.

    The lookup tries, in order: ``base / file`` (``base`` is the scenario
    file's folder), then ``assets_root() / file``. An absolute ``file`` is
    taken as it is.

    Args:
        file: The path as written in the scenario (``maps/X-Intersection_NCAP.xodr``).
        base: The folder that relative paths start from.

    Returns:
        The resolved, absolute path of the first candidate that is a file.

    Raises:
        AssetNotFoundError: If no candidate is a file; it lists every path tried.
    """
    name = Path(file)
    candidates = [(base / name).resolve()]
    if not name.is_absolute():
        # Without an assets folder only the scenario's own folder counts.
        with contextlib.suppress(FileNotFoundError):
            candidates.append((assets_root() / name).resolve())
    for path in candidates:
        if path.is_file():
            return path
    raise AssetNotFoundError(str(file), tuple(dict.fromkeys(candidates)))
