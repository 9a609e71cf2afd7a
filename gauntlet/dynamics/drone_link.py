"""The remote link between a drone's stack and its flight controller: latency, jitter, loss.

A command sent at time ``t`` arrives at ``t + max(latency + jitter * N(0, 1), 0)``
unless it is lost (probability ``loss``). Commands act in the order they were
sent: one that arrives after a newer command has already acted is dropped
(the controller would have thrown it away as stale). The flight controller
picks arrived commands up at its own steps, so the *command-to-actuation*
latency — from sending to the controller acting on it — is the link delay
rounded up to the next controller step; :class:`CommandLink` records it for
every command that acted.

Randomness comes only from the generator passed in.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np

Command = TypeVar("Command")


@dataclass(frozen=True)
class LinkParams:
    """Parameters of a command link.

    Attributes:
        latency_s: Mean one-way delay, s.
        jitter_s: Standard deviation of the delay (normal, clipped at 0), s.
        loss: Probability that a command never arrives.
    """

    latency_s: float = 0.02
    jitter_s: float = 0.005
    loss: float = 0.0

    def __post_init__(self) -> None:
        if not (self.latency_s >= 0.0 and self.jitter_s >= 0.0):
            raise ValueError(
                f"LinkParams: latency_s and jitter_s must be >= 0, got {self.latency_s!r}, {self.jitter_s!r}"
            )
        if not 0.0 <= self.loss < 1.0:
            raise ValueError(f"LinkParams: loss must be in [0, 1), got {self.loss!r}")


class CommandLink(Generic[Command]):
    """One drone's command channel.

    Args:
        params: Delay and loss.
        rng: Generator for delays and losses.
    """

    def __init__(self, params: LinkParams, rng: np.random.Generator) -> None:
        self.params = params
        self.rng = rng
        self._queue: deque[tuple[float, float, int, Command]] = deque()
        self._last_acted = -1
        #: Commands sent, lost in transit, and dropped as stale.
        self.sent = 0
        self.lost = 0
        self.stale = 0
        #: Command-to-actuation latency of every command that acted, s.
        self.latencies_s: list[float] = []

    def send(self, command: Command, time_s: float) -> None:
        """Send ``command`` at ``time_s``."""
        p = self.params
        # Draw both numbers for every command so that the stream does not depend on outcomes.
        lost = self.rng.random() < p.loss
        delay = max(p.latency_s + p.jitter_s * self.rng.standard_normal(), 0.0)
        index = self.sent
        self.sent += 1
        if lost:
            self.lost += 1
            return
        arrival = time_s + delay
        # Keep the queue sorted by arrival (jitter may reorder commands).
        position = len(self._queue)
        while position > 0 and self._queue[position - 1][0] > arrival:
            position -= 1
        self._queue.insert(position, (arrival, time_s, index, command))

    def receive(self, time_s: float) -> Command | None:
        """The newest command that has arrived by ``time_s`` and acts now, or ``None``.

        Older commands that arrive in the same step are superseded (not
        counted as acting); commands older than one that already acted are stale.
        """
        newest: tuple[float, float, int, Command] | None = None
        while self._queue and self._queue[0][0] <= time_s + 1e-12:
            item = self._queue.popleft()
            if item[2] < self._last_acted or (newest is not None and item[2] < newest[2]):
                self.stale += 1
                continue
            if newest is not None:
                self.stale += 1  # superseded by a newer command in the same step
            newest = item
        if newest is None:
            return None
        self._last_acted = newest[2]
        self.latencies_s.append(time_s - newest[1])
        return newest[3]
