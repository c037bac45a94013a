"""``python -m simtheory.regenerate PATH``: re-run a committed result and compare it row by row (issue 20).

PATH is a run folder (``meta.json`` + ``results.csv``, as written by ``python -m simtheory.run``),
the output folder of a figure script (``paper_figs/make_*.py``, recorded by
:func:`simtheory.runner.scripts.script_record`: the script is re-run and its CSV/JSON/Markdown
files are compared exactly), or either's ``meta.json``. The recorded grid, resolved parameters, seed, backend and quick flag are re-run
into a temporary folder (``--keep DIR`` keeps it) and the two ``results.csv`` are compared row by
row (rows matched by cell and position within the cell):

* columns are compared **exactly** (numpy, numba, LightGBM, statsmodels parts are deterministic);
* rows that the grid's TOML declares stochastic (``[regenerate] stochastic_rows``, e.g. rows of
  torch-trained models) are compared **within ``tolerance_se`` standard errors** for every column
  ``X`` that has an SE column ``X_se`` (the recorded SE); their other columns are reported, not judged;
* timing columns (``*seconds``) and ``[regenerate] ignore_columns`` are skipped.

It prints the largest difference per column, the true/false findings of ``summary.json`` that the
re-run would change, and a verdict. Exit status: 0 same, 1 differs (a row or a finding),
2 bad input (one line ``error: <argument>: <reason>``).
"""

from __future__ import annotations

import json
import math
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

from simtheory.validation import SimTheoryInputError

DEFAULT_TOLERANCE_SE = 4.0
_TIMING = re.compile(r"(^|_)seconds$|^wall")


def load_record(path: Path | str) -> tuple[Path, dict[str, Any]]:
    """(run folder, recorded meta) of ``path`` (a folder or its meta.json)."""
    path = Path(path)
    folder = path.parent if path.name == "meta.json" else path
    meta_path = folder / "meta.json"
    try:
        meta = json.loads(meta_path.read_text())
    except FileNotFoundError:
        raise SimTheoryInputError("PATH", f"{meta_path} not found (expected a run folder or its meta.json)") from None
    except ValueError as exc:
        raise SimTheoryInputError("PATH", f"{meta_path} is not valid JSON ({exc})") from None
    if isinstance(meta, dict) and "script" in meta and "argv" in meta and "grid" not in meta:
        return folder, meta  # a figure script's record (simtheory.runner.scripts)
    missing = [k for k in ("grid", "params", "seed") if k not in meta]
    if not isinstance(meta, dict) or missing:
        raise SimTheoryInputError(
            "PATH",
            f"{meta_path} records neither a grid run nor a figure script (missing: {', '.join(missing)})",
        )
    if not (folder / "results.csv").exists():
        raise SimTheoryInputError("PATH", f"{folder / 'results.csv'} not found")
    return folder, meta


def _rows_by_key(path: Path) -> dict[tuple[str, int], dict[str, Any]]:
    from simtheory.runner.store import ResultStore

    out: dict[tuple[str, int], dict[str, Any]] = {}
    seen: dict[str, int] = {}
    for r in ResultStore(path).read_rows():
        cell = str(r.get("cell", ""))  # files that are not a grid's results.csv: rows by position
        i = seen.get(cell, 0)
        seen[cell] = i + 1
        out[(cell, i)] = r
    return out


def _num(v: Any) -> float | None:
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, (int, float)):
        return float(v)
    return None


def compare(old_csv: Path, new_csv: Path, rules: dict[str, Any]) -> dict[str, Any]:
    """Row-by-row comparison of two results.csv files under the grid's ``[regenerate]`` rules.

    Returns ``{"columns": {col: {...}}, "missing_rows", "extra_rows", "same": bool}``; each column
    records ``max_abs_diff``, ``max_diff_se`` (stochastic rows), ``n_diff``, ``judged`` and ``ok``.
    """
    return compare_rows(_rows_by_key(old_csv), _rows_by_key(new_csv), rules)


