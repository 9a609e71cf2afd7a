"""Scenario mode: ``gauntlet run X --stack carla`` — the ego driven by an external CARLA client.

The ``carla`` stack serves the scenario's world on a CARLA-compatible server
and hands the ego to whichever CARLA client takes it: the vehicle whose
``role_name`` is ``hero``. The runner's loop is unchanged — the storyboard
and behaviour models drive the other actors, the criteria score the run, and
the results and reports are those of any run.

One step, in synchronous mode (the default; the client calls ``world.tick()``):

1. :meth:`CarlaClientStack.step` publishes the frame the world has reached
   (snapshot and sensor data) and answers the client's pending tick with it;
2. it serves the client (controls, sensor spawns, queries) until the client
   calls ``world.tick()`` again, which it leaves unanswered;
3. it returns the hero's last ``VehicleControl`` as a Gauntlet
   :class:`~gauntlet.agents.stack.Control`, and the runner steps the world.

The run starts at the client's first ``world.tick()`` (until then no time
passes; waiting is limited by ``connect_timeout_s``). In asynchronous mode
(a client that sets ``synchronous_mode`` False) the world steps in real
time, one step of ``dt`` per ``dt`` of wall-clock time, and the client reads
frames with ``wait_for_tick`` or ``on_tick``. When the run ends, the pending
tick is answered with the last frame and further ticks fail with
``RuntimeError: ... the scenario has ended``.

The stack ignores the parameters of the scenario's own stack (``ego.params``)
except those starting with ``carla_``: ``carla_host`` (default
``127.0.0.1``), ``carla_port`` (2000; 0 picks a free port), ``carla_stream_port``,
``carla_connect_timeout_s`` (120) and ``carla_step_timeout_s`` (60). The
environment variables ``GAUNTLET_CARLA_HOST``, ``GAUNTLET_CARLA_PORT`` (set by
``gauntlet run --carla-port``) take precedence over the defaults. A ``carla_``
key it does not know, or a value of the wrong kind, fails the run with a
:class:`~gauntlet.agents.stack.StackError` naming ``ego.params.<key>``.
"""

from __future__ import annotations

import difflib
import math
import os
import sys
import time
from typing import TYPE_CHECKING, Any

from gauntlet.agents.stack import StackError
from gauntlet.bridges.carla.pedals import VehicleLimits, pedal_command
from gauntlet.bridges.carla.protocol import failure, ok
from gauntlet.bridges.carla.scenario_episode import ScenarioEpisode
from gauntlet.bridges.carla.server import DEFERRED, CarlaServer

if TYPE_CHECKING:
    from gauntlet.agents.stack import Control, EpisodeInfo
    from gauntlet.world.observation import Observation
    from gauntlet.world.world import World

#: Seconds the server keeps answering after the run, so that a client learns it ended.
GRACE_S = 2.0
#: The ``ego.params`` keys the ``carla`` stack reads.
CARLA_PARAMS = (
    "carla_host",
    "carla_port",
    "carla_stream_port",
    "carla_connect_timeout_s",
    "carla_step_timeout_s",
)


def check_carla_params(params: dict[str, Any]) -> None:
    """Refuse ``carla_*`` keys of ``ego.params`` that the ``carla`` stack does not read.

    Raises:
        StackError: An unknown ``carla_*`` key (named as ``ego.params.<key>``).
    """
    for key in sorted(params):
        if key.startswith("carla_") and key not in CARLA_PARAMS:
            close = difflib.get_close_matches(key, CARLA_PARAMS, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise StackError(
                f"carla stack: unknown key ego.params.{key}{hint}; "
                f"expected one of {', '.join(CARLA_PARAMS)}"
            )


def port_param(value: Any, name: str) -> int:
    """A TCP port, 0 to 65535 (0: a free one), from ``value``; ``name`` goes into the error.

    Raises:
        StackError: Not a whole number in that range.
    """
    try:
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise ValueError
        port = int(value)
    except (TypeError, ValueError, OverflowError):
        port = -1
    if not 0 <= port <= 65535:
        raise StackError(
            f"carla stack: {name} must be a TCP port, a whole number from 0 to 65535 "
            f"(0 picks a free port), got {value!r}"
        )
    return port


def seconds_param(value: Any, name: str) -> float:
    """A positive, finite duration in seconds from ``value``; ``name`` goes into the error.

    Raises:
        StackError: Not a number, or not finite and > 0.
    """
    try:
        if isinstance(value, bool):
            raise ValueError
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0.0):
        raise StackError(f"carla stack: {name} must be a positive number of seconds, got {value!r}")
    return seconds


class ScenarioModeError(RuntimeError):
    """No client took the ego in time, or the client stopped ticking."""


class ScenarioServer(CarlaServer):
    """A server whose clients' ticks wait for the runner's next step."""

    def __init__(self, episode: ScenarioEpisode, **kwargs: Any) -> None:
        super().__init__(episode, **kwargs)
        self.auto_step = False
        self.ended: str | None = None

    def client_tick(self) -> object:
        """Leave the tick unanswered until the world has stepped; fail once the run ended."""
        if self.ended is not None:
            return failure(f"tick: {self.ended}")
        return DEFERRED


