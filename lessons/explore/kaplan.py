"""Explorer of the chapter *Kaplan 2020 power laws*: Kaplan's allocation next to a Chinchilla fit.

A closed form (Kaplan's Table 6 and Hoffmann et al.'s Eq. 4), computed in the page on the site.
"""

from __future__ import annotations

from .computed import ComputedView, Field, Output
from .core import Control, Explorer

__all__ = ["kaplan_explorer", "kaplan_view", "reconciliation_explorer"]

#: Kaplan's two ways of reading a budget: all of it is C_min, or training runs at B_crit.
_ACCOUNTING_NAMES = ("C_min = C", "at B_crit: C_min = C/2")
#: Budgets of the chart: 10^17 to 10^27 FLOP, 4 points per decade.
_CHART_BUDGETS = tuple(10 ** (17 + k / 4) for k in range(41))


def kaplan_view(flops_budget, at_critical_batch, fit) -> dict:
    """Kaplan's N, D, B and S for a budget, next to a Chinchilla-style fit's N and D.

    Kaplan's numbers come from :func:`lessons.kaplan.optimal_params`,
    :func:`~lessons.kaplan.optimal_tokens`, :func:`~lessons.kaplan.optimal_batch` and
    :func:`~lessons.kaplan.optimal_steps` (Table 6, C_min in PF-days, N non-embedding); the
    comparison is :func:`lessons.chinchilla.compute_optimal` (N with embeddings).

    Parameters
    ----------
    flops_budget : float
        Training compute C [FLOP].
    at_critical_batch : bool
        Read the budget as training at B_crit (C_min = C/2) rather than C_min = C.
    fit : str
        A name of :data:`lessons.chinchilla.FITS`.

    Returns
    -------
    dict
        ``values`` (``pf_days``, ``kaplan.*``, ``fit.*``), ``chart`` (N_opt against C) and
        ``warning`` (Kaplan's N beyond his largest model; the fit beyond its runs).

    Examples
    --------
    >>> v = kaplan_view(1e21, False, "besiroglu2024")["values"]
    >>> f"{v['kaplan.n_params']:.3g}"
    '7.77e+09'
    """
    from .. import chinchilla, flops, kaplan, overtraining

    c = float(flops_budget)
    kw = {"at_critical_batch": at_critical_batch}
    n = kaplan.optimal_params(c, **kw)
    d = kaplan.optimal_tokens(c, **kw)
    n_fit, d_fit = chinchilla.compute_optimal(c, fit)
    values = {
        "pf_days": flops.to_pf_days(c),
        "kaplan.n_params": n,
        "kaplan.n_tokens": d,
        "kaplan.batch_tokens": kaplan.optimal_batch(c, **kw),
        "kaplan.steps": kaplan.optimal_steps(c, **kw),
        "kaplan.tokens_per_param": overtraining.tokens_per_param(n, d),
        "kaplan.budget_ratio": flops.training_flops(n, d) / c,
        "fit.n_params": n_fit,
        "fit.n_tokens": d_fit,
        "fit.tokens_per_param": overtraining.tokens_per_param(n_fit, d_fit),
    }
    xs = list(_CHART_BUDGETS)
    chart = {"title": "Compute-optimal model size against budget",
             "xlabel": "Training budget C [FLOP]", "ylabel": "N_opt [parameters]",
             "logx": True, "logy": True, "series": [
                 {"label": "Kaplan (non-embedding N)", "style": "dashed", "x": xs,
                  "y": [kaplan.optimal_params(x, **kw) for x in xs]},
                 {"label": f"{fit} (N with embeddings)", "style": "solid", "x": xs,
                  "y": [chinchilla.compute_optimal(x, fit)[0] for x in xs]}],
             "marks": [{"label": "Kaplan", "x": c, "y": n}, {"label": fit, "x": c, "y": n_fit}]}
    warnings = [kaplan_note(n), chinchilla.extrapolation(n_params=n_fit, flops=c)]
    return {"values": values, "chart": chart, "warning": " ".join(w for w in warnings if w)}


def kaplan_note(n_params) -> str:
    """Kaplan's N_opt beyond the models he fitted, in words ("" inside their range)."""
    from .. import chinchilla, kaplan

    text = chinchilla.extrapolation(n_params=n_params, span=kaplan.FITTED_RANGE)
    return text.replace("the fitted runs", "Kaplan's models") if text else ""


