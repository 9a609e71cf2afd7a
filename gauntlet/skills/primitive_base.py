"""The protocol every skill primitive follows: the :class:`Primitive` base class.

See :mod:`gauntlet.skills.primitives` for the protocol in words and the
primitives themselves.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

from gauntlet.skills.motion import Motion
from gauntlet.skills.world import Cell

#: TCP height above the grasp point where a reach ends (m).
PREGRASP_M = 0.06


class Primitive:
    """Base of the primitives; see the module docstring for the protocol."""

    KIND: ClassVar[str] = ""

    def __init__(self, step: Any, cell: Cell) -> None:
        self.step = step
        self.cell = cell
        self.arm = cell.arms[step.arm]
        self.motion: Motion | None = None

    @property
    def timeout_s(self) -> float:
        return float(self.step.timeout_s)

    def preconditions(self) -> list[str]:
        """Unmet preconditions, in words (empty: may start)."""
        return []

    def start(self) -> None:
        """Plan the motion."""

    def update(self) -> bool:
        """One control tick; True when finished."""
        return self.motion is None or self.motion.advance()

    def succeeded(self) -> bool:
        """Whether the primitive achieved its effect."""
        return True

    # helpers
    def _turned(self) -> bool:
        """Whether the commanded hand heading has caught up with the wanted one."""
        gap = (self.arm.yaw - self.arm.yaw_cmd + math.pi / 2) % math.pi - math.pi / 2
        return abs(gap) < 0.02

    def _needs_empty_hand(self) -> list[str]:
        return (
            [] if self.arm.held is None else [f"arm {self.arm.name} already holds {self.arm.held}"]
        )

    def _needs_holding(self) -> list[str]:
        return [] if self.arm.held is not None else [f"arm {self.arm.name} holds nothing"]
