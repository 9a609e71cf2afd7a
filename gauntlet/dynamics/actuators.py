"""First-order actuators with range and rate limits, stepped for a batch of actors.

Vehicle models do not set steering angle and acceleration directly: a command
passes through an actuator that

1. clips the command to its range ``[lower, upper]``,
2. follows it with a first-order lag of time constant ``tau``
   (``tau * da/dt = cmd - a``; ``tau = 0`` means no lag), discretised exactly:
   ``a += (cmd - a) * (1 - exp(-dt / tau))``,
3. limits the change per step to ``max_rate * dt`` (``inf`` means no limit).

Besides the value at the end of the step, :meth:`ActuatorBank.advance` returns
the *mean* of the output over the step, which the models hold constant while
they integrate. The mean is exact for a pure lag
(``cmd + (a0 - cmd) * tau / dt * (1 - exp(-dt / tau))``) and for a rate-limited
ramp that lasts the whole step (half the end change). In the one step where a
rate-limited ramp without lag ends early it is off by at most
``max_rate * dt / 8``; with both a lag and a binding rate limit it is a
first-order approximation (the lagged mean change, clipped to half the rate
limit's end change).
"""

from __future__ import annotations

import numpy as np


def lag_fractions(lag_s: np.ndarray, dt: float) -> tuple[np.ndarray, np.ndarray]:
    """Fractions of a step change in command that a first-order lag has covered.

    Args:
        lag_s: Time constants ``tau`` in seconds (``>= 0``).
        dt: Step length in seconds (``> 0``).

    Returns:
        ``(end_fraction, mean_fraction)``: ``1 - exp(-dt / tau)`` at the end of the
        step, and ``1 - tau / dt * (1 - exp(-dt / tau))`` on average over the step.
        Both are 1 where ``tau == 0``.
    """
    with np.errstate(divide="ignore"):
        dt_over_tau = dt / np.asarray(lag_s, dtype=np.float64)  # inf where tau == 0
    end_fraction = -np.expm1(-dt_over_tau)
    mean_fraction = 1.0 - end_fraction / dt_over_tau
    return end_fraction, mean_fraction


class ActuatorBank:
    """``k`` actuator channels for each of ``n`` actors, advanced together.

    Arrays are channel-major, shape ``(k, n)``: one row per channel, one column
    per actor, so that each channel is a contiguous row (fast to operate on for
    small batches). Limits may be anything broadcastable to ``(k, n)``.

    Args:
        lower: Lowest output (e.g. ``-max_decel_mps2``).
        upper: Highest output.
        max_rate: Largest change of the output per second (``inf``: unlimited).
        lag_s: First-order time constant in seconds (0: no lag).

    Raises:
        ValueError: If a limit is inconsistent (``lower > upper``, ``max_rate <= 0``,
            negative or non-finite lag).
    """

    def __init__(
        self,
        lower: np.ndarray,
        upper: np.ndarray,
        max_rate: np.ndarray,
        lag_s: np.ndarray,
    ) -> None:
        arrays = np.broadcast_arrays(
            *(np.asarray(a, dtype=np.float64) for a in (lower, upper, max_rate, lag_s))
        )
        self.lower, self.upper, self.max_rate, self.lag_s = (np.array(a) for a in arrays)
        if self.lower.ndim != 2:
            raise ValueError(f"actuator limits must have shape (k, n), got {self.lower.shape}")
        if np.any(~(self.lower <= self.upper)):
            raise ValueError("actuator lower limit must not exceed the upper limit")
        if np.any(~(self.max_rate > 0.0)):
            raise ValueError("actuator max_rate must be > 0 (inf for no limit)")
        if np.any(~np.isfinite(self.lag_s)) or np.any(self.lag_s < 0.0):
            raise ValueError("actuator lag_s must be finite and >= 0")
        self._dt = float("nan")

    @property
    def shape(self) -> tuple[int, int]:
        """``(k, n)``: channels and actors."""
        channels, actors = self.lower.shape
        return channels, actors

    def _prepare(self, dt: float) -> None:
        # Everything that depends only on dt is computed once per distinct dt.
        self._end_fraction, self._mean_fraction = lag_fractions(self.lag_s, dt)
        self._max_step = self.max_rate * dt
        self._min_step = -self._max_step
        self._max_mean_step = 0.5 * self._max_step
        self._min_mean_step = -self._max_mean_step
        self._dt = dt

    def coefficients(self, dt: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(end_fraction, mean_fraction, max_step)`` for steps of ``dt``, each ``(k, n)``.

        What :meth:`advance` applies, for compiled models that inline it.
        """
        if dt != self._dt:
            self._prepare(dt)
        return self._end_fraction, self._mean_fraction, self._max_step

    def advance(self, value: np.ndarray, command: np.ndarray, dt: float) -> np.ndarray:
        """Move the outputs ``value`` towards ``command`` over ``dt`` seconds.

        Args:
            value: Current outputs, shape ``(k, n)``; updated in place to the value
                at the end of the step (may be a view into a larger array).
            command: Commanded outputs, shape ``(k, n)``.
            dt: Step length in seconds.

        Returns:
            The mean output over the step, shape ``(k, n)`` (a new array).
        """
        if dt != self._dt:
            self._prepare(dt)
        error = np.minimum(command, self.upper)
        np.maximum(error, self.lower, out=error)
        error -= value
        change = error * self._end_fraction
        mean_change = np.multiply(error, self._mean_fraction, out=error)
        np.minimum(change, self._max_step, out=change)
        np.maximum(change, self._min_step, out=change)
        np.minimum(mean_change, self._max_mean_step, out=mean_change)
        np.maximum(mean_change, self._min_mean_step, out=mean_change)
        mean_change += value
        value += change
        return mean_change


def vehicle_actuators(
    *,
    max_steer_rad: np.ndarray,
    max_steer_rate_radps: np.ndarray,
    steer_lag_s: np.ndarray,
    max_accel_mps2: np.ndarray,
    max_decel_mps2: np.ndarray,
    accel_lag_s: np.ndarray,
) -> ActuatorBank:
    """Steering and longitudinal-acceleration actuators for a batch of vehicles.

    Channel 0 is the road-wheel steering angle (range ``±max_steer_rad``, rate
    ``±max_steer_rate_radps``), channel 1 the longitudinal acceleration (range
    ``[-max_decel_mps2, max_accel_mps2]``, no rate limit). All arguments have
    shape ``(n,)``.

    Returns:
        An :class:`ActuatorBank` of shape ``(2, n)``.
    """
    max_steer = np.asarray(max_steer_rad, dtype=np.float64)
    max_decel = np.asarray(max_decel_mps2, dtype=np.float64)
    return ActuatorBank(
        lower=np.stack((-max_steer, -max_decel)),
        upper=np.stack((max_steer, np.asarray(max_accel_mps2, dtype=np.float64))),
        max_rate=np.stack(
            (np.asarray(max_steer_rate_radps, dtype=np.float64), np.full(max_steer.shape, np.inf))
        ),
        lag_s=np.stack(
            (np.asarray(steer_lag_s, dtype=np.float64), np.asarray(accel_lag_s, dtype=np.float64))
        ),
    )
