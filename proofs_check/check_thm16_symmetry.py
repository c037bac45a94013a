"""Theorem 16's symmetry assumption is vacuous for exchangeable designs (ours; a finding about Thm. 16).

Claim. If the pair of utilities (r1, r2) is exchangeable, i.e. (r1, r2) has the same law as (r2, r1), then
D = r1 - r2 has the same law as -D: D is symmetric about 0, whatever the utility family.

Proof sketch. The map (a, b) -> a - b sends the law of (r1, r2) to the law of D and the law of (r2, r1) to the
law of -D; the two laws of pairs are equal, hence so are their images. Same-prompt pairs (two iid draws given
the prompt) and cross-prompt pairs (two iid prompt-response draws) are both exchangeable, so Thm. 16's
conclusion, which depends on the utilities only through |D| under each design, cannot use the symmetry of the
family f: for these designs the assumption can be dropped. Example: with constant scale, the difference of
two iid centred Exp(1) utilities is Laplace(0, 1), symmetric although each utility has skewness 2.
"""

import sympy as sp

t = sp.symbols("t", real=True)
x = sp.symbols("x", real=True)


def test_difference_of_exchangeable_pair_is_symmetric():
    # characteristic function of r1 - r2 for iid r1, r2 with cf phi: phi(t) phi(-t) = |phi(t)|^2 is real and even
    a, b = sp.symbols("a b", real=True)
    phi = sp.Function("phi")
    cf_d = phi(t) * phi(-t)
    assert sp.simplify(cf_d.subs(t, -t) - cf_d) == 0
    # a concrete skewed family: centred exponential, phi(t) = exp(-i t) / (1 - i t)
    phi_exp = sp.exp(-sp.I * t) / (1 - sp.I * t)
    cf = sp.simplify(phi_exp * phi_exp.subs(t, -t))
    assert sp.simplify(cf - 1 / (1 + t**2)) == 0  # real and even: D is symmetric
    assert sp.simplify(sp.im(sp.expand_complex(cf))) == 0
    del a, b


def test_centred_exponential_difference_is_laplace():
    # density of D = E1 - E2 (the centring cancels) by convolution, for x > 0 and x < 0
    y = sp.symbols("y", positive=True)
    xp = sp.symbols("xp", positive=True)
    f_pos = sp.integrate(sp.exp(-(xp + y)) * sp.exp(-y), (y, 0, sp.oo))  # E1 = xp + y, E2 = y
    f_neg = sp.integrate(sp.exp(-y) * sp.exp(-(xp + y)), (y, 0, sp.oo))  # E1 = y, E2 = xp + y (x = -xp)
    assert sp.simplify(f_pos - sp.exp(-xp) / 2) == 0
    assert sp.simplify(f_pos - f_neg) == 0  # f(x) = f(-x): Laplace(0, 1)
    # skewness of one centred Exp(1) utility is 2, of D it is 0
    e = sp.symbols("e", positive=True)
    m3 = sp.integrate((e - 1) ** 3 * sp.exp(-e), (e, 0, sp.oo))
    assert m3 == 2
