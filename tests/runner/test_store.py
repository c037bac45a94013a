"""The run store and the command line: one line for every bad input, fingerprinted resume,
``--fresh`` that validates first, the folder lock, foreign folders, atomic exports.

All runs use the test-only grid ``tiny`` (8 cells of seeded normal draws, milliseconds each).
"""

import json
import os
from pathlib import Path

import pytest

from simtheory.runner.cli import main
from simtheory.runner.grids import run_grid
from simtheory.runner.runstore import STORE, FolderLock, finished_count

FILE = Path(__file__)


def _cli(capsys, *argv):
    code = main([*map(str, argv), "--no-progress"])
    err = capsys.readouterr().err.strip()
    return code, err


@pytest.fixture
def done(tmp_path):
    """A finished tiny run (seed 7) in tmp_path/run."""
    out = run_grid("tiny", seed=7, out=tmp_path / "run", progress=False)
    return out, (out / "results.csv").read_bytes()


# (argv after the grid name, argument the one-line error must name)
BAD_INPUT = [
    (["tiny", "--set", "n_draw=5"], "--set n_draw"),  # unknown key (typo)
    (["tiny", "--set", "n_draws=2.5"], "--set n_draws"),  # non-integer for an integer parameter
    (["tiny", "--set", "n_draws=abc"], "--set n_draws"),
    (["tiny", "--set", "n_draws=nan"], "--set n_draws"),
    (["tiny", "--set", "n_draws=1e13"], "--set n_draws"),
    (["tiny", "--set", "n_draws=99999999999999999999"], "--set n_draws"),
    (["tiny", "--set", "delay=inf"], "--set delay"),  # non-finite float
    (["tiny", "--set", "delay=[1]"], "--set delay"),
    (["tiny", "--set", "n_draws"], "--set"),  # no '='
    (["tiny", "--set", "=3"], "--set"),
    (["tiny", "--set", "n_draws=5", "--set", "n_draws=6"], "--set n_draws"),
    (["tiny", "--set", "n_draws=1"], "n_draws"),  # the grid's own check (cells())
    (["tiny", "--seed", "-1"], "--seed"),
    (["tiny", "--seed", "abc"], "--seed"),
    (["tiny", "--seed", "1.5"], "--seed"),
    (["tiny", "--backend", "fortran"], "--backend"),
    (["tiny", "--embeddings", FILE], "--embeddings"),  # grid does not use embeddings
    (["bt_sparsity", "--quick", "--embeddings", FILE], "--embeddings"),
    (["gpm_cyclic", "--quick", "--embeddings", FILE], "--embeddings"),
    (["risk_rate", "--quick", "--embeddings", FILE], "--embeddings"),
    (["cross_prompt", "--quick", "--embeddings", "/no/such/file.npz"], "--embeddings"),
    (["cross_prompt", "--quick", "--set", "n_pair=2000"], "--set n_pair"),
    (["cross_prompt", "--quick", "--set", "n_pairs=2.5"], "--set n_pairs"),
    (["bt_sparsity", "--quick", "--set", "reps=abc"], "--set reps"),
    (["no_such_grid"], "grid"),
    (["tiny", "--out", FILE], "--out"),  # an existing file
    (["tiny", "--out", FILE / "sub"], "--out"),  # below a file
    (["tiny", "--out", "/proc/no/such/dir"], "--out"),  # cannot be created
    (["tiny", "--scheduler", "nonsense"], "--scheduler"),
    (["tiny", "--scheduler", "local", "--workers", "0"], "--workers"),
    (["tiny", "--workers", "x"], "--workers"),
]


@pytest.mark.parametrize("argv, argument", BAD_INPUT, ids=[" ".join(map(str, a)) for a, _ in BAD_INPUT])
def test_bad_input_is_one_line_exit_2_and_writes_nothing(argv, argument, tmp_path, capsys):
    out = tmp_path / "new"
    extra = [] if "--out" in argv else ["--out", out]
    code, err = _cli(capsys, *argv, *extra)
    assert code == 2, err
    assert err.count("\n") == 0 and err.startswith(f"error: {argument}: "), err
    assert not out.exists()  # validated before anything was written


