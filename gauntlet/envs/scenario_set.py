"""The set of concrete scenarios an environment samples its episodes from.

A set is named by a list of sources, each one of:

- a scenario file (``.yaml``, ``.yml``, ``.xosc``) or a folder of them: every
  concrete scenario in it (sweeps expanded);
- ``suite:<name or file>``: the library scenarios a suite selects;
- ``template:<name>``: a scenario template of the ready-made environments
  (``gauntlet/envs/scenarios/<name>.yaml``);
- anything else: a scenario id or an fnmatch pattern over the library's ids
  (``smoke/cut_in``, ``urban/*``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from gauntlet.library import library_root
from gauntlet.scenarios import schema as sc
from gauntlet.scenarios.catalog import SCENARIO_SUFFIXES, find_scenario_files
from gauntlet.scenarios.files import load_file
from gauntlet.scenarios.suites import find_suite, select_ids
from gauntlet.scenarios.variations import scenario_id

#: Folder of the scenario templates of the ready-made environments.
TEMPLATES = Path(__file__).resolve().parent / "scenarios"


def template(name: str) -> str:
    """Path of the ready-made environments' template ``name`` (without ``.yaml``)."""
    return str(TEMPLATES / f"{name}.yaml")


def load_scenario_set(sources: str | Sequence[str]) -> tuple[sc.Scenario, ...]:
    """The concrete scenarios named by ``sources``, in a stable order (duplicates once).

    Raises:
        ValueError: A source that names no scenario.
        ScenarioErrors: A scenario file that does not validate.
    """
    items = [sources] if isinstance(sources, str) else list(sources)
    if not items:
        raise ValueError("an environment needs at least one scenario source")
    found: dict[str, sc.Scenario] = {}
    library: list[sc.Scenario] | None = None
    for item in items:
        if item.startswith("template:"):
            item = template(item.removeprefix("template:"))
        path = Path(item)
        if path.suffix in SCENARIO_SUFFIXES or path.is_dir():
            chosen = [s for f in find_scenario_files([path]) for s in load_file(f)]
        else:
            if item.startswith("suite:"):
                suite = find_suite(item.removeprefix("suite:"), library_root() / "suites")
                # The library keeps each category in its own folder: read only those needed.
                folders = [library_root() / c for c in suite.categories]
                if folders and all(f.is_dir() for f in folders):
                    chosen = suite.select(s for f in folders for s in _load_tree(f))
                else:
                    library = library if library is not None else _load_tree(library_root())
                    chosen = suite.select(library)
            else:
                library = library if library is not None else _load_tree(library_root())
                chosen = select_ids(library, [item])
        if not chosen:
            raise ValueError(f"no scenario matches {item!r}")
        for s in chosen:
            found.setdefault(scenario_id(s), s)
    return tuple(found[k] for k in sorted(found))


def _load_tree(root: Path) -> list[sc.Scenario]:
    files = [f for f in find_scenario_files([root]) if "suites" not in f.relative_to(root).parts]
    return [s for f in files for s in load_file(f)]
