"""Stacks used by the runner tests (importable as module:Class)."""

from __future__ import annotations

import time

from gauntlet.agents.stack import Control


class Crashing:
    def reset(self, info):
        self.n = 0

    def step(self, obs):
        self.n += 1
        if self.n > 5:
            raise RuntimeError("perception node died")
        return Control()


class FullBrake:
    def reset(self, info):
        self.decel = info.max_decel_mps2

    def step(self, obs):
        return Control(accel_mps2=-self.decel)


class Slow:
    def reset(self, info):
        pass

    def step(self, obs):
        time.sleep(0.02)
        return Control()


class Hanging:
    def reset(self, info):
        pass

    def step(self, obs):
        while True:
            time.sleep(1.0)


class HardExit:
    def reset(self, info):
        pass

    def step(self, obs):
        import os

        os._exit(3)


class Segfault:
    def reset(self, info):
        pass

    def step(self, obs):
        import ctypes

        ctypes.string_at(0)


class MemoryHog:
    def reset(self, info):
        self.hoard = []

    def step(self, obs):
        import numpy as np

        self.hoard.append(np.ones(50_000_000))  # 400 MB a step
        return Control()
