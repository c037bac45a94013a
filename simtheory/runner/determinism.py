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

    Sets process-wide state (deterministic algorithms, thread count, global seed); inside the
    package use :func:`torch_training`, which restores it afterwards.

    Parameters
    ----------
    seed : int
        seed of the generator (and of ``torch.manual_seed``).
    threads : int, optional
        intra-op threads (default: ``OMP_NUM_THREADS`` or 1).
    """
    import torch

    # cuBLAS needs a fixed workspace to be deterministic; it reads this when its handle is created
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    torch.use_deterministic_algorithms(True, warn_only=True)
    n = threads if threads is not None else int(os.environ.get("OMP_NUM_THREADS", "1") or 1)
    if torch.get_num_threads() != n:
        torch.set_num_threads(n)
    torch.manual_seed(seed)
    g = torch.Generator()
    g.manual_seed(seed)
    return g


@contextlib.contextmanager
def torch_training(seed: int, threads: int = 1) -> Iterator[Any]:
    """Context for one model fit: :func:`deterministic_torch` inside, the caller's state restored after.

    The global torch RNG is forked (``torch.random.fork_rng``), so a fit neither depends on nor
    changes the caller's torch seed; the deterministic-algorithms flag is restored on exit, the
    thread count (``threads``, default 1: small nets on a shared CPU) is left as set.

    Parameters
    ----------
    seed : int
        seed of the weight initialisation (``torch.manual_seed``) and of the returned generator.
    threads : int
        intra-op threads for the fit.

    Yields
    ------
    torch.Generator
        seeded generator for data loaders / ``torch.randperm``.

    Examples
    --------
    >>> import torch
    >>> with torch_training(3):
    ...     a = torch.rand(2)
    >>> with torch_training(3):
    ...     b = torch.rand(2)
    >>> bool(torch.equal(a, b)), torch.are_deterministic_algorithms_enabled()
    (True, False)
    """
    import torch

    was = torch.are_deterministic_algorithms_enabled()
    was_warn = torch.is_deterministic_algorithms_warn_only_enabled()
    devices = list(range(torch.cuda.device_count())) if torch.cuda.is_initialized() else []
    with torch.random.fork_rng(devices=devices):
        try:
            yield deterministic_torch(int(seed), threads=threads)
        finally:
            torch.use_deterministic_algorithms(was, warn_only=was_warn)
