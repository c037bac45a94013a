"""Human-label mode (issue 15): grouped held-out metrics with bootstrap SEs, collapsed-model flag, GPM."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.special import expit

from simtheory.reward_models import human_labels as H
from simtheory.reward_models.models import is_collapsed
from simtheory.validation import SimTheoryInputError

ROOT = Path(__file__).resolve().parents[2]


def _bt_file(tmp_path, n_prompts=400, d=6, scale=2.5, seed=0):
    """One labelled pair per prompt; labels from BT with a known linear reward r = x.w.
    Returns the path and the true P(first preferred) of each stored pair (before the loader's swap)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(2 * n_prompts, d))
    w = rng.normal(size=d)
    w *= scale / np.std(x @ w)
    r = x @ w
    pairs = np.arange(2 * n_prompts).reshape(-1, 2)
    p = expit(r[pairs[:, 0]] - r[pairs[:, 1]])
    y = (rng.random(n_prompts) < p).astype(np.int8)
    path = tmp_path / "bt.npz"
    np.savez(
        path,
        embeddings=x,
        prompt_ids=np.repeat([f"p{i}" for i in range(n_prompts)], 2),
        response_ids=np.tile(["a", "b"], n_prompts),
        pairs=pairs,
        labels=y,
        response_chars=rng.integers(20, 400, 2 * n_prompts),
    )
    return path, p, y


def test_linear_bt_cv_reaches_but_does_not_beat_bayes_accuracy(tmp_path):
    """Seed 0, 250 pairs, 5 grouped folds. The Bayes rule's expected accuracy on these pairs is
    mean max(p, 1 - p); the held-out accuracy can approach it but not exceed it beyond sampling noise
    (3 bootstrap SEs), and must beat a coin by more than 5 SEs."""
    path, p_true, _ = _bt_file(tmp_path, n_prompts=250)
    hd = H.load_human(path)
    folds = H.prompt_folds(hd.groups, 5, 0)
    p = np.empty(hd.m)
    for f in range(5):
        te, tr = np.flatnonzero(folds == f), np.flatnonzero(folds != f)
        p[te] = H.fit_predict("linear_bt_cv", hd, tr, te, 0, {})["p"]
    met = H.bootstrap_metrics({"lin": p}, hd.y, hd.groups, n_boot=1000, seed=0)["lin"]
    bayes = float(np.mean(np.maximum(p_true, 1 - p_true)))
    assert met["accuracy"] > 0.5 + 5 * met["accuracy_se"]
    assert met["accuracy"] < bayes + 3 * met["accuracy_se"]
    assert met["accuracy"] > bayes - 0.05 - 3 * met["accuracy_se"]  # d = 6, 200 training pairs: small loss


def test_bootstrap_se_matches_binomial_se_with_one_pair_per_prompt():
    """With one pair per prompt the prompt bootstrap is the ordinary bootstrap: SE ~ sqrt(a(1-a)/n).
    2000 resamples: the bootstrap SE's relative error is about 1/sqrt(2 * 2000) = 1.6%; allow 10%."""
    rng = np.random.default_rng(1)
    n = 500
    y = rng.integers(0, 2, n)
    p = np.where(rng.random(n) < 0.7, y, 1 - y) * 0.6 + 0.2  # 70% right, p in {0.2, 0.8}
    met = H.bootstrap_metrics({"m": p}, y, np.arange(n), n_boot=2000, seed=0)["m"]
    a = met["accuracy"]
    assert abs(met["accuracy_se"] / np.sqrt(a * (1 - a) / n) - 1) < 0.10


def test_random_baseline_and_ece():
    y = np.array([0, 1, 1, 1])
    m = H.bootstrap_metrics({"r": np.full(4, 0.5)}, y, np.arange(4), n_boot=50)["r"]
    assert m["accuracy"] == 0.5 and m["accuracy_se"] == 0 and m["log_loss"] == pytest.approx(np.log(2))
    # bins 1 and 8: |0.5 - 0.15| * 2/4 + |1 - 0.85| * 2/4 = 0.25
    assert H.ece(np.array([0.15, 0.15, 0.85, 0.85]), y) == pytest.approx(0.25)


def test_is_collapsed():
    assert is_collapsed(np.ones(5), np.ones(5)) and is_collapsed(np.zeros(3), np.full(3, 1e-12))
    rng = np.random.default_rng(0)
    assert not is_collapsed(rng.normal(size=50), rng.normal(size=50))
    a = np.r_[np.zeros(30), rng.normal(size=10)]
    assert is_collapsed(a, np.r_[np.zeros(30), rng.normal(size=10)])  # 75% of pairs tied


def test_grid_end_to_end_flags_collapsed_model(tmp_path):
    """Quick grid on 60 BT pairs: LightGBM with min_child_samples = 50 cannot split 80 training items
    and returns a constant score; it must be flagged and kept out of the Prop. 14 / eq. 21 checks."""
    from simtheory.runner.grids import run_grid

    path, _, _ = _bt_file(tmp_path, n_prompts=60)
    over = {
        "embeddings": str(path),
        "models": ["clf_lgb", "linear_bt_cv", "gpm2", "random", "length"],
        "noise_models": ["linear_bt_cv"],
        "flip_rates": [0.0, 0.3],
        "curve_models": ["linear_bt_cv"],
        "fractions": [0.5, 1.0],
        "n_boot": 200,
        "epochs": 5,
        "n_estimators": 20,
    }
    out = run_grid("reward_models_human", quick=True, out=tmp_path / "run", overrides=over, progress=False)
    s = json.loads((out / "summary.json").read_text())
    assert s["collapsed_models"] == ["clf_lgb"]
    assert "clf_lgb" not in s["prop14"] and "clf_lgb" not in s["eq21_labels"]
    assert set(s["prop14"]) == {"linear_bt_cv"}
    assert s["heldout"]["metrics"]["random"]["accuracy"] == 0.5
    assert s["cross_prompt"]["cross_prompt_pairs"] == 0 and "impossible" in s["cross_prompt"]["verdict"]
    assert s["gpm_vs_bt"]["data_triads"] == {"triads": 0, "cyclic": 0}
    assert (out / "table.csv").exists() and any(f.endswith(".png") for f in s["figures"])
    assert "COLLAPSED" in H.format_summary(s)
    p14 = s["prop14"]["linear_bt_cv"]
    e_hi, e_lo = p14["e"] + 2 * p14["e_se"], p14["e"] - 2 * p14["e_se"]
    expect = "met" if e_hi <= 0.15 else "not met" if e_lo > 0.15 else "undecided (within 2 SE)"
    assert p14["premise"] == expect and p14["premise_rule"].startswith("e = 1 - held-out accuracy")


def test_grid_needs_labelled_embeddings(tmp_path):
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    r = subprocess.run(
        [sys.executable, "-m", "simtheory.run", "reward_models_human", "--quick", "--out", str(tmp_path / "o")],
        check=False,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    )
    assert r.returncode == 2 and r.stderr.startswith("error: --embeddings: ") and r.stderr.count("\n") == 1
    np.savez(tmp_path / "nolab.npz", embeddings=np.eye(4), prompt_ids=np.array(["a", "a", "b", "b"]))
    with pytest.raises(SimTheoryInputError, match="^embeddings: nolab.npz has no labelled pairs"):
        H.load_human(tmp_path / "nolab.npz")


def test_gpm_is_skew_symmetric_and_beats_bt_on_cyclic_preferences():
    """Three clusters A > B > C > A, each comparison won by the favoured cluster with probability 0.9
    (seed 0, 900 train / 900 test pairs). Any BT score gets at most 2 of the 3 cluster pairs right:
    accuracy <= (0.9 + 0.9 + 0.1) / 3 = 0.633 in expectation; a 2-d GPM can reach 0.9."""
    from simtheory.general_preference.embedding_model import (
        fit_gpm,
        intransitive_triads,
    )
    from simtheory.reward_models.data import PairData
    from simtheory.reward_models.models import fit_model

    rng = np.random.default_rng(0)

    def draw(n):
        c1 = rng.integers(0, 3, n)
        c2 = (c1 + rng.integers(1, 3, n)) % 3
        emb = lambda c: np.eye(3)[c] + 0.1 * rng.normal(size=(n, 3))
        first_favoured = c2 == (c1 + 1) % 3  # A beats B, B beats C, C beats A
        y = np.where(rng.random(n) < 0.9, first_favoured, ~first_favoured).astype(float)
        return PairData(emb(c1), emb(c2), np.full(n, np.nan), np.full(n, np.nan), y, np.nan)

    tr, te = draw(900), draw(900)
    S = fit_gpm(tr, 0, k=2, hidden=16, epochs=60, lr=0.01, batch_size=64)
    np.testing.assert_array_equal(S(te.x1, te.x2), -S(te.x2, te.x1))
    bt = fit_model("bt_mlp", tr, 0, hidden=16, epochs=60, lr=0.01, batch_size=64)
    acc_g = np.mean((S(te.x1, te.x2) > 0) == (te.y == 1))
    acc_b = np.mean((bt(te.x1) > bt(te.x2)) == (te.y == 1))
    se = np.sqrt(0.25 / te.n)
    assert acc_b < 0.633 + 3 * se and acc_g > 0.9 - 3 * se - 0.02
    assert intransitive_triads(np.array([[0, 1], [1, 2], [2, 0]]), np.array([1, 1, 1]), 3) == {"triads": 1, "cyclic": 1}
    assert intransitive_triads(np.array([[0, 1], [1, 2], [0, 2]]), np.array([1, 1, 1]), 3) == {"triads": 1, "cyclic": 0}


def test_golden_proxy_file_marks_every_grid_row(tmp_path):
    """The proxy reward is the CV-tuned linear BT fit on all labels: it must order the labelled pairs
    better than chance, and the loader's source (recorded by the grids) must say 'proxy'."""
    from simtheory.embeddings.loader import load_embeddings
    from simtheory.reward_models.golden_proxy import make_proxy

    path, _, _ = _bt_file(tmp_path, n_prompts=120)
    info = make_proxy(path, tmp_path / "proxy.npz")
    assert info["train_accuracy"] > 0.6 and info["reward_kind"].startswith("proxy: linear_bt_cv")
    data = load_embeddings(tmp_path / "proxy.npz")
    assert "[proxy: linear_bt_cv" in data.source and data.reward is not None
    d = data.reward[data.pairs[:, 0]] - data.reward[data.pairs[:, 1]]
    assert np.mean(d**2) == pytest.approx(1.0)
    with pytest.raises(SimTheoryInputError, match="^--out: "):
        make_proxy(path, path)


def test_early_stopping_keeps_the_best_validation_epoch():
    """The returned BT-MLP is the epoch with the lowest validation loss: recomputing that loss from the
    returned scorer gives the recorded value (float32 arithmetic)."""
    from scipy.special import log_expit

    from simtheory.reward_models.data import PairData
    from simtheory.reward_models.models import fit_model

    rng = np.random.default_rng(0)

    def draw(n):
        x1, x2 = rng.random((n, 5)), rng.random((n, 5))
        y = (rng.random(n) < expit(3 * (x1[:, 0] - x2[:, 0]))).astype(float)
        return PairData(x1, x2, np.full(n, np.nan), np.full(n, np.nan), y, np.nan)

    tr, va = draw(200), draw(100)
    score = fit_model("bt_mlp", tr, 0, hidden=32, epochs=40, lr=0.01, batch_size=32, val=va, patience=3)
    rec = score.train_record
    assert 1 <= rec["best_epoch"] <= 40
    m = (2 * va.y - 1) * (score(va.x1) - score(va.x2))
    assert -log_expit(m).mean() == pytest.approx(rec["val_loss"], rel=1e-5)


def test_noise_verdicts_are_read_off_the_numbers():
    """BT-MLP - CLF accuracy at the highest flip rate, decided by CLF_ROBUST_RULE on diff +- 2 SE: 'holds' only
    when the interval is below 0, 'does not hold' only when above, 'inconclusive' when it spans 0."""
    import pandas as pd

    def noise(acc_hi):  # 4 reps per (model, flip); per-rep SE 0.02 -> SE of the mean 0.01 per model
        rows = []
        for m, a in {"bt_mlp": 0.70, **acc_hi}.items():
            for flip, acc in ((0.0, 0.8), (0.4, a)):
                rows += [{"model": m, "flip": flip, "accuracy": acc, "accuracy_se": 0.02}] * 4
        return H.label_noise(pd.DataFrame(rows))

    res = noise({"clf_mlp": 0.75, "clf_lgb": 0.71, "clf_x": 0.69, "clf_y": 0.65})
    se = np.hypot(0.01, 0.01)  # 0.0141: 2 SE = 0.028
    assert res["clf_more_robust_clf_mlp"]["se"] == pytest.approx(se)
    verdicts = {m: res[f"clf_more_robust_{m}"]["verdict"] for m in ("clf_mlp", "clf_lgb", "clf_x", "clf_y")}
    assert verdicts == {
        "clf_mlp": "holds",  # -0.05 +- 0.028
        "clf_lgb": "inconclusive",  # -0.01
        "clf_x": "inconclusive",  # +0.01
        "clf_y": "does not hold",  # +0.05
    }
    assert "BT-MLP - CLF accuracy at high noise = -0.05" in res["clf_more_robust_clf_mlp"]["rule"]
    assert res["by_model"]["bt_mlp"]["rel_drop"] == pytest.approx((0.8 - 0.7) / 0.3)


def test_summary_rules_reach_every_verdict():
    """The rules of the grid's summary (2-SE intervals) give holds, does not hold and inconclusive."""
    for rule in (H.PREMISE_RULE, H.CLF_ROBUST_RULE, H.CROSS_PROMPT_RULE, H.GPM_LOGLOSS_RULE, H.EQ21_RULE):
        assert {rule.decide(p).verdict for p in rule.probes()} == {"holds", "does not hold", "inconclusive"}
    assert H.PREMISE_RULE.decide({"estimate": 0.1, "se": 0.02}).verdict == "holds"  # 0.14 <= 0.15
    assert H.PREMISE_RULE.decide({"estimate": 0.1, "se": 0.03}).verdict == "inconclusive"  # 0.16 > 0.15
    assert H.PREMISE_RULE.decide({"estimate": 0.2, "se": 0.02}).verdict == "does not hold"  # 0.16 > 0.15
    assert H.EQ21_RULE.decide({"violations": 1, "cases": 2}).verdict == "does not hold"


def test_same_vs_cross_prompt_training_when_the_data_allow_it(tmp_path):
    """A file with both designs (seed 0: 150 prompts x 2 responses, 150 same-prompt and 150 cross-prompt
    BT-labelled pairs) gets design cells; their verdict is computed from the measured difference."""
    from simtheory.runner.grids import run_grid

    rng = np.random.default_rng(0)
    n_p, d = 150, 4
    x = rng.normal(size=(2 * n_p, d))
    r = x @ rng.normal(size=d)
    same = np.arange(2 * n_p).reshape(-1, 2)
    a = rng.integers(0, 2 * n_p, n_p)
    b = (a + 2 * rng.integers(1, n_p, n_p)) % (2 * n_p)  # a different prompt (rows 2p, 2p + 1)
    pairs = np.concatenate([same, np.stack([a, b], 1)])
    y = (rng.random(len(pairs)) < expit(r[pairs[:, 0]] - r[pairs[:, 1]])).astype(np.int8)
    np.savez(
        tmp_path / "both.npz",
        embeddings=x,
        prompt_ids=np.repeat([f"p{i}" for i in range(n_p)], 2),
        response_ids=np.tile(["a", "b"], n_p),
        pairs=pairs,
        labels=y,
    )
    over = {
        "embeddings": str(tmp_path / "both.npz"),
        "models": ["linear_bt_cv"],
        "noise_models": [],
        "curve_models": [],
        "design_models": ["linear_bt_cv"],
        "n_boot": 200,
    }
    out = run_grid("reward_models_human", quick=True, out=tmp_path / "run", overrides=over, progress=False)
    s = json.loads((out / "summary.json").read_text())
    cp = s["cross_prompt"]
    assert cp["cross_prompt_pairs"] == 150 and set(cp["by_model"]) == {"linear_bt_cv"}
    v = cp["by_model"]["linear_bt_cv"]
    assert v["n_train"] >= 10 and v["se"] > 0
    expect = (
        "holds" if v["diff"] - 2 * v["se"] >= 0 else "does not hold" if v["diff"] + 2 * v["se"] < 0 else "inconclusive"
    )
    assert v["verdict"] == expect and v["rule"].startswith("cross - same training accuracy")
