"""Reward models fitted to annotated pairs (:class:`~.data.PairData`); each returns ``score(X) -> reward``.

* ``bt_mlp``    - Bradley-Terry with a Siamese MLP (shared weights), loss softplus(-(2y-1)(r(x1) - r(x2)))
                  = the cross-entropy form of eq. 20 (PyTorch; cuda when available, see
                  :func:`simtheory.engine.devices.torch_device`, option ``device``);
* ``clf_mlp``   - Section 3.3: an MLP classifier on single prompt-response embeddings, the first response
                  labelled y and the second 1 - y; the logit is the reward (PyTorch);
* ``clf_lgb``   - the same classification objective with a LightGBM classifier (raw score = reward);
* ``linear_bt`` - linear BT baseline: ``statsmodels`` Logit of y on x1 - x2 (no intercept), reward = x @ w;
* ``linear_bt_cv`` - linear BT with an L2 penalty chosen by 5-fold cross-validated log-loss (scikit-learn,
                  folds grouped by prompt when ``groups`` is given).

The MLPs stop early when given ``val`` (held-out :class:`~.data.PairData`): the epoch with the lowest
validation loss is kept, training stops after ``patience`` epochs without improvement.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from simtheory.validation import SimTheoryInputError, check_choice, check_positive_int

MODELS = ("bt_mlp", "clf_mlp", "clf_lgb", "linear_bt", "linear_bt_cv")
LABELS = {
    "bt_mlp": "BT-MLP",
    "clf_mlp": "CLF-MLP",
    "clf_lgb": "CLF-LGB",
    "linear_bt": "linear BT",
    "linear_bt_cv": "linear BT (L2 by CV)",
}

Scorer = Callable[[np.ndarray], np.ndarray]


def _mlp(d: int, hidden: int):
    import torch

    return torch.nn.Sequential(
        torch.nn.Linear(d, hidden),
        torch.nn.ReLU(),
        torch.nn.Linear(hidden, hidden),
        torch.nn.ReLU(),
        torch.nn.Linear(hidden, 1),
    )


def _torch_scorer(net) -> Scorer:
    import torch

    dev = next(net.parameters()).device

    def score(x: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            t = torch.as_tensor(np.asarray(x, dtype=np.float32).reshape(-1, x.shape[-1]), device=dev)
            return net(t).squeeze(-1).cpu().numpy().astype(float).reshape(x.shape[:-1])

    return score


def _train(net, loss_fn, tensors, n: int, opts: dict, rng: np.random.Generator, val=None) -> dict:
    """Adam on mini-batches; with ``val`` (tensors for ``loss_fn``) keep the epoch of lowest validation loss
    and stop after ``opts["patience"]`` (default 5) epochs without improvement. Returns a training record."""
    import copy

    import torch

    opt = torch.optim.Adam(
        net.parameters(), lr=float(opts.get("lr", 3e-3)), weight_decay=float(opts.get("weight_decay", 1e-5))
    )
    bs = int(opts.get("batch_size", 256))
    patience = int(opts.get("patience", 5))
    best, best_state, best_epoch, epochs = float("inf"), None, 0, int(opts.get("epochs", 10))
    for epoch in range(epochs):
        net.train()
        perm = torch.as_tensor(rng.permutation(n), device=tensors[0].device)
        for s in range(0, n, bs):
            idx = perm[s : s + bs]
            opt.zero_grad()
            loss = loss_fn(*(t[idx] for t in tensors))
            loss.backward()
            opt.step()
        if val is not None:
            with torch.no_grad():
                v = float(loss_fn(*val))
            if v < best - 1e-6:
                best, best_state, best_epoch = v, copy.deepcopy(net.state_dict()), epoch + 1
            elif epoch + 1 - best_epoch >= patience:
                break
    if best_state is not None:
        net.load_state_dict(best_state)
    return {"best_epoch": best_epoch, "val_loss": best}


def fit_bt_mlp(data, rng, **opts) -> Scorer:
    """Siamese BT reward model (eq. 20 as cross-entropy): shared MLP r, P(y = 1) = sigmoid(r(x1) - r(x2))."""
    import torch

    from simtheory.engine.devices import torch_device
    from simtheory.runner.determinism import torch_training

    dev = torch_device(opts.get("device"))
    with torch_training(int(rng.integers(2**31))):
        net = _mlp(data.x1.shape[1], int(opts.get("hidden", 32))).to(dev)
        x1 = torch.as_tensor(data.x1, dtype=torch.float32, device=dev)
        x2 = torch.as_tensor(data.x2, dtype=torch.float32, device=dev)
        s = torch.as_tensor(2.0 * data.y - 1.0, dtype=torch.float32, device=dev)

        def loss(a, b, sign):
            return torch.nn.functional.softplus(-sign * (net(a) - net(b)).squeeze(-1)).mean()

        val = opts.get("val")
        if val is not None:
            val = (
                torch.as_tensor(val.x1, dtype=torch.float32, device=dev),
                torch.as_tensor(val.x2, dtype=torch.float32, device=dev),
                torch.as_tensor(2.0 * val.y - 1.0, dtype=torch.float32, device=dev),
            )
        rec = _train(net, loss, (x1, x2, s), data.n, opts, rng, val)
        score = _torch_scorer(net)
        score.train_record = rec  # type: ignore[attr-defined]
        return score


def classification_set(data) -> tuple[np.ndarray, np.ndarray]:
    """Section 3.3: each annotated pair gives two labelled items (x1, y) and (x2, 1 - y)."""
    return np.concatenate([data.x1, data.x2]), np.concatenate([data.y, 1 - data.y])


def fit_clf_mlp(data, rng, **opts) -> Scorer:
    """MLP classifier of 'this response won its comparison'; its logit is the reward (Section 3.3)."""
    import torch

    from simtheory.engine.devices import torch_device
    from simtheory.runner.determinism import torch_training

    dev = torch_device(opts.get("device"))
    with torch_training(int(rng.integers(2**31))):
        x, t = classification_set(data)
        net = _mlp(x.shape[1], int(opts.get("hidden", 32))).to(dev)
        xt = torch.as_tensor(x, dtype=torch.float32, device=dev)
        tt = torch.as_tensor(t, dtype=torch.float32, device=dev)

        def loss(a, lab):
            return torch.nn.functional.binary_cross_entropy_with_logits(net(a).squeeze(-1), lab)

        val = opts.get("val")
        if val is not None:
            xv, tv = classification_set(val)
            val = (
                torch.as_tensor(xv, dtype=torch.float32, device=xt.device),
                torch.as_tensor(tv, dtype=torch.float32, device=xt.device),
            )
        rec = _train(net, loss, (xt, tt), len(t), opts, rng, val)
        score = _torch_scorer(net)
        score.train_record = rec  # type: ignore[attr-defined]
        return score


def fit_clf_lgb(data, rng, **opts) -> Scorer:
    """LightGBM classifier of 'this response won'; raw score (log-odds) is the reward (Section 3.3)."""
    import lightgbm as lgb

    x, t = classification_set(data)
    clf = lgb.LGBMClassifier(
        n_estimators=int(opts.get("n_estimators", 200)),
        learning_rate=float(opts.get("learning_rate", 0.05)),
        num_leaves=int(opts.get("num_leaves", 15)),
        min_child_samples=50,
        subsample=0.8,
        subsample_freq=1,
        random_state=int(rng.integers(2**31)),
        n_jobs=1,
        verbose=-1,
    )
    clf.fit(x, t)

    def score(z):
        raw = clf.predict(np.asarray(z).reshape(-1, z.shape[-1]), raw_score=True)  # log-odds, an ndarray
        return np.asarray(raw).reshape(z.shape[:-1])

    return score


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
        except Exception:  # perfect separation / singular Hessian: small L1 penalty
            w = np.asarray(model.fit_regularized(alpha=1e-3, disp=0).params)
    return lambda z: np.asarray(z) @ w


def fit_linear_bt_cv(data, rng, **opts) -> Scorer:
    """Linear BT, P(y = 1) = sigmoid(w.(x1 - x2)), with L2 penalty 1/(2C) |w|^2; C from ``Cs`` (default
    10^-3 .. 10 in steps of 10^0.5; larger C barely differs from the unpenalised fit and costs most of the
    time on near-separable embeddings) by ``cv_folds``-fold (default 3) cross-validated log-loss, folds
    grouped by ``groups`` (prompt ids) if given.
    The pairs are augmented with their swapped copies (x2 - x1, 1 - y) so the fit is antisymmetric."""
    from sklearn.linear_model import LogisticRegression, LogisticRegressionCV
    from sklearn.model_selection import GroupKFold, KFold

    dx = np.asarray(data.x1 - data.x2, dtype=float)
    x = np.concatenate([dx, -dx])
    y = np.concatenate([data.y, 1 - data.y]).astype(int)
    groups = opts.get("groups")
    cs = opts.get("Cs", np.logspace(-3, 1, 9))
    n_inner = int(opts.get("cv_folds", 3))
    if groups is not None:
        g = np.concatenate([np.asarray(groups), np.asarray(groups)])
        n_splits = int(min(n_inner, np.unique(g).size))
        splits = list(GroupKFold(n_splits=n_splits).split(x, y, g)) if n_splits >= 2 else None
    else:  # keep a pair and its swapped copy in the same fold
        idx = np.arange(len(dx))
        splits = [
            (np.concatenate([a, a + len(dx)]), np.concatenate([b, b + len(dx)]))
            for a, b in KFold(n_inner, shuffle=True, random_state=int(rng.integers(2**31))).split(idx)
        ]
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # scikit-learn 1.9 attribute/l1_ratios transition notes
        if splits is None:
            clf = LogisticRegression(C=1.0, fit_intercept=False, max_iter=500).fit(x, y)
            c_best = 1.0
        else:
            clf = LogisticRegressionCV(
                Cs=list(cs), cv=splits, fit_intercept=False, scoring="neg_log_loss", max_iter=500
            ).fit(x, y)
            c_best = float(np.ravel(clf.C_)[0])
    w = np.ravel(clf.coef_).copy()
    score = lambda z: np.asarray(z) @ w  # noqa: E731
    score.train_record = {"C": c_best}  # type: ignore[attr-defined]
    return score


def is_collapsed(s1: np.ndarray, s2: np.ndarray, *, rtol: float = 1e-6, max_tie_frac: float = 0.5) -> bool:
    """True for a collapsed (constant) reward model: its scores on held-out responses span less than ``rtol``
    times their magnitude, or more than ``max_tie_frac`` of held-out pairs get exactly equal scores.
    Such a model orders nothing; Prop. 14's tie convention would count it as order consistent."""
    s = np.concatenate([np.ravel(s1), np.ravel(s2)])
    if s.size == 0 or not np.all(np.isfinite(s)):
        return True
    spread = float(s.max() - s.min())
    return (
        spread <= rtol * max(1.0, float(np.abs(s).max())) or float(np.mean(np.ravel(s1) == np.ravel(s2))) > max_tie_frac
    )


