"""Cross-prompt annotation quality (*Rethinking BT*, Section 4 and Appendix C).

* :func:`q_pair_gaussian` - Example 1, eq. 24: Q_pair = E sigmoid(beta |r1 - r2|) for
  r1, r2 iid N(mu, sigma^2), by quadrature. ``convention="iid"`` is the model as stated
  (Var(r1 - r2) = 2 sigma^2); ``convention="difference"`` reads sigma^2 as the variance of
  the *difference*, which is what reproduces the paper's printed numbers (see README).
* :func:`tau_density`, :func:`tau_cdf` - eq. 25, the law of tau = sigmoid(beta |r1 - r2|).
* :func:`compare_designs` - same- vs cross-prompt E|dr| (Prop. 15, eq. 26) and E xi(|dr|)
  (Thm. 16, eq. 27) with Monte-Carlo standard errors.
* :data:`COUNTER_EXAMPLES` - populations/xi that break Theorem 16's assumptions.
* :func:`error_rate_table` - annotation error rate 1 - P(correct label) implied by beta.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import integrate, special, stats

from simtheory.engine.montecarlo import PairStats, Xi, pair_stats
from simtheory.engine.utility_samplers import PromptPopulation
from simtheory.validation import check_choice, check_finite_array, check_scalar

#: the paper's Q_pair values (Example 1) at beta^2 sigma^2 = 1, 2, 4, 10
PAPER_Q_PAIR = {1.0: 0.6749, 2.0: 0.7251, 4.0: 0.7781, 10.0: 0.8428}
#: the paper's annotation error-rate range for beta in PAPER_BETAS (Section 6.2)
PAPER_BETAS = (0.5, 0.7, 1.0, 3.0, 5.0, 10.0)
PAPER_ERROR_RANGE = (0.05, 0.38)


def _diff_var(s2: float, convention: str) -> float:
    """Variance of beta (r1 - r2) given s2 = beta^2 sigma^2."""
    check_choice("convention", convention, ("iid", "difference"))
    return 2.0 * s2 if convention == "iid" else s2


def q_pair_gaussian(s2: float, convention: str = "iid") -> float:
    """Example 1, eq. 24: Q_pair = E sigmoid(beta |r1 - r2|) by adaptive quadrature.

    Parameters
    ----------
    s2 : float
        beta^2 sigma^2, >= 0.
    convention : {"iid", "difference"}
        ``"iid"``: r1, r2 iid N(mu, sigma^2) as stated, so Var(r1 - r2) = 2 sigma^2.
        ``"difference"``: sigma^2 read as Var(r1 - r2), which reproduces the printed values.

    Returns
    -------
    float
        Q_pair, to about 1e-12.

    Raises
    ------
    SimTheoryInputError
        If ``s2`` is negative or not finite, or ``convention`` is unknown.

    Examples
    --------
    >>> round(q_pair_gaussian(1.0), 4), round(q_pair_gaussian(1.0, "difference"), 4)
    (0.7252, 0.6749)
    """
    s2 = check_scalar("s2", s2, low=0.0)
    sd = math.sqrt(_diff_var(s2, convention))
    if sd == 0.0:
        return 0.5
    val, _ = integrate.quad(
        lambda z: special.expit(sd * z) * 2.0 * stats.norm.pdf(z), 0.0, np.inf, epsabs=1e-13, epsrel=1e-12, limit=200
    )
    return float(val)


def tau_density(t, s2: float) -> np.ndarray:
    """Eq. 25: density of tau = sigmoid(beta |r1 - r2|) for r1, r2 iid N(mu, sigma^2).

    Parameters
    ----------
    t : array_like
        Points; the density is zero outside (1/2, 1).
    s2 : float
        beta^2 sigma^2, > 0.

    Returns
    -------
    numpy.ndarray
        The density at ``t``.

    Raises
    ------
    SimTheoryInputError
        If ``s2 <= 0`` or ``t`` holds non-finite values.

    Examples
    --------
    >>> from scipy import integrate
    >>> round(integrate.quad(lambda t: tau_density([t], 2.0)[0], 0.5, 1.0)[0], 8)
    1.0
    """
    s2 = check_scalar("s2", s2, low=0.0, low_open=True)
    t = check_finite_array("t", t)
    out = np.zeros_like(t)
    m = (t > 0.5) & (t < 1.0)
    lg = np.log(t[m] / (1.0 - t[m]))
    out[m] = np.exp(-(lg**2) / (4.0 * s2)) / (math.sqrt(math.pi * s2) * t[m] * (1.0 - t[m]))
    return out


def tau_cdf(t, s2: float) -> np.ndarray:
    """CDF of tau (integral of eq. 25): P(tau <= t) = 2 Phi(logit(t) / sqrt(2 s2)) - 1 on [1/2, 1).

    Parameters
    ----------
    t : array_like
        Points, clipped to [1/2, 1].
    s2 : float
        beta^2 sigma^2, > 0.

    Returns
    -------
    numpy.ndarray
        P(tau <= t).

    Examples
    --------
    >>> tau_cdf([0.5, 1.0], 1.0).tolist()
    [0.0, 1.0]
    """
    s2 = check_scalar("s2", s2, low=0.0, low_open=True)
    t = np.clip(check_finite_array("t", t), 0.5, 1.0)
    with np.errstate(divide="ignore"):
        return 2.0 * special.ndtr(special.logit(t) / math.sqrt(2.0 * s2)) - 1.0


def sample_tau(n: int, s2: float, seed=0) -> np.ndarray:
    """Monte-Carlo draws of tau under Example 1 (sigma = 1, beta = sqrt(s2)).

    Parameters
    ----------
    n : int
        Number of draws, >= 1.
    s2 : float
        beta^2 sigma^2, >= 0.
    seed : int or numpy.random.SeedSequence
        Seed of the generator.

    Returns
    -------
    numpy.ndarray
        ``n`` draws of tau in [1/2, 1).

    Examples
    --------
    >>> x = sample_tau(1000, 1.0, seed=0)
    >>> bool((x >= 0.5).all() and (x < 1).all())
    True
    """
    from simtheory.validation import check_positive_int

    n = check_positive_int("n", n)
    s2 = check_scalar("s2", s2, low=0.0)
    rng = np.random.default_rng(seed)
    r = rng.standard_normal((2, n))
    return special.expit(math.sqrt(s2) * np.abs(r[0] - r[1]))


@dataclass
class DesignComparison:
    """Same- vs cross-prompt estimates of one statistic (Prop. 15 eq. 26 / Thm. 16 eq. 27) and their gap.

    Properties: ``gap`` = cross - same, ``gap_se`` = hypot(same_se, cross_se) (independent streams) and
    ``z`` = gap / gap_se (signed inf when gap_se = 0).

    Attributes
    ----------
    stat : str
        Name of the statistic (e.g. E|dr| or E xi(|dr|)).
    same, same_se : float
        Same-prompt estimate and its standard error.
    cross, cross_se : float
        Cross-prompt estimate and its standard error.

    Examples
    --------
    >>> from simtheory.cross_prompt import DesignComparison
    >>> c = DesignComparison("E|dr|", same=1.0, same_se=0.03, cross=1.2, cross_se=0.04)
    >>> round(c.gap, 3), round(c.gap_se, 3), round(c.z, 2)
    (0.2, 0.05, 4.0)
    """

    stat: str
    same: float
    same_se: float
    cross: float
    cross_se: float

    @property
    def gap(self) -> float:
        return self.cross - self.same

    @property
    def gap_se(self) -> float:
        return math.hypot(self.same_se, self.cross_se)

    @property
    def z(self) -> float:
        return self.gap / self.gap_se if self.gap_se > 0 else float("inf") * np.sign(self.gap)


def compare_designs(
    population: PromptPopulation,
    xi: Xi | None = None,
    n_pairs: int = 1_000_000,
    seed: int = 0,
    backend: str = "numpy",
    designs=("same", "cross"),
) -> dict[str, DesignComparison]:
    """Same- vs cross-prompt E|dr| (Prop. 15, eq. 26) and E xi(|dr|) (Thm. 16, eq. 27).

    The two designs use independent random streams spawned from ``seed``, so the gap's standard
    error is the root sum of squares of the two.

    Parameters
    ----------
    population : PromptPopulation
        Prompt-level law of (mu_x, sigma_x) and the utility family.
    xi : Xi, optional
        Annotator correctness xi(|dr|); default the sigmoid with beta = 1.
    n_pairs : int
        Pairs per design.
    seed : int
        Root seed.
    backend : {"numpy", "numba", "cupy"}
        Engine backend.
    designs : tuple of str
        The two designs compared, ``(same, cross)`` by default.

    Returns
    -------
    dict of str to DesignComparison
        One comparison per statistic: ``abs_dr``, ``tau`` (= E xi) and ``correct``.

    Examples
    --------
    >>> from simtheory.engine import PromptPopulation
    >>> c = compare_designs(PromptPopulation(sigma_logsd=0.5), n_pairs=20000, seed=1)
    >>> c["abs_dr"].gap > 0
    True
    """
    root = np.random.SeedSequence(seed)
    s_a, s_b = root.spawn(2)
    a: PairStats = pair_stats(n_pairs, designs[0], population, xi, seed=s_a, backend=backend)
    b: PairStats = pair_stats(n_pairs, designs[1], population, xi, seed=s_b, backend=backend)
    return {s: DesignComparison(s, a.mean[s], a.se[s], b.mean[s], b.se[s]) for s in ("abs_dr", "tau", "correct")}


@dataclass(frozen=True)
class Scenario:
    """A (population, xi) pair with the direction Theorem 16 predicts or that we found."""

    name: str
    population: PromptPopulation
    xi: Xi
    assumption_broken: str  # "" when Theorem 16's assumptions hold


#: Counter-examples (cross-prompt WORSE than same-prompt, many standard errors) and their controls.
COUNTER_EXAMPLES = (
    Scenario(
        "gaussian utilities, non-concave step xi",
        PromptPopulation(mu_sd=0.0, sigma_logsd=0.5),
        Xi("step", threshold=5.0, steep=50.0),
        "xi concave",
    ),
    Scenario(
        "bimodal utilities, non-concave step xi",
        PromptPopulation(mu_sd=0.3, family="bimodal"),
        Xi("step", threshold=1.9, steep=50.0),
        "xi concave; f unimodal",
    ),
)
CONTROLS = (
    Scenario(
        "gaussian utilities, sigmoid xi (control)",
        PromptPopulation(mu_sd=0.0, sigma_logsd=0.5),
        Xi("sigmoid", beta=1.0),
        "",
    ),
    Scenario(
        "bimodal utilities, sigmoid xi",
        PromptPopulation(mu_sd=0.3, family="bimodal"),
        Xi("sigmoid", beta=1.0),
        "f unimodal",
    ),
    Scenario(
        "skewed utilities, sigmoid xi",
        PromptPopulation(mu_sd=0.1, family="skewed"),
        Xi("sigmoid", beta=2.0),
        "f symmetric",
    ),
)


def error_rate_table(
    betas=PAPER_BETAS,
    population: PromptPopulation | None = None,
    n_pairs: int = 1_000_000,
    seed: int = 0,
    backend: str = "numpy",
    design: str = "same",
) -> list[dict]:
    """Annotation error rate (1 - fraction of correct labels) for each beta (Sec. 6.2).

    Parameters
    ----------
    betas : sequence of float
        Annotator sharpness values (default the paper's 0.5 ... 10).
    population : PromptPopulation, optional
        Utility population; default N(mu_x, 1) utilities.
    n_pairs : int
        Pairs per beta.
    seed : int
        Root seed; beta ``i`` uses the spawn key ``(i,)``.
    backend : str
        Engine backend.
    design : str
        Pairing design.

    Returns
    -------
    list of dict
        ``beta``, ``error_rate`` and its SE, and the expected error 1 - E xi and its SE.

    Examples
    --------
    >>> rows = error_rate_table(betas=(1.0,), n_pairs=10000)
    >>> 0.2 < rows[0]["error_rate"] < 0.35
    True
    """
    population = population or PromptPopulation()
    rows = []
    for i, beta in enumerate(betas):
        st = pair_stats(
            n_pairs,
            design,
            population,
            Xi("sigmoid", beta),
            seed=np.random.SeedSequence(seed, spawn_key=(i,)),
            backend=backend,
        )
        rows.append(
            {
                "beta": beta,
                "error_rate": 1.0 - st.mean["correct"],
                "error_rate_se": st.se["correct"],
                "expected_error": 1.0 - st.mean["tau"],
                "expected_error_se": st.se["tau"],
            }
        )
    return rows
