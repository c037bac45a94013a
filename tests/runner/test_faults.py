"""Fault injection: kill -9 at random moments, truncated or garbled store files, two processes on
one folder. After resuming, results.csv must equal an uninterrupted run byte for byte, and at
every stop the store must hold only whole cells whose rows equal the reference rows.

Kills: 12 on the tiny grid (8 cells) and 10 on a shrunk real grid (cross_prompt, numpy backend,
12 cells), at random moments spread over the grid (seed 2026, see the test).
Runs are forked from the test process (imports already done), so a kill costs milliseconds.
"""

import contextlib
import json
import multiprocessing as mp
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from simtheory.runner.grids import run_grid
from simtheory.runner.runstore import STORE, finished_count

CASES = {
    "tiny": {"name": "tiny", "seed": 7, "overrides": {"n_draws": 200_000}, "kills": 12},
    "cross_prompt": {
        "name": "cross_prompt",
        "seed": 1,
        "quick": True,
        "backend": "numpy",
        "kills": 10,
        "overrides": {"n_pairs": 4000, "families": ["gaussian"], "beta_sigma": [1.0], "s2_values": [1.0]},
    },
}


def _run(case, out, **kw):
    return run_grid(
        case["name"],
        seed=case["seed"],
        quick=case.get("quick", False),
        backend=case.get("backend", "auto"),
        out=out,
        overrides=case["overrides"],
        progress=False,
        **kw,
    )


def _child(case, out):
    try:
        _run(case, out)
    except BaseException:  # noqa: BLE001 - the parent judges the store, not the child's exit
        os._exit(1)
    os._exit(0)


def _stored(out):
    """{cell key: [row dicts]} from the store, asserting every stored cell is whole."""
    conn = sqlite3.connect(f"file:{Path(out) / STORE}?mode=ro", uri=True)
    try:
        cells = dict(conn.execute("SELECT key, n_rows FROM cells").fetchall())
        rows = {}
        for key, _idx, data in conn.execute("SELECT cell, idx, data FROM rows ORDER BY cell, idx"):
            rows.setdefault(key, []).append(json.loads(data))
    finally:
        conn.close()
    assert set(rows) <= set(cells), "rows of an unfinished cell"
    for key, n in cells.items():
        assert len(rows.get(key, [])) == n, f"partial cell {key}"
    return {k: rows.get(k, []) for k in cells}


@pytest.fixture(scope="module")
def references(tmp_path_factory):
    refs = {}
    for label, case in CASES.items():
        os.environ["SIMTHEORY_EXPERIMENTS"] = str(Path(__file__).parent / "_grids")
        out = tmp_path_factory.mktemp(f"ref_{label}")
        _run(case, out)
        conn = sqlite3.connect(f"file:{out / STORE}?mode=ro", uri=True)
        cell_s = conn.execute("SELECT AVG(seconds) FROM cells").fetchone()[0]
        conn.close()
        refs[label] = (out, (out / "results.csv").read_bytes(), _stored(out), cell_s)
    return refs


@pytest.mark.parametrize("label", list(CASES))
def test_kill_9_at_random_moments_then_resume_equals_uninterrupted(label, references, tmp_path):
    """Each kill waits until 0 or 1 more cells are stored (drawn at random), then a further
    uniform(0, 2 x mean cell time) (seed 2026): kills land in start-up, inside cells and inside
    commits all along the grid, and at the end in the exports."""
    case = CASES[label]
    _, ref_csv, ref_cells, cell_s = references[label]
    rng = np.random.default_rng(2026)
    ctx = mp.get_context("fork")
    out = tmp_path / "run"
    progress = []
    for _ in range(case["kills"]):
        target = finished_count(out) + int(rng.integers(0, 2))
        p = ctx.Process(target=_child, args=(case, out))
        p.start()
        deadline = time.monotonic() + 60
        while finished_count(out) < target and p.is_alive() and time.monotonic() < deadline:
            time.sleep(0.001)
        time.sleep(rng.uniform(0, 2 * cell_s))
        with contextlib.suppress(ProcessLookupError):  # it may have finished on its own
            os.kill(p.pid, signal.SIGKILL)
        p.join()
        if (out / STORE).exists():
            stored = _stored(out)
            for key, rows in stored.items():  # whole cells, equal to the uninterrupted run's
                assert rows == ref_cells[key]
            progress.append(len(stored))
    assert len(set(progress)) >= 3, progress  # the kills were spread over the grid
    _run(case, out)  # resume
    assert (out / "results.csv").read_bytes() == ref_csv
    assert _stored(out) == ref_cells
    print(f"{label}: cells stored after each of {case['kills']} kills: {progress}")


