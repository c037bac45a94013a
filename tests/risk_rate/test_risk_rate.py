"""Theorem 10 / Corollary 11 of *Rethinking BT* (Sec. 2.4): R_B estimator, slope fits, MLP BT rate runs."""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pytest
from mc_helpers import Z, assert_close_se  # Monte-Carlo tolerances: Z = 5 standard errors

from simtheory.risk_rate import fit_slope, theory_exponent, truncated_kl_pointwise, truncated_kl_risk
from simtheory.risk_rate.experiment import run_fit
from simtheory.risk_rate.mlp import architecture
from simtheory.risk_rate.truth import make_reward, sample_pairs
from simtheory.validation import SimTheoryInputError


def _closed_form(p, q, B):
    """p0^T min(B, log p0/q) for scalars, written out by hand (eq. 11)."""
    t1 = p * min(B, math.log(p / q)) if p > 0 else 0.0
    t2 = (1 - p) * min(B, math.log((1 - p) / (1 - q))) if p < 1 else 0.0
    return t1 + t2


# toy discrete pair distribution: (p0, p_hat, probability of this pair type); includes a truncated term
TOY = [(0.5, 0.25, 0.3), (0.9, 0.6, 0.2), (0.2, 1e-6, 0.1), (0.7, 0.7, 0.25), (1.0, 0.8, 0.15)]


def test_rb_equals_closed_form_on_toy_distribution():
    p = np.array([t[0] for t in TOY])
    q = np.array([t[1] for t in TOY])
    w = np.array([t[2] for t in TOY])
    B = 2.0
    exact = sum(wi * _closed_form(pi, qi, B) for pi, qi, wi in TOY)
    # exact (weighted) version: equal to the hand formula up to rounding
    assert truncated_kl_risk(p, q, B, weights=w).value == pytest.approx(exact, rel=1e-12)
    # pair (0.2, 1e-6): log(0.2/1e-6) = 12.2 is truncated at B = 2
    assert truncated_kl_pointwise([0.2], [1e-6], B)[0] == pytest.approx(0.2 * 2 + 0.8 * math.log(0.8 / (1 - 1e-6)))
    # Monte-Carlo version: M = 400_000 draws (seed 0) within 5 SE of the exact value
    rng = np.random.default_rng(0)
    idx = rng.choice(len(TOY), size=400_000, p=w)
    est = truncated_kl_risk(p[idx], q[idx], B)
    assert abs(est.value - exact) <= Z * est.se, (est, exact)
    # B -> infinity: R_B is the plain KL divergence
    from scipy.stats import entropy

    kl = sum(wi * entropy([pi, 1 - pi], [qi, 1 - qi]) for pi, qi, wi in TOY)
    assert truncated_kl_risk(p, q, 1e9, weights=w).value == pytest.approx(kl, rel=1e-12)
    # p_hat = p0 gives zero risk
    assert truncated_kl_risk(p, p, B).value == 0.0


def test_rb_bad_inputs():
    with pytest.raises(SimTheoryInputError, match="^p0:"):
        truncated_kl_risk([0.5, 1.2], [0.5, 0.5])
    with pytest.raises(SimTheoryInputError, match="^p_hat:"):
        truncated_kl_risk([0.5, 0.5], [0.5])
    with pytest.raises(SimTheoryInputError, match="^B:"):
        truncated_kl_risk([0.5], [0.5], B=0)
    with pytest.raises(SimTheoryInputError, match="^p0:"):
        truncated_kl_risk([np.nan], [0.5])
    with pytest.raises(SimTheoryInputError, match="^risk:"):
        fit_slope([1, 2, 3], [1.0, 0.0, 0.5])
    with pytest.raises(SimTheoryInputError, match="^alpha:"):
        theory_exponent(1.0, 2, -1.0)
    with pytest.raises(SimTheoryInputError, match="^beta:"):
        make_reward(0.0, 2)


def test_theory_exponent_values():
    assert theory_exponent(2.5, 1, 1.0) == pytest.approx(5 / 6)
    assert theory_exponent(0.75, 8, 0.5) == pytest.approx(1.125 / 9.125)
    # alpha = 1 gives the classical nonparametric rate 2 beta / (2 beta + d)
    assert theory_exponent(1.0, 4, 1.0) == pytest.approx(2 / 6)


def test_slope_fit_recovers_planted_power_law():
    n = np.repeat(np.geomspace(500, 64000, 8), 5)
    # exact power law: slope recovered to rounding
    f = fit_slope(n, 3.0 * n**-0.6)
    assert f.slope == pytest.approx(-0.6, abs=1e-10) and f.intercept == pytest.approx(math.log(3.0))
    # log-normal noise (sd 0.1, seed 1, 40 points): slope within 5 SE of the planted -0.6, SE sensible
    rng = np.random.default_rng(1)
    f = fit_slope(n, 3.0 * n**-0.6 * np.exp(0.1 * rng.standard_normal(n.size)))
    assert abs(f.slope + 0.6) <= Z * f.se, f
    assert f.ci[0] < f.slope < f.ci[1] and 0.005 < f.se < 0.05, f
    # a wrong planted slope is rejected by the same rule (the check can fail)
    assert abs(f.slope + 0.4) > Z * f.se


