"""Pairs per second of pair_stats (sampling + annotation + Q estimation) by backend, measured in ONE run.

    NUMBA_NUM_THREADS=2 python benchmarks/bench_backends.py                 # 1e6, 1e7 pairs
    NUMBA_NUM_THREADS=2 python benchmarks/bench_backends.py --sizes 1e7 1e8 --repeat 3

For each size the backends run interleaved (numpy, numba, numba_general, [cupy, cupy_array], then again),
``--repeat`` times, so that all of them see the same load on a shared machine; the MEDIAN time is kept
and every ratio (numba / numpy, ...) is formed from medians of the same run. Rows:

* ``numpy``          - the reference backend (1 thread);
* ``numba``          - the numba backend (for Gaussian same/cross: the fast path of
  ``_numba_kernels.pair_sums_gauss``), ``NUMBA_NUM_THREADS`` threads;
* ``numba_general``  - the general numba kernel (``pair_sums``: both utilities drawn, any family), for
  comparison with the fast path;
* ``numba_rng_only`` / ``numba_rng_transform`` - the fast kernel cut after its random numbers (a measured
  lower bound: the cost of the RNG alone) and after the transform (|dr|, xi). The cost per pair splits
  into RNG = rng_only, transform = rng_transform - rng_only, reduce = numba - rng_transform;
* ``cupy`` / ``cupy_array`` where a CUDA device answers.

Writes ``benchmarks/results/bench_backends.csv`` (+ ``.json`` with versions and the breakdown) and a
figure ``bench_backends.png`` (throughput vs n per backend). Design ``same``, Gaussian utilities, default
population, sigmoid xi with beta = 1.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import time
from pathlib import Path

from simtheory.engine.backends import available_backends
from simtheory.engine.montecarlo import check_pair_params, pair_stats
from simtheory.runner.store import run_metadata, write_json

OUT = Path(__file__).resolve().parent / "results"


def _numba_variants(n: int) -> dict:
    """Callables for the numba rows (fast kernel, its cut-down stages, the general kernel)."""
    from simtheory.engine import _numba_kernels as nk

    p = check_pair_params(n, "same", seed=1, backend="numba")

    def stage(s):
        return lambda: nk.pair_sums_fast(p, s)

    def general():
        return nk.pair_sums_general(p)

    return {
        "numba": lambda: pair_stats(n, "same", seed=1, backend="numba"),
        "numba_general": general,
        "numba_rng_only": stage(0),
        "numba_rng_transform": stage(1),
    }


def measure(n: int, repeat: int, backends: list[str]) -> dict[str, list[float]]:
    fns = {"numpy": lambda: pair_stats(n, "same", seed=1, backend="numpy")}
    if "numba" in backends:
        fns.update(_numba_variants(n))
    sync = lambda: None  # noqa: E731
    if "cupy" in backends:
        import cupy

        sync = cupy.cuda.Device().synchronize
        fns["cupy"] = lambda: pair_stats(n, "same", seed=1, backend="cupy")
        fns["cupy_array"] = lambda: pair_stats(n, "same", seed=1, backend="cupy_array")
    for name, f in fns.items():  # warm-up: compilation, kernel caches (not timed)
        if name != "numpy":
            f()
    times: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(repeat):
        for name, f in fns.items():
            sync()
            t0 = time.perf_counter()
            f()
            sync()
            times[name].append(time.perf_counter() - t0)
    return times


def figure(rows: list[dict], path: Path, threads: int) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.5, 3.6))
    for be in dict.fromkeys(r["backend"] for r in rows):
        pts = sorted((r["n_pairs"], r["pairs_per_second"]) for r in rows if r["backend"] == be)
        ax.plot(*zip(*pts), marker="o", label=be)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("pairs per call")
    ax.set_ylabel("pairs / second (median)")
    ax.set_title(f"pair_stats, design same (numba: {threads} threads; numpy: 1)", fontsize=9)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=150)
    plt.close(fig)


def main(argv=None) -> list[dict]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=float, nargs="*", default=[1e6, 1e7])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", default=str(OUT / "bench_backends.csv"))
    a = ap.parse_args(argv)
    backends = available_backends()
    threads = 0
    if "numba" in backends:
        import numba

        threads = numba.get_num_threads()
    rows, breakdown = [], {}
    for n in sorted(int(s) for s in a.sizes):
        times = measure(n, a.repeat, backends)
        med = {k: statistics.median(v) for k, v in times.items()}
        for name, t in med.items():
            rows.append(
                {
                    "backend": name,
                    "threads": threads if name.startswith("numba") else (1 if name == "numpy" else 0),
                    "n_pairs": n,
                    "repeat": a.repeat,
                    "median_s": t,
                    "min_s": min(times[name]),
                    "pairs_per_second": n / t,
                    "ratio_vs_numpy": med["numpy"] / t,
                    "ns_per_pair": t / n * 1e9,
                }
            )
        if "numba" in med:
            rng = med["numba_rng_only"] / n * 1e9
            tra = max(med["numba_rng_transform"] / n * 1e9 - rng, 0.0)
            full = med["numba"] / n * 1e9
            breakdown[n] = {
                "rng_ns": rng,
                "transform_ns": tra,
                "reduce_and_call_ns": max(full - rng - tra, 0.0),
                "total_ns": full,
                "gap_to_rng_lower_bound": full / rng,
                "numpy_ns": med["numpy"] / n * 1e9,
                "ratio_vs_numpy": med["numpy"] / med["numba"],
            }
        for r in rows[-len(med) :]:
            print(
                f"n={n:.0e} {r['backend']:>20} {r['pairs_per_second']:11.3e} pairs/s  {r['ns_per_pair']:8.2f} ns/pair  "
                f"x{r['ratio_vs_numpy']:.1f} vs numpy",
                flush=True,
            )
        if n in breakdown:
            b = breakdown[n]
            print(
                f"n={n:.0e} numba ns/pair: RNG {b['rng_ns']:.2f} + transform {b['transform_ns']:.2f} + reduce/call "
                f"{b['reduce_and_call_ns']:.2f} = {b['total_ns']:.2f} ({b['gap_to_rng_lower_bound']:.2f}x the RNG-only "
                f"lower bound); numpy {b['numpy_ns']:.1f} ns/pair; ratio x{b['ratio_vs_numpy']:.1f}",
                flush=True,
            )
    out = Path(a.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    write_json(
        out.with_suffix(".json"),
        run_metadata(
            benchmark="bench_backends",
            args=vars(a),
            cpu_count=os.cpu_count(),
            load_average=os.getloadavg(),
            numba_threads=threads,
            breakdown_ns_per_pair=breakdown,
        ),
    )
    try:
        figure(rows, out.with_suffix(".png"), threads)
    except Exception as e:  # noqa: BLE001 - the CSV is the result; the figure is a convenience
        print(f"figure skipped: {e}")
    print(f"wrote {out}")
    return rows


if __name__ == "__main__":
    main()
