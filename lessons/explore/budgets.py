"""Explorers of the chapter *Compute and cost budgets*: the planner.

:func:`planner` is :func:`lessons.budget.plan` as a form: a budget in dollars or devices × days,
an accelerator and number format, a price per device-hour (each device starts at its own
:func:`lessons.prices.default_price`), an MFU, a sizing strategy, a fit, a lifetime inference
demand and an overhead multiplier. It shows the plan, the same plan's range over bootstrap
refits of the law (:meth:`lessons.budget.Plan.range`) and a chart of model size against budget
for every strategy. On the site it computes in the page (``planner_view`` in
``book/_static/lessons-views.js``) and keeps its inputs in the page's address.
"""

from __future__ import annotations

import math

from .computed import ComputedView, Field, Output

__all__ = ["planner", "planner_view", "PLANNER_FIELDS", "PLANNER_OUTPUTS"]

#: Ways to state the target: a dollar budget, or a cluster for a number of days.
TARGETS = ("budget", "cluster")
_TARGET_NAMES = ("A budget in dollars", "Devices × days")
#: Strategies in the order the course teaches them, and how the form names them.
_STRATEGY_NAMES = {"kaplan": "Kaplan 2020", "chinchilla": "20 tokens per parameter",
                   "parametric": "Fitted law (compute-optimal)",
                   "inference": "Inference-aware (lifetime)"}
_FIT_NAMES = {"besiroglu2024": "Besiroglu et al. 2024 refit",
              "hoffmann2022_tex": "Hoffmann et al. 2022, TeX constants",
              "hoffmann2022": "Hoffmann et al. 2022, rounded"}
#: Budgets of the chart: 3 decades either side of the plan's cost, 4 points per decade; the
#: refits' band at every second one (each point of the band is 1,000 refits).
_CHART_DECADES, _CHART_PER_DECADE, _BAND_EVERY = 3, 4, 2


def _fields() -> list[Field]:
    from .. import hardware, prices

    gpus = tuple(hardware.ACCELERATORS)
    return [
        Field("target", "Plan from", "budget", TARGETS, _TARGET_NAMES, style="radio"),
        Field("budget_usd", "Budget [USD]", 1e6, slider=(1e3, 1e10),
              when=("target", ("budget",))),
        Field("n_devices", "Devices [devices]", 1024, slider=(1, 1e5),
              note="With a dollar budget, this only sets the wall-clock time."),
        Field("days", "Training time [days]", 30, slider=(1, 365),
              when=("target", ("cluster",))),
        Field("gpu", "Accelerator", "H100-SXM", gpus),
        Field("dtype", "Number format of the peak", "bf16", hardware.DTYPES),
        Field("price_per_hour", "Price [USD/device-hour]",
              prices.default_price("H100-SXM").usd_per_device_hour, slider=(0.1, 20),
              note=prices.default_price("H100-SXM").note),
        Field("mfu", "MFU [fraction]", 0.4, slider=(0.05, 0.8), log=False),
        Field("strategy", "Sizing strategy", "chinchilla", tuple(_STRATEGY_NAMES),
              tuple(_STRATEGY_NAMES.values()), style="radio"),
        Field("fit", "Fitted law (allocation and predicted loss)", "besiroglu2024",
              tuple(_FIT_NAMES), tuple(_FIT_NAMES.values()),
              when=("strategy", ("chinchilla", "parametric", "inference"))),
        Field("inference_tokens", "Lifetime inference demand [tokens]", 1e13,
              slider=(1e9, 1e16), when=("strategy", ("inference",))),
        Field("overhead", "Overhead multiplier [1]", 1.0, slider=(1, 5), log=False,
              note="An assumption: failures, restarts and evaluation (1 = none). It changes "
                   "only the cost with overhead."),
    ]


PLANNER_FIELDS = _fields
_PLAN = "The plan"
_RANGE = "Compute-optimal plan for this budget under each bootstrap refit"

PLANNER_OUTPUTS = (
    Output("n_params", "Model size N [parameters]", section=_PLAN),
    Output("n_tokens", "Training tokens D [tokens]", section=_PLAN),
    Output("tokens_per_param", "Tokens per parameter D/N", section=_PLAN),
    Output("flops", "Training compute C [FLOP]", section=_PLAN),
    Output("device_hours", "Device-hours at this MFU [device-hours]", section=_PLAN),
    Output("days", "Wall-clock time on {n_devices} devices [days]", section=_PLAN),
    Output("cost_usd", "Ideal cost [USD]", "usd", section=_PLAN),
    Output("cost_with_overhead_usd", "Cost × the assumed overhead [USD]", "usd", section=_PLAN),
    Output("predicted_loss", "Predicted loss [nats/token]", "loss", section=_PLAN),
    Output("loss_note", "Loss from", "text", section=_PLAN),
    Output("batch_tokens", "Critical batch B_crit, Kaplan's estimate [tokens]", section=_PLAN),
    Output("optimizer_steps", "Optimizer steps D/B_crit [steps]", section=_PLAN),
    Output("range.N_opt.low", "N_opt, low end of the interval [parameters]", section=_RANGE),
    Output("range.N_opt.high", "N_opt, high end [parameters]", section=_RANGE),
    Output("range.D_opt.low", "D_opt, low end [tokens]", section=_RANGE),
    Output("range.D_opt.high", "D_opt, high end [tokens]", section=_RANGE),
    Output("range.loss.low", "Loss, low end [nats/token]", "loss", section=_RANGE),
    Output("range.loss.high", "Loss, high end [nats/token]", "loss", section=_RANGE),
    Output("range.level", "Coverage of the intervals", "percent", section=_RANGE),
)


