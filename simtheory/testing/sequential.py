"""Sample until the confidence interval is decisive, or the budget runs out.

Error control: a **fixed number of planned looks with a Bonferroni split**. The
sample size doubles at each look (``n0, 2 n0, 4 n0, ...`` up to ``budget``), so the
number of looks ``K`` is known before sampling, and every look uses a two-sided
confidence interval at level ``1 - alpha / K``. By the union bound the probability
that *any* look wrongly declares a violation (when the claim holds) is at most
``alpha``, whatever the stopping rule; the same holds for wrongly declaring that the
claim holds when it is violated by more than ``tol``.

Decisions for the claim ``mean == value (+- tol)``:

* ``"violated"``: the CI lies entirely outside ``[value - tol, value + tol]``;
* ``"holds"``: the CI lies entirely inside it (requires ``tol > 0``);
* ``"undecided"``: the budget ran out first.

For ``mean >= bound`` (``side=">="``): ``"holds"`` when the CI's lower end is above
the bound, ``"violated"`` when its upper end is below; ``side="<="`` mirrors it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from simtheory.testing.assertions import MonteCarloAssertionError, detectable_effect
from simtheory.validation import SimTheoryInputError, check_scalar

__all__ = ["SequentialResult", "assert_sequential", "sequential_mean"]


@dataclass(frozen=True)
class SequentialResult:
    """Outcome of :func:`sequential_mean`.

    Attributes
    ----------
    decision : {"holds", "violated", "undecided"}
        The claim's status after the last look.
    estimate, se : float
        Mean and SE at the last look.
    n : int
        Samples used.
    looks : int
        Looks taken (of ``planned_looks``).
    planned_looks : int
        Number K of looks planned (the Bonferroni split of ``alpha``).
    ci : tuple of float
        The last look's ``1 - alpha / planned_looks`` CI.
    seed : int or None
        Seed of the sampler's generator.
    message : str
        One paragraph with all of the above.
    passed : bool
        False only for ``"violated"``.
    statistic : float
        (estimate - claimed value) / SE.
    p_value : float
        nan (not computed).
    detectable : float
        Smallest violation detectable with 80 % power at the final n.
    check : str
        The claim, e.g. ``"mean >= 0"``.
    history : list of dict
        ``n``, ``estimate``, ``se``, ``lo``, ``hi`` at each look.

    Examples
    --------
    >>> from simtheory.testing import sequential_mean
    >>> r = sequential_mean(lambda rng, m: rng.normal(1.0, 1.0, m), bound=0.0, n0=100, budget=1000, seed=0)
    >>> r.decision, r.looks, r.planned_looks, r.n, bool(r)
    ('holds', 1, 5, 100, True)
    """

    decision: str
    estimate: float
    se: float
    n: int
    looks: int
    planned_looks: int
    ci: tuple[float, float]
    seed: int | None
    message: str
    passed: bool
    statistic: float = math.nan
    p_value: float = math.nan
    detectable: float = math.nan
    check: str = ""
    history: list[dict] = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.passed

    def raise_if_failed(self) -> SequentialResult:
        if not self.passed:
            raise MonteCarloAssertionError(self)  # type: ignore[arg-type]
        return self


def _schedule(n0: int, budget: int) -> list[int]:
    sizes, n = [], n0
    while n < budget:
        sizes.append(n)
        n *= 2
    sizes.append(budget)
    return sizes


def sequential_mean(
    sampler: Callable[[np.random.Generator, int], np.ndarray],
    *,
    value: float | None = None,
    bound: float | None = None,
    side: str = ">=",
    tol: float = 0.0,
    alpha: float = 1e-3,
    n0: int = 1000,
    budget: int = 1_000_000,
    seed: int = 0,
    label: str = "",
) -> SequentialResult:
    """Draw batches from ``sampler`` until the claim about their mean is decided.

    Parameters
    ----------
    sampler : callable
        ``sampler(rng, m)`` returns ``m`` new i.i.d. draws (1-d array).
    value : float, optional
        Claimed mean (equality claim, with ``tol``).
    bound : float, optional
        Claimed bound (inequality claim, with ``side``).
    side : {">=", "<="}
        Direction of the inequality claim ``mean side bound``.
    tol : float
        Equivalence margin of an equality claim (0: it can only be found violated).
    alpha : float
        Overall error probability, split over the planned looks (Bonferroni).
    n0 : int
        Samples at the first look; doubles at each look.
    budget : int
        Largest total sample size.
    seed : int
        Seed of ``np.random.default_rng`` (all batches come from one generator).
    label : str
        Name in the message.

    Returns
    -------
    SequentialResult
        ``passed`` is False only for ``"violated"``.

    Raises
    ------
    SimTheoryInputError
        On bad arguments or a sampler returning non-finite / wrongly sized output.

    Examples
    --------
    >>> r = sequential_mean(lambda rng, m: rng.normal(0.02, 1.0, m), value=0.0, alpha=0.01,
    ...                     n0=1000, budget=2_000_000, seed=0)
    >>> r.decision, r.n < 2_000_000
    ('violated', True)
    """
    if (value is None) == (bound is None):
        raise SimTheoryInputError("value", "give exactly one of value= (equality) or bound= (inequality)")
    if side not in (">=", "<="):
        raise SimTheoryInputError("side", f"must be '>=' or '<=', got {side!r}")
    alpha = check_scalar("alpha", alpha, low=0, high=1, low_open=True, high_open=True)
    tol = check_scalar("tol", tol, low=0)
    n0 = int(check_scalar("n0", n0, low=2, integer=True))
    budget = int(check_scalar("budget", budget, low=n0, integer=True))
    ref = float(value if value is not None else bound)  # type: ignore[arg-type]
    sizes = _schedule(n0, budget)
    K = len(sizes)
    q = float(stats.norm.ppf(1 - alpha / (2 * K)))
    rng = np.random.default_rng(seed)
    total = total_sq = shift = 0.0
    n = 0
    history: list[dict] = []
    decision = "undecided"
    est = se = lo = hi = math.nan
    for _k, target in enumerate(sizes, 1):
        m = target - n
        x = np.asarray(sampler(rng, m), dtype=float)
        if x.shape != (m,):
            raise SimTheoryInputError("sampler", f"must return {m} draws as a 1-d array, got shape {x.shape}")
        if not np.all(np.isfinite(x)):
            raise SimTheoryInputError("sampler", "returned NaN/inf")
        if not history:
            shift = float(x[0])  # shifted sums keep the variance numerically stable
        total += float((x - shift).sum())
        total_sq += float(((x - shift) ** 2).sum())
        n = target
        mean_c = total / n
        est = shift + mean_c
        var = max(total_sq / n - mean_c**2, 0.0) * n / (n - 1)
        se = math.sqrt(var / n)
        lo, hi = est - q * se, est + q * se
        history.append({"n": n, "estimate": est, "se": se, "lo": lo, "hi": hi})
        if value is not None:
            if hi < value - tol or lo > value + tol:
                decision = "violated"
            elif tol > 0 and lo >= value - tol and hi <= value + tol:
                decision = "holds"
        elif side == ">=":
            decision = "holds" if lo > ref else ("violated" if hi < ref else "undecided")
        else:
            decision = "holds" if hi < ref else ("violated" if lo > ref else "undecided")
        if decision != "undecided":
            break
    claim = (f"mean == {value:g}" + (f" +- {tol:g}" if tol else "")) if value is not None else f"mean {side} {bound:g}"
    sd = se * math.sqrt(n)
    det = detectable_effect(n, sd, alpha / K, 0.8) if sd > 0 else 0.0
    passed = decision != "violated"
    msg = (
        f"{'PASS' if passed else 'FAIL'} {label + ': ' if label else ''}{claim}: {decision} after "
        f"{len(history)} of {K} planned looks; estimate {est:.6g}, SE {se:.3g}, n {n}, seed {seed}; "
        f"CI [{lo:.6g}, {hi:.6g}] at level 1 - {alpha:g}/{K} per look (Bonferroni over planned looks, "
        f"overall error <= {alpha:g}); smallest violation detectable with 80% power at n {n}: {det:.3g}"
    )
    return SequentialResult(
        decision,
        est,
        se,
        n,
        len(history),
        K,
        (lo, hi),
        seed,
        msg,
        passed,
        statistic=(est - ref) / se if se > 0 else 0.0,
        detectable=det,
        check=claim,
        history=history,
    )


def assert_sequential(
    sampler: Callable[[np.random.Generator, int], np.ndarray], *, require_decision: bool = False, **kwargs
) -> SequentialResult:
    """:func:`sequential_mean`, raising :class:`MonteCarloAssertionError` when the claim is found violated.

    Parameters
    ----------
    sampler : callable
        ``sampler(rng, m)`` returns ``m`` new i.i.d. draws (1-d array).
    require_decision : bool
        Also raise when the budget ran out undecided.
    **kwargs
        ``value`` / ``bound``, ``side``, ``tol``, ``alpha``, ``n0``, ``budget``, ``seed``, ``label`` as in
        :func:`sequential_mean`.

    Returns
    -------
    SequentialResult
        The result of a claim not found violated.

    Raises
    ------
    MonteCarloAssertionError
        When the claim is found violated (or undecided with ``require_decision=True``).
    SimTheoryInputError
        On bad arguments or sampler output.

    Examples
    --------
    >>> from simtheory.testing import assert_sequential
    >>> r = assert_sequential(lambda rng, m: rng.normal(0.0, 1.0, m), value=0.0, tol=0.5, n0=100, budget=1000)
    >>> r.decision
    'holds'
    >>> assert_sequential(lambda rng, m: rng.normal(1.0, 1.0, m), value=0.0, n0=100, budget=1000)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    simtheory.testing.assertions.MonteCarloAssertionError: FAIL mean == 0: violated after 1 of 5 planned looks; ...
    """
    r = sequential_mean(sampler, **kwargs)
    if not r.passed or (require_decision and r.decision == "undecided"):
        raise MonteCarloAssertionError(r)  # type: ignore[arg-type]
    return r