class CarlaClientStack:
    """The ``carla`` stack: the ego is driven by an external CARLA client (see the module docstring)."""

    def __init__(self, **params: Any) -> None:
        check_carla_params(params)
        env = os.environ
        self.host = str(params.get("carla_host", env.get("GAUNTLET_CARLA_HOST", "127.0.0.1")))
        if "carla_port" in params:
            self.port = port_param(params["carla_port"], "ego.params.carla_port")
        else:
            port = env.get("GAUNTLET_CARLA_PORT", 2000)
            self.port = port_param(port, "the environment variable GAUNTLET_CARLA_PORT")
        stream = params.get("carla_stream_port")
        self.stream_port = (
            port_param(stream, "ego.params.carla_stream_port") if stream is not None else None
        )
        self.connect_timeout_s = seconds_param(
            params.get("carla_connect_timeout_s", 120.0), "ego.params.carla_connect_timeout_s"
        )
        self.step_timeout_s = seconds_param(
            params.get("carla_step_timeout_s", 60.0), "ego.params.carla_step_timeout_s"
        )
        self._world: World | None = None
        self._ego = -1
        self.server: ScenarioServer | None = None
        self.episode: ScenarioEpisode | None = None
        #: The ego's actuator limits, from :meth:`reset`.
        self._limits: VehicleLimits | None = None
        self._started = False
        self._next_async_s = 0.0

    def bind_world(self, world: World, ego: int) -> None:
        """The runner's world and the ego's index in it (called before :meth:`reset`)."""
        self._world, self._ego = world, ego

    def reset(self, info: EpisodeInfo) -> None:
        """Start the server and wait until a client takes the hero and ticks.

        Raises:
            ScenarioModeError: The runner gave no world, or no client ticked in time.
        """
        if self._world is None:
            raise ScenarioModeError("the carla stack needs the runner's world (bind_world)")
        self.episode = ScenarioEpisode(self._world, self._ego, info.scenario, info.seed)
        self.server = ScenarioServer(
            self.episode, host=self.host, port=self.port, stream_port=self.stream_port
        )
        self._limits = VehicleLimits(info.max_accel_mps2, info.max_decel_mps2, info.max_steer_rad)
        print(
            f"gauntlet carla server on {self.host}:{self.server.port} "
            f"(streams on {self.server.stream_port}), scenario {info.scenario}: waiting for a "
            f"client to take the ego (role_name 'hero', actor {self.episode.hero_id})",
            file=sys.stderr,
            flush=True,
        )
        self._serve_until_tick(self.connect_timeout_s, "no CARLA client ticked the world")

    def step(self, obs: Observation) -> Control:
        """Publish the frame the world reached, serve the client until its next tick, drive."""
        from gauntlet.agents.stack import Control

        server, episode, limits = self.server, self.episode, self._limits
        assert server is not None and episode is not None and limits is not None
        if self._started:
            self._publish()
        self._started = True
        if episode.settings.synchronous_mode:
            self._serve_until_tick(self.step_timeout_s, "the CARLA client stopped ticking")
        else:
            self._serve_until_time()
        c = episode.actors.get(episode.hero_id).vehicle_control
        v = obs.ego.speed_mps
        accel, steer, hold = pedal_command(
            c.throttle, c.brake, c.steer, c.hand_brake, c.reverse, v, limits, episode.dt_s
        )
        if hold:
            accel = -limits.max_decel_mps2
        return Control(accel_mps2=accel, steer_rad=steer)

    def close(self) -> None:
        """Answer the last tick with the final frame, tell later ticks the run ended, stop."""
        server = self.server
        if server is None:
            return
        if self._started:
            self._publish()
        server.ended = "the scenario has ended; its results are in the run's output folder"
        # Once ``ended`` is set, ticks fail at once (ScenarioServer.client_tick): none defers.
        server.answer_deferred(failure(f"tick: {server.ended}"))
        end = time.monotonic() + GRACE_S
        while server.connections and time.monotonic() < end:
            server.serve_once(0.05)
        server.shutdown()
        self.server = None

    # ------------------------------------------------------------------ serving

    def _publish(self) -> None:
        """The world stepped: publish the new frame and answer the waiting ticks with it."""
        server = self.server
        assert server is not None
        server.answer_deferred(ok(server.tick()))

    def _serve_until_tick(self, timeout_s: float, what: str) -> None:
        server = self.server
        assert server is not None
        end = time.monotonic() + timeout_s
        while not server.deferred:
            if self.episode is not None and not self.episode.settings.synchronous_mode:
                return
            left = end - time.monotonic()
            if left <= 0:
                raise ScenarioModeError(f"{what} within {timeout_s:g} s")
            server.serve_once(min(left, 0.5))

    def _serve_until_time(self) -> None:
        """Asynchronous mode: serve until the next step is due in wall-clock time."""
        server, episode = self.server, self.episode
        assert server is not None and episode is not None
        now = time.monotonic()
        if self._next_async_s == 0.0 or now - self._next_async_s > episode.dt_s:
            self._next_async_s = now
        self._next_async_s += episode.dt_s
        while (left := self._next_async_s - time.monotonic()) > 0:
            server.serve_once(left)
