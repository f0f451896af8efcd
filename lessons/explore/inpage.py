"""What the site's in-page script gets from Python: every constant, exported when the site is built.

``book/_static/lessons.js`` mirrors named functions of ``lessons`` but types no number of its own:
the fits, the Kaplan laws, the dense peaks, the default prices and the unit guards come from
:func:`constants`, which the book's Sphinx extension writes into the site as
``_static/lessons-constants.js`` (:func:`constants_script`). A test loads the same export next
to the script and compares the two languages function by function.

Examples
--------
>>> k = constants()
>>> k["chinchilla"]["FITS"]["besiroglu2024"]["E"]
1.8172
>>> k["hardware"]["ACCELERATORS"]["H100-SXM"]["dense_peak_flops"]["bf16"]
989400000000000.0
>>> constants_script().startswith("window.LESSONS_CONSTANTS = {")
True
"""

from __future__ import annotations

import dataclasses
import json

from .. import batch, budget, chinchilla, hardware, kaplan, prices
from .. import constants as const

__all__ = ["constants", "constants_script", "bootstrap_json"]


def _fit(f: chinchilla.Fit) -> dict:
    return {"name": f.name, "E": f.E, "A": f.A, "B": f.B, "alpha": f.alpha, "beta": f.beta}


def _token_law(law: chinchilla.TokenLaw) -> dict:
    return {"A": law.A, "alpha": law.alpha}


def _range(r: chinchilla.FittedRange) -> dict:
    return {name: None if getattr(r, name) is None else list(getattr(r, name))
            for name in ("n_params", "n_tokens", "flops")}


def constants() -> dict:
    """Every constant the in-page functions use, by the ``lessons`` module that owns it.

    Returns
    -------
    dict
        JSON-ready: ``constants`` (PF-day [FLOP], FLOP per parameter per token, unit guards),
        ``chinchilla`` (the three fits, the fitted range, 20 tokens/parameter, Llama 3's token
        laws), ``batch`` (DeepSeek LLM's laws and their fitted budgets), ``kaplan``
        (Kaplan 2020's constants and fitted range), ``hardware`` (dense peaks [FLOP/s] per
        dtype), ``prices`` (the default price per accelerator [USD/device-hour] with its note)
        and ``budget`` (the sizing strategies).

    Examples
    --------
    >>> sorted(constants())
    ['batch', 'budget', 'chinchilla', 'constants', 'hardware', 'kaplan', 'prices']
    """
    laws = {k: v for k, v in dataclasses.asdict(kaplan.KAPLAN_2020).items() if k != "cites"}
    return {
        "constants": {
            "PF_DAY": const.PF_DAY,
            "TRAINING_FLOPS_PER_PARAM_TOKEN": const.TRAINING_FLOPS_PER_PARAM_TOKEN,
            "INFERENCE_FLOPS_PER_PARAM_TOKEN": const.INFERENCE_FLOPS_PER_PARAM_TOKEN,
            "MIN_RAW_COUNT": const.MIN_RAW_COUNT,
            "MIN_FLOPS": const.MIN_FLOPS,
            "MIN_PEAK": const.MIN_PEAK,
            "SECONDS_PER": dict(const.SECONDS_PER),
        },
        "chinchilla": {
            "MIN_RAW_COUNT": chinchilla.MIN_RAW_COUNT,
            "MIN_FLOPS": chinchilla.MIN_FLOPS,
            "CHINCHILLA_TOKENS_PER_PARAM": chinchilla.CHINCHILLA_TOKENS_PER_PARAM,
            "FITS": {name: _fit(f) for name, f in chinchilla.FITS.items()},
            "FITTED_RANGE": _range(chinchilla.FITTED_RANGE),
            "LLAMA3_TOKEN_LAW": _token_law(chinchilla.LLAMA3_TOKEN_LAW),
            "LLAMA3_TOKEN_LAW_ROUNDED": _token_law(chinchilla.LLAMA3_TOKEN_LAW_ROUNDED),
        },
        "batch": {
            "MIN_FLOPS": batch.MIN_FLOPS,
            "DEEPSEEK_LLM": {k: v for k, v in dataclasses.asdict(batch.DEEPSEEK_LLM).items()
                             if k != "cites"},
            "FITTED_RANGE": _range(batch.FITTED_RANGE),
        },
        "kaplan": {
            "MIN_RAW_COUNT": kaplan.MIN_RAW_COUNT,
            "MIN_FLOPS": kaplan.MIN_FLOPS,
            "KAPLAN_2020": laws,
            "FITTED_RANGE": _range(kaplan.FITTED_RANGE),
        },
        "hardware": {
            "DTYPES": list(hardware.DTYPES),
            "ACCELERATORS": {
                name: {"name": a.name, "dense_peak_flops": dict(a.dense_peak_flops),
                       "sparse_2to4_peak_flops": dict(a.sparse_2to4_peak_flops),
                       "dtypes": list(a.dtypes)}
                for name, a in hardware.ACCELERATORS.items()},
        },
        "prices": {
            "DEEPSEEK_V3_PRICE": prices.DEEPSEEK_V3_PRICE.usd_per_device_hour,
            "DEFAULT_PRICES": {gpu: {"usd_per_device_hour": p.usd_per_device_hour,
                                     "note": p.note, "cite": str(p.cite)}
                               for gpu, p in prices.DEFAULT_PRICES.items()},
        },
        "budget": {
            "STRATEGIES": list(budget.STRATEGIES),
            "KAPLAN_LOSS_NOTE": budget._KAPLAN_LOSS_NOTE,
        },
    }


def constants_script() -> str:
    """:func:`constants` as the script the site loads before ``lessons.js``."""
    text = json.dumps(constants(), separators=(",", ":"), allow_nan=False, ensure_ascii=False)
    return (f"window.LESSONS_CONSTANTS = {text};\n"
            "if (window.lessons) { window.lessons.setConstants(window.LESSONS_CONSTANTS); }\n")


def bootstrap_json(boot) -> dict:
    """Bootstrap refits for the page: the converged rows (E, A, B, α, β) and the level.

    Parameters
    ----------
    boot : BootstrapResult
        From :func:`lessons.fitting.bootstrap`.

    Returns
    -------
    dict
        ``{"rows": [[E, A, B, alpha, beta], ...], "level": float}``, what
        ``lessons.uncertainty.plan_range`` of ``lessons.js`` reads [nats/token and
        dimensionless constants; level a fraction].
    """
    rows = boot.samples[boot.converged, :5].tolist()
    return {"rows": rows, "level": float(boot.level)}
