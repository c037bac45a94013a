"""Thread and RNG settings that make a cell's numbers independent of where it runs.

* :func:`cell_threads`: every cell (serial or on a Dask worker) runs with BLAS limited to one
  thread (threadpoolctl), so a blocked BLAS reduction sums in the same order everywhere and
  serial == Dask bit for bit. OpenMP pools (LightGBM, torch) are left alone.
* :func:`deterministic_torch`: for grids that train torch models: deterministic algorithms,
  a fixed intra-op thread count and a seeded ``torch.Generator`` for data loaders.
  What still varies across CPUs: oneDNN / MKL pick kernels by instruction set (AVX2 vs
  AVX-512), so float sums may differ in the last bits between machines.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

#: BLAS threads per cell; ``SIMTHEORY_CELL_BLAS_THREADS=0`` leaves BLAS alone (recorded in the manifest)
BLAS_THREADS_PER_CELL = 1


def blas_threads_per_cell() -> int:
    raw = os.environ.get("SIMTHEORY_CELL_BLAS_THREADS", "")
    return int(raw) if raw.strip().isdigit() else BLAS_THREADS_PER_CELL


#: environment for Dask workers before they start (belt and braces with :func:`cell_threads`)
WORKER_ENV = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "VECLIB_MAXIMUM_THREADS": "1",
}


@contextlib.contextmanager
def cell_threads() -> Iterator[None]:
    """Limit BLAS to :data:`BLAS_THREADS_PER_CELL` threads while a cell runs (no-op without threadpoolctl,
    or with ``SIMTHEORY_CELL_BLAS_THREADS=0``)."""
    n = blas_threads_per_cell()
    if n == 0:
        yield
        return
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl ships with scikit-learn / dask stacks
        yield
        return
    with threadpool_limits(limits=n, user_api="blas"):
        yield


def deterministic_torch(seed: int, threads: int | None = None) -> Any:
    """Make torch training repeatable on one machine; returns a seeded ``torch.Generator`` for loaders.

    Parameters
    ----------
    seed : int
        seed of the generator (and of ``torch.manual_seed``).
    threads : int, optional
        intra-op threads (default: ``OMP_NUM_THREADS`` or 1).
    """
    import torch

    torch.use_deterministic_algorithms(True)
    n = threads if threads is not None else int(os.environ.get("OMP_NUM_THREADS", "1") or 1)
    if torch.get_num_threads() != n:
        torch.set_num_threads(n)
    torch.manual_seed(seed)
    g = torch.Generator()
    g.manual_seed(seed)
    return g
