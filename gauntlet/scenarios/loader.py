"""Read scenario files: YAML text to a validated, frozen :class:`Scenario`.

The stages, each reporting every problem it finds with file, line and key path:

1. YAML: values and the node tree (the line of every key) both come from
   the safe loader (``yaml.safe_load``'s, compiled when libyaml is installed). Syntax errors and duplicate
   keys are reported at their lines.
2. Version: ``gauntlet`` must be a supported format version.
3. Parameters: ``${...}`` expressions are evaluated (:mod:`.parameters`).
4. Conversion: type-checked construction of the dataclasses (:mod:`.convert`).
5. References: unique names and known entities and events (:mod:`.references`),
   and rules across fields (:mod:`.rules`).

All problems of a file are raised together as :class:`ScenarioErrors`.
"""

from __future__ import annotations

import copy
import dataclasses
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, SequenceNode

from gauntlet.scenarios.convert import INVALID, Converter
from gauntlet.scenarios.domains import DEFAULT_DOMAIN, DOCUMENTS, document_class, domain_names
from gauntlet.scenarios.dump import dump_scenario
from gauntlet.scenarios.errors import (
    KeyPath,
    ScenarioError,
    ScenarioErrors,
    describe,
    suggestion,
)
from gauntlet.scenarios.parameters import apply_parameters
from gauntlet.scenarios.references import check_references
from gauntlet.scenarios.rules import check_rules
from gauntlet.scenarios.schema import FORMAT_VERSION, Scalar, Scenario, SourceInfo
from gauntlet.scenarios.variations import concrete

#: Format versions this loader reads.
SUPPORTED_VERSIONS = (FORMAT_VERSION,)

_MERGE_TAG = "tag:yaml.org,2002:merge"

__all__ = [
    "SUPPORTED_VERSIONS",
    "dump_scenario",
    "load_concrete",
    "load_scenario",
    "load_yaml_with_lines",
    "parse_scenario",
]


