"""Decision rules: how a claim's numbers become a verdict.

A claim never writes its verdict. It declares a :class:`Rule` when it is registered, and its
check returns the numbers the rule needs; :meth:`Rule.decide` turns them into a
:class:`Decision` (verdict, the numbers read against the rule, and, when the claim does not
hold or the numbers cannot decide, what would have made it hold).

Verdicts (:data:`VERDICTS`):

- ``holds``: the interval of the estimate lies entirely on the claimed side of the rule's
  boundary (for an exact identity: the error is within the numerical tolerance);
- ``does not hold``: the interval lies entirely on the other side;
- ``inconclusive``: the interval spans the boundary (the sample cannot decide);
- ``not checkable``: the check raised or an input is missing. Only the report harness gives it.

The same rule is used in quick and full mode; only the sample size changes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

HOLDS = "holds"
FAILS = "does not hold"
INCONCLUSIVE = "inconclusive"
NOT_CHECKABLE = "not checkable"
VERDICTS = (HOLDS, FAILS, INCONCLUSIVE, NOT_CHECKABLE)
#: verdicts a rule can give (``not checkable`` is the harness's)
DECIDED = (HOLDS, FAILS, INCONCLUSIVE)


@dataclass(frozen=True)
class Decision:
    """A rule's verdict on a set of numbers.

    Attributes
    ----------
    verdict : str
        One of :data:`DECIDED` (or ``not checkable``, from the report harness only).
    reason : str
        The numbers read against the rule (one line).
    would_hold : str or None
        For ``does not hold`` / ``inconclusive``, what the numbers would have had to be.

    Examples
    --------
    >>> d = Identity(tol=1e-9).decide({"error": 1e-3})
    >>> d.verdict, d.would_hold
    ('does not hold', 'holds with max deviation <= 1e-09')
    """

    verdict: str
    reason: str
    would_hold: str | None = None


def _g(x: float) -> str:
    return f"{x:.4g}"


def _num(numbers: Mapping[str, Any], key: str, default: float | None = None) -> float:
    if key not in numbers or numbers[key] is None:
        if default is None:
            raise KeyError(f"rule input {key!r} missing (got {sorted(numbers)})")
        return default
    v = float(numbers[key])
    if math.isnan(v):
        raise ValueError(f"rule input {key!r} is NaN")
    return v


class Rule:
    """Base class of decision rules. Subclasses define :meth:`decide`, :meth:`describe` and :meth:`probes`.

    ``decide(numbers) -> Decision`` turns a claim's numbers into a verdict; ``describe()`` states the
    rule in one line (also ``str(rule)``); ``to_json()`` gives ``{"type", "text"}`` for the report.

    Examples
    --------
    >>> rule = Inequality(">=", 0.5)
    >>> isinstance(rule, Rule), rule.to_json()["type"]
    (True, 'Inequality')
    >>> sorted({rule.decide(p).verdict for p in rule.probes()})
    ['does not hold', 'holds', 'inconclusive']
    """

    kind = "rule"

    def decide(self, numbers: Mapping[str, Any]) -> Decision:  # pragma: no cover - abstract
        raise NotImplementedError

    def describe(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def probes(self) -> list[dict[str, Any]]:
        """Inputs on both sides of the rule (used by the test that every claim can reach two verdicts)."""
        raise NotImplementedError  # pragma: no cover

    def to_json(self) -> dict[str, Any]:
        return {"type": type(self).__name__, "text": self.describe()}

    def __str__(self) -> str:
        return self.describe()


def _interval(numbers: Mapping[str, Any], z: float) -> tuple[float, float, float, str]:
    """(estimate, lo, hi, text): from ``lo``/``hi`` if given, else ``estimate +- z * se`` (se 0 if absent)."""
    est = _num(numbers, "estimate")
    if "lo" in numbers and "hi" in numbers:
        lo, hi = _num(numbers, "lo"), _num(numbers, "hi")
        return est, lo, hi, f"{_g(est)} [{_g(lo)}, {_g(hi)}]"
    se = _num(numbers, "se", 0.0)
    if se < 0:
        raise ValueError(f"rule input 'se' is negative ({se})")
    if se == 0:
        return est, est, est, _g(est)
    return est, est - z * se, est + z * se, f"{_g(est)} +- {z:g} x {_g(se)} = [{_g(est - z * se)}, {_g(est + z * se)}]"


@dataclass(frozen=True)
class Inequality(Rule):
    """The claim says ``quantity op boundary`` (op ``>=`` or ``<=``), read with a margin.

    The effective boundary is ``boundary - margin`` for ``>=`` and ``boundary + margin`` for ``<=``.
    ``holds`` when the interval (``estimate +- z se``, or given ``lo``/``hi``) lies entirely on the
    claimed side, ``does not hold`` when it lies entirely on the other side, else ``inconclusive``.
    Inputs: ``estimate`` and ``se`` (or ``lo``, ``hi``).

    Attributes
    ----------
    op : {">=", "<="}
        The claimed direction.
    boundary : float
        The claimed bound.
    quantity : str, default "estimate"
        Name of the quantity, for the text.
    margin : float, default 0.0
        Slack granted on the claimed side.
    z : float, default 1.96
        Interval half-width in standard errors.

    Raises
    ------
    ValueError
        If ``op`` is not ``>=`` or ``<=``.

    Examples
    --------
    >>> rule = Inequality(">=", 0.5, quantity="Q_pair")
    >>> rule.decide({"estimate": 0.6, "se": 0.01}).reason
    'Q_pair = 0.6 +- 1.96 x 0.01 = [0.5804, 0.6196] against >= 0.5'
    >>> rule.decide({"estimate": 0.6, "se": 0.01}).verdict, rule.decide({"estimate": 0.5, "se": 0.1}).verdict
    ('holds', 'inconclusive')
    """

    op: str
    boundary: float
    quantity: str = "estimate"
    margin: float = 0.0
    z: float = 1.96

    kind = "inequality"

    def __post_init__(self):
        if self.op not in (">=", "<="):
            raise ValueError(f"op: must be '>=' or '<=', got {self.op!r}")

    @property
    def edge(self) -> float:
        return self.boundary - self.margin if self.op == ">=" else self.boundary + self.margin

    def describe(self) -> str:
        m = f" (margin {_g(self.margin)})" if self.margin else ""
        return (
            f"{self.quantity} {self.op} {_g(self.boundary)}{m}: holds if its interval (estimate +- {self.z:g} SE) "
            f"lies entirely {'above' if self.op == '>=' else 'below'} {_g(self.edge)}, does not hold if entirely "
            f"{'below' if self.op == '>=' else 'above'}, inconclusive if it spans it"
        )

    def decide(self, numbers: Mapping[str, Any]) -> Decision:
        _est, lo, hi, text = _interval(numbers, self.z)
        e = self.edge
        good, bad = (lo >= e, hi < e) if self.op == ">=" else (hi <= e, lo > e)
        reason = f"{self.quantity} = {text} against {self.op} {_g(e)}"
        if good:
            return Decision(HOLDS, reason)
        want = f"an interval entirely {'above' if self.op == '>=' else 'below'} {_g(e)}"
        if bad:
            return Decision(FAILS, reason, f"holds with {want}")
        return Decision(INCONCLUSIVE, reason, f"decides with more samples: holds with {want}")

    def probes(self) -> list[dict[str, Any]]:
        s = max(abs(self.edge), 1.0)
        return [
            {"estimate": self.edge + s, "se": 0.0},
            {"estimate": self.edge - s, "se": 0.0},
            {"estimate": self.edge, "se": s},
        ]


@dataclass(frozen=True)
class Agreement(Rule):
    """Our estimate agrees with the source's value within ``tol``.

    ``holds`` when the interval lies inside ``[reference - tol, reference + tol]``, ``does not
    hold`` when it lies outside, ``inconclusive`` when it straddles an edge. Inputs: ``estimate``
    and ``se`` (or ``lo``, ``hi``).

    Attributes
    ----------
    reference : float
        The source's value.
    tol : float
        Allowed absolute difference.
    quantity : str, default "estimate"
        Name of the quantity, for the text.
    z : float, default 1.96
        Interval half-width in standard errors.

    Examples
    --------
    >>> rule = Agreement(reference=1.128, tol=0.01)  # E|dr| = 2 / sqrt(pi), eq. 26
    >>> rule.decide({"estimate": 1.13, "se": 0.001}).verdict
    'holds'
    >>> rule.decide({"estimate": 1.25, "lo": 1.2, "hi": 1.3}).verdict
    'does not hold'
    """

    reference: float
    tol: float
    quantity: str = "estimate"
    z: float = 1.96

    kind = "agreement"

    def describe(self) -> str:
        return (
            f"{self.quantity} agrees with {_g(self.reference)} within {_g(self.tol)}: holds if its interval "
            f"(estimate +- {self.z:g} SE) lies inside [{_g(self.reference - self.tol)}, "
            f"{_g(self.reference + self.tol)}], does not hold if entirely outside"
        )

    def decide(self, numbers: Mapping[str, Any]) -> Decision:
        _est, lo, hi, text = _interval(numbers, self.z)
        a, b = self.reference - self.tol, self.reference + self.tol
        reason = f"{self.quantity} = {text} against [{_g(a)}, {_g(b)}]"
        if a <= lo and hi <= b:
            return Decision(HOLDS, reason)
        if hi < a or lo > b:
            return Decision(FAILS, reason, f"holds with an interval inside [{_g(a)}, {_g(b)}]")
        return Decision(INCONCLUSIVE, reason, f"decides with more samples: holds inside [{_g(a)}, {_g(b)}]")

    def probes(self) -> list[dict[str, Any]]:
        return [
            {"estimate": self.reference, "se": 0.0},
            {"estimate": self.reference + 3 * self.tol + 1, "se": 0.0},
            {"estimate": self.reference + self.tol, "se": self.tol + 1},
        ]


@dataclass(frozen=True)
class Proportion(Rule):
    """A probability claimed ``op boundary`` (e.g. "with high probability": P > 1/2), read from
    ``successes`` out of ``trials`` independent runs through the exact Clopper-Pearson interval.

    ``holds`` when the interval lies entirely on the claimed side of ``boundary``, ``does not hold``
    when it lies entirely on the other side, ``inconclusive`` when it spans it (always so with no trial).

    Attributes
    ----------
    op : {">=", "<="}
        The claimed direction.
    boundary : float
        The claimed bound on the probability, in [0, 1].
    quantity : str, default "P"
        Name of the probability, for the text.
    level : float, default 0.95
        Confidence level of the two-sided Clopper-Pearson interval.

    Raises
    ------
    ValueError
        If ``op`` is not ``>=`` or ``<=``, or ``level`` is not in (0, 1).

    Examples
    --------
    >>> rule = Proportion(">=", 0.5, "P(MLE exists)")
    >>> rule.decide({"successes": 10, "trials": 10}).reason
    'P(MLE exists) = 10/10 = 1, 95% Clopper-Pearson [0.6915, 1] against >= 0.5'
    >>> [rule.decide({"successes": k, "trials": n}).verdict for k, n in ((10, 10), (0, 10), (4, 4))]
    ['holds', 'does not hold', 'inconclusive']
    """

    op: str
    boundary: float
    quantity: str = "P"
    level: float = 0.95

    kind = "proportion"

    def __post_init__(self):
        if self.op not in (">=", "<="):
            raise ValueError(f"op: must be '>=' or '<=', got {self.op!r}")
        if not 0.0 < self.level < 1.0:
            raise ValueError(f"level: must be in (0, 1), got {self.level!r}")

    def interval(self, k: int, n: int) -> tuple[float, float]:
        """The two-sided Clopper-Pearson interval of k successes in n trials ([0, 1] when n = 0)."""
        from scipy.stats import beta

        if n <= 0:
            return 0.0, 1.0
        a = (1.0 - self.level) / 2
        lo = 0.0 if k == 0 else float(beta.ppf(a, k, n - k + 1))
        hi = 1.0 if k == n else float(beta.isf(a, k + 1, n - k))
        return lo, hi

    def describe(self) -> str:
        return (
            f"{self.quantity} {self.op} {_g(self.boundary)}: holds if its {self.level:.0%} Clopper-Pearson interval "
            f"lies entirely {'above' if self.op == '>=' else 'below'} {_g(self.boundary)}, does not hold if entirely "
            f"{'below' if self.op == '>=' else 'above'}, inconclusive if it spans it"
        )

    def decide(self, numbers: Mapping[str, Any]) -> Decision:
        k, n = int(_num(numbers, "successes")), int(_num(numbers, "trials"))
        if n < 0 or not 0 <= k <= max(n, 0):
            raise ValueError(f"rule inputs: need 0 <= successes <= trials, got {k} of {n}")
        lo, hi = self.interval(k, n)
        b = self.boundary
        good, bad = (lo >= b, hi < b) if self.op == ">=" else (hi <= b, lo > b)
        est = f"{k}/{n} = {_g(k / n)}" if n else "0/0"
        reason = (
            f"{self.quantity} = {est}, {self.level:.0%} Clopper-Pearson [{_g(lo)}, {_g(hi)}] against {self.op} {_g(b)}"
        )
        if good and n > 0:
            return Decision(HOLDS, reason)
        want = f"an interval entirely {'above' if self.op == '>=' else 'below'} {_g(b)}"
        if bad and n > 0:
            return Decision(FAILS, reason, f"holds with {want}")
        return Decision(INCONCLUSIVE, reason, f"decides with more trials: holds with {want}")

    def probes(self) -> list[dict[str, Any]]:
        n = 10**6
        hi, lo = (n, 0) if self.op == ">=" else (0, n)
        return [{"successes": hi, "trials": n}, {"successes": lo, "trials": n}, {"successes": 0, "trials": 0}]


@dataclass(frozen=True)
class Identity(Rule):
    """An identity checked to a numerical tolerance: ``error`` (a maximal absolute or relative
    deviation, no sampling error) must be ``<= tol``. Two verdicts only.

    Attributes
    ----------
    tol : float
        Numerical tolerance.
    quantity : str, default "max deviation"
        Name of the error, for the text.

    Examples
    --------
    >>> rule = Identity(tol=1e-9)
    >>> rule.decide({"error": 1e-12}).verdict, rule.decide({"error": 1e-3}).verdict
    ('holds', 'does not hold')
    """

    tol: float
    quantity: str = "max deviation"

    kind = "identity"

    def describe(self) -> str:
        return f"{self.quantity} <= {_g(self.tol)} (numerical tolerance): holds, else does not hold"

    def decide(self, numbers: Mapping[str, Any]) -> Decision:
        err = _num(numbers, "error")
        reason = f"{self.quantity} = {_g(err)} against <= {_g(self.tol)}"
        if abs(err) <= self.tol:
            return Decision(HOLDS, reason)
        return Decision(FAILS, reason, f"holds with {self.quantity} <= {_g(self.tol)}")

    def probes(self) -> list[dict[str, Any]]:
        return [{"error": 0.0}, {"error": 10 * self.tol + 1}]


@dataclass(frozen=True)
class NoViolation(Rule):
    """A bound checked case by case: ``violations`` out of ``cases`` must be 0 (``cases`` > 0;
    with no case at all the check is ``inconclusive``).

    Attributes
    ----------
    what : str, default "cases"
        What the cases are, for the text.

    Examples
    --------
    >>> rule = NoViolation("prompt populations")
    >>> rule.decide({"violations": 0, "cases": 7}).reason
    '0 of 7 prompt populations violate'
    >>> rule.decide({"violations": 0, "cases": 0}).verdict
    'inconclusive'
    """

    what: str = "cases"

    kind = "no violation"

    def describe(self) -> str:
        return f"no violation over the {self.what}: holds if 0 of n > 0 violate, does not hold if any does"

    def decide(self, numbers: Mapping[str, Any]) -> Decision:
        v, n = int(_num(numbers, "violations")), int(_num(numbers, "cases"))
        reason = f"{v} of {n} {self.what} violate"
        if n <= 0:
            return Decision(INCONCLUSIVE, reason, f"decides once some {self.what} meet the premise")
        if v == 0:
            return Decision(HOLDS, reason)
        return Decision(FAILS, reason, "holds with 0 violations")

    def probes(self) -> list[dict[str, Any]]:
        return [{"violations": 0, "cases": 10}, {"violations": 1, "cases": 10}, {"violations": 0, "cases": 0}]


@dataclass(frozen=True)
class GoodnessOfFit(Rule):
    """A distributional identity tested by a goodness-of-fit test: ``p`` (smallest p-value,
    already multiplicity-corrected if several) must be ``>= alpha``. Non-rejection only shows that
    the sample cannot tell the two distributions apart.

    Attributes
    ----------
    alpha : float, default 1e-3
        Significance level.
    test : str, default "KS test"
        Name of the test, for the text.

    Examples
    --------
    >>> rule = GoodnessOfFit()
    >>> rule.decide({"p": 0.3}).verdict, rule.decide({"p": 1e-5}).verdict
    ('holds', 'does not hold')
    """

    alpha: float = 1e-3
    test: str = "KS test"

    kind = "goodness of fit"

    def describe(self) -> str:
        return f"{self.test} p-value >= {_g(self.alpha)}: holds (no detectable difference), else does not hold"

    def decide(self, numbers: Mapping[str, Any]) -> Decision:
        p = _num(numbers, "p")
        reason = f"{self.test} p = {_g(p)} against >= {_g(self.alpha)}"
        if p >= self.alpha:
            return Decision(HOLDS, reason)
        return Decision(FAILS, reason, f"holds with p >= {_g(self.alpha)}")

    def probes(self) -> list[dict[str, Any]]:
        return [{"p": 0.5}, {"p": self.alpha / 10}]


def _combine(parts: Sequence[tuple[str, Decision]]) -> Decision:
    verdicts = [d.verdict for _, d in parts]
    reason = "; ".join(f"{name}: {d.reason} -> {d.verdict}" for name, d in parts)
    if not parts:
        return Decision(INCONCLUSIVE, "no part to check", "decides once there is something to check")
    if FAILS in verdicts:
        want = "; ".join(f"{name}: {d.would_hold}" for name, d in parts if d.verdict == FAILS)
        return Decision(FAILS, reason, want)
    if INCONCLUSIVE in verdicts:
        want = "; ".join(f"{name}: {d.would_hold}" for name, d in parts if d.verdict == INCONCLUSIVE)
        return Decision(INCONCLUSIVE, reason, want)
    return Decision(HOLDS, reason)


@dataclass(frozen=True)
class AllOf(Rule):
    """Every named part must hold: ``does not hold`` if any part does not, else ``inconclusive``
    if any part is, else ``holds``. Inputs: ``{name: inputs of that part}``.

    Parameters
    ----------
    **parts : Rule
        The parts, by name.

    Attributes
    ----------
    parts : tuple of (str, Rule)
        The named parts, in order.

    Examples
    --------
    >>> rule = AllOf(q=Inequality(">=", 0.5), ident=Identity(1e-9))
    >>> d = rule.decide({"q": {"estimate": 0.7}, "ident": {"error": 0.1}})
    >>> d.verdict, d.would_hold
    ('does not hold', 'ident: holds with max deviation <= 1e-09')
    """

    parts: tuple[tuple[str, Rule], ...]

    kind = "all of"

    def __init__(self, **parts: Rule):
        object.__setattr__(self, "parts", tuple(parts.items()))

    def describe(self) -> str:
        return "all of: " + "; ".join(f"({name}) {r.describe()}" for name, r in self.parts)

    def decide(self, numbers: Mapping[str, Any]) -> Decision:
        return _combine([(name, r.decide(numbers[name])) for name, r in self.parts])

    def to_json(self) -> dict[str, Any]:
        return {"type": "AllOf", "text": self.describe(), "parts": {n: r.to_json() for n, r in self.parts}}

    def probes(self) -> list[dict[str, Any]]:
        good = {}
        for name, r in self.parts:
            good[name] = next(p for p in r.probes() if r.decide(p).verdict == HOLDS)
        out = [dict(good)]
        for name, r in self.parts:
            for p in r.probes():
                if r.decide(p).verdict != HOLDS:
                    out.append({**good, name: p})
                    break
        return out


@dataclass(frozen=True)
class Each(Rule):
    """The same rule for every item (e.g. every prompt population): combined as :class:`AllOf`.
    Inputs: ``{"items": [inputs, ...], "labels": [name, ...] (optional)}``.

    Attributes
    ----------
    rule : Rule
        The rule applied to every item.
    what : str, default "item"
        What the items are, for the text and default labels.

    Examples
    --------
    >>> rule = Each(Inequality(">=", 0.5), what="family")
    >>> d = rule.decide({"items": [{"estimate": 0.7}, {"estimate": 0.3}], "labels": ["gaussian", "bimodal"]})
    >>> d.verdict, d.would_hold
    ('does not hold', 'bimodal: holds with an interval entirely above 0.5')
    """

    rule: Rule
    what: str = "item"

    kind = "each"

    def describe(self) -> str:
        return f"for every {self.what}: {self.rule.describe()}"

    def decide(self, numbers: Mapping[str, Any]) -> Decision:
        items = list(numbers["items"])
        labels = list(numbers.get("labels") or [f"{self.what} {i + 1}" for i in range(len(items))])
        return _combine([(lab, self.rule.decide(x)) for lab, x in zip(labels, items)])

    def to_json(self) -> dict[str, Any]:
        return {"type": "Each", "text": self.describe(), "rule": self.rule.to_json()}

    def probes(self) -> list[dict[str, Any]]:
        ps = self.rule.probes()
        good = next(p for p in ps if self.rule.decide(p).verdict == HOLDS)
        return [{"items": [good, good]}] + [{"items": [good, p]} for p in ps if self.rule.decide(p).verdict != HOLDS]
