"""Figure scripts record themselves (``simtheory.runner.scripts``) and ``simtheory.regenerate`` re-runs
them: a tiny script regenerates exactly; a changed CSV number or a flipped JSON finding is reported
with exit 1; writing into a committed folder from a modified checkout is refused unless
``--allow-dirty`` is given, and the flag is recorded."""

import csv
import json
import textwrap

import pytest

from simtheory.runner import provenance as prov
from simtheory.runner import scripts
from simtheory.runner.regenerate import main
from simtheory.validation import SimTheoryInputError

SCRIPT = textwrap.dedent(
    """
    import argparse, json, sys
    from pathlib import Path
    import numpy as np
    from simtheory.runner import scripts
    from simtheory.runner.store import write_json

    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=5)
    scripts.add_arguments(ap, Path("unused"))
    a = ap.parse_args()
    out = Path(a.out)
    scripts.guard_out(out, __file__, a.allow_dirty)
    out.mkdir(parents=True, exist_ok=True)
    x = np.random.default_rng(3).normal(size=a.n)
    with open(out / "draws.csv", "w") as fh:
        fh.write("i,x\\n" + "".join(f"{i},{float(v)!r}\\n" for i, v in enumerate(x)))
    write_json(out / "summary.json", {"mean": float(x.mean()), "positive": bool(x.mean() > 0)})
    write_json(out / "meta.json", scripts.script_record(__file__, None, out, allow_dirty=a.allow_dirty, seed=3))
    """
)


@pytest.fixture
def recorded(tmp_path):
    import subprocess
    import sys

    script = tmp_path / "make_tiny.py"
    script.write_text(SCRIPT)
    out = tmp_path / "rec"
    subprocess.run([sys.executable, str(script), "--n", "7", "--out", str(out)], check=True)
    return out


def test_script_record_names_command_outputs_and_code(recorded):
    meta = json.loads((recorded / "meta.json").read_text())
    assert meta["argv"] == ["--n", "7"] and meta["seed"] == 3 and meta["allow_dirty"] is False
    assert set(meta["outputs"]) == {"draws.csv", "summary.json"}
    assert meta["outputs"]["draws.csv"] == prov.file_sha256(recorded / "draws.csv")
    assert {"git", "source_sha256", "cpu", "threads", "script_dirty"} <= set(meta["provenance"])


def test_script_regenerates_exactly(recorded, capsys):
    assert main([str(recorded)]) == 0
    out = capsys.readouterr().out
    assert "verdict: SAME" in out and "7 rows" in out


def test_changed_number_and_flipped_finding_are_reported(recorded, capsys):
    path = recorded / "draws.csv"
    rows = list(csv.DictReader(path.open()))
    rows[4]["x"] = repr(float(rows[4]["x"]) * (1 + 1e-15) + 1e-300)
    with path.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["i", "x"])
        w.writeheader()
        w.writerows(rows)
    s = json.loads((recorded / "summary.json").read_text())
    s["positive"] = not s["positive"]
    (recorded / "summary.json").write_text(json.dumps(s))
    assert main([str(recorded)]) == 1
    out = capsys.readouterr().out
    assert "draws.csv:x" in out and "DIFFERS" in out
    assert "summary.json:positive" in out and "verdict: DIFFERS" in out


def test_missing_script_is_one_line(recorded, capsys):
    meta = json.loads((recorded / "meta.json").read_text())
    meta["script"] = "paper_figs/make_nothing.py"
    (recorded / "meta.json").write_text(json.dumps(meta))
    assert main([str(recorded)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: PATH:") and "make_nothing.py not found" in err and err.count("\n") == 1


def test_committed_folder_from_dirty_checkout_is_refused(tmp_path, monkeypatch):
    committed = tmp_path / "results"
    committed.mkdir()
    (committed / prov.COMMITTED_MARKER).touch()
    monkeypatch.setattr(prov, "git_state", lambda: {"dirty": True})
    with pytest.raises(SimTheoryInputError, match="--out.*--allow-dirty"):
        scripts.guard_out(committed / "fig", tmp_path / "make_x.py", allow_dirty=False)
    scripts.guard_out(committed / "fig", tmp_path / "make_x.py", allow_dirty=True)
    scripts.guard_out(tmp_path / "elsewhere", tmp_path / "make_x.py", allow_dirty=False)
    monkeypatch.setattr(prov, "git_state", lambda: {"dirty": False})
    monkeypatch.setattr(scripts, "script_dirty", lambda _s: True)  # the script itself modified
    with pytest.raises(SimTheoryInputError):
        scripts.guard_out(committed / "fig", tmp_path / "make_x.py", allow_dirty=False)


@pytest.mark.parametrize(
    "argv, kept",
    [
        (["--quick", "--out", "x", "--seed", "2"], ["--quick", "--seed", "2"]),
        (["--out=x", "--allow-dirty", "--from", "run"], ["--from", "run"]),
    ],
)
def test_recorded_argv_drops_where_options(argv, kept):
    assert scripts.recorded_argv(argv) == kept
