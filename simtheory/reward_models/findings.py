"""The Section-6 findings of *Rethinking BT*, recomputed from the raw grid rows (``results.csv``).

The raw rows of the full grids ship with the package (``simtheory/reward_models/results/<grid>.csv.gz``,
with the command and commit that produced them in ``results/PROVENANCE.json``), so an installed copy
can check the claims without the repository.

A difference counts as established when it exceeds 2 standard errors of the paired (same cell, same
seed) difference over seeds; the measured numbers are returned with every verdict.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from simtheory.reward_models import grid_common as C
from simtheory.runner.store import _parse  # the store's CSV cell reader (numbers, booleans, blanks)

CLF = ("clf_mlp", "clf_lgb")
#: the packaged raw rows of the full grids (package data)
RESULTS = Path(__file__).resolve().parent / "results"


def provenance(grid: str) -> dict:
    """Command, commit and parameters that produced the packaged rows of ``grid``."""
    import json

    return json.loads((RESULTS / "PROVENANCE.json").read_text())[grid]


def load(grid: str, root: Path | str | None = None):
    """DataFrame of the rows of ``grid`` (cell columns expanded), or None if absent.

    Parameters
    ----------
    grid : "rm_quality", "rm_quantity" or "rm_cross_prompt".
    root : a folder holding ``<grid>/results.csv`` (a fresh run); None reads the packaged full-grid rows.
    """
    import csv
    import gzip

    path = RESULTS / f"{grid}.csv.gz" if root is None else Path(root) / grid / "results.csv"
    if not path.exists():
        return None
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", newline="") as fh:
        rows = [{k: _parse(v) for k, v in row.items()} for row in csv.DictReader(fh)]
    return C.frame(rows)


def _gain(df, key, model):
    p = df[df["model"] == model].groupby(key)["bon_gain"]
    return p.mean(), p.std(ddof=1) / np.sqrt(p.size())


def quality(df) -> dict:
    """Fig. 2: (a) CLF loses less best-of-N gain than BT-MLP from the highest to the lowest beta;
    (b) BT-MLP beats both CLF models where fewer than 10% of the labels are wrong."""
    betas = sorted(df["beta"].unique())
    lo, hi = betas[0], betas[-1]
    drop = {}
    for m in sorted(df["model"].unique()):
        g, _ = _gain(df, "beta", m)
        drop[m] = {
            "gain_hi": float(g[hi]),
            "gain_lo": float(g[lo]),
            "abs_drop": float(g[hi] - g[lo]),
            "rel_drop": float((g[hi] - g[lo]) / g[hi]),
        }

    # paired drop difference per seed: (drop_clf - drop_bt) with SE over reps
    def drop_diff(m):
        p = df.pivot_table(index=["rep"], columns=["model", "beta"], values="bon_gain")
        d = (p[(m, hi)] - p[(m, lo)]) - (p[("bt_mlp", hi)] - p[("bt_mlp", lo)])
        return float(d.mean()), float(d.std(ddof=1) / np.sqrt(len(d))) if len(d) > 1 else float("nan")

    a = {m: drop_diff(m) for m in CLF}
    robust = all(d < 0 and (np.isnan(se) or d < -2 * se) for d, se in a.values())
    err = df.groupby("beta")["train_error_rate"].mean()
    low = [b for b in betas if err[b] < 0.10]
    b_diffs = {f"{m}@beta={b:g}": C.paired_diff(df[df["beta"] == b], ["rep"], "bt_mlp", m) for m in CLF for b in low}
    bt_better = bool(low) and all(d > 0 and (np.isnan(se) or d > 2 * se) for d, se in b_diffs.values())
    return {
        "error_rate": {f"{b:g}": float(err[b]) for b in betas},
        "drop": drop,
        "clf_drop_minus_bt_drop": a,
        "clf_more_robust": bool(robust),
        "low_noise_betas": low,
        "bt_minus_clf_low_noise": b_diffs,
        "bt_better_low_noise": bool(bt_better),
    }


def quantity(df) -> dict:
    """Fig. 3: CLF above BT-MLP at every n, and CLF's gain rising at every step of n (BT's not necessarily)."""
    ns = sorted(df["n_annotations"].unique())
    out: dict[str, Any] = {"gain": {}, "steps_up": {}, "gain_per_doubling": {}}
    for m in sorted(df["model"].unique()):
        g, se = _gain(df, "n_annotations", m)
        out["gain"][m] = {int(n): (float(g[n]), float(se[n])) for n in ns}
        out["steps_up"][m] = int(np.sum(np.diff(g[ns].to_numpy()) > 0))
        out["gain_per_doubling"][m] = float(np.polyfit(np.log2(ns), g[ns].to_numpy(), 1)[0])
    diffs = {f"{m}@n={n}": C.paired_diff(df[df["n_annotations"] == n], ["rep"], m, "bt_mlp") for m in CLF for n in ns}
    out["clf_minus_bt"] = diffs
    out["clf_beats_bt_everywhere"] = all(d > 0 and (np.isnan(se) or d > 2 * se) for d, se in diffs.values())
    steps = len(ns) - 1
    out["clf_more_consistent"] = bool(
        all(out["steps_up"][m] == steps for m in CLF)
        and all(out["gain_per_doubling"][m] >= out["gain_per_doubling"]["bt_mlp"] for m in CLF)
    )
    return out


def cross_prompt(df) -> dict:
    """Figs. 4-6: cross-prompt annotation beats same-prompt, most for Similar; Fig. 6 correlation."""
    from scipy import stats

    from simtheory.reward_models.grid_cross_prompt import figure6_points

    pts = figure6_points(df)
    sig_pos = int((pts["xprompt_gain"] > 2 * pts["xprompt_gain_se"].fillna(0)).sum())
    sig_neg = int((pts["xprompt_gain"] < -2 * pts["xprompt_gain_se"].fillna(0)).sum())
    by_design = {d: float(v) for d, v in pts.groupby("design")["xprompt_gain"].mean().items()}
    by_design_model = {
        f"{r.design}/{r.model}@beta={r.beta:g}": (float(r.xprompt_gain), float(r.xprompt_gain_se))
        for r in pts.itertuples()
    }
    out = {
        "n_points": len(pts),
        "significantly_positive": sig_pos,
        "significantly_negative": sig_neg,
        "mean_xprompt_gain_by_design": by_design,
        "xprompt_gain": by_design_model,
        "cross_better": bool(sig_neg == 0 and sig_pos > len(pts) / 2),
        "similar_gains_most": (
            bool(by_design["similar"] == max(by_design.values())) if {"similar", "random"} <= set(by_design) else None
        ),
    }
    if len(pts) >= 3:
        lr = stats.linregress(pts["mean_abs_dr_same"], pts["xprompt_gain"])
        out["fig6"] = {
            "slope": float(lr.slope),
            "intercept": float(lr.intercept),
            "r": float(lr.rvalue),
            "p": float(lr.pvalue),
            "n_points": len(pts),
        }
    return out
