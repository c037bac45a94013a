"""Shared machinery of the reward-model grids ``rm_quality``, ``rm_quantity`` and ``rm_cross_prompt``.

One cell = one (setting, replicate): the annotated training pairs, a held-out best-of-N pool and held-out
pairs of the training design are drawn once and every model in ``params["models"]`` is trained on the
same pairs (paired comparison). Rows: one per model.
"""

from __future__ import annotations

import functools
import json
import time

import numpy as np

from simtheory.reward_models.bounds import eq21_union_bound, prop14_bounds
from simtheory.reward_models.data import PairData, real_pairs, world_from_params
from simtheory.reward_models.evaluate import best_of_n, order_consistency
from simtheory.reward_models.models import LABELS, MODELS, fit_model
from simtheory.validation import SimTheoryInputError, check_choice

COLORS = {"bt_mlp": "C0", "clf_mlp": "C1", "clf_lgb": "C2", "linear_bt": "C7"}


def model_opts(name: str, params: dict) -> dict:
    if name in ("bt_mlp", "clf_mlp"):
        return {k: params[k] for k in ("hidden", "epochs", "batch_size", "lr") if k in params}
    if name == "clf_lgb":
        return {k: params[k] for k in ("n_estimators", "num_leaves", "learning_rate") if k in params}
    return {}


@functools.lru_cache(maxsize=4)
def _world(key: str):
    return world_from_params(json.loads(key))


def _world_of(params: dict):
    keys = ("d", "prompt_weight", "golden_hidden", "golden_weight_scale", "world_seed")
    return _world(json.dumps({k: params[k] for k in keys if k in params}, sort_keys=True))


