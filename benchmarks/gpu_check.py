"""One-shot GPU check: correctness and timings of the GPU paths, for a short window on a lent GPU.

    PYTHONPATH=. python3 benchmarks/gpu_check.py --out $OUT          # everything (<= ~5 min on an H100)
    PYTHONPATH=. python3 benchmarks/gpu_check.py --cpu-only --quick  # the non-GPU parts, anywhere

Stages (each guarded: a failing stage is recorded and the rest still run; results are rewritten after
every stage, so a killed run keeps what it finished):

1. ``env``           - GPU name, versions.
2. ``pair_stats``    - fused cupy kernel vs numpy at 1e7 pairs for every design and a few families:
   z = (fused - numpy) / hypot(SE_fused, SE_numpy) per statistic (numpy runs in a process pool on the CPU).
3. ``order_consistency`` - exact mode GPU == CPU; Monte Carlo 1e8 pairs (fused) and 1e7 (cupy_array)
   vs the exact value (z).
4. ``gpm``           - GPM score matrix, pair scores and accuracy on the GPU vs numpy; torch GPM fit on
   cuda vs cpu.
5. ``torch_device``  - reward-model and risk-rate MLP training on cuda vs cpu (test metrics).
6. ``pytest_gpu``    - ``python3 -m pytest -q -m gpu tests/engine``.
7. ``timing_gpu``    - CUDA events, warm-up, median of repeats: cupy_array vs fused pair_stats at 1e8 and
   1e9 pairs (pairs/s, ratio), the RNG-only kernel as measured peak (fraction of peak).
8. ``timing_cpu``    - numpy and numba at 1e7 pairs on THIS machine's CPU (labelled with its core count).

Output under ``--out``: ``gpu_check.json`` (all stages), ``gpu_check_correctness.csv``,
``gpu_check_timings.csv``; a short table is printed last.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import numpy as np

STATS = ("abs_dr", "tau", "correct")
Z_MAX = 5.0


# --------------------------------------------------------------------------------------------- helpers


def _gpu_ok() -> bool:
    from simtheory.engine.backends import cupy_available

    return cupy_available()


def _cuda_time(fn, repeat: int, warmup: int = 1) -> dict:
    """Median and min seconds of ``fn()`` by CUDA events (after ``warmup`` calls), plus wall-clock median."""
    import cupy

    for _ in range(warmup):
        fn()
    cupy.cuda.Device().synchronize()
    ev, wall = [], []
    for _ in range(repeat):
        a, b = cupy.cuda.Event(), cupy.cuda.Event()
        t0 = time.perf_counter()
        a.record()
        fn()
        b.record()
        b.synchronize()
        wall.append(time.perf_counter() - t0)
        ev.append(cupy.cuda.get_elapsed_time(a, b) / 1e3)
    return {
        "median_s": statistics.median(ev),
        "min_s": min(ev),
        "wall_median_s": statistics.median(wall),
        "repeat": repeat,
    }


def _cpu_time(fn, repeat: int, warmup: int = 1) -> dict:
    for _ in range(warmup):
        fn()
    ts = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return {"median_s": statistics.median(ts), "min_s": min(ts), "repeat": repeat}


def _z(a, b) -> dict:
    return {s: (b.mean[s] - a.mean[s]) / max(math.hypot(a.se[s], b.se[s]), 1e-300) for s in STATS}


def _pop(spec: dict):
    from simtheory.engine.utility_samplers import PromptPopulation

    return PromptPopulation(**spec)


def _numpy_ref(job: tuple) -> dict:
    """Worker (spawned process): numpy pair_stats for one configuration."""
    design, pop_spec, k, n, seed = job
    from simtheory.engine.montecarlo import Xi, pair_stats

    t0 = time.perf_counter()
    r = pair_stats(n, design, _pop(pop_spec), Xi("sigmoid", 1.3), k=k, seed=seed, backend="numpy")
    return {"mean": r.mean, "se": r.se, "seconds": time.perf_counter() - t0}


class _R:
    def __init__(self, d):
        self.mean, self.se = d["mean"], d["se"]


# ---------------------------------------------------------------------------------------------- stages


def stage_env(a) -> dict:
    import simtheory

    info = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "simtheory": simtheory.__version__,
        "cpu_count": os.cpu_count(),
        "machine": platform.machine(),
    }
    for mod in ("numba", "scipy", "torch", "cupy"):
        try:
            info[mod] = __import__(mod).__version__
        except Exception as e:  # noqa: BLE001 - record what is missing
            info[mod] = f"missing ({type(e).__name__})"
    if _gpu_ok():
        import cupy

        props = cupy.cuda.runtime.getDeviceProperties(0)
        info["gpu"] = props["name"].decode() if isinstance(props["name"], bytes) else str(props["name"])
        info["gpu_sms"] = int(props["multiProcessorCount"])
        info["cuda_runtime"] = cupy.cuda.runtime.runtimeGetVersion()
        print(f"GPU: {info['gpu']} ({info['gpu_sms']} SMs), CUDA runtime {info['cuda_runtime']}", flush=True)
    else:
        info["gpu"] = None
        print("GPU: none (cupy with a CUDA device not available)", flush=True)
    try:
        import torch

        info["torch_cuda"] = bool(torch.cuda.is_available())
    except Exception:  # noqa: BLE001
        info["torch_cuda"] = False
    return info


def pair_configs(quick: bool) -> list[tuple]:
    from simtheory.engine.pairing import DESIGNS

    general = [
        {"mu_sd": 0.7, "sigma_logsd": 0.4, "family": f}
        for f in (("gaussian", "bimodal") if quick else ("gaussian", "student_t", "bimodal"))
    ]
    jobs = [(d, p) for d in DESIGNS for p in general]
    jobs += [("same", {}), ("cross", {}), ("same", {"family": "skewed"})]  # constant sigma: the fast paths
    return jobs


def stage_pair_stats(a, rows: list) -> dict:
    from simtheory.engine.montecarlo import Xi, pair_stats

    n_np = int(a.n_check)
    n_gpu = int(a.n_check)
    jobs = [(d, p, 10, n_np, 100 + i) for i, (d, p) in enumerate(pair_configs(a.quick))]
    t0 = time.perf_counter()
    workers = max(1, min(len(jobs), (os.cpu_count() or 2) - 1))
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as ex:
        refs = list(ex.map(_numpy_ref, jobs))
    t_np = time.perf_counter() - t0
    out = {"n_numpy": n_np, "n_gpu": n_gpu, "numpy_pool_seconds": t_np, "configs": []}
    gpu = _gpu_ok() and not a.cpu_only
    for (design, spec, k, _, seed), ref in zip(jobs, refs):
        row = {
            "check": "pair_stats",
            "design": design,
            "population": json.dumps(spec),
            "k": k,
            **{f"numpy_{s}": ref["mean"][s] for s in STATS},
        }
        if gpu:
            b = pair_stats(n_gpu, design, _pop(spec), Xi("sigmoid", 1.3), k=k, seed=seed + 1000, backend="cupy")
            z = _z(_R(ref), b)
            row.update({f"gpu_{s}": b.mean[s] for s in STATS})
            row.update({f"z_{s}": z[s] for s in STATS})
            row["max_abs_z"] = max(abs(v) for v in z.values())
            row["pass"] = row["max_abs_z"] < Z_MAX
        rows.append(row)
        out["configs"].append(row)
    if gpu:
        zs = [r["max_abs_z"] for r in out["configs"]]
        out["max_abs_z"] = max(zs)
        out["all_pass"] = all(r["pass"] for r in out["configs"])
        print(
            f"pair_stats: {len(zs)} configs, max |z| = {max(zs):.2f} ({'PASS' if out['all_pass'] else 'FAIL'})",
            flush=True,
        )
    return out


def _oc_data(n: int, groups: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    g = np.repeat(np.arange(groups), n // groups)
    r = rng.normal(size=n) + 0.5 * rng.normal(size=groups)[g]
    rh = np.round(r + rng.normal(size=n), 2)  # some ties in r_hat
    return r, rh, rng.permutation(g)


def stage_order_consistency(a, rows: list) -> dict:
    from simtheory.engine.order_consistency import OC_DESIGNS, order_consistency

    r, rh, g = _oc_data(20_000 if not a.quick else 4_000, 200)
    out = {}
    gpu = _gpu_ok() and not a.cpu_only
    for design in OC_DESIGNS:
        t0 = time.perf_counter()
        ex = order_consistency(r, rh, groups=g, design=design, backend="numba")
        res = {"exact_cpu": ex.mean, "n_pairs_exact": ex.n, "cpu_exact_s": time.perf_counter() - t0}
        if gpu:
            t0 = time.perf_counter()
            eg = order_consistency(r, rh, groups=g, design=design, backend="cupy")
            res.update(
                exact_gpu=eg.mean,
                exact_equal=bool(eg.n == ex.n and abs(eg.mean - ex.mean) < 1e-12),
                gpu_exact_s=time.perf_counter() - t0,
            )
            for be, n in (("cupy", int(a.n_oc)), ("cupy_array", int(a.n_oc) // 10)):
                mc = order_consistency(r, rh, groups=g, design=design, n_pairs=n, seed=7, backend=be)
                res[f"z_{be}"] = (mc.mean - ex.mean) / mc.se
                res[f"mean_{be}"] = mc.mean
            res["pass"] = res["exact_equal"] and abs(res["z_cupy"]) < Z_MAX and abs(res["z_cupy_array"]) < Z_MAX
        out[design] = res
        rows.append({"check": "order_consistency", "design": design, **res})
        print(f"order_consistency {design}: {res}", flush=True)
    return out


def stage_gpm(a, rows: list) -> dict:
    from simtheory.general_preference import gpu as gg
    from simtheory.general_preference.cyclic import accuracy, fit_scores, tournament_data
    from simtheory.general_preference.operator import preference_score, score_matrix

    rng = np.random.default_rng(0)
    n, dim = (3000, 8) if not a.quick else (500, 8)
    V = rng.normal(size=(n, dim))
    gate = rng.uniform(0.2, 2.0, size=dim // 2)
    device = "cpu" if a.cpu_only else gg.default_device()
    S_cpu = score_matrix(V, gate)
    S_dev = gg.score_matrix(V, gate, device=device)
    pairs = rng.integers(0, n, size=(200_000, 2))
    s_cpu = preference_score(V[pairs[:, 0]], V[pairs[:, 1]], gate)
    s_dev = gg.pair_scores(V, pairs, gate, device=device)
    P = score_matrix(rng.normal(size=(n, dim)))
    acc_cpu = accuracy(S_cpu, P, pairs)
    acc_dev = gg.accuracy(S_dev, P, pairs, device=device)
    out = {
        "device": device,
        "n": n,
        "dim": dim,
        "score_matrix_max_rel_err": float(np.abs(S_dev - S_cpu).max() / np.abs(S_cpu).max()),
        "pair_scores_max_rel_err": float(np.abs(s_dev - s_cpu).max() / np.abs(s_cpu).max()),
        "accuracy_cpu": acc_cpu,
        "accuracy_dev": acc_dev,
    }
    # GPM fit: scipy L-BFGS (CPU) vs torch L-BFGS on the device; compare the fitted accuracy and NLL
    d = tournament_data(12, 1.0, 50, np.random.default_rng(3))
    S1 = fit_scores(d.W, 4, seed=0)
    S2 = gg.fit_scores(d.W, 4, seed=0, device=device)
    out.update(
        fit_acc_cpu=accuracy(S1, d.P, d.pairs),
        fit_acc_dev=accuracy(S2, d.P, d.pairs),
        fit_nll_cpu=gg.nll(S1, d.W),
        fit_nll_dev=gg.nll(S2, d.W),
    )
    out["pass"] = bool(
        out["score_matrix_max_rel_err"] < 1e-10
        and out["pair_scores_max_rel_err"] < 1e-10
        and out["accuracy_cpu"] == out["accuracy_dev"]
        and out["fit_nll_dev"] <= out["fit_nll_cpu"] * (1 + 1e-3) + 1e-6
    )
    rows.append({"check": "gpm", **out})
    print(f"gpm: {out}", flush=True)
    return out


def stage_torch_device(a, rows: list) -> dict:
    from simtheory.engine.devices import torch_device

    dev = "cpu" if a.cpu_only else torch_device()
    out = {"device": dev}
    from simtheory.risk_rate import mlp

    rng = np.random.default_rng(0)
    n, d = 4000, 6
    w = rng.normal(size=d)
    psi1, psi2 = rng.normal(size=(n, d)), rng.normal(size=(n, d))
    y = (rng.random(n) < 1 / (1 + np.exp(-(psi1 - psi2) @ w))).astype(float)
    t1, t2 = rng.normal(size=(20_000, d)), rng.normal(size=(20_000, d))
    ty = 1 / (1 + np.exp(-(t1 - t2) @ w))
    res = {}
    for dv in dict.fromkeys(["cpu", dev]):
        t0 = time.perf_counter()
        m = mlp.fit_siamese_bt(psi1, psi2, y, width=32, depth=2, seed=0, max_steps=300, device=dv).model
        p = np.clip(m.prob(t1, t2), 1e-12, 1 - 1e-12)
        res[dv] = {
            "test_ce": float(-np.mean(ty * np.log(p) + (1 - ty) * np.log1p(-p))),
            "seconds": time.perf_counter() - t0,
        }
    out["risk_rate_mlp"] = res
    ce = [v["test_ce"] for v in res.values()]
    out["ce_rel_diff"] = (max(ce) - min(ce)) / min(ce)
    # reward-model BT-MLP (simtheory.reward_models.models): same init and batches on both devices
    from types import SimpleNamespace

    from simtheory.reward_models.models import fit_bt_mlp

    data = SimpleNamespace(x1=psi1.astype(np.float32), x2=psi2.astype(np.float32), y=y, n=n)
    acc = {}
    for dv in dict.fromkeys(["cpu", dev]):
        score = fit_bt_mlp(data, np.random.default_rng(1), epochs=5, device=dv)
        acc[dv] = float(np.mean((score(t1) > score(t2)) == ((t1 - t2) @ w > 0)))
    out["reward_model_test_accuracy"] = acc
    se = math.sqrt(0.25 / len(t1))
    out["acc_abs_diff"] = max(acc.values()) - min(acc.values())
    out["pass"] = bool(out["ce_rel_diff"] < 0.05 and out["acc_abs_diff"] < 5 * math.sqrt(2) * se)
    rows.append(
        {
            "check": "torch_device",
            "device": dev,
            **{f"{k}_ce": v["test_ce"] for k, v in res.items()},
            **{f"{k}_rm_acc": v for k, v in acc.items()},
        }
    )
    print(f"torch_device: {out}", flush=True)
    return out


def stage_pytest_gpu(a) -> dict:
    t0 = time.perf_counter()
    env = dict(os.environ, PYTHONPATH=os.environ.get("PYTHONPATH", "."))
    cmd = [sys.executable, "-m", "pytest", "-q", "-m", "gpu", "-p", "no:cacheprovider", "tests/engine"]
    try:
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=a.pytest_timeout, env=env)
        tail = (res.stdout + res.stderr).strip().splitlines()[-15:]
        rc = res.returncode
    except subprocess.TimeoutExpired as e:
        tail = [
            f"timed out after {a.pytest_timeout} s",
            *((e.stdout or b"").decode(errors="replace").strip().splitlines()[-10:]),
        ]
        rc = None
    out = {"cmd": " ".join(cmd), "returncode": rc, "tail": tail, "seconds": time.perf_counter() - t0}
    print("pytest -m gpu: rc", rc, "|", tail[-1] if tail else "", flush=True)
    return out


def stage_timing_gpu(a, trows: list) -> dict:
    import cupy

    from simtheory.engine import cupy_fused
    from simtheory.engine.montecarlo import check_pair_params, pair_stats

    out = {}
    for n in [int(x) for x in a.sizes]:
        p = check_pair_params(n, "same", seed=1, backend="cupy")
        blocks = cupy_fused._grid(-(-n // cupy_fused.PAIRS_PER_STREAM))
        res = {}
        res["rng_only"] = _cuda_time(lambda n=n: cupy_fused.rng_only_sum(n, 1), a.repeat)
        res["fused_kernel"] = _cuda_time(lambda p=p: cupy_fused.pair_sums_fused(p), a.repeat)
        res["cupy_fused_call"] = _cuda_time(lambda n=n: pair_stats(n, "same", seed=1, backend="cupy"), a.repeat)
        if n <= a.max_array:
            res["cupy_array_call"] = _cuda_time(
                lambda n=n: pair_stats(n, "same", seed=1, backend="cupy_array"), max(1, a.repeat // 2)
            )
        peak = n / res["rng_only"]["median_s"]
        for name, t in res.items():
            rate = n / t["median_s"]
            row = {
                "device": "gpu",
                "what": name,
                "n_pairs": n,
                "median_s": t["median_s"],
                "min_s": t["min_s"],
                "pairs_per_s": rate,
                "fraction_of_rng_peak": rate / peak,
                "blocks": blocks,
            }
            if "cupy_array_call" in res:
                row["ratio_vs_cupy_array"] = rate / (n / res["cupy_array_call"]["median_s"])
            trows.append(row)
        out[str(n)] = res
        print(f"timing n={n:.0e}: " + ", ".join(f"{k} {n / v['median_s']:.3e}/s" for k, v in res.items()), flush=True)
        cupy.get_default_memory_pool().free_all_blocks()
    return out


def stage_timing_cpu(a, trows: list) -> dict:
    from simtheory.engine.montecarlo import pair_stats

    n = int(a.n_cpu)
    cores = os.cpu_count()
    out = {"cores": cores}
    t = _cpu_time(lambda: pair_stats(n, "same", seed=1, backend="numpy"), a.cpu_repeat, warmup=0)
    out["numpy"] = t
    trows.append(
        {
            "device": f"cpu ({cores} cores)",
            "what": "numpy",
            "n_pairs": n,
            "median_s": t["median_s"],
            "min_s": t["min_s"],
            "pairs_per_s": n / t["median_s"],
        }
    )
    try:
        import numba

        for th in sorted({min(2, numba.config.NUMBA_NUM_THREADS), numba.config.NUMBA_NUM_THREADS}):
            numba.set_num_threads(th)
            tt = _cpu_time(lambda: pair_stats(n, "same", seed=1, backend="numba"), a.cpu_repeat)
            out[f"numba_{th}"] = tt
            trows.append(
                {
                    "device": f"cpu ({cores} cores)",
                    "what": f"numba {th} threads",
                    "n_pairs": n,
                    "median_s": tt["median_s"],
                    "min_s": tt["min_s"],
                    "pairs_per_s": n / tt["median_s"],
                    "ratio_vs_numpy": t["median_s"] / tt["median_s"],
                }
            )
    except Exception as e:  # noqa: BLE001
        out["numba_error"] = repr(e)
    print(
        f"cpu timings n={n:.0e}: "
        + ", ".join(f"{r['what']} {r['pairs_per_s']:.3e}/s" for r in trows if r["device"].startswith("cpu")),
        flush=True,
    )
    return out


# ------------------------------------------------------------------------------------------------ main


def _write_csv(path: Path, rows: list) -> None:
    if not rows:
        return
    fields = list(dict.fromkeys(k for r in rows for k in r))
    with path.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="benchmarks/results/gpu_check")
    ap.add_argument("--cpu-only", action="store_true", help="skip every GPU part (to test the script anywhere)")
    ap.add_argument("--quick", action="store_true", help="small sizes (a smoke test)")
    ap.add_argument("--n-check", type=float, default=1e7, help="pairs per correctness configuration")
    ap.add_argument("--n-oc", type=float, default=1e8, help="Monte-Carlo pairs for order consistency (fused)")
    ap.add_argument("--sizes", type=float, nargs="*", default=[1e8, 1e9, 1e10], help="timing sizes (pairs)")
    ap.add_argument("--max-array", type=float, default=1e9, help="largest n timed on the cupy_array path")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--n-cpu", type=float, default=1e7)
    ap.add_argument("--cpu-repeat", type=int, default=3)
    ap.add_argument("--pytest-timeout", type=int, default=150)
    ap.add_argument("--stages", nargs="*", default=None, help="run only these stages")
    a = ap.parse_args(argv)
    if a.quick:
        a.n_check, a.n_oc, a.sizes, a.max_array, a.repeat, a.n_cpu, a.cpu_repeat = 2e5, 1e6, [1e6, 1e7], 1e7, 3, 1e6, 1
    out_dir = Path(a.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    report = {"args": vars(a), "stages": {}, "errors": {}}
    crows, trows = [], []
    gpu = _gpu_ok() and not a.cpu_only
    stages = [
        ("env", lambda: stage_env(a)),
        ("pair_stats", lambda: stage_pair_stats(a, crows)),
        ("order_consistency", lambda: stage_order_consistency(a, crows)),
        ("gpm", lambda: stage_gpm(a, crows)),
        ("torch_device", lambda: stage_torch_device(a, crows)),
        ("pytest_gpu", lambda: stage_pytest_gpu(a) if gpu else {"skipped": "no GPU"}),
        ("timing_gpu", lambda: stage_timing_gpu(a, trows) if gpu else {"skipped": "no GPU"}),
        ("timing_cpu", lambda: stage_timing_cpu(a, trows)),
    ]
    t_all = time.perf_counter()
    for name, fn in stages:
        if a.stages and name not in a.stages:
            continue
        t0 = time.perf_counter()
        try:
            report["stages"][name] = fn()
        except Exception:  # noqa: BLE001 - record it and go on with the other stages
            report["errors"][name] = traceback.format_exc()
            print(f"stage {name} FAILED:\n{report['errors'][name]}", flush=True)
        report.setdefault("stage_seconds", {})[name] = time.perf_counter() - t0
        report["total_seconds"] = time.perf_counter() - t_all
        (out_dir / "gpu_check.json").write_text(json.dumps(report, indent=1, default=str))
        _write_csv(out_dir / "gpu_check_correctness.csv", crows)
        _write_csv(out_dir / "gpu_check_timings.csv", trows)
    # the short table, last
    print("\n=== gpu_check summary ===")
    env = report["stages"].get("env", {})
    print(f"GPU: {env.get('gpu')}   CPU cores: {env.get('cpu_count')}   total {report['total_seconds']:.0f} s")
    for name, res in report["stages"].items():
        if isinstance(res, dict) and "pass" in res:
            print(f"  {name:<18} {'PASS' if res['pass'] else 'FAIL'}")
        elif isinstance(res, dict) and "all_pass" in res:
            print(f"  {name:<18} {'PASS' if res['all_pass'] else 'FAIL'} (max |z| {res['max_abs_z']:.2f})")
        elif name == "order_consistency":
            print(f"  {name:<18} " + ("PASS" if all(v.get("pass", True) for v in res.values()) else "FAIL"))
        elif name == "pytest_gpu" and "returncode" in res:
            print(f"  {name:<18} rc={res['returncode']} {res['tail'][-1] if res['tail'] else ''}")
    for name in report["errors"]:
        print(f"  {name:<18} ERROR (see gpu_check.json)")
    if trows:
        print(f"  {'device':<16} {'what':<18} {'n':>8} {'pairs/s':>11} {'x array':>8} {'of peak':>8}")
        for r in trows:
            print(
                f"  {r['device']:<16} {r['what']:<18} {r['n_pairs']:8.0e} {r['pairs_per_s']:11.3e} "
                f"{r.get('ratio_vs_cupy_array', float('nan')):8.1f} {r.get('fraction_of_rng_peak', float('nan')):8.2f}"
            )
    return report


if __name__ == "__main__":
    main()
