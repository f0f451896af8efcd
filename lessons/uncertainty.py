"""A plan is a range: bootstrap uncertainty of a fitted law carried into N, D, loss and dollars.

Taught in the chapter *Fitting scaling laws to real data*.

:func:`lessons.fitting.bootstrap` refits the law on resampled runs. Each refit is a law as
plausible as the full-data fit, so each gives its own plan. :func:`plan_range` runs the plan
once per refit and reports percentile intervals:

* for a fixed budget (dollars, hence FLOPs) the cost is known and the model is not: N_opt,
  D_opt and the predicted loss get intervals;
* for a target loss the model and the cost are both uncertain: the compute, device-hours and
  dollars needed get intervals, and a refit whose irreducible loss E is at or above the target
  says the target cannot be reached at any cost (its cost is infinite, and is counted).

Every step calls the function that owns its formula (:func:`lessons.chinchilla.compute_optimal`,
:func:`lessons.returns.compute_for_loss`, :func:`lessons.throughput.flops_for_device_hours`,
:func:`lessons.flops.gpu_hours`); this module only repeats them over the refits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import chinchilla, returns
from ._table import html_table, text_table
from ._validate import positive
from .chinchilla import Fit
from .fitting import BootstrapResult
from .flops import gpu_hours
from .prices import DEEPSEEK_V3_PRICE
from .sources import Cite
from .throughput import flops_for_device_hours

__all__ = ["PlanRange", "bootstrap_fits", "plan_range"]


def bootstrap_fits(boot: BootstrapResult) -> list[Fit]:
    """The converged bootstrap refits as :class:`lessons.chinchilla.Fit` objects.

    Parameters
    ----------
    boot : BootstrapResult
        From :func:`lessons.fitting.bootstrap`.

    Returns
    -------
    list of Fit
        One law per converged refit (E [nats/token], A, B, α, β).

    Notes
    -----
    Refits that did not converge are left out, as in the intervals of ``boot``.

    References
    ----------
    Besiroglu et al. (2024) §4 (bootstrap of the parametric fit).

    Examples
    --------
    >>> from lessons import data, fitting
    >>> p = data.load_chinchilla_points()
    >>> boot = fitting.bootstrap(p.n_params, p.n_tokens, p.loss, n_resamples=20,
    ...                           start="besiroglu2024")
    >>> len(bootstrap_fits(boot)) <= 20
    True
    """
    if not isinstance(boot, BootstrapResult):
        raise ValueError("boot must be the result of lessons.fitting.bootstrap(...); got "
                         f"{type(boot).__name__}.")
    cite = Cite("besiroglu2024", "bootstrap refit (procedure of §4)", "DERIVED")
    return [Fit(f"bootstrap {i}", E=row[0], A=row[1], B=row[2], alpha=row[3], beta=row[4],
                cite=cite)
            for i, row in enumerate(boot.samples[boot.converged].tolist())]


def _stacked(rows) -> Fit:
    """One Fit whose constants are arrays, row i = (E, A, B, α, β) of law i."""
    e, a, b, alpha, beta = np.asarray(rows, dtype=float).reshape(-1, 5).T
    return Fit("bootstrap refits", E=e, A=a, B=b, alpha=alpha, beta=beta,
               cite=Cite("besiroglu2024", "bootstrap refits (procedure of §4)", "DERIVED"))


def _usd(x: float) -> str:
    """Dollars to three significant figures, written out: $521,000."""
    return "unreachable" if math.isinf(x) else f"${float(f'{x:.3g}'):,.0f}"


def _plain(x: float) -> str:
    return "unreachable" if math.isinf(x) else f"{x:.3g}"


@dataclass(frozen=True)
class PlanRange:
    """A plan under every bootstrap refit: point values and percentile intervals.

    Attributes
    ----------
    kind : str
        "budget" (fixed dollars) or "target loss".
    point : dict
        Name -> value under the full-data fit [units as in ``units``].
    samples : dict
        Name -> numpy array over the refits [units as in ``units``]; inf where a target loss
        cannot be reached under a refit.
    units : dict
        Name -> unit string.
    level : float
        Coverage of the intervals [fraction].
    unreachable : float
        Fraction of refits under which the target loss is at or below E [fraction]; 0 for a
        budget.
    note : str
        The assumptions (GPU, MFU, price) in words.
    """

    kind: str
    point: dict
    samples: dict
    units: dict
    level: float
    unreachable: float
    note: str

    def interval(self, name: str) -> tuple[float, float]:
        """(low, high) percentile interval of one quantity [its unit]; high may be inf."""
        values = np.sort(self.samples[name])
        tail = (1 - self.level) / 2
        # Order statistics, no interpolation: an infinite cost stays infinite.
        low = values[min(math.floor(tail * values.size), values.size - 1)]
        high = values[min(math.ceil((1 - tail) * values.size) - 1, values.size - 1)]
        return float(low), float(high)

    def median(self, name: str) -> float:
        """Median over the refits [its unit]."""
        return float(np.sort(self.samples[name])[(self.samples[name].size - 1) // 2])

    def _rows(self):
        rows = []
        for name, unit in self.units.items():
            low, high = self.interval(name)
            fmt = _usd if unit == "USD" else _plain
            rows.append((f"{name} [{unit}]", fmt(self.point[name]), fmt(self.median(name)),
                         f"{fmt(low)} to {fmt(high)}"))
        return rows

    def _headers(self):
        return ("quantity", "full-data fit", "median of refits", f"{self.level:.0%} interval")

    def __str__(self) -> str:
        extra = (f"\n{self.unreachable:.1%} of refits put E at or above the target: "
                 "unreachable at any cost." if self.unreachable else "")
        return text_table(self._headers(), self._rows(), align="lrrr") + "\n" + self.note + extra

    def _repr_html_(self) -> str:
        return html_table(self._headers(), self._rows(),
                          caption=f"Plan range ({self.kind}): {self.note}")


def plan_range(boot: BootstrapResult, fit: Fit | str, *, budget_usd=None, target_loss=None,
               gpu: str = "H100-SXM", dtype: str = "bf16", mfu=0.4,
               price_per_hour=DEEPSEEK_V3_PRICE.usd_per_device_hour,
               level: float | None = None) -> PlanRange:
    """Carry a bootstrap's uncertainty through a compute-optimal plan to N, D, loss and dollars.

    Parameters
    ----------
    boot : BootstrapResult
        Refits from :func:`lessons.fitting.bootstrap`.
    fit : Fit or str
        The full-data fit, for the point values: ``fit_parametric(...).fit``, or a name of
        :data:`lessons.chinchilla.FITS`.
    budget_usd : float, optional
        A fixed budget [USD]; give this or ``target_loss``.
    target_loss : float, optional
        The loss the run must reach [nats/token].
    gpu, dtype : str
        Accelerator and arithmetic of its dense peak.
    mfu : float
        Model FLOP utilisation, a fraction [1].
    price_per_hour : float
        Price [USD / device-hour]; default $2, DeepSeek-V3's stated assumption.
    level : float, optional
        Coverage of the intervals [fraction]; default ``boot.level``.

    Returns
    -------
    PlanRange
        Prints as a table of point values, medians and intervals.

    Notes
    -----
    Budget: C = (budget/price)·3600·peak·MFU, then for each refit
    (N_opt, D_opt) = G·(C/6)^a, G⁻¹·(C/6)^b (Hoffmann et al. Eq. 4) and L(N_opt, D_opt).
    Target loss ℓ: for each refit C(ℓ) from :func:`lessons.returns.compute_for_loss`
    (infinite when ℓ ≤ E), device-hours = C/(3600·peak·MFU), cost = device-hours × price.

    References
    ----------
    Hoffmann et al. (2022) Eq. 4; Besiroglu et al. (2024) (bootstrap intervals).

    Examples
    --------
    >>> from lessons import data, fitting
    >>> p = data.load_chinchilla_points()
    >>> boot = fitting.bootstrap(p.n_params, p.n_tokens, p.loss, n_resamples=100,
    ...                           start="besiroglu2024")
    >>> r = plan_range(boot, "besiroglu2024", budget_usd=1e6)
    >>> low, high = r.interval("N_opt")
    >>> bool(low < r.point["N_opt"] < high)
    True
    >>> r = plan_range(boot, "besiroglu2024", target_loss=2.1)
    >>> low, high = r.interval("cost")
    >>> bool(low < r.point["cost"] < high)
    True
    """
    if not isinstance(boot, BootstrapResult):
        raise ValueError("boot must be the result of lessons.fitting.bootstrap(...); got "
                         f"{type(boot).__name__}.")
    rows = boot.samples[boot.converged, :5]     # columns E, A, B, α, β
    if not len(rows):
        raise ValueError("no bootstrap refit converged; rerun lessons.fitting.bootstrap with "
                         "more resamples or a better start.")
    point_fit = chinchilla.get_fit(fit)
    lvl = boot.level if level is None else float(level)
    if not 0 < lvl < 1:
        raise ValueError(f"level must be a fraction in (0, 1), e.g. 0.95; got {level!r}.")
    price = float(positive("price_per_hour", price_per_hour, unit="USD/device-hour"))
    note = f"{gpu} {dtype} at MFU {mfu:g}, ${price:.2f}/device-hour; {len(rows)} refits"

    if (budget_usd is None) == (target_loss is None):
        raise ValueError("give exactly one of budget_usd (a fixed budget) or target_loss (a "
                         "loss to reach).")
    # All refits at once: a Fit whose constants are arrays is one law per entry, and the
    # package's closed forms broadcast over it (a loop of 1,000 calls took a second).
    laws = _stacked(rows)
    point_law = _stacked([(point_fit.E, point_fit.A, point_fit.B, point_fit.alpha,
                           point_fit.beta)])
    if budget_usd is not None:
        budget = float(positive("budget_usd", budget_usd, unit="USD"))
        flops = float(flops_for_device_hours(budget / price, gpu, mfu, dtype))
        units = {"N_opt": "parameters", "D_opt": "tokens", "D/N": "tokens/parameter",
                 "loss": "nats/token"}

        def run(law: Fit) -> dict:
            n, d = chinchilla.compute_optimal(np.full(law.E.size, flops), law)
            return {"N_opt": n, "D_opt": d, "D/N": d / n,
                    "loss": chinchilla.loss(n, d, law, check_units=False)}

        kind, note = "budget", f"${budget:,.0f} buys {flops:.3g} FLOP on {note}"
    else:
        ell = float(positive("target_loss", target_loss, unit="nats/token"))
        units = {"FLOPs": "FLOP", "N_opt": "parameters", "D_opt": "tokens",
                 "device-hours": "device-hours", "cost": "USD"}

        def run(law: Fit) -> dict:
            # A law whose E is at or above the target cannot reach it: infinite cost.
            out = {k: np.full(law.E.size, math.inf) for k in units}
            ok = law.E < ell
            if ok.any():
                sub = _stacked(np.column_stack([law.E, law.A, law.B, law.alpha, law.beta])[ok])
                target = np.full(int(ok.sum()), ell)
                c = returns.compute_for_loss(target, sub)
                n, d = returns.allocation_for_loss(target, sub)
                hours = gpu_hours(c, gpu=gpu, mfu=mfu, dtype=dtype)
                for key, value in (("FLOPs", c), ("N_opt", n), ("D_opt", d),
                                   ("device-hours", hours), ("cost", hours * price)):
                    out[key][ok] = value
            return out

        kind, note = "target loss", f"loss {ell:g} nats/token on {note}"

    samples = {k: np.asarray(v, dtype=float) for k, v in run(laws).items()}
    point = {k: float(np.asarray(v)[0]) for k, v in run(point_law).items()}
    unreachable = float(np.mean(np.isinf(samples["cost"]))) if kind == "target loss" else 0.0
    return PlanRange(kind=kind, point=point, samples=samples, units=units, level=lvl,
                     unreachable=unreachable, note=note)
