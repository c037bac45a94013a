"""The ``simtheory`` command (Typer + Rich): one entry point for everything the package does.

Exit codes: 0 ok, 1 a check failed, 2 bad input (one line ``error: <argument>: <reason>``),
130 interrupted (Ctrl-C). ``simtheory run`` and ``simtheory report`` pass their arguments
through to ``python -m simtheory.run`` / ``python -m simtheory.report`` unchanged.
"""

from __future__ import annotations

import contextlib
import enum
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from simtheory.cli import console as C
from simtheory.validation import SimTheoryInputError

EXIT_OK, EXIT_CHECK_FAILED, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130

app = typer.Typer(
    name="simtheory",
    help="Numerical checks of the theory of preference-based reward modeling.\n\n"
    "Start with:  simtheory run cross_prompt --quick  (the Example 1 finding in a minute), "
    "then  simtheory report --quick  (every paper claim: holds / does not hold).\n\n"
    "Exit codes: 0 ok, 1 a check failed, 2 bad input, 130 interrupted.",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode="markdown",
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"simtheory {version('simtheory')}")
        except PackageNotFoundError:  # a source tree on PYTHONPATH, not installed
            typer.echo("simtheory (not installed; source tree)")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
    show_version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="print the version and exit"
    ),
) -> None:
    """Numerical checks of the theory of preference-based reward modeling."""


bench_app = typer.Typer(
    help="Benchmarks (benchmarks/*.py) into a folder with CSV, figure and provenance.json.", no_args_is_help=True
)
app.add_typer(bench_app, name="bench")


class Format(str, enum.Enum):
    text = "text"
    json = "json"


FORMAT = typer.Option(Format.text, "--format", "-f", help="text (Rich tables) or json (machine-readable, on stdout)")
PASSTHROUGH = {"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []}


def _passthrough(main: Callable[[list[str]], Any], argv: list[str]) -> int:
    """Call an argparse ``main(argv)``: its SystemExit (``--help``, bad option) becomes the exit code."""
    try:
        rc = main(argv)
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else EXIT_BAD_INPUT)
    return int(rc or 0)


def _lazy_main(module: str, command: str) -> Callable[[list[str]], Any]:
    """``module.main``, imported only now; a module missing from this installation is a one-line error."""
    import importlib

    try:
        return importlib.import_module(module).main
    except ModuleNotFoundError as exc:
        if exc.name and module.startswith(exc.name):
            raise SimTheoryInputError(
                command,
                f"this installation has no {module} (python -m {module}); update simtheory to a version that ships it",
            ) from None
        raise


def _examples(*lines: str) -> str:
    return "\n\n".join(["**Examples**", *[f"`{ln}`" for ln in lines]])


def _help_then_passthrough(ctx: typer.Context, main: Callable, args: list[str]) -> int:
    typer.echo(ctx.get_help())
    typer.echo("\nOptions passed through:\n")
    return _passthrough(main, ["--help"])


# ----------------------------------------------------------------------------- run


@app.command(
    context_settings=PASSTHROUGH,
    options_metavar="[OPTIONS] GRID [RUN OPTIONS]",
    epilog=_examples(
        "simtheory run cross_prompt --quick",
        "simtheory run cross_prompt --quick --format json > findings.json",
        "simtheory run reward_models_quality --quick --set n_seeds=2 --out results/rmq",
        "simtheory run cross_prompt --scheduler local --workers 2",
        "simtheory run cross_prompt --scheduler slurm:cores=8,memory=16GB,walltime=01:00:00,jobs=4",
        "simtheory run --list",
    ),
)
def run(ctx: typer.Context, fmt: Format = FORMAT) -> None:
    """Run a Monte-Carlo grid and print its findings (claim | paper | ours with 95% CI | verdict).

    Every option of `python -m simtheory.run` is accepted (GRID, --quick, --backend, --seed, --out,
    --fresh, --set KEY=VALUE, --embeddings FILE, --scheduler local|tcp://HOST:PORT|FILE|slurm:...|pbs:...,
    --workers, --no-progress, --list); `simtheory run --help` lists them.
    """
    from simtheory.runner import cli as runner_cli
    from simtheory.runner import headlines as H

    args = list(ctx.args)
    if "-h" in args or "--help" in args:
        raise typer.Exit(_help_then_passthrough(ctx, runner_cli.main, args))
    if fmt is Format.text:
        raise typer.Exit(_run_checked(lambda: _passthrough(runner_cli.main, args)))
    H.LAST.clear()
    H.QUIET = True
    try:
        with contextlib.redirect_stdout(sys.stderr):
            rc = _run_checked(lambda: _passthrough(runner_cli.main, args + ["--no-progress"]))
    finally:
        H.QUIET = False
    C.print_json({**H.LAST, "exit_code": rc})  # also on failure: {"exit_code": ...}, the error is on stderr
    raise typer.Exit(rc)


