"""Grid ``rm_quantity``: annotation quantity sweep of Section 6.2 (*Rethinking BT*, Figure 3) in simulation.

Cells (n_annotations, rep) at fixed beta; otherwise as :mod:`simtheory.reward_models.grid_quality`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from simtheory.reward_models import grid_common as C


def cells(params: dict) -> list[dict]:
    return [
        {"n_annotations": int(n), "rep": r} for n in params["n_annotations_list"] for r in range(int(params["n_seeds"]))
    ]


def run_cell(cell: dict, params: dict, seed: np.random.SeedSequence, backend: str) -> list[dict]:
    train, held, psi, golden, src = C.cell_data(
        params, seed, beta=float(params["beta"]), n_annotations=cell["n_annotations"]
    )
    return C.run_models(params, seed, train, held, psi, golden, {"source": src, "beta": float(params["beta"])})


def findings(df) -> dict:
    """Figure-3 claims: per model the number of increasing steps of the mean gain along n, the gain slope
    per doubling of n, and whether CLF beats BT-MLP at every n."""
    agg = C.aggregate(df, ["n_annotations", "model"])
    out: dict[str, dict[str, Any]] = {"steps_up": {}, "gain_per_doubling": {}, "clf_beats_bt_at_every_n": {}}
    for m, a in agg.groupby("model"):
        a = a.sort_values("n_annotations")
        g = a["bon_gain"].to_numpy()
        out["steps_up"][m] = f"{int(np.sum(np.diff(g) > 0))}/{len(g) - 1}"
        out["gain_per_doubling"][m] = float(np.polyfit(np.log2(a["n_annotations"]), g, 1)[0])
    for m in ("clf_mlp", "clf_lgb"):
        diffs = [
            C.paired_diff(df[df["n_annotations"] == n], ["rep"], m, "bt_mlp")
            for n in sorted(df["n_annotations"].unique())
        ]
        out["clf_beats_bt_at_every_n"][m] = {"holds": all(d > 0 for d, _ in diffs), "diffs": diffs}
    return out


def summarize(rows: list[dict], out_dir, params: dict) -> dict:
    def style(axes, df, agg):
        from matplotlib.ticker import NullFormatter

        ns = sorted(df["n_annotations"].unique())
        for ax in axes:
            ax.xaxis.set_minor_formatter(NullFormatter())
            ax.set_xticks(ns, [f"{n / 1000:g}k" for n in ns])
            ax.set_xlabel(r"number of annotations ($\beta$ = " + f"{params['beta']:g})")

    return C.sweep_summary(rows, out_dir, params, "n_annotations", "rm_quantity", findings, style)