def compare_rows(
    old: dict[tuple[str, int], dict[str, Any]],
    new: dict[tuple[str, int], dict[str, Any]],
    rules: dict[str, Any],
    *,
    foreign_cpu: bool = False,
) -> dict[str, Any]:
    """:func:`compare` on rows already keyed by (cell, position in the cell).

    ``foreign_cpu``: the re-run dispatches to other instruction sets than the recorded run (see
    :func:`dispatch_differs`), so exact equality is not expected. Every row is then judged like a
    stochastic one: a column ``X`` with an SE column ``X_se`` within ``tolerance_se`` SEs; a column
    without one within a relative :data:`CPU_RTOL` (floating-point rounding), except in rows whose
    SE-judged columns moved beyond that (the Monte-Carlo sample path changed: numba's compiled
    samplers round differently per instruction set), where it is reported and not judged.
    """
    tol = float(rules.get("tolerance_se", DEFAULT_TOLERANCE_SE))
    ignore = set(rules.get("ignore_columns", []))
    stochastic = {k: set(map(str, v)) for k, v in rules.get("stochastic_rows", {}).items()}
    if foreign_cpu:
        tol = max(tol, family_tolerance_se(sum(_n_se_columns(old[k], ignore) for k in set(old) & set(new))))
    cols: dict[str, dict[str, Any]] = {}

    def col(name: str) -> dict[str, Any]:
        return cols.setdefault(
            name,
            {
                "max_abs_diff": 0.0,
                "max_diff_se": 0.0,
                "n_diff": 0,
                "n_judged_diff": 0,
                "judged": name not in ignore and not _TIMING.search(name),
                "ok": True,
            },
        )

    for key in sorted(set(old) & set(new)):
        a, b = old[key], new[key]
        is_stoch = foreign_cpu or any(str(a.get(k)) in vals for k, vals in stochastic.items())
        path_moved = foreign_cpu and any(
            _rel_diff(a.get(n[:-3]), b.get(n[:-3])) > CPU_RTOL for n in a if n.endswith("_se") and n[:-3] in a
        )
        for name in sorted(set(a) | set(b)):
            c = col(name)
            va, vb = a.get(name), b.get(name)
            if va == vb or (isinstance(va, float) and isinstance(vb, float) and math.isnan(va) and math.isnan(vb)):
                continue
            c["n_diff"] += 1
            na, nb = _num(va), _num(vb)
            diff = abs(na - nb) if na is not None and nb is not None else math.inf
            c["max_abs_diff"] = max(c["max_abs_diff"], diff)
            if not c["judged"]:
                continue
            if is_stoch:
                se = _num(a.get(f"{name}_se"))
                if se is None or f"{name}_se" not in a:
                    if foreign_cpu and _rel_diff(va, vb) <= CPU_RTOL:
                        c["rounding_only"] = c.get("rounding_only", 0) + 1
                        continue
                    if not foreign_cpu or path_moved:
                        c["unjudged_stochastic"] = c.get("unjudged_stochastic", 0) + 1
                        continue
                    # another CPU, yet nothing with an SE moved: a real difference, judged below
                else:
                    z = diff / se if se > 0 else (0.0 if diff == 0 else math.inf)
                    c["max_diff_se"] = max(c["max_diff_se"], z)
                    if z <= tol:
                        continue
            c["n_judged_diff"] += 1
            c["ok"] = False
            if "largest" not in c or diff >= c["largest"][0]:
                c["largest"] = (diff, key[0], va, vb)
    missing = sorted(set(old) - set(new))
    extra = sorted(set(new) - set(old))
    same = not missing and not extra and all(c["ok"] for c in cols.values())
    return {
        "columns": cols,
        "missing_rows": missing,
        "extra_rows": extra,
        "same": same,
        "tolerance_se": tol,
        "n_rows": len(old),
        "foreign_cpu": foreign_cpu,
    }


