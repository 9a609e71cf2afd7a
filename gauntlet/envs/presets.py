"""The ready-made driving environments: domain randomisation and reward weights of each."""

from __future__ import annotations

from gauntlet.envs.randomise import Randomisation, SpawnLane
from gauntlet.envs.reward import ACC_WEIGHTS, RewardWeights

#: Randomisation of each ready-made environment, by preset name.
RANDOMISATIONS: dict[str, Randomisation] = {
    "lane_keep": Randomisation(
        spawn=(SpawnLane("1", 1, (30.0, 320.0)),), vehicles=(0, 3), speed_mps=(10.0, 16.0)
    ),
    "follow": Randomisation(
        spawn=(SpawnLane("1", -2, (0.0, 600.0)), SpawnLane("1", 1, (0.0, 1200.0))),
        vehicles=(0, 4),
        speed_mps=(20.0, 28.0),
        speed_scale=(0.8, 1.1),
    ),
    "highway_merge": Randomisation(
        spawn=(SpawnLane("1", -1, (20.0, 700.0)), SpawnLane("1", -2, (100.0, 700.0))),
        vehicles=(1, 6),
        speed_mps=(22.0, 30.0),
    ),
    "intersection": Randomisation(
        spawn=(SpawnLane("2", -1, (10.0, 100.0)), SpawnLane("4", -1, (10.0, 100.0))),
        vehicles=(0, 3),
        speed_mps=(8.0, 12.0),
    ),
    "roundabout": Randomisation(
        spawn=(SpawnLane("2", -1, (10.0, 60.0)), SpawnLane("4", -1, (10.0, 60.0))),
        vehicles=(0, 3),
        speed_mps=(6.0, 9.0),
    ),
    "parking": Randomisation(
        spawn=(SpawnLane("1", 1, (20.0, 380.0)),), vehicles=(0, 3), speed_mps=(8.0, 12.0)
    ),
}


def randomisation(name: str) -> Randomisation:
    """The preset ``name``; an unknown name lists the known ones."""
    try:
        return RANDOMISATIONS[name]
    except KeyError:
        known = ", ".join(sorted(RANDOMISATIONS))
        raise ValueError(f"no randomisation preset {name!r}; known: {known}") from None


#: Reward weights by preset name; the registered ids name them (``reward="follow"``).
REWARDS: dict[str, RewardWeights] = {
    "default": RewardWeights(),
    "follow": ACC_WEIGHTS,
}


def reward_weights(name: str) -> RewardWeights:
    """The reward preset ``name``; an unknown name lists the known ones."""
    try:
        return REWARDS[name]
    except KeyError:
        known = ", ".join(sorted(REWARDS))
        raise ValueError(f"no reward preset {name!r}; known: {known}") from None
