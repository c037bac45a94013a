"""Grid ``reward_models_human``: reward models trained and evaluated on a file's own human labels.

``python -m simtheory.run reward_models_human --embeddings FILE.npz [--quick]`` where FILE comes from
``python -m simtheory.embed`` (or any :func:`~simtheory.embeddings.loader.load_embeddings` file with
``pairs`` and ``labels``). No resampling and no simulated annotator: every training and test pair is a
labelled pair of the file. Features of a response: its scaled embedding with the prompt embedding
appended (Sec. 2.2's Psi(x, y)). The order of each pair is swapped for a fixed random half (seed
``swap_seed``), so the labels are balanced; accuracy and log-loss do not depend on this, calibration does.

Cells
-----
* ``cv`` (one per model): ``n_folds``-fold cross-validation grouped by prompt (a prompt's pairs never
  straddle train and test). Rows: the held-out prediction of every pair (p = P(first preferred),
  scores s1, s2), so the summary can bootstrap over prompts.
* ``noise`` (flip rate, model, rep): training labels flipped independently with the given probability on
  top of the human labels; evaluated on unflipped held-out human labels (one grouped 70/30 split per rep).
* ``curve`` (fraction, model, rep): the same split, training on a random fraction of the training prompts.

Models: ``bt_mlp``, ``clf_mlp``, ``clf_lgb``, ``linear_bt`` (unpenalised), ``linear_bt_cv`` (L2 by
cross-validation), ``gpm2`` .. ``gpm8`` (:mod:`simtheory.general_preference.embedding_model`), and
trivial baselines ``length`` (logistic regression on log response-length difference, fit on the
training fold) and ``random`` (P = 1/2). MLPs and GPMs early-stop on a validation split (15% of the
training prompts). A model whose held-out scores are constant is flagged ``collapsed`` and left out of
the bound checks.

Checks (:func:`checks`) that need no golden reward: eq. 21 in terms of labels; Prop. 14's premise
(agreement 1 - e with labels, e < 3/20), with eqs. 18-19 reported as not checkable (they need the
annotator function xi(|dr|) of a golden reward); label-noise robustness of BT vs CLF; learning curves;
cross- vs same-prompt annotation and intransitive triads where the data allow them (otherwise a
plain statement why not).
"""

from __future__ import annotations

import functools
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy.special import expit

from simtheory.reward_models.bounds import EPS_MAX, eq21_union_bound
from simtheory.reward_models.data import PairData
from simtheory.reward_models.models import LABELS, fit_model, is_collapsed
from simtheory.validation import (
    SimTheoryInputError,
    check_choice,
    check_positive_int,
    check_scalar,
)
from simtheory.verify.rules import FAILS, HOLDS, Inequality, NoViolation, Rule

BASELINES = ("length", "random")
GPMS = ("gpm2", "gpm4", "gpm6", "gpm8")
HUMAN_MODELS = ("bt_mlp", "clf_mlp", "clf_lgb", "linear_bt", "linear_bt_cv", *GPMS, *BASELINES)
ALL_LABELS = {**LABELS, **{g: f"GPM k={g[3:]}" for g in GPMS}, "length": "length baseline", "random": "random baseline"}
P_CLIP = 1e-6

# Verdicts of the summary's checks are decided by rules of simtheory.verify.rules, read on estimate +- Z_HUMAN SE
# (holds / does not hold only when the interval lies on one side of the boundary, else inconclusive).
#: half-width of the intervals of the summary's checks, in standard errors
Z_HUMAN = 2.0
#: Prop. 14's premise on human labels: e = 1 - held-out accuracy < 3/20 (met / not met / undecided)
PREMISE_RULE = Inequality("<=", EPS_MAX, "e = 1 - held-out accuracy", z=Z_HUMAN)
#: label noise: BT-MLP - CLF held-out accuracy at the highest flip rate <= 0 (the classifier is more robust)
CLF_ROBUST_RULE = Inequality("<=", 0.0, "BT-MLP - CLF accuracy at high noise", z=Z_HUMAN)
#: cross- vs same-prompt training, accuracy on held-out same-prompt pairs: cross - same >= 0
CROSS_PROMPT_RULE = Inequality(">=", 0.0, "cross - same training accuracy (same-prompt test pairs)", z=Z_HUMAN)
#: GPM vs the reference model (BT-MLP when run): held-out log-loss difference <= 0 (GPM better)
GPM_LOGLOSS_RULE = Inequality("<=", 0.0, "GPM - reference held-out log-loss", z=Z_HUMAN)
#: eq. 21 on the labels of one classification model: both of its forms (exact, no sampling error)
EQ21_RULE = NoViolation("eq. 21 forms")


def decide(rule: Rule, numbers: dict) -> dict:
    """``{"verdict", "rule"}``: the rule's verdict on ``numbers`` and the numbers read against it."""
    d = rule.decide(numbers)
    return {"verdict": d.verdict, "rule": d.reason}


