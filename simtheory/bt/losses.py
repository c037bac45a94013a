"""Per-pair BT losses (tutorial: "PyTorch: the RLHF reward-model loss", "Numerical stability").

bt_loss: -log sigma(r_w - r_l) = softplus(-(r_w - r_l)), evaluated stably (np.logaddexp);
gradient: dL/dr_w = -(1 - p), dL/dr_l = +(1 - p), p = sigma(r_w - r_l).
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from simtheory.validation import check_finite_array, check_scalar


def bt_loss(r_w, r_l):
    """Elementwise softplus(-(r_w - r_l)); finite for any finite margin (no log(0))."""
    r_w = check_finite_array("r_w", r_w)
    r_l = check_finite_array("r_l", r_l)
    return np.logaddexp(0.0, -(r_w - r_l))


def bt_loss_grad(r_w, r_l):
    """(dL/dr_w, dL/dr_l) = (-(1-p), +(1-p)) with p = sigma(r_w - r_l)."""
    r_w = check_finite_array("r_w", r_w)
    r_l = check_finite_array("r_l", r_l)
    q = expit(-(r_w - r_l))  # 1 - p, computed without cancellation
    return -q, q


def margin_loss(r_w, r_l, margin):
    """Margin BT loss softplus(-(r_w - r_l - m)): asks r_w - r_l >= m for confidence tier m (InstructGPT/Llama 2)."""
    r_w = check_finite_array("r_w", r_w)
    r_l = check_finite_array("r_l", r_l)
    m = check_finite_array("margin", margin)
    if np.any(m < 0):
        raise ValueError("margin: must be >= 0")
    return np.logaddexp(0.0, -(r_w - r_l - m))


def reward_regularisation(r_w, r_l, lam=1e-3):
    """lambda * (r_w^2 + r_l^2) (tutorial value lambda = 1e-3) keeping rewards bounded."""
    lam = check_scalar("lam", lam, low=0.0)
    r_w = check_finite_array("r_w", r_w)
    r_l = check_finite_array("r_l", r_l)
    return lam * (r_w**2 + r_l**2)
