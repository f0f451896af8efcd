"""Explorers of the chapter *Chinchilla and compute-optimal scaling*.

Both are closed forms of the fitted law, computed in the page on the site (``lessons-views.js``):

* :func:`isoflop_explorer`: a budget -> each published fit's IsoFLOP profile and minimum, and the
  20-tokens-per-parameter rule;
* :func:`missizing_explorer`: a budget, a model size as a multiple of the optimum and a fit ->
  the loss of the wrong size, and the compute a right-sized run would need for that loss.
"""

from __future__ import annotations

import math

from .computed import ComputedView, Field, Output

__all__ = ["isoflop_explorer", "isoflop_view", "missizing_explorer", "missizing_view",
           "FIT_LABELS"]

#: How the published fits are named on this chapter's explorers, in the order shown.
FIT_LABELS = {"hoffmann2022": "Hoffmann, rounded", "hoffmann2022_tex": "Hoffmann, TeX",
              "besiroglu2024": "Besiroglu refit"}
#: Points along each IsoFLOP profile, one decade either side of the fits' minima.
_PROFILE_POINTS = 81
#: The mis-sizing curve: 2^(k/4) × N_opt for k = -16..16, from 1/16 to 16 times the optimum.
_MULTIPLES = tuple(2.0 ** (k / 4) for k in range(-16, 17))


def _linspace(start: float, stop: float, num: int) -> list[float]:
    """numpy.linspace's values (start + k·step, the last exactly ``stop``), in plain floats."""
    step = (stop - start) / (num - 1)
    return [start + k * step for k in range(num - 1)] + [stop]


def isoflop_view(flops_budget) -> dict:
    """IsoFLOP profiles of the three published fits at one budget, their minima, the 20 rule.

    Profiles are :func:`lessons.chinchilla.isoflop_curve`, minima
    :func:`~lessons.chinchilla.compute_optimal` (Approach 3's closed form) with
    :func:`~lessons.chinchilla.loss`, and the rule :func:`~lessons.chinchilla.twenty_tokens_per_param`.

    Parameters
    ----------
    flops_budget : float
        Training compute C [FLOP].

    Returns
    -------
    dict
        ``values`` (per fit ``<fit>.n_params`` [parameters], ``.n_tokens`` [tokens],
        ``.tokens_per_param``, ``.loss`` [nats/token]; ``twenty.n_params``, ``twenty.n_tokens``),
        ``chart`` (the profiles) and ``warning`` (beyond the fitted runs).

    Examples
    --------
    >>> v = isoflop_view(1e24)["values"]
    >>> f"{v['besiroglu2024.n_params']:.3g}"       # the refit's N_opt, FACTS §10
    '9.59e+10'
    """
    from .. import chinchilla, overtraining

    c = float(flops_budget)
    optima = {name: chinchilla.compute_optimal(c, name) for name in FIT_LABELS}
    low = min(n for n, _ in optima.values()) / 10
    high = max(n for n, _ in optima.values()) * 10
    sizes = [10 ** x for x in _linspace(math.log10(low), math.log10(high), _PROFILE_POINTS)]
    values, series, marks = {}, [], []
    for name, (n, d) in optima.items():
        best = chinchilla.loss(n, d, name)
        values[f"{name}.n_params"] = n
        values[f"{name}.n_tokens"] = d
        values[f"{name}.tokens_per_param"] = overtraining.tokens_per_param(n, d)
        values[f"{name}.loss"] = best
        series.append({"label": FIT_LABELS[name], "x": sizes,
                       "y": [chinchilla.isoflop_curve(c, s, name) for s in sizes],
                       "style": "solid"})
        marks.append({"label": f"{FIT_LABELS[name]} minimum", "x": n, "y": best})
    n20, d20 = chinchilla.twenty_tokens_per_param(c)
    values["twenty.n_params"], values["twenty.n_tokens"] = n20, d20
    marks.append({"label": "20 tokens/param", "x": n20,
                  "y": chinchilla.isoflop_curve(c, n20, "besiroglu2024")})
    chart = {"title": f"IsoFLOP profiles at C = {c:.3g} FLOP", "xlabel": "Model size N [parameters]",
             "ylabel": "Predicted loss [nats/token]", "logx": True, "logy": False,
             "series": series, "marks": marks}
    warning = chinchilla.extrapolation(n_params=optima["besiroglu2024"][0], flops=c)
    return {"values": values, "chart": chart, "warning": warning}


def isoflop_explorer() -> ComputedView:
    """Compute budget -> the IsoFLOP profile of each published fit, its minimum and the 20 rule.

    Taught in the chapter *Chinchilla and compute-optimal scaling*. A typed budget (with a
    slider from 10^16 to 10^28 FLOP); the view is :func:`isoflop_view`.

    Returns
    -------
    ComputedView
        One field, ``flops_budget`` [FLOP]; a table per fit and a chart of the profiles.

    Examples
    --------
    >>> ex = isoflop_explorer()
    >>> "9.59×10<sup>10</sup>" in ex.html()      # the refit's N_opt at the default 1e24
    True
    """
    outputs = []
    for name, label in FIT_LABELS.items():
        outputs += [Output(f"{name}.n_params", f"{label}: N_opt [parameters]", section=label),
                    Output(f"{name}.n_tokens", f"{label}: D_opt [tokens]", section=label),
                    Output(f"{name}.tokens_per_param", f"{label}: D/N [tokens/parameter]",
                           section=label),
                    Output(f"{name}.loss", f"{label}: predicted loss [nats/token]", "loss",
                           section=label)]
    rule = "20 tokens per parameter (a rule of thumb)"
    outputs += [Output("twenty.n_params", "N [parameters]", section=rule),
                Output("twenty.n_tokens", "D [tokens]", section=rule)]
    return ComputedView("chinchilla.isoflop_view", isoflop_view,
                        [Field("flops_budget", "Training budget C [FLOP]", 1e24,
                               slider=(1e16, 1e28))],
                        outputs, title="Loss along an IsoFLOP profile: where each fit puts the "
                                       "minimum")


