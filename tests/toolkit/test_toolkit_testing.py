"""simtheory.testing: false-alarm rates under the null, power at the detectable effect, messages.

The calibration tests repeat a check over R seeds and compare the number of false
alarms with Binomial(R, alpha) by an exact binomial test at level 1e-4 (so these
tests themselves fail by chance with probability ~1e-4).
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from simtheory.testing import (
    MonteCarloAssertionError,
    assert_mean,
    assert_rate,
    assert_sequential,
    check_distribution,
    check_mean,
    check_mean_ge,
    check_means,
    check_rate,
    detectable_effect,
    sequential_mean,
)
from simtheory.validation import SimTheoryInputError

LEVEL = 1e-4  # level of the binomial tests on the calibration counts


def _consistent(k: int, reps: int, p: float) -> bool:
    return stats.binomtest(k, reps, p).pvalue > LEVEL


def test_mean_false_alarm_rate_is_alpha():
    reps, alpha = 2000, 0.05
    rng = np.random.default_rng(101)
    x = rng.normal(0.3, 2.0, size=(reps, 30))
    k = sum(not check_mean(row, 0.3, alpha=alpha).passed for row in x)
    assert _consistent(k, reps, alpha), f"normal n 30: {k} false alarms of {reps} (alpha {alpha}, seed 101)"
    # skewed draws: the t-test is calibrated in the Monte-Carlo regime (n 1000); at n 30 it is not
    # (measured 145/2000 = 7.3 % at nominal 5 %, documented in check_mean)
    x = rng.exponential(1.0, size=(reps, 1000))
    k = sum(not check_mean(row, 1.0, alpha=alpha).passed for row in x)
    assert _consistent(k, reps, alpha), f"exponential n 1000: {k} false alarms of {reps} (alpha {alpha})"


def test_welch_and_paired_false_alarm_rates():
    reps, alpha = 1000, 0.05
    rng = np.random.default_rng(102)
    k_w = sum(not check_means(rng.normal(1, 1, 20), rng.normal(1, 3, 50), alpha=alpha).passed for _ in range(reps))
    assert _consistent(k_w, reps, alpha), f"Welch: {k_w}/{reps}"
    k_p = 0
    for _ in range(reps):
        z = rng.normal(size=40)
        k_p += not check_means(z + rng.normal(0, 0.2, 40), z + rng.normal(0, 0.2, 40), paired=True, alpha=alpha).passed
    assert _consistent(k_p, reps, alpha), f"paired: {k_p}/{reps}"


def test_power_at_detectable_effect_is_nominal():
    """At the true deviation ``detectable_effect(n, sd, alpha, 0.8)`` the check rejects ~80 % of the time."""
    reps, alpha, n, sd = 2000, 0.05, 200, 1.5
    delta = detectable_effect(n, sd, alpha, 0.8)
    rng = np.random.default_rng(103)
    k = sum(not check_mean(rng.normal(delta, sd, n), 0.0, alpha=alpha).passed for _ in range(reps))
    # t (df 199) vs z quantiles move the power by < 0.005; the binomial SE is 0.009
    assert abs(k / reps - 0.8) < 4 * math.sqrt(0.16 / reps) + 0.005, f"power {k / reps:.3f} (seed 103)"


def test_inequality_false_alarm_at_the_boundary():
    reps, z = 2000, 1.6449
    rng = np.random.default_rng(104)
    k = sum(not check_mean_ge(rng.normal(0.0, 1.0, 100), 0.0, z=z).passed for _ in range(reps))
    assert _consistent(k, reps, 0.05), f"{k}/{reps} at the boundary (z {z})"


def test_rate_ci_coverage():
    """Points with true slope -0.5 and log-normal noise of known SE: the 95 % CI covers ~95 %."""
    reps, alpha = 1000, 0.05
    ns = np.array([100, 200, 400, 800, 1600, 3200])
    rng = np.random.default_rng(105)
    k = 0
    for _ in range(reps):
        rel = 0.05 * np.sqrt(100 / ns)  # relative SE of each point, shrinking with n
        y = 3.0 * ns**-0.5 * np.exp(rng.normal(0.0, rel))
        k += not check_rate(ns, y, se=rel * y, expected=-0.5, alpha=alpha).passed
    assert _consistent(k, reps, alpha), f"{k}/{reps} non-covering CIs"


def test_rate_detects_wrong_exponent_and_bounds():
    ns = np.array([100, 200, 400, 800, 1600])
    y = ns**-1.0 * np.exp(np.array([0.01, -0.01, 0.02, 0.0, -0.015]))
    with pytest.raises(MonteCarloAssertionError, match=r"slope == -0.5.*CI"):
        assert_rate(ns, y, expected=-0.5, seed=9)
    assert check_rate(ns, y, at_most=-0.5).passed  # decays at least as fast as n^-1/2
    assert not check_rate(ns, y, at_least=-0.5).passed


def test_ks_false_alarm_rate():
    reps, alpha = 600, 0.05
    rng = np.random.default_rng(106)
    k = sum(not check_distribution(rng.gamma(2.0, size=200), "gamma", (2.0,), alpha=alpha).passed for _ in range(reps))
    assert _consistent(k, reps, alpha), f"KS: {k}/{reps}"


def test_sequential_error_control():
    """Under the null the Bonferroni-over-looks rule declares 'violated' in at most alpha of the runs;
    a real deviation is found long before the budget."""
    reps, alpha = 300, 0.05
    k = sum(
        sequential_mean(
            lambda rng, m: rng.normal(0, 1, m), value=0.0, alpha=alpha, n0=100, budget=12_800, seed=s
        ).decision
        == "violated"
        for s in range(reps)
    )
    assert stats.binomtest(k, reps, alpha, alternative="greater").pvalue > LEVEL, f"{k}/{reps} false violations"
    r = sequential_mean(lambda rng, m: rng.normal(0.1, 1, m), value=0.0, alpha=alpha, n0=100, budget=1_000_000, seed=1)
    assert r.decision == "violated" and r.n <= 12_800, r.message
    with pytest.raises(MonteCarloAssertionError, match="undecided"):
        assert_sequential(
            lambda rng, m: rng.normal(0, 1, m), value=0.0, tol=0.001, n0=100, budget=400, require_decision=True
        )


@settings(max_examples=40, deadline=None)
@given(shift=st.floats(-1e3, 1e3), scale=st.floats(1e-3, 1e3), seed=st.integers(0, 2**32 - 1))
def test_mean_check_is_affine_invariant(shift, scale, seed):
    x = np.random.default_rng(seed).normal(size=50)
    a = check_mean(x, 0.1, alpha=0.05)
    b = check_mean(shift + scale * x, shift + scale * 0.1, alpha=0.05)
    assert math.isclose(a.statistic, b.statistic, rel_tol=1e-6, abs_tol=1e-6)
    assert math.isclose(a.p_value, b.p_value, rel_tol=1e-5, abs_tol=1e-8)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(2, 500))
def test_message_names_estimate_se_n_seed(seed, n):
    x = np.random.default_rng(seed).normal(size=n)
    r = check_mean(x, 0.0, seed=seed)
    for part in (f"estimate {r.estimate:.6g}", f"SE {r.se:.6g}", f"n {n}", f"seed {seed}", "detectable"):
        assert part in r.message
    assert r.passed == (r.p_value >= 1e-3)


def test_bad_input_is_one_line():
    with pytest.raises(SimTheoryInputError, match="samples: contains 1 NaN"):
        assert_mean([1.0, float("nan"), 2.0], 0.0)
    with pytest.raises(SimTheoryInputError, match="y: must be positive"):
        check_rate([1, 2, 3], [1.0, 0.0, 1.0], expected=-1)
    with pytest.raises(SimTheoryInputError, match="exactly one"):
        check_rate([1, 2, 3], [1.0, 0.5, 0.3])


def test_outcome_verdict_is_derived():
    rng = np.random.default_rng(7)
    assert check_mean(rng.normal(0, 1, 100), 0.0, seed=7).outcome("x").verdict == "holds"
    assert check_mean(rng.normal(1, 1, 100), 0.0, seed=7).outcome("x").verdict == "does not hold"


@settings(max_examples=25, deadline=None)
@given(scale=st.floats(1e-6, 1e6), power=st.floats(0.2, 5.0), seed=st.integers(0, 2**32 - 1))
def test_rate_slope_ignores_units_of_n_and_y(scale, power, seed):
    """Rescaling y (units of the error) or n (units of the budget) moves only the intercept."""
    ns = np.array([10.0, 20.0, 40.0, 80.0, 160.0])
    y = ns**-0.7 * np.exp(np.random.default_rng(seed).normal(0, 0.05, ns.size))
    a = check_rate(ns, y, expected=-0.7)
    b = check_rate(ns * power, y * scale, expected=-0.7)
    assert math.isclose(a.estimate, b.estimate, rel_tol=1e-7, abs_tol=1e-9)
    assert a.passed == b.passed


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_sequential_is_reproducible_from_its_seed(seed):
    def sampler(rng, m):
        return rng.exponential(1.0, m)

    a = sequential_mean(sampler, bound=0.9, n0=50, budget=3200, seed=seed)
    b = sequential_mean(sampler, bound=0.9, n0=50, budget=3200, seed=seed)
    assert (a.decision, a.n, a.estimate) == (b.decision, b.n, b.estimate)
    assert a.looks <= a.planned_looks == 7
