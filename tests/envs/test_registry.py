"""Registration: gymnasium ids, the native vector entry point, the PettingZoo hook."""

from __future__ import annotations

import gymnasium
import pytest

import gauntlet  # noqa: F401 - registers the ids
from gauntlet.envs import registry
from gauntlet.envs.randomise import Randomisation


def test_the_batch_id_has_a_vector_entry_point() -> None:
    spec = gymnasium.spec("gauntlet/LaneKeepBatch-v0")
    assert spec.vector_entry_point == "gauntlet.envs.batch:BatchScenarioEnv"
    assert gymnasium.spec("gauntlet/LaneKeep-v0").vector_entry_point is None


@pytest.fixture
def empty_parallel_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "_PARALLEL_ENVS", {})


@pytest.mark.usefixtures("empty_parallel_registry")
def test_parallel_env_factory_strings_load_on_first_make() -> None:
    registry.register_parallel_env("gauntlet/Probe-v0", "gauntlet.envs.presets:randomisation")
    registry.register_parallel_env("gauntlet/Probe-v0", "gauntlet.envs.presets:randomisation")
    assert registry.parallel_env_names() == ["gauntlet/Probe-v0"]
    made = registry.make_parallel_env("gauntlet/Probe-v0", name="lane_keep")
    assert isinstance(made, Randomisation) and made.vehicles == (0, 3)


@pytest.mark.usefixtures("empty_parallel_registry")
def test_parallel_env_registration_errors_say_what_was_expected() -> None:
    with pytest.raises(ValueError, match=r"must look like 'gauntlet/<Name>-v<N>', got 'Swarm'"):
        registry.register_parallel_env("Swarm", "a.b:c")
    with pytest.raises(ValueError, match=r"got 'gauntlet/Swarm-vx'"):
        registry.register_parallel_env("gauntlet/Swarm-vx", "a.b:c")
    registry.register_parallel_env("gauntlet/Swarm-v0", "a.b:c")
    with pytest.raises(ValueError, match=r"'gauntlet/Swarm-v0' is already registered with 'a.b:c'"):
        registry.register_parallel_env("gauntlet/Swarm-v0", "a.b:d")
    with pytest.raises(
        KeyError, match=r"no parallel env 'gauntlet/Nope-v0'; registered: gauntlet/Swarm-v0"
    ):
        registry.make_parallel_env("gauntlet/Nope-v0")
