"""Closed forms behind Proposition 15 (eq. 26) and Theorem 16 (eq. 27) for Gaussian utilities.

With r = mu_x + sigma_x Z, Z ~ N(0, 1), mu_x ~ N(mu_mean, mu_sd^2) and sigma_x log-normal, the utility gap is
conditionally Gaussian with mean zero:

* same prompt:  dr | sigma_x ~ N(0, 2 sigma_x^2);
* cross prompt: dr | sigma_x, sigma_x' ~ N(0, 2 mu_sd^2 + sigma_x^2 + sigma_x'^2) (mu_x - mu_x' integrated out).

Hence E|dr| = sqrt(2 / pi) E sqrt(Var(dr | sigmas)) and E xi(|dr|) = E_sigmas E xi(sd |N(0, 1)|), integrated here
numerically over the prompt-level scale distribution (Gauss-Hermite in log sigma, Gauss-Legendre in |z|).
Every backend's Monte-Carlo estimate (n = 200000 pairs, seed 61) must lie within Z = 5 SE of these numbers.
"""

import math

import numpy as np
import pytest
from mc_helpers import assert_close_se
from scipy.special import expit

from simtheory.engine.montecarlo import Xi, pair_stats
from simtheory.engine.utility_samplers import PromptPopulation

_GH_X, _GH_W = np.polynomial.hermite_e.hermegauss(48)
_GH_W = _GH_W / math.sqrt(2 * math.pi)  # E g(Z) = sum w g(x), Z ~ N(0, 1)
_GL_X, _GL_W = np.polynomial.legendre.leggauss(400)
_ZMAX = 12.0
_Z = 0.5 * _ZMAX * (_GL_X + 1)  # nodes on [0, 12] for E g(|Z|) = int 2 phi(z) g(z) dz
_ZW = 0.5 * _ZMAX * _GL_W * 2 * np.exp(-0.5 * _Z**2) / math.sqrt(2 * math.pi)


def gaussian_gap_truth(pop: PromptPopulation, design: str, beta: float) -> dict:
    """E|dr| and E sigmoid(beta |dr|) for Gaussian utilities under the ``same`` or ``cross`` design."""
    sig = pop.sigma_median * np.exp(pop.sigma_logsd * _GH_X)
    if design == "same":
        var, w = 2 * sig**2, _GH_W
    else:
        var = (2 * pop.mu_sd**2 + sig[:, None] ** 2 + sig[None, :] ** 2).ravel()
        w = (_GH_W[:, None] * _GH_W[None, :]).ravel()
    sd = np.sqrt(var)
    abs_dr = float(np.sum(w * math.sqrt(2 / math.pi) * sd))
    tau = float(np.sum(w * (expit(beta * sd[:, None] * _Z[None, :]) @ _ZW)))
    return {"abs_dr": abs_dr, "tau": tau}


def test_closed_form_reduces_to_known_values():
    """sigma = 1, mu_sd = 0: E|dr| = 2 / sqrt(pi) for both designs; tau equals Example 1's Q_pair(1) (quadrature);
    cross adds 2 mu_sd^2 to the variance: with sigma_logsd = 0 E|dr| = sqrt(2/pi) sqrt(2 + 2 mu_sd^2)."""
    from simtheory.cross_prompt.theory import q_pair_gaussian

    pop = PromptPopulation(mu_sd=0.0)
    for design in ("same", "cross"):
        t = gaussian_gap_truth(pop, design, 1.0)
        assert t["abs_dr"] == pytest.approx(2 / math.sqrt(math.pi), rel=1e-12)
        assert t["tau"] == pytest.approx(q_pair_gaussian(1.0, "iid"), abs=1e-10)
    t = gaussian_gap_truth(PromptPopulation(mu_sd=0.8), "cross", 1.0)
    assert t["abs_dr"] == pytest.approx(math.sqrt(2 / math.pi) * math.sqrt(2 + 2 * 0.64), rel=1e-12)


POPULATIONS = [
    PromptPopulation(mu_sd=0.8, sigma_median=0.9, sigma_logsd=0.5),  # Prop. 15 / Thm. 16 setting: cross > same
    PromptPopulation(mu_sd=0.6, sigma_median=1.1),  # varying means, one scale
    PromptPopulation(mu_sd=0.0, sigma_median=1.3),  # constant prompt: the designs coincide
]


@pytest.mark.parametrize("pop", POPULATIONS, ids=["varying_prompts", "varying_means", "constant_prompt"])
@pytest.mark.parametrize("design", ["same", "cross"])
def test_expected_gap_and_quality_match_closed_form(backend, pop, design):
    """E|dr| = sqrt(2/pi) E sqrt(Var) (eq. 26) and E sigmoid(1.5 |dr|) (eq. 27): n = 200000 pairs, seed 61,
    within 5 SE of the numerical integral."""
    truth = gaussian_gap_truth(pop, design, 1.5)
    st = pair_stats(200_000, design, pop, Xi("sigmoid", 1.5), seed=61, backend=backend)
    for s in ("abs_dr", "tau"):
        assert_close_se(st.mean[s], truth[s], st.se[s], n=200_000, seed=61, what=f"{backend} {design} {s}")
    assert_close_se(
        st.mean["correct"],
        truth["tau"],
        st.se["correct"],
        n=200_000,
        seed=61,
        what=f"{backend} {design} label accuracy",
    )


def test_prop15_and_thm16_hold_in_closed_form_over_a_population_grid():
    """Eqs. 26-27 for Gaussian utilities, without sampling: over mu_sd in {0, 0.3, 1}, sigma_logsd in {0, 0.4, 1}
    and beta in {0.5, 2}, cross - same >= 0 for E|dr| and E sigmoid(beta |dr|), with equality (to 1e-12) exactly
    when prompts are identical (mu_sd = sigma_logsd = 0) and a strict gain (> 1e-3) otherwise."""
    for mu_sd in (0.0, 0.3, 1.0):
        for logsd in (0.0, 0.4, 1.0):
            pop = PromptPopulation(mu_sd=mu_sd, sigma_logsd=logsd)
            for beta in (0.5, 2.0):
                same, cross = (gaussian_gap_truth(pop, d, beta) for d in ("same", "cross"))
                for s in ("abs_dr", "tau"):
                    gap = cross[s] - same[s]
                    if mu_sd == logsd == 0.0:
                        assert abs(gap) < 1e-12, (mu_sd, logsd, beta, s, gap)
                    else:
                        assert gap > 1e-3, (mu_sd, logsd, beta, s, gap)