def _run_checked(fn: Callable[[], int]) -> int:
    """A grid whose cells failed (e.g. on Dask) is a failed check: one line, exit 1."""
    try:
        return fn()
    except (typer.Exit, typer.Abort):  # RuntimeError subclasses in typer >= 0.26: not a failed grid
        raise
    except RuntimeError as exc:
        C.error(str(exc))
        return EXIT_CHECK_FAILED


# ----------------------------------------------------------------------------- report


@app.command(
    context_settings=PASSTHROUGH,
    options_metavar="[OPTIONS] [REPORT OPTIONS]",
    epilog=_examples(
        "simtheory report --quick",
        "simtheory report --quick --only rbt. --open",
        "simtheory report --format json --strict",
        "simtheory report --list",
    ),
)
def report(
    ctx: typer.Context,
    fmt: Format = FORMAT,
    open_html: bool = typer.Option(False, "--open", help="open report.html in the web browser"),
    strict: bool = typer.Option(
        False, "--strict", help="exit 1 when a claim does not hold (default: only when a check could not run)"
    ),
) -> None:
    """Check every registered paper claim; print the verdict summary and the claims that do not hold.

    Writes report.md / report.html / report.json (options of `python -m simtheory.report`: --quick,
    --out, --only PREFIX, --rerun, --timeout, --list, --no-figures, --quiet). Exit 1 when a check
    raised or a claims module failed to import (with --strict also when a claim does not hold).
    """
    from simtheory.verify import report as R

    args = list(ctx.args)
    if "-h" in args or "--help" in args:
        raise typer.Exit(_help_then_passthrough(ctx, R.main, args))
    listing = "--list" in args
    started = time.time()
    with contextlib.redirect_stdout(sys.stderr) if fmt is Format.json and not listing else contextlib.nullcontext():
        rc = _passthrough(R.main, args)
    if listing or rc == EXIT_BAD_INPUT:
        raise typer.Exit(rc)
    out = _option_value(args, "--out") or Path(getattr(R, "DEFAULT_OUT", "paper_figs/report"))
    summary = report_summary(out / "report.json")
    if summary is None or (out / "report.json").stat().st_mtime < started - 1:  # never a stale report
        C.error(f"--out: this run wrote no report.json in {out}")
        raise typer.Exit(EXIT_CHECK_FAILED)
    if summary["errors"]:
        rc = max(rc, EXIT_CHECK_FAILED)
    if strict and summary["not_holding"]:
        rc = max(rc, EXIT_CHECK_FAILED)
    summary["html"] = str(out / "report.html")
    summary["exit_code"] = rc
    if fmt is Format.json:
        C.print_json(summary)
    else:
        print_report_summary(summary)
    if open_html:
        import webbrowser

        webbrowser.open((out / "report.html").resolve().as_uri())
    raise typer.Exit(rc)


def _option_value(args: list[str], name: str) -> Path | None:
    """The last ``name VALUE`` / ``name=VALUE`` in ``args`` (argparse semantics), as a path."""
    value = None
    for i, a in enumerate(args):
        if a == name and i + 1 < len(args):
            value = args[i + 1]
        elif a.startswith(name + "="):
            value = a.split("=", 1)[1]
    return Path(value) if value else None


def report_summary(path: Path) -> dict[str, Any] | None:
    """Verdict counts, the claims that do not hold, and the checks that raised, from ``report.json``."""
    import json

    if not path.is_file():
        return None
    data = json.loads(path.read_text())
    claims = data.get("claims", [])
    keep = ("id", "where", "statement", "paper_value", "value", "ci", "verdict", "error", "command")
    return {
        "counts": data.get("counts", {}),
        "n_claims": data.get("n_claims", len(claims)),
        "quick": data.get("quick"),
        "git_commit": data.get("git_commit"),
        "not_holding": [{k: c.get(k) for k in keep} for c in claims if c.get("verdict") == "does not hold"],
        "errors": [{k: c.get(k) for k in keep} for c in claims if c.get("error")]
        + [{"id": m, "error": e} for m, e in (data.get("import_errors") or {}).items()],
    }


def print_report_summary(s: dict[str, Any]) -> None:
    C.table(
        f"verdicts ({s['n_claims']} claims, {'quick' if s['quick'] else 'full'} checks)",
        ["verdict", "claims"],
        [(v, n) for v, n in s["counts"].items()],
        styles={0: C.verdict_style},
    )
    if s["not_holding"]:
        C.table(
            "claims that do not hold (findings)",
            ["claim", "where", "paper", "ours (CI)"],
            [
                (
                    c["id"],
                    c["where"],
                    c["paper_value"] if c["paper_value"] is not None else "-",
                    f"{c['value']} ({c['ci']})" if c["ci"] else c["value"],
                )
                for c in s["not_holding"]
            ],
        )
    if s["errors"]:
        C.table(
            "checks that could not run",
            ["claim", "error"],
            [(c["id"], c["error"]) for c in s["errors"]],
            styles={1: lambda _: "red"},
        )
    C.console().print(f"HTML: {s['html']}  (simtheory report --open)")


