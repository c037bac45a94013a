"""Test-only grid: each cell draws seeded normals and reports their mean and variance.

Hooks for the Dask tests: ``delay`` keeps tasks in flight, ``kill_marker`` makes the
worker running ``kill_cell`` kill its own process (once, the marker file records it),
``fail_cell`` makes one cell raise (while the file ``fail_marker`` exists, if that is set).
"""

import os
import signal
import time
from pathlib import Path

import numpy as np


def cells(params):
    from simtheory.validation import check_positive_int

    check_positive_int("n_draws", params["n_draws"], minimum=2)
    return [{"i": i, "scale": 1.0 + 0.5 * (i % 3)} for i in range(int(params["n_cells"]))]


def run_cell(cell, params, seed, backend):
    if params.get("delay"):
        time.sleep(float(params["delay"]))
    marker = params.get("kill_marker")
    if marker and cell["i"] == params["kill_cell"] and not Path(marker).exists():
        Path(marker).write_text(str(os.getpid()))
        os.kill(os.getpid(), signal.SIGKILL)
    fail_marker = params.get("fail_marker")
    if cell["i"] == params.get("fail_cell", -1) and (not fail_marker or Path(fail_marker).exists()):
        raise ValueError(f"cell {cell['i']} fails on purpose")
    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, cell["scale"], size=int(params["n_draws"]))
    return [
        {"stat": "mean", "value": float(x.mean()), "value_se": float(x.std(ddof=1) / np.sqrt(x.size))},
        {"stat": "var", "value": float(x.var(ddof=1))},
        {"stat": "dot", "value": float(x @ x)},
    ]  # BLAS ddot: threaded sums differ in the last bits


def summarize(rows, out_dir, params):
    """Writes a stand-in figure named after the grid size (so a --fresh run with another size must remove it)."""
    from simtheory.runner.store import atomic_write

    atomic_write(Path(out_dir) / f"tiny_{int(params['n_cells'])}.png", b"not really a png\n")
    means = [r["value"] for r in rows if r["stat"] == "mean"]
    return {"n_rows": len(rows), "all_means_small": bool(all(abs(m) < 0.1 for m in means))}
