"""Stacks for the report tests, importable as ``module:Class``."""

from __future__ import annotations

from gauntlet.agents.stack import Control

#: An error text with characters that XML and HTML must escape, and a control character.
CRASH_MESSAGE = 'planner <lost> & "confused" \x1b[31mred\x1b[0m'


class Blind:
    """Holds its speed whatever is ahead: rear-ends a slower lead."""

    def reset(self, info):
        pass

    def step(self, obs):
        return Control()


class Crashing:
    """Raises after a few steps."""

    def reset(self, info):
        self.n = 0

    def step(self, obs):
        self.n += 1
        if self.n > 3:
            raise RuntimeError(CRASH_MESSAGE)
        return Control()
