"""examples/own_theorem: install it (pip, non-editable, into a temporary target) and run what a user runs.

The package is installed with ``pip install --no-deps --target TMP`` so that the shared
environment is left untouched; putting TMP on ``PYTHONPATH`` makes its entry points
(documents, claims, grids) visible to ``importlib.metadata``.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "own_theorem"


def _run(args, cwd, env, timeout=240):
    r = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    assert r.returncode == 0, f"{' '.join(map(str, args))}\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    return r


@pytest.mark.slow
def test_install_example_and_run_its_tests_grid_and_report(tmp_path):
    src = tmp_path / "own_theorem"
    shutil.copytree(EXAMPLE, src, ignore=shutil.ignore_patterns("build", "*.egg-info", "results", "__pycache__"))
    target = tmp_path / "site"
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join([str(target), str(REPO)]),
        MPLBACKEND="Agg",
        OWN_THEOREM_RESULTS=str(tmp_path / "results"),
    )
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(src),
        ],
        tmp_path,
        env,
    )

    # its grid is listed through the simtheory.grids entry point
    r = _run([sys.executable, "-m", "simtheory.run", "--list"], tmp_path, env)
    assert "own_theorem_bt_rate" in r.stdout

    # its tests, with the simtheory plugin and the report of the claims they exercised
    r = _run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "tests", "--simtheory-report", "rep"], src, env
    )
    assert "3 passed" in r.stdout, r.stdout
    report = json.loads((src / "rep" / "report.json").read_text())
    (claim,) = report["claims"]
    assert claim["id"] == "own.bt_rate.slope" and claim["document"] == "own_theorem"
    assert claim["verdict"] in ("holds", "does not hold") and claim["missing_tests"] == []
    assert "Own theorem" in (src / "rep" / "report.html").read_text()

    # the simtheory report groups it under its own document
    r = _run(
        [
            sys.executable,
            "-m",
            "simtheory.report",
            "--quick",
            "--only",
            "own.",
            "--out",
            str(tmp_path / "rep2"),
            "--no-figures",
            "--quiet",
        ],
        src,
        env,
    )
    md = (tmp_path / "rep2" / "report.md").read_text()
    assert "## Own theorem: BT MLE error vs comparisons per player" in md
    assert (tmp_path / "results" / "own_theorem_bt_rate_quick" / "bt_rate.pdf").exists()