def test_fingerprint_mismatch_names_the_keys(done, capsys, tmp_path):
    out, first = done
    code, err = _cli(capsys, "tiny", "--seed", 8, "--set", "n_draws=500", "--out", out)
    assert code == 2 and err.count("\n") == 0
    assert "seed: 7 -> 8" in err and "params.n_draws: 1000 -> 500" in err and "--fresh" in err
    assert (out / "results.csv").read_bytes() == first
    code, err = _cli(capsys, "tiny", "--seed", 7, "--out", out)  # same settings: resumes every cell
    assert code == 0 and json.loads((out / "meta.json").read_text())["n_cells_resumed"] == 8
    assert (out / "results.csv").read_bytes() == first


def test_other_grid_into_same_folder_is_refused(done, capsys):
    out, _ = done
    code, err = _cli(capsys, "bt_sparsity", "--quick", "--out", out)
    assert code == 2 and 'grid: "tiny" -> "bt_sparsity"' in err


def test_failure_before_the_first_cell_leaves_no_folder(tmp_path):
    out = tmp_path / "new"
    with pytest.raises(ValueError, match="fails on purpose"):
        run_grid("tiny", out=out, overrides={"fail_cell": 0}, progress=False)
    assert not out.exists()
    out.mkdir()
    with pytest.raises(ValueError, match="fails on purpose"):
        run_grid("tiny", out=out, overrides={"fail_cell": 0}, progress=False)
    assert out.exists() and not list(out.iterdir())  # an existing empty folder stays, empty


def test_fresh_validates_first_and_keeps_old_results_on_failure(done, capsys, tmp_path):
    out, first = done
    names = sorted(p.name for p in out.iterdir())
    code, err = _cli(capsys, "tiny", "--fresh", "--set", "n_draws=-5", "--out", out)
    assert code == 2 and err.startswith("error: n_draws:")
    # a cell that fails before any new cell is stored leaves the old run untouched
    with pytest.raises(ValueError, match="fails on purpose"):
        run_grid("tiny", seed=3, out=out, resume=False, overrides={"fail_cell": 0}, progress=False)
    assert sorted(p.name for p in out.iterdir()) == names and (out / "results.csv").read_bytes() == first
    assert finished_count(out) == 8


def test_fresh_replaces_results_summary_and_figures(done, capsys):
    out, _first = done
    assert (out / "tiny_8.png").exists()
    code, _ = _cli(capsys, "tiny", "--fresh", "--seed", 3, "--set", "n_cells=4", "--out", out)
    assert code == 0
    meta = json.loads((out / "meta.json").read_text())
    assert meta["seed"] == 3 and meta["n_cells"] == 4 and len(meta["sessions"]) == 1
    assert not (out / "tiny_8.png").exists() and (out / "tiny_4.png").exists()
    assert len((out / "results.csv").read_text().splitlines()) == 1 + 4 * 3


def test_second_run_on_locked_folder_fails_with_one_line(done, capsys):
    out, first = done
    lock = FolderLock(out).acquire()
    try:
        code, err = _cli(capsys, "tiny", "--seed", 7, "--out", out)
    finally:
        lock.release()
    assert code == 2 and err.count("\n") == 0 and f"(pid {os.getpid()})" in err and "in use" in err
    assert (out / "results.csv").read_bytes() == first


def test_foreign_and_legacy_folders_are_refused(tmp_path, capsys):
    own = tmp_path / "mine"
    own.mkdir()
    (own / "results.csv").write_text("my,own\n1,2\n")
    (own / "notes.txt").write_text("keep me")
    code, err = _cli(capsys, "tiny", "--out", own)
    assert code == 2 and "did not write" in err and (own / "results.csv").read_text() == "my,own\n1,2\n"
    code, err = _cli(capsys, "tiny", "--fresh", "--out", own)  # --fresh does not make it ours
    assert code == 2 and (own / "notes.txt").exists()
    legacy = tmp_path / "legacy"  # a pre-store simtheory folder: meta.json with a grid, results.csv keyed by cell
    legacy.mkdir()
    (legacy / "meta.json").write_text(json.dumps({"grid": "tiny", "seed": 7}))
    (legacy / "results.csv").write_text("cell,stat,value\n")
    (legacy / "fig.png").write_text("x")
    code, err = _cli(capsys, "tiny", "--seed", 7, "--out", legacy)
    assert code == 2 and "older simtheory" in err
    code, err = _cli(capsys, "tiny", "--seed", 7, "--fresh", "--out", legacy)
    assert code == 0 and not (legacy / "fig.png").exists() and finished_count(legacy) == 8


