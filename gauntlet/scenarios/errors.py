"""Errors raised for invalid scenario files.

Every problem names the file, the line, the key path inside the file and what
was expected, in the form::

    cut_in.yaml:14: entities[1].initial.speed_mps: expected a number, got 'fast'

A key path is a tuple of mapping keys and list indices exactly as they appear
in the YAML file; the key of a tagged union (``lane`` in
``position: {lane: {...}}``) is part of the path. The loader collects all
problems of a file and raises them together as :class:`ScenarioErrors`; later
stages (the world builder) raise a single :class:`ScenarioError` made with
:func:`error_at`, which finds the line in :attr:`Scenario.source`.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gauntlet.scenarios.schema import SourceInfo

KeyPath = tuple[str | int, ...]


def format_path(path: Sequence[object]) -> str:
    """Write a key path the way a reader finds it in the file: ``entities[1].initial``."""
    text = ""
    for part in path:
        if isinstance(part, int) and not isinstance(part, bool):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def suggestion(word: object, options: Iterable[str], noun: str) -> str:
    """A hint for a misspelt name: ``"; did you mean 'lead'?"``, else the allowed names.

    Args:
        word: The name that was not found.
        options: The names that would have been accepted.
        noun: Plural noun for the list of allowed names (``"keys"``, ``"kinds"``).

    Returns:
        Text to append to an error message; empty when there are no options.
    """
    names = sorted(options)
    if not names:
        return ""
    close = difflib.get_close_matches(str(word), names, n=1, cutoff=0.6)
    if close:
        return f"; did you mean '{close[0]}'?"
    return f"; allowed {noun}: {', '.join(names)}"


def describe(value: object) -> str:
    """Show a YAML value in a message: strings quoted, YAML spellings of constants."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return repr(shown)
    if isinstance(value, int) and value.bit_length() > 200:
        # Python refuses to print integers of more than 4300 digits; say how big instead.
        return f"an integer of about {round(value.bit_length() * math.log10(2))} digits"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__}"


class ScenarioError(ValueError):
    """One problem in a scenario file.

    Attributes:
        file: The file as the user named it (or ``"<string>"``).
        line: 1-based line number, or None when unknown.
        path: Key path inside the file, e.g. ``("entities", 1, "initial")``.
        message: What is wrong and what was expected.
    """

    def __init__(self, file: str, line: int | None, path: KeyPath, message: str) -> None:
        self.file = file
        self.line = line
        self.path = tuple(path)
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        location = self.file if self.line is None else f"{self.file}:{self.line}"
        if self.path:
            return f"{location}: {format_path(self.path)}: {self.message}"
        return f"{location}: {self.message}"

    def __reduce__(self) -> tuple[type[ScenarioError], tuple[str, int | None, KeyPath, str]]:
        # Keeps the error intact across process boundaries (runner worker pools).
        return (type(self), (self.file, self.line, self.path, self.message))


class ScenarioErrors(ValueError):
    """All problems found in one file (or one batch of files), in file order.

    ``str()`` lists one error per line, ready to print.

    Attributes:
        errors: The individual errors, sorted by file and line.
    """

    def __init__(self, errors: Iterable[ScenarioError]) -> None:
        self.errors: list[ScenarioError] = sorted(
            errors, key=lambda e: (e.file, e.line if e.line is not None else 0)
        )
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)

    def __iter__(self) -> Iterator[ScenarioError]:
        return iter(self.errors)

    def __len__(self) -> int:
        return len(self.errors)

    def __reduce__(self) -> tuple[type[ScenarioErrors], tuple[list[ScenarioError]]]:
        return (type(self), (self.errors,))


def error_at(source: SourceInfo | None, path: Sequence[str | int], message: str) -> ScenarioError:
    """Make an error located by a scenario's source information.

    The line is that of ``path`` or, when the path has no line of its own (a
    default value, a shorthand form), that of its closest ancestor.

    Args:
        source: ``Scenario.source``; None for scenarios built in code.
        path: Key path as in the YAML file, including tagged-union kind keys,
            e.g. ``("entities", 0, "initial", "position", "lane", "road")``.
        message: What is wrong.

    Returns:
        The error, to raise or to collect.
    """
    key_path = tuple(path)
    if source is None:
        return ScenarioError("<scenario>", None, key_path, message)
    return ScenarioError(source.file, source.line_of(key_path), key_path, message)
