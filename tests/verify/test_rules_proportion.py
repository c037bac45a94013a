"""The Proportion rule (a probability read through its Clopper-Pearson interval): every verdict, both
directions, the interval against scipy's exact binomial interval, and bad input."""

import pytest
from scipy import stats

from simtheory.verify.rules import Proportion


@pytest.mark.parametrize(
    "op, k, n, verdict",
    [
        (">=", 10, 10, "holds"),  # [0.69, 1] above 1/2
        (">=", 0, 10, "does not hold"),  # [0, 0.31] below 1/2
        (">=", 4, 4, "inconclusive"),  # [0.40, 1] spans 1/2
        (">=", 5, 10, "inconclusive"),
        (">=", 0, 0, "inconclusive"),  # no trial: [0, 1]
        ("<=", 0, 10, "holds"),
        ("<=", 10, 10, "does not hold"),
        ("<=", 6, 10, "inconclusive"),
    ],
)
def test_proportion_verdicts(op, k, n, verdict):
    d = Proportion(op, 0.5, "P(MLE exists)").decide({"successes": k, "trials": n})
    assert d.verdict == verdict
    assert d.reason.startswith(f"P(MLE exists) = {k}/{n}")
    assert (d.would_hold is None) == (verdict == "holds")


@pytest.mark.parametrize("k, n", [(0, 7), (3, 7), (7, 7), (41, 100), (999, 1000)])
@pytest.mark.parametrize("level", [0.9, 0.95, 0.99])
def test_interval_is_scipys_exact_binomial_interval(k, n, level):
    ci = stats.binomtest(k, n).proportion_ci(confidence_level=level, method="exact")
    lo, hi = Proportion(">=", 0.5, level=level).interval(k, n)
    assert (lo, hi) == pytest.approx((ci.low, ci.high), abs=1e-12)


def test_boundary_edge_and_probes():
    rule = Proportion(">=", 0.9)
    assert {rule.decide(p).verdict for p in rule.probes()} == {"holds", "does not hold", "inconclusive"}
    # the interval's edge exactly on the boundary is on the claimed side (as Inequality)
    lo, _ = rule.interval(10, 10)
    assert Proportion(">=", lo).decide({"successes": 10, "trials": 10}).verdict == "holds"
    assert "Clopper-Pearson" in rule.describe() and rule.to_json()["type"] == "Proportion"


def test_bad_input():
    with pytest.raises(ValueError, match="op"):
        Proportion(">", 0.5)
    with pytest.raises(ValueError, match="level"):
        Proportion(">=", 0.5, level=1.0)
    with pytest.raises(ValueError, match="successes <= trials"):
        Proportion(">=", 0.5).decide({"successes": 5, "trials": 4})
    with pytest.raises(KeyError, match="trials"):
        Proportion(">=", 0.5).decide({"successes": 5})
