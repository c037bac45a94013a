"""bt.fit: validation against statsmodels GLM and choix, ties/Thurstone SEs, existence, CIs, forest plot."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy.special import expit
from scipy.stats import norm

from simtheory.bt import fit, fit_bt, simulate_arena, win_matrix
from simtheory.bt.model import ELO_SCALE
from simtheory.validation import SimTheoryInputError


def arena_table(n=8, m=3000, seed=0, gamma=0.0, tie_frac=0.0, link="logistic", n_prompts=0, weights=False):
    """Random battles; model_a shown first with prob 1/2 (position +-1, effect gamma); ties at random."""
    rng = np.random.default_rng(seed)
    r = np.linspace(-1, 1, n)
    a = rng.integers(0, n, m)
    b = (a + rng.integers(1, n, m)) % n
    pos = rng.choice([-1.0, 1.0], m)
    eta = r[a] - r[b] + gamma * pos
    p = expit(eta) if link == "logistic" else norm.cdf(eta)
    u = rng.random(m)
    win = np.where(u < p, "model_a", "model_b").astype(object)
    win[rng.random(m) < tie_frac] = "tie"
    df = pd.DataFrame({"model_a": [f"m{i}" for i in a], "model_b": [f"m{i}" for i in b], "winner": win, "pos": pos})
    if n_prompts:
        df["prompt"] = rng.integers(0, n_prompts, m)
    if weights:
        df["w"] = rng.uniform(0.2, 2.0, m)
    return df, r


def glm_design(df, names):
    X = np.zeros((len(df), len(names)))
    X[np.arange(len(df)), df["model_a"].map(names.index)] += 1
    X[np.arange(len(df)), df["model_b"].map(names.index)] -= 1
    X = np.c_[X[:, 1:], df["pos"].to_numpy()]  # reference = first player (gauge)
    y = df["winner"].map({"model_a": 1.0, "model_b": 0.0, "tie": 0.5}).to_numpy()
    return X, y


@pytest.mark.parametrize("link", ["logistic", "probit"])
def test_matches_statsmodels_glm_with_position(link):
    """8 players, 3000 battles, position effect 0.3 (seed 0): scores, position coefficient and SEs equal a
    statsmodels Binomial GLM (reference player dropped) to 1e-6 after the gauge."""
    df, _ = arena_table(gamma=0.3, link=link)
    res = fit(df, position="pos", link=link)
    names = res.names
    X, y = glm_design(df, names)
    fam = sm.families.Binomial(sm.families.links.Logit() if link == "logistic" else sm.families.links.Probit())
    g = sm.GLM(y, X, family=fam).fit(tol=1e-14, method="newton")  # newton: observed-information SEs
    con = res.contrast(names[0])
    assert np.max(np.abs(con["diff"].to_numpy()[1:] - g.params[:-1])) < 1e-6
    assert abs(res.params["position"] - g.params[-1]) < 1e-6
    assert np.max(np.abs(con["se"].to_numpy()[1:] - g.bse[:-1])) < 1e-6
    assert abs(res.bse()["position"] - g.bse[-1]) < 1e-6
    assert abs(res.loglik - g.llf) < 1e-6


def test_half_ties_weights_cluster_sandwich_match_statsmodels():
    """Ties as half wins (20%), fractional weights, clustered by prompt (60 prompts): scores and HC0 / cluster
    sandwich SEs equal statsmodels GLM (var_weights, cov_type HC0 / cluster) to 1e-6."""
    df, _ = arena_table(m=4000, seed=1, gamma=0.2, tie_frac=0.2, n_prompts=60, weights=True)
    res = fit(df, position="pos", weights="w", cluster="prompt")
    X, y = glm_design(df, res.names)
    w = df["w"].to_numpy()
    mod = sm.GLM(y, X, family=sm.families.Binomial(), var_weights=w)
    hc0 = mod.fit(tol=1e-14, cov_type="HC0")
    con = res.contrast(res.names[0], method="sandwich", cluster=False)
    assert np.max(np.abs(con["diff"].to_numpy()[1:] - hc0.params[:-1])) < 1e-6
    assert np.max(np.abs(con["se"].to_numpy()[1:] - hc0.bse[:-1])) < 1e-6
    G = df["prompt"].nunique()
    clu = mod.fit(tol=1e-14, cov_type="cluster", cov_kwds={"groups": df["prompt"].to_numpy(), "use_correction": False})
    con_c = res.contrast(res.names[0], method="sandwich")
    assert np.max(np.abs(con_c["se"].to_numpy()[1:] - clu.bse[:-1] * np.sqrt(G / (G - 1)))) < 1e-6
    # fractional weights: scaling them by c scales Fisher SEs by 1/sqrt(c); the sandwich is invariant
    res_c = fit(df.assign(w=df["w"] * 0.01), position="pos", weights="w", cluster="prompt")
    assert np.allclose(res_c.bse().to_numpy(), 10 * res.bse().to_numpy(), rtol=1e-8)
    assert np.allclose(res_c.bse("sandwich").to_numpy(), res.bse("sandwich").to_numpy(), rtol=1e-8)


def test_half_ties_fisher_overstates():
    """Issue 16 finding: with a fraction t of ties scored as half wins the score variance per battle is
    (1-t) p(1-p) + t (1/2-p)^2 against information p(1-p), so sandwich/Fisher ~ sqrt(1-t) = 0.89 at t = 0.2 and
    p near 1/2. 8 players, 20000 battles, seed 6: the per-player ratio's MC SD is ~2%; band [0.85, 0.95]."""
    df, _ = arena_table(m=20000, seed=6, tie_frac=0.2)
    res = fit(df)
    ratio = res.bse("sandwich").to_numpy()[:8] / res.bse().to_numpy()[:8]
    assert 0.85 < ratio.mean() < 0.95, ratio


