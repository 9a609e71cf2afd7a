"""The server's wire formats and mappings, without a client: framing, layouts, pedals."""

from __future__ import annotations

import struct

import msgpack
import pytest

from gauntlet.bridges.carla.fields import ProtocolError, decode_transform
from gauntlet.bridges.carla.pedals import (
    COAST_DECEL_MPS2,
    HAND_BRAKE_FRACTION,
    VehicleLimits,
    pedal_command,
    walker_velocity,
)
from gauntlet.bridges.carla.protocol import (
    CommandKind,
    EpisodeSettings,
    decode_command,
    decode_description,
    decode_settings,
    decode_vehicle_control,
    failure,
    ok,
    ok_void,
)
from gauntlet.bridges.carla.snapshot import ACTOR_RECORD
from gauntlet.bridges.carla.streaming import StreamSession, make_token, token_stream_id
from gauntlet.bridges.carla.wire import RpcDecoder, WireError, encode_request

CAR = VehicleLimits(max_accel_mps2=3.5, max_decel_mps2=9.0, max_steer_rad=0.6)


def test_decoder_splits_back_to_back_messages_and_strips_metadata():
    data = encode_request(1, "version", []) + encode_request(2, "destroy_actor", [7])
    decoder = RpcDecoder()
    calls = decoder.feed(data[:5]) + decoder.feed(data[5:])
    assert [(c.msgid, c.method, c.args) for c in calls] == [
        (1, "version", []),
        (2, "destroy_actor", [7]),
    ]


@pytest.mark.parametrize(
    "garbage",
    [
        b"\xc1",  # a byte msgpack never uses
        msgpack.packb({"not": "an array"}),
        msgpack.packb([0, "id", "version", []]),  # request id is not an integer
        msgpack.packb([1, 1, None, None]),  # a response, not a request
        msgpack.packb([0, 1, 42, []]),  # method is not a string
        b"\xa5\xff\xfe\xfd\xfc\xfb",  # a string that is not UTF-8
    ],
)
def test_decoder_rejects_what_is_not_msgpack_rpc(garbage):
    with pytest.raises(WireError):
        RpcDecoder().feed(garbage)


def test_decoder_rejects_oversized_messages():
    decoder = RpcDecoder(max_message_bytes=1024)
    with pytest.raises(WireError):
        decoder.feed(msgpack.packb([0, 1, "apply_batch", [[False], "x" * 4096]]))


def test_response_layouts():
    assert ok(5) == [[1, 5]]
    assert ok_void() == [[False]]
    assert failure("boom") == [[0, ["boom"]]]


def test_transform_and_description_layouts():
    t = decode_transform([[1.0, 2, -3.5], [0.0, 90.0, 0]])
    assert (t.x, t.y, t.z, t.pitch, t.yaw, t.roll) == (1.0, 2.0, -3.5, 0.0, 90.0, 0.0)
    d = decode_description([7, "vehicle.audi.a2", [["role_name", 4, "hero"]]])
    assert d.attribute("role_name") == "hero"
    for bad in ([[1.0, 2.0], [0.0, 0.0, 0.0]], [[1.0, 2.0, "x"], [0, 0, 0]], "t"):
        with pytest.raises(ProtocolError):
            decode_transform(bad)
    with pytest.raises(ProtocolError):
        decode_transform([[float("nan"), 0.0, 0.0], [0.0, 0.0, 0.0]])


def test_settings_round_trip_and_short_forms():
    s = EpisodeSettings(True, False, 0.05)
    assert decode_settings(s.encode()) == s
    # Older clients send fewer fields; an unset step is [false].
    short = decode_settings([False, False, [False]])
    assert short.fixed_delta_seconds is None and short.synchronous_mode is False


def test_vehicle_control_is_clamped():
    c = decode_vehicle_control([2.0, -3.0, -1.0, True, False, False, 0])
    assert (c.throttle, c.steer, c.brake, c.hand_brake) == (1.0, -1.0, 0.0, True)
    assert len(c.packed()) == 19


def test_command_variant():
    cmd = decode_command([[1, [42]]])
    assert cmd.kind is CommandKind.DESTROY_ACTOR and cmd.fields == [42]
    with pytest.raises(ProtocolError):
        decode_command([[99, []]])


def test_token_layout():
    token = make_token(0x01020304, "127.0.0.1", 2001)
    assert len(token) == 24
    assert token_stream_id(token) == 0x01020304
    assert struct.unpack_from("<HBB", token, 4) == (2001, 1, 1)
    assert token[8:12] == bytes([127, 0, 0, 1])


def test_actor_record_is_119_bytes():
    assert ACTOR_RECORD.itemsize == 119
    assert ACTOR_RECORD.fields["extra"][1] == 65


class _Sink:
    """A socket that accepts nothing: the client stopped reading."""

    def send(self, data: bytes) -> int:
        raise BlockingIOError


def test_stream_queue_is_bounded_and_keeps_newest():
    session = StreamSession(_Sink(), max_queued_bytes=10_000)  # type: ignore[arg-type]
    for k in range(1000):
        session.enqueue(bytes([k % 256]) * 1000)
        session.flush()
    queued = sum(len(f) for f in session._queue)
    assert queued <= 10_000 + 1004
    assert session.dropped_frames > 900
    assert bytes(session._queue[-1])[4] == 999 % 256


def test_pedals_hand_computed():
    # Full throttle from rest: the preset's full acceleration, forwards.
    assert pedal_command(1.0, 0.0, 0.0, False, False, 0.0, CAR, 0.05) == (3.5, 0.0, False)
    # Reverse gear drives backwards.
    assert pedal_command(0.5, 0.0, 0.0, False, True, 0.0, CAR, 0.05)[0] == pytest.approx(-1.75)
    # Half brake at 10 m/s: half the preset's deceleration.
    assert pedal_command(0.0, 0.5, 0.0, False, False, 10.0, CAR, 0.05)[0] == pytest.approx(
        -4.5 - COAST_DECEL_MPS2
    )
    # Braking never reverses the motion: it stops within the step.
    accel, _, _ = pedal_command(0.0, 1.0, 0.0, False, False, 0.2, CAR, 0.05)
    assert accel == pytest.approx(-0.2 / 0.05)
    # At standstill the brakes hold against a weaker drive.
    assert pedal_command(0.2, 1.0, 0.0, False, False, 0.0, CAR, 0.05)[2] is True
    # The hand brake brakes with at least its fraction of the preset's deceleration.
    accel, _, _ = pedal_command(0.0, 0.0, 0.0, True, False, -10.0, CAR, 0.05)
    assert accel == pytest.approx(HAND_BRAKE_FRACTION * 9.0 + COAST_DECEL_MPS2)
    # CARLA's positive steer turns right: a negative (clockwise) road-wheel angle.
    assert pedal_command(0.0, 0.0, 0.5, False, False, 5.0, CAR, 0.05)[1] == pytest.approx(-0.3)


def test_walker_direction_is_flipped_and_normalised():
    vx, vy = walker_velocity((0.0, 2.0, 0.0), 1.4)  # CARLA +y is Gauntlet -y
    assert (vx, vy) == pytest.approx((0.0, -1.4))
    assert walker_velocity((0.0, 0.0, 0.0), 1.4) == (0.0, 0.0)