def planner_view(target, budget_usd, n_devices, days, gpu, dtype, price_per_hour, mfu,
                 strategy, fit, inference_tokens, overhead, boot=None) -> dict:
    """The planner's results for one set of inputs: the plan, its range and its chart.

    Taught in the chapter *Compute and cost budgets*; mirrored in the page by
    ``lessons.explore.budgets.planner_view`` of ``lessons-views.js``.

    Parameters
    ----------
    target : str
        "budget" (``budget_usd``) or "cluster" (``n_devices`` × ``days``).
    budget_usd : float
        Money for the ideal run [USD].
    n_devices : float
        Devices [devices]: the cluster, or with a dollar budget the cluster for the wall-clock
        time.
    days : float
        Wall-clock time of a cluster target [days].
    gpu, dtype : str
        Accelerator and number format of its dense peak.
    price_per_hour : float
        Price [USD / device-hour].
    mfu : float
        Model FLOP utilisation [fraction].
    strategy : str
        A key of :data:`lessons.budget.STRATEGIES`.
    fit : str
        A name of :data:`lessons.chinchilla.FITS`.
    inference_tokens : float
        Lifetime inference demand [tokens]; used by the "inference" strategy only.
    overhead : float
        Assumed cost multiplier ≥ 1 [1].
    boot : BootstrapResult, optional
        Refits for the plan's range; no range without it.

    Returns
    -------
    dict
        ``values`` (Plan attributes by name, ``days`` on ``n_devices`` devices, and
        ``range.<quantity>.<low|high>``), ``chart`` (N against budget per strategy, the refits'
        interval of N_opt, the plan marked) and ``warning`` (extrapolation beyond the fitted runs).

    Examples
    --------
    >>> r = planner_view("budget", 1e6, 1024, 30, "H100-SXM", "bf16", 2.0, 0.4, "chinchilla",
    ...                  "besiroglu2024", 1e13, 1.0)
    >>> f"{r['values']['n_params']:.3g} {r['values']['days']:.3g}"
    '7.7e+10 20.3'
    """
    from .. import budget, chinchilla, kaplan, throughput

    kw = dict(gpu=gpu, dtype=dtype, mfu=mfu, price_per_hour=price_per_hour, strategy=strategy,
              fit=fit, inference_tokens=inference_tokens if strategy == "inference" else 0.0,
              overhead=overhead)
    if target == "budget":
        p = budget.plan(budget_usd, **kw)
        days_shown = p.days_on(n_devices)
    elif target == "cluster":
        p = budget.plan(n_devices=n_devices, days=days, **kw)
        days_shown = p.days
    else:
        raise ValueError(f"unknown target {target!r}; accepted: 'budget', 'cluster'.")
    values = {name: getattr(p, name) for name in (
        "n_params", "n_tokens", "tokens_per_param", "flops", "device_hours", "cost_usd",
        "cost_with_overhead_usd", "predicted_loss", "loss_note", "batch_tokens",
        "optimizer_steps")}
    values["days"] = days_shown
    if boot is not None:
        r = p.range(boot)
        for name in ("N_opt", "D_opt", "loss"):
            values[f"range.{name}.low"], values[f"range.{name}.high"] = r.interval(name)
        values["range.level"] = r.level

    if strategy == "kaplan":
        warning = chinchilla.extrapolation(n_params=p.n_params, span=kaplan.FITTED_RANGE)
    else:
        warning = chinchilla.extrapolation(n_params=p.n_params, n_tokens=p.n_tokens,
                                           flops=p.flops)

    # The chart: model size against budget, every strategy at the plan's device, MFU and price.
    centre = math.log10(p.cost_usd)
    steps = 2 * _CHART_DECADES * _CHART_PER_DECADE + 1
    budgets = [10 ** (centre + (k - _CHART_DECADES * _CHART_PER_DECADE) / _CHART_PER_DECADE)
               for k in range(steps)]
    lines = {"kaplan": [], "chinchilla": [], "parametric": [], "inference": []}
    xs = {k: [] for k in lines}
    band = ([], [], [])
    d_inf = inference_tokens if strategy == "inference" else 0.0
    for k, b in enumerate(budgets):
        try:
            c = throughput.flops_for_device_hours(b / p.price_per_hour, p.gpu, p.mfu, p.dtype)
            sizes = {
                "kaplan": kaplan.optimal_params(c, at_critical_batch=True),
                "chinchilla": chinchilla.twenty_tokens_per_param(c)[0],
                "parametric": chinchilla.compute_optimal(c, fit)[0],
                "inference": (budget.inference_allocation(c, d_inf, fit)[0]
                              if strategy == "inference" else None),
            }
            interval = (_range_at(boot, fit, b, p)
                        if boot is not None and k % _BAND_EVERY == 0 else None)
        except ValueError:  # a budget too small for a function's unit guard: no point there
            continue
        for name, n in sizes.items():
            if n is not None:
                xs[name].append(b)
                lines[name].append(float(n))
        if interval is not None:
            band[0].append(b)
            band[1].append(interval[0])
            band[2].append(interval[1])
    series = []
    if band[0]:
        series.append({"label": f"fitted law, {values['range.level']:.0%} of refits",
                       "x": band[0], "y": band[1], "y2": band[2], "style": "band"})
    for name in ("kaplan", "chinchilla", "parametric", "inference"):
        if xs[name]:
            label = _STRATEGY_NAMES[name] + (f" ({_FIT_NAMES[fit]})" if name in
                                            ("parametric", "inference") else "")
            series.append({"label": label, "x": xs[name], "y": lines[name],
                           "style": "dashed" if name == "kaplan" else "solid"})
    chart = {"title": f"Model size against budget ({p.gpu} {p.dtype}, MFU {p.mfu:g}, "
                      f"${p.price_per_hour:g}/device-hour)",
             "xlabel": "Budget [USD]", "ylabel": "Model size N [parameters]",
             "logx": True, "logy": True, "series": series,
             "marks": [{"label": "this plan", "x": p.cost_usd, "y": p.n_params}]}
    return {"values": values, "chart": chart, "warning": warning}


