"""Shared Monte-Carlo test helpers (imported as ``from mc_helpers import Z, assert_close_se``).

Monte-Carlo assertions in this suite compare an estimate with a truth (closed form, quadrature, exact count
or another independent estimate) in units of its standard error. Every such assertion states its sample size
``n`` and seed; the tolerance is ``Z`` standard errors, never a hand-picked band.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

#: Two-sided z threshold of every Monte-Carlo assertion: |estimate - truth| < Z * SE. Under a correct
#: implementation with a calibrated SE, one assertion fails with probability 2 (1 - Phi(5)) = 5.7e-7
#: (the false-alarm rate per assertion); the seeds are fixed, so the suite is deterministic.
Z = 5.0
#: false-alarm rate of one |z| < Z assertion
Z_FALSE_ALARM = 2.0 * stats.norm.sf(Z)

#: two-sided level of the chi-square SE-calibration tests (:func:`assert_se_calibrated`)
CHI2_LEVEL = 1e-4

ALL_BACKENDS = ("numpy", "numba", "cupy")


def _backend_param(name: str):
    from simtheory.engine.backends import available_backends

    marks = []
    if name == "cupy":
        marks.append(pytest.mark.gpu)
    if name not in available_backends():
        why = "cupy with a CUDA device not available here" if name == "cupy" else f"{name} not installed"
        marks.append(pytest.mark.skip(reason=f"backend {name!r}: {why}"))
    return pytest.param(name, marks=marks, id=name)


#: pytest params over every backend; an unavailable one is reported as SKIPPED with its reason (never dropped)
BACKEND_PARAMS = [_backend_param(b) for b in ALL_BACKENDS]
#: the same without numpy (for "numpy vs other" comparisons)
OTHER_BACKEND_PARAMS = [_backend_param(b) for b in ALL_BACKENDS if b != "numpy"]


def assert_close_se(
    estimate: float, truth: float, se: float, n: int | None = None, seed=None, z: float = Z, what: str = ""
) -> None:
    """Assert ``|estimate - truth| < z * se``; the message gives estimate, truth, SE, z-score, n and seed.

    Raises
    ------
    AssertionError
        When the estimate is more than ``z`` standard errors from the truth, or the SE is not positive
        and finite (a zero SE would make the check vacuous or impossible).
    """
    assert math.isfinite(se) and se > 0, f"{what} SE must be positive and finite, got {se!r} (n={n}, seed={seed})"
    zz = (estimate - truth) / se
    assert abs(zz) < z, (
        f"{what} estimate {estimate:.6g} vs truth {truth:.6g}: SE {se:.3g}, z = {zz:+.2f} "
        f"(|z| must be < {z:g}), n = {n}, seed = {seed}"
    )


def assert_se_calibrated(
    estimates, ses, truth, *, seed=None, n=None, level: float = CHI2_LEVEL, against_mean: bool = False, what: str = ""
) -> float:
    """Chi-square test that reported SEs are calibrated over R independent replicates.

    z_r = (estimate_r - truth) / se_r. For a calibrated SE and an approximately normal estimate,
    sum z_r^2 ~ chi^2(R) (against the replicate mean instead of a known truth: chi^2(R - 1)). The test is
    two-sided at ``level``: an SE too large (sum too small) fails as well as one too small. An SE off by a
    factor c scales sum z^2 by 1/c^2, so with R = 300 a factor 3 (or 2, or 1/2) is rejected with certainty.

    Parameters
    ----------
    estimates, ses : array_like
        One estimate and its reported SE per replicate.
    truth : float or array_like
        The estimated quantity (ignored with ``against_mean``).
    against_mean : bool
        Compare with the replicate mean (df = R - 1) when no closed form is known.

    Returns
    -------
    float
        The ratio sqrt(mean z^2), an estimate of SD(z) (1 when calibrated).
    """
    est = np.asarray(estimates, float)
    se = np.asarray(ses, float)
    assert np.all(np.isfinite(se) & (se > 0)), f"{what}: non-positive SE in {se}"
    centre = est.mean() if against_mean else np.asarray(truth, float)
    zz = (est - centre) / se
    R = est.size
    df = R - 1 if against_mean else R
    q = float(np.sum(zz**2))
    lo, hi = stats.chi2.ppf(level / 2, df), stats.chi2.isf(level / 2, df)
    sd_z = math.sqrt(q / df)
    assert lo < q < hi, (
        f"{what}: SE not calibrated: sum z^2 = {q:.1f} outside the two-sided {level:g} chi^2({df}) "
        f"interval [{lo:.1f}, {hi:.1f}]; SD(z) = {sd_z:.3f} (1 if calibrated), R = {R}, n = {n}, "
        f"seed = {seed}"
    )
    return sd_z


def assert_small_sample_se_calibrated(
    means, ses, n_per: int, *, level: float = CHI2_LEVEL, seed=None, what: str = ""
) -> float:
    """F test that SEs of the form sd / sqrt(n_per) over only ``n_per`` runs are calibrated (R replicates).

    Each replicate r reports the mean m_r of n_per i.i.d. runs and se_r = s_r / sqrt(n_per) (s_r the ddof-1 SD of
    its runs). With so few runs z_r = (m_r - mu) / se_r is t(n_per - 1), not normal, so the chi-square test of
    :func:`assert_se_calibrated` does not apply. Instead the one-way ANOVA ratio

        F = var_r(m_r) / mean_r(se_r^2)   (between-replicate variance over the mean squared reported SE)

    is F(R - 1, R (n_per - 1)) distributed when the SE is calibrated (normal runs; exact, and no truth needed:
    the numerator is centred on the grand mean). The test is two-sided at ``level``; an SE off by a factor c
    scales F by 1/c^2. Returns the ratio sqrt(F), an estimate of SD(z) / SD(t(n_per - 1)) (1 when calibrated).
    """
    m = np.asarray(means, float)
    se = np.asarray(ses, float)
    assert np.all(np.isfinite(se) & (se > 0)), f"{what}: non-positive SE in {se}"
    R = m.size
    d1, d2 = R - 1, R * (n_per - 1)
    f = float(m.var(ddof=1) / np.mean(se**2))
    lo, hi = stats.f.ppf(level / 2, d1, d2), stats.f.isf(level / 2, d1, d2)
    assert lo < f < hi, (
        f"{what}: SE not calibrated: var(means) / mean(SE^2) = {f:.3f} outside the two-sided {level:g} "
        f"F({d1}, {d2}) interval [{lo:.3f}, {hi:.3f}] (1 if calibrated; an SE scaled by c gives 1/c^2), "
        f"R = {R}, n_per = {n_per}, seed = {seed}"
    )
    return math.sqrt(f)
