"""simtheory.plotting: PDF + PNG output, the fitted slope and its CI, anchoring of the theory line."""

import numpy as np
import pytest

from simtheory.plotting import q_curve, rate_curve
from simtheory.testing import check_rate
from simtheory.validation import SimTheoryInputError

N = np.array([100, 200, 400, 800, 1600, 3200])


def test_rate_curve_writes_pdf_png_and_agrees_with_check_rate(tmp_path):
    rng = np.random.default_rng(11)
    y = 3.0 * N**-0.5 * np.exp(rng.normal(0, 0.03, N.size))
    se = 0.03 * y
    f = rate_curve(N, y, se, expected_slope=-0.5, anchor="center", out=tmp_path, name="r")
    assert [p.name for p in f.paths] == ["r.pdf", "r.png"] and all(p.stat().st_size > 1000 for p in f.paths)
    r = check_rate(N, y, se, expected=-0.5, alpha=0.05)
    assert f.slope == pytest.approx(r.estimate) and f.ci == pytest.approx(r.ci)
    import matplotlib.pyplot as plt

    plt.close(f.fig)


@pytest.mark.parametrize(
    "anchor,point", [("first", (100, 0.5)), ("last", (3200, 0.5 / np.sqrt(32))), ((1000.0, 0.02), (1000.0, 0.02))]
)
def test_theory_line_passes_through_the_anchor(anchor, point):
    y = 5.0 / N  # data with slope -1, theory -1/2: the line must pass through the anchor, not the data
    f = rate_curve(N, y, expected_slope=-0.5, anchor=anchor)
    theory = next(ln for ln in f.ax.get_lines() if ln.get_linestyle() == "--")
    gx, gy = theory.get_data()
    at = np.interp(np.log(point[0]), np.log(gx), np.log(gy))
    expected_y = point[1] if anchor != "first" and anchor != "last" else y[0 if anchor == "first" else -1]
    assert np.exp(at) == pytest.approx(expected_y, rel=1e-6)
    assert np.polyfit(np.log(gx), np.log(gy), 1)[0] == pytest.approx(-0.5)
    import matplotlib.pyplot as plt

    plt.close(f.fig)


def test_q_curve_and_bad_input(tmp_path):
    x = np.linspace(0.1, 3, 8)
    f = q_curve(x, 0.5 + 0.1 * x, 0.01 + 0 * x, reference=lambda g: 0.5 + 0.1 * g, label="MC", out=tmp_path, name="q")
    assert [p.suffix for p in f.paths] == [".pdf", ".png"]
    with pytest.raises(SimTheoryInputError, match="y: must be positive"):
        rate_curve(N, -np.ones(N.size))
    with pytest.raises(SimTheoryInputError, match="anchor"):
        rate_curve(N, 1.0 / N, expected_slope=-1, anchor="middle")
    import matplotlib.pyplot as plt

    plt.close("all")
