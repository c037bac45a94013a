"""Claims of the GPM paper (*Beyond Bradley-Terry*), checked by :mod:`simtheory.general_preference`."""

from __future__ import annotations

import numpy as np

from simtheory.verify.registry import (
    FAILS,
    HOLDS,
    IDENTITY,
    SIMULATION,
    THEOREM,
    Claim,
    Outcome,
    register,
)
from simtheory.verify.rules import Identity, Inequality, NoViolation

DOC = "general_preference_model"
TE = "tests/general_preference/test_embedding.py::"
TC = "tests/general_preference/test_cyclic.py::"
TG = "tests/general_preference/test_games.py::"
PC = "proofs_check/check_general_preference_block.py::"


def _bt_case(quick: bool) -> Outcome:
    from scipy.special import expit

    from simtheory.general_preference import preference_prob

    rng = np.random.default_rng(2)
    r = rng.normal(scale=3, size=1000)
    V = np.column_stack([r, np.ones_like(r)])
    i, j = rng.integers(0, 1000, size=(2, 100_000))
    err = float(np.abs(preference_prob(V[i], V[j]) - expit(r[i] - r[j])).max())
    return Outcome(
        value=f"max |P_GPM - sigmoid(r_i - r_j)| = {err:.1e} over 100k pairs",
        numbers={"error": err},
        computed="k = 2, v = [r, 1] through the block operator vs the BT formula (seed 2)",
    )


def _expressive(quick: bool) -> Outcome:
    from simtheory.general_preference import (
        complex_embeddings,
        complex_score_matrix,
        exact_embeddings_2k,
        score_matrix,
        spectral_embeddings,
    )
    from simtheory.general_preference.embedding import random_skew, relative_error

    rng = np.random.default_rng(7)
    ks = (2, 3, 8, 17, 32, 64) if quick else tuple(range(2, 65))
    errs = {"Thm 4.4 (2k dims)": 0.0, "Thm 4.5 (Schur)": 0.0, "Thm A.2 (complex)": 0.0}
    for k in ks:
        for _ in range(3 if quick else 20):
            P = random_skew(k, rng, scale=rng.uniform(0.1, 10))
            errs["Thm 4.4 (2k dims)"] = max(
                errs["Thm 4.4 (2k dims)"], relative_error(P, score_matrix(exact_embeddings_2k(P)))
            )
            errs["Thm 4.5 (Schur)"] = max(
                errs["Thm 4.5 (Schur)"], relative_error(P, score_matrix(spectral_embeddings(P)[0]))
            )
            errs["Thm A.2 (complex)"] = max(
                errs["Thm A.2 (complex)"], relative_error(P, complex_score_matrix(complex_embeddings(P)))
            )
    return Outcome(
        value="; ".join(f"{k}: max rel. error {v:.1e}" for k, v in errs.items()),
        numbers={"error": max(errs.values())},
        ci=f"k in {ks[0]}..{ks[-1]}, seed 7",
        computed="constructive embeddings of random skew-symmetric P, Frobenius relative error",
    )


def _propA1(quick: bool) -> Outcome:
    from simtheory.general_preference import block_form_of_operator, block_operator
    from simtheory.general_preference.embedding import random_skew_orthogonal

    rng = np.random.default_rng(4)
    worst = 0.0
    for d in (2, 4, 6, 8, 10):
        for _ in range(4 if quick else 50):
            A = random_skew_orthogonal(d, rng)
            Q, B = block_form_of_operator(A)
            worst = max(worst, float(np.abs(B - block_operator(d)).max()), float(np.abs(Q.T @ Q - np.eye(d)).max()))
    return Outcome(
        value=f"max deviation of Q^T A Q from R and of Q^T Q from I: {worst:.1e}",
        numbers={"error": worst},
        computed="real Schur form of random skew-symmetric orthogonal operators (d = 2..10, seed 4); "
        "key steps symbolic in proofs_check",
    )


def _cyclic_runs(quick: bool):
    from simtheory.general_preference.cyclic import (
        PAPER_TABLE1,
        accuracy,
        fit_scores,
        paper_subdataset,
    )

    sizes = {0: 216, 1: 250, 2: 300, 3: 363}
    out = []
    for drop, n in list(sizes.items())[:1] if quick else sizes.items():
        d = paper_subdataset(drop, n, 20, np.random.default_rng(100 + drop))
        out.append(
            (
                drop,
                n,
                accuracy(fit_scores(d.W, 1), d.P, d.pairs),
                accuracy(fit_scores(d.W, 2, seed=0, restarts=1 if quick else 3), d.P, d.pairs),
                PAPER_TABLE1[f"No. {drop + 1}"],
            )
        )
    return out


