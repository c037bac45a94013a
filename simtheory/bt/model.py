"""One Bradley-Terry entry point for arena data: :func:`fit` -> :class:`BTResult`.

Model (tutorial "The Bradley-Terry Model"; Rethinking BT Sec. 2, Remark 8): battle k between players a and b
has linear predictor

    eta_k = r_a - r_b + beta . x_k + gamma * h_k,

with x_k covariates of the battle (style control: features of a minus features of b), h_k a position / home
indicator (+1: a shown first, -1: b shown first, 0: neutral). Outcome models:

* ``link='logistic'`` (BT) or ``'probit'`` (Thurstone): P(a wins) = F(eta); with ``tie_model='half'`` a tie
  counts as half a win for each side, log-lik 0.5 log F(eta) + 0.5 log F(-eta). This is a quasi-likelihood:
  Fisher SEs are not valid for it (use the sandwich).
* ``tie_model='rao_kupper'`` (Rao & Kupper 1967), kappa = log theta > 0:
  P(a) = sigma(eta - kappa), P(b) = sigma(-eta - kappa), P(tie) = (theta^2 - 1) P(a) P(b).
* ``tie_model='davidson'`` (Davidson 1970), nu = exp(lambda):
  P(a) = e^{eta/2} / D, P(b) = e^{-eta/2} / D, P(tie) = nu / D, D = e^{eta/2} + e^{-eta/2} + nu.

All log-likelihoods are concave in (r, beta, gamma, tie parameter). They are maximised by damped Newton on a
*sparse* Hessian: the player block is a weighted graph Laplacian (scipy.sparse), covariate and tie parameters
form a thin dense border handled by a Schur complement; the gauge is fixed by pinning the most-played player
during the solve and reporting mean-zero scores. Small problems use a dense Cholesky factorisation, large ones
preconditioned conjugate gradients (Jacobi). Pure BT fits (logistic, no covariates, ties as half wins) with up
to 2000 players run on N x N win/count matrices instead (contiguous arithmetic, one Cholesky per step). Identical battles (same a, b, outcome, weight, covariates, cluster)
are aggregated into one weighted row first.

Existence (Zermelo 1929, Ford 1957, generalised to ties): draw an edge a -> b for every battle a won against b,
and edges both ways for every tie (under 'half' a tie is half a win each way; under Rao-Kupper and Davidson
P(tie) -> 0 as |r_a - r_b| -> inf, so a tie bounds the difference from both sides). The MLE of the scores
exists only if this graph is strongly connected; otherwise a group that never lost to the rest can be pushed
up for ever. Rao-Kupper and Davidson also need at least one tie and one decisive battle (else theta -> 1 or
inf, nu -> 0 or inf). With covariates the condition is necessary but not sufficient (a covariate can separate
outcomes); we detect that from the fit (diverging parameters) and raise a one-line error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import scipy.linalg
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import LinearOperator, cg
from scipy.special import expit, log_expit, log_ndtr

from simtheory.validation import (
    SimTheoryInputError,
    check_choice,
    check_finite_array,
    check_scalar,
)

ELO_SCALE = 400.0 / np.log(10.0)
A_WINS, B_WINS, TIE = 0, 1, 2
_DENSE_MAX = 300  # players up to which the Newton system is solved densely
_MATRIX_MAX = 2000  # players up to which pure BT fits run on N x N matrices (solver='auto')


# --------------------------------------------------------------------------------------------------------------
# data: aggregated battle rows
# --------------------------------------------------------------------------------------------------------------
@dataclass
class _Rows:
    a: np.ndarray  # int64 player index of side a
    b: np.ndarray  # int64 player index of side b
    out: np.ndarray  # int8 outcome code: A_WINS, B_WINS, TIE
    cnt: np.ndarray  # float: number of identical battles in the row
    w: np.ndarray  # float: weight of each battle in the row
    Z: np.ndarray  # (rows, q) covariates (incl. position column)
    cl: np.ndarray | None  # int cluster code per row
    names: list
    coef_names: list
    n_clusters: int = 0


def _index_array(name: str, x, n: int | None = None) -> np.ndarray:
    arr = np.asarray(x)
    if arr.ndim != 1:
        raise SimTheoryInputError(name, f"expected a 1-d array of player indices, got shape {arr.shape}")
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)):
            raise SimTheoryInputError(name, "player indices must be whole numbers (got non-integer floats)")
    elif arr.dtype.kind not in "iub" and arr.size:
        raise SimTheoryInputError(name, f"player indices must be integers, got dtype {arr.dtype}")
    arr = arr.astype(np.int64, copy=False)
    if arr.size and arr.min() < 0:
        raise SimTheoryInputError(name, f"player indices must be >= 0, got {int(arr.min())}")
    if n is not None and arr.size and arr.max() >= n:
        raise SimTheoryInputError(name, f"player index {int(arr.max())} >= n_players={n}")
    return arr


def _as_index(name: str, x) -> np.ndarray:
    """``x`` as a 1-d int64 array without a copy when it already is one; values are checked later."""
    arr = np.asarray(x)
    if arr.dtype == np.int64 and arr.ndim == 1:
        return arr
    return _index_array(name, arr)


def _unique(key: np.ndarray, size: int):
    """np.unique(key, return_inverse, return_counts) for keys in [0, size): O(M) by bincount when size is small."""
    if size <= 4 * key.size + 1_000_000 and size <= 50_000_000:
        cnt = np.bincount(key, minlength=size)
        uk = np.flatnonzero(cnt)
        pos = np.zeros(size, dtype=np.int64)
        pos[uk] = np.arange(uk.size)
        return uk, pos[key], cnt[uk]
    return np.unique(key, return_inverse=True, return_counts=True)


def _aggregate(a, b, out, w, Z, cl, canonical: bool):
    """Merge identical battles into weighted rows; returns arrays plus counts."""
    if canonical:  # without covariates/position (a, b, a wins) == (b, a, b wins)
        swap = a > b
        a, b = np.where(swap, b, a), np.where(swap, a, b)
        out = np.where(swap & (out != TIE), 1 - out, out).astype(np.int8)
    simple = Z.shape[1] == 0 and cl is None and np.all(w == w[0])
    if simple:
        n = int(max(a.max(), b.max())) + 1
        key = (a * n + b) * 3 + out
        uk, _inv, cnt = _unique(key, n * n * 3)
        ab = uk // 3
        return (
            ab // n,
            ab % n,
            (uk % 3).astype(np.int8),
            cnt.astype(float),
            np.full(uk.size, w[0]),
            np.zeros((uk.size, 0)),
            None,
        )
    import pandas as pd

    if Z.shape[1] and len(pd.unique(Z[:, 0])) > 0.5 * Z.shape[0]:  # continuous covariates: nothing to merge
        return a, b, out.astype(np.int8), np.ones(a.size), w, Z, cl
    df = pd.DataFrame({"a": a, "b": b, "o": out, "w": w})
    keys = ["a", "b", "o", "w"]
    for j in range(Z.shape[1]):
        df[f"z{j}"] = Z[:, j]
        keys.append(f"z{j}")
    if cl is not None:
        df["cl"] = cl
        keys.append("cl")
    g = df.groupby(keys, sort=False, observed=True).size().reset_index(name="cnt")
    Zg = g[[f"z{j}" for j in range(Z.shape[1])]].to_numpy(float).reshape(len(g), Z.shape[1])
    return (
        g["a"].to_numpy(np.int64),
        g["b"].to_numpy(np.int64),
        g["o"].to_numpy(np.int8),
        g["cnt"].to_numpy(float),
        g["w"].to_numpy(float),
        Zg,
        None if cl is None else g["cl"].to_numpy(np.int64),
    )


def _rows_from_table(df, weights, covariates, position, cluster, names) -> _Rows:
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise SimTheoryInputError("battles", f"expected a pandas DataFrame or a win matrix, got {type(df).__name__}")
    for c in ("model_a", "model_b", "winner"):
        if c not in df.columns:
            raise SimTheoryInputError("battles", f"missing column {c!r} (need model_a, model_b, winner)")
    if len(df) == 0:
        raise SimTheoryInputError("battles", "no battles")
    ma, mb = df["model_a"].to_numpy(), df["model_b"].to_numpy()
    if pd.isna(ma).any() or pd.isna(mb).any():
        raise SimTheoryInputError("battles", "model_a/model_b contain missing values")
    if np.any(ma == mb):
        raise SimTheoryInputError("battles", f"{int(np.sum(ma == mb))} battle(s) of a model against itself")
    both = pd.concat([df["model_a"], df["model_b"]], ignore_index=True)
    if names is None:
        codes, uniq = pd.factorize(both, sort=True)
        names = uniq.tolist()
    else:
        codes = pd.Index(list(names)).get_indexer(both)
        if np.any(codes < 0):
            raise SimTheoryInputError("names", f"model {both[codes < 0].iloc[0]!r} is not in names")
    a, b = codes[: len(df)].astype(np.int64), codes[len(df) :].astype(np.int64)
    wcode, wuniq = pd.factorize(df["winner"], use_na_sentinel=True)
    if np.any(wcode < 0):
        raise SimTheoryInputError("winner", "contains missing values")
    name_idx = pd.Index(list(names)).get_indexer(wuniq)  # winner given as a model name
    out = np.full(len(df), -1, np.int8)
    for k, u in enumerate(wuniq):
        sel = wcode == k
        if u == "model_a":
            out[sel] = A_WINS
        elif u == "model_b":
            out[sel] = B_WINS
        elif isinstance(u, str) and u.startswith("tie"):
            out[sel] = TIE
        elif name_idx[k] >= 0:
            out[sel & (a == name_idx[k])] = A_WINS
            out[sel & (b == name_idx[k])] = B_WINS
    if np.any(out < 0):
        bad = df["winner"].to_numpy()[out < 0][0]
        raise SimTheoryInputError(
            "winner", f"unknown value {bad!r}; use model_a, model_b, the name of one of the two models, or tie*"
        )
    if weights is None:
        w = np.ones(len(df))
    else:
        w = check_finite_array("weights", df[weights] if isinstance(weights, str) else weights, shape=(len(df),))
    Zcols, coef_names = [], []
    for c in [covariates] if isinstance(covariates, str) else list(covariates or []):
        if c not in df.columns:
            raise SimTheoryInputError("covariates", f"no column {c!r}")
        Zcols.append(check_finite_array(f"covariates[{c}]", df[c], ndim=1))
        coef_names.append(str(c))
    if position is not None and position is not False:
        if position is True:
            Zcols.append(np.ones(len(df)))
        elif isinstance(position, str):
            if position not in df.columns:
                raise SimTheoryInputError("position", f"no column {position!r}")
            Zcols.append(check_finite_array("position", df[position], ndim=1))
        else:
            Zcols.append(check_finite_array("position", position, shape=(len(df),)))
        coef_names.append("position")
    Z = np.column_stack(Zcols) if Zcols else np.zeros((len(df), 0))
    cl = None
    if cluster is not None:
        col = df[cluster] if isinstance(cluster, str) else pd.Series(np.asarray(cluster))
        if len(col) != len(df):
            raise SimTheoryInputError("cluster", f"length {len(col)} differs from {len(df)} battles")
        cl = pd.factorize(col)[0].astype(np.int64)
        if np.any(cl < 0):
            raise SimTheoryInputError("cluster", "contains missing values")
    return _finish_rows(a, b, out, w, Z, cl, list(names), coef_names)


def _finish_rows(a, b, out, w, Z, cl, names, coef_names) -> _Rows:
    if np.any(w < 0):
        raise SimTheoryInputError("weights", "must be >= 0")
    keep = w > 0
    if not keep.all():
        a, b, out, w, Z = a[keep], b[keep], out[keep], w[keep], Z[keep]
        cl = None if cl is None else cl[keep]
    if a.size == 0:
        raise SimTheoryInputError("weights", "all weights are zero")
    n_cl = 0
    if cl is not None:
        cl = np.unique(cl, return_inverse=True)[1].astype(np.int64)
        n_cl = int(cl.max()) + 1
    a, b, out, cnt, w, Z, cl = _aggregate(a, b, out, w, Z, cl, canonical=Z.shape[1] == 0)
    return _Rows(a, b, out, cnt, w, Z, cl, names, coef_names, n_cl)


def _rows_from_matrix(W, T, names) -> _Rows:
    W = check_finite_array("battles", W, ndim=2)
    n = W.shape[0]
    if W.shape != (n, n) or n < 2:
        raise SimTheoryInputError("battles", f"expected a square (N, N) win matrix with N >= 2, got {W.shape}")
    if np.any(W < 0) or np.any(np.diag(W) != 0):
        raise SimTheoryInputError("battles", "win counts must be >= 0 with a zero diagonal")
    if W.sum() > 1e15:
        raise SimTheoryInputError(
            "battles",
            f"total count {W.sum():.3g} > 1e15: counts are not representable "
            "exactly in float64 (rescale them: the MLE is scale-invariant, SEs are not)",
        )
    if T is not None:
        T = check_finite_array("ties", T, shape=(n, n))
        if np.any(T < 0):
            raise SimTheoryInputError("ties", "counts must be >= 0")
        T = np.triu(T, 1) if np.array_equal(T, T.T) else np.triu(T, 1) + np.tril(T, -1).T
    return _rows_from_counts(W, T, names)


def _rows_from_counts(W: np.ndarray, T: np.ndarray | None, names) -> _Rows:
    """Rows of valid count matrices: one per nonzero win count W[i, j] and (upper-triangular) tie count T[i, j]."""
    n = W.shape[0]
    i, j = np.nonzero(W)
    parts_a, parts_b, parts_out, parts_c = [i], [j], [np.zeros(i.size, np.int8)], [W[i, j]]
    if T is not None:
        ti, tj = np.nonzero(T)
        parts_a.append(ti)
        parts_b.append(tj)
        parts_out.append(np.full(ti.size, TIE, np.int8))
        parts_c.append(T[ti, tj])
    a, b, out, c = (np.concatenate(x) for x in (parts_a, parts_b, parts_out, parts_c))
    names = list(range(n)) if names is None else list(names)
    if len(names) != n:
        raise SimTheoryInputError("names", f"{len(names)} names for {n} players")
    return _Rows(
        a.astype(np.int64),
        b.astype(np.int64),
        out,
        c.astype(float),
        np.ones(a.size),
        np.zeros((a.size, 0)),
        None,
        names,
        [],
        0,
    )


# --------------------------------------------------------------------------------------------------------------
# per-row log-likelihood terms
# --------------------------------------------------------------------------------------------------------------
def _mills(x):
    """phi(x) / Phi(x), stable for very negative x."""
    return np.exp(-0.5 * x * x - log_ndtr(x) - 0.5 * np.log(2 * np.pi))


def _y(out):
    return np.where(out == A_WINS, 1.0, np.where(out == B_WINS, 0.0, 0.5))


def _terms(model: str, eta, out, tau, y=None, ll_only: bool = False):
    """Per-battle log-lik l and derivatives: (l, l_eta, l_eta_eta, l_tau, l_tau_tau, l_eta_tau).

    ``y`` (1 a wins, 0 b wins, 1/2 tie) may be passed precomputed; ``ll_only`` returns l alone."""
    if y is None:
        y = _y(out)
    if model == "logistic":
        ll = log_expit(eta) - (1 - y) * eta  # y log s(eta) + (1-y) log s(-eta)
        if ll_only:
            return ll
        p = expit(eta)
        return ll, y - p, -p * (1 - p), None, None, None
    if model == "probit":
        ll = y * log_ndtr(eta) + (1 - y) * log_ndtr(-eta)
        if ll_only:
            return ll
        mp, mm = _mills(eta), _mills(-eta)
        d1 = y * mp - (1 - y) * mm
        d2 = -y * mp * (eta + mp) - (1 - y) * mm * (-eta + mm)
        return ll, d1, d2, None, None, None
    if model == "rao_kupper":
        k = tau
        s1, s2 = expit(eta - k), expit(-eta - k)
        v1, v2 = s1 * (1 - s1), s2 * (1 - s2)
        ia, ib, it = (out == A_WINS), (out == B_WINS), (out == TIE)
        la, lb = log_expit(eta - k), log_expit(-eta - k)
        em = -np.expm1(-2 * k)  # 1 - e^{-2k}
        lc = np.log(em) + 2 * k
        ll = np.where(ia, la, 0.0) + np.where(ib, lb, 0.0) + np.where(it, lc + la + lb, 0.0)
        if ll_only:
            return ll
        dA_e, dA_k, dB_e, dB_k = 1 - s1, -(1 - s1), -(1 - s2), -(1 - s2)
        d1 = ia * dA_e + ib * dB_e + it * (dA_e + dB_e)
        dt = ia * dA_k + ib * dB_k + it * (2 / em + dA_k + dB_k)
        d2 = -(ia * v1 + ib * v2 + it * (v1 + v2))
        dtt = -(ia * v1 + ib * v2 + it * (v1 + v2 + 4 * np.exp(-2 * k) / em**2))
        det = ia * v1 - ib * v2 + it * (v1 - v2)
        return ll, d1, d2, dt, dtt, det
    # davidson, tau = log nu
    h = 0.5 * eta
    logD = np.logaddexp(np.logaddexp(h, -h), tau)
    pa, pb, pt = np.exp(h - logD), np.exp(-h - logD), np.exp(tau - logD)
    ia, ib, it = (out == A_WINS), (out == B_WINS), (out == TIE)
    ll = ia * h - ib * h + it * tau - logD
    if ll_only:
        return ll
    d1 = 0.5 * (ia * 1.0 - ib * 1.0 - (pa - pb))
    dt = it * 1.0 - pt
    d2 = -0.25 * ((pa + pb) - (pa - pb) ** 2)
    dtt = -(pt - pt**2)
    det = 0.5 * (pa - pb) * pt
    return ll, d1, d2, dt, dtt, det


# --------------------------------------------------------------------------------------------------------------
# the solver
# --------------------------------------------------------------------------------------------------------------
class _Problem:
    """Parameters theta = (r_0..r_{N-1}, beta_1..beta_q, tau?) with r_ref pinned to 0 while solving."""

    def __init__(self, rows: _Rows, model: str, dense_max: int):
        self.rows, self.model = rows, model
        self.n = len(rows.names)
        self.q = rows.Z.shape[1]
        self.t = 1 if model in ("rao_kupper", "davidson") else 0
        self.dense = self.n <= dense_max
        games = np.bincount(rows.a, rows.cnt, self.n) + np.bincount(rows.b, rows.cnt, self.n)
        self.ref = int(np.argmax(games))
        self.free = np.flatnonzero(np.arange(self.n) != self.ref)
        self._pairs_built = False

    @cached_property
    def y(self) -> np.ndarray:
        return _y(self.rows.out)

    @cached_property
    def cw(self) -> np.ndarray:
        return self.rows.cnt * self.rows.w

    def _build_pairs(self):
        """Pair structure of the Laplacian, built on first use: pair id per row and (sparse path) the CSR
        structure of the reference-free Laplacian (off-diagonals of pairs without the reference, then the
        diagonal); each Newton step then only refills ``data`` through ``perm``."""
        rows = self.rows
        lo, hi = np.minimum(rows.a, rows.b), np.maximum(rows.a, rows.b)
        upair, self.pair_id, _ = _unique(lo * self.n + hi, self.n * self.n)
        self.pi, self.pj = upair // self.n, upair % self.n
        if not self.dense:
            keep = (self.pi != self.ref) & (self.pj != self.ref)
            self.keep = keep
            fi, fj = self.pi[keep], self.pj[keep]
            fi, fj = fi - (fi > self.ref), fj - (fj > self.ref)
            m = self.n - 1
            nk = int(keep.sum())
            rr = np.r_[fi, fj, np.arange(m)]
            cc = np.r_[fj, fi, np.arange(m)]
            data = np.arange(1, 2 * nk + m + 1, dtype=float)
            L = sp.csr_matrix((data, (rr, cc)), shape=(m, m))
            L.sort_indices()
            self.perm = L.data.astype(np.int64) - 1
            self.Lstruct = L
        self._pairs_built = True

    # ---- evaluation
    def eta(self, r, beta):
        e = r[self.rows.a] - r[self.rows.b]
        if self.q:
            e = e + self.rows.Z @ beta
        return e

    def split(self, theta):
        r = np.zeros(self.n)
        r[self.free] = theta[: self.n - 1]
        beta = theta[self.n - 1 : self.n - 1 + self.q]
        tau = theta[-1] if self.t else None
        return r, beta, tau

    def loglik(self, theta, cnt=None):
        r, beta, tau = self.split(theta)
        if self.model == "rao_kupper" and tau <= 0:
            return -np.inf
        ll = _terms(self.model, self.eta(r, beta), self.rows.out, tau, self.y, ll_only=True)
        cw = self.cw if cnt is None or cnt is self.rows.cnt else cnt * self.rows.w
        return float(cw @ ll)

    def terms(self, theta):
        r, beta, tau = self.split(theta)
        return _terms(self.model, self.eta(r, beta), self.rows.out, tau, self.y)

    def derivs(self, theta, cnt):
        """Gradient and (negative) Hessian of the log-likelihood from one evaluation of the row terms."""
        _, d1, d2, dt, dtt, det = self.terms(theta)
        cw = self.cw if cnt is self.rows.cnt else cnt * self.rows.w
        g = self.vec(cw * d1, None if dt is None else cw * dt)
        H = self.matrix(-cw * d2, None if det is None else -cw * det, None if dtt is None else -cw * dtt)
        return g, H

    def vec(self, u, ut=None):
        """X^T u for per-row coefficients u (on eta) and ut (on tau), in free coordinates."""
        R = self.rows
        g = np.bincount(R.a, u, self.n) - np.bincount(R.b, u, self.n)
        parts = [g[self.free]]
        if self.q:
            parts.append(R.Z.T @ u)
        if self.t:
            parts.append(np.array([ut.sum()]))
        return np.concatenate(parts)

    def gradient(self, theta, cnt):
        _, d1, _, dt, _, _ = self.terms(theta)
        cw = cnt * self.rows.w
        return self.vec(cw * d1, None if dt is None else cw * dt)

    # ---- matrices sum_k [A_k x x^T, B_k x, C_k] with x = (e_a - e_b, Z_k)
    def _border(self, A, B, C):
        R, n = self.rows, self.n
        k = self.q + self.t
        Brz = np.zeros((n, k))
        for j in range(self.q):
            v = A * R.Z[:, j]
            Brz[:, j] = np.bincount(R.a, v, n) - np.bincount(R.b, v, n)
        if self.t:
            Brz[:, self.q] = np.bincount(R.a, B, n) - np.bincount(R.b, B, n)
        Czz = np.zeros((k, k))
        if self.q:
            Czz[: self.q, : self.q] = R.Z.T @ (A[:, None] * R.Z)
        if self.t:
            if self.q:
                Czz[: self.q, self.q] = Czz[self.q, : self.q] = R.Z.T @ B
            Czz[self.q, self.q] = C.sum()
        return Brz[self.free], Czz

    def laplacian(self, A):
        if not self._pairs_built:
            self._build_pairs()
        vp = np.bincount(self.pair_id, A, self.pi.size)
        diag = np.bincount(self.pi, vp, self.n) + np.bincount(self.pj, vp, self.n)
        if self.dense:
            L = np.zeros((self.n, self.n))
            L[self.pi, self.pj] = -vp
            L[self.pj, self.pi] = -vp
            L[np.diag_indices(self.n)] = diag
            return L[np.ix_(self.free, self.free)]
        L = self.Lstruct.copy()
        vk = -vp[self.keep]
        L.data = np.concatenate([vk, vk, diag[self.free]])[self.perm]
        return L

    def matrix(self, A, B, C, dense: bool | None = None):
        """Full (free-coordinate) matrix; dense ndarray or (sparse L, border, corner)."""
        L = self.laplacian(A)
        Brz, Czz = self._border(A, B, C)
        if dense or (dense is None and self.dense):
            Ld = L if isinstance(L, np.ndarray) else L.toarray()
            return np.block([[Ld, Brz], [Brz.T, Czz]])
        return L, Brz, Czz

    def hessian(self, theta, cnt):
        _, _, d2, _, dtt, det = self.terms(theta)
        cw = cnt * self.rows.w
        return self.matrix(-cw * d2, None if det is None else -cw * det, None if dtt is None else -cw * dtt)

    def solve(self, H, g, rtol=1e-10):
        if isinstance(H, np.ndarray):
            try:
                return scipy.linalg.cho_solve(scipy.linalg.cho_factor(H), g)
            except np.linalg.LinAlgError:
                return np.linalg.lstsq(H, g, rcond=None)[0]
        L, Brz, Czz = H
        d = L.diagonal()
        Minv = LinearOperator(L.shape, matvec=lambda x: x / d, dtype=float)
        rhs = np.column_stack([g[: self.n - 1], Brz])
        sol = np.empty_like(rhs)
        for j in range(rhs.shape[1]):
            if not np.any(rhs[:, j]):
                sol[:, j] = 0.0
                continue
            sol[:, j], _info = cg(L, rhs[:, j], M=Minv, rtol=rtol, atol=0.0, maxiter=20 * L.shape[0])
        x_r = sol[:, 0]
        if Czz.shape[0] == 0:
            return x_r
        S = Czz - Brz.T @ sol[:, 1:]
        x_z = np.linalg.solve(S, g[self.n - 1 :] - Brz.T @ x_r)
        return np.concatenate([x_r - sol[:, 1:] @ x_z, x_z])


def _small_step(t: float, step: np.ndarray, tol: float) -> bool:
    """Converged: the last step was below ``tol``, or it was a full Newton step below sqrt(tol / 10), so that by
    quadratic convergence (error after the step ~ C |step|^2, C <= 10 assumed) the error is below ``tol``."""
    s = float(np.max(np.abs(step))) * t
    return s < tol or (t == 1.0 and s < np.sqrt(tol / 10))


def _newton(prob: _Problem, theta0, cnt, tol=1e-10, max_iter=100):
    """Damped Newton ascent. Backtracking (Armijo) while the Newton decrement g' H^-1 g is >= 1e-2; below it the
    iterate is in the quadratic-convergence region and full steps are taken without evaluating the likelihood."""
    theta = theta0.copy()
    f = prob.loglik(theta, cnt)
    it, converged = 0, False
    for it in range(1, max_iter + 1):  # noqa: B007 - the count is reported after the loop
        g, H = prob.derivs(theta, cnt)
        step = prob.solve(H, g)
        if not np.all(np.isfinite(step)):
            break
        dec = float(g @ step)
        if dec < 1e-2:
            theta = theta + step
            f = np.nan
            if _small_step(1.0, step, tol):
                converged = True
                break
            continue
        if np.isnan(f):
            f = prob.loglik(theta, cnt)
        t = 1.0
        while True:
            cand = theta + t * step
            f_new = prob.loglik(cand, cnt)
            if f_new >= f + 1e-4 * t * dec or t < 1e-10:
                break
            t *= 0.5
        if f_new < f - 1e-9 * abs(f):  # no ascent possible (numerical floor): stop
            converged = np.max(np.abs(step)) < 1e-6
            break
        theta, f = cand, f_new
        if _small_step(t, step, tol):
            converged = True
            break
    if np.isnan(f):
        f = prob.loglik(theta, cnt)
    return theta, f, it, converged


def _bt_matrix_solve(S: np.ndarray, r0: np.ndarray, tol: float = 1e-10, max_iter: int = 100, chord: float = 1e-4):
    """Newton for pure BT on N x N matrices: S[i, j] = weighted wins of i over j (ties count 1/2 each way).

    Log-likelihood sum_ij S_ij log P_ij with P_ij = e_i / (e_i + e_j), e = exp(r - max r): no exp/log on N x N
    arrays, only R = 1 / (e_i + e_j) (one add, one reciprocal) and Q = -N R (N = S + S^T). Gradient
    g = S 1 - e * (N R) 1; Hessian = Laplacian of N P (1 - P) = D_e (N R^2) D_e off the diagonal, factorised in
    the coordinates u = e * s (H_u = diag(h) - N R^2, h = (N R^2 e) / e; Cholesky is insensitive to this
    diagonal scaling) with the gauge null vector e closed by a rank-one term. One in-place LAPACK dpotrf per
    Newton step, no copies of the N x N matrices.

    A full step is accepted without evaluating the likelihood when the directional derivative at the candidate
    g(r + s) . s is >= 0 (concavity: the likelihood rose along the whole step; that gradient is needed next
    anyway), or, for steps below 1e-3 (quadratic model accurate), when it is >= -dec / 2; otherwise Armijo
    backtracking. Once the last step is below ``chord`` the factor is reused (chord steps, linear convergence
    with rate O(last step)). Convergence: the (quasi-)Newton step H^-1 g at the current point, an estimate of the
    distance to the optimum, is below ``tol`` in max norm; it is then applied.

    Returns (r, n_iter, converged), r in an arbitrary gauge."""
    from scipy.linalg.blas import dger
    from scipy.linalg.lapack import dpotrf, dpotrs

    n = S.shape[0]
    negN = S + S.T
    np.negative(negN, out=negN)
    ws = S.sum(1)
    R, Q = np.empty((n, n)), np.empty((n, n))
    H = np.empty((n, n))
    dia = np.arange(n) * (n + 1)

    def grad(r):
        e = np.exp(r - r.max())
        np.add.outer(e, e, out=R)
        np.reciprocal(R, out=R)
        np.multiply(negN, R, out=Q)
        return e, ws + e * Q.sum(1)

    def loglik(r):
        rs = r - r.max()
        e = np.exp(rs)
        return float(ws @ rs - (S * np.log(np.add.outer(e, e))).sum())

    r = np.array(r0, dtype=float)
    e, g = grad(r)
    fac, e_f = None, e
    last, it, converged = np.inf, 0, False
    for it in range(1, max_iter + 1):  # noqa: B007 - the count is reported after the loop
        if fac is None or last >= chord:  # Newton step: Hessian at r, in u = e * s coordinates
            np.multiply(Q, R, out=H)  # -N R^2
            h = -(H @ e) / e
            H.flat[dia] = h
            ee = e / np.sqrt(e @ e)
            Ht = dger(float(h @ ee**2), ee, ee, a=H.T, overwrite_a=1)  # + alpha e e^T: gauge
            fac, info = dpotrf(Ht, lower=1, overwrite_a=1, clean=0)
            if info != 0:
                break
            H = np.empty((n, n)) if fac is H.T else H  # fac owns the buffer
            e_f = e
        s = dpotrs(fac, g / e_f, lower=1)[0] / e_f
        if not np.all(np.isfinite(s)):
            break
        size = float(np.max(np.abs(s)))
        if size <= tol:
            r = r + s
            converged = True
            break
        dec = float(g @ s)
        cand = r + s
        ec, gc = grad(cand)
        dc = float(gc @ s)
        t = 1.0
        if not (np.isfinite(dc) and (dc >= 0 or (size < 1e-3 and dc >= -0.5 * dec))):
            f = loglik(r)
            while True:
                t *= 0.5
                cand = r + t * s
                if loglik(cand) >= f + 1e-4 * t * dec or t < 1e-10:
                    break
            ec, gc = grad(cand)
            fac = None
        r, e, g = cand, ec, gc
        last = t * size
    return r, it, converged


def _newton_dense_bt(prob: _Problem, r0: np.ndarray, tol: float = 1e-10, max_iter: int = 100, cnt=None):
    """Pure BT (logistic, no covariates, ties as half wins) on N x N matrices built from the rows; same optimum as
    :func:`_newton`. Returns (theta, nan, n_iter, converged) like :func:`_newton`."""
    R, n = prob.rows, prob.n
    cw, y = (prob.cw if cnt is None else cnt * R.w), prob.y
    S = (np.bincount(R.a * n + R.b, cw * y, n * n) + np.bincount(R.b * n + R.a, cw * (1 - y), n * n)).reshape(n, n)
    r, it, ok = _bt_matrix_solve(S, r0, tol, max_iter)
    return (r - r[prob.ref])[prob.free], np.nan, it, ok  # log-likelihood computed on demand by BTResult


# --------------------------------------------------------------------------------------------------------------
# existence
# --------------------------------------------------------------------------------------------------------------
def check_existence(rows: _Rows, tie_model: str) -> None:
    """Raise SimTheoryInputError unless the MLE can exist (Ford's condition with ties as two-way edges).

    Parameters
    ----------
    rows : aggregated battles.
    tie_model : 'half', 'rao_kupper' or 'davidson'.

    Raises
    ------
    SimTheoryInputError
        A player without battles, a disconnected comparison graph, a win graph that is not strongly
        connected (ties count both ways), or for Rao-Kupper/Davidson no ties or only ties.
    """
    n = len(rows.names)
    win_a, win_b, tie = rows.out == A_WINS, rows.out == B_WINS, rows.out == TIE
    src = np.concatenate([rows.a[win_a | tie], rows.b[win_b | tie]])
    dst = np.concatenate([rows.b[win_a | tie], rows.a[win_b | tie]])
    G = sp.csr_matrix((np.ones(src.size), (src, dst)), shape=(n, n))
    if not _strongly_connected(G):
        _explain_existence(rows, G)
    if tie_model in ("rao_kupper", "davidson"):
        nt = rows.cnt[tie].sum()
        if nt == 0:
            raise SimTheoryInputError(
                "ties",
                f"no ties observed: the {tie_model} tie parameter is not identifiable "
                "(its MLE is at the boundary); use tie_model='half'",
            )
        if nt == rows.cnt.sum():
            raise SimTheoryInputError("ties", "every battle is a tie: the tie parameter diverges")


def _strongly_connected(G) -> bool:
    """One strongly-connected-components pass (Tarjan/Pearce, O(N + edges)) on the win graph: strong
    connectivity implies every player has battles and the comparison graph is connected."""
    return G.shape[0] < 2 or connected_components(G, directed=True, connection="strong", return_labels=False) == 1


def _explain_existence(rows: _Rows, G) -> None:
    """The win graph ``G`` is not strongly connected: raise the one-line error that says why."""
    n = len(rows.names)
    games = np.bincount(rows.a, rows.cnt, n) + np.bincount(rows.b, rows.cnt, n)
    if np.any(games == 0):
        idx = np.flatnonzero(games == 0)
        raise SimTheoryInputError(
            "battles",
            f"player(s) {[rows.names[i] for i in idx[:5]]} have no battles; "
            "their score is not identifiable (drop them)",
        )
    ncc = connected_components(G, directed=False, return_labels=False)
    if ncc > 1:
        raise SimTheoryInputError(
            "battles",
            f"comparison graph is disconnected ({ncc} components): scores of "
            "different components are not comparable, the MLE does not exist",
        )
    beat = np.asarray(G.sum(0)).ravel() == 0  # never lost (nobody has an edge into them)
    lost = np.asarray(G.sum(1)).ravel() == 0
    what = (
        f"player(s) {[rows.names[i] for i in np.flatnonzero(beat)[:5]]} won every battle"
        if beat.any()
        else f"player(s) {[rows.names[i] for i in np.flatnonzero(lost)[:5]]} lost every battle"
        if lost.any()
        else "a group of players never lost to anyone outside it"
    )
    raise SimTheoryInputError(
        "battles",
        f"{what} (ties count as edges both ways): the win graph is not strongly connected, so the MLE does not exist",
    )


# --------------------------------------------------------------------------------------------------------------
# result
# --------------------------------------------------------------------------------------------------------------
@dataclass
class BTResult:
    """Fitted paired-comparison model of :func:`fit` (statsmodels-like; Rethinking BT Sec. 2, gauge sum r = 0).

    Covariances (``cov``, ``cov_sandwich()``, ``cov_bootstrap()``) are computed on first use: the dense
    N x N covariance costs O(N^2) memory. ``bse()``, ``conf_int()``, ``contrast()``, ``summary()``,
    ``elo()`` and ``forest_plot()`` report them.

    Attributes
    ----------
    names : list
        Player names, in score order.
    coef_names : list
        Names of the covariate / position coefficients.
    link : str
        'logistic' (BT) or 'probit' (Thurstone).
    tie_model : str
        'half', 'rao_kupper' or 'davidson'.
    theta : numpy.ndarray
        Free-coordinate parameters (reference player pinned at 0); use ``params`` / ``scores`` instead.
    n_iter : int
        Newton iterations used.
    converged : bool
        Whether the solver met its tolerance.
    n_battles : float
        Total (weighted) number of battles.
    scores : pandas.Series
        Mean-zero scores indexed by ``names`` (property).
    params : pandas.Series
        Scores, covariate coefficients, position and tie parameter (property).
    loglik : float
        Maximised log-likelihood (property).

    Examples
    --------
    >>> from simtheory.bt import fit
    >>> res = fit([[0, 75, 85], [23, 0, 80], [8, 29, 0]], names=["a", "b", "c"])
    >>> res.scores.round(2).tolist(), bool(res.converged)
    ([1.16, -0.06, -1.11], True)
    >>> res.elo().round(0).tolist()
    [1202.0, 990.0, 808.0]
    """

    names: list
    coef_names: list
    link: str
    tie_model: str
    theta: np.ndarray  # free-coordinate parameters (reference player pinned at 0)
    _loglik: float
    n_iter: int
    converged: bool
    n_battles: float
    _prob: Any = field(repr=False)
    _cache: dict = field(default_factory=dict, repr=False)

    # ---- point estimates
    @property
    def loglik(self) -> float:
        """Maximised (weighted) log-likelihood; for tie_model='half' the quasi-log-likelihood."""
        if np.isnan(self._loglik):
            self._loglik = self._prob.loglik(self.theta)
        return self._loglik

    @property
    def _model(self) -> str:
        return self._prob.model

    def _full(self, theta) -> np.ndarray:
        r, beta, tau = self._prob.split(theta)
        r = r - r.mean()
        return np.concatenate([r, beta, [] if tau is None else [tau]])

    @property
    def param_names(self) -> list:
        extra = {"rao_kupper": ["log_theta"], "davidson": ["log_nu"]}.get(self._model, [])
        return [str(m) for m in self.names] + list(self.coef_names) + extra

    @property
    def params(self):
        import pandas as pd

        return pd.Series(self._full(self.theta), index=self.param_names)

    @property
    def scores(self):
        import pandas as pd

        return pd.Series(self._full(self.theta)[: len(self.names)], index=self.names)

    @property
    def tie_param(self) -> float | None:
        """theta (Rao-Kupper, > 1) or nu (Davidson, >= 0); None for 'half'."""
        if self._model == "rao_kupper":
            return float(np.exp(self.theta[-1]))
        if self._model == "davidson":
            return float(np.exp(self.theta[-1]))
        return None

    def elo(self, anchor: float = 1000.0, reference=None):
        """Scores on the Elo scale 400/ln 10 * r (logistic link), mean ``anchor`` or ``reference`` = anchor."""
        r = self.scores
        if reference is not None:
            return anchor + ELO_SCALE * (r - r[reference])
        return anchor + ELO_SCALE * r

    # ---- covariances in free coordinates -> full mean-zero coordinates
    def _to_full(self, C_free: np.ndarray) -> np.ndarray:
        p, n = self._prob, self._prob.n
        k = C_free.shape[0] - (n - 1)
        idx = np.concatenate([p.free, n + np.arange(k)])
        C = np.zeros((n + k, n + k))
        C[np.ix_(idx, idx)] = C_free
        C[:n] -= C[:n].mean(0)  # centre the score block (gauge sum r = 0)
        C[:, :n] -= C[:, :n].mean(1)[:, None]
        return C

    def _dense_hessian(self) -> np.ndarray:
        """Negative Hessian in free coordinates as one Fortran-ordered array (filled in place, no block copies)."""
        p = self._prob
        H = p.hessian(self.theta, p.rows.cnt)
        if isinstance(H, np.ndarray):
            return np.asfortranarray(H)
        L, Brz, Czz = H
        m = p.n - 1
        out = np.zeros((m + Czz.shape[0],) * 2, order="F")
        Lc = L.tocoo()
        out[Lc.row, Lc.col] = Lc.data
        out[:m, m:], out[m:, :m], out[m:, m:] = Brz, Brz.T, Czz
        return out

    def _fisher_var(self) -> np.ndarray:
        """Diagonal of :attr:`cov` without the dense covariance: Cholesky H = L L^T in place (LAPACK dpotrf), L^-1
        in place (dtrtri), diag(H^-1) = column sums of squares of L^-1 and the score row sums H^-1 1 by two
        triangular products; the gauge sum r = 0 then shifts the score variances by -2 (H^-1 1)_i / N +
        1'H^-1 1 / N^2. One (N-1) x (N-1) array, 2 N^3 / 3 flops (the full inverse: N^3 and four such arrays)."""
        if "fisher_var" not in self._cache:
            from scipy.linalg.lapack import dpotrf, dtrtri

            p, n = self._prob, self._prob.n
            H = self._dense_hessian()
            Lf, info = dpotrf(H, lower=1, overwrite_a=1, clean=1)
            if info != 0:
                raise SimTheoryInputError(
                    "covariates",
                    "information matrix is singular: a covariate is collinear "
                    "with the player scores or other covariates",
                )
            Li, info = dtrtri(Lf, lower=1, overwrite_c=1)
            del H, Lf
            d_free = np.einsum("ij,ij->j", Li, Li)
            one = np.zeros(Li.shape[0])
            one[: n - 1] = 1.0
            v = Li.T @ (Li @ one)  # H^-1 1 over the scores
            del Li
            d = np.zeros(n + d_free.size - (n - 1))
            rs = np.zeros(n)
            idx = np.concatenate([p.free, n + np.arange(d_free.size - (n - 1))])
            d[idx] = d_free
            rs[p.free] = v[: n - 1]
            tot = rs.sum()
            d[:n] += -2 * rs / n + tot / n**2
            self._cache["fisher_var"] = d
        return self._cache["fisher_var"]

    def _bread(self) -> np.ndarray:
        if "Hinv" not in self._cache:
            H = self._prob.hessian(self.theta, self._prob.rows.cnt)
            if not isinstance(H, np.ndarray):
                H = self._prob.matrix(*self._hess_coefs(), dense=True)
            try:
                cf = scipy.linalg.cho_factor(H)
            except np.linalg.LinAlgError:
                raise SimTheoryInputError(
                    "covariates",
                    "information matrix is singular: a covariate is collinear "
                    "with the player scores or other covariates",
                ) from None
            self._cache["Hinv"] = scipy.linalg.cho_solve(cf, np.eye(H.shape[0]))
        return self._cache["Hinv"]

    def _hess_coefs(self):
        _, _, d2, _, dtt, det = self._prob.terms(self.theta)
        cw = self._prob.rows.cnt * self._prob.rows.w
        return -cw * d2, None if det is None else -cw * det, None if dtt is None else -cw * dtt

    @property
    def cov(self) -> np.ndarray:
        """Model-based (inverse observed Fisher information) covariance of ``params``."""
        if "fisher" not in self._cache:
            self._cache["fisher"] = self._to_full(self._bread())
        return self._cache["fisher"]

    def cov_sandwich(self, cluster: bool = True) -> np.ndarray:
        """Robust covariance H^-1 M H^-1 (HC0 over battles; clustered with G/(G-1) when a cluster was given).

        M = sum over battles of the outer products of score contributions w_k dl_k/dtheta (or of their
        per-cluster sums). Valid for the half-win tie quasi-likelihood and for non-frequency weights.
        """
        key = ("sandwich", cluster)
        if key not in self._cache:
            p = self._prob
            R = p.rows
            _, d1, _, dt, _, _ = p.terms(self.theta)
            if cluster and R.cl is not None:
                G = R.n_clusters
                u = R.cnt * R.w * d1
                ut = None if dt is None else R.cnt * R.w * dt
                cols = [R.a, R.b]
                vals = [u, -u]
                for j in range(p.q):
                    cols.append(np.full(R.a.size, p.n + j))
                    vals.append(u * R.Z[:, j])
                if p.t:
                    cols.append(np.full(R.a.size, p.n + p.q))
                    vals.append(ut)
                S = sp.csr_matrix(
                    (np.concatenate(vals), (np.tile(R.cl, len(cols)), np.concatenate(cols))), shape=(G, p.n + p.q + p.t)
                )
                keep = np.concatenate([p.free, p.n + np.arange(p.q + p.t)])
                S = S[:, keep]
                M = (S.T @ S).toarray() * G / (G - 1)
            else:
                c = R.cnt * R.w**2
                M = p.matrix(
                    c * d1**2, None if dt is None else c * d1 * dt, None if dt is None else c * dt**2, dense=True
                )
            Hi = self._bread()
            self._cache[key] = self._to_full(Hi @ M @ Hi)
        return self._cache[key]

    def bootstrap(self, B: int = 200, seed: int = 0, cluster: bool = True) -> np.ndarray:
        """Refit on B resamples of battles (or of clusters, if a cluster column was given); (B, P) params.

        Resamples in which the MLE does not exist (a player without battles or wins) are dropped and counted in
        ``self.bootstrap_failures``; they become likely when players have few battles.
        """
        key = ("boot", B, seed, cluster)
        if key not in self._cache:
            from simtheory.validation import check_positive_int

            B = check_positive_int("B", B, 2)
            p = self._prob
            R = p.rows
            rng = np.random.default_rng(seed)
            total = int(np.rint(R.cnt.sum()))
            use_cl = cluster and R.cl is not None
            draws, fails = [], 0
            for _ in range(B):
                if use_cl:
                    m = np.bincount(rng.integers(0, R.n_clusters, R.n_clusters), minlength=R.n_clusters)
                    cnt = R.cnt * m[R.cl]
                else:
                    cnt = rng.multinomial(total, R.cnt / R.cnt.sum()).astype(float)
                try:
                    check_existence(
                        _Rows(
                            R.a[cnt > 0],
                            R.b[cnt > 0],
                            R.out[cnt > 0],
                            cnt[cnt > 0],
                            R.w[cnt > 0],
                            R.Z[cnt > 0],
                            None,
                            R.names,
                            R.coef_names,
                        ),
                        self.tie_model,
                    )
                except SimTheoryInputError:
                    fails += 1
                    continue
                if p.model == "logistic" and p.q == 0 and p.n <= _MATRIX_MAX:
                    r_start = np.zeros(p.n)
                    r_start[p.free] = self.theta
                    th, _, _, ok = _newton_dense_bt(p, r_start, cnt=cnt)
                else:
                    th, _, _, ok = _newton(p, self.theta, cnt)
                if not ok:
                    fails += 1
                    continue
                draws.append(self._full(th))
            self.bootstrap_failures = fails
            self._cache[key] = np.array(draws)
        return self._cache[key]

    def cov_bootstrap(self, B: int = 200, seed: int = 0, cluster: bool = True) -> np.ndarray:
        return np.cov(self.bootstrap(B, seed, cluster), rowvar=False)

    # ---- inference helpers
    def _cov(self, method: str, **kw) -> np.ndarray:
        check_choice("method", method, ["fisher", "sandwich", "bootstrap"])
        kw.pop("boot_ci", None)
        if method == "fisher":
            return self.cov
        if method == "sandwich":
            return self.cov_sandwich(cluster=kw.get("cluster", True))
        return self.cov_bootstrap(**kw)

    def bse(self, method: str = "fisher", **kw):
        """Standard errors of ``params`` ('fisher', 'sandwich' or 'bootstrap')."""
        import pandas as pd

        if method == "fisher" and "fisher" not in self._cache:
            var = self._fisher_var()
        else:
            var = np.diag(self._cov(method, **kw))
        return pd.Series(np.sqrt(np.clip(var, 0, None)), index=self.param_names)

    def conf_int(self, method: str = "fisher", alpha: float = 0.05, boot_ci: str = "normal", **kw):
        """(P, 2) DataFrame of CIs: Wald with Fisher, sandwich or bootstrap SEs (``boot_ci='normal'``, default),
        or bootstrap percentile intervals (``boot_ci='percentile'``; these under-cover at B ~ 100, see the
        bt_arena grid: use B >= 1000). Keywords B, seed, cluster go to :meth:`bootstrap`."""
        import pandas as pd
        from scipy.stats import norm

        alpha = check_scalar("alpha", alpha, low=0.0, high=1.0, low_open=True, high_open=True)
        check_choice("boot_ci", boot_ci, ["normal", "percentile"])
        est = self._full(self.theta)
        if method == "bootstrap" and boot_ci == "percentile":
            d = self.bootstrap(**kw)
            lo, hi = np.quantile(d, [alpha / 2, 1 - alpha / 2], axis=0)
        else:
            se = self.bse(method, **kw).to_numpy()
            z = norm.ppf(1 - alpha / 2)
            lo, hi = est - z * se, est + z * se
        return pd.DataFrame({"lower": lo, "upper": hi}, index=self.param_names)

    def contrast(self, reference, method: str = "fisher", alpha: float = 0.05, boot_ci: str = "normal", **kw):
        """Score differences r_i - r_reference with SEs and Wald (or bootstrap percentile) CIs."""
        import pandas as pd
        from scipy.stats import norm

        if reference not in self.names:
            raise SimTheoryInputError("reference", f"unknown player {reference!r}")
        n = len(self.names)
        j = self.names.index(reference)
        r = self._full(self.theta)[:n]
        diff = r - r[j]
        if method == "bootstrap":
            d = self.bootstrap(**kw)[:, :n]
            d = d - d[:, [j]]
            se = d.std(0, ddof=1)
            if boot_ci == "percentile":
                lo, hi = np.quantile(d, [alpha / 2, 1 - alpha / 2], axis=0)
            else:
                z = norm.ppf(1 - alpha / 2)
                lo, hi = diff - z * se, diff + z * se
        else:
            C = self._cov(method, **kw)[:n, :n]
            se = np.sqrt(np.clip(np.diag(C) + C[j, j] - 2 * C[:, j], 0, None))
            z = norm.ppf(1 - alpha / 2)
            lo, hi = diff - z * se, diff + z * se
        return pd.DataFrame({"diff": diff, "se": se, "lower": lo, "upper": hi}, index=self.names)

    def summary(self, method: str = "fisher", alpha: float = 0.05, anchor: float = 1000.0, **kw):
        """Leaderboard DataFrame sorted by score: score, se, CI, Elo (400/ln10 scale, mean ``anchor``), battles."""
        n = len(self.names)
        se = self.bse(method, **kw).to_numpy()[:n]
        ci = self.conf_int(method, alpha, **kw).to_numpy()[:n]
        R = self._prob.rows
        games = np.bincount(R.a, R.cnt, n) + np.bincount(R.b, R.cnt, n)
        r = self.scores
        df = r.to_frame("score")
        df["se"], df["lower"], df["upper"] = se, ci[:, 0], ci[:, 1]
        df["elo"] = anchor + ELO_SCALE * df["score"]
        df["elo_lower"] = anchor + ELO_SCALE * df["lower"]
        df["elo_upper"] = anchor + ELO_SCALE * df["upper"]
        df["battles"] = games
        df = df.sort_values("score", ascending=False)
        df.insert(0, "rank", np.arange(1, n + 1))
        return df

    def coef_table(self, method: str = "fisher", alpha: float = 0.05, **kw):
        """Covariate / position / tie-parameter rows: estimate, SE, CI."""
        n = len(self.names)
        est = self.params.iloc[n:]
        df = est.to_frame("estimate")
        df["se"] = self.bse(method, **kw).iloc[n:]
        ci = self.conf_int(method, alpha, **kw).iloc[n:]
        df["lower"], df["upper"] = ci["lower"], ci["upper"]
        return df

    def forest_plot(
        self, out_dir=None, name: str = "bt_forest", method: str = "fisher", alpha: float = 0.05, elo: bool = True, **kw
    ):
        """Ratings with CIs, best on top; saved as PDF + PNG via the store's ``save_figure`` if ``out_dir``."""
        import matplotlib

        matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt

        s = self.summary(method, alpha, **kw)
        cols = ("elo", "elo_lower", "elo_upper") if elo else ("score", "lower", "upper")
        y = np.arange(len(s))[::-1]
        fig, ax = plt.subplots(figsize=(4.5, 0.6 + 0.22 * len(s)))
        ax.errorbar(s[cols[0]], y, xerr=[s[cols[0]] - s[cols[1]], s[cols[2]] - s[cols[0]]], fmt="o", ms=3, capsize=2)
        ax.set_yticks(y)
        ax.set_yticklabels([str(i) for i in s.index], fontsize=7)
        ax.set_xlabel(("Elo" if elo else "BT score") + f" ({100 * (1 - alpha):.0f}% {method} CI)")
        fig.tight_layout()
        if out_dir is not None:
            from simtheory.runner.store import save_figure

            save_figure(fig, out_dir, name)
        return fig


def _fit_counts(S: np.ndarray, names, tol: float, max_iter: int, dense_max: int, rows: _Rows | None = None):
    """Pure BT (logistic link, ties as half wins, no covariates) from an N x N matrix of weighted wins ``S``
    (ties half each way): one strongly-connected-components check on the nonzero pattern of S, then
    :func:`_bt_matrix_solve` from the log win/loss ratios. ``rows`` (the aggregated battles) are built from S
    when not given."""
    n = S.shape[0]
    names = list(range(n)) if names is None else list(names)
    if len(names) != n:
        raise SimTheoryInputError("names", f"{len(names)} names for {n} players")
    if S.sum() > 1e15:
        raise SimTheoryInputError("weights", "total weight > 1e15: rescale the weights")
    i, j = np.nonzero(S)  # row-major: the CSR structure of the win graph without a sort
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(i, minlength=n), out=indptr[1:])
    c = S[i, j]
    G = sp.csr_matrix((c, j, indptr), shape=(n, n))
    if rows is None:
        rows = _Rows(i, j, np.zeros(i.size, np.int8), c, np.ones(i.size), np.zeros((i.size, 0)), None, names, [], 0)
    if not _strongly_connected(G):
        _explain_existence(rows, G)
    ws = S.sum(1)
    games = ws + S.sum(0)
    r0 = np.log((ws + 0.5) / (games - ws + 0.5))
    r, it, ok = _bt_matrix_solve(S, r0, tol, max_iter)
    prob = _Problem(rows, "logistic", dense_max)
    theta = (r - r[prob.ref])[prob.free]
    rr = prob.split(theta)[0]
    max_eta = float(np.max(np.abs(rr[rows.a] - rr[rows.b])))
    if not ok or max_eta > 35:
        raise SimTheoryInputError(
            "battles",
            f"the MLE does not exist or was not reached (max |eta| {max_eta:.3g} after {it} Newton steps)",
        )
    return BTResult(
        names=rows.names,
        coef_names=[],
        link="logistic",
        tie_model="half",
        theta=theta,
        _loglik=np.nan,
        n_iter=it,
        converged=ok,
        n_battles=float(rows.cnt.sum()),
        _prob=prob,
    )


