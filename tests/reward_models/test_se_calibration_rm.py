"""Calibration of the standard errors reported by the reward-model evaluation (Section 6): best-of-N gain,
pairwise accuracy / order consistency, and the order consistency of Proposition 14's bounds.

Each test: R = 300 independent replicates, z = (estimate - truth) / SE, two-sided chi-square test at level 1e-4
that SD(z) = 1 (:func:`conftest.assert_se_calibrated`). Truths are closed forms or exact enumerations.
"""

import itertools
import math

import numpy as np
import pytest
from mc_helpers import assert_se_calibrated
from scipy import integrate, stats

from simtheory.reward_models import best_of_n, pairwise_accuracy, prop14_bounds
from simtheory.reward_models.evaluate import order_consistency as rm_order_consistency

R = 300
SIGMA = 0.7  # score = golden + SIGMA * noise
CONCORDANCE = 0.5 + math.asin(1 / math.sqrt(1 + SIGMA**2)) / math.pi  # P(sign(ds) = sign(dr)), Gaussian


def _expected_max_normal(n: int) -> float:
    """E max of n iid N(0, 1) by quadrature."""
    return integrate.quad(lambda x: x * n * stats.norm.pdf(x) * stats.norm.cdf(x) ** (n - 1), -np.inf, np.inf)[0]


@pytest.mark.parametrize("scorer", ["independent", "oracle"])
def test_best_of_n_gain_se_calibrated(scorer):
    """Golden rewards iid N(0, 1) on 40 prompts x N = 8 responses (seed 51). Truth: gain 0 for a scorer
    independent of the golden reward; E max of 8 normals (quadrature) for the oracle scorer."""
    truth = 0.0 if scorer == "independent" else _expected_max_normal(8)
    est, se = [], []
    for s in np.random.SeedSequence(51).spawn(R):
        rng = np.random.default_rng(s)
        golden = rng.normal(size=(40, 8))
        score = rng.normal(size=(40, 8)) if scorer == "independent" else golden
        b = best_of_n(score, golden)
        est.append(b["bon_gain"])
        se.append(b["bon_gain_se"])
    assert_se_calibrated(est, se, truth, seed=51, n=40, what=f"best_of_n[{scorer}]")


def test_pairwise_accuracy_and_prop14_oc_se_calibrated():
    """500 pairs per replicate (seed 52), golden r iid N(0, 1), score r + 0.7 noise: truth
    P(concordant) = 1/2 + arcsin(1 / sqrt(1 + 0.7^2)) / pi for pairwise_accuracy and for Prop. 14's oc_ge."""
    acc, acc_se, oc, oc_se = [], [], [], []
    for s in np.random.SeedSequence(52).spawn(R):
        rng = np.random.default_rng(s)
        r1, r2 = rng.normal(size=(2, 500))
        s1, s2 = r1 + SIGMA * rng.normal(size=500), r2 + SIGMA * rng.normal(size=500)
        a, a_se = pairwise_accuracy(s1, s2, r1, r2)
        acc.append(a)
        acc_se.append(a_se)
        b = prop14_bounds(s1, s2, r1, r2, beta=1.0, n_eps=4)
        oc.append(b["oc_ge"])
        oc_se.append(b["oc_ge_se"])
    assert_se_calibrated(acc, acc_se, CONCORDANCE, seed=52, n=500, what="pairwise_accuracy")
    assert_se_calibrated(oc, oc_se, CONCORDANCE, seed=52, n=500, what="prop14_bounds oc_ge")


def _exact_pool_oc(score, golden, pairing):
    """Order consistency over every pair the sampler can draw, weighted as it draws them (ties 1/2)."""
    p, n = golden.shape
    vals = []
    for a, i in itertools.product(range(p), range(n)):
        if pairing == "same":
            partners = [(a, j) for j in range(n) if j != i]
        else:
            partners = [(b, j) for b in range(p) if b != a for j in range(n)]
        v = [0.5 * (1 + np.sign(score[a, i] - score[b, j]) * np.sign(golden[a, i] - golden[b, j])) for b, j in partners]
        vals.append(np.mean(v))
    return float(np.mean(vals))


@pytest.mark.parametrize("pairing", ["same", "cross"])
def test_pool_order_consistency_se_calibrated(pairing):
    """A fixed pool of 12 prompts x 5 responses (seed 53) with integer-rounded scores (ties present); truth by
    exact enumeration; R = 300 replicates of 400 random pairs (seed 54)."""
    rng = np.random.default_rng(53)
    golden = rng.normal(size=(12, 5)) + rng.normal(size=(12, 1))
    score = np.round(golden + SIGMA * rng.normal(size=(12, 5)))
    exact = _exact_pool_oc(score, golden, pairing)
    est, se = [], []
    for s in np.random.SeedSequence(54).spawn(R):
        m, m_se = rm_order_consistency(score, golden, 400, np.random.default_rng(s), pairing)
        est.append(m)
        se.append(m_se)
    assert_se_calibrated(est, se, exact, seed=54, n=400, what=f"reward_models order_consistency[{pairing}]")
