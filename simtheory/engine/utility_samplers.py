"""Oracle utilities r(x, y) = mu_x + sigma_x * Z for per-prompt location-scale families.

The standardised noise ``Z`` has mean 0 and unit variance for every family
(Student-t needs df > 2 for that), so ``sigma_x`` is the standard deviation of
the utilities of the responses to prompt ``x`` (Example 1 / Theorem 16 of
*Rethinking BT*). Two families deliberately break Theorem 16's assumptions:
``skewed`` (centred exponential: asymmetric) and ``bimodal`` (symmetric mixture
of two narrow Gaussians: not unimodal).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from simtheory.validation import check_choice, check_positive_int, check_scalar

#: families with a symmetric unimodal standard density (Theorem 16 applies)
SYMMETRIC_UNIMODAL = ("gaussian", "laplace", "logistic", "uniform", "student_t")
#: families that violate Theorem 16's assumptions (for counter-examples)
ASSUMPTION_BREAKING = ("skewed", "bimodal")
FAMILIES = SYMMETRIC_UNIMODAL + ASSUMPTION_BREAKING

#: bimodal family: 0.5 N(-m, s^2) + 0.5 N(m, s^2) with these (before standardising)
BIMODAL_M, BIMODAL_S = 1.0, 0.15


def family_scale(family: str, df: float = 5.0) -> float:
    """Factor that turns the family's textbook standard variate into a unit-variance one."""
    return {
        "gaussian": 1.0,
        "laplace": 1.0 / math.sqrt(2.0),  # Laplace(b=1) has variance 2
        "logistic": math.sqrt(3.0) / math.pi,  # logistic(s=1) has variance pi^2/3
        "uniform": math.sqrt(3.0),  # U(-1, 1) has variance 1/3 -> U(-sqrt3, sqrt3)
        "student_t": math.sqrt((df - 2.0) / df) if df > 2 else float("nan"),
        "skewed": 1.0,  # Exp(1) - 1 has variance 1
        "bimodal": 1.0 / math.sqrt(BIMODAL_M**2 + BIMODAL_S**2),
    }[family]


def check_family(family: str, df: float = 5.0) -> str:
    check_choice("family", family, FAMILIES)
    if family == "student_t":
        check_scalar("df", df, low=2.0, low_open=True)
    return family


def standard_noise(family: str, size, rng: np.random.Generator, df: float = 5.0, xp=np) -> np.ndarray:
    """Draw unit-variance, mean-zero variates ``Z`` of ``family`` (numpy or cupy generator; Example 1).

    Parameters
    ----------
    family : str
        One of :data:`FAMILIES`.
    size : int or tuple of int
        Output shape.
    rng : numpy.random.Generator or cupy.random.Generator
        Random generator (matching ``xp``).
    df : float, default 5.0
        Degrees of freedom of ``student_t``; must be > 2.
    xp : module, default numpy
        Array module, ``numpy`` or ``cupy``.

    Returns
    -------
    ndarray
        Standardised variates of shape ``size``.

    Raises
    ------
    SimTheoryInputError
        If ``family`` is unknown, or ``df <= 2`` for ``student_t``.

    Examples
    --------
    >>> z = standard_noise("laplace", 100_000, np.random.default_rng(0))
    >>> bool(abs(z.mean()) < 0.01), round(float(z.std()), 2)
    (True, 1.0)
    >>> standard_noise("cauchy", 3, np.random.default_rng(0))
    Traceback (most recent call last):
    ...
    simtheory.validation.SimTheoryInputError: family: unknown value 'cauchy'; choose one of ...
    """
    check_family(family, df)
    c = family_scale(family, df)
    if family == "gaussian":
        return rng.standard_normal(size)
    if family == "laplace":
        u = rng.random(size) - 0.5
        return -c * xp.sign(u) * xp.log1p(-2.0 * xp.abs(u))
    if family == "logistic":
        u = rng.random(size)
        return c * (xp.log(u) - xp.log1p(-u))
    if family == "uniform":
        return c * (2.0 * rng.random(size) - 1.0)
    if family == "student_t":
        if xp is np:
            return c * rng.standard_t(df, size)
        g = rng.standard_gamma(df / 2.0, size)
        return c * rng.standard_normal(size) / xp.sqrt(2.0 * g / df)
    if family == "skewed":
        return rng.standard_exponential(size) - 1.0
    # bimodal
    sign = xp.where(rng.random(size) < 0.5, -1.0, 1.0)
    return c * (BIMODAL_M * sign + BIMODAL_S * rng.standard_normal(size))


