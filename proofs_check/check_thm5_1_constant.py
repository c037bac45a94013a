"""Our constant for GPM Theorem 5.1 (ours, not the paper's): gap(pi_bar_T) <= 2 sqrt(2 L / T).

The GPM paper (Thm. 5.1, App. C.4) states only the rate O(1/sqrt T) for the averaged GPO (multiplicative
weights) policy in self-play. simtheory checks an explicit bound, derived here:

1. Payoffs (S pi)(y) lie in [-1, 1] (range 2). Hoeffding's lemma, log E exp(eta X) <= eta E X + eta^2 (b - a)^2 / 8,
   gives the second-order term eta^2 / 2 per round, so the MWU regret after T rounds, started at pi0, is
   R_T <= L / eta + eta T / 2 with L = ln(1 / min pi0) (= ln n for uniform pi0).
2. S is skew-symmetric, so <pi, S pi> = 0 for every pi: in self-play the learner's own expected payoff is 0, and
   the best response to the average, max_y (S pi_bar)(y), is at most R_T / T. In a symmetric zero-sum game
   the duality gap is max_y (S pi_bar)(y) - min_y (pi_bar^T S)(y) = 2 max_y (S pi_bar)(y) <= 2 R_T / T.
3. Minimising 2 (L / (eta T) + eta / 2) over eta gives eta* = sqrt(2 L / T) and the bound 2 sqrt(2 L / T).
"""

import sympy as sp

eta, L, T = sp.symbols("eta L T", positive=True)


def test_hoeffding_second_order_term_for_payoff_range_two():
    a, b = -1, 1
    assert sp.Rational((b - a) ** 2, 8) == sp.Rational(1, 2)  # eta^2 (b - a)^2 / 8 = eta^2 / 2


def test_skew_symmetric_quadratic_form_vanishes():
    n = 3
    S = sp.Matrix(n, n, lambda i, j: 0 if i == j else (sp.Symbol(f"s{min(i, j)}{max(i, j)}") * (1 if i < j else -1)))
    assert S.T == -S
    pi = sp.Matrix(sp.symbols("p0:3"))
    assert sp.expand((pi.T * S * pi)[0]) == 0


def test_mwu_gap_constant_is_2_sqrt_2L_over_T():
    bound = 2 * (L / (eta * T) + eta / 2)
    stationary = sp.solve(sp.diff(bound, eta), eta)
    assert stationary == [sp.sqrt(2 * L / T)]
    assert sp.simplify(sp.diff(bound, eta, 2).subs(eta, stationary[0])).is_positive
    assert sp.simplify(bound.subs(eta, stationary[0]) - 2 * sp.sqrt(2 * L / T)) == 0


def test_constant_matches_the_code():
    import math

    import numpy as np

    from simtheory.general_preference.games import gpo_mwu, rock_paper_scissors

    out = gpo_mwu(rock_paper_scissors(), 400)
    assert math.isclose(out["bound"], 2 * math.sqrt(2 * math.log(3) / 400), rel_tol=1e-12)
    assert out["gap_avg"] <= out["bound"]
    assert np.isclose(out["eta"], math.sqrt(2 * math.log(3) / 400))
