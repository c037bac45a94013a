"""GPM on a torch device (cuda when available): embedding scores, pair scores, accuracy and the fit.

The same quantities as :mod:`.operator` and :mod:`.cyclic`, in float64 on ``device`` (default
:func:`simtheory.engine.devices.torch_device`: cuda when torch sees one, else cpu):

* :func:`score_matrix` - S[i, j] = <R D v_i, v_j> (eq. 4.1 with the scale gate of Sec. 4.2);
* :func:`pair_scores`  - s(y_i > y_j) for a list of index pairs, in batches (no n x n matrix);
* :func:`accuracy`     - fraction of labelled pairs whose sign(S) matches sign(P), ties 1/2 (as
  :func:`.cyclic.accuracy`; the sum of halves is exact, so the value equals the CPU's);
* :func:`fit_scores`   - the penalised maximum likelihood of :func:`.cyclic.fit_scores` by torch L-BFGS
  (strong Wolfe line search) from the same random starts.

Inputs are validated by the CPU functions' helpers before anything moves to the device.
"""

from __future__ import annotations

import numpy as np

from simtheory.engine.devices import torch_device
from simtheory.general_preference.operator import _gate, _prep, block_operator
from simtheory.validation import SimTheoryInputError, check_finite_array, check_positive_int

TIE = 1e-9  # as cyclic.TIE


def default_device() -> str:
    """cuda when torch sees a CUDA device, else cpu (``$SIMTHEORY_TORCH_DEVICE`` overrides)."""
    return torch_device()


def _t(a, dev, dtype=None):
    import torch

    return torch.as_tensor(np.ascontiguousarray(a), dtype=dtype or torch.float64, device=dev)


def score_matrix(V, gate=None, *, unit_norm: bool = False, device: str | None = None) -> np.ndarray:
    """S[i, j] = <R D v_i, v_j> for all rows of V (n x 2m) on ``device``; as :func:`.operator.score_matrix`.

    Raises
    ------
    SimTheoryInputError
        bad ``V`` / ``gate`` (as the CPU function) or ``device``.
    """
    V = _prep(V, gate, unit_norm, "V")
    d = _gate(gate, V.shape[1])
    dev = torch_device(device)
    RD = block_operator(V.shape[1]) * d[None, :]
    Vt = _t(V, dev)
    return (Vt @ _t(RD, dev).T @ Vt.T).cpu().numpy()


def _check_pairs(pairs, n: int) -> np.ndarray:
    p = np.asarray(pairs)
    if p.ndim != 2 or p.shape[1] != 2 or p.dtype.kind not in "iu":
        raise SimTheoryInputError("pairs", f"expected an (m, 2) integer array, got {p.dtype} shape {p.shape}")
    if p.size and (p.min() < 0 or p.max() >= n):
        raise SimTheoryInputError("pairs", f"indices must lie in [0, {n}), got [{p.min()}, {p.max()}]")
    return p.astype(np.int64)


def pair_scores(
    V, pairs, gate=None, *, unit_norm: bool = False, device: str | None = None, batch: int = 1 << 22
) -> np.ndarray:
    """s(y_i > y_j) = <R D v_i, v_j> for each row (i, j) of ``pairs`` (indices into the rows of V).

    Returns
    -------
    numpy array of length m (float64).
    """
    import torch

    V = _prep(V, gate, unit_norm, "V")
    p = _check_pairs(pairs, V.shape[0])
    batch = check_positive_int("batch", batch)
    d = _gate(gate, V.shape[1])
    dev = torch_device(device)
    Vt = _t(V, dev)
    RVt = Vt @ _t(block_operator(V.shape[1]) * d[None, :], dev).T  # rows (R D v_i)^T
    out = torch.empty(p.shape[0], dtype=torch.float64, device=dev)
    for lo in range(0, p.shape[0], batch):
        idx = _t(p[lo : lo + batch], dev, torch.int64)
        out[lo : lo + batch] = (RVt[idx[:, 0]] * Vt[idx[:, 1]]).sum(dim=1)
    return out.cpu().numpy()