def test_user_file_added_to_a_run_folder_is_refused(done, capsys):
    out, _ = done
    (out / "my_notes.md").write_text("mine")
    code, err = _cli(capsys, "tiny", "--seed", 7, "--out", out)
    assert code == 2 and "my_notes.md" in err


def test_exports_never_follow_planted_symlinks(done, tmp_path, capsys):
    out, first = done
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (out / "results.csv").unlink()
    (out / "results.csv").symlink_to(victim)
    code, _ = _cli(capsys, "tiny", "--seed", 7, "--out", out)
    assert code == 0 and victim.read_text() == "precious"
    assert not (out / "results.csv").is_symlink() and (out / "results.csv").read_bytes() == first


def test_damaged_store_one_line_then_fresh(done, capsys):
    out, first = done
    with open(out / STORE, "r+b") as fh:
        fh.write(b"garbage garbage!")  # the 16-byte SQLite header
    code, err = _cli(capsys, "tiny", "--seed", 7, "--out", out)
    assert code == 2 and "damaged" in err and "--fresh" in err
    code, _ = _cli(capsys, "tiny", "--seed", 7, "--fresh", "--out", out)
    assert code == 0 and (out / "results.csv").read_bytes() == first


def test_committed_folder_refuses_dirty_tree_unless_allowed(tmp_path, capsys, monkeypatch):
    from simtheory.runner import provenance

    monkeypatch.setattr(
        provenance, "git_state", lambda: {"commit": "abc", "dirty": True, "diff_sha256": "d", "untracked": []}
    )
    (tmp_path / ".simtheory-committed").write_text("")
    out = tmp_path / "figs" / "tiny"
    code, err = _cli(capsys, "tiny", "--out", out)
    assert code == 2 and "committed results folder" in err and "--allow-dirty" in err and not out.exists()
    code, _ = _cli(capsys, "tiny", "--out", out, "--allow-dirty")
    meta = json.loads((out / "meta.json").read_text())
    assert code == 0 and meta["allow_dirty"] is True and meta["provenance"]["git"]["dirty"] is True


def test_manifest_records_provenance(done):
    out, _ = done
    meta = json.loads((out / "meta.json").read_text())
    prov = meta["provenance"]
    assert len(prov["source_sha256"]) == 64 and "commit" in prov["git"] and "dirty" in prov["git"]
    assert "simd_flags" in prov["cpu"] and "env" in prov["threads"] and "numpy" in prov["versions"]
    assert meta["fingerprint"]["params"]["n_draws"] == 1000 and meta["fingerprint"]["seed"] == 7
    assert meta["complete"] is True and meta["files"] == sorted(meta["files"])
    assert {"results.csv", "meta.json", "summary.json", "tiny_8.png"} <= set(meta["files"])


def test_ctrl_c_message_and_exit_130(tmp_path, capsys, monkeypatch):
    import simtheory_tiny_grid as tiny

    real = tiny.run_cell

    def run_cell(cell, params, seed, backend):
        if cell["i"] == 5:
            raise KeyboardInterrupt
        return real(cell, params, seed, backend)

    monkeypatch.setattr(tiny, "run_cell", run_cell)
    code, err = _cli(capsys, "tiny", "--out", tmp_path / "r")
    assert code == 130 and err == "interrupted: 5 of 8 cells saved; rerun the same command to resume"


def test_system_error_wrapping_ctrl_c_counts_as_interrupt(tmp_path, capsys, monkeypatch):
    """Ctrl-C inside a numba kernel surfaces as SystemError with the KeyboardInterrupt as context."""
    import simtheory_tiny_grid as tiny

    def run_cell(cell, params, seed, backend):
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            raise SystemError("<numba kernel> returned a result with an exception set") from None

    monkeypatch.setattr(tiny, "run_cell", run_cell)
    code, err = _cli(capsys, "tiny", "--out", tmp_path / "r")
    assert code == 130 and err.startswith("interrupted: 0 of 8")
