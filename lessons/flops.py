"""Counting training compute: 6ND, the fuller counts behind it, parameters, GPU-hours, PF-days.

Taught in the chapter *FLOPs, GPU-hours and PF-days*.

The rule of thumb is C ≈ 6ND FLOPs to train N parameters on D tokens (2N per token forward,
4N backward) and 2ND to run inference on D tokens. This module holds that rule and the fuller
counts it approximates, each as its paper wrote it:

* Kaplan et al. (2020) Table 1: 2N + 2·n_layer·n_ctx·d_attn forward FLOPs per token, with N the
  **non-embedding** parameters of Eq. 2.1;
* PaLM (Chowdhery et al. 2022, App. B): 6N + 12·L·H·Q·T training FLOPs per token, the count
  behind MFU (:mod:`lessons.mfu`);
* Chinchilla (Hoffmann et al. 2022, App. F): every matrix product of the forward pass, with
  embeddings, and backward = 2 × forward; its ratio to 6ND is their Table A4.

The per-token counts take either a parameter count and the shape in keywords, or an
:class:`~lessons.architecture.Architecture` (re-exported here with :func:`count_params`), which
also covers mixtures of experts: their FLOPs come from the **active** parameters (a token runs
through k experts, not all), their memory from the total (:mod:`lessons.memory`).

Embeddings are counted by default everywhere (``include_embeddings=True``, the Chinchilla
convention); only Kaplan's formulas take his non-embedding N, as he defined them.

It also turns FLOPs into device-hours, wall-clock days and PF-days. All counts are raw:
``n_params=8e9``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validate import broadcast, choose, legacy_positional, output, positive, raw_count
from .architecture import Architecture, count_params, param_counts
from .constants import (
    INFERENCE_FLOPS_PER_PARAM_TOKEN,
    MIN_FLOPS,
    MIN_RAW_COUNT,
    PF_DAY,
    TRAINING_FLOPS_PER_PARAM_TOKEN,
)
from .hardware import peak_flops
from .sources import Cite
from .throughput import training_time

__all__ = [
    "PF_DAY",
    "CITES",
    "MIN_RAW_COUNT",
    "MIN_FLOPS",
    "training_flops",
    "tokens_for_flops",
    "TRAINING_FLOPS_PER_PARAM_TOKEN",
    "inference_flops",
    "to_pf_days",
    "from_pf_days",
    "Architecture",
    "count_params",
    "kaplan_non_embedding_params",
    "flops_per_token_kaplan",
    "PALM_SHAPE",
    "flops_per_token_palm",
    "attention_flops_share",
    "flops_per_token_chinchilla",
    "ChinchillaShape",
    "CHINCHILLA_TABLE_A4",
    "CHINCHILLA_TABLE_A9",
    "chinchilla_params",
    "chinchilla_flops",
    "chinchilla_flops_ratio",
    "gpu_hours",
    "wall_clock_days",
]

#: Where each rule of this module comes from.
CITES: dict[str, Cite] = {
    "PF_DAY": Cite("kaplan2020", "§1.3: PF-day = 10^15 × 24 × 3600 = 8.64e19 FLOP"),
    "6ND": Cite("kaplan2020", "§2.1: C ≈ 6N FLOPs per training token"),
    "2ND": Cite("kaplan2020", "§2.1 and Table 1: C_forward ≈ 2N per token"),
    "kaplan_N": Cite("kaplan2020", "Eq. 2.1: N ≈ 2 d_model n_layer (2 d_attn + d_ff)"),
    "kaplan_table1": Cite("kaplan2020", "Table 1: C_forward ≈ 2N + 2 n_layer n_ctx d_attn"),
    "palm": Cite("palm", "App. B: 6N + 12LHQT FLOPs per token (as quoted; fact sheet §6)",
                 "SECONDARY"),
    "chinchilla_app_f": Cite("hoffmann2022", "App. F, FLOP accounting; Table A4 "
                             "(read in a transcription of the arXiv TeX source)"),
    "chinchilla_N": Cite("hoffmann2022", "Table A9 parameter counts, reproduced by "
                         "chinchilla_params within 0.81 % for all 50 rows (23 of them to the "
                         "table's 1M rounding)", "DERIVED"),
    "table_a9": Cite("hoffmann2022", "Table A9 (the 50 model shapes), as transcribed in "
                     "github.com/Vermeille/papote model_specs/chinchilla.py; ffw_size = 4 d_model",
                     "SECONDARY"),
}


def _count(name: str, value, unit: str = "parameters", example: str = "n_params=8e9"):
    return raw_count(name, value, minimum=MIN_RAW_COUNT, unit=unit, example=example)


def _flops(flops):
    return raw_count("flops", flops, minimum=MIN_FLOPS, unit="FLOP",
                     example="flops=3.14e23; PF-days must first be multiplied by PF_DAY = 8.64e19")


def training_flops(n_params, n_tokens):
    """Training compute by the 6ND rule [FLOP].

    Parameters
    ----------
    n_params : float or array_like
        Parameters N [parameters, raw count] (for a mixture of experts, the *active* count).
    n_tokens : float or array_like
        Training tokens D [tokens, raw count].

    Returns
    -------
    float or numpy.ndarray
        C = 6·N·D [FLOP].

    Notes
    -----
    C ≈ 6ND: per token, 2N FLOPs forward (one multiply-add per weight) and 4N backward.
    It leaves out attention over the context, 12LHQT per token (:func:`flops_per_token_palm`).
    With N ≈ 12·L·d² and HQ = d that is T/(6d) of 6N: small while d_model ≫ T/6. (Kaplan's
    rule, d_model ≫ n_ctx/12, is for his forward count 2·n_layer·n_ctx·d_attn, half PaLM's
    term.) For a mixture of experts, N is the active count.

    References
    ----------
    Kaplan et al. (2020) §2.1; Hoffmann et al. (2022) App. F.

    Examples
    --------
    >>> f"{training_flops(8.03e9, 15e12):.3g}"        # Llama 3 8B, fact sheet §10
    '7.23e+23'
    >>> f"{training_flops(174.6e9, 300e9):.4g}"       # GPT-3, fact sheet §9
    '3.143e+23'
    >>> training_flops(8, 15e12)                      # "8 billion" is refused
    Traceback (most recent call last):
    ...
    ValueError: n_params=8.0 [parameters] is implausibly small: ...
    """
    n, d = broadcast(n_params=_count("n_params", n_params),
                     n_tokens=_count("n_tokens", n_tokens, "tokens", "n_tokens=15e12"))
    return output(TRAINING_FLOPS_PER_PARAM_TOKEN * n * d, n_params, n_tokens)


def tokens_for_flops(flops, n_params):
    """Training tokens that spend a compute budget at a model size, by 6ND [tokens].

    Parameters
    ----------
    flops : float or array_like
        Training compute C [FLOP].
    n_params : float or array_like
        Parameters N [parameters, raw count].

    Returns
    -------
    float or numpy.ndarray
        D = C / (6N) [tokens].

    Notes
    -----
    The inverse of :func:`training_flops` in D (a test checks both on the same inputs).

    References
    ----------
    Kaplan et al. (2020) §2.1.

    Examples
    --------
    >>> f"{tokens_for_flops(5.88e23, 7e10):.3g}"     # Chinchilla: 1.4e12 tokens
    '1.4e+12'
    """
    c = positive("flops", flops, unit="FLOP")
    c, n = broadcast(flops=c, n_params=_count("n_params", n_params))
    return output(c / (TRAINING_FLOPS_PER_PARAM_TOKEN * n), flops, n_params)


def inference_flops(n_params, n_tokens):
    """Inference compute by the 2ND rule: one forward pass per token [FLOP].

    Parameters
    ----------
    n_params : float or array_like
        Parameters N [parameters, raw count] (active parameters for a mixture of experts).
    n_tokens : float or array_like
        Tokens processed (prompt plus generated) [tokens, raw count].

    Returns
    -------
    float or numpy.ndarray
        C = 2·N·D [FLOP].

    Notes
    -----
    2N per token is the forward pass of :func:`training_flops` without the 4N of the backward
    pass; attention over the context is left out, as there.

    References
    ----------
    Kaplan et al. (2020) §2.1, Table 1; Sardana et al. (2024) §2.

    Examples
    --------
    >>> f"{inference_flops(13e9, 2e12):.3g}"
    '5.2e+22'
    """
    n, d = broadcast(n_params=_count("n_params", n_params),
                     n_tokens=_count("n_tokens", n_tokens, "tokens", "n_tokens=2e12"))
    return output(INFERENCE_FLOPS_PER_PARAM_TOKEN * n * d, n_params, n_tokens)


def to_pf_days(flops):
    """Convert FLOP to PF-days, the unit of Kaplan et al.'s laws [PF-days].

    Parameters
    ----------
    flops : float or array_like
        Compute [FLOP].

    Returns
    -------
    float or numpy.ndarray
        Compute [PF-days].

    Notes
    -----
    1 PF-day = 10^15 FLOP/s × 86,400 s = :data:`PF_DAY` = 8.64e19 FLOP (Kaplan et al. §1.3).

    References
    ----------
    Kaplan et al. (2020) §1.3; Brown et al. (2020) Table D.1.

    Examples
    --------
    >>> round(to_pf_days(training_flops(174.6e9, 300e9)), 1)   # GPT-3: Table D.1 says 3.64e3
    3637.5
    """
    return output(_flops(flops) / PF_DAY, flops)


def from_pf_days(pf_days):
    """Convert PF-days to FLOP [FLOP].

    Parameters
    ----------
    pf_days : float or array_like
        Compute [PF-days].

    Returns
    -------
    float or numpy.ndarray
        Compute [FLOP].

    Notes
    -----
    C [FLOP] = C [PF-days] × 8.64e19 (:data:`PF_DAY`).

    References
    ----------
    Kaplan et al. (2020) §1.3.

    Examples
    --------
    >>> f"{from_pf_days(3.64e3):.3g}"     # GPT-3
    '3.14e+23'
    """
    return output(positive("pf_days", pf_days, unit="PF-days") * PF_DAY, pf_days)


# --- Parameter counts (the Architecture lives in lessons.architecture) ------------------


def kaplan_non_embedding_params(n_layers, d_model, d_attn=None, d_ff=None):
    """Kaplan et al.'s non-embedding parameter count N [parameters].

    Parameters
    ----------
    n_layers : float or array_like
        Layers n_layer [layers].
    d_model : float or array_like
        Residual-stream width [dimensions].
    d_attn : float or array_like, optional
        Attention width (heads × head size) [dimensions]; default ``d_model``.
    d_ff : float or array_like, optional
        MLP hidden width [dimensions]; default ``4 · d_model``.

    Returns
    -------
    float or numpy.ndarray
        N ≈ 2·d_model·n_layer·(2·d_attn + d_ff) [parameters].

    Notes
    -----
    Kaplan et al. Eq. 2.1, which drops biases, norms and all embeddings. With the defaults
    d_attn = d_ff/4 = d_model it is 12·n_layer·d_model². Chinchilla's N, by contrast, includes
    the embeddings.

    References
    ----------
    Kaplan et al. (2020) Eq. 2.1 and §1.3.

    Examples
    --------
    >>> n = kaplan_non_embedding_params(96, 12288)        # GPT-3 175B's shape
    >>> f"{n:.4g} {n + 50257 * 12288 + 2048 * 12288:.4g}"  # + token and position embeddings
    '1.739e+11 1.746e+11'
    >>> kaplan_non_embedding_params(32, 4096) == 12 * 32 * 4096**2
    True
    """
    n_l = positive("n_layers", n_layers, unit="layers")
    d = positive("d_model", d_model, unit="dimensions")
    da = d if d_attn is None else positive("d_attn", d_attn, unit="dimensions")
    dff = 4.0 * d if d_ff is None else positive("d_ff", d_ff, unit="dimensions")
    n_l, d, da, dff = broadcast(n_layers=n_l, d_model=d, d_attn=da, d_ff=dff)
    return output(2.0 * d * n_l * (2.0 * da + dff), n_layers, d_model, d_attn, d_ff)


_KINDS = {"forward": 1.0, "training": 3.0}  # training = forward + backward (2 × forward)


def flops_per_token_kaplan(model, n_layers=None, n_ctx=None, d_attn=None, *,
                           kind: str = "training"):
    """Kaplan et al.'s FLOPs per token, context term included [FLOP/token].

    Parameters
    ----------
    model : float, array_like or Architecture
        Non-embedding parameters N (:func:`kaplan_non_embedding_params`) [parameters], or an
        :class:`~lessons.architecture.Architecture`, from which N (active, non-embedding),
        n_layer, n_ctx and d_attn are taken.
    n_layers : float or array_like
        Layers n_layer [layers]; not with an Architecture.
    n_ctx : float or array_like
        Context length [tokens]; with an Architecture, overrides its ``seq_len``.
    d_attn : float or array_like
        Attention width [dimensions]; not with an Architecture.
    kind : str
        ``"forward"`` (Table 1) or ``"training"`` (forward + backward = 3 × forward).

    Returns
    -------
    float or numpy.ndarray
        FLOPs per token [FLOP/token].

    Notes
    -----
    C_forward ≈ 2N + 2·n_layer·n_ctx·d_attn (Table 1); training is 3 × that (the backward pass
    costs twice the forward), 6N + 6·n_layer·n_ctx·d_attn. Eq. 2.2 prints the context term with
    d_model instead of d_attn; they are equal in Kaplan's models. PaLM's attention term
    12·L·H·Q·T (:func:`flops_per_token_palm`) is twice Kaplan's, with HQ = d_attn. From an
    Architecture, d_attn = H·(Q_qk + Q_v)/2, which is HQ for standard attention.

    References
    ----------
    Kaplan et al. (2020) Table 1, Eq. 2.2, §2.1.

    Examples
    --------
    >>> n = kaplan_non_embedding_params(12, 768)
    >>> flops_per_token_kaplan(n, 12, 1024, 768, kind="forward") / (2 * n)  # context adds ~11 %
    1.1111111111111112
    """
    k = choose("kind", kind, _KINDS)
    if isinstance(model, Architecture):
        _only_seq_len("flops_per_token_kaplan", n_layers=n_layers, d_attn=d_attn)
        ctx = model.seq_len if n_ctx is None else positive("n_ctx", n_ctx, unit="tokens")
        n = param_counts(model).active_non_embedding
        d_attn_arch = model.n_heads * (model.qk_head_dim + model.v_head_dim) / 2
        return output(k * (2.0 * n + 2.0 * model.n_layers * np.asarray(ctx) * d_attn_arch),
                      *([] if n_ctx is None else [n_ctx]))
    missing = [name for name, v in (("n_layers", n_layers), ("n_ctx", n_ctx), ("d_attn", d_attn))
               if v is None]
    if missing:
        raise ValueError(f"with a parameter count, pass n_layers, n_ctx and d_attn too (or an "
                         f"Architecture instead); missing: {', '.join(missing)}.")
    n = raw_count("n_params", model, minimum=MIN_RAW_COUNT, unit="parameters",
                  example="n_params=1.7e11")
    n_l = positive("n_layers", n_layers, unit="layers")
    ctx = positive("n_ctx", n_ctx, unit="tokens")
    da = positive("d_attn", d_attn, unit="dimensions")
    n, n_l, ctx, da = broadcast(n_params=n, n_layers=n_l, n_ctx=ctx, d_attn=da)
    return output(k * (2.0 * n + 2.0 * n_l * ctx * da), model, n_layers, n_ctx, d_attn)


#: The shape keywords of PaLM's attention term, in the order older positional calls used.
PALM_SHAPE = ("n_layers", "n_heads", "head_dim", "seq_len")


def _only_seq_len(func: str, **given) -> None:
    extra = [name for name, value in given.items() if value is not None]
    if extra:
        raise ValueError(f"{func}: {', '.join(extra)} come from the Architecture; pass only "
                         "seq_len to change its context, or pass n_params instead of it.")


def _palm_terms(model, n_layers, n_heads, head_dim, seq_len):
    """(6N, attention FLOPs per token, the array inputs that shape the result)."""
    if isinstance(model, Architecture):
        _only_seq_len("flops_per_token_palm", n_layers=n_layers, n_heads=n_heads,
                      head_dim=head_dim)
        t = model.seq_len if seq_len is None else positive("seq_len", seq_len, unit="tokens")
        attn = (TRAINING_FLOPS_PER_PARAM_TOKEN * model.n_layers * model.n_heads
                * (model.qk_head_dim + model.v_head_dim) * np.asarray(t, dtype=float))
        six_n = TRAINING_FLOPS_PER_PARAM_TOKEN * float(param_counts(model).active)
        return six_n, attn, ([] if seq_len is None else [seq_len])
    shape = dict(zip(PALM_SHAPE, (n_layers, n_heads, head_dim, seq_len), strict=True))
    missing = [name for name, value in shape.items() if value is None]
    if missing:
        raise ValueError(f"with a parameter count, pass all of {', '.join(PALM_SHAPE)} (or an "
                         f"Architecture instead); missing: {', '.join(missing)}.")
    n = _count("n_params", model)
    n, n_l, h, q, t = broadcast(
        n_params=n,
        n_layers=positive("n_layers", n_layers, unit="layers"),
        n_heads=positive("n_heads", n_heads, unit="heads"),
        head_dim=positive("head_dim", head_dim, unit="dimensions"),
        seq_len=positive("seq_len", seq_len, unit="tokens"),
    )
    return TRAINING_FLOPS_PER_PARAM_TOKEN * n, 12.0 * n_l * h * q * t, [model, *shape.values()]


@legacy_positional(1, PALM_SHAPE)
def flops_per_token_palm(model, *, n_layers=None, n_heads=None, head_dim=None, seq_len=None):
    """PaLM's training FLOPs per token, 6N + 12LHQT [FLOP/token].

    Parameters
    ----------
    model : float, array_like or Architecture
        Parameters N [parameters, raw count], or an
        :class:`~lessons.architecture.Architecture` that gives N (active, with embeddings)
        and the shape.
    n_layers : float or array_like
        Layers L [layers]; with a parameter count only.
    n_heads : float or array_like
        Attention heads H [heads]; with a parameter count only.
    head_dim : float or array_like
        Head dimension Q [dimensions]; with a parameter count only.
    seq_len : float or array_like
        Sequence length T [tokens]; with an Architecture, overrides its ``seq_len``.

    Returns
    -------
    float or numpy.ndarray
        6N + 12·L·H·Q·T [FLOP/token].

    Notes
    -----
    6N for the weight matrices (forward and backward) plus 12·L·H·Q·T for the attention
    score and value products over a T-token context. This is the numerator of PaLM's MFU
    (:func:`lessons.mfu.mfu`). H·Q is the attention width; it need not equal d_model. From an
    Architecture the attention term is 6·L·T·H·(Q_qk + Q_v), which is 12LHQT when queries,
    keys and values share the head width (latent attention does not), and N is the active
    count, so a mixture of experts is charged for the experts a token uses. The older
    positional form ``(n_params, n_layers, n_heads, head_dim, seq_len)`` still works.

    References
    ----------
    Chowdhery et al. (2022) §4.1 and App. B (quoted; fact sheet §6).

    Examples
    --------
    >>> f"{flops_per_token_palm(540.35e9, n_layers=118, n_heads=48, head_dim=256, seq_len=2048):.4g}"
    '3.278e+12'
    >>> llama3_8b = Architecture(vocab_size=128256, d_model=4096, n_layers=32, n_heads=32,
    ...                          n_kv_heads=8, d_ff=14336, seq_len=8192)
    >>> f"{flops_per_token_palm(llama3_8b):.4g}"
    '6.107e+10'
    >>> flops_per_token_palm(8e9, n_layers=32)
    Traceback (most recent call last):
    ...
    ValueError: with a parameter count, pass all of n_layers, n_heads, head_dim, seq_len (or an Architecture instead); missing: n_heads, head_dim, seq_len.
    """
    six_n, attn, inputs = _palm_terms(model, n_layers, n_heads, head_dim, seq_len)
    return output(six_n + attn, *inputs)


@legacy_positional(1, PALM_SHAPE)
def attention_flops_share(model, *, n_layers=None, n_heads=None, head_dim=None, seq_len=None):
    """Share of PaLM's per-token FLOPs spent on attention over the context [fraction].

    Parameters
    ----------
    model : float, array_like or Architecture
        Parameters N [parameters, raw count], or an Architecture.
    n_layers : float or array_like
        Layers L [layers]; with a parameter count only.
    n_heads : float or array_like
        Attention heads H [heads]; with a parameter count only.
    head_dim : float or array_like
        Head dimension Q [dimensions]; with a parameter count only.
    seq_len : float or array_like
        Sequence length T [tokens]; with an Architecture, overrides its ``seq_len``.

    Returns
    -------
    float or numpy.ndarray
        12LHQT / (6N + 12LHQT) [fraction, 0-1].

    Notes
    -----
    What 6ND leaves out. It grows with T: small at 2K context, sizeable at 128K. Terms as in
    :func:`flops_per_token_palm`.

    References
    ----------
    Chowdhery et al. (2022) App. B; fact sheet §10.

    Examples
    --------
    >>> round(attention_flops_share(405e9, n_layers=126, n_heads=128, head_dim=128,
    ...                             seq_len=8192), 3)                  # Llama 3 405B at 8K
    0.077
    >>> round(attention_flops_share(540.35e9, n_layers=118, n_heads=48, head_dim=256,
    ...                             seq_len=2048), 3)                  # PaLM 540B at 2K
    0.011
    """
    six_n, attn, inputs = _palm_terms(model, n_layers, n_heads, head_dim, seq_len)
    return output(attn / (six_n + attn), *inputs)


def flops_per_token_chinchilla(arch: Architecture, *, seq_len=None,
                               include_embeddings: bool = True):
    """Hoffmann et al.'s App. F count, applied to any Architecture [FLOP/token].

    Parameters
    ----------
    arch : Architecture
        The model's shape (dense or mixture of experts).
    seq_len : float or array_like, optional
        Sequence length S [tokens]; default ``arch.seq_len``.
    include_embeddings : bool
        Keep App. F's embedding and final-logit terms (default, as App. F prints them).

    Returns
    -------
    float or numpy.ndarray
        Forward + backward FLOPs per token [FLOP/token].

    Notes
    -----
    App. F counts every matrix product at 2 FLOP per multiply-add, the backward pass as twice
    the forward. Per token, forward = 2·W + L·(2·S·H·Q_qk + 3·H·S + 2·S·H·Q_v) + 2·V·d + 2·d·V,
    with W the weight-matrix parameters a token passes through (attention projections, the
    dense MLP or its active and shared experts, the router; no norms or biases), the QK logits,
    the softmax, the attention-weighted values, then the embedding (as App. F, a one-hot matrix
    product) and the logits. Training = 3 × forward. For App. F's own models (MHA, two-matrix
    MLP) this is exactly :func:`chinchilla_flops` per token; for gated MLPs, grouped-query or
    latent attention and experts it is the same accounting carried over [DERIVED].

    References
    ----------
    Hoffmann et al. (2022) App. F.

    Examples
    --------
    >>> s = CHINCHILLA_TABLE_A4[0]                 # "73M", as App. F counts it
    >>> a = Architecture(vocab_size=32000, d_model=s.d_model, n_layers=s.n_layers,
    ...                  n_heads=s.n_heads, head_dim=s.kv_size, d_ff=s.ffw_size, mlp="gelu")
    >>> f"{flops_per_token_chinchilla(a):.4g}"
    '6.998e+08'
    """
    if not isinstance(arch, Architecture):
        raise ValueError("arch must be an Architecture (for App. F's own notation use "
                         f"chinchilla_flops); got {type(arch).__name__}.")
    s = arch.seq_len if seq_len is None else positive("seq_len", seq_len, unit="tokens")
    # Weight matrices only: drop biases and norms, then the router's per-expert biases.
    bare = param_counts(arch.replace(biases=False, qkv_bias=False, norm="none"))
    weights = bare.active_non_embedding
    if arch.moe is not None and arch.moe.router_bias:
        weights -= arch.n_moe_layers * arch.moe.n_experts
    h = arch.n_heads
    s = np.asarray(s, dtype=float)
    attention = arch.n_layers * (2 * s * h * arch.qk_head_dim + 3 * h * s
                                 + 2 * s * h * arch.v_head_dim)
    forward = 2.0 * weights + attention
    if include_embeddings:
        forward = forward + 4.0 * arch.vocab_size * arch.d_model
    return output(3.0 * forward, *([] if seq_len is None else [seq_len]))


# --- Chinchilla App. F -------------------------------------------------------------------------


@dataclass(frozen=True)
class ChinchillaShape:
    """A model shape in Hoffmann et al.'s notation, with its Table A4 ratio where given.

    Attributes
    ----------
    label : str
        The paper's size label, e.g. ``"73M"``.
    n_layers, d_model, ffw_size, n_heads, kv_size : int
        Layers, width, MLP width, heads and key/value (= query) size per head [count, dimensions].
    ratio : float or None
        Table A4's "FLOP ratio (ours / 6ND)" [dimensionless], printed to 2 decimals.
    """

    label: str
    n_layers: int
    d_model: int
    ffw_size: int
    n_heads: int
    kv_size: int
    ratio: float | None = None


#: Hoffmann et al. (2022) Table A4: the six shapes and their FLOP ratio to 6ND
#: (vocabulary 32,000, sequence length 2,048). Cite: :data:`CITES` ``["chinchilla_app_f"]``.
CHINCHILLA_TABLE_A4: tuple[ChinchillaShape, ...] = (
    ChinchillaShape("73M", 10, 640, 2560, 10, 64, 1.03),
    ChinchillaShape("305M", 20, 1024, 4096, 16, 64, 1.10),
    ChinchillaShape("552M", 24, 1280, 5120, 10, 128, 1.08),
    ChinchillaShape("1.1B", 26, 1792, 7168, 14, 128, 1.04),
    ChinchillaShape("1.6B", 28, 2048, 8192, 16, 128, 1.03),
    ChinchillaShape("6.8B", 40, 3584, 14336, 28, 128, 0.99),
)

#: Hoffmann et al. (2022) Table A9: the 50 model shapes and their listed sizes (label, in
#: millions of parameters). ffw_size = 4 × d_model in every row. Cite: :data:`CITES`
#: ``["table_a9"]`` (read in a transcription, not in the paper itself).
CHINCHILLA_TABLE_A9: tuple[ChinchillaShape, ...] = tuple(
    ChinchillaShape(f"{size}M", n_layers, d_model, 4 * d_model, n_heads, kv_size)
    for size, d_model, kv_size, n_heads, n_layers in (
        (44, 512, 64, 8, 8), (57, 576, 64, 9, 9), (74, 640, 64, 10, 10), (90, 640, 64, 10, 13),
        (106, 640, 64, 10, 16), (117, 768, 64, 12, 12), (140, 768, 64, 12, 15),
        (163, 768, 64, 12, 18), (175, 896, 64, 14, 14), (196, 896, 64, 14, 16),
        (217, 896, 64, 14, 18), (251, 1024, 64, 16, 16), (278, 1024, 64, 16, 18),
        (306, 1024, 64, 16, 20), (425, 1280, 128, 10, 18), (489, 1280, 128, 10, 21),
        (509, 1408, 128, 11, 18), (552, 1280, 128, 10, 24), (587, 1408, 128, 11, 21),
        (632, 1536, 128, 12, 19), (664, 1408, 128, 11, 24), (724, 1536, 128, 12, 22),
        (816, 1536, 128, 12, 25), (893, 1792, 128, 14, 20), (1018, 1792, 128, 14, 23),
        (1143, 1792, 128, 14, 26), (1266, 2048, 128, 16, 22), (1424, 2176, 128, 17, 22),
        (1429, 2048, 128, 16, 25), (1593, 2048, 128, 16, 28), (1609, 2176, 128, 17, 25),
        (1731, 2304, 128, 18, 24), (1794, 2176, 128, 17, 28), (2007, 2304, 128, 18, 28),
        (2283, 2304, 128, 18, 32), (2298, 2560, 128, 20, 26), (2639, 2560, 128, 20, 30),
        (2980, 2560, 128, 20, 34), (3530, 2688, 128, 22, 36), (3802, 2816, 128, 22, 36),
        (4084, 2944, 128, 22, 36), (4516, 3072, 128, 24, 36), (6796, 3584, 128, 28, 40),
        (9293, 4096, 128, 32, 42), (11452, 4352, 128, 32, 47), (12295, 4608, 128, 36, 44),
        (12569, 4608, 128, 32, 47), (13735, 4864, 128, 32, 47), (14940, 4992, 128, 32, 49),
        (16183, 5120, 128, 40, 47),
    )
)

_CHINCHILLA_VOCAB = 32000
_CHINCHILLA_SEQ = 2048


def _shape(n_layers, d_model, ffw_size, n_heads, kv_size):
    return broadcast(
        n_layers=positive("n_layers", n_layers, unit="layers"),
        d_model=positive("d_model", d_model, unit="dimensions"),
        ffw_size=positive("ffw_size", ffw_size, unit="dimensions"),
        n_heads=positive("n_heads", n_heads, unit="heads"),
        kv_size=positive("kv_size", kv_size, unit="dimensions"),
    )


def chinchilla_params(n_layers, d_model, ffw_size, n_heads, kv_size, vocab_size=_CHINCHILLA_VOCAB):
    """Parameters as Hoffmann et al. count them for their models [parameters].

    Parameters
    ----------
    n_layers : float or array_like
        Layers [layers].
    d_model : float or array_like
        Width [dimensions].
    ffw_size : float or array_like
        MLP hidden width [dimensions].
    n_heads : float or array_like
        Attention heads [heads].
    kv_size : float or array_like
        Key/value size per head [dimensions].
    vocab_size : float
        Vocabulary [tokens]; 32,000 in the paper.

    Returns
    -------
    float or numpy.ndarray
        N = L·(4·d·a + 2·d·f) + L·d·a + V·d with a = kv_size·n_heads, f = ffw_size [parameters].

    Notes
    -----
    Query, key, value and output projections (4·d·a) and the two-matrix MLP (2·d·f) per layer,
    one more d·a matrix per layer for the relative-position keys (Transformer-XL-style relative
    encodings, as in Gopher) and **one** V·d embedding matrix. Against the 50 rows of Table A9
    (:data:`CHINCHILLA_TABLE_A9`) it is within 0.81 % everywhere: 23 rows agree to the table's
    1M rounding, 27 fall 0.5M to 2.3M short (the largest models most in absolute terms, least
    in relative ones; the 44M row is the worst relatively, 0.80 % short). Without the
    relative-position matrix it falls 6-8 % short, and a second V·d matrix overshoots.
    Biases and norms are left out, as the paper's figures allow.

    References
    ----------
    Hoffmann et al. (2022) Tables A4 and A9; Rae et al. (2021) §2.

    Examples
    --------
    >>> f"{chinchilla_params(10, 640, 2560, 10, 64):,.0f}"     # Table A4 "73M"
    '73,728,000'
    """
    n_l, d, f, h, kv = _shape(n_layers, d_model, ffw_size, n_heads, kv_size)
    v = positive("vocab_size", vocab_size, unit="tokens")
    a = kv * h
    n = n_l * (4.0 * d * a + 2.0 * d * f) + n_l * d * a + v * d
    return output(n, n_layers, d_model, ffw_size, n_heads, kv_size, vocab_size)


_PER = {"token": "token", "sequence": "sequence"}


def chinchilla_flops(n_layers, d_model, ffw_size, n_heads, kv_size, seq_len=_CHINCHILLA_SEQ,
                     vocab_size=_CHINCHILLA_VOCAB, *, include_embeddings: bool = True,
                     per: str = "token"):
    """Training FLOPs by Hoffmann et al.'s full count (App. F) [FLOP/token or FLOP/sequence].

    Parameters
    ----------
    n_layers : float or array_like
        Layers [layers].
    d_model : float or array_like
        Width [dimensions].
    ffw_size : float or array_like
        MLP hidden width [dimensions].
    n_heads : float or array_like
        Attention heads [heads].
    kv_size : float or array_like
        Key/value size per head [dimensions].
    seq_len : float or array_like
        Sequence length [tokens]; 2,048 in the paper.
    vocab_size : float
        Vocabulary [tokens]; 32,000 in the paper.
    include_embeddings : bool
        Keep the embedding and final-logit terms, as App. F prints them. False leaves both out,
        which is the count that reproduces Table A4 (see :func:`chinchilla_flops_ratio`).
    per : str
        ``"token"`` or ``"sequence"``.

    Returns
    -------
    float or numpy.ndarray
        Forward + backward FLOPs [FLOP/token] or [FLOP/sequence].

    Notes
    -----
    Forward terms per sequence of S tokens, with a = kv_size·n_heads (a multiply-add is 2 FLOPs):
    embeddings 2·S·V·d; per layer QKV 2·3·S·d·a, QK logits 2·S²·a, softmax 3·H·S²,
    softmax @ values 2·S²·a, final linear 2·S·a·d, dense block 2·S·(2·d·f); logits 2·S·d·V.
    Forward = embeddings + L·(attention + dense) + logits; backward = 2 × forward.

    References
    ----------
    Hoffmann et al. (2022) App. F.

    Examples
    --------
    >>> f"{chinchilla_flops(10, 640, 2560, 10, 64):.4g}"          # "73M", full count
    '6.998e+08'
    >>> f"{chinchilla_flops(10, 640, 2560, 10, 64, include_embeddings=False):.4g}"
    '4.54e+08'
    """
    p = choose("per", per, _PER)
    n_l, d, f, h, kv = _shape(n_layers, d_model, ffw_size, n_heads, kv_size)
    s = positive("seq_len", seq_len, unit="tokens")
    v = positive("vocab_size", vocab_size, unit="tokens")
    n_l, d, f, h, kv, s, v = broadcast(n_layers=n_l, d_model=d, ffw_size=f, n_heads=h,
                                       kv_size=kv, seq_len=s, vocab_size=v)
    a = kv * h
    attention = (2 * 3 * s * d * a      # Q, K, V projections
                 + 2 * s * s * a        # QK^T logits
                 + 3 * h * s * s        # softmax
                 + 2 * s * s * a        # softmax @ V
                 + 2 * s * a * d)       # output projection
    dense = 2 * s * (2 * d * f)
    forward = n_l * (attention + dense)
    if include_embeddings:
        forward = forward + 2 * s * v * d + 2 * s * d * v   # embeddings + final logits
    total = 3.0 * forward                                   # backward = 2 × forward
    if p == "token":
        total = total / s
    return output(total, n_layers, d_model, ffw_size, n_heads, kv_size, seq_len, vocab_size)


def chinchilla_flops_ratio(n_layers, d_model, ffw_size, n_heads, kv_size, seq_len=_CHINCHILLA_SEQ,
                           vocab_size=_CHINCHILLA_VOCAB, *, include_embeddings: bool = True):
    """Ratio of Hoffmann et al.'s FLOP count to 6ND, as in their Table A4 [dimensionless].

    Parameters
    ----------
    n_layers : float or array_like
        Layers [layers].
    d_model : float or array_like
        Width [dimensions].
    ffw_size : float or array_like
        MLP hidden width [dimensions].
    n_heads : float or array_like
        Attention heads [heads].
    kv_size : float or array_like
        Key/value size per head [dimensions].
    seq_len : float or array_like
        Sequence length [tokens]; 2,048 in the paper.
    vocab_size : float
        Vocabulary [tokens]; 32,000 in the paper.
    include_embeddings : bool
        Count the embedding and logit terms of App. F in the numerator (default True, as every
        FLOP function of this module). Table A4 is reproduced only with False: pass it.

    Returns
    -------
    float or numpy.ndarray
        :func:`chinchilla_flops` per token ÷ (6 × :func:`chinchilla_params`) [dimensionless].

    Notes
    -----
    Reconstruction [DERIVED]: with N counted as in :func:`chinchilla_params` (one V·d matrix,
    relative-position keys) and the FLOPs **without** the embedding and logit terms, all six
    ratios of Table A4 come out to the printed two decimals (1.026, 1.102, 1.084, 1.045, 1.034,
    0.994). With the terms as printed in App. F the ratios miss badly, 1.58 instead of 1.03 for
    the 73M model; with N taken from the size labels, the 1.1B row gives 1.09 instead of 1.04.

    References
    ----------
    Hoffmann et al. (2022) App. F and Table A4.

    Examples
    --------
    >>> [round(chinchilla_flops_ratio(s.n_layers, s.d_model, s.ffw_size, s.n_heads, s.kv_size,
    ...                               include_embeddings=False), 2) for s in CHINCHILLA_TABLE_A4]
    [1.03, 1.1, 1.08, 1.04, 1.03, 0.99]
    """
    per_token = chinchilla_flops(n_layers, d_model, ffw_size, n_heads, kv_size, seq_len, vocab_size,
                                 include_embeddings=include_embeddings)
    n = chinchilla_params(n_layers, d_model, ffw_size, n_heads, kv_size, vocab_size)
    return output(np.asarray(per_token) / (TRAINING_FLOPS_PER_PARAM_TOKEN * np.asarray(n)),
                  n_layers, d_model, ffw_size, n_heads, kv_size, seq_len, vocab_size)


# --- From FLOPs to hours -----------------------------------------------------------------------


def gpu_hours(flops, gpu="H100-SXM", mfu=0.4, dtype="bf16"):
    """Device-hours to deliver a training compute budget at a given MFU [device-hours].

    Parameters
    ----------
    flops : float or array_like
        Training compute C [FLOP].
    gpu : str or Accelerator
        A key of :data:`lessons.hardware.ACCELERATORS` [name].
    mfu : float or array_like
        Model FLOP utilisation [fraction in (0, 1]; 0.4, not 40].
    dtype : str
        Number format of the peak [name].

    Returns
    -------
    float or numpy.ndarray
        Device-hours [device·h].

    Notes
    -----
    device-hours = C / (peak × MFU × 3600 s/h), with the **dense** peak of
    :func:`lessons.hardware.peak_flops`. It is :func:`lessons.mfu.training_time` on one device,
    in hours: one formula for both.

    References
    ----------
    Chowdhery et al. (2022) §4.1; fact sheet §10.

    Examples
    --------
    >>> round(gpu_hours(training_flops(8e9, 15e12)))          # Llama 3 8B, N = 8e9
    505357
    >>> f"{gpu_hours(training_flops(8.03e9, 15e12)):.3g}"      # fact sheet §10: ≈ 5.07e5
    '5.07e+05'
    >>> gpu_hours(7.2e23, mfu=40)
    Traceback (most recent call last):
    ...
    ValueError: mfu must be a fraction in (0, 1]; got 40.0. Write 40 % as 0.4.
    """
    seconds = training_time(flops, 1, peak_flops(gpu, dtype), mfu)
    return output(np.asarray(seconds) / 3600.0, flops, mfu)


def wall_clock_days(flops, n_devices, gpu="H100-SXM", mfu=0.4, dtype="bf16"):
    """Calendar days to train on ``n_devices`` devices at a given MFU [days].

    Parameters
    ----------
    flops : float or array_like
        Training compute C [FLOP].
    n_devices : float or array_like
        Devices working in parallel [devices].
    gpu : str or Accelerator
        A key of :data:`lessons.hardware.ACCELERATORS` [name].
    mfu : float or array_like
        Model FLOP utilisation [fraction in (0, 1]].
    dtype : str
        Number format of the peak [name].

    Returns
    -------
    float or numpy.ndarray
        Wall-clock time [days].

    Notes
    -----
    days = C / (n_devices × peak × MFU × 86,400 s/day): :func:`lessons.mfu.training_time` with
    ``unit="days"``. It assumes the MFU holds at that scale and ignores failures and restarts.

    References
    ----------
    Chowdhery et al. (2022) §4.1.

    Examples
    --------
    >>> round(wall_clock_days(3.8e25, 16384, mfu=0.4), 1)    # Llama 3 405B budget on 16K H100s
    67.8
    """
    return training_time(flops, n_devices, peak_flops(gpu, dtype), mfu, unit="days")