def _kill_mid_run(case, out, at):
    p = mp.get_context("fork").Process(target=_child, args=(case, out))
    p.start()
    time.sleep(at)
    with contextlib.suppress(ProcessLookupError):
        os.kill(p.pid, signal.SIGKILL)
    p.join()


@pytest.mark.parametrize("damage", ["truncate_wal", "garble_wal", "truncate_db", "garble_csv"])
def test_truncated_or_garbled_files_resume_to_the_same_results(damage, references, tmp_path, capsys):
    """A damaged write-ahead log loses at most its last cells (SQLite checksums its frames); a damaged
    database file is refused with one line and ``--fresh`` recovers; exports are rewritten."""
    from simtheory.runner.cli import main

    case = CASES["tiny"]
    _, ref_csv, ref_cells, _ = references["tiny"]
    out = tmp_path / "run"
    slow = {**case, "overrides": {**case["overrides"], "delay": 0.05}}
    _kill_mid_run(slow, out, at=0.6)  # leaves a WAL with committed cells behind
    wal = Path(str(out / STORE) + "-wal")
    if damage == "truncate_wal" and wal.exists():
        os.truncate(wal, wal.stat().st_size // 2 + 7)
    elif damage == "garble_wal" and wal.exists():
        with open(wal, "r+b") as fh:
            fh.seek(wal.stat().st_size // 2)
            fh.write(os.urandom(64))
    elif damage == "truncate_db":
        _run(slow, out)
        os.truncate(out / STORE, 1000)
    elif damage == "garble_csv":
        _run(slow, out)
        (out / "results.csv").write_text((out / "results.csv").read_text()[:-40] + "garbage,\n")
    argv = ["tiny", "--seed", "7", "--set", "n_draws=200000", "--set", "delay=0.05", "--out", str(out), "--no-progress"]
    code = main(argv)
    err = capsys.readouterr().err.strip()
    if code == 2:  # the database file itself is unreadable: one line, then --fresh
        assert "damaged" in err and err.count("\n") == 0, err
        code = main([*argv, "--fresh"])
    assert code == 0
    assert (out / "results.csv").read_bytes() == ref_csv and _stored(out) == ref_cells


def test_two_processes_on_one_folder(references, tmp_path, capsys):
    """A second run on a folder in use (here: this process, while a subprocess runs) fails at once
    with one line; the first completes with the uninterrupted results."""
    from simtheory.runner.cli import main

    _, ref_csv, *_ = references["tiny"]
    out = tmp_path / "run"
    argv = ["tiny", "--seed", "7", "--set", "n_draws=200000", "--set", "delay=0.2", "--out", str(out), "--no-progress"]
    first = subprocess.Popen(
        [sys.executable, "-m", "simtheory.run", *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (out / ".simtheory.lock").exists():
        time.sleep(0.01)
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and f"(pid {first.pid})" in err and "in use by another simtheory run" in err
    assert first.wait(timeout=60) == 0, first.stderr.read()
    assert (out / "results.csv").read_bytes() == ref_csv


@pytest.mark.slow
def test_ctrl_c_inside_numba_kernel_is_one_line_and_130(tmp_path):
    """SIGINT to a real numba run (cross_prompt, 3e6 pairs a cell) once 2 cells are stored: exit 130,
    one line, the stored cells kept; the same command then finishes."""
    pytest.importorskip("numba")
    out = tmp_path / "run"
    argv = [
        sys.executable,
        "-m",
        "simtheory.run",
        "cross_prompt",
        "--quick",
        "--backend",
        "numba",
        "--set",
        "n_pairs=3000000",
        "--set",
        'families=["gaussian"]',
        "--out",
        str(out),
        "--no-progress",
    ]
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 240
    while finished_count(out) < 2 and p.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # inside the next cell's kernel
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=120)
    assert p.returncode == 130, err
    assert err.strip().count("\n") == 0 and err.startswith("interrupted: ") and "cells saved" in err
    saved = int(err.split()[1])
    assert saved == finished_count(out) >= 2
