"""The ``simtheory`` command (simtheory/cli/app.py): one --help for everything, pass-through to
``python -m simtheory.run`` / ``.report``, --format json, and the documented exit codes
(0 ok, 1 a check failed, 2 bad input as one ``error:`` line, 130 interrupted)."""

import json
import subprocess
import sys

import pytest

from simtheory.cli.app import main

COMMANDS = ("run", "report", "embed", "regenerate", "bench", "figures", "doctor", "list")
#: small real grid: 2 x 2 cells of bt_sparsity (seconds)
SMALL = ["bt_sparsity", "--quick", "--set", "N=[30]", "--set", "ratio=[0.1, 8.0]", "--no-progress"]


def _one_error_line(err: str, argument: str) -> None:
    lines = [ln for ln in err.strip().splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"error: {argument}"), err


def test_help_lists_every_command_and_the_exit_codes(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert all(c in out for c in COMMANDS)
    assert "130 interrupted" in out


def test_python_dash_m_simtheory_is_the_same_command():
    res = subprocess.run(
        [sys.executable, "-m", "simtheory", "list", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert res.returncode == 0, res.stderr
    assert "cross_prompt" in {g["name"] for g in json.loads(res.stdout)["grids"]}


def test_run_help_shows_the_passed_through_options(capsys):
    assert main(["run", "--help"]) == 0
    out = capsys.readouterr().out
    assert "Examples" in out and "--scheduler" in out and "--quick" in out and "--set KEY=VALUE" in out


def test_run_prints_the_findings_table(tmp_path, capsys):
    assert main(["run", *SMALL, "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"wrote {tmp_path}" in out
    assert "bt_sparsity: findings" in out and "MLE exists" in out


def test_run_format_json_keeps_stdout_machine_readable(tmp_path, capsys):
    assert main(["run", "--format", "json", *SMALL, "--out", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert data["grid"] == "bt_sparsity" and data["exit_code"] == 0
    summary = json.loads((tmp_path / "summary.json").read_text())
    from simtheory.runner.headlines import headlines

    assert data["headlines"] == [h.as_dict() for h in headlines("bt_sparsity", summary)]
    assert "wrote" in captured.err  # the human line went to stderr


@pytest.mark.parametrize(
    "argv, argument",
    [
        (["run", "no_such_grid"], "grid"),
        (["run", "--backend", "gpu9", "bt_sparsity"], "--backend"),
        (["run", "bt_sparsity", "--scheduler", "/nonexistent/scheduler.json"], "--scheduler"),
        (["bench", "no_such_bench"], ""),
    ],
)
def test_bad_input_is_exit_2(argv, argument, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    if argument:
        _one_error_line(err, argument)


def test_missing_subcommand_module_is_one_line(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "simtheory.embed", None)  # as if simtheory.embed were not installed
    assert main(["embed", "--help"]) == 2
    _one_error_line(capsys.readouterr().err, "embed")


def test_interrupt_is_130(monkeypatch, capsys):
    import simtheory.runner.cli as runner_cli

    def interrupted(argv):
        raise KeyboardInterrupt

    monkeypatch.setattr(runner_cli, "main", interrupted)
    assert main(["run", "bt_sparsity"]) == 130


def test_failed_cells_are_exit_1(monkeypatch, capsys):
    import simtheory.runner.cli as runner_cli

    def failing(argv):
        raise RuntimeError("2 of 8 cells failed on Dask")

    monkeypatch.setattr(runner_cli, "main", failing)
    assert main(["run", "bt_sparsity"]) == 1
    _one_error_line(capsys.readouterr().err, "2 of 8 cells failed")


def test_report_summary_json_and_open(tmp_path, capsys, monkeypatch):
    opened = []
    monkeypatch.setattr("webbrowser.open", lambda url: opened.append(url))
    argv = ["report", "--quick", "--only", "rbt.example1", "--out", str(tmp_path), "--no-figures", "--quiet"]
    assert main([*argv, "--format", "json", "--open"]) == 0
    data = json.loads(capsys.readouterr().out)
    counts = json.loads((tmp_path / "report.json").read_text())["counts"]
    assert data["counts"] == counts and data["n_claims"] == sum(counts.values()) == 1
    # the Example 1 finding (paper 0.6749 vs 0.7252 as stated) is listed among the claims that do not hold
    assert [c["id"] for c in data["not_holding"]] == (["rbt.example1.qpair"] if counts["does not hold"] else [])
    assert opened == [(tmp_path / "report.html").resolve().as_uri()]


def test_report_strict_text_output(tmp_path, capsys):
    """--strict turns a claim that does not hold into exit 1; the text output names it."""
    argv = ["report", "--quick", "--only", "rbt.example1", "--out", str(tmp_path), "--no-figures", "--quiet"]
    rc = main([*argv, "--strict"])
    counts = json.loads((tmp_path / "report.json").read_text())["counts"]
    assert rc == (1 if counts["does not hold"] else 0)
    out = capsys.readouterr().out
    assert "verdicts" in out and ("rbt.example1.qpair" in out) == bool(counts["does not hold"])


def test_list_json_has_every_section(capsys):
    assert main(["list", "all", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"grids", "claims", "benchmarks", "figures"}
    assert {"cross_prompt", "bt_sparsity"} <= {g["name"] for g in data["grids"]}
    assert any(c["id"] == "rbt.example1.qpair" for c in data["claims"])


def test_shell_completion_completes_commands():
    import os

    env = dict(os.environ, _SIMTHEORY_COMPLETE="complete_bash", COMP_WORDS="simtheory bench e", COMP_CWORD="2")
    res = subprocess.run(
        [sys.executable, "-m", "simtheory"], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert res.returncode == 0 and set(res.stdout.split()) == {"engines", "embed"}, res.stderr
