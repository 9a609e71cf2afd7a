"""Equivalent-circuit battery: open-circuit voltage, series resistance and one RC pair, batched.

The pack is a voltage source ``OCV(SoC)`` (per-cell curve times the cells in
series) behind a series resistance ``R0`` and one ``R1 || C1`` pair (the
polarisation that makes the voltage sag grow, and recover, over tens of
seconds). The load draws an electrical power ``P``; for a quadrotor that is
the rotors' shaft power over the motor and ESC efficiency,
``P = sum(km w^3) / eta`` (:func:`electrical_power_w`). Per step (compiled,
:mod:`gauntlet.dynamics._battery_kernels`):

    I   solves P = (OCV - V1 - R0 I) I     (the smaller root; above the pack's
                                            peak power I = (OCV - V1) / (2 R0))
    V1 <- V1 e^(-dt/tau) + R1 I (1 - e^(-dt/tau)),   tau = R1 C1   (exact for held I)
    SoC <- SoC - I dt / (3600 Q)
    V_terminal = OCV(SoC) - V1 - R0 I

The OCV curve is piecewise linear in SoC. The default LiPo curve is a typical
rest-voltage curve of a LiPo/Li-ion polymer cell (3.27 V empty, 3.82 V at half
charge, 4.20 V full); :meth:`BatteryParams.lipo` scales it to a pack.

Remaining flight time at a power ``P``: the charge down to the cut-off SoC,
divided by the steady current ``I`` that delivers ``P`` at the mean OCV over
that range with the steady resistance ``R0 + R1``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gauntlet.dynamics import _battery_kernels as bk
from gauntlet.dynamics._validation import (
    require_finite_positive,
    require_non_negative,
    require_params,
)

#: State of charge and rest voltage (V) of one LiPo cell.
LIPO_SOC = (0.0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
LIPO_CELL_OCV_V = (3.27, 3.61, 3.69, 3.73, 3.77, 3.79, 3.82, 3.87, 3.92, 3.98, 4.06, 4.20)


@dataclass(frozen=True)
class BatteryParams:
    """One battery pack.

    Attributes:
        capacity_ah: Charge from full to empty, A h.
        cells_series: Cells in series (the OCV curve is per cell).
        r0_ohm: Series resistance of the pack, ohm.
        r1_ohm: Resistance of the RC pair, ohm.
        c1_f: Capacitance of the RC pair, F.
        cutoff_soc: State of charge treated as empty (landing reserve).
        ocv_soc: SoC break points of the OCV curve, increasing from 0 to 1.
        ocv_cell_v: Cell rest voltage at each break point, V.
    """

    capacity_ah: float
    cells_series: int
    r0_ohm: float = 0.0
    r1_ohm: float = 0.0
    c1_f: float = 1.0
    cutoff_soc: float = 0.05
    ocv_soc: tuple[float, ...] = LIPO_SOC
    ocv_cell_v: tuple[float, ...] = LIPO_CELL_OCV_V

    def __post_init__(self) -> None:
        owner = type(self).__name__
        require_finite_positive(owner, capacity_ah=self.capacity_ah, c1_f=self.c1_f)
        require_non_negative(owner, r0_ohm=self.r0_ohm, r1_ohm=self.r1_ohm)
        if self.cells_series < 1:
            raise ValueError(f"{owner}.cells_series must be >= 1, got {self.cells_series}")
        if not 0.0 <= self.cutoff_soc < 1.0:
            raise ValueError(f"{owner}.cutoff_soc must lie in [0, 1), got {self.cutoff_soc}")
        soc = np.asarray(self.ocv_soc)
        if (
            len(self.ocv_soc) != len(self.ocv_cell_v)
            or len(soc) < 2
            or soc[0] != 0.0
            or soc[-1] != 1.0
            or np.any(np.diff(soc) <= 0.0)
        ):
            raise ValueError(
                f"{owner}: ocv_soc must increase from 0 to 1 and match ocv_cell_v in length"
            )

    @classmethod
    def lipo(cls, cells: int, capacity_ah: float, *, cutoff_soc: float = 0.05) -> BatteryParams:
        """A LiPo pack with typical resistances for its size.

        Per cell ``R0 = 0.015 ohm A h / Q``, ``R1 = 0.010 ohm A h / Q`` and an RC
        time constant of 30 s (representative of LiPo cells at room temperature).
        """
        r0 = cells * 0.015 / capacity_ah
        r1 = cells * 0.010 / capacity_ah
        return cls(capacity_ah, cells, r0, r1, 30.0 / r1, cutoff_soc)

    def open_circuit_voltage(self, soc: np.ndarray | float) -> np.ndarray:
        """Pack OCV at ``soc`` (clipped to [0, 1]), V."""
        cell = np.interp(np.clip(soc, 0.0, 1.0), self.ocv_soc, self.ocv_cell_v)
        return self.cells_series * cell

    def mean_open_circuit_voltage(self, low: float, high: float) -> float:
        """Pack OCV averaged over SoC in ``[low, high]`` (exact for the linear curve), V."""
        if high <= low:
            return float(self.open_circuit_voltage(low))
        inner = [s for s in self.ocv_soc if low < s < high]
        xs = np.array([low, *inner, high])
        ys = self.open_circuit_voltage(xs)
        return float(np.sum(0.5 * (ys[1:] + ys[:-1]) * np.diff(xs)) / (high - low))

    @property
    def energy_wh(self) -> float:
        """Energy at rest voltage from full to empty, W h."""
        return self.capacity_ah * self.mean_open_circuit_voltage(0.0, 1.0)


def electrical_power_w(shaft_power_w: np.ndarray, efficiency: np.ndarray | float) -> np.ndarray:
    """Battery power that delivers ``shaft_power_w`` through motors of ``efficiency``, W."""
    return np.asarray(shaft_power_w) / efficiency


def _current_for_power(
    power: np.ndarray, source_v: np.ndarray, resistance: np.ndarray
) -> np.ndarray:
    """The smaller current with ``(source - R I) I = P``; the peak-power current beyond it."""
    disc = source_v * source_v - 4.0 * resistance * power
    # (V - sqrt(V^2 - 4RP)) / (2R) written as 2P / (V + sqrt(...)) is exact at R = 0.
    below_peak = 2.0 * power / (source_v + np.sqrt(np.maximum(disc, 0.0)))
    with np.errstate(divide="ignore", invalid="ignore"):
        peak = np.where(resistance > 0.0, 0.5 * np.maximum(source_v, 0.0) / resistance, 0.0)
    return np.where(disc > 0.0, below_peak, peak)


class Battery:
    """A batch of battery packs, stepped under electrical power demands.

    Args:
        params: One :class:`BatteryParams` per pack.
        soc: Initial states of charge (default full).
    """

    def __init__(self, params: Sequence[BatteryParams], soc: np.ndarray | float = 1.0) -> None:
        self.params = require_params(type(self).__name__, params, BatteryParams)
        n = len(self.params)
        self.soc = np.broadcast_to(np.asarray(soc, dtype=np.float64), (n,)).copy()
        #: Voltage across the RC pair, V.
        self.v1 = np.zeros(n)
        #: Current over the last step, A.
        self.current_a = np.zeros(n)
        self._capacity_c = np.array([3600.0 * p.capacity_ah for p in self.params])
        self._r0 = np.array([p.r0_ohm for p in self.params])
        self._r1 = np.array([p.r1_ohm for p in self.params])
        self._tau = self._r1 * np.array([p.c1_f for p in self.params])
        self._cutoff = np.array([p.cutoff_soc for p in self.params])
        self._cells = np.array([float(p.cells_series) for p in self.params])
        # Packs that share an OCV curve are interpolated together.
        curves: dict[tuple[tuple[float, ...], tuple[float, ...]], list[int]] = {}
        for i, p in enumerate(self.params):
            curves.setdefault((p.ocv_soc, p.ocv_cell_v), []).append(i)
        self._curves = [(np.array(rows), soc, volts) for (soc, volts), rows in curves.items()]
        # The same curves, concatenated per pack, for the compiled step.
        lengths = np.array([len(p.ocv_soc) for p in self.params], dtype=np.int64)
        self._curve_stop = np.cumsum(lengths)
        self._curve_start = self._curve_stop - lengths
        self._curve_soc = np.array([s for p in self.params for s in p.ocv_soc], dtype=np.float64)
        self._curve_v = np.array([v for p in self.params for v in p.ocv_cell_v], dtype=np.float64)
        self._decay_dt = math.nan
        self._decay = np.zeros(n)

    @property
    def size(self) -> int:
        """Number of packs."""
        return len(self.params)

    def open_circuit_voltage(self) -> np.ndarray:
        """Pack OCV at the current SoC, V."""
        cell = np.empty(self.size)
        for rows, soc, volts in self._curves:
            cell[rows] = np.interp(np.clip(self.soc[rows], 0.0, 1.0), soc, volts)
        return cell * self._cells

    def terminal_voltage(self) -> np.ndarray:
        """Voltage at the terminals under the last step's current, V."""
        return self.open_circuit_voltage() - self.v1 - self._r0 * self.current_a

    @property
    def depleted(self) -> np.ndarray:
        """Whether each pack has reached its cut-off SoC."""
        return self.soc <= self._cutoff

    def step(self, power_w: np.ndarray, dt: float) -> None:
        """Draw ``power_w`` ``(n,)`` for ``dt`` seconds (held over the step)."""
        if not dt > 0.0:
            raise ValueError(f"Battery: dt must be > 0, got {dt!r}")
        power = np.asarray(power_w, dtype=np.float64)
        if power.shape != (self.size,):
            power = np.broadcast_to(power, (self.size,))
        if dt != self._decay_dt:
            self._decay = np.exp(-dt / np.maximum(self._tau, 1e-12))
            self._decay_dt = dt
        bk.step_batch(
            power, dt, self._decay, self.soc, self.v1,
            self.current_a, self._capacity_c, self._r0, self._r1, self._cells,
            self._curve_soc, self._curve_v, self._curve_start, self._curve_stop,
        )  # fmt: skip

    def remaining_time_s(self, power_w: np.ndarray) -> np.ndarray:
        """Predicted time until the cut-off SoC at a steady ``power_w`` ``(n,)``, s."""
        power = np.asarray(power_w, dtype=np.float64)
        out = np.zeros(self.size)
        for i, p in enumerate(self.params):
            charge = max(self.soc[i] - self._cutoff[i], 0.0) * self._capacity_c[i]
            if charge == 0.0:
                continue
            if power[i] <= 0.0:
                out[i] = np.inf
                continue
            source = p.mean_open_circuit_voltage(self._cutoff[i], self.soc[i])
            current = _current_for_power(
                power[i : i + 1], np.array([source]), np.array([p.r0_ohm + p.r1_ohm])
            )[0]
            out[i] = charge / current
        return out
