"""Per-step record of a drone world, as exact float64 arrays (``.npz``-ready)."""

from __future__ import annotations

import numpy as np


class DroneRecorder:
    """Appends one row per world step; :meth:`arrays` stacks them.

    Arrays (``n`` drones, ``z`` zones, ``T`` recorded steps including the start):
    ``time_s (T,)``, ``position_m (T, n, 3)``, ``velocity_mps (T, n, 3)``,
    ``soc (T, n)``, ``power_w (T, n)`` (electrical), ``clearance_m (T, n)``,
    ``wire_distance_m (T, n)`` (clearance to the nearest wire), ``zone_distance_m (T, n, z)``,
    ``command_mps (T, n, 3)`` (the velocity command that acted at the step,
    ``nan`` where none did), ``collided (T, n)``.
    """

    FIELDS = (
        "time_s", "position_m", "velocity_mps", "soc", "power_w", "clearance_m",
        "wire_distance_m", "zone_distance_m", "command_mps", "collided",
    )  # fmt: skip

    def __init__(self, drones: int, zones: int) -> None:
        self.drones = drones
        self.zones = zones
        self._rows: dict[str, list[np.ndarray]] = {name: [] for name in self.FIELDS}

    def append(self, *values: object) -> None:
        """One row: the values in the order of :attr:`FIELDS` (copied)."""
        for name, value in zip(self.FIELDS, values, strict=True):
            self._rows[name].append(np.array(value, copy=True))

    def arrays(self) -> dict[str, np.ndarray]:
        """Every field stacked over the steps."""
        return {name: np.stack(rows) for name, rows in self._rows.items()}
