"""CARLA's streaming protocol: tokens, stream sessions and bounded send queues.

A stream (the episode's world snapshots, one per sensor) is named by a
32-bit stream id. Its *token* (24 bytes) tells the client where to connect:
stream id (uint32), port (uint16), protocol (1: TCP), address type (1: IPv4)
and 16 address bytes, all little-endian and packed. The client connects,
sends the 4-byte stream id, and from then on only reads frames:
``uint32 size`` followed by ``size`` bytes.

Every payload starts with the sensor header (48 bytes): sensor type index in
the client's registry (uint64), frame (uint64), simulation time (float64)
and the sensor's transform (six float32: x, y, z, pitch, yaw, roll).

A client that stops reading must not grow the server's memory: each session
keeps at most :data:`MAX_QUEUED_BYTES` waiting and drops its oldest whole
frames beyond that (the newest snapshot is the one that matters).
"""

from __future__ import annotations

import ipaddress
import socket
import struct
from collections import deque

from gauntlet.bridges.carla.coords import CarlaTransform

#: Index of the episode-state serialiser in the 0.9.16 client's sensor registry.
EPISODE_STATE_SENSOR = 17
#: Bytes a slow stream session may hold before its oldest frames are dropped.
MAX_QUEUED_BYTES = 16 * 1024 * 1024
_TOKEN = struct.Struct("<IHBB16s")
_SENSOR_HEADER = struct.Struct("<QQd6f")
_SIZE = struct.Struct("<I")


def make_token(stream_id: int, host: str, port: int) -> bytes:
    """The 24-byte token of ``stream_id`` served at ``host:port``.

    An unspecified host (``0.0.0.0``) makes the client use the address it
    reached the RPC port at.
    """
    address = ipaddress.ip_address(host if host not in ("", "localhost") else "127.0.0.1")
    if address.version == 4:
        kind, raw = 1, address.packed.ljust(16, b"\0")
    else:
        kind, raw = 2, address.packed
    return _TOKEN.pack(stream_id, port, 1, kind, raw)


def token_stream_id(token: bytes) -> int:
    """The stream id inside a token."""
    return _TOKEN.unpack(token)[0]


def sensor_header(sensor_type: int, frame: int, time_s: float, t: CarlaTransform) -> bytes:
    """The 48-byte header every stream payload starts with."""
    return _SENSOR_HEADER.pack(sensor_type, frame, time_s, t.x, t.y, t.z, t.pitch, t.yaw, t.roll)


class StreamSession:
    """One subscriber connection: the stream id it asked for and what waits to be sent."""

    def __init__(self, sock: socket.socket, max_queued_bytes: int = MAX_QUEUED_BYTES) -> None:
        self.sock = sock
        self.stream_id: int | None = None
        self._hello = b""
        self._queue: deque[memoryview] = deque()
        self._queued = 0
        self._max = max_queued_bytes
        #: Bytes of the frame at the head of the queue already sent.
        self._sent_of_head = 0
        self.dropped_frames = 0

    def read_hello(self, data: bytes) -> int | None:
        """Collect the 4-byte stream id; returns it once complete."""
        self._hello += data
        if len(self._hello) < 4:
            return None
        if len(self._hello) > 4:
            raise ValueError("a stream client sends exactly 4 bytes")
        self.stream_id = _SIZE.unpack(self._hello)[0]
        return self.stream_id

    @property
    def pending(self) -> bool:
        """Whether bytes wait to be sent."""
        return bool(self._queue)

    def enqueue(self, payload: bytes) -> None:
        """Queue one frame, dropping the oldest unsent frames beyond the limit."""
        frame = memoryview(_SIZE.pack(len(payload)) + payload)
        self._queue.append(frame)
        self._queued += len(frame)
        while self._queued > self._max:
            # Keep the newest frame, and the head once part of it went out (framing).
            first = 1 if self._sent_of_head else 0
            if first >= len(self._queue) - 1:
                break
            victim = self._queue[first]
            del self._queue[first]
            self._queued -= len(victim)
            self.dropped_frames += 1

    def flush(self) -> None:
        """Send what the socket takes now.

        Raises:
            OSError: When the connection is gone.
        """
        while self._queue:
            head = self._queue[0]
            try:
                sent = self.sock.send(head[self._sent_of_head :])
            except (BlockingIOError, InterruptedError):
                return
            self._sent_of_head += sent
            if self._sent_of_head < len(head):
                return
            self._queue.popleft()
            self._queued -= len(head)
            self._sent_of_head = 0
