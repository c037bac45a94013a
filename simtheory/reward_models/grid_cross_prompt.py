"""Grid ``rm_cross_prompt``: same- vs cross-prompt annotations (Section 6.3, Figures 4-6 of *Rethinking BT*).

Cells (design, pairing, beta, rep) with design in random / similar (two middle of k = 10) / diversified
(best and worst of 10), pairing same / cross (the selected responses re-paired across prompts). Figure 6:
per (design, beta, model) the mean |dr| of the same-prompt annotations against the cross-prompt gain
(BoN gain cross - same), with a least-squares line and Pearson r. ``--embeddings FILE``: design random,
pairing same / cross on the file's responses and golden reward.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from simtheory.reward_models import grid_common as C


def cells(params: dict) -> list[dict]:
    designs = ["random"] if params.get("embeddings") else params["designs"]
    return [
        {"design": d, "pairing": p, "beta": float(b), "rep": r}
        for d in designs
        for p in ("same", "cross")
        for b in params["betas"]
        for r in range(int(params["n_seeds"]))
    ]


def run_cell(cell: dict, params: dict, seed: np.random.SeedSequence, backend: str) -> list[dict]:
    train, held, psi, golden, src = C.cell_data(
        params,
        seed,
        beta=cell["beta"],
        n_annotations=int(params["n_annotations"]),
        design=cell["design"],
        pairing=cell["pairing"],
    )
    return C.run_models(params, seed, train, held, psi, golden, {"source": src})


def figure6_points(df):
    """Per (design, beta, model): mean |dr| of same-prompt annotations and the cross-prompt gain (+ SE)."""
    import pandas as pd

    pts = []
    for (d, b, m), g in df.groupby(["design", "beta", "model"]):
        same, cross = g[g["pairing"] == "same"], g[g["pairing"] == "cross"]
        if len(same) and len(cross):
            p = g.pivot_table(index="rep", columns="pairing", values="bon_gain").dropna()
            diff = p["cross"] - p["same"]
            pts.append(
                {
                    "design": d,
                    "beta": b,
                    "model": m,
                    "mean_abs_dr_same": same["train_mean_abs_dr"].mean(),
                    "mean_abs_dr_cross": cross["train_mean_abs_dr"].mean(),
                    "gain_same": same["bon_gain"].mean(),
                    "gain_cross": cross["bon_gain"].mean(),
                    "xprompt_gain": float(diff.mean()),
                    "xprompt_gain_se": float(diff.std(ddof=1) / np.sqrt(len(diff))) if len(diff) > 1 else np.nan,
                }
            )
    return pd.DataFrame(pts)


def findings(df) -> dict:
    from scipy import stats

    pts = figure6_points(df)
    out: dict[str, Any] = {
        "xprompt_gain": {
            f"{r.design}/{r.model}@{r.beta:g}": (r.xprompt_gain, r.xprompt_gain_se) for r in pts.itertuples()
        }
    }
    out["cross_better_fraction"] = f"{int((pts['xprompt_gain'] > 0).sum())}/{len(pts)}"
    by_design = pts.groupby("design")["xprompt_gain"].mean().to_dict()
    out["mean_xprompt_gain_by_design"] = by_design
    if {"similar", "diversified"} <= set(by_design):
        out["similar_gains_most"] = bool(by_design["similar"] == max(by_design.values()))
    if len(pts) >= 3 and pts["mean_abs_dr_same"].std() > 0:
        lr = stats.linregress(pts["mean_abs_dr_same"], pts["xprompt_gain"])
        out["fig6"] = {
            "slope": lr.slope,
            "intercept": lr.intercept,
            "r": lr.rvalue,
            "p": lr.pvalue,
            "n_points": len(pts),
        }
    return out


def summarize(rows: list[dict], out_dir, params: dict) -> dict:
    import matplotlib.pyplot as plt

    from simtheory.reward_models.models import LABELS
    from simtheory.runner.store import paper_style, save_figure

    paper_style()
    df = C.frame(rows)
    agg = C.aggregate(df, ["design", "pairing", "beta", "model"])
    agg.to_csv(f"{out_dir}/table.csv", index=False)
    pts = figure6_points(df)
    pts.to_csv(f"{out_dir}/figure6_points.csv", index=False)
    fnd = findings(df)
    models = [m for m in params.get("models", []) if m in set(df["model"])]
    designs = list(dict.fromkeys(df["design"]))
    fig, axes = plt.subplots(1, 2, figsize=(6.6, 3.0))
    ax = axes[0]
    width = 0.8 / (2 * len(models))
    for i, m in enumerate(models):
        for j, p in enumerate(("same", "cross")):
            a = agg[(agg["model"] == m) & (agg["pairing"] == p)].groupby("design")[["bon_gain", "bon_gain_se"]].mean()
            a = a.reindex(designs)
            x = np.arange(len(designs)) + (2 * i + j - len(models) + 0.5) * width
            ax.bar(
                x,
                a["bon_gain"],
                width,
                yerr=a["bon_gain_se"],
                color=C.COLORS.get(m),
                alpha=1.0 if p == "cross" else 0.45,
                label=f"{LABELS[m]} {p}",
            )
    ax.set_xticks(np.arange(len(designs)), designs)
    ax.set_ylabel("best-of-N golden gain (mean over beta)")
    ax.legend(fontsize=5, ncol=4, loc="upper center", bbox_to_anchor=(0.5, -0.12), frameon=False)
    ax = axes[1]
    for m in models:
        q = pts[pts["model"] == m]
        ax.errorbar(
            q["mean_abs_dr_same"],
            q["xprompt_gain"],
            yerr=q["xprompt_gain_se"],
            fmt="o",
            ms=3,
            color=C.COLORS.get(m),
            label=LABELS[m],
        )
    if "fig6" in fnd:
        f = fnd["fig6"]
        xs = np.linspace(pts["mean_abs_dr_same"].min(), pts["mean_abs_dr_same"].max(), 10)
        ax.plot(xs, f["intercept"] + f["slope"] * xs, "k--", lw=1, label=f"fit, r = {f['r']:.2f}")
    ax.axhline(0, color="0.6", lw=0.5)
    ax.set_xlabel(r"mean $|\Delta r|$ of same-prompt annotations")
    ax.set_ylabel("cross-prompt gain")
    ax.legend(fontsize=6)
    fig.tight_layout()
    figs = [str(p) for p in save_figure(fig, out_dir, "rm_cross_prompt")]
    plt.close(fig)
    return {"findings": C.jsonable_findings(fnd), "bounds": C.bounds_summary(df), "figures": figs}
