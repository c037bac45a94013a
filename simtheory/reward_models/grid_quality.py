"""Grid ``rm_quality``: annotation quality sweep of Section 6.2 (*Rethinking BT*, Figure 2) in simulation.

Cells (beta, rep): ``n_annotations`` same-prompt random pairs labelled with xi = sigmoid(beta dr); every
model of ``params["models"]`` is trained on the same pairs; best-of-N gain on held-out prompts, order
consistency, Prop. 14 (eqs. 16-19) and eq. 21 per model. ``--embeddings FILE`` uses real embeddings and
their golden reward (design ``random``; best-of-N over each held-out prompt's responses).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from simtheory.reward_models import grid_common as C


def cells(params: dict) -> list[dict]:
    return [{"beta": float(b), "rep": r} for b in params["betas"] for r in range(int(params["n_seeds"]))]


def run_cell(cell: dict, params: dict, seed: np.random.SeedSequence, backend: str) -> list[dict]:
    train, held, psi, golden, src = C.cell_data(
        params, seed, beta=cell["beta"], n_annotations=int(params["n_annotations"])
    )
    return C.run_models(params, seed, train, held, psi, golden, {"source": src})


def findings(df) -> dict:
    """The paper's Figure-2 claims, read off the measured gains (mean over seeds, paired SEs)."""
    agg = C.aggregate(df, ["beta", "model"])
    betas = sorted(df["beta"].unique())
    lo, hi = betas[0], betas[-1]
    g = agg.set_index(["beta", "model"])["bon_gain"]
    out: dict[str, Any] = {"betas": betas}
    drops = {}
    for m in sorted(df["model"].unique()):
        drops[m] = float((g[(hi, m)] - g[(lo, m)]) / g[(hi, m)]) if g[(hi, m)] != 0 else float("nan")
    out["relative_drop_hi_to_lo_beta"] = drops
    if "bt_mlp" in drops:
        out["clf_more_robust"] = {m: bool(drops[m] < drops["bt_mlp"]) for m in drops if m.startswith("clf")}
    err = agg.groupby("beta")["train_error_rate"].mean()
    low_noise = [b for b in betas if err[b] < 0.10]
    out["low_noise_betas"] = low_noise
    out["bt_minus_clf_low_noise"] = {}
    for m in ("clf_mlp", "clf_lgb"):
        for b in low_noise:
            d, se = C.paired_diff(df[df["beta"] == b], ["rep"], "bt_mlp", m)
            out["bt_minus_clf_low_noise"][f"{m}@{b:g}"] = (d, se)
    out["bt_better_low_noise"] = bool(low_noise) and all(v[0] > 0 for v in out["bt_minus_clf_low_noise"].values())
    return out


def summarize(rows: list[dict], out_dir, params: dict) -> dict:
    def style(axes, df, agg):
        err = agg.groupby("beta")["train_error_rate"].mean()
        for ax in axes:
            ax.set_xlabel(r"annotator $\beta$")
        axes[0].set_title("wrong labels: " + ", ".join(f"{100 * e:.0f}%" for e in err), fontsize=7)

    return C.sweep_summary(rows, out_dir, params, "beta", "rm_quality", findings, style)
