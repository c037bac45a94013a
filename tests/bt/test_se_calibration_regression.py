"""SE calibration of the BT regression (``fit_bt_regression``, statsmodels Logit/Probit on feature differences).

R = 300 independent data sets (seeds 0..299), each 800 comparisons of items with 3 features and known
weights w = (1.0, -0.5, 0.25); the reported SE of every coefficient must be calibrated: the chi-square test of
sum z^2 (df = R) at the two-sided level CHI2_LEVEL (``tests/mc_helpers.py``).
"""

import numpy as np
import pytest
from mc_helpers import assert_se_calibrated
from scipy.special import expit, ndtr

from simtheory.bt import fit_bt_regression

W = np.array([1.0, -0.5, 0.25])
R, N = 300, 800


@pytest.mark.parametrize("link", ["logit", "probit"])
def test_bt_regression_standard_errors_calibrated(link):
    est, se = [], []
    for seed in range(R):
        rng = np.random.default_rng(seed)
        a, b = rng.normal(size=(N, 3)), rng.normal(size=(N, 3))
        p = (expit if link == "logit" else ndtr)((a - b) @ W)
        first = rng.random(N) < p  # first item preferred
        winner = np.where(first[:, None], a, b)
        loser = np.where(first[:, None], b, a)
        res = fit_bt_regression(winner, loser, rng, link=link)
        est.append(np.asarray(res.params))
        se.append(np.asarray(res.bse))
    est, se = np.array(est), np.array(se)
    for j in range(3):
        assert_se_calibrated(est[:, j], se[:, j], W[j], n=N, what=f"{link} coefficient {j} (R = {R})")
