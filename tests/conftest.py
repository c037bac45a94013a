"""Shared test helpers: the Monte-Carlo threshold ``Z``, the ``backend`` fixture, SE-based assertions.

Monte-Carlo assertions in this suite compare an estimate with a truth (closed form, quadrature, exact count
or another independent estimate) in units of its standard error. Every such assertion states its sample size
``n`` and seed; the tolerance is ``Z`` standard errors, never a hand-picked band.
"""

from __future__ import annotations

import os

import pytest

# Keep BLAS / torch / numba thread counts predictable on small CI machines.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

from mc_helpers import BACKEND_PARAMS, OTHER_BACKEND_PARAMS  # noqa: E402  (tests/ is on sys.path)


@pytest.fixture(params=BACKEND_PARAMS)
def backend(request) -> str:
    """Each backend in turn: numpy, numba, cupy (marked ``gpu``; skipped with a visible reason without CUDA)."""
    return request.param


@pytest.fixture(params=OTHER_BACKEND_PARAMS)
def other_backend(request) -> str:
    """numba and cupy (cupy marked ``gpu``, skipped with a visible reason without CUDA)."""
    return request.param
