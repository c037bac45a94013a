"""GPO / multiplicative weights (Sec. 5, Thm. 5.1, App. C.4) vs the exact Nash equilibrium (linprog)."""

import numpy as np
import pytest

from simtheory.general_preference.games import (
    RPS_PI0,
    duality_gap,
    gap_curve,
    gpo_mwu,
    loglog_slope,
    nash_equilibrium,
    random_game,
    rock_paper_scissors,
)
from simtheory.validation import SimTheoryInputError

TS = np.unique(np.geomspace(100, 10_000, 9).astype(int))


def test_nash_by_lp():
    x, v = nash_equilibrium(rock_paper_scissors())
    assert np.allclose(x, 1 / 3, atol=1e-9) and abs(v) < 1e-9
    rng = np.random.default_rng(20)
    for n in (5, 8, 15):
        S = random_game(n, rng)
        x, v = nash_equilibrium(S)
        assert abs(v) < 1e-9 and duality_gap(S, x) < 1e-8  # symmetric zero-sum: value 0, exact equilibrium


@pytest.mark.parametrize("game", ["rps", "random8", "random20"])
def test_gap_rate_theorem_5_1(game):
    """Averaged-policy gap <= Thm. 5.1 bound 2 sqrt(2 L / T) at every T (deterministic, exact), and the log-log
    slope's 95% CI over T = 100..10000 (9 horizons) lies below 0 and contains or is below -1/2 (rate >= 1/sqrt T).
    Random games: seed 21 (n = 8, Dirichlet start) / 22 (n = 20, uniform start)."""
    if game == "rps":
        S, pi0 = rock_paper_scissors(), RPS_PI0
    elif game == "random8":
        rng = np.random.default_rng(21)
        S, pi0 = random_game(8, rng), rng.dirichlet(np.ones(8))
    else:
        S, pi0 = random_game(20, np.random.default_rng(22)), None
    rows = gap_curve(S, TS, pi0)
    assert all(r["gap"] <= r["bound"] for r in rows)
    slope, ci = loglog_slope(TS, [r["gap"] for r in rows])
    assert ci[1] < 0 and ci[0] <= -0.5, f"slope {slope:.2f}, CI {ci}"
    assert rows[-1]["dist_to_nash"] < rows[0]["dist_to_nash"]


def test_bad_inputs():
    with pytest.raises(SimTheoryInputError, match="^S: preference scores must be scaled"):
        gpo_mwu(3 * rock_paper_scissors(), 10)
    with pytest.raises(SimTheoryInputError, match="^pi0:"):
        gpo_mwu(rock_paper_scissors(), 10, pi0=[1.0, 0.0, 0.0])
    with pytest.raises(SimTheoryInputError, match="^T:"):
        gpo_mwu(rock_paper_scissors(), 0)
