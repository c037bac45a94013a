"""Arena-scale BT benchmark: simtheory.bt.fit vs choix (ilsr_pairwise, ilsr_pairwise_dense, opt_pairwise) and
LMArena's arena-rank (in its own virtual environment, never a dependency).

Usage:
    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_bt.py [--N 50 200 1000 10000] [--M 1e4 1e6 1e7]
        [--max-seconds 60] [--arena-rank-python /tmp/arena_rank_venv/bin/python] [--out benchmarks/results]

Each (N, M) cell simulates M random-pair BT battles among N players (true scores N(0, 1), seed 2026 + N + M),
saves them once, then runs every method in a fresh child process (peak memory: the child's own VmHWM)
under a wall-clock limit of ``--max-seconds``; a method that exceeds it, a larger cell of a method that
already exceeded it at a smaller size, or (choix ilsr_pairwise / opt_pairwise, which loop over the raw comparisons)
a cell whose time extrapolated linearly in M from the previous cell of the same N exceeds it, is written as
``not run``.

Fairness: every method starts from the same (winners, losers) int64 index arrays, and every timed repetition
includes the conversion into the method's own input: nothing for simtheory (``fit((winners, losers))`` takes
them), the N x N count matrix by ``np.bincount`` for ``ilsr_pairwise_dense``, the (M, 2) pair array for
``ilsr_pairwise`` / ``opt_pairwise``, the DataFrame and ``PairDataset`` for arena-rank. ``seconds`` is the best
end-to-end time of the repetitions after the first, ``prep_s`` the best conversion time alone (so that solver
times are ``seconds - prep_s``), ``first_s`` the first repetition (imports, numba cache load, JAX compilation).
Memory: ``peak_mb`` is the child's peak RSS (VmHWM) including the loaded input arrays (``data_mb``).
Accuracy: max |score - simtheory score| after the gauge (mean zero). Output: bench_bt.csv and bench_bt.pdf/png
(time vs M, one panel per N) with ratios method time / simtheory time measured in the same run (> 1: simtheory
faster).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import numpy as np

CHILD = textwrap.dedent(r"""
    import json, resource, sys, time
    import numpy as np
    d = sys.argv[1]; method = sys.argv[2]; reps = int(sys.argv[3]); max_s = float(sys.argv[4])
    wi = np.load(d + "/winners.npy"); lo = np.load(d + "/losers.npy"); n = int(open(d + "/n").read())
    def hwm():  # peak RSS of this process image (VmHWM; ru_maxrss would keep the parent's peak across exec)
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    base = hwm()
    info = {}
    def timed(prep, run):
        # every rep: convert the (winners, losers) index arrays into the method's input (prep), then fit (run)
        tot, pre, out = [], [], None
        for _ in range(reps + 1):
            out = x = None  # the previous repetition's input and result do not count towards the peak
            t0 = time.perf_counter(); x = prep(); t1 = time.perf_counter(); out = run(x); t2 = time.perf_counter()
            tot.append(t2 - t0); pre.append(t1 - t0)
            if sum(tot) > max_s / 2 and len(tot) >= 2:
                break
        info["prep_s"] = min(pre[1:]) if len(pre) > 1 else pre[0]
        info["first_s"] = tot[0]  # first call: imports, JIT / JAX compilation, caches
        return (min(tot[1:]) if len(tot) > 1 else tot[0]), out
    if method == "simtheory":
        from simtheory.bt import fit
        t, res = timed(lambda: (wi, lo), lambda x: fit(x, names=list(range(n))))
        s = res.scores.to_numpy(); info["n_iter"] = res.n_iter
    elif method == "simtheory+se":
        from simtheory.bt import fit
        t, s = timed(lambda: (wi, lo),
                     lambda x: (lambda r: (r.bse(), r.scores.to_numpy())[1])(fit(x, names=list(range(n)))))
    elif method.startswith("choix"):
        import choix
        if method == "choix.ilsr_pairwise":
            t, s = timed(lambda: np.c_[wi, lo],
                         lambda x: choix.ilsr_pairwise(n, x, alpha=0.0, tol=1e-12, max_iter=100_000))
        elif method == "choix.ilsr_pairwise_dense":
            t, s = timed(lambda: np.bincount(wi * n + lo, minlength=n * n).reshape(n, n).astype(float),
                         lambda C: choix.ilsr_pairwise_dense(C, alpha=0.0, tol=1e-12, max_iter=100_000))
        else:
            t, s = timed(lambda: np.c_[wi, lo], lambda x: choix.opt_pairwise(n, x, alpha=0.0, tol=1e-12))
    elif method == "arena-rank":
        import pandas as pd
        from arena_rank.models.bradley_terry import BradleyTerry
        from arena_rank.utils.data_utils import PairDataset
        t, m = timed(lambda: PairDataset.from_pandas(pd.DataFrame({"model_a": wi, "model_b": lo, "winner": "model_a"})),
                     lambda ds: BradleyTerry(n).fit(ds))
        s = np.asarray(m.params["ratings"])
    peak = hwm()
    s = np.asarray(s, float); s = s - s.mean()
    np.save(d + "/scores_" + method + ".npy", s)
    print(json.dumps(dict(seconds=t, peak_mb=peak, data_mb=base, **info)))
