"""Serial == Dask, bit for bit, for a shrunk quick version of every grid (seed 3).

Dask workers run each cell under ``cell_threads`` (BLAS pinned to one thread), as the serial
path does, so grids that call BLAS (bt_sparsity's Newton steps, the torch/LightGBM fits) agree
exactly. Default suite: cross_prompt shrunk to a few cells (one 2-worker
LocalCluster); ``slow``: every grid (the torch and LightGBM grids shrunk to one beta/size).
"""

import pytest

distributed = pytest.importorskip("distributed")

from simtheory.runner.distributed import dask_executor
from simtheory.runner.grids import run_grid
from simtheory.runner.store import ResultStore

RM = {
    "n_annotations": 300,
    "n_seeds": 1,
    "epochs": 1,
    "hidden": 8,
    "n_estimators": 5,
    "n_test_prompts": 5,
    "bon_n": 20,
    "n_eval_pairs": 500,
    "n_oc_pairs": 500,
}
SHRUNK = {
    "bt_sparsity": {"N": [50], "ratio": [1.0, 8.0], "reps": 2},
    "cross_prompt": {"n_pairs": 4000, "families": ["gaussian"], "beta_sigma": [1.0], "s2_values": [1.0]},
    "general_preference_cyclic": {
        "dims": [1, 2],
        "reps": 1,
        "cycles": [3],
        "cycle_copies": 10,
        "subdatasets": [[0, 216]],
        "tournament_n": 10,
        "tournament_weights": [1.0],
        "restarts": 1,
    },
    "risk_rate": {"n": [250], "max_steps": 50, "m_test": 2000},
    "reward_models_quality": {**RM, "betas": [1.0]},
    "reward_models_quantity": {**{k: v for k, v in RM.items() if k != "n_annotations"}, "n_annotations_list": [300]},
    "reward_models_cross_prompt": {**RM, "designs": ["random", "similar"]},
}
FAST = {"cross_prompt"}  # bt_sparsity: ~30 s on 2 shared cores (statsmodels import on each worker)


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    from simtheory.runner.distributed import _local_worker_env

    c = LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
        silence_logs=40,
        env=_local_worker_env(2),
    )
    yield c
    c.close()


def _rows(out):
    return ResultStore(out / "results.csv").read_rows()


@pytest.mark.parametrize("grid", [pytest.param(g, marks=() if g in FAST else pytest.mark.slow) for g in SHRUNK])
def test_serial_equals_dask(grid, cluster, tmp_path):
    if grid.startswith(("reward_models", "risk_rate")):
        pytest.importorskip("torch")
        pytest.importorskip("lightgbm")
    kw = {"quick": True, "seed": 3, "backend": "numpy", "overrides": SHRUNK[grid], "progress": False}
    serial = _rows(run_grid(grid, out=tmp_path / "serial", **kw))
    dask = _rows(run_grid(grid, out=tmp_path / "dask", executor=dask_executor(cluster.scheduler_address), **kw))
    drop = {"fit_seconds"}  # wall-clock timings are not results
    assert [{k: v for k, v in r.items() if k not in drop} for r in dask] == [
        {k: v for k, v in r.items() if k not in drop} for r in serial
    ]
    assert len(serial) >= 2
