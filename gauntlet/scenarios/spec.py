"""Field declarations for the scenario data model.

Schema dataclasses declare their fields with :func:`param` so that the loader,
the JSON Schema generator and the reference docs read one source: the
description, the unit (already in the field name) and the allowed range.

A *tagged* dataclass has a class attribute ``KIND``. Where a field's type is a
union of tagged dataclasses, the YAML form is a one-key mapping whose key is
the kind: ``{speed: {entity: lead, target_mps: 0}}``. A tagged dataclass may
name a ``SHORTHAND`` field: a value that is not a mapping fills that field
(``{after_event: brake}``, ``{all: [...]}``).
"""

from __future__ import annotations

import dataclasses
from typing import Any

_MISSING = dataclasses.MISSING


def param(
    default: Any = _MISSING,
    *,
    doc: str,
    ge: float | None = None,
    gt: float | None = None,
    le: float | None = None,
    lt: float | None = None,
    factory: Any = _MISSING,
) -> Any:
    """Declare a schema field with its description and bounds.

    Args:
        default: Default value; omit for a required field.
        doc: One-sentence description for docs and editor hints.
        ge, gt, le, lt: Inclusive/exclusive numeric bounds checked by the loader.
        factory: Default factory, for mutable-looking defaults such as ``()``.
    """
    metadata = {"doc": doc, "ge": ge, "gt": gt, "le": le, "lt": lt}
    if factory is not _MISSING:
        return dataclasses.field(default_factory=factory, metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


def kinds(union_members: tuple[Any, ...]) -> dict[str, type]:
    """Map each tagged dataclass's ``KIND`` to the class, rejecting duplicates."""
    table: dict[str, type] = {}
    for cls in union_members:
        kind = cls.KIND
        if kind in table:
            raise TypeError(f"duplicate KIND {kind!r} in {table[kind].__name__} and {cls.__name__}")
        table[kind] = cls
    return table
