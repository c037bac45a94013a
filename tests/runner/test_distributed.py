"""Grids on Dask: a two-worker LocalCluster gives exactly the serial numbers, survives a
killed worker, and an interrupted/failed run resumes (simtheory/distributed.py).

Uses the test-only grid ``tests/runner/_grids/tiny.toml`` (selected with SIMTHEORY_EXPERIMENTS).
One LocalCluster is shared by the module (start-up costs seconds).
"""

import sys
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")

from simtheory.runner.distributed import dask_executor
from simtheory.runner.grids import run_grid
from simtheory.runner.runstore import finished_count
from simtheory.runner.store import ResultStore
from simtheory.validation import SimTheoryInputError

GRIDS = Path(__file__).resolve().parent / "_grids"
if str(GRIDS) not in sys.path:  # before the cluster spawns, so workers inherit it
    sys.path.insert(0, str(GRIDS))


@pytest.fixture(autouse=True)
def _tiny_grids(monkeypatch):
    monkeypatch.setenv("SIMTHEORY_EXPERIMENTS", str(GRIDS))


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    c = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=40)
    yield c
    c.close()


def _raises_input_error(cell, params, seed, backend):
    from simtheory.validation import check_positive_int

    check_positive_int("n_draws", 1, minimum=2)


def _rows(out):
    rows = ResultStore(Path(out) / "results.csv").read_rows()
    return sorted(rows, key=lambda r: (r["cell"], r["stat"]))


@pytest.fixture(scope="module")
def serial(tmp_path_factory):
    import os

    os.environ["SIMTHEORY_EXPERIMENTS"] = str(GRIDS)
    try:
        out = run_grid("tiny", seed=7, out=tmp_path_factory.mktemp("serial"), progress=False)
    finally:
        del os.environ["SIMTHEORY_EXPERIMENTS"]
    rows = _rows(out)
    assert len(rows) == 24  # 8 cells x 3 statistics
    return rows


def test_dask_equals_serial(cluster, serial, tmp_path):
    out = run_grid("tiny", seed=7, out=tmp_path, progress=False, executor=dask_executor(cluster.scheduler_address))
    assert _rows(out) == serial  # same seeds -> bit-identical numbers
    other_seed = _rows(
        run_grid("tiny", seed=8, out=tmp_path / "s8", progress=False, executor=dask_executor(cluster.scheduler_address))
    )
    assert [r["value"] for r in other_seed] != [r["value"] for r in serial]


def test_killed_worker_still_completes(cluster, serial, tmp_path):
    marker = tmp_path / "killed.pid"
    out = run_grid(
        "tiny",
        seed=7,
        out=tmp_path / "run",
        progress=False,
        overrides={"kill_marker": str(marker), "delay": 0.2},
        executor=dask_executor(cluster.scheduler_address),
    )
    assert marker.exists(), "the worker running cell 3 should have killed itself"
    assert _rows(out) == serial


def test_worker_killed_from_outside_mid_grid(cluster, serial, tmp_path):
    """SIGKILL one worker process once 2 of 8 cells (0.3 s each) are stored; the grid still completes."""
    import os
    import signal
    import threading
    import time

    from distributed import Client

    with Client(cluster.scheduler_address) as client:
        pids = client.run(os.getpid)
    victim = min(pids.values())
    result = {}

    def go():
        result["out"] = run_grid(
            "tiny",
            seed=7,
            out=tmp_path,
            progress=False,
            overrides={"delay": 0.3},
            executor=dask_executor(cluster.scheduler_address),
        )

    th = threading.Thread(target=go)
    th.start()
    deadline = time.monotonic() + 30
    while finished_count(tmp_path) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    n_before = finished_count(tmp_path)
    os.kill(victim, signal.SIGKILL)
    th.join(timeout=60)
    assert not th.is_alive() and "out" in result
    assert 2 <= n_before < 8, n_before  # the kill happened mid-grid
    assert _rows(result["out"]) == serial


def test_failed_cell_keeps_others_and_resume_finishes(cluster, serial, tmp_path):
    marker = tmp_path / "fail-while-present"
    marker.write_text("")
    over = {"fail_cell": 5, "fail_marker": str(marker)}
    with pytest.raises(RuntimeError, match="1 of 8 cells failed"):
        run_grid(
            "tiny",
            seed=7,
            out=tmp_path / "run",
            progress=False,
            overrides=over,
            executor=dask_executor(cluster.scheduler_address, retries=0),
        )
    assert finished_count(tmp_path / "run") == 7
    marker.unlink()  # the failure was transient: the same command resumes
    out = run_grid(
        "tiny",
        seed=7,
        out=tmp_path / "run",
        progress=False,
        overrides=over,
        executor=dask_executor(cluster.scheduler_address, retries=0),
    )
    import json

    assert json.loads((out / "meta.json").read_text())["n_cells_resumed"] == 7
    assert _rows(out) == serial


