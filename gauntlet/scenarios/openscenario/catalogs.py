"""Catalogs: the reusable entries a scenario refers to with ``CatalogReference``.

``CatalogLocations`` names one directory per catalog type, relative to the
scenario file. Every ``.xosc`` file in those directories is read when the
first reference is resolved; a reference names the ``Catalog`` (by its
``name``) and the entry in it. The entry is read in a scope of its own
parameter declarations, with the reference's ``ParameterAssignments``
(evaluated where the reference stands) replacing their defaults.
"""

from __future__ import annotations

import os
from pathlib import Path

from gauntlet.scenarios.openscenario.document import parse_document
from gauntlet.scenarios.openscenario.nodes import Node, Sources
from gauntlet.scenarios.openscenario.parameters import Scope, declare

#: Catalog types of ``CatalogLocations`` (OpenSCENARIO 1.0-1.3).
CATALOG_TYPES = (
    "VehicleCatalog",
    "ControllerCatalog",
    "PedestrianCatalog",
    "MiscObjectCatalog",
    "EnvironmentCatalog",
    "ManeuverCatalog",
    "TrajectoryCatalog",
    "RouteCatalog",
)


class Catalogs:
    """The catalogs a scenario file may refer to, read on first use."""

    def __init__(self, locations: Node | None, base: Path, sources: Sources) -> None:
        self.sources = sources
        self.directories: list[tuple[Node, Path]] = []
        if locations is not None:
            for kind in locations.children():
                if kind.tag not in CATALOG_TYPES:
                    raise kind.unsupported(f"(catalog types: {', '.join(CATALOG_TYPES)})")
                directory = kind.need("Directory")
                path = Path(os.path.normpath(base / directory.text("path")))
                self.directories.append((directory, path))
        self._catalogs: dict[str, Node] | None = None

    def _read(self) -> dict[str, Node]:
        if self._catalogs is not None:
            return self._catalogs
        catalogs: dict[str, Node] = {}
        for directory, path in self.directories:
            if not path.is_dir():
                raise directory.error(f"catalog directory not found: {path}")
            for file in sorted(path.glob("*.xosc")):
                document = parse_document(file)
                self.sources.add(document)
                for element in document.root.findall("Catalog"):
                    catalogs.setdefault(
                        element.get("name", ""), Node(element, Scope(), self.sources)
                    )
        self._catalogs = catalogs
        return catalogs

    def resolve(self, reference: Node) -> Node:
        """The entry a ``CatalogReference`` names, in the scope of its parameters.

        Raises:
            OpenScenarioError: If the catalog or entry does not exist, or an
                assignment names an undeclared parameter.
        """
        catalog_name = reference.text("catalogName")
        entry_name = reference.text("entryName")
        catalogs = self._read()
        catalog = catalogs.get(catalog_name)
        if catalog is None:
            known = ", ".join(sorted(catalogs)) or "none (no CatalogLocations?)"
            raise reference.error(f"unknown catalog {catalog_name!r}; catalogs found: {known}")
        entry = next(
            (
                e
                for e in catalog.element
                if e.get("name") == entry_name and e.tag != "ParameterDeclarations"
            ),
            None,
        )
        if entry is None:
            names = ", ".join(e.get("name", "?") for e in catalog.element)
            raise reference.error(
                f"catalog {catalog_name!r} has no entry {entry_name!r}; entries: {names}"
            )
        assignments: dict[str, object] = {}
        block = reference.find("ParameterAssignments")
        for assignment in block.children("ParameterAssignment") if block else ():
            assignments[assignment.text("parameterRef")] = assignment.value("value")
        scope = declare(
            self.sources.error,
            entry.find("ParameterDeclarations"),
            Scope(),
            assignments,
            anchor=reference.element,
        )
        return Node(entry, scope, self.sources)