@pytest.mark.parametrize("d, beta, alpha", [(1, 2.5, 0.5), (1, 2.5, 1.0), (8, 0.75, 0.5), (8, 0.75, 1.0)])
def test_pair_distribution_sets_small_value_index(d, beta, alpha):
    """alpha of the construction (module docstring of ``truth``), n = 200000 pairs per case (seed 0).

    Without the reward's oscillating part (kappa = 0), p0 / (1 - p0) = X / Y with X, Y iid Beta(alpha, 1), so
    P(min(p0, 1 - p0) <= t) = s^alpha exactly, s = t / (1 - t) <= 1: each empirical frequency at t = 1e-3 .. 3e-2
    within Z binomial SEs. With kappa = 1, |g| <= G = sum of the amplitudes, so the frequency lies between
    (s e^{-2G})^alpha and (s e^{2G})^alpha (minus / plus Z SE): the index is still alpha, only the constant moves
    (a wrong index, e.g. 2 alpha, leaves this band by a factor 1000^alpha at t = 1e-3)."""
    n = 200_000
    ts = np.array([1e-3, 3e-3, 1e-2, 3e-2])
    s = ts / (1 - ts)
    p0 = sample_pairs(n, make_reward(beta, d, kappa=0.0), alpha, np.random.default_rng(0))[2]
    m = np.minimum(p0, 1 - p0)
    for t, truth in zip(ts, s**alpha):
        assert_close_se(
            np.mean(m <= t),
            truth,
            np.sqrt(truth * (1 - truth) / n),
            n=n,
            seed=0,
            what=f"P(min(p0, 1-p0) <= {t:g}), d={d}, beta={beta}, alpha={alpha}, kappa=0",
        )
    reward = make_reward(beta, d)
    G = float(np.sum(np.abs(reward.amps)))
    p0 = sample_pairs(n, reward, alpha, np.random.default_rng(0))[2]
    m = np.minimum(p0, 1 - p0)
    for t, si in zip(ts, s):
        f = np.mean(m <= t)
        se = np.sqrt(max(f * (1 - f), 1.0 / n) / n)
        lo, hi = (si * np.exp(-2 * G)) ** alpha, min(1.0, si * np.exp(2 * G)) ** alpha
        assert lo - Z * se < f < hi + Z * se, (d, beta, alpha, t, lo, f, hi)


def test_architecture_rule():
    w, L = architecture(500, 2.5, 1, 1.0)
    assert (w, L) == (16, 3)
    w2, L2 = architecture(64000, 2.5, 1, 1.0)
    assert L2 == 5 and w2 >= w
    assert architecture(64000, 0.75, 8, 0.5)[0] == 64  # capped


@pytest.fixture(scope="module")
def quick_runs():
    """d = 1, beta = 2.5, alpha = 1, n = 250, 1000, 4000 (seed 5, 1 restart, <= 600 Adam steps, 20_000 held-out
    pairs each): the rows of the three fits."""
    import torch

    torch.set_num_threads(1)
    ss = np.random.SeedSequence(5)
    return [
        run_fit(d=1, beta=2.5, alpha=1.0, n=n, seed=s, m_test=20_000, restarts=1, max_steps=600)
        for n, s in zip((250, 1000, 4000), ss.spawn(3))
    ]


def test_quick_rate_run_d1_risk_decreases(quick_runs):
    """R_B decreases along n = 250, 1000, 4000, each step by more than 5 Monte-Carlo SEs."""
    risks = [(rows[0]["risk"], rows[0]["risk_se"]) for rows in quick_runs]
    for (r0, s0), (r1, s1) in zip(risks, risks[1:]):
        assert r0 - r1 > Z * math.hypot(s0, s1), risks


def test_cor11_reward_difference_error_blows_up_near_p0_extremes(quick_runs):
    """Corollary 11 (eq. 14): at n = 4000, the mean |dr - dr_hat| over pairs with p0 < 0.01 or p0 > 0.99
    exceeds that over p0 in [0.3, 0.7] by more than 5 SEs (bin means over the 20_000 held-out pairs)."""
    bins = [r for r in quick_runs[-1] if r["kind"] == "cor11"]
    mid = [b for b in bins if b["p_lo"] >= 0.3 and b["p_hi"] <= 0.7]
    tail = [b for b in bins if b["p_hi"] <= 0.01 or b["p_lo"] >= 0.99]

    def pooled(bs):
        c = np.array([b["count"] for b in bs], float)
        m = np.sum(c * [b["dr_err"] for b in bs]) / c.sum()
        se = np.sqrt(np.sum((c * [b["dr_err_se"] for b in bs]) ** 2)) / c.sum()
        return m, se

    (m_mid, s_mid), (m_tail, s_tail) = pooled(mid), pooled(tail)
    assert m_tail - m_mid > Z * math.hypot(s_mid, s_tail), (m_mid, s_mid, m_tail, s_tail)


