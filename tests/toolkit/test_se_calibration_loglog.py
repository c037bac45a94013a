"""SE calibration of the log-log slope of :func:`simtheory.plotting.loglog_fit` (and so of ``rate_curve``'s
``se`` and ``ci``), OLS and WLS.

R = 300 replicates (seed 73) of 6 sizes n = 100 .. 3200 with y = 3 n^-0.5 exp(eps), eps ~ N(0, s_n^2):
OLS with s_n = 0.05, WLS with the relative SE s_n = 0.05 sqrt(100 / n) passed as ``se = s_n y``. The fitted
slope's t-score (slope + 0.5) / bse is t(4); it is mapped to a normal score (Phi^-1(T_4(t))) and the two-sided
chi-square test at CHI2_LEVEL (``tests/mc_helpers.py``) checks SD 1. The 95% CI must also cover -0.5 in a
fraction consistent with 0.95 (binomial test at level 1e-4).
"""

import numpy as np
import pytest
from mc_helpers import CHI2_LEVEL, assert_se_calibrated
from scipy import stats

from simtheory.plotting import loglog_fit

R, SEED = 300, 73
N = np.array([100, 200, 400, 800, 1600, 3200], dtype=float)


@pytest.mark.parametrize("weighted", [False, True], ids=["ols", "wls"])
def test_loglog_fit_slope_se_calibrated(weighted):
    rng = np.random.default_rng(SEED)
    rel = 0.05 * np.sqrt(100 / N) if weighted else np.full(N.size, 0.05)
    t, covered = [], 0
    for _ in range(R):
        y = 3.0 * N**-0.5 * np.exp(rng.normal(0.0, rel))
        fit = loglog_fit(N, y, se=rel * y if weighted else None)
        t.append((fit.params[1] + 0.5) / fit.bse[1])
        lo, hi = fit.conf_int(0.05)[1]
        covered += lo <= -0.5 <= hi
    z = stats.norm.ppf(stats.t.cdf(t, df=N.size - 2))
    assert_se_calibrated(
        z, np.ones(R), 0.0, seed=SEED, n=N.size, what=f"loglog_fit slope ({'WLS' if weighted else 'OLS'})"
    )
    assert stats.binomtest(covered, R, 0.95).pvalue > CHI2_LEVEL, f"95% CI covered -0.5 in {covered}/{R}"
