"""GPM operator and exact embeddings: Def. 4.2/4.3, BT special case (Sec. 4), Thms. 4.4, 4.5, A.2, Prop. A.1."""

import numpy as np
import pytest
from scipy.special import expit

from simtheory.general_preference import (
    block_form_of_operator,
    block_operator,
    complex_embeddings,
    complex_score_matrix,
    exact_embeddings_2k,
    preference_prob,
    preference_score,
    score_matrix,
    spectral_embeddings,
)
from simtheory.general_preference.embedding import random_skew, random_skew_orthogonal, relative_error
from simtheory.validation import SimTheoryInputError

KS = [2, 3, 4, 5, 8, 17, 32, 63, 64]


def test_operator_blocks_and_properties():
    R = block_operator(6)
    assert np.array_equal(R[:2, :2], [[0, -1], [1, 0]]) and np.all(R[:2, 2:] == 0)
    assert np.allclose(R.T, -R) and np.allclose(R.T @ R, np.eye(6))  # skew-symmetric, magnitude preserving
    rng = np.random.default_rng(1)
    V = rng.normal(size=(10, 6))
    S = score_matrix(V, gate=[0.5, 2.0, 1.0])
    assert np.allclose(S, -S.T) and np.allclose(np.diag(S), 0)
    p = preference_prob(V[:5], V[5:], unit_norm=True)
    assert np.allclose(p + preference_prob(V[5:], V[:5], unit_norm=True), 1.0)
    Vn = V / np.linalg.norm(V, axis=1, keepdims=True)
    assert np.allclose(preference_score(V[:5], V[5:], unit_norm=True), score_matrix(Vn)[np.arange(5), np.arange(5, 10)])


def test_bt_special_case():
    """k = 2, v_y = [r_y, c], c = 1: P(y_i > y_j) = sigmoid(r_i - r_j) exactly (Sec. 4, relation to BT)."""
    rng = np.random.default_rng(2)
    r = rng.normal(scale=3, size=200)
    V = np.column_stack([r, np.ones_like(r)])
    i, j = rng.integers(0, 200, size=(2, 1000))
    assert np.allclose(preference_prob(V[i], V[j]), expit(r[i] - r[j]), rtol=0, atol=1e-15)
    c = 0.7  # general c: score c (r_i - r_j)
    Vc = np.column_stack([r, np.full_like(r, c)])
    assert np.allclose(preference_score(Vc[i], Vc[j]), c * (r[i] - r[j]), atol=1e-12)


@pytest.mark.parametrize("k", KS)
def test_exact_embeddings_reconstruct(k):
    """Thms. 4.4 / 4.5 / A.2: 5 random P per k (seed 100 + k), relative Frobenius error <= 1e-10."""
    rng = np.random.default_rng(100 + k)
    for _ in range(5):
        P = random_skew(k, rng, scale=rng.uniform(0.1, 10))
        assert relative_error(P, score_matrix(exact_embeddings_2k(P))) <= 1e-10
        V, b = spectral_embeddings(P)
        assert V.shape[1] == 2 * (k // 2) and np.all(b > 0)
        assert relative_error(P, score_matrix(V)) <= 1e-10
        # gated form: unit-scale eigenvectors times the eigenvalue gate D = diag(b)
        assert relative_error(P, score_matrix(V / np.repeat(np.sqrt(b), 2), gate=b)) <= 1e-10
        assert relative_error(P, complex_score_matrix(complex_embeddings(P))) <= 1e-10


def test_low_rank_embedding_dimension():
    """A rank-2r skew matrix needs only 2r embedding dimensions (Schur form drops zero blocks)."""
    rng = np.random.default_rng(3)
    W = rng.normal(size=(20, 4))
    P = score_matrix(W)  # rank 4
    V, b = spectral_embeddings(P, tol=1e-10)
    assert V.shape == (20, 4) and relative_error(P, score_matrix(V)) <= 1e-10


def test_proposition_a1_numeric():
    """Prop. A.1: 20 random skew-symmetric orthogonal operators (seed 4) are Q R Q^T with Q orthogonal."""
    rng = np.random.default_rng(4)
    for d in (2, 4, 6, 8, 10):
        for _ in range(4):
            A = random_skew_orthogonal(d, rng)
            Q, B = block_form_of_operator(A)
            assert np.abs(Q.T @ Q - np.eye(d)).max() < 1e-10
            assert np.abs(B - block_operator(d)).max() < 1e-10
            assert np.allclose(Q @ block_operator(d) @ Q.T, A, atol=1e-10)
    with pytest.raises(SimTheoryInputError, match="^A: is not magnitude preserving"):
        block_form_of_operator(2 * block_operator(4))  # skew but scales norms
    with pytest.raises(SimTheoryInputError, match="^A: must be skew-symmetric"):
        block_form_of_operator(np.eye(4))  # magnitude preserving but symmetric


def test_bad_inputs():
    with pytest.raises(SimTheoryInputError, match="^dim: must be even"):
        block_operator(3)
    with pytest.raises(SimTheoryInputError, match="^P: must be skew-symmetric"):
        spectral_embeddings(np.ones((3, 3)))
    with pytest.raises(SimTheoryInputError, match="^gate: expected 2"):
        score_matrix(np.ones((3, 4)), gate=[1.0])
    with pytest.raises(SimTheoryInputError, match="^V: contains 1 NaN"):
        score_matrix(np.array([[np.nan, 1.0]]))
