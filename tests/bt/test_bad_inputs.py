"""Issue 11 (items 8 and 10), BT part: every bad input is one SimTheoryInputError line naming the argument."""

import numpy as np
import pandas as pd
import pytest

from simtheory.bt import (
    fit,
    fit_bt,
    fit_bt_regression,
    fit_davidson,
    fit_rao_kupper,
    fit_thurstone,
    gradient_descent_bt,
    simulate_arena,
    win_matrix,
)
from simtheory.validation import SimTheoryInputError

W3 = np.array([[0, 2, 1], [1, 0, 2], [1, 1, 0]], float)
ALL_WON = np.array([[0, 5, 3], [0, 0, 2], [0, 1, 0]], float)  # player 0 won every comparison
T_SOME = np.array([[0, 1, 0], [0, 0, 1], [0, 0, 0]], float)
T12 = np.array([[0, 0, 0], [0, 0, 1], [0, 0, 0]], float)  # one tie between players 1 and 2
DISC = np.zeros((4, 4))
DISC[0, 1] = DISC[1, 0] = DISC[2, 3] = DISC[3, 2] = 2
rng = np.random.default_rng(0)
PHI = rng.normal(size=(50, 3))
PHI_SING = np.c_[PHI[:, :2], PHI[:, 0] + PHI[:, 1]]

CASES = [
    ("fit_bt counts x1e300", lambda: fit_bt(W3 * 1e300), "wins"),
    ("fit_bt_regression singular design", lambda: fit_bt_regression(PHI_SING, 0 * PHI_SING, rng), "phi_winner"),
    ("rao_kupper: one player won everything", lambda: fit_rao_kupper(ALL_WON, T12), "battles"),
    ("rao_kupper: disconnected", lambda: fit_rao_kupper(DISC, np.eye(4)[[1, 0, 3, 2]]), "battles"),
    ("davidson: one player won everything", lambda: fit_davidson(ALL_WON, T12), "battles"),
    ("davidson: no ties", lambda: fit_davidson(W3, np.zeros((3, 3))), "ties"),
    ("win_matrix float indices", lambda: win_matrix([0.0, 1.7], [1, 2]), "winners"),
    ("win_matrix negative index", lambda: win_matrix([0, -1], [1, 2]), "winners"),
    ("simulate_arena link foo", lambda: simulate_arena([0.0, 1.0], 10, rng, link="foo"), "link"),
    ("gradient_descent_bt negative index", lambda: gradient_descent_bt([0, -1], [1, 2], 3), "winners"),
    ("gradient_descent_bt index >= n", lambda: gradient_descent_bt([0, 5], [1, 2], 3), "winners"),
    ("gradient_descent_bt lr", lambda: gradient_descent_bt([0], [1], 2, lr=-1), "lr"),
    ("fit_thurstone all won", lambda: fit_thurstone(ALL_WON), "wins"),
    ("fit counts x1e300", lambda: fit(W3 * 1e300), "battles"),
    ("fit bad winner", lambda: fit(pd.DataFrame({"model_a": ["x"], "model_b": ["y"], "winner": ["draw"]})), "winner"),
    ("fit missing column", lambda: fit(pd.DataFrame({"model_a": ["x"], "model_b": ["y"]})), "battles"),
    (
        "fit negative weight",
        lambda: fit(
            pd.DataFrame({"model_a": ["x", "y"], "model_b": ["y", "x"], "winner": ["model_a"] * 2, "w": [1.0, -1.0]}),
            weights="w",
        ),
        "weights",
    ),
    ("fit probit + davidson", lambda: fit(W3, ties=T_SOME, link="probit", tie_model="davidson"), "tie_model"),
    ("fit weights with a win matrix", lambda: fit(W3, weights=np.ones(3)), "battles"),
]


@pytest.mark.parametrize("name,call,arg", CASES, ids=[c[0] for c in CASES])
def test_one_line_error(name, call, arg):
    with pytest.raises(SimTheoryInputError) as e:
        call()
    assert e.value.argument == arg, str(e.value)
    assert "\n" not in str(e.value)
