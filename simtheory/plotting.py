"""Paper-ready figures of Monte-Carlo checks: rate curves and Q-vs-parameter curves (PDF + PNG).

>>> import numpy as np
>>> from simtheory.plotting import rate_curve
>>> n = np.array([100, 200, 400, 800, 1600])
>>> fig = rate_curve(n, 2 / np.sqrt(n), expected_slope=-0.5, anchor="first")
>>> round(fig.slope, 3)
-0.5

Both functions draw on a new figure (or on ``ax=`` to overlay several series), use the
:func:`simtheory.runner.store.paper_style` settings, and with ``out=DIR`` write
``DIR/<name>.pdf`` (vector) and ``DIR/<name>.png``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from simtheory.validation import SimTheoryInputError, check_finite_array, check_scalar

__all__ = ["CurveFigure", "RateFigure", "loglog_fit", "q_curve", "rate_curve", "save"]


@dataclass
class CurveFigure:
    """A drawn figure of :func:`q_curve` (and the base of :class:`RateFigure`).

    Attributes
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    ax : matplotlib.axes.Axes
        The axes drawn on.
    paths : list of Path
        The written PDF and PNG files (empty without ``out``).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from simtheory.plotting import q_curve
    >>> cf = q_curve([0.5, 1.0, 2.0], [0.6, 0.7, 0.8])
    >>> type(cf).__name__, cf.paths
    ('CurveFigure', [])
    >>> plt.close(cf.fig)
    """

    fig: Any
    ax: Any
    paths: list[Path] = field(default_factory=list)


@dataclass
class RateFigure(CurveFigure):
    """A :class:`CurveFigure` of :func:`rate_curve` plus the log-log fit ``y ~ exp(intercept) * n**slope``.

    Attributes
    ----------
    fig, ax, paths
        As in :class:`CurveFigure`.
    slope : float
        Fitted exponent.
    se : float
        Its standard error.
    ci : tuple of float
        Its ``1 - alpha`` confidence interval.
    intercept : float
        Log-scale intercept.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> from simtheory.plotting import rate_curve
    >>> n = np.array([100, 200, 400, 800])
    >>> rf = rate_curve(n, 3 / n * np.exp([0.01, -0.01, 0.02, 0.0]))
    >>> round(rf.slope, 2), bool(rf.ci[0] < -1 < rf.ci[1]), round(float(np.exp(rf.intercept)), 1)
    (-1.0, True, 3.0)
    >>> plt.close(rf.fig)
    """

    slope: float = float("nan")
    se: float = float("nan")
    ci: tuple[float, float] = (float("nan"), float("nan"))
    intercept: float = float("nan")


def save(fig, out: Path | str, name: str, *, dpi: int = 200) -> list[Path]:
    """Write ``out/name.pdf`` (vector) and ``out/name.png``; return both paths.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to write.
    out : str or Path
        Output folder.
    name : str
        File stem.
    dpi : int, default 200
        Resolution of the PNG.

    Returns
    -------
    list of Path
        The PDF and PNG paths.

    Examples
    --------
    >>> import tempfile
    >>> import matplotlib.pyplot as plt
    >>> from simtheory.plotting import save
    >>> fig, ax = plt.subplots()
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     print([p.name for p in save(fig, tmp, "demo", dpi=50)])
    ['demo.pdf', 'demo.png']
    >>> plt.close(fig)
    """
    from simtheory.runner.store import save_figure

    return save_figure(fig, out, name, dpi=dpi)


def _axes(ax, figsize):
    from simtheory.runner.store import paper_style

    if ax is not None:
        return ax.figure, ax
    paper_style()
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=figsize)
    return fig, ax


def _outside_legend(ax, title) -> None:
    """Legend outside the axes (above them, or right of them under a title) so it never hides a point."""
    if title:
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False)
    else:
        ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.02), frameon=False, borderaxespad=0.0)


def loglog_fit(n, y, se=None):
    """OLS (or WLS with weights ``(y/se)**2``) fit of ``log y`` on ``log n``: the exponent of a rate ``y ~ n**slope``.

    Parameters
    ----------
    n, y : sequence of float
        Positive sample sizes (at least 3 distinct) and positive values.
    se : sequence of float, optional
        Positive standard errors of ``y`` (WLS weights by the delta method).

    Returns
    -------
    statsmodels.regression.linear_model.RegressionResultsWrapper
        ``params`` = (intercept, slope), with ``bse`` and ``conf_int()``.

    Raises
    ------
    SimTheoryInputError
        On non-positive values or fewer than 3 distinct ``n``.

    Examples
    --------
    >>> import numpy as np
    >>> from simtheory.plotting import loglog_fit
    >>> n = np.array([100, 200, 400, 800])
    >>> loglog_fit(n, 2 / np.sqrt(n)).params.round(3)
    array([ 0.693, -0.5  ])
    """
    import statsmodels.api as sm

    x = check_finite_array("n", n, ndim=1)
    yy = check_finite_array("y", y, shape=(x.size,))
    if np.unique(x).size < 3:
        raise SimTheoryInputError("n", f"needs at least 3 distinct values for a slope CI, got {np.unique(x).size}")
    if np.any(x <= 0) or np.any(yy <= 0):
        raise SimTheoryInputError("n" if np.any(x <= 0) else "y", "must be positive (log-log axes)")
    X = sm.add_constant(np.log(x))
    if se is None:
        return sm.OLS(np.log(yy), X).fit()
    s = check_finite_array("se", se, shape=(x.size,))
    if np.any(s <= 0):
        raise SimTheoryInputError("se", "must be positive")
    return sm.WLS(np.log(yy), X, weights=(yy / s) ** 2).fit()


def rate_curve(
    n: Sequence[float],
    y: Sequence[float],
    se: Sequence[float] | None = None,
    *,
    expected_slope: float | None = None,
    anchor: str | float | tuple[float, float] = "first",
    alpha: float = 0.05,
    ax=None,
    label: str = "simulation",
    color: str | None = None,
    expected_label: str | None = None,
    xlabel: str = "n",
    ylabel: str = "error",
    title: str | None = None,
    out: Path | str | None = None,
    name: str = "rate_curve",
    figsize: tuple[float, float] = (3.4, 2.6),
    legend: bool = True,
) -> RateFigure:
    """Log-log rate curve: points with error bars, fitted slope with its CI band, theoretical slope.

    Parameters
    ----------
    n, y : sequence of float
        Positive sample sizes and the measured quantity (an error, a gap, ...).
    se : sequence of float, optional
        Standard errors of ``y``: drawn as error bars and used as WLS weights.
    expected_slope : float, optional
        The theorem's exponent (e.g. -0.5 for ``n**(-1/2)``), drawn as a dashed line.
    anchor : {"first", "last", "center"} or float or (float, float)
        Where the theoretical line passes: through the first / last point, through the
        fitted line at the geometric centre of ``n`` ("center"), through the fitted line
        at a given ``n`` (a float), or through a given ``(n, y)`` point.
    alpha : float
        The band is the pointwise ``1 - alpha`` confidence band of the fitted line; the
        legend gives the slope's ``1 - alpha`` CI.
    ax : matplotlib Axes, optional
        Draw on it (overlay several curves) instead of a new figure.
    label, color, expected_label, xlabel, ylabel, title
        Labels and colour.
    out : path-like, optional
        Folder to write ``name.pdf`` and ``name.png`` into.
    name : str
        File stem.
    figsize : tuple of float
        Size of a new figure in inches (single column by default).
    legend : bool
        Draw the legend.

    Returns
    -------
    RateFigure
        The figure with the fitted slope, its SE and CI, and the intercept.

    Raises
    ------
    SimTheoryInputError
        On non-positive data, fewer than 3 points or a bad ``anchor``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> from simtheory.plotting import rate_curve
    >>> n = np.array([100, 200, 400, 800, 1600])
    >>> y = 2 / np.sqrt(n) * np.exp([0.02, -0.01, 0.0, 0.01, -0.02])
    >>> rf = rate_curve(n, y, se=0.05 * y, expected_slope=-0.5, anchor="center")
    >>> round(rf.slope, 2), bool(rf.ci[0] < -0.5 < rf.ci[1])
    (-0.51, True)
    >>> plt.close(rf.fig)
    """
    alpha = check_scalar("alpha", alpha, low=0, high=1, low_open=True, high_open=True)
    fit = loglog_fit(n, y, se)
    x = np.asarray(n, float)
    yy = np.asarray(y, float)
    slope, icpt = float(fit.params[1]), float(fit.params[0])
    lo, hi = (float(v) for v in fit.conf_int(alpha)[1])
    fig, ax = _axes(ax, figsize)
    color = color or ax._get_lines.get_next_color()
    if se is not None:
        s = np.asarray(se, float)
        ax.errorbar(x, yy, yerr=s, fmt="o", ms=3.5, capsize=2, color=color, label=label, zorder=3)
    else:
        ax.plot(x, yy, "o", ms=3.5, color=color, label=label, zorder=3)
    grid = np.geomspace(x.min(), x.max(), 100)
    import statsmodels.api as sm

    pred = fit.get_prediction(sm.add_constant(np.log(grid), has_constant="add"))
    band = np.exp(pred.conf_int(alpha=alpha))
    ax.fill_between(grid, band[:, 0], band[:, 1], color=color, alpha=0.2, lw=0)
    ax.plot(
        grid, np.exp(icpt) * grid**slope, "-", color=color, lw=1, label=f"fit: slope {slope:.3f} [{lo:.3f}, {hi:.3f}]"
    )
    if expected_slope is not None:
        e = check_scalar("expected_slope", expected_slope)
        if isinstance(anchor, str):
            if anchor == "first":
                i = int(np.argmin(x))
                ax0, ay0 = x[i], yy[i]
            elif anchor == "last":
                i = int(np.argmax(x))
                ax0, ay0 = x[i], yy[i]
            elif anchor == "center":
                ax0 = float(np.exp(np.log(x).mean()))
                ay0 = float(np.exp(icpt) * ax0**slope)
            else:
                raise SimTheoryInputError(
                    "anchor", f"must be 'first', 'last', 'center', an n or an (n, y) point, got {anchor!r}"
                )
        elif isinstance(anchor, (tuple, list)) and len(anchor) == 2:
            ax0 = check_scalar("anchor", anchor[0], low=0, low_open=True)
            ay0 = check_scalar("anchor", anchor[1], low=0, low_open=True)
        else:
            ax0 = check_scalar("anchor", anchor, low=0, low_open=True)
            ay0 = float(np.exp(icpt) * ax0**slope)
        ax.plot(grid, ay0 * (grid / ax0) ** e, "--", color="k", lw=0.9, label=expected_label or f"theory: slope {e:g}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if legend:
        _outside_legend(ax, title)
    paths = save(fig, out, name) if out is not None else []
    return RateFigure(fig, ax, paths, slope=slope, se=float(fit.bse[1]), ci=(lo, hi), intercept=icpt)


def q_curve(
    x: Sequence[float],
    q: Sequence[float],
    se: Sequence[float] | None = None,
    *,
    z: float = 1.96,
    reference: Callable[[np.ndarray], np.ndarray] | tuple[Sequence[float], Sequence[float]] | None = None,
    reference_label: str = "theory",
    ax=None,
    label: str | None = None,
    color: str | None = None,
    marker: str = "o",
    xlabel: str = "parameter",
    ylabel: str = "Q",
    logx: bool = False,
    ylim: tuple[float, float] | None = None,
    title: str | None = None,
    out: Path | str | None = None,
    name: str = "q_curve",
    figsize: tuple[float, float] = (3.4, 2.6),
    legend: bool = True,
) -> CurveFigure:
    """A quantity Q against a parameter: points joined by a line with a ``+- z SE`` band, and a reference.

    Parameters
    ----------
    x, q : sequence of float
        Parameter values and the estimates of Q (e.g. ``Q_pair`` against ``beta * sigma``).
    se : sequence of float, optional
        Standard errors of ``q``; drawn as a ``q +- z * se`` band.
    z : float
        Width of the band in SEs (1.96: pointwise 95 %).
    reference : callable or (x, y), optional
        The theoretical curve: a function of x (evaluated on a fine grid) or points.
    reference_label, label, color, marker, xlabel, ylabel, title
        Labels, colour and marker.
    logx : bool
        Logarithmic x axis.
    ylim : tuple of float, optional
        y limits.
    ax : matplotlib Axes, optional
        Draw on it (overlay several curves) instead of a new figure.
    out : path-like, optional
        Folder to write ``name.pdf`` and ``name.png`` into.
    name : str
        File stem.
    figsize : tuple of float
        Size of a new figure in inches.
    legend : bool
        Draw the legend (when something is labelled).

    Returns
    -------
    CurveFigure
        The figure, its axes and the written paths.

    Raises
    ------
    SimTheoryInputError
        On non-finite or mismatched inputs.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> from simtheory.plotting import q_curve
    >>> x = np.array([0.5, 1.0, 2.0, 4.0])
    >>> cf = q_curve(x, np.tanh(x) + 0.01, se=[0.01] * 4, reference=np.tanh, label="MC", logx=True)
    >>> cf.ax.get_legend_handles_labels()[1]
    ['MC', 'theory']
    >>> plt.close(cf.fig)
    """
    xs = check_finite_array("x", x, ndim=1)
    qs = check_finite_array("q", q, shape=(xs.size,))
    z = check_scalar("z", z, low=0)
    order = np.argsort(xs)
    xs, qs = xs[order], qs[order]
    fig, ax = _axes(ax, figsize)
    color = color or ax._get_lines.get_next_color()
    ax.plot(xs, qs, marker=marker, ms=3.5, lw=1, color=color, label=label)
    if se is not None:
        s = check_finite_array("se", se, shape=(xs.size,))[order]
        ax.fill_between(xs, qs - z * s, qs + z * s, color=color, alpha=0.2, lw=0)
    if reference is not None:
        if callable(reference):
            g = np.geomspace(xs.min(), xs.max(), 200) if logx and xs.min() > 0 else np.linspace(xs.min(), xs.max(), 200)
            rx, ry = g, np.asarray(reference(g), float)
        else:
            rx = check_finite_array("reference", reference[0], ndim=1)
            ry = check_finite_array("reference", reference[1], shape=(rx.size,))
        ax.plot(rx, ry, "--", color="k", lw=0.9, label=reference_label)
    if logx:
        ax.set_xscale("log")
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if legend and ax.get_legend_handles_labels()[1]:
        _outside_legend(ax, title)
    paths = save(fig, out, name) if out is not None else []
    return CurveFigure(fig, ax, paths)
