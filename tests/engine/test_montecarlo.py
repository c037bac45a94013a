"""The Monte-Carlo engine, backends, grid runner, CLI and input validation."""

import json
import math
import subprocess
import sys

import numpy as np
import pytest
from mc_helpers import Z

from simtheory import SimTheoryInputError
from simtheory.engine.annotators import annotate, prob_prefer_first
from simtheory.engine.backends import cupy_available, resolve_backend
from simtheory.engine.montecarlo import STATS, Xi, pair_stats
from simtheory.engine.pairing import DESIGNS, selected_pair
from simtheory.engine.utility_samplers import FAMILIES, PromptPopulation, standard_noise
from simtheory.runner.grids import available_grids, cell_seed, run_grid


@pytest.mark.parametrize("family", FAMILIES)
def test_standard_noise_has_mean_zero_unit_variance(family):
    """n = 400000 draws (seed 1): |mean| < 5 SE and |var - 1| < 5 SE (SE of the variance from the 4th moment)."""
    z = standard_noise(family, 400_000, np.random.default_rng(1))
    n = z.size
    assert abs(z.mean()) < Z * z.std() / math.sqrt(n)
    se_var = math.sqrt(max(np.mean((z**2 - z.var()) ** 2), 1e-12) / n)
    assert abs(z.var() - 1.0) < Z * se_var


@pytest.mark.parametrize("design", DESIGNS)
@pytest.mark.parametrize("family", ["gaussian", "student_t", "bimodal"])
def test_backends_statistically_identical(other_backend, design, family):
    """numpy vs other backend, n = 200000 pairs each, same seed family (seed 9): every statistic within 5 SE
    of the difference."""
    pop = PromptPopulation(mu_sd=0.7, sigma_logsd=0.4, family=family)
    a = pair_stats(200_000, design, pop, Xi("sigmoid", 1.3), seed=9, backend="numpy")
    b = pair_stats(200_000, design, pop, Xi("sigmoid", 1.3), seed=9, backend=other_backend)
    for s in STATS:
        assert abs(a.mean[s] - b.mean[s]) < Z * math.hypot(a.se[s], b.se[s]), (s, a.mean[s], b.mean[s])


@pytest.mark.parametrize("family", ["gaussian", "laplace"])  # the numba fast path and the general kernel
@pytest.mark.parametrize("xi", [Xi("probit", 0.8), Xi("step", threshold=1.0, steep=5.0)])
def test_backends_agree_for_every_named_xi(xi, family):
    """200000 cross-prompt pairs per backend (seed 4): E xi within Z SE of the difference."""
    pop = PromptPopulation(family=family)
    a = pair_stats(200_000, "cross", pop, xi, seed=4, backend="numpy")
    b = pair_stats(200_000, "cross", pop, xi, seed=4, backend="numba")
    assert abs(a.mean["tau"] - b.mean["tau"]) < Z * math.hypot(a.se["tau"], b.se["tau"])


def test_same_seed_same_numbers(backend):
    """Determinism per backend: the same seed gives the same numbers, another seed different ones."""
    a = pair_stats(50_000, "same", seed=3, backend=backend).mean
    assert a == pair_stats(50_000, "same", seed=3, backend=backend).mean
    assert a != pair_stats(50_000, "same", seed=4, backend=backend).mean


def test_chunking_changes_the_stream_not_the_statistics():
    """numpy, 300000 pairs (seed 3) in chunks of 1000 vs one chunk: tau within 5 SE of the difference."""
    a = pair_stats(300_000, "same", seed=3, backend="numpy", chunk=1_000)
    b = pair_stats(300_000, "same", seed=3, backend="numpy", chunk=1 << 20)
    assert abs(a.mean["tau"] - b.mean["tau"]) < Z * math.hypot(a.se["tau"], b.se["tau"])


def test_selected_pair_picks_middle_two_and_extremes():
    """K = 4 and K = 5 hand rows: 'similar' takes the two middle-ranked utilities (ranks K//2 and K//2 + 1 of K),
    'diversified' the best and the worst (Section 6.3)."""
    u = np.array([[3.0, 1.0, 4.0, 2.0], [0.0, 7.0, 5.0, 6.0]])
    a, b = selected_pair(u, "similar")
    assert a.tolist() == [2.0, 5.0] and b.tolist() == [3.0, 6.0]
    a, b = selected_pair(u, "diversified")
    assert a.tolist() == [4.0, 7.0] and b.tolist() == [1.0, 0.0]
    a, b = selected_pair(np.array([[5.0, 1.0, 4.0, 2.0, 3.0]]), "similar_x")
    assert (a[0], b[0]) == (2.0, 3.0)


def test_custom_callable_xi_on_numpy_matches_named_xi():
    a = pair_stats(100_000, "same", xi=lambda d: 1 / (1 + np.exp(-2.0 * d)), seed=1)
    b = pair_stats(100_000, "same", xi=Xi("sigmoid", 2.0), seed=1)
    assert a.mean["tau"] == pytest.approx(b.mean["tau"], rel=1e-12)


