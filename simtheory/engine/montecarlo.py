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
* ``cupy``  - one fused CUDA kernel (:mod:`simtheory.engine.cupy_fused`): Philox4x32-10 streams keyed by
  (seed, stream index), generation, annotation and reduction in registers.
* ``cupy_array`` - the numpy code on the GPU in chunks, one ``cupy.random.Generator`` per chunk (kept
  for comparison).

Every backend validates its arguments through :func:`check_pair_params` before dispatch.

Correctness functions xi (maps |dr| -> [1/2, 1]) known to every backend: ``sigmoid``
(sigmoid(beta d), concave on d >= 0), ``probit`` (Phi(beta d), concave), ``step``
(1/2 + 1/2 sigmoid(steep (d - threshold)): monotone but NOT concave). The numpy backend
also accepts any vectorised callable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType

import numpy as np

from simtheory.engine.backends import resolve_backend
from simtheory.engine.pairing import DESIGNS, sample_pairs
from simtheory.engine.utility_samplers import PromptPopulation
from simtheory.validation import SimTheoryInputError, check_beta, check_choice, check_positive_int, check_scalar

XI_NAMES = ("sigmoid", "probit", "step")
STATS = ("abs_dr", "tau", "correct")


@dataclass(frozen=True)
class Xi:
    """A named correctness function xi(d) for d = |dr| >= 0 (eq. 15; Theorem 16 needs it concave).

    Calling ``xi(d, xp=np)`` evaluates it elementwise on an array of ``d >= 0``.

    Attributes
    ----------
    name : {"sigmoid", "probit", "step"}, default "sigmoid"
        ``sigmoid(beta d)``, ``Phi(beta d)`` (both concave) or
        ``1/2 + 1/2 sigmoid(steep (d - threshold))`` (monotone, not concave).
    beta : float, default 1.0
        Sharpness of ``sigmoid`` / ``probit``, ``>= 0`` or ``inf``.
    threshold : float, default 1.0
        Location of the ``step`` rise, ``>= 0``.
    steep : float, default 20.0
        Steepness of the ``step`` rise, ``>= 0``.

    Raises
    ------
    SimTheoryInputError
        If ``name`` is unknown or a parameter is out of range.

    Examples
    --------
    >>> Xi(beta=2.0)(np.array([0.0, 1.0])).round(3)
    array([0.5  , 0.881])
    >>> Xi("step", threshold=1.0)(np.array([0.0, 1.0, 3.0])).round(3)
    array([0.5 , 0.75, 1.  ])
    >>> Xi("tanh")
    Traceback (most recent call last):
    ...
    simtheory.validation.SimTheoryInputError: xi: unknown value 'tanh'; choose one of sigmoid, probit, step
    """

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
    """Estimates (mean) and Monte-Carlo standard errors (se) of :data:`STATS` over ``n`` pairs (eq. 24, 26, 27).

    Attributes
    ----------
    n : int
        Number of annotated pairs.
    mean : dict of str to float
        Estimates of ``abs_dr`` (E|dr|), ``tau`` (E xi(|dr|)) and ``correct`` (label accuracy).
    se : dict of str to float
        Monte-Carlo standard errors of the same keys.
    backend : str
        Backend that produced the estimates.
    config : dict
        Design, population, ``k``, ``n_pairs``, ``xi`` and seed, for provenance.

    Examples
    --------
    >>> stats = pair_stats(10_000, seed=0)
    >>> stats.n, stats.backend, sorted(stats.mean)
    (10000, 'numpy', ['abs_dr', 'correct', 'tau'])
    >>> sorted(stats.row())
    ['abs_dr', 'abs_dr_se', 'backend', 'correct', 'correct_se', 'n_pairs', 'tau', 'tau_se']
    """

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


#: designs that draw ``k`` responses per prompt and keep two of them
K_DESIGNS = ("similar", "diversified", "similar_x", "diversified_x")
#: largest ``k`` accepted (the numba and fused-GPU kernels keep a prompt's k utilities in a small buffer)
K_MAX = 64
#: largest ``n_pairs`` accepted (counts stay exact in float64 and int64 counters cannot overflow)
N_MAX = 1 << 53


