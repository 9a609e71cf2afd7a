"""Parameter variation files (``ParameterValueDistribution``) to concrete parameter sets.

Deterministic distributions only: ``DistributionSet`` (listed values),
``DistributionRange`` (lower to upper limit in steps, both limits included
where the steps reach them) and ``ValueSetDistribution`` (listed sets of
several parameters at once). The concrete runs are every combination of the
distributions, the first distribution in the file varying slowest.
Stochastic distributions are errors: a suite must be reproducible.
"""

from __future__ import annotations

import itertools
import math
import os
from pathlib import Path

from gauntlet.scenarios.errors import ScenarioError, ScenarioErrors
from gauntlet.scenarios.openscenario.document import parse_document
from gauntlet.scenarios.openscenario.nodes import Node, Sources
from gauntlet.scenarios.openscenario.parameters import Scope

ParameterValue = str | float
Assignment = dict[str, ParameterValue]
#: Most concrete runs one variation file may produce.
MAX_RUNS = 100_000


def expand_variations(path: str | os.PathLike[str]) -> list[tuple[str, Assignment]]:
    """The concrete runs of a variation file.

    Args:
        path: A ``.xosc`` file holding a ``ParameterValueDistribution``.

    Returns:
        One ``(scenario file, parameter values)`` pair per run, in a fixed
        order; the file is the variation's ``ScenarioFile``, resolved against
        the variation file's folder. Values are the texts of listed elements
        and numbers for ranges; ``load_openscenario`` converts them to the
        declared types.

    Raises:
        ScenarioErrors: For a file that is not a deterministic variation, or a
            distribution without values.
    """
    try:
        return _expand(Path(path))
    except ScenarioErrors:
        raise
    except ScenarioError as exc:
        raise ScenarioErrors([exc]) from None


def run_id(variation: str | os.PathLike[str], index: int) -> str:
    """A stable name for run ``index`` (0-based) of a variation file: ``CCRm#007``."""
    return f"{Path(variation).stem}#{index + 1:03d}"


def _expand(path: Path) -> list[tuple[str, Assignment]]:
    sources = Sources()
    document = parse_document(path)
    sources.add(document)
    root = Node(document.root, Scope(), sources)
    body = root.find("ParameterValueDistribution")
    if body is None:
        raise root.error("not a variation file: expected a ParameterValueDistribution")
    scenario = (path.parent / body.need("ScenarioFile").text("filepath")).resolve()
    if not scenario.is_file():
        raise body.need("ScenarioFile").error(f"scenario file not found: {scenario}")
    kind = None
    for child in body.children():
        if child.tag == "ScenarioFile":
            continue
        if child.tag == "Stochastic":
            raise child.error(
                "stochastic distributions are not supported: runs must be reproducible"
            )
        if child.tag != "Deterministic" or kind is not None:
            raise child.unsupported()
        kind = child
    if kind is None:
        raise body.error("expected a Deterministic distribution")
    factors = [_factor(child) for child in kind.children()]
    count = math.prod(len(f) for f in factors)
    if count > MAX_RUNS:
        raise kind.error(f"{count} combinations; more than {MAX_RUNS} runs are not supported")
    runs = []
    for combination in itertools.product(*factors):
        values: Assignment = {}
        for part in combination:
            values.update(part)
        runs.append((str(scenario), values))
    return runs


def _factor(node: Node) -> list[Assignment]:
    """The alternatives of one distribution, each a partial assignment."""
    if node.tag == "DeterministicSingleParameterDistribution":
        name = node.text("parameterName")
        return [{name: value} for value in _single(node.choice())]
    if node.tag == "DeterministicMultiParameterDistribution":
        sets = node.need("ValueSetDistribution")
        options = []
        for value_set in sets.children("ParameterValueSet"):
            options.append(
                {
                    a.text("parameterRef"): a.text("value")
                    for a in value_set.children("ParameterAssignment")
                }
            )
        if not options:
            raise sets.error("a ValueSetDistribution needs at least one ParameterValueSet")
        return options
    raise node.unsupported()


def _single(node: Node) -> list[ParameterValue]:
    if node.tag == "DistributionSet":
        values: list[ParameterValue] = [e.text("value") for e in node.children("Element")]
        if not values:
            raise node.error("a DistributionSet needs at least one Element")
        return values
    if node.tag == "DistributionRange":
        step = node.num("stepWidth")
        limits = node.need("Range")
        low, high = limits.num("lowerLimit"), limits.num("upperLimit")
        if step <= 0 or high < low:
            raise node.error(
                f"need stepWidth > 0 and lowerLimit <= upperLimit, got {step}, {low}..{high}"
            )
        count = int(math.floor((high - low) / step + 1e-9)) + 1
        return [round(low + k * step, 10) for k in range(count)]
    raise node.unsupported("(deterministic distributions: DistributionSet, DistributionRange)")
