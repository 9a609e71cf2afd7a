"""The ground-truth observation of the driving environments: one flat ``float32`` vector.

Layout (``OBS_SIZE`` = 92 entries, every one clipped to the bounds of :data:`LOW`
and :data:`HIGH`; positions and velocities in the ego frame, x forward, y left):

==========  =====  ==============================================================
slice       size   content
==========  =====  ==============================================================
``EGO``     8      speed m/s, acceleration m/s², yaw rate rad/s, last steering
                   command (normalised, [-1, 1]), speed limit m/s, lateral offset
                   from the route m (left positive), heading error to the route
                   rad, off-road flag (0/1)
``ROUTE``   10     (x, y) of the route 10, 20, 30, 40 and 50 m ahead, m
``SIGNAL``  2      distance from the front bumper to the next stop line on the
                   route m (100 when none), 1 if its light shows red or yellow
``OBJECTS`` 64     the ``K`` = 8 nearest other actors within 80 m, nearest first,
                   8 features each: x, y m, relative velocity vx, vy m/s, cos and
                   sin of the relative heading, length m, width m (zeros past
                   the last one)
``MASK``    8      1 for each row of ``OBJECTS`` that holds an actor, else 0
==========  =====  ==============================================================
"""

from __future__ import annotations

import math

import numpy as np

from gauntlet.envs._observation_kernel import fill_observation
from gauntlet.world.observation import EgoRoute
from gauntlet.world.signals import OFF, RED, YELLOW
from gauntlet.world.world import World

#: Number of object rows, and features per row.
K_OBJECTS, OBJECT_FEATURES = 8, 8
#: Objects farther than this are not observed, m.
OBJECT_RANGE_M = 80.0
#: Route look-ahead distances, m.
LOOKAHEAD_M = np.array([10.0, 20.0, 30.0, 40.0, 50.0])
#: Distance reported when no stop line lies ahead, m.
NO_STOP_LINE_M = 100.0

EGO = slice(0, 8)
ROUTE = slice(8, 18)
SIGNAL = slice(18, 20)
OBJECTS = slice(20, 20 + K_OBJECTS * OBJECT_FEATURES)
MASK = slice(OBJECTS.stop, OBJECTS.stop + K_OBJECTS)
OBS_SIZE = MASK.stop

_EGO_LOW = [-10.0, -20.0, -5.0, -1.0, 0.0, -20.0, -math.pi, 0.0]
_EGO_HIGH = [60.0, 20.0, 5.0, 1.0, 60.0, 20.0, math.pi, 1.0]
_OBJ_LOW = [-OBJECT_RANGE_M, -OBJECT_RANGE_M, -80.0, -80.0, -1.0, -1.0, 0.0, 0.0]
_OBJ_HIGH = [OBJECT_RANGE_M, OBJECT_RANGE_M, 80.0, 80.0, 1.0, 1.0, 25.0, 5.0]
LOW = np.array(
    _EGO_LOW + [-100.0] * 10 + [0.0, 0.0] + _OBJ_LOW * K_OBJECTS + [0.0] * K_OBJECTS,
    dtype=np.float32,
)
HIGH = np.array(
    _EGO_HIGH + [100.0] * 10 + [NO_STOP_LINE_M, 1.0] + _OBJ_HIGH * K_OBJECTS + [1.0] * K_OBJECTS,
    dtype=np.float32,
)


class RouteStopLines:
    """The stop lines of traffic lights on a route, by route ``s``, and the ego's passage of them."""

    def __init__(self, world: World, route: EgoRoute) -> None:
        entry = route.bank.entry[0]
        stops = []
        for st in world.signal_stops:
            s = float(entry[st.lane] + st.lane_s)
            if np.isfinite(s):
                stops.append((s, st.signal_id))
        stops.sort()
        self.s = np.array([s for s, _ in stops])
        self.signal = [sid for _, sid in stops]
        self.half_length = 0.5 * float(world.length[route.actor])
        self.next = int(np.searchsorted(self.s, route.s + self.half_length, side="right"))

    def ahead(self, front_s: float) -> int:
        """Index of the first stop line not yet passed by a front bumper at ``front_s`` (or len)."""
        k = self.next
        while k < len(self.s) and self.s[k] <= front_s:
            k += 1
        return k

    def crossed_on_red(self, world: World, front_s: float) -> int:
        """Stop lines the front bumper passed since the last call while their light was red."""
        k = self.ahead(front_s)
        count = sum(
            world.signals.states.get(self.signal[i], OFF) == RED for i in range(self.next, k)
        )
        self.next = k
        return count


class ObservationBuilder:
    """Fills the observation vector of one ego; the arrays are reused across steps."""

    def __init__(self, world: World, route: EgoRoute, stop_lines: RouteStopLines) -> None:
        self.world, self.route, self.stop_lines = world, route, stop_lines
        self.ego = route.actor
        self.others = np.array([a for a in range(len(world.actors)) if a != self.ego], np.int64)
        self._raw = np.zeros(OBS_SIZE)
        self._taken = np.zeros(len(self.others), dtype=np.bool_)
        # Object boxes do not change size: gather them once.
        self._length = world.length[self.others]
        self._width = world.width[self.others]
        #: Speed limit at every route sample (the lanes' limits do not change), m/s.
        self.speed_limits = route.speed_limits()
        self._has_stop_lines = bool(len(stop_lines.s))

    def build(self, steer_command: float) -> np.ndarray:
        """The observation after the route was updated; returns a new array."""
        w, r, a, raw = self.world, self.route, self.ego, self._raw
        h = float(w.h[a])
        path = r.path
        i = min(r.index, len(path.heading) - 1)
        heading_error = (float(path.heading[i]) - h + math.pi) % (2 * math.pi) - math.pi
        raw[EGO] = (
            w.v[a],
            w.accel[a],
            w.yaw_rate[a],
            steer_command,
            self.speed_limits[r.index],
            r.lateral,
            heading_error,
            float(w.off_road[a]),
        )
        sl = self.stop_lines
        front = r.s + sl.half_length
        j = sl.ahead(front) if self._has_stop_lines else 0
        if j < len(sl.s):
            state = w.signals.states.get(sl.signal[j], OFF)
            raw[SIGNAL] = (min(sl.s[j] - front, NO_STOP_LINE_M), float(state in (RED, YELLOW)))
        else:
            raw[SIGNAL] = (NO_STOP_LINE_M, 0.0)
        fill_observation(
            raw, w.x, w.y, w.h, w.v, a, self.others, self._length, self._width,
            path.s, path.x, path.y, r.s, LOOKAHEAD_M, ROUTE.start, OBJECTS.start, MASK.start,
            K_OBJECTS, OBJECT_FEATURES, OBJECT_RANGE_M, self._taken,
        )  # fmt: skip
        # np.clip's wrapper costs more than the two ufuncs on 92 entries.
        np.minimum(np.maximum(raw, LOW, out=raw), HIGH, out=raw)
        return raw.astype(np.float32)
