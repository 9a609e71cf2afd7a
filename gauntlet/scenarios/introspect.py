"""Read the schema dataclasses: fields, types, defaults, bounds, tagged unions.

The converter, the writer, the JSON Schema generator and the reference docs
all see the schema through these functions, so they agree on what a field
accepts. Results are memoised per class; the schema classes are immutable.
"""

from __future__ import annotations

import dataclasses
import functools
import operator
import sys
import types
import typing
from dataclasses import dataclass
from typing import Any, Literal

from gauntlet.scenarios.spec import kinds

NoneType = type(None)

#: Metadata keys of :func:`gauntlet.scenarios.spec.param` that are numeric bounds.
BOUND_KEYS = ("ge", "gt", "le", "lt")
#: How each bound reads in messages and docs.
BOUND_SYMBOLS = {"ge": ">=", "gt": ">", "le": "<=", "lt": "<"}


@dataclass(frozen=True)
class FieldInfo:
    """One schema field as the loader sees it.

    Attributes:
        name: Key in the YAML mapping.
        type: Resolved type hint.
        required: Whether the key must be given.
        default: The default value (a fresh one for factories); unset if required.
        doc: One-sentence description.
        bounds: The set numeric bounds, e.g. ``{"ge": 0.0}``.
    """

    name: str
    type: Any
    required: bool
    default: Any
    doc: str
    bounds: dict[str, float]


def is_schema_class(tp: object) -> bool:
    """Whether ``tp`` is a dataclass type (a mapping in YAML)."""
    return isinstance(tp, type) and _is_dataclass_type(tp)


@functools.cache
def _is_dataclass_type(tp: type) -> bool:
    return dataclasses.is_dataclass(tp)


def kind_of(cls: type) -> str | None:
    """The ``KIND`` tag of a tagged class, else None."""
    return getattr(cls, "KIND", None)


def shorthand_of(cls: type) -> str | None:
    """The field a non-mapping value fills, else None."""
    return getattr(cls, "SHORTHAND", None)


def schema_fields(cls: type) -> tuple[FieldInfo, ...]:
    """The fields of a schema dataclass declared with ``param``, in declaration order.

    Fields without a ``doc`` (such as ``Scenario.source``) are not part of the
    file format and are left out.
    """
    return _schema_fields(cls)


@functools.cache
def _schema_fields(cls: Any) -> tuple[FieldInfo, ...]:
    hints = typing.get_type_hints(cls)
    infos = []
    for f in dataclasses.fields(cls):
        if "doc" not in f.metadata:
            continue
        if f.default is not dataclasses.MISSING:
            required, default = False, f.default
        elif f.default_factory is not dataclasses.MISSING:
            required, default = False, f.default_factory()
        else:
            required, default = True, dataclasses.MISSING
        bounds = {k: f.metadata[k] for k in BOUND_KEYS if f.metadata.get(k) is not None}
        infos.append(FieldInfo(f.name, hints[f.name], required, default, f.metadata["doc"], bounds))
    return tuple(infos)


def required_fields(cls: type) -> tuple[str, ...]:
    """Names of the fields that must be given."""
    return tuple(f.name for f in schema_fields(cls) if f.required)


def is_union(tp: object) -> bool:
    """Whether ``tp`` is ``A | B`` (or ``typing.Union``)."""
    return isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union


def is_literal(tp: object) -> bool:
    """Whether ``tp`` is ``Literal[...]``."""
    return typing.get_origin(tp) is Literal


def split_optional(tp: Any) -> tuple[Any, bool]:
    """Split ``X | None`` into ``(X, True)``; other types give ``(tp, False)``."""
    if not is_union(tp):
        return tp, False
    members = typing.get_args(tp)
    rest = tuple(m for m in members if m is not NoneType)
    if len(rest) == len(members):
        return tp, False
    if len(rest) == 1:
        return rest[0], True
    return functools.reduce(operator.or_, rest), True


def tagged_members(tp: Any) -> dict[str, type] | None:
    """Map kind to class when ``tp`` is a union of tagged dataclasses, else None."""
    if not is_union(tp):
        return None
    members = typing.get_args(tp)
    if not all(is_schema_class(m) and kind_of(m) for m in members):
        return None
    return kinds(members)


def union_name(tp: Any) -> str:
    """The name of the type alias a union is declared under (``Position``, ``Trigger``).

    Looked up in the module of the union's first member; unions without an
    alias get their members' names joined by ``Or``.
    """
    members = set(typing.get_args(tp))
    first = next(iter(typing.get_args(tp)))
    module = sys.modules.get(getattr(first, "__module__", ""), None)
    for name, value in vars(module).items() if module else ():
        if is_union(value) and set(typing.get_args(value)) == members and name[0].isupper():
            return name
    return "Or".join(sorted(getattr(m, "__name__", str(m)) for m in members))


def tuple_item(tp: Any) -> Any | None:
    """The item type of ``tuple[X, ...]`` or of a fixed-length ``tuple[X, X, X]``, else None."""
    if typing.get_origin(tp) is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return args[0]
        if args and all(a == args[0] for a in args):
            return args[0]
        raise TypeError(
            f"only tuple[X, ...] and tuple[X, X, ...] (one item type) are supported"
            f" in the schema, got {tp}"
        )
    return None


def tuple_length(tp: Any) -> int | None:
    """The length of a fixed-length ``tuple[X, X, X]``; None for ``tuple[X, ...]`` and non-tuples."""
    if typing.get_origin(tp) is tuple:
        args = typing.get_args(tp)
        if not (len(args) == 2 and args[1] is Ellipsis):
            return len(args)
    return None


def dict_value(tp: Any) -> Any | None:
    """The value type of ``dict[str, X]``, else None."""
    if typing.get_origin(tp) is dict:
        key, value = typing.get_args(tp)
        if key is not str:
            raise TypeError(f"only dict[str, X] is supported in the schema, got {tp}")
        return value
    return None


def first_doc_paragraph(cls: type) -> str:
    """The first paragraph of a class docstring, on one line."""
    doc = cls.__doc__ or ""
    # dataclass() writes a signature as the docstring of undocumented classes.
    if doc.startswith(f"{cls.__name__}("):
        return ""
    paragraph = doc.strip().split("\n\n")[0]
    return " ".join(paragraph.split())
