"""Overtraining and inference-aware sizing: tokens per parameter, and the lifetime optimum.

Taught in the chapter *Overtraining and inference-aware sizing*.

A model is "overtrained" when it sees more tokens per parameter than the compute-optimal
allocation would give it. That costs training compute but buys a smaller model that is cheaper
to serve. Sardana et al. (2024) make the trade explicit: for a target loss ℓ and an expected
lifetime inference demand D_inf, choose (N, D) with L̂(N, D) = ℓ that minimises

    training + inference FLOPs = 6·N·D + 2·N·D_inf.

With no inference this is the Chinchilla optimum; with enough inference the optimum moves to
smaller N and more tokens.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from ._table import html_table, text_table
from ._validate import broadcast, output, positive, raw_count
from .batch import deepseek_optimal
from .chinchilla import (
    BESIROGLU_2024,
    CHINCHILLA_TOKENS_PER_PARAM,
    LLAMA3_TOKEN_LAW,
    LLAMA3_TOKEN_LAW_ROUNDED,
    MIN_RAW_COUNT,
    Fit,
    compute_optimal,
    get_fit,
    loss,
)
from .flops import inference_flops, training_flops
from .kaplan import optimal_params as kaplan_params
from .kaplan import optimal_tokens as kaplan_tokens
from .models import MODELS
from .returns import allocation_for_loss
from .sources import Cite

__all__ = [
    "LifetimeComparison",
    "RatioRow",
    "RatioTable",
    "chinchilla_multiple",
    "lifetime_flops",
    "lifetime_optimal",
    "lifetime_savings",
    "lifetime_tangency",
    "min_params_for_loss",
    "optimal_tokens_for_params",
    "ratio_table",
    "tokens_for_loss",
    "tokens_per_param",
    "NANOCHAT_RATIOS",
    "NanochatRatio",
    "law_tokens_per_param",
    "ALLOCATION_EXPONENTS",
    "AllocationExponents",
    "LLAMA3_REPORTED",
    "ReportedAllocation",
    "ratio_growth_per_decade",
]


def _n(n_params):
    return raw_count("n_params", n_params, minimum=MIN_RAW_COUNT, unit="parameters",
                     example="n_params=7e10 for a 70B model")


def _reachable(name: str, loss, f: Fit) -> np.ndarray:
    """A target loss [nats/token], refused at or below the fit's irreducible loss E."""
    ell = positive(name, loss, unit="nats/token")
    if np.any(ell <= f.E):
        first = float(ell[ell <= f.E].flat[0] if ell.ndim else ell)
        raise ValueError(f"{name}={first!r} [nats/token] is at or below the irreducible loss "
                         f"E={f.E:g} of fit {f.name!r}; no model reaches it. Pass a loss above "
                         f"{f.E:g}.")
    return ell


def _d(n_tokens, name="n_tokens"):
    return raw_count(name, n_tokens, minimum=MIN_RAW_COUNT, unit="tokens",
                     example=f"{name}=1.4e12 for 1.4T tokens")


def tokens_per_param(n_params, n_tokens):
    """Training tokens per parameter, D/N [tokens/parameter].

    Parameters
    ----------
    n_params : float or array_like
        Parameters N [parameters, raw count]. For a mixture of experts, say whether this is
        the total or the active count: the ratio differs by the sparsity factor.
    n_tokens : float or array_like
        Training tokens D [tokens, raw count].

    Notes
    -----
    D/N. Chinchilla itself has 1.4e12/7e10 = 20 (Hoffmann et al. 2022, Table 1).

    References
    ----------
    Hoffmann et al. (2022) Table 1; course fact sheet §9.

    Examples
    --------
    >>> tokens_per_param(8e9, 15e12)            # Llama 3 8B
    1875.0
    >>> round(tokens_per_param(37e9, 14.8e12))  # DeepSeek-V3 on *active* parameters
    400
    """
    n, d = broadcast(n_params=_n(n_params), n_tokens=_d(n_tokens))
    return output(d / n, n_params, n_tokens)