#: relative difference that counts as rounding when the CPU dispatch differs: iterative solvers stop at
#: their tolerance, so rounding differences come out at that level (measured: BT Newton fits of
#: bt_sparsity move by 6.7e-9 with AVX2 instead of AVX-512 dispatch; benchmarks/reproducibility_isa.py)
CPU_RTOL = 1e-6
#: family-wise false-alarm rate of the SE-unit comparisons on another CPU
FAMILY_ALPHA = 1e-3


def family_tolerance_se(m: int, alpha: float = FAMILY_ALPHA) -> float:
    """Tolerance in units of the recorded SE for ``m`` comparisons of two independent estimates.

    Two independent estimates with standard error SE differ by N(0, 2 SE^2); over ``m`` comparisons
    the largest |difference| exceeds ``sqrt(2) z_{1 - alpha / (2m)}`` SE with probability <= ``alpha``
    (Bonferroni). E.g. 3.29 x sqrt(2) = 4.65 for one comparison, 6.9 for 1000.

    Examples
    --------
    >>> round(family_tolerance_se(1), 2), round(family_tolerance_se(1000), 2)
    (4.65, 6.92)
    """
    from scipy.stats import norm

    return float(math.sqrt(2.0) * norm.isf(alpha / (2 * max(int(m), 1))))


def _n_se_columns(row: dict[str, Any], ignore: set[str]) -> int:
    return sum(1 for n in row if f"{n}_se" in row and n not in ignore and not _TIMING.search(n))


def _rel_diff(va: Any, vb: Any) -> float:
    if va == vb:
        return 0.0
    na, nb = _num(va), _num(vb)
    if na is None or nb is None:
        return math.inf
    if math.isnan(na) and math.isnan(nb):
        return 0.0
    return abs(na - nb) / max(abs(na), abs(nb), 1e-300)


def dispatch_signature(prov: dict[str, Any] | None) -> tuple[Any, ...] | None:
    """(CPU flag hash, instruction-set overrides) of a recorded provenance; None when not recorded."""
    if not prov or not (prov.get("cpu") or {}).get("flags_sha256"):
        return None
    env = ((prov.get("threads") or {}).get("env")) or {}
    from simtheory.runner.provenance import DISPATCH_ENV

    return (prov["cpu"]["flags_sha256"], tuple((k, env.get(k)) for k in DISPATCH_ENV))


def dispatch_differs(recorded: dict[str, Any] | None, now: dict[str, Any] | None) -> bool:
    """True when the re-run's CPU flags or instruction-set overrides differ from the recorded run's
    (an unrecorded CPU counts as the same: such records are compared exactly)."""
    a, b = dispatch_signature(recorded), dispatch_signature(now)
    return a is not None and b is not None and a != b


def changed_verdicts(old: Any, new: Any, path: str = "") -> list[tuple[str, Any, Any]]:
    """(path, old, new) of every boolean in the grid summary (``summary.json``) that differs:
    the summary's true/false findings are what the claims read."""
    out: list[tuple[str, Any, Any]] = []
    if isinstance(old, dict) and isinstance(new, dict):
        for k in old:
            if k in new:
                out += changed_verdicts(old[k], new[k], f"{path}.{k}" if path else str(k))
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for i, (a, b) in enumerate(zip(old, new)):
            out += changed_verdicts(a, b, f"{path}[{i}]")
    elif (isinstance(old, bool) or isinstance(new, bool)) and old != new:
        out.append((path, old, new))
    return out


def sampled_cells(cells: list[dict], k: int) -> list[dict]:
    """``k`` cells chosen by the SHA-256 of their keys: the same cells on every machine and every run."""
    import hashlib

    from simtheory.runner.store import cell_key

    return sorted(cells, key=lambda c: hashlib.sha256(cell_key(c).encode()).hexdigest())[:k]


class _SampleStore:
    """The store interface of :func:`simtheory.runner.grids.execute_serial`, writing a results CSV."""

    def __init__(self, path: Path):
        from simtheory.runner.store import ResultStore

        self.rows = ResultStore(path)

    def append(self, cell: dict, rows: list[dict[str, Any]], seconds: float | None = None) -> None:
        self.rows.append(cell, rows)


