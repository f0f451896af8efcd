"""Explorers of the chapter *FLOPs, GPU-hours and PF-days*: 6ND, device-hours and days.

Closed forms (6ND and the definition of MFU solved for time), computed in the page on the site.
"""

from __future__ import annotations

from .computed import ComputedView, Field, Output

__all__ = ["compute_explorer", "compute_view", "days_explorer", "days_view", "DAYS_RUNS"]

#: Cluster sizes of the charts: 2^k devices, k = 0..17 [devices].
_DEVICES = tuple(float(2**k) for k in range(18))
#: Published runs drawn in the days-versus-devices explorer (keys of lessons.models.MODELS).
DAYS_RUNS = ("Llama 3 8B", "Chinchilla", "Llama 3 70B", "Llama 3.1 405B")


def _gpus() -> tuple[str, ...]:
    from .. import hardware

    return tuple(hardware.ACCELERATORS)


def compute_view(n_params, n_tokens, mfu, gpu, n_devices) -> dict:
    """Compute, PF-days, device-hours and days of a training run, on the dense peak.

    Every number comes from :mod:`lessons.flops` (:func:`~lessons.flops.training_flops`,
    :func:`~lessons.flops.to_pf_days`, :func:`~lessons.flops.gpu_hours`,
    :func:`~lessons.flops.wall_clock_days`) and :func:`lessons.overtraining.tokens_per_param`.

    Parameters
    ----------
    n_params : float
        Model size N [parameters].
    n_tokens : float
        Training tokens D [tokens].
    mfu : float
        Model FLOP utilisation [fraction].
    gpu : str
        A key of :data:`lessons.hardware.ACCELERATORS` (its BF16 peak, or its first dtype's).
    n_devices : float
        Devices for the wall-clock time [devices].

    Returns
    -------
    dict
        ``values`` (``flops``, ``pf_days``, ``tokens_per_param``, ``device_hours``, ``days``),
        ``chart`` (days against cluster size) and ``warning`` ("": 6ND is not a fit).

    Examples
    --------
    >>> v = compute_view(8.03e9, 15e12, 0.4, "H100-SXM", 1024)["values"]   # Llama 3 8B, FACTS §10
    >>> f"{v['flops']:.3g} {v['device_hours']:.3g}"
    '7.23e+23 5.07e+05'
    """
    from .. import flops, hardware, overtraining

    dtype = hardware.get_accelerator(gpu).dtypes[0]
    c = flops.training_flops(n_params, n_tokens)
    values = {"flops": c, "pf_days": flops.to_pf_days(c),
              "tokens_per_param": overtraining.tokens_per_param(n_params, n_tokens),
              "device_hours": flops.gpu_hours(c, gpu, mfu, dtype),
              "days": flops.wall_clock_days(c, n_devices, gpu, mfu, dtype)}
    xs = list(_DEVICES)
    chart = {"title": f"Wall-clock time of this run on {gpu} at MFU {mfu:g}",
             "xlabel": f"Number of {gpu} [devices]", "ylabel": "Wall-clock time [days]",
             "logx": True, "logy": True,
             "series": [{"label": "6ND / (devices × peak × MFU)", "x": xs,
                         "y": [flops.wall_clock_days(c, n, gpu, mfu, dtype) for n in xs],
                         "style": "solid"}],
             "marks": [{"label": f"{values['days']:.3g} days", "x": float(n_devices),
                        "y": values["days"]}]}
    return {"values": values, "chart": chart, "warning": ""}