@dataclass(frozen=True)
class PairParams:
    """Validated, resolved arguments of :func:`pair_stats`; every backend starts from one of these."""

    n_pairs: int
    design: str
    population: PromptPopulation
    xi: Xi | Callable
    k: int
    seed: np.random.SeedSequence
    backend: str
    chunk: int

    def config(self) -> dict:
        xi = self.xi.__dict__ if isinstance(self.xi, Xi) else repr(self.xi)
        return dict(
            design=self.design,
            population=self.population.as_dict(),
            k=self.k,
            n_pairs=self.n_pairs,
            xi=xi,
            seed_entropy=str(self.seed.entropy),
            seed_spawn_key=list(self.seed.spawn_key),
        )


def check_seed(seed, name: str = "seed") -> np.random.SeedSequence:
    """A non-negative integer or a :class:`numpy.random.SeedSequence` -> SeedSequence."""
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise SimTheoryInputError(name, f"expected a non-negative integer or a SeedSequence, got {seed!r}")
    if seed < 0:
        raise SimTheoryInputError(name, f"must be >= 0, got {seed}")
    return np.random.SeedSequence(int(seed))


def check_pair_params(
    n_pairs: int,
    design: str = "same",
    population: PromptPopulation | None = None,
    xi: Xi | Callable | None = None,
    *,
    beta: float | None = None,
    k: int = 10,
    seed: int | np.random.SeedSequence = 0,
    backend: str = "numpy",
    chunk: int | None = None,
) -> PairParams:
    """Validate the arguments of :func:`pair_stats` once, for every backend (numpy, numba, cupy, cupy_array).

    Parameters and defaults as in :func:`pair_stats`.

    Returns
    -------
    PairParams
        resolved values (``backend='auto'`` resolved, ``xi`` built from ``beta``, seed as a SeedSequence).

    Raises
    ------
    SimTheoryInputError
        naming the first bad argument: ``n_pairs`` not an integer in [1, 2^53]; unknown ``design``;
        ``population`` not a PromptPopulation; ``xi`` and ``beta`` both given, or a custom callable ``xi``
        on a backend other than numpy; ``k`` not an integer in [2, K_MAX] (in [1, K_MAX] for the
        designs that do not use it); bad ``seed``; unknown or unavailable ``backend``; bad ``chunk``.
    """
    n_pairs = int(check_scalar("n_pairs", n_pairs, low=1, high=N_MAX, integer=True))
    check_choice("design", design, DESIGNS)
    if population is None:
        population = PromptPopulation()
    elif not isinstance(population, PromptPopulation):
        raise SimTheoryInputError("population", f"expected a PromptPopulation, got {type(population).__name__}")
    if xi is None:
        xi = Xi("sigmoid", 1.0 if beta is None else beta)
    elif beta is not None:
        raise SimTheoryInputError("beta", "give either xi or beta, not both")
    elif not isinstance(xi, Xi) and not callable(xi):
        raise SimTheoryInputError("xi", f"expected an Xi or a callable, got {type(xi).__name__}")
    k = int(check_scalar("k", k, low=2 if design in K_DESIGNS else 1, high=K_MAX, integer=True))
    seed = check_seed(seed)
    backend = resolve_backend(backend)
    if not isinstance(xi, Xi) and backend != "numpy":
        raise SimTheoryInputError("xi", f"a custom callable runs on the numpy backend only, not {backend!r}")
    default_chunk = 1 << 24 if backend.startswith("cupy") else 1 << 20
    chunk = check_positive_int("chunk", chunk if chunk is not None else default_chunk)
    return PairParams(n_pairs, design, population, xi, k, seed, backend, chunk)


