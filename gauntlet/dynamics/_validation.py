"""Checks on single-actor parameters and their gathering into per-actor arrays."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np


def require_finite_positive(owner: str, **values: float) -> None:
    """Raise ``ValueError`` unless every value is finite and strictly positive.

    Args:
        owner: Name of the parameter class, used in the message.
        **values: Field names and their values.
    """
    for name, value in values.items():
        if not (math.isfinite(value) and value > 0.0):
            raise ValueError(f"{owner}.{name} must be a finite number > 0, got {value!r}")


def require_positive(owner: str, **values: float) -> None:
    """Raise ``ValueError`` unless every value is strictly positive (``inf`` allowed).

    Args:
        owner: Name of the parameter class, used in the message.
        **values: Field names and their values.
    """
    for name, value in values.items():
        if not value > 0.0:
            raise ValueError(f"{owner}.{name} must be > 0 (inf allowed), got {value!r}")


def require_non_negative(owner: str, **values: float) -> None:
    """Raise ``ValueError`` unless every value is finite and ``>= 0``.

    Args:
        owner: Name of the parameter class, used in the message.
        **values: Field names and their values.
    """
    for name, value in values.items():
        if not (math.isfinite(value) and value >= 0.0):
            raise ValueError(f"{owner}.{name} must be a finite number >= 0, got {value!r}")


def gather(params: Sequence[Any], name: str) -> np.ndarray:
    """Collect one field of a sequence of parameter objects into a float64 array.

    Args:
        params: Single-actor parameter dataclasses.
        name: The field to read from each.

    Returns:
        Array of shape ``(len(params),)``.
    """
    return np.array([getattr(p, name) for p in params], dtype=np.float64)


def require_params(owner: str, params: Sequence[Any], expected: type) -> tuple[Any, ...]:
    """Return ``params`` as a tuple after checking that each item is an ``expected``.

    Args:
        owner: Name of the motion model, used in the message.
        params: What the caller passed.
        expected: The parameter dataclass the model needs.

    Raises:
        TypeError: If ``params`` is a single object or holds something else.
    """
    if isinstance(params, expected):
        raise TypeError(f"{owner} takes a sequence of {expected.__name__}, one per actor")
    items = tuple(params)
    for index, item in enumerate(items):
        if not isinstance(item, expected):
            raise TypeError(
                f"{owner}: params[{index}] is a {type(item).__name__}, expected {expected.__name__}"
            )
    return items
