"""Validation in one place (issue 11, item 3): every backend accepts and rejects exactly the same inputs.

Hypothesis generates parameters of :func:`pair_stats` and :func:`order_consistency`, valid and not; every
available backend (numpy, numba, and cupy / cupy_array where a CUDA device answers) must agree on
accept / reject and, when rejecting, name the same argument in a one-line SimTheoryInputError.
"""

import math

import numpy as np
import pytest

pytest.importorskip("hypothesis", reason="the property tests need hypothesis (pip install hypothesis)")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from simtheory.engine.backends import available_backends  # noqa: E402
from simtheory.engine.montecarlo import K_MAX, STATS, PromptPopulation, check_pair_params, pair_stats
from simtheory.engine.order_consistency import order_consistency
from simtheory.engine.pairing import DESIGNS
from simtheory.validation import SimTheoryInputError

BACKENDS = available_backends()
ints = st.integers(min_value=-3, max_value=K_MAX + 3)
odd = st.sampled_from([2.5, float("nan"), float("inf"), -1.0, "10", None, True, 1 << 60])


def _outcome(call):
    """('ok', result) or ('reject', argument); anything else (a traceback) fails the test."""
    try:
        return "ok", call()
    except SimTheoryInputError as e:
        msg = str(e)
        assert "\n" not in msg and msg.startswith(e.argument + ":"), msg
        return "reject", e.argument


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n_pairs=st.one_of(st.integers(-2, 300), odd),
    design=st.sampled_from(DESIGNS + ("sideways",)),
    k=st.one_of(ints, odd),
    beta=st.one_of(st.floats(-1, 5), odd),
    seed=st.one_of(st.integers(-2, 2**40), odd),
    chunk=st.one_of(st.none(), st.integers(-1, 64)),
)
def test_pair_stats_backends_agree_on_accept_reject(n_pairs, design, k, beta, seed, chunk):
    outs = {}
    for be in BACKENDS:
        outs[be] = _outcome(
            lambda be=be: pair_stats(n_pairs, design, k=k, beta=beta, seed=seed, backend=be, chunk=chunk)
        )
    kinds = {be: (o[0], o[1] if o[0] == "reject" else None) for be, o in outs.items()}
    assert len(set(kinds.values())) == 1, kinds
    if outs["numpy"][0] == "ok":
        for be, (_, r) in outs.items():
            assert r.n == n_pairs and r.backend == be
            assert all(math.isfinite(r.mean[s]) and math.isfinite(r.se[s]) for s in STATS), (be, r)
            assert r.mean["abs_dr"] >= 0 and 0.5 <= r.mean["tau"] <= 1 and 0 <= r.mean["correct"] <= 1


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(0, 40),
    groups=st.integers(1, 6),
    design=st.sampled_from(("same", "cross", "any", "x")),
    n_pairs=st.one_of(st.none(), st.integers(-1, 500), odd),
    seed=st.one_of(st.integers(-1, 10), odd),
    nan=st.booleans(),
)
def test_order_consistency_backends_agree_on_accept_reject(n, groups, design, n_pairs, seed, nan):
    rng = np.random.default_rng(0)
    r = rng.normal(size=n)
    rh = r + rng.normal(size=n)
    if nan and n:
        rh[0] = np.nan
    g = np.arange(n) % groups
    outs = {
        be: _outcome(
            lambda be=be: order_consistency(r, rh, groups=g, design=design, n_pairs=n_pairs, seed=seed, backend=be)
        )
        for be in BACKENDS
    }
    kinds = {be: (o[0], o[1] if o[0] == "reject" else None) for be, o in outs.items()}
    assert len(set(kinds.values())) == 1, kinds
    if outs["numpy"][0] == "ok":
        for _, res in outs.values():
            assert 0.0 <= res.mean <= 1.0 and math.isfinite(res.se)


@pytest.mark.parametrize("be", BACKENDS)
@pytest.mark.parametrize(
    "kw, arg",
    [
        ({"design": "similar", "k": 1}, "k"),  # issue 11: numba used to return E|dr| = 0, tau = 0.5
        ({"design": "diversified_x", "k": K_MAX + 1}, "k"),
        ({"design": "similar", "k": 2.5}, "k"),
        ({"n_pairs": 2.5}, "n_pairs"),
        ({"n_pairs": 2**60}, "n_pairs"),
        ({"seed": -1}, "seed"),
        ({"seed": 1.5}, "seed"),
        ({"population": "gaussian"}, "population"),
        ({"beta": float("nan")}, "beta"),
    ],
)
def test_every_backend_rejects_the_same_bad_input(be, kw, arg):
    kw = {"n_pairs": 100, **kw}
    with pytest.raises(SimTheoryInputError) as exc:
        pair_stats(backend=be, **kw)
    assert exc.value.argument == arg


def test_check_pair_params_resolves_defaults():
    p = check_pair_params(10, "similar", k=4, seed=3, backend="numpy")
    assert p.k == 4 and p.chunk == 1 << 20 and p.population == PromptPopulation() and p.xi.beta == 1.0
    assert p.config()["seed_entropy"] == "3"
