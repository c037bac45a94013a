"""Pairing designs: which two prompt-response utilities an annotator compares.

* ``same``        - one prompt, two random responses (the usual RLHF design).
* ``cross``       - two independent random prompt-response pairs (Section 4, "X-Prompt").
* ``similar``     - one prompt, K responses, the two middle-ranked by golden reward (Section 6.3).
* ``diversified`` - one prompt, K responses, the best and the worst.
* ``similar_x`` / ``diversified_x`` - the cross-prompt versions: one selected response from each of two
  independent prompts (the same as randomly re-pairing a large pool of selected responses).
"""

from __future__ import annotations

import numpy as np

from simtheory.engine.utility_samplers import PromptPopulation
from simtheory.validation import check_choice, check_positive_int

DESIGNS = ("same", "cross", "similar", "diversified", "similar_x", "diversified_x")


def selected_pair(u: np.ndarray, design: str, xp=np) -> tuple[np.ndarray, np.ndarray]:
    """Pick two columns of per-prompt utilities ``u`` (n, K) for the similar / diversified designs."""
    s = xp.sort(u, axis=1)
    k = u.shape[1]
    if design.startswith("similar"):
        return s[:, k // 2 - 1], s[:, k // 2]
    return s[:, -1], s[:, 0]


def sample_pairs(n: int, design: str, population: PromptPopulation, rng, k: int = 10, xp=np):
    """Utilities (r1, r2) of ``n`` annotated pairs under ``design`` (Sections 4 and 6.3).

    Parameters
    ----------
    n : int
        Number of pairs, ``n >= 1``.
    design : str
        One of :data:`DESIGNS`.
    population : PromptPopulation
        Distribution of the prompts' location and scale and of the utility noise.
    rng : numpy.random.Generator or cupy.random.Generator
        Random generator (matching ``xp``).
    k : int, default 10
        Responses per prompt for the similar / diversified designs, ``k >= 2``.
    xp : module, default numpy
        Array module, ``numpy`` or ``cupy``.

    Returns
    -------
    r1, r2 : ndarray
        Utilities of the first and second response of each pair, shape ``(n,)``.

    Raises
    ------
    SimTheoryInputError
        If ``design`` is unknown, ``n < 1`` or ``k < 2``.

    Examples
    --------
    >>> r1, r2 = sample_pairs(5, "same", PromptPopulation(), np.random.default_rng(0))
    >>> r1.shape, r2.shape
    ((5,), (5,))
    >>> best, worst = sample_pairs(1000, "diversified", PromptPopulation(), np.random.default_rng(0))
    >>> bool((best >= worst).all())
    True
    """
    check_choice("design", design, DESIGNS)
    n = check_positive_int("n", n)
    if design == "same":
        mu, sigma = population.sample_prompts(n, rng, xp)
        u = population.sample_utilities(mu, sigma, 2, rng, xp)
        return u[:, 0], u[:, 1]
    if design == "cross":
        mu, sigma = population.sample_prompts(2 * n, rng, xp)
        u = population.sample_utilities(mu, sigma, 1, rng, xp)[:, 0]
        return u[:n], u[n:]
    k = check_positive_int("k", k, minimum=2)
    if not design.endswith("_x"):
        mu, sigma = population.sample_prompts(n, rng, xp)
        return selected_pair(population.sample_utilities(mu, sigma, k, rng, xp), design, xp)
    mu, sigma = population.sample_prompts(2 * n, rng, xp)
    a, b = selected_pair(population.sample_utilities(mu, sigma, k, rng, xp), design, xp)
    pick = rng.random(2 * n) < 0.5  # a random one of the two selected responses of each prompt
    one = xp.where(pick, a, b)
    return one[:n], one[n:]
