"""Fused CUDA kernels (simtheory.engine.cupy_fused) against the numpy reference.

The GPU tests are marked ``gpu`` and skip, with the reason shown, where cupy or a CUDA device is missing
(run them with ``pytest -m gpu tests/engine``). The Philox known-answer test of the Python reference runs
everywhere.
"""

import math

import numpy as np
import pytest

from simtheory.engine.backends import cupy_available
from simtheory.engine.cupy_fused import philox_reference
from simtheory.engine.montecarlo import STATS, Xi, pair_stats
from simtheory.engine.order_consistency import OC_DESIGNS, order_consistency
from simtheory.engine.pairing import DESIGNS
from simtheory.engine.utility_samplers import PromptPopulation

Z = 5.0
needs_gpu = pytest.mark.skipif(not cupy_available(), reason="needs cupy and a CUDA device")

# Random123 known-answer vectors for Philox4x32-10: (counter, key) -> output
KAT = [
    ((0, 0, 0, 0), (0, 0), (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)),
    ((0xFFFFFFFF,) * 4, (0xFFFFFFFF, 0xFFFFFFFF), (0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD)),
    (
        (0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344),
        (0xA4093822, 0x299F31D0),
        (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1),
    ),
]


@pytest.mark.parametrize("ctr, key, want", KAT)
def test_philox_reference_known_answers(ctr, key, want):
    assert philox_reference(ctr, key) == want


def _within(a, b, z=Z):
    for s in STATS:
        assert abs(a.mean[s] - b.mean[s]) < z * math.hypot(a.se[s], b.se[s]), (s, a.mean[s], b.mean[s], a.se[s])


@pytest.mark.gpu
@needs_gpu
def test_philox_cuda_matches_reference():
    """The CUDA Philox equals the Python reference on the known answers and 1000 random counters."""
    from simtheory.engine.cupy_fused import philox_gpu

    rng = np.random.default_rng(0)
    ctr = rng.integers(0, 2**32, size=(1000, 4), dtype=np.uint64).astype(np.uint32)
    key = (0x12345678, 0x9ABCDEF0)
    got = philox_gpu(ctr, key)
    want = np.array([philox_reference(c, key) for c in ctr], dtype=np.uint32)
    assert np.array_equal(got, want)
    for c, k, w in KAT:
        assert tuple(int(v) for v in philox_gpu(np.array([c], dtype=np.uint32), k)[0]) == w


@pytest.mark.gpu
@needs_gpu
@pytest.mark.parametrize("design", DESIGNS)
@pytest.mark.parametrize("family", ["gaussian", "laplace", "logistic", "uniform", "student_t", "skewed", "bimodal"])
def test_fused_matches_numpy_within_5se(design, family):
    """numpy 200000 pairs vs fused 2000000 pairs (seed 9), mu_sd 0.7, sigma_logsd 0.4, k = 6: every
    statistic within 5 SE of the difference."""
    pop = PromptPopulation(mu_sd=0.7, sigma_logsd=0.4, family=family)
    a = pair_stats(200_000, design, pop, Xi("sigmoid", 1.3), k=6, seed=9, backend="numpy")
    b = pair_stats(2_000_000, design, pop, Xi("sigmoid", 1.3), k=6, seed=9, backend="cupy")
    _within(a, b)


@pytest.mark.gpu
@needs_gpu
@pytest.mark.parametrize("xi", [Xi("probit", 0.8), Xi("step", threshold=1.0, steep=5.0), Xi("sigmoid", 3.0)])
@pytest.mark.parametrize("design", ["same", "cross"])
def test_fused_matches_numpy_for_every_xi_and_constant_sigma(xi, design):
    """Constant sigma (the fast Gaussian paths): numpy 200000 vs fused 2000000 pairs (seed 4), within 5 SE."""
    a = pair_stats(200_000, design, PromptPopulation(), xi, seed=4, backend="numpy")
    b = pair_stats(2_000_000, design, PromptPopulation(), xi, seed=4, backend="cupy")
    _within(a, b)


@pytest.mark.gpu
@needs_gpu
def test_fused_against_closed_form_and_deterministic():
    """design same, Gaussian, sigma 1: E|dr| = 2/sqrt(pi) within 5 SE at 1e7 pairs (seed 2); the same seed
    gives the same numbers, another seed other numbers; cupy_array agrees within 5 SE."""
    a = pair_stats(10_000_000, "same", seed=2, backend="cupy")
    assert abs(a.mean["abs_dr"] - 2 / math.sqrt(math.pi)) < Z * a.se["abs_dr"]
    assert a.mean == pair_stats(10_000_000, "same", seed=2, backend="cupy").mean
    assert a.mean != pair_stats(10_000_000, "same", seed=3, backend="cupy").mean
    _within(a, pair_stats(10_000_000, "same", seed=2, backend="cupy_array"))


def _oc_data(n=600, groups=60, seed=0, ties=False):
    rng = np.random.default_rng(seed)
    g = np.repeat(np.arange(groups), n // groups)
    r = rng.normal(size=n) + 0.8 * rng.normal(size=groups)[g]
    rh = r + 0.7 * rng.normal(size=n)
    if ties:
        r, rh = np.round(r, 0), np.round(rh, 0)
    return r, rh, rng.permutation(g)


@pytest.mark.gpu
@needs_gpu
@pytest.mark.parametrize("design", OC_DESIGNS)
def test_order_consistency_gpu_equals_cpu(design):
    """Exact mode: GPU == numpy (same pair count, sums of halves are exact); Monte Carlo, 1e6 pairs (seed 5):
    within 5 SE of the exact value, on 3000 rows in 30 groups with ties."""
    r, rh, g = _oc_data(3000, 30, ties=True)
    cpu = order_consistency(r, rh, groups=g, design=design, backend="numpy")
    gpu_ = order_consistency(r, rh, groups=g, design=design, backend="cupy")
    assert gpu_.n == cpu.n and gpu_.mean == pytest.approx(cpu.mean, abs=1e-12)
    mc = order_consistency(r, rh, groups=g, design=design, n_pairs=1_000_000, seed=5, backend="cupy")
    assert abs(mc.mean - cpu.mean) < Z * mc.se, (design, mc.mean, cpu.mean, mc.se)
    arr = order_consistency(r, rh, groups=g, design=design, n_pairs=1_000_000, seed=5, backend="cupy_array")
    assert abs(arr.mean - cpu.mean) < Z * arr.se
