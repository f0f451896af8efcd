"""Forecasting a large run from small ones: what labs published, and the course's own attempt.

Taught in the chapter *Fitting scaling laws to real data*.

Before training its largest model, a lab fits a law to runs that cost a thousandth of it, or
less, and predicts the big run's final loss. :data:`FORECASTS` records what three reports say
they did and how far they extrapolated. :func:`frontier_from_oracle` does the same against the
course's training oracle (:mod:`lessons.oracle`): at a few budgets, each at most a given
fraction of the target, it trains a small IsoFLOP profile and keeps the bottom; the compute law
L(C) = a·C^b + c of :func:`lessons.fitting.fit_compute_law` fitted to those bottoms is the
forecast, and :meth:`lessons.oracle.Oracle.evaluate` says how far off it lands.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .chinchilla import isoflop_minimum
from .constants import TRAINING_FLOPS_PER_PARAM_TOKEN
from .oracle import DEFAULT_BUDGET, Oracle
from .sources import Cite

__all__ = [
    "FORECAST_BUDGET",
    "FORECASTS",
    "Forecast",
    "FrontierPoints",
    "frontier_from_oracle",
]


#: The forecasting lab's budget: 100 times the oracle's default [FLOP], so that even the largest
#: runs of a fit at 1/1,000 of the target fit in it.
FORECAST_BUDGET = 100 * DEFAULT_BUDGET


@dataclass(frozen=True)
class Forecast:
    """A published forecast of a large run from smaller ones.

    Attributes
    ----------
    name : str
        Whose forecast, and of what.
    what : str
        The quantity forecast and the law used.
    compute_ratio : float
        How many times less compute than the target the fitted runs used, at most [ratio].
    cite : Cite
        Where it is stated.
    """

    name: str
    what: str
    compute_ratio: float
    cite: Cite


#: Published forecasts and how far they reached (fact sheet §13.8, §13.9, §13.12).
FORECASTS = (
    Forecast("GPT-4, final loss", "L(C) = a·C^b + c on an internal code base", 1e4,
             Cite("gpt4", "§3.1: 'at most 10,000x less compute than GPT-4'")),
    Forecast("GPT-4, HumanEval pass rate", "−E[log(pass_rate(C))] = α·C^(−k)", 1e3,
             Cite("gpt4", "§3.2: models with 'at most 1,000× less compute'")),
    Forecast("Llama 3 405B, ARC-Challenge accuracy",
             "two steps: normalized NLL of the correct answer against FLOP, then a sigmoid "
             "from NLL to accuracy", 1e4,
             Cite("llama3", "§3.2.1 and Fig. 4: 'over four orders of magnitude'")),
    Forecast("Gadre et al., 1.4B on 900B tokens and 6.9B on 138B, loss",
             "L = E + (a·M^η + b·M^(−η))·C^(−η) over token multipliers M", 300,
             Cite("gadre2024", "abstract: 'each from experiments that take 300× less compute'")),
    Forecast("Gadre et al., the same two models, downstream top-1 error",
             "error = E − a·exp(−b·L), from the predicted loss", 20,
             Cite("gadre2024", "abstract: 20× less compute for average top-1 error")),
)


@dataclass(frozen=True)
class FrontierPoints:
    """The bottom of an IsoFLOP profile at each of several budgets.

    Attributes
    ----------
    flops : numpy.ndarray
        Compute of each run of the profile [FLOP], one per budget, increasing.
    n_params : numpy.ndarray
        Model size at the bottom [parameters].
    loss : numpy.ndarray
        Loss at the bottom [nats/token].
    bracketed : numpy.ndarray of bool
        Whether the profile's parabola had its minimum inside the sizes tried; where not, the
        lowest measured run stands in.
    spent : int
        FLOP charged to the oracle [FLOP].
    """

    flops: np.ndarray
    n_params: np.ndarray
    loss: np.ndarray
    bracketed: np.ndarray
    spent: int


def frontier_from_oracle(lab: Oracle, largest, n_budgets: int = 4, sizes: int = 7,
                         spread: float = 8.0, step: float = 10.0) -> FrontierPoints:
    """Train small IsoFLOP profiles on the oracle and return the bottom of each.

    Parameters
    ----------
    lab : Oracle
        The training oracle that pays for the runs.
    largest : float
        Compute of each run at the largest budget [FLOP], e.g. the target over 1,000.
    n_budgets : int
        How many budgets, each ``step`` times smaller than the one above [count].
    sizes : int
        Model sizes per budget [count].
    spread : float
        Sizes run from n0/spread to n0·spread around n0, the size with 20 tokens per parameter
        at that budget [ratio].
    step : float
        Ratio between successive budgets [ratio].

    Returns
    -------
    FrontierPoints
        Per budget: compute [FLOP], the bottom's size [parameters] and loss [nats/token].

    Notes
    -----
    At budget c every run has N = n0·m (m geometric in [1/spread, spread]), D = ⌊c/(6N)⌋, with
    n0 = √(c/(6·20)); the bottom is :func:`lessons.chinchilla.isoflop_minimum` (a parabola in
    ln N, Hoffmann et al. 2022 Approach 2). The runs cost sizes·Σc, at most 1.12·sizes·largest
    for step 10.

    References
    ----------
    Hoffmann et al. (2022) §3.2; OpenAI (2023) §3.1.

    Examples
    --------
    >>> lab = Oracle()
    >>> pts = frontier_from_oracle(lab, lab.target_flops / 1000)
    >>> pts.flops.size, bool(np.all(np.diff(pts.loss) < 0)), pts.spent <= lab.budget
    (4, True, True)
    """
    if not isinstance(lab, Oracle):
        raise ValueError(f"lab must be a lessons.oracle.Oracle; got {type(lab).__name__}.")
    top = float(largest)
    if not math.isfinite(top) or top < 1e12:
        raise ValueError(f"largest must be a compute per run in FLOP, at least 1e12; got "
                         f"{largest!r}.")
    for name, value, low in (("n_budgets", n_budgets, 2), ("sizes", sizes, 3)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise ValueError(f"{name} must be a whole number >= {low}; got {value!r}.")
    if not spread > 1 or not step > 1:
        raise ValueError(f"spread and step must be ratios above 1; got {spread!r}, {step!r}.")
    budgets = top / float(step) ** np.arange(n_budgets)[::-1]
    multiples = np.geomspace(1.0 / spread, spread, sizes)
    before = lab.spent
    rows = []
    for c in budgets:
        n = np.rint(math.sqrt(c / (TRAINING_FLOPS_PER_PARAM_TOKEN * 20.0)) * multiples)
        d = np.floor(c / (TRAINING_FLOPS_PER_PARAM_TOKEN * n))
        runs = lab.train(n, d)
        try:
            rows.append((c, *isoflop_minimum(runs.n_params, runs.loss), True))
        except ValueError:  # the bottom lies outside the sizes tried: keep the best run
            best = int(np.argmin(runs.loss))
            rows.append((c, float(runs.n_params[best]), float(runs.loss[best]), False))
    c, n, loss, ok = (np.array(col) for col in zip(*rows, strict=True))
    return FrontierPoints(flops=c, n_params=n, loss=loss, bracketed=ok.astype(bool),
                          spent=lab.spent - before)