@pytest.mark.parametrize("n", [50, 400])
def test_matches_choix(n):
    """choix ilsr_pairwise and opt_pairwise agree to 1e-6 after the gauge (mean zero); 30n battles, seed n.
    n = 400 with dense_max=100 exercises the sparse PCG path; the N x N matrix solver agrees to 1e-9."""
    choix = pytest.importorskip("choix")
    rng = np.random.default_rng(n)
    wi, lo = simulate_arena(rng.normal(size=n), 30 * n, rng)
    res = fit(win_matrix(wi, lo, n), dense_max=100, solver="rows")
    assert np.max(np.abs(res.scores.to_numpy() - fit((wi, lo), solver="matrix").scores.to_numpy())) < 1e-9
    s = res.scores.to_numpy()
    ref = choix.ilsr_pairwise(n, np.c_[wi, lo], alpha=0.0, tol=1e-12, max_iter=10_000)
    assert np.max(np.abs(s - (ref - ref.mean()))) < 1e-6
    if n <= 50:
        ref2 = choix.opt_pairwise(n, np.c_[wi, lo], alpha=0.0, tol=1e-10)
        assert np.max(np.abs(s - (ref2 - ref2.mean()))) < 1e-6
    # table and win-matrix inputs give the same fit, and equal fit_bt
    assert np.max(np.abs(s - fit_bt(win_matrix(wi, lo, n)).scores)) < 1e-8


@pytest.mark.parametrize("tie_model", ["rao_kupper", "davidson"])
def test_tie_models_se_numerical_hessian(tie_model):
    """Rao-Kupper / Davidson: analytic Fisher SEs equal those from a numerical Hessian of the log-likelihood
    (statsmodels approx_hess3) to 1e-4 relative; the score is zero at the optimum."""
    from statsmodels.tools.numdiff import approx_hess3

    df, _ = arena_table(m=3000, seed=2, tie_frac=0.25)
    res = fit(df, tie_model=tie_model)
    p = res._prob
    H = -approx_hess3(res.theta, lambda t: p.loglik(t, p.rows.cnt))
    se_num = np.sqrt(np.diag(res._to_full(np.linalg.inv(H))))
    assert np.allclose(res.bse().to_numpy(), se_num, rtol=1e-4)
    assert np.max(np.abs(p.gradient(res.theta, p.rows.cnt))) < 1e-6
    assert res.tie_param > (1.0 if tie_model == "rao_kupper" else 0.0)


def test_thurstone_fit_matches_legacy():
    from simtheory.bt import fit_thurstone

    rng = np.random.default_rng(3)
    W = win_matrix(*simulate_arena(np.linspace(-1, 1, 10), 5000, rng, link="probit"), 10)
    res = fit(W, link="probit")
    assert np.max(np.abs(res.scores.to_numpy() - fit_thurstone(W))) < 1e-5
    assert np.all(res.bse().to_numpy() > 0) and np.isfinite(res.loglik)


def test_existence_with_ties():
    # z beat x and y and never lost or tied: the MLE does not exist (r_z -> inf) for every tie model
    df = pd.DataFrame(
        {
            "model_a": ["x", "y", "z", "z", "x"],
            "model_b": ["y", "x", "x", "y", "z"],
            "winner": ["model_a", "model_a", "model_a", "model_a", "model_b"],
        }
    )
    df = pd.concat([df, pd.DataFrame({"model_a": ["x"], "model_b": ["y"], "winner": ["tie"]})])
    for tm in ("half", "rao_kupper", "davidson"):
        with pytest.raises(SimTheoryInputError, match="won every battle"):
            fit(df, tie_model=tm)
    # one tie of z (P(tie) -> 0 as r_z -> inf, an edge both ways) bounds r_z: now the MLE exists
    df2 = pd.concat([df, pd.DataFrame({"model_a": ["z"], "model_b": ["y"], "winner": ["tie"]})])
    for tm in ("half", "rao_kupper", "davidson"):
        assert np.isfinite(fit(df2, tie_model=tm).loglik)
    with pytest.raises(SimTheoryInputError, match="^ties: no ties"):
        fit(
            pd.concat(
                [df[df.winner != "tie"], pd.DataFrame({"model_a": ["z"], "model_b": ["y"], "winner": ["model_b"]})]
            ),
            tie_model="davidson",
        )
    W = np.zeros((4, 4))
    W[0, 1] = W[1, 0] = W[2, 3] = W[3, 2] = 2
    with pytest.raises(SimTheoryInputError, match="disconnected"):
        fit(W, ties=np.eye(4)[[1, 0, 3, 2]], tie_model="davidson")
    with pytest.raises(SimTheoryInputError, match="^winner"):
        fit(df.assign(winner="draw"))
    with pytest.raises(SimTheoryInputError, match="^link"):
        fit(df2, link="cauchit")


