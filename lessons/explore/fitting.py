"""Explorers of the chapter *Fitting scaling laws to real data*.

Each frame needs a thousand bootstrap refits of the law (a fit, not a closed form), so this view
stays a set of frames computed when the page is built (:class:`lessons.explore.core.Explorer`).
"""

from __future__ import annotations

import numpy as np

from .core import Control, Explorer

__all__ = ["forecast_explorer", "plan_range_explorer"]


#: Target losses of the plan-range explorer [nats/token]: from easy to near the refit's E.
_RANGE_TARGETS = (2.3, 2.0, 1.9, 1.85)


def plan_range_explorer(boot=None, fit=None) -> Explorer:
    """Target loss and price -> the cost of a compute-optimal run, as a range over refits.

    Taught in the chapter *Fitting scaling laws to real data*. Every number comes from
    :func:`lessons.uncertainty.plan_range` over bootstrap refits of the Chinchilla points.

    Parameters
    ----------
    boot : BootstrapResult, optional
        Refits from :func:`lessons.fitting.bootstrap`; by default 1,000 refits of the 240
        Chinchilla points, started at the 2024 refit.
    fit : Fit or str, optional
        The full-data fit for the point values; default ``"besiroglu2024"``.

    Returns
    -------
    Explorer
        Two sliders, target loss [nats/token] and price [USD/device-hour]; each frame is a
        table of the cost interval and a histogram of the cost over the refits.

    Examples
    --------
    >>> from lessons import data, fitting
    >>> p = data.load_chinchilla_points()
    >>> boot = fitting.bootstrap(p.n_params, p.n_tokens, p.loss, n_resamples=50,
    ...                          start="besiroglu2024")
    >>> ex = plan_range_explorer(boot)
    >>> ex.shape
    (4, 2)
    """
    from .. import data, fitting, plots, uncertainty
    from ..budget import PRICE_RANGE_PER_HOUR  # the ends of the course's price range

    if boot is None:
        p = data.load_chinchilla_points()
        boot = fitting.bootstrap(p.n_params, p.n_tokens, p.loss, n_resamples=1000,
                                 start="besiroglu2024")
    fit = "besiroglu2024" if fit is None else fit

    def view(target_loss, price):
        r = uncertainty.plan_range(boot, fit, target_loss=target_loss, price_per_hour=price)
        low, high = r.interval("cost")
        rows = {
            "Cost with the full-data fit [USD]": r.point["cost"],
            "Median over the refits [USD]": r.median("cost"),
            f"{r.level:.0%} interval, low [USD]": low,
            f"{r.level:.0%} interval, high [USD]": "unreachable" if high == float("inf")
            else high,
            "high / low [ratio]": "unbounded" if high == float("inf") else high / low,
            "Refits that put E at or above the target [fraction]": r.unreachable,
            "Compute with the full-data fit [FLOP]": r.point["FLOPs"],
        }
        fig = plots.histogram(r.samples["cost"], logx=True, xlabel="Cost of the run [USD]",
                              marks={"full-data fit": r.point["cost"]},
                              title=f"Cost to reach {target_loss:g} nats/token, over refits")
        return rows, fig

    return Explorer(view, {
        "target_loss": Control("Target loss [nats/token]", _RANGE_TARGETS, default=2.0),
        "price": Control("Price [USD/H100-hour]", PRICE_RANGE_PER_HOUR,
                         default=PRICE_RANGE_PER_HOUR[0],
                         names=tuple(f"${p:g}" for p in PRICE_RANGE_PER_HOUR)),
    }, title="What does a target loss cost? A range, not a number")


#: Seeds of the hidden law besides the public one.
_OTHER_SEEDS = (1, 2, 3)
_RATIOS = (1e-3, 1e-4, 1e-5)


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
    from .. import chinchilla, fitting, forecast, oracle, plots

    seeds = (oracle.PUBLIC_SEED, *_OTHER_SEEDS)

    def view(seed, ratio):
        lab = oracle.Oracle(budget_flops=forecast.FORECAST_BUDGET, seed=seed)
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
        "seed": Control("Seed of the hidden law", seeds, default=oracle.PUBLIC_SEED,
                        names=tuple(str(s) for s in seeds)),
        "ratio": Control("Largest fitted run / target [fraction]", _RATIOS, default=1e-3),
    }, title="Forecasting the loss of a run from runs 1,000 to 100,000 times smaller")
