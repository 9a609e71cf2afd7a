"""The V2X channel by numbers: range cut-off, loss rates, latency distributions, rate cap, determinism."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gauntlet.sensors.v2x import (
    FREE_SPACE_LOSS_1M_DB,
    BasicSafetyMessage,
    Channel,
    ChannelParams,
    HazardMessage,
    PathLoss,
    V2XInbox,
)

N = 20_000


def _binomial_bound(n: int, p: float, sd: float = 4.0) -> float:
    return sd * math.sqrt(n * p * (1.0 - p))


def _send(params: ChannelParams, distance_m: float, n: int = N, seed: int = 1):
    channel = Channel(params, np.random.default_rng(seed))
    senders = [f"s{k}" for k in range(n)]
    sxy = np.stack((np.full(n, distance_m), np.zeros(n)), axis=1)
    return channel.transmit(2.0, senders, sxy, np.zeros((1, 2)))


def test_range_cut_off_is_exact():
    params = ChannelParams(range_m=300.0)
    assert _send(params, 300.0, 10).delivered.all()
    assert not _send(params, 300.0 + 1e-9, 10).delivered.any()


def test_loss_rate_within_a_binomial_bound():
    out = _send(ChannelParams(loss=0.3), 50.0)
    lost = int((~out.delivered).sum())
    assert abs(lost - 0.3 * N) < _binomial_bound(N, 0.3)
    assert np.isinf(out.arrival_s[~out.delivered]).all()


def test_constant_latency():
    out = _send(ChannelParams(latency_s=0.25), 10.0, 100)
    assert out.arrival_s == pytest.approx(np.full((100, 1), 2.25))


def test_uniform_jitter_mean_and_bounds():
    params = ChannelParams(latency_s=0.1, jitter="uniform", jitter_s=0.2)
    delay = _send(params, 10.0).arrival_s[:, 0] - 2.0
    assert delay.min() >= 0.1 and delay.max() <= 0.3
    # Uniform on [0.1, 0.3]: mean 0.2, sd 0.2 / sqrt(12); 4 standard errors.
    assert delay.mean() == pytest.approx(0.2, abs=4 * 0.2 / math.sqrt(12 * N))
    assert params.mean_latency_s == pytest.approx(0.2)


def test_exponential_jitter_mean():
    params = ChannelParams(latency_s=0.05, jitter="exponential", jitter_s=0.1)
    delay = _send(params, 10.0).arrival_s[:, 0] - 2.0
    assert delay.min() >= 0.05
    # Exponential with mean 0.1 (sd 0.1) on top of 0.05 s.
    assert delay.mean() == pytest.approx(0.15, abs=4 * 0.1 / math.sqrt(N))
    assert params.mean_latency_s == pytest.approx(0.15)


def test_path_loss_received_power_by_hand():
    pl = PathLoss(exponent=2.0, tx_power_dbm=20.0, sensitivity_dbm=-92.0, shadowing_db=0.0)
    # 20 dBm - 47.86 dB - 20 log10(100) = -67.86 dBm at 100 m.
    assert pl.received_power_dbm(np.array([100.0]))[0] == pytest.approx(
        20.0 - FREE_SPACE_LOSS_1M_DB - 40.0
    )
    # Without shadowing the link holds up to where P = sensitivity: 10 ** ((20 - 47.86 + 92) / 20).
    edge = 10 ** ((20.0 + 92.0 - FREE_SPACE_LOSS_1M_DB) / 20.0)
    prob = pl.delivery_probability(np.array([edge * 0.999, edge * 1.001]))
    assert prob.tolist() == [1.0, 0.0]


def test_path_loss_with_shadowing_gives_the_normal_cdf():
    pl = PathLoss(exponent=2.7, shadowing_db=4.0)
    # At the distance where the mean margin is one shadowing sd, Phi(1) = 0.8413.
    d = 10 ** ((pl.tx_power_dbm - pl.reference_loss_db - pl.sensitivity_dbm - 4.0) / 27.0)
    assert pl.delivery_probability(np.array([d]))[0] == pytest.approx(0.841345, abs=1e-5)
    out = _send(ChannelParams(range_m=1e4, path_loss=pl), d)
    delivered = int(out.delivered.sum())
    assert abs(delivered - 0.841345 * N) < _binomial_bound(N, 0.841345)


def test_losses_combine_independently():
    pl = PathLoss(exponent=2.7, shadowing_db=4.0)
    d = 10 ** ((pl.tx_power_dbm - pl.reference_loss_db - pl.sensitivity_dbm) / 27.0)  # Phi(0)
    out = _send(ChannelParams(range_m=1e4, loss=0.2, path_loss=pl), d)
    p = 0.8 * 0.5
    assert abs(int(out.delivered.sum()) - p * N) < _binomial_bound(N, p)


def test_rate_cap_lets_through_max_rate_per_second():
    channel = Channel(ChannelParams(max_rate_hz=4.0), np.random.default_rng(0))
    sent = 0
    # One sender at 20 Hz for 10 s: one second's burst (4), then 4 a second: 4 + 4 * 10 at most.
    for k in range(200):
        out = channel.transmit(k * 0.05, ["rsu"], np.zeros((1, 2)), np.ones((1, 2)))
        sent += int(out.delivered.sum())
        assert out.rate_capped[0] == (not out.delivered[0, 0])
    assert 40 <= sent <= 44
    # Another sender has its own bucket.
    other = channel.transmit(10.0, ["car"], np.zeros((1, 2)), np.ones((1, 2)))
    assert other.delivered.all()


def test_many_receivers_are_independent_and_vectorised():
    channel = Channel(ChannelParams(loss=0.5), np.random.default_rng(3))
    out = channel.transmit(0.0, ["a", "b"], np.zeros((2, 2)), np.zeros((5000, 2)))
    assert out.delivered.shape == (2, 5000)
    rate = out.delivered.mean(axis=1)
    assert np.all(np.abs(rate - 0.5) < 4 * math.sqrt(0.25 / 5000))
    assert (out.delivered[0] != out.delivered[1]).any()


def test_same_seed_same_outcome():
    params = ChannelParams(loss=0.4, jitter="exponential", jitter_s=0.05)
    a, b = _send(params, 100.0, 500, seed=9), _send(params, 100.0, 500, seed=9)
    assert np.array_equal(a.delivered, b.delivered)
    assert np.array_equal(a.arrival_s, b.arrival_s)
    c = _send(params, 100.0, 500, seed=10)
    assert not np.array_equal(a.delivered, c.delivered)


def test_draws_do_not_depend_on_geometry():
    # The same seed gives the same loss pattern near and far (inside the range).
    params = ChannelParams(loss=0.4)
    near, far = _send(params, 10.0, 300), _send(params, 250.0, 300)
    assert np.array_equal(near.delivered, far.delivered)


def test_bad_parameters_are_refused():
    with pytest.raises(ValueError, match="loss"):
        ChannelParams(loss=1.5)
    with pytest.raises(ValueError, match="range_m"):
        ChannelParams(range_m=0.0)
    with pytest.raises(ValueError, match="max_rate_hz"):
        ChannelParams(max_rate_hz=0.0)


def test_inbox_filters_by_kind():
    bsm = BasicSafetyMessage("car", 1.0, 3, "car", 0.0, 0.0, 0.0, 10.0, 0.0, 4.5, 1.8)
    hazard = HazardMessage("rsu", 1.0, "h0", "road_works", 50.0, 0.0, 10.0, 30.0)
    inbox = V2XInbox(1.1, (bsm, hazard))
    assert inbox.of_kind(HazardMessage) == [hazard]
    assert inbox.of_kind(BasicSafetyMessage) == [bsm]