def test_run_fit_rows_and_cor11_bins():
    rows = run_fit(
        d=2, beta=2.5, alpha=0.5, n=300, seed=np.random.SeedSequence(2), m_test=5000, restarts=2, max_steps=100
    )
    fit = rows[0]
    assert fit["kind"] == "fit" and fit["delta_n"] >= 0 and fit["risk"] > 0
    bins = [r for r in rows if r["kind"] == "cor11"]
    assert sum(r["count"] for r in bins) <= 5000 and len(bins) >= 6
    again = run_fit(
        d=2, beta=2.5, alpha=0.5, n=300, seed=np.random.SeedSequence(2), m_test=5000, restarts=2, max_steps=100
    )
    assert again[0]["risk"] == fit["risk"]  # deterministic given the seed


# ---------------------------------------------------------------------------------------------------------------
# Slow: the full grid (experiments/risk_rate.toml, seed 0). Set SIMTHEORY_RISK_RATE_DIR to a finished run
# folder to only re-summarise it (the grid resumes finished cells); otherwise it runs (~1 h on 2 cores).
# Measured in the committed run (paper_figs/risk_rate/slopes.csv; n = 500..32000, 3 reps, seed 0): the measured
# exponent (-slope, 95% OLS CI) falls short of e for all 8 configurations with d <= 2; for d = 4, 8 it exceeds e.
FULL_GRID_XFAIL = (
    "measured exponents below Theorem 10's e for d <= 2 (beta, d, alpha: measured [95% CI] vs e): "
    "0.75,1,0.5: 0.44 [0.36,0.53] vs 0.53; 0.75,1,1: 0.39 [0.33,0.44] vs 0.60; "
    "0.75,2,0.5: 0.30 [0.25,0.35] vs 0.36; 0.75,2,1: 0.28 [0.25,0.32] vs 0.43; "
    "2.5,1,0.5: 0.55 [0.43,0.67] vs 0.79; 2.5,1,1: 0.54 [0.42,0.67] vs 0.83; "
    "2.5,2,0.5: 0.50 [0.43,0.56] vs 0.65; 2.5,2,1: 0.59 [0.49,0.68] vs 0.71; all 16 are within the "
    "bound's local slope -e + 2/ln n (log^2 n factor); d = 4, 8 exceed e (ridge-sum truth)"
)


def _full_grid_slopes():
    """slopes.csv of the full grid, re-summarised from its raw rows (the grid resumes finished cells).

    Raises RuntimeError (never AssertionError, so the strict xfail below cannot pass on it) when the run is
    partial."""
    import pandas as pd

    from simtheory.runner.grids import run_grid

    out = Path(os.environ.get("SIMTHEORY_RISK_RATE_DIR", "results/risk_rate"))
    run_grid("risk_rate", seed=0, out=out, progress=False)
    t = pd.read_csv(out / "slopes.csv")
    if len(t) != 16 or t.points.min() < 20:
        raise RuntimeError(f"risk_rate grid in {out} is partial: {len(t)} configurations, min points {t.points.min()}")
    return t


@pytest.mark.slow
def test_full_grid_finished_and_bound_with_log_factor_holds():
    """Precondition of the xfail below (must pass): the full grid (16 configurations, >= 20 points each) is
    there; and the weaker reading with the bound's log^2 n factor (local slope -e + 2/ln n) holds everywhere."""
    t = _full_grid_slopes()
    assert t.at_least_bound_local.astype(bool).all(), t[~t.at_least_bound_local.astype(bool)]


@pytest.mark.slow
@pytest.mark.xfail(strict=True, raises=AssertionError, reason=FULL_GRID_XFAIL)
def test_full_grid_slope_at_least_theory_exponent():
    """Theorem 10 is an upper bound R_B <~ n^{-e} log^2 n: the measured decay should be at least as steep as e,
    i.e. -slope + (95% CI half-width) >= e for every (beta, d, alpha)."""
    t = _full_grid_slopes()
    bad = t[~t.at_least_theory.astype(bool)]
    assert bad.empty, "measured exponent below theory: " + "; ".join(
        f"beta={r.beta:g} d={r.d} alpha={r.alpha:g}: {r.measured_exponent:.3f} (CI {-r.ci_hi:.3f}..{-r.ci_lo:.3f}) "
        f"vs e={r.theory_exponent:.3f}"
        for r in bad.itertuples()
    )