def test_input_error_in_task_is_one_line_without_retries(cluster, tmp_path):
    """A SimTheoryInputError raised on a worker reaches the caller as itself (not retried, not a RuntimeError)."""
    with pytest.raises(SimTheoryInputError, match="^n_draws: must be >= 2"):
        dask_executor(cluster.scheduler_address)(_raises_input_error, [{"i": 0}], {}, 7, "numpy", None, False)


def test_cli_scheduler_address(cluster, serial, tmp_path, capsys):
    from simtheory.runner.cli import main

    assert (
        main(["tiny", "--seed", "7", "--out", str(tmp_path), "--no-progress", "--scheduler", cluster.scheduler_address])
        == 0
    )
    assert _rows(tmp_path) == serial


@pytest.mark.parametrize(
    "scheduler, workers, arg",
    [("nonsense", 2, "--scheduler"), ("tcp://", 2, "--scheduler"), ("local", 0, "--workers"), (3, 2, "--scheduler")],
)
def test_bad_arguments(scheduler, workers, arg):
    with pytest.raises(SimTheoryInputError, match=f"^{arg}:"):
        dask_executor(scheduler, n_workers=workers)


def test_unreachable_scheduler_is_one_line_error(tmp_path):
    ex = dask_executor("tcp://127.0.0.1:9", connect_timeout=1)
    with pytest.raises(SimTheoryInputError, match="^--scheduler: cannot connect"):
        run_grid("tiny", seed=7, out=tmp_path, progress=False, executor=ex)


def test_cli_local_cluster(serial, tmp_path):
    from simtheory.runner.cli import main

    assert (
        main(["tiny", "--seed", "7", "--out", str(tmp_path), "--no-progress", "--scheduler", "local", "--workers", "1"])
        == 0
    )
    assert _rows(tmp_path) == serial


def test_local_cluster_splits_numba_threads(monkeypatch):
    import os

    from simtheory.runner.distributed import _worker_env

    monkeypatch.delenv("NUMBA_NUM_THREADS", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 16)
    assert _worker_env(4) == {"NUMBA_NUM_THREADS": "4"} and _worker_env(32) == {"NUMBA_NUM_THREADS": "1"}
    monkeypatch.setenv("NUMBA_NUM_THREADS", "3")
    assert _worker_env(4) == {}  # the user's setting wins


def test_interrupted_run_keeps_finished_cells(cluster, serial, tmp_path):
    """Ctrl-C after 3 stored cells: those 3 stay in the store and the same command resumes the other 5."""
    import json

    from simtheory.runner.grids import RunInterrupted

    def interrupting(run_cell, todo, params, seed, backend, store, progress):
        append = store.append

        def append_then_interrupt(cell, rows, seconds=None):
            append(cell, rows, seconds=seconds)
            if store.n_finished() == 3:
                raise KeyboardInterrupt

        store.append = append_then_interrupt
        dask_executor(cluster.scheduler_address)(run_cell, todo, params, seed, backend, store, progress)

    with pytest.raises(RunInterrupted, match="interrupted: 3 of 8 cells saved; rerun the same command"):
        run_grid("tiny", seed=7, out=tmp_path, progress=False, overrides={"delay": 0.05}, executor=interrupting)
    assert finished_count(tmp_path) == 3
    out = run_grid(
        "tiny",
        seed=7,
        out=tmp_path,
        progress=False,
        overrides={"delay": 0.05},
        executor=dask_executor(cluster.scheduler_address),
    )
    assert json.loads((out / "meta.json").read_text())["n_cells_resumed"] == 3
    assert _rows(out) == serial


def test_cli_failed_cell_on_dask_is_one_line_exit_1(cluster, tmp_path, capsys):
    from simtheory.runner.cli import main

    code = main(
        [
            "tiny",
            "--seed",
            "7",
            "--out",
            str(tmp_path),
            "--no-progress",
            "--set",
            "fail_cell=2",
            "--scheduler",
            cluster.scheduler_address,
        ]
    )
    err = capsys.readouterr().err.strip()
    assert code == 1 and err.count("\n") == 0, err
    assert err.startswith("error: 1 of 8 cells failed on Dask") and "fails on purpose" in err
    assert finished_count(tmp_path) == 7