# ----------------------------------------------------------------------------- embed, regenerate


@app.command(
    context_settings=PASSTHROUGH, options_metavar="[EMBED OPTIONS]", epilog=_examples("simtheory embed --help")
)
def embed(ctx: typer.Context) -> None:
    """Real-embedding checks (passes through to `python -m simtheory.embed`)."""
    raise typer.Exit(_passthrough(_lazy_main("simtheory.embed", "embed"), list(ctx.args)))


@app.command(
    context_settings=PASSTHROUGH,
    options_metavar="[REGENERATE OPTIONS]",
    epilog=_examples("simtheory regenerate --help"),
)
def regenerate(ctx: typer.Context) -> None:
    """Re-create the committed results (passes through to `python -m simtheory.regenerate`)."""
    raise typer.Exit(_passthrough(_lazy_main("simtheory.regenerate", "regenerate"), list(ctx.args)))


# ----------------------------------------------------------------------------- bench, figures


def _bench(name: str, out: Path | None, extra: list[str], fmt: Format) -> None:
    from simtheory.cli.bench import run_benchmark

    echo = (lambda line: print(line, file=sys.stderr)) if fmt is Format.json else print
    prov = run_benchmark(name, out, extra, echo=echo)
    rc = EXIT_OK if prov["returncode"] == 0 else EXIT_CHECK_FAILED
    if fmt is Format.json:
        C.print_json(prov)
    else:
        C.table(
            f"simtheory bench {name}: {prov['wall_seconds']:.1f} s, exit {prov['returncode']}",
            ["file", "sha256"],
            [(f, h[:16]) for f, h in prov["files"].items()],
        )
        C.console().print(f"folder: {prov['out']} (provenance.json)")
    raise typer.Exit(rc)


_BENCH_OUT = typer.Option(None, "--out", "-o", help="output folder (default results/bench/NAME-UTCTIME)")
_BENCH_ARGS = typer.Argument(None, help="options for the script, after --")


@bench_app.command(
    "engines",
    epilog=_examples("simtheory bench engines", "simtheory bench engines -- --sizes 1e6 --kernels pair_stats"),
)
def bench_engines(extra: list[str] | None = _BENCH_ARGS, out: Path | None = _BENCH_OUT, fmt: Format = FORMAT) -> None:
    """Pairs/second and peak memory of the Monte-Carlo kernels per backend (benchmarks/bench_engines.py)."""
    _bench("engines", out, extra or [], fmt)


@bench_app.command("bt", epilog=_examples("simtheory bench bt", "simtheory bench bt -- --per-player 10"))
def bench_bt(extra: list[str] | None = _BENCH_ARGS, out: Path | None = _BENCH_OUT, fmt: Format = FORMAT) -> None:
    """Bradley-Terry fit vs choix: time and agreement (benchmarks/bench_bt_vs_choix.py)."""
    _bench("bt", out, extra or [], fmt)


@bench_app.command("embed", epilog=_examples("simtheory bench embed"))
def bench_embed(extra: list[str] | None = _BENCH_ARGS, out: Path | None = _BENCH_OUT, fmt: Format = FORMAT) -> None:
    """Embedding throughput and the real-data run's wall time (benchmarks/bench_embed.py)."""
    _bench("embed", out, extra or [], fmt)


@bench_app.command("backends")
def bench_backends(extra: list[str] | None = _BENCH_ARGS, out: Path | None = _BENCH_OUT, fmt: Format = FORMAT) -> None:
    """pair_stats per backend and thread count (benchmarks/bench_backends.py)."""
    _bench("backends", out, extra or [], fmt)


@bench_app.command("gpm")
def bench_gpm(extra: list[str] | None = _BENCH_ARGS, out: Path | None = _BENCH_OUT, fmt: Format = FORMAT) -> None:
    """General-preference model query cost vs embedding dimension (benchmarks/bench_gpm_query.py)."""
    _bench("gpm", out, extra or [], fmt)


_FIG_NAMES = typer.Argument(None, help="scripts paper_figs/make_NAME.py (default: all)")


