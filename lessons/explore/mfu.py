"""Explorer of the chapter *Model FLOP utilisation*: MFU from the throughput in a training log.

A closed form (PaLM's definition with 6N per token), computed in the page on the site.
"""

from __future__ import annotations

from .computed import ComputedView, Field, Output

__all__ = ["mfu_explorer", "mfu_view"]

#: Tokens the time estimate trains on [tokens], and the clusters it reports [devices].
MFU_TOKENS = 1e12
_CLUSTERS = (1024, 16384)
#: Points of the chart: throughputs from 1/1000 of the peak's to just below it (10^-0.01 of it:
#: at the peak itself rounding can put MFU a hair above 1, which lessons.mfu.mfu refuses).
_CHART_POINTS = 31


def mfu_view(gpu, n_params, tokens_per_device) -> dict:
    """MFU from a throughput per device, its sparse-denominator error, and the days it means.

    MFU is :func:`lessons.mfu.mfu` with 6N model FLOP per token
    (:func:`lessons.mfu.model_flops_per_token`) on the **dense** BF16 peak
    (:func:`lessons.hardware.peak_flops`); the same throughput over the vendor's 2:4-sparse
    figure is shown as the error it is; a throughput above the peak is refused by
    :func:`lessons.mfu.mfu` and reported as impossible.

    Parameters
    ----------
    gpu : str
        A key of :data:`lessons.hardware.ACCELERATORS`.
    n_params : float
        Model size N [parameters].
    tokens_per_device : float
        Training throughput per device [tokens/s].

    Returns
    -------
    dict
        ``values`` (``flops_per_token``, ``peak``, ``mfu``, ``sparse_mfu``, ``days.<n>``),
        ``chart`` (MFU against throughput) and ``warning`` ("": no fit involved).

    Examples
    --------
    >>> v = mfu_view("H100-SXM", 8e9, 8960)["values"]
    >>> round(v["mfu"], 3)
    0.435
    """
    from .. import flops, hardware, mfu

    dtype = hardware.get_accelerator(gpu).dtypes[0]
    peak = hardware.peak_flops(gpu, dtype)
    per_token = mfu.model_flops_per_token(n_params)
    values = {"flops_per_token": per_token, "peak": peak}
    try:
        m = mfu.mfu(tokens_per_device, n_params, n_devices=1, peak_flops_per_device=peak)
    except ValueError:
        values.update({"mfu": "impossible: this needs more than the dense peak",
                       "sparse_mfu": None})
        m = None
    sparse = hardware.get_accelerator(gpu).sparse_2to4_peak_flops.get(dtype)
    if m is not None:
        values["mfu"] = m
        values["sparse_mfu"] = (mfu.mfu(tokens_per_device, n_params, n_devices=1,
                                        peak_flops_per_device=sparse) if sparse else None)
    c = flops.training_flops(n_params, MFU_TOKENS)
    for n in _CLUSTERS:
        values[f"days.{n}"] = (mfu.training_time(c, n, peak, m, unit="days")
                               if m is not None else None)
    top = peak / per_token  # the throughput at MFU 1 [tokens/s]
    xs = [top * 10 ** (-3 + 2.99 * k / (_CHART_POINTS - 1)) for k in range(_CHART_POINTS)]
    series = [{"label": "dense peak (right)", "x": xs, "style": "solid",
               "y": [mfu.mfu(x, n_params, n_devices=1, peak_flops_per_device=peak) for x in xs]}]
    if sparse:
        series.append({"label": "2:4-sparse figure (wrong)", "x": xs, "style": "dashed",
                       "y": [mfu.mfu(x, n_params, n_devices=1, peak_flops_per_device=sparse)
                             for x in xs]})
    chart = {"title": f"MFU of a {n_params:.3g}-parameter model on {gpu}",
             "xlabel": "Throughput per device [tokens/s]", "ylabel": "MFU [fraction]",
             "logx": True, "logy": False, "series": series,
             "marks": [{"label": "your log", "x": float(tokens_per_device), "y": m}] if m else []}
    return {"values": values, "chart": chart, "warning": ""}


def mfu_explorer() -> ComputedView:
    """Throughput per device, model size and accelerator -> MFU, and what it means in days.

    Taught in the chapter *Model FLOP utilisation*; the view is :func:`mfu_view`.

    Returns
    -------
    ComputedView
        Fields ``gpu`` [name], ``n_params`` [parameters], ``tokens_per_device`` [tokens/s].

    Examples
    --------
    >>> "impossible" in mfu_explorer().result(gpu="A100", n_params=1e11,
    ...                                       tokens_per_device=50000)["values"]["mfu"]
    True
    """
    from .. import hardware

    return ComputedView("mfu.mfu_view", mfu_view, [
        Field("gpu", "Accelerator", "H100-SXM", tuple(hardware.ACCELERATORS)),
        Field("n_params", "Parameters N [parameters]", 1e10, slider=(1e8, 1e12)),
        Field("tokens_per_device", "Throughput per device [tokens/s]", 5000,
              slider=(10, 1e6)),
    ], [
        Output("flops_per_token", "Model FLOP per token, 6N [FLOP/token]"),
        Output("peak", "Dense peak of one {gpu} [FLOP/s]"),
        Output("mfu", "MFU [fraction]"),
        Output("sparse_mfu", "Same throughput over the 2:4-sparse figure (wrong) [fraction]"),
        Output("days.1024", "Days for 10¹² tokens on 1,024 devices [days]"),
        Output("days.16384", "Days for 10¹² tokens on 16,384 devices [days]"),
    ], title="MFU from the throughput in a training log (6N per token, dense peak)")
