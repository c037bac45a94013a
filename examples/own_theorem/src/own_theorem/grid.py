"""Grid of the claim: one cell per number of rounds ``m``; one row per replicate."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from own_theorem.theory import squared_error, true_scores


def cells(params: dict) -> list[dict]:
    return [{"m": int(m)} for m in params["m"]]


def run_cell(cell: dict, params: dict, seed: np.random.SeedSequence, backend: str) -> list[dict]:
    theta = true_scores(int(params["n_players"]), float(params["spread"]), int(params["theta_seed"]))
    rng = np.random.default_rng(seed)
    m = int(cell["m"])
    return [{"m": m, "rep": r, "sq_err": squared_error(theta, m, rng)} for r in range(int(params["reps"]))]


def rmse_table(rows: list[dict]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``m``, RMSE and its SE (delta method: SE(sqrt(MSE)) = SE(MSE) / (2 sqrt(MSE)))."""
    ms = np.array(sorted({int(r["m"]) for r in rows}))
    rmse, se = [], []
    for m in ms:
        e = np.array([r["sq_err"] for r in rows if int(r["m"]) == m], float)
        mse = e.mean()
        rmse.append(np.sqrt(mse))
        se.append(e.std(ddof=1) / np.sqrt(e.size) / (2 * np.sqrt(mse)))
    return ms, np.array(rmse), np.array(se)


def summarize(rows: list[dict], out_dir, params: dict) -> dict:
    """Slope check (:func:`simtheory.testing.check_rate`) and the rate-curve figure."""
    from simtheory.plotting import rate_curve
    from simtheory.testing import check_rate

    ms, rmse, se = rmse_table(rows)
    check = check_rate(
        ms, rmse, se, expected=float(params["expected_slope"]), alpha=float(params["alpha"]), label="BT MLE RMSE vs m"
    )
    fig = rate_curve(
        ms,
        rmse,
        se,
        expected_slope=float(params["expected_slope"]),
        anchor="center",
        alpha=float(params["alpha"]),
        xlabel="rounds of random matchings m (comparisons per player)",
        ylabel="RMSE of BT MLE scores",
        label=f"simulation ({params['reps']} reps)",
        out=Path(out_dir),
        name="bt_rate",
    )
    import matplotlib.pyplot as plt

    plt.close(fig.fig)
    return {
        "slope": check.estimate,
        "slope_se": check.se,
        "ci": list(check.ci),
        "passed": check.passed,
        "message": check.message,
        "figures": [str(p) for p in fig.paths],
        "m": ms.tolist(),
        "rmse": rmse.tolist(),
        "rmse_se": se.tolist(),
    }
