"""``--scheduler``: scheduler files and Dask-Jobqueue specs (simtheory/runner/clusters.py), and a grid run
through a ``dask scheduler`` + ``dask worker`` started in subprocesses on 127.0.0.1, which must give exactly
the serial run's rows (docs/cluster.md)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from simtheory.runner.clusters import (
    JobqueueSpec,
    SchedulerFile,
    parse_jobqueue,
    parse_scheduler,
)
from simtheory.validation import SimTheoryInputError

REPO = Path(__file__).resolve().parents[2]


def test_parse_jobqueue_spec():
    spec = parse_jobqueue("slurm:queue=normal,account=abc,cores=8,memory=16GB,walltime=01:00:00,jobs=4")
    assert spec == JobqueueSpec(
        "slurm", {"queue": "normal", "account": "abc", "cores": 8, "memory": "16GB", "walltime": "01:00:00"}, 4
    )
    assert parse_scheduler("pbs:") == JobqueueSpec("pbs", {}, None)


@pytest.mark.parametrize(
    "text, reason",
    [
        ("slurm:cores", "KEY=VALUE"),
        ("slurm:jobs=0", "positive integer"),
        ("sge:cores=2", "unknown cluster type"),
        ("/no/such/scheduler.json", "does not exist"),
    ],
)
def test_bad_specs_are_one_line_errors(text, reason):
    with pytest.raises(SimTheoryInputError, match=reason) as info:
        parse_jobqueue(text) if text.startswith("sge") else parse_scheduler(text)
    assert "\n" not in str(info.value)


def test_addresses_and_files(tmp_path):
    assert parse_scheduler("tcp://127.0.0.1:8786") is None and parse_scheduler("local") is None
    f = tmp_path / "scheduler.json"
    f.write_text("{}")
    assert parse_scheduler(str(f)) == SchedulerFile(str(f.resolve()))


def test_slurm_spec_builds_the_job_script():
    dask_jobqueue = pytest.importorskip("dask_jobqueue")
    from simtheory.runner.clusters import cluster_kwargs

    spec = parse_jobqueue("slurm:queue=normal,account=abc,cores=8,processes=4,memory=16GB,walltime=01:00:00")
    cluster = dask_jobqueue.SLURMCluster(**cluster_kwargs(spec), scheduler_options={"host": "127.0.0.1"})
    try:
        script = cluster.job_script()
    finally:
        cluster.close()
    assert "#SBATCH -p normal" in script and "#SBATCH -A abc" in script and "#SBATCH -t 01:00:00" in script
    assert "export NUMBA_NUM_THREADS=2" in script  # 8 cores / 4 worker processes


def test_missing_dask_jobqueue_is_one_line(monkeypatch):
    from simtheory.runner.clusters import jobqueue_cluster

    monkeypatch.setitem(sys.modules, "dask_jobqueue", None)
    with pytest.raises(SimTheoryInputError, match=r"pip install 'simtheory\[cluster\]'"):
        jobqueue_cluster(JobqueueSpec("slurm", {}), 1)


def _wait_for(path: Path, procs, timeout: float = 60.0) -> None:
    t0 = time.monotonic()
    while not (path.exists() and path.stat().st_size > 0):
        for p in procs:
            if p.poll() is not None:
                raise RuntimeError(f"{p.args[:2]} exited with {p.returncode}")
        if time.monotonic() - t0 > timeout:
            raise TimeoutError(f"no scheduler file after {timeout} s")
        time.sleep(0.2)


@pytest.mark.slow  # ~15-25 s on 2 busy cores: two Python processes start dask, then two grid runs
def test_grid_through_a_scheduler_in_subprocesses_equals_serial(tmp_path, capsys):
    pytest.importorskip("distributed")
    from simtheory.cli.app import main
    from simtheory.runner.store import ResultStore

    grid = [
        "bt_sparsity",
        "--quick",
        "--seed",
        "3",
        "--set",
        "N=[30, 60]",
        "--set",
        "ratio=[0.1, 8.0]",
        "--no-progress",
    ]
    assert main(["run", *grid, "--out", str(tmp_path / "serial")]) == 0
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]), NUMBA_NUM_THREADS="1"
    )
    sched_file = tmp_path / "scheduler.json"
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "distributed.cli.dask_scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--no-dashboard",
                "--scheduler-file",
                str(sched_file),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    ]
    try:
        _wait_for(sched_file, procs)
        procs.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "distributed.cli.dask_worker",
                    "--scheduler-file",
                    str(sched_file),
                    "--nworkers",
                    "1",
                    "--nthreads",
                    "1",
                    "--no-dashboard",
                    "--host",
                    "127.0.0.1",
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        from distributed import Client

        with Client(scheduler_file=str(sched_file), timeout=60) as client:
            client.wait_for_workers(1, timeout=60)
        assert main(["run", *grid, "--out", str(tmp_path / "dask"), "--scheduler", str(sched_file)]) == 0
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in reversed(procs):
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()

    def rows(out):
        return sorted(ResultStore(tmp_path / out / "results.csv").read_rows(), key=lambda r: str(r["cell"]))

    serial, dask = rows("serial"), rows("dask")
    assert len(serial) == 8 and dask == serial  # 2 N x 2 ratios x 2 reps, identical numbers
    out = capsys.readouterr().out
    assert out.count("bt_sparsity: findings") == 2
