"""The CARLA-compatible server: RPC port, streaming port, one thread.

Design: a single thread runs a ``selectors`` loop over every socket (the two
listeners, RPC connections, stream sessions) and owns the episode. Calls are
handled in the order they arrive and the world steps between them, never
concurrently, so there are no locks and a session replays exactly; in
synchronous mode a tick is one call, its snapshot queued to the episode
stream before the call is answered. Sockets are non-blocking and every
connection has bounded buffers: input larger than a message limit, bytes
that are not msgpack-RPC, or a stream request for an unknown stream close
that connection only; a subscriber that stops reading loses its oldest
frames instead of growing the server's memory. An asyncio loop would give
the same structure with more per-message overhead and less control over
send buffers, which matters for a tick rate in the thousands per second.

In asynchronous mode the loop steps the world on its own every ``dt`` of
wall-clock time and publishes each snapshot. This module holds the loop and
the RPC connections; the stream sessions are :class:`~.stream_port.StreamPort`'s.
"""

from __future__ import annotations

import contextlib
import logging
import selectors
import socket
import threading
import time
from dataclasses import dataclass, field

from gauntlet.bridges.carla.episode import Episode
from gauntlet.bridges.carla.handlers import Handlers
from gauntlet.bridges.carla.protocol import EpisodeSettings
from gauntlet.bridges.carla.stream_port import ACCEPT, StreamPort, accept_nodelay, forget, listen
from gauntlet.bridges.carla.streaming import StreamSession, make_token
from gauntlet.bridges.carla.wire import MAX_MESSAGE_BYTES, RpcDecoder, WireError, encode_response

log = logging.getLogger("gauntlet.carla")

#: What a call handler returns to leave the call unanswered until :meth:`CarlaServer.answer`.
DEFERRED = object()
#: Stream id of the episode's world snapshots (sensor streams use their actor id).
EPISODE_STREAM = 1 << 31
#: Answers a client has not read yet beyond which its connection is closed, bytes.
MAX_PENDING_ANSWERS = 64 * 1024 * 1024
_RECV = 1 << 16
#: A message must arrive whole within this many seconds of its first byte.
INCOMPLETE_MESSAGE_TIMEOUT_S = 10.0


@dataclass
class _RpcConnection:
    id: int
    sock: socket.socket
    decoder: RpcDecoder
    out: bytearray = field(default_factory=bytearray)
    #: When the bytes of an incomplete message started waiting (None: nothing waits).
    partial_since: float | None = None


