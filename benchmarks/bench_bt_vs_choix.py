"""Wall time of simtheory.bt.fit_bt vs choix (ilsr_pairwise, opt_pairwise) on the same simulated arena data.

Usage: python benchmarks/bench_bt_vs_choix.py [--out benchmarks/results/bench_bt_vs_choix.json]
Reports ours / choix (< 1: we are faster) and the max score difference after gauge alignment (mean zero).
"""

from __future__ import annotations

import argparse
import json
import time

import choix
import numpy as np

from simtheory.bt import fit_bt, simulate_arena, win_matrix
from simtheory.runner.store import run_metadata


def best_of(f, reps=3):
    ts, out = [], None
    for _ in range(reps):
        t0 = time.perf_counter()
        out = f()
        ts.append(time.perf_counter() - t0)
    return min(ts), out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="benchmarks/results/bench_bt_vs_choix.json")
    ap.add_argument("--per-player", type=int, default=30, help="comparisons per player")
    args = ap.parse_args()
    rows = []
    for n in (100, 1000):
        rng = np.random.default_rng(2026 + n)
        true_r = rng.normal(size=n)
        wi, lo = simulate_arena(true_r, args.per_player * n, rng)
        data = np.c_[wi, lo]
        t_ours, fit = best_of(
            lambda wi=wi, lo=lo, n=n: fit_bt(win_matrix(wi, lo, n))
        )  # includes building the win matrix
        for name, f in [
            (
                "ilsr_pairwise",
                lambda n=n, data=data: choix.ilsr_pairwise(n, data, alpha=0.0, tol=1e-10, max_iter=10_000),
            ),
            ("opt_pairwise", lambda n=n, data=data: choix.opt_pairwise(n, data, alpha=0.0)),
        ]:
            t_ref, ref = best_of(f, reps=1 if (name == "opt_pairwise" and n == 1000) else 3)
            ref = ref - ref.mean()
            rows.append(
                dict(
                    N=n,
                    comparisons=int(wi.size),
                    reference=name,
                    ours_s=t_ours,
                    choix_s=t_ref,
                    ratio_ours_over_choix=t_ours / t_ref,
                    max_abs_diff=float(np.max(np.abs(fit.scores - ref))),
                )
            )
            print(
                f"N={n:5d} vs {name:14s}: ours {t_ours:.4f}s choix {t_ref:.4f}s ratio {t_ours / t_ref:.3f} "
                f"max|diff| {rows[-1]['max_abs_diff']:.2e}"
            )
    with open(args.out, "w") as fh:
        json.dump(
            {"rows": rows, "meta": run_metadata(benchmark="bench_bt_vs_choix", seed="2026+N")},
            fh,
            indent=1,
            default=str,
        )


if __name__ == "__main__":
    main()
