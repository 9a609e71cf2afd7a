"""Import an OpenSCENARIO (1.0-1.3) file as a Gauntlet :class:`~gauntlet.scenarios.schema.Scenario`.

The stages: parse the XML with line numbers; evaluate the parameter
declarations (with the caller's values); read the catalogs, the road
network and the entities; place the entities from ``Init``; convert the
storyboard to flat events; time the paths computed before the run; check
the result with the same reference and rule checks as YAML scenarios.

Elements the import does not support are errors naming the element and its
line. Elements Gauntlet reproduces only approximately, or that have no
effect on what Gauntlet simulates (lights, weather), are collected as
:class:`~.nodes.Note` objects: :func:`load_openscenario` reports them in
one :class:`OpenScenarioWarning` (or, with ``strict=True``, as errors).
"""

from __future__ import annotations

import dataclasses
import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gauntlet.scenarios import schema as sc
from gauntlet.scenarios.errors import ScenarioError, ScenarioErrors
from gauntlet.scenarios.openscenario import init as init_section
from gauntlet.scenarios.openscenario.board import Board
from gauntlet.scenarios.openscenario.catalogs import Catalogs
from gauntlet.scenarios.openscenario.context import ImportContext
from gauntlet.scenarios.openscenario.document import OpenScenarioError, parse_document
from gauntlet.scenarios.openscenario.entities import EGO_PROPERTY, choose_ego, read_entities
from gauntlet.scenarios.openscenario.longitudinal import resolve_keeps
from gauntlet.scenarios.openscenario.nodes import Node, Note, Sources
from gauntlet.scenarios.openscenario.parameters import Scope, Value, declare, typed
from gauntlet.scenarios.openscenario.positions import Placer
from gauntlet.scenarios.openscenario.roadmap import RoadMap
from gauntlet.scenarios.openscenario.routing import finish_paths
from gauntlet.scenarios.references import check_references
from gauntlet.scenarios.rules import check_rules

#: Longest simulated time of an imported scenario unless the caller says otherwise, s.
DEFAULT_DURATION_S = 60.0
#: OpenSCENARIO minor versions (of major version 1) the import reads.
SUPPORTED_MINOR_VERSIONS = (0, 1, 2, 3)


class OpenScenarioWarning(UserWarning):
    """Elements that Gauntlet reproduces approximately or not at all (see the message)."""


@dataclass(frozen=True)
class Imported:
    """An imported scenario and the notes on what it reproduces only approximately."""

    scenario: sc.Scenario
    notes: tuple[Note, ...]


def load_openscenario(
    path: str | os.PathLike[str],
    parameters: Mapping[str, Any] | None = None,
    *,
    ego: str | None = None,
    duration_s: float = DEFAULT_DURATION_S,
    name: str | None = None,
    strict: bool = False,
) -> sc.Scenario:
    """Read an OpenSCENARIO file as a concrete Gauntlet scenario.

    Args:
        path: The ``.xosc`` file.
        parameters: Values for parameters the file declares (one point of a
            variation); strings are converted to the declared types.
        ego: The entity the stack under test drives; default by the rule in
            :mod:`.entities` (``Ego`` or the first entity).
        duration_s: Longest simulated time (OpenSCENARIO runs end by the
            storyboard's stop trigger, Gauntlet runs also by a time limit).
        name: Scenario name; default the file's stem (give one per run of a
            variation, e.g. :func:`~.variations.run_id`, for distinct result ids).
        strict: Raise the notes (approximations, elements without effect in
            Gauntlet) as errors instead of warning about them.

    Returns:
        The scenario; its ``source`` names the file.

    Raises:
        ScenarioErrors: Every problem found, each naming file, line and element.
    """
    imported = import_openscenario(path, parameters, ego=ego, duration_s=duration_s, name=name)
    if imported.notes:
        if strict:
            raise ScenarioErrors(
                OpenScenarioError(n.file, n.line, (n.element,), n.message) for n in imported.notes
            )
        text = "\n".join(str(n) for n in imported.notes)
        warnings.warn(
            f"{path}: reproduced approximately or left out:\n{text}",
            OpenScenarioWarning,
            stacklevel=2,
        )
    return imported.scenario


def import_openscenario(
    path: str | os.PathLike[str],
    parameters: Mapping[str, Any] | None = None,
    *,
    ego: str | None = None,
    duration_s: float = DEFAULT_DURATION_S,
    name: str | None = None,
) -> Imported:
    """Like :func:`load_openscenario`, returning the notes instead of warning."""
    if not duration_s > 0:
        raise ValueError(f"duration_s must be > 0, got {duration_s}")
    try:
        imported = _import(Path(path), parameters, ego, duration_s)
    except ScenarioErrors:
        raise
    except ScenarioError as exc:
        raise ScenarioErrors([exc]) from None
    if name is not None:
        imported = Imported(dataclasses.replace(imported.scenario, name=name), imported.notes)
    return imported


