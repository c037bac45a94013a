"""Statistical assertions for Monte-Carlo checks of a theorem (``pytest``-friendly).

>>> import numpy as np
>>> from simtheory.testing import assert_mean
>>> rng = np.random.default_rng(0)
>>> assert_mean(rng.normal(1.0, 2.0, 4000), 1.0, seed=0).passed
True

``check_*`` return a :class:`CheckResult`; ``assert_*`` raise
:class:`MonteCarloAssertionError` (an ``AssertionError``) whose message gives the
estimate, SE, n, seed and the smallest violation the check could detect.
"""

from simtheory.testing.assertions import (
    CheckResult,
    MonteCarloAssertionError,
    RateResult,
    assert_distribution,
    assert_mean,
    assert_mean_ge,
    assert_mean_le,
    assert_means,
    assert_rate,
    check_distribution,
    check_mean,
    check_mean_ge,
    check_mean_le,
    check_means,
    check_rate,
    detectable_effect,
)
from simtheory.testing.sequential import (
    SequentialResult,
    assert_sequential,
    sequential_mean,
)

__all__ = [
    "CheckResult",
    "MonteCarloAssertionError",
    "RateResult",
    "SequentialResult",
    "assert_distribution",
    "assert_mean",
    "assert_mean_ge",
    "assert_mean_le",
    "assert_means",
    "assert_rate",
    "assert_sequential",
    "check_distribution",
    "check_mean",
    "check_mean_ge",
    "check_mean_le",
    "check_means",
    "check_rate",
    "detectable_effect",
    "sequential_mean",
]
