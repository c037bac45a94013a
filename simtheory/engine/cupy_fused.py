"""Fused CUDA kernels (``cupy.RawModule``): generate, annotate and reduce in registers.

Backend ``cupy`` of :func:`simtheory.engine.montecarlo.pair_stats` and
:func:`simtheory.engine.order_consistency.order_consistency`. No intermediate array touches GPU memory:

* **Random numbers.** Philox4x32-10 (Salmon et al. 2011, Random123), counter-based: the pairs are cut
  into fixed *streams* of :data:`PAIRS_PER_STREAM` pairs; stream ``s`` draws from the counter
  ``(draw index, s)`` under the key ``(k0, k1)`` taken from the seed's SeedSequence. A stream's numbers
  depend only on (seed, s), not on the launch configuration. Uniforms on (0, 1) carry 53 bits
  (labels: 32 bits); normals come from Box-Muller (both variates used).
* **Pairs.** The same designs, utility families and prompt populations as the numpy reference
  (:mod:`simtheory.engine.pairing`, :mod:`simtheory.engine.utility_samplers`). Sampling only what
  the statistics need: within a prompt mu_x cancels in r1 - r2 and is not drawn; for Gaussian
  utilities of one prompt, r1 - r2 = sigma_x sqrt(2) Z is drawn as one normal; for the ``similar``
  designs a prompt's k utilities sit in a per-thread buffer (k <= 64), insertion-sorted.
* **Reduction.** Each thread accumulates sum and sum of squares of (|dr|, xi(|dr|), label correct)
  in float64 registers; warp shuffles, then shared memory, give one partial per block; the host
  adds the partials (a fixed order: results are reproducible on a given device).

The statistics are those of the other backends (same :class:`PairStats` fields, standard errors from
the sums of squares); the numbers are statistically, not bitwise, identical.
"""

from __future__ import annotations

import functools

import numpy as np

PAIRS_PER_STREAM = 256
THREADS = 256
BLOCKS_PER_SM = 8
STATS_PER_BLOCK = 5  # sum |dr|, sum tau, sum correct, sum |dr|^2, sum tau^2

