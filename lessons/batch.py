"""Batch size and learning rate at scale: the gradient noise scale and DeepSeek's fitted laws.

Taught in the chapter *Batch size, learning rate and schedules at scale*.

Two views of how large a batch should be:

* **The noise scale** (McCandlish et al. 2018). A batch of B examples estimates the true
  gradient G with per-example covariance Σ; the batch gradient's expected squared norm is
  |G|² + tr(Σ)/B. The *simple noise scale* B_simple = tr(Σ)/|G|² is the batch at which noise
  and signal are equal: far below it, doubling the batch nearly halves the steps; far above
  it, extra examples are wasted. Steps S and examples E needed to reach a loss trade off as
  (S/S_min − 1)(E/E_min − 1) = 1, whose balance point is B_crit = E_min/S_min (Kaplan et al.
  2020, Eq. 5.1-5.2). :func:`noise_scale` is the estimator from two batch sizes that needs no
  per-example gradients; :func:`noise_scale_from_samples` uses per-example gradients.
* **Fitted laws** (DeepSeek LLM 2024, Eq. 1): the near-optimal batch size and learning rate
  as powers of the compute budget, B_opt = 0.2920·C^0.3271 [tokens] and
  η_opt = 0.3118·C^−0.1250, with C = M·D and M the non-embedding FLOP per token of their
  Eq. 2 (:func:`deepseek_flops_per_token`).

McCandlish et al.'s equation numbers were not read in their own text; the formulas are those
restated by Kaplan et al. §5.1 and implemented in EleutherAI's gpt-neox (the course's fact
sheet, §13.1).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._validate import broadcast, output, positive, raw_count
from .chinchilla import FittedRange
from .sources import Cite

__all__ = [
    "DEEPSEEK_LLM",
    "DEEPSEEK_7B",
    "DeepSeekArchitecture",
    "FITTED_RANGE",
    "HyperparameterLaw",
    "MIN_FLOPS",
    "NOISE_SCALE_CITES",
    "PUBLISHED_BATCHES",
    "PublishedBatch",
    "critical_batch",
    "deepseek_batch",
    "deepseek_flops_per_token",
    "deepseek_lr",
    "deepseek_optimal",
    "fit_tradeoff",
    "noise_scale",
    "noise_scale_from_samples",
    "tradeoff",
]

#: Below this many FLOP a budget is taken for a unit mistake and refused [FLOP].
MIN_FLOPS = 1e10

#: Where the noise-scale formulas come from (fact sheet §13.1).
NOISE_SCALE_CITES = {
    "b_simple": Cite("mccandlish2018", "B_simple = tr(Σ)/|G|², restated by several notes and "
                     "the gpt-neox implementation", "SECONDARY"),
    "tradeoff": Cite("kaplan2020", "§5.1, Eq. 5.1-5.2: (S/S_min − 1)(E/E_min − 1) = 1, "
                     "B_crit = E_min/S_min (after McCandlish et al.)"),
    "two_batch": Cite("mccandlish2018", "App. A.1 two-batch estimator, from "
                      "E|G_B|² = |G|² + tr(Σ)/B; as in gpt-neox "
                      "megatron/gradient_noise_scale", "SECONDARY"),
}


@dataclass(frozen=True)
class HyperparameterLaw:
    """DeepSeek LLM's fitted scaling laws of batch size, learning rate and allocation.

    Attributes
    ----------
    batch_coef, batch_exp : float
        B_opt = batch_coef · C^batch_exp [tokens; C in FLOP].
    lr_coef, lr_exp : float
        η_opt = lr_coef · C^lr_exp [dimensionless; C in FLOP].
    fitted_flops : tuple of float
        The budgets the two laws were fitted on, (low, high) [FLOP].
    near_optimal : float
        Runs within this fraction of the best generalization error counted as near-optimal
        [fraction].
    attention_coef, dense_coef : float
        M = dense_coef·n_layer·d² + attention_coef·n_layer·d·l_seq [FLOP/token].
    m_opt_coef, m_opt_exp, d_opt_coef, d_opt_exp : float
        M_opt = m_opt_coef·C^m_opt_exp [FLOP/token], D_opt = d_opt_coef·C^d_opt_exp [tokens].
    cites : dict
        Attribute name -> :class:`~lessons.sources.Cite`.
    """

    batch_coef: float
    batch_exp: float
    lr_coef: float
    lr_exp: float
    fitted_flops: tuple
    near_optimal: float
    dense_coef: float
    attention_coef: float
    m_opt_coef: float
    m_opt_exp: float
    d_opt_coef: float
    d_opt_exp: float
    cites: dict = field(default_factory=dict, compare=False, hash=False)


DEEPSEEK_LLM = HyperparameterLaw(
    batch_coef=0.2920, batch_exp=0.3271, lr_coef=0.3118, lr_exp=-0.1250,
    fitted_flops=(1e17, 2e19), near_optimal=0.0025,
    dense_coef=72.0, attention_coef=12.0,
    m_opt_coef=0.1715, m_opt_exp=0.5243, d_opt_coef=5.8316, d_opt_exp=0.4757,
    cites={
        "batch": Cite("deepseekllm2024", "§3.1, Eq. 1 (B in tokens: the 7B check of the fact "
                      "sheet §13.3 reproduces Table 2's batch)"),
        "lr": Cite("deepseekllm2024", "§3.1, Eq. 1"),
        "fitted_flops": Cite("deepseekllm2024", "§3.1: budgets 1e17 to 2e19 FLOP"),
        "near_optimal": Cite("deepseekllm2024", "§3.1: within 0.25 % of the minimum "
                             "generalization error"),
        "model_scale": Cite("deepseekllm2024", "§3.2, Eq. 2: M = 72 n_layer d² + "
                            "12 n_layer d l_seq (attention coefficient 12, not 6)"),
        "allocation": Cite("deepseekllm2024", "§3.2, Eq. 4: M_opt = 0.1715 C^0.5243, "
                           "D_opt = 5.8316 C^0.4757"),
    },
)


#: The budgets DeepSeek LLM's batch and learning-rate laws were fitted on: beyond them a value is
#: an extrapolation (:func:`lessons.chinchilla.extrapolation` says by how much).
FITTED_RANGE = FittedRange(flops=DEEPSEEK_LLM.fitted_flops, cite=DEEPSEEK_LLM.cites["fitted_flops"])


@dataclass(frozen=True)
class DeepSeekArchitecture:
    """The shape and training settings of a published DeepSeek LLM model.

    Attributes
    ----------
    name : str
        The model.
    n_layers, d_model, seq_len : int
        Layers [layers], width [units], context length [tokens].
    n_tokens : float
        Training tokens [tokens].
    batch_sequences : int
        Batch size as printed, in sequences of ``seq_len`` tokens [sequences].
    peak_lr : float
        Peak learning rate as printed [dimensionless].
    cite : Cite
        Where the numbers are printed.
    """

    name: str
    n_layers: int
    d_model: int
    seq_len: int
    n_tokens: float
    batch_sequences: int
    peak_lr: float
    cite: Cite

    @property
    def batch_tokens(self) -> float:
        """The printed batch in tokens, sequences × context [tokens]."""
        return float(self.batch_sequences * self.seq_len)


#: DeepSeek LLM 7B: 30 layers, d_model 4096, context 4096, 2.0T tokens, batch 2304 sequences,
#: peak learning rate 4.2e-4 (Table 2).
DEEPSEEK_7B = DeepSeekArchitecture("DeepSeek LLM 7B", n_layers=30, d_model=4096, seq_len=4096,
                                   n_tokens=2.0e12, batch_sequences=2304, peak_lr=4.2e-4,
                                   cite=Cite("deepseekllm2024", "Table 2"))


@dataclass(frozen=True)
class PublishedBatch:
    """The batch size a published run trained with.

    Attributes
    ----------
    name : str
        The run.
    batch_tokens : tuple of float
        Tokens per optimizer step; two values when the batch grew during the run, (start, end)
        [tokens].
    cite : Cite
        Where it is printed.
    """

    name: str
    batch_tokens: tuple
    cite: Cite


#: Batch sizes of published runs [tokens per step].
PUBLISHED_BATCHES = {
    b.name: b for b in (
        PublishedBatch("Chinchilla", (1.5e6, 3e6), Cite("hoffmann2022", "Table 4 (1.5M → 3M)")),
        PublishedBatch("Gopher", (3e6, 6e6), Cite("hoffmann2022", "Table 4 (3M → 6M)")),
        PublishedBatch("Llama 2 7B", (4e6,), Cite("llama2", "model card: global batch 4M "
                                                  "tokens")),
        PublishedBatch("DeepSeek LLM 7B", (float(DEEPSEEK_7B.batch_tokens),), DEEPSEEK_7B.cite),
        PublishedBatch("Llama 3.1 405B", (16e6,), Cite("llama3", "Table 4: 16M tokens per "
                                                       "batch in every configuration")),
    )
}


def _flops(flops):
    return raw_count("flops", flops, minimum=MIN_FLOPS, unit="FLOP",
                     example="flops=1e21 (a budget in FLOP, not PF-days)")


def noise_scale(g_small_sq, g_big_sq, b_small, b_big):
    """The gradient noise scale from squared gradient norms at two batch sizes.

    Parameters
    ----------
    g_small_sq : float or array_like
        |G_small|², squared norm of the gradient of a batch of ``b_small`` examples, averaged
        over several batches [loss² per parameter², summed over parameters].
    g_big_sq : float or array_like
        |G_big|², the same for batches of ``b_big`` examples [same unit].
    b_small, b_big : float or array_like
        The two batch sizes, b_small < b_big [examples].

    Returns
    -------
    (g_sq, trace, b_simple) : tuple
        |G|², the squared norm of the true gradient [same unit as the inputs]; tr(Σ), the
        summed per-example gradient variance [same unit × examples]; and
        B_simple = tr(Σ)/|G|² [examples].

    Notes
    -----
    A batch of B examples has E|G_B|² = |G|² + tr(Σ)/B. Two batch sizes give two equations:

    |G|² = (B_big·|G_big|² − B_small·|G_small|²)/(B_big − B_small),
    tr(Σ) = (|G_small|² − |G_big|²)/(1/B_small − 1/B_big).

    Each estimate is unbiased but noisy: average |G_small|² and |G_big|² over many batches
    first (or keep a moving average of |G|² and tr(Σ) separately), then take the ratio. A
    non-positive |G|² estimate means too few batches were averaged and is refused.

    References
    ----------
    McCandlish et al. (2018) App. A.1 [SECONDARY: as implemented in gpt-neox]; Kaplan et al.
    (2020) §5.1.

    Examples
    --------
    >>> g, tr, b = noise_scale(g_small_sq=2.0, g_big_sq=1.1, b_small=10, b_big=100)
    >>> round(g, 6), round(tr, 6), round(b, 3)
    (1.0, 10.0, 10.0)
    >>> noise_scale(1.0, 2.0, 10, 100)
    Traceback (most recent call last):
    ...
    ValueError: the tr(Σ) estimate is not positive (-11.111): the smaller batch must have the larger squared gradient norm. Check that g_small_sq belongs to b_small, or average both over more batches.
    """
    gs = positive("g_small_sq", g_small_sq, unit="squared gradient norm")
    gb = positive("g_big_sq", g_big_sq, unit="squared gradient norm")
    bs = positive("b_small", b_small, unit="examples")
    bb = positive("b_big", b_big, unit="examples")
    gs, gb, bs, bb = broadcast(g_small_sq=gs, g_big_sq=gb, b_small=bs, b_big=bb)
    if np.any(bb <= bs):
        raise ValueError(f"b_big must exceed b_small [examples]; got b_small={b_small!r}, "
                         f"b_big={b_big!r}.")
    g_sq = (bb * gb - bs * gs) / (bb - bs)
    trace = (gs - gb) / (1.0 / bs - 1.0 / bb)
    if np.any(trace <= 0):
        raise ValueError(
            f"the tr(Σ) estimate is not positive ({float(np.min(trace)):.5g}): the smaller "
            "batch must have the larger squared gradient norm. Check that g_small_sq belongs "
            "to b_small, or average both over more batches.")
    if np.any(g_sq <= 0):
        raise ValueError(
            f"the |G|² estimate is not positive ({float(np.min(g_sq)):.5g}): the gradient "
            "signal is buried in noise. Average |G_small|² and |G_big|² over more batches "
            "first.")
    inputs = (g_small_sq, g_big_sq, b_small, b_big)
    return output(g_sq, *inputs), output(trace, *inputs), output(trace / g_sq, *inputs)


def noise_scale_from_samples(per_example_grads):
    """The gradient noise scale from per-example gradients.

    Parameters
    ----------
    per_example_grads : array_like
        Shape (B, P): the gradient of each of B ≥ 2 examples' losses with respect to the P
        parameters [loss per parameter unit].

    Returns
    -------
    (g_sq, trace, b_simple) : tuple
        |G|² [squared gradient norm], tr(Σ) [the same], B_simple = tr(Σ)/|G|² [examples].

    Notes
    -----
    G ≈ ḡ, the mean gradient; tr(Σ) = Σ_p Var(g_p) with the unbiased (B − 1) denominator; and
    |G|² ≈ |ḡ|² − tr(Σ)/B, because |ḡ|² overstates |G|² by the noise of a batch of B. The same
    identity, E|G_B|² = |G|² + tr(Σ)/B, underlies :func:`noise_scale`.

    References
    ----------
    McCandlish et al. (2018) [SECONDARY], as restated in the fact sheet §13.1.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> g = np.array([1.0, 0.0]) + rng.standard_normal((20000, 2)) * 2.0   # tr Σ = 8, |G|² = 1
    >>> _, tr, b = noise_scale_from_samples(g)
    >>> round(tr, 1), round(b)
    (8.0, 8)
    """
    g = np.asarray(per_example_grads, dtype=float)
    if g.ndim != 2 or g.shape[0] < 2 or not np.all(np.isfinite(g)):
        raise ValueError("per_example_grads must be a finite array of shape (B, P) with B >= 2 "
                         f"examples, one gradient per row; got shape {g.shape}.")
    b = g.shape[0]
    mean = g.mean(axis=0)
    trace = float(g.var(axis=0, ddof=1).sum())
    g_sq = float(mean @ mean) - trace / b
    if g_sq <= 0 or trace <= 0:
        raise ValueError(f"the |G|² estimate from {b} examples is not positive ({g_sq:.5g}): "
                         "the mean gradient is buried in noise; use more examples.")
    return g_sq, trace, trace / g_sq


def tradeoff(batch, b_crit):
    """Steps and examples at a batch size, relative to their minima.

    Parameters
    ----------
    batch : float or array_like
        Batch size B [examples or tokens].
    b_crit : float or array_like
        Critical batch B_crit = E_min/S_min [the same unit].

    Returns
    -------
    (steps_ratio, examples_ratio) : tuple
        S/S_min = 1 + B_crit/B and E/E_min = 1 + B/B_crit [dimensionless].

    Notes
    -----
    From (S/S_min − 1)(E/E_min − 1) = 1 with E = B·S (Kaplan et al. 2020, Eq. 5.1-5.2). At
    B = B_crit both ratios are 2: twice the minimum steps and twice the minimum data.

    References
    ----------
    Kaplan et al. (2020) §5.1; McCandlish et al. (2018).

    Examples
    --------
    >>> tradeoff(1e6, 1e6)
    (2.0, 2.0)
    >>> tradeoff(1e5, 1e6)              # a tenth of B_crit: 11× the steps, 1.1× the data
    (11.0, 1.1)
    """
    b = positive("batch", batch)
    bc = positive("b_crit", b_crit)
    b, bc = broadcast(batch=b, b_crit=bc)
    return output(1.0 + bc / b, batch, b_crit), output(1.0 + b / bc, batch, b_crit)


def critical_batch(examples_min, steps_min):
    """Critical batch size from the minimum examples and minimum steps [examples].

    Parameters
    ----------
    examples_min : float or array_like
        E_min, the fewest examples (or tokens) that reach the loss, with a tiny batch [examples].
    steps_min : float or array_like
        S_min, the fewest optimizer steps that reach it, with a huge batch [steps].

    Returns
    -------
    float or numpy.ndarray
        B_crit = E_min/S_min [examples per step].

    Notes
    -----
    B_crit ≡ E_min/S_min (Kaplan et al. 2020, Eq. 5.2).

    References
    ----------
    Kaplan et al. (2020) §5.1.

    Examples
    --------
    >>> critical_batch(2e9, 1e3)
    2000000.0
    """
    e = positive("examples_min", examples_min, unit="examples")
    s = positive("steps_min", steps_min, unit="steps")
    e, s = broadcast(examples_min=e, steps_min=s)
    return output(e / s, examples_min, steps_min)


def fit_tradeoff(steps, examples):
    """Fit S_min and E_min to measured (steps, examples) pairs that reach one loss.

    Parameters
    ----------
    steps : array_like
        Steps S each run took to reach the target loss, one per batch size [steps].
    examples : array_like
        Examples (or tokens) E = B·S each run used [examples].

    Returns
    -------
    (steps_min, examples_min, b_crit) : tuple of float
        S_min [steps], E_min [examples] and B_crit = E_min/S_min [examples per step].

    Notes
    -----
    (S/S_min − 1)(E/E_min − 1) = 1 expands to S·E = S·E_min + E·S_min, that is

    1 = E_min·(1/E) + S_min·(1/S):

    linear in the unknowns, so ordinary least squares over the runs gives them.

    References
    ----------
    Kaplan et al. (2020) Eq. 5.1; McCandlish et al. (2018).

    Examples
    --------
    >>> b = np.array([1e4, 1e5, 1e6, 1e7])               # batches around B_crit = 1e6
    >>> s = 1e3 * (1 + 1e6 / b)                          # S_min = 1e3 steps
    >>> s_min, e_min, b_crit = fit_tradeoff(s, b * s)
    >>> round(s_min), round(e_min / 1e9, 6), round(b_crit)
    (1000, 1.0, 1000000)
    """
    s = positive("steps", steps, unit="steps").ravel()
    e = positive("examples", examples, unit="examples").ravel()
    if s.shape != e.shape or s.size < 2:
        raise ValueError("steps and examples must be 1-D of one length, at least 2 runs; got "
                         f"{s.size} steps and {e.size} examples.")
    design = np.column_stack([1.0 / e, 1.0 / s])
    (e_min, s_min), *_ = np.linalg.lstsq(design, np.ones_like(s), rcond=None)
    if e_min <= 0 or s_min <= 0:
        raise ValueError("the runs do not trace the hyperbola (S/S_min − 1)(E/E_min − 1) = 1: "
                         f"the fit gave S_min={s_min:.3g}, E_min={e_min:.3g}. Use batch sizes "
                         "on both sides of the critical batch.")
    return float(s_min), float(e_min), float(e_min / s_min)


def deepseek_flops_per_token(n_layers, d_model, seq_len, *, attention_coef=None,
                             law: HyperparameterLaw = DEEPSEEK_LLM):
    """DeepSeek's model scale M: non-embedding training FLOP per token [FLOP/token].

    Parameters
    ----------
    n_layers : int or array_like
        Transformer layers [layers].
    d_model : int or array_like
        Model width [units].
    seq_len : int or array_like
        Context length l_seq [tokens].
    attention_coef : float, optional
        The attention term's coefficient; default the paper's 12. Pass 6 to see what the
        common slip costs [FLOP per layer · width · token].
    law : HyperparameterLaw
        The constants (default :data:`DEEPSEEK_LLM`).

    Returns
    -------
    float or numpy.ndarray
        M = 72·n_layer·d² + 12·n_layer·d·l_seq [FLOP/token]; C = M·D.

    Notes
    -----
    72·n_layer·d² is 6N₁ with N₁ = 12·n_layer·d² the non-embedding parameters; the second term
    is attention's score and value products over the context, forward and backward. DeepSeek
    prints 12 (Eq. 2); Kaplan et al.'s Table 1 gives 2·n_layer·n_ctx·d_attn forward, which is
    6 when tripled for training, hence the frequent 6.

    References
    ----------
    DeepSeek-AI (2024) §3.2, Eq. 2; Kaplan et al. (2020) Table 1.

    Examples
    --------
    >>> f"{deepseek_flops_per_token(30, 4096, 4096):.3g}"        # DeepSeek LLM 7B
    '4.23e+10'
    """
    n = positive("n_layers", n_layers, unit="layers")
    d = positive("d_model", d_model, unit="units")
    t = positive("seq_len", seq_len, unit="tokens")
    n, d, t = broadcast(n_layers=n, d_model=d, seq_len=t)
    coef = law.attention_coef if attention_coef is None else float(
        positive("attention_coef", attention_coef))
    return output(law.dense_coef * n * d**2 + coef * n * d * t, n_layers, d_model, seq_len)


def deepseek_batch(flops, law: HyperparameterLaw = DEEPSEEK_LLM):
    """DeepSeek LLM's near-optimal batch size for a compute budget [tokens].

    Parameters
    ----------
    flops : float or array_like
        Compute C = M·D [FLOP].
    law : HyperparameterLaw
        The constants (default :data:`DEEPSEEK_LLM`).

    Returns
    -------
    float or numpy.ndarray
        B_opt = 0.2920·C^0.3271 [tokens per step].

    Notes
    -----
    Fitted on budgets of 1e17 to 2e19 FLOP (DeepSeek-AI 2024, Eq. 1); beyond them it is an
    extrapolation, which DeepSeek checked at 1e20 and on their 7B and 67B models.

    References
    ----------
    DeepSeek-AI (2024) §3.1, Eq. 1.

    Examples
    --------
    >>> c = deepseek_flops_per_token(30, 4096, 4096) * 2e12       # DeepSeek LLM 7B's budget
    >>> f"{deepseek_batch(c):.3g} tokens = {deepseek_batch(c) / 4096:.0f} sequences of 4096"
    '9.22e+06 tokens = 2252 sequences of 4096'
    """
    c = _flops(flops)
    return output(law.batch_coef * c**law.batch_exp, flops)


def deepseek_lr(flops, law: HyperparameterLaw = DEEPSEEK_LLM):
    """DeepSeek LLM's near-optimal peak learning rate for a compute budget [dimensionless].

    Parameters
    ----------
    flops : float or array_like
        Compute C = M·D [FLOP].
    law : HyperparameterLaw
        The constants (default :data:`DEEPSEEK_LLM`).

    Returns
    -------
    float or numpy.ndarray
        η_opt = 0.3118·C^−0.1250 [dimensionless, for AdamW].

    Notes
    -----
    η_opt = 0.3118·C^−0.1250 (DeepSeek-AI 2024, Eq. 1): ten times the compute divides the
    learning rate by 10^0.125 ≈ 1.33 while the batch grows 10^0.3271 ≈ 2.1 times.

    References
    ----------
    DeepSeek-AI (2024) §3.1, Eq. 1.

    Examples
    --------
    >>> c = deepseek_flops_per_token(30, 4096, 4096) * 2e12
    >>> f"{deepseek_lr(c):.3g}"                                    # Table 2 prints 4.2e-4
    '0.000425'
    """
    c = _flops(flops)
    return output(law.lr_coef * c**law.lr_exp, flops)


def deepseek_optimal(flops, law: HyperparameterLaw = DEEPSEEK_LLM):
    """DeepSeek LLM's compute-optimal model scale and data for a budget.

    Parameters
    ----------
    flops : float or array_like
        Compute C = M·D [FLOP].
    law : HyperparameterLaw
        The constants (default :data:`DEEPSEEK_LLM`).

    Returns
    -------
    (flops_per_token, n_tokens) : tuple
        M_opt = 0.1715·C^0.5243 [FLOP/token] and D_opt = 5.8316·C^0.4757 [tokens].

    Notes
    -----
    Fitted on IsoFLOP profiles at 8 budgets from 1e17 to 3e20 FLOP (DeepSeek-AI 2024, Eq. 4).
    M_opt·D_opt = 1.0001·C: the two laws spend the budget. The exponent 0.5243 is for model
    scale in FLOP per token, not parameters.

    References
    ----------
    DeepSeek-AI (2024) §3.2, Eq. 4.

    Examples
    --------
    >>> m, d = deepseek_optimal(1e24)
    >>> f"{m:.3g} FLOP/token, {d:.3g} tokens, M·D/C = {m * d / 1e24:.4f}"
    '6.57e+11 FLOP/token, 1.52e+12 tokens, M·D/C = 1.0001'
    """
    c = _flops(flops)
    return (output(law.m_opt_coef * c**law.m_opt_exp, flops),
            output(law.d_opt_coef * c**law.d_opt_exp, flops))
