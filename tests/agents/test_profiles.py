import numpy as np
import pytest

from gauntlet.agents.profiles import CUBIC, LINEAR, SINUSOIDAL, STEP, Transitions, progress


def test_shapes_at_half_time():
    f, df = progress(np.array([STEP, LINEAR, CUBIC, SINUSOIDAL]), np.full(4, 0.5))
    assert f == pytest.approx([1.0, 0.5, 0.5, 0.5])
    assert df == pytest.approx([0.0, 1.0, 1.5, np.pi / 2])


def test_transition_values_and_rates():
    tr = Transitions.empty(1)
    tr.set(0, start=10.0, end=20.0, t0=2.0, duration=4.0, shape=LINEAR)
    v, r = tr.value(4.0)
    assert v[0] == pytest.approx(15.0) and r[0] == pytest.approx(2.5)
    v, r = tr.value(10.0)
    assert v[0] == pytest.approx(20.0) and r[0] == 0.0
