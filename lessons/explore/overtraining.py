"""Explorer of the chapter *Overtraining and inference-aware sizing*: the lifetime optimum.

Sardana et al.'s optimum has no closed form, but it is the one zero of a monotone function
(:func:`lessons.overtraining.lifetime_tangency`), found by the same bracketing root-finder in
Python and in the page.
"""

from __future__ import annotations

import math

from .computed import ComputedView, Field, Output
from .core import Control, Explorer

__all__ = ["inference_explorer", "lifetime_view", "ratio_by_law_explorer"]

#: Points of the chart's curve of lifetime compute against model size.
_CURVE_POINTS = 49


def lifetime_view(n_params, inference_tokens, fit) -> dict:
    """Same loss as a compute-optimal model of size N, least training + inference compute.

    The target loss is that of a compute-optimal model of the chosen size; every number comes
    from :func:`lessons.overtraining.lifetime_savings` (Sardana et al. 2024) and
    :func:`lessons.overtraining.tokens_per_param`; the chart is
    :func:`lessons.overtraining.lifetime_flops` along the curve of constant loss
    (:func:`lessons.overtraining.tokens_for_loss`).

    Parameters
    ----------
    n_params : float
        Size of the compute-optimal model that sets the target loss [parameters].
    inference_tokens : float
        Lifetime inference demand D_inf [tokens]; 0 allowed.
    fit : str
        A name of :data:`lessons.chinchilla.FITS`.

    Returns
    -------
    dict
        ``values`` (the comparison's attributes), ``chart`` and ``warning``.

    Examples
    --------
    >>> v = lifetime_view(13e9, 2e12, "hoffmann2022_tex")["values"]     # FACTS §5
    >>> f"{v['optimal_n_params']:.2g} {100 * v['saved_fraction']:.1f}"
    '7.1e+09 16.3'
    """
    from .. import chinchilla, overtraining

    s = overtraining.lifetime_savings(n_params, inference_tokens, fit)
    values = {
        "target_loss": s.target_loss,
        "n_params": s.n_params, "n_tokens": s.n_tokens,
        "tokens_per_param": overtraining.tokens_per_param(s.n_params, s.n_tokens),
        "optimal_n_params": s.optimal_n_params, "optimal_n_tokens": s.optimal_n_tokens,
        "optimal_tokens_per_param": overtraining.tokens_per_param(s.optimal_n_params,
                                                                  s.optimal_n_tokens),
        "optimal_training_flops": overtraining.lifetime_flops(s.optimal_n_params,
                                                              s.optimal_n_tokens),
        "flops": s.flops, "optimal_flops": s.optimal_flops, "saved_fraction": s.saved_fraction,
    }
    f = chinchilla.get_fit(fit)
    floor = overtraining.min_params_for_loss(s.target_loss, f)
    lo = math.log(max(1.05 * floor, s.optimal_n_params / 4))
    hi = math.log(4 * s.n_params)
    sizes = [math.exp(lo + (hi - lo) * k / (_CURVE_POINTS - 1)) for k in range(_CURVE_POINTS)]
    totals = [overtraining.lifetime_flops(n, overtraining.tokens_for_loss(n, s.target_loss, f),
                                          s.inference_tokens) for n in sizes]
    chart = {"title": f"Training + inference compute at loss {s.target_loss:.4f}",
             "xlabel": "Model size N [parameters]", "ylabel": "Lifetime compute [FLOP]",
             "logx": True, "logy": True,
             "series": [{"label": "6ND + 2N·D_inf at this loss", "x": sizes, "y": totals,
                         "style": "solid"}],
             "marks": [{"label": "compute-optimal", "x": s.n_params, "y": s.flops},
                       {"label": "lifetime-optimal", "x": s.optimal_n_params,
                        "y": s.optimal_flops}]}
    warning = chinchilla.extrapolation(n_params=s.n_params, n_tokens=s.optimal_n_tokens)
    return {"values": values, "chart": chart, "warning": warning}


def inference_explorer() -> ComputedView:
    """Lifetime inference demand -> the lifetime-optimal model size, tokens and savings.

    Taught in the chapter *Overtraining and inference-aware sizing*; the view is
    :func:`lifetime_view`.

    Returns
    -------
    ComputedView
        Fields ``n_params`` [parameters], ``inference_tokens`` [tokens] and ``fit`` [name].

    Examples
    --------
    >>> "Lifetime-optimal N*" in inference_explorer().html()
    True
    """
    from .. import chinchilla

    return ComputedView("overtraining.lifetime_view", lifetime_view, [
        Field("n_params", "Compute-optimal model that sets the target loss [parameters]", 1e10,
              slider=(1e8, 1e12)),
        Field("inference_tokens", "Lifetime inference demand D_inf [tokens]", 1e12,
              slider=(1e9, 1e16), note="0 allowed: the compute-optimal model itself."),
        Field("fit", "Chinchilla fit", "besiroglu2024", tuple(chinchilla.FITS)),
    ], [
        Output("target_loss", "Target loss: that of the compute-optimal model [nats/token]",
               "loss"),
        Output("n_params", "Compute-optimal N [parameters]"),
        Output("n_tokens", "Compute-optimal D [tokens]"),
        Output("tokens_per_param", "Compute-optimal D/N [tokens/parameter]"),
        Output("optimal_n_params", "Lifetime-optimal N* [parameters]"),
        Output("optimal_n_tokens", "Lifetime-optimal D* [tokens]"),
        Output("optimal_tokens_per_param", "Lifetime-optimal D*/N* [tokens/parameter]"),
        Output("optimal_training_flops", "Training FLOPs of N* (6 N* D*) [FLOP]"),
        Output("flops", "Lifetime FLOPs, compute-optimal model [FLOP]"),
        Output("optimal_flops", "Lifetime FLOPs, lifetime-optimal model [FLOP]"),
        Output("saved_fraction", "Lifetime compute saved", "percent"),
    ], title="Same loss, least training + inference compute (Sardana et al.)")


_RATIO_BUDGETS = (1e20, 1e21, 1e22, 1e23, 1e24, 1e25, 1e26)


def ratio_by_law_explorer() -> Explorer:
    """A compute budget -> the tokens per parameter each published allocation law sets.

    Returns
    -------
    Explorer
        One slider, the budget [FLOP]; each frame is a table from
        :func:`lessons.overtraining.law_tokens_per_param`.

    Examples
    --------
    >>> ratio_by_law_explorer().shape
    (7,)
    """
    from .. import chinchilla, overtraining

    def view(flops):
        rows = {f"{k} [tokens/parameter]": v
                for k, v in overtraining.law_tokens_per_param(flops).items()}
        rows["Chinchilla's own run, for comparison [tokens/parameter]"] = (
            chinchilla.CHINCHILLA_TOKENS_PER_PARAM)
        return rows

    return Explorer(view, {"flops": Control("Compute budget C [FLOP]", _RATIO_BUDGETS,
                                            default=1e23)},
                    title="Tokens per parameter: a property of a law and a budget, not a constant")
