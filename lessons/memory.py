"""Memory of a training run per device: weights, gradients, optimizer states and activations.

Taught with the command line's ``memory`` and ``plan``; the chapters *Compute and cost budgets*
and *Model FLOP utilisation* use it for "fits on n devices".

Model states cost a fixed number of bytes per parameter (:data:`PRECISIONS`). The standard is
mixed-precision AdamW: 2 bytes of bf16/fp16 weights, 2 of gradients and K = 12 of fp32 optimizer
state (a master copy of the weights, Adam's momentum and variance), 16 bytes in all
(Rajbhandari et al. 2020, ZeRO §3.1). Data parallelism copies all of it to every device; ZeRO
shards it over the N_d data-parallel devices in stages (:data:`ZERO_STAGES`):

======  ===========================  =======================================
stage   sharded over N_d             bytes per device for Ψ parameters
======  ===========================  =======================================
0       nothing                      (2 + 2 + K)·Ψ
1       optimizer states             (2 + 2)·Ψ + K·Ψ/N_d
2       + gradients                  2·Ψ + (2 + K)·Ψ/N_d
3       + weights                    (2 + 2 + K)·Ψ/N_d
======  ===========================  =======================================

Activations follow Korthikanti et al. (2022): a transformer layer stores
s·b·h·(34 + 5·a·s/h) bytes for a micro-batch of b sequences of s tokens (width h, a heads,
16-bit activations); recomputing the attention scores ("selective") leaves s·b·h·34, and
recomputing the whole layer ("full") keeps only its input, 2·s·b·h. Tensor parallelism with
sequence parallelism divides both by t. The formula is for the GPT block of the paper (a
4h GELU MLP, multi-head attention, dropout); for gated MLPs, grouped-query attention or
experts it is an estimate, not a count. For a mixture of experts, memory holds **every**
expert: states use the total parameter count, FLOPs the active one.

Bytes are decimal (1 GB = 1e9 bytes), as device memory is quoted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from ._table import html_table, text_table
from ._validate import choose, fraction, positive, raw_count
from .architecture import Architecture, param_counts
from .constants import MIN_RAW_COUNT
from .hardware import get_accelerator
from .sources import Cite

__all__ = [
    "TrainingPrecision",
    "PRECISIONS",
    "ZERO_STAGES",
    "RECOMPUTE",
    "KORTHIKANTI_BYTES",
    "model_state_bytes",
    "activation_bytes_per_token_per_layer",
    "activation_bytes",
    "MemoryPlan",
    "memory_per_device",
    "fewest_devices",
]

GB = 1e9


@dataclass(frozen=True)
class TrainingPrecision:
    """Bytes per parameter of the model states for one way of training.

    Attributes
    ----------
    name : str
        Key in :data:`PRECISIONS`.
    weight_bytes, gradient_bytes, optimizer_bytes : float
        Bytes per parameter of the working weights, the gradients and the optimizer states
        (including any fp32 master copy of the weights) [bytes/parameter].
    cite : Cite
        Where the byte counts come from.
    note : str
        What is stored.
    """

    name: str
    weight_bytes: float
    gradient_bytes: float
    optimizer_bytes: float
    cite: Cite
    note: str

    @property
    def bytes_per_param(self) -> float:
        """Weights + gradients + optimizer states [bytes/parameter]."""
        return self.weight_bytes + self.gradient_bytes + self.optimizer_bytes


_ZERO = Cite("rajbhandari2020", "§3.1 (mixed-precision Adam: 2Ψ + 2Ψ + KΨ with K = 12) and "
             "Fig. 1 (Ψ = 7.5B, N_d = 64: 120, 31.4, 16.6, 1.9 GB), as quoted in several "
             "transcriptions", "SECONDARY")

#: Bytes per parameter of the model states, by training recipe.
PRECISIONS: dict[str, TrainingPrecision] = {p.name: p for p in (
    TrainingPrecision("mixed-adamw", 2, 2, 12, _ZERO,
                      "bf16/fp16 weights and gradients; fp32 master weights, momentum and "
                      "variance (K = 12): the standard, 16 bytes per parameter"),
    TrainingPrecision("fp32-adamw", 4, 4, 8,
                      Cite("rajbhandari2020", "byte widths of fp32 weights, gradients and "
                           "Adam's two moments (no separate master copy)", "DERIVED"),
                      "fp32 weights and gradients, fp32 momentum and variance"),
    TrainingPrecision("bf16-adamw", 2, 2, 4,
                      Cite("rajbhandari2020", "byte widths of bf16 weights, gradients and "
                           "moments, without the fp32 master copy", "DERIVED"),
                      "pure bf16: weights, gradients and both moments in 2 bytes, no master copy"),
    TrainingPrecision("mixed-adamw-8bit", 2, 2, 6,
                      Cite("dettmers2022", "Adam's two states in 8 bits (block-wise "
                           "quantization constants neglected) beside an fp32 master copy",
                           "DERIVED"),
                      "as mixed-adamw with 8-bit momentum and variance: K = 4 + 1 + 1"),
)}

#: ZeRO stages: what is sharded over the data-parallel devices (Rajbhandari et al. 2020 §5).
ZERO_STAGES = {0: "nothing sharded (plain data parallelism)",
               1: "optimizer states sharded",
               2: "optimizer states and gradients sharded",
               3: "optimizer states, gradients and weights sharded (FSDP)"}

#: Korthikanti et al. (2022) §4: bytes per layer per token, in units of h (the width), of what
#: a layer keeps for its backward pass: 34 for the linear terms; the attention scores add
#: 5·a·s/h; full recomputation keeps only the layer's 2-byte input.
KORTHIKANTI_BYTES = {"linear": 34, "attention_scores": 5, "layer_input": 2}
KORTHIKANTI_CITE = Cite("korthikanti2022", "§4 and Table 2: sbh(34 + 5as/h) per layer; "
                        "selective recomputation sbh·34/t; full recomputation 2sbh; sequence "
                        "parallelism divides by t (as quoted in course notes and slides)",
                        "SECONDARY")

#: Activation recomputation modes and what each keeps per layer.
RECOMPUTE = {"none": "everything: s·b·h·(34 + 5·a·s/h)",
             "selective": "all but the attention scores: s·b·h·34",
             "full": "only the layer input: 2·s·b·h"}


def _precision(precision) -> TrainingPrecision:
    if isinstance(precision, TrainingPrecision):
        return precision
    return choose("precision", precision, PRECISIONS)


def _stage(zero_stage) -> int:
    if isinstance(zero_stage, bool) or zero_stage not in ZERO_STAGES:
        stages = "; ".join(f"{k}: {v}" for k, v in ZERO_STAGES.items())
        raise ValueError(f"zero_stage must be 0, 1, 2 or 3 ({stages}); got {zero_stage!r}.")
    return int(zero_stage)


def _whole(name: str, value, *, minimum: int = 1) -> int:
    arr = positive(name, value, allow_zero=minimum == 0)
    if arr.ndim or float(arr) != round(float(arr)):
        raise ValueError(f"{name} must be a whole number; got {value!r}.")
    return int(arr)


def _param_total(model) -> int | float:
    if isinstance(model, Architecture):
        return param_counts(model).total
    return float(raw_count("n_params", model, minimum=MIN_RAW_COUNT, unit="parameters",
                           example="n_params=7e10 for 70B"))


def model_state_bytes(model, *, precision="mixed-adamw", zero_stage: int = 0,
                      data_parallel: int = 1, model_parallel: int = 1) -> dict[str, float]:
    """Bytes of weights, gradients and optimizer states held by one device [bytes].

    Parameters
    ----------
    model : float or Architecture
        Parameters Ψ [parameters, raw count], or an Architecture (its total count: a mixture
        of experts stores every expert).
    precision : str or TrainingPrecision
        A key of :data:`PRECISIONS` [name]; default mixed-precision AdamW (16 bytes/parameter).
    zero_stage : int
        0, 1, 2 or 3 (:data:`ZERO_STAGES`) [stage].
    data_parallel : int
        Devices N_d the states are sharded over [devices].
    model_parallel : int
        Tensor × pipeline parallel degree that splits the model before sharding [devices].

    Returns
    -------
    dict
        ``{"weights", "gradients", "optimizer"}`` [bytes per device].

    Notes
    -----
    With Ψ' = Ψ / model_parallel: stage 0 keeps (w + g + o)·Ψ'; stage 1 shards the optimizer,
    o·Ψ'/N_d; stage 2 also the gradients; stage 3 also the weights (w, g, o the bytes per
    parameter of ``precision``).

    References
    ----------
    Rajbhandari et al. (2020) §3.1, §5 and Fig. 1.

    Examples
    --------
    >>> s = model_state_bytes(7.5e9, zero_stage=1, data_parallel=64)   # ZeRO Fig. 1
    >>> round(sum(s.values()) / 1e9, 1)
    31.4
    """
    p = _precision(precision)
    stage = _stage(zero_stage)
    n_d = _whole("data_parallel", data_parallel)
    per_slice = _param_total(model) / _whole("model_parallel", model_parallel)
    return {
        "weights": p.weight_bytes * per_slice / (n_d if stage >= 3 else 1),
        "gradients": p.gradient_bytes * per_slice / (n_d if stage >= 2 else 1),
        "optimizer": p.optimizer_bytes * per_slice / (n_d if stage >= 1 else 1),
    }


def activation_bytes_per_token_per_layer(arch: Architecture, *, recompute: str = "selective",
                                         seq_len=None, tensor_parallel: int = 1) -> float:
    """Activation memory one token leaves in one layer for the backward pass [bytes].

    Parameters
    ----------
    arch : Architecture
        Gives the width h (``d_model``) and heads a (``n_heads``).
    recompute : str
        ``"none"``, ``"selective"`` (recompute the attention scores) or ``"full"`` (recompute
        the layer from its input) [name].
    seq_len : int, optional
        Sequence length s [tokens]; default ``arch.seq_len``.
    tensor_parallel : int
        Tensor-parallel degree t, with sequence parallelism [devices].

    Returns
    -------
    float
        Bytes per token per layer [bytes].

    Notes
    -----
    Korthikanti et al.'s s·b·h·(34 + 5·a·s/h) per layer, per token (÷ s·b) and per device
    (÷ t): (34·h + 5·a·s)/t with no recomputation, 34·h/t selective, 2·h/t full.

    References
    ----------
    Korthikanti et al. (2022) §4-5, Table 2.

    Examples
    --------
    >>> gpt3 = Architecture(vocab_size=50257, d_model=12288, n_layers=96, n_heads=96,
    ...                     d_ff=4 * 12288, mlp="gelu", seq_len=2048)
    >>> activation_bytes_per_token_per_layer(gpt3, recompute="none") / 12288   # 34 + 5as/h
    114.0
    """
    if not isinstance(arch, Architecture):
        raise ValueError(f"arch must be an Architecture (activations need its width and "
                         f"heads); got {type(arch).__name__}.")
    mode = choose("recompute", recompute, {k: k for k in RECOMPUTE})
    s = arch.seq_len if seq_len is None else _whole("seq_len", seq_len)
    t = _whole("tensor_parallel", tensor_parallel)
    h, a, k = arch.d_model, arch.n_heads, KORTHIKANTI_BYTES
    per_token = {"none": k["linear"] * h + k["attention_scores"] * a * s,
                 "selective": k["linear"] * h,
                 "full": k["layer_input"] * h}[mode]
    return per_token / t


def activation_bytes(arch: Architecture, *, micro_batch_size: int = 1, seq_len=None,
                     recompute: str = "selective", tensor_parallel: int = 1) -> float:
    """Activation memory of one micro-batch on one device, all layers [bytes].

    Parameters
    ----------
    arch : Architecture
        The model's shape.
    micro_batch_size : int
        Sequences b per micro-batch on each device [sequences].
    seq_len : int, optional
        Sequence length s [tokens]; default ``arch.seq_len``.
    recompute : str
        ``"none"``, ``"selective"`` or ``"full"`` [name].
    tensor_parallel : int
        Tensor-parallel degree t, with sequence parallelism [devices].

    Returns
    -------
    float
        Bytes per device [bytes].

    Notes
    -----
    L · s · b × :func:`activation_bytes_per_token_per_layer`. With pipeline parallelism and
    the 1F1B schedule the first stage holds p micro-batches of L/p layers, again L layers'
    worth (Korthikanti et al. §4.2.3), so pipelining does not reduce it.

    References
    ----------
    Korthikanti et al. (2022) §4.

    Examples
    --------
    >>> gpt3 = Architecture(vocab_size=50257, d_model=12288, n_layers=96, n_heads=96,
    ...                     d_ff=4 * 12288, mlp="gelu", seq_len=2048)
    >>> round(activation_bytes(gpt3, recompute="full") / 1e9, 2)     # 2·s·b·h·L
    4.83
    """
    if not isinstance(arch, Architecture):
        raise ValueError(f"arch must be an Architecture (activations need its width, heads and "
                         f"layers); got {type(arch).__name__}.")
    b = _whole("micro_batch_size", micro_batch_size)
    s = arch.seq_len if seq_len is None else _whole("seq_len", seq_len)
    per = activation_bytes_per_token_per_layer(arch, recompute=recompute, seq_len=s,
                                               tensor_parallel=tensor_parallel)
    return arch.n_layers * s * b * per


@dataclass(frozen=True)
class MemoryPlan:
    """Per-device memory of a training run, and whether it fits.

    Attributes
    ----------
    n_devices : int or None
        Devices [devices]; None when no number of devices holds the run this way.
    data_parallel, tensor_parallel, pipeline_parallel : int or None
        The degrees [devices]; data_parallel is None when nothing fits.
    weights, gradients, optimizer, activations : float
        Bytes per device [bytes] (at the plan's n_devices, or at one data-parallel replica when
        nothing fits).
    device_memory : float
        Usable memory of one device: its HBM × ``memory_fraction`` [bytes].
    gpu : str
        The accelerator.
    precision : str
        Key of :data:`PRECISIONS`.
    zero_stage : int
        ZeRO stage.
    recompute : str or None
        Activation recomputation; None when activations were not counted (no shape given).
    n_params : float
        Parameters stored [parameters].
    note : str
        What was assumed, or why it does not fit.
    """

    n_devices: int | None
    data_parallel: int | None
    tensor_parallel: int
    pipeline_parallel: int
    weights: float
    gradients: float
    optimizer: float
    activations: float
    device_memory: float
    gpu: str
    precision: str
    zero_stage: int
    recompute: str | None
    n_params: float
    note: str

    @property
    def per_device(self) -> float:
        """Weights + gradients + optimizer + activations on one device [bytes]."""
        return self.weights + self.gradients + self.optimizer + self.activations

    @property
    def fits(self) -> bool:
        """Whether the plan fits in the devices' memory."""
        return self.n_devices is not None and self.per_device <= self.device_memory

    def rows(self) -> list[tuple[str, str, str]]:
        """The breakdown as (item, value, how) rows."""
        p = PRECISIONS[self.precision]
        act_how = ("not counted: give a shape for activations" if self.recompute is None
                   else f"Korthikanti et al., recompute={self.recompute}")
        where = (f"{self.n_devices:,} x {self.gpu}" if self.n_devices else "does not fit")
        return [
            ("weights [GB/device]", f"{self.weights / GB:,.1f}", f"{p.weight_bytes:g} B/param"),
            ("gradients [GB/device]", f"{self.gradients / GB:,.1f}",
             f"{p.gradient_bytes:g} B/param"),
            ("optimizer [GB/device]", f"{self.optimizer / GB:,.1f}",
             f"{p.optimizer_bytes:g} B/param ({self.precision})"),
            ("activations [GB/device]", f"{self.activations / GB:,.1f}", act_how),
            ("total [GB/device]", f"{self.per_device / GB:,.1f}",
             f"of {self.device_memory / GB:,.0f} GB usable"),
            ("devices", where,
             f"ZeRO-{self.zero_stage}; DP {self.data_parallel or '-'} x TP "
             f"{self.tensor_parallel} x PP {self.pipeline_parallel}"),
        ]

    def __str__(self) -> str:
        return text_table(["item", "value", "how"], self.rows(), align="lrl") + "\n" + self.note

    def _repr_html_(self) -> str:
        return html_table(["item", "value", "how"], self.rows(), caption=self.note)


