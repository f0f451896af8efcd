"""Explorers: live widgets in Jupyter, and views that still react on the static site.

The package is a small core and one module of views per chapter:

==================  ============================================================================
``core``            :class:`Explorer`: a view switched between frames computed in Python when the
                    page is built (for views that need a fit or a simulation), and
                    :func:`format_number`
``computed``        :class:`ComputedView`: a form of typed fields; in Jupyter it calls the Python
                    view function, on the site the page computes it with the view's JavaScript twin
``inpage``          the constants the in-page script reads, exported from Python at build time
``kaplan``          Kaplan's allocation next to a Chinchilla fit (computed); the
                    Kaplan-Chinchilla reconciliation (frames: fits over compute windows)
``chinchilla``      IsoFLOP profiles; the price of the wrong model size (computed)
``overtraining``    the lifetime-optimal model for an inference demand (computed); tokens per
                    parameter by allocation law (computed)
``flops``           6ND, device-hours and days; days of published runs by cluster size (computed)
``mfu``             MFU from a training log's throughput (computed)
``mup``             μP against SP across widths (frames: the sweeps are simulations)
``batch``           DeepSeek LLM's batch and learning-rate laws (computed); the measured noise
                    scale, and cooldowns against cosine runs (frames: measurements)
``budgets``         the planner: :func:`lessons.budget.plan` from the reader's numbers (computed)
``returns``         what the next 10× of compute buys (computed); limited data and emergence
                    (frames: an optimisation, and the course's measured models)
``fitting``         what a target loss costs over bootstrap refits; forecasting a large run from
                    small ones (frames: both are fits)
==================  ============================================================================

A chapter imports its explorers from here (``from lessons.explore import planner``). Views hold
no maths: each calls named functions of ``lessons``, and the site's JavaScript mirrors those
functions name for name (``book/_static/lessons.js``), checked against Python by
``tests/test_inpage_mirror.py`` to a relative 1e-9.
"""

from .batch import cooldown_explorer, hyperparameter_explorer, noise_scale_explorer
from .budgets import planner
from .chinchilla import isoflop_explorer, missizing_explorer
from .computed import ComputedView, Field, Output
from .core import MAX_FRAMES, SITE_BUILD_ENV, Control, Explorer, format_number
from .fitting import forecast_explorer, plan_range_explorer
from .flops import compute_explorer, days_explorer
from .kaplan import kaplan_explorer, reconciliation_explorer
from .mfu import mfu_explorer
from .mup import mup_explorer
from .overtraining import inference_explorer, ratio_by_law_explorer
from .returns import data_limits_explorer, emergence_explorer, returns_explorer

__all__ = [
    "MAX_FRAMES", "SITE_BUILD_ENV", "Control", "Explorer", "ComputedView", "Field", "Output",
    "format_number",
    "compute_explorer", "cooldown_explorer", "data_limits_explorer", "days_explorer",
    "emergence_explorer", "forecast_explorer", "hyperparameter_explorer", "inference_explorer",
    "isoflop_explorer", "kaplan_explorer", "mfu_explorer", "missizing_explorer", "mup_explorer",
    "noise_scale_explorer", "plan_range_explorer", "planner", "ratio_by_law_explorer",
    "reconciliation_explorer", "returns_explorer",
]

#: Every computed view by the dotted name its JavaScript twin has under lessons.explore.
COMPUTED_VIEWS = {
    "batch.hyperparameter_view": hyperparameter_explorer,
    "budgets.planner_view": planner,
    "chinchilla.isoflop_view": isoflop_explorer,
    "chinchilla.missizing_view": missizing_explorer,
    "flops.compute_view": compute_explorer,
    "flops.days_view": days_explorer,
    "kaplan.kaplan_view": kaplan_explorer,
    "mfu.mfu_view": mfu_explorer,
    "overtraining.lifetime_view": inference_explorer,
    "overtraining.ratio_view": ratio_by_law_explorer,
    "returns.returns_view": returns_explorer,
}