def chinchilla_multiple(n_params, n_tokens):
    """Tokens per parameter as a multiple of Chinchilla's 20 [dimensionless].

    Parameters
    ----------
    n_params : float or array_like
        Parameters N [parameters, raw count].
    n_tokens : float or array_like
        Training tokens D [tokens, raw count].

    Notes
    -----
    (D/N) / 20, where 20 = :data:`lessons.chinchilla.CHINCHILLA_TOKENS_PER_PARAM`, the ratio of
    Chinchilla itself. A value above 1 is "overtrained" relative to that rule of thumb.

    References
    ----------
    Hoffmann et al. (2022) Table 1.

    Examples
    --------
    >>> round(chinchilla_multiple(8e9, 15e12), 1)   # Llama 3 8B: ~94x Chinchilla's ratio
    93.8
    """
    return output(np.asarray(tokens_per_param(n_params, n_tokens)) / CHINCHILLA_TOKENS_PER_PARAM,
                  n_params, n_tokens)


def optimal_tokens_for_params(n_params, fit: Fit | str = BESIROGLU_2024):
    """The token count for which ``n_params`` is the compute-optimal size [tokens].

    "A Chinchilla-optimal 13B model" means the N = 1.3e10 that
    :func:`lessons.chinchilla.compute_optimal` picks at some budget C; this returns that
    budget's D.

    Parameters
    ----------
    n_params : float or array_like
        Parameters N [parameters, raw count].
    fit : Fit or str
        The fitted Chinchilla constants (default: the 2024 replication).

    Notes
    -----
    Inverting N_opt = G·(C/6)^a gives C/6 = (N/G)^(1/a), and D = (C/6)/N
    (Hoffmann et al. 2022, Eq. 4).

    References
    ----------
    Hoffmann et al. (2022) Eq. 4; Sardana et al. (2024) Fig. 1.

    Examples
    --------
    >>> f"{optimal_tokens_for_params(13e9, 'hoffmann2022_tex'):.3g}"   # FACTS §5: 617B
    '6.17e+11'
    """
    f = get_fit(fit)
    n = _n(n_params)
    return output((n / f.G) ** (1.0 / f.a) / n, n_params)


def lifetime_flops(n_params, n_tokens, inference_tokens=0.0):
    """Training plus lifetime inference compute of a model [FLOP].

    Parameters
    ----------
    n_params : float or array_like
        Parameters N [parameters, raw count].
    n_tokens : float or array_like
        Training tokens D_tr [tokens, raw count].
    inference_tokens : float or array_like
        Tokens processed at inference over the model's life, D_inf [tokens]; 0 allowed.

    Notes
    -----
    6·N·D_tr + 2·N·D_inf: :func:`lessons.flops.training_flops` plus
    :func:`lessons.flops.inference_flops` (Sardana et al. 2024; attention ignored).

    References
    ----------
    Sardana et al. (2024) §2; Kaplan et al. (2020) §2.1.

    Examples
    --------
    >>> f"{lifetime_flops(13e9, 617e9, 2e12):.3g}"   # FACTS §5
    '1e+23'
    """
    n, d = _n(n_params), _d(n_tokens)
    d_inf = positive("inference_tokens", inference_tokens, unit="tokens", allow_zero=True)
    n, d, d_inf = broadcast(n_params=n, n_tokens=d, inference_tokens=d_inf)
    serve = np.zeros_like(n)
    used = d_inf > 0  # inference_flops takes only positive token counts
    if np.any(used):
        serve[used] = inference_flops(n[used], d_inf[used])
    total = np.asarray(training_flops(n, d)) + serve
    return output(total, n_params, n_tokens, inference_tokens)


