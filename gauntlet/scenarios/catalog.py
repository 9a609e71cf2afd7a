"""Find scenario files on disk.

Directories are searched recursively for ``*.yaml``, ``*.yml`` and
OpenSCENARIO ``*.xosc`` files. A ``suites/`` folder holds suite lists (and an
OpenSCENARIO ``Catalogs/`` folder catalogs) rather than scenarios and is skipped, as
are hidden folders (``.git``, ``.venv``). The result is sorted so that every
machine runs a suite in the same order.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from gauntlet.scenarios.errors import ScenarioError, ScenarioErrors

#: File name endings of scenario files.
SCENARIO_SUFFIXES = (".yaml", ".yml", ".xosc")
#: Folder names never searched for scenarios.
SKIPPED_FOLDERS = ("suites", "Catalogs")


def find_scenario_files(paths: Iterable[Path | str]) -> list[Path]:
    """List the scenario files named by files and directories.

    Args:
        paths: Files (taken as given, whatever their ending) and directories
            (searched recursively).

    Returns:
        The files, without duplicates, sorted.

    Raises:
        ScenarioErrors: Naming every path that does not exist.
    """
    found: set[Path] = set()
    missing: list[ScenarioError] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found.update(_search(path))
        elif path.exists():
            found.add(path)
        else:
            missing.append(ScenarioError(str(given), None, (), "no such file or directory"))
    if missing:
        raise ScenarioErrors(missing)
    return sorted(found)


def _search(directory: Path) -> list[Path]:
    files = []
    for path in directory.rglob("*"):
        relative = path.relative_to(directory).parts
        folders = relative[:-1]
        if any(part in SKIPPED_FOLDERS or part.startswith(".") for part in folders):
            continue
        if path.suffix in SCENARIO_SUFFIXES and path.is_file() and not relative[-1].startswith("."):
            files.append(path)
    return files
