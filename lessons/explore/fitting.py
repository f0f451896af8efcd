"""Explorers of the chapter *Fitting scaling laws to real data*.

Each frame needs a thousand bootstrap refits of the law (a fit, not a closed form), so this view
stays a set of frames computed when the page is built (:class:`lessons.explore.core.Explorer`).
"""

from __future__ import annotations

from .core import Control, Explorer

__all__ = ["plan_range_explorer"]


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