def test_annotator_label_frequency_matches_sigmoid():
    """n = 200000 labels at dr = 0.5, beta = 2 (seed 0): frequency within 5 SE of sigmoid(1)."""
    n = 200_000
    lab = annotate(np.full(n, 0.5), np.zeros(n), beta=2.0, rng=0)
    p = 1 / (1 + math.exp(-1.0))
    assert abs(lab.mean() - p) < Z * math.sqrt(p * (1 - p) / n)
    assert np.all(prob_prefer_first(np.array([1.0, -1.0]), math.inf) == [1.0, 0.0])


@pytest.mark.parametrize(
    "call, arg",
    [
        (lambda: pair_stats(10, beta=-1.0), "beta"),
        (lambda: pair_stats(0), "n_pairs"),
        (lambda: pair_stats(10, "sideways"), "design"),
        (lambda: PromptPopulation(family="cauchy"), "family"),
        (lambda: PromptPopulation(family="student_t", df=2.0), "df"),
        (lambda: PromptPopulation(sigma_median=0.0), "sigma_median"),
        (lambda: annotate([1.0, np.nan], [0.0, 0.0]), "r1"),
        (lambda: annotate([1.0, 2.0], [0.0]), "r2"),
        (lambda: pair_stats(10, xi=lambda d: d, backend="numba"), "xi"),
        (lambda: resolve_backend("fortran"), "backend"),
    ],
)
def test_bad_input_one_line_error_naming_argument(call, arg):
    with pytest.raises(SimTheoryInputError) as exc:
        call()
    msg = str(exc.value)
    assert msg.startswith(arg + ":") and "\n" not in msg


def test_cell_seed_depends_on_cell_not_order():
    a = cell_seed(1, {"x": 1, "y": 2}).generate_state(2)
    b = cell_seed(1, {"y": 2, "x": 1}).generate_state(2)
    c = cell_seed(2, {"x": 1, "y": 2}).generate_state(2)
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_grid_run_writes_outputs_and_resumes(tmp_path):
    out = run_grid(
        "cross_prompt",
        quick=True,
        seed=1,
        backend="numba",
        out=tmp_path / "r",
        overrides={"n_pairs": 20_000, "families": ["gaussian"], "beta_sigma": [1.0]},
        progress=False,
    )
    meta = json.loads((out / "meta.json").read_text())
    assert meta["seed"] == 1 and meta["params"]["n_pairs"] == 20_000 and "numpy" in meta["versions"]
    assert (out / "q_vs_beta_sigma.pdf").exists() and (out / "q_vs_beta_sigma.png").exists()
    first = (out / "results.csv").read_text()
    out = run_grid(
        "cross_prompt",
        quick=True,
        seed=1,
        backend="numba",
        out=tmp_path / "r",
        overrides={"n_pairs": 20_000, "families": ["gaussian"], "beta_sigma": [1.0]},
        progress=False,
    )
    assert json.loads((out / "meta.json").read_text())["n_cells_resumed"] == meta["n_cells"]
    assert (out / "results.csv").read_text() == first


def test_cli_list_and_errors(tmp_path):
    run = lambda *a: subprocess.run([sys.executable, "-m", "simtheory.runner.cli", *a], capture_output=True, text=True)
    res = run("--list")
    assert res.returncode == 0 and "cross_prompt" in res.stdout
    res = run("no_such_grid")
    assert res.returncode == 2 and res.stderr.strip().count("\n") == 0 and "grid: unknown grid" in res.stderr
    res = run("cross_prompt", "--backend", "fortran")
    assert res.returncode == 2 and "--backend" in res.stderr and "Traceback" not in res.stderr
    res = run("cross_prompt", "--quick", "--set", "beta_sigma=[-1.0]", "--out", str(tmp_path), "--no-progress")
    assert res.returncode == 2 and "beta" in res.stderr and "Traceback" not in res.stderr


def test_every_grid_file_loads():
    grids = available_grids()
    assert "cross_prompt" in grids
    for g in grids.values():
        mod = g.load_module()
        assert callable(mod.cells) and callable(mod.run_cell), g.name


@pytest.mark.skipif(not cupy_available(), reason="cupy with a CUDA device not available here")
def test_auto_backend_prefers_cupy_when_present():
    assert resolve_backend("auto") == "cupy"


def test_cross_prompt_grid_runs_on_real_embeddings(tmp_path):
    """--embeddings example: same/cross cells from the shipped MiniLM example; n = 50000 pairs (seed 0):
    E|dr| of distinct same-prompt responses within 5 SE of the exact all-pairs mean."""
    import csv

    from simtheory.embeddings import load_for_grid

    out = run_grid(
        "cross_prompt",
        quick=True,
        seed=0,
        backend="numpy",
        out=tmp_path / "e",
        progress=False,
        overrides={"embeddings": "example", "n_pairs": 50_000, "beta_sigma": [1.0]},
    )
    rows = {json.loads(r["cell"])["design"]: r for r in csv.DictReader((out / "results.csv").open())}
    assert set(rows) == {"same", "cross"}
    data = load_for_grid({"embeddings": "example"})
    g = data.prompt_index
    diff = np.abs(data.reward[:, None] - data.reward[None, :])
    mask = (g[:, None] == g[None, :]) & ~np.eye(len(g), dtype=bool)
    exact = diff[mask].mean()
    assert abs(float(rows["same"]["abs_dr"]) - exact) < Z * float(rows["same"]["abs_dr_se"])