def _range_at(boot, fit, budget_usd, p):
    from .. import uncertainty

    r = uncertainty.plan_range(boot, fit, budget_usd=budget_usd, gpu=p.gpu, dtype=p.dtype,
                               mfu=p.mfu, price_per_hour=p.price_per_hour)
    return r.interval("N_opt")


def planner(boot=None) -> ComputedView:
    """The training-run planner: :func:`lessons.budget.plan` from the reader's own numbers.

    Taught in the chapter *Compute and cost budgets* and shown on the page *Plan a training
    run*. Every result is an attribute of the :class:`lessons.budget.Plan` that
    :func:`lessons.budget.plan` returns for the inputs, and its range comes from
    :meth:`lessons.budget.Plan.range` over bootstrap refits.

    Parameters
    ----------
    boot : BootstrapResult, optional
        Refits of the Chinchilla law from :func:`lessons.fitting.bootstrap`; by default 1,000
        refits of the 240 points, started at the 2024 refit (a few seconds).

    Returns
    -------
    ComputedView
        Twelve fields named as :func:`lessons.budget.plan`'s parameters, the plan, its range
        and a chart; its inputs live in the page's address.

    Examples
    --------
    >>> from lessons import data, fitting
    >>> p = data.load_chinchilla_points()
    >>> boot = fitting.bootstrap(p.n_params, p.n_tokens, p.loss, n_resamples=20,
    ...                          start="besiroglu2024")
    >>> view = planner(boot)
    >>> [f.name for f in view.fields][:4]
    ['target', 'budget_usd', 'n_devices', 'days']
    >>> 'data-field="cost_usd"' in view.html()
    True
    """
    from .. import data, fitting, hardware, prices
    from .inpage import bootstrap_json

    if boot is None:
        points = data.load_chinchilla_points()
        boot = fitting.bootstrap(points.n_params, points.n_tokens, points.loss,
                                 n_resamples=1000, start="besiroglu2024")
    links = {
        "price_per_hour": {"from": "gpu", "values": {g: prices.default_price(g).usd_per_device_hour
                                                     for g in hardware.ACCELERATORS},
                           "notes": {g: prices.default_price(g).note
                                     for g in hardware.ACCELERATORS}},
        "dtype": {"from": "gpu", "allowed": {g: list(a.dtypes)
                                             for g, a in hardware.ACCELERATORS.items()}},
    }
    notes = ("Every number is <code>lessons.budget.plan</code> for these inputs, computed in "
             "this page (and by Python when the page was built, for the defaults). Prices and "
             "the overhead are assumptions: each accelerator starts at its own price, derived "
             "as the note under the price says; type your own.")
    return ComputedView("budgets.planner_view", planner_view, _fields(), PLANNER_OUTPUTS,
                        title="Plan a training run", data={"boot": boot},
                        data_json={"boot": bootstrap_json(boot)}, links=links,
                        url_state=True, notes=notes)
