"""bt_sparsity grid (quick): error falls with comparisons/(N log N); with m = o(N) the MLE does not exist."""

import numpy as np

from simtheory.bt import grid_sparsity as bt_sparsity


def test_bt_sparsity_quick():
    """N=200, ratios 0.1 and 8, 3 reps each (SeedSequence(5)). At ratio 0.1 (m ~ 106 < N) players are isolated
    and the MLE never exists; at ratio 8 it exists and RMSE ~0.27 (Fisher SE ~ 1/sqrt(p(1-p) * 2*8*log N) ~ 0.2);
    the gap between the two (>1 vs <0.5) is many times the rep-to-rep SD (~0.1)."""
    params = dict(sigma=1.0, lam=1e-3)
    rows = {c: [] for c in (0.1, 8.0)}
    for k, seed in enumerate(np.random.SeedSequence(5).spawn(6)):
        c = 0.1 if k < 3 else 8.0
        rows[c] += bt_sparsity.run_cell(dict(N=200, ratio=c, rep=k), params, seed, "numpy")
    assert all(r["mle_exists"] == 0 and r["isolated"] > 0 for r in rows[0.1])
    assert all(r["mle_exists"] == 1 for r in rows[8.0])
    assert np.mean([r["rmse"] for r in rows[8.0]]) < 0.5
    assert np.mean([r["rmse"] for r in rows[0.1]]) > 1.0