# --------------------------------------------------------------------------------------------------------------
# entry point
# --------------------------------------------------------------------------------------------------------------
def fit(
    battles,
    *,
    ties=None,
    weights=None,
    covariates: Sequence[str] | str | None = None,
    position=None,
    cluster=None,
    link: str = "logistic",
    tie_model: str = "half",
    names: Sequence | None = None,
    tol: float = 1e-10,
    max_iter: int = 100,
    dense_max: int = _DENSE_MAX,
    solver: str = "auto",
) -> BTResult:
    """Fit Bradley-Terry (tutorial log L(r)) / Thurstone (Remark 8) scores with ties, weights, covariates by ML.

    Parameters
    ----------
    battles : pandas.DataFrame, (N, N) array or tuple (winners, losers)
        Battles table with columns ``model_a``, ``model_b``, ``winner`` (``'model_a'``, ``'model_b'``, a model
        name, or any value starting with ``'tie'``), a win matrix ``W[i, j]`` = #(i beat j), or two integer
        arrays of winner and loser indices (choix's data format; the fast path for millions of battles).
    ties : (N, N) array, optional
        Tie counts for a win-matrix input: a symmetric matrix counts each unordered pair once, otherwise the
        upper and lower triangles are added.
    weights : str or array, optional
        Column (or array) of non-negative battle weights; the log-likelihood is weighted. Fisher SEs assume
        frequency weights; use the sandwich for sampling/importance weights.
    covariates : str or list of str, optional
        Columns x_k entering eta = r_a - r_b + beta . x_k (style control; give differences a minus b).
    position : True, str or array, optional
        Position/home indicator h_k (+1 a first, -1 b first); ``True``: a is always first (constant 1).
    cluster : str or array, optional
        Cluster labels (e.g. prompt) for clustered sandwich SEs and cluster bootstrap.
    link : {'logistic', 'probit'}
        BT (tutorial eq. for P(i > j) = sigma(r_i - r_j)) or Thurstone (Remark 8).
    tie_model : {'half', 'rao_kupper', 'davidson'}
        Ties as half wins (quasi-likelihood), Rao-Kupper or Davidson (logistic link only).
    names : sequence, optional
        Player order (table input) or labels (matrix input).
    dense_max : int
        Up to this many players the row-based Newton system is solved densely, above it by sparse PCG.
    solver : {'auto', 'matrix', 'rows'}
        'matrix': Newton on N x N win/count matrices (logistic link, no covariates, no tie parameter; memory
        O(N^2)); 'rows': Newton on the aggregated battle rows with a sparse Hessian (every model); 'auto':
        'matrix' when it applies and N <= 2000, else 'rows'.

    tol : float, default 1e-10
        Newton convergence tolerance (> 0).
    max_iter : int, default 100
        Maximum Newton iterations.

    Returns
    -------
    BTResult
        Mean-zero scores, coefficients, and covariances on demand.

    Raises
    ------
    SimTheoryInputError
        Bad input, or an MLE that does not exist (see the module docstring for the condition).

    Examples
    --------
    >>> import pandas as pd
    >>> from simtheory.bt import fit
    >>> battles = pd.DataFrame(
    ...     {
    ...         "model_a": ["x", "x", "y", "y", "z", "x", "z"],
    ...         "model_b": ["y", "z", "z", "x", "x", "z", "y"],
    ...         "winner": ["model_a", "model_a", "model_a", "model_a", "model_b", "tie", "model_b"],
    ...     }
    ... )
    >>> res = fit(battles)
    >>> res.scores.round(2).to_dict()
    {'x': 0.58, 'y': 0.91, 'z': -1.49}
    """
    check_choice("link", link, ["logistic", "probit"])
    check_choice("solver", solver, ["auto", "matrix", "rows"])
    check_choice("tie_model", tie_model, ["half", "rao_kupper", "davidson"])
    tol = check_scalar("tol", tol, low=0.0, low_open=True)
    if tie_model != "half" and link != "logistic":
        raise SimTheoryInputError("tie_model", f"{tie_model} is defined for the logistic link only")
    if isinstance(battles, tuple):
        if any(x is not None and x is not False for x in (ties, weights, covariates, position, cluster)):
            raise SimTheoryInputError("battles", "ties/weights/covariates/position/cluster need a battles table")
        if len(battles) != 2:
            raise SimTheoryInputError("battles", "a tuple must be (winners, losers) index arrays")
        w_ = _as_index("winners", battles[0])
        l_ = _as_index("losers", battles[1])
        if w_.shape != l_.shape or w_.size == 0:
            raise SimTheoryInputError("losers", f"length {l_.size} must equal winners' length {w_.size} (> 0)")
        n_ = int(max(w_.max(), l_.max())) + 1 if names is None else len(names)
        if n_ <= _MATRIX_MAX:  # O(M) win matrix (one pass that also checks the indices), then one row per entry
            from simtheory.bt._kernels import count_wins

            W_, bad = count_wins(w_, l_, n_)
            if bad >= 0:
                _index_array("winners", w_[bad : bad + 1])
                _index_array("losers", l_[bad : bad + 1])
                if w_[bad] == l_[bad]:
                    raise SimTheoryInputError("losers", "a player cannot play itself (winner == loser)")
                raise SimTheoryInputError("names", f"player index {int(max(w_[bad], l_[bad]))} >= len(names)={n_}")
            if n_ < 2:
                raise SimTheoryInputError("battles", "need at least 2 players")
            if link == "logistic" and tie_model == "half" and solver != "rows":
                return _fit_counts(W_, names, tol, int(max_iter), int(dense_max))
            rows = _rows_from_counts(W_, None, list(range(n_)) if names is None else list(names))
        else:
            w_ = _index_array("winners", w_)
            l_ = _index_array("losers", l_)
            if np.any(w_ == l_):
                raise SimTheoryInputError("losers", "a player cannot play itself (winner == loser)")
            if max(w_.max(), l_.max()) >= n_:
                raise SimTheoryInputError("names", f"player index {int(max(w_.max(), l_.max()))} >= len(names)={n_}")
            rows = _finish_rows(
                w_,
                l_,
                np.zeros(w_.size, np.int8),
                np.ones(w_.size),
                np.zeros((w_.size, 0)),
                None,
                list(range(n_)) if names is None else list(names),
                [],
            )
    elif isinstance(battles, (np.ndarray, list)):
        if any(x is not None and x is not False for x in (weights, covariates, position, cluster)):
            raise SimTheoryInputError("battles", "weights/covariates/position/cluster need a battles table")
        rows = _rows_from_matrix(battles, ties, names)
        n_ = len(rows.names)
        if (
            link == "logistic"
            and tie_model == "half"
            and (solver == "matrix" or (solver == "auto" and n_ <= _MATRIX_MAX))
        ):
            y = _y(rows.out)
            S = np.bincount(rows.a * n_ + rows.b, rows.cnt * y, n_ * n_)
            S += np.bincount(rows.b * n_ + rows.a, rows.cnt * (1 - y), n_ * n_)
            return _fit_counts(S.reshape(n_, n_), rows.names, tol, int(max_iter), int(dense_max), rows)
    else:
        if ties is not None:
            raise SimTheoryInputError("ties", "with a battles table, ties are rows with winner 'tie'")
        rows = _rows_from_table(battles, weights, covariates, position, cluster, names)
    if rows.cnt @ rows.w > 1e15:
        raise SimTheoryInputError("weights", "total weight > 1e15: rescale the weights")
    check_existence(rows, tie_model)
    if rows.Z.shape[1] and np.linalg.matrix_rank(rows.Z) < rows.Z.shape[1]:
        raise SimTheoryInputError("covariates", f"columns {rows.coef_names} are linearly dependent (singular design)")
    model = tie_model if tie_model != "half" else link
    prob = _Problem(rows, model, int(dense_max))
    theta0 = np.zeros(prob.n - 1 + prob.q + prob.t)
    # start from smoothed log win/loss ratios (halved: they overstate spread); saves Newton steps
    cw, y = prob.cw, prob.y
    wins = np.bincount(rows.a, cw * y, prob.n) + np.bincount(rows.b, cw * (1 - y), prob.n)
    games = np.bincount(rows.a, cw, prob.n) + np.bincount(rows.b, cw, prob.n)
    r0 = 0.5 * np.log((wins + 0.5) / (games - wins + 0.5))
    theta0[: prob.n - 1] = (r0 - r0[prob.ref])[prob.free]
    if prob.t:
        ft = rows.cnt[rows.out == TIE].sum() / rows.cnt.sum()
        theta0[-1] = np.log(2 * ft / (1 - ft)) if model == "davidson" else 2 * np.arctanh(min(ft, 0.99))
    matrix_ok = prob.model == "logistic" and prob.q == 0
    if solver == "matrix" and not matrix_ok:
        raise SimTheoryInputError("solver", "'matrix' needs the logistic link, tie_model='half' and no covariates")
    if matrix_ok and (solver == "matrix" or (solver == "auto" and prob.n <= _MATRIX_MAX)):
        theta, f, it, ok = _newton_dense_bt(prob, r0, tol=tol, max_iter=int(max_iter))
    else:
        theta, f, it, ok = _newton(prob, theta0, rows.cnt, tol=tol, max_iter=int(max_iter))
    r_, beta_, _ = prob.split(theta)
    max_eta = float(np.max(np.abs(prob.eta(r_, beta_))))
    if not ok or max_eta > 35:  # P(outcome) < 1e-15: quasi-separation, the likelihood has no maximum
        raise SimTheoryInputError(
            "covariates" if prob.q else "battles",
            f"the MLE does not exist or was not reached (max |eta| {max_eta:.3g} after {it} "
            "Newton steps): covariates or position may separate the outcomes",
        )
    return BTResult(
        names=rows.names,
        coef_names=rows.coef_names,
        link=link,
        tie_model=tie_model,
        theta=theta,
        _loglik=f,
        n_iter=it,
        converged=ok,
        n_battles=float(rows.cnt.sum()),
        _prob=prob,
    )