def kaplan_explorer() -> ComputedView:
    """Compute budget -> Kaplan's N, D, B and S, next to a Chinchilla-style allocation.

    Taught in the chapter *Kaplan 2020 power laws*; the view is :func:`kaplan_view`.

    Returns
    -------
    ComputedView
        Fields ``flops_budget`` [FLOP], ``at_critical_batch`` [True/False] and ``fit`` [name].

    Examples
    --------
    >>> "4.68×10<sup>9</sup>" in kaplan_explorer().html()   # 1e21 FLOP at B_crit, FACTS §1
    True
    """
    from .. import chinchilla

    return ComputedView("kaplan.kaplan_view", kaplan_view, [
        Field("flops_budget", "Training budget C [FLOP]", 1e21, slider=(1e17, 1e27)),
        Field("at_critical_batch", "Kaplan's accounting", True, (False, True), _ACCOUNTING_NAMES,
              style="radio"),
        Field("fit", "Chinchilla-style fit", "besiroglu2024", tuple(chinchilla.FITS)),
    ], [
        Output("pf_days", "Budget [PF-days]"),
        Output("kaplan.n_params", "Kaplan N_opt [non-embedding parameters]", section="Kaplan"),
        Output("kaplan.n_tokens", "Kaplan D_opt [tokens]", section="Kaplan"),
        Output("kaplan.batch_tokens", "Kaplan batch B [tokens/step]", section="Kaplan"),
        Output("kaplan.steps", "Kaplan steps S [steps]", section="Kaplan"),
        Output("kaplan.tokens_per_param", "Kaplan D/N [tokens/parameter]", section="Kaplan"),
        Output("kaplan.budget_ratio", "Kaplan 6ND / budget [ratio]", section="Kaplan"),
        Output("fit.n_params", "{fit}: N_opt [parameters, embeddings included]",
               section="Chinchilla-style fit"),
        Output("fit.n_tokens", "{fit}: D_opt [tokens]", section="Chinchilla-style fit"),
        Output("fit.tokens_per_param", "{fit}: D/N [tokens/parameter]",
               section="Chinchilla-style fit"),
    ], title="Kaplan's compute-optimal allocation (Table 6) next to a Chinchilla fit")


#: Fits the reconciliation explorer offers (names of lessons.chinchilla.FITS).
_RECONCILED_FITS = ("besiroglu2024", "hoffmann2022_tex", "hoffmann2022")
#: Windows of non-embedding compute the reconciliation explorer fits over: two decades each,
#: centred from 10^14 to 10^24 FLOP.
_CENTRES = (1e14, 1e16, 1e18, 1e20, 1e22, 1e24)


def reconciliation_explorer() -> Explorer:
    """A Chinchilla fit and a compute window -> the exponent Kaplan's counting would read off.

    Returns
    -------
    Explorer
        Two sliders, fit [name] and the centre of a two-decade window of non-embedding compute
        [FLOP]; each frame is a table from :func:`lessons.reconciliation.local_exponent` and
        :func:`~lessons.reconciliation.non_embedding_optimum`.

    Examples
    --------
    >>> ex = reconciliation_explorer()
    >>> ex.shape
    (3, 6)
    """
    from .. import chinchilla, kaplan, reconciliation

    def view(fit, centre):
        f = chinchilla.get_fit(fit)
        n_ne = reconciliation.non_embedding_optimum(centre, f)
        n_t = kaplan.total_params(n_ne)
        return {
            "Exponent read off with non-embedding counts, this window [dimensionless]":
                reconciliation.local_exponent(centre / 10, centre * 10, f),
            "The fit's own exponent β/(α+β) [dimensionless]": f.a,
            "Kaplan's exponent [dimensionless]": kaplan.KAPLAN_2020.n_opt_exp,
            "Optimal non-embedding size at the centre [parameters]": n_ne,
            "Its total size, N_E + ω·N_E^(1/3) [parameters]": n_t,
            "Embedding share of the total [fraction]": 1.0 - n_ne / n_t,
        }

    return Explorer(view, {
        "fit": Control("Chinchilla fit", _RECONCILED_FITS, default="besiroglu2024"),
        "centre": Control("Centre of the compute window C_E [FLOP]", _CENTRES, default=1e16),
    }, title="Counting non-embedding parameters at small scale turns 0.5 into about 0.75")
