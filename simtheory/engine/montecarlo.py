"""Monte-Carlo engine for annotated pairs: sample utilities, annotate, estimate quality.

For ``n_pairs`` pairs drawn by a pairing design (:mod:`simtheory.engine.pairing`) from a prompt population
(:mod:`simtheory.engine.utility_samplers`), :func:`pair_stats` estimates, with standard errors,

* ``abs_dr``  - E|r1 - r2|                      (Proposition 15, eq. 26),
* ``tau``     - E xi(|r1 - r2|) = Q_pair        (Example 1 eq. 24; Theorem 16 eq. 27),
* ``correct`` - fraction of simulated labels that agree with the utility order (annotation
  accuracy; ``1 - correct`` is the annotation error rate).

Backends (same seed family, statistically identical results, not bit-identical):

* ``numpy`` - reference; vectorised in chunks of ``chunk`` pairs (bounded memory), one
  :class:`numpy.random.Generator` per chunk spawned from the seed.
* ``numba`` - ``njit(parallel=True)`` over blocks of pairs with a counter-based generator
  (SplitMix64 of the pair index and a key from the seed): O(1) memory, any ``n_pairs``.
* ``cupy``  - the numpy code on the GPU in chunks, one ``cupy.random.Generator`` per chunk.

Correctness functions xi (maps |dr| -> [1/2, 1]) known to every backend: ``sigmoid``
(sigmoid(beta d), concave on d >= 0), ``probit`` (Phi(beta d), concave), ``step``
(1/2 + 1/2 sigmoid(steep (d - threshold)): monotone but NOT concave). The numpy backend
also accepts any vectorised callable.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from simtheory.engine.backends import resolve_backend
from simtheory.engine.pairing import DESIGNS, sample_pairs
from simtheory.engine.utility_samplers import FAMILIES, PromptPopulation, family_scale, BIMODAL_M, BIMODAL_S
from simtheory.validation import SimTheoryInputError, check_beta, check_choice, check_positive_int, check_scalar

XI_NAMES = ("sigmoid", "probit", "step")
STATS = ("abs_dr", "tau", "correct")


@dataclass(frozen=True)
class Xi:
    """A named correctness function xi(d) for d = |dr| >= 0."""

    name: str = "sigmoid"
    beta: float = 1.0
    threshold: float = 1.0
    steep: float = 20.0

    def __post_init__(self):
        check_choice("xi", self.name, XI_NAMES)
        check_beta(self.beta)
        check_scalar("threshold", self.threshold, low=0.0)
        check_scalar("steep", self.steep, low=0.0)

    def __call__(self, d, xp=np):
        if self.name == "sigmoid":
            return 1.0 / (1.0 + xp.exp(-self.beta * d))
        if self.name == "probit":
            if xp is np:
                from scipy.special import ndtr
            else:
                from cupyx.scipy.special import ndtr
            return ndtr(self.beta * d)
        return 0.5 + 0.5 / (1.0 + xp.exp(-self.steep * (d - self.threshold)))

    @property
    def code(self) -> int:
        return XI_NAMES.index(self.name)


@dataclass
class PairStats:
    """Estimates (mean) and Monte-Carlo standard errors (se) of :data:`STATS` over ``n`` pairs."""

    n: int
    mean: dict[str, float]
    se: dict[str, float]
    backend: str
    config: dict = field(default_factory=dict)

    def row(self) -> dict:
        out = {"n_pairs": self.n, "backend": self.backend}
        for s in STATS:
            out[s] = self.mean[s]
            out[f"{s}_se"] = self.se[s]
        return out


def _finish(n: int, sums: np.ndarray, sumsq: np.ndarray, backend: str, config: dict) -> PairStats:
    mean = sums / n
    var = np.maximum(sumsq / n - mean**2, 0.0) * n / max(n - 1, 1)
    se = np.sqrt(var / n)
    return PairStats(n, dict(zip(STATS, map(float, mean))), dict(zip(STATS, map(float, se))), backend, config)


def pair_stats(n_pairs: int, design: str = "same", population: PromptPopulation | None = None,
               xi: Xi | Callable | None = None, *, beta: float | None = None, k: int = 10,
               seed: int | np.random.SeedSequence = 0, backend: str = "numpy", chunk: int | None = None) -> PairStats:
    """Estimate E|dr|, E xi(|dr|) and the label accuracy over ``n_pairs`` annotated pairs.

    ``xi`` defaults to ``Xi("sigmoid", beta)`` (``beta`` defaults to 1). A plain callable is
    accepted by the numpy backend only. ``chunk`` (pairs per vectorised chunk) defaults to 2^20 on
    numpy (bounded host memory) and 2^24 on cupy (fewer host synchronisations; ~1.5 GB of GPU memory).
    """
    n_pairs = check_positive_int("n_pairs", n_pairs)
    check_choice("design", design, DESIGNS)
    population = population or PromptPopulation()
    if xi is None:
        xi = Xi("sigmoid", 1.0 if beta is None else beta)
    elif beta is not None:
        raise SimTheoryInputError("beta", "give either xi or beta, not both")
    backend = resolve_backend(backend)
    chunk = check_positive_int("chunk", chunk if chunk is not None else (1 << 24 if backend == "cupy" else 1 << 20))
    if not isinstance(xi, Xi) and backend != "numpy":
        raise SimTheoryInputError("xi", f"a custom callable runs on the numpy backend only, not {backend!r}")
    ss = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(int(seed))
    config = dict(design=design, population=population.as_dict(), k=k, n_pairs=n_pairs,
                  xi=xi.__dict__ if isinstance(xi, Xi) else repr(xi), seed_entropy=str(ss.entropy),
                  seed_spawn_key=list(ss.spawn_key))
    if backend == "numba":
        from simtheory.engine._numba_kernels import pair_sums

        key = int(ss.generate_state(1, np.uint64)[0])
        p = population
        sums, sumsq = pair_sums(n_pairs, DESIGNS.index(design), FAMILIES.index(p.family), p.df,
                                family_scale(p.family, p.df), p.mu_mean, p.mu_sd, p.sigma_median, p.sigma_logsd,
                                k, xi.code, xi.beta, xi.threshold, xi.steep, np.uint64(key))
        return _finish(n_pairs, sums, sumsq, backend, config)
    xp = np
    if backend == "cupy":
        import cupy as xp  # noqa: F811
    sums = np.zeros(len(STATS))
    sumsq = np.zeros(len(STATS))
    n_chunks = -(-n_pairs // chunk)
    for i, child in enumerate(ss.spawn(n_chunks)):
        m = min(chunk, n_pairs - i * chunk)
        if xp is np:
            rng = np.random.Generator(np.random.PCG64(child))
        else:
            rng = xp.random.default_rng(int(child.generate_state(1, np.uint32)[0]))
        r1, r2 = sample_pairs(m, design, population, rng, k=k, xp=xp)
        d = xp.abs(r1 - r2)
        tau = xi(d, xp=xp) if isinstance(xi, Xi) else xp.asarray(xi(d), dtype=float)
        correct = (rng.random(m) < tau).astype(float)
        for j, v in enumerate((d, tau, correct)):
            sums[j] += float(v.sum())
            sumsq[j] += float((v * v).sum())
    return _finish(n_pairs, sums, sumsq, backend, config)
