"""Exact embeddings of a real skew-symmetric matrix P (Theorems 4.4, 4.5, A.2) and Proposition A.1.

With score S[i, j] = <R v_i, v_j> (see :mod:`.operator`):

* :func:`exact_embeddings_2k` - Theorem 4.4, dimension 2k: block l pairs (e_i[l], -P[i, l] / 2).
* :func:`spectral_embeddings` - Theorem 4.5 via the real Schur form P = Q T Q^T (scipy.linalg.schur):
  T has 2x2 blocks b_l [[0, 1], [-1, 0]]; v_i = i-th row of Q |b|^{1/2} (dimension 2 * #non-zero blocks).
* :func:`complex_embeddings` - Theorem A.2: u_i = x_i + i y_i from the block coordinates, so that
  P[i, j] = Im(u_i^H u_j) (Hermitian product conjugate-linear in the first argument).
"""
from __future__ import annotations

import numpy as np
from scipy.linalg import schur

from simtheory.validation import SimTheoryInputError, check_finite_array
from simtheory.general_preference.operator import block_operator


def check_skew(P, name: str = "P", rtol: float = 1e-12) -> np.ndarray:
    P = check_finite_array(name, P, ndim=2)
    if P.shape[0] != P.shape[1]:
        raise SimTheoryInputError(name, f"must be square, got shape {P.shape}")
    scale = max(float(np.abs(P).max()), 1.0)
    if np.abs(P + P.T).max() > rtol * scale:
        raise SimTheoryInputError(name, f"must be skew-symmetric (max |P + P^T| = {np.abs(P + P.T).max():.3g})")
    return P


def exact_embeddings_2k(P) -> np.ndarray:
    """Theorem 4.4: V (k x 2k) with <R v_i, v_j> = P[i, j]; block l of v_i is (delta_il, -P[i, l] / 2)."""
    P = check_skew(P)
    k = P.shape[0]
    V = np.empty((k, 2 * k))
    V[:, 0::2] = np.eye(k)
    V[:, 1::2] = -P / 2.0
    return V


def spectral_embeddings(P, tol: float = 1e-13) -> tuple[np.ndarray, np.ndarray]:
    """Theorem 4.5: real Schur form P = Q T Q^T; returns (V, eigenvalue scales b_l >= 0).

    V has 2m columns, m = number of 2x2 blocks with b_l > tol * ||P||; the blocks' coordinates are scaled by
    sqrt(b_l), so ``score_matrix(V)`` = P; ``score_matrix(V / sqrt(b), gate=b)`` is the gated form.
    """
    P = check_skew(P)
    k = P.shape[0]
    T, Q = schur(P, output="real")
    norm = max(float(np.abs(P).max()), 1e-300)
    cols, scales = [], []
    i = 0
    while i < k:
        if i + 1 < k and abs(T[i + 1, i]) > tol * norm:
            b = T[i, i + 1]  # block b [[0, 1], [-1, 0]] = b R^T; T[i+1, i] = -b
            qa, qb = Q[:, i], Q[:, i + 1]
            if b < 0:  # swap the pair so the block reads |b| R^T
                qa, qb, b = qb, qa, -b
            cols += [qa * np.sqrt(b), qb * np.sqrt(b)]
            scales.append(b)
            i += 2
        else:
            i += 1  # 1x1 block: zero eigenvalue, contributes nothing
    if not cols:
        return np.zeros((k, 2)), np.zeros(1)
    return np.column_stack(cols), np.array(scales)


def complex_embeddings(P) -> np.ndarray:
    """Theorem A.2: U (k x m complex) with Im(u_i^H u_j) = P[i, j]; u = x + i y over the 2x2 blocks."""
    V, _ = spectral_embeddings(P)
    return V[:, 0::2] + 1j * V[:, 1::2]


def complex_score_matrix(U) -> np.ndarray:
    """S[i, j] = Im(<u_i, u_j>) = Im(sum_l conj(u_il) u_jl) (Appendix A.1)."""
    U = check_finite_array("U", U, ndim=2, dtype=complex)
    return np.imag(U.conj() @ U.T)


def relative_error(P, S) -> float:
    """||S - P||_F / ||P||_F (0 when P = 0 and S = 0)."""
    den = np.linalg.norm(P)
    return float(np.linalg.norm(S - P) / den) if den > 0 else float(np.linalg.norm(S))


def block_form_of_operator(A, tol: float = 1e-10) -> tuple[np.ndarray, np.ndarray]:
    """Proposition A.1: an operator that is skew-symmetric and magnitude preserving equals Q R Q^T, Q orthogonal.

    Checks both properties (errors name ``A``), computes the real Schur form and returns (Q, block matrix)
    with Q orthogonal and Q^T A Q = block_operator(d) up to ``tol``.
    """
    A = check_skew(A, "A", rtol=tol)
    d = A.shape[0]
    if d % 2:
        raise SimTheoryInputError("A", f"a skew-symmetric magnitude-preserving operator needs even dimension, got {d}")
    if np.abs(A.T @ A - np.eye(d)).max() > tol:
        raise SimTheoryInputError("A", "is not magnitude preserving (A^T A != I)")
    T, Q = schur(A, output="real")
    Q = Q.copy()
    for i in range(0, d, 2):
        if T[i + 1, i] < 0:  # block [[0, 1], [-1, 0]]: swap the pair of Schur vectors
            Q[:, [i, i + 1]] = Q[:, [i + 1, i]]
    B = Q.T @ A @ Q
    return Q, B


def random_skew(k: int, rng: np.random.Generator, scale: float = 1.0) -> np.ndarray:
    G = rng.normal(scale=scale, size=(k, k))
    return (G - G.T) / 2.0


def random_skew_orthogonal(d: int, rng: np.random.Generator) -> np.ndarray:
    """A random operator Q R Q^T with Q Haar-orthogonal (the family of Proposition A.1)."""
    from scipy.stats import ortho_group

    Q = ortho_group.rvs(d, random_state=rng)
    return Q @ block_operator(d) @ Q.T
