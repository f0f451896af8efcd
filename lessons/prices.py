"""Prices per device-hour: published assumptions with their sources, never market facts.

Taught in the chapter *Compute and cost budgets*. :mod:`lessons.budget` and
:mod:`lessons.uncertainty` both price plans with these, so they live below both.

The planner needs a starting price for every accelerator of :data:`lessons.hardware.ACCELERATORS`
(one price for all would let a B200 buy 7× the FLOP of an A100 for the same money). Few devices
have a quoted price, so :data:`DEFAULT_PRICES` derives each from the course's H100 price of $2
(:data:`DEEPSEEK_V3_PRICE`) and says how: a price *ratio* quoted on one vendor page where there is
one, else the ratio of dense peaks (the same price per dense FLOP). They are labelled assumptions
for a reader to overwrite, never market facts.
"""

from __future__ import annotations

from dataclasses import dataclass

from .hardware import ACCELERATORS, get_accelerator
from .models import DEEPSEEK_V3_PRICE_PER_HOUR
from .sources import Cite

__all__ = ["PriceAssumption", "DEEPSEEK_V3_PRICE", "PRICE_RANGE_PER_HOUR",
           "AWS_CAPACITY_BLOCK_PRICES", "DEFAULT_PRICES", "default_price"]


@dataclass(frozen=True)
class PriceAssumption:
    """A published price per device-hour, kept with its source and caveat.

    Attributes
    ----------
    usd_per_device_hour : float
        Price [USD / device-hour].
    device : str
        The device the price was stated for.
    cite : Cite
        Where it is stated.
    note : str
        What the price does and does not cover.
    """

    usd_per_device_hour: float
    device: str
    cite: Cite
    note: str


#: DeepSeek-V3's stated assumption: 2.788M H800 GPU-hours x $2 = $5.576M (FACTS §7, §9).
DEEPSEEK_V3_PRICE = PriceAssumption(
    DEEPSEEK_V3_PRICE_PER_HOUR, "H800",
    Cite("deepseekv3", "§1 and Table 1: 2.788M H800 GPU-hours at $2 per GPU-hour = $5.576M"),
    "an assumption of the report, not a market quote; excludes prior research and ablations",
)

#: The course's range of prices per H100-hour [USD / device-hour]: DeepSeek's $2 assumption up
#: to about $4 (AWS EC2 Capacity Blocks listed ≈$3.9–4.9 in 2024 copies of AWS's price page;
#: neoclouds ≈$2–3.5). Prices move month to month: pass your own.
PRICE_RANGE_PER_HOUR = (DEEPSEEK_V3_PRICE.usd_per_device_hour, 4.0)


#: Per-GPU-hour prices of one provider's page, kept for their *ratios* [USD / device-hour]:
#: p5.48xlarge (8 × H100) at $31.464/h, A100 $1.84, H200 $5.41 (FACTS §7, SECONDARY).
AWS_CAPACITY_BLOCK_PRICES = {"A100": 1.84, "H100-SXM": 31.464 / 8, "H200": 5.41}
_AWS = Cite("aws_capacity_blocks", "EC2 Capacity Blocks price list (2024 copies): A100 $1.84, "
            "H100 $31.464/8, H200 $5.41 per GPU-hour", "SECONDARY")
#: The device whose price the others are scaled from, and its price [USD / device-hour].
_REFERENCE_GPU = "H100-SXM"


def _dense_peak(gpu: str) -> float:
    """The device's BF16 dense peak, or its first dtype's where it has no BF16 (V100) [FLOP/s]."""
    acc = ACCELERATORS[gpu]
    return acc.dense_peak_flops.get("bf16", acc.dense_peak_flops[acc.dtypes[0]])


def _derive_price(gpu: str) -> PriceAssumption:
    base = DEEPSEEK_V3_PRICE.usd_per_device_hour
    if gpu in ("H800", _REFERENCE_GPU):
        # DeepSeek-V3 states $2 per H800-hour; the course takes the H800's dense compute to be
        # the H100 SXM's (unverified: see lessons.hardware), so the H100 SXM starts there too.
        return PriceAssumption(base, gpu, DEEPSEEK_V3_PRICE.cite,
                               f"DeepSeek-V3's stated ${base:g} per H800-hour (an H800 taken "
                               "to have the H100 SXM's compute, unverified); the low end of the "
                               "course's $2-4 range")
    if gpu in AWS_CAPACITY_BLOCK_PRICES:
        ratio = AWS_CAPACITY_BLOCK_PRICES[gpu] / AWS_CAPACITY_BLOCK_PRICES[_REFERENCE_GPU]
        return PriceAssumption(base * ratio, gpu, _AWS,
                               f"assumption: ${base:g} per H100-hour × {ratio:.3f}, the "
                               f"{gpu}/H100 price ratio of one 2024 AWS price list")
    ratio = _dense_peak(gpu) / _dense_peak(_REFERENCE_GPU)
    return PriceAssumption(base * ratio, gpu, DEEPSEEK_V3_PRICE.cite,
                           f"assumption: no price quoted; ${base:g} per H100-hour × {ratio:.3f}, "
                           "the ratio of dense peaks (the same price per dense FLOP)")


#: A default price for every accelerator of lessons.hardware.ACCELERATORS, derived from the
#: course's $2 per H100-hour as :func:`default_price` describes [USD / device-hour].
DEFAULT_PRICES: dict[str, PriceAssumption] = {gpu: _derive_price(gpu) for gpu in ACCELERATORS}


def default_price(gpu: str) -> PriceAssumption:
    """The planner's starting price for an accelerator: an assumption, with how it was derived.

    Parameters
    ----------
    gpu : str
        A key of :data:`lessons.hardware.ACCELERATORS` (case-insensitive) [name].

    Returns
    -------
    PriceAssumption
        ``usd_per_device_hour`` [USD / device-hour], its source and a note saying how it
        was derived.

    Notes
    -----
    p(gpu) = $2 × r, with $2 the course's H100 price (DeepSeek-V3's stated assumption for the
    H800, taken to have the H100 SXM's compute: unverified) and r the price ratio gpu/H100 of one AWS price
    list where it lists both (A100, H200), else the ratio of dense BF16 peaks (FP16 for the
    V100), which prices every dense FLOP alike.

    References
    ----------
    DeepSeek-AI (2024) §1; AWS EC2 Capacity Blocks price list (2024 copies); FACTS §7.

    Examples
    --------
    >>> default_price("H100-SXM").usd_per_device_hour
    2.0
    >>> round(default_price("A100").usd_per_device_hour, 2)     # $2 × 1.84/3.933
    0.94
    >>> round(default_price("B200").usd_per_device_hour, 2)     # $2 × 2,250/989.4
    4.55
    """
    return DEFAULT_PRICES[get_accelerator(gpu).name]