def test_separation_and_collinearity_raise_one_line():
    df, _ = arena_table(m=2000, seed=4)
    df["sep"] = np.where(df["winner"] == "model_a", 1.0, -1.0)  # covariate that separates outcomes
    with pytest.raises(SimTheoryInputError, match="^covariates: the MLE does not exist"):
        fit(df, covariates="sep")
    df["c1"] = df["pos"]
    with pytest.raises(SimTheoryInputError, match="^covariates"):
        fit(df, covariates=["c1"], position="pos")


def test_bootstrap_and_elo_and_plot(tmp_path):
    """Bootstrap SEs (B=200, seed 0) agree with sandwich SEs within 25%: the SD of a bootstrap SE is ~1/sqrt(2B)
    = 5%, plus the MC error of the sandwich itself at m=3000 (~3%); 25% is > 4 combined SDs."""
    df, _ = arena_table(m=3000, seed=5, n_prompts=100)
    res = fit(df, cluster="prompt")
    sw = res.bse("sandwich").to_numpy()
    bs = res.bse("bootstrap", B=200, seed=0).to_numpy()
    assert np.all(np.abs(bs / sw - 1) < 0.25), bs / sw
    ci = res.conf_int("bootstrap", B=200, seed=0)
    assert np.all(ci["lower"] < res.params) and np.all(res.params < ci["upper"])
    s = res.summary("sandwich")
    assert list(s["rank"]) == list(range(1, 9)) and s["score"].is_monotonic_decreasing
    assert np.allclose(s["elo"], 1000 + ELO_SCALE * s["score"])
    e = res.elo(anchor=1114, reference="m3")
    assert e["m3"] == 1114
    res.forest_plot(tmp_path, method="sandwich")
    assert (tmp_path / "bt_forest.pdf").exists() and (tmp_path / "bt_forest.png").exists()


def test_winner_values_and_inputs_agree():
    """LMArena winner spellings (model_a / model_b / model name / 'tie (bothbad)') parse to the same fit as the
    equivalent win/tie matrices; weights 2 equal duplicated battles (frequency weights) in scores and Fisher SEs."""
    df, _ = arena_table(m=1500, seed=7, tie_frac=0.1)
    named = df.copy()
    named["winner"] = np.where(
        df["winner"] == "model_a", df["model_a"], np.where(df["winner"] == "model_b", df["model_b"], "tie (bothbad)")
    )
    r1, r2 = fit(df), fit(named)
    assert np.allclose(r1.scores, r2.scores, atol=1e-12)
    names = r1.names
    W, T = np.zeros((8, 8)), np.zeros((8, 8))
    for a, b, w in zip(df.model_a.map(names.index), df.model_b.map(names.index), df.winner):
        if w == "tie":
            T[min(a, b), max(a, b)] += 1
        else:
            W[(a, b) if w == "model_a" else (b, a)] += 1
    r3 = fit(W, ties=T, names=names)
    assert np.allclose(r1.scores, r3.scores, atol=1e-9) and abs(r1.loglik - r3.loglik) < 1e-8
    r4 = fit(df.assign(w=2.0), weights="w")
    r5 = fit(pd.concat([df, df]))
    assert np.allclose(r4.scores, r5.scores, atol=1e-9) and np.allclose(r4.bse(), r5.bse(), atol=1e-9)


def test_index_arrays_fast_path_errors_and_se_diagonal():
    """Issue 16: the one-pass win-matrix kernel keeps the one-line errors; bse() without the dense covariance
    (in-place Cholesky, L^-1 column norms) equals sqrt(diag(cov)) to rounding."""
    from simtheory.validation import SimTheoryInputError

    for w, l, names, arg in [
        ([0, 1, 2], [1, 1, 0], None, "losers"),
        ([0, -1, 2], [1, 2, 0], None, "winners"),
        ([0, 1, 5], [1, 2, 0], ["a", "b", "c"], "names"),
        ([0, 1, 1], [1, 2, 0], None, "battles"),  # 2 never wins
    ]:
        with pytest.raises(SimTheoryInputError) as e:
            fit((np.array(w), np.array(l)), names=names)
        assert e.value.argument == arg and "\n" not in str(e.value)
    rng = np.random.default_rng(3)
    for n, kw in [(30, {}), (400, {"dense_max": 100, "solver": "rows"})]:
        wi, lo = simulate_arena(rng.normal(size=n), 100 * n, rng)
        se = fit((wi, lo), **kw).bse().to_numpy()
        full = np.sqrt(np.diag(fit((wi, lo), **kw).cov))
        assert np.max(np.abs(se - full)) < 1e-12
