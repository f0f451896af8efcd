"""Explorers of the results added to the chapters on Kaplan's laws, overtraining, diminishing
returns and fitting: the Kaplan-Chinchilla reconciliation, tokens per parameter by law,
limited data, emergence, and forecasting a large run from small ones.

Each factory wires controls to functions of :mod:`lessons.reconciliation`,
:mod:`lessons.overtraining`, :mod:`lessons.datalimits`, :mod:`lessons.returns`,
:mod:`lessons.forecast` and :mod:`lessons.fitting`; the :class:`~lessons.explore.Explorer` core
shows them live in Jupyter and as precomputed frames on the site. No formula lives here.
"""

from __future__ import annotations

import numpy as np

from . import (
    chinchilla,
    datalimits,
    fitting,
    forecast,
    kaplan,
    oracle,
    overtraining,
    plots,
    reconciliation,
    returns,
)
from .explore import Control, Explorer
from .study import load_results

__all__ = ["data_limits_explorer", "emergence_explorer", "forecast_explorer",
           "ratio_by_law_explorer", "reconciliation_explorer"]

_FITS = ("besiroglu2024", "hoffmann2022_tex", "hoffmann2022")
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
        "fit": Control("Chinchilla fit", _FITS, default="besiroglu2024"),
        "centre": Control("Centre of the compute window C_E [FLOP]", _CENTRES, default=1e16),
    }, title="Counting non-embedding parameters at small scale turns 0.5 into about 0.75")


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
    def view(flops):
        rows = {f"{k} [tokens/parameter]": v
                for k, v in overtraining.law_tokens_per_param(flops).items()}
        rows["Chinchilla's own run, for comparison [tokens/parameter]"] = (
            chinchilla.CHINCHILLA_TOKENS_PER_PARAM)
        return rows

    return Explorer(view, {"flops": Control("Compute budget C [FLOP]", _RATIO_BUDGETS,
                                            default=1e23)},
                    title="Tokens per parameter: a property of a law and a budget, not a constant")


#: Unique tokens and budgets of the data-limits explorer [tokens], [FLOP].
_UNIQUE = (1e9, datalimits.LOW_RESOURCE_TOKENS, 2e10, 1e11)
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
        "unique_tokens": Control("Unique tokens available U_D [tokens]", _UNIQUE,
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


_SEEDS = (oracle.PUBLIC_SEED, 1, 2, 3)
_RATIOS = (1e-3, 1e-4, 1e-5)
#: The forecasting lab: 100 times the oracle's default budget, so that even the largest runs
#: of a fit at 1/1,000 of the target fit in it.
FORECAST_BUDGET = 100 * oracle.DEFAULT_BUDGET


def forecast_explorer() -> Explorer:
    """An oracle seed × how far below the target the runs stop -> the forecast and its error.

    Returns
    -------
    Explorer
        Two sliders, the seed of the hidden law and the largest fitted budget as a fraction of
        the target [fraction]; each frame is a figure of the IsoFLOP bottoms, the fitted
        L(C) = a·C^b + c and the true loss at the target, and a table of the errors.

    Examples
    --------
    >>> forecast_explorer().shape
    (4, 3)
    """
    def view(seed, ratio):
        lab = oracle.Oracle(budget_flops=FORECAST_BUDGET, seed=seed)
        pts = forecast.frontier_from_oracle(lab, lab.target_flops * ratio)
        law = fitting.fit_compute_law(pts.flops, pts.loss)
        k, a = chinchilla.fit_power_law(pts.flops, pts.n_params)
        predicted = float(law.predict(lab.target_flops))
        score = lab.evaluate(k * lab.target_flops**a, predicted)
        grid = np.geomspace(pts.flops[0], lab.target_flops, 60)
        fig = plots.line(grid, {"fitted L(C) = a·C^b + c": law.predict(grid)},
                         xlabel="Compute per run [FLOP]", ylabel="Loss [nats/token]",
                         logx=True, title=f"Forecast from runs {1 / ratio:,.0f}× smaller")
        plots.scatter(pts.flops, pts.loss, ax=fig.axes[0], label="IsoFLOP bottoms (fitted)",
                      xlabel="Compute per run [FLOP]", ylabel="Loss [nats/token]", logx=True)
        plots.mark(fig, lab.target_flops, score.true_loss, "true loss")
        return fig, {
            "Forecast loss at the target [nats/token]": predicted,
            "True loss at the target [nats/token]": score.true_loss,
            "Forecast minus truth [nats/token]": predicted - score.true_loss,
            "Fitted floor c [nats/token]": law.c,
            "Forecast size over the true optimum [ratio]": score.n_params / score.true_n_params,
        }

    return Explorer(view, {
        "seed": Control("Seed of the hidden law", _SEEDS, default=oracle.PUBLIC_SEED,
                        names=tuple(str(s) for s in _SEEDS)),
        "ratio": Control("Largest fitted run / target [fraction]", _RATIOS, default=1e-3),
    }, title="Forecasting the loss of a run from runs 1,000 to 100,000 times smaller")
