"""NCAP scenarios run through Gauntlet's runner in playback, the target moving as the file says."""

from __future__ import annotations

import numpy as np
import pytest

from gauntlet.runner.single import RunOptions, simulate
from gauntlet.scenarios.openscenario import load_openscenario

pytestmark = pytest.mark.usefixtures("quiet")


def _run(path, parameters=None):
    scenario = load_openscenario(path, parameters)
    world, result = simulate(scenario, RunOptions(stack="scenario", plots=False))
    trace = world.recorder.trace()
    return world, result, trace


def _column(trace, name, key):
    return trace.data[key][:, trace.names.index(name)]


def test_ccrs_ego_hits_the_standing_target_when_the_gap_says(ncap):
    world, result, trace = _run(ncap / "CA-FC_2026" / "CCRs.xosc")
    target_x = _column(trace, "Target", "x")
    assert np.ptp(target_x) == pytest.approx(0.0)  # the target stands still
    ego_speed = _column(trace, "Ego", "speed")
    assert ego_speed[0] == pytest.approx(20 / 3.6)
    # Gap: 5 s * 20 km/h between rear axles, minus the ego's front overhang (1.349 + 4.358/2)
    # and the target's rear overhang (4.023/2 - 1.328).
    gap = 5 * 20 / 3.6 - (1.349 + 4.358 / 2) - (4.023 / 2 - 1.328)
    (collision,) = world.collisions
    assert collision.time_s == pytest.approx(gap / (20 / 3.6), abs=0.06)
    # The stop trigger ends the run one second after the collision.
    assert result.stop_reason == "stop condition"
    assert result.sim_time_s == pytest.approx(collision.time_s + 1.0, abs=0.11)


def test_ccrm_target_drives_at_20_kph(ncap):
    parameters = {"Ego_speed_kph": 50, "Target_init_speed_kph": 20, "Target_final_speed_kph": 20}
    world, result, trace = _run(ncap / "CA-FC_2026" / "CCRs.xosc", parameters)
    (collision,) = world.collisions
    before = trace.time < collision.time_s - 0.1
    target_speed = _column(trace, "Target", "speed")[before]
    assert target_speed == pytest.approx(np.full(before.sum(), 20 / 3.6), abs=1e-6)
    target_y = _column(trace, "Target", "y")[before]
    assert np.ptp(target_y) < 1e-6  # keeps its lane
    # Closing speed 30 km/h over the same bumper gap as CCRs (headway 5 s at 50 km/h).
    gap = 5 * 50 / 3.6 - (1.349 + 4.358 / 2) - (4.023 / 2 - 1.328)
    assert collision.time_s == pytest.approx(gap / (30 / 3.6), abs=0.06)
    assert result.stop_reason == "stop condition"


def test_cpna_pedestrian_arrives_at_the_impact_point_with_its_final_speed(ncap):
    world, result, trace = _run(ncap / "CA-FC_2026" / "CPNA.xosc")
    vru_x, vru_y = _column(trace, "VRU", "x"), _column(trace, "VRU", "y")
    vru_speed = _column(trace, "VRU", "speed")
    assert np.ptp(vru_x) == pytest.approx(0.0, abs=1e-9)  # crosses straight, at s = 150
    # Ego: 30 km/h, rear axle at 150 - 6 s * 30 km/h = 100; it reaches the master target
    # s = 150 - (1.349 + 4.358 / 2) - 0.5 / 2 after 46.222 m.
    arrival = (150 - (1.349 + 4.358 / 2) - 0.25 - 100) / (30 / 3.6)
    k = int(np.argmin(np.abs(trace.time - arrival)))
    # VRU target: s = 4 + 0 - (0.3 - 0.36) along the path starting at y = -18.
    assert vru_y[k] == pytest.approx(-18 + 4.06, abs=0.1)
    # Final speed 5 km/h, held over the steady-state distance (3 m) before the target.
    steady = (trace.time > arrival - 2.0) & (trace.time < arrival)
    assert vru_speed[steady] == pytest.approx(np.full(steady.sum(), 5 / 3.6), abs=1e-6)
    (collision,) = world.collisions
    assert collision.time_s == pytest.approx(arrival, abs=0.1)
    assert result.stop_reason == "stop condition"


@pytest.mark.parametrize("base", ["CBLA", "CCFhos", "CCFtap", "CBNA", "CCCscp", "CPNCO"])
def test_other_2026_bases_run(ncap, base):
    world, result, _ = _run(ncap / "CA-FC_2026" / f"{base}.xosc")
    assert result.stop_reason == "stop condition"
    assert any("Ego" in (world.actors[c.a].name, world.actors[c.b].name) for c in world.collisions)


@pytest.mark.parametrize("variant", ["Cm", "Cs"])
def test_cpra_ego_backs_into_the_pedestrian(ncap, variant):
    world, result, trace = _run(ncap / "AEB_VRU_2023" / f"NCAP_AEB_VRU_CPRA_{variant}_2023.xosc")
    (collision,) = world.collisions
    before = trace.time < collision.time_s
    ego_speed = _column(trace, "Ego", "speed")[before]
    # Backing up at the test speed, 4 km/h, facing along the road (+x).
    assert ego_speed == pytest.approx(np.full(before.sum(), -4 / 3.6), abs=1e-9)
    assert _column(trace, "Ego", "h")[before] == pytest.approx(np.zeros(before.sum()))
    ego_x = _column(trace, "Ego", "x")
    assert np.all(np.diff(ego_x[before]) < 0)
    # Rear axle at s = 100; the rear bumper (4.358 / 2 - 1.349 behind the axle) reaches the
    # collision point s = 90 after 10 - 0.83 m at 4 km/h.
    assert collision.time_s == pytest.approx((10 - (4.358 / 2 - 1.349)) / (4 / 3.6), abs=0.25)
    assert result.stop_reason == "stop condition"
