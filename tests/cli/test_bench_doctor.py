"""``simtheory bench`` / ``figures`` (scripts found relative to the repository, output folder with
provenance) and ``simtheory doctor`` (numba vs numpy timing and agreement, extras, writable folders)."""

import json
import textwrap

import pytest

from simtheory.cli import bench as B
from simtheory.cli.app import main
from simtheory.validation import SimTheoryInputError

FAKE_ENGINES = textwrap.dedent("""
    import argparse, csv
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="benchmarks/results/bench_engines.csv")
    ap.add_argument("--sizes", default="1e6")
    a = ap.parse_args()
    rows = [dict(kernel="pair_stats", backend=b, threads=t, n_pairs=int(float(a.sizes)), pairs_per_second=r)
            for b, t, r in (("numpy", 1, 1e7), ("numba", 1, 5e7), ("numba", 2, 9e7))]
    with open(a.out, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    print("wrote", a.out)
""")


@pytest.fixture
def fake_repo(tmp_path, monkeypatch):
    root = tmp_path / "repo"
    (root / "benchmarks").mkdir(parents=True)
    (root / "paper_figs").mkdir()
    (root / "benchmarks" / "bench_engines.py").write_text(FAKE_ENGINES)
    (root / "paper_figs" / "make_ok.py").write_text("import sys; print('drawn', sys.argv[1:])\n")
    (root / "paper_figs" / "make_broken.py").write_text("raise SystemExit(3)\n")
    monkeypatch.setenv("SIMTHEORY_REPO", str(root))
    return root


def test_bench_writes_csv_figure_and_provenance(fake_repo, tmp_path, capsys):
    out = tmp_path / "bench_out"
    assert main(["bench", "engines", "--out", str(out), "--format", "json", "--", "--sizes", "1e5"]) == 0
    prov = json.loads(capsys.readouterr().out)
    assert prov == json.loads((out / "provenance.json").read_text())
    assert prov["returncode"] == 0 and prov["command"][-2:] == ["--out", str(out.resolve() / "bench_engines.csv")]
    assert "--sizes" in prov["command"] and set(prov["files"]) == {"bench_engines.csv", "bench_engines.png", "log.txt"}
    assert (out / "bench_engines.png").stat().st_size > 0
    assert "1e5" not in (out / "bench_engines.csv").read_text() and "100000" in (out / "bench_engines.csv").read_text()
    assert {"versions", "git_commit", "cpu_count", "wall_seconds"} <= set(prov)


def test_bench_json_rows_become_csv_and_figure(fake_repo, tmp_path):
    (fake_repo / "benchmarks" / "bench_bt_vs_choix.py").write_text(
        textwrap.dedent("""
        import argparse, json
        ap = argparse.ArgumentParser()
        ap.add_argument("--out")
        rows = [dict(N=n, reference=r, ours_s=0.01 * n, choix_s=0.02 * n) for n in (100, 1000)
                for r in ("ilsr_pairwise", "opt_pairwise")]
        json.dump({"rows": rows}, open(ap.parse_args().out, "w"))
    """)
    )
    prov = B.run_benchmark("bt", tmp_path / "bt", echo=lambda line: None)
    assert prov["returncode"] == 0
    assert {"bench_bt_vs_choix.json", "bench_bt_vs_choix.csv", "bench_bt_vs_choix.png"} <= set(prov["files"])
    assert (tmp_path / "bt" / "bench_bt_vs_choix.csv").read_text().startswith("N,reference,ours_s,choix_s")


def test_bench_missing_script_and_outside_a_checkout(fake_repo, tmp_path, monkeypatch, capsys):
    assert main(["bench", "embed", "--out", str(tmp_path / "x")]) == 2  # no benchmarks/bench_embed.py here
    assert capsys.readouterr().err.startswith("error: benchmark: 'embed' needs")
    monkeypatch.setenv("SIMTHEORY_REPO", str(tmp_path / "nowhere"))
    monkeypatch.setattr(B, "PACKAGE_ROOT", tmp_path / "site-packages" / "simtheory")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SimTheoryInputError, match="source repository"):
        B.benchmark_script("engines")


def test_figures_runs_scripts_and_fails_on_a_broken_one(fake_repo, capsys):
    assert main(["figures", "ok", "--quick"]) == 0
    assert "drawn []" in capsys.readouterr().out  # --quick only goes to scripts that accept it
    assert main(["figures", "--format", "json"]) == 1
    res = {r["script"]: r["returncode"] for r in json.loads(capsys.readouterr().out)["scripts"]}
    assert res == {"make_broken.py": 3, "make_ok.py": 0}
    assert main(["figures", "nope"]) == 2


def test_doctor_json(capsys):
    assert main(["doctor", "--format", "json", "--n-pairs", "20000"]) == 0
    rep = json.loads(capsys.readouterr().out)
    assert rep["ok"] and rep["problems"] == []
    s = rep["speed"]
    if rep["numba"]["available"]:
        assert s["numba_over_numpy_speed"] == pytest.approx(s["numpy_seconds"] / s["numba_seconds"], rel=0.02)
        a = s["agreement"]  # independent streams: |diff| <= 5 combined SE (fails with probability ~6e-7)
        assert a["agree"] and abs(a["difference"]) <= 5 * a["combined_se"]
        assert rep["numba"]["num_threads"] >= 1
    assert {e["extra"] for e in rep["extras"]} >= {"models", "dask", "cluster", "gpu"}
    assert rep["torch"]["installed"] is False or rep["torch"]["device"] in ("cpu", "cuda")


def test_doctor_flags_an_unwritable_folder(tmp_path):
    from simtheory.cli.doctor import writable

    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    ok, bad = writable([tmp_path / "new", blocker / "sub"])
    assert ok["writable"] and not (tmp_path / "new").exists()  # probed, then removed again
    assert not bad["writable"] and bad["error"]
    assert main(["doctor", "--n-pairs", "10"]) == 2
