"""Explorer of the chapter *Diminishing returns*: what the next 10× of compute buys.

A closed form (the compute-optimal loss of a fitted law), computed in the page on the site.
"""

from __future__ import annotations

from .computed import ComputedView, Field, Output

__all__ = ["returns_explorer", "returns_view"]

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