def load_scenario(
    path: str | os.PathLike[str], *, parameters: Mapping[str, Scalar] | None = None
) -> Scenario:
    """Read and validate a YAML file that holds one scenario mapping.

    Args:
        path: The file. Errors name it as given.
        parameters: Values that replace the file's declared parameters (one
            point of a sweep); names the file does not declare are errors.

    Returns:
        The scenario, with ``source`` set to the file and its line table.

    Raises:
        ScenarioErrors: Every problem found, including a missing or unreadable file.
    """
    file = os.fspath(path)
    try:
        text = Path(file).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioErrors([ScenarioError(file, None, (), "file not found")]) from None
    except IsADirectoryError:
        raise ScenarioErrors(
            [ScenarioError(file, None, (), "is a directory, expected a YAML file")]
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioErrors(
            [ScenarioError(file, None, (), f"cannot read the file: {exc}")]
        ) from None
    return parse_scenario(text, file, parameters=parameters)


def parse_scenario(
    text: str, file: str = "<string>", *, parameters: Mapping[str, Scalar] | None = None
) -> Scenario:
    """Validate YAML text that holds one scenario mapping.

    Args:
        text: The YAML document.
        file: Name used in error messages and ``Scenario.source``.
        parameters: Overrides of declared parameters, as for :func:`load_scenario`.

    Returns:
        The scenario, with ``source`` set.

    Raises:
        ScenarioErrors: Every problem found in the text.
    """
    data, lines = load_yaml_with_lines(text, file)
    return _build(data, SourceInfo(file, lines), parameters)


def load_concrete(path: str | os.PathLike[str]) -> list[Scenario]:
    """The concrete scenarios of a file: the scenario itself, or every member of its sweep.

    The YAML is read once; each member re-applies the parameter values to it.
    """
    file = os.fspath(path)
    try:
        text = Path(file).read_text(encoding="utf-8")
    except OSError:
        return [load_scenario(path)]  # reports the problem as load_scenario does
    data, lines = load_yaml_with_lines(text, file)
    source = SourceInfo(file, lines)
    base = _build(copy.deepcopy(data), source, None)
    if base.variations is None:
        return [base]
    return concrete(base, lambda params: _build(copy.deepcopy(data), source, params))


def _build(data: Any, source: SourceInfo, parameters: Mapping[str, Scalar] | None) -> Scenario:
    file = source.file
    if data is None:
        raise ScenarioErrors(
            [ScenarioError(file, 1, (), "the file is empty; expected a scenario mapping")]
        )
    if not isinstance(data, dict):
        message = f"expected a mapping of scenario keys at the top level, got {describe(data)}"
        raise ScenarioErrors([ScenarioError(file, source.line_of(()), (), message)])

    version_error = _check_version(data, source)
    if version_error is not None:
        # A file of another version is not checked against this version's rules.
        raise ScenarioErrors([version_error])

    document, domain_error = _document_class(data, source)
    if domain_error is not None:
        raise ScenarioErrors([domain_error])
    data, errors = apply_parameters(data, source, parameters)
    converter = Converter(source)
    scenario = converter.build(document, data, ())
    errors.extend(converter.errors)
    if errors or scenario is INVALID:
        raise ScenarioErrors(errors)

    scenario = dataclasses.replace(scenario, source=source)
    if document is Scenario:
        errors = check_references(scenario) + check_rules(scenario)
    else:
        check = getattr(scenario, "check", None)
        errors = list(check()) if callable(check) else []
    if errors:
        raise ScenarioErrors(errors)
    return scenario


def _document_class(data: dict[Any, Any], source: SourceInfo) -> tuple[type, ScenarioError | None]:
    """The class a file's ``domain`` key selects (no key: driving)."""
    domain = data.get("domain", DEFAULT_DOMAIN)
    if domain == DEFAULT_DOMAIN:
        return Scenario, None
    if isinstance(domain, str) and domain in DOCUMENTS:
        return document_class(domain), None
    if isinstance(domain, str):
        message = f"unknown domain {domain!r}{suggestion(domain, domain_names(), 'domains')}"
    else:
        message = f"expected a domain name ({', '.join(domain_names())}), got {describe(domain)}"
    return Scenario, ScenarioError(source.file, source.line_of(("domain",)), ("domain",), message)


def _check_version(data: dict[Any, Any], source: SourceInfo) -> ScenarioError | None:
    if "gauntlet" not in data:
        return None
    version = data["gauntlet"]
    if isinstance(version, int) and not isinstance(version, bool) and version in SUPPORTED_VERSIONS:
        return None
    supported = ", ".join(str(v) for v in SUPPORTED_VERSIONS)
    if isinstance(version, int) and not isinstance(version, bool):
        message = f"unsupported format version {version}; supported versions: {supported}"
    else:
        message = f"expected the format version as an integer (supported versions: {supported}), got {describe(version)}"
    return ScenarioError(source.file, source.line_of(("gauntlet",)), ("gauntlet",), message)


#: The safe loader (``yaml.safe_load``'s), compiled when libyaml is installed.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _safe_parse(text: str) -> tuple[Any, yaml.Node | None]:
    """The values and the node tree of ``text``, both with the safe loader.

    Two parses: building values flattens merge keys (``<<``) inside the node
    tree, and the line table must see the tree as written.
    """
    return yaml.load(text, Loader=_SAFE_LOADER), yaml.compose(text, Loader=_SAFE_LOADER)  # noqa: S506 - the safe loader


def load_yaml_with_lines(text: str, file: str = "<string>") -> tuple[Any, dict[KeyPath, int]]:
    """Read YAML values and the 1-based line of every key path.

    Values and the node tree the lines come from are both read with the safe
    loader (the loader ``yaml.safe_load`` uses, in C when libyaml is
    installed): a mapping key's path maps to the line
    of the key, a list item's path to the line where the item starts, and the
    empty path to the start of the document. Content reached through an alias
    (``*name``) takes the line of the key that uses the alias.

    Args:
        text: The YAML document.
        file: Name used in error messages.

    Returns:
        ``(data, lines)``; ``data`` is None for an empty document.

    Raises:
        ScenarioErrors: On a YAML syntax error (at the line of the problem) or
            a key repeated in one mapping.
    """
    try:
        data, root = _safe_parse(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or "invalid YAML"
        context = f" ({exc.context})" if exc.context else ""
        raise ScenarioErrors(
            [ScenarioError(file, line, (), f"invalid YAML: {problem}{context}")]
        ) from None
    except (yaml.YAMLError, ValueError) as exc:
        # ValueError: PyYAML converting an integer of more than 4300 digits.
        raise ScenarioErrors([ScenarioError(file, None, (), f"invalid YAML: {exc}")]) from None

    lines: dict[KeyPath, int] = {}
    errors: list[ScenarioError] = []
    if root is not None:
        lines[()] = root.start_mark.line + 1
        _LineWalker(file, lines, errors).walk(root, ())
    if errors:
        raise ScenarioErrors(errors)
    return data, lines


class _LineWalker:
    """Records the line of every key path of a composed YAML node tree."""

    def __init__(self, file: str, lines: dict[KeyPath, int], errors: list[ScenarioError]) -> None:
        self.file = file
        self.lines = lines
        self.errors = errors
        self.seen: set[int] = set()
        # Builds keys exactly as safe_load does (1 -> int, "1" -> str); a safe constructor.
        self.constructor = SafeConstructor()

    def walk(self, node: Node, path: KeyPath) -> None:
        if id(node) in self.seen:
            return  # an alias: its content keeps the line of the key that uses it
        self.seen.add(id(node))
        if isinstance(node, MappingNode):
            self._mapping(node, path)
        elif isinstance(node, SequenceNode):
            for index, item in enumerate(node.value):
                self.lines[(*path, index)] = item.start_mark.line + 1
                self.walk(item, (*path, index))

    def _mapping(self, node: MappingNode, path: KeyPath) -> None:
        first_line: dict[Any, int] = {}
        merges: list[tuple[int, Node]] = []
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if key_node.tag == _MERGE_TAG:
                merges.append((line, value_node))
                continue
            key = self.constructor.construct_object(key_node, deep=True)
            if key in first_line:
                message = f"duplicate key {describe(key)} (first on line {first_line[key]})"
                self.errors.append(ScenarioError(self.file, line, (*path, key), message))
                continue
            first_line[key] = line
            self.lines[(*path, key)] = line
            self.walk(value_node, (*path, key))
        # Keys merged in with `<<: *defaults` take the line of the `<<`.
        for line, merged in merges:
            sources = merged.value if isinstance(merged, SequenceNode) else [merged]
            for source in sources:
                if isinstance(source, MappingNode):
                    for key_node, _ in source.value:
                        if key_node.tag != _MERGE_TAG:
                            key = self.constructor.construct_object(key_node, deep=True)
                            self.lines.setdefault((*path, key), line)
