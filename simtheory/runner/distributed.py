"""Run grid cells on Dask (``dask.distributed``): a LocalCluster or an existing cluster.

``dask_executor(scheduler, n_workers)`` returns an executor with the signature
:func:`simtheory.runner.grids.run_grid` expects,
``executor(run_cell, todo, params, seed, backend, store, progress)``:

* every unfinished cell is one Dask task, seeded with :func:`simtheory.runner.grids.cell_seed`
  (the run seed and the cell key only), so a distributed run gives the same numbers
  as the serial one;
* rows are appended to the :class:`~simtheory.runner.store.ResultStore` on the client as
  each task finishes (``as_completed``), so an interrupted run loses only the cells
  in flight and the default resume of ``python -m simtheory.run`` picks up the rest;
* every task runs under :func:`simtheory.runner.determinism.cell_threads` (BLAS pinned to one
  thread, as in a serial run), and a LocalCluster's workers start with ``OMP/OPENBLAS/MKL_NUM_THREADS=1``,
  so serial and Dask runs agree bit for bit also for grids that call BLAS;
* a task whose worker dies is rescheduled on another worker by the scheduler, and a
  task that fails is retried ``retries`` times; cells that still fail are reported
  at the end (after every other finished cell has been stored) as :class:`CellsFailed`;
* bad input (:class:`~simtheory.validation.SimTheoryInputError` inside a task) is not retried:
  the run stops and the error is raised as is (one line at the command line).

``scheduler``: ``"local"`` starts a ``LocalCluster(n_workers, threads_per_worker=1,
processes=True)`` for the run (numba's parallel kernels get ``cores // n_workers`` threads
per worker, ``NUMBA_NUM_THREADS``, unless set); anything else is the address of a running scheduler
(``tcp://HOST:PORT``), whose scheduler and workers must be able to import simtheory and
the grid module (the scheduler unpickles the task graph).
"""

from __future__ import annotations

import os
import re
import sys
import zlib
from collections.abc import Callable
from typing import Any

from simtheory.runner.clusters import JobqueueSpec, SchedulerFile, jobqueue_cluster, parse_scheduler
from simtheory.runner.store import cell_key
from simtheory.validation import SimTheoryInputError, check_positive_int

_ADDRESS = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?\[?[A-Za-z0-9_.:-]*\]?:\d+$")


def _check_scheduler(scheduler: Any) -> Any:
    if scheduler == "local":
        return scheduler
    if isinstance(scheduler, str):
        parsed = parse_scheduler(scheduler)  # slurm:/pbs: specs, scheduler files
        if parsed is not None:
            return parsed
        if _ADDRESS.match(scheduler.strip()):
            return scheduler.strip()
        raise SimTheoryInputError(
            "--scheduler",
            f"expected 'local', an address like tcp://HOST:PORT, a scheduler file or "
            f"slurm:KEY=VALUE,... / pbs:..., got {scheduler!r}",
        )
    if hasattr(scheduler, "submit") and hasattr(scheduler, "scheduler_info"):  # an existing distributed.Client
        return scheduler
    raise SimTheoryInputError(
        "--scheduler", f"expected 'local', tcp://HOST:PORT or a distributed.Client, got {type(scheduler).__name__}"
    )


class CellsFailed(RuntimeError):
    """Some cells raised on Dask (after retries); the others are stored."""


_INPUT_ERROR = "__simtheory_input_error__"


def _run_cell_task(run_cell: Callable, cell: dict, params: dict, seed: int, backend: str) -> Any:
    """Body of one Dask task (runs on a worker): (rows, seconds), or an input-error marker
    (returned, not raised, so that Dask does not retry it)."""
    import time

    from simtheory.runner.determinism import cell_threads
    from simtheory.runner.grids import cell_seed

    t0 = time.perf_counter()
    try:
        with cell_threads():
            rows = list(run_cell(cell, params, cell_seed(seed, cell), backend))
    except SimTheoryInputError as exc:
        return (_INPUT_ERROR, exc.argument, exc.reason)
    return rows, round(time.perf_counter() - t0, 4)


def _task_key(seed: int, cell: dict) -> str:
    import uuid

    # unique per submission (a re-run must not pick up a stale result held by the scheduler)
    return f"simtheory-cell-{zlib.crc32(cell_key(cell).encode()):08x}-s{seed}-{uuid.uuid4().hex[:8]}"


