"""Prices per device-hour: published assumptions with their sources, never market facts.

Taught in the chapter *Compute and cost budgets*. :mod:`lessons.budget` and
:mod:`lessons.uncertainty` both price plans with these, so they live below both.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import DEEPSEEK_V3_PRICE_PER_HOUR
from .sources import Cite

__all__ = ["PriceAssumption", "DEEPSEEK_V3_PRICE", "PRICE_RANGE_PER_HOUR"]


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
