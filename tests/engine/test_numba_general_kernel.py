"""The general numba kernel (every family and design except the Gaussian same/cross fast path) against the
numpy reference, for cross-prompt pairs of non-Gaussian utilities where the prompt location matters.

n = 400,000 pairs per backend, seeds 11 (numpy) and 12 (numba), independent streams; the two estimates of
E|dr| must agree within Z = 5 standard errors of their difference.
"""

import math

import pytest
from mc_helpers import Z

from simtheory.engine import PromptPopulation, Xi, pair_stats

N = 400_000


@pytest.mark.parametrize("family", ["laplace", "uniform"])
@pytest.mark.parametrize("sigma_logsd", [0.0, 0.5])
def test_cross_prompt_location_enters_the_general_kernel(family, sigma_logsd):
    pop = PromptPopulation(mu_sd=1.0, sigma_logsd=sigma_logsd, family=family)
    xi = Xi("sigmoid", beta=1.0)
    ref = pair_stats(N, "cross", pop, xi, seed=11, backend="numpy")
    got = pair_stats(N, "cross", pop, xi, seed=12, backend="numba")
    for stat in ("abs_dr", "tau"):
        se = math.hypot(ref.se[stat], got.se[stat])
        assert abs(got.mean[stat] - ref.mean[stat]) < Z * se, (
            family,
            sigma_logsd,
            stat,
            got.mean[stat],
            ref.mean[stat],
            se,
            N,
        )
