"""numba kernels of :mod:`simtheory.engine.montecarlo` (``njit(parallel=True)``, counter-based RNG).

Random numbers come from SplitMix64 streams keyed by (seed key, block index): the pairs are
processed in fixed blocks (one ``prange`` iteration per block, per-block partial sums), so the
result is reproducible and independent of the number of threads. Normals use a ziggurat.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_INV53 = 1.0 / 9007199254740992.0
BLOCK = 4096


@njit(cache=True, inline="always")
def _mix(z):
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@njit(cache=True, inline="always")
def _uniform(state):
    """Advance a SplitMix64 state; return (new_state, u) with u uniform on (0, 1)."""
    state = state + _GAMMA
    u = (float(np.int64(_mix(state) >> _S11)) + 0.5) * _INV53
    return state, u


def _ziggurat_tables(n=128, r=3.442619855899, v=9.91256303526217e-3):
    """Layer edges x_i and densities f(x_i) of Marsaglia & Tsang's (2000) normal ziggurat."""
    f = lambda t: math.exp(-0.5 * t * t)  # noqa: E731
    x = np.empty(n + 1)
    x[0], x[1] = v / f(r), r
    for i in range(2, n):
        x[i] = math.sqrt(-2.0 * math.log(v / x[i - 1] + f(x[i - 1])))
    x[n] = 0.0
    return x, np.exp(-0.5 * x * x)


_ZX, _ZF = _ziggurat_tables()
_ZR = 3.442619855899
_M7 = np.uint64(127)
_S7 = np.uint64(7)
_ONE = np.uint64(1)


@njit(cache=True)
def _normal(state):
    """Standard normal by the ziggurat method (128 layers, exact tail sampling)."""
    while True:
        state = state + _GAMMA
        bits = _mix(state)
        i = np.int64(bits & _M7)
        sgn = -1.0 if (bits >> _S7) & _ONE else 1.0
        u = (float(np.int64(bits >> _S11)) + 0.5) * _INV53
        z = u * _ZX[i]
        if z < _ZX[i + 1]:
            return state, sgn * z
        if i == 0:
            while True:
                state, u1 = _uniform(state)
                state, u2 = _uniform(state)
                xt = -math.log(u1) / _ZR
                if -2.0 * math.log(u2) > xt * xt:
                    return state, sgn * (_ZR + xt)
        state, u2 = _uniform(state)
        if _ZF[i + 1] + u2 * (_ZF[i] - _ZF[i + 1]) < math.exp(-0.5 * z * z):
            return state, sgn * z


@njit(cache=True)
def _fill_uniform(state, out):
    for j in range(out.size):
        state, out[j] = _uniform(state)
    return state


@njit(cache=True)
def _fill_normal(state, out):
    for j in range(out.size):
        state, out[j] = _normal(state)
    return state


@njit(cache=True)
def _fill_noise(state, out, family, df, scale):
    """Fill ``out`` with unit-variance variates of ``family`` (index in utilities.FAMILIES).

    The family test sits outside the loops, so each loop is a tight, branch-free draw."""
    n = out.size
    if family == 0:  # gaussian
        return _fill_normal(state, out)
    if family == 1:  # laplace
        state = _fill_uniform(state, out)
        for j in range(n):
            u = out[j] - 0.5
            out[j] = -scale * math.copysign(1.0, u) * math.log1p(-2.0 * abs(u))
    elif family == 2:  # logistic
        state = _fill_uniform(state, out)
        for j in range(n):
            out[j] = scale * (math.log(out[j]) - math.log1p(-out[j]))
    elif family == 3:  # uniform
        state = _fill_uniform(state, out)
        for j in range(n):
            out[j] = scale * (2.0 * out[j] - 1.0)
    elif family == 4:  # student_t, Bailey's polar method
        for j in range(n):
            while True:
                state, a = _uniform(state)
                state, b = _uniform(state)
                a = 2.0 * a - 1.0
                b = 2.0 * b - 1.0
                w = a * a + b * b
                if 0.0 < w < 1.0:
                    out[j] = scale * a * math.sqrt(df * (w ** (-2.0 / df) - 1.0) / w)
                    break
    elif family == 5:  # skewed: Exp(1) - 1
        state = _fill_uniform(state, out)
        for j in range(n):
            out[j] = -math.log(out[j]) - 1.0
    else:  # bimodal: 0.5 N(-1, 0.15^2) + 0.5 N(1, 0.15^2), standardised
        state = _fill_normal(state, out)
        for j in range(n):
            state, u = _uniform(state)
            out[j] = scale * ((-1.0 if u < 0.5 else 1.0) + 0.15 * out[j])
    return state


@njit(cache=True, fastmath=True)
def _xi_fill(d, out, code, beta, threshold, steep):
    """out = xi(d) elementwise; the choice of xi sits outside the loops."""
    if code == 0:
        for i in range(d.size):
            out[i] = 1.0 / (1.0 + math.exp(-beta * d[i]))
    elif code == 1:
        c = beta / math.sqrt(2.0)
        for i in range(d.size):
            out[i] = 0.5 * (1.0 + math.erf(c * d[i]))
    else:
        for i in range(d.size):
            out[i] = 0.5 + 0.5 / (1.0 + math.exp(-steep * (d[i] - threshold)))


