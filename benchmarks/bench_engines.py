"""Pairs per second and peak memory of the Monte-Carlo kernels on every backend.

    python benchmarks/bench_engines.py                # 1e6 and 1e7 pairs
    python benchmarks/bench_engines.py --big          # also 1e8 pairs
    python benchmarks/bench_engines.py --sizes 1e6 --kernels order_consistency

Kernels:

* ``pair_stats``        - simtheory.engine.montecarlo.pair_stats: pair sampling (same-prompt design, Gaussian
  utilities) + BT annotation + Q estimation (E|dr|, E xi(|dr|), label accuracy);
* ``order_consistency`` - simtheory.engine.order_consistency.order_consistency: Monte-Carlo order-consistency counting
  on 100,000 rows in 1,000 prompt groups (cross-prompt pairs).

Backends: numpy; numba with 1 and 2 threads (``--threads``); cupy (fused kernels) and cupy_array (the numpy
code on the GPU) where a CUDA device answers. Each configuration runs
in a fresh subprocess (so its peak RSS, ``ru_maxrss``, is its own; ``rss_base_mib`` is the RSS just before
the timed call, after imports, data set-up and the numba warm-up, so compilation is excluded). cupy
configurations also report the memory pool's size (``gpu_pool_mib``). The best of ``--repeat`` runs is
kept. Output: ``benchmarks/results/bench_engines.csv`` + ``.json`` (versions, machine), a figure
``bench_engines.png`` (throughput vs n per backend) and a table with the ratios numba/numpy and cupy/numba.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "results"
KERNELS = ("pair_stats", "order_consistency")


def _rss_mib() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def child(kernel: str, backend: str, threads: int, n: int, repeat: int, gpu_chunk: int) -> dict:
    import numpy as np

    chunk = {"chunk": gpu_chunk} if backend == "cupy_array" else {}

    if backend == "numba":
        import numba

        numba.set_num_threads(threads)
    if kernel == "pair_stats":
        from simtheory.engine.montecarlo import pair_stats

        def run(m):
            return pair_stats(m, "same", seed=1, backend=backend, **chunk)
    else:
        from simtheory.engine.order_consistency import order_consistency

        rng = np.random.default_rng(0)
        rows, groups = 100_000, 1_000
        g = np.repeat(np.arange(groups), rows // groups)
        r = rng.normal(size=rows) + 0.5 * rng.normal(size=groups)[g]
        rh = r + rng.normal(size=rows)

        def run(m):
            return order_consistency(r, rh, groups=g, design="cross", n_pairs=m, seed=1, backend=backend, **chunk)

    run(10_000)  # warm-up: numba compilation / cupy kernel caches
    sync = lambda: None
    if backend.startswith("cupy"):
        import cupy

        sync = cupy.cuda.Device().synchronize
        sync()
    base = _rss_mib()
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        run(n)
        sync()
        best = min(best, time.perf_counter() - t0)
    row = dict(
        kernel=kernel,
        backend=backend,
        threads=threads,
        n_pairs=n,
        seconds=best,
        pairs_per_second=n / best,
        rss_base_mib=round(base, 1),
        peak_rss_mib=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    )
    if backend.startswith("cupy"):
        import cupy

        row["gpu_pool_mib"] = round(cupy.get_default_memory_pool().total_bytes() / 2**20, 1)
    return row


def figure(rows: list[dict], path: Path) -> None:
    """Throughput vs n per backend (and thread count), one panel per kernel."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    kernels = list(dict.fromkeys(r["kernel"] for r in rows))
    fig, axes = plt.subplots(1, len(kernels), figsize=(5 * len(kernels), 3.6), squeeze=False)
    for ax, kernel in zip(axes[0], kernels):
        mine = [r for r in rows if r["kernel"] == kernel]
        for key in dict.fromkeys((r["backend"], r["threads"]) for r in mine):
            pts = sorted((r["n_pairs"], r["pairs_per_second"]) for r in mine if (r["backend"], r["threads"]) == key)
            ax.plot(*zip(*pts), marker="o", label=key[0] + (f" ({key[1]} thr)" if key[0] == "numba" else ""))
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("pairs per call")
        ax.set_ylabel("pairs / second")
        ax.set_title(kernel, fontsize=9)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=150)
    plt.close(fig)


