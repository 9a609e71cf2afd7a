"""PettingZoo parallel environment over a swarm search mission: ``gauntlet/SwarmSearch-v0``.

Four drones and two USVs (Otter model) search a 240 m x 240 m sea area in a
current and gusty wind; they hear each other only through the simulated radio
network (:mod:`gauntlet.swarm.network`), which also carries what each agent
knows of the searched cells. Every step (0.1 s) each agent commands a
horizontal velocity (fractions of its top speed; drones hold their altitude).

Observation of each agent (13 numbers in [-1, 1]): own position and velocity
(normalised), direction and distance to the nearest cell *it believes*
unsearched, the number of neighbours heard in the last 0.5 s, the mean and
nearest relative position of those neighbours, and the elapsed fraction of
the episode. Rewards: the team's newly searched fraction of the area times
100 (``coverage``) minus 0.1 per neighbour closer than 3 m on the same layer
(``proximity``); each term is in ``infos[agent]["reward_terms"]``. The
episode terminates when 95 % of the area is searched and is truncated after
``max_steps`` steps.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from gymnasium import spaces
from pettingzoo import ParallelEnv

from gauntlet.scenarios.swarm import Environment, NodeGroup, SearchTasks, SwarmScenario
from gauntlet.swarm.cbba import RING_DEPTH
from gauntlet.swarm.stack import STATE_BYTES
from gauntlet.swarm.world import ROLE_AGENT, SwarmWorld

HALF_M = 120.0
CELL_M = 10.0
SENSOR_M = 15.0
DT_S = 0.1
OBS_SIZE = 13
RENDER_PX = 160


def _scenario() -> SwarmScenario:
    return SwarmScenario(
        name="swarm_search_env",
        dt_s=DT_S,
        duration_s=60.0,
        fleet=(
            NodeGroup(
                kind="drone", count=4, center_m=(-90.0, -90.0), spread_m=25.0, altitude_m=20.0
            ),
            NodeGroup(kind="usv", count=2, center_m=(-90.0, 90.0), spread_m=25.0),
        ),
        environment=Environment(current_mps=(0.2, 0.0), wind_mps=(4.0, 0.0), gust_mps=0.5),
        tasks=(SearchTasks(area_m=(-HALF_M, -HALF_M, HALF_M, HALF_M), sectors=(1, 1)),),
        base_m=(-HALF_M, -HALF_M),
    )


class SwarmSearchEnv(ParallelEnv):
    """Cooperative area search by a small heterogeneous swarm (see the module docstring).

    Args:
        max_steps: Truncation length, steps of 0.1 s.
        render_mode: ``None`` or ``"rgb_array"``.
    """

    metadata = {"name": "gauntlet/SwarmSearch-v0", "render_modes": ["rgb_array"], "render_fps": 10}

    def __init__(self, max_steps: int = 300, render_mode: str | None = None) -> None:
        if render_mode not in (None, "rgb_array"):
            raise ValueError(
                f"SwarmSearchEnv: render_mode must be None or 'rgb_array', got {render_mode!r}"
            )
        self.max_steps = max_steps
        self.render_mode = render_mode
        self.scenario = _scenario()
        names = [f"drone_{k}" for k in range(4)] + [f"usv_{k}" for k in range(2)]
        self.possible_agents = names
        self.agents: list[str] = []
        self._obs_space = spaces.Box(-1.0, 1.0, (OBS_SIZE,), dtype=np.float32)
        self._act_space = spaces.Box(-1.0, 1.0, (2,), dtype=np.float32)
        cells = int(2 * HALF_M / CELL_M)
        self._centres = (np.arange(cells) + 0.5) * CELL_M - HALF_M
        self.world: SwarmWorld | None = None

    def observation_space(self, agent: str) -> spaces.Box:
        return self._obs_space

    def action_space(self, agent: str) -> spaces.Box:
        return self._act_space

    def reset(self, seed: int | None = None, options: dict | None = None) -> tuple[dict, dict]:
        if seed is None:
            seed = int(np.random.SeedSequence().generate_state(1)[0])
        self.world = SwarmWorld(self.scenario, seed)
        w = self.world
        self.slots = np.flatnonzero(w.role == ROLE_AGENT)
        cells = len(self._centres)
        self.team_map = np.zeros((cells, cells), dtype=bool)
        self.belief = np.zeros((len(self.slots), cells, cells), dtype=bool)
        self.ring = np.zeros((RING_DEPTH, w.n, 3))
        self.heard_t = np.full((w.n, w.n), -np.inf)
        self.heard_pos = np.zeros((w.n, w.n, 3))
        self.steps = 0
        self.agents = list(self.possible_agents)
        self._sense()
        return self._observations(), {a: {} for a in self.agents}

    def _footprint(self, xy: np.ndarray) -> np.ndarray:
        dx = self._centres[None, :] - xy[:, 0, None]
        dy = self._centres[None, :] - xy[:, 1, None]
        return (dx[:, :, None] ** 2 + dy[:, None, :] ** 2) <= SENSOR_M**2

    def _sense(self) -> float:
        """Mark what every agent sees and hears; return the team's newly searched fraction."""
        w = self.world
        net = w.network
        net.update(w.tick, w.position_m)
        got = net.deliver(w.tick).get("state")
        if got is not None:
            self.heard_t[got.dst, got.src] = w.time_s
            self.heard_pos[got.dst, got.src] = self.ring[got.sent_tick % RING_DEPTH, got.src]
        self.ring[w.tick % RING_DEPTH] = w.position_m
        net.broadcast("state", self.slots, STATE_BYTES, w.tick)
        own = self._footprint(w.position_m[self.slots, :2])
        before = self.team_map.sum()
        self.team_map |= own.any(axis=0)
        self.belief |= own
        # What an agent heard of its neighbours' positions marks their footprints in its own map.
        for a, slot in enumerate(self.slots):
            heard = self.slots[self.heard_t[slot, self.slots] >= w.time_s - 0.5]
            if len(heard):
                self.belief[a] |= self._footprint(self.heard_pos[slot, heard, :2]).any(axis=0)
        return float(self.team_map.sum() - before) / self.team_map.size

    def _observations(self) -> dict[str, np.ndarray]:
        w = self.world
        out = {}
        for name in self.agents:
            k = self.possible_agents.index(name)
            slot = self.slots[k]
            p = w.position_m[slot, :2]
            v = w.velocity_mps[slot, :2] / max(w.max_speed_mps[slot], 1e-6)
            free = np.argwhere(~self.belief[k])
            if len(free):
                pts = self._centres[free]
                d = np.linalg.norm(pts - p, axis=1)
                near = pts[np.argmin(d)] - p
                dist = float(d.min())
                direction = near / max(dist, 1e-6)
            else:
                direction, dist = np.zeros(2), 0.0
            heard = self.slots[
                (self.heard_t[slot, self.slots] >= w.time_s - 0.5) & (self.slots != slot)
            ]
            rel = self.heard_pos[slot, heard, :2] - p if len(heard) else np.zeros((0, 2))
            mean_rel = rel.mean(axis=0) / (2 * HALF_M) if len(rel) else np.zeros(2)
            nearest = (
                rel[np.argmin(np.linalg.norm(rel, axis=1))] / (2 * HALF_M)
                if len(rel)
                else np.zeros(2)
            )
            vec = np.concatenate([
                p / (2 * HALF_M), v, direction, [dist / (2 * HALF_M)], [len(heard) / len(self.slots)],
                mean_rel, nearest, [self.steps / self.max_steps],
            ])  # fmt: skip
            out[name] = np.clip(vec[:OBS_SIZE], -1.0, 1.0).astype(np.float32)
        return out

    def step(self, actions: dict[str, np.ndarray]) -> tuple[dict, dict, dict, dict, dict]:
        w = self.world
        cmd = np.zeros((w.n, 3))
        for name in self.agents:
            slot = self.slots[self.possible_agents.index(name)]
            act = np.clip(np.asarray(actions[name], dtype=np.float64), -1.0, 1.0)
            cmd[slot, :2] = act * w.max_speed_mps[slot]
            cmd[slot, 2] = w.cruise_altitude[slot] - w.position_m[slot, 2]
        w.apply(cmd)
        w.step()
        self.steps += 1
        gained = self._sense()
        pos = w.position_m[self.slots]
        gap = np.linalg.norm(pos[:, None, :] - pos[None, :, :], axis=2) + 1e3 * np.eye(
            len(self.slots)
        )
        close = (gap < 3.0).sum(axis=1)
        done = self.team_map.mean() >= 0.95
        truncated = self.steps >= self.max_steps
        rewards, infos = {}, {}
        for name in self.agents:
            k = self.possible_agents.index(name)
            terms = {"coverage": 100.0 * gained, "proximity": -0.1 * float(close[k])}
            rewards[name] = float(sum(terms.values()))
            infos[name] = {"reward_terms": terms, "coverage": float(self.team_map.mean())}
        obs = self._observations()
        terminations = {a: bool(done) for a in self.agents}
        truncations = {a: bool(truncated and not done) for a in self.agents}
        if done or truncated:
            self.agents = []
        return obs, rewards, terminations, truncations, infos

    def render(self) -> np.ndarray | None:
        if self.render_mode != "rgb_array" or self.world is None:
            return None
        img = np.full((RENDER_PX, RENDER_PX, 3), 30, dtype=np.uint8)
        scale = RENDER_PX / (2 * HALF_M)
        cells = len(self._centres)
        block = RENDER_PX // cells
        seen = np.kron(self.team_map.T[::-1], np.ones((block, block), dtype=bool))
        img[: seen.shape[0], : seen.shape[1]][seen] = (40, 110, 40)
        for slot in self.slots:
            x, y = self.world.position_m[slot, :2]
            c = int(np.clip((x + HALF_M) * scale, 0, RENDER_PX - 1))
            r = int(np.clip((HALF_M - y) * scale, 0, RENDER_PX - 1))
            colour = (80, 160, 255) if self.world.kind[slot] == 0 else (0, 230, 230)
            img[max(r - 2, 0) : r + 3, max(c - 2, 0) : c + 3] = colour
        return img

    def close(self) -> None:
        """Nothing to release."""


def make_swarm_env(**kwargs: Any) -> SwarmSearchEnv:
    """Build :class:`SwarmSearchEnv` with keyword arguments (``max_steps``, ``render_mode``)."""
    return SwarmSearchEnv(**kwargs)
