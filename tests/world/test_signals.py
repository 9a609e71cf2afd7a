import pytest

from gauntlet.world.signals import Cycle, SignalController, default_cycles


def test_cycle_phases():
    c = Cycle(green_s=10, yellow_s=3, red_s=13)
    assert [c.state_at(t) for t in (0, 9.9, 10, 12.9, 13, 25.9, 26)] == [
        "green",
        "green",
        "yellow",
        "yellow",
        "red",
        "red",
        "green",
    ]


def test_default_cycles_alternate_groups():
    cycles = default_cycles([["n", "s"], ["e", "w"]], green_s=20, yellow_s=3)
    ctl = SignalController(cycles)
    assert ctl.update(1.0) == {"e": "red", "n": "green", "s": "green", "w": "red"}
    assert ctl.update(24.0)["e"] == "green" and ctl.update(24.0)["n"] == "red"


def test_force_and_resume():
    ctl = SignalController({"a": Cycle(10, 2, 10)})
    ctl.force("a", "red", until_s=5.0)
    assert ctl.update(1.0)["a"] == "red"
    assert ctl.update(6.0)["a"] == "green"
    with pytest.raises(KeyError):
        ctl.force("nope", "red")
