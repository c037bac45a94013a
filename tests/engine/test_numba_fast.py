"""The numba Gaussian fast path (issue 17): |dr| = scale * |Z| with vectorised passes.

Checks its pieces (stable polynomial sigmoid, vectorised ziggurat with exact fix-ups) against scipy, and the
whole path against closed forms and the numpy reference; the tolerances are 5 standard errors.
"""

import math

import numpy as np
import pytest
from scipy import stats
from scipy.special import expit

from simtheory.engine.backends import numba_available
from simtheory.engine.montecarlo import STATS, Xi, pair_stats
from simtheory.engine.utility_samplers import PromptPopulation

pytestmark = pytest.mark.skipif(not numba_available(), reason="needs numba")
Z = 5.0


def test_stable_sigmoid_matches_expit_to_a_few_ulp():
    from simtheory.engine._numba_kernels import _sigmoid_fill

    y = np.concatenate([np.linspace(-700, 700, 200_001), [-1e300, -750.0, 0.0, 1e-300, 750.0, 1e300]])
    out = np.empty_like(y)
    _sigmoid_fill(y, out, np.empty(y.size, dtype=np.int64))
    ref = expit(y)
    big = ref > 1e-300
    assert np.all(np.isfinite(out)) and np.all((out >= 0) & (out <= 1))
    assert np.max(np.abs(out[big] - ref[big]) / ref[big]) < 1e-15
    assert np.all(out[~big] < 1e-300)


def test_vectorised_ziggurat_gives_half_normals():
    """1e6 draws (key 11): KS test against the half-normal (p > 1e-4), mean sqrt(2/pi) and E Z^2 = 1 within 5 SE."""
    from simtheory.engine._numba_kernels import half_normal_sample

    z = half_normal_sample(1_000_000, np.uint64(11))
    assert z.min() > 0
    assert stats.kstest(z, stats.halfnorm.cdf).pvalue > 1e-4
    n = z.size
    assert abs(z.mean() - math.sqrt(2 / math.pi)) < Z * z.std() / math.sqrt(n)
    assert abs(np.mean(z * z) - 1.0) < Z * math.sqrt(2.0 / n)
    assert np.mean(z > 3.442619855899) == pytest.approx(2 * stats.norm.sf(3.442619855899), rel=0.25)  # tail layer


@pytest.mark.parametrize("design, scale", [("same", math.sqrt(2.0)), ("cross", math.sqrt(2.0 * (1.0 + 1.0)))])
def test_fast_path_mean_abs_dr_closed_form(design, scale):
    """Constant sigma 1, mu_sd 1: E|dr| = scale sqrt(2/pi); 1e6 pairs (seed 3), within 5 SE."""
    r = pair_stats(1_000_000, design, PromptPopulation(), seed=3, backend="numba")
    assert abs(r.mean["abs_dr"] - scale * math.sqrt(2 / math.pi)) < Z * r.se["abs_dr"]


@pytest.mark.parametrize("xi", [Xi("sigmoid", 1.7), Xi("probit", 0.8), Xi("step", threshold=1.0, steep=5.0)])
@pytest.mark.parametrize("design", ["same", "cross"])
@pytest.mark.parametrize("sigma_logsd", [0.0, 0.5])
def test_fast_path_matches_numpy(xi, design, sigma_logsd):
    """numpy vs numba fast path, 200000 pairs each (seed 8): every statistic within 5 SE of the difference."""
    pop = PromptPopulation(mu_sd=0.6, sigma_median=0.8, sigma_logsd=sigma_logsd)
    a = pair_stats(200_000, design, pop, xi, seed=8, backend="numpy")
    b = pair_stats(200_000, design, pop, xi, seed=8, backend="numba")
    for s in STATS:
        assert abs(a.mean[s] - b.mean[s]) < Z * math.hypot(a.se[s], b.se[s]), (s, a.mean[s], b.mean[s])


def test_fast_path_does_not_depend_on_thread_count():
    import numba

    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = pair_stats(300_000, "same", seed=5, backend="numba").mean
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        two = pair_stats(300_000, "same", seed=5, backend="numba").mean
    finally:
        numba.set_num_threads(before)
    assert one == two
