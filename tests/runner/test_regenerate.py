"""``python -m simtheory.regenerate``: a recorded tiny run regenerates exactly; exact columns catch a
1-ulp change; rows declared stochastic (tiny.toml: the "mean" rows, tolerance 3 SE) pass a 2-SE
change and fail a 4-SE change; bad paths are one line with exit 2."""

import csv
import json
import subprocess
import sys

import pytest

from simtheory.runner.grids import run_grid
from simtheory.runner.regenerate import main


@pytest.fixture
def recorded(tmp_path):
    return run_grid("tiny", seed=11, out=tmp_path / "rec", progress=False, overrides={"n_cells": 4})


def _edit(folder, fn):
    path = folder / "results.csv"
    rows = list(csv.DictReader(path.open(newline="")))
    fn(rows)
    with path.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def test_regenerates_exactly(recorded, capsys):
    assert main([str(recorded)]) == 0
    out = capsys.readouterr().out
    assert "verdict: SAME" in out and "12 rows" in out and "summary.json) that change: 0" in out


def test_changed_summary_verdict_is_named(recorded, capsys):
    summary = json.loads((recorded / "summary.json").read_text())
    summary["all_means_small"] = not summary["all_means_small"]
    (recorded / "summary.json").write_text(json.dumps(summary))
    assert main([str(recorded)]) == 1  # the rows are the same, but a finding would change
    assert "that change: 1\n    all_means_small:" in capsys.readouterr().out


def test_exact_columns_catch_one_ulp(recorded, capsys):
    import numpy as np

    def bump(rows):
        var = next(r for r in rows if r["stat"] == "var")
        var["value"] = repr(float(np.nextafter(float(var["value"]), np.inf)))

    _edit(recorded, bump)
    assert main([str(recorded)]) == 1
    assert "verdict: DIFFERS" in capsys.readouterr().out


@pytest.mark.parametrize("n_se, code", [(2.0, 0), (4.0, 1)])
def test_stochastic_rows_within_tolerance_in_se_units(recorded, capsys, n_se, code):
    def shift(rows):
        mean = next(r for r in rows if r["stat"] == "mean")
        mean["value"] = repr(float(mean["value"]) + n_se * float(mean["value_se"]))

    _edit(recorded, shift)
    assert main([str(recorded)]) == code
    line = next(ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("value "))
    assert f"{n_se:.3g}" in line and ("within 3 SE" if code == 0 else "DIFFERS") in line


def test_bad_paths_are_one_line(tmp_path, recorded, capsys):
    assert main([str(tmp_path / "nothing")]) == 2
    meta = json.loads((recorded / "meta.json").read_text())
    meta["params"]["retired_param"] = 1
    (recorded / "meta.json").write_text(json.dumps(meta))
    assert main([str(recorded / "meta.json")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and err[0].startswith("error: PATH:") and "retired_param" in err[1]


def test_module_alias(recorded):
    res = subprocess.run(
        [sys.executable, "-m", "simtheory.regenerate", str(recorded)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert res.returncode == 0 and "verdict: SAME" in res.stdout, res.stderr


@pytest.mark.slow
def test_committed_bt_sparsity_regenerates_exactly(capsys):
    """The full committed bt_sparsity result (135 rows, ~1-4 min on 2 cores) regenerates exactly."""
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "paper_figs" / "bt" / "bt_sparsity"
    if not (path / "meta.json").exists():
        pytest.skip("paper_figs/bt/bt_sparsity is not in this checkout")
    assert main([str(path)]) == 0, capsys.readouterr().out


def test_sample_reruns_only_the_hashed_cells(recorded, capsys):
    """``--sample K`` re-runs K cells chosen by a hash of their keys: a changed number in a sampled
    cell is caught, one in another cell is (by design) outside the check."""
    from simtheory.runner.regenerate import sampled_cells
    from simtheory.runner.store import cell_key

    meta = json.loads((recorded / "meta.json").read_text())
    from simtheory.runner.grids import get_grid

    cells = get_grid("tiny").load_module().cells(meta["params"])
    picked = {cell_key(c) for c in sampled_cells(cells, 2)}
    assert len(picked) == 2 and picked == {cell_key(c) for c in sampled_cells(list(reversed(cells)), 2)}
    assert main([str(recorded), "--sample", "2"]) == 0
    assert "sampled 2 of 4 cells" in capsys.readouterr().out

    def bump(rows, inside):
        r = next(r for r in rows if (r["cell"] in picked) == inside and r["stat"] == "var")  # an exact row
        r["value"] = repr(float(r["value"]) + 1e-9)

    _edit(recorded, lambda rows: bump(rows, inside=False))
    assert main([str(recorded), "--sample", "2"]) == 0
    _edit(recorded, lambda rows: bump(rows, inside=True))
    assert main([str(recorded), "--sample", "2"]) == 1
    assert "DIFFERS" in capsys.readouterr().out


def test_bad_sample_is_one_line(recorded, capsys):
    assert main([str(recorded), "--sample", "0"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --sample:") and err.count("\n") == 1