FITTERS = {
    "bt_mlp": fit_bt_mlp,
    "clf_mlp": fit_clf_mlp,
    "clf_lgb": fit_clf_lgb,
    "linear_bt": fit_linear_bt,
    "linear_bt_cv": fit_linear_bt_cv,
}


def fit_model(name: str, data, rng, **opts) -> Scorer:
    """Fit reward model ``name`` (one of :data:`MODELS`: BT-MLP eq. 20, CLF Section 3.3, linear BT) to ``data``.

    Parameters
    ----------
    name : str
        One of :data:`MODELS` (see the module docstring).
    data : PairData
        Annotated training pairs.
    rng : int or numpy.random.Generator
        Seed or generator (passed to ``numpy.random.default_rng``).
    **opts
        The model's hyper-parameters (e.g. ``epochs``, ``hidden``, ``val``, ``patience`` for the MLPs).

    Returns
    -------
    Callable[[numpy.ndarray], numpy.ndarray]
        ``score(X)``: the reward of embeddings X of shape (..., d).

    Raises
    ------
    SimTheoryInputError
        Unknown model, fewer than 2 pairs or a single label, epochs < 1.

    Examples
    --------
    >>> import numpy as np
    >>> from simtheory.reward_models import SyntheticWorld, fit_model, pairwise_accuracy
    >>> world = SyntheticWorld(d=4)
    >>> score = fit_model("linear_bt", world.pairs(500, 2.0, np.random.default_rng(0)), rng=0)
    >>> t = world.pairs(400, 2.0, np.random.default_rng(1))
    >>> round(pairwise_accuracy(score(t.x1), score(t.x2), t.r1, t.r2)[0], 2)
    0.87
    """
    check_choice("model", name, MODELS)
    if data.n < 2 or len(np.unique(data.y)) < 2:
        raise SimTheoryInputError("data", "needs at least 2 annotated pairs with both labels present")
    if "epochs" in opts:
        check_positive_int("epochs", opts["epochs"])
    return FITTERS[name](data, np.random.default_rng(rng), **opts)
