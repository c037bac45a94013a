"""numba kernels of :mod:`simtheory.engine.montecarlo` (``njit(parallel=True)``, counter-based RNG).

Random numbers come from SplitMix64 streams keyed by (seed key, block index): the pairs are
processed in fixed blocks (one ``prange`` iteration per block, per-block partial sums), so the
result is reproducible and independent of the number of threads. Normals use a ziggurat.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

#: fastmath flags without reassociation (``reassoc``) or approximate functions (``afn``): with them
#: LLVM vectorises sums and ``exp`` with an alignment-dependent scalar head, so a result could depend
#: on where the allocator put an array (measured: 1-ulp run-to-run differences). Sums use explicit
#: lanes instead (:func:`_sums5`), which vectorise without reassociation and add in a fixed order.
_VEC = {"nsz", "arcp", "contract"}

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


@njit(cache=True, fastmath=_VEC)
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


@njit(cache=True, parallel=True, fastmath=_VEC)
def pair_sums(
    n, design, family, df, scale, mu_mean, mu_sd, sig_med, sig_logsd, k, xi_code, beta, threshold, steep, key
):
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
        s0, s1, s2, q0, q1 = _sums5(d, t, u)
        part[blk, 0] = s0
        part[blk, 1] = s1
        part[blk, 2] = s2
        part[blk, 3] = q0
        part[blk, 4] = q1
    tot = part.sum(axis=0)
    return tot[:3].copy(), np.array([tot[3], tot[4], tot[2]])


def _stream_key(p) -> np.uint64:
    """The counter-based stream key of validated parameters ``p`` (from their SeedSequence)."""
    return np.uint64(int(p.seed.generate_state(1, np.uint64)[0]))


def pair_sums_fast(p, stage: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Run the Gaussian same/cross fast path :func:`pair_sums_gauss` for validated parameters ``p``
    (``stage`` < 2 runs its cut-down stages, for the benchmark's cost breakdown)."""
    pop, xi = p.population, p.xi
    return pair_sums_gauss(
        p.n_pairs,
        p.design == "cross",
        pop.mu_sd,
        pop.sigma_median,
        pop.sigma_logsd,
        xi.code,
        xi.beta,
        xi.threshold,
        xi.steep,
        _stream_key(p),
        stage,
    )


def pair_sums_general(p) -> tuple[np.ndarray, np.ndarray]:
    """Run the general kernel :func:`pair_sums` (every family and design) for validated parameters ``p``."""
    from simtheory.engine.pairing import DESIGNS
    from simtheory.engine.utility_samplers import FAMILIES, family_scale

    pop, xi = p.population, p.xi
    return pair_sums(
        p.n_pairs,
        DESIGNS.index(p.design),
        FAMILIES.index(pop.family),
        pop.df,
        family_scale(pop.family, pop.df),
        pop.mu_mean,
        pop.mu_sd,
        pop.sigma_median,
        pop.sigma_logsd,
        p.k,
        xi.code,
        xi.beta,
        xi.threshold,
        xi.steep,
        _stream_key(p),
    )


def pair_sums_numba(p) -> tuple[np.ndarray, np.ndarray]:
    """Run the numba kernels for validated :class:`~simtheory.engine.montecarlo.PairParams` ``p``: the
    Gaussian fast path for same/cross pairs of Gaussian utilities, the general kernel otherwise."""
    if p.population.family == "gaussian" and p.design in ("same", "cross"):
        return pair_sums_fast(p)
    return pair_sums_general(p)


