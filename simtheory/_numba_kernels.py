"""numba kernels of :mod:`simtheory.montecarlo` (``njit(parallel=True)``, counter-based RNG).

Random numbers come from SplitMix64 applied to (key, pair index, draw counter), so each pair
has its own reproducible stream independent of the thread layout; the pairs are processed in
blocks (one ``prange`` iteration per block) with per-block partial sums.
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


@njit(cache=True, inline="always")
def _ppnd16(p):
    """Inverse standard-normal CDF, Wichura's AS 241 (relative accuracy ~1e-16)."""
    q = p - 0.5
    if abs(q) <= 0.425:
        r = 0.180625 - q * q
        return q * (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r
                        + 45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r
                     + 133.14166789178437745) * r + 3.387132872796366608) / \
            (((((((5226.495278852545925 * r + 28729.085735721942674) * r + 39307.89580009271061) * r
                 + 21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r
              + 42.313330701600911252) * r + 1.0)
    r = p if q < 0.0 else 1.0 - p
    r = math.sqrt(-math.log(r))
    if r <= 5.0:
        r -= 1.6
        val = (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r
                   + 1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r
                + 4.6303378461565452959) * r + 1.42343711074968357734) / \
            (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r
                 + 0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r
              + 2.05319162663775882187) * r + 1.0)
    else:
        r -= 5.0
        val = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r
                   + 0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r
                + 5.4637849111641143699) * r + 6.6579046435011037772) / \
            (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r
                 + 7.868691311456132591e-4) * r + 0.0148753612908506148525) * r + 0.13692988092273580531) * r
              + 0.59983220655588793769) * r + 1.0)
    return -val if q < 0.0 else val


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
def _noise(state, family, df, scale):
    """Unit-variance variate of the family with index ``family`` in utilities.FAMILIES."""
    if family == 0:  # gaussian
        return _normal(state)
    if family == 1:  # laplace
        state, u = _uniform(state)
        u -= 0.5
        return state, -scale * math.copysign(1.0, u) * math.log1p(-2.0 * abs(u))
    if family == 2:  # logistic
        state, u = _uniform(state)
        return state, scale * (math.log(u) - math.log1p(-u))
    if family == 3:  # uniform
        state, u = _uniform(state)
        return state, scale * (2.0 * u - 1.0)
    if family == 4:  # student_t, Bailey's polar method
        while True:
            state, a = _uniform(state)
            state, b = _uniform(state)
            a = 2.0 * a - 1.0
            b = 2.0 * b - 1.0
            w = a * a + b * b
            if 0.0 < w < 1.0:
                return state, scale * a * math.sqrt(df * (w ** (-2.0 / df) - 1.0) / w)
    if family == 5:  # skewed: Exp(1) - 1
        state, u = _uniform(state)
        return state, -math.log(u) - 1.0
    # bimodal
    state, u = _uniform(state)
    state, z = _normal(state)
    sgn = -1.0 if u < 0.5 else 1.0
    return state, scale * (1.0 * sgn + 0.15 * z)


@njit(cache=True)
def _xi(d, code, beta, threshold, steep):
    if code == 0:
        return 1.0 / (1.0 + math.exp(-beta * d))
    if code == 1:
        return 0.5 * (1.0 + math.erf(beta * d / math.sqrt(2.0)))
    return 0.5 + 0.5 / (1.0 + math.exp(-steep * (d - threshold)))


@njit(cache=True)
def _prompt_utilities(state, buf, m, family, df, scale, mu_mean, mu_sd, sig_med, sig_logsd):
    mu = mu_mean
    if mu_sd != 0.0:
        state, z = _normal(state)
        mu = mu_mean + mu_sd * z
    sig = sig_med
    if sig_logsd != 0.0:
        state, z = _normal(state)
        sig = sig_med * math.exp(sig_logsd * z)
    for j in range(m):
        state, z = _noise(state, family, df, scale)
        buf[j] = mu + sig * z
    return state


@njit(cache=True)
def _select(buf, k, similar, state, coin):
    """Two utilities picked from buf[:k]; with coin, return one of them at random (cross designs)."""
    s = np.sort(buf[:k])
    if similar:
        a, b = s[k // 2 - 1], s[k // 2]
    else:
        a, b = s[k - 1], s[0]
    if coin:
        state, u = _uniform(state)
        return state, (a if u < 0.5 else b), 0.0
    return state, a, b


@njit(cache=True, parallel=True)
def pair_sums(n, design, family, df, scale, mu_mean, mu_sd, sig_med, sig_logsd,
              k, xi_code, beta, threshold, steep, key):
    """Sums and sums of squares of (|dr|, xi(|dr|), correct label) over ``n`` pairs."""
    n_blocks = (n + BLOCK - 1) // BLOCK
    part = np.zeros((n_blocks, 3))
    part2 = np.zeros((n_blocks, 3))
    kk = max(k, 2)
    if design == 0 or design == 2 or design == 3:
        mu_sd = 0.0  # within-prompt designs: mu_x cancels in r1 - r2, so it is not drawn
    for blk in prange(n_blocks):
        buf = np.empty(kk)
        lo = blk * BLOCK
        hi = min(n, lo + BLOCK)
        s0 = 0.0
        s1 = 0.0
        s2 = 0.0
        q0 = 0.0
        q1 = 0.0
        for i in range(lo, hi):
            state = _mix(key ^ _mix(np.uint64(i) + _GAMMA))
            if design == 0:  # same
                state = _prompt_utilities(state, buf, 2, family, df, scale, mu_mean, mu_sd, sig_med, sig_logsd)
                r1, r2 = buf[0], buf[1]
            elif design == 1:  # cross
                state = _prompt_utilities(state, buf, 1, family, df, scale, mu_mean, mu_sd, sig_med, sig_logsd)
                r1 = buf[0]
                state = _prompt_utilities(state, buf, 1, family, df, scale, mu_mean, mu_sd, sig_med, sig_logsd)
                r2 = buf[0]
            elif design == 2 or design == 3:  # similar / diversified
                state = _prompt_utilities(state, buf, k, family, df, scale, mu_mean, mu_sd, sig_med, sig_logsd)
                state, r1, r2 = _select(buf, k, design == 2, state, False)
            else:  # similar_x / diversified_x
                state = _prompt_utilities(state, buf, k, family, df, scale, mu_mean, mu_sd, sig_med, sig_logsd)
                state, r1, _ = _select(buf, k, design == 4, state, True)
                state = _prompt_utilities(state, buf, k, family, df, scale, mu_mean, mu_sd, sig_med, sig_logsd)
                state, r2, _ = _select(buf, k, design == 4, state, True)
            d = abs(r1 - r2)
            t = _xi(d, xi_code, beta, threshold, steep)
            state, u = _uniform(state)
            c = 1.0 if u < t else 0.0
            s0 += d
            s1 += t
            s2 += c
            q0 += d * d
            q1 += t * t
        part[blk, 0] = s0
        part[blk, 1] = s1
        part[blk, 2] = s2
        part2[blk, 0] = q0
        part2[blk, 1] = q1
        part2[blk, 2] = s2
    return part.sum(axis=0), part2.sum(axis=0)