def accuracy(S, P, pairs, *, device: str | None = None) -> float:
    """As :func:`.cyclic.accuracy`: share of labelled pairs with sign(S) = sign(P) (pairs with P = 0 skipped;
    |S| < 1e-9 counts 1/2), computed on ``device``."""
    import torch

    S = check_finite_array("S", S, ndim=2)
    P = check_finite_array("P", P, ndim=2)
    p = _check_pairs(pairs, min(S.shape[0], P.shape[0]))
    dev = torch_device(device)
    St, Pt, idx = _t(S, dev), _t(P, dev), _t(p, dev, torch.int64)
    s, q = St[idx[:, 0], idx[:, 1]], Pt[idx[:, 0], idx[:, 1]]
    keep = q != 0
    s, q = s[keep], q[keep]
    hit = torch.where(s.abs() < TIE, torch.full_like(s, 0.5), (torch.sign(s) == torch.sign(q)).to(torch.float64))
    return float(hit.sum().item() / hit.numel())


def nll(S, W) -> float:
    """Negative log-likelihood of the win counts W[i, j] (i beat j) under P(i > j) = sigmoid(S[i, j])."""
    S = check_finite_array("S", S, ndim=2)
    W = check_finite_array("W", W, ndim=2)
    off = ~np.eye(W.shape[0], dtype=bool)
    return float(-np.sum(W[off] * -np.logaddexp(0.0, -S[off])))


def fit_scores(
    W, dim: int, seed: int = 0, l2: float = 1e-3, restarts: int = 3, init_sd: float = 0.5, *, device: str | None = None
) -> np.ndarray:
    """Penalised ML fit of BT (dim = 1) or GPM (dim even) as :func:`.cyclic.fit_scores`, by torch L-BFGS on
    ``device`` from the same random starts; returns the fitted score matrix (numpy)."""
    import torch

    from simtheory.general_preference.cyclic import _pair_arrays

    W = check_finite_array("W", W, ndim=2)
    dim = check_positive_int("dim", dim)
    if dim != 1 and dim % 2:
        raise SimTheoryInputError("dim", f"must be 1 (BT) or even (GPM), got {dim}")
    n = W.shape[0]
    dev = torch_device(device)
    i, j, wij, wji = _pair_arrays(W)
    it, jt = _t(i, dev, torch.int64), _t(j, dev, torch.int64)
    wij_t, wji_t = _t(wij, dev), _t(wji, dev)
    R = _t(block_operator(dim), dev) if dim > 1 else None
    logsig = torch.nn.functional.logsigmoid

    def loss_of(theta):
        if dim == 1:
            s = theta[it] - theta[jt]
        else:
            V = theta.view(n, dim)
            s = ((V[it] @ R.T) * V[jt]).sum(dim=1)
        return -(wij_t * logsig(s) + wji_t * logsig(-s)).sum() + l2 * (theta**2).sum()

    rng = np.random.default_rng(seed)
    best, best_loss = np.zeros(n * max(dim, 1)), np.inf
    for _ in range(1 if dim == 1 else restarts):
        x0 = np.zeros(n) if dim == 1 else rng.normal(scale=init_sd, size=n * dim)
        theta = _t(x0, dev).requires_grad_(True)
        opt = torch.optim.LBFGS(
            [theta],
            lr=1.0,
            max_iter=5000,
            tolerance_grad=1e-9,
            tolerance_change=1e-15,
            history_size=20,
            line_search_fn="strong_wolfe",
        )

        def closure(opt=opt, theta=theta):
            opt.zero_grad()
            val = loss_of(theta)
            val.backward()
            return val

        opt.step(closure)
        with torch.no_grad():
            val = float(loss_of(theta))
        if val < best_loss or not np.isfinite(best_loss):
            best, best_loss = theta.detach().cpu().numpy(), val
    if dim == 1:
        return best[:, None] - best[None, :]
    V = best.reshape(n, dim)
    return V @ block_operator(dim).T @ V.T