def missizing_view(flops_budget, multiple, fit) -> dict:
    """A budget spent on the wrong model size: its loss, and what a right-sized run would need.

    The run trains N = multiple × N_opt on D = C/(6N) tokens (:func:`lessons.flops.tokens_for_flops`);
    its loss is :func:`lessons.chinchilla.isoflop_curve`, and :func:`lessons.returns.compute_for_loss`
    gives the budget a compute-optimal model needs to reach the same loss.

    Parameters
    ----------
    flops_budget : float
        Training compute C [FLOP].
    multiple : float
        Model size as a multiple of the compute-optimal size [ratio].
    fit : str
        A name of :data:`lessons.chinchilla.FITS`.

    Returns
    -------
    dict
        ``values`` (``n_params``, ``n_tokens``, ``tokens_per_param``, ``loss``, ``best_loss``,
        ``excess_loss``, ``compute_fraction``), ``chart`` (the compute fraction against the
        multiple, every fit) and ``warning``.

    Notes
    -----
    Along the frontier both reducible terms of the loss fall as the same power of C, so the
    fraction of compute that a k-times mis-sized run "wastes" depends on k and the fit only,
    not on C: the last row does not move with the budget.

    Examples
    --------
    >>> v = missizing_view(1e24, 4.0, "besiroglu2024")["values"]
    >>> round(v["compute_fraction"], 3) == round(missizing_view(1e20, 4.0, "besiroglu2024")
    ...                                          ["values"]["compute_fraction"], 3)
    True
    """
    from .. import chinchilla, flops, overtraining, returns

    c = float(flops_budget)
    n_opt, d_opt = chinchilla.compute_optimal(c, fit)
    n = n_opt * multiple
    d = flops.tokens_for_flops(c, n)
    ell = chinchilla.isoflop_curve(c, n, fit)
    best = chinchilla.loss(n_opt, d_opt, fit)
    values = {"n_params": n, "n_tokens": d, "tokens_per_param": overtraining.tokens_per_param(n, d),
              "loss": ell, "best_loss": best, "excess_loss": ell - best,
              "compute_fraction": returns.compute_for_loss(ell, fit) / c}
    series = []
    for name, label in FIT_LABELS.items():
        no, _ = chinchilla.compute_optimal(c, name)
        ys = [returns.compute_for_loss(chinchilla.isoflop_curve(c, no * k, name), name) / c
              for k in _MULTIPLES]
        series.append({"label": label, "x": list(_MULTIPLES), "y": ys,
                       "style": "solid" if name == fit else "dashed"})
    chart = {"title": "Compute a right-sized run needs for the same loss, as a fraction of C",
             "xlabel": "Model size as a multiple of N_opt", "ylabel": "Fraction of C [1]",
             "logx": True, "logy": False, "series": series,
             "marks": [{"label": f"{multiple:g}× N_opt", "x": multiple,
                        "y": values["compute_fraction"]}]}
    warning = chinchilla.extrapolation(n_params=n, n_tokens=d, flops=c)
    return {"values": values, "chart": chart, "warning": warning}


def missizing_explorer() -> ComputedView:
    """Budget, model size relative to the optimum and fit -> loss and the compute it wastes.

    Taught in the chapter *Chinchilla and compute-optimal scaling*; the view is
    :func:`missizing_view`.

    Returns
    -------
    ComputedView
        Fields ``flops_budget`` [FLOP], ``multiple`` [ratio] and ``fit`` [name].

    Examples
    --------
    >>> "Compute-optimal budget for the same loss" in missizing_explorer().html()
    True
    """
    return ComputedView("chinchilla.missizing_view", missizing_view, [
        Field("flops_budget", "Training budget C [FLOP]", 1e24, slider=(1e18, 1e27)),
        Field("multiple", "Model size as a multiple of N_opt", 1.0, slider=(1 / 16, 16)),
        Field("fit", "Fit", "besiroglu2024", tuple(FIT_LABELS), tuple(FIT_LABELS.values()),
              style="radio"),
    ], [
        Output("n_params", "Model size N [parameters]"),
        Output("n_tokens", "Training tokens D = C/(6N) [tokens]"),
        Output("tokens_per_param", "D/N [tokens/parameter]"),
        Output("loss", "Predicted loss [nats/token]", "loss"),
        Output("best_loss", "Compute-optimal loss at this budget [nats/token]", "loss"),
        Output("excess_loss", "Excess loss [nats/token]", "loss"),
        Output("compute_fraction", "Compute-optimal budget for the same loss, as a fraction "
                                   "of C"),
    ], title="The price of the wrong model size at a fixed budget")