@dataclass
class HumanData:
    """Labelled pairs of a file: response features ``x`` (n, d), ``pairs`` (m, 2) after the balancing swap,
    ``y`` (m,) (1 = first preferred), ``groups`` (m,) prompt code of each pair, ``chars`` (n,) response
    lengths (NaN if unknown), ``meta`` the converter's record (if any)."""

    x: np.ndarray
    pairs: np.ndarray
    y: np.ndarray
    groups: np.ndarray
    chars: np.ndarray
    prompt_ids: np.ndarray
    source: str
    meta: dict = field(default_factory=dict)
    tie_pairs: np.ndarray | None = None

    @property
    def m(self) -> int:
        return int(self.y.size)

    def pair_data(self, idx: np.ndarray, y: np.ndarray | None = None) -> PairData:
        i, j = self.pairs[idx, 0], self.pairs[idx, 1]
        nan = np.full(idx.size, np.nan)
        return PairData(self.x[i], self.x[j], nan, nan, self.y[idx] if y is None else y, float("nan"))


@functools.lru_cache(maxsize=2)
def _load_cached(path: str, mtime: float, swap_seed: int) -> HumanData:
    from simtheory.embeddings.loader import load_embeddings

    data = load_embeddings(path)
    if data.pairs is None or data.labels is None:
        raise SimTheoryInputError(
            "embeddings",
            f"{Path(path).name} has no labelled pairs ('pairs' and 'labels'); "
            "convert preference text with python -m simtheory.embed",
        )
    pairs, y = data.pairs.copy(), data.labels.astype(int)
    if pairs.shape[0] < 10:
        raise SimTheoryInputError("embeddings", f"needs at least 10 labelled pairs, got {pairs.shape[0]}")
    swap = np.random.default_rng(swap_seed).random(y.size) < 0.5
    pairs[swap] = pairs[swap][:, ::-1]
    y = np.where(swap, 1 - y, y)
    groups = data.prompt_index[pairs[:, 0]]
    extra = {}
    with np.load(path, allow_pickle=False) as z:
        for k in ("response_chars", "tie_pairs", "meta"):
            if k in z.files:
                extra[k] = z[k]
    chars = extra["response_chars"].astype(float) if "response_chars" in extra else np.full(data.n, np.nan)
    meta = json.loads(str(extra["meta"])) if "meta" in extra else {}
    return HumanData(data.embeddings, pairs, y, groups, chars, data.prompt_ids, str(path), meta, extra.get("tie_pairs"))


def load_human(path: str | Path, swap_seed: int = 0) -> HumanData:
    """Load the labelled pairs of ``path`` (cached); see :class:`HumanData`.

    Raises
    ------
    SimTheoryInputError : no file, no labelled pairs, fewer than 10 pairs, or fewer than 2 prompts.
    """
    p = Path(path)
    if not p.is_file():
        raise SimTheoryInputError("embeddings", f"no such file: {p}")
    hd = _load_cached(str(p.resolve()), p.stat().st_mtime, int(swap_seed))
    if np.unique(hd.groups).size < 2:
        raise SimTheoryInputError(
            "embeddings",
            "all labelled pairs share one prompt; held-out evaluation grouped by prompt needs at least 2 prompts",
        )
    return hd


def prompt_folds(groups: np.ndarray, n_folds: int, seed: int) -> np.ndarray:
    """Fold id (0..n_folds-1) of each pair: prompts are shuffled (``seed``) and dealt round-robin."""
    u = np.unique(groups)
    n_folds = check_positive_int("n_folds", n_folds, minimum=2)
    if u.size < n_folds:
        raise SimTheoryInputError("n_folds", f"{n_folds} folds need at least {n_folds} prompts, the data have {u.size}")
    fold_of = np.empty(u.size, dtype=np.int64)
    fold_of[np.random.default_rng(seed).permutation(u.size)] = np.arange(u.size) % n_folds
    return fold_of[np.searchsorted(u, groups)]


def _split_prompts(groups: np.ndarray, idx: np.ndarray, frac: float, rng) -> tuple[np.ndarray, np.ndarray]:
    """Split pair indices ``idx`` by prompt: about ``frac`` of the prompts (at least one) go to the second part."""
    u = np.unique(groups[idx])
    k = max(1, round(frac * u.size))
    second = rng.choice(u, k, replace=False) if u.size > 1 else u[:0]
    m = np.isin(groups[idx], second)
    return idx[~m], idx[m]


def _model_opts(name: str, params: dict) -> dict:
    keys = {
        "bt_mlp": ("hidden", "epochs", "batch_size", "lr", "weight_decay", "patience"),
        "clf_lgb": ("n_estimators", "num_leaves", "learning_rate"),
    }
    keys["clf_mlp"] = keys["bt_mlp"]
    return {k: params[k] for k in keys.get(name, ()) if k in params}


