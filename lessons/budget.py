"""Compute and cost budgets: from dollars, or devices × days, to a training plan.

Taught in the chapter *Compute and cost budgets*.

A plan is a worksheet read top to bottom: the target (a budget in dollars or a cluster for a
number of days) gives device-hours; device-hours at a dense peak and an MFU give FLOPs; a
sizing strategy splits the FLOPs into parameters N and tokens D; a batch size turns D into
optimizer steps. Every step calls the function that owns its formula
(:mod:`lessons.flops`, :mod:`lessons.hardware`, :mod:`lessons.chinchilla`,
:mod:`lessons.kaplan`, :mod:`lessons.overtraining`); this module only chains them.

Prices are parameters, not facts: the default $2 per device-hour is the assumption the
DeepSeek-V3 report states for its H800s, and the course's range is $2–4 per H100-hour.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from . import chinchilla, kaplan
from ._table import html_table, text_table
from ._validate import choose, fraction, output, positive, raw_count
from .chinchilla import BESIROGLU_2024, MIN_RAW_COUNT, Fit, get_fit
from .flops import gpu_hours, tokens_for_flops, training_flops, wall_clock_days
from .hardware import DTYPES, get_accelerator, peak_flops
from .memory import PRECISIONS, MemoryPlan, fewest_devices
from .overtraining import lifetime_flops, tokens_per_param
from .prices import DEEPSEEK_V3_PRICE, PRICE_RANGE_PER_HOUR, PriceAssumption
from .throughput import flops_for_device_hours
from .uncertainty import plan_range

__all__ = [
    "DEEPSEEK_V3_PRICE",
    "PRICE_RANGE_PER_HOUR",
    "STRATEGIES",
    "Plan",
    "PriceAssumption",
    "RouteCosts",
    "cost_of_run",
    "flops_for_device_hours",
    "inference_allocation",
    "optimizer_steps",
    "plan",
    "route_costs",
]


#: Sizing strategies accepted by :func:`plan`, with what each one means.
STRATEGIES = {
    "chinchilla": "D = 20 N under C = 6ND (the rule of thumb; chinchilla.twenty_tokens_per_param)",
    "kaplan": "Kaplan et al. 2020 N_opt at B_crit (C_min = C/2), D = C/(6N); N non-embedding",
    "parametric": "closed-form optimum of a fitted L(N, D) (chinchilla.compute_optimal)",
    "inference": "Sardana et al. lifetime optimum that spends exactly the training budget",
}

_KAPLAN_LOSS_NOTE = ("not defined: Kaplan's nats are per WebText2 (GPT-2) token and his N "
                     "excludes embeddings")
_OVERHEAD_NOTE = "assumption"


def optimizer_steps(n_tokens, batch_tokens):
    """Number of optimizer steps to consume a token budget at a batch size [steps].

    Parameters
    ----------
    n_tokens : float or array_like
        Training tokens D [tokens].
    batch_tokens : float or array_like
        Tokens per optimizer step B (sequences × sequence length) [tokens].

    Notes
    -----
    S = D / B (Kaplan et al. 2020, C ≈ 6NBS with D = B·S).

    References
    ----------
    Kaplan et al. (2020) §1.3 and §5.1.

    Examples
    --------
    >>> optimizer_steps(1e12, 4e6)      # Llama 2's 4M-token batch
    250000.0
    """
    d = raw_count("n_tokens", n_tokens, minimum=MIN_RAW_COUNT, unit="tokens",
                  example="n_tokens=1e12 for 1T tokens")
    b = positive("batch_tokens", batch_tokens, unit="tokens")
    return output(d / b, n_tokens, batch_tokens)


def inference_allocation(flops, inference_tokens, fit: Fit | str = BESIROGLU_2024):
    """The lifetime-optimal model whose training costs exactly a given budget.

    Parameters
    ----------
    flops : float
        Training budget C [FLOP].
    inference_tokens : float
        Expected lifetime inference demand D_inf [tokens]; 0 gives compute_optimal.
    fit : Fit or str
        The fitted Chinchilla constants.

    Returns
    -------
    (n_params, n_tokens) : tuple
        N [parameters] and D [tokens] with 6·N·D = C.

    Notes
    -----
    The model lies on the curve 6·N·D = C where :func:`lessons.overtraining.lifetime_tangency`
    is zero: with D = C/(6N) that condition, in u = ln N, is

        ln(αA/(βB)) + ln C − (1+α)u + β ln(C/(6N)) − ln(C/N + 2·D_inf) = 0,

    whose left side h(u) falls with slope between α+β and α+β+1. It is < 0 at the compute-optimal
    size N_0 when D_inf > 0, so the zero lies in [u_0 + h(u_0)/(α+β), u_0]; Brent's method finds
    it to machine precision. This is the Sardana et al. lifetime-optimal model whose
    training costs exactly C: its loss is a little above the compute-optimal loss for C (it trades
    loss for a smaller, cheaper-to-serve model), and with D_inf = 0 it *is* the compute-optimal
    model.

    References
    ----------
    Sardana et al. (2024) §2; Hoffmann et al. (2022) Eq. 4.

    Examples
    --------
    >>> n0, _ = chinchilla.compute_optimal(1e23)
    >>> n, d = inference_allocation(1e23, 1e13)
    >>> bool(n < n0), f"{6 * n * d:.3g}"
    (True, '1e+23')
    """
    f = get_fit(fit)
    c = float(raw_count("flops", flops, minimum=chinchilla.MIN_FLOPS, unit="FLOP",
                        example="flops=1e23"))
    d_inf = float(positive("inference_tokens", inference_tokens, unit="tokens", allow_zero=True))
    n0, d0 = chinchilla.compute_optimal(c, f)
    if d_inf == 0:
        return n0, d0

    def tangency(u: float) -> float:
        n = math.exp(u)
        return (math.log(f.alpha * f.A / (f.beta * f.B)) + math.log(c) - (1.0 + f.alpha) * u
                + f.beta * math.log(c / (6.0 * n)) - math.log(c / n + 2.0 * d_inf))

    u0 = math.log(n0)
    h0 = tangency(u0)
    if h0 > -1e-12:  # demand too small to move N by more than about 1e-12 of itself
        return n0, d0
    # The slope is at most -(α+β), so the zero is at most |h0|/(α+β) below u0 (1.5× that
    # keeps rounding from putting it outside).
    u = brentq(tangency, u0 + 1.5 * h0 / (f.alpha + f.beta), u0, xtol=1e-14,
               rtol=4 * np.finfo(float).eps)
    n = math.exp(u)
    return n, tokens_for_flops(c, n)


@dataclass(frozen=True)
class Plan:
    """A training plan as a worksheet: target → N → D → FLOPs → device-hours → days → cost.

    Attributes
    ----------
    strategy : str
        How FLOPs were split into N and D (a key of :data:`STRATEGIES`, or "given").
    gpu, dtype : str
        Accelerator (key of :data:`lessons.hardware.ACCELERATORS`) and arithmetic of its peak.
    n_devices : int or None
        Devices [devices]; None when the plan came from a dollar budget.
    days : float or None
        Wall-clock time [days]; None when the plan came from a dollar budget.
    mfu : float
        Model FLOP utilisation [1].
    price_per_hour : float
        Price [USD / device-hour].
    n_params, n_tokens : float
        Model size [parameters] and training tokens [tokens].
    flops : float
        Training compute [FLOP].
    device_hours : float
        Ideal device time at this MFU [device-hours].
    cost_usd : float
        Ideal cost, device_hours × price_per_hour [USD].
    predicted_loss : float or None
        Loss of (N, D) under ``fit`` [nats/token]; None where not defined (see loss_note).
    loss_note : str
        What predicted_loss is, or why it is None.
    tokens_per_param : float
        D/N [tokens/parameter].
    batch_tokens : float
        Tokens per optimizer step [tokens].
    batch_note : str
        Where the batch size comes from.
    optimizer_steps : float
        D / batch_tokens [steps].
    overhead : float
        Assumed multiplier on the ideal cost for failures, restarts, evaluation, etc. [1].
    fit : str or None
        Name of the Chinchilla fit used for allocation or loss.
    inference_tokens : float
        Lifetime inference demand used by the "inference" strategy [tokens].
    budget_usd : float or None
        The dollar target, when the plan came from one [USD].
    memory : MemoryPlan or None
        Fewest devices of ``gpu`` that hold the model's weights, gradients and optimizer
        states (:func:`lessons.memory.fewest_devices`; activations need a shape and are not
        counted); None when the device has no memory figure.
    """

    strategy: str
    gpu: str
    dtype: str
    n_devices: int | None
    days: float | None
    mfu: float
    price_per_hour: float
    n_params: float
    n_tokens: float
    flops: float
    device_hours: float
    cost_usd: float
    predicted_loss: float | None
    loss_note: str
    tokens_per_param: float
    batch_tokens: float
    batch_note: str
    optimizer_steps: float
    overhead: float = 1.0
    fit: str | None = None
    inference_tokens: float = 0.0
    budget_usd: float | None = None
    memory: MemoryPlan | None = None

    @property
    def cost_with_overhead_usd(self) -> float:
        """Ideal cost × overhead [USD]: an assumption, shown apart from the ideal cost."""
        return self.cost_usd * self.overhead

    @property
    def lifetime_flops(self) -> float:
        """Training plus inference compute, 6ND + 2N·D_inf [FLOP]."""
        return float(lifetime_flops(self.n_params, self.n_tokens, self.inference_tokens))

    def range(self, boot, level: float | None = None):
        """This plan's budget under every bootstrap refit: N, D and loss as intervals.

        Parameters
        ----------
        boot : BootstrapResult
            Refits from :func:`lessons.fitting.bootstrap`.
        level : float, optional
            Coverage of the intervals [fraction]; default ``boot.level``.

        Returns
        -------
        lessons.uncertainty.PlanRange
            For the plan's ideal cost [USD] on its GPU, MFU and price; point values from the
            plan's fit (the 2024 refit when the plan has none).

        Examples
        --------
        >>> from lessons import data, fitting
        >>> p = data.load_chinchilla_points()
        >>> boot = fitting.bootstrap(p.n_params, p.n_tokens, p.loss, n_resamples=50,
        ...                          start="besiroglu2024")
        >>> ten_million = plan(1e7, strategy="parametric")
        >>> low, high = ten_million.range(boot).interval("N_opt")
        >>> bool(low < ten_million.n_params < high)
        True
        """
        return plan_range(boot, self.fit or BESIROGLU_2024.name, budget_usd=self.cost_usd,
                          gpu=self.gpu, dtype=self.dtype, mfu=self.mfu,
                          price_per_hour=self.price_per_hour, level=level)

    def days_on(self, n_devices: int) -> float:
        """Wall-clock days of this plan on ``n_devices`` devices [days]."""
        return float(wall_clock_days(self.flops, n_devices, gpu=self.gpu, mfu=self.mfu,
                                     dtype=self.dtype))

    def to_table(self) -> list[tuple[str, str, str]]:
        """The worksheet as (step, value, how it was obtained) rows."""
        if self.budget_usd is not None:
            target = f"${self.budget_usd:,.0f}"
            how = f"dollar budget at ${self.price_per_hour:.2f}/device-hour"
        elif self.strategy == "given":
            target = f"N={self.n_params:.3g}, D={self.n_tokens:.3g}"
            how = "a given model and token count"
        else:
            target = f"{self.n_devices:,} x {self.gpu} for {self.days:g} days"
            how = "devices x days"
        loss = "-" if self.predicted_loss is None else f"{self.predicted_loss:.3f} nats/token"
        days = "-" if self.days is None else f"{self.days:.1f}"
        if self.days is None:
            days_how = "no cluster chosen: Plan.days_on(n_devices) gives the wall-clock time"
        elif self.strategy == "given":
            days_how = f"on {self.n_devices:,} devices"
        else:
            days_how = "set by the target"
        peak = f"{self.gpu} {self.dtype} dense peak x MFU {self.mfu:g}"
        if self.strategy == "given":
            # C comes from the model and tokens; the hours follow from it.
            flops_how, hours_how = "6ND", f"C / ({peak} x 3600 s/h)"
        else:
            flops_how, hours_how = f"device-hours x 3600 s/h x {peak}", "from the target"
        return [
            ("target", target, how),
            ("N [parameters]", f"{self.n_params:.3g}", STRATEGIES.get(self.strategy, "given")),
            ("D [tokens]", f"{self.n_tokens:.3g}", f"D/N = {self.tokens_per_param:.3g}"),
            ("predicted loss", loss, self.loss_note),
            ("batch [tokens]", f"{self.batch_tokens:.3g}", self.batch_note),
            ("optimizer steps", f"{self.optimizer_steps:,.0f}", "D / batch"),
            ("FLOPs", f"{self.flops:.3g}", flops_how),
            ("device-hours", f"{self.device_hours:.3g}", f"ideal, at this MFU; {hours_how}"),
            ("days", days, days_how),
            self._memory_row(),
            ("cost [USD]", f"${self.cost_usd:,.0f}",
             f"ideal: device-hours x ${self.price_per_hour:.2f}"),
            ("with overhead [USD]", f"${self.cost_with_overhead_usd:,.0f}",
             f"{_OVERHEAD_NOTE}: x{self.overhead:g} (failures, restarts, evaluation)"),
        ]

    def _memory_row(self) -> tuple[str, str, str]:
        m = self.memory
        if m is None:
            return ("memory", "-", f"no memory figure for {self.gpu} in lessons.hardware")
        states = f"{m.n_params * PRECISIONS[m.precision].bytes_per_param / 1e12:.3g} TB"
        layout = f"ZeRO-{m.zero_stage}, {m.precision}; activations extra"
        if m.n_devices is None:
            return ("memory", states, f"no number of {self.gpu} holds it ({layout})")
        if self.n_devices is None:
            return ("memory", states, f"fits on >= {m.n_devices:,} x {self.gpu} ({layout})")
        verdict = "fits on" if self.n_devices >= m.n_devices else "does NOT fit on"
        return ("memory", states, f"{verdict} its {self.n_devices:,} devices: needs >= "
                                  f"{m.n_devices:,} ({layout})")

    def __str__(self) -> str:
        return text_table(["step", "value", "how"], self.to_table(), align="lrl")

    def _repr_html_(self) -> str:
        return html_table(["step", "value", "how"], self.to_table(),
                           caption=f"Training plan ({self.strategy})")


def _check_common(gpu, dtype, mfu, price_per_hour, overhead, batch_tokens):
    gpu = get_accelerator(gpu).name            # canonical key; unknown names refused
    dtype = choose("dtype", dtype, DTYPES)
    peak_flops(gpu, dtype)  # refuses a dtype the device has no dense peak for
    mfu = float(fraction("mfu", mfu))
    price = float(positive("price_per_hour", price_per_hour, unit="USD/device-hour"))
    ovh = float(positive("overhead", overhead))
    if ovh < 1.0:
        raise ValueError(f"overhead={ovh!r} must be >= 1: it multiplies the ideal cost by what "
                         "failures, restarts and evaluation add (1.0 = none).")
    if batch_tokens is not None:
        batch_tokens = float(raw_count("batch_tokens", batch_tokens, minimum=1e3,
                                       unit="tokens", example="batch_tokens=4e6"))
    return gpu, dtype, mfu, price, ovh, batch_tokens


def _batch(n_params: float, n_tokens: float, batch_tokens: float | None) -> tuple[float, str]:
    if batch_tokens is not None:
        return batch_tokens, "given"
    ell = float(kaplan.loss(n_params, n_tokens))
    return (float(kaplan.critical_batch(ell)),
            f"Kaplan's B_crit at his L(N, D) = {ell:.3f} (WebText2-tokenizer estimate): the batch "
            "beyond which doubling stops halving the steps, not a recommendation; published runs "
            "used 1.5M-16M tokens")


def _memory(n_params: float, gpu: str, precision, zero_stage) -> MemoryPlan | None:
    if get_accelerator(gpu).memory is None:
        return None
    return fewest_devices(n_params, gpu=gpu, precision=precision, zero_stage=zero_stage)


def _finish(*, strategy, gpu, dtype, mfu, price, n_params, n_tokens, flops, device_hours,
            overhead, fit, batch_tokens, n_devices=None, days=None, budget_usd=None,
            inference_tokens=0.0, loss_defined=True, precision="mixed-adamw",
            zero_stage=3) -> Plan:
    if loss_defined:
        predicted = float(chinchilla.loss(n_params, n_tokens, fit))
        loss_note = f"Chinchilla L(N, D), fit {fit.name}"
    else:
        predicted, loss_note = None, _KAPLAN_LOSS_NOTE
    batch, batch_note = _batch(n_params, n_tokens, batch_tokens)
    return Plan(
        strategy=strategy, gpu=gpu, dtype=dtype, n_devices=n_devices, days=days, mfu=mfu,
        price_per_hour=price, n_params=float(n_params), n_tokens=float(n_tokens),
        flops=float(flops), device_hours=float(device_hours),
        cost_usd=float(device_hours) * price, predicted_loss=predicted, loss_note=loss_note,
        tokens_per_param=float(tokens_per_param(n_params, n_tokens)), batch_tokens=batch,
        batch_note=batch_note, optimizer_steps=float(optimizer_steps(n_tokens, batch)),
        overhead=overhead, fit=fit.name if loss_defined else None,
        inference_tokens=float(inference_tokens), budget_usd=budget_usd,
        memory=_memory(float(n_params), gpu, precision, zero_stage),
    )


def plan(budget_usd=None, *, n_devices=None, days=None, gpu: str = "H100-SXM",
         dtype: str = "bf16", mfu=0.4, price_per_hour=DEEPSEEK_V3_PRICE.usd_per_device_hour,
         strategy: str = "chinchilla", fit: Fit | str = BESIROGLU_2024, inference_tokens=0.0,
         overhead=1.0, batch_tokens=None, precision: str = "mixed-adamw",
         zero_stage: int = 3) -> Plan:
    """Turn a dollar budget, or devices × days, into a training plan.

    Parameters
    ----------
    budget_usd : float, optional
        Money for the ideal training run [USD]. Give this, or ``n_devices`` and ``days``.
    n_devices : int, optional
        Accelerators in the cluster [devices].
    days : float, optional
        Wall-clock training time [days].
    gpu : str
        Key of :data:`lessons.hardware.ACCELERATORS` (dense peaks only).
    dtype : str
        Arithmetic of the peak: "bf16", "fp16", "fp8", "tf32" or "fp32".
    mfu : float
        Model FLOP utilisation, a fraction [1]; Llama 3 reports 0.38–0.43.
    price_per_hour : float
        Price [USD / device-hour]. Default $2, DeepSeek-V3's stated assumption
        (:data:`DEEPSEEK_V3_PRICE`); the course uses $2–4 per H100-hour
        (:data:`PRICE_RANGE_PER_HOUR`).
    strategy : str
        "chinchilla", "kaplan", "parametric" or "inference" (see :data:`STRATEGIES`).
    fit : Fit or str
        Chinchilla fit for "parametric" and "inference" allocations and for the loss.
    inference_tokens : float
        Lifetime inference demand for strategy "inference" [tokens].
    overhead : float
        Assumed multiplier (≥ 1) for failures, restarts and evaluation [1]. It does not
        change the allocation; it only fills the separate, labelled ``cost_with_overhead_usd``.
    batch_tokens : float, optional
        Tokens per optimizer step [tokens]; default Kaplan's critical batch B_crit(L).
    precision : str
        Training recipe for the memory row, a key of :data:`lessons.memory.PRECISIONS`
        (default mixed-precision AdamW, 16 bytes per parameter) [name].
    zero_stage : int
        ZeRO stage for the memory row, 0-3 [stage].

    Returns
    -------
    Plan
        Prints as a worksheet; renders as HTML in Jupyter.

    Notes
    -----
    device-hours = budget / price, or n_devices × 24 × days;
    C = device-hours × 3600 × peak(gpu, dtype) × MFU (:func:`flops_for_device_hours`);
    then (N, D) by strategy:

    * "chinchilla": D = 20 N, C = 6ND (:func:`lessons.chinchilla.twenty_tokens_per_param`);
    * "kaplan": N = :func:`lessons.kaplan.optimal_params` (C, at_critical_batch=True), i.e.
      training at B_crit with C_min = C/2 (Kaplan §5.1; the reading of Hoffmann et al.
      App. D.4), and D = C/(6N) so the whole budget is spent (Kaplan's own D_opt would give
      6ND ≈ 0.9 C). N excludes embeddings, and no Chinchilla loss is given;
    * "parametric": :func:`lessons.chinchilla.compute_optimal` (C, fit);
    * "inference": :func:`inference_allocation` (C, inference_tokens, fit), the
      Sardana et al. lifetime-optimal model whose training costs exactly C.

    References
    ----------
    Hoffmann et al. (2022); Kaplan et al. (2020) Table 6 and Eq. 5.3; Sardana et al. (2024);
    DeepSeek-AI (2024) §1 ($2 per GPU-hour assumption).

    Examples
    --------
    >>> p = plan(10e6)                          # $10M at $2/h on H100s, 40 % MFU
    >>> f"{p.device_hours:.3g} {p.flops:.3g} {p.n_params:.3g}"
    '5e+06 7.12e+24 2.44e+11'
    >>> plan(10e6, n_devices=1024, days=30)
    Traceback (most recent call last):
    ...
    ValueError: give either budget_usd, or n_devices and days, not both.
    """
    gpu, dtype, mfu, price, ovh, batch_tokens = _check_common(gpu, dtype, mfu, price_per_hour,
                                                       overhead, batch_tokens)
    strategy = choose("strategy", strategy, {k: k for k in STRATEGIES})
    f = get_fit(fit)
    d_inf = float(positive("inference_tokens", inference_tokens, unit="tokens", allow_zero=True))
    if d_inf > 0 and strategy != "inference":
        raise ValueError(f"inference_tokens is used only by strategy='inference'; got "
                         f"strategy={strategy!r}. Pass inference_tokens=0 or that strategy.")

    if budget_usd is not None:
        if n_devices is not None or days is not None:
            raise ValueError("give either budget_usd, or n_devices and days, not both.")
        budget = float(positive("budget_usd", budget_usd, unit="USD"))
        hours = budget / price
    elif n_devices is None or days is None:
        raise ValueError("give budget_usd, or both n_devices and days; got "
                         f"n_devices={n_devices!r}, days={days!r}.")
    else:
        budget = None
        devices = float(positive("n_devices", n_devices, unit="devices"))
        if devices != round(devices):
            raise ValueError(f"n_devices must be a whole number; got {n_devices!r}.")
        n_devices = int(devices)
        days = float(positive("days", days, unit="days"))
        hours = n_devices * days * 24.0

    c = float(flops_for_device_hours(hours, gpu, mfu, dtype))
    if strategy == "chinchilla":
        n, d = chinchilla.twenty_tokens_per_param(c)
    elif strategy == "kaplan":
        n = float(kaplan.optimal_params(c, at_critical_batch=True))
        d = tokens_for_flops(c, n)
    elif strategy == "parametric":
        n, d = chinchilla.compute_optimal(c, f)
    else:
        n, d = inference_allocation(c, d_inf, f)
    return _finish(strategy=strategy, gpu=gpu, dtype=dtype, mfu=mfu, price=price, n_params=n,
                   n_tokens=d, flops=c, device_hours=hours, overhead=ovh, fit=f,
                   batch_tokens=batch_tokens, n_devices=n_devices, days=days,
                   budget_usd=budget, inference_tokens=d_inf,
                   loss_defined=strategy != "kaplan", precision=precision,
                   zero_stage=zero_stage)


def cost_of_run(n_params, n_tokens, *, gpu: str = "H100-SXM", dtype: str = "bf16", mfu=0.4,
                price_per_hour=DEEPSEEK_V3_PRICE.usd_per_device_hour, n_devices=None,
                fit: Fit | str = BESIROGLU_2024, overhead=1.0, batch_tokens=None,
                precision: str = "mixed-adamw", zero_stage: int = 3) -> Plan:
    """Cost a given model and token count (the commissioning question, run the other way).

    Parameters
    ----------
    n_params : float
        Model size N [parameters, raw count].
    n_tokens : float
        Training tokens D [tokens, raw count].
    gpu, dtype : str
        Accelerator and arithmetic of its dense peak.
    mfu : float
        Model FLOP utilisation, a fraction [1].
    price_per_hour : float
        Price [USD / device-hour].
    n_devices : int, optional
        Devices, to fill in wall-clock days [devices].
    fit : Fit or str
        Chinchilla fit for the predicted loss.
    overhead : float
        Assumed cost multiplier (≥ 1) [1], reported separately.
    batch_tokens : float, optional
        Tokens per optimizer step [tokens]; default Kaplan's B_crit.
    precision : str
        Training recipe for the memory row (:data:`lessons.memory.PRECISIONS`) [name].
    zero_stage : int
        ZeRO stage for the memory row, 0-3 [stage].

    Returns
    -------
    Plan
        With strategy "given".

    Notes
    -----
    C = 6ND (:func:`lessons.flops.training_flops`); device-hours = C / (3600 × peak × MFU)
    (:func:`lessons.flops.gpu_hours`); cost = device-hours × price.

    References
    ----------
    Kaplan et al. (2020) §2.1; Chowdhery et al. (2022) §4.1; FACTS §10.

    Examples
    --------
    >>> p = cost_of_run(8.03e9, 15e12, mfu=0.4)        # Llama 3 8B, FACTS §10
    >>> f"{p.flops:.3g} {p.device_hours:.3g} {p.cost_usd / 1e6:.2f}"
    '7.23e+23 5.07e+05 1.01'
    """
    gpu, dtype, mfu, price, ovh, batch_tokens = _check_common(gpu, dtype, mfu, price_per_hour,
                                                       overhead, batch_tokens)
    f = get_fit(fit)
    n = float(raw_count("n_params", n_params, minimum=MIN_RAW_COUNT, unit="parameters",
                        example="n_params=7e10 for 70B"))
    d = float(raw_count("n_tokens", n_tokens, minimum=MIN_RAW_COUNT, unit="tokens",
                        example="n_tokens=2e12 for 2T"))
    c = float(training_flops(n, d))
    hours = float(gpu_hours(c, gpu=gpu, mfu=mfu, dtype=dtype))
    days = None
    if n_devices is not None:
        devices = float(positive("n_devices", n_devices, unit="devices"))
        if devices != round(devices):
            raise ValueError(f"n_devices must be a whole number; got {n_devices!r}.")
        n_devices = int(devices)
        days = float(wall_clock_days(c, n_devices, gpu=gpu, mfu=mfu, dtype=dtype))
    return _finish(strategy="given", gpu=gpu, dtype=dtype, mfu=mfu, price=price, n_params=n,
                   n_tokens=d, flops=c, device_hours=hours, overhead=ovh, fit=f,
                   batch_tokens=batch_tokens, n_devices=n_devices, days=days,
                   precision=precision, zero_stage=zero_stage)


# --- three routes to a model for a new language ---------------------------------------------

@dataclass(frozen=True)
class RouteCosts:
    """FLOPs, device-hours and cost of the three routes to a model for a new language.

    Attributes
    ----------
    routes : tuple of str
        "from scratch", "continued pretraining", "fine-tuning".
    n_tokens, flops, device_hours, cost_usd : tuple of float
        Per route: tokens [tokens], compute [FLOP], time [device-hours], cost [USD].
    notes : tuple of str
        What each route assumes.
    """

    routes: tuple
    n_tokens: tuple
    flops: tuple
    device_hours: tuple
    cost_usd: tuple
    notes: tuple

    def __getitem__(self, route: str) -> dict:
        i = self.routes.index(choose("route", route, {r: r for r in self.routes}))
        return {"n_tokens": self.n_tokens[i], "flops": self.flops[i],
                "device_hours": self.device_hours[i], "cost_usd": self.cost_usd[i],
                "note": self.notes[i]}

    def _cells(self):
        headers = ["route", "tokens", "FLOPs", "device-hours", "cost [USD]", "assumes"]
        rows = [[r, f"{d:.3g}", f"{c:.3g}", f"{h:.3g}", f"${u:,.0f}", note]
                for r, d, c, h, u, note in zip(self.routes, self.n_tokens, self.flops,
                                              self.device_hours, self.cost_usd, self.notes,
                                              strict=True)]
        return headers, rows

    def __str__(self) -> str:
        return text_table(*self._cells(), align="lrrrrl")

    def _repr_html_(self) -> str:
        return html_table(*self._cells(), caption="Three routes to a model for a new language")


def route_costs(n_params, scratch_tokens, continued_tokens, finetune_tokens, *,
                gpu: str = "H100-SXM", dtype: str = "bf16", mfu=0.4,
                price_per_hour=DEEPSEEK_V3_PRICE.usd_per_device_hour) -> RouteCosts:
    """Compare training from scratch, continued pretraining and fine-tuning, for one size.

    Parameters
    ----------
    n_params : float
        Model size N, the same for all routes [parameters, raw count].
    scratch_tokens : float
        Tokens for pretraining from scratch [tokens].
    continued_tokens : float
        Extra tokens for continued pretraining of an open model [tokens].
    finetune_tokens : float
        Tokens of the fine-tuning set × epochs [tokens].
    gpu, dtype : str
        Accelerator and arithmetic of its dense peak.
    mfu : float
        Model FLOP utilisation, a fraction, assumed equal on all routes [1].
    price_per_hour : float
        Price [USD / device-hour].

    Returns
    -------
    RouteCosts
        Prints as a table; index by route name for the numbers.

    Notes
    -----
    Each route costs 6·N·D_route FLOPs (:func:`lessons.flops.training_flops`), converted with
    :func:`lessons.flops.gpu_hours` and the price. Continued pretraining does not pay for the
    open model's own pretraining; fine-tuning is costed as full-parameter training, an upper
    bound for parameter-efficient methods, whose backward pass is cheaper.

    References
    ----------
    Kaplan et al. (2020) §2.1 (6N FLOPs per training token).

    Examples
    --------
    >>> r = route_costs(8e9, 2e12, 1e11, 1e8)
    >>> [f"${r[k]['cost_usd']:,.0f}" for k in r.routes]     # at $2/h, 40 % MFU, H100
    ['$134,762', '$6,738', '$7']
    """
    gpu, dtype, mfu, price, _, _ = _check_common(gpu, dtype, mfu, price_per_hour, 1.0, None)
    n = raw_count("n_params", n_params, minimum=MIN_RAW_COUNT, unit="parameters",
                  example="n_params=8e9 for 8B")
    tokens = []
    for name, value in (("scratch_tokens", scratch_tokens), ("continued_tokens", continued_tokens),
                        ("finetune_tokens", finetune_tokens)):
        tokens.append(float(raw_count(name, value, minimum=MIN_RAW_COUNT, unit="tokens",
                                      example=f"{name}=1e11")))
    c = np.asarray(training_flops(float(n), np.asarray(tokens)))
    hours = np.asarray(gpu_hours(c, gpu=gpu, mfu=mfu, dtype=dtype))
    return RouteCosts(
        routes=("from scratch", "continued pretraining", "fine-tuning"),
        n_tokens=tuple(tokens),
        flops=tuple(map(float, c)),
        device_hours=tuple(map(float, hours)),
        cost_usd=tuple(float(h) * price for h in hours),
        notes=("full pretraining in the new language",
               "extra tokens on an open model of this size; its pretraining not paid",
               "full-parameter fine-tuning; PEFT methods cost less"),
    )
