"""Explorers of the chapter *μP: hyperparameters that transfer*.

The learning-rate sweeps are simulations (numpy training runs), so this view stays a set of
frames computed when the page is built (:class:`lessons.explore.core.Explorer`).
"""

from __future__ import annotations

from .core import Control, Explorer

__all__ = ["mup_explorer"]


def mup_explorer(sp_sweep=None, mup_sweep=None) -> Explorer:
    """Width slider over the μP demo's learning-rate sweeps: does the proxy's tuned rate transfer?

    Taught in the chapter *μP: hyperparameters that transfer*. The two sweeps come from
    :func:`lessons.mup.lr_sweep` (pass the ones the chapter already computed, so the page
    trains each network once); each frame shows, for one width, loss against the base Adam
    learning rate under SP and μP next to the narrowest (proxy) width, and what training at the
    proxy's best rate costs compared with the width's own best (:func:`lessons.mup.best_lr`).

    Parameters
    ----------
    sp_sweep, mup_sweep : lessons.mup.LRSweep, optional
        Sweeps over the same widths and learning rates under ``"sp"`` and ``"mup"``; computed
        with the module's defaults when omitted [losses in squared target units].

    Returns
    -------
    Explorer
        One slider, width [units]; each frame is a figure and a table.

    Examples
    --------
    >>> import numpy as np
    >>> from lessons import mup
    >>> lrs = np.array([1e-3, 1e-2, 1e-1])
    >>> sp = mup.LRSweep(np.array([16, 64]), lrs, "sp", np.array([[.5, .2, .9], [.3, .4, 2.]]))
    >>> mu = mup.LRSweep(np.array([16, 64]), lrs, "mup", np.array([[.5, .2, .9], [.4, .1, .8]]))
    >>> ex = mup_explorer(sp, mu)
    >>> ex.shape
    (2,)
    >>> "0.01" in ex.frame(width=64)
    True
    """
    import numpy as np

    from .. import mup, plots

    sp_sweep = mup.lr_sweep(parameterization="sp") if sp_sweep is None else sp_sweep
    mup_sweep = mup.lr_sweep(parameterization="mup") if mup_sweep is None else mup_sweep
    if (not np.array_equal(sp_sweep.widths, mup_sweep.widths)
            or not np.array_equal(sp_sweep.learning_rates, mup_sweep.learning_rates)):
        raise ValueError("sp_sweep and mup_sweep must cover the same widths and learning rates.")
    widths = [int(w) for w in sp_sweep.widths]
    lrs = sp_sweep.learning_rates
    proxy = widths[0]
    best_sp, best_mup = sp_sweep.best_lr(), mup_sweep.best_lr()
    proxy_lr = best_mup[0]  # SP and μP coincide at the base width

    def shown(loss):  # diverged runs are gaps in the plot
        return np.where(np.isfinite(loss), loss, np.nan)

    def view(width):
        i = widths.index(width)
        proxy_label = f"proxy, width {proxy} (SP = μP there)"
        fig = plots.line(lrs, {proxy_label: shown(mup_sweep.loss[0]),
                               f"SP, width {width}": shown(sp_sweep.loss[i]),
                               f"μP, width {width}": shown(mup_sweep.loss[i])},
                         xlabel="Base Adam learning rate [per step]",
                         ylabel="Final training loss [squared target units]",
                         logx=True, logy=True, styles={proxy_label: "--"},
                         title=f"Learning-rate sweep at width {width}")
        at_proxy_lr = lrs == proxy_lr
        rows = {
            f"Best rate at the proxy width {proxy} [per step]": proxy_lr,
            f"Best rate at width {width}, SP [per step]": best_sp[i],
            f"Best rate at width {width}, μP [per step]": best_mup[i],
            "SP: loss at the proxy's rate ÷ best loss [ratio]":
                float(sp_sweep.loss[i][at_proxy_lr][0] / np.min(sp_sweep.loss[i])),
            "μP: loss at the proxy's rate ÷ best loss [ratio]":
                float(mup_sweep.loss[i][at_proxy_lr][0] / np.min(mup_sweep.loss[i])),
        }
        return fig, rows

    return Explorer(view, {"width": Control("Width n [units]", widths, default=widths[-1])},
                    title="Tune at the narrowest width, train wider: SP against μP")
