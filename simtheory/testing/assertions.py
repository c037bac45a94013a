"""Statistical assertions for Monte-Carlo results.

Every check computes an estimate, its standard error (SE), a test statistic and a
p-value, and returns a :class:`CheckResult`; the ``assert_*`` functions raise
:class:`MonteCarloAssertionError` (an :class:`AssertionError`) when the check fails.
Every message names the estimate, SE, n and seed, and the smallest violation the
check could detect (:func:`detectable_effect`), so a pass is never mistaken for a
proof of equality.

Decision rules (``alpha`` = false-alarm probability when the claim holds exactly):

* equality (``assert_mean``, ``assert_means``): fail when
  ``|estimate - value| > tol + q * SE`` with ``q`` the two-sided ``1 - alpha/2``
  Student-t quantile (n - 1 degrees of freedom; Welch for two samples);
* inequality (``assert_mean_ge`` / ``assert_mean_le``): fail when the estimate lies
  on the wrong side of the bound by more than ``z`` SEs (one-sided);
* rate (``assert_rate``): log-log OLS (WLS with the points' SEs) slope; fail when the
  ``1 - alpha`` confidence interval excludes the expected exponent (widened by ``tol``)
  or lies entirely on the wrong side of a bound;
* distribution (``assert_distribution``): Kolmogorov-Smirnov or Anderson-Darling
  goodness of fit (:mod:`scipy.stats`); fail when p < alpha.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats

from simtheory.validation import SimTheoryInputError, check_finite_array, check_scalar

__all__ = [
    "CheckResult",
    "MonteCarloAssertionError",
    "RateResult",
    "assert_distribution",
    "assert_mean",
    "assert_mean_ge",
    "assert_mean_le",
    "assert_means",
    "assert_rate",
    "check_distribution",
    "check_mean",
    "check_mean_ge",
    "check_mean_le",
    "check_means",
    "check_rate",
    "detectable_effect",
]


class MonteCarloAssertionError(AssertionError):
    """A Monte-Carlo check failed; ``.result`` holds the :class:`CheckResult`.

    Parameters
    ----------
    result : CheckResult
        The failed check; its ``message`` is the error message.

    Examples
    --------
    >>> from simtheory.testing import MonteCarloAssertionError, assert_mean_ge
    >>> try:
    ...     assert_mean_ge([0.0, 0.1, 0.05, 0.02], 1.0)
    ... except MonteCarloAssertionError as err:
    ...     print(err.result.passed, err.result.check)
    False mean >= 1
    """

    def __init__(self, result: CheckResult):
        self.result = result
        super().__init__(result.message)


@dataclass(frozen=True)
class CheckResult:
    """Outcome of one statistical check.

    Attributes
    ----------
    passed : bool
        The data are consistent with the claim at the check's level.
    check : str
        What was checked, e.g. ``"mean == 0.5"``.
    estimate, se : float
        The estimate and its standard error.
    n : int
        Sample size behind the estimate (points of the fit for a rate).
    seed : int or None
        Seed that reproduces the samples (as passed by the caller).
    statistic, p_value : float
        Test statistic (t, z, KS or AD) and its p-value (nan when not defined).
    detectable : float
        Smallest violation the check detects with probability ``power`` (nan when not defined).
    message : str
        One paragraph with all of the above.
    extra : dict
        Check-specific details (reported with the outcome).

    Examples
    --------
    >>> import numpy as np
    >>> from simtheory.testing import check_mean
    >>> res = check_mean(np.random.default_rng(6).normal(0.5, 1.0, 1000), 0.5, seed=6)
    >>> bool(res), res.check, res.n, round(res.estimate, 3)
    (True, 'mean == 0.5', 1000, 0.487)
    >>> res.message  # doctest: +ELLIPSIS
    'PASS mean == 0.5: estimate 0.4875, SE 0.0312983, n 1000, seed 6; ...'
    """

    passed: bool
    check: str
    estimate: float
    se: float
    n: int
    seed: int | None
    statistic: float
    p_value: float
    detectable: float
    message: str
    extra: dict[str, Any] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return self.passed

    def raise_if_failed(self) -> CheckResult:
        """Raise :class:`MonteCarloAssertionError` unless the check passed; return self."""
        if not self.passed:
            raise MonteCarloAssertionError(self)
        return self

    def numbers(self) -> dict:
        """The inputs of a decision rule (:mod:`simtheory.verify.rules`): estimate, SE, n, and the
        interval ``lo``/``hi`` where the check has one."""
        out = {"estimate": self.estimate, "se": self.se, "n": self.n}
        ci = getattr(self, "ci", None)
        if ci is not None and all(math.isfinite(x) for x in ci):
            out.update(lo=float(ci[0]), hi=float(ci[1]))
        return out

    def outcome(self, computed: str, *, value: str | None = None):
        """The report row (:class:`simtheory.verify.registry.Outcome`) of this check.

        The verdict is derived from the test's decision (:attr:`passed`): "holds" when the check
        passed, "does not hold" when it rejected; the reason carries the estimate, SE, n and seed.
        """
        from simtheory.verify.registry import Outcome
        from simtheory.verify.rules import FAILS, HOLDS, Decision

        ci = f"SE {self.se:.3g}; n {self.n}; seed {self.seed}; {self.check}"
        if math.isfinite(self.p_value):
            ci += f"; p {self.p_value:.3g}"
        decision = Decision(
            HOLDS if self.passed else FAILS,
            f"{self.check}: estimate {self.estimate:.4g}, {ci}",
            None if self.passed else f"the {self.check} not rejected at its level",
        )
        return Outcome(
            value=value if value is not None else f"{self.estimate:.4g}",
            computed=computed,
            ci=ci,
            numbers=self.numbers(),
            details={"statistic": self.statistic, "p_value": self.p_value, "detectable": self.detectable, **self.extra},
            decision=decision,
        )


# ----------------------------------------------------------------------------- power


def detectable_effect(n: int, sd: float, alpha: float = 0.05, power: float = 0.8, *, two_sided: bool = True) -> float:
    """Smallest true deviation a z-test on ``n`` samples detects with probability ``power``.

    ``delta = (z_{1-alpha/2} + z_{power}) * sd / sqrt(n)`` (one-sided: ``z_{1-alpha}``).

    Parameters
    ----------
    n : int
        Sample size (>= 1).
    sd : float
        Standard deviation of one sample (>= 0).
    alpha : float
        False-alarm probability of the test, in (0, 1).
    power : float
        Detection probability, in (0, 1).
    two_sided : bool
        Two-sided (equality) or one-sided (inequality) test.

    Returns
    -------
    float
        The minimal detectable deviation, in the units of the samples.

    Raises
    ------
    SimTheoryInputError
        On an argument out of range.

    Examples
    --------
    >>> round(detectable_effect(10_000, 1.0, alpha=0.05, power=0.8), 4)
    0.028
    """
    n = int(check_scalar("n", n, low=1, integer=True))
    sd = check_scalar("sd", sd, low=0)
    alpha = check_scalar("alpha", alpha, low=0, high=1, low_open=True, high_open=True)
    power = check_scalar("power", power, low=0, high=1, low_open=True, high_open=True)
    za = stats.norm.ppf(1 - alpha / 2) if two_sided else stats.norm.ppf(1 - alpha)
    return float((za + stats.norm.ppf(power)) * sd / math.sqrt(n))


# ----------------------------------------------------------------------------- helpers


def _samples(name: str, x) -> np.ndarray:
    arr = check_finite_array(name, x, ndim=1)
    if arr.size < 2:
        raise SimTheoryInputError(name, f"needs at least 2 samples to estimate an SE, got {arr.size}")
    return arr


def _fmt(x: float) -> str:
    return f"{x:.6g}" if math.isfinite(x) else str(x)


def _message(
    ok: bool,
    check: str,
    label: str,
    estimate: float,
    se: float,
    n: int,
    seed,
    body: str,
    detectable: float,
    power: float,
) -> str:
    head = "PASS" if ok else "FAIL"
    name = f"{label}: " if label else ""
    det = (
        f"; smallest violation detectable with {power:.0%} power: {_fmt(detectable)}"
        if math.isfinite(detectable)
        else ""
    )
    return f"{head} {name}{check}: estimate {_fmt(estimate)}, SE {_fmt(se)}, n {n}, seed {seed}; {body}{det}"


def _alpha(alpha: float) -> float:
    return check_scalar("alpha", alpha, low=0, high=1, low_open=True, high_open=True)


# ----------------------------------------------------------------------------- equality


def check_mean(
    samples,
    value: float,
    *,
    alpha: float = 1e-3,
    tol: float = 0.0,
    seed: int | None = None,
    power: float = 0.8,
    label: str = "",
) -> CheckResult:
    """Is the mean of i.i.d. ``samples`` equal to ``value`` (up to ``tol``)?

    Two-sided Student-t test: fails when ``|mean - value| > tol + t_{1-alpha/2, n-1} * SE``,
    with ``SE = sd / sqrt(n)``. The level is exact for normal draws and asymptotic
    otherwise: for skewed draws at small n the false-alarm rate exceeds ``alpha``
    (measured for Exp(1) at nominal 5 %, 2000 seeds: 7.3 % at n 30, 5.3 % at n 1000).

    Parameters
    ----------
    samples : array_like, 1-d
        Independent draws whose mean estimates the quantity.
    value : float
        The claimed value.
    alpha : float
        False-alarm probability when the mean equals ``value`` exactly (default 1e-3).
    tol : float
        Allowed systematic deviation (e.g. the paper's rounding), >= 0.
    seed : int, optional
        Seed that produced ``samples``; reported in the message.
    power : float
        Power at which the minimal detectable deviation is reported.
    label : str
        Name of the quantity in the message.

    Returns
    -------
    CheckResult

    Raises
    ------
    SimTheoryInputError
        On non-finite samples, fewer than two samples or arguments out of range.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> check_mean(rng.normal(0.5, 1.0, 10_000), 0.5, seed=0).passed
    True
    """
    x = _samples("samples", samples)
    value = check_scalar("value", value)
    tol = check_scalar("tol", tol, low=0)
    alpha = _alpha(alpha)
    n = x.size
    est, se = float(x.mean()), float(x.std(ddof=1) / math.sqrt(n))
    q = float(stats.t.ppf(1 - alpha / 2, n - 1))
    dev = abs(est - value)
    t = (est - value) / se if se > 0 else (0.0 if dev == 0 else math.copysign(math.inf, est - value))
    p = float(2 * stats.t.sf(abs(t), n - 1)) if math.isfinite(t) else 0.0
    ok = dev <= tol + q * se
    det = detectable_effect(n, float(x.std(ddof=1)), alpha, power) + tol
    body = (
        f"|estimate - {_fmt(value)}| = {_fmt(dev)} vs allowed {_fmt(tol)} + {q:.3g} SE = {_fmt(tol + q * se)} "
        f"(t = {t:.3g}, p = {p:.3g}, alpha {alpha:g})"
    )
    check = f"mean == {_fmt(value)}" + (f" +- {_fmt(tol)}" if tol else "")
    return CheckResult(
        ok, check, est, se, n, seed, t, p, det, _message(ok, check, label, est, se, n, seed, body, det, power)
    )


def assert_mean(samples, value: float, **kwargs) -> CheckResult:
    """:func:`check_mean`, raising :class:`MonteCarloAssertionError` on failure.

    Parameters
    ----------
    samples : array_like, 1-d
        Independent draws whose mean estimates the quantity.
    value : float
        The claimed value.
    **kwargs
        ``alpha``, ``tol``, ``seed``, ``power``, ``label`` as in :func:`check_mean`.

    Returns
    -------
    CheckResult
        The passed check.

    Raises
    ------
    MonteCarloAssertionError
        When the check fails (``.result`` holds the CheckResult).
    SimTheoryInputError
        On bad samples or arguments.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> assert_mean(rng.normal(0.0, 1.0, 1000), 0.0, seed=1).passed
    True
    >>> assert_mean(rng.normal(0.3, 1.0, 1000), 0.0, seed=1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    simtheory.testing.assertions.MonteCarloAssertionError: FAIL mean == 0: estimate 0.3..., SE 0.03..., n 1000, seed 1; ...
    """
    return check_mean(samples, value, **kwargs).raise_if_failed()


def check_means(
    a,
    b,
    *,
    paired: bool = False,
    alpha: float = 1e-3,
    tol: float = 0.0,
    seed: int | None = None,
    power: float = 0.8,
    label: str = "",
) -> CheckResult:
    """Are the means of ``a`` and ``b`` equal (up to ``tol``)?

    ``paired=True``: one-sample t-test on ``a - b`` (common random numbers; same length).
    ``paired=False``: Welch's t-test, ``SE = sqrt(s_a^2/n_a + s_b^2/n_b)`` with
    Welch-Satterthwaite degrees of freedom.

    Parameters
    ----------
    a, b : array_like, 1-d
        The two samples.
    paired : bool
        Whether ``a[i]`` and ``b[i]`` come from the same random draw.
    alpha, tol, seed, power, label
        As in :func:`check_mean`.

    Returns
    -------
    CheckResult
        ``estimate`` is ``mean(a) - mean(b)``.

    Raises
    ------
    SimTheoryInputError
        On bad samples (paired samples of different lengths included).

    Examples
    --------
    >>> rng = np.random.default_rng(2)
    >>> z = rng.normal(size=5000)
    >>> check_means(z + rng.normal(0, 0.1, 5000), z, paired=True, seed=2).passed
    True
    """
    xa, xb = _samples("a", a), _samples("b", b)
    if paired:
        if xa.size != xb.size:
            raise SimTheoryInputError("b", f"paired samples need equal lengths, got {xa.size} and {xb.size}")
        res = check_mean(xa - xb, 0.0, alpha=alpha, tol=tol, seed=seed, power=power, label=label)
        check = "paired mean(a) - mean(b) == 0" + (f" +- {_fmt(tol)}" if tol else "")
        return CheckResult(
            res.passed,
            check,
            res.estimate,
            res.se,
            res.n,
            seed,
            res.statistic,
            res.p_value,
            res.detectable,
            res.message.replace(res.check, check, 1),
        )
    tol = check_scalar("tol", tol, low=0)
    alpha = _alpha(alpha)
    na, nb = xa.size, xb.size
    va, vb = xa.var(ddof=1) / na, xb.var(ddof=1) / nb
    est = float(xa.mean() - xb.mean())
    se = float(math.sqrt(va + vb))
    df = (va + vb) ** 2 / (va**2 / (na - 1) + vb**2 / (nb - 1)) if va + vb > 0 else float(na + nb - 2)
    q = float(stats.t.ppf(1 - alpha / 2, df))
    t = est / se if se > 0 else (0.0 if est == 0 else math.copysign(math.inf, est))
    p = float(2 * stats.t.sf(abs(t), df)) if math.isfinite(t) else 0.0
    ok = abs(est) <= tol + q * se
    za, zp = stats.norm.ppf(1 - alpha / 2), stats.norm.ppf(power)
    det = float((za + zp) * se) + tol
    check = "mean(a) - mean(b) == 0" + (f" +- {_fmt(tol)}" if tol else "")
    body = (
        f"|difference| = {_fmt(abs(est))} vs allowed {_fmt(tol)} + {q:.3g} SE = {_fmt(tol + q * se)} "
        f"(Welch t = {t:.3g}, df {df:.0f}, p = {p:.3g}, alpha {alpha:g}; n_a {na}, n_b {nb})"
    )
    return CheckResult(
        ok,
        check,
        est,
        se,
        na + nb,
        seed,
        t,
        p,
        det,
        _message(ok, check, label, est, se, na + nb, seed, body, det, power),
    )


def assert_means(a, b, **kwargs) -> CheckResult:
    """:func:`check_means`, raising :class:`MonteCarloAssertionError` on failure.

    Parameters
    ----------
    a, b : array_like, 1-d
        The two samples.
    **kwargs
        ``paired``, ``alpha``, ``tol``, ``seed``, ``power``, ``label`` as in :func:`check_means`.

    Returns
    -------
    CheckResult
        The passed check.

    Raises
    ------
    MonteCarloAssertionError
        When the check fails (``.result`` holds the CheckResult).
    SimTheoryInputError
        On bad samples or arguments.

    Examples
    --------
    >>> import numpy as np
    >>> from simtheory.testing import assert_means
    >>> rng = np.random.default_rng(6)
    >>> assert_means(rng.normal(size=500), rng.normal(size=500), seed=6).passed
    True
    """
    return check_means(a, b, **kwargs).raise_if_failed()


# ----------------------------------------------------------------------------- inequality


def _check_side(samples, bound: float, sign: int, z: float, seed, power: float, label: str) -> CheckResult:
    x = _samples("samples", samples)
    bound = check_scalar("bound", bound)
    z = check_scalar("z", z, low=0, low_open=True)
    n = x.size
    est, sd = float(x.mean()), float(x.std(ddof=1))
    se = sd / math.sqrt(n)
    # signed margin: positive when the inequality holds
    margin = sign * (est - bound)
    zs = margin / se if se > 0 else (0.0 if margin == 0 else math.copysign(math.inf, margin))
    ok = zs >= -z
    alpha = float(stats.norm.sf(z))
    p = float(stats.norm.cdf(zs)) if math.isfinite(zs) else float(zs < 0)
    det = float((z + stats.norm.ppf(power)) * se)
    op = ">=" if sign > 0 else "<="
    check = f"mean {op} {_fmt(bound)}"
    body = (
        f"margin {_fmt(margin)} = {zs:.3g} SE; fails below -{z:g} SE (one-sided false-alarm "
        f"probability {alpha:.2g} at the boundary; p = {p:.3g})"
    )
    return CheckResult(
        ok, check, est, se, n, seed, zs, p, det, _message(ok, check, label, est, se, n, seed, body, det, power)
    )


def check_mean_ge(
    samples, bound: float, *, z: float = 3.0, seed: int | None = None, power: float = 0.8, label: str = ""
) -> CheckResult:
    """Is the mean of ``samples`` at least ``bound``?

    Fails when ``mean < bound - z * SE`` (one-sided; false-alarm probability
    ``Phi(-z)`` when the mean equals the bound, smaller when it lies above).

    Parameters
    ----------
    samples : array_like, 1-d
        Independent draws.
    bound : float
        The claimed lower bound.
    z : float
        z-threshold (default 3: false-alarm probability 0.13 %).
    seed, power, label
        As in :func:`check_mean`.

    Returns
    -------
    CheckResult
        ``statistic`` is the signed margin in SEs (positive: inequality holds).

    Raises
    ------
    SimTheoryInputError
        On bad samples or a non-positive ``z``.

    Examples
    --------
    >>> rng = np.random.default_rng(3)
    >>> check_mean_ge(rng.uniform(0, 1, 1000), 0.4, seed=3).passed
    True
    """
    return _check_side(samples, bound, +1, z, seed, power, label)


def check_mean_le(
    samples, bound: float, *, z: float = 3.0, seed: int | None = None, power: float = 0.8, label: str = ""
) -> CheckResult:
    """Is the mean of ``samples`` at most ``bound``? Mirror of :func:`check_mean_ge`.

    Fails when ``mean > bound + z * SE`` (one-sided).

    Parameters
    ----------
    samples : array_like, 1-d
        Independent draws.
    bound : float
        The claimed upper bound.
    z : float
        z-threshold (default 3: false-alarm probability 0.13 %).
    seed, power, label
        As in :func:`check_mean`.

    Returns
    -------
    CheckResult
        ``statistic`` is the signed margin in SEs (positive: inequality holds).

    Raises
    ------
    SimTheoryInputError
        On bad samples or a non-positive ``z``.

    Examples
    --------
    >>> rng = np.random.default_rng(4)
    >>> check_mean_le(rng.uniform(0, 1, 1000), 0.4, seed=4).passed
    False
    """
    return _check_side(samples, bound, -1, z, seed, power, label)


def assert_mean_ge(samples, bound: float, **kwargs) -> CheckResult:
    """:func:`check_mean_ge`, raising :class:`MonteCarloAssertionError` on failure.

    Parameters
    ----------
    samples : array_like, 1-d
        Independent draws.
    bound : float
        The claimed lower bound.
    **kwargs
        ``z``, ``seed``, ``power``, ``label`` as in :func:`check_mean_ge`.

    Returns
    -------
    CheckResult
        The passed check.

    Raises
    ------
    MonteCarloAssertionError
        When the check fails (``.result`` holds the CheckResult).
    SimTheoryInputError
        On bad samples or arguments.

    Examples
    --------
    >>> import numpy as np
    >>> from simtheory.testing import assert_mean_ge
    >>> assert_mean_ge(np.random.default_rng(3).uniform(0, 1, 1000), 0.4, seed=3).passed
    True
    """
    return check_mean_ge(samples, bound, **kwargs).raise_if_failed()


def assert_mean_le(samples, bound: float, **kwargs) -> CheckResult:
    """:func:`check_mean_le`, raising :class:`MonteCarloAssertionError` on failure.

    Parameters
    ----------
    samples : array_like, 1-d
        Independent draws.
    bound : float
        The claimed upper bound.
    **kwargs
        ``z``, ``seed``, ``power``, ``label`` as in :func:`check_mean_le`.

    Returns
    -------
    CheckResult
        The passed check.

    Raises
    ------
    MonteCarloAssertionError
        When the check fails (``.result`` holds the CheckResult).
    SimTheoryInputError
        On bad samples or arguments.

    Examples
    --------
    >>> import numpy as np
    >>> from simtheory.testing import assert_mean_le
    >>> assert_mean_le(np.random.default_rng(3).uniform(0, 1, 1000), 0.6, seed=3).passed
    True
    """
    return check_mean_le(samples, bound, **kwargs).raise_if_failed()


# ----------------------------------------------------------------------------- rate


@dataclass(frozen=True)
class RateResult(CheckResult):
    """A :class:`CheckResult` of :func:`check_rate` plus the fit.

    ``estimate`` is the slope, ``se`` its standard error; the other fields as in :class:`CheckResult`.

    Attributes
    ----------
    ci : tuple of float
        The slope's ``1 - alpha`` confidence interval.
    intercept : float
        The log-scale intercept (``y ~ exp(intercept) * n**slope``).

    Examples
    --------
    >>> import numpy as np
    >>> from simtheory.testing import check_rate
    >>> ns = np.array([100, 200, 400, 800, 1600])
    >>> res = check_rate(ns, 2.0 / np.sqrt(ns) * np.exp([0.01, -0.02, 0.0, 0.015, -0.01]), expected=-0.5)
    >>> round(res.estimate, 2), [round(v, 2) for v in res.ci], round(float(np.exp(res.intercept)), 1)
    (-0.5, [-0.54, -0.46], 2.0)
    """

    ci: tuple[float, float] = (math.nan, math.nan)
    intercept: float = math.nan


def check_rate(
    n: Sequence[float],
    y: Sequence[float],
    se: Sequence[float] | None = None,
    *,
    expected: float | None = None,
    at_most: float | None = None,
    at_least: float | None = None,
    alpha: float = 0.01,
    tol: float = 0.0,
    seed: int | None = None,
    label: str = "",
) -> RateResult:
    """Does ``y`` decay (or grow) like ``n**slope`` with the claimed exponent?

    Fits ``log y = a + slope * log n`` by OLS, or by WLS with weights
    ``(y / se)**2`` when the points' standard errors ``se`` are given (delta method:
    ``SE(log y) ~ se / y``); the residual scale is estimated, so misfit widens the
    CI. The ``1 - alpha`` CI uses the t distribution with ``len(n) - 2`` degrees
    of freedom (:mod:`statsmodels`).

    Exactly one of ``expected`` (an exponent: fail when it lies outside the CI widened
    by ``tol``), ``at_most`` (fail when the whole CI lies above it) and ``at_least``
    (fail when the whole CI lies below it) is given.

    Parameters
    ----------
    n : sequence of float
        Positive sample sizes (x axis), at least 3 distinct values.
    y : sequence of float
        Positive errors / estimates at each ``n``.
    se : sequence of float, optional
        Standard errors of ``y``.
    expected, at_most, at_least : float, optional
        The claimed exponent or a bound on it.
    alpha : float
        1 - confidence level of the slope's CI (default 0.01).
    tol : float
        Allowed systematic deviation of the exponent (finite-n bias), >= 0.
    seed, label
        As in :func:`check_mean`.

    Returns
    -------
    RateResult
        ``n`` is the number of points; ``detectable`` the deviation of the slope
        detected with 80 % power.

    Raises
    ------
    SimTheoryInputError
        On non-positive values, fewer than 3 points, or not exactly one target.

    Examples
    --------
    >>> ns = np.array([100, 200, 400, 800, 1600])
    >>> check_rate(ns, 2.0 / np.sqrt(ns) * np.exp([0.01, -0.02, 0.0, 0.015, -0.01]), expected=-0.5).passed
    True
    """
    import statsmodels.api as sm

    x = check_finite_array("n", n, ndim=1)
    yy = check_finite_array("y", y, shape=(x.size,))
    if x.size < 3 or np.unique(x).size < 3:
        raise SimTheoryInputError("n", f"needs at least 3 distinct values for a slope CI, got {np.unique(x).size}")
    if np.any(x <= 0):
        raise SimTheoryInputError("n", "must be positive (log-log fit)")
    if np.any(yy <= 0):
        raise SimTheoryInputError("y", "must be positive (log-log fit)")
    targets = [t for t in (expected, at_most, at_least) if t is not None]
    if len(targets) != 1:
        raise SimTheoryInputError("expected", "give exactly one of expected=, at_most=, at_least=")
    alpha = _alpha(alpha)
    tol = check_scalar("tol", tol, low=0)
    X = sm.add_constant(np.log(x))
    if se is not None:
        s = check_finite_array("se", se, shape=(x.size,))
        if np.any(s <= 0):
            raise SimTheoryInputError("se", "must be positive")
        fit = sm.WLS(np.log(yy), X, weights=(yy / s) ** 2).fit()
    else:
        fit = sm.OLS(np.log(yy), X).fit()
    slope, icpt = float(fit.params[1]), float(fit.params[0])
    sse = float(fit.bse[1])
    lo, hi = (float(v) for v in fit.conf_int(alpha)[1])
    df = x.size - 2
    q = float(stats.t.ppf(1 - alpha / 2, df))
    det = float((q + stats.t.ppf(0.8, df)) * sse)
    if expected is not None:
        target = check_scalar("expected", expected)
        ok = lo - tol <= target <= hi + tol
        check = f"slope == {_fmt(target)}" + (f" +- {_fmt(tol)}" if tol else "")
    elif at_most is not None:
        target = check_scalar("at_most", at_most)
        ok = lo <= target + tol
        check = f"slope <= {_fmt(target)}"
    else:
        target = check_scalar("at_least", at_least)
        ok = hi >= target - tol
        check = f"slope >= {_fmt(target)}"
    tstat = (slope - target) / sse if sse > 0 else 0.0
    p = float(2 * stats.t.sf(abs(tstat), df)) if df > 0 else math.nan
    body = (
        f"{1 - alpha:.0%} CI [{_fmt(lo)}, {_fmt(hi)}] ({'WLS' if se is not None else 'OLS'} on "
        f"{x.size} log-log points, t df {df}; (slope - {_fmt(target)}) / SE = {tstat:.3g})"
    )
    return RateResult(
        ok,
        check,
        slope,
        sse,
        int(x.size),
        seed,
        tstat,
        p,
        det,
        _message(ok, check, label, slope, sse, int(x.size), seed, body, det, 0.8),
        ci=(lo, hi),
        intercept=icpt,
    )


def assert_rate(n, y, se=None, **kwargs) -> RateResult:
    """:func:`check_rate`, raising :class:`MonteCarloAssertionError` on failure.

    Parameters
    ----------
    n, y : sequence of float
        Positive sample sizes and the errors / estimates at each.
    se : sequence of float, optional
        Standard errors of ``y`` (WLS fit).
    **kwargs
        ``expected`` / ``at_most`` / ``at_least``, ``alpha``, ``tol``, ``seed``, ``label`` as in
        :func:`check_rate`.

    Returns
    -------
    RateResult
        The passed check with the fitted slope.

    Raises
    ------
    MonteCarloAssertionError
        When the check fails (``.result`` holds the CheckResult).
    SimTheoryInputError
        On bad samples or arguments.

    Examples
    --------
    >>> import numpy as np
    >>> from simtheory.testing import assert_rate
    >>> ns = np.array([100, 200, 400, 800, 1600])
    >>> round(assert_rate(ns, 2.0 / np.sqrt(ns), at_most=-0.4).estimate, 2)
    -0.5
    """
    return check_rate(n, y, se, **kwargs).raise_if_failed()  # type: ignore[return-value]


# ----------------------------------------------------------------------------- distribution


def check_distribution(
    samples,
    dist: str | Callable | Any,
    args: tuple = (),
    *,
    test: str = "ks",
    alpha: float = 1e-3,
    seed: int | None = None,
    n_mc: int = 999,
    label: str = "",
) -> CheckResult:
    """Do ``samples`` follow the fully specified distribution ``dist``?

    ``test="ks"``: Kolmogorov-Smirnov (:func:`scipy.stats.kstest`; ``dist`` may be a
    scipy distribution name, a frozen distribution, a CDF callable, or a second sample).
    ``test="ad"``: Anderson-Darling; against a distribution its p-value comes from
    :func:`scipy.stats.goodness_of_fit` with all parameters known (``n_mc`` null
    samples drawn with ``seed``), against a second sample from
    :func:`scipy.stats.anderson_ksamp`.

    Parameters
    ----------
    samples : array_like, 1-d
        The draws.
    dist : str, callable, frozen scipy distribution or array_like
        The claimed distribution or a reference sample.
    args : tuple
        Parameters of ``dist`` when it is a name.
    test : {"ks", "ad"}
        The goodness-of-fit statistic.
    alpha : float
        Fail when p < alpha.
    seed : int, optional
        Seed of the samples (reported), also seeds the AD null simulation.
    n_mc : int
        Null samples of the AD p-value.
    label : str
        Name in the message.

    Returns
    -------
    CheckResult
        ``estimate`` is the statistic; ``se`` is nan.

    Raises
    ------
    SimTheoryInputError
        On bad samples, an unknown test or distribution.

    Examples
    --------
    >>> rng = np.random.default_rng(5)
    >>> check_distribution(rng.normal(size=2000), "norm", seed=5).passed
    True
    >>> check_distribution(rng.standard_t(3, size=2000), "norm", seed=5).passed
    False
    """
    x = _samples("samples", samples)
    alpha = _alpha(alpha)
    if test not in ("ks", "ad"):
        raise SimTheoryInputError("test", f"must be 'ks' or 'ad', got {test!r}")
    two_sample = not isinstance(dist, str) and not callable(dist) and not hasattr(dist, "cdf")
    if two_sample:
        ref = _samples("dist", dist)
        what = f"sample of {ref.size}"
        if test == "ks":
            r = stats.ks_2samp(x, ref)
            statistic, p = float(r.statistic), float(r.pvalue)
        else:
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # p-value capped to [0.001, 0.25]
                r = stats.anderson_ksamp([x, ref], method=stats.PermutationMethod(n_resamples=n_mc, rng=seed))
            statistic, p = float(r.statistic), float(r.pvalue)
    else:
        if isinstance(dist, str):
            if not hasattr(stats, dist) or not hasattr(getattr(stats, dist), "cdf"):
                raise SimTheoryInputError("dist", f"unknown scipy.stats distribution {dist!r}")
            frozen = getattr(stats, dist)(*args)
            what = f"{dist}{tuple(args) if args else ''}"
        elif hasattr(dist, "cdf"):
            frozen, what = dist, getattr(getattr(dist, "dist", None), "name", "distribution")
        else:
            frozen, what = None, getattr(dist, "__name__", "cdf")
        if test == "ks":
            r = stats.kstest(x, frozen.cdf if frozen is not None else dist)
            statistic, p = float(r.statistic), float(r.pvalue)
        else:
            if frozen is None or not hasattr(frozen, "dist"):
                raise SimTheoryInputError("dist", "the AD test needs a scipy distribution (name or frozen)")
            family = frozen.dist
            names = [s.strip() for s in (family.shapes or "").split(",") if s.strip()] + ["loc", "scale"]
            shapes, loc, scale = family._parse_args(*frozen.args, **frozen.kwds)
            known = dict(zip(names, [*shapes, loc, scale]))
            r = stats.goodness_of_fit(family, x, known_params=known, statistic="ad", n_mc_samples=n_mc, rng=seed)
            statistic, p = float(r.statistic), float(r.pvalue)
    ok = p >= alpha
    check = f"samples ~ {what} ({test.upper()})"
    body = f"{test.upper()} statistic {statistic:.4g}, p = {p:.3g} vs alpha {alpha:g}"
    if test == "ks":
        det = float(math.sqrt(-math.log(alpha / 2) / (2 * x.size)))
        body += f"; KS critical distance ~ {det:.3g} (largest CDF gap this n cannot resolve)"
    else:
        det = math.nan
    msg = f"{'PASS' if ok else 'FAIL'} {label + ': ' if label else ''}{check}: n {x.size}, seed {seed}; {body}"
    return CheckResult(ok, check, statistic, math.nan, int(x.size), seed, statistic, p, det, msg)


def assert_distribution(samples, dist, args: tuple = (), **kwargs) -> CheckResult:
    """:func:`check_distribution`, raising :class:`MonteCarloAssertionError` on failure.

    Parameters
    ----------
    samples : array_like, 1-d
        The draws.
    dist : str, callable, frozen scipy distribution or array_like
        The claimed distribution or a reference sample.
    args : tuple
        Parameters of ``dist`` when it is a name.
    **kwargs
        ``test``, ``alpha``, ``seed``, ``n_mc``, ``label`` as in :func:`check_distribution`.

    Returns
    -------
    CheckResult
        The passed check.

    Raises
    ------
    MonteCarloAssertionError
        When the check fails (``.result`` holds the CheckResult).
    SimTheoryInputError
        On bad samples or arguments.

    Examples
    --------
    >>> import numpy as np
    >>> from simtheory.testing import assert_distribution
    >>> assert_distribution(np.random.default_rng(6).uniform(size=500), "uniform", seed=6).passed
    True
    """
    return check_distribution(samples, dist, args, **kwargs).raise_if_failed()
