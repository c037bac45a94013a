"""Grid ``bt_sparsity``: BT estimation error vs comparisons / (N log N) (Han et al. sparse regime; Rethinking BT Sec. 2).

Cells (N, ratio, rep): m = ratio * N log N uniformly random comparisons among N players with true scores
r ~ N(0, sigma^2). Rows record whether the unpenalised MLE exists (Ford's condition), the RMSE and max error of
the penalised fit (lam per comparison, tutorial value 1e-3) against the centred truth. Consistency needs the
max error to fall as ratio grows at fixed N and to stay bounded in N at fixed ratio; with m = o(N) (small ratio)
some players have no comparisons, the MLE does not exist and the error stays O(sigma).
"""

from __future__ import annotations

from itertools import product
from pathlib import Path

import numpy as np

from simtheory.bt.arena import check_mle_exists, fit_bt, simulate_arena, win_matrix
from simtheory.validation import SimTheoryInputError


def cells(params: dict) -> list[dict]:
    return [
        dict(N=int(n), ratio=float(c), rep=int(r))
        for r, n, c in product(range(int(params["reps"])), params["N"], params["ratio"])
    ]


def run_cell(cell: dict, params: dict, seed: np.random.SeedSequence, backend: str) -> list[dict]:
    rng = np.random.default_rng(seed)
    n, ratio = cell["N"], cell["ratio"]
    true_r = rng.normal(scale=float(params.get("sigma", 1.0)), size=n)
    true_r -= true_r.mean()
    m = max(1, int(round(ratio * n * np.log(n))))
    winners, losers = simulate_arena(true_r, m, rng)
    W = win_matrix(winners, losers, n)
    try:
        check_mle_exists(W)
        exists = 1
    except SimTheoryInputError:
        exists = 0
    fit = fit_bt(W, lam=float(params.get("lam", 1e-3)))
    err = fit.scores - true_r
    return [
        dict(
            N=n,
            ratio=ratio,
            rep=cell["rep"],
            m=m,
            m_over_N=m / n,
            mle_exists=exists,
            rmse=float(np.sqrt(np.mean(err**2))),
            max_err=float(np.max(np.abs(err))),
            isolated=int(np.sum((W + W.T).sum(1) == 0)),
        )
    ]


def summarize(rows: list[dict], out_dir, params: dict) -> dict:
    import matplotlib.pyplot as plt
    import pandas as pd

    from simtheory.runner.store import paper_style, save_figure

    df = pd.DataFrame(rows)
    agg = (
        df.groupby(["N", "ratio"])
        .agg(
            rmse=("rmse", "mean"),
            rmse_sd=("rmse", "std"),
            max_err=("max_err", "mean"),
            mle_exists=("mle_exists", "mean"),
            isolated=("isolated", "mean"),
            reps=("rep", "count"),
        )
        .reset_index()
    )
    out_dir = Path(out_dir)
    agg.to_csv(out_dir / "bt_sparsity_summary.csv", index=False)
    paper_style()
    if True:
        fig, axes = plt.subplots(1, 2, figsize=(7, 2.8))
        for n, g in agg.groupby("N"):
            axes[0].loglog(g["ratio"], g["rmse"], "o-", label=f"N={n}")
            axes[1].semilogx(g["ratio"], g["mle_exists"], "o-", label=f"N={n}")
        axes[0].set_xlabel("comparisons / (N log N)")
        axes[0].set_ylabel("RMSE of scores")
        axes[1].set_xlabel("comparisons / (N log N)")
        axes[1].set_ylabel("P(MLE exists)")
        axes[0].legend(fontsize=7)
        fig.tight_layout()
        save_figure(fig, out_dir, "bt_sparsity")
        plt.close(fig)
    return {"table": agg.to_dict(orient="records")}
