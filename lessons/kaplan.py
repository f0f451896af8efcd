"""Kaplan et al. (2020): power laws in N, D and C, and their compute-optimal allocation.

Taught in the chapter *Kaplan scaling laws*.

Three things make these laws easy to misuse, and every function here states them:

* **N is non-embedding parameters** (Kaplan Eq. 2.1), unlike Chinchilla's N, which counts
  embeddings too.
* **Compute inside the laws is in PF-days** (1 PF-day = 10^15 × 24 × 3600 = 8.64×10^19 FLOP,
  Kaplan §1.3). Every function here takes ``flops`` in **FLOP** and converts with
  :data:`lessons.flops.PF_DAY`. Passing PF-days where FLOP are expected is refused when the value
  is below :data:`MIN_FLOPS`; a FLOP count passed where PF-days are meant cannot happen, because
  no function takes PF-days.
* The constants are tied to WebText2 and its tokenizer: "they do not have a fundamental
  meaning" (Kaplan §1.2).

The popular "N ≈ 10^15 at 10^21 FLOP" comes from computing (10^21)^0.73: the 1.3×10^9 prefactor
of Table 6 dropped and C left in FLOP. Done right, :func:`optimal_params` gives 7.8×10^9.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from ._validate import broadcast, output, positive, raw_count
from .chinchilla import FittedRange
from .flops import PF_DAY
from .sources import Cite

__all__ = [
    "FITTED_RANGE",
    "KAPLAN_2020",
    "KAPLAN_2020_TABLE3",
    "MIN_FLOPS",
    "MIN_RAW_COUNT",
    "PF_DAY",
    "KaplanLaws",
    "allocation_multipliers",
    "alpha_c_min_from_exponents",
    "critical_batch",
    "min_steps",
    "min_tokens",
    "loss",
    "loss_compute",
    "loss_params",
    "loss_tokens",
    "optimal_batch",
    "optimal_params",
    "optimal_steps",
    "optimal_tokens",
    "overfitting_threshold",
    "PEARCE_SONG_OMEGA",
    "PEARCE_SONG_OMEGA_CITE",
    "total_params",
]

#: Below this many parameters or tokens an input is taken for "billions" and refused.
#: Kaplan's smallest models have about 10^3 non-embedding parameters, hence not Chinchilla's 1e4.
MIN_RAW_COUNT = 1e3

#: Below this many FLOP a compute input is taken for PF-days (or a typo) and refused. Kaplan's
#: smallest runs used about 10^-8 PF-days ≈ 10^12 FLOP; no published run exceeds 10^10 PF-days.
MIN_FLOPS = 1e10


def _k(key: str, where: str, confidence: str = "READ") -> Cite:
    return Cite(key, where, confidence)


@dataclass(frozen=True)
class KaplanLaws:
    """The fitted constants of Kaplan et al. (2020), each with the place it is printed.

    Attributes
    ----------
    name : str
        Short name of the parameter set.
    alpha_n, n_c : float
        L(N) = (N_c/N)^α_N: exponent [dimensionless] and scale [non-embedding parameters].
    alpha_d, d_c : float
        L(D) = (D_c/D)^α_D: exponent [dimensionless] and scale [tokens].
    alpha_c_min, c_c_min : float
        L(C_min) = (C_c^min/C_min)^α_C^min: exponent [dimensionless] and scale [PF-days].
    alpha_c, c_c : float
        The same at fixed batch size ("naive"): exponent [dimensionless] and scale [PF-days].
    b_star, alpha_b : float
        B_crit(L) = B*/L^(1/α_B): scale [tokens] and exponent [dimensionless]. B* = 2×10^8 as
        printed in Eq. 1.4 and 5.3; Table 5 prints 2.1×10^8 (a 5 % difference).
    s_c, alpha_s : float
        Step term (S_c/S_min)^α_S of L(N, S): scale [steps] and exponent [dimensionless].
    n_opt_coef, n_opt_exp : float
        N_opt = n_opt_coef · C_min^n_opt_exp [non-embedding parameters; C_min in PF-days].
    b_opt_coef, b_opt_exp : float
        B = b_opt_coef · C_min^b_opt_exp [tokens; C_min in PF-days].
    s_opt_coef, s_opt_exp : float
        S_min = s_opt_coef · C_min^s_opt_exp [optimizer steps; C_min in PF-days].
    d_opt_coef, d_opt_exp : float
        D_opt = d_opt_coef · C_min^d_opt_exp [tokens; C_min in PF-days].
    overfit_coef, overfit_exp : float
        Overfitting is negligible while D ≳ overfit_coef · N^overfit_exp [tokens].
    cites : dict
        Attribute name -> :class:`~lessons.sources.Cite`.
    """

    name: str
    alpha_n: float
    n_c: float
    alpha_d: float
    d_c: float
    alpha_c_min: float
    c_c_min: float
    alpha_c: float
    c_c: float
    b_star: float
    alpha_b: float
    s_c: float
    alpha_s: float
    n_opt_coef: float
    n_opt_exp: float
    b_opt_coef: float
    b_opt_exp: float
    s_opt_coef: float
    s_opt_exp: float
    d_opt_coef: float
    d_opt_exp: float
    overfit_coef: float
    overfit_exp: float
    cites: dict = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        for name in self.__dataclass_fields__:
            if name not in ("name", "cites"):
                positive(f"KaplanLaws.{name}", getattr(self, name))


KAPLAN_2020 = KaplanLaws(
    "kaplan2020",
    alpha_n=0.076, n_c=8.8e13,
    alpha_d=0.095, d_c=5.4e13,
    alpha_c_min=0.050, c_c_min=3.1e8,
    alpha_c=0.057, c_c=1.6e7,
    b_star=2e8, alpha_b=0.21,
    s_c=2.1e3, alpha_s=0.76,
    n_opt_coef=1.3e9, n_opt_exp=0.73,
    b_opt_coef=2.0e6, b_opt_exp=0.24,
    s_opt_coef=5.4e3, s_opt_exp=0.03,
    d_opt_coef=2e10, d_opt_exp=0.27,
    overfit_coef=5e3, overfit_exp=0.74,
    cites={
        "alpha_n": _k("kaplan2020", "Eq. 1.1; App. A Table 5"),
        "n_c": _k("kaplan2020", "Eq. 1.1; Table 5 (non-embedding parameters)"),
        "alpha_d": _k("kaplan2020", "Eq. 1.2; Table 5"),
        "d_c": _k("kaplan2020", "Eq. 1.2; Table 5"),
        "alpha_c_min": _k("kaplan2020", "Eq. 1.3; Table 5 (empirical fit)"),
        "c_c_min": _k("kaplan2020", "Eq. 1.3; Table 5 (PF-days)"),
        "alpha_c": _k("kaplan2020", "Table 5 (fixed batch size)"),
        "c_c": _k("kaplan2020", "Table 5 (fixed batch size, PF-days)"),
        "b_star": _k("kaplan2020", "Eq. 1.4 and 5.3 (2e8); Table 5 prints 2.1e8"),
        "alpha_b": _k("kaplan2020", "Eq. 1.4 and 5.3; Table 5"),
        "s_c": _k("kaplan2020", "Eq. 1.6; Table 5"),
        "alpha_s": _k("kaplan2020", "Eq. 1.6; Table 5"),
        "n_opt_coef": _k("kaplan2020", "App. A Table 6"),
        "n_opt_exp": _k("kaplan2020", "§1.2, Eq. 6.1; Table 6"),
        "b_opt_coef": _k("kaplan2020", "App. A Table 6"),
        "b_opt_exp": _k("kaplan2020", "§1.2, Eq. 6.1; Table 6"),
        "s_opt_coef": _k("kaplan2020", "App. A Table 6"),
        "s_opt_exp": _k("kaplan2020", "§1.2, Eq. 6.2; Table 6"),
        "d_opt_coef": _k("kaplan2020", "App. A Table 6 (one epoch)"),
        "d_opt_exp": _k("kaplan2020", "Table 6 (p_D = 0.27)"),
        "overfit_coef": _k("kaplan2020", "Eq. 4.4"),
        "overfit_exp": _k("kaplan2020", "Eq. 4.4"),
    },
)

#: The refit of L(N, S) in Kaplan's Table 3 changes only α_N and N_c; it belongs with the
#: step term, so use it for L(N) comparisons, not as a new L(N, D).
KAPLAN_2020_TABLE3 = replace(
    KAPLAN_2020, name="kaplan2020_table3", alpha_n=0.077, n_c=6.5e13,
    cites={**KAPLAN_2020.cites,
           "alpha_n": _k("kaplan2020", "Table 3 (refit of L(N, S))"),
           "n_c": _k("kaplan2020", "Table 3 (refit of L(N, S))")},
)


#: Kaplan et al. fitted models of 768 to 1.5e9 non-embedding parameters; their N_opt beyond
#: that is an extrapolation (check with :func:`lessons.chinchilla.extrapolation`).
FITTED_RANGE = FittedRange(
    n_params=(768.0, 1.5e9),
    cite=Cite("kaplan2020", "§1 and Fig. 1: models from 768 to 1.5 billion non-embedding "
              "parameters", "SECONDARY"),
)


def _n(n_params, check_units: bool):
    if check_units:
        return raw_count("n_params", n_params, minimum=MIN_RAW_COUNT,
                         unit="non-embedding parameters", example="n_params=7e9 for 7B")
    return positive("n_params", n_params, unit="non-embedding parameters")


def _d(n_tokens, check_units: bool):
    if check_units:
        return raw_count("n_tokens", n_tokens, minimum=MIN_RAW_COUNT, unit="tokens",
                         example="n_tokens=3e11 for 300B tokens")
    return positive("n_tokens", n_tokens, unit="tokens")


def _c_min(flops, at_critical_batch: bool):
    """C_min in PF-days from a budget in FLOP; training at B_crit spends C = 2·C_min (§5.1)."""
    c = raw_count("flops", flops, minimum=MIN_FLOPS, unit="FLOP",
                  example="flops=1e21; PF-days must first be multiplied by PF_DAY = 8.64e19")
    pf_days = c / PF_DAY
    return pf_days / 2.0 if at_critical_batch else pf_days


def loss_params(n_params, laws: KaplanLaws = KAPLAN_2020, *, check_units: bool = True):
    """Loss of a model with N non-embedding parameters trained to convergence on ample data.

    Parameters
    ----------
    n_params : float or array_like
        Non-embedding parameters N [parameters, raw count; embeddings excluded].
    laws : KaplanLaws
        The constants (default :data:`KAPLAN_2020`).
    check_units : bool
        Refuse N below :data:`MIN_RAW_COUNT` (a count in billions). False only to show the mistake.

    Returns
    -------
    float or ndarray
        Test loss [nats/token, WebText2].

    Notes
    -----
    L(N) = (N_c/N)^α_N with α_N = 0.076, N_c = 8.8×10^13 (Kaplan Eq. 1.1). Doubling N multiplies
    L by 2^-0.076.

    References
    ----------
    Kaplan et al. (2020) Eq. 1.1, Table 5.

    Examples
    --------
    >>> round(loss_params(1e9), 3)
    2.376
    >>> round(loss_params(2e9) / loss_params(1e9), 3)   # the paper's "0.95" for doubling N
    0.949
    """
    n = _n(n_params, check_units)
    return output((laws.n_c / n) ** laws.alpha_n, n_params)


def loss_tokens(n_tokens, laws: KaplanLaws = KAPLAN_2020, *, check_units: bool = True):
    """Loss of a large model trained with early stopping on D tokens.

    Parameters
    ----------
    n_tokens : float or array_like
        Dataset size D [tokens, raw count].
    laws : KaplanLaws
        The constants (default :data:`KAPLAN_2020`).
    check_units : bool
        Refuse D below :data:`MIN_RAW_COUNT`.

    Returns
    -------
    float or ndarray
        Test loss [nats/token, WebText2].

    Notes
    -----
    L(D) = (D_c/D)^α_D with α_D = 0.095, D_c = 5.4×10^13 tokens (Kaplan Eq. 1.2).

    References
    ----------
    Kaplan et al. (2020) Eq. 1.2, Table 5.

    Examples
    --------
    >>> round(loss_tokens(2.29e10), 3)   # WebText2's size (§2.2)
    2.091
    """
    d = _d(n_tokens, check_units)
    return output((laws.d_c / d) ** laws.alpha_d, n_tokens)


def loss_compute(flops, laws: KaplanLaws = KAPLAN_2020, *, fixed_batch: bool = False):
    """Loss reachable with a compute budget, on the compute-efficient frontier.

    Parameters
    ----------
    flops : float or array_like
        Training compute [FLOP] (**not** PF-days; converted inside with ``PF_DAY``).
    laws : KaplanLaws
        The constants (default :data:`KAPLAN_2020`).
    fixed_batch : bool
        Use the "naive" fixed-batch fit α_C = 0.057, C_c = 1.6×10^7 PF-days instead of the
        C_min fit (Table 5).

    Returns
    -------
    float or ndarray
        Test loss [nats/token, WebText2].

    Notes
    -----
    L(C_min) = (C_c^min / C_min)^α_C^min with α_C^min = 0.050 and C_c^min = 3.1×10^8 PF-days,
    C_min = flops / 8.64×10^19 (Kaplan Eq. 1.3, §1.3).

    References
    ----------
    Kaplan et al. (2020) Eq. 1.3, Table 5.

    Examples
    --------
    >>> round(loss_compute(1e21), 3)
    2.352
    >>> loss_compute(11.57)          # PF-days where FLOP are expected
    Traceback (most recent call last):
    ...
    ValueError: flops=11.57 [FLOP] is implausibly small: it looks like a count in billions or millions. Pass raw counts, e.g. flops=1e21; PF-days must first be multiplied by PF_DAY = 8.64e19.
    """
    c = _c_min(flops, at_critical_batch=False)
    if fixed_batch:
        result = (laws.c_c / c) ** laws.alpha_c
    else:
        result = (laws.c_c_min / c) ** laws.alpha_c_min
    return output(result, flops)


def loss(n_params, n_tokens, laws: KaplanLaws = KAPLAN_2020, *, check_units: bool = True):
    """Loss of a model of N non-embedding parameters trained on D tokens (with early stopping).

    Parameters
    ----------
    n_params : float or array_like
        Non-embedding parameters N [parameters, raw count].
    n_tokens : float or array_like
        Dataset size D [tokens, raw count].
    laws : KaplanLaws
        The constants (default :data:`KAPLAN_2020`).
    check_units : bool
        Refuse N or D below :data:`MIN_RAW_COUNT`.

    Returns
    -------
    float or ndarray
        Test loss [nats/token, WebText2].

    Notes
    -----
    L(N, D) = [(N_c/N)^(α_N/α_D) + D_c/D]^α_D (Kaplan Eq. 1.5). It tends to L(N) as D → ∞ and to
    L(D) as N → ∞.

    References
    ----------
    Kaplan et al. (2020) Eq. 1.5, §4.

    Examples
    --------
    >>> round(loss(1e9, 2.29e10), 3)
    2.429
    >>> round(loss(1e9, 1e30), 3) == round(loss_params(1e9), 3)
    True
    """
    n = _n(n_params, check_units)
    d = _d(n_tokens, check_units)
    n, d = broadcast(n_params=n, n_tokens=d)
    result = ((laws.n_c / n) ** (laws.alpha_n / laws.alpha_d) + laws.d_c / d) ** laws.alpha_d
    return output(result, n_params, n_tokens)


def critical_batch(loss, laws: KaplanLaws = KAPLAN_2020):
    """Critical batch size at a given loss: the batch beyond which data parallelism stops paying.

    Parameters
    ----------
    loss : float or array_like
        Training loss reached [nats/token, WebText2].
    laws : KaplanLaws
        The constants (default :data:`KAPLAN_2020`: B* = 2×10^8 tokens, α_B = 0.21).

    Returns
    -------
    float or ndarray
        B_crit [tokens].

    Notes
    -----
    B_crit(L) = B* / L^(1/α_B) (Kaplan Eq. 1.4, 5.3). Table 5 prints B* = 2.1×10^8 instead of
    the 2×10^8 of the equations; pass ``dataclasses.replace(KAPLAN_2020, b_star=2.1e8)`` to use it.

    References
    ----------
    Kaplan et al. (2020) Eq. 1.4, 5.3, Table 5.

    Examples
    --------
    >>> f"{critical_batch(3.0):.3g}"
    '1.07e+06'
    """
    value = positive("loss", loss, unit="nats/token")
    return output(laws.b_star / value ** (1.0 / laws.alpha_b), loss)


def min_steps(n_steps, batch_tokens, loss, laws: KaplanLaws = KAPLAN_2020):
    """Fewest optimizer steps that could reach a loss, given the steps taken at a batch size [steps].

    Parameters
    ----------
    n_steps : float or array_like
        Steps S actually taken at batch size B [steps].
    batch_tokens : float or array_like
        Batch size B [tokens per step].
    loss : float or array_like
        Loss reached, which sets B_crit [nats/token, WebText2].
    laws : KaplanLaws
        The constants.

    Returns
    -------
    float or ndarray
        S_min = S / (1 + B_crit(L)/B) [steps]: the steps needed with an infinitely large batch.

    Notes
    -----
    Kaplan Eq. 5.4 (after McCandlish et al. 2018): (S/S_min − 1)(E/E_min − 1) = 1 with E = B·S.
    At B = B_crit both S = 2·S_min and E = 2·E_min: training at the critical batch spends twice the
    minimum steps and twice the minimum data (and so compute), Kaplan §5.1.

    References
    ----------
    Kaplan et al. (2020) §5.1, Eq. 5.4.

    Examples
    --------
    >>> b = critical_batch(3.0)
    >>> min_steps(1e5, b, 3.0)       # at the critical batch: half the steps taken
    50000.0
    """
    s = positive("n_steps", n_steps, unit="steps")
    b = positive("batch_tokens", batch_tokens, unit="tokens")
    b_crit = np.asarray(critical_batch(loss, laws))
    s, b, b_crit = broadcast(n_steps=s, batch_tokens=b, loss=b_crit)
    return output(s / (1.0 + b_crit / b), n_steps, batch_tokens, loss)


def min_tokens(n_tokens, batch_tokens, loss, laws: KaplanLaws = KAPLAN_2020):
    """Fewest training tokens that could reach a loss, given the tokens used at a batch size [tokens].

    Parameters
    ----------
    n_tokens : float or array_like
        Tokens E = B·S actually processed at batch size B [tokens].
    batch_tokens : float or array_like
        Batch size B [tokens per step].
    loss : float or array_like
        Loss reached, which sets B_crit [nats/token, WebText2].
    laws : KaplanLaws
        The constants.

    Returns
    -------
    float or ndarray
        E_min = E / (1 + B/B_crit(L)) [tokens]: the tokens needed with a very small batch.

    Notes
    -----
    Kaplan Eq. 5.4: (S/S_min − 1)(E/E_min − 1) = 1. Small batches waste no data but take many
    steps; large ones take few steps but waste data. B_crit balances the two.

    References
    ----------
    Kaplan et al. (2020) §5.1, Eq. 5.4.

    Examples
    --------
    >>> b = critical_batch(3.0)
    >>> round(min_tokens(2e11, b, 3.0) / 1e11, 6)    # at the critical batch: half the tokens
    1.0
    """
    e = positive("n_tokens", n_tokens, unit="tokens")
    b = positive("batch_tokens", batch_tokens, unit="tokens")
    b_crit = np.asarray(critical_batch(loss, laws))
    e, b, b_crit = broadcast(n_tokens=e, batch_tokens=b, loss=b_crit)
    return output(e / (1.0 + b / b_crit), n_tokens, batch_tokens, loss)


def _allocation(flops, coef, exp, at_critical_batch):
    return coef * _c_min(flops, at_critical_batch) ** exp


def optimal_params(flops, at_critical_batch: bool = False, laws: KaplanLaws = KAPLAN_2020):
    """Kaplan's compute-optimal model size for a training budget.

    Parameters
    ----------
    flops : float or array_like
        Training compute C [FLOP] (**not** PF-days).
    at_critical_batch : bool
        False: treat the whole budget as C_min. True: training runs at B_crit, which spends
        C = 2·C_min (Kaplan §5.1, Eq. 6.7), so the laws see C_min = C/2.
    laws : KaplanLaws
        The constants (default :data:`KAPLAN_2020`).

    Returns
    -------
    float or ndarray
        N_opt [non-embedding parameters].

    Notes
    -----
    N_opt = 1.3×10^9 · C_min^0.73 with C_min in PF-days (Kaplan Table 6; N ∝ C^0.73, Eq. 6.1).
    At 10^21 FLOP with ``at_critical_batch=True`` this is the "4.68 billion" that Hoffmann et al.
    (2022, App. D.4) quote for Kaplan. Forgetting the prefactor and the PF-day conversion gives
    (10^21)^0.73 ≈ 2×10^15, a popular wrong answer.

    References
    ----------
    Kaplan et al. (2020) Table 6, §5.1, §6; Hoffmann et al. (2022) App. D.4.

    Examples
    --------
    >>> f"{optimal_params(1e21):.3g}"
    '7.77e+09'
    >>> f"{optimal_params(1e21, at_critical_batch=True):.3g}"
    '4.68e+09'
    """
    return output(_allocation(flops, laws.n_opt_coef, laws.n_opt_exp, at_critical_batch), flops)


def optimal_tokens(flops, at_critical_batch: bool = False, laws: KaplanLaws = KAPLAN_2020):
    """Kaplan's compute-optimal number of training tokens (one epoch) for a budget.

    Parameters
    ----------
    flops : float or array_like
        Training compute C [FLOP] (**not** PF-days).
    at_critical_batch : bool
        True: C_min = C/2 (training at B_crit, Kaplan §5.1).
    laws : KaplanLaws
        The constants (default :data:`KAPLAN_2020`).

    Returns
    -------
    float or ndarray
        D_opt [tokens].

    Notes
    -----
    D_opt = 2×10^10 · C_min^0.27 with C_min in PF-days (Kaplan Table 6). Because Table 6's D is
    B·S with S = 2·S_min, the pair (N_opt, D_opt) satisfies 6·N·D ≈ C only with
    ``at_critical_batch=True``; with C_min = C, 6·N·D overshoots the budget (see Examples).

    References
    ----------
    Kaplan et al. (2020) Table 6, §1.2.

    Examples
    --------
    >>> f"{optimal_tokens(1e21):.3g}"
    '3.87e+10'
    >>> ratio = lambda crit: 6 * optimal_params(1e21, crit) * optimal_tokens(1e21, crit) / 1e21
    >>> f"{ratio(False):.2f} {ratio(True):.2f}"
    '1.81 0.90'
    """
    return output(_allocation(flops, laws.d_opt_coef, laws.d_opt_exp, at_critical_batch), flops)


def optimal_batch(flops, at_critical_batch: bool = False, laws: KaplanLaws = KAPLAN_2020):
    """Kaplan's batch size for compute-optimal training at a budget.

    Parameters
    ----------
    flops : float or array_like
        Training compute C [FLOP] (**not** PF-days).
    at_critical_batch : bool
        True: C_min = C/2 (training at B_crit, Kaplan §5.1).
    laws : KaplanLaws
        The constants (default :data:`KAPLAN_2020`).

    Returns
    -------
    float or ndarray
        B [tokens per optimizer step].

    Notes
    -----
    B = 2.0×10^6 · C_min^0.24 with C_min in PF-days (Kaplan Table 6; B ∝ C^0.24).

    References
    ----------
    Kaplan et al. (2020) Table 6, Eq. 6.1.

    Examples
    --------
    >>> f"{optimal_batch(1e21):.3g}"
    '3.6e+06'
    """
    return output(_allocation(flops, laws.b_opt_coef, laws.b_opt_exp, at_critical_batch), flops)


def optimal_steps(flops, at_critical_batch: bool = False, laws: KaplanLaws = KAPLAN_2020):
    """Kaplan's number of optimizer steps for compute-optimal training at a budget.

    Parameters
    ----------
    flops : float or array_like
        Training compute C [FLOP] (**not** PF-days).
    at_critical_batch : bool
        False: S_min at C_min = C. True: training at B_crit with C_min = C/2, which takes
        S = 2·S_min steps (Kaplan §5.1, Eq. 6.7).
    laws : KaplanLaws
        The constants (default :data:`KAPLAN_2020`).

    Returns
    -------
    float or ndarray
        Optimizer steps [steps].

    Notes
    -----
    S_min = 5.4×10^3 · C_min^0.03 with C_min in PF-days (Kaplan Table 6; S ∝ C^0.03). At B_crit,
    S = 2·S_min, and then B·S is close to Table 6's D_opt (D = B·S, §1.2).

    References
    ----------
    Kaplan et al. (2020) Table 6, Eq. 6.2, Eq. 6.7.

    Examples
    --------
    >>> f"{optimal_steps(1e21):.3g}"
    '5.81e+03'
    >>> f"{optimal_steps(1e21, at_critical_batch=True):.3g}"
    '1.14e+04'
    """
    s = _allocation(flops, laws.s_opt_coef, laws.s_opt_exp, at_critical_batch)
    return output(2.0 * s if at_critical_batch else s, flops)


def overfitting_threshold(n_params, laws: KaplanLaws = KAPLAN_2020, *, check_units: bool = True):
    """Tokens above which a model of N non-embedding parameters barely overfits.

    Parameters
    ----------
    n_params : float or array_like
        Non-embedding parameters N [parameters, raw count].
    laws : KaplanLaws
        The constants (default :data:`KAPLAN_2020`).
    check_units : bool
        Refuse N below :data:`MIN_RAW_COUNT`.

    Returns
    -------
    float or ndarray
        D such that training on at least this many tokens keeps the overfitting penalty
        small [tokens].

    Notes
    -----
    D ≳ (5×10^3) · N^0.74 (Kaplan Eq. 4.4).

    References
    ----------
    Kaplan et al. (2020) Eq. 4.4, §4.

    Examples
    --------
    >>> f"{overfitting_threshold(1e9):.3g}"
    '2.29e+10'
    """
    n = _n(n_params, check_units)
    return output(laws.overfit_coef * n**laws.overfit_exp, n_params)


def alpha_c_min_from_exponents(laws: KaplanLaws = KAPLAN_2020) -> float:
    """The compute exponent implied by the N, B and S exponents.

    Parameters
    ----------
    laws : KaplanLaws
        The constants (default :data:`KAPLAN_2020`) [dimensionless exponents].

    Returns
    -------
    float
        α_C^min predicted from α_S, α_B and α_N [dimensionless]; compare the fitted 0.050.

    Notes
    -----
    α_C^min = 1 / (1/α_S + 1/α_B + 1/α_N) (Kaplan Eq. 1.8, B.7: "≈ 0.052"; the transcription of
    Eq. 6.4 shows 0.054).

    References
    ----------
    Kaplan et al. (2020) Eq. 1.8, Eq. B.7.

    Examples
    --------
    >>> round(alpha_c_min_from_exponents(), 3)
    0.052
    """
    return float(1.0 / (1.0 / laws.alpha_s + 1.0 / laws.alpha_b + 1.0 / laws.alpha_n))


def allocation_multipliers(factor=10.0, laws: KaplanLaws = KAPLAN_2020):
    """How much N and D grow when the compute budget is multiplied by ``factor``.

    Parameters
    ----------
    factor : float or array_like
        Compute multiplier [dimensionless], e.g. 10 for ten times the budget.
    laws : KaplanLaws
        The constants (default :data:`KAPLAN_2020`).

    Returns
    -------
    (n_factor, d_factor) : tuple
        Multipliers of N_opt and D_opt [dimensionless].

    Notes
    -----
    N ∝ C^0.73 and D ∝ C^0.27 (Kaplan §1.2, Table 6), so ×10 compute gives N ×10^0.73 and
    D ×10^0.27. Hoffmann et al. quote these as "5.5× and 1.8×"; Chinchilla's own rule gives
    about ×3.2 each.

    References
    ----------
    Kaplan et al. (2020) Table 6; Hoffmann et al. (2022) §1.

    Examples
    --------
    >>> n, d = allocation_multipliers(10)
    >>> f"{n:.2f} {d:.2f}"
    '5.37 1.86'
    """
    f = positive("factor", factor, unit="dimensionless")
    n = output(f**laws.n_opt_exp, factor)
    d = output(f**laws.d_opt_exp, factor)
    return n, d



#: ω of N_T = N_\E + ω·N_\E^(1/3), fitted by Pearce & Song (2024) to Chinchilla's model
#: configurations [parameters^(2/3)]: the embeddings of a 32k vocabulary at their aspect ratio.
PEARCE_SONG_OMEGA = 47491
PEARCE_SONG_OMEGA_CITE = Cite("pearce2024", "script_analysis_kaplan_chinchilla.py, lines 14-18 "
                              "and 75-76 (γ = 47491; vocabulary 32,000, d/L = 39.2)")


def total_params(n_non_embedding, omega=PEARCE_SONG_OMEGA):
    """Total parameters of a model from its non-embedding count, on Chinchilla's shapes [parameters].

    Parameters
    ----------
    n_non_embedding : float or array_like
        N_\\E, Kaplan's count: parameters outside the embeddings [parameters].
    omega : float
        ω [parameters^(2/3)]; default Pearce & Song's 47,491.

    Returns
    -------
    float or numpy.ndarray
        N_T = N_\\E + ω·N_\\E^(1/3) [parameters], embeddings included as Chinchilla counts.

    Notes
    -----
    With N_\\E = 12·n_layer·d² and a fixed aspect ratio A = d/n_layer, d = (A·N_\\E/12)^(1/3),
    and a vocabulary of V tokens adds V·d = ω·N_\\E^(1/3) with ω = V·(A/12)^(1/3). Pearce & Song
    fit ω = 47,491 to Chinchilla's model configurations (V = 32,000, A ≈ 39.2). The embedding
    share, ω·N_\\E^(−2/3), is large for small models and vanishes for large ones: the root of
    the gap between Kaplan's exponent and Chinchilla's.

    References
    ----------
    Pearce & Song (2024), Eq. for N_T and their analysis script; Kaplan et al. (2020) Eq. 2.1.

    Examples
    --------
    >>> f"{total_params(1e6):.3g}, {total_params(1e9):.3g}"   # a 1M model is mostly embedding
    '5.75e+06, 1.05e+09'
    """
    n = _n(n_non_embedding, check_units=True)
    w = positive("omega", omega, unit="parameters^(2/3)", allow_zero=True)
    return output(n + w * np.cbrt(n), n_non_embedding, omega)