def tokens_for_loss(n_params, target_loss, fit: Fit | str = BESIROGLU_2024):
    """Training tokens a model of fixed size needs to reach a target loss [tokens].

    Parameters
    ----------
    n_params : float or array_like
        Parameters N [parameters, raw count].
    target_loss : float or array_like
        The loss to reach [nats/token].
    fit : Fit or str
        The fitted Chinchilla constants.

    Returns
    -------
    float or ndarray
        D such that L̂(N, D) = target_loss [tokens].

    Raises
    ------
    ValueError
        If target_loss ≤ E + A/N^α, the loss of N parameters trained on infinite data.

    Notes
    -----
    Solving E + A/N^α + B/D^β = ℓ for D: D = (B / (ℓ − E − A/N^α))^(1/β).

    References
    ----------
    Hoffmann et al. (2022) Eq. 2; Sardana et al. (2024) §2.

    Examples
    --------
    >>> ell = loss(7e10, 1.4e12, "hoffmann2022")                 # Chinchilla: 1.937
    >>> f"{tokens_for_loss(7e10, ell, 'hoffmann2022'):.3g}"      # its 1.4T tokens back
    '1.4e+12'
    >>> tokens_for_loss(1e9, 1.9, "hoffmann2022")
    Traceback (most recent call last):
    ...
    ValueError: target_loss=1.9 [nats/token] is out of reach for n_params=1e+09 under fit 'hoffmann2022': even infinite data gives E + A/N^alpha = 2.044. Pass a loss above that or a larger model.
    """
    f = get_fit(fit)
    n = _n(n_params)
    ell = positive("target_loss", target_loss, unit="nats/token")
    n, ell = broadcast(n_params=n, target_loss=ell)
    floor = f.E + f.A / n**f.alpha
    short = ell <= floor
    if np.any(short):
        i = np.flatnonzero(short.ravel())[0]
        raise ValueError(
            f"target_loss={float(ell.flat[i])!r} [nats/token] is out of reach for "
            f"n_params={float(n.flat[i]):g} under fit {f.name!r}: even infinite data gives "
            f"E + A/N^alpha = {float(floor.flat[i]):.4g}. Pass a loss above that or a larger model."
        )
    d = (f.B / (ell - floor)) ** (1.0 / f.beta)
    return output(d, n_params, target_loss)


def lifetime_tangency(n_params, n_tokens, inference_tokens, fit: Fit | str = BESIROGLU_2024):
    """How far (N, D) is from the lifetime optimum of its own loss, as a log-ratio [1].

    Zero exactly where (N, D) is the lifetime-optimal model for the loss L̂(N, D) it reaches and
    the demand D_inf; positive where N is too small for that, negative where it is too large.

    Parameters
    ----------
    n_params : float
        Parameters N [parameters, raw count].
    n_tokens : float
        Training tokens D [tokens, raw count].
    inference_tokens : float
        Lifetime inference demand D_inf [tokens]; 0 allowed.
    fit : Fit or str
        The fitted Chinchilla constants.

    Returns
    -------
    float
        ln r − ln(1 + D_inf/(3D)), with r = αA N^−α / (βB D^−β) [dimensionless].

    Notes
    -----
    Minimising 6ND + 2N·D_inf on the curve L̂(N, D) = ℓ (a Lagrangian, as for Eq. 4 of Hoffmann
    et al.) gives (6D + 2D_inf)·βB/D^β = 6D·αA/N^α, i.e. r = 1 + D_inf/(3D). With D_inf = 0 it
    is the compute-optimal balance αA/N^α = βB/D^β. Along a curve of constant loss, and along
    one of constant compute 6ND = C, the expression falls strictly as N grows, so its one zero
    is found by bracketing (:func:`lifetime_optimal`, :func:`lessons.budget.inference_allocation`).

    References
    ----------
    Sardana et al. (2024) §2; Hoffmann et al. (2022) Eq. 4.

    Examples
    --------
    >>> from lessons.chinchilla import compute_optimal
    >>> n, d = compute_optimal(1e23)
    >>> abs(lifetime_tangency(n, d, 0.0)) < 1e-12
    True
    >>> bool(lifetime_tangency(n, d, 1e13) < 0)    # with inference demand, n is too large
    True
    """
    f = get_fit(fit)
    n = float(_n(n_params))
    d = float(_d(n_tokens))
    d_inf = float(positive("inference_tokens", inference_tokens, unit="tokens", allow_zero=True))
    log_r = (math.log(f.alpha * f.A) - f.alpha * math.log(n)
             - math.log(f.beta * f.B) + f.beta * math.log(d))
    return log_r - math.log1p(d_inf / (3.0 * d))


