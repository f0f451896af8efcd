"""Explorers of the chapter *Overtraining and inference-aware sizing*: the lifetime optimum, and
tokens per parameter by allocation law.

Both compute in the page on the site. Sardana et al.'s optimum has no closed form, but it is
the one zero of a monotone function (:func:`lessons.overtraining.lifetime_tangency`), found by
the same bracketing root-finder in Python and in the page.
"""

from __future__ import annotations

import math

from .computed import ComputedView, Field, Output

__all__ = ["RATIO_KEYS", "inference_explorer", "lifetime_view", "ratio_by_law_explorer",
           "ratio_view"]

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


#: The laws of :func:`lessons.overtraining.law_tokens_per_param`, by the key each value has in
#: the view (the page's twin uses the same keys).
RATIO_KEYS = {
    "Chinchilla, 2024 refit": "besiroglu2024",
    "Chinchilla, rounded constants": "hoffmann2022",
    "Llama 3 (legend: 0.299, 0.537)": "llama3",
    "Llama 3 (text: 0.29, 0.53)": "llama3_rounded",
    "DeepSeek LLM (M/6 as N)": "deepseek",
    "Kaplan (non-embedding N)": "kaplan",
}
#: What the ratio view's table calls each value; the unit is in the table's heading.
_RATIO_SECTION = "Tokens per parameter D/N at this budget [tokens/parameter]"
_RATIO_LABELS = {
    "besiroglu2024": "Chinchilla, 2024 refit",
    "hoffmann2022": "Chinchilla, rounded constants",
    "llama3": "Llama 3, the legend's 0.299, 0.537",
    "llama3_rounded": "Llama 3, the text's 0.29, 0.53",
    "deepseek": "DeepSeek LLM, M/6 read as N",
    "kaplan": "Kaplan, non-embedding N",
    "chinchilla_run": "Chinchilla's own run, for comparison",
}
#: Budgets of the ratio view's chart: 10^18 to 10^27 FLOP, 4 points per decade.
_RATIO_CHART_BUDGETS = tuple(10 ** (18 + k / 4) for k in range(37))


def ratio_view(flops_budget) -> dict:
    """The tokens per parameter each published allocation law sets at a budget.

    Every number comes from :func:`lessons.overtraining.law_tokens_per_param`; the warning from
    :func:`lessons.chinchilla.extrapolation` (the span of the Chinchilla runs).

    Parameters
    ----------
    flops_budget : float
        Training compute C [FLOP].

    Returns
    -------
    dict
        ``values`` (one D/N per law, keys of :data:`RATIO_KEYS`, and ``chinchilla_run``, the
        ratio of Chinchilla's own run) [tokens/parameter], ``chart`` (each law's D/N against
        C) and ``warning``.

    Examples
    --------
    >>> v = ratio_view(3.8e25)["values"]
    >>> round(v["llama3"], 1), round(v["llama3_rounded"], 1)
    (41.9, 17.3)
    """
    from .. import chinchilla, overtraining

    c = float(flops_budget)
    values = {RATIO_KEYS[label]: ratio
              for label, ratio in overtraining.law_tokens_per_param(c).items()}
    values["chinchilla_run"] = chinchilla.CHINCHILLA_TOKENS_PER_PARAM
    xs = list(_RATIO_CHART_BUDGETS)
    curves = [overtraining.law_tokens_per_param(x) for x in xs]
    chart = {"title": "Tokens per parameter against budget, by law",
             "xlabel": "Training compute C [FLOP]", "ylabel": "D/N [tokens/parameter]",
             "logx": True, "logy": True,
             "series": [{"label": label, "style": "dashed" if key == "kaplan" else "solid",
                         "x": xs, "y": [r[label] for r in curves]}
                        for label, key in RATIO_KEYS.items()],
             "marks": []}
    return {"values": values, "chart": chart,
            "warning": chinchilla.extrapolation(flops=c)}


def ratio_by_law_explorer() -> ComputedView:
    """A compute budget -> the tokens per parameter each published allocation law sets.

    Taught in the chapter *Overtraining and inference-aware sizing*; the view is
    :func:`ratio_view`, closed forms computed in the page on the site.

    Returns
    -------
    ComputedView
        One field, ``flops_budget`` [FLOP].

    Examples
    --------
    >>> "DeepSeek LLM" in ratio_by_law_explorer().html()
    True
    """
    return ComputedView("overtraining.ratio_view", ratio_view, [
        Field("flops_budget", "Compute budget C [FLOP]", 1e23, slider=(1e18, 1e27)),
    ], [
        Output(key, label, section=_RATIO_SECTION) for key, label in _RATIO_LABELS.items()
    ], title="Tokens per parameter: a property of a law and a budget, not a constant",
       notes="The warning gives the span of the Chinchilla runs; every law here was fitted on "
             "budgets far below a frontier run's.")