def fit_predict(
    name: str, hd: HumanData, train: np.ndarray, test: np.ndarray, rng, params: dict, y_train: np.ndarray | None = None
) -> dict:
    """Fit model ``name`` on pairs ``train`` (labels ``y_train``, default the file's) and predict pairs ``test``.

    Returns ``{"p": P(first preferred) (t,), "s1", "s2": scores (NaN for GPM and random), "record": dict}``.
    """
    check_choice("model", name, HUMAN_MODELS)
    rng = np.random.default_rng(rng)
    y_tr = hd.y[train] if y_train is None else y_train
    i, j = hd.pairs[test, 0], hd.pairs[test, 1]
    nan = np.full(test.size, np.nan)
    if name == "random":
        return {"p": np.full(test.size, 0.5), "s1": np.zeros(test.size), "s2": np.zeros(test.size), "record": {}}
    if name == "length":
        from sklearn.linear_model import LogisticRegression

        if not np.all(np.isfinite(hd.chars)):
            raise SimTheoryInputError(
                "models", "'length' needs response_chars in the file (written by simtheory.embed)"
            )
        f = lambda idx: (np.log1p(hd.chars[hd.pairs[idx, 0]]) - np.log1p(hd.chars[hd.pairs[idx, 1]]))[:, None]
        xf = np.concatenate([f(train), -f(train)])
        clf = LogisticRegression(fit_intercept=False).fit(xf, np.concatenate([y_tr, 1 - y_tr]))
        w = float(clf.coef_[0, 0])
        s1, s2 = w * np.log1p(hd.chars[i]), w * np.log1p(hd.chars[j])
        return {"p": expit(s1 - s2), "s1": s1, "s2": s2, "record": {"coef_log_length": w}}
    needs_val = name in ("bt_mlp", "clf_mlp") or name in GPMS
    fit_idx, fit_y, opts = train, y_tr, dict(_model_opts(name, params))
    if needs_val:
        pos = np.arange(train.size)
        a, b = _split_prompts(hd.groups[train], pos, float(params.get("val_frac", 0.15)), rng)
        if a.size >= 2 and b.size >= 1 and np.unique(y_tr[a]).size == 2:
            fit_idx, fit_y = train[a], y_tr[a]
            opts["val"] = hd.pair_data(train[b], y_tr[b])
    if name in GPMS:
        from simtheory.general_preference.embedding_model import fit_gpm

        S = fit_gpm(
            hd.pair_data(fit_idx, fit_y),
            rng,
            k=int(name[3:]),
            hidden=int(params.get("hidden", 64)),
            **{k: v for k, v in opts.items() if k != "hidden"},
        )
        logit = S(hd.x[i], hd.x[j])
        return {"p": expit(logit), "s1": nan, "s2": nan, "record": getattr(S, "train_record", {})}
    if name == "linear_bt_cv":
        opts["groups"] = hd.groups[fit_idx]
    score = fit_model(name, hd.pair_data(fit_idx, fit_y), rng, **opts)
    s1, s2 = score(hd.x[i]), score(hd.x[j])
    return {"p": expit(s1 - s2), "s1": s1, "s2": s2, "record": getattr(score, "train_record", {})}


# ----------------------------------------------------------------------------------------------
# metrics with a bootstrap over prompts
# ----------------------------------------------------------------------------------------------


