"""Figures for the BT foundations (issue 3) into paper_figs/bt/: consistency slope, BT vs Thurstone scale,
tutorial walkthrough trajectories. The bt_sparsity grid is run separately:
    python -m simtheory.run bt_sparsity --out paper_figs/bt/bt_sparsity
Usage: python paper_figs/make_bt.py [--out DIR] [--allow-dirty]
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from simtheory.bt import (
    fit_bt,
    fit_thurstone,
    gradient_descent_bt,
    simulate_arena,
    win_matrix,
)
from simtheory.plotting import rate_curve
from simtheory.runner.store import paper_style, save_figure, write_json

OUT = Path(__file__).parent / "bt"
SEED = 7


def consistency(rng):
    n, true_r = 10, np.linspace(-1.5, 1.5, 10)
    iu = np.triu_indices(n, 1)
    rows = []
    for K in [10, 20, 40, 80, 160, 320, 640, 1280]:
        for rep in range(50):
            k = rng.binomial(K, 1 / (1 + np.exp(-(true_r[iu[0]] - true_r[iu[1]]))))
            W = np.zeros((n, n))
            W[iu], W[iu[1], iu[0]] = k, K - k
            rows.append(dict(K=K, rep=rep, mse=float(np.mean((fit_bt(W).scores - true_r) ** 2))))
    return pd.DataFrame(rows)


def main(argv=None):
    import argparse

    import matplotlib.pyplot as plt

    from simtheory.runner import scripts

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    scripts.add_arguments(ap, OUT)
    args = ap.parse_args(argv)
    out = Path(args.out)
    scripts.guard_out(out, __file__, args.allow_dirty)
    paper_style()
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    df = consistency(rng)
    g = df.groupby("K")["mse"]
    agg = pd.DataFrame(
        {
            "K": g.mean().index,
            "rmse": g.mean().pow(0.5).values,
            # delta method: SE(sqrt(MSE)) = SE(MSE) / (2 sqrt(MSE))
            "rmse_se": (g.std(ddof=1) / np.sqrt(g.count()) / (2 * g.mean().pow(0.5))).values,
        }
    )
    agg.to_csv(out / "consistency.csv", index=False)
    rc = rate_curve(
        agg.K,
        agg.rmse,
        agg.rmse_se,
        expected_slope=-0.5,
        anchor="center",
        label="BT MLE (50 reps)",
        xlabel="matches per pair K",
        ylabel="RMSE of scores",
        out=out,
        name="consistency",
    )
    slope = rc.slope
    plt.close(rc.fig)

    n = 30
    W = win_matrix(*simulate_arena(np.linspace(-2, 2, n), 60_000, np.random.default_rng(0)), n)
    rb, rt = fit_bt(W).scores, fit_thurstone(W)
    scale = float(rb @ rt / (rt @ rt))
    pd.DataFrame(dict(bt=rb, thurstone=rt)).to_csv(out / "bt_vs_thurstone.csv", index=False)
    fig, ax = plt.subplots()
    ax.plot(rt, rb, "o", ms=3)
    ax.plot(rt, scale * rt, "-", label=f"slope {scale:.3f}")
    ax.set_xlabel("Thurstone score")
    ax.set_ylabel("BT score")
    ax.legend()
    save_figure(fig, out, "bt_vs_thurstone")
    plt.close(fig)

    w, l = [0, 0, 0, 0, 0, 0, 1, 1, 2], [1, 1, 1, 2, 2, 2, 2, 2, 1]
    h = gradient_descent_bt(w, l, 3, lr=0.1, steps=20_000)
    pen = fit_bt(win_matrix(w, l, 3), lam=1e-3).scores
    fig, ax = plt.subplots()
    for k, name in enumerate("ABC"):
        ax.semilogx(np.arange(1, h.shape[0]), h[1:, k], label=f"r_{name}")
        ax.axhline(pen[k], ls=":", c=f"C{k}")
    ax.axvline(2000, c="k", lw=0.5)
    ax.set_xlabel("gradient step (lr 0.1)")
    ax.set_ylabel("score")
    ax.legend()
    save_figure(fig, out, "walkthrough")
    plt.close(fig)
    pd.DataFrame(h[::100], columns=["A", "B", "C"]).assign(step=np.arange(0, h.shape[0], 100)).to_csv(
        out / "walkthrough.csv", index=False
    )
    summary = dict(
        consistency_slope=float(slope),
        consistency_slope_ci95=list(rc.ci),
        bt_thurstone_scale=scale,
        gd_2000=h[2000].tolist(),
        gd_20000=h[-1].tolist(),
        penalised_lam_1e_3=pen.tolist(),
    )
    write_json(out / "summary.json", summary)
    write_json(out / "meta.json", scripts.script_record(__file__, argv, out, allow_dirty=args.allow_dirty, seed=SEED))
    print(summary)


if __name__ == "__main__":
    main()
