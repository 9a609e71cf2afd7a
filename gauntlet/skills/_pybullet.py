"""pybullet, imported without the build banner its C module prints.

Loading pybullet's C module writes ``pybullet build time: ...`` into a
buffered standard stream, which appears when the process exits — after the
machine-readable output of ``gauntlet run`` or ``gauntlet skills --json``.
This module imports pybullet with file descriptors 1 and 2 pointed at
``/dev/null`` and flushes C's buffers there before restoring them; the rest
of the package imports ``pb`` from here.
"""

from __future__ import annotations

import ctypes
import os
import sys
from types import ModuleType

__all__ = ["pb"]


def _quiet_import() -> ModuleType:
    if "pybullet" in sys.modules:
        return sys.modules["pybullet"]
    sys.stdout.flush()
    sys.stderr.flush()
    libc = ctypes.CDLL(None)
    saved = {fd: os.dup(fd) for fd in (1, 2)}
    try:
        with open(os.devnull, "wb") as null:
            for fd in saved:
                os.dup2(null.fileno(), fd)
            import pybullet

            libc.fflush(None)
    finally:
        for fd, copy in saved.items():
            os.dup2(copy, fd)
            os.close(copy)
    return pybullet


pb = _quiet_import()