def regenerate_sample(folder: Path, meta: dict[str, Any], k: int) -> dict[str, Any]:
    """Re-run ``k`` of the recorded grid's cells (:func:`sampled_cells`) in this process and compare
    their rows with the recorded ones; the cheap check CI runs on long grids."""
    from simtheory.runner.grids import check_overrides, execute_serial, get_grid
    from simtheory.runner.provenance import provenance
    from simtheory.runner.store import cell_key

    grid = get_grid(meta["grid"])
    params = grid.resolved_params(bool(meta.get("quick", False)), check_overrides(grid, dict(meta["params"])))
    mod = grid.load_module()
    pick = sampled_cells(mod.cells(params), k)
    keys = {cell_key(c) for c in pick}
    old = {key: r for key, r in _rows_by_key(folder / "results.csv").items() if key[0] in keys}
    with tempfile.TemporaryDirectory(prefix="simtheory-regen-") as tmp:
        # the cells run exactly as a serial grid run does, and their rows are written and read back as
        # results.csv's are, so the values parse the same way
        store = _SampleStore(Path(tmp) / "sample.csv")
        execute_serial(mod.run_cell, pick, params, int(meta["seed"]), meta.get("backend", "auto"), store, False)
        new = _rows_by_key(store.rows.path)
    now = provenance()
    result = compare_rows(old, new, grid.regenerate, foreign_cpu=dispatch_differs(meta.get("provenance"), now))
    result.update(
        regenerated_meta={"provenance": now},
        changed_verdicts=None,
        sampled_cells=len(pick),
        n_cells=int(meta.get("n_cells") or 0),
        recorded={"git_commit": meta.get("git_commit"), "provenance": meta.get("provenance")},
        mixed_code=bool(meta.get("mixed_code")),
        folder=str(folder),
    )
    return result


def regenerate(
    path: Path | str, *, keep: Path | str | None = None, progress: bool = False, sample: int | None = None
) -> dict[str, Any]:
    """Re-run the result recorded at ``path`` and compare (see the module docstring).

    ``sample``: re-run only that many of a grid's cells (chosen by :func:`sampled_cells`) and compare
    their rows; the summary's findings are then not compared.

    Raises
    ------
    SimTheoryInputError
        ``path`` holds no recorded run, the grid no longer declares a recorded parameter, or an
        input file's content hash changed.
    """
    from simtheory.runner import provenance as prov
    from simtheory.runner.grids import get_grid, run_grid

    folder, meta = load_record(path)
    if "grid" not in meta:
        return regenerate_script(folder, meta, keep=keep)
    if sample is not None:
        return regenerate_sample(folder, meta, sample)
    grid = get_grid(meta["grid"])
    params = dict(meta["params"])
    recorded_inputs = meta.get("inputs") or {}
    if params.get("embeddings") and recorded_inputs.get("embeddings"):
        emb = params["embeddings"]
        if emb == "example":
            from simtheory.embeddings.example import example_path

            emb = example_path()
        if not Path(emb).is_file() or prov.file_sha256(emb) != recorded_inputs["embeddings"]:
            raise SimTheoryInputError(
                "--embeddings", f"{params['embeddings']} is missing or its content changed since the recorded run"
            )
    declared = {**grid.params, **grid.quick}
    stale = [k for k in params if k not in declared and k != "embeddings"]
    if stale:
        raise SimTheoryInputError(
            "PATH",
            f"grid {grid.name!r} no longer declares the recorded parameter(s) "
            f"{', '.join(stale)}; the recorded result cannot be regenerated",
        )
    with tempfile.TemporaryDirectory(prefix="simtheory-regen-") as tmp:
        out = Path(keep) if keep is not None else Path(tmp) / "run"
        run_grid(
            grid.name,
            quick=bool(meta.get("quick", False)),
            seed=int(meta["seed"]),
            backend=meta.get("backend", "auto"),
            out=out,
            resume=False,
            overrides=params,
            progress=progress,
            command=f"python -m simtheory.regenerate {folder}",
        )
        new_meta = json.loads((out / "meta.json").read_text())
        result = compare_rows(
            _rows_by_key(folder / "results.csv"),
            _rows_by_key(out / "results.csv"),
            grid.regenerate,
            foreign_cpu=dispatch_differs(meta.get("provenance"), new_meta.get("provenance")),
        )
        result["regenerated_meta"] = new_meta
    try:
        old_summary = json.loads((folder / "summary.json").read_text())
    except (OSError, ValueError):
        old_summary = None
    result["changed_verdicts"] = (
        None if old_summary is None else changed_verdicts(old_summary, result["regenerated_meta"].get("summary"))
    )
    result["same"] = result["same"] and not result["changed_verdicts"]
    result["recorded"] = {"git_commit": meta.get("git_commit"), "provenance": meta.get("provenance")}
    result["mixed_code"] = bool(meta.get("mixed_code"))
    result["folder"] = str(folder)
    return result


