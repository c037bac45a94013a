"""Order-consistency counting on given rewards: numpy / numba / cupy backends.

For golden rewards ``r`` and a learned reward ``r_hat`` on the same n prompt-response pairs
(*Rethinking BT*, Section 3.1, Definition 13), the order consistency of ``r_hat`` over a set of
pairs is the fraction of pairs ordered alike,

    OC = mean over pairs (i, j) of s_ij,   s_ij = (1 + sign(r_i - r_j) * sign(r_hat_i - r_hat_j)) / 2,

so a concordant pair scores 1, a discordant one 0 and a tie in either reward 1/2.
Pair sets (``design``), for rows grouped by prompt (``groups``):

* ``same``  - the two rows share a prompt;   * ``cross`` - the two rows have different prompts;
* ``any``   - any two distinct rows.

Backends: ``numpy`` (reference), ``numba``, ``cupy`` (fused CUDA kernels of
:mod:`simtheory.engine.cupy_fused`: Philox streams, counting in registers), ``cupy_array`` (the numpy
code on the GPU). All validate their input here, before dispatch.

Two modes:

* exact (``n_pairs=None``): every unordered pair of the set, weighted equally, counted in row
  blocks (memory O(block * n)); for n up to ~1e5.
* Monte Carlo (``n_pairs=N``): N pairs drawn with replacement: the first row uniform over all
  rows, the second uniform over that row's allowed partners. With equal-size prompt groups this
  is the uniform distribution over the pair set, so both modes estimate the same number.
  Memory is bounded: numpy and cupy work in chunks of ``chunk`` pairs (one generator per chunk
  spawned from the seed); numba uses counter-based SplitMix64 streams per block of pairs
  (``njit(parallel=True)``): memory does not grow with N, and the result does not depend on the
  number of threads. With unequal group sizes the sampler weights pairs unequally (the first row is
  uniform), so it then estimates a slightly different average than the exact mode.

The result carries a standard error: sd(s) / sqrt(N) in Monte-Carlo mode, 0 in exact mode.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import ModuleType

import numpy as np

from simtheory.engine.backends import resolve_backend
from simtheory.engine.montecarlo import check_seed
from simtheory.validation import SimTheoryInputError, check_choice, check_finite_array, check_positive_int, check_scalar

OC_DESIGNS = ("same", "cross", "any")


@dataclass
class Fraction:
    """An estimated fraction over ``n`` pairs with its Monte-Carlo standard error (0 if exact; Definition 13).

    Attributes
    ----------
    n : int
        Number of pairs counted (exact mode) or drawn (Monte-Carlo mode).
    mean : float
        The estimated fraction.
    se : float
        Monte-Carlo standard error, ``0.0`` in exact mode.
    backend : str
        Backend that produced the estimate.
    exact : bool
        True when every pair of the set was counted.
    config : dict
        Design, row and group counts, ``n_pairs`` and seed, for provenance.

    Examples
    --------
    >>> f = Fraction(n=6, mean=0.5, se=0.0, backend="numpy", exact=True)
    >>> f.row()
    {'n_pairs': 6, 'mean': 0.5, 'se': 0.0, 'backend': 'numpy', 'exact': True}
    """

    n: int
    mean: float
    se: float
    backend: str
    exact: bool
    config: dict = field(default_factory=dict)

    def row(self) -> dict:
        return {"n_pairs": self.n, "mean": self.mean, "se": self.se, "backend": self.backend, "exact": self.exact}


@dataclass(frozen=True)
class _Groups:
    """Rows sorted by group: ``order`` (sorted row -> original row), ``offset``/``size`` per sorted row."""

    order: np.ndarray
    offset: np.ndarray
    size: np.ndarray
    pos: np.ndarray
    sizes: np.ndarray


def _groups(groups, n: int) -> _Groups:
    if groups is None:
        codes = np.zeros(n, dtype=np.int64)
    else:
        g = np.asarray(groups)
        if g.shape != (n,):
            raise SimTheoryInputError("groups", f"expected shape ({n},), got {g.shape}")
        codes = np.unique(g.astype(str) if g.dtype.kind in "OUS" else g, return_inverse=True)[1].astype(np.int64)
    order = np.argsort(codes, kind="stable")
    sizes = np.bincount(codes)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    sc = codes[order]
    offset = starts[sc]
    size = sizes[sc]
    pos = np.arange(n) - offset
    return _Groups(order, offset.astype(np.int64), size.astype(np.int64), pos.astype(np.int64), sizes)


def _partner(u_i, u_j, n, offset, size, pos, design_code, xp=np):
    """Map two uniforms in [0, 1) to sorted-row indices (i, j) of a pair of the design."""
    i = xp.minimum((u_i * n).astype(xp.int64), n - 1)
    off, sz, ps = offset[i], size[i], pos[i]
    if design_code == 0:  # same: another row of i's group
        k = xp.minimum((u_j * (sz - 1)).astype(xp.int64), sz - 2)
        j = off + (ps + 1 + k) % sz
    elif design_code == 1:  # cross: a row outside i's group
        k = xp.minimum((u_j * (n - sz)).astype(xp.int64), n - sz - 1)
        j = xp.where(k < off, k, k + sz)
    else:  # any other row
        k = xp.minimum((u_j * (n - 1)).astype(xp.int64), n - 2)
        j = xp.where(k < i, k, k + 1)
    return i, j


def _score(r, rh, i, j, xp=np):
    return 0.5 * (1.0 + xp.sign(r[i] - r[j]) * xp.sign(rh[i] - rh[j]))


def _exact_xp(r, rh, codes, design_code, block, xp=np):
    """Sum of s_ij and count over all unordered pairs of the design (row blocks of ``block``)."""
    n = r.shape[0]
    total, count = 0.0, 0
    for lo in range(0, n - 1, block):
        hi = min(n, lo + block)
        ii = xp.arange(lo, hi)[:, None]
        jj = xp.arange(n)[None, :]
        mask = jj > ii
        if design_code == 0:
            mask &= codes[lo:hi, None] == codes[None, :]
        elif design_code == 1:
            mask &= codes[lo:hi, None] != codes[None, :]
        s = 0.5 * (1.0 + xp.sign(r[lo:hi, None] - r[None, :]) * xp.sign(rh[lo:hi, None] - rh[None, :]))
        total += float(xp.where(mask, s, 0.0).sum())
        count += int(mask.sum())
    return total, count


def order_consistency(
    r,
    r_hat,
    *,
    groups=None,
    design: str = "any",
    n_pairs: int | None = None,
    seed: int | np.random.SeedSequence = 0,
    backend: str = "numpy",
    chunk: int = 1 << 20,
) -> Fraction:
    """Order consistency of ``r_hat`` with ``r`` (Definition 13 / Sec. 3.1 of *Rethinking BT*).

    ``n_pairs=None`` counts every pair exactly; an integer draws that many random pairs (see the
    module docstring).

    Parameters
    ----------
    r, r_hat : array_like
        Golden and learned rewards of the same n >= 2 rows; 1-d, finite.
    groups : array_like, optional
        Prompt id of each row; needed for the ``same`` and ``cross`` designs.
    design : {"any", "same", "cross"}, default "any"
        Which pairs of rows count.
    n_pairs : int, optional
        Number of random pairs (Monte-Carlo mode); None counts every pair exactly.
    seed : int or numpy.random.SeedSequence, default 0
        Seed of the Monte-Carlo mode.
    backend : str, default "numpy"
        ``numpy``, ``numba``, ``cupy``, ``cupy_array`` or ``auto``.
    chunk : int, default 2^20
        Pairs per vectorised chunk (numpy / cupy_array Monte-Carlo mode).

    Returns
    -------
    Fraction
        The order consistency, its standard error and provenance.

    Raises
    ------
    SimTheoryInputError
        If the rewards are not finite 1-d arrays of one length >= 2, ``design`` is unknown or
        needs ``groups``, the groups do not admit the design, or ``n_pairs``, ``seed``,
        ``backend`` or ``chunk`` are invalid.

    Examples
    --------
    >>> f = order_consistency([1, 2, 3, 4], [1, 2, 4, 3])  # 5 of 6 pairs concordant
    >>> round(f.mean, 4), f.n, f.exact
    (0.8333, 6, True)
    >>> order_consistency([1, 2, 3, 4], [1, 2, 4, 3], groups=[0, 0, 1, 1], design="same").mean
    0.5
    >>> round(order_consistency([1, 2, 3, 4], [1, 2, 4, 3], n_pairs=10_000, seed=0).mean, 2)
    0.83
    """
    r = check_finite_array("r", r, ndim=1)
    r_hat = check_finite_array("r_hat", r_hat, ndim=1)
    if r_hat.shape != r.shape:
        raise SimTheoryInputError("r_hat", f"shape {r_hat.shape} differs from r's {r.shape}")
    n = r.shape[0]
    if n < 2:
        raise SimTheoryInputError("r", f"need at least 2 rows, got {n}")
    check_choice("design", design, OC_DESIGNS)
    if design != "any" and groups is None:
        raise SimTheoryInputError("groups", f"design {design!r} needs the prompt id of each row")
    g = _groups(groups, n)
    design_code = OC_DESIGNS.index(design)
    if design == "same" and g.sizes.min() < 2:
        raise SimTheoryInputError("groups", "design 'same' needs at least 2 rows in every prompt group")
    if design == "cross" and g.sizes.size < 2:
        raise SimTheoryInputError("groups", "design 'cross' needs at least 2 prompt groups")
    backend = resolve_backend(backend)
    chunk = check_positive_int("chunk", chunk)
    rs, rhs = r[g.order], r_hat[g.order]
    codes = np.repeat(np.arange(g.sizes.size), g.sizes)
    config = dict(design=design, n=n, n_groups=int(g.sizes.size), n_pairs=n_pairs)
    if n_pairs is None:  # exact
        block = max(1, min(n, (1 << 22) // n))
        if backend == "numba":
            total, count = oc_exact(rs, rhs, codes, design_code)
        elif backend == "cupy":
            from simtheory.engine.cupy_fused import oc_exact_fused

            total, count = oc_exact_fused(rs, rhs, codes, design_code)
        else:
            xp: ModuleType = np
            if backend == "cupy_array":
                import cupy

                xp = cupy
            total, count = _exact_xp(xp.asarray(rs), xp.asarray(rhs), xp.asarray(codes), design_code, block, xp)
        if count == 0:
            raise SimTheoryInputError("design", f"no pairs of design {design!r} in these rows")
        return Fraction(int(count), total / count, 0.0, backend, True, config)
    n_pairs = int(check_scalar("n_pairs", n_pairs, low=1, high=1 << 53, integer=True))
    ss = check_seed(seed)
    config.update(seed_entropy=str(ss.entropy), seed_spawn_key=list(ss.spawn_key))
    if backend == "numba":
        key = np.uint64(int(ss.generate_state(1, np.uint64)[0]))
        s, q = oc_sample(n_pairs, rs, rhs, g.offset, g.size, g.pos, design_code, key)
    elif backend == "cupy":
        from simtheory.engine.cupy_fused import oc_sample_fused

        s, q = oc_sample_fused(n_pairs, rs, rhs, g.offset, g.size, g.pos, design_code, ss)
    else:
        xp = np
        if backend == "cupy_array":
            import cupy

            xp = cupy
        dr, drh, off, sz, ps = (xp.asarray(a) for a in (rs, rhs, g.offset, g.size, g.pos))
        s = q = 0.0
        n_chunks = -(-n_pairs // chunk)
        for c, child in enumerate(ss.spawn(n_chunks)):
            m = min(chunk, n_pairs - c * chunk)
            if xp is np:
                rng = np.random.Generator(np.random.PCG64(child))
            else:
                rng = xp.random.default_rng(int(child.generate_state(1, np.uint32)[0]))
            u = rng.random((2, m))
            i, j = _partner(u[0], u[1], n, off, sz, ps, design_code, xp)
            v = _score(dr, drh, i, j, xp)
            s += float(v.sum())
            q += float((v * v).sum())
    mean = s / n_pairs
    var = max(q / n_pairs - mean * mean, 0.0) * n_pairs / max(n_pairs - 1, 1)
    return Fraction(n_pairs, mean, math.sqrt(var / n_pairs), backend, False, config)


# ----------------------------------------------------------------------------------------------
# numba backend (njit(parallel=True)); random pairs from the SplitMix64 streams of
# simtheory.engine._numba_kernels, one stream per fixed block of _OC_BLOCK pairs keyed by (seed key,
# block index): results do not depend on the thread count; memory is O(_MAX_PARTS).
# ----------------------------------------------------------------------------------------------
from numba import njit, prange  # noqa: E402

from simtheory.engine._numba_kernels import _GAMMA, _mix, _uniform  # noqa: E402

_OC_BLOCK = 1 << 16
_MAX_PARTS = 1 << 12


@njit(cache=True, inline="always")
def _sgn(x):
    """sign(x) without a branch (the signs of random pairs are unpredictable; branch-free is ~2x faster)."""
    return np.float64(x > 0.0) - np.float64(x < 0.0)


@njit(cache=True, parallel=True)
def oc_sample(n_pairs, r, rh, offset, size, pos, design, key):
    """Sum and sum of squares of s_ij over ``n_pairs`` random pairs (rows sorted by group).

    design: 0 same prompt, 1 different prompts, 2 any two distinct rows."""
    n = r.shape[0]
    n_blocks = (n_pairs + _OC_BLOCK - 1) // _OC_BLOCK
    n_super = min(n_blocks, _MAX_PARTS)
    part = np.zeros((n_super, 2))
    for sb in prange(n_super):
        s = 0.0
        q = 0.0
        for blk in range(sb, n_blocks, n_super):
            lo = blk * _OC_BLOCK
            m = min(n_pairs, lo + _OC_BLOCK) - lo
            state = _mix(key ^ _mix(np.uint64(blk) + _GAMMA))
            for _ in range(m):
                state, ui = _uniform(state)
                state, uj = _uniform(state)
                i = min(np.int64(ui * n), n - 1)
                off = offset[i]
                sz = size[i]
                if design == 0:
                    k = min(np.int64(uj * (sz - 1)), sz - 2)
                    j = off + (pos[i] + 1 + k) % sz
                elif design == 1:
                    k = min(np.int64(uj * (n - sz)), n - sz - 1)
                    j = k + sz * (k >= off)
                else:
                    k = min(np.int64(uj * (n - 1)), n - 2)
                    j = k + (k >= i)
                v = 0.5 * (1.0 + _sgn(r[i] - r[j]) * _sgn(rh[i] - rh[j]))
                s += v
                q += v * v
        part[sb, 0] = s
        part[sb, 1] = q
    return part[:, 0].sum(), part[:, 1].sum()


@njit(cache=True, parallel=True)
def oc_exact(r, rh, codes, design):
    """Sum of s_ij and number of pairs over all unordered pairs of the design."""
    n = r.shape[0]
    tot = np.zeros(n)
    cnt = np.zeros(n, dtype=np.int64)
    for i in prange(n):
        s = 0.0
        c = 0
        for j in range(i + 1, n):
            same = codes[i] == codes[j]
            if (design == 0 and not same) or (design == 1 and same):
                continue
            s += 0.5 * (1.0 + _sgn(r[i] - r[j]) * _sgn(rh[i] - rh[j]))
            c += 1
        tot[i] = s
        cnt[i] = c
    return tot.sum(), cnt.sum()