def _check_layout(tensor_parallel, pipeline_parallel, arch):
    t = _whole("tensor_parallel", tensor_parallel)
    p = _whole("pipeline_parallel", pipeline_parallel)
    if arch is not None and arch.n_layers % p:
        raise ValueError(f"pipeline_parallel={p} does not divide the {arch.n_layers} layers; "
                         "pick a divisor of n_layers.")
    return t, p


def _plan(model, *, data_parallel, gpu, precision, zero_stage, tensor_parallel,
          pipeline_parallel, recompute, micro_batch_size, seq_len, memory_fraction,
          note) -> MemoryPlan:
    acc = get_accelerator(gpu)
    if acc.memory is None:
        raise ValueError(f"{acc.name} has no memory figure in lessons.hardware; pick another "
                         "gpu.")
    arch = model if isinstance(model, Architecture) else None
    t, p = _check_layout(tensor_parallel, pipeline_parallel, arch)
    states = model_state_bytes(model, precision=precision, zero_stage=zero_stage,
                               data_parallel=data_parallel or 1, model_parallel=t * p)
    acts = 0.0 if arch is None else activation_bytes(
        arch, micro_batch_size=micro_batch_size, seq_len=seq_len, recompute=recompute,
        tensor_parallel=t)
    return MemoryPlan(
        n_devices=None if data_parallel is None else data_parallel * t * p,
        data_parallel=data_parallel, tensor_parallel=t, pipeline_parallel=p,
        weights=states["weights"], gradients=states["gradients"],
        optimizer=states["optimizer"], activations=acts,
        device_memory=acc.memory * float(fraction("memory_fraction", memory_fraction)),
        gpu=acc.name, precision=_precision(precision).name, zero_stage=_stage(zero_stage),
        recompute=None if arch is None else recompute, n_params=float(_param_total(model)),
        note=note)