@dataclass(frozen=True)
class PromptPopulation:
    """Distribution of prompt-level location mu_x and scale sigma_x (Example 1 / Theorem 16).

    mu_x ~ Normal(mu_mean, mu_sd); sigma_x ~ LogNormal(log(sigma_median), sigma_logsd)
    (sigma_logsd = 0 gives a constant sigma_x = sigma_median). Utilities are
    r(x, y) = mu_x + sigma_x * Z with Z drawn by :func:`standard_noise`.

    Attributes
    ----------
    mu_mean : float, default 0.0
        Mean of the prompt locations.
    mu_sd : float, default 1.0
        Standard deviation of the prompt locations, ``>= 0``.
    sigma_median : float, default 1.0
        Median of the prompt scales, ``> 0``.
    sigma_logsd : float, default 0.0
        Standard deviation of ``log(sigma_x)``, ``>= 0``.
    family : str, default "gaussian"
        Noise family, one of :data:`FAMILIES`.
    df : float, default 5.0
        Degrees of freedom for ``student_t`` (> 2).

    Raises
    ------
    SimTheoryInputError
        If a field is out of range or ``family`` is unknown.

    Examples
    --------
    >>> pop = PromptPopulation(sigma_median=2.0, family="uniform")
    >>> rng = np.random.default_rng(0)
    >>> mu, sigma = pop.sample_prompts(3, rng)
    >>> sigma.tolist()
    [2.0, 2.0, 2.0]
    >>> pop.sample_utilities(mu, sigma, 4, rng).shape
    (3, 4)
    >>> PromptPopulation(mu_sd=-1.0)
    Traceback (most recent call last):
    ...
    simtheory.validation.SimTheoryInputError: mu_sd: must be >= 0.0, got -1.0
    """

    mu_mean: float = 0.0
    mu_sd: float = 1.0
    sigma_median: float = 1.0
    sigma_logsd: float = 0.0
    family: str = "gaussian"
    df: float = 5.0

    def __post_init__(self):
        check_scalar("mu_mean", self.mu_mean)
        check_scalar("mu_sd", self.mu_sd, low=0.0)
        check_scalar("sigma_median", self.sigma_median, low=0.0, low_open=True)
        check_scalar("sigma_logsd", self.sigma_logsd, low=0.0)
        check_family(self.family, self.df)

    def sample_prompts(self, n: int, rng: np.random.Generator, xp=np) -> tuple[np.ndarray, np.ndarray]:
        """(mu_x, sigma_x) for ``n`` prompts."""
        mu = self.mu_mean + self.mu_sd * rng.standard_normal(n)
        sigma = self.sigma_median * xp.exp(self.sigma_logsd * rng.standard_normal(n))
        return mu, sigma

    def sample_utilities(self, mu, sigma, n_responses: int, rng: np.random.Generator, xp=np) -> np.ndarray:
        """Utilities r(x, y_k) of ``n_responses`` responses per prompt: shape (n_prompts, n_responses)."""
        n_responses = check_positive_int("n_responses", n_responses)
        z = standard_noise(self.family, (len(mu), n_responses), rng, self.df, xp=xp)
        return mu[:, None] + sigma[:, None] * z

    def as_dict(self) -> dict:
        return dict(
            mu_mean=self.mu_mean,
            mu_sd=self.mu_sd,
            sigma_median=self.sigma_median,
            sigma_logsd=self.sigma_logsd,
            family=self.family,
            df=self.df,
        )
