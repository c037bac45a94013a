"""SE calibration of the Corollary 11 bin errors (``risk_rate.experiment.binned_errors``).

Held-out pairs: p0 = sigmoid(3 Z), Z ~ N(0, 1), and a fixed misfit p_hat = sigmoid(logit p0 + 0.4 sin(3 Z) + 0.2).
R = 300 replicates (seeds 0..299) of 20,000 pairs each; the truth of each bin mean is the same mean over 4e6
pairs (seed 10**6; its SE is < 1/14 of a replicate's, counted in the test's SE). The chi-square test of sum z^2
(df = R) runs at the two-sided level CHI2_LEVEL for two bins (a tail bin and a central bin) of both errors.
"""

import numpy as np
import pytest
from mc_helpers import assert_se_calibrated
from scipy.special import expit

from simtheory.risk_rate.experiment import binned_errors

R, M, M_TRUTH = 300, 20_000, 4_000_000
EDGES = (0.0, 0.03, 0.3, 0.7, 0.97, 1.0)


def _draw(m, seed):
    z = np.random.default_rng(seed).normal(size=m)
    tp0 = expit(3.0 * z)
    return tp0, expit(3.0 * z + 0.4 * np.sin(3.0 * z) + 0.2)


@pytest.mark.parametrize("stat", ["dr_err", "p_err"])
def test_cor11_bin_standard_errors_calibrated(stat):
    truth = {r["bin"]: r for r in binned_errors(*_draw(M_TRUTH, 10**6), edges=EDGES)}
    reps = [{r["bin"]: r for r in binned_errors(*_draw(M, seed), edges=EDGES)} for seed in range(R)]
    for k in (0, 2):  # the lower tail bin and the central bin
        est = [rep[k][stat] for rep in reps]
        # the truth's own Monte-Carlo error is added in quadrature (it is < 1/14 of a replicate's SE)
        se = [np.hypot(rep[k][f"{stat}_se"], truth[k][f"{stat}_se"]) for rep in reps]
        assert_se_calibrated(est, se, truth[k][stat], n=M, what=f"{stat} bin {k} (R = {R})")