@app.command(epilog=_examples("simtheory figures", "simtheory figures cross_prompt bt --quick"))
def figures(
    names: list[str] | None = _FIG_NAMES,
    quick: bool = typer.Option(False, "--quick", help="pass --quick to the scripts that accept it"),
    fmt: Format = FORMAT,
) -> None:
    """Re-draw the paper figures (runs paper_figs/make_*.py). Exit 1 if a script fails."""
    from simtheory.cli.bench import run_figures

    echo = (lambda line: print(line, file=sys.stderr)) if fmt is Format.json else print
    results = run_figures(names or [], quick=quick, echo=echo)
    rc = EXIT_OK if all(r["returncode"] == 0 for r in results) else EXIT_CHECK_FAILED
    if fmt is Format.json:
        C.print_json({"scripts": results, "exit_code": rc})
    else:
        C.table(
            "paper figures",
            ["script", "exit", "seconds"],
            [(r["script"], r["returncode"], r["seconds"]) for r in results],
            styles={1: lambda v: "green" if v == "0" else "bold red"},
        )
    raise typer.Exit(rc)


# ----------------------------------------------------------------------------- doctor, list


@app.command(epilog=_examples("simtheory doctor", "simtheory doctor --format json", "simtheory doctor --no-bench"))
def doctor(
    fmt: Format = FORMAT,
    bench: bool = typer.Option(True, "--bench/--no-bench", help="time pair_stats on numpy and numba (~1 s)"),
    n_pairs: int = typer.Option(1_000_000, "--n-pairs", help="pairs in the micro-benchmark"),
) -> None:
    """What this machine can do: versions, numba threads, numba/numpy speed, GPU, extras, writable folders.

    Exit 1 when a check fails (numba and numpy estimates disagree beyond 5 SE, or no output folder is writable).
    """
    from simtheory.cli import doctor as D
    from simtheory.validation import check_positive_int

    n_pairs = check_positive_int("--n-pairs", n_pairs, minimum=1000)
    rep = D.diagnose(bench=bench, n_pairs=n_pairs)
    if fmt is Format.json:
        C.print_json(rep)
    else:
        D.print_report(rep)
    raise typer.Exit(EXIT_OK if rep["ok"] else EXIT_CHECK_FAILED)


class What(str, enum.Enum):
    grids = "grids"
    claims = "claims"
    benchmarks = "benchmarks"
    figures = "figures"
    all = "all"


_WHAT = typer.Argument(What.grids, help="grids | claims | benchmarks | figures | all")


@app.command("list", epilog=_examples("simtheory list", "simtheory list claims", "simtheory list all --format json"))
def list_(what: What = _WHAT, fmt: Format = FORMAT) -> None:
    """List the grids (simtheory run GRID), claims (simtheory report), benchmarks and figure scripts."""
    out: dict[str, list[dict[str, Any]]] = {}
    if what in (What.grids, What.all):
        from simtheory.runner.grids import available_grids

        out["grids"] = [
            {"name": n, "description": g.description, "aliases": g.aliases} for n, g in available_grids().items()
        ]
    if what in (What.claims, What.all):
        from simtheory.verify.report import collect_claims

        claims, errors = collect_claims()
        out["claims"] = [{"id": c.id, "document": c.document, "where": c.where} for c in claims]
        for mod, err in errors.items():
            print(f"warning: claims module {mod} failed to import: {err}", file=sys.stderr)
    if what in (What.benchmarks, What.all):
        from simtheory.cli.bench import BENCHMARKS, repo_root

        root = repo_root()
        out["benchmarks"] = [
            {"name": n, "script": f"benchmarks/{s}", "present": bool(root and (root / "benchmarks" / s).is_file())}
            for n, (s, _) in BENCHMARKS.items()
        ]
    if what in (What.figures, What.all):
        from simtheory.cli.bench import figure_scripts

        try:
            out["figures"] = [
                {"name": p.stem.removeprefix("make_"), "script": f"paper_figs/{p.name}"} for p in figure_scripts()
            ]
        except SimTheoryInputError as exc:
            out["figures"] = []
            print(f"warning: {exc}", file=sys.stderr)
    if fmt is Format.json:
        C.print_json(out)
        return
    for section, rows in out.items():
        if rows:
            cols = [k for k in rows[0] if k != "aliases"]
            C.table(section, cols, [[r[k] for k in cols] for r in rows])


# ----------------------------------------------------------------------------- entry point


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point (``simtheory``, ``python -m simtheory``); returns the exit code."""
    try:  # typer >= 0.26 vendors click as typer._click
        from typer._click.exceptions import UsageError
    except ImportError:  # pragma: no cover - older typer on click
        from click.exceptions import UsageError  # type: ignore[assignment]
    try:
        rv = app(args=argv, prog_name="simtheory", standalone_mode=False)
    except SimTheoryInputError as exc:
        C.error(str(exc))
        return EXIT_BAD_INPUT
    except UsageError as exc:
        exc.show()
        return EXIT_BAD_INPUT
    except (KeyboardInterrupt, typer.Abort):
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except typer.Exit as exc:
        return int(exc.exit_code)
    except SystemExit as exc:  # shell completion exits on its own
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else EXIT_BAD_INPUT)
    return int(rv) if isinstance(rv, int) else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
