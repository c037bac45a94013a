"""Calibration of the standard errors reported by the engine: :func:`pair_stats` (E|dr|, E xi, label accuracy),
:func:`order_consistency` in Monte-Carlo mode, and the same-vs-cross gap of :func:`compare_designs`.

Each test draws R independent replicates (seeds spawned from one SeedSequence) and checks with a two-sided
chi-square test at level ``CHI2_LEVEL`` = 1e-4 that the z-scores (estimate - truth) / SE have SD 1
(:func:`conftest.assert_se_calibrated`). With R = 300 an SE off by a factor 2 or 3 (either way) is rejected
with certainty, and so is a biased estimate whose bias is about one SE or more.
"""

import math

import numpy as np
import pytest
from mc_helpers import assert_se_calibrated

from simtheory.cross_prompt.theory import compare_designs, q_pair_gaussian
from simtheory.engine.montecarlo import STATS, Xi, pair_stats
from simtheory.engine.order_consistency import OC_DESIGNS, order_consistency
from simtheory.engine.utility_samplers import PromptPopulation

R = 300


@pytest.fixture(autouse=True)
def _numba_one_thread():
    """Many small calls: one numba thread avoids the per-call thread start-up (results do not depend on it)."""
    import numba

    old = numba.get_num_threads()
    numba.set_num_threads(1)
    yield
    numba.set_num_threads(old)


def test_pair_stats_se_calibrated_against_closed_forms(backend):
    """Gaussian utilities, sigma = 1, same prompt, xi = sigmoid(|dr|): truths E|dr| = 2 / sqrt(pi) and
    E xi = P(correct) = Q_pair(1) (quadrature, eq. 24). R = 300 replicates of n = 2000 pairs (seed 31)."""
    truth = {
        "abs_dr": 2 / math.sqrt(math.pi),
        "tau": q_pair_gaussian(1.0, "iid"),
        "correct": q_pair_gaussian(1.0, "iid"),
    }
    reps = [
        pair_stats(2000, "same", PromptPopulation(), Xi("sigmoid", 1.0), seed=s, backend=backend)
        for s in np.random.SeedSequence(31).spawn(R)
    ]
    for s in STATS:
        assert_se_calibrated(
            [p.mean[s] for p in reps],
            [p.se[s] for p in reps],
            truth[s],
            seed=31,
            n=2000,
            what=f"pair_stats[{backend}].{s}",
        )


@pytest.mark.parametrize("design", ["cross", "similar_x"])
def test_pair_stats_se_calibrated_heterogeneous_prompts(backend, design):
    """Prompt means and scales vary (mu_sd = 0.8, sigma_logsd = 0.5), Student-t noise, probit xi: z-scores
    against the replicate mean (df = R - 1). R = 300 replicates of n = 1000 pairs (seed 32)."""
    pop = PromptPopulation(mu_sd=0.8, sigma_logsd=0.5, family="student_t")
    reps = [
        pair_stats(1000, design, pop, Xi("probit", 0.7), seed=s, backend=backend)
        for s in np.random.SeedSequence(32).spawn(R)
    ]
    for s in STATS:
        assert_se_calibrated(
            [p.mean[s] for p in reps],
            [p.se[s] for p in reps],
            None,
            against_mean=True,
            seed=32,
            n=1000,
            what=f"pair_stats[{backend}, {design}].{s}",
        )


def _tied_data(seed=0):
    """200 rows in 20 prompt groups; rewards rounded to integers so that many pairs are tied."""
    rng = np.random.default_rng(seed)
    g = np.repeat(np.arange(20), 10)
    r = np.round(rng.normal(size=200) + 0.8 * rng.normal(size=20)[g])
    rh = np.round(r + 0.9 * rng.normal(size=200))
    return r, rh, g


@pytest.mark.parametrize("design", OC_DESIGNS)
def test_order_consistency_se_calibrated_against_exact(backend, design):
    """Monte-Carlo order consistency (ties count 1/2) vs the exact count over all pairs of the design:
    R = 300 replicates of 1000 random pairs (seed 33) on 200 rows with ties."""
    r, rh, g = _tied_data()
    exact = order_consistency(r, rh, groups=g, design=design).mean
    reps = [
        order_consistency(r, rh, groups=g, design=design, n_pairs=1000, seed=s, backend=backend)
        for s in np.random.SeedSequence(33).spawn(R)
    ]
    assert_se_calibrated(
        [f.mean for f in reps],
        [f.se for f in reps],
        exact,
        seed=33,
        n=1000,
        what=f"order_consistency[{backend}, {design}]",
    )


def test_design_gap_se_calibrated():
    """The cross - same gap of compare_designs and its SE (Prop. 15 / Thm. 16 z-scores): R = 300 replicates
    of n = 1000 pairs per design (seed 34, numba), against the replicate mean."""
    pop = PromptPopulation(mu_sd=0.5, sigma_logsd=0.4)
    reps = [
        compare_designs(pop, Xi("sigmoid", 1.0), n_pairs=1000, seed=int(s.generate_state(1)[0]), backend="numba")
        for s in np.random.SeedSequence(34).spawn(R)
    ]
    for stat in ("abs_dr", "tau"):
        assert_se_calibrated(
            [c[stat].gap for c in reps],
            [c[stat].gap_se for c in reps],
            None,
            against_mean=True,
            seed=34,
            n=1000,
            what=f"compare_designs gap {stat}",
        )
