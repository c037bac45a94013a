"""Grid ``gpm_cyclic``: BT (dim 1) vs GPM (embedding dims 2, 4, 6, 8) by maximum likelihood on cyclic data.

Cells ``(kind, size/weight, rep)``; each cell draws one data set and fits every model in ``dims`` on it, so
models are compared on the same data. Kinds: ``cycle`` (``cycle_copies`` independent pure n-cycles),
``subdataset`` (paper-style 'drop one criterion' 3-cycles, Table 1 sizes), ``tournament`` (random tournament
grad(r) + w * cyclic part). Accuracy = agreement with the true preference direction of each labelled pair.
"""

from __future__ import annotations

import numpy as np

from simtheory.general_preference.cyclic import (
    CRITERIA,
    PAPER_TABLE1,
    accuracy,
    best_transitive_accuracy,
    cycle_data,
    cycle_matrix,
    fit_scores,
    paper_subdataset,
    tournament_data,
)
from simtheory.runner.store import paper_style, save_figure


def cells(params: dict) -> list[dict]:
    out = []
    for rep in range(int(params["reps"])):
        out += [{"kind": "cycle", "n": int(n), "rep": rep} for n in params["cycles"]]
        out += [
            {"kind": "subdataset", "drop": int(d), "instances": int(m), "rep": rep} for d, m in params["subdatasets"]
        ]
        out += [{"kind": "tournament", "weight": float(w), "rep": rep} for w in params["tournament_weights"]]
    return out


def _data(cell: dict, params: dict, rng: np.random.Generator):
    m, flip = int(params["annotations"]), float(params["flip"])
    if cell["kind"] == "cycle":
        d = cycle_data(cell["n"], m, rng, flip=flip, copies=int(params["cycle_copies"]))
        return d, float(best_transitive_accuracy(cycle_matrix(cell["n"])))
    if cell["kind"] == "subdataset":
        return paper_subdataset(cell["drop"], cell["instances"], m, rng, flip=flip), 2 / 3
    return tournament_data(int(params["tournament_n"]), cell["weight"], m, rng), float("nan")


def run_cell(cell: dict, params: dict, seed: np.random.SeedSequence, backend: str) -> list[dict]:
    data_seed, fit_seed = seed.spawn(2)
    d, ceiling = _data(cell, params, np.random.default_rng(data_seed))
    rows = []
    for dim in params["dims"]:
        S = fit_scores(d.W, int(dim), seed=int(fit_seed.generate_state(1)[0]), restarts=int(params["restarts"]))
        rows.append(
            {
                "dataset": d.name,
                "dim": int(dim),
                "model": "BT" if dim == 1 else f"GPM-{dim}",
                "accuracy": accuracy(S, d.P, d.pairs),
                "bt_ceiling": ceiling,
                "n_items": d.P.shape[0],
                "n_pairs": len(d.pairs),
                "annotations": int(params["annotations"]),
                "backend": "numpy",
            }
        )
    return rows


def accuracy_by_dim(rows: list[dict]):
    """Accuracy per (dataset, dim) over reps: ``mean``, ``std`` (ddof 1), ``count`` and ``se`` = std / sqrt(count)
    (0 with a single rep), as a DataFrame; the SE of Table 1's rows and of the figure's error bars."""
    import pandas as pd

    g = pd.DataFrame(rows).groupby(["dataset", "dim"]).accuracy.agg(["mean", "std", "count"]).reset_index()
    g["se"] = g["std"].fillna(0) / np.sqrt(g["count"])
    return g


def summarize(rows: list[dict], out_dir, params: dict) -> dict:
    import matplotlib.pyplot as plt

    paper_style()
    g = accuracy_by_dim(rows)
    g.to_csv(f"{out_dir}/accuracy_by_dim.csv", index=False)
    fig, ax = plt.subplots(figsize=(4.2, 3.0))
    for k, (name, sub) in enumerate(g.groupby("dataset")):
        ax.errorbar(
            sub["dim"],
            100 * sub["mean"],
            yerr=200 * sub["se"],
            marker="os^v"[k % 4],
            ms=3,
            label=name,
            color=plt.cm.tab20(k % 20),
            ls="-" if name.startswith("tournament") else "--",
        )
    ax.axhline(100 * 2 / 3, color="k", ls=":", lw=0.8)
    ax.set_xlabel("embedding dimension (1 = BT)")
    ax.set_ylabel("accuracy (%), error bars 2 SE over reps")
    ax.legend(fontsize=6, ncol=2)
    fig.tight_layout()
    figs = [str(p) for p in save_figure(fig, out_dir, "gpm_accuracy_vs_dim")]
    plt.close(fig)
    table = []
    for d, _ in params["subdatasets"]:
        name = f"drop_{CRITERIA[int(d)]}"
        s = g[g.dataset == name].set_index("dim")
        paper = PAPER_TABLE1[f"No. {int(d) + 1}"]
        table.append(
            {
                "dataset": name,
                "bt": float(100 * s.loc[1, "mean"]),
                "gpm_best": float(100 * s["mean"].drop(1).max()),
                "paper_bt": paper[0],
                "paper_gpm": paper[1],
            }
        )
    return {"accuracy": g.to_dict("records"), "table1": table, "figures": figs}
