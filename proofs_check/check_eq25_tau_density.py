"""Symbolic derivation of eq. 25 (*Rethinking BT*, Example 1, Appendix C.1) by change of variables.

r1, r2 iid N(mu, sigma^2)  =>  D = beta (r1 - r2) ~ N(0, 2 beta^2 sigma^2);  U = |D| is half-normal;
tau = sigmoid(U), so U = logit(tau), dU/dtau = 1 / (tau (1 - tau)), and
f_tau(t) = f_U(logit t) / (t (1 - t)), which is eq. 25 with s2 = beta^2 sigma^2.
"""

import sympy as sp

t = sp.symbols("t", positive=True)
u, s2 = sp.symbols("u s2", positive=True)


def half_normal_density(u, var):
    """Density of |D| for D ~ N(0, var), u > 0."""
    return 2 / sp.sqrt(2 * sp.pi * var) * sp.exp(-(u**2) / (2 * var))


def eq25(t, s2):
    return 1 / sp.sqrt(sp.pi * s2) * sp.exp(-(sp.log(t / (1 - t)) ** 2) / (4 * s2)) / (t * (1 - t))


def test_change_of_variables_gives_eq25():
    logit = sp.log(t / (1 - t))
    jac = sp.diff(logit, t)
    assert sp.simplify(jac - 1 / (t * (1 - t))) == 0
    derived = half_normal_density(logit, 2 * s2) * jac
    assert sp.simplify(derived - eq25(t, s2)) == 0


def test_eq25_is_a_density_on_half_to_one():
    # substitute t = sigmoid(u): the integral over (1/2, 1) becomes one over u in (0, inf)
    integrand = sp.simplify(eq25(1 / (1 + sp.exp(-u)), s2) * sp.diff(1 / (1 + sp.exp(-u)), u))
    assert sp.simplify(integrand - half_normal_density(u, 2 * s2)) == 0
    assert sp.simplify(sp.integrate(integrand, (u, 0, sp.oo))) == 1


def test_sigmoid_is_concave_on_positive_half_line():
    """xi(d) = sigmoid(beta d) is concave for d >= 0 (a hypothesis of Theorem 16)."""
    d, beta = sp.symbols("d beta", positive=True)
    xi = 1 / (1 + sp.exp(-beta * d))
    second = sp.simplify(sp.diff(xi, d, 2))
    # xi'' = -beta^2 e^{beta d} (e^{beta d} - 1) / (e^{beta d} + 1)^3 <= 0 for d >= 0
    expected = -(beta**2) * sp.exp(beta * d) * (sp.exp(beta * d) - 1) / (sp.exp(beta * d) + 1) ** 3
    assert sp.simplify(second - expected) == 0