@njit(cache=True)
def _pick(row, k, similar, coin_u, coin):
    """Two utilities from one prompt's ``k`` responses (similar: middle two, sorting ``row`` in place;
    else best and worst); with ``coin``, one of the two at random (cross-prompt versions)."""
    if similar:
        row.sort()
        a, b = row[k // 2 - 1], row[k // 2]
    else:
        a = row[0]
        b = row[0]
        for j in range(1, k):
            a = max(a, row[j])
            b = min(b, row[j])
    if coin:
        return (a if coin_u < 0.5 else b), 0.0
    return a, b


@njit(cache=True, parallel=True, fastmath=True)
def pair_sums(n, design, family, df, scale, mu_mean, mu_sd, sig_med, sig_logsd,
              k, xi_code, beta, threshold, steep, key):
    """Sums and sums of squares of (|dr|, xi(|dr|), correct label) over ``n`` pairs.

    Pairs are processed in fixed blocks of BLOCK pairs; block b draws from the SplitMix64 stream
    keyed by (key, b), so results do not depend on the number of threads.
    """
    n_blocks = (n + BLOCK - 1) // BLOCK
    part = np.zeros((n_blocks, 5))
    two_prompts = design == 1 or design == 4 or design == 5
    n_prompts = 2 if two_prompts else 1
    n_resp = 2 if design == 0 else (1 if design == 1 else k)
    if not two_prompts:
        mu_sd = 0.0  # within-prompt designs: mu_x cancels in r1 - r2, so it is not drawn
        mu_mean = 0.0
    for blk in prange(n_blocks):
        lo = blk * BLOCK
        m = min(n, lo + BLOCK) - lo
        state = _mix(key ^ _mix(np.uint64(blk) + _GAMMA))
        n_p = m * n_prompts
        r = np.empty((n_p, n_resp))
        state = _fill_noise(state, r.reshape(-1), family, df, scale)
        if mu_sd != 0.0 or sig_logsd != 0.0:
            z = np.empty((n_p, 2))
            state = _fill_normal(state, z.reshape(-1))
            for p in range(n_p):
                mu = mu_mean + mu_sd * z[p, 0]
                sig = sig_med * math.exp(sig_logsd * z[p, 1])
                for j in range(n_resp):
                    r[p, j] = mu + sig * r[p, j]
        else:  # constant prompt location and scale: r = mu + sigma Z, and mu cancels in r1 - r2
            for p in range(n_p):
                for j in range(n_resp):
                    r[p, j] *= sig_med
        d = np.empty(m)
        if design == 0:
            for i in range(m):
                d[i] = abs(r[i, 0] - r[i, 1])
        elif design == 1:
            for i in range(m):
                d[i] = abs(r[2 * i, 0] - r[2 * i + 1, 0])
        elif design == 2 or design == 3:
            for i in range(m):
                r1, r2 = _pick(r[i], k, design == 2, 0.0, False)
                d[i] = abs(r1 - r2)
        else:
            coins = np.empty(2 * m)
            state = _fill_uniform(state, coins)
            for i in range(m):
                r1, _ = _pick(r[2 * i], k, design == 4, coins[2 * i], True)
                r2, _ = _pick(r[2 * i + 1], k, design == 4, coins[2 * i + 1], True)
                d[i] = abs(r1 - r2)
        t = np.empty(m)
        _xi_fill(d, t, xi_code, beta, threshold, steep)
        u = np.empty(m)
        state = _fill_uniform(state, u)
        s0 = 0.0
        s1 = 0.0
        s2 = 0.0
        q0 = 0.0
        q1 = 0.0
        for i in range(m):
            s0 += d[i]
            s1 += t[i]
            q0 += d[i] * d[i]
            q1 += t[i] * t[i]
            s2 += 1.0 if u[i] < t[i] else 0.0
        part[blk, 0] = s0
        part[blk, 1] = s1
        part[blk, 2] = s2
        part[blk, 3] = q0
        part[blk, 4] = q1
    tot = part.sum(axis=0)
    return tot[:3].copy(), np.array([tot[3], tot[4], tot[2]])


def pair_sums_numba(p) -> tuple[np.ndarray, np.ndarray]:
    """Run :func:`pair_sums` for validated :class:`~simtheory.engine.montecarlo.PairParams` ``p``."""
    from simtheory.engine.pairing import DESIGNS
    from simtheory.engine.utility_samplers import FAMILIES, family_scale

    pop, xi = p.population, p.xi
    key = int(p.seed.generate_state(1, np.uint64)[0])
    return pair_sums(p.n_pairs, DESIGNS.index(p.design), FAMILIES.index(pop.family), pop.df,
                     family_scale(pop.family, pop.df), pop.mu_mean, pop.mu_sd, pop.sigma_median, pop.sigma_logsd,
                     p.k, xi.code, xi.beta, xi.threshold, xi.steep, np.uint64(key))
