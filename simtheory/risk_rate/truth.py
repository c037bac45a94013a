"""True rewards of controlled smoothness and a pair distribution with a controlled small-value index.

Reward (Sec. 2.4 setting, embeddings Psi in [0, 1]^d):

    r(psi) = log(psi_1) + kappa * g_beta(psi),
    g_beta(psi) = c * sum_{j=0}^{J-1} 2^{-j beta} cos(2 pi 2^j <omega_j, psi> + phi_j),

with unit directions omega_j and phases phi_j fixed by ``function_seed``. A lacunary (Weierstrass-type) series
with amplitude 2^{-j beta} at frequency 2^j lies in the Hoelder-Zygmund class of order exactly beta (no
higher), so beta is the smoothness of Assumption 21 (non-integer beta: ordinary Hoelder). c makes
sum of squared amplitudes / 2 = 1 (g has variance about 1 under uniform Psi).

Preference probability: p0(Psi1, Psi2) = sigmoid(r(Psi1) - r(Psi2)) = w1 / (w1 + w2) with
w = exp(r) = psi_1 exp(kappa g) (smooth and >= 0), so p0 inherits the smoothness of g.

Pair distribution (controls alpha): Psi1, Psi2 i.i.d.; coordinate 1 ~ Beta(alpha, 1) (= U^{1/alpha}),
the other coordinates Uniform(0, 1). Near 0, p0 ~ psi1_1 exp(kappa(g1 - g2)) / psi2_1, and for i.i.d.
X, Y ~ Beta(alpha, 1), P(X/Y <= t) = t^alpha / 2 for t <= 1, so the small-value bound
P(min(p0, 1 - p0) <= t) <= C t^alpha holds with exactly this alpha (the exp(kappa(g1 - g2)) factor is bounded
above and below, changing only C). alpha = 1 is uniform Psi.
Caveat (documented): p0 is a ratio w1/(w1+w2) and so is not smooth at the corner psi1_1 = psi2_1 = 0,
which has probability ~ t^{2 alpha} of a t-neighbourhood.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simtheory.validation import SimTheoryInputError, check_finite_array, check_positive_int, check_scalar


@dataclass(frozen=True)
class SmoothReward:
    """r(psi) = log(psi_1) + kappa * g_beta(psi) (see module docstring)."""

    beta: float
    d: int
    kappa: float
    omegas: np.ndarray  # (J, d) unit vectors
    phases: np.ndarray  # (J,)
    amps: np.ndarray  # (J,) = c 2^{-j beta}

    def g(self, psi: np.ndarray) -> np.ndarray:
        freqs = 2.0 * np.pi * (2.0 ** np.arange(self.amps.size))
        arg = (psi @ self.omegas.T) * freqs + self.phases
        return np.cos(arg) @ self.amps

    def __call__(self, psi) -> np.ndarray:
        psi = check_finite_array("psi", psi, ndim=2)
        if psi.shape[1] != self.d:
            raise SimTheoryInputError("psi", f"expected {self.d} columns, got {psi.shape[1]}")
        with np.errstate(divide="ignore"):
            return np.log(psi[:, 0]) + self.kappa * self.g(psi)


def make_reward(
    beta: float, d: int, kappa: float = 1.0, n_levels: int = 10, function_seed: int = 20241124
) -> SmoothReward:
    """Build the beta-smooth reward in d dimensions; the same ``function_seed`` gives the same function."""
    beta = check_scalar("beta", beta, low=0.0, low_open=True)
    d = check_positive_int("d", d)
    kappa = check_scalar("kappa", kappa, low=0.0)
    n_levels = check_positive_int("n_levels", n_levels)
    rng = np.random.default_rng([int(function_seed), d, int(round(beta * 1000))])
    om = rng.standard_normal((n_levels, d))
    om /= np.linalg.norm(om, axis=1, keepdims=True)
    phases = rng.uniform(0, 2 * np.pi, n_levels)
    raw = 2.0 ** (-np.arange(n_levels) * beta)
    amps = raw / np.sqrt(np.sum(raw**2) / 2.0)
    return SmoothReward(beta, d, kappa, om, phases, amps)


def sample_psi(n: int, d: int, alpha: float, rng: np.random.Generator) -> np.ndarray:
    """n embeddings in [0, 1]^d: coordinate 1 ~ Beta(alpha, 1), the rest uniform (module docstring)."""
    n = check_positive_int("n", n)
    d = check_positive_int("d", d)
    alpha = check_scalar("alpha", alpha, low=0.0, low_open=True)
    psi = rng.uniform(size=(n, d))
    psi[:, 0] = rng.uniform(size=n) ** (1.0 / alpha)
    # keep psi_1 > 0 so that r is finite (probability of 0 is ~1e-300 anyway)
    np.maximum(psi[:, 0], np.finfo(float).tiny, out=psi[:, 0])
    return psi


def preference_prob(reward: SmoothReward, psi1: np.ndarray, psi2: np.ndarray) -> np.ndarray:
    """p0 = sigmoid(r(Psi1) - r(Psi2)), computed stably."""
    from scipy.special import expit

    return expit(reward(psi1) - reward(psi2))


def sample_pairs(n: int, reward: SmoothReward, alpha: float, rng: np.random.Generator):
    """(Psi1, Psi2, p0, labels) with labels ~ Bernoulli(p0) (1 = first preferred)."""
    psi1 = sample_psi(n, reward.d, alpha, rng)
    psi2 = sample_psi(n, reward.d, alpha, rng)
    p0 = preference_prob(reward, psi1, psi2)
    y = (rng.uniform(size=n) < p0).astype(np.float64)
    return psi1, psi2, p0, y


def small_value_index(p0: np.ndarray, ts=(1e-3, 3e-3, 1e-2, 3e-2)) -> float:
    """Empirical alpha: slope of log P(min(p0, 1-p0) <= t) on log t over ``ts`` (diagnostic only)."""
    m = np.minimum(p0, 1.0 - p0)
    ts = np.asarray(ts, dtype=float)
    F = np.array([np.mean(m <= t) for t in ts])
    ok = F > 0
    if ok.sum() < 2:
        return float("nan")
    return float(np.polyfit(np.log(ts[ok]), np.log(F[ok]), 1)[0])
