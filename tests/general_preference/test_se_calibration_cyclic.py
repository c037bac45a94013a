"""SE calibration of the over-reps accuracy of the ``gpm_cyclic`` grid (:func:`grid_cyclic.accuracy_by_dim`,
the SE of Table 1's rows in the run's headline table and of the figure's error bars).

R = 300 synthetic datasets (seed 72), each with 5 reps of dim 1 and dim 2 accuracies ~ N(0.62, 0.03^2) and
N(0.95, 0.01^2). With 5 reps, (mean - truth) / se is Student's t(4); the t-scores are mapped to normal scores
(Phi^-1(T_4(t))) and the two-sided chi-square test at CHI2_LEVEL of ``tests/mc_helpers.py`` checks SD 1: an SE
scaled by 2 or 1/2 fails it (SD(z) 0.56 / 1.57); sqrt(count - 1) instead of sqrt(count), a factor 1.12, is too
small a change to detect at R = 300 (SD(z) 0.91).
"""

import numpy as np
from mc_helpers import assert_se_calibrated
from scipy import stats

from simtheory.general_preference.grid_cyclic import accuracy_by_dim

R, REPS, SEED = 300, 5, 72
TRUTH = {1: (0.62, 0.03), 2: (0.95, 0.01)}


def test_accuracy_by_dim_se_calibrated():
    rng = np.random.default_rng(SEED)
    rows = [
        {"dataset": f"d{r}", "dim": dim, "rep": k, "accuracy": float(rng.normal(mu, sd))}
        for r in range(R)
        for dim, (mu, sd) in TRUTH.items()
        for k in range(REPS)
    ]
    g = accuracy_by_dim(rows)
    assert len(g) == 2 * R and (g["count"] == REPS).all()
    for dim, (mu, _) in TRUTH.items():
        s = g[g["dim"] == dim]
        z = stats.norm.ppf(stats.t.cdf((s["mean"] - mu) / s["se"], df=REPS - 1))
        assert_se_calibrated(z, np.ones(R), 0.0, seed=SEED, n=REPS, what=f"accuracy_by_dim, dim {dim}")