def compute_explorer() -> ComputedView:
    """Model size, tokens, MFU, accelerator and cluster -> compute, device-hours and days.

    Taught in the chapter *FLOPs, GPU-hours and PF-days*; the view is :func:`compute_view`,
    on the **dense** peak of each accelerator.

    Returns
    -------
    ComputedView
        Fields ``n_params``, ``n_tokens``, ``mfu``, ``gpu``, ``n_devices``.

    Examples
    --------
    >>> "H100-SXM" in compute_explorer().html()
    True
    """
    return ComputedView("flops.compute_view", compute_view, [
        Field("n_params", "Parameters N [parameters]", 1e10, slider=(1e8, 1e13)),
        Field("n_tokens", "Training tokens D [tokens]", 1e13, slider=(1e10, 1e14)),
        Field("mfu", "MFU [fraction]", 0.4, slider=(0.05, 0.8), log=False),
        Field("gpu", "Accelerator (dense peak)", "H100-SXM", _gpus()),
        Field("n_devices", "Devices [devices]", 1024, slider=(1, 1e5)),
    ], [
        Output("flops", "Training compute C = 6ND [FLOP]"),
        Output("pf_days", "Compute [PF-days]"),
        Output("tokens_per_param", "Tokens per parameter D/N"),
        Output("device_hours", "{gpu}-hours at this MFU [device-hours]"),
        Output("days", "Days on {n_devices} × {gpu} [days]"),
    ], title="Training cost on one accelerator's dense peak")


def days_view(gpu, mfu) -> dict:
    """Wall-clock days against cluster size for published runs, on one accelerator and MFU.

    Compute is 6ND of each run (:func:`lessons.flops.training_flops`), time is
    :func:`lessons.flops.wall_clock_days` on the device's dense peak.

    Parameters
    ----------
    gpu : str
        A key of :data:`lessons.hardware.ACCELERATORS`.
    mfu : float
        Model FLOP utilisation [fraction].

    Returns
    -------
    dict
        ``values`` (each run's days on 1,024 and 16,384 devices), ``chart`` and ``warning``.

    Examples
    --------
    >>> v = days_view("H100-SXM", 0.4)["values"]
    >>> round(v["Llama 3 8B.1024"], 1)
    20.6
    """
    from .. import flops, hardware, models

    dtype = hardware.get_accelerator(gpu).dtypes[0]
    xs = list(_DEVICES)
    values, series = {}, []
    for name in DAYS_RUNS:
        run = models.get_run(name)
        c = flops.training_flops(run.n_params, run.n_tokens)
        for n in (1024, 16384):
            values[f"{name}.{n}"] = flops.wall_clock_days(c, n, gpu, mfu, dtype)
        series.append({"label": name, "x": xs, "style": "solid",
                       "y": [flops.wall_clock_days(c, n, gpu, mfu, dtype) for n in xs]})
    chart = {"title": f"6ND on {gpu} at MFU {mfu:g}", "xlabel": f"Number of {gpu} [devices]",
             "ylabel": "Wall-clock time [days]", "logx": True, "logy": True, "series": series,
             "marks": []}
    return {"values": values, "chart": chart, "warning": ""}


def days_explorer() -> ComputedView:
    """How long a published run takes on a cluster of a given size, by accelerator and MFU.

    Taught in the chapter *FLOPs, GPU-hours and PF-days*; the view is :func:`days_view`.

    Returns
    -------
    ComputedView
        Fields ``gpu`` [name] and ``mfu`` [fraction]; a chart and a table.

    Examples
    --------
    >>> "Llama 3.1 405B" in days_explorer().html()
    True
    """
    from .. import models

    outputs = []
    for name in DAYS_RUNS:
        outputs += [Output(f"{name}.1024", f"{name} on 1,024 devices [days]"),
                    Output(f"{name}.16384", f"{name} on 16,384 devices [days]")]
    runs = {name: {"n_params": models.get_run(name).n_params,
                   "n_tokens": models.get_run(name).n_tokens} for name in DAYS_RUNS}
    return ComputedView("flops.days_view", days_view, [
        Field("gpu", "Accelerator", "H100-SXM", _gpus()),
        Field("mfu", "MFU [fraction]", 0.4, slider=(0.05, 0.8), log=False),
    ], outputs, title="How long a published run takes on a cluster of a given size",
        data_json={"runs": runs})
