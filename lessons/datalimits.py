"""Scaling with limited data: what repeated epochs and excess parameters are worth.

Taught in the chapter *Diminishing returns*.

Muennighoff et al. (2023) fitted the Chinchilla form with *effective* data and parameters in
place of D and N, on top of a fit to C4 held fixed, to 182 runs of 7M to 9B parameters trained
for 1 to 500 epochs:

* D′ = U_D + U_D·R_D*·(1 − e^(−R_D/R_D*)): U_D unique tokens seen 1 + R_D times are worth D′
  fresh tokens. Each repetition is worth less than the one before, and D′ can never exceed
  U_D·(1 + R_D*) ≈ 16.4·U_D.
* N′ = U_N + U_N·R_N*·(1 − e^(−R_N/R_N*)): parameters beyond U_N, the compute-optimal size for
  U_D tokens, are worth less and less too.

Their README gives the fitted constants (R_D* = 15.387756, R_N* = 5.309743, and the C4 fit it
rests on) and a reference implementation, which this module follows; its two printed losses
are the module's tests.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import minimize_scalar

from ._validate import broadcast, output, positive, raw_count
from .constants import TRAINING_FLOPS_PER_PARAM_TOKEN
from .sources import Cite

__all__ = [
    "MIN_ALLOCATION_FLOPS",
    "MUENNIGHOFF_2023",
    "DataConstrainedLaw",
    "DataConstrainedPlan",
    "LOW_RESOURCE_TOKENS",
    "effective_params",
    "effective_tokens",
    "epoch_value",
    "loss",
    "optimal_allocation",
    "unique_params",
]

#: The chapter's example of a low-resource language: a few billion unique tokens of usable
#: text, here 5 billion [tokens]. An illustrative scenario, not a measured corpus.
LOW_RESOURCE_TOKENS = 5e9

#: Below this many parameters or tokens an input is taken for "billions" and refused.
MIN_RAW_COUNT = 1e4

#: Below this many FLOP a budget given to :func:`optimal_allocation` is taken for a unit
#: mistake (PF-days, say) and refused [FLOP].
MIN_ALLOCATION_FLOPS = 1e12

_RAW = {"n_params": "n_params=7e9 for 7B", "unique_tokens": "unique_tokens=5e9 for 5B tokens",
        "n_tokens": "n_tokens=1e11 for 100B tokens"}


def _count(name: str, value, unit: str):
    return raw_count(name, value, minimum=MIN_RAW_COUNT, unit=unit, example=_RAW[name])


@dataclass(frozen=True)
class DataConstrainedLaw:
    """Muennighoff et al.'s data-constrained law L(N, D, U_D) and its constants.

    Attributes
    ----------
    E, A, B : float
        Irreducible loss [nats/token] and the prefactors of A/N′^α and B/D′^β
        [nats/token · parameters^α], [nats/token · tokens^β].
    alpha, beta : float
        Exponents [dimensionless]; the fit has α = β.
    r_n_star, r_d_star : float
        Decay constants of excess parameters and of repeated epochs [dimensionless].
    cites : dict
        Attribute name -> :class:`~lessons.sources.Cite`.
    """

    E: float
    A: float
    B: float
    alpha: float
    beta: float
    r_n_star: float
    r_d_star: float
    cites: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def G(self) -> float:
        """G = (αA/(βB))^(1/(α+β)) of the base fit [dimensionless when α = β]."""
        return (self.alpha * self.A / (self.beta * self.B)) ** (1.0 / (self.alpha + self.beta))


#: The fit of Muennighoff et al. (2023): a, b, e, α, β = 6.255414, 7.3049974, 0.6254804,
#: 0.3526596, 0.3526596 (A = e^a, B = e^b, E = e^e) from C4, then R_D* and R_N* fitted to 182
#: data-constrained runs with the base held fixed.
MUENNIGHOFF_2023 = DataConstrainedLaw(
    E=math.exp(0.6254804), A=math.exp(6.255414), B=math.exp(7.3049974),
    alpha=0.3526596, beta=0.3526596, r_n_star=5.309743, r_d_star=15.387756,
    cites={
        "base": Cite("muennighoff2023", "README 'Parametric Fit' (a, b, e, α, β), the C4 fit "
                     "held fixed; rounded in the paper as 521, 1488, 1.87, 0.35"),
        "r_star": Cite("muennighoff2023", "App. A and utils/parametric_fit.ipynb: "
                       "R_N* = 5.309743, R_D* = 15.387756 from 182 runs"),
        "effective": Cite("muennighoff2023", "Eq. 5 (D′) and Eq. 6 (N′); R_D = epochs − 1"),
    },
)


def effective_tokens(unique_tokens, epochs, law: DataConstrainedLaw = MUENNIGHOFF_2023):
    """How many fresh tokens a number of epochs over unique data is worth [tokens].

    Parameters
    ----------
    unique_tokens : float or array_like
        U_D, the unique tokens available [tokens].
    epochs : float or array_like
        Passes over them, at least 1 (fractions allowed) [epochs].
    law : DataConstrainedLaw
        The constants (default :data:`MUENNIGHOFF_2023`).

    Returns
    -------
    float or numpy.ndarray
        D′ = U_D + U_D·R_D*·(1 − e^(−R_D/R_D*)) with R_D = epochs − 1 [tokens].

    Notes
    -----
    The first pass is worth its U_D tokens; the k-th repetition is worth e^(−(k−1)/R_D*) of a
    fresh pass (:func:`epoch_value`), and D′ approaches U_D·(1 + R_D*) as the epochs grow.

    References
    ----------
    Muennighoff et al. (2023) Eq. 5; R_D* from App. A.

    Examples
    --------
    >>> [round(effective_tokens(1e9, e) / 1e9, 2) for e in (1, 4, 40, 1000)]
    [1.0, 3.73, 15.17, 16.39]
    """
    u = _count("unique_tokens", unique_tokens, "tokens")
    ep = positive("epochs", epochs, unit="epochs")
    if np.any(ep < 1):
        raise ValueError(f"epochs must be at least 1 [epochs]; got {epochs!r}. For less than "
                         "one pass, the unique tokens seen are simply the tokens trained on.")
    u, ep = broadcast(unique_tokens=u, epochs=ep)
    r = ep - 1.0
    return output(u + u * law.r_d_star * (1.0 - np.exp(-r / law.r_d_star)), unique_tokens,
                  epochs)


def epoch_value(epoch, law: DataConstrainedLaw = MUENNIGHOFF_2023):
    """What the k-th pass over the data adds, as a fraction of a pass over fresh data.

    Parameters
    ----------
    epoch : int or array_like of int
        Which pass, k = 1, 2, ... [epochs].
    law : DataConstrainedLaw
        The constants.

    Returns
    -------
    float or numpy.ndarray
        (D′(k) − D′(k − 1))/U_D [fraction of a fresh pass]: 1 for the first pass, then
        R_D*·(e^(−(k−2)/R_D*) − e^(−(k−1)/R_D*)) for k ≥ 2.

    Notes
    -----
    Differences of Eq. 5: each pass is worth e^(−1/R_D*) ≈ 0.937 of the one before, so the
    value of a pass halves about every R_D*·ln 2 ≈ 10.7 epochs.

    References
    ----------
    Muennighoff et al. (2023) Eq. 5.

    Examples
    --------
    >>> [round(epoch_value(k), 3) for k in (1, 2, 4, 40)]
    [1.0, 0.968, 0.85, 0.082]
    """
    k = positive("epoch", epoch, unit="epochs")
    if np.any(k < 1) or np.any(k != np.round(k)):
        raise ValueError(f"epoch counts passes 1, 2, 3, ...; got {epoch!r}.")
    r = law.r_d_star
    later = r * (np.exp(-np.maximum(k - 2.0, 0.0) / r) - np.exp(-(k - 1.0) / r))
    return output(np.where(k == 1, 1.0, later), epoch)


def unique_params(unique_tokens, law: DataConstrainedLaw = MUENNIGHOFF_2023):
    """U_N: the compute-optimal model size for the unique tokens, under the base fit [parameters].

    Parameters
    ----------
    unique_tokens : float or array_like
        U_D [tokens].
    law : DataConstrainedLaw
        The constants.

    Returns
    -------
    float or numpy.ndarray
        U_N = G·(G·U_D)^(β/α) with G = (αA/(βB))^(1/(α+β)) [parameters]; with α = β this is
        G²·U_D ≈ 0.051·U_D, about one parameter per 19.6 unique tokens.

    Notes
    -----
    The inverse of Chinchilla's D_opt(N) under the base fit (the README's ``D_to_N``).

    References
    ----------
    Muennighoff et al. (2023), README 'Parametric Fit'.

    Examples
    --------
    >>> round(unique_params(1e9) / 1e9, 4)
    0.051
    """
    u = _count("unique_tokens", unique_tokens, "tokens")
    g = law.G
    return output(g * (u * g) ** (law.beta / law.alpha), unique_tokens)


def effective_params(n_params, unique_tokens, law: DataConstrainedLaw = MUENNIGHOFF_2023):
    """What a model's parameters are worth when its unique data are limited [parameters].

    Parameters
    ----------
    n_params : float or array_like
        N, the model's parameters [parameters].
    unique_tokens : float or array_like
        U_D, the unique tokens it is trained on [tokens].
    law : DataConstrainedLaw
        The constants.

    Returns
    -------
    float or numpy.ndarray
        N′ = U_N + U_N·R_N*·(1 − e^(−R_N/R_N*)) [parameters], with U_N = min(N,
        :func:`unique_params` (U_D)) and R_N = N/U_N − 1.

    Notes
    -----
    Parameters up to U_N count in full; the excess decays with R_N* = 5.3, so N′ never exceeds
    U_N·(1 + R_N*) ≈ 6.3·U_N (Eq. 6).

    References
    ----------
    Muennighoff et al. (2023) Eq. 6; README 'Parametric Fit'.

    Examples
    --------
    >>> round(effective_params(1e8, 1e10) / 1e8, 3)      # below U_N: worth its full size
    1.0
    >>> round(effective_params(1e10, 1e9) / unique_params(1e9), 2)   # 196× too large
    6.31
    """
    n = _count("n_params", n_params, "parameters")
    u_n = np.minimum(n, np.asarray(unique_params(unique_tokens, law)))
    n, u_n = broadcast(n_params=n, unique_params=u_n)
    r = np.maximum(n / u_n - 1.0, 0.0)
    return output(u_n + u_n * law.r_n_star * (1.0 - np.exp(-r / law.r_n_star)), n_params,
                  unique_tokens)


def loss(n_params, n_tokens, unique_tokens, law: DataConstrainedLaw = MUENNIGHOFF_2023):
    """Predicted loss of N parameters trained on D tokens drawn from U_D unique ones [nats/token].

    Parameters
    ----------
    n_params : float or array_like
        N [parameters].
    n_tokens : float or array_like
        D, all training tokens, repeats included [tokens].
    unique_tokens : float or array_like
        U_D, the unique tokens available [tokens]. A run shorter than one pass sees only
        min(U_D, D) of them.
    law : DataConstrainedLaw
        The constants.

    Returns
    -------
    float or numpy.ndarray
        L = E + A/N′^α + B/D′^β [nats/token, C4 with the GPT-2 tokenizer].

    Notes
    -----
    D′ from :func:`effective_tokens` with epochs = D/U_D, N′ from :func:`effective_params`.
    With unlimited data (U_D ≥ D, N ≤ U_N) it is the Chinchilla form with the base constants.

    References
    ----------
    Muennighoff et al. (2023) Eq. 5-6; README 'Parametric Fit' (whose two printed values are
    reproduced below).

    Examples
    --------
    >>> round(loss(6.34e9, 242e9, 25e9), 6), round(loss(8.67e9, 178e9, 25e9), 6)
    (2.225644, 2.226963)
    """
    n = _count("n_params", n_params, "parameters")
    d = _count("n_tokens", n_tokens, "tokens")
    u = np.minimum(_count("unique_tokens", unique_tokens, "tokens"), d)
    n, d, u = broadcast(n_params=n, n_tokens=d, unique_tokens=u)
    d_eff = np.asarray(effective_tokens(u, d / u, law))
    n_eff = np.asarray(effective_params(n, u, law))
    return output(law.E + law.A / n_eff**law.alpha + law.B / d_eff**law.beta,
                  n_params, n_tokens, unique_tokens)


@dataclass(frozen=True)
class DataConstrainedPlan:
    """The best model and data for a budget when unique data are limited.

    Attributes
    ----------
    flops : float
        The budget C = 6ND [FLOP].
    unique_tokens : float
        U_D [tokens].
    n_params, n_tokens : float
        The optimum N [parameters] and D [tokens], repeats included.
    epochs : float
        D/U_D [epochs].
    loss : float
        Its predicted loss [nats/token].
    """

    flops: float
    unique_tokens: float
    n_params: float
    n_tokens: float
    epochs: float
    loss: float


def optimal_allocation(flops, unique_tokens, law: DataConstrainedLaw = MUENNIGHOFF_2023
                       ) -> DataConstrainedPlan:
    """The model size and epochs that minimise the data-constrained loss at a budget.

    Parameters
    ----------
    flops : float
        Training compute C = 6ND [FLOP].
    unique_tokens : float
        U_D, the unique tokens available [tokens].
    law : DataConstrainedLaw
        The constants.

    Returns
    -------
    DataConstrainedPlan
        N [parameters], D [tokens], epochs D/U_D [epochs] and the loss [nats/token].

    Notes
    -----
    minimise L(N, C/(6N), U_D) over ln N (a bounded scalar search on the one-dimensional
    IsoFLOP curve); the README does the same with a grid search and finds, for the budget of
    8.67B parameters on 178B tokens with 25B unique, about 6.8B parameters on 227B tokens,
    9.1 epochs.

    References
    ----------
    Muennighoff et al. (2023), README 'Parametric Fit' (optimal_allocation).

    Examples
    --------
    >>> plan = optimal_allocation(6 * 8.67e9 * 178e9, 25e9)
    >>> f"N = {plan.n_params:.2g}, D = {plan.n_tokens:.3g}, {plan.epochs:.1f} epochs"
    'N = 6.8e+09, D = 2.27e+11, 9.1 epochs'
    """
    c = float(raw_count("flops", flops, minimum=MIN_ALLOCATION_FLOPS, unit="FLOP",
                        example="flops=1e21"))
    u = float(_count("unique_tokens", unique_tokens, "tokens"))
    per = TRAINING_FLOPS_PER_PARAM_TOKEN

    def at(log_n: float) -> float:
        n = math.exp(log_n)
        return float(loss(n, c / (per * n), u, law))

    # N from 1e4 up to the size that leaves 1e4 tokens: the whole IsoFLOP curve.
    high = math.log(c / (per * MIN_RAW_COUNT))
    best = minimize_scalar(at, bounds=(math.log(MIN_RAW_COUNT), high), method="bounded",
                           options={"xatol": 1e-6})
    n = math.exp(best.x)
    d = c / (per * n)
    return DataConstrainedPlan(flops=c, unique_tokens=u, n_params=n, n_tokens=d, epochs=d / u,
                               loss=float(best.fun))