def pair_stats(
    n_pairs: int,
    design: str = "same",
    population: PromptPopulation | None = None,
    xi: Xi | Callable | None = None,
    *,
    beta: float | None = None,
    k: int = 10,
    seed: int | np.random.SeedSequence = 0,
    backend: str = "numpy",
    chunk: int | None = None,
) -> PairStats:
    """Estimate E|dr|, E xi(|dr|) and the label accuracy over ``n_pairs`` annotated pairs (eq. 24, 26, 27).

    Parameters
    ----------
    n_pairs : int
        Number of annotated pairs (1 .. 2^53).
    design : str, default "same"
        A pairing design of :data:`~simtheory.engine.pairing.DESIGNS`.
    population : PromptPopulation, optional
        Prompt population (default ``PromptPopulation()``).
    xi : Xi or callable, optional
        Correctness function; defaults to ``Xi("sigmoid", beta)``. A plain callable is accepted by the
        numpy backend only.
    beta : float, optional
        Sharpness of the default ``xi`` (1 when omitted); not together with ``xi``.
    k : int, default 10
        Responses per prompt for the similar / diversified designs (2 .. K_MAX).
    seed : int or numpy.random.SeedSequence, default 0
        Non-negative integer or SeedSequence.
    backend : str, default "numpy"
        ``numpy``, ``numba``, ``cupy`` (fused GPU kernel), ``cupy_array`` (the numpy code on the GPU)
        or ``auto``.
    chunk : int, optional
        Pairs per vectorised chunk on numpy (default 2^20, bounded host memory) and cupy_array (2^24).

    Returns
    -------
    PairStats
        Means and standard errors of ``abs_dr``, ``tau`` and ``correct``.

    Raises
    ------
    SimTheoryInputError
        See :func:`check_pair_params`; every backend validates through it before dispatch.

    Examples
    --------
    Same-prompt Gaussian pairs have dr ~ N(0, 2), so E|dr| = 2 / sqrt(pi) = 1.128:

    >>> stats = pair_stats(100_000, "same", beta=1.0, seed=0)
    >>> round(stats.mean["abs_dr"], 2), round(stats.mean["tau"], 2)
    (1.13, 0.73)
    >>> pair_stats(10, xi=Xi(), beta=1.0)
    Traceback (most recent call last):
    ...
    simtheory.validation.SimTheoryInputError: beta: give either xi or beta, not both
    """
    p = check_pair_params(n_pairs, design, population, xi, beta=beta, k=k, seed=seed, backend=backend, chunk=chunk)
    if p.backend == "numba":
        from simtheory.engine._numba_kernels import pair_sums_numba

        sums, sumsq = pair_sums_numba(p)
        return _finish(p.n_pairs, sums, sumsq, p.backend, p.config())
    if p.backend == "cupy":
        from simtheory.engine.cupy_fused import pair_sums_fused

        sums, sumsq = pair_sums_fused(p)
        return _finish(p.n_pairs, sums, sumsq, p.backend, p.config())
    return _pair_stats_xp(p)


def _pair_stats_xp(p: PairParams) -> PairStats:
    """numpy (reference) and cupy_array backends: the vectorised code in chunks, one generator per chunk."""
    xp: ModuleType = np
    if p.backend == "cupy_array":
        import cupy

        xp = cupy
    xi, n_pairs, chunk = p.xi, p.n_pairs, p.chunk
    sums = np.zeros(len(STATS))
    sumsq = np.zeros(len(STATS))
    n_chunks = -(-n_pairs // chunk)
    for i, child in enumerate(p.seed.spawn(n_chunks)):
        m = min(chunk, n_pairs - i * chunk)
        if xp is np:
            rng = np.random.Generator(np.random.PCG64(child))
        else:
            rng = xp.random.default_rng(int(child.generate_state(1, np.uint32)[0]))
        r1, r2 = sample_pairs(m, p.design, p.population, rng, k=p.k, xp=xp)
        d = xp.abs(r1 - r2)
        tau = xi(d, xp=xp) if isinstance(xi, Xi) else xp.asarray(xi(d), dtype=float)
        correct = (rng.random(m) < tau).astype(float)
        for j, v in enumerate((d, tau, correct)):
            sums[j] += float(v.sum())
            sumsq[j] += float((v * v).sum())
    return _finish(n_pairs, sums, sumsq, p.backend, p.config())
