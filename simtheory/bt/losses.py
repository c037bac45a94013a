"""Per-pair BT losses (tutorial: "PyTorch: the RLHF reward-model loss", "Numerical stability").

bt_loss: -log sigma(r_w - r_l) = softplus(-(r_w - r_l)), evaluated stably (np.logaddexp);
gradient: dL/dr_w = -(1 - p), dL/dr_l = +(1 - p), p = sigma(r_w - r_l).
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from simtheory.validation import check_finite_array, check_scalar


def bt_loss(r_w, r_l):
    """Per-pair BT loss -log sigma(r_w - r_l) = softplus(-(r_w - r_l)) (tutorial "Numerical stability").

    Finite for any finite margin (no log(0)).

    Parameters
    ----------
    r_w, r_l : array_like
        Rewards of the preferred and the rejected response (broadcastable).

    Returns
    -------
    numpy.ndarray
        Elementwise loss.

    Raises
    ------
    SimTheoryInputError
        Non-finite rewards.

    Examples
    --------
    >>> from simtheory.bt import bt_loss
    >>> bt_loss([2.0, 0.0, -50.0], [0.0, 0.0, 0.0]).round(4)
    array([ 0.1269,  0.6931, 50.    ])
    """
    r_w = check_finite_array("r_w", r_w)
    r_l = check_finite_array("r_l", r_l)
    return np.logaddexp(0.0, -(r_w - r_l))


def bt_loss_grad(r_w, r_l):
    """Gradient of :func:`bt_loss`: (dL/dr_w, dL/dr_l) = (-(1-p), +(1-p)), p = sigma(r_w - r_l) (tutorial).

    Parameters
    ----------
    r_w, r_l : array_like
        Rewards of the preferred and the rejected response.

    Returns
    -------
    d_rw, d_rl : numpy.ndarray
        Partial derivatives with respect to r_w and r_l.

    Raises
    ------
    SimTheoryInputError
        Non-finite rewards.

    Examples
    --------
    >>> from simtheory.bt import bt_loss_grad
    >>> bt_loss_grad([0.0], [0.0])
    (array([-0.5]), array([0.5]))
    """
    r_w = check_finite_array("r_w", r_w)
    r_l = check_finite_array("r_l", r_l)
    q = expit(-(r_w - r_l))  # 1 - p, computed without cancellation
    return -q, q


def margin_loss(r_w, r_l, margin):
    """Margin BT loss softplus(-(r_w - r_l - m)): asks r_w - r_l >= m for confidence tier m (InstructGPT/Llama 2).

    Parameters
    ----------
    r_w, r_l : array_like
        Rewards of the preferred and the rejected response.
    margin : array_like
        Non-negative margin m per pair (broadcastable).

    Returns
    -------
    numpy.ndarray
        Elementwise loss.

    Raises
    ------
    SimTheoryInputError
        Non-finite inputs.
    ValueError
        A negative margin.

    Examples
    --------
    >>> from simtheory.bt import margin_loss
    >>> margin_loss([2.0], [0.0], [1.0]).round(4)
    array([0.3133])
    """
    r_w = check_finite_array("r_w", r_w)
    r_l = check_finite_array("r_l", r_l)
    m = check_finite_array("margin", margin)
    if np.any(m < 0):
        raise ValueError("margin: must be >= 0")
    return np.logaddexp(0.0, -(r_w - r_l - m))


def reward_regularisation(r_w, r_l, lam=1e-3):
    """Reward regularisation lambda * (r_w^2 + r_l^2) (tutorial value lambda = 1e-3) keeping rewards bounded.

    Parameters
    ----------
    r_w, r_l : array_like
        Rewards of the preferred and the rejected response.
    lam : float, default 1e-3
        Non-negative weight lambda.

    Returns
    -------
    numpy.ndarray
        Elementwise penalty.

    Raises
    ------
    SimTheoryInputError
        Negative lam or non-finite rewards.

    Examples
    --------
    >>> from simtheory.bt import reward_regularisation
    >>> reward_regularisation([1.0], [2.0])
    array([0.005])
    """
    lam = check_scalar("lam", lam, low=0.0)
    r_w = check_finite_array("r_w", r_w)
    r_l = check_finite_array("r_l", r_l)
    return lam * (r_w**2 + r_l**2)
