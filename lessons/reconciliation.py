"""Why Kaplan found N ∝ C^0.73: the Kaplan-Chinchilla reconciliation, by computation.

Taught in the chapter *Kaplan scaling laws*.

Pearce & Song (2024) take a Chinchilla law, in which N counts every parameter, and ask what
Kaplan's procedure would have read off it: parameters and compute counted *without* the
embeddings (N_\\E and C_\\E = 6·N_\\E·D), on models as small as Kaplan's. A model of N_\\E
non-embedding parameters has N_T = N_\\E + ω·N_\\E^(1/3) in all
(:func:`lessons.kaplan.total_params`), so minimising the Chinchilla loss L(N_T, D) at a fixed
C_\\E gives an optimum N*_\\E(C_\\E) whose log-log slope is *not* Chinchilla's β/(α+β): it is
close to Kaplan's 0.73 over small budgets and falls to β/(α+β) only at large ones.

Porian et al. (2024) reach the same end by another road: reproducing Kaplan's exponent and then
removing it step by step (the last layer's FLOP, warm-up, optimizer tuning). Their per-step
exponents were read from a slide, so :data:`PORIAN_STEPS` is tagged SECONDARY.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validate import output, positive, raw_count
from .chinchilla import BESIROGLU_2024, Fit, get_fit
from .constants import MIN_FLOPS, TRAINING_FLOPS_PER_PARAM_TOKEN
from .kaplan import PEARCE_SONG_OMEGA
from .sources import Cite

__all__ = [
    "KAPLAN_RANGE",
    "KAPLAN_RANGE_CITE",
    "PORIAN_STEPS",
    "PorianStep",
    "compute_at_optimum",
    "local_exponent",
    "non_embedding_optimum",
]

#: The non-embedding compute range of Pearce & Song's simulation of Kaplan's study, C_\\E from
#: 10^12.95 to 10^20.7 [FLOP] (models of 768 to 1.5 billion non-embedding parameters).
KAPLAN_RANGE = (10**12.95, 10**20.7)
KAPLAN_RANGE_CITE = Cite("pearce2024", "script_analysis_kaplan_chinchilla.py: C range "
                         "logspace(12.95, 20.7); Kaplan's models of 768 to 1.5B non-embedding "
                         "parameters")

# The grid on which C_\\E(N*_\\E) is tabulated and inverted [non-embedding parameters].
_GRID = np.logspace(0, 14, 4001)


@dataclass(frozen=True)
class PorianStep:
    """One step of Porian et al.'s path from Kaplan's exponent to Chinchilla's.

    Attributes
    ----------
    step : str
        What was changed, cumulatively.
    a : float
        The fitted exponent of N* ∝ C^a after the step [dimensionless].
    n_opt_at_chinchilla : float
        Their predicted N* at Chinchilla's budget of 5.88e23 FLOP [parameters].
    cite : Cite
        Where the numbers come from.
    """

    step: str
    a: float
    n_opt_at_chinchilla: float
    cite: Cite


_PORIAN_CITE = Cite("porian2024", "Fig. 1, transcribed from a slide (fact sheet §13.6)",
                    "SECONDARY")

#: Porian et al.'s steps from Kaplan to Chinchilla, cumulative [SECONDARY].
PORIAN_STEPS = (
    PorianStep("Reproducing Kaplan", 0.835, 3e12, _PORIAN_CITE),
    PorianStep("+ last-layer FLOPs counted", 0.706, 787e9, _PORIAN_CITE),
    PorianStep("+ warmup fixed", 0.602, 292e9, _PORIAN_CITE),
    PorianStep("cosine decay, no tuning", 0.571, 183e9, _PORIAN_CITE),
    PorianStep("optimizer tuned, no decay", 0.497, 77e9, _PORIAN_CITE),
)


def compute_at_optimum(n_non_embedding, fit: Fit | str = BESIROGLU_2024,
                       omega=PEARCE_SONG_OMEGA):
    """The non-embedding compute at which a model of N_\\E parameters is the optimum [FLOP].

    Parameters
    ----------
    n_non_embedding : float or array_like
        N*_\\E [non-embedding parameters].
    fit : Fit or str
        The Chinchilla law, in total parameters (default: the 2024 refit, as Pearce & Song).
    omega : float
        ω of N_T = N_\\E + ω·N_\\E^(1/3) [parameters^(2/3)].

    Returns
    -------
    float or numpy.ndarray
        C_\\E = 6·N_\\E·D at the optimum [FLOP].

    Notes
    -----
    Minimise A/N_T^α + B/D^β with D = C_\\E/(6N_\\E) over N_\\E. Setting the derivative to zero,
    with N_T′ = 1 + (ω/3)·N_\\E^(−2/3):

    D = (βB/(αA))^(1/β) · N_T^((1+α)/β) · (N_\\E + (ω/3)·N_\\E^(1/3))^(−1/β),

    and C_\\E = 6·N_\\E·D. With ω = 0 this is Chinchilla's optimum, N ∝ C^(β/(α+β)).

    References
    ----------
    Pearce & Song (2024) (the analytic frontier of their script).

    Examples
    --------
    >>> f"{compute_at_optimum(1e9):.3g}"
    '1.55e+20'
    """
    n = raw_count("n_non_embedding", n_non_embedding, minimum=1.0,
                  unit="non-embedding parameters", example="1e9")
    f = get_fit(fit)
    w = float(positive("omega", omega, unit="parameters^(2/3)", allow_zero=True))
    n_t = n + w * np.cbrt(n)
    d = ((f.beta * f.B / (f.alpha * f.A)) ** (1.0 / f.beta) * n_t ** ((1.0 + f.alpha) / f.beta)
         * (n + w / 3.0 * np.cbrt(n)) ** (-1.0 / f.beta))
    return output(TRAINING_FLOPS_PER_PARAM_TOKEN * n * d, n_non_embedding)


def non_embedding_optimum(flops_non_embedding, fit: Fit | str = BESIROGLU_2024,
                          omega=PEARCE_SONG_OMEGA):
    """The loss-minimising non-embedding size at a non-embedding compute budget [parameters].

    Parameters
    ----------
    flops_non_embedding : float or array_like
        C_\\E = 6·N_\\E·D, compute counted Kaplan's way [FLOP].
    fit : Fit or str
        The Chinchilla law, in total parameters.
    omega : float
        ω [parameters^(2/3)].

    Returns
    -------
    float or numpy.ndarray
        N*_\\E [non-embedding parameters]; its total size is
        :func:`lessons.kaplan.total_params` of it.

    Notes
    -----
    The inverse of :func:`compute_at_optimum`, which rises monotonically with N*_\\E: read off
    a fine log-log table of it (4,001 sizes from 1 to 10^14).

    References
    ----------
    Pearce & Song (2024).

    Examples
    --------
    >>> n = non_embedding_optimum(compute_at_optimum(1e9))
    >>> round(n / 1e9, 3)
    1.0
    """
    c = raw_count("flops_non_embedding", flops_non_embedding, minimum=MIN_FLOPS, unit="FLOP",
                  example="1e20")
    f = get_fit(fit)
    table = np.log(np.asarray(compute_at_optimum(_GRID, f, omega)))
    if np.any(np.diff(table) <= 0):
        raise ValueError(f"the optimum of fit {f.name!r} is not monotone in compute; "
                         "check its constants.")
    log_c = np.log(c)
    if np.any(log_c < table[0]) or np.any(log_c > table[-1]):
        raise ValueError(f"flops_non_embedding must lie in [{np.exp(table[0]):.3g}, "
                         f"{np.exp(table[-1]):.3g}] FLOP, the range the table covers.")
    return output(np.exp(np.interp(log_c, table, np.log(_GRID))), flops_non_embedding)


def local_exponent(low=KAPLAN_RANGE[0], high=KAPLAN_RANGE[1], fit: Fit | str = BESIROGLU_2024,
                   omega=PEARCE_SONG_OMEGA, *, n_points: int = 100) -> float:
    """The exponent a of N* ∝ C^a that a study over budgets [low, high] would fit.

    Parameters
    ----------
    low, high : float
        The range of budgets, in non-embedding compute C_\\E [FLOP].
    fit : Fit or str
        The Chinchilla law, in total parameters.
    omega : float
        ω [parameters^(2/3)]; 0 removes the embeddings, and the slope is then Chinchilla's
        a = β/(α+β) at every budget.
    n_points : int
        Budgets, evenly spaced in log C [count].

    Returns
    -------
    float
        The least-squares slope of ln N* on ln C [dimensionless].

    Notes
    -----
    Kaplan's way: N*_\\E from :func:`non_embedding_optimum` at each C_\\E, then the least-squares
    fit ln N*_\\E = a·ln C_\\E + b. Counted Chinchilla's way (N_T against C_T = 6·N_T·D) the
    same law gives a = β/(α+β) exactly (:func:`lessons.chinchilla.compute_optimal`).

    References
    ----------
    Pearce & Song (2024) (their local fit over the frontier).

    Examples
    --------
    >>> round(local_exponent(), 2), round(local_exponent(omega=0), 3), round(BESIROGLU_2024.a, 3)
    (0.78, 0.513, 0.513)
    >>> round(local_exponent(1e21, 1e25), 2)          # at large budgets the embeddings fade
    0.52
    """
    lo = float(raw_count("low", low, minimum=MIN_FLOPS, unit="FLOP", example="1e13"))
    hi = float(raw_count("high", high, minimum=MIN_FLOPS, unit="FLOP", example="1e21"))
    if hi <= lo * 1.01 or isinstance(n_points, bool) or not isinstance(n_points, int) \
            or n_points < 3:
        raise ValueError(f"need high > low and n_points >= 3; got low={low!r}, high={high!r}, "
                         f"n_points={n_points!r}.")
    c = np.logspace(np.log10(lo), np.log10(hi), n_points)
    n = np.asarray(non_embedding_optimum(c, fit, omega))
    slope, _ = np.polyfit(np.log(c), np.log(n), 1)
    return float(slope)
