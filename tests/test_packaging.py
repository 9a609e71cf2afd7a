"""Every data file the package reads ships with it (setup.py's package_data)."""

from __future__ import annotations

import ast
import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = {"gauntlet._library": ROOT / "scenarios", "gauntlet._assets": ROOT / "assets"}
SKIPPED_SUFFIXES = {".py", ".pyc"}


def _package_data() -> dict[str, list[str]]:
    tree = ast.parse((ROOT / "setup.py").read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "package_data":
            return ast.literal_eval(node.value)
    raise AssertionError("setup.py has no package_data")


def _data_files() -> list[tuple[str, Path, Path]]:
    """(package, package folder, file) for every data file in the package's folders."""
    out = []
    for path in sorted((ROOT / "gauntlet").rglob("*")):
        if (
            path.is_file()
            and path.suffix not in SKIPPED_SUFFIXES
            and "__pycache__" not in path.parts
        ):
            folder = path.parent
            while not (folder / "__init__.py").exists():
                folder = folder.parent
            package = ".".join(folder.relative_to(ROOT).parts)
            out.append((package, folder, path))
    for package, folder in FOLDERS.items():
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix not in SKIPPED_SUFFIXES and path.name != "README.md":
                out.append((package, folder, path))
    return out


def _matches(relative: str, pattern: str) -> bool:
    """setuptools' glob: ``*`` stays within one folder."""
    parts, wanted = relative.split("/"), pattern.split("/")
    return len(parts) == len(wanted) and all(
        fnmatch.fnmatchcase(p, w) for p, w in zip(parts, wanted, strict=True)
    )


def test_every_data_file_is_package_data() -> None:
    patterns = _package_data()
    missing = [
        str(path.relative_to(ROOT))
        for package, folder, path in _data_files()
        if not any(
            _matches(path.relative_to(folder).as_posix(), p) for p in patterns.get(package, [])
        )
    ]
    assert missing == []