# ------------------------------------------------------------------------------------------------
# Gaussian fast path (issue 17): sample only what the statistics need, in SIMD-friendly passes.
#
# For Gaussian utilities the utility difference of a pair is itself Gaussian given the prompt scales:
#   same  : r1 - r2 = sigma_x (Z1 - Z2)                        ~ sigma_x sqrt(2) Z
#   cross : r1 - r2 = (mu_1 - mu_2) + sigma_1 Z1 - sigma_2 Z2  ~ sqrt(2 mu_sd^2 + sigma_1^2 + sigma_2^2) Z
# so |dr| = scale * |Z|: ONE half-normal per pair (plus the prompt scales when sigma_x is random).
# Each block of FAST_BLOCK pairs runs in passes over small buffers that LLVM vectorises (AVX2/AVX-512):
#   1. SplitMix64 words for the pair's stream (counter-based: word j = mix(state + j * gamma));
#   2. the ziggurat's fast path on those words (|Z| = u * x_i, accepted when below x_{i+1}: 98.8 %);
#      the rejected few are redrawn by the exact scalar ziggurat from a second stream of the block;
#   3. 32-bit label uniforms, two per word;
#   4. xi by a stable sigmoid, sigmoid(y) from e = exp(-|y|) only, exp by a 64-entry table of 2^(j/64),
#      Cody-Waite reduction and a degree-5 polynomial (relative error ~5e-16);
#   5. the sums (fastmath reassociation lets the reduction vectorise).
# ------------------------------------------------------------------------------------------------
FAST_BLOCK = 1024
_SUPER = 256
_LO32 = np.uint64(0xFFFFFFFF)
_S32 = np.uint64(32)
_INV32 = 1.0 / 4294967296.0
_64_LN2 = 64.0 / math.log(2.0)
_LN2_64_HI = 6.93147180369123816490e-01 / 64.0  # fdlibm's ln2_hi (32 significant bits) / 64: k * hi is exact
_LN2_64_LO = 1.90821492927058770002e-10 / 64.0
_EXP2_64 = np.array([2.0 ** (j / 64.0) for j in range(64)])
_FIX = np.uint64(0xD1B54A32D192ED03)
_ALL8 = np.uint64(0x0101010101010101)


@njit(cache=True, fastmath=_VEC)
def _fill_words(state, w):
    """w[j] = SplitMix64 output j+1 after ``state`` (the same numbers as j+1 sequential draws)."""
    for j in range(w.size):
        w[j] = _mix(state + np.uint64(j + 1) * _GAMMA)
    return state + np.uint64(w.size) * _GAMMA


@njit(cache=True, fastmath=_VEC)
def _half_normal_fast(w, z, ok):
    """Ziggurat fast path on words ``w``: z = |Z| candidate, ok = accepted (exact when ok)."""
    for j in range(w.size):
        b = w[j]
        i = np.int64(b & _M7)
        u = (float(np.int64(b >> _S11)) + 0.5) * _INV53
        x = u * _ZX[i]
        z[j] = x
        ok[j] = x < _ZX[i + 1]


@njit(cache=True)
def _half_normal_slow(state, i, x):
    """Finish a ziggurat draw whose fast test failed at layer ``i`` with candidate ``x`` (exact)."""
    while True:
        if i == 0:
            while True:
                state, u1 = _uniform(state)
                state, u2 = _uniform(state)
                xt = -math.log(u1) / _ZR
                if -2.0 * math.log(u2) > xt * xt:
                    return state, _ZR + xt
        state, u2 = _uniform(state)
        if _ZF[i + 1] + u2 * (_ZF[i] - _ZF[i + 1]) < math.exp(-0.5 * x * x):
            return state, x
        state = state + _GAMMA  # a fresh draw
        b = _mix(state)
        i = np.int64(b & _M7)
        x = (float(np.int64(b >> _S11)) + 0.5) * _INV53 * _ZX[i]
        if x < _ZX[i + 1]:
            return state, x


@njit(cache=True, fastmath=_VEC)
def _label_uniforms(w, u):
    """Two 32-bit uniforms on (0, 1) per word: u[2j], u[2j+1] from the high and low halves of w[j]."""
    for j in range(w.size):
        u[2 * j] = (float(w[j] >> _S32) + 0.5) * _INV32
        u[2 * j + 1] = (float(w[j] & _LO32) + 0.5) * _INV32


@njit(cache=True, fastmath=_VEC)
def _sigmoid_fill(y, out, kb):
    """out = sigmoid(y), stable (only e = exp(-|y|) is computed), vectorisable; kb is int64 scratch.

    exp(x) = 2^(k/64) e^r with k = round(64 x / ln 2) and |r| <= ln2/128 (Cody-Waite: ln2/64 in two parts),
    e^r by its degree-5 Taylor polynomial (truncation < 4e-17), 2^(k/64) = 2^(k >> 6) * T[k & 63] with the
    power of two built from exponent bits. ``out`` must not alias ``y``. Relative error <= ~5e-16 for
    y >= -700 (below, sigmoid(y) < 1e-304)."""
    for j in range(y.size):
        x = -abs(y[j])
        x = x if x > -700.0 else -700.0  # noqa: FURB136 - a select vectorises
        k = math.floor(x * _64_LN2 + 0.5)
        r = (x - k * _LN2_64_HI) - k * _LN2_64_LO
        p = 1.0 / 120.0
        p = p * r + 1.0 / 24.0
        p = p * r + 1.0 / 6.0
        p = p * r + 0.5
        p = p * r + 1.0
        p = p * r + 1.0
        ki = np.int64(k)
        out[j] = p * _EXP2_64[ki & 63]
        kb[j] = ((ki >> 6) + 1023) << 52
    scale = kb.view(np.float64)
    for j in range(y.size):
        e = out[j] * scale[j]
        t = 1.0 / (1.0 + e)
        out[j] = t if y[j] >= 0.0 else e * t


