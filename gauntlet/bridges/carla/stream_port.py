"""The streaming port: subscribers of the episode and sensor streams.

A client connects to the stream port, sends the 4-byte id of the stream it
wants (from a token it got over RPC) and from then on only reads frames. A
:class:`StreamPort` owns the listening socket and the sessions, grouped by
stream id, and publishes payloads to every subscriber of a stream. It runs on
the server's one thread and registers its sockets with the server's selector.
A hello for an unknown stream, or anything sent after the hello, closes that
session only; a subscriber that stops reading loses its oldest frames (see
:class:`~.streaming.StreamSession`).
"""

from __future__ import annotations

import contextlib
import logging
import selectors
import socket
from collections.abc import Callable

from gauntlet.bridges.carla.streaming import StreamSession

log = logging.getLogger("gauntlet.carla")

#: The data tag of the listening socket in the selector.
ACCEPT = "stream-accept"


class StreamPort:
    """Stream sessions by stream id, on one listening socket.

    Args:
        selector: The server loop's selector (this port registers its sockets there).
        listener: The bound, listening stream socket.
        known: Whether a stream id may be subscribed to.
        first_frame: The payload a new subscriber of a stream gets at once (None: none).
    """

    def __init__(
        self,
        selector: selectors.BaseSelector,
        listener: socket.socket,
        known: Callable[[int], bool],
        first_frame: Callable[[int], bytes | None],
    ) -> None:
        self._selector = selector
        self.listener = listener
        self._known = known
        self._first_frame = first_frame
        self._sessions: dict[int, set[StreamSession]] = {}
        listener.setblocking(False)
        selector.register(listener, selectors.EVENT_READ, ACCEPT)

    @property
    def port(self) -> int:
        """The port it listens on."""
        return self.listener.getsockname()[1]

    def subscribed(self) -> list[int]:
        """Stream ids with at least one subscriber."""
        return [s for s, sessions in self._sessions.items() if sessions]

    def publish(self, stream_id: int, payload: bytes) -> None:
        """Queue ``payload`` to every subscriber of ``stream_id`` and send what fits."""
        for session in list(self._sessions.get(stream_id, ())):
            session.enqueue(payload)
            self.flush(session)

    def end(self, stream_id: int) -> None:
        """Close every session of ``stream_id`` (its sensor is gone)."""
        for session in self._sessions.pop(stream_id, set()):
            self.close(session)

    def accept(self) -> None:
        """Take a new connection (its hello comes later)."""
        sock = accept_nodelay(self.listener)
        if sock is not None:
            self._selector.register(sock, selectors.EVENT_READ, StreamSession(sock))

    def read(self, session: StreamSession) -> None:
        """Read a session's hello; a session says nothing else."""
        try:
            data = session.sock.recv(64)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data or session.stream_id is not None:
            self.close(session)  # gone, or sent more than its stream id
            return
        try:
            stream_id = session.read_hello(data)
        except ValueError:
            self.close(session)
            return
        if stream_id is None:
            return
        if not self._known(stream_id):
            log.info("closing stream session: unknown stream %d", stream_id)
            self.close(session)
            return
        self._sessions.setdefault(stream_id, set()).add(session)
        payload = self._first_frame(stream_id)
        if payload is not None:
            session.enqueue(payload)
            self.flush(session)

    def flush(self, session: StreamSession) -> None:
        """Send what the socket takes; wait for it to be writable while frames remain."""
        try:
            session.flush()
        except OSError:
            self.close(session)
            return
        events = selectors.EVENT_READ | (selectors.EVENT_WRITE if session.pending else 0)
        with contextlib.suppress(KeyError, ValueError):
            self._selector.modify(session.sock, events, session)

    def close(self, session: StreamSession) -> None:
        """Forget a session and close its socket."""
        if session.stream_id is not None:
            self._sessions.get(session.stream_id, set()).discard(session)
        forget(self._selector, session.sock)

    def shutdown(self) -> None:
        """Close every session and the listening socket."""
        for sessions in list(self._sessions.values()):
            for session in list(sessions):
                self.close(session)
        forget(self._selector, self.listener)


def listen(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port`` (0: any free port) and listening."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(64)
    return sock


def accept_nodelay(listener: socket.socket) -> socket.socket | None:
    """A new non-blocking connection without Nagle's delay (None: nothing to accept)."""
    try:
        sock, _ = listener.accept()
    except OSError:
        return None
    sock.setblocking(False)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def forget(selector: selectors.BaseSelector, sock: socket.socket) -> None:
    """Unregister ``sock`` (if registered) and close it."""
    with contextlib.suppress(KeyError, ValueError):
        selector.unregister(sock)
    with contextlib.suppress(OSError):
        sock.close()
