"""``PolicyStack``: a policy trained in a driving environment, run as a Stack.

The loop from training to CI scoring: train a stable-baselines3 policy on a
``gauntlet/`` driving id (continuous actions, ground-truth observations), save
it, then score it on library scenarios::

    gauntlet run scenarios/smoke/follow_lead.yaml --stack gauntlet.envs.policy_stack:PolicyStack

The stack builds the environment's observation vector from its
:class:`~gauntlet.agents.stack.Observation` (:mod:`gauntlet.envs.stack_observation`)
and maps the policy's action to a :class:`~gauntlet.agents.stack.Control` as
the environment does (:class:`~gauntlet.envs.actions.ActionMapper`). It needs
the ``[train]`` extra (stable-baselines3, torch).

The policy file comes from the scenario's ``ego.params`` (``policy: path``) or,
when a run overrides every scenario's stack with ``--stack``, from the
environment variable ``GAUNTLET_POLICY``. A policy trained on normalised
observations (stable-baselines3's ``VecNormalize``) comes with its statistics in
``<policy>.obs_norm.npz`` next to it (:func:`normalisation_path`: arrays
``mean``, ``var``, scalars ``clip``, ``epsilon``); the stack then feeds the
policy ``clip((obs - mean) / sqrt(var + epsilon), -clip, clip)`` as training did.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from gauntlet.agents.stack import Control, EpisodeInfo, Observation, StackError
from gauntlet.envs.actions import ActionMapper
from gauntlet.envs.observation import OBS_SIZE
from gauntlet.envs.stack_observation import StackObservation

#: Environment variable naming the policy file when no ``policy`` parameter is given.
POLICY_ENV_VAR = "GAUNTLET_POLICY"
#: Suffix of the observation normalisation saved next to a policy.
NORMALISATION_SUFFIX = ".obs_norm.npz"


def normalisation_path(policy: str | Path) -> Path:
    """``follow_ppo.zip`` -> ``follow_ppo.obs_norm.npz`` (same folder)."""
    p = Path(policy)
    stem = p.name[: -len(".zip")] if p.name.endswith(".zip") else p.name
    return p.with_name(stem + NORMALISATION_SUFFIX)


class ObservationNormaliser:
    """``clip((obs - mean) / sqrt(var + epsilon), -clip, clip)`` from a saved ``.npz``.

    Raises:
        StackError: A file without the four entries or with a mean of another size.
    """

    def __init__(self, path: Path, size: int) -> None:
        try:
            with np.load(path) as data:
                mean, var = np.asarray(data["mean"], float), np.asarray(data["var"], float)
                self.clip, epsilon = float(data["clip"]), float(data["epsilon"])
        except (KeyError, ValueError, OSError) as exc:
            raise StackError(
                f"PolicyStack: {path}: expected arrays mean, var, clip, epsilon ({exc})"
            ) from None
        if mean.shape != (size,) or var.shape != (size,):
            raise StackError(
                f"PolicyStack: {path}: mean and var must have {size} entries, "
                f"got {mean.shape} and {var.shape}"
            )
        self.mean, self.scale = mean, 1.0 / np.sqrt(var + epsilon)

    def __call__(self, obs: np.ndarray) -> np.ndarray:
        """The normalised observation (``float32``)."""
        z = (obs.astype(np.float64) - self.mean) * self.scale
        return np.clip(z, -self.clip, self.clip).astype(np.float32)


class PolicyStack:
    """Drive the ego with a saved stable-baselines3 policy (deterministic actions).

    Args:
        policy: The ``.zip`` that ``model.save`` wrote; default ``$GAUNTLET_POLICY``.
            Its observation normalisation, when trained with one, is read from
            :func:`normalisation_path` of it.
        algorithm: The stable-baselines3 class that saved it (``PPO``, ``SAC``, ...).
        torch_threads: Threads torch may use in this process (1 suits a worker pool).

    Raises:
        StackError: No policy named, a missing file, or the ``[train]`` extra not installed.
    """

    def __init__(
        self, policy: str | None = None, algorithm: str = "PPO", torch_threads: int = 1
    ) -> None:
        path = policy or os.environ.get(POLICY_ENV_VAR)
        if not path:
            raise StackError(
                f"PolicyStack needs a policy file: give ego.params {{policy: path}} "
                f"or set {POLICY_ENV_VAR}"
            )
        if not Path(path).is_file():
            raise StackError(f"PolicyStack: policy file {path!r} does not exist")
        try:
            import stable_baselines3
            import torch
        except ImportError as exc:
            raise StackError(
                f"PolicyStack needs the [train] extra (pip install 'gauntlet-sim[train]'): {exc}"
            ) from None
        torch.set_num_threads(torch_threads)
        cls: Any = getattr(stable_baselines3, algorithm, None)
        if cls is None:
            raise StackError(f"PolicyStack: stable_baselines3 has no algorithm {algorithm!r}")
        self.path = path
        self.model = cls.load(path, device="cpu")
        norm = normalisation_path(path)
        self._normalise = ObservationNormaliser(norm, OBS_SIZE) if norm.is_file() else None
        self._builder: StackObservation | None = None
        self._mapper: ActionMapper | None = None
        self._steer_command = 0.0

    def reset(self, info: EpisodeInfo) -> None:
        """Start an episode: the route and the ego's limits."""
        self._builder = StackObservation(info)
        self._mapper = ActionMapper(
            "continuous", info.max_accel_mps2, info.max_decel_mps2, info.max_steer_rad
        )
        self._steer_command = 0.0

    def step(self, obs: Observation) -> Control:
        """The policy's (acceleration m/s², steering rad) for this observation."""
        if self._builder is None or self._mapper is None:
            raise RuntimeError("PolicyStack.step before reset")
        vector = self._builder.build(obs, self._steer_command)
        if self._normalise is not None:
            vector = self._normalise(vector)
        action, _ = self.model.predict(vector, deterministic=True)
        action = np.asarray(action, dtype=np.float64).reshape(2)
        accel, steer = self._mapper.control(
            action, obs.route_lateral_m, self._builder.heading_error(obs), obs.ego.speed_mps
        )
        self._steer_command = steer / self._mapper.max_steer
        return Control(accel, steer)
