"""Thurstone scale (Remark 8), Gumbel -> logistic (Remark 4), ties, margin/regularisation, BT regression."""

import numpy as np
import pytest
from mc_helpers import Z
from scipy import stats

from simtheory.bt import (
    fit_bt,
    fit_bt_regression,
    fit_davidson,
    fit_rao_kupper,
    fit_thurstone,
    margin_loss,
    reward_regularisation,
    simulate_arena,
    win_matrix,
)
from simtheory.validation import SimTheoryInputError


def bt_thurstone_scale(n=30, m=60_000, seed=0):
    """Slope of BT scores regressed on Thurstone scores fitted to the same BT-generated data."""
    rng = np.random.default_rng(seed)
    true_r = np.linspace(-2, 2, n)
    W = win_matrix(*simulate_arena(true_r, m, rng), n)
    rb, rt = fit_bt(W).scores, fit_thurstone(W)
    return float(rb @ rt / (rt @ rt))


def test_remark8_bt_vs_thurstone_scale():
    """Remark 8: BT and Thurstone scores agree up to a scale ~1.6-1.8. N=30, 60000 comparisons, seed 0.
    Measured 1.708 (seed 0); over seeds 0-9 mean 1.712, SD 0.003, so the interval [1.6, 1.8] is > 30 SD wide.
    Reference values: slope matching at 0 gives sqrt(2 pi)/4*4 = 1.596, variance matching pi/sqrt(3) = 1.814."""
    s = bt_thurstone_scale()
    assert 1.6 <= s <= 1.8, s


def test_remark4_gumbel_difference_is_logistic():
    """Remark 4: eps1 - eps2 with eps_i iid Gumbel(0, 1) is Logistic(0, 1). KS test, n=20000, seed 4:
    under H0 the p-value is uniform, so p > 1e-3 fails wrongly with prob 1e-3. Power check: the Gaussian
    with the same variance (pi^2/3) is rejected."""
    rng = np.random.default_rng(4)
    d = rng.gumbel(size=20_000) - rng.gumbel(size=20_000)
    assert stats.kstest(d, "logistic").pvalue > 1e-3
    g = rng.normal(scale=np.pi / np.sqrt(3), size=20_000)
    assert stats.kstest(g, "logistic").pvalue < 1e-3


def _simulate_ties(model, true_r, param, m, rng):
    n = true_r.size
    i = rng.integers(0, n, m)
    j = (i + rng.integers(1, n, m)) % n
    pi, pj = np.exp(true_r[i]), np.exp(true_r[j])
    if model == "rk":
        pw, pl = pi / (pi + param * pj), pj / (pj + param * pi)
    else:
        D = pi + pj + param * np.sqrt(pi * pj)
        pw, pl = pi / D, pj / D
    u = rng.random(m)
    W, T = np.zeros((n, n)), np.zeros((n, n))
    np.add.at(W, (i[u < pw], j[u < pw]), 1)
    lose = u > 1 - pl
    np.add.at(W, (j[lose], i[lose]), 1)
    tie = (u >= pw) & ~lose
    np.add.at(T, (np.minimum(i, j)[tie], np.maximum(i, j)[tie]), 1)
    return W, T


@pytest.mark.parametrize("model,param", [("rk", 1.5), ("dav", 0.8)])
def test_tie_models_recover(model, param):
    """N=8, 40000 comparisons, seed 11: score SEs ~0.02, parameter SE ~0.01; tolerance 0.1 (~5 sigma)."""
    rng = np.random.default_rng(11)
    true_r = np.linspace(-1, 1, 8)
    W, T = _simulate_ties(model, true_r, param, 40_000, rng)
    r, p = (fit_rao_kupper if model == "rk" else fit_davidson)(W, T)
    assert abs(p - param) < 0.1, p
    assert np.max(np.abs(r - true_r)) < 0.1, r - true_r


def test_tie_bad_input():
    W = np.array([[0, 3], [2, 0]], float)
    with pytest.raises(SimTheoryInputError, match="^ties"):
        fit_rao_kupper(W, np.zeros((2, 2)))
    with pytest.raises(SimTheoryInputError, match="^ties"):
        fit_davidson(W, np.zeros((3, 3)))


def test_margin_and_regularisation():
    assert np.isclose(margin_loss(1.0, 0.0, 1.0), np.log(2))  # margin met exactly -> sigma(0)
    assert margin_loss(1.0, 0.0, 2.0) > margin_loss(1.0, 0.0, 0.0)
    assert np.isclose(reward_regularisation(2.0, -1.0), 1e-3 * 5)
    with pytest.raises(ValueError, match="margin"):
        margin_loss(1.0, 0.0, -1.0)


@pytest.mark.parametrize("link", ["logit", "probit"])
def test_bt_regression_statsmodels(link):
    """Springall BT regression: d=3, 5000 pairs, seed 2; w recovered within 5 statsmodels SEs; CI covers."""
    rng = np.random.default_rng(2)
    w_true = np.array([1.0, -0.5, 0.25])
    A, B = rng.normal(size=(5000, 3)), rng.normal(size=(5000, 3))
    z = (A - B) @ w_true
    p = 1 / (1 + np.exp(-z)) if link == "logit" else stats.norm.cdf(z)
    first = rng.random(5000) < p
    win, los = np.where(first[:, None], A, B), np.where(first[:, None], B, A)
    res = fit_bt_regression(win, los, np.random.default_rng(0), link=link)
    assert np.all(np.abs(res.params - w_true) < Z * res.bse)
    assert res.conf_int().shape == (3, 2)
    assert "coef" in str(res.summary())
    with pytest.raises(SimTheoryInputError, match="^link"):
        fit_bt_regression(win, los, rng, link="cauchit")
