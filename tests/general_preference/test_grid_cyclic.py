"""gpm_cyclic grid: run_cell determinism and BT vs GPM rows; summarize writes the figure and Table 1 rows."""

import numpy as np

from simtheory.general_preference import grid_cyclic as gpm_cyclic
from simtheory.runner.grids import get_grid


def _params():
    p = get_grid("gpm_cyclic").resolved_params(quick=True)
    p.update(dims=[1, 2, 4], cycle_copies=20, tournament_n=12, restarts=1)
    return p


def test_run_cell_rows_and_determinism():
    """3-cycles (20 copies, SeedSequence(3)): BT <= 2/3 (its exact ceiling) and GPM = 100% on every fit."""
    p = _params()
    cell = {"kind": "cycle", "n": 3, "rep": 0}
    rows = gpm_cyclic.run_cell(cell, p, np.random.SeedSequence(3), "numpy")
    assert [r["dim"] for r in rows] == [1, 2, 4]
    assert rows[0]["accuracy"] <= rows[0]["bt_ceiling"] == 2 / 3
    assert rows[1]["accuracy"] == rows[2]["accuracy"] == 1.0
    again = gpm_cyclic.run_cell(cell, p, np.random.SeedSequence(3), "numpy")
    assert [r["accuracy"] for r in again] == [r["accuracy"] for r in rows]


def test_cells_and_summarize(tmp_path):
    p = _params()
    p.update(reps=1, cycles=[3], subdatasets=[[2, 30]], tournament_weights=[1.0])
    cs = gpm_cyclic.cells(p)
    assert len(cs) == 3
    rows = []
    for c, s in zip(cs, np.random.SeedSequence(4).spawn(len(cs))):
        rows += [{"cell": str(c), **r} for r in gpm_cyclic.run_cell(c, p, s, "numpy")]
    summ = gpm_cyclic.summarize(rows, tmp_path, p)
    assert (tmp_path / "gpm_accuracy_vs_dim.png").exists()
    (t,) = summ["table1"]
    assert t["paper_bt"] == 50.0 and t["gpm_best"] == 100.0 and t["bt"] <= 100 * 2 / 3