def _import(
    path: Path, parameters: Mapping[str, Any] | None, ego: str | None, duration_s: float
) -> Imported:
    sources = Sources()
    document = parse_document(path)
    sources.add(document)
    root = Node(document.root, Scope(), sources)
    _check_root(root)
    scope = declare(
        sources.error,
        _element(root.find("ParameterDeclarations")),
        Scope(),
        dict(parameters or {}),
        anchor=root.element,
    )
    root = root.at(root.element, scope)
    variables = _variables(root.find("VariableDeclarations"))
    base = path.parent
    catalogs = Catalogs(root.find("CatalogLocations"), base, sources)
    roadmap, map_file = _road_network(root.need("RoadNetwork"), base)
    infos = read_entities(root.need("Entities"), catalogs)
    entities = {info.name: info for info in infos}
    try:
        ego_name = choose_ego(infos, _header_ego(root), ego)
    except KeyError as exc:
        raise OpenScenarioError(str(path), None, (), str(exc.args[0])) from None
    placer = Placer(roadmap, catalogs, entities)
    ctx = ImportContext(sources, roadmap, catalogs, placer, entities, ego_name, duration_s)
    storyboard = root.need("Storyboard")
    section = init_section.read_init(storyboard.find("Init"), entities)
    init_section.start_poses(section, ctx)
    init_section.start_motion(section, ctx)
    set_at_start: dict[str, Value] = {}
    init_section.init_values(section, variables, set_at_start, scope)
    board = Board(ctx, storyboard, variables, set_at_start)
    init_section.start_events(section, ctx, board)
    stop = board.convert_all()
    resolve_keeps(ctx)
    finish_paths(ctx)
    return Imported(_scenario(path, root, ctx, map_file, stop, scope), tuple(sources.notes))


def _element(node: Node | None):  # noqa: ANN202 - an ElementTree element or None
    return None if node is None else node.element


def _check_root(root: Node) -> None:
    if root.tag != "OpenSCENARIO":
        raise root.error(f"expected an <OpenSCENARIO> document, found <{root.tag}>")
    header = root.need("FileHeader")
    major, minor = header.integer("revMajor"), header.integer("revMinor")
    if major != 1 or minor not in SUPPORTED_MINOR_VERSIONS:
        raise header.error(f"OpenSCENARIO {major}.{minor} is not supported (1.0 to 1.3 are)")
    if root.find("ParameterValueDistribution") is not None:
        raise root.error("this is a parameter variation file; use expand_variations() on it")
    if root.find("Catalog") is not None:
        raise root.error("this is a catalog file, not a scenario")


def _variables(declarations: Node | None) -> dict[str, Value]:
    values: dict[str, Value] = {}
    for declaration in declarations.children("VariableDeclaration") if declarations else ():
        try:
            values[declaration.text("name")] = typed(
                declaration.value("value"), declaration.text("variableType")
            )
        except ValueError as exc:
            raise declaration.error(str(exc)) from None
    return values


def _road_network(network: Node, base: Path) -> tuple[RoadMap, Path]:
    for child in network.children():
        if child.tag not in ("LogicFile", "SceneGraphFile", "TrafficSignals", "UsedArea"):
            raise child.unsupported()
        if child.tag == "SceneGraphFile":
            child.note("the scene graph (3D model) is not used")
        if child.tag == "TrafficSignals" and list(child.element):
            raise child.unsupported("(traffic signal controllers)")
    logic = network.need("LogicFile")
    file = (base / logic.text("filepath")).resolve()
    if not file.is_file():
        raise logic.error(f"OpenDRIVE file not found: {file}")
    try:
        return RoadMap.read(file), file
    except ValueError as exc:
        raise logic.error(f"cannot read the OpenDRIVE file: {exc}") from None


def _header_ego(root: Node) -> str | None:
    properties = root.need("FileHeader").find("Properties")
    for prop in properties.children("Property") if properties else ():
        if prop.text("name", "") == EGO_PROPERTY:
            return prop.text("value")
    return None


def _scenario(
    path: Path,
    root: Node,
    ctx: ImportContext,
    map_file: Path,
    stop: sc.Trigger | None,
    scope: Scope,
) -> sc.Scenario:
    lines: dict[tuple[str | int, ...], int] = {(): 1}
    entities = []
    for index, (entity, node) in enumerate(init_section.entity_list(ctx)):
        entities.append(entity)
        info_line = ctx.entities[entity.name].node.line
        if info_line:
            lines[("entities", index)] = info_line
        if node.line:
            lines[("entities", index, "initial", "position")] = node.line
    for index, event in enumerate(ctx.events):
        line = ctx.event_lines.get(event.name)
        if line:
            lines[("storyboard", index)] = line
    header = root.need("FileHeader")
    scenario = sc.Scenario(
        name=path.stem,
        map=sc.OpenDriveMap(file=str(map_file)),
        entities=tuple(entities),
        description=header.text("description", ""),
        tags=("openscenario",),
        parameters={k: v for k, v in scope.values.items()},
        ego=sc.Ego(entity=ctx.ego),
        storyboard=tuple(ctx.events),
        stop=sc.StopConditions(
            duration_s=ctx.horizon_s, on_collision=False, when=(stop,) if stop is not None else ()
        ),
        source=sc.SourceInfo(str(path), lines),
    )
    errors = check_references(scenario) + check_rules(scenario)
    if errors:
        raise ScenarioErrors(errors)
    return scenario
