"""Skew-symmetric preference operator R (Definition 4.2) and preference score (eq. 4.1, Sec. 4.2).

Convention: R is block-diagonal with 2x2 blocks [[0, -1], [1, 0]]; the score of y_i over y_j is
s(y_i > y_j) = <R D v_i, v_j> = v_j^T R D v_i, with D = diag(lambda_1, lambda_1, lambda_2, lambda_2, ...)
the eigenvalue scale gate (lambda_l >= 0; identity when omitted), and P(y_i > y_j) = sigmoid(s).
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from simtheory.validation import SimTheoryInputError, check_finite_array, check_positive_int

BLOCK = np.array([[0.0, -1.0], [1.0, 0.0]])


def block_operator(dim: int) -> np.ndarray:
    """The skew-symmetric operator R of Definition 4.2.

    Parameters
    ----------
    dim : int
        Embedding dimension, even and >= 2.

    Returns
    -------
    numpy.ndarray
        ``dim x dim`` block-diagonal matrix with 2x2 blocks [[0, -1], [1, 0]].

    Raises
    ------
    SimTheoryInputError
        If ``dim`` is odd or < 2.

    Examples
    --------
    >>> block_operator(2).tolist()
    [[0.0, -1.0], [1.0, 0.0]]
    """
    dim = check_positive_int("dim", dim, minimum=2)
    if dim % 2:
        raise SimTheoryInputError("dim", f"must be even (2x2 blocks), got {dim}")
    return np.kron(np.eye(dim // 2), BLOCK)


def _prep(V, gate, unit_norm: bool, name: str) -> np.ndarray:
    V = check_finite_array(name, V)
    if V.ndim == 1:
        V = V[None, :]
    if V.ndim != 2 or V.shape[1] % 2:
        raise SimTheoryInputError(name, f"expected (n, 2m) embeddings with an even last axis, got shape {V.shape}")
    if unit_norm:
        nrm = np.linalg.norm(V, axis=1, keepdims=True)
        if np.any(nrm == 0):
            raise SimTheoryInputError(name, "unit_norm=True needs non-zero embeddings")
        V = V / nrm
    return V


def _gate(gate, dim: int) -> np.ndarray:
    if gate is None:
        return np.ones(dim)
    g = check_finite_array("gate", gate, ndim=1)
    if g.shape[0] != dim // 2:
        raise SimTheoryInputError(
            "gate", f"expected {dim // 2} eigenvalue scales (one per 2x2 block), got {g.shape[0]}"
        )
    if np.any(g < 0):
        raise SimTheoryInputError("gate", "eigenvalue scales must be >= 0")
    return np.repeat(g, 2)


def score_matrix(V, gate=None, *, unit_norm: bool = False) -> np.ndarray:
    """All pairwise scores S[i, j] = <R D v_i, v_j> (eq. 4.1); S is skew-symmetric.

    Parameters
    ----------
    V : array_like
        ``n x 2m`` embeddings.
    gate : array_like, optional
        ``m`` eigenvalue scales lambda_l >= 0 (Sec. 4.2); identity when omitted.
    unit_norm : bool
        Normalise each embedding to unit length first.

    Returns
    -------
    numpy.ndarray
        ``n x n`` score matrix.

    Examples
    --------
    >>> S = score_matrix([[1.0, 0.0], [0.0, 1.0]])
    >>> S.tolist()
    [[0.0, 1.0], [-1.0, 0.0]]
    """
    V = _prep(V, gate, unit_norm, "V")
    d = _gate(gate, V.shape[1])
    R = block_operator(V.shape[1])
    return V @ (R * d[None, :]).T @ V.T


def preference_score(v_i, v_j, gate=None, *, unit_norm: bool = False) -> np.ndarray:
    """Preference score s(y_i > y_j) = <R D v_i, v_j> (eq. 4.1 with the scale gate of Sec. 4.2).

    Parameters
    ----------
    v_i, v_j : array_like
        Embeddings, one per row (``2m`` columns); rows are paired.
    gate : array_like, optional
        ``m`` eigenvalue scales lambda_l >= 0; identity when omitted.
    unit_norm : bool
        Normalise the embeddings to unit length first.

    Returns
    -------
    numpy.ndarray
        One score per row pair; s(y_j > y_i) = -s(y_i > y_j).

    Examples
    --------
    >>> preference_score([1.0, 0.0], [0.0, 1.0]).tolist()
    [1.0]
    """
    Vi = _prep(v_i, gate, unit_norm, "v_i")
    Vj = _prep(v_j, gate, unit_norm, "v_j")
    if Vi.shape[1] != Vj.shape[1]:
        raise SimTheoryInputError("v_j", f"dimension {Vj.shape[1]} differs from v_i's {Vi.shape[1]}")
    d = _gate(gate, Vi.shape[1])
    R = block_operator(Vi.shape[1])
    return np.einsum("nk,nk->n", (Vi * d) @ R.T, Vj)


def preference_prob(v_i, v_j, gate=None, *, unit_norm: bool = False) -> np.ndarray:
    """Preference probability P(y_i > y_j) = sigmoid(s(y_i > y_j)) (eq. 4.1).

    Parameters
    ----------
    v_i, v_j, gate, unit_norm
        As in :func:`preference_score`.

    Returns
    -------
    numpy.ndarray
        Probabilities in (0, 1); P(y_j > y_i) = 1 - P(y_i > y_j).

    Examples
    --------
    >>> round(float(preference_prob([1.0, 0.0], [0.0, 1.0])[0]), 4)
    0.7311
    """
    return expit(preference_score(v_i, v_j, gate, unit_norm=unit_norm))
