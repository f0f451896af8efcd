"""Compute, devices, peak and time: C = n_devices × peak × MFU × t, read either way.

Taught in the chapters *FLOPs, GPU-hours and PF-days*, *Model FLOP utilisation* and *Compute and
cost budgets*.

The definition of MFU solved for time (:func:`training_time`) or for compute
(:func:`delivered_flops`, :func:`flops_for_device_hours`). :func:`lessons.flops.gpu_hours`,
:func:`lessons.flops.wall_clock_days`, :mod:`lessons.mfu` and :mod:`lessons.budget` all call these,
so the identity is written once, below all of them.
"""

from __future__ import annotations

from ._validate import broadcast, choose, fraction, output, positive, raw_count
from .constants import MIN_FLOPS, MIN_PEAK, SECONDS_PER
from .hardware import peak_flops

__all__ = ["training_time", "delivered_flops", "flops_for_device_hours"]


def _peak(peak_flops_per_device):
    return raw_count("peak_flops_per_device", peak_flops_per_device, minimum=MIN_PEAK,
                     unit="FLOP/s", example="989.4e12 for an H100 SXM (dense BF16), not 989.4")


def _devices(n_devices):
    return positive("n_devices", n_devices, unit="devices")


def training_time(flops, n_devices, peak_flops_per_device, mfu, *, unit: str = "s"):
    """Wall-clock time to deliver a compute budget at a given MFU [s, hours or days].

    Parameters
    ----------
    flops : float or array_like
        Training compute C [FLOP].
    n_devices : float or array_like
        Devices working in parallel [devices].
    peak_flops_per_device : float or array_like
        Dense peak of one device [FLOP/s].
    mfu : float or array_like
        Model FLOP utilisation [fraction in (0, 1]; 0.4, not 40].
    unit : str
        ``"s"``, ``"hours"`` or ``"days"``.

    Returns
    -------
    float or numpy.ndarray
        Time [s], [hours] or [days].

    Notes
    -----
    t = C / (n_devices × peak × MFU): the definition of MFU solved for time. It is the one
    formula behind :func:`lessons.flops.gpu_hours` and :func:`lessons.flops.wall_clock_days`.

    References
    ----------
    Chowdhery et al. (2022) §4.1.

    Examples
    --------
    >>> from lessons.hardware import peak_flops
    >>> round(training_time(7.2e23, 1, peak_flops("H100-SXM"), 0.4, unit="hours"))
    505357
    >>> training_time(7.2e23, 1, peak_flops("H100-SXM"), 40)
    Traceback (most recent call last):
    ...
    ValueError: mfu must be a fraction in (0, 1]; got 40.0. Write 40 % as 0.4.
    """
    scale = choose("unit", unit, SECONDS_PER)
    c = raw_count("flops", flops, minimum=MIN_FLOPS, unit="FLOP",
                  example="flops=7.2e23; PF-days must first be multiplied by 8.64e19")
    c, n_dev, peak, u = broadcast(flops=c, n_devices=_devices(n_devices),
                                  peak_flops_per_device=_peak(peak_flops_per_device),
                                  mfu=fraction("mfu", mfu))
    return output(c / (n_dev * peak * u) / scale, flops, n_devices, peak_flops_per_device, mfu)


def delivered_flops(duration, n_devices, peak_flops_per_device, mfu, *, unit: str = "s"):
    """Training compute that devices deliver in a given time at a given MFU [FLOP].

    Parameters
    ----------
    duration : float or array_like
        Wall-clock time on each device [s, hours or days, per ``unit``].
    n_devices : float or array_like
        Devices working in parallel [devices].
    peak_flops_per_device : float or array_like
        Dense peak of one device [FLOP/s].
    mfu : float or array_like
        Model FLOP utilisation [fraction in (0, 1]; 0.4, not 40].
    unit : str
        ``"s"``, ``"hours"`` or ``"days"``.

    Returns
    -------
    float or numpy.ndarray
        Compute C [FLOP].

    Notes
    -----
    C = t × n_devices × peak × MFU: :func:`training_time` solved for C (a test checks that the
    two are inverses on the same inputs). A budget in device-hours is ``unit="hours"`` with
    ``n_devices=1``.

    References
    ----------
    Chowdhery et al. (2022) §4.1.

    Examples
    --------
    >>> from lessons.hardware import peak_flops
    >>> f"{delivered_flops(5.07e5, 1, peak_flops('H100-SXM'), 0.4, unit='hours'):.3g}"
    '7.22e+23'
    """
    scale = choose("unit", unit, SECONDS_PER)
    t = positive("duration", duration, unit=unit)
    t, n_dev, peak, u = broadcast(duration=t, n_devices=_devices(n_devices),
                                  peak_flops_per_device=_peak(peak_flops_per_device),
                                  mfu=fraction("mfu", mfu))
    return output(t * scale * n_dev * peak * u, duration, n_devices, peak_flops_per_device, mfu)


def flops_for_device_hours(device_hours, gpu: str = "H100-SXM", mfu=0.4, dtype: str = "bf16"):
    """Training compute delivered by a number of device-hours [FLOP].

    Parameters
    ----------
    device_hours : float or array_like
        Accelerator time [device-hours].
    gpu : str
        Key of :data:`lessons.hardware.ACCELERATORS` [name].
    mfu : float
        Model FLOP utilisation, a fraction (0.4, not 40) [1].
    dtype : str
        Arithmetic of the dense peak ("bf16", "fp8", ...) [name].

    Returns
    -------
    float or numpy.ndarray
        Compute C [FLOP].

    Notes
    -----
    C = device_hours × 3600 s/h × peak × MFU, the inverse of :func:`lessons.flops.gpu_hours`
    (:func:`delivered_flops` on one device).

    References
    ----------
    Chowdhery et al. (2022) §4.1 (MFU); FACTS §7 (dense peaks).

    Examples
    --------
    >>> f"{flops_for_device_hours(5.07e5, 'H100-SXM', 0.4):.3g}"   # Llama 3 8B, FACTS §10
    '7.22e+23'
    """
    return delivered_flops(device_hours, 1, peak_flops(gpu, dtype), mfu, unit="hours")
