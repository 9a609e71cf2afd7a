"""Scratch arrays a sensor or scene reuses from one measurement to the next.

Ray casts fill arrays of the same few shapes every frame; allocating them anew
each time costs more than the work on small frames. A :class:`ScratchArrays`
hands out a view of a kept array, growing it when a request is larger.
"""

from __future__ import annotations

import numpy as np


class ScratchArrays:
    """Named arrays kept between calls; what :meth:`get` returns is overwritten by the next call."""

    def __init__(self) -> None:
        self._arrays: dict[str, np.ndarray] = {}

    def get(self, name: str, shape: tuple[int, ...], dtype: type) -> np.ndarray:
        """An uninitialised array of ``shape`` and ``dtype``: the first ``shape[0]`` rows of the
        array kept under ``name``, made anew when that is smaller or of another dtype."""
        buf = self._arrays.get(name)
        if buf is None or buf.shape[0] < shape[0] or buf.dtype != dtype:
            buf = np.empty(shape, dtype=dtype)
            self._arrays[name] = buf
        return buf[: shape[0]]