def _worker_env(n_workers: int) -> dict[str, str]:
    """Split the cores between the LocalCluster's workers for numba's parallel kernels
    (``NUMBA_NUM_THREADS = cores // workers``) unless the user set it."""
    if "NUMBA_NUM_THREADS" in os.environ:
        return {}
    return {"NUMBA_NUM_THREADS": str(max(1, (os.cpu_count() or 1) // n_workers))}


def _local_worker_env(n_workers: int) -> dict[str, str]:
    """Environment of a LocalCluster's workers: one BLAS/OpenMP thread, numba's share of the cores."""
    from simtheory.runner.determinism import WORKER_ENV

    return {**WORKER_ENV, **_worker_env(n_workers)}


def dask_executor(
    scheduler: Any = "local",
    n_workers: int = 2,
    *,
    retries: int = 2,
    threads_per_worker: int = 1,
    connect_timeout: float = 30.0,
) -> Callable:
    """Executor running each grid cell as a Dask task (see the module docstring).

    scheduler: "local" (a LocalCluster started for the run and closed after it),
    an address ``tcp://HOST:PORT`` of a running scheduler, or a ``distributed.Client``;
    n_workers: workers of the LocalCluster (ignored for an existing cluster);
    retries: extra attempts for a cell whose task raises (a cell on a worker that dies
    is rescheduled by the scheduler, up to ``distributed.scheduler.allowed-failures``).
    """
    scheduler = _check_scheduler(scheduler)
    n_workers = check_positive_int("--workers", n_workers)
    retries = int(check_positive_int("retries", retries, minimum=0))
    threads_per_worker = check_positive_int("threads_per_worker", threads_per_worker)

    def execute(
        run_cell: Callable, todo: list[dict], params: dict, seed: int, backend: str, store: Any, progress: bool
    ) -> None:
        if not todo:
            return
        try:
            from distributed import Client, LocalCluster, as_completed
        except ImportError:  # pragma: no cover - dask is in the [dask] extra
            raise SimTheoryInputError("--scheduler", "needs dask.distributed: pip install 'simtheory[dask]'") from None
        from tqdm.auto import tqdm

        cluster = None
        own_client = not hasattr(scheduler, "submit")
        if scheduler == "local":
            cluster = LocalCluster(
                n_workers=n_workers,
                threads_per_worker=threads_per_worker,
                processes=True,
                dashboard_address=":0",
                env=_local_worker_env(n_workers),
            )
            client = Client(cluster)
            if progress:
                print(
                    f"dask: LocalCluster with {n_workers} workers, dashboard {client.dashboard_link}", file=sys.stderr
                )
        elif isinstance(scheduler, JobqueueSpec):
            cluster = jobqueue_cluster(scheduler, n_workers)
            client = Client(cluster)
            if progress:
                print(f"dask: {type(cluster).__name__}, dashboard {client.dashboard_link}", file=sys.stderr)
        elif own_client:
            try:
                client = (
                    Client(scheduler_file=scheduler.path, timeout=connect_timeout)
                    if isinstance(scheduler, SchedulerFile)
                    else Client(scheduler, timeout=connect_timeout)
                )
            except (OSError, TimeoutError) as exc:
                raise SimTheoryInputError("--scheduler", f"cannot connect to {scheduler}: {exc}") from None
        else:
            client = scheduler
        failed: list[tuple[dict, BaseException]] = []
        try:
            futures = {}
            for cell in todo:
                fut = client.submit(
                    _run_cell_task,
                    run_cell,
                    cell,
                    params,
                    seed,
                    backend,
                    key=_task_key(seed, cell),
                    pure=False,
                    retries=retries,
                )
                futures[fut.key] = (cell, fut)
            with tqdm(total=len(todo), desc="cells", unit="cell", disable=not progress, file=sys.stderr) as bar:
                for fut in as_completed([f for _, f in futures.values()]):
                    cell = futures[fut.key][0]
                    try:
                        res = fut.result()
                    except Exception as exc:  # noqa: BLE001 - collected and re-raised below
                        failed.append((cell, exc))
                    else:
                        if isinstance(res, tuple) and len(res) == 3 and res[0] == _INPUT_ERROR:
                            for _, other in futures.values():
                                other.cancel()
                            raise SimTheoryInputError(res[1], res[2])
                        rows, seconds = res
                        store.append(cell, rows, seconds=seconds)
                    fut.release()
                    bar.update(1)
        finally:
            if own_client:
                client.close()
            if cluster is not None:
                cluster.close()
        if failed:
            first_cell, first_exc = failed[0]
            msg = " ".join(str(first_exc).split())
            raise CellsFailed(
                f"{len(failed)} of {len(todo)} cells failed on Dask (others are stored; re-run to "
                f"resume); first: cell {cell_key(first_cell)}: {type(first_exc).__name__}: {msg}"
            ) from first_exc

    execute.scheduler = scheduler  # type: ignore[attr-defined]  # for introspection / tests
    return execute