def _table1(quick: bool) -> Outcome:
    res = _cyclic_runs(quick)
    val = "; ".join(
        f"drop {d} ({n} inst.): BT {100 * b:.1f}% vs GPM {100 * g:.1f}% (paper {p[0]} / {p[1]})"
        for d, n, b, g, p in res
    )
    return Outcome(
        value=val,
        numbers={"error": 1.0 - min(g for _, _, _, g, _ in res)},
        ci="one simulated sub-dataset each (20 labels/pair, flip 0.1, seeds 100+drop)",
        computed="tabular BT and GPM-2 penalised ML on paper-style 3-cycle sub-datasets; accuracy vs truth",
    )


def _random_guess_literal(quick: bool) -> Outcome:
    from simtheory.general_preference.cyclic import (
        accuracy,
        best_transitive_accuracy,
        cycle_matrix,
    )

    P = cycle_matrix(3)
    best = best_transitive_accuracy(P)
    # second, independent method: random score vectors (any BT model is a score vector)
    rng = np.random.default_rng(3)
    pairs = np.array([(0, 1), (1, 2), (2, 0)])
    r = rng.normal(size=(20_000, 3))
    acc = [accuracy(x[:, None] - x[None, :], P, pairs) for x in r]
    return Outcome(
        value=f"best BT accuracy on a 3-cycle = {best} (exact enumeration of weak orders); "
        f"max over 20000 random score vectors = {max(acc):.4f}",
        numbers={"estimate": float(best), "se": 0.0},
        computed="every BT model is a score vector r; accuracy of sign(r_i - r_j) on the 3 cyclic pairs",
    )


def _random_guess_fitted(quick: bool) -> Outcome:
    from scipy.special import expit

    from simtheory.bt import fit_bt

    worst = 0.0
    for a, b in ((14, 6), (19, 1), (11, 9)):  # i beats i+1 a times of a + b, around the cycle
        W = np.zeros((3, 3))
        for i in range(3):
            W[i, (i + 1) % 3], W[(i + 1) % 3, i] = a, b
        s = fit_bt(W).scores
        worst = max(worst, float(np.abs(expit(s[:, None] - s[None, :]) - 0.5).max()))
    return Outcome(
        value=f"ML BT on balanced 3-cycles (70/30, 95/5, 55/45 wins): max |P_BT - 1/2| = {worst:.1e} "
        "(paper-style noisy sub-datasets: see gpm.table1_cyclic)",
        numbers={"error": worst},
        computed="Newton ML fit of BT to balanced cyclic win counts, predicted probabilities on every pair",
    )


def _thm51(quick: bool) -> Outcome:
    from simtheory.general_preference.games import (
        RPS_PI0,
        gap_curve,
        loglog_slope,
        random_game,
        rock_paper_scissors,
    )

    Ts = np.unique(np.geomspace(100, 5000 if quick else 30_000, 8 if quick else 12).astype(int))
    parts, viol, cases = [], 0, 0
    rng = np.random.default_rng(21)
    for name, S, pi0 in [("RPS", rock_paper_scissors(), RPS_PI0), ("random n=8", random_game(8, rng), None)]:
        rows = gap_curve(S, Ts, pi0)
        slope, ci = loglog_slope(Ts, [r["gap"] for r in rows])
        viol += sum(r["gap"] > r["bound"] for r in rows)
        cases += len(rows)
        parts.append(
            f"{name}: slope {slope:.2f} [{ci[0]:.2f}, {ci[1]:.2f}], gap(T={Ts[-1]}) = {rows[-1]['gap']:.1e} "
            f"<= {rows[-1]['bound']:.1e}"
        )
    return Outcome(
        value="; ".join(parts),
        numbers={"violations": int(viol), "cases": int(cases)},
        ci=f"T = {Ts[0]}..{Ts[-1]} ({len(Ts)} horizons); slopes: 95% OLS CI (not part of the rule)",
        computed="duality gap of the averaged MWU/GPO policy (eta = sqrt(2 L / T)) vs LP Nash, against "
        "our explicit bound 2 sqrt(2 L / T)",
    )


_PC51 = "proofs_check/check_thm5_1_constant.py::"

