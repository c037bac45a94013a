"""Tests of the own_theorem claim with simtheory.testing and the simtheory pytest plugin."""

from pathlib import Path

import numpy as np
import pytest
from own_theorem.grid import rmse_table
from own_theorem.theory import asymptotic_mse_per_round, squared_error, true_scores

from simtheory.testing import assert_mean, assert_rate

THETA = true_scores(16, 0.5, seed=0)
GRID_TOML = Path(__file__).resolve().parents[1] / "src" / "own_theorem" / "grids" / "bt_rate.toml"


@pytest.mark.claim("own.bt_rate.slope")
def test_rmse_decays_as_inverse_sqrt_m(st_seed):
    """5 values of m x 100 replicates: the slope's 99 % CI (WLS on log-log) contains -1/2."""
    rng = np.random.default_rng(st_seed)
    rows = [{"m": m, "sq_err": squared_error(THETA, m, rng)} for m in (64, 128, 256, 512, 1024) for _ in range(100)]
    ms, rmse, se = rmse_table(rows)
    assert_rate(ms, rmse, se, expected=-0.5, alpha=0.01, seed=st_seed, label="BT MLE RMSE vs m")


@pytest.mark.claim("own.bt_rate.slope")
def test_constant_matches_fisher_information(st_seed):
    """At m = 1024, m * MSE estimates trace(I_1^+) / n (400 replicates, two-sided t-test at 1e-3)."""
    rng = np.random.default_rng(st_seed)
    m = 1024
    scaled = [m * squared_error(THETA, m, rng) for _ in range(400)]
    assert_mean(scaled, asymptotic_mse_per_round(THETA), alpha=1e-3, seed=st_seed, label="m * MSE at m = 1024")


def test_grid_file_runs_from_anywhere(tmp_path):
    """``python -m simtheory.run path/to/bt_rate.toml --quick`` (here through run_grid) writes the figure."""
    import json

    from simtheory.runner.grids import run_grid

    out = run_grid(str(GRID_TOML), quick=True, seed=0, out=tmp_path / "run", progress=False)
    summary = json.loads((out / "summary.json").read_text())
    assert (out / "bt_rate.pdf").exists() and (out / "bt_rate.png").exists()
    assert len(summary["m"]) == 5 and summary["message"].startswith(("PASS", "FAIL"))