def _leaves(obj: Any, path: str = "") -> dict[str, Any]:
    """Flatten a JSON document to ``{"a.b[0]": leaf}``."""
    if isinstance(obj, dict):
        out: dict[str, Any] = {}
        for k, v in obj.items():
            out.update(_leaves(v, f"{path}.{k}" if path else str(k)))
        return out
    if isinstance(obj, list):
        out = {}
        for i, v in enumerate(obj):
            out.update(_leaves(v, f"{path}[{i}]"))
        return out
    return {path: obj}


def compare_json(old: Any, new: Any, prefix: str, rtol: float = 0.0) -> dict[str, dict[str, Any]]:
    """Leaf-by-leaf comparison of two JSON documents (exact, or numbers within a relative ``rtol``),
    as columns ``prefix:path`` of :func:`compare`."""
    a, b = _leaves(old), _leaves(new)
    cols: dict[str, dict[str, Any]] = {}
    for key in sorted(set(a) | set(b)):
        va, vb = a.get(key), b.get(key)
        same = _rel_diff(va, vb) <= rtol
        na, nb = _num(va), _num(vb)
        diff = 0.0 if same else (abs(na - nb) if na is not None and nb is not None else math.inf)
        cols[f"{prefix}:{key}"] = _whole_column(same, diff, (va, vb))
    return cols


def _whole_column(same: bool, diff: float, values: tuple[Any, Any] | None = None) -> dict[str, Any]:
    """A column record of :func:`compare` for one value compared as a whole (a JSON leaf, a text file);
    ``values`` (recorded, re-run) are shown when they differ."""
    c: dict[str, Any] = {"max_abs_diff": diff, "max_diff_se": 0.0, "n_diff": int(not same), "judged": True, "ok": same}
    if not same and values is not None:
        c["largest"] = (diff, "-", *values)
    return c


