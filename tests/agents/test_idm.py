import numpy as np
import pytest

from gauntlet.agents.idm import IdmParams, idm_acceleration, mobil_gain


def params(n=1, **kw):
    base = dict(
        time_headway_s=1.5,
        min_gap_m=2.0,
        max_accel_mps2=1.0,
        comfort_decel_mps2=2.0,
        delta=4.0,
        politeness=0.5,
        change_threshold_mps2=0.1,
        safe_decel_mps2=4.0,
    )
    base.update(kw)
    return IdmParams(*(np.full(n, float(base[f])) for f in IdmParams.__dataclass_fields__))


def test_free_road_acceleration_matches_formula():
    # v = 15, v0 = 30: a = 1 * (1 - 0.5**4) = 0.9375
    a = idm_acceleration(
        np.array([15.0]), np.array([30.0]), np.array([np.inf]), np.array([0.0]), params()
    )
    assert a[0] == pytest.approx(0.9375)


def test_standstill_at_min_gap_is_equilibrium_brake():
    # v = 0, gap = s0: s* = s0, so a = a_max * (1 - 0 - 1) = 0
    a = idm_acceleration(
        np.array([0.0]), np.array([30.0]), np.array([2.0]), np.array([0.0]), params()
    )
    assert a[0] == pytest.approx(0.0)


def test_interaction_term_by_hand():
    # v=20, v0=30, gap=40, dv=5: s* = 2 + 20*1.5 + 20*5/(2*sqrt(2)) = 32 + 35.355 = 67.355
    s_star = 2 + 30 + 100 / (2 * np.sqrt(2.0))
    expected = 1.0 * (1 - (20 / 30) ** 4 - (s_star / 40) ** 2)
    a = idm_acceleration(
        np.array([20.0]), np.array([30.0]), np.array([40.0]), np.array([5.0]), params()
    )
    assert a[0] == pytest.approx(expected)


def test_mobil_incentive_and_safety():
    p = params()
    gain, safe = mobil_gain(
        np.array([-1.0]),
        np.array([0.5]),
        np.array([0.0]),
        np.array([-0.4]),
        np.array([0.0]),
        np.array([0.2]),
        p,
    )
    # (0.5 + 1.0) + 0.5 * (-0.4 + 0.2) - 0.1 = 1.3
    assert gain[0] == pytest.approx(1.3)
    assert safe[0]
    _, unsafe = mobil_gain(
        np.array([0.0]),
        np.array([1.0]),
        np.array([0.0]),
        np.array([-5.0]),
        np.array([0.0]),
        np.array([0.0]),
        p,
    )
    assert not unsafe[0]
