"""Chinchilla (Hoffmann et al. 2022): the parametric loss L(N, D) and its compute-optimal frontier.

Taught in the chapter *Chinchilla and compute-optimal scaling*; fitted to real data in
*Fitting scaling laws to real data*.

The law is L̂(N, D) = E + A / N^α + B / D^β with N the number of parameters (embeddings
included) and D the number of training tokens, both **raw counts**. Three published
parameter sets are provided, each with its citation:

* :data:`HOFFMANN_2022`: the rounded constants printed in the paper (Eq. 10);
* :data:`HOFFMANN_2022_TEX`: the unrounded constants of the paper's TeX source;
* :data:`BESIROGLU_2024`: the replication's refit of the extracted data.

It also holds the tools of the paper's three approaches to the compute-optimal frontier, each
used in the chapter: Approach 1 (:func:`training_curve_envelope`, the lowest loss reached at each
compute), Approach 2 (:func:`isoflop_curve` and :func:`isoflop_minimum`, the bottom of each
IsoFLOP profile) and Approach 3 (:func:`compute_optimal`, the closed form of the parametric law);
:func:`fit_power_law` turns any of them into the exponents of Table 2. The popular
"20 tokens per parameter" rule is :func:`twenty_tokens_per_param`, labelled as the heuristic it is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ._validate import broadcast, choose, output, positive, raw_count
from .flops import TRAINING_FLOPS_PER_PARAM_TOKEN
from .sources import Cite

__all__ = [
    "Fit",
    "HOFFMANN_2022",
    "HOFFMANN_2022_TEX",
    "BESIROGLU_2024",
    "FITS",
    "get_fit",
    "loss",
    "compute_optimal",
    "CHINCHILLA_TOKENS_PER_PARAM",
    "MIN_RAW_COUNT",
    "MIN_FLOPS",
    "isoflop_curve",
    "isoflop_minimum",
    "isoflop_minima",
    "ISOFLOP_WIDTH",
    "fit_power_law",
    "training_curve_envelope",
    "twenty_tokens_per_param",
    "ApproachExponents",
    "APPROACH_EXPONENTS",
    "ProjectionRow",
    "TABLE_3",
    "TABLE_3_CITE",
    "ISOFLOP_BUDGETS",
    "ISOFLOP_BUDGETS_CITE",
    "TokenLaw",
    "LLAMA3_TOKEN_LAW",
    "LLAMA3_TOKEN_LAW_ROUNDED",
    "StatedAllocation",
    "LLAMA3_STATED",
]

#: Below this many parameters or tokens an input is taken for "billions" and refused.
MIN_RAW_COUNT = 1e4

#: Below this many FLOP a compute budget is taken for a unit mistake (e.g. PF-days) and refused.
MIN_FLOPS = 1e6


@dataclass(frozen=True)
class Fit:
    """A fitted Chinchilla law L̂(N, D) = E + A/N^α + B/D^β.

    Attributes
    ----------
    name : str
        Short name, also the key in :data:`FITS`.
    E : float
        Irreducible loss [nats/token].
    A, B : float
        Prefactors of the parameter and data terms [nats/token · count^exponent].
    alpha, beta : float
        Exponents of N and D [dimensionless].
    cite : Cite
        Where the constants come from.
    stderr : dict
        Standard errors of the estimates, where the source gives them.
    """

    name: str
    E: float
    A: float
    B: float
    alpha: float
    beta: float
    cite: Cite
    stderr: dict = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        for attr in ("E", "A", "B", "alpha", "beta"):
            positive(f"Fit.{attr}", getattr(self, attr))

    @property
    def a(self) -> float:
        """Exponent of N_opt ∝ C^a: β/(α+β) [dimensionless]."""
        return self.beta / (self.alpha + self.beta)

    @property
    def b(self) -> float:
        """Exponent of D_opt ∝ C^b: α/(α+β) [dimensionless]."""
        return self.alpha / (self.alpha + self.beta)

    @property
    def G(self) -> float:
        """G = (αA/(βB))^(1/(α+β)) of Hoffmann et al. Eq. 4 [parameters · (FLOP/6)^-a]."""
        return (self.alpha * self.A / (self.beta * self.B)) ** (1.0 / (self.alpha + self.beta))


HOFFMANN_2022 = Fit(
    "hoffmann2022", E=1.69, A=406.4, B=410.7, alpha=0.34, beta=0.28,
    cite=Cite("hoffmann2022", "§3.3 and App. D.2, Eq. 10 (rounded constants)"),
)

HOFFMANN_2022_TEX = Fit(
    "hoffmann2022_tex",
    E=math.exp(0.5267228), A=math.exp(6.0073404), B=math.exp(6.0179186),
    alpha=0.33917084, beta=0.2849083,
    cite=Cite("besiroglu2024", "unrounded constants of Hoffmann et al.'s TeX source, as used in "
              "the replication's notebook"),
)

BESIROGLU_2024 = Fit(
    "besiroglu2024", E=1.8172, A=482.01, B=2085.43, alpha=0.3478, beta=0.3658,
    cite=Cite("besiroglu2024", "Table 1; data_analysis.ipynb cells 24-26 (repo commit 9225883)"),
    stderr={"E": 0.03, "A": 124.58, "B": 1293.23, "alpha": 0.02, "beta": 0.02},
)

FITS: dict[str, Fit] = {f.name: f for f in (HOFFMANN_2022, HOFFMANN_2022_TEX, BESIROGLU_2024)}

#: Chinchilla itself: 1.4e12 tokens for 7e10 parameters (Hoffmann et al. Table 1) [tokens/parameter].
CHINCHILLA_TOKENS_PER_PARAM = 1.4e12 / 7e10


@dataclass(frozen=True)
class ApproachExponents:
    """Exponents a, b of N_opt ∝ C^a and D_opt ∝ C^b from one method (Hoffmann et al. Table 2).

    Attributes
    ----------
    approach : str
        The method.
    a, b : float
        Exponents of N_opt and D_opt in C [dimensionless].
    a_range, b_range : tuple of float or None
        Bootstrap 10th–90th percentiles, where the table gives them [dimensionless].
    cite : Cite
        Where the numbers come from.
    """

    approach: str
    a: float
    b: float
    a_range: tuple[float, float] | None
    b_range: tuple[float, float] | None
    cite: Cite


_TABLE2 = Cite("hoffmann2022", "Table 2")

#: Hoffmann et al. Table 2: the three approaches, and Kaplan et al. for comparison.
APPROACH_EXPONENTS: dict[str, ApproachExponents] = {
    e.approach: e
    for e in (
        ApproachExponents("1. minimum over training curves", 0.50, 0.50,
                          (0.488, 0.502), (0.501, 0.512), _TABLE2),
        ApproachExponents("2. IsoFLOP profiles", 0.49, 0.51,
                          (0.462, 0.534), (0.483, 0.529), _TABLE2),
        ApproachExponents("3. parametric loss fit", 0.46, 0.54,
                          (0.454, 0.455), (0.542, 0.543), _TABLE2),
        ApproachExponents("Kaplan et al. (2020)", 0.73, 0.27, None, None,
                          Cite("kaplan2020", "§1.2, Table 6 (N ∝ C^0.73, D ∝ C^0.27)")),
    )
}


#: The nine IsoFLOP budgets of Approach 2, 6e18 to 3e21 FLOP (Hoffmann et al. Fig. 3, Table 2).
ISOFLOP_BUDGETS = (6e18, 1e19, 3e19, 6e19, 1e20, 3e20, 6e20, 1e21, 3e21)
ISOFLOP_BUDGETS_CITE = Cite("hoffmann2022", "§3.2, Fig. 3 and Table 2: 9 budgets from 6e18 to 3e21 FLOP; the values between follow the figure's 1-3-6 spacing", "SECONDARY")


@dataclass(frozen=True)
class ProjectionRow:
    """One row of Hoffmann et al. Table 3: Approach 1's compute-optimal budget for a model size.

    Attributes
    ----------
    n_params : float
        Model size [parameters].
    flops : float
        Compute-optimal training compute [FLOP].
    n_tokens : float
        Compute-optimal training tokens [tokens].
    """

    n_params: float
    flops: float
    n_tokens: float


#: Hoffmann et al. Table 3 (Approach 1 projections), as printed.
TABLE_3 = tuple(
    ProjectionRow(n, c, d)
    for n, c, d in (
        (400e6, 1.92e19, 8.0e9), (1e9, 1.21e20, 20.2e9), (10e9, 1.23e22, 205.1e9),
        (67e9, 5.76e23, 1.5e12), (175e9, 3.85e24, 3.7e12), (280e9, 9.90e24, 5.9e12),
        (520e9, 3.43e25, 11.0e12), (1e12, 1.27e26, 21.2e12), (10e12, 1.30e28, 216.2e12),
    )
)
TABLE_3_CITE = Cite("hoffmann2022", "Table 3")


@dataclass(frozen=True)
class TokenLaw:
    """A fitted law for compute-optimal training tokens, D*(C) = A·C^alpha.

    Attributes
    ----------
    A : float
        Prefactor [tokens · FLOP^-alpha].
    alpha : float
        Exponent [dimensionless].
    cite : Cite
        Where the constants come from.
    """

    A: float
    alpha: float
    cite: Cite

    def tokens(self, flops):
        """Compute-optimal training tokens at a budget [tokens].

        Parameters
        ----------
        flops : float or array_like
            Training compute C [FLOP].

        Returns
        -------
        float or numpy.ndarray
            D*(C) = A·C^alpha [tokens].

        Examples
        --------
        >>> f"{LLAMA3_TOKEN_LAW.tokens(3.8e25):.3g}"
        '1.63e+13'
        """
        c = raw_count("flops", flops, minimum=MIN_FLOPS, unit="FLOP", example="flops=3.8e25")
        return output(self.A * c**self.alpha, flops)


#: Llama 3's IsoFLOP law, unrounded (figure legend). N*(C) in the paper is a number of TOKENS.
LLAMA3_TOKEN_LAW = TokenLaw(0.299, 0.537, Cite("llama3", "§3.2.1, figure legend (α = 0.537, A = 0.299)"))
#: The rounded pair printed in the text, (α, A) = (0.53, 0.29): too coarse to give 16.55T tokens.
LLAMA3_TOKEN_LAW_ROUNDED = TokenLaw(0.29, 0.53, Cite("llama3", "§3.2.1 text (α, A) = (0.53, 0.29)"))


@dataclass(frozen=True)
class StatedAllocation:
    """A compute-optimal allocation as a paper states it, to check its own law against.

    Attributes
    ----------
    flops : float
        The budget [FLOP].
    n_params : float
        The model size the paper says its law suggests [parameters].
    n_tokens : float
        The training tokens it says its law suggests [tokens].
    cite : Cite
        Where it is stated.
    """

    flops: float
    n_params: float
    n_tokens: float
    cite: Cite


#: What Llama 3 says its law suggests at 3.8e25 FLOP: 402B parameters on 16.55T tokens (they
#: trained 405B because the IsoFLOP curves flatten near the minimum). The rounded law printed
#: beside it gives 1.05e13 tokens, the legend's constants 1.63e13 (fact sheet §4, §13.12).
LLAMA3_STATED = StatedAllocation(3.8e25, 402e9, 16.55e12,
                                 Cite("llama3", "§3.2.1: 'suggests training a 402B parameter "
                                      "model on 16.55T tokens' at 3.8×10^25 FLOP"))


def get_fit(fit: Fit | str) -> Fit:
    """Return ``fit`` itself, or the published fit of that name (see :data:`FITS`).

    Parameters
    ----------
    fit : Fit or str
        A fit, or one of the names ``"hoffmann2022"``, ``"hoffmann2022_tex"``,
        ``"besiroglu2024"`` (case-insensitive) [name].

    Returns
    -------
    Fit
        The constants E [nats/token], A, B, α, β [dimensionless exponents] and their citation.

    Notes
    -----
    Unknown names raise ``ValueError`` listing the accepted ones.

    References
    ----------
    Hoffmann et al. (2022) Eq. 10; Besiroglu et al. (2024) Table 1.

    Examples
    --------
    >>> get_fit("besiroglu2024").E
    1.8172
    >>> get_fit("HOFFMANN2022").alpha
    0.34
    """
    if isinstance(fit, Fit):
        return fit
    return choose("fit", fit, FITS)


def loss(n_params, n_tokens, fit: Fit | str = BESIROGLU_2024, *, check_units: bool = True):
    """Predicted final training loss L̂(N, D) [nats/token].

    Parameters
    ----------
    n_params : float or array_like
        Model parameters N, embeddings included [parameters, raw count].
    n_tokens : float or array_like
        Training tokens D [tokens, raw count].
    fit : Fit or str
        The fitted constants (default: the 2024 replication).
    check_units : bool
        Refuse N or D below 1e4, which almost always means "billions" were passed.
        Set False only to show what that mistake does.

    Notes
    -----
    L̂(N, D) = E + A / N^α + B / D^β   (Hoffmann et al. 2022, Eq. 2 and 10).

    References
    ----------
    Hoffmann et al. (2022) §3.3; Besiroglu et al. (2024) Table 1.

    Examples
    --------
    >>> round(loss(7e10, 1.4e12, "hoffmann2022"), 3)
    1.937
    >>> round(loss(70, 1400, "hoffmann2022", check_units=False), 1)  # billions: wrong
    151.6
    """
    f = get_fit(fit)
    if check_units:
        n = raw_count("n_params", n_params, minimum=MIN_RAW_COUNT, unit="parameters",
                      example="n_params=7e10 for a 70B model")
        d = raw_count("n_tokens", n_tokens, minimum=MIN_RAW_COUNT, unit="tokens",
                      example="n_tokens=1.4e12 for 1.4T tokens")
    else:
        n = positive("n_params", n_params, unit="parameters")
        d = positive("n_tokens", n_tokens, unit="tokens")
    n, d = broadcast(n_params=n, n_tokens=d)
    result = f.E + f.A / n**f.alpha + f.B / d**f.beta
    return output(result, n_params, n_tokens)


def compute_optimal(flops, fit: Fit | str = BESIROGLU_2024):
    """Compute-optimal (N, D) for a budget C under the constraint C = 6ND, in closed form.

    This is the paper's Approach 3 (the parametric fit), taught in the chapter
    *Chinchilla and compute-optimal scaling*.

    Parameters
    ----------
    flops : float or array_like
        Training compute C [FLOP].
    fit : Fit or str
        The fitted constants.

    Returns
    -------
    (n_params, n_tokens) : tuple
        Optimal parameters [parameters] and tokens [tokens]; 6·n_params·n_tokens == flops.

    Notes
    -----
    Minimising E + A/N^α + B/D^β subject to 6ND = C (Lagrangian) gives
    N_opt = G (C/6)^a, D_opt = G^-1 (C/6)^b with G = (αA/(βB))^(1/(α+β)),
    a = β/(α+β), b = α/(α+β)   (Hoffmann et al. 2022, Eq. 4).
    The rounded constants give about 93 tokens per parameter at Gopher's budget, not 20.

    References
    ----------
    Hoffmann et al. (2022) §3.3, Eq. 4; Besiroglu et al. (2024) Table 1.

    Examples
    --------
    >>> n, d = compute_optimal(5.76e23, "hoffmann2022")
    >>> f"{n:.3g} {d:.3g} {d / n:.1f}"
    '3.22e+10 2.98e+12 92.6'
    >>> n, d = compute_optimal(5.76e23, "hoffmann2022_tex")  # the paper's "40B" for Gopher's budget
    >>> f"{n:.3g}"
    '4.04e+10'
    """
    f = get_fit(fit)
    c = raw_count("flops", flops, minimum=MIN_FLOPS, unit="FLOP", example="flops=5.76e23")
    n = f.G * (c / TRAINING_FLOPS_PER_PARAM_TOKEN) ** f.a
    d = (c / TRAINING_FLOPS_PER_PARAM_TOKEN) / n
    return output(n, flops), output(d, flops)


# --- IsoFLOP profiles (Approach 2) ---------------------------------------------------------


def _flops(flops) -> np.ndarray:
    return raw_count("flops", flops, minimum=MIN_FLOPS, unit="FLOP", example="flops=5.76e23")


def _params(n_params) -> np.ndarray:
    return raw_count("n_params", n_params, minimum=MIN_RAW_COUNT, unit="parameters",
                     example="n_params=7e10 for a 70B model")


def _one_dimensional(name: str, arr: np.ndarray, minimum: int) -> np.ndarray:
    if arr.ndim != 1 or arr.size < minimum:
        raise ValueError(
            f"{name} must be a 1-D array of at least {minimum} values; got shape {arr.shape}."
        )
    return arr


def isoflop_curve(flops, n_params, fit: Fit | str = BESIROGLU_2024):
    """Predicted loss along an IsoFLOP profile: model size N trained on D = C/(6N) tokens.

    Taught in the chapter *Chinchilla and compute-optimal scaling* (Approach 2).

    Parameters
    ----------
    flops : float or array_like
        Fixed training compute C [FLOP].
    n_params : float or array_like
        Model sizes along the profile [parameters, raw count]; broadcast against ``flops``.
    fit : Fit or str
        The fitted constants (default: the 2024 replication).

    Returns
    -------
    float or numpy.ndarray
        Predicted final loss L̂(N, C/(6N)) [nats/token].

    Notes
    -----
    L̂(N, C/(6N)) = E + A / N^α + B / (C/(6N))^β. Small N is data-rich but capacity-poor, large N
    sees too few tokens; the valley between is the compute-optimal size (Hoffmann et al. 2022,
    §3.2, Fig. 3). Sizes that leave fewer than 1e4 tokens are refused.

    References
    ----------
    Hoffmann et al. (2022) §3.2 (IsoFLOP profiles) and Eq. 2.

    Examples
    --------
    >>> n_opt, _ = compute_optimal(1e21, "besiroglu2024")
    >>> [round(isoflop_curve(1e21, n, "besiroglu2024"), 4) for n in (n_opt / 10, n_opt, n_opt * 10)]
    [2.4773, 2.3055, 2.4822]
    """
    f = get_fit(fit)
    c, n = broadcast(flops=_flops(flops), n_params=_params(n_params))
    d = c / (TRAINING_FLOPS_PER_PARAM_TOKEN * n)  # D = C/(6N)
    if np.any(d < MIN_RAW_COUNT):
        raise ValueError(
            f"n_params too large for the budget: D = flops/(6 n_params) falls to {float(d.min()):.3g} "
            f"tokens (below {MIN_RAW_COUNT:g}). Check that flops is in FLOP and n_params a raw count."
        )
    return output(loss(n, d, f), flops, n_params)


def isoflop_minimum(n_params, losses) -> tuple[float, float]:
    """Bottom of one IsoFLOP profile: fit a parabola to loss against log N (Approach 2).

    Taught in the chapter *Chinchilla and compute-optimal scaling*.

    Parameters
    ----------
    n_params : array_like
        Model sizes trained with one compute budget, at least 3 distinct [parameters, raw count].
    losses : array_like
        Their final losses, same shape [nats/token].

    Returns
    -------
    (n_params, loss) : tuple of float
        The minimising model size [parameters] and the parabola's loss there [nats/token].

    Notes
    -----
    Least squares L ≈ p₂ x² + p₁ x + p₀ with x = ln N; the minimum sits at x* = −p₁ / (2p₂),
    loss p₀ − p₁² / (4p₂) (Hoffmann et al. 2022, §3.2). A ``ValueError`` is raised when
    p₂ ≤ 0 (the parabola opens downward: no minimum) or when x* lies outside the sampled sizes
    (the minimum is not bracketed, so the sweep must be extended). The true profile is not a
    parabola: the wider the sweep, the more the estimate drifts.

    References
    ----------
    Hoffmann et al. (2022) §3.2 and Fig. 3.

    Examples
    --------
    >>> n_true, _ = compute_optimal(1e21, "besiroglu2024")
    >>> sizes = n_true * np.logspace(-0.5, 0.5, 9)
    >>> n_hat, loss_hat = isoflop_minimum(sizes, isoflop_curve(1e21, sizes, "besiroglu2024"))
    >>> f"{n_hat / n_true:.3f} {loss_hat:.4f}"
    '0.997 2.3055'
    >>> isoflop_minimum(sizes[:4], isoflop_curve(1e21, sizes[:4], "besiroglu2024"))
    Traceback (most recent call last):
    ...
    ValueError: the parabola's minimum lies at n_params=... outside the sampled sizes ...
    """
    n, y = broadcast(n_params=_params(n_params), losses=positive("losses", losses, unit="nats/token"))
    x = np.log(_one_dimensional("n_params", n, 3))
    if np.unique(x).size < 3:
        raise ValueError("n_params needs at least 3 distinct model sizes to fit a parabola.")
    centre = x.mean()  # centring keeps the 3x3 least-squares system well conditioned
    p2, p1, p0 = np.polyfit(x - centre, y, 2)
    if not p2 > 0:
        raise ValueError(
            f"the parabola fitted to loss against ln(n_params) opens downward (curvature {p2:.3g}): "
            "these points have no minimum. Sample sizes on both sides of the best one."
        )
    x_star = -p1 / (2.0 * p2)
    if not (x.min() <= x_star + centre <= x.max()):
        raise ValueError(
            f"the parabola's minimum lies at n_params={math.exp(x_star + centre):.3g} outside the "
            f"sampled sizes [{math.exp(x.min()):.3g}, {math.exp(x.max()):.3g}]: the minimum is not "
            "bracketed. Add model sizes beyond that end of the sweep."
        )
    return math.exp(x_star + centre), float(p0 - p1 * p1 / (4.0 * p2))


#: Runs within this many decades of a budget count as trained with it [decades]: 10^0.05 is 12 %.
ISOFLOP_WIDTH = 0.05


def isoflop_minima(flops, n_params, losses, budgets=ISOFLOP_BUDGETS, width=ISOFLOP_WIDTH):
    """The bottom of the IsoFLOP profile at each budget, from runs scattered around the budgets.

    Taught in the chapters *Chinchilla and compute-optimal scaling* and *Fitting scaling laws
    to real data*.

    Parameters
    ----------
    flops : array_like
        Compute of each run [FLOP].
    n_params : array_like
        Model size of each run [parameters, raw count].
    losses : array_like
        Final loss of each run [nats/token].
    budgets : sequence of float
        The budgets [FLOP]; default Hoffmann et al.'s nine (:data:`ISOFLOP_BUDGETS`).
    width : float
        Runs with |log10(C/budget)| < width belong to a budget [decades].

    Returns
    -------
    (n_params, loss) : tuple of numpy.ndarray
        The minimising size [parameters] and loss [nats/token] of each budget's profile.

    Notes
    -----
    For each budget c, :func:`isoflop_minimum` on the runs with |log10(C_i/c)| < width
    (Hoffmann et al. 2022, §3.2, Approach 2); fit N_opt ∝ C^a to the result with
    :func:`fit_power_law`.

    References
    ----------
    Hoffmann et al. (2022) §3.2 and Fig. 3.

    Examples
    --------
    >>> c = np.repeat([1e20, 1e21, 1e22], 9)
    >>> n = np.concatenate([compute_optimal(b, "besiroglu2024")[0] * np.logspace(-0.5, 0.5, 9)
    ...                     for b in (1e20, 1e21, 1e22)])
    >>> n_min, _ = isoflop_minima(c, n, isoflop_curve(c, n, "besiroglu2024"), [1e20, 1e21, 1e22])
    >>> f"{fit_power_law([1e20, 1e21, 1e22], n_min)[1]:.2f}"
    '0.51'
    """
    c = _flops(flops)
    n, y = broadcast(n_params=_params(n_params),
                     losses=positive("losses", losses, unit="nats/token"))
    c, n = broadcast(flops=c, n_params=n)
    w = float(positive("width", width, unit="decades"))
    n_min, loss_min = [], []
    for budget in _flops(budgets).ravel():
        near = np.abs(np.log10(c / budget)) < w
        if near.sum() < 3:
            raise ValueError(f"only {int(near.sum())} runs lie within {w:g} decades of the budget "
                             f"{budget:.3g} FLOP; a profile needs at least 3. Widen `width` or "
                             "drop that budget.")
        n_star, l_star = isoflop_minimum(n[near], y[near])
        n_min.append(n_star)
        loss_min.append(l_star)
    return np.array(n_min), np.array(loss_min)


def fit_power_law(flops, values) -> tuple[float, float]:
    """Least-squares power law values = k · C^e in log space, e.g. N_opt ∝ C^a (Table 2).

    Taught in the chapter *Chinchilla and compute-optimal scaling*.

    Parameters
    ----------
    flops : array_like
        Compute budgets C, at least 2 distinct [FLOP].
    values : array_like
        The quantity to fit at each budget, same shape: optimal sizes [parameters] or
        tokens [tokens] (any positive quantity).

    Returns
    -------
    (coefficient, exponent) : tuple of float
        k [units of ``values`` · FLOP^-e] and e [dimensionless], the exponent ``a`` (or ``b``)
        of Hoffmann et al.'s Table 2.

    Notes
    -----
    Ordinary least squares of ln(values) = ln k + e · ln C. Applied to the compute-optimal
    sizes of Approaches 1 and 2 it gives a ≈ 0.50 and 0.49; Kaplan et al. (2020) had 0.73.

    References
    ----------
    Hoffmann et al. (2022) §3.1–3.2 and Table 2.

    Examples
    --------
    >>> budgets = np.logspace(19, 24, 6)
    >>> n_opt, d_opt = compute_optimal(budgets, "besiroglu2024")
    >>> k, a = fit_power_law(budgets, n_opt)
    >>> round(a, 4), round(HOFFMANN_2022.a, 4)
    (0.5126, 0.4516)
    """
    c, v = broadcast(flops=_flops(flops), values=positive("values", values))
    x = np.log(_one_dimensional("flops", c, 2))
    if np.unique(x).size < 2:
        raise ValueError("flops needs at least 2 distinct budgets to fit a power law.")
    e, log_k = np.polyfit(x, np.log(v), 1)
    return math.exp(log_k), float(e)


# --- Minimum over training curves (Approach 1) ---------------------------------------------


def training_curve_envelope(flops, losses, n_params, n_bins: int = 30):
    """Lowest loss reached at each compute, and the model size that reached it (Approach 1).

    Taught in the chapter *Chinchilla and compute-optimal scaling*.

    Parameters
    ----------
    flops : array_like
        Compute spent so far at each recorded point of every run's training curve, C = 6ND [FLOP].
    losses : array_like
        The (smoothed) training loss at that point, same shape [nats/token].
    n_params : array_like
        The size of the model the point belongs to, same shape [parameters, raw count].
    n_bins : int
        Number of equal-width bins in log C spanning the points [bins].

    Returns
    -------
    (flops, n_params, loss) : tuple of numpy.ndarray
        For each non-empty bin, in increasing compute: the compute of the winning point [FLOP],
        its model size [parameters] and its loss [nats/token].

    Notes
    -----
    Envelope: for every compute C, L*(C) = min over runs of L_run(C), and N*(C) the size of
    the winning run. Hoffmann et al. (2022, §3.1) interpolate each smoothed curve at 1,500
    log-spaced budgets and keep the lowest; binning the recorded points is the discrete
    version. Fitting N*(C) ∝ C^a with :func:`fit_power_law` gives Table 2's a ≈ 0.50.
    At the ends of the compute range the envelope is pinned to the smallest or largest size
    tried, so fit only where the sizes bracket the optimum. In the paper each size was trained
    with several cosine-cycle lengths, as a point on a curve is only trusted near the end of
    its own schedule.

    References
    ----------
    Hoffmann et al. (2022) §3.1, Fig. 2 and Table 2.

    Examples
    --------
    Training curves predicted by the replication's fit for 13 sizes, 200 points each:

    >>> sizes = np.logspace(8, 11, 13)
    >>> tokens = np.logspace(8, 13, 200)
    >>> n, d = np.meshgrid(sizes, tokens)
    >>> c_env, n_env, l_env = training_curve_envelope(6 * n * d, loss(n, d), n, n_bins=20)
    >>> bool(np.all(np.diff(l_env) < 0))
    True
    >>> inside = (c_env > 1e19) & (c_env < 1e23)  # where the 13 sizes bracket the optimum
    >>> round(fit_power_law(c_env[inside], n_env[inside])[1], 2)  # BESIROGLU_2024.a = 0.5126
    0.51
    """
    c, y, n = broadcast(flops=_flops(flops), losses=positive("losses", losses, unit="nats/token"),
                        n_params=_params(n_params))
    c, y, n = (_one_dimensional(name, a.ravel(), 1) for name, a in
               (("flops", c), ("losses", y), ("n_params", n)))
    if isinstance(n_bins, bool) or not isinstance(n_bins, (int, np.integer)) or n_bins < 1:
        raise ValueError(f"n_bins must be a whole number >= 1; got {n_bins!r}.")
    x = np.log(c)
    edges = np.linspace(x.min(), x.max(), n_bins + 1)
    which = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, n_bins - 1)
    winners = []
    for b in range(n_bins):
        members = np.flatnonzero(which == b)
        if members.size:
            winners.append(members[np.argmin(y[members])])
    idx = np.asarray(winners, dtype=int)
    return c[idx], n[idx], y[idx]


# --- The "20 tokens per parameter" heuristic ------------------------------------------------


def twenty_tokens_per_param(flops):
    """The popular rule of thumb D = 20 N under C = 6ND: a heuristic, not the paper's Approach 3.

    Taught in the chapter *Chinchilla and compute-optimal scaling*.

    Parameters
    ----------
    flops : float or array_like
        Training compute C [FLOP].

    Returns
    -------
    (n_params, n_tokens) : tuple
        Model size [parameters] and tokens [tokens] with n_tokens = 20 · n_params.

    Notes
    -----
    C = 6 N D with D = 20 N gives C = 120 N², so N = √(C/120) and D = 20 N. The ratio is
    Chinchilla's own 1.4e12 tokens / 7e10 parameters (Table 1) and that of the Approach 1
    rows of Table 3; it is not a formula of the paper. The paper's parametric fit
    (:func:`compute_optimal`) gives about 93 (rounded constants) or 59 (TeX constants) tokens
    per parameter at Gopher's budget, and the 2024 refit about 18.

    References
    ----------
    Hoffmann et al. (2022) Table 1 and Table 3; Besiroglu et al. (2024).

    Examples
    --------
    >>> n, d = twenty_tokens_per_param(5.76e23)
    >>> f"{n:.3g} {d:.3g} {d / n:g}"
    '6.93e+10 1.39e+12 20'
    """
    c = _flops(flops)
    n = np.sqrt(c / (TRAINING_FLOPS_PER_PARAM_TOKEN * CHINCHILLA_TOKENS_PER_PARAM))
    return output(n, flops), output(CHINCHILLA_TOKENS_PER_PARAM * n, flops)
