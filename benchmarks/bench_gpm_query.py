"""Query complexity of scoring K candidate responses (GPM paper, Sec. 1/4): embedding model vs pair model.

GPM: K encoder evaluations (one embedding per response) + a K x K matrix of cheap <R v_i, v_j> products.
Pair model (PairRM-style): one encoder evaluation per ordered pair of the concatenated responses, K (K - 1).
The "encoder" is a small torch MLP (1 thread) on random features; we report evaluation counts and wall time,
and the ratio pair / GPM, which should grow linearly in K (OLS slope of ratio on K reported).

Usage: python benchmarks/bench_gpm_query.py [--out benchmarks/results/bench_gpm_query.json]
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import torch

from simtheory.general_preference.operator import block_operator
from simtheory.runner.store import run_metadata

D_IN, HIDDEN, DIM = 256, 512, 8


def best_of(f, reps=5):
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t0)
    return min(ts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="benchmarks/results/bench_gpm_query.json")
    ap.add_argument("--ks", default="4,8,16,32,64,128,256")
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    emb = torch.nn.Sequential(torch.nn.Linear(D_IN, HIDDEN), torch.nn.ReLU(), torch.nn.Linear(HIDDEN, DIM))
    pair = torch.nn.Sequential(torch.nn.Linear(2 * D_IN, HIDDEN), torch.nn.ReLU(), torch.nn.Linear(HIDDEN, 1))
    R = torch.tensor(block_operator(DIM), dtype=torch.float32)
    rows = []
    for K in map(int, args.ks.split(",")):
        x = torch.randn(K, D_IN)
        ii, jj = np.where(~np.eye(K, dtype=bool))

        @torch.no_grad()
        def gpm(x=x):
            V = emb(x)
            return V @ R.T @ V.T  # S[i, j] = <R v_i, v_j>

        @torch.no_grad()
        def pm(x=x, ii=ii, jj=jj):
            return pair(torch.cat([x[ii], x[jj]], dim=1))

        t_g, t_p = best_of(gpm), best_of(pm)
        rows.append(
            {
                "K": K,
                "gpm_evals": K,
                "pair_evals": K * (K - 1),
                "eval_ratio": (K - 1),
                "gpm_s": t_g,
                "pair_s": t_p,
                "time_ratio": t_p / t_g,
            }
        )
        print(
            f"K={K:4d}  evals {K:6d} vs {K * (K - 1):6d}  time {t_g * 1e3:8.3f} ms vs {t_p * 1e3:8.3f} ms  "
            f"ratio {t_p / t_g:7.1f}"
        )
    Ks = np.array([r["K"] for r in rows], float)
    tr = np.array([r["time_ratio"] for r in rows])
    slope, icpt = np.polyfit(Ks, tr, 1)
    big = Ks >= 32  # small K: fixed per-call overhead dominates the GPM time
    ll = np.polyfit(np.log(Ks[big]), np.log(tr[big]), 1)[0]
    out = {
        "rows": rows,
        "time_ratio_linear_slope_per_K": float(slope),
        "time_ratio_loglog_slope": float(ll),
        "meta": run_metadata(bench="gpm_query", d_in=D_IN, hidden=HIDDEN, dim=DIM, threads=1),
    }
    print(f"time ratio ~ {slope:.2f} K + {icpt:.1f}; log-log slope (K >= 32) {ll:.2f} (1 = linear in K)")
    with open(args.out, "w") as f:
        json.dump(out, f, indent=1, default=str)


if __name__ == "__main__":
    main()
