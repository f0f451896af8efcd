"""Diminishing returns: what each 10× of training compute buys on the compute-optimal frontier.

Taught in the chapter *Diminishing returns*.

Along the Chinchilla frontier (Hoffmann et al. 2022, Eq. 4) the predicted loss falls towards
the irreducible term E ever more slowly: every decade of compute removes a roughly constant
*fraction* of the reducible part L − E, so the absolute gain per decade shrinks. The functions
here evaluate that frontier forwards (loss for compute) and backwards (compute for a loss),
for any of the published fits in :mod:`lessons.chinchilla`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ._table import html_table, text_table
from ._validate import broadcast, output, positive
from .chinchilla import BESIROGLU_2024, Fit, compute_optimal, get_fit, loss
from .flops import training_flops
from .sources import Cite

__all__ = [
    "DEFAULT_DECADES",
    "EMERGENCE_CITE",
    "EmergenceCount",
    "SCHAEFFER_2023_COUNT",
    "ReturnsTable",
    "allocation_for_loss",
    "compute_for_loss",
    "exact_match",
    "gain_per_decade",
    "gap_to_irreducible",
    "loss_at_compute",
    "PRECISION_CITE",
    "PrecisionFit",
    "KUMAR_2024_WEIGHTS",
    "precision_effective_params",
    "returns_table",
    "token_edit_distance",
]

#: Exponents of the compute budgets tabulated by :func:`returns_table`: 1e18 ... 1e26 FLOP.
DEFAULT_DECADES = tuple(range(18, 27))


def loss_at_compute(flops, fit: Fit | str = BESIROGLU_2024):
    """Predicted loss at the compute-optimal allocation of a training budget [nats/token].

    Parameters
    ----------
    flops : float or array_like
        Training compute C [FLOP].
    fit : Fit or str
        The fitted Chinchilla constants (default: the 2024 replication).

    Returns
    -------
    float or ndarray
        L̂(N_opt(C), D_opt(C)) [nats/token].

    Notes
    -----
    L*(C) = E + A/N_opt^α + B/D_opt^β with (N_opt, D_opt) from
    :func:`lessons.chinchilla.compute_optimal` (Hoffmann et al. 2022, Eq. 4, constraint C = 6ND).

    References
    ----------
    Hoffmann et al. (2022) §3.3; Besiroglu et al. (2024) Table 1.

    Examples
    --------
    >>> round(loss_at_compute(5.76e23, "hoffmann2022"), 3)   # Gopher's budget, FACTS §10
    1.931
    >>> round(loss_at_compute(1e24, "besiroglu2024"), 3)
    1.96
    """
    n, d = compute_optimal(flops, fit)
    return loss(n, d, fit)


def gain_per_decade(flops, fit: Fit | str = BESIROGLU_2024):
    """Loss removed by multiplying a compute-optimal budget by ten [nats/token].

    Parameters
    ----------
    flops : float or array_like
        Starting training compute C [FLOP].
    fit : Fit or str
        The fitted Chinchilla constants.

    Returns
    -------
    float or ndarray
        L*(C) − L*(10·C) [nats/token], positive and shrinking as C grows.

    Notes
    -----
    On the frontier both reducible terms scale as C^(−αβ/(α+β)), so
    L*(C) − E = K·C^(−γ) with γ = αβ/(α+β), and the gain per decade is
    K·C^(−γ)·(1 − 10^(−γ)): a fixed fraction 1 − 10^(−γ) of what is left above E.

    References
    ----------
    Hoffmann et al. (2022) Eq. 4.

    Examples
    --------
    >>> round(gain_per_decade(1e21, "besiroglu2024"), 4)
    0.1644
    >>> bool(gain_per_decade(1e24) < gain_per_decade(1e21))
    True
    """
    c = positive("flops", flops, unit="FLOP")
    return output(np.asarray(loss_at_compute(c, fit)) - np.asarray(loss_at_compute(10.0 * c, fit)),
                  flops)


def _target(target_loss, f: Fit) -> np.ndarray:
    ell = positive("target_loss", target_loss, unit="nats/token")
    low = ell <= f.E
    if np.any(low):
        first = float(ell[low].flat[0] if ell.ndim else ell)
        raise ValueError(
            f"target_loss={first!r} [nats/token] is at or below the irreducible loss "
            f"E={f.E:g} of fit {f.name!r}; no finite model or data reaches it. "
            f"Pass a loss above {f.E:g}."
        )
    return ell


def allocation_for_loss(target_loss, fit: Fit | str = BESIROGLU_2024):
    """The compute-optimal (N, D) that reaches a target loss, in closed form.

    Parameters
    ----------
    target_loss : float or array_like
        The loss to reach [nats/token]; must exceed the fit's E.
    fit : Fit or str
        The fitted Chinchilla constants.

    Returns
    -------
    (n_params, n_tokens) : tuple
        Parameters [parameters] and tokens [tokens] on the compute-optimal frontier whose
        predicted loss is ``target_loss``.

    Notes
    -----
    At the optimum of Hoffmann et al.'s Eq. 4 the two reducible terms stand in the ratio
    α·A/N^α = β·B/D^β, so with ℓ the target:
    A/N^α = (ℓ − E)·β/(α+β)  and  B/D^β = (ℓ − E)·α/(α+β),
    which are solved for N and D.

    References
    ----------
    Hoffmann et al. (2022) §3.3, Eq. 4.

    Examples
    --------
    >>> ell = loss_at_compute(5.76e23, "hoffmann2022")       # Gopher's budget
    >>> n, d = allocation_for_loss(ell, "hoffmann2022")       # back to FACTS §10's optimum
    >>> f"{n:.3g} {d:.3g}"
    '3.22e+10 2.98e+12'
    """
    f = get_fit(fit)
    ell = _target(target_loss, f)
    reducible = ell - f.E
    n = (f.A / (reducible * f.beta / (f.alpha + f.beta))) ** (1.0 / f.alpha)
    d = (f.B / (reducible * f.alpha / (f.alpha + f.beta))) ** (1.0 / f.beta)
    return output(n, target_loss), output(d, target_loss)


def compute_for_loss(target_loss, fit: Fit | str = BESIROGLU_2024):
    """Training compute needed to reach a target loss on the compute-optimal frontier [FLOP].

    The inverse of :func:`loss_at_compute`.

    Parameters
    ----------
    target_loss : float or array_like
        The loss to reach [nats/token]; must exceed the fit's irreducible loss E.
    fit : Fit or str
        The fitted Chinchilla constants.

    Returns
    -------
    float or ndarray
        C = 6·N·D at the frontier allocation of :func:`allocation_for_loss` [FLOP].

    Notes
    -----
    C(ℓ) = 6·N(ℓ)·D(ℓ) with N(ℓ) = (A(α+β)/(β(ℓ−E)))^(1/α), D(ℓ) = (B(α+β)/(α(ℓ−E)))^(1/β).
    C grows without bound as ℓ → E; at or below E a ``ValueError`` is raised.

    References
    ----------
    Hoffmann et al. (2022) Eq. 4.

    Examples
    --------
    >>> f"{compute_for_loss(loss_at_compute(1e24)):.4g}"       # round trip
    '1e+24'
    >>> compute_for_loss(1.8, "besiroglu2024")
    Traceback (most recent call last):
    ...
    ValueError: target_loss=1.8 [nats/token] is at or below the irreducible loss E=1.8172 of fit 'besiroglu2024'; no finite model or data reaches it. Pass a loss above 1.8172.
    """
    n, d = allocation_for_loss(target_loss, fit)
    return output(training_flops(n, d), target_loss)


def gap_to_irreducible(flops, fit: Fit | str = BESIROGLU_2024):
    """How far the compute-optimal loss still sits above the irreducible loss E [nats/token].

    Parameters
    ----------
    flops : float or array_like
        Training compute C [FLOP].
    fit : Fit or str
        The fitted Chinchilla constants.

    Returns
    -------
    float or ndarray
        L*(C) − E [nats/token]: the part more compute can still remove.

    Notes
    -----
    L*(C) − E = A/N_opt^α + B/D_opt^β ∝ C^(−αβ/(α+β)).

    References
    ----------
    Hoffmann et al. (2022) Eq. 2 and 4.

    Examples
    --------
    >>> round(gap_to_irreducible(1e24, "besiroglu2024"), 3)
    0.143
    """
    f = get_fit(fit)
    return output(np.asarray(loss_at_compute(flops, f)) - f.E, flops)


@dataclass(frozen=True)
class ReturnsTable:
    """Compute-optimal loss, gain per decade and gap to E, for several fits and budgets.

    Attributes
    ----------
    flops : tuple of float
        The budgets, one per row [FLOP].
    fits : tuple of str
        The fit names, one column group each.
    loss, gain, gap : dict
        fit name -> tuple of values per budget [nats/token]: L*(C), L*(C) − L*(10C), L*(C) − E.
    """

    flops: tuple
    fits: tuple
    loss: dict
    gain: dict
    gap: dict

    def _rows(self):
        headers = ["C [FLOP]", "fit", "L* [nats]", "L*(C) - L*(10C)", "L* - E"]
        rows = [
            [f"{c:.0e}", name, f"{self.loss[name][i]:.3f}", f"{self.gain[name][i]:.4f}",
             f"{self.gap[name][i]:.3f}"]
            for i, c in enumerate(self.flops) for name in self.fits
        ]
        return headers, rows

    def __str__(self) -> str:
        return text_table(*self._rows())

    def _repr_html_(self) -> str:
        return html_table(*self._rows(), caption="Compute-optimal loss per decade of compute "
                           "[nats/token]")


def returns_table(fits: Sequence[Fit | str] = ("hoffmann2022", "hoffmann2022_tex",
                                               "besiroglu2024"),
                  decades: Sequence[int] = DEFAULT_DECADES) -> ReturnsTable:
    """Tabulate loss, gain per decade and gap to E for each fit over decades of compute.

    Parameters
    ----------
    fits : sequence of Fit or str
        The fits to compare (default: the three in :data:`lessons.chinchilla.FITS`).
    decades : sequence of int
        Exponents k of the budgets C = 10^k [FLOP] (default 18 ... 26).

    Returns
    -------
    ReturnsTable
        Prints as a text table; renders as HTML in Jupyter.

    Notes
    -----
    Each cell is :func:`loss_at_compute`, :func:`gain_per_decade` or :func:`gap_to_irreducible`
    at C = 10^k.

    References
    ----------
    Hoffmann et al. (2022) Eq. 4; Besiroglu et al. (2024) Table 1.

    Examples
    --------
    >>> t = returns_table(["besiroglu2024"], decades=[21, 24])
    >>> print(t)
    C [FLOP]  fit            L* [nats]  L*(C) - L*(10C)  L* - E
    --------  -------------  ---------  ---------------  ------
    1e+21     besiroglu2024      2.306           0.1644   0.488
    1e+24     besiroglu2024      1.960           0.0480   0.143
    """
    decades = [int(k) for k in decades]
    if not decades:
        raise ValueError("decades must list at least one exponent, e.g. range(18, 27).")
    c = 10.0 ** np.asarray(decades, dtype=float)
    resolved = [get_fit(f) for f in fits]
    if not resolved:
        raise ValueError("fits must name at least one fit, e.g. ['besiroglu2024'].")
    names = tuple(f.name for f in resolved)
    return ReturnsTable(
        flops=tuple(float(x) for x in c),
        fits=names,
        loss={f.name: tuple(map(float, loss_at_compute(c, f))) for f in resolved},
        gain={f.name: tuple(map(float, gain_per_decade(c, f))) for f in resolved},
        gap={f.name: tuple(map(float, gap_to_irreducible(c, f))) for f in resolved},
    )


#: Schaeffer et al.'s model of emergence: per-token probability exp(−L), answers of k tokens.
EMERGENCE_CITE = Cite("schaeffer2023", "§2: p(token correct) = exp(−L_CE); accuracy ≈ p^L for "
                      "an answer of L tokens (tokens independent); token edit distance ≈ "
                      "L·(1 − p)")


@dataclass(frozen=True)
class EmergenceCount:
    """Which metrics the claimed emergent abilities of BIG-Bench rest on (Schaeffer et al. §4).

    Attributes
    ----------
    n_metrics : int
        BIG-Bench's preferred metrics examined [count].
    by_score_at_most : int
        At most this many metrics show emergence by the emergence score [count].
    by_hand : int
        Metrics that show emergence in the hand-annotated data [count].
    dominant : tuple of str
        The two metrics that account for most claimed emergent abilities, with their kind.
    share_above : float
        Those two account for MORE than this share of the claimed emergent abilities: a lower
        bound, printed "> 92 %", not a measured 92 % [fraction].
    cite : Cite
        Where it is stated.
    """

    n_metrics: int
    by_score_at_most: int
    by_hand: int
    dominant: tuple
    share_above: float
    cite: Cite

    def __str__(self) -> str:
        names = " and ".join(self.dominant)
        return (f"{len(self.dominant)} of {self.n_metrics} metrics "
                f"({len(self.dominant) / self.n_metrics:.0%} of them), {names}, account for "
                f"more than {self.share_above:.0%} of the claimed emergent abilities")


#: Schaeffer et al. (2023) §4: of 39 preferred BIG-Bench metrics at most 5 show emergence by
#: emergence score, 4 in the hand-annotated data, and 2 account for ">92%" of claimed emergent
#: abilities (fact sheet §13.7; "92 %" without the ">" misquotes it).
SCHAEFFER_2023_COUNT = EmergenceCount(
    n_metrics=39, by_score_at_most=5, by_hand=4,
    dominant=("Multiple Choice Grade (discontinuous)", "Exact String Match (nonlinear)"),
    share_above=0.92,
    cite=Cite("schaeffer2023", "§4: '2 metrics account for >92%' of claimed emergent "
              "abilities; at most 5 of 39 metrics by emergence score, 4/39 hand-annotated"))


def _answer(loss, answer_tokens):
    ell = positive("loss", loss, unit="nats/token", allow_zero=True)
    k = positive("answer_tokens", answer_tokens, unit="tokens")
    if np.any(k != np.round(k)):
        raise ValueError(f"answer_tokens must be whole numbers of tokens; got {answer_tokens!r}.")
    return broadcast(loss=ell, answer_tokens=k)


def exact_match(loss, answer_tokens):
    """Chance of getting every token of a k-token answer right, from a per-token loss [fraction].

    Parameters
    ----------
    loss : float or array_like
        Per-token cross-entropy on the answer's tokens [nats/token].
    answer_tokens : int or array_like
        k, the answer's length [tokens].

    Returns
    -------
    float or numpy.ndarray
        exp(−L·k) [fraction]: the per-token probability exp(−L) to the power k.

    Notes
    -----
    Schaeffer et al. (2023, §2) model a token as right with probability p = exp(−L_CE) and the
    tokens of an answer as independent, so exact-match accuracy ≈ p^k = exp(−k·L). A loss that
    falls smoothly then gives an accuracy that sits near zero and shoots up once k·L drops
    below a few nats: the longer the answer, the sharper the rise. Per-token metrics
    (:func:`token_edit_distance`) stay smooth.

    References
    ----------
    Schaeffer, Miranda, Koyejo (2023) §2.

    Examples
    --------
    >>> [round(exact_match(0.5, k), 3) for k in (1, 5, 20)]
    [0.607, 0.082, 0.0]
    """
    ell, k = _answer(loss, answer_tokens)
    return output(np.exp(-ell * k), loss, answer_tokens)


def token_edit_distance(loss, answer_tokens):
    """Expected number of wrong tokens in a k-token answer, from a per-token loss [tokens].

    Parameters
    ----------
    loss : float or array_like
        Per-token cross-entropy on the answer's tokens [nats/token].
    answer_tokens : int or array_like
        k, the answer's length [tokens].

    Returns
    -------
    float or numpy.ndarray
        k·(1 − exp(−L)) [tokens]: a per-token metric, nearly linear in L when L is small.

    Notes
    -----
    Token edit distance ≈ k·(1 − p) with p = exp(−L) (Schaeffer et al. 2023, §2): the metric
    that does not show "emergence" on the same models.

    References
    ----------
    Schaeffer, Miranda, Koyejo (2023) §2.

    Examples
    --------
    >>> round(token_edit_distance(0.5, 5), 3)
    1.967
    """
    ell, k = _answer(loss, answer_tokens)
    return output(k * (1.0 - np.exp(-ell)), loss, answer_tokens)


@dataclass(frozen=True)
class PrecisionFit:
    """Constants of Kumar et al.'s effective parameter count for training in low precision.

    Attributes
    ----------
    gamma : float
        γ, how fast the penalty fades with the bits [bits].
    offset : float
        n, the fitted offset in e^(−(P/γ + n)) [dimensionless].
    cite : Cite
        Where the constants come from.
    """

    gamma: float
    offset: float
    cite: Cite


#: Kumar et al. (2024), App. K Table 2: weights trained in integer precision, γ_w = 2.6745 with
#: the offset n_w = 0.3037 (their fits include it: e^(−(P/γ + n))).
KUMAR_2024_WEIGHTS = PrecisionFit(2.6745, 0.3037, Cite("kumar2024", "Eq. 3; App. K Table 2: "
                                                      "γ_w = 2.6745, n_w = 0.3037"))
PRECISION_CITE = KUMAR_2024_WEIGHTS.cite


def precision_effective_params(n_params, bits, fit: PrecisionFit = KUMAR_2024_WEIGHTS):
    """What N parameters trained with P-bit weights are worth, in full-precision parameters.

    Parameters
    ----------
    n_params : float or array_like
        N, the model's parameters [parameters].
    bits : float or array_like
        P_w, the precision the weights are trained in [bits].
    fit : PrecisionFit
        The constants (default :data:`KUMAR_2024_WEIGHTS`).

    Returns
    -------
    float or numpy.ndarray
        N_eff = N·(1 − e^(−(P/γ + n))) [parameters].

    Notes
    -----
    Kumar et al. (2024, Eq. 3) write N_eff = N(1 − e^(−P_w/γ_w)), one such factor each for
    weights, activations and KV cache, and put N_eff in place of N in A/N^α; their fitted
    constants include an offset n, used here. Weights only: the factors of activations
    (γ_a = 2.2102) and KV cache (γ_kv = 0.9578) are not included.

    References
    ----------
    Kumar et al. (2024), Eq. 3 and App. K Table 2.

    Examples
    --------
    >>> [round(precision_effective_params(1e9, p) / 1e9, 3) for p in (3, 4, 8, 16)]
    [0.76, 0.835, 0.963, 0.998]
    """
    n = positive("n_params", n_params, unit="parameters")
    p = positive("bits", bits, unit="bits")
    if np.any(p > 64):
        raise ValueError(f"bits is the weights' precision, at most 64 [bits]; got {bits!r}.")
    n, p = broadcast(n_params=n, bits=p)
    return output(n * (1.0 - np.exp(-(p / fit.gamma + fit.offset))), n_params, bits)
