"""Grid ``risk_rate``: truncated KL risk of Siamese MLP BT fits vs n against Theorem 10 (and Corollary 11).

Cells: (d, beta, alpha, n, rep). Each cell draws its own data (seeded by the cell), fits the model and returns
one ``fit`` row and the ``cor11`` bin rows (see :func:`simtheory.risk_rate.experiment.run_fit`). ``summarize``
fits log R_B on log n per (beta, d, alpha) (all reps, cluster-robust over reps), writes ``slopes.csv`` and the
rate-curve and Corollary 11 figures.
"""

from __future__ import annotations

from itertools import product
from pathlib import Path

import numpy as np

from simtheory.risk_rate.experiment import run_fit

_FIT_KEYS = (
    "B",
    "kappa",
    "n_levels",
    "function_seed",
    "m_test",
    "restarts",
    "max_steps",
    "c_w",
    "w_min",
    "w_max",
    "lr",
)


def cells(params: dict) -> list[dict]:
    # rep is the outer loop: a run stopped early still holds complete replicates of every configuration
    return [
        dict(d=int(d), beta=float(b), alpha=float(a), n=int(n), rep=int(r))
        for r, d, b, a, n in product(
            range(int(params["reps"])), params["d"], params["beta"], params["alpha"], params["n"]
        )
    ]


def run_cell(cell: dict, params: dict, seed: np.random.SeedSequence, backend: str) -> list[dict]:
    kw = {k: params[k] for k in _FIT_KEYS if k in params}
    rows = run_fit(d=cell["d"], beta=cell["beta"], alpha=cell["alpha"], n=cell["n"], seed=seed, **kw)
    for r in rows:
        r["rep"] = cell["rep"]
    return rows


def summarize(rows: list[dict], out_dir, params: dict) -> dict:
    from simtheory.risk_rate.figures import plot_cor11, plot_rates, slope_table

    table = slope_table(rows)
    out_dir = Path(out_dir)
    table.to_csv(out_dir / "slopes.csv", index=False)
    plot_rates(rows, table, out_dir)
    plot_cor11(rows, out_dir)
    return {"slopes": table.to_dict(orient="records")}
