"""``python -m simtheory.report --embeddings FILE``: the real-data claims on a file's own human labels."""

import json
import subprocess
import sys

import pytest
from test_human_labels import _bt_file

from simtheory.verify.registry import all_claims


def test_real_data_claims_only_with_a_file():
    assert not [c for c in all_claims() if c.id.startswith("real.")]


def test_missing_file_is_one_line_and_exit_2(tmp_path):
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "simtheory.report",
            "--quick",
            "--embeddings",
            str(tmp_path / "none.npz"),
            "--out",
            str(tmp_path / "r"),
        ],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 2
    assert res.stderr.strip().splitlines() == [f"error: --embeddings: no such file: {tmp_path / 'none.npz'}"]


@pytest.mark.slow
def test_report_on_human_labels_decides_every_real_claim(tmp_path):
    """400 prompts with one BT-labelled pair each (known linear reward, seed 0): every real-data claim gets a
    verdict decided by its rule (none 'not checkable')."""
    path, _, _ = _bt_file(tmp_path, n_prompts=400)
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "simtheory.report",
            "--quick",
            "--only",
            "real.",
            "--embeddings",
            str(path),
            "--out",
            str(tmp_path / "r"),
            "--quiet",
            "--no-figures",
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert res.returncode == 0, res.stderr
    rows = json.loads((tmp_path / "r" / "report.json").read_text())["claims"]
    assert {r["id"] for r in rows} == {
        "real.rbt.sec6.2.bt_beats_clf",
        "real.rbt.sec6.2.clf_robust_to_noise",
        "real.rbt.eq21.labels",
        "real.gpm.beats_bt",
    }
    assert all(r["verdict"] in ("holds", "does not hold", "inconclusive") for r in rows), rows
    assert all(r["kind"] == "finding on real data" for r in rows)