def pair_terms(p: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-pair accuracy (1, 0, or 1/2 when p = 1/2) and log-loss (p clipped to [1e-6, 1 - 1e-6])."""
    p = np.asarray(p, dtype=float)
    y = np.asarray(y)
    acc = np.where(p == 0.5, 0.5, ((p > 0.5) == (y == 1)).astype(float))
    pc = np.clip(p, P_CLIP, 1 - P_CLIP)
    return acc, -(y * np.log(pc) + (1 - y) * np.log1p(-pc))


def ece(p: np.ndarray, y: np.ndarray, n_bins: int = 10, weights: np.ndarray | None = None) -> float:
    """Expected calibration error of P(first preferred): sum_b (n_b / n) |mean y_b - mean p_b|, equal-width bins."""
    b = np.clip((np.asarray(p) * n_bins).astype(int), 0, n_bins - 1)
    w = np.ones_like(p, dtype=float) if weights is None else weights
    n_b = np.bincount(b, w, n_bins)
    nz = n_b > 0
    gap = np.abs(np.bincount(b, w * y, n_bins)[nz] - np.bincount(b, w * p, n_bins)[nz])
    return float(gap.sum() / n_b.sum())


def bootstrap_metrics(
    preds: dict[str, np.ndarray],
    y: np.ndarray,
    groups: np.ndarray,
    *,
    n_boot: int = 1000,
    seed: int = 0,
    n_bins: int = 10,
    reference: str | None = None,
) -> dict:
    """Accuracy, log-loss and ECE of each model's held-out ``preds`` (P(first preferred)), with standard errors
    from a bootstrap over prompts (``n_boot`` resamples of the prompt groups with replacement, the same
    resamples for every model, so differences to ``reference`` get paired SEs).

    Returns ``{model: {accuracy, accuracy_se, log_loss, log_loss_se, ece, ece_se, n_pairs, n_prompts,
    [accuracy_minus_ref, accuracy_minus_ref_se, log_loss_minus_ref, log_loss_minus_ref_se]}}``.
    """
    n_boot = check_positive_int("n_boot", n_boot, minimum=10)
    u, g = np.unique(groups, return_inverse=True)
    G = u.size
    W = np.random.default_rng(seed).multinomial(G, np.full(G, 1.0 / G), size=n_boot).astype(float)  # (B, G)
    cnt = np.bincount(g, minlength=G).astype(float)
    n_rep = W @ cnt
    out, reps = {}, {}
    for name, p in preds.items():
        acc, ll = pair_terms(p, y)
        b = np.clip((np.asarray(p) * n_bins).astype(int), 0, n_bins - 1)
        A = W @ np.bincount(g, acc, G) / n_rep
        L = W @ np.bincount(g, ll, G) / n_rep
        gb = g * n_bins + b
        C = W @ np.bincount(gb, minlength=G * n_bins).reshape(G, n_bins)
        Y = W @ np.bincount(gb, y, G * n_bins).reshape(G, n_bins)
        P = W @ np.bincount(gb, p, G * n_bins).reshape(G, n_bins)
        E = np.abs(Y - P).sum(axis=1) / C.sum(axis=1)
        reps[name] = (A, L)
        out[name] = {
            "accuracy": float(acc.mean()),
            "accuracy_se": float(A.std(ddof=1)),
            "log_loss": float(ll.mean()),
            "log_loss_se": float(L.std(ddof=1)),
            "ece": ece(p, y, n_bins),
            "ece_se": float(E.std(ddof=1)),
            "n_pairs": int(y.size),
            "n_prompts": G,
        }
    if reference in reps:
        for name in preds:
            if name == reference:
                continue
            dA, dL = reps[name][0] - reps[reference][0], reps[name][1] - reps[reference][1]
            out[name].update(
                {
                    "accuracy_minus_ref": out[name]["accuracy"] - out[reference]["accuracy"],
                    "accuracy_minus_ref_se": float(dA.std(ddof=1)),
                    "log_loss_minus_ref": out[name]["log_loss"] - out[reference]["log_loss"],
                    "log_loss_minus_ref_se": float(dL.std(ddof=1)),
                }
            )
    return out


def _collapsed(name: str, res: dict) -> bool:
    """Constant-model flag (:func:`~simtheory.reward_models.models.is_collapsed`); for a GPM, on its logits.
    The random baseline is constant by design and not flagged."""
    if name == "random":
        return False
    if name in GPMS:
        logit = np.log(np.clip(res["p"], P_CLIP, 1 - P_CLIP)) - np.log(np.clip(1 - res["p"], P_CLIP, 1 - P_CLIP))
        return bool(np.ptp(logit) <= 1e-6 * max(1.0, float(np.abs(logit).max())))
    return bool(is_collapsed(res["s1"], res["s2"]))


# ----------------------------------------------------------------------------------------------
# grid interface
# ----------------------------------------------------------------------------------------------


def _data(params: dict) -> HumanData:
    path = params.get("embeddings")
    if path in (None, "", False):
        raise SimTheoryInputError(
            "--embeddings",
            "reward_models_human trains on a file's human labels: give "
            "--embeddings FILE.npz (make one with python -m simtheory.embed PREFS --out FILE.npz)",
        )
    if path == "example":
        raise SimTheoryInputError("--embeddings", "the shipped example has graded responses, not human pairs")
    return load_human(path, int(params.get("swap_seed", 0)))


def cells(params: dict) -> list[dict]:
    for m in [
        *params.get("models", []),
        *params.get("noise_models", []),
        *params.get("curve_models", []),
        *params.get("design_models", []),
    ]:
        check_choice("models", m, HUMAN_MODELS)
    for r in params.get("flip_rates", []):
        check_scalar("flip_rates", r, low=0.0, high=0.5, high_open=True)
    for f in params.get("fractions", []):
        check_scalar("fractions", f, low=0.0, high=1.0, low_open=True)
    hd = _data(params)  # validate the file before any cell runs
    out = [{"analysis": "cv", "model": m} for m in params.get("models", [])]
    reps = range(int(params.get("n_reps", 1)))
    g1, g2 = _pair_prompts(hd)
    n_cross = int(np.sum(g1 != g2))
    if min(n_cross, hd.m - n_cross) >= MIN_DESIGN_PAIRS:  # the data allow same- vs cross-prompt training
        out += [
            {"analysis": "design", "train_design": d, "model": m, "rep": r}
            for d in ("same", "cross")
            for m in params.get("design_models", [])
            for r in reps
        ]
    out += [
        {"analysis": "noise", "flip": float(f), "model": m, "rep": r}
        for f in params.get("flip_rates", [])
        for m in params.get("noise_models", [])
        for r in reps
    ]
    out += [
        {"analysis": "curve", "fraction": float(f), "model": m, "rep": r}
        for f in params.get("fractions", [])
        for m in params.get("curve_models", [])
        for r in reps
    ]
    return out


MIN_DESIGN_PAIRS = 20


def _pair_prompts(hd: HumanData) -> tuple[np.ndarray, np.ndarray]:
    """Prompt codes of the first and the second response of every pair."""
    code = np.unique(hd.prompt_ids, return_inverse=True)[1]
    return code[hd.pairs[:, 0]], code[hd.pairs[:, 1]]


def _design_cell(cell: dict, hd: HumanData, params: dict, rng) -> dict:
    """Same- vs cross-prompt training (Sec. 6.3 with human labels): prompts split 70/30 (seed split_seed, rep);
    a pair is for training when both its prompts are training prompts, for testing when both are test prompts.
    Both designs train on the same number of pairs (the smaller design's count); the held-out accuracy is
    reported separately on same-prompt and on cross-prompt test pairs."""
    g1, g2 = _pair_prompts(hd)
    cross = g1 != g2
    split_rng = np.random.default_rng([int(params.get("split_seed", 0)), int(cell["rep"])])
    u = np.unique(np.concatenate([g1, g2]))
    test_p = split_rng.choice(u, max(1, round(float(params.get("test_frac", 0.3)) * u.size)), replace=False)
    t1, t2 = np.isin(g1, test_p), np.isin(g2, test_p)
    pool, test = np.flatnonzero(~t1 & ~t2), np.flatnonzero(t1 & t2)
    n = int(min(np.sum(cross[pool]), np.sum(~cross[pool])))
    if n < 10 or test.size < 10:
        raise SimTheoryInputError(
            "embeddings",
            f"same- vs cross-prompt training needs 10+ training pairs of each "
            f"design and 10+ test pairs (got {n} and {test.size})",
        )
    mine = pool[cross[pool] == (cell["train_design"] == "cross")]
    train = rng.choice(mine, n, replace=False)
    res = fit_predict(cell["model"], hd, train, test, rng, params)
    row: dict = {"n_train": n}
    for d, sel in (("same", ~cross[test]), ("cross", cross[test])):
        if sel.sum() >= 2:
            m = bootstrap_metrics(
                {"m": res["p"][sel]},
                hd.y[test][sel],
                g1[test][sel],
                n_boot=int(params.get("n_boot", 1000)),
                seed=int(params.get("split_seed", 0)),
            )["m"]
            row.update(
                {f"acc_{d}_test": m["accuracy"], f"acc_{d}_test_se": m["accuracy_se"], f"n_{d}_test": int(sel.sum())}
            )
    return row


def run_cell(cell: dict, params: dict, seed: np.random.SeedSequence, backend: str) -> list[dict]:
    hd = _data(params)
    rng = np.random.default_rng(seed)
    name = cell["model"]
    if cell["analysis"] == "cv":
        folds = prompt_folds(hd.groups, int(params.get("n_folds", 5)), int(params.get("split_seed", 0)))
        rows = []
        for f in range(int(folds.max()) + 1):
            test, train = np.flatnonzero(folds == f), np.flatnonzero(folds != f)
            t0 = time.perf_counter()
            res = fit_predict(name, hd, train, test, rng, params)
            sec = time.perf_counter() - t0
            collapsed = _collapsed(name, res)
            rec = json.dumps({k: v for k, v in res["record"].items() if np.isscalar(v)})
            for t, pi, a, b in zip(test, res["p"], res["s1"], res["s2"]):
                rows.append(
                    {
                        "pair": int(t),
                        "group": int(hd.groups[t]),
                        "fold": f,
                        "y": int(hd.y[t]),
                        "p": float(pi),
                        "s1": float(a),
                        "s2": float(b),
                        "collapsed": bool(collapsed),
                        "fit_seconds": round(sec, 3),
                        "fit_record": rec,
                    }
                )
        return rows
    if cell["analysis"] == "design":
        return [_design_cell(cell, hd, params, rng)]
    # one grouped train/test split per rep (same split for every model and rate of that rep)
    split_rng = np.random.default_rng([int(params.get("split_seed", 0)), int(cell["rep"])])
    train, test = _split_prompts(hd.groups, np.arange(hd.m), float(params.get("test_frac", 0.3)), split_rng)
    y_tr = hd.y[train].copy()
    if cell["analysis"] == "noise":
        flip = rng.random(train.size) < cell["flip"]
        y_tr = np.where(flip, 1 - y_tr, y_tr)
        extra = {"flipped_frac": float(flip.mean())}
    else:
        keep, _ = (
            _split_prompts(hd.groups[train], np.arange(train.size), 1.0 - cell["fraction"], rng)
            if cell["fraction"] < 1
            else (np.arange(train.size), None)
        )
        train, y_tr = train[keep], y_tr[keep]
        extra = {}
    res = fit_predict(name, hd, train, test, rng, params, y_train=y_tr)
    m = bootstrap_metrics(
        {name: res["p"]},
        hd.y[test],
        hd.groups[test],
        n_boot=int(params.get("n_boot", 1000)),
        seed=int(params.get("split_seed", 0)),
    )[name]
    return [{**extra, "n_train": int(train.size), "n_test": int(test.size), **m, "collapsed": _collapsed(name, res)}]


# ----------------------------------------------------------------------------------------------
# summary: metrics, checks, figures
# ----------------------------------------------------------------------------------------------


def _frame(rows):
    import pandas as pd

    df = pd.DataFrame(rows)
    cells_ = df["cell"].map(json.loads).apply(pd.Series)
    return pd.concat([df.drop(columns=[c for c in cells_.columns if c in df.columns] + ["cell"]), cells_], axis=1)


def label_noise(nz) -> dict:
    """Label-noise robustness from the grid's ``noise`` rows (columns model, flip, accuracy, accuracy_se).

    Per model: held-out accuracy at the lowest and the highest flip rate with their SEs, and the relative drop
    of (accuracy - 1/2) between them. For each classifier ``clf*``, when ``bt_mlp`` ran: BT-MLP - CLF accuracy
    at the highest flip rate, decided by :data:`CLF_ROBUST_RULE` (``verdict`` and ``rule``).
    """
    agg = (
        nz.groupby(["model", "flip"])
        .agg(acc=("accuracy", "mean"), se=("accuracy_se", "mean"), n=("accuracy", "size"))
        .reset_index()
    )
    drop = {}
    for m, a in agg.groupby("model"):
        a = a.sort_values("flip")
        lo, hi = a.iloc[0], a.iloc[-1]
        drop[m] = {
            "flip_lo": float(lo["flip"]),
            "flip_hi": float(hi["flip"]),
            "acc_lo": float(lo["acc"]),
            "acc_hi": float(hi["acc"]),
            "rel_drop": float((lo["acc"] - hi["acc"]) / max(lo["acc"] - 0.5, 1e-9)),
            "se_lo": float(lo["se"] / np.sqrt(lo["n"])),
            "se_hi": float(hi["se"] / np.sqrt(hi["n"])),
        }
    res = {"by_model": drop, "table": agg.to_dict("records")}
    if "bt_mlp" in drop:
        for m in [m for m in drop if m.startswith("clf")]:
            diff = drop["bt_mlp"]["acc_hi"] - drop[m]["acc_hi"]
            se = float(np.hypot(drop["bt_mlp"]["se_hi"], drop[m]["se_hi"]))
            res[f"clf_more_robust_{m}"] = {
                "acc_at_high_noise_bt_minus_clf": diff,
                "se": se,
                **decide(CLF_ROBUST_RULE, {"estimate": diff, "se": se}),
            }
    return res


def checks(df, hd: HumanData, params: dict) -> dict:
    """The no-golden-reward checks of the module docstring, each with a computed verdict."""
    out: dict = {}
    cv = df[df["analysis"] == "cv"]
    n_boot, seed = int(params.get("n_boot", 1000)), int(params.get("split_seed", 0))
    models = list(dict.fromkeys(cv["model"]))
    preds = {m: cv[cv["model"] == m].sort_values("pair") for m in models}
    if not preds:
        return out
    first = next(iter(preds.values()))
    y, groups = first["y"].to_numpy(), first["group"].to_numpy()
    ref = "bt_mlp" if "bt_mlp" in preds else models[0]
    met = bootstrap_metrics(
        {m: d["p"].to_numpy() for m, d in preds.items()}, y, groups, n_boot=n_boot, seed=seed, reference=ref
    )
    for m, d in preds.items():
        met[m]["collapsed_folds"] = int(d.groupby("fold")["collapsed"].first().astype(bool).sum())
        met[m]["label"] = ALL_LABELS.get(m, m)
    out["heldout"] = {"reference": ref, "metrics": met}
    ok = [m for m in models if met[m]["collapsed_folds"] == 0 and m not in ("random",)]
    out["collapsed_models"] = [m for m in models if met[m]["collapsed_folds"] > 0]

    # eq. 21 on human labels (classifier models): the union bound on errors holds for any classifier
    eq21: dict[str, Any] = {}
    for m in [m for m in ok if m.startswith("clf")]:
        d = preds[m]
        r = eq21_union_bound(d["s1"].to_numpy(), d["s2"].to_numpy(), y)
        viol = int(not r["eq21_union_err_holds"]) + int(not r["eq21_holds"])
        eq21[m] = {**r, **decide(EQ21_RULE, {"violations": viol, "cases": 2})}
    out["eq21_labels"] = eq21 or {"verdict": "not checkable: no non-collapsed classification model in the run"}

    # Prop. 14: premise e = 1 - L_oc < 3/20; eqs. 18-19 need xi(|dr|) from a golden reward
    p14 = {}
    for m in [m for m in ok if m not in GPMS and m != "length"]:
        e, se = 1 - met[m]["accuracy"], met[m]["accuracy_se"]
        d = decide(PREMISE_RULE, {"estimate": e, "se": se})
        premise = {HOLDS: "met", FAILS: "not met"}.get(d["verdict"], f"undecided (within {Z_HUMAN:g} SE)")
        p14[m] = {
            "e": e,
            "e_se": se,
            "premise": premise,
            "premise_rule": d["rule"],
            "verdict": (
                "premise not met: the proposition says nothing here"
                if premise == "not met"
                else "premise " + premise + "; eqs. 18-19 not checkable without a golden reward "
                "(they need the annotator function xi(|dr|))"
            ),
        }
    out["prop14"] = p14

    nz = df[df["analysis"] == "noise"]
    if len(nz):
        out["label_noise"] = label_noise(nz)
    lc = df[df["analysis"] == "curve"]
    if len(lc):
        out["learning_curve"] = (
            lc.groupby(["model", "fraction"])
            .agg(
                n_train=("n_train", "mean"),
                accuracy=("accuracy", "mean"),
                accuracy_se=("accuracy_se", "mean"),
                log_loss=("log_loss", "mean"),
            )
            .reset_index()
            .to_dict("records")
        )

    # cross- vs same-prompt annotation and intransitivity: what the data allow
    pid = hd.prompt_ids
    cross = int(np.sum(pid[hd.pairs[:, 0]] != pid[hd.pairs[:, 1]]))
    per_prompt = np.bincount(np.unique(pid, return_inverse=True)[1])
    sentence = []
    if cross == 0:
        sentence.append(
            f"cross-prompt vs same-prompt: impossible on this file: all {hd.m} labelled pairs compare two "
            "responses to the same prompt; a cross-prompt design needs human labels on pairs of "
            "different prompts"
        )
    if per_prompt.max() < 3:
        sentence.append(
            f"'Similar' design: impossible: at most {int(per_prompt.max())} responses per prompt, "
            "selecting a similar pair needs 3 or more and a quality order"
        )
    out["cross_prompt"] = {
        "cross_prompt_pairs": cross,
        "same_prompt_pairs": hd.m - cross,
        "max_responses_per_prompt": int(per_prompt.max()),
    }
    dz = df[df["analysis"] == "design"] if "analysis" in df else df.iloc[:0]
    if len(dz):
        comp = {}
        for m, a in dz.groupby("model"):
            g = a.groupby("train_design")
            mean, se = g["acc_same_test"].mean(), g["acc_same_test_se"].mean() / np.sqrt(g.size())
            diff, dse = float(mean["cross"] - mean["same"]), float(np.hypot(se["cross"], se["same"]))
            comp[m] = {
                "acc_same_test_trained_cross": float(mean["cross"]),
                "acc_same_test_trained_same": float(mean["same"]),
                "diff": diff,
                "se": dse,
                "n_train": int(a["n_train"].iloc[0]),
                **decide(CROSS_PROMPT_RULE, {"estimate": diff, "se": dse}),
            }
        out["cross_prompt"]["by_model"] = comp
        sentence.insert(
            0,
            "cross-prompt training vs same-prompt training (accuracy on held-out same-prompt pairs): "
            + ", ".join(f"{m}: {v['diff']:+.3f} +- {v['se']:.3f} ({v['verdict']})" for m, v in comp.items()),
        )
    elif cross and min(cross, hd.m - cross) < MIN_DESIGN_PAIRS:
        sentence.insert(
            0,
            f"cross-prompt vs same-prompt: not run: needs {MIN_DESIGN_PAIRS}+ labelled pairs of each "
            f"design (cross {cross}, same {hd.m - cross})",
        )
    out["cross_prompt"]["verdict"] = "; ".join(sentence) or "not run (no design_models in the grid parameters)"
    from simtheory.general_preference.embedding_model import intransitive_triads

    tri = intransitive_triads(hd.pairs, hd.y, hd.x.shape[0])
    gpm = {
        m: {
            k: met[m][k]
            for k in (
                "accuracy",
                "accuracy_se",
                "log_loss",
                "log_loss_se",
                "accuracy_minus_ref",
                "accuracy_minus_ref_se",
                "log_loss_minus_ref",
                "log_loss_minus_ref_se",
            )
            if k in met[m]
        }
        for m in models
        if m in GPMS
    }
    for _m, g in gpm.items():
        if "accuracy_minus_ref" in g:
            d = decide(GPM_LOGLOSS_RULE, {"estimate": g["log_loss_minus_ref"], "se": g["log_loss_minus_ref_se"]})
            g["verdict_vs_" + ref] = {
                HOLDS: f"GPM better (log-loss interval +- {Z_HUMAN:g} SE below 0)",
                FAILS: f"GPM worse (log-loss interval +- {Z_HUMAN:g} SE above 0)",
            }.get(d["verdict"], f"inconclusive (log-loss interval +- {Z_HUMAN:g} SE spans 0)")
            g["rule_vs_" + ref] = d["rule"]
    out["gpm_vs_bt"] = {
        "reference": ref,
        "models": gpm,
        "data_triads": tri,
        "triads_verdict": (
            f"not checkable: the labelled comparisons contain {tri['triads']} closed "
            "triads (no response is compared with two others of the same prompt)"
            if tri["triads"] == 0
            else f"{tri['cyclic']} of {tri['triads']} labelled triads are intransitive"
        ),
    }
    return out


def _figures(df, out_dir, res: dict) -> list[str]:
    import matplotlib.pyplot as plt

    from simtheory.runner.store import paper_style, save_figure

    paper_style()
    cv = df[df["analysis"] == "cv"]
    figs = []
    fig, axes = plt.subplots(1, 3, figsize=(9.6, 2.8))
    ax = axes[0]
    ax.plot([0, 1], [0, 1], color="0.6", lw=0.8, ls="--")
    for m, d in cv.groupby("model", sort=False):
        if m in ("random",):
            continue
        p, y = d["p"].to_numpy(), d["y"].to_numpy()
        b = np.clip((p * 10).astype(int), 0, 9)
        n = np.bincount(b, minlength=10)
        nzb = n >= 5
        ax.plot(
            (np.bincount(b, p, 10)[nzb] / n[nzb]),
            (np.bincount(b, y, 10)[nzb] / n[nzb]),
            marker="o",
            ms=3,
            label=ALL_LABELS.get(m, m),
        )
    ax.set_xlabel("predicted P(first preferred)")
    ax.set_ylabel("observed frequency")
    ax.set_title("reliability (bins with >= 5 pairs)", fontsize=8)
    ax.legend(fontsize=5)
    for ax, key, xlab in (
        (axes[1], "label_noise", "flip rate on top of human labels"),
        (axes[2], "learning_curve", "training pairs"),
    ):
        if key not in res:
            ax.set_visible(False)
            continue
        import pandas as pd

        t = pd.DataFrame(res[key]["table"] if key == "label_noise" else res[key])
        xcol, ycol, secol = ("flip", "acc", "se") if key == "label_noise" else ("n_train", "accuracy", "accuracy_se")
        for m, a in t.groupby("model"):
            a = a.sort_values(xcol)
            ax.errorbar(a[xcol], a[ycol], yerr=a[secol], marker="o", ms=3, capsize=2, label=ALL_LABELS.get(m, m))
        ax.axhline(0.5, color="0.6", lw=0.8, ls="--")
        ax.set_xlabel(xlab)
        ax.set_ylabel("held-out accuracy (human labels)")
        ax.legend(fontsize=6)
    fig.tight_layout()
    figs += [str(p) for p in save_figure(fig, out_dir, "rm_human")]
    plt.close(fig)
    return figs


def summarize(rows: list[dict], out_dir, params: dict) -> dict:
    """Held-out metrics with bootstrap SEs, the checks, ``table.csv``, ``report.txt`` (:func:`format_summary`)
    and the figure ``rm_human`` (reliability diagram, label-noise and learning curves)."""
    import pandas as pd

    df = _frame(rows)
    hd = _data(params)
    res = checks(df, hd, params)
    if "heldout" in res:
        pd.DataFrame(res["heldout"]["metrics"]).T.reset_index(names="model").to_csv(f"{out_dir}/table.csv", index=False)
    res["figures"] = _figures(df, out_dir, res)
    res["data"] = {
        "source": hd.source,
        "pairs": hd.m,
        "prompts": int(np.unique(hd.groups).size),
        "ties_not_used": 0 if hd.tie_pairs is None else len(hd.tie_pairs),
        "converter": {
            k: hd.meta.get(k)
            for k in ("model", "shape", "truncation", "prompt_mismatch", "identical_texts")
            if k in hd.meta
        },
    }
    (Path(out_dir) / "report.txt").write_text(format_summary(res) + "\n")
    return res


def format_summary(res: dict) -> str:
    """Plain-text table of the held-out metrics and one line per check."""
    lines = []
    met = res.get("heldout", {}).get("metrics", {})
    lines.append(f"{'model':<22} {'accuracy':>15} {'log-loss':>15} {'ECE':>13}  flags")
    for _m, r in met.items():
        flag = "COLLAPSED (excluded from bound checks)" if r["collapsed_folds"] else ""
        lines.append(
            f"{r['label']:<22} {r['accuracy']:.3f} +- {r['accuracy_se']:.3f}  "
            f"{r['log_loss']:.3f} +- {r['log_loss_se']:.3f}  {r['ece']:.3f} +- {r['ece_se']:.3f}  {flag}"
        )
    for m, r in res.get("prop14", {}).items():
        lines.append(f"Prop. 14 [{m}]: e = {r['e']:.3f} +- {r['e_se']:.3f} (premise e < 0.15): {r['verdict']}")
    for k, v in res.get("label_noise", {}).items():
        if k.startswith("clf_more_robust"):
            lines.append(
                f"label noise [{k[16:]}]: BT - CLF accuracy at highest flip rate = "
                f"{v['acc_at_high_noise_bt_minus_clf']:+.3f} +- {v['se']:.3f}: {v['verdict']}"
            )
    lines.append(res.get("cross_prompt", {}).get("verdict", ""))
    lines.append("triads: " + res.get("gpm_vs_bt", {}).get("triads_verdict", ""))
    return "\n".join(x for x in lines if x)


def run_human(path: str | Path, *, quick: bool = True, out: str | Path | None = None, seed: int = 0) -> dict:
    """Run the grid ``reward_models_human`` on ``path`` (into ``out``, default a temporary folder) and return
    its summary (the report's real-data claims, :mod:`simtheory.embeddings.human_claims`, read it)."""
    import tempfile

    from simtheory.runner.grids import run_grid

    with tempfile.TemporaryDirectory() as tmp:
        folder = run_grid(
            "reward_models_human",
            quick=quick,
            seed=seed,
            out=Path(out or Path(tmp) / "run"),
            overrides={"embeddings": str(path)},
            progress=False,
        )
        return json.loads((folder / "summary.json").read_text())
