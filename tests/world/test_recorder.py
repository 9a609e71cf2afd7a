import numpy as np

from gauntlet.world.recorder import CSV_COLUMNS, Recorder, Trace


def test_trace_round_trip_and_csv(tmp_path):
    rec = Recorder(
        np.arange(2),
        ["ego", "lead"],
        ["car", "car"],
        np.array([4.7, 4.7]),
        np.array([1.8, 1.8]),
        capacity=1,
    )
    for k in range(3):  # grows past its capacity
        vals = {
            c: np.array([k + 0.5, k + 1.25])
            for c in ("x", "y", "z", "h", "p", "r", "speed", "accel")
        }
        rec.append(0.1 * k, vals)
    trace = rec.trace()
    path = tmp_path / "t.trace.npz"
    trace.save(path)
    back = Trace.load(path)
    assert back.names == ("ego", "lead") and np.array_equal(back.data["x"], trace.data["x"])
    lines = back.to_csv().splitlines()
    assert lines[0] == ",".join(CSV_COLUMNS) == "time,id,name,x,y,z,h,p,r,speed"
    assert len(lines) == 1 + 3 * 2
    assert lines[3] == "0.1,0,ego,1.5,1.5,1.5,1.5,1.5,1.5,1.5"
