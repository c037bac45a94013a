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

from simtheory.general_preference.operator import block_operator
from simtheory.validation import SimTheoryInputError, check_finite_array


def check_skew(P, name: str = "P", rtol: float = 1e-12) -> np.ndarray:
    """Validate a square, finite, skew-symmetric matrix (|P + P^T| <= rtol * max(1, max|P|)); one-line errors."""
    P = check_finite_array(name, P, ndim=2)
    if P.shape[0] != P.shape[1]:
        raise SimTheoryInputError(name, f"must be square, got shape {P.shape}")
    scale = max(float(np.abs(P).max()), 1.0)
    if np.abs(P + P.T).max() > rtol * scale:
        raise SimTheoryInputError(name, f"must be skew-symmetric (max |P + P^T| = {np.abs(P + P.T).max():.3g})")
    return P


def exact_embeddings_2k(P) -> np.ndarray:
    """Exact 2k-dimensional embeddings of any skew-symmetric P (Theorem 4.4).

    Block l of v_i is (delta_il, -P[i, l] / 2), so that <R v_i, v_j> = P[i, j].

    Parameters
    ----------
    P : array_like
        ``k x k`` real skew-symmetric matrix.

    Returns
    -------
    numpy.ndarray
        ``k x 2k`` embeddings V with ``score_matrix(V) == P``.

    Raises
    ------
    SimTheoryInputError
        If P is not square, finite and skew-symmetric.

    Examples
    --------
    >>> import numpy as np
    >>> from simtheory.general_preference import score_matrix
    >>> P = np.array([[0.0, 1.0, -2.0], [-1.0, 0.0, 0.5], [2.0, -0.5, 0.0]])
    >>> bool(np.allclose(score_matrix(exact_embeddings_2k(P)), P))
    True
    """
    P = check_skew(P)
    k = P.shape[0]
    V = np.empty((k, 2 * k))
    V[:, 0::2] = np.eye(k)
    V[:, 1::2] = -P / 2.0
    return V


def spectral_embeddings(P, tol: float = 1e-13) -> tuple[np.ndarray, np.ndarray]:
    """Spectral embeddings from the real Schur form P = Q T Q^T (Theorem 4.5).

    Parameters
    ----------
    P : array_like
        ``k x k`` real skew-symmetric matrix.
    tol : float
        Blocks with b_l <= tol * max|P| are dropped (zero eigenvalues).

    Returns
    -------
    V : numpy.ndarray
        ``k x 2m`` embeddings, m = number of kept 2x2 blocks, coordinates scaled by sqrt(b_l), so that
        ``score_matrix(V) == P``; ``score_matrix(V / sqrt(b), gate=b)`` is the gated form.
    b : numpy.ndarray
        The ``m`` eigenvalue scales b_l >= 0.

    Examples
    --------
    >>> import numpy as np
    >>> from simtheory.general_preference import score_matrix
    >>> P = np.array([[0.0, 1.0, -2.0], [-1.0, 0.0, 0.5], [2.0, -0.5, 0.0]])
    >>> V, b = spectral_embeddings(P)
    >>> V.shape, bool(np.allclose(score_matrix(V), P))
    ((3, 2), True)
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
    """Complex embeddings with Im(u_i^H u_j) = P[i, j] (Theorem A.2).

    Parameters
    ----------
    P : array_like
        ``k x k`` real skew-symmetric matrix.

    Returns
    -------
    numpy.ndarray
        ``k x m`` complex embeddings, u = x + i y over the 2x2 blocks of :func:`spectral_embeddings`.

    Examples
    --------
    >>> import numpy as np
    >>> P = np.array([[0.0, 1.0], [-1.0, 0.0]])
    >>> bool(np.allclose(complex_score_matrix(complex_embeddings(P)), P))
    True
    """
    V, _ = spectral_embeddings(P)
    return V[:, 0::2] + 1j * V[:, 1::2]


def complex_score_matrix(U) -> np.ndarray:
    """Scores of complex embeddings, S[i, j] = Im(sum_l conj(u_il) u_jl) (Appendix A.1).

    Parameters
    ----------
    U : array_like
        ``k x m`` complex embeddings.

    Returns
    -------
    numpy.ndarray
        ``k x k`` real skew-symmetric score matrix.

    Examples
    --------
    >>> complex_score_matrix([[1.0 + 0j], [1j]]).tolist()
    [[0.0, 1.0], [-1.0, 0.0]]
    """
    U = check_finite_array("U", U, ndim=2, dtype=complex)
    return np.imag(U.conj() @ U.T)


def relative_error(P, S) -> float:
    """||S - P||_F / ||P||_F (0 when P = 0 and S = 0)."""
    den = np.linalg.norm(P)
    return float(np.linalg.norm(S - P) / den) if den > 0 else float(np.linalg.norm(S))


def block_form_of_operator(A, tol: float = 1e-10) -> tuple[np.ndarray, np.ndarray]:
    """Block form of a skew-symmetric, magnitude-preserving operator: A = Q R Q^T (Proposition A.1).

    Parameters
    ----------
    A : array_like
        ``d x d`` operator, d even.
    tol : float
        Tolerance of the skew-symmetry and A^T A = I checks.

    Returns
    -------
    Q : numpy.ndarray
        Orthogonal ``d x d`` matrix.
    B : numpy.ndarray
        Q^T A Q, equal to ``block_operator(d)`` up to ``tol``.

    Raises
    ------
    SimTheoryInputError
        If A is not skew-symmetric, not magnitude preserving, or of odd dimension.

    Examples
    --------
    >>> import numpy as np
    >>> from simtheory.general_preference import block_operator
    >>> Q, B = block_form_of_operator(block_operator(4))
    >>> bool(np.allclose(B, block_operator(4)))
    True
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
    """A random ``k x k`` skew-symmetric matrix (G - G^T) / 2 with G iid N(0, scale^2)."""
    G = rng.normal(scale=scale, size=(k, k))
    return (G - G.T) / 2.0


def random_skew_orthogonal(d: int, rng: np.random.Generator) -> np.ndarray:
    """A random operator Q R Q^T with Q Haar-orthogonal (the family of Proposition A.1)."""
    from scipy.stats import ortho_group

    Q = ortho_group.rvs(d, random_state=rng)
    return Q @ block_operator(d) @ Q.T
