"""The contract every motion model follows, and the registry that finds them by name.

A motion model steps a *batch* of actors that share it as one array operation.
The batched state is a float64 array of shape ``(n, len(STATE_FIELDS))``; its
first four columns are always ``x_m, y_m, heading_rad, speed_mps`` so that the
world can read poses without knowing the model. The control is a float64 array
of shape ``(n, len(CONTROL_FIELDS))``. Per-actor parameters are held by the
model instance as arrays of shape ``(n,)``.

Each model also has a frozen single-actor state dataclass (``STATE_TYPE``) for
people who work with one actor at a time; ``pack``/``unpack`` convert.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import astuple, fields
from typing import Any, ClassVar

import numpy as np

#: Column indices shared by every model's batched state.
X, Y, HEADING, SPEED = 0, 1, 2, 3


class MotionModel:
    """Base class of batched motion models.

    Subclasses set ``NAME``, ``STATE_TYPE``, ``STATE_FIELDS``, ``CONTROL_FIELDS``
    and implement :meth:`step`; those that keep one parameter object per actor in
    ``params`` inherit :attr:`size`. ``STATE_FIELDS`` must start with
    ``("x_m", "y_m", "heading_rad", "speed_mps")``.
    """

    NAME: ClassVar[str]
    STATE_TYPE: ClassVar[type]
    STATE_FIELDS: ClassVar[tuple[str, ...]]
    CONTROL_FIELDS: ClassVar[tuple[str, ...]]

    @property
    def size(self) -> int:
        """Number of actors this instance steps: one per entry of ``params``.

        Models that keep their per-actor parameters elsewhere override this.
        """
        params = getattr(self, "params", None)
        if params is None:
            raise NotImplementedError(f"{type(self).__name__} defines no size")
        return len(params)

    def step(self, state: np.ndarray, control: np.ndarray, dt: float) -> np.ndarray:
        """Advance ``state`` by ``dt`` seconds under ``control``; returns the new state.

        Implementations may write into ``state`` in place and return it.

        Args:
            state: Batched state, shape ``(size, len(STATE_FIELDS))``, float64.
            control: Batched control, shape ``(size, len(CONTROL_FIELDS))``, held
                constant over the step (zero-order hold).
            dt: Step length in seconds, ``> 0``.
        """
        raise NotImplementedError

    def set_min_speed(self, rows: np.ndarray | int, min_speed_mps: float) -> None:
        """Change the lower speed bound of the actors in ``rows`` from the next step on.

        0 stops a braking vehicle at a standstill; a negative bound lets it back
        up to that (signed) speed. Models with speed bounds keep them in
        ``_min_speed``; the others raise ``NotImplementedError``.
        """
        bounds = getattr(self, "_min_speed", None)
        if not isinstance(bounds, np.ndarray):
            raise NotImplementedError(f"{type(self).__name__} has no lower speed bound")
        if min_speed_mps > 0.0:
            raise ValueError(f"min_speed_mps must be <= 0, got {min_speed_mps!r}")
        bounds[rows] = min_speed_mps

    def check_step_args(self, state: np.ndarray, control: np.ndarray, dt: float) -> None:
        """Raise ``ValueError`` unless ``state``, ``control`` and ``dt`` fit this model.

        Cheap enough to call on every step.
        """
        n = self.size
        if state.shape != (n, len(self.STATE_FIELDS)):
            raise ValueError(
                f"{type(self).__name__}: state must have shape ({n}, {len(self.STATE_FIELDS)}) "
                f"with columns {self.STATE_FIELDS}, got {state.shape}"
            )
        if control.shape != (n, len(self.CONTROL_FIELDS)):
            raise ValueError(
                f"{type(self).__name__}: control must have shape ({n}, {len(self.CONTROL_FIELDS)}) "
                f"with columns {self.CONTROL_FIELDS}, got {control.shape}"
            )
        if not dt > 0.0:
            raise ValueError(f"{type(self).__name__}: dt must be > 0, got {dt!r}")

    def yaw_rate(self, state: np.ndarray) -> np.ndarray:
        """Yaw rate in rad/s for each actor (shape ``(n,)``)."""
        raise NotImplementedError

    def velocity(self, state: np.ndarray) -> np.ndarray:
        """World-frame velocity ``(n, 2)`` in m/s. Default: speed along heading."""
        heading = state[:, HEADING]
        speed = state[:, SPEED]
        return np.stack((speed * np.cos(heading), speed * np.sin(heading)), axis=1)

    @classmethod
    def pack(cls, states: Sequence[Any]) -> np.ndarray:
        """Stack single-actor state dataclasses into a batched array."""
        if not states:
            return np.zeros((0, len(cls.STATE_FIELDS)))
        return np.array([astuple(s) for s in states], dtype=np.float64)

    @classmethod
    def unpack(cls, state: np.ndarray) -> list[Any]:
        """Split a batched array into single-actor state dataclasses."""
        names = [f.name for f in fields(cls.STATE_TYPE)]
        return [cls.STATE_TYPE(**dict(zip(names, map(float, row), strict=True))) for row in state]


MOTION_MODELS: dict[str, type[MotionModel]] = {}


def register_motion_model(cls: type[MotionModel]) -> type[MotionModel]:
    """Class decorator: add a motion model to the registry under ``cls.NAME``."""
    if cls.STATE_FIELDS[:4] != ("x_m", "y_m", "heading_rad", "speed_mps"):
        raise TypeError(
            f"{cls.__name__}.STATE_FIELDS must start with x_m, y_m, heading_rad, speed_mps"
        )
    if cls.NAME in MOTION_MODELS:
        raise ValueError(f"motion model {cls.NAME!r} is already registered")
    MOTION_MODELS[cls.NAME] = cls
    return cls


def motion_model(name: str) -> type[MotionModel]:
    """Look up a registered motion model class by name."""
    try:
        return MOTION_MODELS[name]
    except KeyError:
        known = ", ".join(sorted(MOTION_MODELS))
        raise KeyError(f"unknown motion model {name!r}; known: {known}") from None


Integrator = Callable[[np.ndarray, np.ndarray, float], np.ndarray]