@njit(cache=True, fastmath=_VEC)
def _sums5(d, t, u):
    """(sum d, sum t, #{u < t}, sum d^2, sum t^2) in four fixed lanes: the order of additions is
    the code's, whatever the alignment, so the result is bit-reproducible."""
    a0 = a1 = a2 = a3 = 0.0
    b0 = b1 = b2 = b3 = 0.0
    c0 = c1 = c2 = c3 = 0.0
    e0 = e1 = e2 = e3 = 0.0
    f0 = f1 = f2 = f3 = 0.0
    n4 = d.size - d.size % 4
    for j in range(0, n4, 4):
        a0 += d[j]
        a1 += d[j + 1]
        a2 += d[j + 2]
        a3 += d[j + 3]
        b0 += t[j]
        b1 += t[j + 1]
        b2 += t[j + 2]
        b3 += t[j + 3]
        c0 += 1.0 if u[j] < t[j] else 0.0
        c1 += 1.0 if u[j + 1] < t[j + 1] else 0.0
        c2 += 1.0 if u[j + 2] < t[j + 2] else 0.0
        c3 += 1.0 if u[j + 3] < t[j + 3] else 0.0
        e0 += d[j] * d[j]
        e1 += d[j + 1] * d[j + 1]
        e2 += d[j + 2] * d[j + 2]
        e3 += d[j + 3] * d[j + 3]
        f0 += t[j] * t[j]
        f1 += t[j + 1] * t[j + 1]
        f2 += t[j + 2] * t[j + 2]
        f3 += t[j + 3] * t[j + 3]
    for j in range(n4, d.size):
        a0 += d[j]
        b0 += t[j]
        c0 += 1.0 if u[j] < t[j] else 0.0
        e0 += d[j] * d[j]
        f0 += t[j] * t[j]
    return (
        (a0 + a1) + (a2 + a3),
        (b0 + b1) + (b2 + b3),
        (c0 + c1) + (c2 + c3),
        (e0 + e1) + (e2 + e3),
        (f0 + f1) + (f2 + f3),
    )


@njit(cache=True, fastmath=_VEC)
def _sum2(a, b):
    """sum(a + b) in four fixed lanes (bit-reproducible, see :func:`_sums5`)."""
    s0 = s1 = s2 = s3 = 0.0
    n4 = a.size - a.size % 4
    for j in range(0, n4, 4):
        s0 += a[j] + b[j]
        s1 += a[j + 1] + b[j + 1]
        s2 += a[j + 2] + b[j + 2]
        s3 += a[j + 3] + b[j + 3]
    for j in range(n4, a.size):
        s0 += a[j] + b[j]
    return (s0 + s1) + (s2 + s3)


