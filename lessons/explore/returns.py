"""Explorer of the chapter *Diminishing returns*: what the next 10× of compute buys.

A closed form (the compute-optimal loss of a fitted law), computed in the page on the site.
"""

from __future__ import annotations

import numpy as np

from .computed import ComputedView, Field, Output
from .core import Control, Explorer

__all__ = ["data_limits_explorer", "emergence_explorer", "returns_explorer", "returns_view"]

#: Budgets of the chart: 10^17 to 10^29 FLOP, 5 points per decade.
_CHART_BUDGETS = tuple(10 ** (17 + k / 5) for k in range(61))


def returns_view(fit, flops_budget) -> dict:
    """The compute-optimal loss at a budget, what 10× more compute buys, and the gap to E.

    Every number comes from :mod:`lessons.returns` (:func:`~lessons.returns.loss_at_compute`,
    :func:`~lessons.returns.gain_per_decade`, :func:`~lessons.returns.gap_to_irreducible`) and
    :func:`lessons.chinchilla.compute_optimal`.

    Parameters
    ----------
    fit : str
        A name of :data:`lessons.chinchilla.FITS`.
    flops_budget : float
        Training compute C [FLOP].

    Returns
    -------
    dict
        ``values`` (``loss``, ``gain``, ``E``, ``gap``, ``share`` [nats/token or fraction],
        ``n_params``, ``n_tokens``, ``tokens_per_param``), ``chart`` (L*(C) and E) and
        ``warning``.

    Examples
    --------
    >>> round(returns_view("besiroglu2024", 1e21)["values"]["gain"], 4)
    0.1644
    """
    from .. import chinchilla, overtraining, returns

    c = float(flops_budget)
    f = chinchilla.get_fit(fit)
    loss = returns.loss_at_compute(c, f)
    gain = returns.gain_per_decade(c, f)
    gap = returns.gap_to_irreducible(c, f)
    n, d = chinchilla.compute_optimal(c, f)
    values = {"loss": loss, "gain": gain, "E": f.E, "gap": gap, "share": gain / gap,
              "n_params": n, "n_tokens": d, "tokens_per_param": overtraining.tokens_per_param(n, d)}
    xs = list(_CHART_BUDGETS)
    chart = {"title": "Compute-optimal loss and its floor", "xlabel": "Training compute C [FLOP]",
             "ylabel": "Loss [nats/token]", "logx": True, "logy": False, "series": [
                 {"label": f"L*(C), {f.name}", "x": xs,
                  "y": [returns.loss_at_compute(x, f) for x in xs], "style": "solid"},
                 {"label": "irreducible loss E", "x": [xs[0], xs[-1]], "y": [f.E, f.E],
                  "style": "dashed"}],
             "marks": [{"label": f"{loss:.3f}", "x": c, "y": loss}]}
    warning = chinchilla.extrapolation(n_params=n, flops=c)
    return {"values": values, "chart": chart, "warning": warning}


def returns_explorer() -> ComputedView:
    """Fit and compute budget -> predicted loss, gain from 10× more compute, and the gap to E.

    Taught in the chapter *Diminishing returns*; the view is :func:`returns_view`.

    Returns
    -------
    ComputedView
        Fields ``fit`` [name] and ``flops_budget`` [FLOP].

    Examples
    --------
    >>> "Gap to E" in returns_explorer().html()
    True
    """
    from .. import chinchilla

    return ComputedView("returns.returns_view", returns_view, [
        Field("fit", "Fit", "besiroglu2024", tuple(chinchilla.FITS), style="radio"),
        Field("flops_budget", "Training budget C [FLOP]", 1e24, slider=(1e17, 1e29)),
    ], [
        Output("loss", "Compute-optimal loss L*(C) [nats/token]", "loss"),
        Output("gain", "Gain from 10× the compute, L*(C) − L*(10C) [nats/token]", "loss"),
        Output("E", "Irreducible loss E of this fit [nats/token]", "loss"),
        Output("gap", "Gap to E, L*(C) − E [nats/token]", "loss"),
        Output("share", "Share of the gap that 10× removes [fraction]"),
        Output("n_params", "Compute-optimal N [parameters]"),
        Output("n_tokens", "Compute-optimal D [tokens]"),
        Output("tokens_per_param", "D/N [tokens/parameter]"),
    ], title="What the next 10× of compute buys")


