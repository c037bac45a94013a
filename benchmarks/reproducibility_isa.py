"""How much do committed results move on a CPU with other instruction sets? (issue 20)

The numerical libraries pick kernels at run time by instruction set: numpy's SIMD dispatch,
OpenBLAS's core type, numba/LLVM's target CPU, torch's ATen capability, oneDNN's and MKL's ISA.
Each has an environment override that makes this CPU behave like an older one, so the question
"does a committed result regenerate on an AVX2-only or a baseline x86-64-v2 machine?" can be
measured here. For every profile and committed result this script runs
``python -m simtheory.regenerate PATH [--sample K] --json`` under the profile's environment and
writes one CSV row per (profile, result): whether it regenerated, the columns that differ, the
largest absolute difference in exact columns and the largest difference in SE units in the
rows a grid declares stochastic (torch training).

Usage: python benchmarks/reproducibility_isa.py [--out benchmarks/results] [--profiles native avx2 x86-64-v2]
Writes ``reproducibility_isa.csv``. Minutes per profile on 2 cores.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: environment overrides that make the libraries dispatch as on an older CPU
PROFILES = {
    "native": {},
    "avx2": {
        "NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL AVX512_SPR",
        "OPENBLAS_CORETYPE": "Haswell",
        "NUMBA_CPU_NAME": "haswell",
        "ATEN_CPU_CAPABILITY": "avx2",
        "ONEDNN_MAX_CPU_ISA": "AVX2",
        "MKL_ENABLE_INSTRUCTIONS": "AVX2",
    },
    "x86-64-v2": {
        "NPY_DISABLE_CPU_FEATURES": "X86_V3 X86_V4 AVX512_ICL AVX512_SPR",
        "OPENBLAS_CORETYPE": "Nehalem",
        "NUMBA_CPU_NAME": "nehalem",
        "ATEN_CPU_CAPABILITY": "default",
        "ONEDNN_MAX_CPU_ISA": "SSE41",
        "MKL_ENABLE_INSTRUCTIONS": "SSE4_2",
    },
}

#: (committed result, cells re-run: None = all / the figure script)
TARGETS = [
    ("paper_figs/bt", None),
    ("paper_figs/bt/bt_sparsity", 12),
    ("paper_figs/cross_prompt", 3),
    ("paper_figs/reward_models/rm_quantity", 3),
    ("paper_figs/general_preference/gpm_cyclic", 2),
    ("paper_figs/risk_rate/run", 2),
]


def measure(path: str, sample: int | None, env: dict[str, str]) -> dict:
    cmd = [sys.executable, "-m", "simtheory.regenerate", str(ROOT / path), "--json"]
    if sample is not None:
        cmd += ["--sample", str(sample)]
    t0 = time.perf_counter()
    proc = subprocess.run(
        cmd, cwd=ROOT, env={**os.environ, "OMP_NUM_THREADS": "1", **env}, capture_output=True, text=True
    )
    wall = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        return {"status": f"error: {(proc.stderr or proc.stdout).strip().splitlines()[-1:]}", "seconds": wall}
    res = json.loads(proc.stdout)
    cols = res["columns"]
    judged = {k: c for k, c in cols.items() if c["judged"]}
    exact_diff = [(c["max_abs_diff"], k) for k, c in judged.items() if c["n_diff"] and c["max_diff_se"] == 0]
    se_diff = [(c["max_diff_se"], k) for k, c in judged.items() if c["max_diff_se"] > 0]
    return {
        "status": "same" if res["same"] else "differs",
        "rows": res["n_rows"],
        "columns_differ": sum(1 for c in judged.values() if c["n_diff"]),
        "exact_max_abs_diff": max(exact_diff)[0] if exact_diff else 0.0,
        "exact_worst_column": max(exact_diff)[1] if exact_diff else "",
        "stochastic_max_diff_se": max(se_diff)[0] if se_diff else 0.0,
        "stochastic_worst_column": max(se_diff)[1] if se_diff else "",
        "seconds": round(wall, 1),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results"))
    ap.add_argument("--profiles", nargs="+", default=list(PROFILES), choices=list(PROFILES))
    a = ap.parse_args(argv)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for prof in a.profiles:
        for path, sample in TARGETS:
            r = {"profile": prof, "result": path, "sample": sample or "all", **measure(path, sample, PROFILES[prof])}
            print(json.dumps(r), flush=True)
            rows.append(r)
    fields = list(dict.fromkeys(k for r in rows for k in r))
    with open(out / "reproducibility_isa.csv", "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=fields, restval="")
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {out / 'reproducibility_isa.csv'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