for c in [
    Claim(
        "gpm.bt_special_case",
        DOC,
        "Sec. 4 (relation to BT)",
        "k = 2, v = [r, c] reduces GPM to sigmoid(r_i - r_j)",
        "exact identity",
        (TE + "test_bt_special_case", PC + "test_bt_special_case"),
        "pytest tests/general_preference/test_embedding.py::test_bt_special_case",
        _bt_case,
        rule=Identity(1e-12, "max |P_GPM - sigmoid|"),
        kind=IDENTITY,
        expected=HOLDS,
    ),
    Claim(
        "gpm.expressiveness",
        DOC,
        "Thm. 4.4, 4.5, A.2",
        "any real skew-symmetric P is exactly <R v_i, v_j> (and Im<u_i, u_j>)",
        "exact",
        (
            TE + "test_exact_embeddings_reconstruct",
            PC + "test_spectral_construction_thm_4_5",
            PC + "test_complex_form_thm_a2",
        ),
        "pytest tests/general_preference/test_embedding.py",
        _expressive,
        rule=Identity(1e-10, "max relative reconstruction error"),
        kind=THEOREM,
        expected=HOLDS,
    ),
    Claim(
        "gpm.prop_a1",
        DOC,
        "Prop. A.1",
        "skew-symmetric + magnitude preserving operator = Q R Q^T",
        "exact",
        (
            TE + "test_proposition_a1_numeric",
            PC + "test_2x2_skew_and_orthogonal_is_a_rotation_block",
            PC + "test_skew_orthogonal_squares_to_minus_identity",
        ),
        "pytest proofs_check/check_general_preference_block.py",
        _propA1,
        rule=Identity(1e-10, "max deviation"),
        kind=THEOREM,
        expected=HOLDS,
    ),
    Claim(
        "gpm.table1_cyclic",
        DOC,
        "Table 1, Sec. 6.2",
        "GPM fits cyclic sub-datasets at 100%",
        "BT 62.4 / 61.6 / 50.0 / 62.9 %, GPM 100 %",
        (TC + "test_paper_subdataset_beside_table1", TC + "test_trained_bt_vs_gpm_on_3cycles"),
        "python -m simtheory.run general_preference_cyclic",
        _table1,
        rule=Identity(0.0, "1 - min GPM accuracy"),
        figures=("paper_figs/general_preference/gpm_cyclic/gpm_accuracy_vs_dim.png",),
        kind=SIMULATION,
        expected=HOLDS,
    ),
    Claim(
        "gpm.bt_random_guess.literal",
        DOC,
        "Abstract / Sec. 1",
        "on cyclic preferences any BT reward model behaves like a random guess (read literally: no BT model beats 1/2)",
        "~50 %",
        (TC + "test_bt_ceiling_by_enumeration",),
        "pytest tests/general_preference/test_cyclic.py::test_bt_ceiling_by_enumeration",
        _random_guess_literal,
        rule=Inequality("<=", 0.5, "best accuracy of any BT model on a 3-cycle"),
        kind=THEOREM,
        expected=FAILS,
        note="The abstract says any BT reward model behaves like a random guess on cyclic preferences. Read "
        "literally this is false: exact enumeration of the weak orders of 3 items, and 20000 random score "
        "vectors, both give a best accuracy of 2/3 (the best ranking gets 2 of the 3 cyclic pairs). The "
        "paper's context (Sec. 6.2, Table 1) is trained BT models, where the statement holds "
        "(gpm.bt_random_guess.fitted): the claim is overstated, not false.",
    ),
    Claim(
        "gpm.bt_random_guess.fitted",
        DOC,
        "Sec. 6.2, Table 1 (context of the abstract)",
        "a maximum-likelihood BT model fitted to a balanced cycle predicts 1/2 on every pair",
        "~50 %",
        (TC + "test_trained_bt_vs_gpm_on_3cycles",),
        "pytest tests/general_preference/test_cyclic.py::test_trained_bt_vs_gpm_on_3cycles",
        _random_guess_fitted,
        rule=Identity(1e-8, "max |P_BT - 1/2| of the ML fit"),
        kind=THEOREM,
        expected=HOLDS,
        note="By the cyclic symmetry of a balanced cycle and the strict concavity of the BT log-likelihood "
        "(under the sum-zero gauge) the ML scores are equal, so every predicted probability is 1/2; the "
        "Newton fit confirms it. On noisy simulated sub-datasets the fitted BT lands at 51-52%, the "
        "paper's 50-63% comes from trained neural BT models on its own data.",
    ),
    Claim(
        "gpm.thm5_1_rate",
        DOC,
        "Thm. 5.1, App. C.4",
        "GPO averaged policy: duality gap O(1/sqrt(T)); checked against our explicit constant 2 sqrt(2 L / T)",
        "O(1/sqrt T) (no constant)",
        (TG + "test_gap_rate_theorem_5_1", TG + "test_nash_by_lp", _PC51 + "test_mwu_gap_constant_is_2_sqrt_2L_over_T"),
        "python paper_figs/make_general_preference.py",
        _thm51,
        rule=NoViolation("(game, T) horizons of gap <= 2 sqrt(2 L / T)"),
        figures=("paper_figs/general_preference/gpo_duality_gap.png",),
        kind=THEOREM,
        expected=HOLDS,
        note="The source fixes only the O(1/sqrt T) rate. The constant 2 sqrt(2 L / T) with eta = sqrt(2 L / T) "
        "is ours (Hoeffding's lemma over a payoff range of 2, and <pi, S pi> = 0 in self-play), derived in "
        "proofs_check/check_thm5_1_constant.py; the check is of that bound.",
    ),
]:
    register(c)
