"""bt_arena grid: quick structural/statistical check (default) and the CI coverage study (slow)."""

import numpy as np
import pytest

from simtheory.bt import grid_arena
from simtheory.runner.grids import get_grid

PARAMS = get_grid("bt_arena").resolved_params()


def test_bt_arena_quick(tmp_path):
    """One weights arena (N=10, 1000 battles, SeedSequence(1)): fractional weights U(0.1, 1.9) x 0.1 make Fisher SEs
    too large by sqrt(E[w] / E[w^2]) = sqrt(1 / (0.1 * 1.27)) = 2.81; the per-player sandwich SE has ~5% MC error,
    averaged over 10 players ~2%, so sandwich/Fisher is checked to 10% of 1/2.81."""
    params = dict(PARAMS, B=20)
    rows = []
    for k, (sc, seed) in enumerate(zip(["weights", "baseline"], np.random.SeedSequence(1).spawn(2))):
        rows += grid_arena.run_cell({"scenario": sc, "rep": k}, params, seed, "numpy")
    w = {r["method"]: r for r in rows if r["scenario"] == "weights"}
    assert abs(w["sandwich"]["se_ratio"] * 2.806 - 1) < 0.10, w["sandwich"]["se_ratio"]
    assert w["fisher"]["width"] > 2 * w["sandwich"]["width"]
    assert all(0 <= r["coverage"] <= 1 and r["exists"] == 1 for r in rows)
    out = grid_arena.summarize(rows, tmp_path, params)
    assert (tmp_path / "bt_arena.pdf").exists() and len(out["findings"]) == 8
    with pytest.raises(ValueError, match="scenarios"):
        grid_arena.cells(dict(PARAMS, scenarios=["nope"]))


@pytest.mark.slow
@pytest.mark.parametrize(
    "scenario,valid",
    [
        ("baseline", ("fisher", "sandwich", "bootstrap")),
        ("ties", ("sandwich", "bootstrap")),
        ("weights", ("sandwich", "bootstrap")),
        ("cluster", ("sandwich", "bootstrap")),
    ],
)
def test_ci_coverage(scenario, valid):
    """200 simulated arenas per scenario (N=10, 1000 battles, B=100 bootstrap resamples, SeedSequence(2026)):
    coverage pooled over 2000 player-intervals has SE ~0.5%, so a valid method lies in [0.93, 0.97] (4 SE).
    Fisher is invalid with half-win ties and fractional weights: it over-covers there (> 0.97); with correlated
    battles within prompts it under-covers (< 0.93), where the clustered sandwich and cluster bootstrap hold. 'bootstrap' is
    the Wald interval with the bootstrap SD; the percentile interval at B=100 is recorded, not asserted: it
    under-covers (0.927 baseline, 0.922 weights in the first run of this test), a finite-B effect."""
    params = dict(PARAMS, B=100)
    rows = []
    for k, seed in enumerate(np.random.SeedSequence([2026, grid_arena.SCENARIOS.index(scenario)]).spawn(200)):
        rows += grid_arena.run_cell({"scenario": scenario, "rep": k}, params, seed, "numpy")
    cov = {m: np.mean([r["coverage"] for r in rows if r["method"] == m]) for m in grid_arena.METHODS}
    for m in valid:
        assert 0.93 <= cov[m] <= 0.97, (scenario, cov)
    if scenario in ("ties", "weights"):
        assert cov["fisher"] > 0.97, (scenario, cov)
    if scenario == "cluster":
        assert cov["fisher"] < 0.93, (scenario, cov)
