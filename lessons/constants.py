"""Constants shared by the FLOP, time and memory modules: one home for each, at the bottom.

Every module that needs one of these imports it from here, so no two modules have to import
each other for a number (:mod:`lessons.flops` re-exports them under their old names).
"""

from __future__ import annotations

__all__ = [
    "PF_DAY",
    "TRAINING_FLOPS_PER_PARAM_TOKEN",
    "INFERENCE_FLOPS_PER_PARAM_TOKEN",
    "MIN_RAW_COUNT",
    "MIN_FLOPS",
    "MIN_PEAK",
    "SECONDS_PER",
]

#: One petaflop/s sustained for a day: 10^15 × 24 × 3600 = 8.64e19 [FLOP] (Kaplan et al. §1.3).
PF_DAY = 1e15 * 24 * 3600

#: FLOP per parameter per training token: 2 forward + 4 backward (Kaplan et al. 2020 §2.1).
TRAINING_FLOPS_PER_PARAM_TOKEN = 6.0

#: FLOP per parameter per inference token: one forward pass (Kaplan et al. 2020 Table 1).
INFERENCE_FLOPS_PER_PARAM_TOKEN = 2.0

#: Below this many parameters or tokens an input is taken for "billions" and refused.
MIN_RAW_COUNT = 1e3

#: Below this many FLOP a compute budget is taken for a unit mistake (e.g. PF-days) and refused.
MIN_FLOPS = 1e6

#: A peak below this is taken for TFLOP/s (989.4 instead of 989.4e12) and refused [FLOP/s].
MIN_PEAK = 1e9

#: Seconds in each time unit the package accepts [s].
SECONDS_PER = {"s": 1.0, "hours": 3600.0, "days": 86400.0}