def min_params_for_loss(target_loss, fit: Fit | str = BESIROGLU_2024):
    """The smallest model that can reach a loss at all, trained on infinite data [parameters].

    Parameters
    ----------
    target_loss : float
        The loss to reach [nats/token]; must exceed the fit's E.
    fit : Fit or str
        The fitted Chinchilla constants.

    Returns
    -------
    float
        N_floor = (A / (ℓ − E))^(1/α) [parameters]; any N at or below it needs D → ∞.

    Notes
    -----
    L̂(N, D) → E + A/N^α as D → ∞, so L̂ = ℓ needs A/N^α < ℓ − E (Hoffmann et al. 2022, Eq. 2).

    References
    ----------
    Hoffmann et al. (2022) Eq. 2; Sardana et al. (2024) §2.

    Examples
    --------
    >>> f"{min_params_for_loss(2.0, 'besiroglu2024'):.3g}"
    '6.86e+09'
    """
    f = get_fit(fit)
    ell = float(_reachable("target_loss", target_loss, f))
    return (f.A / (ell - f.E)) ** (1.0 / f.alpha)


def _lifetime_optimum(ell: float, d_inf: float, f: Fit) -> tuple[float, float]:
    """Scalar core of :func:`lifetime_optimal`: the zero of the tangency condition in u = ln N."""
    n_frontier, _ = allocation_for_loss(ell, f)          # the optimum when d_inf = 0
    if d_inf == 0:
        return n_frontier, float(tokens_for_loss(n_frontier, ell, f))
    n_floor = min_params_for_loss(ell, f)   # infinite data: no smaller N reaches ell

    def excess(u: float) -> float:
        # lifetime_tangency along L̂ = ℓ, written in logs: D overflows near the floor.
        reducible = ell - f.E - f.A * math.exp(-f.alpha * u)    # = B/D^β
        log_d = (math.log(f.B) - math.log(reducible)) / f.beta
        log_r = math.log(f.alpha * f.A) - f.alpha * u - math.log(f.beta * reducible)
        return log_r - math.log1p(d_inf / 3.0 * math.exp(-log_d))

    # At the frontier r = 1, so excess < 0; just above the floor D → ∞ and r → ∞, so excess > 0.
    u = brentq(excess, math.log(n_floor) + 1e-9, math.log(n_frontier), xtol=1e-14,
               rtol=4 * np.finfo(float).eps)
    n = math.exp(u)
    return n, float(tokens_for_loss(n, ell, f))


def lifetime_optimal(target_loss, inference_tokens=0.0, fit: Fit | str = BESIROGLU_2024):
    """Size and data that reach a loss with the least training + inference compute.

    Parameters
    ----------
    target_loss : float or array_like
        The loss to reach [nats/token]; must exceed the fit's E.
    inference_tokens : float or array_like
        Expected lifetime inference demand D_inf [tokens]; 0 gives the Chinchilla optimum.
    fit : Fit or str
        The fitted Chinchilla constants.

    Returns
    -------
    (n_params, n_tokens) : tuple
        N* [parameters] and D_tr* [tokens] with L̂(N*, D_tr*) = target_loss.

    Notes
    -----
    (N*, D_tr*) = argmin 6·N·D_tr + 2·N·D_inf  subject to  L̂(N, D_tr) = ℓ
    (Sardana et al. 2024). There is no closed form (the paper uses Newton's method). The
    optimum is where :func:`lifetime_tangency` is zero; with D_tr = :func:`tokens_for_loss` (N)
    that is one equation in ln N, falling strictly from the infinite-data size N_floor (where
    D_tr → ∞) to the compute-optimal size (where it is ≤ 0), solved there by Brent's method to
    machine precision (a minimiser of the FLOPs themselves stops at about 1e-8 relative, the
    square root of the float spacing, too coarse for the site's 1e-9 comparison).

    References
    ----------
    Sardana, Portes, Doubov, Frankle (2024), Beyond Chinchilla-Optimal, §2 and Fig. 1.

    Examples
    --------
    >>> ell = loss(13e9, optimal_tokens_for_params(13e9, "hoffmann2022_tex"), "hoffmann2022_tex")
    >>> n, d = lifetime_optimal(ell, 2e12, "hoffmann2022_tex")   # FACTS §5: ~7.1B
    >>> f"{n:.2g} {d:.3g}"
    '7.1e+09 1.3e+12'
    """
    f = get_fit(fit)
    ell = _reachable("target_loss", target_loss, f)
    d_inf = positive("inference_tokens", inference_tokens, unit="tokens", allow_zero=True)
    ell, d_inf = broadcast(target_loss=ell, inference_tokens=d_inf)
    n = np.empty(ell.shape)
    d = np.empty(ell.shape)
    for idx in np.ndindex(ell.shape):
        n[idx], d[idx] = _lifetime_optimum(float(ell[idx]), float(d_inf[idx]), f)
    return output(n, target_loss, inference_tokens), output(d, target_loss, inference_tokens)