def regenerate_script(folder: Path, meta: dict[str, Any], *, keep: Path | str | None = None) -> dict[str, Any]:
    """Re-run a figure script's recorded command into a temporary folder and compare its data files.

    CSV files are compared row by row and JSON files leaf by leaf, exactly on the recorded CPU
    dispatch and under :func:`compare_rows`'s ``foreign_cpu`` rules (JSON numbers within
    :data:`CPU_RTOL`) on another (the figure scripts use numpy/scipy only; their torch-trained inputs
    are grid runs, regenerated as grids); Markdown files as text.
    """
    import subprocess

    from simtheory.runner.scripts import REPO_ROOT

    script = REPO_ROOT / meta["script"]
    if not script.is_file():
        raise SimTheoryInputError(
            "PATH",
            f"{meta['script']} not found under {REPO_ROOT} (figure scripts live in the repository, not in the wheel)",
        )
    outputs = meta.get("outputs") or {}
    with tempfile.TemporaryDirectory(prefix="simtheory-regen-") as tmp:
        out = Path(keep) if keep is not None else Path(tmp) / "run"
        cmd = [sys.executable, str(script), *map(str, meta["argv"]), "--out", str(out)]
        proc = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
            raise SimTheoryInputError("PATH", f"re-running {meta['script']} failed (exit {proc.returncode}): {tail[0]}")
        new_meta = json.loads((out / "meta.json").read_text()) if (out / "meta.json").exists() else {}
        foreign = dispatch_differs(meta.get("provenance"), new_meta.get("provenance"))
        cols: dict[str, dict[str, Any]] = {}
        missing: list[tuple[str, int]] = []
        extra: list[tuple[str, int]] = []
        changed: list[tuple[str, Any, Any]] = []
        n_rows = 0
        for name in sorted(outputs):
            old_p, new_p = folder / name, out / name
            if not new_p.exists() or not old_p.exists():
                missing.append((name, 0))
                continue
            if name.endswith(".csv"):
                r = compare_rows(_rows_by_key(old_p), _rows_by_key(new_p), {}, foreign_cpu=foreign)
                n_rows += r["n_rows"]
                cols.update({f"{name}:{k}": v for k, v in r["columns"].items()})
                missing += [(f"{name}:{c}", i) for c, i in r["missing_rows"]]
                extra += [(f"{name}:{c}", i) for c, i in r["extra_rows"]]
            elif name.endswith(".json"):
                old_j, new_j = json.loads(old_p.read_text()), json.loads(new_p.read_text())
                cols.update(compare_json(old_j, new_j, name, rtol=CPU_RTOL if foreign else 0.0))
                changed += [(f"{name}:{p}", a, b) for p, a, b in changed_verdicts(old_j, new_j)]
            else:
                same = old_p.read_bytes() == new_p.read_bytes()
                cols[f"{name}:text"] = _whole_column(same, 0.0 if same else math.inf)
    return {
        "columns": cols,
        "missing_rows": missing,
        "extra_rows": extra,
        "same": not missing and not extra and not changed and all(c["ok"] for c in cols.values()),
        "tolerance_se": DEFAULT_TOLERANCE_SE if foreign else 0.0,
        "foreign_cpu": foreign,
        "n_rows": n_rows,
        "regenerated_meta": new_meta,
        "changed_verdicts": changed,
        "recorded": {"git_commit": meta.get("git_commit"), "provenance": meta.get("provenance")},
        "mixed_code": False,
        "folder": str(folder),
    }


