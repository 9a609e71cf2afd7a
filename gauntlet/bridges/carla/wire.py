"""msgpack-RPC framing as CARLA's client (rpclib) speaks it.

There is no length prefix: messages are msgpack values back to back on the
TCP stream. A request is ``[0, msgid, method, params]``, a notification
``[2, method, params]``, a response ``[1, msgid, error, result]``. CARLA's
client puts a metadata array (``[false]`` for a synchronous call, ``[true]``
for an asynchronous one) before the real arguments of every call.

Anything that is not such a message — bytes that do not parse, values of the
wrong shape, a message larger than the limit — raises :class:`WireError`,
and the server closes that one connection.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgpack

REQUEST, RESPONSE, NOTIFICATION = 0, 1, 2
#: Largest message a client may send (a big ``apply_batch`` is well below this).
MAX_MESSAGE_BYTES = 16 * 1024 * 1024


class WireError(Exception):
    """The byte stream is not msgpack-RPC: the connection has to be closed."""


@dataclass(frozen=True)
class Call:
    """One request or notification: ``msgid`` is None for a notification."""

    msgid: int | None
    method: str
    args: list
    asynchronous: bool = False


class RpcDecoder:
    """Turns received bytes into :class:`Call` objects, message by message."""

    def __init__(self, max_message_bytes: int = MAX_MESSAGE_BYTES) -> None:
        self._unpacker = msgpack.Unpacker(
            raw=False,
            use_list=True,
            strict_map_key=False,
            max_buffer_size=max_message_bytes,
        )
        self._fed = 0
        self._consumed = 0

    @property
    def pending_bytes(self) -> int:
        """Bytes received that do not make a whole message yet."""
        return self._fed - self._consumed

    def feed(self, data: bytes) -> list[Call]:
        """All complete calls in the bytes received so far.

        Raises:
            WireError: On malformed, oversized or wrongly shaped input.
        """
        try:
            self._unpacker.feed(data)
            self._fed += len(data)
        except msgpack.BufferFull:
            raise WireError("message larger than the limit") from None
        calls = []
        try:
            for message in self._unpacker:
                self._consumed = self._unpacker.tell()
                calls.append(_call(message))
        except WireError:
            raise
        except (msgpack.UnpackException, ValueError, TypeError) as exc:
            raise WireError(f"malformed msgpack: {exc}") from None
        except Exception as exc:  # noqa: BLE001 - any decoder failure ends only this connection
            raise WireError(f"malformed msgpack: {type(exc).__name__}: {exc}") from None
        return calls


def _call(message: Any) -> Call:
    if not isinstance(message, list) or not message:
        raise WireError("a message must be a non-empty array")
    kind = message[0]
    if kind == REQUEST and len(message) == 4:
        _, msgid, method, params = message
        if isinstance(msgid, bool) or not isinstance(msgid, int) or not 0 <= msgid < 2**32:
            raise WireError("request id must be a uint32")
    elif kind == NOTIFICATION and len(message) == 3:
        _, method, params = message
        msgid = None
    else:
        raise WireError("not a msgpack-RPC request or notification")
    if not isinstance(method, str) or not isinstance(params, list):
        raise WireError("method must be a string and params an array")
    asynchronous = False
    if params and isinstance(params[0], list) and len(params[0]) == 1:
        # CARLA's call metadata; clients without it send the arguments alone.
        flag = params[0][0]
        if isinstance(flag, bool):
            asynchronous = flag
            params = params[1:]
    return Call(msgid, method, params, asynchronous)


def encode_response(msgid: int, result: Any, error: Any = None) -> bytes:
    """A response message; ``result`` must be msgpack-serialisable."""
    return msgpack.packb([RESPONSE, msgid, error, result], use_bin_type=True)


def encode_request(msgid: int, method: str, args: list) -> bytes:
    """A request message (used by tests and benchmarks that speak to the server raw)."""
    return msgpack.packb([REQUEST, msgid, method, [[False], *args]], use_bin_type=True)