@dataclass(frozen=True)
class LifetimeComparison:
    """A compute-optimal model against the lifetime optimum at the same loss.

    Attributes
    ----------
    fit : str
        Name of the Chinchilla fit used.
    inference_tokens : float
        Lifetime inference demand [tokens].
    target_loss : float
        The loss both models reach [nats/token].
    n_params, n_tokens, flops : float
        The compute-optimal model [parameters], [tokens], its lifetime compute [FLOP].
    optimal_n_params, optimal_n_tokens, optimal_flops : float
        The lifetime-optimal model [parameters], [tokens], its lifetime compute [FLOP].
    """

    fit: str
    inference_tokens: float
    target_loss: float
    n_params: float
    n_tokens: float
    flops: float
    optimal_n_params: float
    optimal_n_tokens: float
    optimal_flops: float

    @property
    def saved_flops(self) -> float:
        """Lifetime compute saved by the smaller, longer-trained model [FLOP]."""
        return self.flops - self.optimal_flops

    @property
    def saved_fraction(self) -> float:
        """Saved compute as a fraction of the compute-optimal model's lifetime compute [1]."""
        return self.saved_flops / self.flops

    def __str__(self) -> str:
        return (
            f"fit {self.fit}, {self.inference_tokens:.3g} inference tokens, loss "
            f"{self.target_loss:.4f}\n"
            f"  compute-optimal: N={self.n_params:.3g}, D={self.n_tokens:.3g}, "
            f"lifetime {self.flops:.3g} FLOP\n"
            f"  lifetime-optimal: N={self.optimal_n_params:.3g}, D={self.optimal_n_tokens:.3g}, "
            f"lifetime {self.optimal_flops:.3g} FLOP\n"
            f"  saved {self.saved_flops:.3g} FLOP ({100 * self.saved_fraction:.1f} %)"
        )


def lifetime_savings(n_params, inference_tokens, fit: Fit | str = BESIROGLU_2024
                     ) -> LifetimeComparison:
    """Compare a compute-optimal model of size N with the lifetime optimum at its loss.

    Parameters
    ----------
    n_params : float
        Size of the compute-optimal model [parameters, raw count].
    inference_tokens : float
        Lifetime inference demand [tokens].
    fit : Fit or str
        The fitted Chinchilla constants.

    Returns
    -------
    LifetimeComparison
        Both models, their lifetime FLOPs, and the saving.

    Notes
    -----
    D = :func:`optimal_tokens_for_params` (N); ℓ = L̂(N, D); the alternative is
    :func:`lifetime_optimal` (ℓ, D_inf); both costed with :func:`lifetime_flops`.

    References
    ----------
    Sardana et al. (2024) Fig. 1 (13B model, 2T inference tokens: "1.7e22 FLOPs (17%)").

    Examples
    --------
    >>> s = lifetime_savings(13e9, 2e12, "hoffmann2022_tex")   # FACTS §5
    >>> f"{s.saved_flops:.3g} {100 * s.saved_fraction:.1f}"
    '1.63e+22 16.3'
    """
    f = get_fit(fit)
    n = float(_n(n_params))
    d_inf = float(positive("inference_tokens", inference_tokens, unit="tokens", allow_zero=True))
    d = float(optimal_tokens_for_params(n, f))
    ell = float(loss(n, d, f))
    n_star, d_star = lifetime_optimal(ell, d_inf, f)
    return LifetimeComparison(
        fit=f.name, inference_tokens=d_inf, target_loss=ell,
        n_params=n, n_tokens=d, flops=float(lifetime_flops(n, d, d_inf)),
        optimal_n_params=n_star, optimal_n_tokens=d_star,
        optimal_flops=float(lifetime_flops(n_star, d_star, d_inf)),
    )