@njit(cache=True, parallel=True)
def pair_sums_gauss(n, cross, mu_sd, sig_med, sig_logsd, xi_code, beta, threshold, steep, key, stage):
    """Sums and sums of squares of (|dr|, xi(|dr|), correct) for Gaussian utilities, designs same (``cross``
    False) and cross, with |dr| = scale * |Z| (see above). Block b of FAST_BLOCK pairs draws from the
    SplitMix64 streams keyed by (key, b): results do not depend on the number of threads.

    ``stage`` (cost breakdown in benchmarks/bench_backends.py): 0 = random numbers only (|Z| and the label
    uniforms, summed), 1 = also the transform (|dr|, xi), 2 = everything (the five sums).
    """
    n_blocks = (n + FAST_BLOCK - 1) // FAST_BLOCK
    n_super = min(n_blocks, _SUPER)
    part = np.zeros((n_super, 5))
    two_mu2 = 2.0 * mu_sd * mu_sd
    const_scale = math.sqrt(two_mu2 + 2.0 * sig_med * sig_med) if cross else math.sqrt(2.0) * sig_med
    half = FAST_BLOCK // 2
    for sb in prange(n_super):
        w = np.empty(FAST_BLOCK, dtype=np.uint64)
        wl = np.empty(half, dtype=np.uint64)
        z = np.empty(FAST_BLOCK)
        ok = np.empty(FAST_BLOCK, dtype=np.bool_)
        u = np.empty(FAST_BLOCK)
        t = np.empty(FAST_BLOCK)
        y = np.empty(FAST_BLOCK)
        kb = np.empty(FAST_BLOCK, dtype=np.int64)
        acc = np.zeros(5)
        for blk in range(sb, n_blocks, n_super):
            lo = blk * FAST_BLOCK
            m = min(n, lo + FAST_BLOCK) - lo
            state = _mix(key ^ _mix(np.uint64(blk) + _GAMMA))
            fix = _mix(state ^ _FIX)  # second stream of the block: ziggurat rejections, prompt scales
            state = _fill_words(state, w)
            _half_normal_fast(w, z, ok)
            ok8 = ok.view(np.uint64)  # 8 flags per word: skip the all-accepted words (~80 %)
            for c8 in range(FAST_BLOCK // 8):
                if ok8[c8] != _ALL8:
                    for j in range(8 * c8, 8 * c8 + 8):
                        if not ok[j]:
                            fix, z[j] = _half_normal_slow(fix, np.int64(w[j] & _M7), z[j])
            state = _fill_words(state, wl)
            _label_uniforms(wl, u)
            if stage == 0:
                acc[0] += _sum2(z[:m], u[:m])
                continue
            if sig_logsd == 0.0:
                ds = const_scale  # |dr| = ds * z: the scale is folded into xi's argument and the sums
            else:
                ds = 1.0
                for j in range(m):
                    fix, g1 = _normal(fix)
                    a = sig_med * math.exp(sig_logsd * g1)
                    if cross:
                        fix, g2 = _normal(fix)
                        b2 = sig_med * math.exp(sig_logsd * g2)
                        z[j] *= math.sqrt(two_mu2 + a * a + b2 * b2)
                    else:
                        z[j] *= math.sqrt(2.0) * a
            d = z[:m]
            tt = t[:m]
            yy = y[:m]
            if xi_code == 0:
                c = beta * ds
                for j in range(m):
                    yy[j] = c * d[j]
                _sigmoid_fill(yy, tt, kb[:m])
            elif xi_code == 1:
                c = beta * ds / math.sqrt(2.0)
                for j in range(m):
                    tt[j] = 0.5 * (1.0 + math.erf(c * d[j]))
            else:
                c = steep * ds
                c0 = steep * threshold
                for j in range(m):
                    yy[j] = c * d[j] - c0
                _sigmoid_fill(yy, tt, kb[:m])
                for j in range(m):
                    tt[j] = 0.5 + 0.5 * tt[j]
            if stage == 1:
                acc[1] += _sum2(d, tt)
                continue
            s0, s1, s2, q0, q1 = _sums5(d, tt, u[:m])
            acc[0] += ds * s0
            acc[1] += s1
            acc[2] += s2
            acc[3] += ds * ds * q0
            acc[4] += q1
        for c in range(5):
            part[sb, c] = acc[c]
    tot = part.sum(axis=0)
    return tot[:3].copy(), np.array([tot[3], tot[4], tot[2]])


@njit(cache=True)
def half_normal_sample(n, key):
    """``n`` draws of |Z| by the fast path's passes (vectorised ziggurat + exact fix-ups), for tests."""
    out = np.empty(n)
    w = np.empty(FAST_BLOCK, dtype=np.uint64)
    z = np.empty(FAST_BLOCK)
    ok = np.empty(FAST_BLOCK, dtype=np.bool_)
    for blk in range((n + FAST_BLOCK - 1) // FAST_BLOCK):
        state = _mix(key ^ _mix(np.uint64(blk) + _GAMMA))
        fix = _mix(state ^ _FIX)
        _fill_words(state, w)
        _half_normal_fast(w, z, ok)
        for j in range(FAST_BLOCK):
            if not ok[j]:
                fix, z[j] = _half_normal_slow(fix, np.int64(w[j] & _M7), z[j])
        lo = blk * FAST_BLOCK
        m = min(n, lo + FAST_BLOCK) - lo
        out[lo : lo + m] = z[:m]
    return out