""")


METHODS = [
    "simtheory",
    "simtheory+se",
    "choix.ilsr_pairwise",
    "choix.ilsr_pairwise_dense",
    "choix.opt_pairwise",
    "arena-rank",
]


def plot(df, out: Path) -> None:
    """Seconds vs M, one panel per N, one fixed colour per method (cells that did not run are absent)."""
    import matplotlib.pyplot as plt

    from simtheory.runner.store import paper_style, save_figure

    paper_style()
    ns = sorted(df.N.unique())
    colors = dict(zip(METHODS, plt.rcParams["axes.prop_cycle"].by_key()["color"]))
    fig, axes = plt.subplots(1, len(ns), figsize=(2.4 * len(ns), 2.6), squeeze=False)
    for ax, n in zip(axes[0], ns):
        for meth in METHODS:
            g = df[(df.N == n) & (df.status == "ok") & (df.method == meth)]
            if len(g):
                ax.loglog(g.M, g.seconds, "o-", ms=3, color=colors[meth], label=meth)
        ax.set_title(f"N = {n}")
        ax.set_xlabel("battles M")
    axes[0][0].set_ylabel("seconds, end to end (best rep)")
    handles = [plt.Line2D([], [], color=colors[m], marker="o", ms=3) for m in METHODS]
    fig.legend(handles, METHODS, loc="lower center", ncol=len(METHODS), fontsize=6, frameon=False)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    save_figure(fig, out, "bench_bt")
    plt.close(fig)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--N", type=int, nargs="+", default=[50, 200, 1000, 10000])
    ap.add_argument("--M", type=float, nargs="+", default=[1e4, 1e6, 1e7])
    ap.add_argument("--methods", nargs="+", default=METHODS)
    ap.add_argument("--max-seconds", type=float, default=60.0)
    ap.add_argument("--reps", type=int, default=2)
    ap.add_argument("--arena-rank-python", default="/tmp/arena_rank_venv/bin/python")
    ap.add_argument("--out", default="benchmarks/results")
    ap.add_argument(
        "--skip",
        action="store_true",
        help="write the requested cells as 'not run (skipped)' rows "
        "without running them (cells too large for the machine at hand)",
    )
    ap.add_argument(
        "--append",
        action="store_true",
        help="merge into an existing bench_bt.csv (replacing rows of "
        "the same N, M, method), so that cells can be run in separate short invocations",
    )
    ap.add_argument("--plot-only", action="store_true", help="redraw the figure from an existing bench_bt.csv")
    args = ap.parse_args()
    out = Path(args.out)
    if args.plot_only:
        import pandas as pd

        plot(pd.read_csv(out / "bench_bt.csv"), out)
        return
    out.mkdir(parents=True, exist_ok=True)
    env = dict(
        os.environ,
        OPENBLAS_NUM_THREADS="1",
        OMP_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
        PYTHONPATH=str(Path(__file__).resolve().parents[1]),
    )
    rows, too_slow = [], {}
    from simtheory.bt import simulate_arena

    for n in sorted(args.N):
        for M in sorted(args.M):
            m = int(M)
            if args.skip:
                rows += [
                    {
                        "N": n,
                        "M": m,
                        "method": meth,
                        "status": "not run (skipped: too large for a shared 2-core machine)",
                        "seconds": np.nan,
                        "peak_mb": np.nan,
                        "max_abs_diff": np.nan,
                        "ratio_vs_simtheory": np.nan,
                        "prep_s": np.nan,
                        "first_s": np.nan,
                        "data_mb": np.nan,
                    }
                    for meth in args.methods
                ]
                continue
            rng = np.random.default_rng(2026 + n + m)
            wi, lo = simulate_arena(rng.normal(size=n), m, rng)
            with tempfile.TemporaryDirectory() as d:
                np.save(f"{d}/winners.npy", wi)
                np.save(f"{d}/losers.npy", lo)
                Path(f"{d}/n").write_text(str(n))
                for meth in args.methods:
                    row = {
                        "N": n,
                        "M": m,
                        "method": meth,
                        "status": "ok",
                        "seconds": np.nan,
                        "peak_mb": np.nan,
                        "max_abs_diff": np.nan,
                        "ratio_vs_simtheory": np.nan,
                        "prep_s": np.nan,
                        "first_s": np.nan,
                        "data_mb": np.nan,
                    }
                    py = sys.executable
                    if meth == "arena-rank":
                        if not Path(args.arena_rank_python).exists():
                            row["status"] = "not run (arena-rank venv missing)"
                            rows.append(row)
                            continue
                        py = args.arena_rank_python
                    if meth in too_slow and (n >= too_slow[meth][0] and m >= too_slow[meth][1]):
                        row["status"] = f"not run (> {args.max_seconds:.0f} s at a smaller cell)"
                        rows.append(row)
                        continue
                    prev = [r for r in rows if r["method"] == meth and r["N"] == n and r["status"] == "ok"]
                    linear = meth in ("choix.ilsr_pairwise", "choix.opt_pairwise")  # loop over raw comparisons
                    if linear and prev and prev[-1]["seconds"] * m / prev[-1]["M"] > args.max_seconds:
                        est = prev[-1]["seconds"] * m / prev[-1]["M"]
                        row["status"] = f"not run (extrapolated {est:.0f} s > {args.max_seconds:.0f} s, linear in M)"
                        rows.append(row)
                        print(n, m, meth, row["status"], flush=True)
                        continue
                    if meth == "choix.ilsr_pairwise_dense" and n > 3000:
                        row["status"] = "not run (dense N x N Markov chain, O(N^3) per iteration)"
                        rows.append(row)
                        continue
                    try:
                        cp = subprocess.run(
                            [py, "-c", CHILD, d, meth, str(args.reps), str(args.max_seconds)],
                            check=False,
                            env=env,
                            capture_output=True,
                            text=True,
                            timeout=3 * args.max_seconds + 60,
                        )
                    except subprocess.TimeoutExpired:
                        row["status"] = f"not run (> {args.max_seconds:.0f} s)"
                        too_slow[meth] = (n, m)
                        rows.append(row)
                        print(n, m, meth, row["status"], flush=True)
                        continue
                    if cp.returncode != 0:
                        row["status"] = "error: " + (cp.stderr.strip().splitlines() or ["?"])[-1][:120]
                        rows.append(row)
                        print(n, m, meth, row["status"], flush=True)
                        continue
                    info = json.loads(cp.stdout.strip().splitlines()[-1])
                    row.update(
                        {k: info[k] for k in ("seconds", "peak_mb", "prep_s", "first_s", "data_mb") if k in info}
                    )
                    if info["seconds"] > args.max_seconds:
                        too_slow[meth] = (n, m)
                    s = np.load(f"{d}/scores_{meth}.npy")
                    ref = f"{d}/scores_simtheory.npy"
                    if Path(ref).exists():
                        row["max_abs_diff"] = float(np.max(np.abs(s - np.load(ref))))
                    rows.append(row)
                    print(
                        n,
                        m,
                        meth,
                        f"{row['seconds']:.3f}s peak {row['peak_mb']:.0f} MB diff {row['max_abs_diff']:.1e}",
                        flush=True,
                    )
    import pandas as pd

    df = pd.DataFrame(rows)
    if args.append and (out / "bench_bt.csv").exists():
        old = pd.read_csv(out / "bench_bt.csv")
        key = set(zip(df.N, df.M, df.method))
        old = old[[k not in key for k in zip(old.N, old.M, old.method)]]
        df = pd.concat([old, df], ignore_index=True).sort_values(["N", "M"], kind="stable")
    ours = df[df.method == "simtheory"].set_index(["N", "M"])["seconds"]
    df["ratio_vs_simtheory"] = [r.seconds / ours.get((r.N, r.M), np.nan) for r in df.itertuples()]
    df.to_csv(out / "bench_bt.csv", index=False)
    from simtheory.runner.store import run_metadata

    (out / "bench_bt_meta.json").write_text(
        json.dumps(
            run_metadata(benchmark="bench_bt", argv=sys.argv[1:], cpu_count=os.cpu_count()), default=str, indent=1
        )
    )
    plot(df, out)
    print(df.to_string())


if __name__ == "__main__":
    main()