# --- published runs -------------------------------------------------------------------------

NOT_DISCLOSED = "not disclosed"


@dataclass(frozen=True)
class RatioRow:
    """Tokens per parameter of one published run.

    Attributes
    ----------
    name : str
        Run name (key of :data:`lessons.models.MODELS`).
    n_params : float
        Total parameters [parameters].
    n_params_active : float or None
        Active parameters per token for a mixture of experts [parameters]; None if dense.
    n_tokens : float or None
        Training tokens [tokens]; None when the developer did not disclose them.
    tokens_per_param, tokens_per_param_active : float or None
        D/N on total and on active parameters [tokens/parameter]; None where undefined.
    chinchilla_multiple, chinchilla_multiple_active : float or None
        The same divided by 20 [dimensionless].
    """

    name: str
    n_params: float
    n_params_active: float | None
    n_tokens: float | None
    tokens_per_param: float | None
    tokens_per_param_active: float | None
    chinchilla_multiple: float | None
    chinchilla_multiple_active: float | None


def _count(x) -> str:
    return "-" if x is None else f"{x:.3g}"


def _ratio(x) -> str:
    if x is None:
        return "-"
    return f"{x:,.0f}" if x >= 100 else f"{x:.3g}"  # 1,868 reads better than 1.87e+03


@dataclass(frozen=True)
class RatioTable:
    """Rows of :func:`ratio_table`; prints as a table, renders as HTML, indexes by run name."""

    rows: tuple

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, name: str) -> RatioRow:
        for row in self.rows:
            if row.name == name:
                return row
        raise KeyError(f"no run {name!r}; runs: {', '.join(r.name for r in self.rows)}")

    def _cells(self):
        headers = ["run", "N total", "N active", "D [tokens]", "D/N total", "D/N active",
                   "x Chinchilla (total)", "x Chinchilla (active)"]
        cells = []
        for r in self.rows:
            undisclosed = r.n_tokens is None
            cells.append([
                r.name, _count(r.n_params), _count(r.n_params_active),
                NOT_DISCLOSED if undisclosed else _count(r.n_tokens),
                NOT_DISCLOSED if undisclosed else _ratio(r.tokens_per_param),
                NOT_DISCLOSED if undisclosed and r.n_params_active else
                _ratio(r.tokens_per_param_active),
                NOT_DISCLOSED if undisclosed else _ratio(r.chinchilla_multiple),
                _ratio(r.chinchilla_multiple_active),
            ])
        return headers, cells

    def __str__(self) -> str:
        return text_table(*self._cells())

    def _repr_html_(self) -> str:
        return html_table(*self._cells(), caption="Training tokens per parameter (MoE: on total "
                           "and on active parameters)")


def ratio_table(models=None) -> RatioTable:
    """Tokens per parameter of published runs, with MoE denominators stated.

    Parameters
    ----------
    models : mapping of str to Run, optional
        Runs to tabulate [lessons.models.Run]; default :data:`lessons.models.MODELS`.

    Returns
    -------
    RatioTable
        One :class:`RatioRow` per run. Undisclosed token counts stay ``None`` and print as
        "not disclosed", never as a number; a mixture of experts gets D/N on total **and** on
        active parameters.

    Notes
    -----
    D/N and (D/N)/20 per run, via :func:`tokens_per_param` and :func:`chinchilla_multiple`.

    References
    ----------
    Course fact sheet §9 (model facts and their sources); Hoffmann et al. (2022) Table 1.

    Examples
    --------
    >>> t = ratio_table()
    >>> round(t["Chinchilla"].tokens_per_param)
    20
    """
    runs = MODELS if models is None else models
    rows = []
    for run in runs.values():
        n, n_act, d = run.n_params, run.n_params_active, run.n_tokens
        known = d is not None
        rows.append(RatioRow(
            name=run.name, n_params=n, n_params_active=n_act, n_tokens=d,
            tokens_per_param=tokens_per_param(n, d) if known else None,
            tokens_per_param_active=tokens_per_param(n_act, d) if known and n_act else None,
            chinchilla_multiple=chinchilla_multiple(n, d) if known else None,
            chinchilla_multiple_active=chinchilla_multiple(n_act, d) if known and n_act else None,
        ))
    return RatioTable(tuple(rows))


