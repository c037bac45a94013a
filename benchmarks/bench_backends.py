"""Pairs per second of the pair-statistics kernel (sampling + annotation + Q estimation) by backend.

    python benchmarks/bench_backends.py [--n 1e7] [--design same] [--repeat 3] [--threads 1 2]

Prints a table and writes ``benchmarks/results/bench_backends.csv`` (+ a JSON of versions), reporting
the ratio of each backend's throughput to numpy's. numba is timed after a warm-up call (compilation
excluded); cupy only where a CUDA device is present.
"""
from __future__ import annotations

import argparse
import csv
import os
import time
from pathlib import Path

from simtheory.engine.backends import available_backends
from simtheory.engine.montecarlo import pair_stats
from simtheory.runner.store import run_metadata, write_json

OUT = Path(__file__).resolve().parent / "results"


def best_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main(argv=None) -> list[dict]:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=float, default=1e7)
    ap.add_argument("--design", default="same")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--threads", type=int, nargs="*", default=[1, os.cpu_count() or 1])
    ap.add_argument("--out", default=str(OUT / "bench_backends.csv"))
    args = ap.parse_args(argv)
    n = int(args.n)
    rows = []
    t_np = best_time(lambda: pair_stats(n, args.design, seed=1, backend="numpy"), args.repeat)
    rows.append({"backend": "numpy", "threads": 1, "n_pairs": n, "design": args.design, "seconds": t_np})
    if "numba" in available_backends():
        import numba

        pair_stats(1000, args.design, seed=1, backend="numba")
        for th in sorted(set(min(t, numba.config.NUMBA_NUM_THREADS) for t in args.threads)):
            numba.set_num_threads(th)
            t = best_time(lambda: pair_stats(n, args.design, seed=1, backend="numba"), args.repeat)
            rows.append({"backend": "numba", "threads": th, "n_pairs": n, "design": args.design, "seconds": t})
    if "cupy" in available_backends():
        import cupy

        pair_stats(1000, args.design, seed=1, backend="cupy")
        cupy.cuda.Device().synchronize()
        t = best_time(lambda: pair_stats(n, args.design, seed=1, backend="cupy"), args.repeat)
        rows.append({"backend": "cupy", "threads": 0, "n_pairs": n, "design": args.design, "seconds": t})
    for r in rows:
        r["pairs_per_second"] = n / r["seconds"]
        r["ratio_vs_numpy"] = t_np / r["seconds"]
        print(f"{r['backend']:>6} threads={r['threads']:<3} {r['pairs_per_second']:12.3e} pairs/s  "
              f"x{r['ratio_vs_numpy']:.1f} vs numpy")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    write_json(out.with_suffix(".json"), run_metadata(benchmark="bench_backends", args=vars(args),
                                                       cpu_count=os.cpu_count()))
    return rows


if __name__ == "__main__":
    main()