_SRC = r"""
#define K_MAX 64
typedef unsigned int u32;
typedef long long i64;
typedef unsigned long long u64;

struct u4 { u32 x, y, z, w; };

__device__ __forceinline__ u4 philox4x32_10(u4 c, u32 k0, u32 k1) {
#pragma unroll
    for (int r = 0; r < 10; ++r) {
        u32 hi0 = __umulhi(0xD2511F53u, c.x), lo0 = 0xD2511F53u * c.x;
        u32 hi1 = __umulhi(0xCD9E8D57u, c.z), lo1 = 0xCD9E8D57u * c.z;
        u4 o;
        o.x = hi1 ^ c.y ^ k0; o.y = lo1; o.z = hi0 ^ c.w ^ k1; o.w = lo0;
        c = o;
        k0 += 0x9E3779B9u; k1 += 0xBB67AE85u;
    }
    return c;
}

struct Stream {
    u4 ctr; u32 k0, k1; u4 buf; int pos; int has; double cached;
};

__device__ __forceinline__ void stream_init(Stream& s, u32 k0, u32 k1, u64 id) {
    s.ctr.x = 0u; s.ctr.y = 0u; s.ctr.z = (u32)id; s.ctr.w = (u32)(id >> 32);
    s.k0 = k0; s.k1 = k1; s.pos = 4; s.has = 0; s.cached = 0.0;
}

__device__ __forceinline__ u32 next32(Stream& s) {
    if (s.pos == 4) {
        s.buf = philox4x32_10(s.ctr, s.k0, s.k1);
        s.ctr.x += 1u; if (s.ctr.x == 0u) s.ctr.y += 1u;
        s.pos = 0;
    }
    u32 r;
    switch (s.pos) { case 0: r = s.buf.x; break; case 1: r = s.buf.y; break;
                     case 2: r = s.buf.z; break; default: r = s.buf.w; }
    s.pos += 1;
    return r;
}

/* uniform on (0, 1) with 53 random bits */
__device__ __forceinline__ double uniform53(Stream& s) {
    u32 a = next32(s) >> 5, b = next32(s) >> 6;
    return ((double)a * 67108864.0 + (double)b + 0.5) * (1.0 / 9007199254740992.0);
}

/* uniform on (0, 1) with 32 random bits (label coins) */
__device__ __forceinline__ double uniform32(Stream& s) {
    return ((double)next32(s) + 0.5) * (1.0 / 4294967296.0);
}

/* standard normal, Box-Muller; the second variate is kept for the next call */
__device__ __forceinline__ double normal(Stream& s) {
    if (s.has) { s.has = 0; return s.cached; }
    double u1 = uniform53(s), u2 = uniform53(s);
    double rad = sqrt(-2.0 * log(u1));
    double sn, cs;
    sincospi(2.0 * u2, &sn, &cs);
    s.cached = rad * sn; s.has = 1;
    return rad * cs;
}

struct Pop {
    int family; double df, scale, bm, bs, mu_mean, mu_sd, sig_med, sig_logsd;
};

/* unit-variance, mean-zero noise of the family (index in utility_samplers.FAMILIES) */
__device__ double noise(Stream& s, const Pop& p) {
    switch (p.family) {
    case 0: return normal(s);
    case 1: { double u = uniform53(s) - 0.5;
              return -p.scale * copysign(1.0, u) * log1p(-2.0 * fabs(u)); }
    case 2: { double u = uniform53(s); return p.scale * (log(u) - log1p(-u)); }
    case 3: return p.scale * (2.0 * uniform53(s) - 1.0);
    case 4: { /* Student t, Bailey's polar method */
        while (true) {
            double a = 2.0 * uniform53(s) - 1.0, b = 2.0 * uniform53(s) - 1.0;
            double w = a * a + b * b;
            if (w > 0.0 && w < 1.0) return p.scale * a * sqrt(p.df * (pow(w, -2.0 / p.df) - 1.0) / w);
        } }
    case 5: return -log(uniform53(s)) - 1.0;
    default: { double sgn = uniform53(s) < 0.5 ? -1.0 : 1.0;
               return p.scale * (p.bm * sgn + p.bs * normal(s)); }
    }
}

__device__ __forceinline__ double prompt_sigma(Stream& s, const Pop& p) {
    return p.sig_logsd != 0.0 ? p.sig_med * exp(p.sig_logsd * normal(s)) : p.sig_med;
}

__device__ __forceinline__ double prompt_mu(Stream& s, const Pop& p) {
    return p.mu_sd != 0.0 ? p.mu_mean + p.mu_sd * normal(s) : p.mu_mean;
}

/* the two kept responses (standardised noise) of one prompt with k responses:
   similar: the two middle-ranked (ranks k/2-1 and k/2 from below); diversified: max and min */
__device__ void pick2(Stream& s, const Pop& p, int k, bool similar, double& a, double& b) {
    if (similar) {
        double buf[K_MAX];
        for (int j = 0; j < k; ++j) {
            double v = noise(s, p);
            int i = j;
            while (i > 0 && buf[i - 1] > v) { buf[i] = buf[i - 1]; --i; }
            buf[i] = v;
        }
        a = buf[k / 2 - 1]; b = buf[k / 2];
    } else {
        double hi = noise(s, p), lo = hi;
        for (int j = 1; j < k; ++j) { double v = noise(s, p); hi = fmax(hi, v); lo = fmin(lo, v); }
        a = hi; b = lo;
    }
}

template <int DESIGN>
__device__ __forceinline__ double draw_abs_dr(Stream& s, const Pop& p, int k) {
    if (DESIGN == 0) {            /* same prompt, two random responses: mu cancels */
        double sig = prompt_sigma(s, p);
        if (p.family == 0) return sig * 1.4142135623730951 * fabs(normal(s));
        double z1 = noise(s, p), z2 = noise(s, p);
        return sig * fabs(z1 - z2);
    } else if (DESIGN == 1) {     /* two independent prompt-response pairs */
        double m1 = prompt_mu(s, p), s1 = prompt_sigma(s, p);
        double m2 = prompt_mu(s, p), s2 = prompt_sigma(s, p);
        return fabs((m1 + s1 * noise(s, p)) - (m2 + s2 * noise(s, p)));
    } else if (DESIGN == 2 || DESIGN == 3) {   /* one prompt, k responses, two kept */
        double sig = prompt_sigma(s, p), a, b;
        pick2(s, p, k, DESIGN == 2, a, b);
        return sig * fabs(a - b);
    } else {                      /* one kept response (coin) from each of two prompts */
        double r[2];
        for (int q = 0; q < 2; ++q) {
            double mu = prompt_mu(s, p), sig = prompt_sigma(s, p), a, b;
            pick2(s, p, k, DESIGN == 4, a, b);
            r[q] = mu + sig * (uniform53(s) < 0.5 ? a : b);
        }
        return fabs(r[0] - r[1]);
    }
}

__device__ __forceinline__ double xi_f(double d, int code, double beta, double thr, double steep) {
    if (code == 0) return 1.0 / (1.0 + exp(-beta * d));
    if (code == 1) return normcdf(beta * d);
    return 0.5 + 0.5 / (1.0 + exp(-steep * (d - thr)));
}

__device__ __forceinline__ double warp_sum(double v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
    return v;
}

__device__ __forceinline__ i64 warp_sum_i64(i64 v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
    return v;
}

/* block-wide sum of NV values per thread; thread 0 of warp 0 writes them to out[0..NV) */
template <int NV>
__device__ __forceinline__ void block_sums(double* acc, double* out) {
    __shared__ double sh[NV][32];
    int lane = threadIdx.x & 31, w = threadIdx.x >> 5, nw = (blockDim.x + 31) >> 5;
#pragma unroll
    for (int j = 0; j < NV; ++j) {
        double v = warp_sum(acc[j]);
        if (lane == 0) sh[j][w] = v;
    }
    __syncthreads();
    if (w == 0) {
#pragma unroll
        for (int j = 0; j < NV; ++j) {
            double v = warp_sum(lane < nw ? sh[j][lane] : 0.0);
            if (lane == 0) out[j] = v;
        }
    }
}

template <int DESIGN>
__device__ void pair_sums_body(i64 n, int pps, Pop p, int k, int xi_code, double beta, double thr,
                               double steep, u32 k0, u32 k1, double* out) {
    double acc[5] = {0.0, 0.0, 0.0, 0.0, 0.0};
    i64 n_streams = (n + pps - 1) / pps;
    i64 stride = (i64)gridDim.x * blockDim.x;
    for (i64 st = (i64)blockIdx.x * blockDim.x + threadIdx.x; st < n_streams; st += stride) {
        Stream s;
        stream_init(s, k0, k1, (u64)st);
        i64 lo = st * pps, hi = lo + pps < n ? lo + pps : n;
        for (i64 i = lo; i < hi; ++i) {
            double d = draw_abs_dr<DESIGN>(s, p, k);
            double t = xi_f(d, xi_code, beta, thr, steep);
            double c = uniform32(s) < t ? 1.0 : 0.0;
            acc[0] += d; acc[1] += t; acc[2] += c; acc[3] += d * d; acc[4] += t * t;
        }
    }
    block_sums<5>(acc, out + 5 * (i64)blockIdx.x);
}

#define PAIR_KERNEL(D) \
extern "C" __global__ void pair_sums_d##D(i64 n, int pps, int family, double df, double scale, double bm, \
        double bs, double mu_mean, double mu_sd, double sig_med, double sig_logsd, int k, int xi_code, \
        double beta, double thr, double steep, u32 k0, u32 k1, double* out) { \
    Pop p; p.family = family; p.df = df; p.scale = scale; p.bm = bm; p.bs = bs; p.mu_mean = mu_mean; \
    p.mu_sd = mu_sd; p.sig_med = sig_med; p.sig_logsd = sig_logsd; \
    pair_sums_body<D>(n, pps, p, k, xi_code, beta, thr, steep, k0, k1, out); }
PAIR_KERNEL(0)
PAIR_KERNEL(1)
PAIR_KERNEL(2)
PAIR_KERNEL(3)
PAIR_KERNEL(4)
PAIR_KERNEL(5)

/* measured peak: the random numbers of the fused `same` Gaussian path (one normal and one 32-bit
   uniform per pair) summed, with nothing else */
extern "C" __global__ void rng_only(i64 n, int pps, u32 k0, u32 k1, double* out) {
    double acc[1] = {0.0};
    i64 n_streams = (n + pps - 1) / pps;
    i64 stride = (i64)gridDim.x * blockDim.x;
    for (i64 st = (i64)blockIdx.x * blockDim.x + threadIdx.x; st < n_streams; st += stride) {
        Stream s;
        stream_init(s, k0, k1, (u64)st);
        i64 lo = st * pps, hi = lo + pps < n ? lo + pps : n;
        for (i64 i = lo; i < hi; ++i) acc[0] += normal(s) + uniform32(s);
    }
    block_sums<1>(acc, out + (i64)blockIdx.x);
}

/* raw Philox4x32-10 for the known-answer test: out[4 i + j] = philox(ctr_i, key)_j */
extern "C" __global__ void philox_raw(const u32* ctr, int m, u32 k0, u32 k1, u32* out) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= m) return;
    u4 c; c.x = ctr[4 * i]; c.y = ctr[4 * i + 1]; c.z = ctr[4 * i + 2]; c.w = ctr[4 * i + 3];
    u4 o = philox4x32_10(c, k0, k1);
    out[4 * i] = o.x; out[4 * i + 1] = o.y; out[4 * i + 2] = o.z; out[4 * i + 3] = o.w;
}

__device__ __forceinline__ double sgn(double x) { return (double)(x > 0.0) - (double)(x < 0.0); }

/* order consistency, Monte Carlo: n_pairs random pairs of rows sorted by group (design 0 same prompt,
   1 different prompts, 2 any two distinct rows); out[2 b], out[2 b + 1] = sum s, sum s^2 of block b */
extern "C" __global__ void oc_sample(i64 n_pairs, int pps, const double* r, const double* rh,
        const i64* offset, const i64* size, const i64* pos, i64 n, int design, u32 k0, u32 k1, double* out) {
    double acc[2] = {0.0, 0.0};
    i64 n_streams = (n_pairs + pps - 1) / pps;
    i64 stride = (i64)gridDim.x * blockDim.x;
    for (i64 st = (i64)blockIdx.x * blockDim.x + threadIdx.x; st < n_streams; st += stride) {
        Stream s;
        stream_init(s, k0, k1, (u64)st);
        i64 lo = st * pps, hi = lo + pps < n_pairs ? lo + pps : n_pairs;
        for (i64 t = lo; t < hi; ++t) {
            double ui = uniform53(s), uj = uniform53(s);
            i64 i = (i64)(ui * (double)n); if (i > n - 1) i = n - 1;
            i64 off = offset[i], sz = size[i], j, kk;
            if (design == 0) {
                kk = (i64)(uj * (double)(sz - 1)); if (kk > sz - 2) kk = sz - 2;
                j = off + (pos[i] + 1 + kk) % sz;
            } else if (design == 1) {
                kk = (i64)(uj * (double)(n - sz)); if (kk > n - sz - 1) kk = n - sz - 1;
                j = kk < off ? kk : kk + sz;
            } else {
                kk = (i64)(uj * (double)(n - 1)); if (kk > n - 2) kk = n - 2;
                j = kk < i ? kk : kk + 1;
            }
            double v = 0.5 * (1.0 + sgn(r[i] - r[j]) * sgn(rh[i] - rh[j]));
            acc[0] += v; acc[1] += v * v;
        }
    }
    block_sums<2>(acc, out + 2 * (i64)blockIdx.x);
}

/* order consistency, exact: sum of s_ij and the number of pairs over all i < j of the design
   (codes: group code of each row); one row i per thread; out_s[b], out_c[b] per block */
extern "C" __global__ void oc_exact(const double* r, const double* rh, const i64* codes, i64 n, int design,
                                    double* out_s, i64* out_c) {
    double acc[1] = {0.0};
    i64 cnt = 0;
    i64 stride = (i64)gridDim.x * blockDim.x;
    for (i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
        double ri = r[i], rhi = rh[i];
        i64 ci = codes[i];
        for (i64 j = i + 1; j < n; ++j) {
            bool same = codes[j] == ci;
            if ((design == 0 && !same) || (design == 1 && same)) continue;
            acc[0] += 0.5 * (1.0 + sgn(ri - r[j]) * sgn(rhi - rh[j]));
            cnt += 1;
        }
    }
    block_sums<1>(acc, out_s + (i64)blockIdx.x);
    __shared__ i64 shc[32];
    int lane = threadIdx.x & 31, w = threadIdx.x >> 5, nw = (blockDim.x + 31) >> 5;
    i64 c = warp_sum_i64(cnt);
    if (lane == 0) shc[w] = c;
    __syncthreads();
    if (w == 0) {
        c = warp_sum_i64(lane < nw ? shc[lane] : 0);
        if (lane == 0) out_c[blockIdx.x] = c;
    }
}
"""


