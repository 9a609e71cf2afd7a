"""When a frame sensor measures: due times on a fixed period, at most once a step.

A frame sensor (lidar, camera, radar) with rate ``rate_hz`` is due at
``start_s + k / rate_hz`` for ``k = 0, 1, ...``. The world steps at a fixed
``dt``; the sensor measures at the first step at or after each due time, and
at most once a step: a sensor faster than the world measures every step, and
its due times stay on their own grid (they are never re-phased to the steps).
A period of 0 means every time it is asked.

The next due time is kept as a running sum (``next += period``), not as
``start + k * period``, so the steps it fires at are exactly those the
sensors have always fired at.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Slack on time comparisons, s (step times are multiples of dt in floating point).
TIME_EPS_S = 1e-9


@dataclass
class FrameSchedule:
    """Due times ``next_s, next_s + period_s, ...``; fires at most once per call time.

    Attributes:
        period_s: Time between due times, s (0: due every time it is asked).
        next_s: The next due time, s; None: the first time it is asked.
    """

    period_s: float
    next_s: float | None = 0.0

    @classmethod
    def at_rate(cls, rate_hz: float, start_s: float | None = 0.0) -> FrameSchedule:
        """A schedule with period ``1 / rate_hz`` (s), first due at ``start_s`` (s)."""
        return cls(1.0 / rate_hz, start_s)

    def due(self, time_s: float) -> bool:
        """Whether a measurement is due at ``time_s`` (s); advances past ``time_s`` when it is."""
        if self.next_s is None:
            self.next_s = time_s
        if time_s + TIME_EPS_S < self.next_s:
            return False
        if self.period_s <= 0.0:
            self.next_s = time_s
            return True
        while self.next_s <= time_s + TIME_EPS_S:  # faster than the world: once a step
            self.next_s += self.period_s
        return True
