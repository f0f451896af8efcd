"""Model FLOP utilisation (MFU) and hardware FLOP utilisation (HFU), as PaLM defined them.

Taught in the chapter *Model FLOP utilisation*.

MFU is "the ratio of the observed throughput (tokens-per-second) relative to the theoretical
maximum throughput of a system operating at peak FLOPs" (Chowdhery et al. 2022, §4.1):

    MFU = tokens/s × (6N + 12·L·H·Q·T) / (n_devices × dense peak FLOP/s per device).

It counts only the FLOPs the model needs, not rematerialisation; HFU adds the recomputed ones,
so HFU ≥ MFU. Two traps: the peak must be the **dense** one (:mod:`lessons.hardware`), and
"percent of peak" figures that count recomputation (Megatron's "52 %") are HFU-like, not MFU.

:func:`training_time` is the same identity read the other way,
C = n_devices × peak × MFU × seconds (it lives in :mod:`lessons.throughput`, below both this
module and :mod:`lessons.flops`, and is re-exported here).

Every function takes either a parameter count with the shape as keywords, or an
:class:`~lessons.architecture.Architecture`, which supplies the active parameter count (the
experts a token uses, for a mixture of experts) and the attention term.

Worked example (AMD-Llama-135M model card): about 670e9 tokens in 6 days on 4 nodes of 4 MI250
(16 modules). Assumptions: the BF16 module peak of 362.1 TFLOP/s, exactly 6 × 24 h, N counted
from the card's shape, sequence length 2,048.

>>> from lessons.architecture import Architecture, count_params
>>> amd135m = Architecture(vocab_size=32000, d_model=768, n_layers=12, n_heads=12, d_ff=2048)
>>> n = count_params(amd135m)
>>> f"{n:,}"
'134,105,856'
>>> tokens_per_s = 670e9 / (6 * 86400)
>>> round(mfu(tokens_per_s, n, n_devices=16, gpu="MI250"), 3)
0.179
>>> round(mfu(tokens_per_s, amd135m, n_devices=16, gpu="MI250"), 3)   # with attention
0.23
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validate import broadcast, fraction, legacy_positional, output, positive, raw_count
from .architecture import Architecture
from .constants import MIN_PEAK, MIN_RAW_COUNT, TRAINING_FLOPS_PER_PARAM_TOKEN
from .flops import PALM_SHAPE, flops_per_token_palm
from .hardware import peak_flops
from .sources import Cite
from .throughput import _devices, _peak, delivered_flops, training_time

__all__ = [
    "PublishedThroughput",
    "PALM_TABLE_3",
    "flops_utilisation",
    "model_flops_per_token",
    "mfu",
    "hfu",
    "mfu_from_step_time",
    "training_time",
    "delivered_flops",
]

def _at_most_one(name: str, value: np.ndarray) -> np.ndarray:
    if np.any(value > 1.0):
        worst = float(np.max(value))
        raise ValueError(
            f"{name} came out as {worst:.3g}, above 1: no device runs above its peak. Check that "
            "tokens_per_second is for the whole job, the peak is per device in FLOP/s and "
            "n_params is a raw count."
        )
    return value


def flops_utilisation(achieved_flops_per_device, peak_flops_per_device):
    """Achieved FLOP/s per device as a fraction of the dense peak [fraction].

    Parameters
    ----------
    achieved_flops_per_device : float or array_like
        Useful model FLOP/s each device sustains [FLOP/s].
    peak_flops_per_device : float or array_like
        Dense peak of one device (:func:`lessons.hardware.peak_flops`) [FLOP/s].

    Returns
    -------
    float or numpy.ndarray
        achieved / peak [fraction, 0-1].

    Notes
    -----
    The division behind every MFU figure. Llama 3 Table 4 reports 430, 400 and 380 TFLOP/s per
    H100 and 43 %, 41 %, 38 % MFU: the denominator is the dense 989.4 TFLOP/s, not 1,979.

    References
    ----------
    Grattafiori et al. (2024) Table 4; Chowdhery et al. (2022) §4.1.

    Examples
    --------
    >>> from lessons.hardware import peak_flops
    >>> round(flops_utilisation(430e12, peak_flops("H100-SXM")), 3)
    0.435
    >>> flops_utilisation(430, 989.4e12)
    Traceback (most recent call last):
    ...
    ValueError: achieved_flops_per_device=430.0 [FLOP/s] is implausibly small: ...
    """
    achieved = raw_count("achieved_flops_per_device", achieved_flops_per_device,
                         minimum=MIN_PEAK, unit="FLOP/s", example="430e12, not 430")
    a, p = broadcast(achieved_flops_per_device=achieved,
                     peak_flops_per_device=_peak(peak_flops_per_device))
    return output(_at_most_one("utilisation", a / p),
                  achieved_flops_per_device, peak_flops_per_device)


def _resolve_peak(peak_flops_per_device, gpu, dtype) -> tuple[np.ndarray, object]:
    """The dense peak per device [FLOP/s], from a number or a device name (exactly one)."""
    if (peak_flops_per_device is None) == (gpu is None):
        raise ValueError("pass the peak once: peak_flops_per_device (e.g. 989.4e12 for an H100 "
                         "SXM) or gpu (e.g. gpu='H100-SXM', with dtype), not both or neither.")
    if gpu is not None:
        value = peak_flops(gpu, dtype)
        return _peak(value), value
    return _peak(peak_flops_per_device), peak_flops_per_device


@legacy_positional(1, PALM_SHAPE)
def model_flops_per_token(model, *, n_layers=None, n_heads=None, head_dim=None, seq_len=None):
    """Model FLOPs per training token: 6N, or PaLM's 6N + 12LHQT given the shape [FLOP/token].

    Parameters
    ----------
    model : float, array_like or Architecture
        Parameters N [parameters, raw count], or an Architecture (shape and active N from it;
        attention included).
    n_layers : float or array_like, optional
        Layers L [layers].
    n_heads : float or array_like, optional
        Attention heads H [heads].
    head_dim : float or array_like, optional
        Head dimension Q [dimensions].
    seq_len : float or array_like, optional
        Sequence length T [tokens]; with an Architecture, overrides its ``seq_len``.

    Returns
    -------
    float or numpy.ndarray
        FLOPs per token [FLOP/token].

    Notes
    -----
    With a parameter count and none of the four shape arguments: 6N. With all four, or with an
    Architecture: :func:`lessons.flops.flops_per_token_palm`, 6N + 12·L·H·Q·T. A partial shape
    raises ``ValueError`` naming the missing arguments, rather than silently dropping
    attention. The older positional form ``(n_params, n_layers, n_heads, head_dim, seq_len)``
    still works.

    References
    ----------
    Chowdhery et al. (2022) App. B.

    Examples
    --------
    >>> model_flops_per_token(8e9)
    48000000000.0
    >>> model_flops_per_token(8e9, n_layers=32)
    Traceback (most recent call last):
    ...
    ValueError: give all of n_layers, n_heads, head_dim, seq_len for the attention term, or none; missing: n_heads, head_dim, seq_len.
    """
    if isinstance(model, Architecture):
        return flops_per_token_palm(model, n_layers=n_layers, n_heads=n_heads,
                                    head_dim=head_dim, seq_len=seq_len)
    shape = dict(zip(PALM_SHAPE, (n_layers, n_heads, head_dim, seq_len), strict=True))
    missing = [k for k, v in shape.items() if v is None]
    if len(missing) == len(PALM_SHAPE):
        n = raw_count("n_params", model, minimum=MIN_RAW_COUNT, unit="parameters",
                      example="n_params=5.4035e11")
        return output(TRAINING_FLOPS_PER_PARAM_TOKEN * n, model)
    if missing:
        raise ValueError(
            f"give all of {', '.join(PALM_SHAPE)} for the attention term, or none; "
            f"missing: {', '.join(missing)}."
        )
    return flops_per_token_palm(model, **shape)


#: The arguments after the model that older positional calls of mfu and hfu passed, in order.
_MFU_LEGACY = ("n_devices", "peak_flops_per_device", *PALM_SHAPE)


def _utilisation(name, tokens_per_second, model, n_devices, peak_flops_per_device, gpu, dtype,
                 shape, factor=1.0):
    per_token = model_flops_per_token(model, **shape)
    tps = positive("tokens_per_second", tokens_per_second, unit="tokens/s")
    peak, peak_input = _resolve_peak(peak_flops_per_device, gpu, dtype)
    tps, f, n_dev, peak, k = broadcast(tokens_per_second=tps, flops_per_token=np.asarray(per_token),
                                       n_devices=_devices(n_devices), peak_flops_per_device=peak,
                                       factor=np.asarray(factor, dtype=float))
    result = _at_most_one(name, tps * f * k / n_dev / peak)
    inputs = [tokens_per_second, n_devices, peak_input, factor,
              *([] if isinstance(model, Architecture) else [model]),
              *(v for v in shape.values() if v is not None)]
    return output(result, *inputs)


@legacy_positional(2, _MFU_LEGACY)
def mfu(tokens_per_second, model, *, n_devices, peak_flops_per_device=None, gpu=None,
        dtype: str = "bf16", n_layers=None, n_heads=None, head_dim=None, seq_len=None):
    """Model FLOP utilisation of a training run, as PaLM defined it [fraction].

    Parameters
    ----------
    tokens_per_second : float or array_like
        Observed training throughput of the whole job [tokens/s].
    model : float, array_like or Architecture
        Parameters N [parameters, raw count], or an Architecture (active N and the attention
        term from its shape).
    n_devices : float or array_like
        Devices in the job [devices].
    peak_flops_per_device : float or array_like, optional
        Dense peak of one device, e.g. ``peak_flops("H100-SXM")`` [FLOP/s]. Give this or
        ``gpu``.
    gpu : str, optional
        A key of :data:`lessons.hardware.ACCELERATORS` whose dense peak to use [name].
    dtype : str
        Number format of the peak when ``gpu`` is given [name].
    n_layers, n_heads, head_dim, seq_len : float or array_like, optional
        L [layers], H [heads], Q [dimensions], T [tokens] with a parameter count: all four add
        the attention term 12LHQT; none leaves it out; a partial set is refused. With an
        Architecture, only ``seq_len`` (to override its context).

    Returns
    -------
    float or numpy.ndarray
        MFU [fraction, 0-1].

    Notes
    -----
    MFU = tokens/s × (6N + 12LHQT) / (n_devices × peak) (PaLM §4.1, App. B). Recomputed
    (rematerialised) FLOPs are not counted; see :func:`hfu`. A result above 1 is refused. The
    older positional form ``(tokens_per_second, n_params, n_devices, peak_flops_per_device,
    n_layers, n_heads, head_dim, seq_len)`` still works.

    References
    ----------
    Chowdhery et al. (2022) §4.1, Table 3, App. B.

    Examples
    --------
    >>> from lessons.hardware import peak_flops
    >>> tpu = peak_flops("TPU-v4")
    >>> round(mfu(238.3e3, 540.35e9, n_devices=6144, peak_flops_per_device=tpu,
    ...           n_layers=118, n_heads=48, head_dim=256, seq_len=2048), 3)   # PaLM: 46.2 %
    0.462
    >>> round(mfu(238.3e3, 540.35e9, n_devices=6144, gpu="TPU-v4"), 3)      # without attention
    0.457
    """
    shape = dict(zip(PALM_SHAPE, (n_layers, n_heads, head_dim, seq_len), strict=True))
    return _utilisation("mfu", tokens_per_second, model, n_devices, peak_flops_per_device, gpu,
                        dtype, shape)


@legacy_positional(2, _MFU_LEGACY)
def hfu(tokens_per_second, model, *, n_devices, peak_flops_per_device=None, gpu=None,
        dtype: str = "bf16", n_layers=None, n_heads=None, head_dim=None, seq_len=None,
        recomputed_forward=1.0):
    """Hardware FLOP utilisation: MFU plus the FLOPs spent recomputing activations [fraction].

    Parameters
    ----------
    tokens_per_second, model, n_devices, peak_flops_per_device, gpu, dtype, n_layers, n_heads, head_dim, seq_len
        As for :func:`mfu` ([tokens/s], [parameters] or an Architecture, [devices], [FLOP/s],
        and the optional shape in [layers], [heads], [dimensions], [tokens]).
    recomputed_forward : float or array_like
        How much of one forward pass is recomputed during the backward pass [fraction of a
        forward pass, 0-1]: 1.0 for full activation recomputation, 0 for none, in between for
        selective recomputation.

    Returns
    -------
    float or numpy.ndarray
        HFU [fraction, 0-1]; equals MFU when ``recomputed_forward=0``.

    Notes
    -----
    The forward pass is 1/3 of the model FLOPs (backward = 2 × forward), so the hardware executes
    (1 + r/3) × (6N + 12LHQT) FLOPs per token for a recomputed share r; full recomputation
    (r = 1) gives 8N + 16LHQT and HFU = 4/3 × MFU. PaLM reports MFU 46.2 % and HFU 57.8 %,
    a ratio of 1.25, which implies r ≈ 0.75 of a forward pass recomputed [DERIVED].

    References
    ----------
    Chowdhery et al. (2022) §4.1, Table 3; Korthikanti et al. (2022).

    Examples
    --------
    >>> palm = dict(n_devices=6144, gpu="TPU-v4", n_layers=118, n_heads=48, head_dim=256,
    ...             seq_len=2048)
    >>> round(hfu(238.3e3, 540.35e9, **palm), 3)                          # full recomputation
    0.616
    >>> round(hfu(238.3e3, 540.35e9, **palm, recomputed_forward=0), 3)
    0.462
    """
    r = positive("recomputed_forward", recomputed_forward, unit="forward passes", allow_zero=True)
    if np.any(r > 0):
        fraction("recomputed_forward", r[r > 0] if r.ndim else r)
    shape = dict(zip(PALM_SHAPE, (n_layers, n_heads, head_dim, seq_len), strict=True))
    return _utilisation("hfu", tokens_per_second, model, n_devices, peak_flops_per_device, gpu,
                        dtype, shape, factor=1.0 + r / 3.0)


@legacy_positional(3, _MFU_LEGACY)
def mfu_from_step_time(step_time, tokens_per_step, model, *, n_devices,
                       peak_flops_per_device=None, gpu=None, dtype: str = "bf16", n_layers=None,
                       n_heads=None, head_dim=None, seq_len=None):
    """MFU from a training log: seconds per optimizer step and tokens per step [fraction].

    Parameters
    ----------
    step_time : float or array_like
        Wall-clock time of one optimizer step [s].
    tokens_per_step : float or array_like
        Tokens in one global batch (sequences × sequence length) [tokens].
    model, n_devices, peak_flops_per_device, gpu, dtype, n_layers, n_heads, head_dim, seq_len
        As for :func:`mfu` ([parameters] or an Architecture, [devices], [FLOP/s], optional
        shape).

    Returns
    -------
    float or numpy.ndarray
        MFU [fraction, 0-1].

    Notes
    -----
    tokens/s = tokens_per_step / step_time, then :func:`mfu`.

    References
    ----------
    Chowdhery et al. (2022) §4.1.

    Examples
    --------
    >>> # PaLM: batches of 2048 sequences x 2048 tokens at 238.3K tokens/s
    >>> batch = 2048 * 2048
    >>> step = batch / 238.3e3                      # ≈ 17.6 s per step
    >>> round(mfu_from_step_time(step, batch, 540.35e9, n_devices=6144, gpu="TPU-v4",
    ...                          n_layers=118, n_heads=48, head_dim=256, seq_len=2048), 3)
    0.462
    """
    st = positive("step_time", step_time, unit="s")
    tokens = positive("tokens_per_step", tokens_per_step, unit="tokens")
    st, tokens = broadcast(step_time=st, tokens_per_step=tokens)
    tps = output(tokens / st, step_time, tokens_per_step)
    return mfu(tps, model, n_devices=n_devices, peak_flops_per_device=peak_flops_per_device,
               gpu=gpu, dtype=dtype, n_layers=n_layers, n_heads=n_heads, head_dim=head_dim,
               seq_len=seq_len)


# --- PaLM Table 3 ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishedThroughput:
    """A training run's reported throughput and MFU, with the shape needed to recompute it.

    Attributes
    ----------
    name : str
        Model.
    n_params : float
        Parameters N [parameters].
    n_layers, n_heads, head_dim, seq_len : int
        L [layers], H [heads], Q [dimensions], T [tokens].
    tokens_per_second : float
        Observed throughput [tokens/s].
    n_devices : int
        Devices [devices].
    hardware : str
        Key of :data:`lessons.hardware.ACCELERATORS`.
    mfu : float
        Reported MFU with attention [fraction].
    mfu_without_attention : float
        Reported MFU with 6N only [fraction].
    cite : Cite
        Where the run figures come from.
    shape_cite : Cite
        Where the shape comes from.
    """

    name: str
    n_params: float
    n_layers: int
    n_heads: int
    head_dim: int
    seq_len: int
    tokens_per_second: float
    n_devices: int
    hardware: str
    mfu: float
    mfu_without_attention: float
    cite: Cite
    shape_cite: Cite


#: PaLM Table 3 rows that can be recomputed from the course's facts (fact sheet §6).
PALM_TABLE_3: dict[str, PublishedThroughput] = {
    r.name: r
    for r in (
        PublishedThroughput(
            "PaLM 540B", 540.35e9, 118, 48, 256, 2048, 238.3e3, 6144, "TPU-v4", 0.462, 0.457,
            cite=Cite("palm", "§4.1 and Table 3: 238.3K tokens/s, 6144 TPU v4, MFU 46.2 % "
                      "(45.7 % without attention)"),
            shape_cite=Cite("palm", "Table 1 shape (118 layers, 48 heads of size 256) as given in "
                            "fact sheet §6; corroborated by reproducing 46.2 %", "SECONDARY"),
        ),
        PublishedThroughput(
            "MT-NLG 530B", 530e9, 105, 128, 160, 2048, 65.43e3, 2240, "A100", 0.302, 0.297,
            cite=Cite("palm", "§4.1 and Table 3: 65.43K tokens/s on 2240 A100, MFU 30.2 % "
                      "(29.7 % without attention)"),
            shape_cite=Cite("naveed2023", "Tables V-VI: MT-NLG 105 layers, 128 heads, hidden "
                            "20480, sequence 2048 (head size 20480/128 = 160) [survey of Smith "
                            "et al. 2022]", "SECONDARY"),
        ),
    )
}


# --- Llama 3 Table 4 ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportedUtilisation:
    """One row of Llama 3's Table 4: achieved model FLOP/s per GPU and the MFU Meta reports.

    Attributes
    ----------
    n_devices : int
        H100 GPUs [devices].
    seq_len : int
        Sequence length [tokens].
    flops_per_device : float
        Achieved model FLOP/s per GPU [FLOP/s].
    mfu : float
        Reported BF16 MFU [fraction].
    cite : Cite
        Where the row comes from.
    """

    n_devices: int
    seq_len: int
    flops_per_device: float
    mfu: float
    cite: Cite


_LLAMA3_T4 = Cite("llama3", "§3.3.2, Table 4 (16M tokens per batch; BF16 MFU on H100)")

#: Llama 3 Table 4: 430/400/380 TFLOP/s per H100 reported as 43/41/38 % MFU; the denominator is
#: the dense BF16 peak (430/989.4 = 43.5 %), not the 2:4-sparse 1,979 TFLOP/s.
LLAMA3_TABLE_4 = (
    ReportedUtilisation(8192, 8192, 430e12, 0.43, _LLAMA3_T4),
    ReportedUtilisation(16384, 8192, 400e12, 0.41, _LLAMA3_T4),
    ReportedUtilisation(16384, 131072, 380e12, 0.38, _LLAMA3_T4),
)

__all__ += ["ReportedUtilisation", "LLAMA3_TABLE_4"]
