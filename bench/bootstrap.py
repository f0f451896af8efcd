"""Benchmark: 1,000 bootstrap refits of the Chinchilla law, batched versus a plain loop.

The bootstrap of Besiroglu et al. (2024) refits the law on resampled points (4,000 resamples in
their notebook). ``lessons.fitting.bootstrap`` refits all resamples together with a batched
L-BFGS, each from the full-data optimum. The baseline is what a notebook would write: one
``scipy.optimize.minimize(method="L-BFGS-B")`` call per resample, from the same start, with the
same tight tolerances, on an objective written in plain numpy (``bench/fit.py``'s
``loop_objective``, weighted by the resample's counts) and scipy's finite-difference gradient.
The loop runs a sample of the resamples (the same count vectors the batched run used) and its
time per refit is extrapolated to 1,000. For every sampled resample the batched refit must
give the loop's a = β/(α+β), or a lower objective than the loop (whose finite-difference
gradient can stop short). Then the refits are carried into dollars with ``lessons.uncertainty.plan_range``.

    python bench/bootstrap.py [--loop-resamples K] [--resamples R] [--seed S]

Goals: 1,000 refits ≤ 30 s; carrying them into a plan ≤ 1 s.
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # see bench/fit.py: BLAS threads slow tiny updates
_SHARED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data")
if not os.environ.get("LESSONS_DATA_DIR") and os.path.isdir(_SHARED):
    os.environ["LESSONS_DATA_DIR"] = os.path.normpath(_SHARED)

import argparse  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from fit import loop_objective, verdict  # noqa: E402  (bench/fit.py, beside this file)
from scipy.optimize import minimize  # noqa: E402
from tqdm import tqdm  # noqa: E402

from lessons.chinchilla import Fit  # noqa: E402
from lessons.data import load_chinchilla_points  # noqa: E402
from lessons.fitting import bootstrap, fit_parametric, objective, theta_of  # noqa: E402
from lessons.uncertainty import plan_range  # noqa: E402

GOAL_BOOTSTRAP_SECONDS = 30.0
GOAL_PLAN_SECONDS = 1.0
A_TOLERANCE = 2e-3   # a = β/(α+β) of the two refits of one resample [dimensionless]
F_RTOL = 1e-9        # "as low an objective": batched ≤ loop × (1 + F_RTOL)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resamples", type=int, default=1000, help="bootstrap resamples")
    parser.add_argument("--loop-resamples", type=int, default=40,
                        help="resamples refitted by the scipy loop (default 40)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the resampling")
    args = parser.parse_args(argv)

    pts = load_chinchilla_points()
    xyz = (pts.n_params, pts.n_tokens, pts.loss)
    full = fit_parametric(*xyz)
    print(f"{len(pts)} points; full-data fit a = {full.fit.a:.4f}")

    t0 = time.perf_counter()
    boot = bootstrap(*xyz, n_resamples=args.resamples, seed=args.seed, start=full)
    t_batched = time.perf_counter() - t0
    n_ok = int(boot.converged.sum())
    lo, hi = boot.ci["a"]
    print(f"batched: {args.resamples} refits in {t_batched:.2f} s ({n_ok} converged); "
          f"a 95 % CI ({lo:.3f}, {hi:.3f}), SE {boot.stderr['a']:.3f} (Besiroglu et al.: "
          "SE 0.020)")

    counts = boot.counts   # the batched run's own resamples, refitted again by the loop
    logs = (np.log(pts.n_params), np.log(pts.n_tokens), np.log(pts.loss))
    x0 = full.params
    sample = range(min(args.loop_resamples, args.resamples))
    t0 = time.perf_counter()
    loop_x = []
    for i in tqdm(sample, desc="scipy loop", unit="refit"):
        res = minimize(loop_objective, x0, args=(*logs, counts[i]), method="L-BFGS-B",
                       options={"ftol": 1e-15, "gtol": 1e-10})
        loop_x.append(res.x)
    per_refit = (time.perf_counter() - t0) / len(sample)
    # Agreement, outside the timing: the same a, or else a lower objective for the batched
    # refit (the loop's finite-difference gradient can stop short of the optimum).
    worst, lower, n_cmp = 0.0, 0, 0
    for i, x in zip(sample, loop_x, strict=True):
        if not boot.converged[i]:
            continue
        n_cmp += 1
        e, a_, b_, al, be = boot.samples[i, :5]
        f_batched = objective(theta_of(Fit("refit", E=e, A=a_, B=b_, alpha=al, beta=be,
                                           cite=full.fit.cite)), *xyz, weights=counts[i])
        f_loop = objective(x, *xyz, weights=counts[i])
        diff = abs(x[4] / (x[3] + x[4]) - boot.samples[i, 5])
        if diff <= A_TOLERANCE or f_batched <= f_loop * (1 + F_RTOL):
            lower += 1
        worst = max(worst, diff)
    t_loop = per_refit * args.resamples
    speedup = t_loop / t_batched
    print(f"scipy loop: {per_refit * 1e3:.0f} ms per refit -> {t_loop:.0f} s for "
          f"{args.resamples} (extrapolated from {len(sample)}); largest |Δa| {worst:.1e}; "
          f"{lower} of {n_cmp} batched refits match the loop's a or reach a lower objective")
    print(f"speed-up: {speedup:.0f}x; load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores")

    t0 = time.perf_counter()
    budget = plan_range(boot, full.fit, budget_usd=1e7)
    target = plan_range(boot, full.fit, target_loss=2.0)
    t_plan = time.perf_counter() - t0
    print(f"\nplan ranges from {n_ok} refits in {t_plan:.2f} s\n{budget}\n\n{target}\n")

    checks = [
        (f"{args.resamples} bootstrap refits {t_batched:.2f} s <= {GOAL_BOOTSTRAP_SECONDS:g} s",
         t_batched <= GOAL_BOOTSTRAP_SECONDS),
        (f"every batched refit matches the loop (|Δa| <= {A_TOLERANCE:g}) or beats its "
         f"objective: {lower} of {n_cmp}", lower == n_cmp),
        (f"two plan ranges {t_plan:.2f} s <= {GOAL_PLAN_SECONDS:g} s", t_plan <= GOAL_PLAN_SECONDS),
    ]
    for text, ok in checks:
        print(f"{verdict(ok)}  {text}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    raise SystemExit(main())
