"""Symbolic checks (sympy) of the GPM algebra: Prop. A.1 key steps, skew-symmetry, BT reduction, Thm. A.2."""

import sympy as sp


def _R(m):
    return sp.diag(*[sp.Matrix([[0, -1], [1, 0]])] * m)


def test_2x2_skew_and_orthogonal_is_a_rotation_block():
    """Prop. A.1, d = 2: A^T = -A and A^T A = I force A = +-[[0, -1], [1, 0]]."""
    a, b, c, d = sp.symbols("a b c d", real=True)
    A = sp.Matrix([[a, b], [c, d]])
    eqs = list(A.T + A) + list(A.T * A - sp.eye(2))
    sols = sp.solve(eqs, [a, b, c, d], dict=True)
    assert {(s[a], s[b], s[c], s[d]) for s in sols} == {(0, -1, 1, 0), (0, 1, -1, 0)}


def test_skew_orthogonal_squares_to_minus_identity():
    """Prop. A.1 key step: A^T = -A, A^T A = I  =>  A^2 = -I, so every eigenvalue is +-i (|lambda| = 1)."""
    a = sp.symbols("a1:7", real=True)  # general 4x4 skew-symmetric matrix
    A = sp.Matrix([[0, a[0], a[1], a[2]], [-a[0], 0, a[3], a[4]], [-a[1], -a[3], 0, a[5]], [-a[2], -a[4], -a[5], 0]])
    assert (A * A + A.T * A).expand() == sp.zeros(4)  # A^2 = -A^T A, which is -I when A is orthogonal
    lam = sp.symbols("lam")
    assert sp.factor((_R(2) - lam * sp.eye(4)).det()) == (lam**2 + 1) ** 2


def test_block_operator_properties_and_score_skew():
    """R^T = -R, R^T R = I (magnitude preserving), <R v, v> = 0 and s(i > j) = -s(j > i) symbolically."""
    R = _R(2)
    assert R.T == -R and R.T * R == sp.eye(4)
    v = sp.Matrix(sp.symbols("v1:5", real=True))
    w = sp.Matrix(sp.symbols("w1:5", real=True))
    assert sp.expand((R * v).dot(v)) == 0
    assert sp.expand((R * v).dot(w) + (R * w).dot(v)) == 0
    assert sp.expand((R * v).dot(R * v) - v.dot(v)) == 0


def test_bt_special_case():
    """v_y = [r_y, c]: <R v_i, v_j> = c (r_i - r_j); c = 1 gives sigmoid(r_i - r_j) (Sec. 4)."""
    ri, rj, c = sp.symbols("r_i r_j c", real=True)
    s = (_R(1) * sp.Matrix([ri, c])).dot(sp.Matrix([rj, c]))
    assert sp.expand(s - c * (ri - rj)) == 0


def test_spectral_construction_thm_4_5():
    """Thm. 4.5 step: for a skew block b [[0, 1], [-1, 0]] = b R^T, V = Q sqrt(b) gives V R^T V^T = Q (b R^T) Q^T."""
    b, t = sp.symbols("b t", positive=True)
    Q = sp.Matrix([[sp.cos(t), -sp.sin(t)], [sp.sin(t), sp.cos(t)]])
    V = Q * sp.sqrt(b)
    assert sp.simplify(V * _R(1).T * V.T - Q * (b * _R(1).T) * Q.T) == sp.zeros(2)


def test_complex_form_thm_a2():
    """Thm. A.2: with u = x + i y per block, Im(conj(u_i) u_j) = <R v_i, v_j> for v = (x, y)."""
    xi, yi, xj, yj = sp.symbols("x_i y_i x_j y_j", real=True)
    ui, uj = xi + sp.I * yi, xj + sp.I * yj
    real_score = (_R(1) * sp.Matrix([xi, yi])).dot(sp.Matrix([xj, yj]))
    assert sp.expand(sp.im(sp.conjugate(ui) * uj) - real_score) == 0
