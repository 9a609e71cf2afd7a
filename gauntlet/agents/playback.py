"""The ``scenario`` stack: the ego plays back its own storyboard actions."""

from __future__ import annotations

from gauntlet.agents.stack import Control, EpisodeInfo, Observation


class ScenarioStack:
    """Leaves the ego to the scenario: its behaviour model and storyboard actions drive it.

    The runner sees ``PLAYBACK`` and does not take the ego out of the world's
    behaviour models, so ``step`` is never asked for a decision.
    """

    PLAYBACK = True

    def reset(self, info: EpisodeInfo) -> None:
        del info

    def step(self, obs: Observation) -> Control:
        del obs
        return Control()
