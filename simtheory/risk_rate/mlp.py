"""Siamese MLP Bradley-Terry fits (eq. 9) in PyTorch (CPU), the width/depth rule and Delta_n (eq. 10).

Model: r_hat = MLP(psi) (ReLU, ``depth`` hidden layers of ``width`` units, scalar output); the probability that
the first of a pair is preferred is sigmoid(r_hat(Psi1) - r_hat(Psi2)) = softmax(r_hat(Psi1), r_hat(Psi2))_1,
anti-symmetric by construction. Loss: the cross-entropy of eq. 9.

Architecture rule (following the conditions of Theorem 10 / Bos and Schmidt-Hieber 2022 as far as practical):
depth L ~ log n  ->  L = max(2, ceil(log10 n)) hidden layers;
width >= n phi_n ~ n^{d/((1+alpha)beta + d)}  ->  width = clip(round(c_w n^{d/((1+alpha)beta+d)}), w_min, w_max)
(c_w = 2, w in [16, 64] by default: the cap is a CPU-budget compromise that binds for large d).
Not followed: the theorem's networks are *sparse* (s ~ n phi_n log n active weights) with bounded weights and an
exact empirical-risk minimiser; we train dense networks with Adam and early stopping on a 20% validation split
of the n labelled pairs (so the risk is that of a practical fit, and Delta_n measures how far it is from the
best training loss we found).

Delta_n (eq. 10) is estimated as L_CE(p_hat) - min_k L_CE(p_hat_k) over ``restarts`` independent
initialisations trained the same way on the same data (p_hat = restart 0); it is 0 when restarts = 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from simtheory.validation import check_positive_int, check_scalar


def architecture(
    n: int, beta: float, d: int, alpha: float, c_w: float = 2.0, w_min: int = 16, w_max: int = 64
) -> tuple[int, int]:
    """(width, depth) of the rule in the module docstring."""
    n = check_positive_int("n", n)
    k = (1.0 + check_scalar("alpha", alpha, low=0.0)) * check_scalar("beta", beta, low=0.0, low_open=True)
    d = check_positive_int("d", d)
    width = int(np.clip(round(c_w * n ** (d / (k + d))), w_min, w_max))
    depth = max(2, math.ceil(math.log10(n)))
    return width, depth


def _net(d: int, width: int, depth: int):
    import torch.nn as nn

    layers, fan_in = [], d
    for _ in range(depth):
        layers += [nn.Linear(fan_in, width), nn.ReLU()]
        fan_in = width
    layers.append(nn.Linear(fan_in, 1))
    return nn.Sequential(*layers)


class SiameseBT:
    """A trained Siamese reward model: ``reward(psi)`` and ``prob(psi1, psi2)`` (numpy in, numpy out)."""

    def __init__(self, net):
        self.net = net

    def reward(self, psi: np.ndarray) -> np.ndarray:
        import torch

        dev = next(self.net.parameters()).device
        with torch.no_grad():
            return self.net(torch.as_tensor(psi, dtype=torch.float32, device=dev)).squeeze(-1).double().cpu().numpy()

    def logit(self, psi1, psi2) -> np.ndarray:
        return self.reward(psi1) - self.reward(psi2)

    def prob(self, psi1, psi2) -> np.ndarray:
        from scipy.special import expit

        return expit(self.logit(psi1, psi2))


def cross_entropy(logit: np.ndarray, y: np.ndarray) -> float:
    """Mean CE of eq. 9 for logits r_hat(Psi1) - r_hat(Psi2) and labels y (1 = first preferred)."""
    return float(np.mean(np.logaddexp(0.0, -logit) * y + np.logaddexp(0.0, logit) * (1.0 - y)))


@dataclass
class FitResult:
    model: SiameseBT
    train_loss: float  # eq. 9 on the training split
    val_loss: float
    steps: int
    best_step: int


def fit_siamese_bt(
    psi1,
    psi2,
    y,
    *,
    width: int,
    depth: int,
    seed: int,
    lr: float = 2e-3,
    max_steps: int = 3000,
    batch_size: int | None = None,
    val_frac: float = 0.2,
    eval_every: int = 50,
    patience: int = 8,
    device: str | None = None,
) -> FitResult:
    """Adam on eq. 9 with early stopping on a ``val_frac`` split (best validation state restored).

    ``device``: torch device (default: cuda when available, see :func:`simtheory.engine.devices.torch_device`)."""
    import torch

    from simtheory.engine.devices import torch_device
    from simtheory.runner.determinism import torch_training

    dev = torch_device(device)

    check_positive_int("width", width)
    check_positive_int("depth", depth)
    check_positive_int("max_steps", max_steps)
    check_scalar("val_frac", val_frac, low=0.0, high=0.5, high_open=True)
    n = len(y)
    with torch_training(int(seed)) as g:
        net = _net(psi1.shape[1], width, depth).to(dev)
        perm = np.random.default_rng(seed).permutation(n)
        n_val = int(round(val_frac * n))
        iv, it = perm[:n_val], perm[n_val:]
        T = lambda a: torch.as_tensor(np.ascontiguousarray(a), dtype=torch.float32, device=dev)
        a1, a2, ya = T(psi1[it]), T(psi2[it]), T(y[it])
        v1, v2, vy = T(psi1[iv]), T(psi2[iv]), T(y[iv])
        bs = batch_size or int(np.clip(len(it) // 20, 32, 512))
        opt = torch.optim.Adam(net.parameters(), lr=lr)
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=max_steps, eta_min=lr / 20)
        lossf = torch.nn.BCEWithLogitsLoss()
        best, best_state, best_step, bad, step = math.inf, None, 0, 0, 0
        m = len(it)
        while step < max_steps:
            order = torch.randperm(m, generator=g).to(dev)
            for s in range(0, m, bs):
                idx = order[s : s + bs]
                opt.zero_grad()
                loss = lossf(net(a1[idx]).squeeze(-1) - net(a2[idx]).squeeze(-1), ya[idx])
                loss.backward()
                opt.step()
                sched.step()
                step += 1
                if step % eval_every == 0 or step == max_steps:
                    if n_val:
                        with torch.no_grad():
                            vl = float(lossf(net(v1).squeeze(-1) - net(v2).squeeze(-1), vy))
                    else:
                        vl = -step
                    if vl < best - 1e-6:
                        best, bad, best_step = vl, 0, step
                        best_state = {k: v.clone() for k, v in net.state_dict().items()}
                    else:
                        bad += 1
                if step >= max_steps or bad >= patience:
                    break
            if bad >= patience:
                break
        if best_state is not None:
            net.load_state_dict(best_state)
    model = SiameseBT(net)
    tl = cross_entropy(model.logit(psi1[it], psi2[it]), y[it])
    return FitResult(model, tl, float(best) if n_val else float("nan"), step, best_step)
