"""Calibration of the standard errors of the risk-rate topic: the truncated-KL risk estimate R_B (Definition 9,
eq. 11) and the log-log slope fit of Theorem 10.

R_B: R = 300 replicates of m = 400 pairs drawn from a discrete pair distribution whose R_B is known exactly (one term
truncated at B); two-sided chi-square test at level 1e-4 that SD((estimate - R_B) / SE) = 1.
"""

import numpy as np
from mc_helpers import assert_se_calibrated

from simtheory.risk_rate import truncated_kl_risk

# (p0, p_hat, probability of this pair type); (0.2, 1e-6) has log(0.2 / 1e-6) = 12.2 > B: truncated
TOY = [(0.5, 0.25, 0.3), (0.9, 0.6, 0.2), (0.2, 1e-6, 0.1), (0.7, 0.7, 0.25), (1.0, 0.8, 0.15)]
R = 300


def test_truncated_kl_se_calibrated():
    p = np.array([t[0] for t in TOY])
    q = np.array([t[1] for t in TOY])
    w = np.array([t[2] for t in TOY])
    B, m = 2.0, 400
    exact = truncated_kl_risk(p, q, B, weights=w).value
    est, se = [], []
    for s in np.random.SeedSequence(41).spawn(R):
        idx = np.random.default_rng(s).choice(len(TOY), size=m, p=w)
        e = truncated_kl_risk(p[idx], q[idx], B)
        est.append(e.value)
        se.append(e.se)
    assert_se_calibrated(est, se, exact, seed=41, n=m, what="truncated_kl_risk")


def test_slope_fit_se_calibrated():
    """fit_slope (Theorem 10's log-log slope, statsmodels OLS): R = 300 replicates of 40 points (8 sizes x 5 seeds)
    with log-normal noise (sd 0.1) around risk = 3 n^-0.6 (seed 42). (slope + 0.6) / SE follows Student's t with
    38 df; mapped to normal scores it passes the two-sided chi-square test at level 1e-4."""
    from scipy import stats

    from simtheory.risk_rate import fit_slope

    n = np.repeat(np.geomspace(500, 64000, 8), 5)
    t = []
    for s in np.random.SeedSequence(42).spawn(R):
        noise = np.exp(0.1 * np.random.default_rng(s).standard_normal(n.size))
        f = fit_slope(n, 3.0 * n**-0.6 * noise)
        t.append((f.slope + 0.6) / f.se)
    z = stats.norm.ppf(stats.t.cdf(np.array(t), df=n.size - 2))
    assert_se_calibrated(z, np.ones(R), 0.0, seed=42, n=n.size, what="fit_slope")
