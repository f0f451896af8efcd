"""Plotting helpers the chapters and explorers call: one look, axis labels with units, no math.

Every helper takes numbers already computed by the course's functions and returns a matplotlib
``Figure``; none of them computes anything a reader should learn. Labels carry their units in
brackets, like the docstrings (``"Training compute C [FLOP]"``).

Examples
--------
>>> import numpy as np
>>> fig = line(np.array([1.0, 10.0]), {"y = x": np.array([1.0, 10.0])},
...            xlabel="x [unit]", ylabel="y [unit]", logx=True, logy=True)
>>> fig.axes[0].get_xlabel()
'x [unit]'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

__all__ = ["STYLE", "bars", "legend_outside", "line", "mark", "new_figure", "scatter",
           "training_envelope"]

#: The course's matplotlib style: small, legible at phone width, colour-blind-safe cycle.
STYLE = {
    "figure.figsize": (6.4, 3.6),
    "figure.dpi": 100,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "font.size": 10,
    "legend.frameon": False,
}
_COLORS = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]


def _rc():
    from cycler import cycler

    rc = dict(STYLE)
    rc["axes.prop_cycle"] = cycler(color=_COLORS)
    return rc


def new_figure(width: float = 6.4, height: float = 3.6):
    """A figure and axes in the course style.

    Parameters
    ----------
    width, height : float
        Size [inches].

    Returns
    -------
    (fig, ax) : tuple
        A matplotlib ``Figure`` and its ``Axes``.

    Examples
    --------
    >>> fig, ax = new_figure()
    >>> [float(v) for v in fig.get_size_inches()]
    [6.4, 3.6]
    """
    import matplotlib.pyplot as plt

    with plt.rc_context(_rc()):
        # No layout engine: constrained layout triples the time to draw; notebooks and the
        # explorers save with bbox_inches="tight", which trims the margins instead.
        fig, ax = plt.subplots(figsize=(width, height))
    ax.grid(True, alpha=0.3)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_prop_cycle(color=_COLORS)
    return fig, ax


def _finish(fig, ax, xlabel, ylabel, title, logx, logy, legend=True):
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    if legend and ax.get_legend_handles_labels()[0]:
        ax.legend(frameon=False)
    import matplotlib.pyplot as plt

    plt.close(fig)  # the caller displays it; don't show it twice in notebooks
    return fig


def line(x, series: Mapping[str, Sequence[float]], *, xlabel: str, ylabel: str,
         title: str | None = None, logx: bool = False, logy: bool = False, ax=None,
         styles: Mapping[str, str] | None = None):
    """Curves y(x), one per entry of ``series``.

    Parameters
    ----------
    x : array_like
        Abscissa [the unit in ``xlabel``].
    series : mapping
        Legend label -> ordinates [the unit in ``ylabel``], each as long as ``x``.
    xlabel, ylabel : str
        Axis labels with units in brackets.
    title : str, optional
    logx, logy : bool
        Logarithmic axes.
    ax : matplotlib Axes, optional
        Draw into these axes instead of a new figure.
    styles : mapping, optional
        Legend label -> matplotlib line style (e.g. ``"--"``).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = line([1, 2, 3], {"a": [1, 4, 9], "b": [1, 2, 3]}, xlabel="x [-]", ylabel="y [-]")
    >>> len(fig.axes[0].lines)
    2
    """
    fig, ax = new_figure() if ax is None else (ax.figure, ax)
    x = np.asarray(x, dtype=float)
    for label, y in series.items():
        y = np.asarray(y, dtype=float)
        if y.shape != x.shape:
            raise ValueError(f"series {label!r} has shape {y.shape}; x has {x.shape}.")
        ax.plot(x, y, (styles or {}).get(label, "-"), label=label, lw=2)
    return _finish(fig, ax, xlabel, ylabel, title, logx, logy)


def bars(labels: Sequence[str], values: Mapping[str, Sequence[float]] | Sequence[float], *,
         xlabel: str, title: str | None = None, log: bool = False, ax=None):
    """Horizontal bars, one row per label; several series are drawn side by side.

    Parameters
    ----------
    labels : sequence of str
        Row names (e.g. model names).
    values : sequence of float, or mapping of series name -> sequence of float
        Bar lengths [the unit in ``xlabel``]; ``nan`` leaves a gap (unknown value).
    xlabel : str
        Axis label with unit in brackets.
    title : str, optional
    log : bool
        Logarithmic value axis.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = bars(["a", "b"], {"x": [1.0, 2.0], "y": [2.0, float("nan")]}, xlabel="v [-]")
    >>> len(fig.axes[0].patches)
    4
    """
    if not isinstance(values, Mapping):
        values = {"": values}
    n_rows, n_series = len(labels), len(values)
    fig, ax = new_figure(height=max(2.4, 0.45 * n_rows * max(1, n_series) ** 0.5 + 1)) \
        if ax is None else (ax.figure, ax)
    height = 0.8 / n_series
    rows = np.arange(n_rows)
    for k, (name, vals) in enumerate(values.items()):
        vals = np.asarray(vals, dtype=float)
        if vals.shape != (n_rows,):
            raise ValueError(f"series {name!r} has {vals.size} values for {n_rows} labels.")
        ax.barh(rows + (k - (n_series - 1) / 2) * height, np.nan_to_num(vals, nan=0.0),
                height=height, label=name or None)
    if log:  # bars start at the axis: put it below the smallest value, not at 0
        finite = [v for vals in values.values() for v in np.asarray(vals, dtype=float)
                  if np.isfinite(v) and v > 0]
        if finite:
            ax.set_xlim(left=min(finite) / 3)
    ax.set_yticks(rows, labels)
    ax.invert_yaxis()
    ax.grid(True, axis="x", alpha=0.3)
    ax.grid(False, axis="y")
    return _finish(fig, ax, xlabel, "", title, log, False, legend=n_series > 1)


def scatter(x, y, labels: Sequence[str] | None = None, *, xlabel: str, ylabel: str,
            title: str | None = None, logx: bool = False, logy: bool = False, ax=None,
            label: str | None = None):
    """Points, optionally annotated one by one (e.g. published training runs).

    Parameters
    ----------
    x, y : array_like
        Coordinates [units in ``xlabel``, ``ylabel``].
    labels : sequence of str, optional
        A text next to each point.
    xlabel, ylabel : str
    title : str, optional
    logx, logy : bool
    ax : matplotlib Axes, optional
    label : str, optional
        Legend entry for the set of points.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = scatter([1, 2], [3, 4], ["p", "q"], xlabel="x [-]", ylabel="y [-]")
    >>> len(fig.axes[0].texts)
    2
    """
    fig, ax = new_figure() if ax is None else (ax.figure, ax)
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    ax.scatter(x, y, s=28, zorder=3, label=label)
    if labels:  # placed on the final axes: scales first, then the texts
        ax.set_xscale("log" if logx else ax.get_xscale())
        ax.set_yscale("log" if logy else ax.get_yscale())
        _place_labels(ax, x, y, labels)
    return _finish(fig, ax, xlabel, ylabel, title, logx, logy)


#: Where a point's label may go, in order of preference: (dx, dy) [points] and alignment.
_LABEL_SPOTS = ((5, 0, "left", "center"), (-5, 0, "right", "center"), (4, 3, "left", "bottom"),
                (4, -3, "left", "top"), (-4, 3, "right", "bottom"), (-4, -3, "right", "top"),
                (0, 7, "center", "bottom"), (0, -7, "center", "top"),
                (8, 12, "left", "bottom"), (-8, -12, "right", "top"))


def _place_labels(ax, x, y, labels) -> None:
    """Annotate each point at the first spot of :data:`_LABEL_SPOTS` where its text overlaps no
    label placed before, keeps clear of every other point (so it cannot be read as theirs) and
    stays inside the axes; else at the first spot."""
    from matplotlib.transforms import Bbox

    ax.autoscale_view()
    canvas = ax.figure.canvas
    if not hasattr(canvas, "get_renderer"):  # a closed figure: measure texts with Agg
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        canvas = FigureCanvasAgg(ax.figure)
    renderer = canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    taken = [t.get_window_extent(renderer) for t in ax.texts]
    pixels = ax.transData.transform(np.column_stack([x, y]))
    clear = 10  # [pixels] around another point that a label must keep free
    for k, (xi, yi, text) in enumerate(zip(x, y, labels, strict=False)):
        others = [Bbox.from_extents(px - clear, py - clear, px + clear, py + clear)
                  for j, (px, py) in enumerate(pixels) if j != k]
        chosen = None
        for dx, dy, ha, va in _LABEL_SPOTS:
            note = ax.annotate(text, (xi, yi), textcoords="offset points", xytext=(dx, dy),
                               fontsize=8, ha=ha, va=va)
            box = note.get_window_extent(renderer)
            inside = (frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0
                      and box.y1 <= frame.y1)
            if inside and not any(box.overlaps(other) for other in taken + others):
                chosen = note
                break
            note.remove()
        if chosen is None:
            dx, dy, ha, va = _LABEL_SPOTS[0]
            chosen = ax.annotate(text, (xi, yi), textcoords="offset points", xytext=(dx, dy),
                                 fontsize=8, ha=ha, va=va)
        taken.append(chosen.get_window_extent(renderer))


def legend_outside(fig, *, ax_index: int = 0, fontsize="small"):
    """Move an axes' legend to the right of the plot, where it covers no curve; returns the figure.

    Examples
    --------
    >>> fig = line([1, 2], {"a": [1, 2]}, xlabel="x [-]", ylabel="y [-]")
    >>> legend_outside(fig).axes[0].get_legend().get_texts()[0].get_text()
    'a'
    """
    fig.axes[ax_index].legend(loc="upper left", bbox_to_anchor=(1.02, 1), frameon=False,
                              fontsize=fontsize)
    return fig


def training_envelope(flops, losses, n_params, envelope, *, power_law=None,
                      title: str | None = None):
    """Approach 1 of Hoffmann et al. in two panels: runs and their envelope, and its sizes.

    Parameters
    ----------
    flops, losses, n_params : array_like
        Every run's compute [FLOP], final loss [nats/token] and size [parameters].
    envelope : (flops, n_params, losses) of array_like
        The lowest loss in each compute bin (:func:`lessons.chinchilla.training_curve_envelope`):
        its compute [FLOP], the size that reached it [parameters] and the loss [nats/token].
    power_law : (coefficient, exponent), optional
        A fit N = k·C^a to the envelope's sizes (:func:`lessons.chinchilla.fit_power_law`),
        drawn across their compute [parameters · FLOP^-a, dimensionless].
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
        Left: loss against compute, each run coloured by its size, the envelope as a line.
        Right: the envelope's sizes against compute, log-log, with the power law.

    Examples
    --------
    >>> fig = training_envelope([1e19, 1e20, 1e20], [3.0, 2.6, 2.8], [1e8, 4e8, 1e8],
    ...                         ([1e19, 1e20], [1e8, 4e8], [3.0, 2.6]), power_law=(1e-2, 0.5))
    >>> len(fig.axes) >= 2 and fig.axes[1].get_yscale()
    'log'
    """
    import matplotlib as mpl
    import matplotlib.pyplot as plt

    c, y, n = (np.asarray(v, dtype=float) for v in (flops, losses, n_params))
    c_env, n_env, l_env = (np.asarray(v, dtype=float) for v in envelope)
    with plt.rc_context(_rc()):
        fig, (left, right) = plt.subplots(1, 2, figsize=(8.4, 3.4))
    norm = mpl.colors.LogNorm(vmin=n.min(), vmax=n.max())
    dots = left.scatter(c, y, c=n, norm=norm, cmap="viridis", s=10, alpha=0.8)
    left.plot(c_env, l_env, "-", color="#D55E00", lw=2, label="lowest loss at each compute")
    fig.colorbar(dots, ax=left, label="Model size N [parameters]")
    _finish(fig, left, "Training compute C [FLOP]", "Final loss [nats/token]", None, True, False)
    right.scatter(c_env, n_env, s=24, color="#D55E00", zorder=3, label="size of the winner")
    if power_law is not None:
        k, a = power_law
        grid = np.logspace(np.log10(c_env.min()), np.log10(c_env.max()), 20)
        right.plot(grid, k * grid**a, "--", color="#000000", lw=1.5, label=f"N ∝ C^{a:.2f}")
    _finish(fig, right, "Training compute C [FLOP]", "Model size N [parameters]", None, True,
            True)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def mark(fig, x: float, y: float, text: str, *, ax_index: int = 0):
    """Highlight one point of an existing figure with a marker and a note; returns the figure.

    Examples
    --------
    >>> fig = line([1, 2], {"a": [1, 2]}, xlabel="x [-]", ylabel="y [-]")
    >>> mark(fig, 1.5, 1.5, "here").axes[0].texts[0].get_text()
    'here'
    """
    ax = fig.axes[ax_index]
    ax.plot([x], [y], "o", color="#D55E00", zorder=4)
    ax.annotate(text, (x, y), textcoords="offset points", xytext=(6, -12), fontsize=9,
                color="#D55E00")
    return fig


def isoflop_profiles(profiles: Mapping[str, tuple], *, minima: Mapping[str, tuple] | None = None,
                     points: Mapping[str, tuple] | None = None,
                     xlabel: str = "Parameters N [parameters]",
                     ylabel: str = "Final loss [nats/token]", title: str | None = None,
                     styles: Mapping[str, str] | None = None, ax=None):
    """IsoFLOP profiles: loss against model size, one curve per budget or fit, minima marked.

    Taught in the chapter *Chinchilla and compute-optimal scaling* (Approach 2). Curves,
    measured points and minima that share a label share a colour.

    Parameters
    ----------
    profiles : mapping
        Legend label -> (sizes, losses): a curve each [parameters; nats/token]. Sizes may
        differ from curve to curve.
    minima : mapping, optional
        Label -> (size, loss) of that profile's minimum, drawn as a diamond.
    points : mapping, optional
        Label -> (sizes, losses) of measured runs, drawn as dots.
    xlabel, ylabel : str
        Axis labels with units in brackets.
    title : str, optional
    styles : mapping, optional
        Label -> matplotlib line style of its curve (e.g. ``"--"``).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
        Log-scaled size axis.

    Examples
    --------
    >>> fig = isoflop_profiles({"C = 1e21": ([1e9, 3e9, 1e10], [2.4, 2.3, 2.4])},
    ...                        minima={"C = 1e21": (3e9, 2.3)},
    ...                        points={"C = 1e21": ([2e9], [2.35])})
    >>> ax = fig.axes[0]
    >>> len(ax.lines), len(ax.collections), ax.get_xscale()
    (2, 1, 'log')
    """
    import matplotlib as mpl

    fig, ax = new_figure() if ax is None else (ax.figure, ax)
    labels = list(dict.fromkeys([*profiles, *(points or {}), *(minima or {})]))
    if len(labels) <= len(_COLORS):
        colors = dict(zip(labels, _COLORS, strict=False))
    else:  # many budgets: an ordered colour ramp reads better than a recycled palette
        ramp = mpl.colormaps["viridis"]
        colors = {k: ramp(i / max(1, len(labels) - 1) * 0.9) for i, k in enumerate(labels)}
    for label, (x, y) in profiles.items():
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        if x.shape != y.shape:
            raise ValueError(f"profile {label!r}: sizes {x.shape} and losses {y.shape} differ.")
        ax.plot(x, y, (styles or {}).get(label, "-"), color=colors[label], lw=2, label=label)
    for label, (x, y) in (points or {}).items():
        ax.scatter(np.asarray(x, dtype=float), np.asarray(y, dtype=float), s=18, zorder=3,
                   color=colors[label], alpha=0.8,
                   label=None if label in profiles else label)
    for label, (x, y) in (minima or {}).items():
        ax.plot([float(x)], [float(y)], "D", color=colors[label], markeredgecolor="black",
                markersize=7, zorder=4)
    fig = _finish(fig, ax, xlabel, ylabel, title, True, False)
    if len(labels) > 4:  # a long legend would hide the curves: put it beside the axes
        ax.legend(frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8)
    return fig


__all__ += ["isoflop_profiles"]


# --- μP (chapter *μP: hyperparameters that transfer*) -----------------------------------------

_PARAM_SHORT = {"sp": "Standard parameterization (SP)", "mup": "μP"}


def _panels(n: int, width: float = 6.4, height: float = 3.2):
    import matplotlib.pyplot as plt

    with plt.rc_context(_rc()):
        fig, axes = plt.subplots(1, n, figsize=(width, height), sharey=True, squeeze=False)
    for ax in axes[0]:
        ax.grid(True, alpha=0.3)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.set_prop_cycle(color=_COLORS)
    return fig, list(axes[0])


def mup_coord_check(checks, *, kind: str = "change", title: str | None = None):
    """The coordinate check: activation size of each layer against width, one panel per check.

    Taught in the chapter *μP: hyperparameters that transfer*. Each panel draws, for every
    layer kind, the value after the last step of :class:`lessons.mup.CoordinateCheck` (its
    ``final(kind)``) against the width.

    Parameters
    ----------
    checks : sequence of lessons.mup.CoordinateCheck
        One panel each, e.g. ``[coordinate_check(..., "sp"), coordinate_check(..., "mup")]``.
    kind : str
        ``"change"`` (mean |activation − activation at initialisation|) or ``"scale"``
        (mean |activation|) [activation units].
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
        Log-log axes, width [units] against size [activation units]; a flat curve means the
        layer behaves the same at every width.

    Examples
    --------
    >>> from lessons import mup
    >>> check = mup.CoordinateCheck(np.array([16, 64]), "sp", np.ones((2, 2, 3)),
    ...                             np.ones((2, 2, 3)))
    >>> fig = mup_coord_check([check, check])
    >>> len(fig.axes), len(fig.axes[0].lines)
    (2, 3)
    """
    import matplotlib.pyplot as plt

    from .mup import LAYERS

    fig, axes = _panels(len(checks))
    for ax, check in zip(axes, checks, strict=True):
        final = check.final(kind)
        for j, layer in enumerate(LAYERS):
            ax.plot(check.widths, final[:, j], "o-", lw=2, markersize=4, label=f"{layer} layer")
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xlabel("Width n [units]")
        ax.set_title(_PARAM_SHORT.get(check.parameterization, check.parameterization),
                     fontsize=10)
    what = ("Change since initialisation" if kind == "change" else "Mean |activation|")
    axes[0].set_ylabel(f"{what} [activation units]")
    axes[-1].legend(frameon=False, fontsize=8)
    if title:
        fig.suptitle(title, fontsize=10, y=1.04)  # above the panel titles
    plt.close(fig)
    return fig


def mup_lr_sweep(sweeps, *, title: str | None = None):
    """Loss against learning rate, one curve per width, one panel per sweep; best rates marked.

    Taught in the chapter *μP: hyperparameters that transfer*. Each panel draws
    :class:`lessons.mup.LRSweep` ``loss`` rows against ``learning_rates`` and marks each row's
    :meth:`~lessons.mup.LRSweep.best_lr` with a dot. Diverged runs (infinite loss) are gaps.

    Parameters
    ----------
    sweeps : sequence of lessons.mup.LRSweep
        One panel each, e.g. the SP and the μP sweep over the same widths.
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
        Log-log axes: base Adam learning rate [per step] against final training loss
        [squared target units].

    Examples
    --------
    >>> from lessons import mup
    >>> sweep = mup.LRSweep(np.array([16, 64]), np.array([1e-3, 1e-2, 1e-1]), "mup",
    ...                     np.array([[0.5, 0.2, np.inf], [0.4, 0.1, 0.9]]))
    >>> fig = mup_lr_sweep([sweep])
    >>> len(fig.axes[0].lines)
    4
    """
    import matplotlib as mpl
    import matplotlib.pyplot as plt

    fig, axes = _panels(len(sweeps))
    ramp = mpl.colormaps["viridis"]
    for ax, sweep in zip(axes, sweeps, strict=True):
        best = sweep.best_lr()
        n = len(sweep.widths)
        for i, width in enumerate(sweep.widths):
            color = ramp(i / max(1, n - 1) * 0.9)
            loss = np.where(np.isfinite(sweep.loss[i]), sweep.loss[i], np.nan)
            ax.plot(sweep.learning_rates, loss, "-", lw=1.8, color=color, label=f"width {width}")
            at_best = loss[sweep.learning_rates == best[i]]
            if np.isfinite(best[i]) and at_best.size:
                ax.plot([best[i]], [at_best[0]], "o", color=color, markeredgecolor="black",
                        markersize=6, zorder=4)
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xlabel("Base Adam learning rate [per step]")
        ax.set_title(_PARAM_SHORT.get(sweep.parameterization, sweep.parameterization),
                     fontsize=10)
    axes[0].set_ylabel("Final training loss [squared target units]")
    axes[-1].legend(frameon=False, fontsize=8)
    if title:
        fig.suptitle(title, fontsize=10, y=1.04)  # above the panel titles
    plt.close(fig)
    return fig


__all__ += ["mup_coord_check", "mup_lr_sweep"]


def histogram(values, *, xlabel: str, title: str | None = None, logx: bool = False,
              marks: Mapping[str, float] | None = None, bins: int = 40, ax=None):
    """A histogram of samples (e.g. bootstrap refits), with vertical lines at marked values.

    Parameters
    ----------
    values : array_like
        Samples [the unit in ``xlabel``]; infinite values are left out (and counted in the
        y-axis label).
    xlabel : str
        Axis label with unit in brackets.
    title : str, optional
    logx : bool
        Logarithmic bins and axis.
    marks : mapping, optional
        Legend label -> x position of a vertical line [the unit in ``xlabel``].
    bins : int
        Number of bins.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = histogram([1.0, 2.0, 2.5, float("inf")], xlabel="v [-]", marks={"point": 2.0})
    >>> fig.axes[0].get_ylabel()
    'refits (1 infinite, not shown)'
    """
    fig, ax = new_figure() if ax is None else (ax.figure, ax)
    v = np.asarray(values, dtype=float).ravel()
    finite = v[np.isfinite(v)]
    edges = (np.geomspace(finite.min(), finite.max(), bins + 1) if logx
             else np.linspace(finite.min(), finite.max(), bins + 1))
    ax.hist(finite, bins=edges, color=_COLORS[0], alpha=0.75)
    for k, (label, x) in enumerate((marks or {}).items()):
        ax.axvline(x, color=_COLORS[(k + 1) % len(_COLORS)], lw=2, ls="--", label=label)
    n_inf = v.size - finite.size
    ylabel = "refits" + (f" ({n_inf} infinite, not shown)" if n_inf else "")
    return _finish(fig, ax, xlabel, ylabel, title, logx, False)
