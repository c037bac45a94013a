"""Reward models fitted to annotated pairs (:class:`~.data.PairData`); each returns ``score(X) -> reward``.

* ``bt_mlp``    - Bradley-Terry with a Siamese MLP (shared weights), loss softplus(-(2y-1)(r(x1) - r(x2)))
                  = the cross-entropy form of eq. 20 (PyTorch; cuda when available, see
                  :func:`simtheory.engine.devices.torch_device`, option ``device``);
* ``clf_mlp``   - Section 3.3: an MLP classifier on single prompt-response embeddings, the first response
                  labelled y and the second 1 - y; the logit is the reward (PyTorch);
* ``clf_lgb``   - the same classification objective with a LightGBM classifier (raw score = reward);
* ``linear_bt`` - linear BT baseline: ``statsmodels`` Logit of y on x1 - x2 (no intercept), reward = x @ w.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from simtheory.validation import SimTheoryInputError, check_choice, check_positive_int

MODELS = ("bt_mlp", "clf_mlp", "clf_lgb", "linear_bt")
LABELS = {"bt_mlp": "BT-MLP", "clf_mlp": "CLF-MLP", "clf_lgb": "CLF-LGB", "linear_bt": "linear BT"}

Scorer = Callable[[np.ndarray], np.ndarray]


def _mlp(d: int, hidden: int):
    import torch

    return torch.nn.Sequential(torch.nn.Linear(d, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, hidden),
                               torch.nn.ReLU(), torch.nn.Linear(hidden, 1))


def _torch_scorer(net) -> Scorer:
    import torch

    dev = next(net.parameters()).device

    def score(x: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            t = torch.as_tensor(np.asarray(x, dtype=np.float32).reshape(-1, x.shape[-1]), device=dev)
            return net(t).squeeze(-1).cpu().numpy().astype(float).reshape(x.shape[:-1])
    return score


def _train(net, loss_fn, tensors, n: int, opts: dict, rng: np.random.Generator) -> None:
    import torch

    opt = torch.optim.Adam(net.parameters(), lr=float(opts.get("lr", 3e-3)),
                           weight_decay=float(opts.get("weight_decay", 1e-5)))
    bs = int(opts.get("batch_size", 256))
    for _ in range(int(opts.get("epochs", 10))):
        perm = torch.as_tensor(rng.permutation(n), device=tensors[0].device)
        for s in range(0, n, bs):
            idx = perm[s:s + bs]
            opt.zero_grad()
            loss = loss_fn(*(t[idx] for t in tensors))
            loss.backward()
            opt.step()


def fit_bt_mlp(data, rng, **opts) -> Scorer:
    """Siamese BT reward model (eq. 20 as cross-entropy): shared MLP r, P(y = 1) = sigmoid(r(x1) - r(x2))."""
    import torch

    from simtheory.engine.devices import torch_device

    dev = torch_device(opts.get("device"))
    torch.manual_seed(int(rng.integers(2**31)))
    net = _mlp(data.x1.shape[1], int(opts.get("hidden", 32))).to(dev)
    x1 = torch.as_tensor(data.x1, dtype=torch.float32, device=dev)
    x2 = torch.as_tensor(data.x2, dtype=torch.float32, device=dev)
    s = torch.as_tensor(2.0 * data.y - 1.0, dtype=torch.float32, device=dev)

    def loss(a, b, sign):
        return torch.nn.functional.softplus(-sign * (net(a) - net(b)).squeeze(-1)).mean()

    _train(net, loss, (x1, x2, s), data.n, opts, rng)
    return _torch_scorer(net)


def classification_set(data) -> tuple[np.ndarray, np.ndarray]:
    """Section 3.3: each annotated pair gives two labelled items (x1, y) and (x2, 1 - y)."""
    return np.concatenate([data.x1, data.x2]), np.concatenate([data.y, 1 - data.y])


def fit_clf_mlp(data, rng, **opts) -> Scorer:
    """MLP classifier of 'this response won its comparison'; its logit is the reward (Section 3.3)."""
    import torch

    from simtheory.engine.devices import torch_device

    dev = torch_device(opts.get("device"))
    torch.manual_seed(int(rng.integers(2**31)))
    x, t = classification_set(data)
    net = _mlp(x.shape[1], int(opts.get("hidden", 32))).to(dev)
    xt = torch.as_tensor(x, dtype=torch.float32, device=dev)
    tt = torch.as_tensor(t, dtype=torch.float32, device=dev)

    def loss(a, lab):
        return torch.nn.functional.binary_cross_entropy_with_logits(net(a).squeeze(-1), lab)

    _train(net, loss, (xt, tt), len(t), opts, rng)
    return _torch_scorer(net)


def fit_clf_lgb(data, rng, **opts) -> Scorer:
    """LightGBM classifier of 'this response won'; raw score (log-odds) is the reward (Section 3.3)."""
    import lightgbm as lgb

    x, t = classification_set(data)
    clf = lgb.LGBMClassifier(n_estimators=int(opts.get("n_estimators", 200)),
                             learning_rate=float(opts.get("learning_rate", 0.05)),
                             num_leaves=int(opts.get("num_leaves", 15)), min_child_samples=50,
                             subsample=0.8, subsample_freq=1, random_state=int(rng.integers(2**31)),
                             n_jobs=1, verbose=-1)
    clf.fit(x, t)
    return lambda z: clf.predict(np.asarray(z).reshape(-1, z.shape[-1]), raw_score=True).reshape(z.shape[:-1])


def fit_linear_bt(data, rng, **opts) -> Scorer:
    """Linear BT: maximum-likelihood Logit of y on x1 - x2 (statsmodels): Newton for d <= 64, else L-BFGS
    (200 iterations; high-dimensional real embeddings are often separable); a small L1 penalty if it fails."""
    import warnings

    import statsmodels.api as sm

    dx = data.x1 - data.x2
    model = sm.Logit(data.y, dx)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            if dx.shape[1] <= 64:
                w = np.asarray(model.fit(disp=0, maxiter=100).params)
            else:
                w = np.asarray(model.fit(method="lbfgs", disp=0, maxiter=200).params)
        except Exception:   # perfect separation / singular Hessian: small L1 penalty
            w = np.asarray(model.fit_regularized(alpha=1e-3, disp=0).params)
    return lambda z: np.asarray(z) @ w


FITTERS = {"bt_mlp": fit_bt_mlp, "clf_mlp": fit_clf_mlp, "clf_lgb": fit_clf_lgb, "linear_bt": fit_linear_bt}


def fit_model(name: str, data, rng, **opts) -> Scorer:
    """Fit reward model ``name`` (one of :data:`MODELS`) to ``data``; ``opts`` are its hyper-parameters."""
    check_choice("model", name, MODELS)
    if data.n < 2 or len(np.unique(data.y)) < 2:
        raise SimTheoryInputError("data", "needs at least 2 annotated pairs with both labels present")
    if "epochs" in opts:
        check_positive_int("epochs", opts["epochs"])
    torch_threads()
    return FITTERS[name](data, np.random.default_rng(rng), **opts)


def torch_threads(n: int = 1) -> None:
    """Small nets on a shared CPU: one intra-op thread (as the project's test rules ask)."""
    import torch

    if torch.get_num_threads() != n:
        torch.set_num_threads(n)
