"""The recorder: every actor's pose and speed at every step, and its file format.

A trace is saved as a compressed ``.npz`` (exact float64 values, so two runs
can be compared bit for bit) and exported to CSV with the columns
``time,id,name,x,y,z,h,p,r,speed``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

CHANNELS = ("x", "y", "z", "h", "p", "r", "speed", "accel")
CSV_COLUMNS = ("time", "id", "name", "x", "y", "z", "h", "p", "r", "speed")


@dataclass(frozen=True)
class Trace:
    """Recorded states: ``data[channel]`` has shape ``(steps, actors)``."""

    time: np.ndarray
    ids: np.ndarray
    names: tuple[str, ...]
    types: tuple[str, ...]
    length: np.ndarray
    width: np.ndarray
    data: dict[str, np.ndarray]

    def save(self, path: Path) -> None:
        """Write the trace to ``path`` (``.npz``)."""
        arrays = {f"ch_{k}": v for k, v in self.data.items()}
        np.savez_compressed(
            path,
            time=self.time,
            ids=self.ids,
            names=np.array(self.names),
            types=np.array(self.types),
            length=self.length,
            width=self.width,
            **arrays,
        )

    @classmethod
    def load(cls, path: Path) -> Trace:
        """Read a trace written by :meth:`save`."""
        with np.load(path, allow_pickle=False) as f:
            data = {k[3:]: f[k] for k in f.files if k.startswith("ch_")}
            return cls(
                f["time"],
                f["ids"],
                tuple(map(str, f["names"])),
                tuple(map(str, f["types"])),
                f["length"],
                f["width"],
                data,
            )

    def to_csv(self) -> str:
        """The trace as CSV text, one row per actor per step."""
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        cols = [self.data[c] for c in ("x", "y", "z", "h", "p", "r", "speed")]
        for k, t in enumerate(self.time):
            for a, (aid, name) in enumerate(zip(self.ids, self.names, strict=True)):
                writer.writerow(
                    [repr(float(t)), int(aid), name, *(repr(float(c[k, a])) for c in cols)]
                )
        return buf.getvalue()

    def actor(self, name: str) -> int:
        """Column index of the actor called ``name``."""
        return self.names.index(name)


class Recorder:
    """Appends the world's arrays into preallocated buffers, one row per step."""

    def __init__(
        self,
        ids: np.ndarray,
        names: list[str],
        types: list[str],
        length: np.ndarray,
        width: np.ndarray,
        capacity: int,
    ) -> None:
        self.ids, self.names, self.types = ids, tuple(names), tuple(types)
        self.length, self.width = length, width
        n = len(ids)
        self.time = np.zeros(capacity)
        self.buffers = {c: np.zeros((capacity, n)) for c in CHANNELS}
        self.count = 0

    def append(self, t: float, values: dict[str, np.ndarray]) -> None:
        """Record one step; grows the buffers if the capacity is reached."""
        if self.count == len(self.time):
            self.time = np.concatenate((self.time, np.zeros_like(self.time)))
            self.buffers = {
                c: np.concatenate((b, np.zeros_like(b))) for c, b in self.buffers.items()
            }
        k = self.count
        self.time[k] = t
        for c, buf in self.buffers.items():
            buf[k] = values[c]
        self.count += 1

    def trace(self) -> Trace:
        """What has been recorded so far."""
        k = self.count
        return Trace(
            self.time[:k].copy(),
            self.ids,
            self.names,
            self.types,
            self.length,
            self.width,
            {c: b[:k].copy() for c, b in self.buffers.items()},
        )