def _real_split(data, rng):
    """Half of the prompts for training, half for testing; test pool truncated to the smallest group size."""
    pid = data.prompt_index
    if data.n_prompts < 2:
        raise SimTheoryInputError(
            "embeddings",
            f"needs at least 2 prompts to split into train and test, {data.source or 'the file'} has {data.n_prompts}",
        )
    if data.reward is None:
        raise SimTheoryInputError(
            "embeddings",
            "these grids need a golden reward per response; for human labels only, run the grid reward_models_human",
        )
    prompts = rng.permutation(data.n_prompts)
    test_p = np.sort(prompts[: data.n_prompts // 2])
    train_rows = np.flatnonzero(~np.isin(pid, test_p))
    groups = [np.flatnonzero(pid == p) for p in test_p]
    n_min = min(len(g) for g in groups)
    if n_min < 2:
        raise SimTheoryInputError("embeddings", "every test prompt needs at least 2 responses for best-of-N")
    pool = np.stack([g[:n_min] for g in groups])
    return train_rows, np.concatenate(groups), pool


def cell_data(
    params: dict,
    seed: np.random.SeedSequence,
    *,
    beta: float,
    n_annotations: int,
    design: str = "random",
    pairing: str = "same",
):
    """(train pairs, held-out pairs, best-of-N pool embeddings (P, N, d), pool golden reward (P, N), source)."""
    s_train, s_test = seed.spawn(2)
    rng_tr, rng_te = np.random.default_rng(s_train), np.random.default_rng(s_test)
    n_eval = int(params.get("n_eval_pairs", 20000))
    if params.get("embeddings"):
        from simtheory.embeddings import load_for_grid

        check_choice("design", design, ("random",))
        data = load_for_grid(params)
        assert data is not None  # params["embeddings"] names a file
        train_rows, test_rows, pool = _real_split(data, np.random.default_rng(int(params.get("split_seed", 0))))
        assert data.reward is not None  # _real_split rejects data without a golden reward
        train = real_pairs(data, train_rows, n_annotations, beta, rng_tr, pairing)
        held = real_pairs(data, test_rows, n_eval, beta, rng_te, pairing)
        # the input as given ("example" or the --embeddings path; its content hash is in the run's
        # manifest), not the resolved absolute path, so the rows do not depend on where simtheory lives
        return train, held, data.embeddings[pool], data.reward[pool], str(params["embeddings"])
    world = _world_of(params)
    k = int(params.get("k", 10))
    train = world.pairs(n_annotations, beta, rng_tr, design, pairing, k)
    psi = world.responses(int(params.get("n_test_prompts", 100)), int(params.get("bon_n", 500)), rng_te)
    held = world.pairs(n_eval, beta, rng_te, design, pairing, k)
    return train, held, psi, world.reward(psi), "synthetic"


def run_models(
    params: dict,
    seed: np.random.SeedSequence,
    train: PairData,
    held: PairData,
    psi: np.ndarray,
    golden: np.ndarray,
    extra: dict,
) -> list[dict]:
    """Train every model on ``train`` and evaluate: best-of-N, order consistency, Prop. 14, eq. 21."""
    models = params.get("models", list(MODELS))
    rows = []
    base = {
        **extra,
        "n_train": train.n,
        "train_error_rate": train.error_rate(),
        "train_mean_abs_dr": float(np.mean(np.abs(train.dr))),
        "held_error_rate": held.error_rate(),
        "bon_n": int(golden.shape[1]),
        "n_test_prompts": int(golden.shape[0]),
        "n_eval_pairs": held.n,
    }
    for name, ss in zip(models, seed.spawn(len(models))):
        check_choice("models", name, MODELS)
        rng = np.random.default_rng(ss)
        t0 = time.perf_counter()
        score = fit_model(name, train, rng, **model_opts(name, params))
        fit_s = time.perf_counter() - t0
        s_pool = score(psi)
        s1, s2 = score(held.x1), score(held.x2)
        oc_same, oc_same_se = order_consistency(s_pool, golden, int(params.get("n_oc_pairs", 20000)), rng, "same")
        oc_x, oc_x_se = order_consistency(s_pool, golden, int(params.get("n_oc_pairs", 20000)), rng, "cross")
        row = {
            **base,
            "model": name,
            "fit_seconds": round(fit_s, 3),
            **best_of_n(s_pool, golden),
            "oc_same": oc_same,
            "oc_same_se": oc_same_se,
            "oc_cross": oc_x,
            "oc_cross_se": oc_x_se,
            **prop14_bounds(s1, s2, held.r1, held.r2, held.beta, int(params.get("n_bins", 10))),
        }
        if name.startswith("clf"):
            row.update(eq21_union_bound(s1, s2, held.y))
        rows.append(row)
    return rows


# ----------------------------------------------------------------------------------------- summaries
def frame(rows: list[dict]):
    import pandas as pd

    df = pd.DataFrame(rows)
    if "cell" in df:
        cells = df["cell"].map(json.loads).apply(pd.Series)
        df = pd.concat([df.drop(columns=[c for c in cells.columns if c in df.columns]), cells], axis=1)
    return df


def aggregate(df, by: list[str], metrics=("bon_gain", "oc_same", "train_error_rate", "train_mean_abs_dr")):
    """Mean and standard error over replicates (seeds) of ``metrics`` per group ``by``."""
    g = df.groupby(by)
    out = g[list(metrics)].mean()
    se = g[list(metrics)].std(ddof=1) / np.sqrt(g.size().to_numpy()[:, None])
    out = out.join(se.add_suffix("_se")).reset_index()
    out["n_seeds"] = g.size().to_numpy()
    return out


def bounds_summary(df) -> dict:
    """Prop. 14 / eq. 21 verdicts over every (cell, model) row."""

    def frac(col):
        v = df[col].dropna() if col in df else []
        return (int(sum(bool(x) for x in v)), int(len(v)))

    prem = df[df["prop14_premise"].astype(bool)] if "prop14_premise" in df else df.iloc[:0]
    if "eq21_union_err_slack" in df:  # recomputed with the float tolerance of bounds.TOL (equality cases)
        df = df.assign(
            eq21_union_err_holds=df["eq21_union_err_slack"].map(lambda v: None if v != v else bool(v >= -1e-12))
        )
    out = {
        "rows": int(len(df)),
        "eq18_conditional_holds": frac("eq18_cond_holds"),
        "eq18_conditional_holds_premise_bins": frac("eq18_cond_holds_premise_bins"),
        "eq18_conditional_min_slack": float(df["eq18_cond_min_slack"].min()),
        "prop14_premise_rows": int(len(prem)),
        "eq18_global_holds": frac("eq18_holds"),
        "eq19_holds": frac("eq19_holds"),
        "eq21_holds": frac("eq21_holds"),
        "eq21_union_err_holds": frac("eq21_union_err_holds"),
    }
    if len(prem):
        out.update(
            {
                "eq19_slack_median": float(prem["eq19_slack"].median()),
                "eq19_bound_max": float(prem["eq19_bound"].max()),
                "eq18_global_min_slack_median": float(prem["eq18_min_slack"].median()),
            }
        )
    return out


def line_plot(ax, agg, x: str, y: str, models, logx=False):
    for m in models:
        a = agg[agg["model"] == m].sort_values(x)
        if len(a):
            ax.errorbar(
                a[x],
                a[y],
                yerr=a[y + "_se"].fillna(0),
                marker="o",
                ms=3,
                capsize=2,
                color=COLORS.get(m),
                label=LABELS.get(m, m),
            )
    if logx:
        ax.set_xscale("log")


def paired_diff(df, key: list[str], a: str, b: str, metric: str = "bon_gain"):
    """Mean and SE over seeds of metric(model a) - metric(model b), paired by cell."""
    p = df.pivot_table(index=key, columns="model", values=metric)
    if a not in p or b not in p:
        return float("nan"), float("nan")
    d = (p[a] - p[b]).dropna()
    return float(d.mean()), float(d.std(ddof=1) / np.sqrt(len(d))) if len(d) > 1 else float("nan")


def jsonable_findings(d):
    from simtheory.runner.store import jsonable

    return jsonable(d)


def sweep_summary(rows: list[dict], out_dir, params: dict, x: str, name: str, findings, style_axes) -> dict:
    """Shared ``summarize`` of the one-factor sweeps (rm_quality, rm_quantity): table.csv, a two-panel
    figure (best-of-N gain and same-prompt order consistency vs ``x``) and the findings/bounds summary.
    ``style_axes(axes, df, agg)`` sets the sweep's own axis labels and ticks."""
    import matplotlib.pyplot as plt

    from simtheory.runner.store import paper_style, save_figure

    paper_style()
    df = frame(rows)
    agg = aggregate(df, [x, "model"])
    agg.to_csv(f"{out_dir}/table.csv", index=False)
    models = [m for m in params.get("models", []) if m in set(df["model"])]
    fig, axes = plt.subplots(1, 2, figsize=(6.4, 2.5))
    line_plot(axes[0], agg, x, "bon_gain", models, logx=True)
    axes[0].set_ylabel(f"best-of-{int(df['bon_n'].iloc[0])} golden gain")
    line_plot(axes[1], agg, x, "oc_same", models, logx=True)
    axes[1].set_ylabel("order consistency (same prompt)")
    style_axes(axes, df, agg)
    axes[1].legend(fontsize=7)
    fig.tight_layout()
    figs = [str(p) for p in save_figure(fig, out_dir, name)]
    plt.close(fig)
    return {"findings": jsonable_findings(findings(df)), "bounds": bounds_summary(df), "figures": figs}
