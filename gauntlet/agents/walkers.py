"""Pedestrians and other walkers following waypoint paths."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

ARRIVE_M = 0.4
YIELD_HORIZON_S = 3.0


@dataclass
class Walker:
    """One walker's plan: waypoints ``(k, 2)``, speed, looping and yielding."""

    actor: int
    waypoints: np.ndarray
    speed_mps: float
    loop: bool = False
    yield_to_vehicles: bool = False
    target: int = 0
    done: bool = False


@dataclass
class Walkers:
    """All walkers of a world; ``velocity_commands`` gives each its desired velocity."""

    walkers: list[Walker] = field(default_factory=list)

    def by_actor(self, actor: int) -> Walker | None:
        for w in self.walkers:
            if w.actor == actor:
                return w
        return None

    def velocity_commands(
        self,
        x: np.ndarray,
        y: np.ndarray,
        vehicles_xy: np.ndarray,
        vehicles_vel: np.ndarray,
        on_road: np.ndarray,
    ) -> dict[int, tuple[float, float]]:
        """Desired ``(vx, vy)`` for each walker, keyed by actor index.

        A walker that yields waits at the kerb (while it is off the road and its
        next waypoint is on it) when a vehicle would reach it within 3 s.
        """
        out: dict[int, tuple[float, float]] = {}
        for w in self.walkers:
            if w.done:
                out[w.actor] = (0.0, 0.0)
                continue
            p = np.array([x[w.actor], y[w.actor]])
            goal = w.waypoints[w.target]
            d = goal - p
            dist = float(np.hypot(*d))
            if dist < ARRIVE_M:
                w.target += 1
                if w.target >= len(w.waypoints):
                    if w.loop:
                        w.target = 0
                    else:
                        w.done = True
                        out[w.actor] = (0.0, 0.0)
                        continue
                goal = w.waypoints[w.target]
                d = goal - p
                dist = float(np.hypot(*d))
            if (
                w.yield_to_vehicles
                and not on_road[w.actor]
                and _vehicle_coming(p, vehicles_xy, vehicles_vel)
            ):
                out[w.actor] = (0.0, 0.0)
                continue
            speed = min(w.speed_mps, dist / 0.5)
            out[w.actor] = (
                (float(d[0] / dist * speed), float(d[1] / dist * speed))
                if dist > 1e-9
                else (0.0, 0.0)
            )
        return out


def _vehicle_coming(p: np.ndarray, xy: np.ndarray, vel: np.ndarray) -> bool:
    if not len(xy):
        return False
    rel = p[None, :] - xy
    speed2 = np.einsum("nd,nd->n", vel, vel)
    closing = np.einsum("nd,nd->n", rel, vel) / np.maximum(speed2, 1e-9)
    miss = np.linalg.norm(rel - closing[:, None] * vel, axis=1)
    return bool(np.any((closing > 0) & (closing < YIELD_HORIZON_S) & (miss < 3.0)))