# --- Tokens per parameter in the wild ---------------------------------------------------------


@dataclass(frozen=True)
class NanochatRatio:
    """A default tokens-per-parameter ratio of Karpathy's nanochat, with its commit.

    Attributes
    ----------
    commit : str
        The commit that set it.
    ratio : float
        ``--target-param-data-ratio`` [tokens/parameter].
    note : str
        What changed with it.
    cite : Cite
        Where it is recorded.
    """

    commit: str
    ratio: float
    note: str
    cite: Cite


#: nanochat's data:parameter ratio over its history (git history, HEAD 92d63d4): 20 replaced
#: by a measured 8, later 4, 10.5 and 12 as the model and the counting changed.
NANOCHAT_RATIOS = (
    NanochatRatio("ccf4b7f", 8.0, "2026-01-07: 'D:N ratio from 20 to 8'",
                  Cite("nanochat", "commit ccf4b7f")),
    NanochatRatio("413e91a", 4.0, "after value embeddings were added",
                  Cite("nanochat", "commit 413e91a, scripts/base_train.py default")),
    NanochatRatio("c8d93be", 10.5, "parameters counted Kaplan's way; dev/LOG.md fits N ∝ "
                  "C^0.54 and D ∝ C^0.49", Cite("nanochat", "commit c8d93be; dev/LOG.md line 542")),
    NanochatRatio("1cd94d7", 12.0, "2026-03-24: the default at HEAD",
                  Cite("nanochat", "commit 1cd94d7, scripts/base_train.py")),
)


def law_tokens_per_param(flops) -> dict[str, float]:
    """Tokens per parameter at a budget, as each published allocation law would set it.

    Parameters
    ----------
    flops : float
        Training compute C [FLOP].

    Returns
    -------
    dict
        Law name -> D/N [tokens/parameter] at C.

    Notes
    -----
    Chinchilla fits: D_opt/N_opt of Eq. 4. Llama 3: D = A·C^α tokens, N = C/(6D) (the law
    predicts tokens; the rounded and the unrounded constants give different ratios). DeepSeek
    LLM: D_opt/(M_opt/6), their model scale in non-embedding FLOP per token turned into a
    parameter count by 6N ≈ M (attention folded in, so the count is approximate). Kaplan:
    D_opt/N_opt of Table 6, non-embedding parameters, C_min = C. Only the Chinchilla-style
    laws keep the ratio roughly constant; 20 is the ratio of Chinchilla's own runs.

    References
    ----------
    Hoffmann et al. (2022) Eq. 4; Besiroglu et al. (2024); Llama 3 (2024) §3.2.1; DeepSeek-AI
    (2024) Eq. 4; Kaplan et al. (2020) Table 6.

    Examples
    --------
    >>> r = law_tokens_per_param(5.76e23)
    >>> {k: round(v, 1) for k, v in r.items() if k.startswith("Chinchilla")}
    {'Chinchilla, 2024 refit': 18.4, 'Chinchilla, rounded constants': 92.6}
    """
    c = float(positive("flops", flops, unit="FLOP"))
    out = {}
    for label, name in (("Chinchilla, 2024 refit", "besiroglu2024"),
                        ("Chinchilla, rounded constants", "hoffmann2022")):
        n, d = compute_optimal(c, name)
        out[label] = float(d / n)
    for label, law in (("Llama 3 (legend: 0.299, 0.537)", LLAMA3_TOKEN_LAW),
                       ("Llama 3 (text: 0.29, 0.53)", LLAMA3_TOKEN_LAW_ROUNDED)):
        d = float(law.tokens(c))
        out[label] = d / (c / (6.0 * d))
    m, d = deepseek_optimal(c)
    out["DeepSeek LLM (M/6 as N)"] = float(d / (m / 6.0))
    out["Kaplan (non-embedding N)"] = float(kaplan_tokens(c) / kaplan_params(c))
    return out