def memory_per_device(model, *, n_devices: int, gpu: str = "H100-SXM",
                      precision="mixed-adamw", zero_stage: int = 3, tensor_parallel: int = 1,
                      pipeline_parallel: int = 1, recompute: str = "selective",
                      micro_batch_size: int = 1, seq_len=None,
                      memory_fraction: float = 1.0) -> MemoryPlan:
    """Memory on each of ``n_devices`` devices for a training layout [bytes].

    Parameters
    ----------
    model : float or Architecture
        Parameters [parameters, raw count], or an Architecture (then activations are counted).
    n_devices : int
        Devices in the job, a multiple of tensor_parallel × pipeline_parallel [devices].
    gpu : str
        A key of :data:`lessons.hardware.ACCELERATORS` [name].
    precision : str
        A key of :data:`PRECISIONS` [name].
    zero_stage : int
        0-3 (:data:`ZERO_STAGES`) [stage].
    tensor_parallel, pipeline_parallel : int
        Model-parallel degrees t and p [devices].
    recompute : str
        ``"none"``, ``"selective"`` or ``"full"`` [name].
    micro_batch_size : int
        Sequences per micro-batch per device [sequences].
    seq_len : int, optional
        Sequence length [tokens]; default the Architecture's.
    memory_fraction : float
        Share of each device's memory the run may use [fraction]; frameworks, buffers and
        fragmentation take some, so 1.0 is the arithmetic bound.

    Returns
    -------
    MemoryPlan
        Bytes per device by item, and ``fits``.

    Notes
    -----
    N_d = n_devices / (t·p) data-parallel replicas shard the states as :func:`model_state_bytes`
    says; activations are :func:`activation_bytes`.

    References
    ----------
    Rajbhandari et al. (2020); Korthikanti et al. (2022).

    Examples
    --------
    >>> m = memory_per_device(7.5e9, n_devices=64, zero_stage=3)     # ZeRO Fig. 1, stage 3
    >>> round(m.per_device / 1e9, 1), m.fits
    (1.9, True)
    """
    n = _whole("n_devices", n_devices)
    t, p = _check_layout(tensor_parallel, pipeline_parallel,
                         model if isinstance(model, Architecture) else None)
    if n % (t * p):
        raise ValueError(f"n_devices={n} is not a multiple of tensor_parallel × "
                         f"pipeline_parallel = {t * p}.")
    plan = _plan(model, data_parallel=n // (t * p), gpu=gpu, precision=precision,
                 zero_stage=zero_stage, tensor_parallel=t, pipeline_parallel=p,
                 recompute=recompute, micro_batch_size=micro_batch_size, seq_len=seq_len,
                 memory_fraction=memory_fraction, note="")
    verdict = ("fits" if plan.fits else "does not fit: shard more (zero_stage), add tensor "
               "or pipeline parallelism, recompute more, or use more devices")
    return _with_note(plan, f"On {n:,} x {plan.gpu}: {verdict}.")