@functools.cache
def _module():
    import cupy

    return cupy.RawModule(code=_SRC, options=("--std=c++14",))


def kernel(name: str):
    """The compiled kernel ``name`` of :data:`_SRC` (compiled once per process)."""
    return _module().get_function(name)


def _grid(n_items: int) -> int:
    """Blocks for ``n_items`` work items (streams or rows): enough to fill the device, fixed per device."""
    import cupy

    sms = cupy.cuda.Device().attributes["MultiProcessorCount"]
    return max(1, min(-(-n_items // THREADS), sms * BLOCKS_PER_SM))


def _keys(seed: np.random.SeedSequence) -> tuple[np.uint32, np.uint32]:
    k = seed.generate_state(2, np.uint32)
    return np.uint32(k[0]), np.uint32(k[1])


def pair_sums_fused(p) -> tuple[np.ndarray, np.ndarray]:
    """Sums and sums of squares of (|dr|, xi(|dr|), correct) for validated ``PairParams`` ``p``.

    Returns
    -------
    (sums, sumsq) : float64 arrays of length 3 in the order of :data:`~simtheory.engine.montecarlo.STATS`.
    """
    import cupy

    from simtheory.engine.pairing import DESIGNS
    from simtheory.engine.utility_samplers import BIMODAL_M, BIMODAL_S, FAMILIES, family_scale

    pop, xi = p.population, p.xi
    n_streams = -(-p.n_pairs // PAIRS_PER_STREAM)
    blocks = _grid(n_streams)
    out = cupy.empty(STATS_PER_BLOCK * blocks, dtype=cupy.float64)
    k0, k1 = _keys(p.seed)
    scale = family_scale(pop.family, pop.df)
    args = (
        np.int64(p.n_pairs),
        np.int32(PAIRS_PER_STREAM),
        np.int32(FAMILIES.index(pop.family)),
        np.float64(pop.df),
        np.float64(scale),
        np.float64(BIMODAL_M),
        np.float64(BIMODAL_S),
        np.float64(pop.mu_mean),
        np.float64(pop.mu_sd),
        np.float64(pop.sigma_median),
        np.float64(pop.sigma_logsd),
        np.int32(p.k),
        np.int32(xi.code),
        np.float64(xi.beta),
        np.float64(xi.threshold),
        np.float64(xi.steep),
        k0,
        k1,
        out,
    )
    kernel(f"pair_sums_d{DESIGNS.index(p.design)}")((blocks,), (THREADS,), args)
    part = cupy.asnumpy(out).reshape(blocks, STATS_PER_BLOCK).sum(axis=0)
    return part[:3].copy(), np.array([part[3], part[4], part[2]])


def rng_only_sum(n: int, seed: int = 0) -> float:
    """Sum of one normal and one 32-bit uniform per pair over ``n`` pairs (the fused kernel's random
    numbers for design ``same``, nothing else): the measured peak for the benchmark."""
    import cupy

    n_streams = -(-n // PAIRS_PER_STREAM)
    blocks = _grid(n_streams)
    out = cupy.empty(blocks, dtype=cupy.float64)
    k0, k1 = _keys(np.random.SeedSequence(seed))
    kernel("rng_only")((blocks,), (THREADS,), (np.int64(n), np.int32(PAIRS_PER_STREAM), k0, k1, out))
    return float(cupy.asnumpy(out).sum())


def philox_gpu(counters: np.ndarray, key: tuple[int, int]) -> np.ndarray:
    """Philox4x32-10 of each row of ``counters`` (m, 4) uint32 under ``key`` on the GPU (for tests)."""
    import cupy

    c = cupy.asarray(np.ascontiguousarray(counters, dtype=np.uint32))
    m = c.shape[0]
    out = cupy.empty((m, 4), dtype=cupy.uint32)
    kernel("philox_raw")((-(-m // THREADS),), (THREADS,), (c, np.int32(m), np.uint32(key[0]), np.uint32(key[1]), out))
    return cupy.asnumpy(out)


def philox_reference(counter, key) -> tuple[int, int, int, int]:
    """Philox4x32-10 in plain Python integers (Salmon et al. 2011), the reference for the CUDA code."""
    m32 = 0xFFFFFFFF
    c = [int(v) & m32 for v in counter]
    k0, k1 = int(key[0]) & m32, int(key[1]) & m32
    for _ in range(10):
        p0, p1 = 0xD2511F53 * c[0], 0xCD9E8D57 * c[2]
        c = [((p1 >> 32) ^ c[1] ^ k0) & m32, p1 & m32, ((p0 >> 32) ^ c[3] ^ k1) & m32, p0 & m32]
        k0, k1 = (k0 + 0x9E3779B9) & m32, (k1 + 0xBB67AE85) & m32
    return c[0], c[1], c[2], c[3]


def oc_sample_fused(
    n_pairs: int,
    rs: np.ndarray,
    rhs: np.ndarray,
    offset: np.ndarray,
    size: np.ndarray,
    pos: np.ndarray,
    design_code: int,
    seed: np.random.SeedSequence,
) -> tuple[float, float]:
    """Sum and sum of squares of s_ij over ``n_pairs`` random pairs (rows sorted by group), on the GPU."""
    import cupy

    n = rs.shape[0]
    dev = [
        cupy.asarray(np.ascontiguousarray(a, dtype=t))
        for a, t in ((rs, np.float64), (rhs, np.float64), (offset, np.int64), (size, np.int64), (pos, np.int64))
    ]
    blocks = _grid(-(-n_pairs // PAIRS_PER_STREAM))
    out = cupy.empty(2 * blocks, dtype=cupy.float64)
    k0, k1 = _keys(seed)
    kernel("oc_sample")(
        (blocks,),
        (THREADS,),
        (np.int64(n_pairs), np.int32(PAIRS_PER_STREAM), *dev, np.int64(n), np.int32(design_code), k0, k1, out),
    )
    part = cupy.asnumpy(out).reshape(blocks, 2).sum(axis=0)
    return float(part[0]), float(part[1])


def oc_exact_fused(rs: np.ndarray, rhs: np.ndarray, codes: np.ndarray, design_code: int) -> tuple[float, int]:
    """Sum of s_ij and the number of pairs over every unordered pair of the design, on the GPU (exact:
    s_ij are multiples of 1/2, so the float64 sums equal the CPU's)."""
    import cupy

    n = rs.shape[0]
    r, rh = (
        cupy.asarray(np.ascontiguousarray(rs, dtype=np.float64)),
        cupy.asarray(np.ascontiguousarray(rhs, dtype=np.float64)),
    )
    c = cupy.asarray(np.ascontiguousarray(codes, dtype=np.int64))
    blocks = _grid(n)
    out_s = cupy.empty(blocks, dtype=cupy.float64)
    out_c = cupy.empty(blocks, dtype=cupy.int64)
    kernel("oc_exact")((blocks,), (THREADS,), (r, rh, c, np.int64(n), np.int32(design_code), out_s, out_c))
    return float(cupy.asnumpy(out_s).sum()), int(cupy.asnumpy(out_c).sum())