#: Unique tokens of the data-limits explorer besides the low-resource corpus [tokens], and its
#: budgets [FLOP].
_OTHER_UNIQUE = (1e9, 2e10, 1e11)
_DATA_BUDGETS = (1e20, 1e21, 1e22, 1e23)


def data_limits_explorer() -> Explorer:
    """Unique tokens × budget -> the data-constrained optimum, against unlimited data.

    Returns
    -------
    Explorer
        Two sliders, unique tokens [tokens] and budget [FLOP]; each frame is a table from
        :func:`lessons.datalimits.optimal_allocation` at those unique tokens and with 1,000 times
        more.

    Examples
    --------
    >>> data_limits_explorer().shape
    (4, 4)
    """
    from .. import datalimits

    unique = tuple(sorted((datalimits.LOW_RESOURCE_TOKENS, *_OTHER_UNIQUE)))

    def view(unique_tokens, flops):
        plan = datalimits.optimal_allocation(flops, unique_tokens)
        free = datalimits.optimal_allocation(flops, 1000 * unique_tokens)
        return {
            "Model size at the optimum [parameters]": plan.n_params,
            "Training tokens, repeats included [tokens]": plan.n_tokens,
            "Epochs over the unique data [epochs]": plan.epochs,
            "What the last epoch adds, of a fresh one [fraction]":
                datalimits.epoch_value(max(1, int(np.ceil(plan.epochs)))),
            "Predicted loss [nats/token]": plan.loss,
            "The same budget with unlimited data: model [parameters]": free.n_params,
            "The same budget with unlimited data: loss [nats/token]": free.loss,
        }

    return Explorer(view, {
        "unique_tokens": Control("Unique tokens available U_D [tokens]", unique,
                                 default=datalimits.LOW_RESOURCE_TOKENS),
        "flops": Control("Compute budget C [FLOP]", _DATA_BUDGETS, default=1e21),
    }, title="When unique data run out: epochs, model size and loss (Muennighoff et al.)")


_ANSWER_TOKENS = (1, 2, 5, 10, 20, 50)


def emergence_explorer(results=None) -> Explorer:
    """Answer length -> exact match and token edit distance along the course's own models.

    Parameters
    ----------
    results : StudyResults, optional
        The course's scaling study; default the committed table.

    Returns
    -------
    Explorer
        One slider, the answer length k [tokens]; each frame is a figure of exact match and of
        the share of tokens right against compute, from :func:`lessons.returns.exact_match` and
        :func:`~lessons.returns.token_edit_distance`, taking each model's loss above the
        entropy rate as its per-token loss on a task with one right answer.

    Examples
    --------
    >>> emergence_explorer().shape
    (6,)
    """
    from .. import plots, returns
    from ..study import load_results

    res = load_results() if results is None else results
    best = _frontier(res)

    def view(answer_tokens):
        c, gap = best
        fig = plots.line(c, {
            "exact match, exp(−k·L)": returns.exact_match(gap, answer_tokens),
            "tokens right, 1 − distance/k": 1 - returns.token_edit_distance(
                gap, answer_tokens) / answer_tokens},
            xlabel="Training compute of the best model [FLOP]",
            ylabel="Score [fraction]", logx=True,
            title=f"A {answer_tokens}-token answer, on the course's models")
        return fig

    return Explorer(view, {"answer_tokens": Control("Answer length k [tokens]", _ANSWER_TOKENS,
                                                    default=10)},
                    title="Emergence from a smooth loss: exact match against a per-token score")


def _frontier(res):
    """The lowest loss reached at or below each compute of the study, above the entropy."""
    order = np.argsort(res.flops)
    c = res.flops[order]
    best = np.minimum.accumulate(res.loss[order])
    return c, best - res.entropy