def format_report(res: dict[str, Any]) -> str:
    now = res["regenerated_meta"].get("provenance", {}).get("git", {})
    rec = res["recorded"]
    rec_git = (rec.get("provenance") or {}).get("git") or {"commit": rec.get("git_commit")}
    head = (
        f"regenerated {res['folder']}: {res['n_rows']} rows; recorded commit {rec_git.get('commit')}"
        f"{' (dirty)' if rec_git.get('dirty') else ''}, now {now.get('commit')}{' (dirty)' if now.get('dirty') else ''}"
    )
    rec_prov, now_prov = rec.get("provenance") or {}, res["regenerated_meta"].get("provenance") or {}

    def same(a: Any, b: Any) -> str:
        return "not recorded" if a is None else ("same" if a == b else f"differs ({str(a)[:12]} -> {str(b)[:12]})")

    cpu_a, cpu_b = rec_prov.get("cpu") or {}, now_prov.get("cpu") or {}
    head += (
        f"\ncode (source hash): {same(rec_prov.get('source_sha256'), now_prov.get('source_sha256'))}; "
        f"CPU flags: {same(cpu_a.get('flags_sha256'), cpu_b.get('flags_sha256'))}"
        f" ({cpu_a.get('model_name', '?')} -> {cpu_b.get('model_name', '?')})"
    )
    if res.get("foreign_cpu"):
        head += (
            "\nthe CPU dispatch differs from the recorded run (flags or instruction-set overrides): columns with "
            f"an SE are judged within {res['tolerance_se']:.3g} SE (family-wise false-alarm rate {FAMILY_ALPHA:g}), "
            f"others within a relative {CPU_RTOL:g} (rounding)"
        )
    if res.get("mixed_code"):
        head += "\nwarning: the recorded run's cells were computed by more than one version of the code"
    lines = [head, f"{'column':<32} {'max |diff|':>12} {'max diff/SE':>12} {'rows differ':>12}  verdict"]
    for name, c in sorted(res["columns"].items()):
        if c["n_diff"] == 0 and c["judged"]:
            continue
        if not c["judged"]:
            verdict = "ignored (timing/declared)"
        elif c["ok"]:
            verdict = f"within {res['tolerance_se']:g} SE" if c["max_diff_se"] > 0 else "same"
            if c.get("rounding_only"):
                verdict += f"; {c['rounding_only']} rows differ by rounding only"
            if c.get("unjudged_stochastic"):
                verdict += f"; {c['unjudged_stochastic']} stochastic rows without SE not judged"
        else:
            verdict = "DIFFERS"
        lines.append(f"{name:<32} {c['max_abs_diff']:>12.4g} {c['max_diff_se']:>12.3g} {c['n_diff']:>12}  {verdict}")
        if "largest" in c:
            _, cell, va, vb = c["largest"]
            lines.append(f"    largest at cell {cell}: recorded {va!r}, re-run {vb!r}")
    n_same = sum(1 for c in res["columns"].values() if c["n_diff"] == 0)
    lines.append(f"{n_same} columns identical")
    if res["missing_rows"] or res["extra_rows"]:
        lines.append(
            f"rows only in the recorded result: {len(res['missing_rows'])}; "
            f"only in the re-run: {len(res['extra_rows'])}"
        )
    cv = res.get("changed_verdicts")
    if res.get("sampled_cells") is not None:
        lines.append(
            f"sampled {res['sampled_cells']} of {res['n_cells']} cells (rows of the other cells and the "
            "summary's findings were not re-run)"
        )
    elif cv is None:
        lines.append("summary verdicts: no recorded summary.json to compare")
    else:
        lines.append(
            f"summary verdicts (true/false findings in summary.json) that change: {len(cv)}"
            + "".join(f"\n    {p}: {a} -> {b}" for p, a, b in cv[:20])
        )
    same_text = (
        "SAME on the sampled cells (exact, stochastic columns within tolerance)"
        if res.get("sampled_cells") is not None
        else "SAME (exact, stochastic columns within tolerance, same findings)"
    )
    lines.append("verdict: " + (same_text if res["same"] else "DIFFERS"))
    return "\n".join(lines)


def _int_or_str(v: str) -> int | str:
    try:
        return int(v)
    except ValueError:
        return v


def main(argv: list[str] | None = None) -> int:
    """Entry point: exit 0 same, 1 differs, 2 bad input."""
    from simtheory.runner.cli import _OneLineParser

    p = _OneLineParser(prog="python -m simtheory.regenerate", description=__doc__.splitlines()[0])
    p.add_argument("path", help="run folder (or its meta.json) to regenerate")
    p.add_argument("--keep", default=None, help="write the re-run into this folder instead of a temporary one")
    p.add_argument("--json", action="store_true", help="print the comparison as JSON")
    p.add_argument(
        "--sample",
        default=None,
        help="re-run only K of a grid's cells (the same K everywhere, chosen by a hash of the cell) and compare those rows",
    )
    try:
        args = p.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        sample = None
        if args.sample is not None:
            from simtheory.validation import check_positive_int

            sample = check_positive_int("--sample", _int_or_str(args.sample))
        res = regenerate(args.path, keep=args.keep, sample=sample)
    except SimTheoryInputError as exc:
        print(f"error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    if args.json:
        from simtheory.runner.store import jsonable

        print(json.dumps(jsonable({k: v for k, v in res.items() if k != "regenerated_meta"}), indent=1, default=str))
    else:
        print(format_report(res))
    return 0 if res["same"] else 1


if __name__ == "__main__":
    sys.exit(main())