def configs(backends: list[str], threads: list[int]) -> list[tuple[str, int]]:
    out = [("numpy", 1)]
    if "numba" in backends:
        out += [("numba", t) for t in threads]
    if "cupy" in backends:
        out += [("cupy", 0), ("cupy_array", 0)]
    return out


def main(argv=None) -> list[dict]:
    ap = argparse.ArgumentParser(description="pairs/second and peak memory per kernel and backend")
    ap.add_argument("--sizes", type=float, nargs="*", default=[1e6, 1e7])
    ap.add_argument("--big", action="store_true", help="add 1e8 pairs")
    ap.add_argument("--kernels", nargs="*", default=list(KERNELS), choices=KERNELS)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--gpu-chunk", type=float, default=2**24, help="pairs per chunk on cupy (default 2^24)")
    ap.add_argument("--threads", type=int, nargs="*", default=[1, 2], help="numba thread counts (default 1 2)")
    ap.add_argument("--out", default=str(OUT / "bench_engines.csv"))
    ap.add_argument("--child", nargs=4, metavar=("KERNEL", "BACKEND", "THREADS", "N"), help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.child:
        print(
            json.dumps(
                child(a.child[0], a.child[1], int(a.child[2]), int(float(a.child[3])), a.repeat, int(a.gpu_chunk))
            )
        )
        return []
    from simtheory.engine.backends import available_backends
    from simtheory.runner.store import run_metadata, write_json

    sizes = sorted({int(s) for s in a.sizes} | ({int(1e8)} if a.big else set()))
    rows = []
    for kernel in a.kernels:
        for n in sizes:
            for backend, th in configs(available_backends(), a.threads):
                env = dict(
                    os.environ,
                    NUMBA_NUM_THREADS=str(max(th, 1))
                    if backend == "numba"
                    else os.environ.get("NUMBA_NUM_THREADS", str(os.cpu_count() or 1)),
                )
                cmd = [
                    sys.executable,
                    __file__,
                    "--child",
                    kernel,
                    backend,
                    str(th),
                    str(n),
                    "--repeat",
                    str(a.repeat),
                    "--gpu-chunk",
                    str(int(a.gpu_chunk)),
                ]
                res = subprocess.run(cmd, capture_output=True, text=True, env=env)
                if res.returncode != 0:
                    print(f"{kernel} {backend} {n}: failed: {res.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
                    continue
                row = json.loads(res.stdout.strip().splitlines()[-1])
                rows.append(row)
                print(
                    f"{kernel:<18} {backend:>5} thr={th} n={n:.0e}  {row['pairs_per_second']:10.3e} pairs/s  "
                    f"peak RSS {row['peak_rss_mib']:7.1f} MiB (base {row['rss_base_mib']:.1f})",
                    flush=True,
                )
    # ratios against numpy and against the fastest numba row of the same kernel and size
    for row in rows:
        same = [r for r in rows if r["kernel"] == row["kernel"] and r["n_pairs"] == row["n_pairs"]]
        np_rate = next((r["pairs_per_second"] for r in same if r["backend"] == "numpy"), float("nan"))
        nb_rate = max((r["pairs_per_second"] for r in same if r["backend"] == "numba"), default=float("nan"))
        row["ratio_vs_numpy"] = row["pairs_per_second"] / np_rate
        row["ratio_vs_best_numba"] = row["pairs_per_second"] / nb_rate
    out = Path(a.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fields = [
        "kernel",
        "backend",
        "threads",
        "n_pairs",
        "seconds",
        "pairs_per_second",
        "ratio_vs_numpy",
        "ratio_vs_best_numba",
        "rss_base_mib",
        "peak_rss_mib",
        "gpu_pool_mib",
    ]
    with out.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)
    gpu = None
    try:
        import cupy

        gpu = cupy.cuda.runtime.getDeviceProperties(0)["name"].decode()
    except Exception:  # noqa: BLE001 - no GPU here
        pass
    write_json(
        out.with_suffix(".json"),
        run_metadata(benchmark="bench_engines", args=vars(a), cpu_count=os.cpu_count(), gpu=gpu, rows=rows),
    )
    try:
        figure(rows, out.with_suffix(".png"))
    except Exception as e:  # noqa: BLE001 - the CSV is the result; the figure is a convenience
        print(f"figure skipped: {e}")
    print(f"wrote {out}")
    return rows


if __name__ == "__main__":
    main()
