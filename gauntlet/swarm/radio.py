"""The radio channel between swarm nodes: path loss, occlusion, packet errors, latency.

Per link ``i -> j`` at distance ``d``:

* received power ``P_rx = P_tx - (PL_0 + 10 n log10(d / 1 m)) - occlusion``, dBm
  (log-distance path loss with exponent ``n``; each occluding box crossed by
  the straight line adds ``occlusion_loss_db``);
* no link when ``P_rx`` is below the receiver sensitivity; so the range is
  ``10 ** ((P_tx - PL_0 - sensitivity) / (10 n))`` m;
* packet error rate from the margin ``M = P_rx - sensitivity`` as a logistic
  curve, ``PER = 1 / (1 + exp((M - M_50) / slope))`` (``M_50``: margin at
  which half the packets are lost), times any extra loss from the
  environment (a loss spike): ``P(delivered) = (1 - PER)(1 - extra)``;
* latency per hop: fixed access delay + serialisation ``8 bytes / bandwidth``
  + exponentially distributed jitter (queueing, retries), drawn from the
  network's generator.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class RadioParams:
    """Radio link parameters (defaults: a 2.4 GHz mesh radio at 20 dBm).

    Attributes:
        tx_power_dbm: Transmit power, dBm.
        path_loss_ref_db: Path loss at 1 m, dB.
        path_loss_exponent: Log-distance exponent (2 free space, 2.5-4 cluttered).
        sensitivity_dbm: Weakest receivable signal, dBm.
        margin_50_db: Link margin at which half the packets are lost, dB.
        margin_slope_db: Width of the packet-error curve, dB.
        occlusion_loss_db: Extra loss per occluding box crossed, dB.
        access_delay_s: Fixed per-hop delay (channel access, processing), s.
        jitter_mean_s: Mean of the exponential per-hop jitter, s.
        bandwidth_bps: Air data rate of each node, bit/s.
    """

    tx_power_dbm: float = 20.0
    path_loss_ref_db: float = 40.0
    path_loss_exponent: float = 2.5
    sensitivity_dbm: float = -90.0
    margin_50_db: float = 2.0
    margin_slope_db: float = 1.5
    occlusion_loss_db: float = 15.0
    access_delay_s: float = 0.002
    jitter_mean_s: float = 0.003
    bandwidth_bps: float = 2.0e6

    @property
    def range_m(self) -> float:
        """Distance at which the received power falls to the sensitivity (no occlusion), m."""
        budget = self.tx_power_dbm - self.path_loss_ref_db - self.sensitivity_dbm
        return 10.0 ** (budget / (10.0 * self.path_loss_exponent))

    def received_power_dbm(self, distance_m: np.ndarray) -> np.ndarray:
        """``P_rx`` at ``distance_m`` without occlusion, dBm (distances below 1 m count as 1 m)."""
        d = np.maximum(np.asarray(distance_m, dtype=np.float64), 1.0)
        return (
            self.tx_power_dbm - self.path_loss_ref_db - 10.0 * self.path_loss_exponent * np.log10(d)
        )

    def delivery_probability(self, rx_dbm: np.ndarray, extra_loss: float = 0.0) -> np.ndarray:
        """Probability that one packet arrives at received power ``rx_dbm`` (0 below sensitivity)."""
        margin = np.asarray(rx_dbm, dtype=np.float64) - self.sensitivity_dbm
        z = np.clip((margin - self.margin_50_db) / self.margin_slope_db, -50.0, 50.0)
        ok = 1.0 / (1.0 + np.exp(-z))
        return np.where(margin >= 0.0, ok * (1.0 - extra_loss), 0.0)

    def hop_latency_s(self, size_bytes: float, rng: np.random.Generator, count: int) -> np.ndarray:
        """``count`` per-hop latencies for packets of ``size_bytes``, s."""
        fixed = self.access_delay_s + 8.0 * size_bytes / self.bandwidth_bps
        return fixed + rng.exponential(self.jitter_mean_s, count)


def boxes_crossed(a_xy: np.ndarray, b_xy: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """How many axis-aligned boxes each segment ``a -> b`` crosses (slab test).

    Args:
        a_xy, b_xy: Segment ends ``(k, 2)``, m.
        boxes: ``(q, 4)`` rows ``x_min, y_min, x_max, y_max``, m.

    Returns:
        ``(k,)`` int counts.
    """
    k = len(a_xy)
    if k == 0 or len(boxes) == 0:
        return np.zeros(k, dtype=np.int64)
    d = b_xy - a_xy
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = 1.0 / np.where(d == 0.0, 1e-300, d)
    t_enter = np.zeros((k, len(boxes)))
    t_exit = np.ones((k, len(boxes)))
    for axis in range(2):
        lo = (boxes[None, :, axis] - a_xy[:, axis, None]) * inv[:, axis, None]
        hi = (boxes[None, :, axis + 2] - a_xy[:, axis, None]) * inv[:, axis, None]
        t_enter = np.maximum(t_enter, np.minimum(lo, hi))
        t_exit = np.minimum(t_exit, np.maximum(lo, hi))
    return np.sum(t_enter <= t_exit, axis=1)


def crosses_line_x(a_xy: np.ndarray, b_xy: np.ndarray, x_m: float) -> np.ndarray:
    """Whether each segment crosses the vertical line ``x = x_m`` (a jamming barrier)."""
    return (a_xy[:, 0] - x_m) * (b_xy[:, 0] - x_m) < 0.0