class CarlaServer:
    """Serves one :class:`Episode` to CARLA clients.

    Args:
        episode: The simulation to serve.
        host: Address to bind; ``127.0.0.1`` unless clients on other machines need it.
        port: RPC port (0: any free port); the stream port is ``port + 1`` unless given.
        stream_port: Streaming port (0: any free port).
        free_on_disconnect: Destroy the actors a connection spawned when it closes.
        max_message_bytes: Largest msgpack message accepted from a client.
        incomplete_message_timeout_s: How long the start of a message may wait for its rest.
    """

    def __init__(
        self,
        episode: Episode,
        host: str = "127.0.0.1",
        port: int = 2000,
        stream_port: int | None = None,
        *,
        free_on_disconnect: bool = False,
        max_message_bytes: int = MAX_MESSAGE_BYTES,
        incomplete_message_timeout_s: float = INCOMPLETE_MESSAGE_TIMEOUT_S,
    ) -> None:
        self.episode = episode
        self.host = host
        self.free_on_disconnect = free_on_disconnect
        self.max_message_bytes = max_message_bytes
        self.incomplete_message_timeout_s = incomplete_message_timeout_s
        self.episode_stream = EPISODE_STREAM
        self._selector = selectors.DefaultSelector()
        self._rpc_listener = listen(host, port)
        self.streams = StreamPort(
            self._selector,
            listen(host, stream_port if stream_port is not None else (port + 1 if port else 0)),
            self.has_stream,
            self._first_frame,
        )
        self.port = self._rpc_listener.getsockname()[1]
        self.stream_port = self.streams.port
        self._wake_r, self._wake_w = socket.socketpair()
        for s in (self._rpc_listener, self._wake_r):
            s.setblocking(False)
        self._selector.register(self._rpc_listener, selectors.EVENT_READ, "rpc-accept")
        self._selector.register(self._wake_r, selectors.EVENT_READ, "wake")
        self._rpc: dict[int, _RpcConnection] = {}
        self._next_connection = 1
        self._running = False
        self._thread: threading.Thread | None = None
        self._next_async_tick = time.monotonic()
        self._next_stall_check = 0.0
        #: Whether the server steps the episode by itself in asynchronous mode.
        self.auto_step = True
        #: Calls whose answers wait: (connection id, message id).
        self.deferred: list[tuple[int, int]] = []
        self.handlers = Handlers(self)

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> CarlaServer:
        """Serve on a background thread; returns self."""
        self._running = True
        self._thread = threading.Thread(target=self._loop, name="carla-server", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve on the calling thread until :meth:`close` (or Ctrl-C)."""
        self._running = True
        self._loop()

    def close(self) -> None:
        """Stop serving and close every socket."""
        self._running = False
        with contextlib.suppress(OSError):
            self._wake_w.send(b"x")
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5.0)

    def __enter__(self) -> CarlaServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ the episode

    def token(self, stream_id: int) -> bytes:
        """The token a client connects to ``stream_id`` with."""
        return make_token(stream_id, self.host, self.stream_port)

    def has_stream(self, stream_id: int) -> bool:
        """Whether ``stream_id`` is the episode stream or a live sensor's stream."""
        if stream_id == self.episode_stream:
            return True
        actor = self.episode.actors.get(stream_id)
        return actor is not None and actor.stream_id == stream_id

    def tick(self) -> int:
        """Step the episode once and publish its snapshot; returns the frame."""
        frame = self.episode.tick()
        self.streams.publish(self.episode_stream, self.episode.snapshot())
        listening = [s for s in self.streams.subscribed() if s != self.episode_stream]
        for stream_id, payload in self.episode.sensors.payloads(listening):
            self.streams.publish(stream_id, payload)
        return frame

    def _first_frame(self, stream_id: int) -> bytes | None:
        """A new subscriber of the episode stream gets the current snapshot at once."""
        return self.episode.snapshot() if stream_id == self.episode_stream else None

    def client_tick(self) -> object:
        """A client's ``world.tick()``: the answer, or :data:`DEFERRED` to answer later."""
        return self.tick()

    def answer(self, connection: int, msgid: int, result: object) -> None:
        """Answer a deferred call (dropped when its connection is gone)."""
        conn = self._rpc.get(connection)
        if conn is None:
            return
        conn.out += encode_response(msgid, result)
        self._flush_rpc(conn)

    def answer_deferred(self, result: object) -> None:
        """Answer every deferred call with ``result``, and forget them."""
        for connection, msgid in self.deferred:
            self.answer(connection, msgid, result)
        self.deferred.clear()

    @property
    def connections(self) -> int:
        """RPC connections open now."""
        return len(self._rpc)

    def apply_settings(self, settings: EpisodeSettings) -> None:
        """New episode settings; asynchronous stepping restarts from now."""
        self.episode.apply_settings(settings)
        self._next_async_tick = time.monotonic() + self.episode.dt_s

    def destroy(self, actor_id: int) -> bool:
        """Destroy an actor and close its stream's sessions."""
        if not self.episode.destroy(actor_id):
            return False
        self.streams.end(actor_id)
        return True

    # ------------------------------------------------------------------ the loop

    def _loop(self) -> None:
        try:
            while self._running:
                self.serve_once()
        except Exception:
            log.exception("the server loop stopped")
            raise
        finally:
            self._shutdown()

    def serve_once(self, max_wait_s: float = 1.0) -> None:
        """Wait up to ``max_wait_s`` for socket events and handle them (one loop turn).

        In asynchronous mode with :attr:`auto_step`, the episode steps here when due.
        """
        auto = self.auto_step and not self.episode.settings.synchronous_mode
        timeout = max(0.0, self._next_async_tick - time.monotonic()) if auto else 0.5
        for key, mask in self._selector.select(min(timeout, max_wait_s)):
            self._event(key, mask)
        self._drop_stalled()
        if auto and self._running:
            now = time.monotonic()
            if now >= self._next_async_tick:
                self.tick()
                # Keep real-time pace; after a stall, skip ahead rather than race.
                self._next_async_tick = max(
                    self._next_async_tick + self.episode.dt_s, now - self.episode.dt_s
                )

    def shutdown(self) -> None:
        """Close every socket (for a server driven through :meth:`serve_once`)."""
        self._running = False
        self._shutdown()

    def _event(self, key: selectors.SelectorKey, mask: int) -> None:
        tag = key.data
        if tag == "wake":
            self._wake_r.recv(64)
        elif tag == "rpc-accept":
            self._accept_rpc()
        elif tag == ACCEPT:
            self.streams.accept()
        elif isinstance(tag, _RpcConnection):
            if mask & selectors.EVENT_READ:
                self._read_rpc(tag)
            if mask & selectors.EVENT_WRITE and tag.id in self._rpc:
                self._flush_rpc(tag)
        elif isinstance(tag, StreamSession):
            if mask & selectors.EVENT_READ:
                self.streams.read(tag)
            if mask & selectors.EVENT_WRITE:
                self.streams.flush(tag)

    # ------------------------------------------------------------------ RPC connections

    def _accept_rpc(self) -> None:
        sock = accept_nodelay(self._rpc_listener)
        if sock is None:
            return
        conn = _RpcConnection(self._next_connection, sock, RpcDecoder(self.max_message_bytes))
        self._next_connection += 1
        self._rpc[conn.id] = conn
        self._selector.register(sock, selectors.EVENT_READ, conn)

    def _read_rpc(self, conn: _RpcConnection) -> None:
        try:
            data = conn.sock.recv(_RECV)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            self._close_rpc(conn)
            return
        try:
            calls = conn.decoder.feed(data)
        except WireError as exc:
            log.info("closing RPC connection %d: %s", conn.id, exc)
            self._close_rpc(conn)
            return
        for call in calls:
            try:
                result = self.handlers.dispatch(call.method, call.args, conn.id)
                if result is DEFERRED:
                    if call.msgid is not None:
                        self.deferred.append((conn.id, call.msgid))
                    continue
                if call.msgid is not None:
                    conn.out += encode_response(call.msgid, result)
            except Exception:  # noqa: BLE001 - a bug in one call must not take the server down
                log.exception("call %s failed", call.method)
                if call.msgid is not None:
                    conn.out += encode_response(call.msgid, None, f"{call.method}: internal error")
        if conn.decoder.pending_bytes == 0:
            conn.partial_since = None
        elif conn.partial_since is None:
            conn.partial_since = time.monotonic()
        if conn.out:
            self._flush_rpc(conn)

    def _drop_stalled(self) -> None:
        now = time.monotonic()
        if now < self._next_stall_check:
            return
        self._next_stall_check = now + min(0.5, self.incomplete_message_timeout_s / 4)
        for conn in list(self._rpc.values()):
            if (
                conn.partial_since is not None
                and now - conn.partial_since > self.incomplete_message_timeout_s
            ):
                log.info("closing RPC connection %d: incomplete message", conn.id)
                self._close_rpc(conn)

    def _flush_rpc(self, conn: _RpcConnection) -> None:
        try:
            while conn.out:
                sent = conn.sock.send(conn.out)
                del conn.out[:sent]
        except (BlockingIOError, InterruptedError):
            pass
        except OSError:
            self._close_rpc(conn)
            return
        if len(conn.out) > MAX_PENDING_ANSWERS:
            log.info("closing RPC connection %d: it does not read its answers", conn.id)
            self._close_rpc(conn)
            return
        events = selectors.EVENT_READ | (selectors.EVENT_WRITE if conn.out else 0)
        self._selector.modify(conn.sock, events, conn)

    def _close_rpc(self, conn: _RpcConnection) -> None:
        if self._rpc.pop(conn.id, None) is None:
            return
        forget(self._selector, conn.sock)
        if self.free_on_disconnect:
            for actor in self.episode.actors.owned_by(conn.id):
                self.destroy(actor.id)

    def _shutdown(self) -> None:
        for conn in list(self._rpc.values()):
            self._close_rpc(conn)
        self.streams.shutdown()
        for s in (self._rpc_listener, self._wake_r, self._wake_w):
            forget(self._selector, s)
        self._selector.close()
