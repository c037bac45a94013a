"""Grid ``rm_quantity``: annotation quantity sweep of Section 6.2 (*Rethinking BT*, Figure 3) in simulation.

Cells (n_annotations, rep) at fixed beta; otherwise as :mod:`simtheory.grids.rm_quality`.
"""
from __future__ import annotations

import numpy as np

from . import _rm_common as C


def cells(params: dict) -> list[dict]:
    return [{"n_annotations": int(n), "rep": r} for n in params["n_annotations_list"]
            for r in range(int(params["n_seeds"]))]


def run_cell(cell: dict, params: dict, seed: np.random.SeedSequence, backend: str) -> list[dict]:
    train, held, psi, golden, src = C.cell_data(params, seed, beta=float(params["beta"]),
                                                n_annotations=cell["n_annotations"])
    return C.run_models(params, seed, train, held, psi, golden, {"source": src, "beta": float(params["beta"])})


def findings(df) -> dict:
    """Figure-3 claims: per model the number of increasing steps of the mean gain along n, the gain slope
    per doubling of n, and whether CLF beats BT-MLP at every n."""
    agg = C.aggregate(df, ["n_annotations", "model"])
    out = {"steps_up": {}, "gain_per_doubling": {}, "clf_beats_bt_at_every_n": {}}
    for m, a in agg.groupby("model"):
        a = a.sort_values("n_annotations")
        g = a["bon_gain"].to_numpy()
        out["steps_up"][m] = f"{int(np.sum(np.diff(g) > 0))}/{len(g) - 1}"
        out["gain_per_doubling"][m] = float(np.polyfit(np.log2(a["n_annotations"]), g, 1)[0])
    for m in ("clf_mlp", "clf_lgb"):
        diffs = [C.paired_diff(df[df["n_annotations"] == n], ["rep"], m, "bt_mlp")
                 for n in sorted(df["n_annotations"].unique())]
        out["clf_beats_bt_at_every_n"][m] = {"holds": all(d > 0 for d, _ in diffs), "diffs": diffs}
    return out


def summarize(rows: list[dict], out_dir, params: dict) -> dict:
    import matplotlib.pyplot as plt

    from ..results import paper_style, save_figure

    paper_style()
    df = C.frame(rows)
    agg = C.aggregate(df, ["n_annotations", "model"])
    agg.to_csv(f"{out_dir}/table.csv", index=False)
    models = [m for m in params.get("models", []) if m in set(df["model"])]
    fig, axes = plt.subplots(1, 2, figsize=(6.4, 2.5))
    C.line_plot(axes[0], agg, "n_annotations", "bon_gain", models, logx=True)
    axes[0].set_ylabel(f"best-of-{int(df['bon_n'].iloc[0])} golden gain")
    C.line_plot(axes[1], agg, "n_annotations", "oc_same", models, logx=True)
    axes[1].set_ylabel("order consistency (same prompt)")
    from matplotlib.ticker import NullFormatter

    ns = sorted(df["n_annotations"].unique())
    for ax in axes:
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xticks(ns, [f"{n / 1000:g}k" for n in ns])
        ax.set_xlabel(r"number of annotations ($\beta$ = " + f"{params['beta']:g})")
    axes[1].legend(fontsize=7)
    fig.tight_layout()
    figs = [str(p) for p in save_figure(fig, out_dir, "rm_quantity")]
    plt.close(fig)
    return {"findings": C.jsonable_findings(findings(df)), "bounds": C.bounds_summary(df), "figures": figs}