def _with_note(plan: MemoryPlan, note: str) -> MemoryPlan:
    return replace(plan, note=note)


def fewest_devices(model, *, gpu: str = "H100-SXM", precision="mixed-adamw",
                   zero_stage: int = 3, tensor_parallel: int = 1, pipeline_parallel: int = 1,
                   recompute: str = "selective", micro_batch_size: int = 1, seq_len=None,
                   memory_fraction: float = 1.0) -> MemoryPlan:
    """The fewest devices of a kind that hold a training run [devices].

    Parameters
    ----------
    model : float or Architecture
        Parameters [parameters, raw count], or an Architecture (then activations count too).
    gpu : str
        A key of :data:`lessons.hardware.ACCELERATORS` [name].
    precision : str
        A key of :data:`PRECISIONS` [name].
    zero_stage : int
        0-3 (:data:`ZERO_STAGES`); only stages that shard something can use more devices to
        fit [stage].
    tensor_parallel, pipeline_parallel : int
        Model-parallel degrees t and p [devices].
    recompute : str
        ``"none"``, ``"selective"`` or ``"full"`` [name].
    micro_batch_size : int
        Sequences per micro-batch per device [sequences].
    seq_len : int, optional
        Sequence length [tokens]; default the Architecture's.
    memory_fraction : float
        Share of each device's memory the run may use [fraction].

    Returns
    -------
    MemoryPlan
        ``n_devices`` = t · p · N_d with the smallest N_d that fits; None (with the reason in
        ``note``) when the unsharded part alone exceeds a device.

    Notes
    -----
    Per device, fixed + shardable/N_d ≤ M, where the shardable part is what ``zero_stage``
    shards and the fixed part the rest plus activations, so N_d = ⌈shardable / (M − fixed)⌉.

    References
    ----------
    Rajbhandari et al. (2020) §5; Korthikanti et al. (2022).

    Examples
    --------
    >>> fewest_devices(70e9).n_devices           # 70B x 16 B/param over 80 GB H100s, ZeRO-3
    14
    >>> fewest_devices(70e9, zero_stage=0).note
    'No number of H100-SXM holds it with ZeRO-0, TP 1, PP 1: 1,120.0 GB per device stay unsharded (80 GB usable). Shard more (zero_stage), add tensor or pipeline parallelism, or recompute more.'
    """
    one = _plan(model, data_parallel=1, gpu=gpu, precision=precision, zero_stage=zero_stage,
                tensor_parallel=tensor_parallel, pipeline_parallel=pipeline_parallel,
                recompute=recompute, micro_batch_size=micro_batch_size, seq_len=seq_len,
                memory_fraction=memory_fraction, note="")
    stage = one.zero_stage
    sharded = ((one.optimizer if stage >= 1 else 0) + (one.gradients if stage >= 2 else 0)
               + (one.weights if stage >= 3 else 0))
    fixed = one.per_device - sharded
    layout = f"ZeRO-{stage}, TP {one.tensor_parallel}, PP {one.pipeline_parallel}"
    if fixed >= one.device_memory or (sharded == 0 and one.per_device > one.device_memory):
        note = (f"No number of {one.gpu} holds it with {layout}: {fixed / GB:,.1f} GB per device "
                f"stay unsharded ({one.device_memory / GB:,.0f} GB usable). Shard more "
                "(zero_stage), add tensor or pipeline parallelism, or recompute more.")
        return _with_note(_with_dp(one, None), note)
    n_d = max(1, math.ceil(sharded / (one.device_memory - fixed) - 1e-12)) if sharded else 1
    plan = _plan(model, data_parallel=n_d, gpu=gpu, precision=precision, zero_stage=stage,
                 tensor_parallel=tensor_parallel, pipeline_parallel=pipeline_parallel,
                 recompute=recompute, micro_batch_size=micro_batch_size, seq_len=seq_len,
                 memory_fraction=memory_fraction, note="")
    acts = ("activations not counted (no shape)" if plan.recompute is None
            else f"activations with recompute={plan.recompute}")
    return _with_note(plan, f"Fewest {plan.gpu}: {plan.n_devices:,} ({layout}; "
                            f"{acts}; {memory_fraction:.0%} of each device's memory).")


def _with_dp(plan: MemoryPlan, data_parallel) -> MemoryPlan:
    return replace(plan, data_parallel=data_parallel,
                   n_devices=None if data_parallel is None else plan.n_devices)