@dataclass(frozen=True)
class ReportedAllocation:
    """A compute-optimal allocation as a paper reports it, to check against its own law.

    Attributes
    ----------
    flops : float
        The budget [FLOP].
    n_params : float
        The model size the paper states [parameters].
    n_tokens : float
        The training tokens the paper states [tokens].
    cite : Cite
        Where it is stated.
    """

    flops: float
    n_params: float
    n_tokens: float
    cite: Cite


#: Llama 3 §3.2.1: extrapolating its law to 3.8e25 FLOP "suggests training a 402B parameter
#: model on 16.55T tokens". 0.29·C^0.53, as printed, gives 10.5T; the legend's 0.299·C^0.537
#: gives 16.3T; and 6 × 402B × 16.55T is 4.0e25, not 3.8e25.
LLAMA3_REPORTED = ReportedAllocation(3.8e25, 402e9, 16.55e12,
                                     Cite("llama3", "§3.2.1: 402B parameters on 16.55T tokens "
                                          "at 3.8e25 FLOP"))


@dataclass(frozen=True)
class AllocationExponents:
    """Exponents of N_opt ∝ C^a and D_opt ∝ C^b fitted on one dataset.

    Attributes
    ----------
    data : str
        Whose fit, on which data.
    a, b : float
        Exponents of the optimal model size and data [dimensionless].
    cite : Cite
        Where they are tabulated.
    """

    data: str
    a: float
    b: float
    cite: Cite


_DS_TABLE_4 = Cite("deepseekllm2024", "Table 4 (coefficients a, b of N_opt and D_opt)")
#: DeepSeek LLM's Table 4: the exponents found by OpenAI, by Chinchilla and by DeepSeek on
#: two versions of its own data and on OpenWebText2.
ALLOCATION_EXPONENTS = (
    AllocationExponents("OpenAI (OpenWebText2)", 0.73, 0.27, _DS_TABLE_4),
    AllocationExponents("Chinchilla (MassiveText)", 0.49, 0.51, _DS_TABLE_4),
    AllocationExponents("DeepSeek, early data", 0.450, 0.550, _DS_TABLE_4),
    AllocationExponents("DeepSeek, current data", 0.524, 0.476, _DS_TABLE_4),
    AllocationExponents("DeepSeek, OpenWebText2", 0.578, 0.422, _DS_TABLE_4),
)


def ratio_growth_per_decade(a, b):
    """How the compute-optimal D/N changes with each 10× of compute [factor per decade].

    Parameters
    ----------
    a, b : float or array_like
        Exponents of N_opt ∝ C^a and D_opt ∝ C^b [dimensionless].

    Returns
    -------
    float or numpy.ndarray
        10^(b − a) [dimensionless].

    Notes
    -----
    N_opt ∝ C^a and D_opt ∝ C^b give D_opt/N_opt ∝ C^(b − a): the compute-optimal ratio is a
    constant only if a = b, grows with compute if b > a and falls if a > b.

    References
    ----------
    DeepSeek-AI (2024) Table 4; Hoffmann et al. (2022) Eq. 4.

    Examples
    --------
    >>> round(ratio_growth_per_decade(0.524, 0.476), 3)     # DeepSeek's current data
    0.895
    >>> round(ratio_growth_per_decade(0.45, 0.55), 3)       # DeepSeek's early data
    1.259
    """
    a_, b_ = broadcast(a=positive("a", a, unit="dimensionless"),
                       b=positive("b", b, unit="dimensionless"))
    return output(10.0 ** (b_ - a_), a, b)
