"""Fitting the Chinchilla law L̂(N, D) = E + A/N^α + B/D^β to measured losses (Approach 3).

Taught in the chapter *Fitting scaling laws to real data*.

Hoffmann et al. (2022, App. D.2) minimise a Huber loss of the log-loss residuals with L-BFGS
from a grid of 4,500 starting points; Besiroglu et al. (2024) showed that averaging the Huber
loss instead of summing it stops the optimizer early. :func:`fit_parametric` reproduces both;
:func:`bootstrap` resamples the points to give confidence intervals.

How the fit is run, and why:

* The grid's 4,500 starts are advanced *together* by a batched L-BFGS written in numpy: one
  set of array operations per step for all starts, the analytic gradient, the two-loop
  recursion on arrays of shape (S, m, 5), a backtracking Armijo line search (quadratic
  interpolation) and a convergence mask per start. Its stopping rules are scipy's L-BFGS-B
  defaults. The best converged start is then polished with scipy's L-BFGS-B.
* A few starts (``method="auto"`` with at most :data:`SCIPY_MAX_STARTS`, or ``method="scipy"``)
  run scipy's L-BFGS-B itself, so the early stop is reproduced with the very optimizer of the
  replication. Its tests are relative to max(|f|, 1): for objectives below 1 they are
  absolute, and the mean objective is n times smaller than the sum (240× here), so the
  "no more progress" test fires after a few iterations. (With these defaults the sum objective
  started at Hoffmann's constants stalls too, at f ≈ 1.2e-3; the grid is what finds the
  optimum at f ≈ 1.0e-3. With tight tolerances both objectives reach it from there.)
* :func:`bootstrap` refits all resamples as one batch, each started from the full-data optimum,
  with tight tolerances: with the defaults every refit would stop where it starts.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import minimize, minimize_scalar
from threadpoolctl import threadpool_limits

from . import chinchilla
from ._validate import broadcast, choose, output, positive, raw_count
from .chinchilla import Fit
from .constants import MIN_FLOPS
from .sources import Cite

__all__ = [
    "BOOTSTRAP_NAMES",
    "HUBER_DELTA",
    "HUBER_DELTA_CITE",
    "SCIPY_MAX_STARTS",
    "START_GRID",
    "BootstrapResult",
    "COMPUTE_LAW_CITE",
    "ComputeLaw",
    "FitResult",
    "StartGrid",
    "bootstrap",
    "fit_compute_law",
    "fit_parametric",
    "objective",
    "theta_of",
]


#: Huber threshold δ on log-loss residuals (Hoffmann et al. 2022, App. D.2) [nats, log scale].
HUBER_DELTA = 1e-3
HUBER_DELTA_CITE = Cite("hoffmann2022", "App. D.2 (δ = 10^-3)")

#: With at most this many starts, ``method="auto"`` runs scipy's L-BFGS-B start by start.
SCIPY_MAX_STARTS = 16

#: Fewest points accepted: five parameters need more than five points to be fitted at all.
MIN_POINTS = 6

# scipy's L-BFGS-B defaults (ftol = factr·eps with factr = 1e7, gtol = 1e-5, memory 10),
# mirrored by the batched optimizer so that both stop by the same rules.
_FTOL = 1e7 * np.finfo(float).eps
_GTOL = 1e-5
_MEMORY = 10
_MAXITER = 15000


@dataclass(frozen=True)
class StartGrid:
    """The grid of initial values (a, b, e, α, β), with a = ln A, b = ln B, e = ln E.

    Attributes
    ----------
    a, b, e, alpha, beta : tuple of float
        Values tried for each parameter [log of nats/token for a, b, e; dimensionless for α, β].
    cite : Cite
        Where the grid comes from.
    """

    a: tuple[float, ...]
    b: tuple[float, ...]
    e: tuple[float, ...]
    alpha: tuple[float, ...]
    beta: tuple[float, ...]
    cite: Cite

    def points(self) -> np.ndarray:
        """All combinations, shape (n_starts, 5), columns (a, b, e, α, β)."""
        return np.array(list(itertools.product(self.a, self.b, self.e, self.alpha, self.beta)))


START_GRID = StartGrid(
    a=(0.0, 5.0, 10.0, 15.0, 20.0, 25.0),
    b=(0.0, 5.0, 10.0, 15.0, 20.0, 25.0),
    e=(-1.0, -0.5, 0.0, 0.5, 1.0),
    alpha=(0.0, 0.5, 1.0, 1.5, 2.0),
    beta=(0.0, 0.5, 1.0, 1.5, 2.0),
    cite=Cite("hoffmann2022", "App. D.2 (initialisation grid)"),
)


def theta_of(fit: Fit) -> np.ndarray:
    """A law's constants in the fitted parameterisation (a, b, e, α, β) = (ln A, ln B, ln E, α, β).

    Parameters
    ----------
    fit : Fit
        A fitted law (E [nats/token], A, B, α, β).

    Returns
    -------
    numpy.ndarray
        Shape (5,): ln A, ln B, ln E [ln nats/token] and α, β [dimensionless].

    Notes
    -----
    exp(LSE(a − α ln N, b − β ln D, e)) = E + A/N^α + B/D^β (Hoffmann et al. 2022, App. D.2).

    References
    ----------
    Hoffmann et al. (2022) App. D.2.

    Examples
    --------
    >>> from lessons.chinchilla import HOFFMANN_2022_TEX
    >>> [round(float(v), 4) for v in theta_of(HOFFMANN_2022_TEX)]
    [6.0073, 6.0179, 0.5267, 0.3392, 0.2849]
    """
    return np.array([math.log(fit.A), math.log(fit.B), math.log(fit.E), fit.alpha, fit.beta])


# --- The objective and its gradient, for many parameter vectors at once ---------------------


#: Rows of theta evaluated together: (256, 240) float64 work arrays stay in the CPU cache,
#: which here made one evaluation of all 4,500 starts about 4× faster than a single block.
_CHUNK_ROWS = 256


def _huber_lse(theta, log_n, log_d, log_l, weights, delta):
    """Σ_i w_i Huber_δ(LSE(a − α ln N_i, b − β ln D_i, e) − ln L_i) for each row of theta.

    theta: (S, 5); weights: a scalar, (n,) or (S, n). Returns f (S,) and the gradient (S, 5);
    f is +inf where the model overflows, so a line search rejects such a step.
    """
    n_rows = theta.shape[0]
    f = np.empty(n_rows)
    grad = np.empty_like(theta)
    per_row = np.ndim(weights) == 2
    # Five work arrays reused by every chunk, every operation in place: fresh temporaries of
    # this size are page-faulted in on each allocation, which had cost as much as the maths.
    work = np.empty((5, min(_CHUNK_ROWS, n_rows), log_l.size))
    neg_log_n, neg_log_d = -log_n, -log_d
    with np.errstate(all="ignore"):
        for lo in range(0, n_rows, _CHUNK_ROWS):
            th = theta[lo:lo + _CHUNK_ROWS]
            k = th.shape[0]
            p1, p2, total, r, psi = (arr[:k] for arr in work)
            a, b, e, alpha, beta = (th[:, j:j + 1] for j in range(5))
            # exp(a − α ln N) etc. directly: no max-shift needed for parameters where the
            # objective is finite; an overflow gives f = inf and the step is refused.
            np.multiply(alpha, neg_log_n, out=p1)
            p1 += a
            np.exp(p1, out=p1)
            np.multiply(beta, neg_log_d, out=p2)
            p2 += b
            np.exp(p2, out=p2)
            p3 = np.exp(e)
            np.add(p1, p2, out=total)
            total += p3
            np.log(total, out=r)
            r -= log_l                           # residual of the log-loss
            np.clip(r, -delta, delta, out=psi)   # Huber'(r)
            r *= 2.0
            r -= psi
            r *= psi                             # 2·Huber(r) = ψ·(2r − ψ)
            w = weights[lo:lo + _CHUNK_ROWS] if per_row else weights
            if np.ndim(w):
                r *= w
                psi *= w
                fc = 0.5 * r.sum(axis=1)
            else:
                fc = (0.5 * w) * r.sum(axis=1)
                psi *= w
            f[lo:lo + k] = np.where(np.isfinite(fc), fc, np.inf)
            psi /= total                         # ψ·w / Σ exp: the softmax denominator
            grad[lo:lo + k, 2] = psi.sum(axis=1) * p3[:, 0]
            # Plain reductions, not matmul: BLAS threads on these small products made every
            # call wait on a busy 2-core machine (see bench/fit.py).
            p1 *= psi
            grad[lo:lo + k, 0] = p1.sum(axis=1)
            p1 *= log_n
            grad[lo:lo + k, 3] = -p1.sum(axis=1)
            p2 *= psi
            grad[lo:lo + k, 1] = p2.sum(axis=1)
            p2 *= log_d
            grad[lo:lo + k, 4] = -p2.sum(axis=1)
    return f, grad


# --- Batched L-BFGS ------------------------------------------------------------------------


@dataclass
class _Batch:
    x: np.ndarray          # (S, 5) final points
    f: np.ndarray          # (S,) objective there
    n_iter: np.ndarray     # (S,) iterations taken
    converged: np.ndarray  # (S,) stopped by the ftol or gtol test (not by a failed line search)


# Starts that wander into overflow produce inf/NaN directions; the descent test below
# restarts them from -g, so numpy's warnings about them would only alarm the reader.
@np.errstate(all="ignore")
def _lbfgs_batch(fun, x0, *, ftol=_FTOL, gtol=_GTOL, memory=_MEMORY, maxiter=_MAXITER,
                 max_backtracks=30, c1=1e-4) -> _Batch:
    """Minimise fun for every row of x0 at once; fun(x, idx) -> (f, grad) on rows idx.

    Stopping rules as scipy's L-BFGS-B: (f_k − f_{k+1}) ≤ ftol·max(|f_k|, |f_{k+1}|, 1) or
    max|g| ≤ gtol. A start whose line search fails is stopped and marked not converged.
    """
    x0 = np.array(x0, dtype=float)
    n_starts, dim = x0.shape
    out = _Batch(x0.copy(), np.full(n_starts, np.inf), np.zeros(n_starts, int),
                 np.zeros(n_starts, bool))
    idx = np.arange(n_starts)                      # rows of x0 held in the working arrays
    x = x0.copy()
    f, g = fun(x, idx)
    # Histories slot-major, (m, S, 5): each slot is one contiguous (S, 5) block.
    s_hist = np.zeros((memory, n_starts, dim))
    y_hist = np.zeros((memory, n_starts, dim))
    rho = np.zeros((memory, n_starts))             # 0 marks an empty or skipped slot
    gamma = np.ones(n_starts)                      # initial Hessian scale s'y / y'y
    fresh = np.ones(n_starts, bool)                # no accepted pair yet: start with a short step
    n_iter = np.zeros(n_starts, int)
    conv = np.isfinite(f) & (np.abs(g).max(axis=1) <= gtol)
    frozen = conv | ~np.isfinite(f)                # stopped: no more steps, awaiting removal
    for it in range(maxiter + 1):
        # Drop stopped starts in bulk: copying the histories every iteration cost more than
        # carrying a few frozen rows (they take no steps and are not evaluated).
        n_frozen = int(frozen.sum())
        if n_frozen and (n_frozen == frozen.size or n_frozen >= 0.05 * frozen.size
                         or it == maxiter):
            done = idx[frozen]
            out.x[done], out.f[done] = x[frozen], f[frozen]
            out.n_iter[done], out.converged[done] = n_iter[frozen], conv[frozen]
            keep = ~frozen
            idx, x, f, g, n_iter, conv, frozen = (v[keep] for v in
                                                  (idx, x, f, g, n_iter, conv, frozen))
            s_hist, y_hist, rho = s_hist[:, keep], y_hist[:, keep], rho[:, keep]
            gamma, fresh = gamma[keep], fresh[keep]
        if idx.size == 0 or it == maxiter:
            break
        # Two-loop recursion, newest pair first; empty slots (rho = 0) are no-ops.
        q = -g
        coef = np.empty((memory, idx.size))
        order = [(it - 1 - j) % memory for j in range(memory)]
        for j, slot in enumerate(order):
            coef[j] = rho[slot] * np.einsum("ij,ij->i", s_hist[slot], q)
            q -= coef[j][:, None] * y_hist[slot]
        q *= gamma[:, None]
        for j in reversed(range(memory)):
            slot = order[j]
            bcoef = rho[slot] * np.einsum("ij,ij->i", y_hist[slot], q)
            q += (coef[j] - bcoef)[:, None] * s_hist[slot]
        d = q
        slope = np.einsum("ij,ij->i", g, d)
        bad = ~(slope < 0) & ~frozen               # not a descent direction: restart from -g
        if bad.any():
            d[bad] = -g[bad]
            slope[bad] = -np.einsum("ij,ij->i", g[bad], g[bad])
            rho[:, bad] = 0.0
            gamma[bad] = 1.0
        with np.errstate(divide="ignore"):
            step = np.where(fresh, np.minimum(1.0, 1.0 / np.linalg.norm(d, axis=1)), 1.0)
        # Batched backtracking: every running start tries its step; rejected ones shrink it
        # and retry.
        x_new, f_new, g_new = x.copy(), f.copy(), g.copy()
        pending = np.flatnonzero(~frozen)
        failed = np.zeros(idx.size, bool)
        for _ in range(max_backtracks):
            trial = x[pending] + step[pending, None] * d[pending]
            ft, gt = fun(trial, idx[pending])
            ok = ft <= f[pending] + c1 * step[pending] * slope[pending]
            acc = pending[ok]
            x_new[acc], f_new[acc], g_new[acc] = trial[ok], ft[ok], gt[ok]
            rej, ft = pending[~ok], ft[~ok]
            pending = rej
            if pending.size == 0:
                break
            # Minimiser of the quadratic through f(0), f'(0) and f(t), kept in [t/10, t/2].
            t, f0, s0 = step[rej], f[rej], slope[rej]
            with np.errstate(all="ignore"):
                t_q = -s0 * t * t / (2.0 * (ft - f0 - s0 * t))
            step[rej] = np.where(np.isfinite(t_q), np.clip(t_q, 0.1 * t, 0.5 * t), 0.1 * t)
        else:
            failed[pending] = True
        s = x_new - x
        y = g_new - g
        sy = np.einsum("ij,ij->i", s, y)
        yy = np.einsum("ij,ij->i", y, y)
        good = (sy > np.finfo(float).eps * yy) & ~failed & ~frozen
        slot = it % memory
        s_hist[slot] = np.where(good[:, None], s, 0.0)
        y_hist[slot] = np.where(good[:, None], y, 0.0)
        rho[slot] = np.where(good, 1.0 / np.where(good, sy, 1.0), 0.0)
        gamma = np.where(good, sy / np.where(good, yy, 1.0), gamma)
        fresh &= ~good
        f_tol = (f - f_new) <= ftol * np.maximum(np.maximum(np.abs(f), np.abs(f_new)), 1.0)
        g_tol = np.abs(g_new).max(axis=1) <= gtol
        running = ~frozen
        x, f, g = x_new, f_new, g_new
        n_iter[running] = it + 1
        stop = running & (f_tol | g_tol | failed)
        conv[stop] = ~failed[stop]
        frozen |= stop
    return out


# --- Results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FitResult:
    """The outcome of :func:`fit_parametric`.

    Attributes
    ----------
    fit : Fit
        The fitted law (E [nats/token], A, B, α, β), cited as DERIVED.
    objective : float
        The minimised objective at ``fit``: Σ or mean of Huber losses [log-nats, dimensionless].
    n_iter : int
        L-BFGS iterations of the chosen start, polishing included [iterations].
    converged : bool
        The chosen start stopped by a tolerance test, not by a failed line search or the
        iteration cap.
    start : numpy.ndarray
        The chosen start (a, b, e, α, β) [a, b, e in log nats/token; α, β dimensionless].
    n_starts, n_converged : int
        Starts tried and starts that converged [count].
    method : str
        ``"batched"`` or ``"scipy"``.
    """

    fit: Fit
    objective: float
    n_iter: int
    converged: bool
    start: np.ndarray = field(compare=False)
    n_starts: int = 1
    n_converged: int = 1
    method: str = "scipy"

    @property
    def params(self) -> np.ndarray:
        """The optimum in the fitted parameterisation (a, b, e, α, β) = (ln A, ln B, ln E, α, β)."""
        return theta_of(self.fit)


#: Names of the bootstrapped quantities, in the column order of ``BootstrapResult.samples``.
BOOTSTRAP_NAMES = ("E", "A", "B", "alpha", "beta", "a")


@dataclass(frozen=True)
class BootstrapResult:
    """Parameter sets refitted on resampled points, and their percentile intervals.

    Attributes
    ----------
    samples : numpy.ndarray
        Shape (n_resamples, 6), columns E [nats/token], A, B, α, β and a = β/(α+β)
        [dimensionless]; see :data:`BOOTSTRAP_NAMES`.
    converged : numpy.ndarray
        Shape (n_resamples,), whether each refit converged [bool]; intervals use these only.
    level : float
        Coverage of the intervals, e.g. 0.95 [fraction].
    ci : dict
        Name -> (low, high) percentile interval [units of the quantity].
    stderr : dict
        Name -> standard deviation over the converged refits [units of the quantity].
    seed : int
        Seed of the resampling [integer].
    counts : numpy.ndarray
        Shape (n_resamples, n): how many times each run is drawn in each resample [count];
        row i is the weight vector of refit i.
    """

    samples: np.ndarray = field(compare=False)
    converged: np.ndarray = field(compare=False)
    level: float
    ci: dict
    stderr: dict
    seed: int
    counts: np.ndarray = field(compare=False, default=None)

    def __getitem__(self, name: str) -> np.ndarray:
        """The converged refits of one quantity, e.g. ``boot["alpha"]``."""
        col = BOOTSTRAP_NAMES.index(choose("quantity", name, BOOTSTRAP_NAMES))
        return self.samples[self.converged, col]


# --- Public functions ----------------------------------------------------------------------


def _points(n_params, n_tokens, loss):
    minimum = chinchilla.MIN_RAW_COUNT
    n = raw_count("n_params", n_params, minimum=minimum, unit="parameters",
                  example="n_params=7e10 for a 70B model")
    d = raw_count("n_tokens", n_tokens, minimum=minimum, unit="tokens",
                  example="n_tokens=1.4e12 for 1.4T tokens")
    y = positive("loss", loss, unit="nats/token")
    if not (np.shape(n) == np.shape(d) == np.shape(y)):
        broadcast(n_params=n, n_tokens=d, loss=y)  # names the clash if numpy can't broadcast
        raise ValueError(
            f"n_params, n_tokens and loss must have one shape, one entry per training run; got "
            f"{np.shape(n)}, {np.shape(d)}, {np.shape(y)}."
        )
    if y.ndim != 1 or y.size < MIN_POINTS:
        raise ValueError(
            f"need a 1-D array of at least {MIN_POINTS} runs to fit 5 parameters; got shape "
            f"{y.shape}."
        )
    return np.log(n), np.log(d), np.log(y)


def _weights(weights, size: int) -> np.ndarray:
    if weights is None:
        return np.ones(size)
    w = positive("weights", weights, allow_zero=True)
    if w.shape != (size,) or not w.sum() > 0:
        raise ValueError(
            f"weights must be {size} non-negative numbers, one per run, not all zero; got shape "
            f"{w.shape}."
        )
    return w


def _starts(starts) -> np.ndarray:
    if isinstance(starts, str):
        return choose("starts", starts, {"grid": START_GRID}).points()
    if isinstance(starts, chinchilla.Fit):   # one start at a published law's constants
        starts = theta_of(starts)
    x0 = _finite("starts", starts)
    if x0.ndim == 1:
        x0 = x0[None, :]
    if x0.ndim != 2 or x0.shape[1] != 5 or x0.shape[0] < 1:
        raise ValueError(
            f"starts must be 'grid' or an array of shape (n_starts, 5) with columns "
            f"(ln A, ln B, ln E, alpha, beta); got shape {x0.shape}."
        )
    return x0


def _finite(name: str, value) -> np.ndarray:
    arr = np.asarray(value, dtype=float) if not isinstance(value, str) else None
    if arr is None or not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite numbers; got {value!r}.")
    return arr


def objective(theta, n_params, n_tokens, loss, *, delta: float = HUBER_DELTA,
              objective: str = "sum", weights=None):
    """Hoffmann et al.'s fitting objective at parameters (a, b, e, α, β), summed or averaged.

    Parameters
    ----------
    theta : array_like
        Shape (5,) or (S, 5): (ln A, ln B, ln E, α, β) [ln nats/token; dimensionless].
    n_params, n_tokens : array_like
        Parameters N [parameters] and tokens D [tokens] of each run, raw counts, shape (n,).
    loss : array_like
        Final loss of each run [nats/token], shape (n,).
    delta : float
        Huber threshold δ on log-loss residuals [dimensionless].
    objective : {"sum", "mean"}
        Sum the Huber losses (as the replication) or average them (as the original fit).
    weights : array_like, optional
        Non-negative weight of each run, e.g. bootstrap counts [dimensionless].

    Returns
    -------
    float or numpy.ndarray
        The objective [dimensionless], one value per row of ``theta``.

    Notes
    -----
    Σ_i w_i Huber_δ(LSE(a − α ln N_i, b − β ln D_i, e) − ln L_i), where LSE is log-sum-exp,
    so that exp(LSE) = E + A/N^α + B/D^β; Huber_δ(r) = r²/2 for |r| ≤ δ, else δ(|r| − δ/2).
    The mean divides by Σ_i w_i (Hoffmann et al. 2022, App. D.2, Eq. 3).

    References
    ----------
    Hoffmann et al. (2022) App. D.2; Besiroglu et al. (2024) §2.

    Examples
    --------
    >>> from lessons.chinchilla import BESIROGLU_2024, loss as chinchilla_loss
    >>> n, d = np.array([1e9, 1e10] * 3), np.array([2e10, 2e11, 1e11] * 2)
    >>> theta = np.log([482.01, 2085.43, 1.8172]).tolist() + [0.3478, 0.3658]
    >>> round(objective(theta, n, d, chinchilla_loss(n, d, BESIROGLU_2024)), 12)  # exact data
    0.0
    >>> f"{objective(theta, n, d, chinchilla_loss(n, d, BESIROGLU_2024) * 1.01):.3g}"  # 1 % off
    '5.67e-05'
    """
    th = _finite("theta", theta)
    scalar = th.ndim == 1
    th = np.atleast_2d(th)
    if th.shape[1] != 5:
        raise ValueError(f"theta must have 5 columns (ln A, ln B, ln E, alpha, beta); got {th.shape}.")
    log_n, log_d, log_l = _points(n_params, n_tokens, loss)
    w = _weights(weights, log_l.size)
    mode = choose("objective", objective, ("sum", "mean"))
    if mode == "mean":
        w = w / w.sum()
    f, _ = _huber_lse(th, log_n, log_d, log_l, np.broadcast_to(w, (th.shape[0], w.size)),
                      positive("delta", delta))
    return float(f[0]) if scalar else f


def _evaluator(log_n, log_d, log_l, weights, delta):
    """fun(theta, idx) for the batched optimizer; weights (S, n) rows are picked by idx."""
    def fun(theta, idx):
        w = weights[idx] if np.ndim(weights) == 2 else weights
        return _huber_lse(theta, log_n, log_d, log_l, w, delta)

    return fun


def _scipy(log_n, log_d, log_l, weights, delta, x0, ftol=_FTOL, gtol=_GTOL):
    """scipy's L-BFGS-B from one start (memory 10, at most 15,000 iterations), analytic gradient."""
    def fun(theta):
        f, g = _huber_lse(theta[None, :], log_n, log_d, log_l, weights, delta)
        return f[0], g[0]

    # One BLAS thread: L-BFGS-B's tiny updates otherwise waited on OpenBLAS's threads, up to
    # 15× slower per start when other work shared the two cores.
    with threadpool_limits(limits=1, user_api="blas"):
        return minimize(fun, x0, jac=True, method="L-BFGS-B",
                        options={"ftol": ftol, "gtol": gtol})


def _solve(log_n, log_d, log_l, weights, delta, x0, method, ftol, gtol):
    """Run every start; return a _Batch. weights: (n,) shared or (S, n) one row per start.

    One thread: splitting the starts or the evaluations over this machine's two cores gave
    no reliable gain while other work shared them.
    """
    if method == "scipy":
        runs = [_scipy(log_n, log_d, log_l, weights[k] if np.ndim(weights) == 2 else weights,
                       delta, x, ftol, gtol) for k, x in enumerate(x0)]
        return _Batch(np.array([r.x for r in runs]), np.array([r.fun for r in runs]),
                      np.array([r.nit for r in runs]), np.array([bool(r.success) for r in runs]))
    return _lbfgs_batch(_evaluator(log_n, log_d, log_l, weights, delta), x0, ftol=ftol,
                        gtol=gtol)


def _fit_from(theta, name: str, cite: Cite) -> Fit:
    a, b, e, alpha, beta = (float(v) for v in theta)
    try:
        return chinchilla.Fit(name, E=math.exp(e), A=math.exp(a), B=math.exp(b), alpha=alpha,
                          beta=beta, cite=cite)
    except (ValueError, OverflowError):
        raise ValueError(
            f"the fit left the law's domain (ln A={a:.3g}, ln B={b:.3g}, ln E={e:.3g}, "
            f"alpha={alpha:.3g}, beta={beta:.3g}): exponents must be > 0. The points do not "
            "follow L = E + A/N^alpha + B/D^beta; check units and outliers."
        ) from None


def fit_parametric(n_params, n_tokens, loss, *, delta: float = HUBER_DELTA,
                   objective: str = "sum", starts="grid", weights=None, method: str = "auto",
                   polish: bool = True, ftol: float = _FTOL, gtol: float = _GTOL,
                   name: str = "fitted", cite: Cite | None = None) -> FitResult:
    """Fit L̂(N, D) = E + A/N^α + B/D^β to measured final losses, as Hoffmann et al. (Approach 3).

    Taught in the chapter *Fitting scaling laws to real data*.

    Parameters
    ----------
    n_params : array_like
        Parameters N of each run, embeddings included [parameters, raw count], shape (n,).
    n_tokens : array_like
        Training tokens D of each run [tokens, raw count], shape (n,).
    loss : array_like
        Final loss of each run [nats/token], shape (n,), at least 6 runs.
    delta : float
        Huber threshold δ on log-loss residuals [dimensionless]; the paper's 1e-3.
    objective : {"sum", "mean"}
        ``"sum"`` sums the Huber losses (the replication's fix); ``"mean"`` averages them as
        the original fit did, which makes L-BFGS stop early (Besiroglu et al. 2024).
    starts : "grid", Fit or array_like
        ``"grid"``: the paper's 4,500 starts (:data:`START_GRID`); a :class:`Fit`: one start
        at its constants; or an array of shape (S, 5) of starts (ln A, ln B, ln E, α, β)
        [ln nats/token; dimensionless].
    weights : array_like, optional
        Non-negative weight of each run [dimensionless]; integer counts give a bootstrap refit.
    method : {"auto", "batched", "scipy"}
        ``"batched"`` advances all starts together (fast); ``"scipy"`` runs scipy's
        L-BFGS-B start by start; ``"auto"`` uses scipy for at most 16 starts.
    polish : bool
        After the batched run, restart scipy's L-BFGS-B from the best start [flag].
    ftol, gtol : float
        Stopping tolerances, scipy's L-BFGS-B defaults 2.2e-9 and 1e-5 [dimensionless].
        Tighten them (e.g. 1e-15, 1e-10) to fit near-noiseless data, whose objective is tiny.
    name : str
        Name of the returned :class:`~lessons.chinchilla.Fit`.
    cite : Cite, optional
        Citation of the returned fit; by default the paper's procedure, tagged DERIVED.

    Returns
    -------
    FitResult
        ``.fit`` (E [nats/token], A, B, α, β), ``.objective``, ``.n_iter``, ``.converged``.

    Notes
    -----
    Minimises Σ_i Huber_δ(LSE(a − α ln N_i, b − β ln D_i, e) − ln L_i) over
    (a, b, e, α, β), then A, B, E = exp(a), exp(b), exp(e) (Hoffmann et al. 2022, App. D.2,
    Eq. 3), with L-BFGS from each start; the lowest objective among converged starts wins.
    Both optimizers stop by scipy's rules: relative decrease ≤ 2.2e-9 (absolute once the
    objective is below 1) or largest gradient entry ≤ 1e-5. The mean objective is n times
    smaller, so these tests fire long before the optimum: the early stop that biased the
    original estimates. Up to 16 starts default to scipy itself, to reproduce it exactly.

    References
    ----------
    Hoffmann et al. (2022) §3.3 and App. D.2; Besiroglu et al. (2024) §2-3.

    Examples
    --------
    Noiseless points from the replication's law are fitted back to it:

    >>> from lessons.chinchilla import BESIROGLU_2024, loss as chinchilla_loss
    >>> n, d = np.meshgrid(np.logspace(8, 10, 5), np.logspace(9, 11.5, 6))
    >>> truth = chinchilla_loss(n.ravel(), d.ravel(), BESIROGLU_2024)
    >>> start = [[6.0, 7.0, 0.5, 0.4, 0.4]]
    >>> res = fit_parametric(n.ravel(), d.ravel(), truth, starts=start, ftol=1e-15, gtol=1e-10)
    >>> f"{res.fit.E:.4f} {res.fit.alpha:.4f} {res.fit.beta:.4f}"
    '1.8172 0.3478 0.3658'
    """
    log_n, log_d, log_l = _points(n_params, n_tokens, loss)
    w = _weights(weights, log_l.size)
    mode = choose("objective", objective, ("sum", "mean"))
    how = choose("method", method, ("auto", "batched", "scipy"))
    dlt = float(positive("delta", delta))
    if mode == "mean":
        w = w / w.sum()  # the mean is the sum with weights summing to one
    x0 = _starts(starts)
    if how == "auto":
        how = "scipy" if x0.shape[0] <= SCIPY_MAX_STARTS else "batched"
    ftol, gtol = float(positive("ftol", ftol)), float(positive("gtol", gtol))
    runs = _solve(log_n, log_d, log_l, w, dlt, x0, how, ftol, gtol)
    ranked = np.where(runs.converged, runs.f, np.inf)
    best = int(np.argmin(ranked if np.isfinite(ranked).any() else runs.f))
    theta, f, nit, ok = runs.x[best], float(runs.f[best]), int(runs.n_iter[best]), bool(
        runs.converged[best])
    if how == "batched" and polish:
        res = _scipy(log_n, log_d, log_l, w, dlt, theta, ftol, gtol)
        if res.fun <= f:
            theta, f, nit, ok = res.x, float(res.fun), nit + int(res.nit), bool(res.success)
    if cite is None:
        cite = Cite("hoffmann2022", f"App. D.2 procedure ({mode} of Huber losses, "
                    f"δ={dlt:g}, L-BFGS, {x0.shape[0]} starts)", "DERIVED")
    return FitResult(_fit_from(theta, name, cite), f, nit, ok, x0[best].copy(),
                     x0.shape[0], int(runs.converged.sum()), how)


def bootstrap(n_params, n_tokens, loss, *, n_resamples: int = 1000, seed: int = 0,
              level: float = 0.95, start=None, delta: float = HUBER_DELTA,
              objective: str = "sum", ftol: float = 1e-15, gtol: float = 1e-10
              ) -> BootstrapResult:
    """Refit the law on resampled runs and give percentile confidence intervals.

    Taught in the chapter *Fitting scaling laws to real data*.

    Parameters
    ----------
    n_params, n_tokens, loss : array_like
        As in :func:`fit_parametric` [parameters; tokens; nats/token].
    n_resamples : int
        Number of resamples (with replacement, n out of n) [count].
    seed : int
        Seed of numpy's default generator; the same seed gives the same result [integer].
    level : float
        Coverage of the intervals, e.g. 0.95 for 2.5th-97.5th percentiles [fraction].
    start : FitResult, Fit or str, optional
        Where every refit starts (a name picks a fit of :data:`lessons.chinchilla.FITS`); by
        default the full-data fit from the 4,500-start grid.
    delta, objective
        As in :func:`fit_parametric`.
    ftol, gtol : float
        Stopping tolerances of the refits [dimensionless]. Tighter than scipy's defaults on
        purpose: every refit starts at the full-data optimum, where the default tests (absolute
        for objectives below 1) stop it at once and the intervals come out implausibly narrow.

    Returns
    -------
    BootstrapResult
        Samples of E [nats/token], A, B, α, β and a = β/(α+β) [dimensionless], with
        percentile intervals and standard deviations.

    Notes
    -----
    Each resample is a vector of counts c_i (multinomial, Σ c_i = n) used as weights in
    Σ_i c_i Huber_δ(r_i). All resamples are refitted together by the batched L-BFGS, each
    from the full-data optimum rather than from the whole grid: the resampled optimum lies
    near it, and one start per resample makes 1,000 refits take seconds. Intervals are the
    (1 − level)/2 and (1 + level)/2 percentiles of the converged refits.

    References
    ----------
    Hoffmann et al. (2022) Table 2 (bootstrap percentiles); Besiroglu et al. (2024) Table 1.

    Examples
    --------
    >>> from lessons.chinchilla import BESIROGLU_2024, loss as chinchilla_loss
    >>> rng = np.random.default_rng(1)
    >>> n, d = 10 ** rng.uniform(8, 10, 40), 10 ** rng.uniform(9, 11.5, 40)
    >>> y = chinchilla_loss(n, d, BESIROGLU_2024) * np.exp(rng.normal(0, 0.01, 40))
    >>> boot = bootstrap(n, d, y, n_resamples=200, start=BESIROGLU_2024)
    >>> lo, hi = boot.ci["alpha"]
    >>> bool(lo < 0.3478 < hi), boot.samples.shape
    (True, (200, 6))
    """
    log_n, log_d, log_l = _points(n_params, n_tokens, loss)
    mode = choose("objective", objective, ("sum", "mean"))
    dlt = float(positive("delta", delta))
    lvl = float(np.asarray(level))
    if not 0 < lvl < 1:
        raise ValueError(f"level must be a fraction in (0, 1), e.g. 0.95; got {level!r}.")
    if isinstance(n_resamples, bool) or not isinstance(n_resamples, (int, np.integer)) \
            or n_resamples < 2:
        raise ValueError(f"n_resamples must be a whole number >= 2; got {n_resamples!r}.")
    if start is None:
        start = fit_parametric(n_params, n_tokens, loss, delta=dlt, objective=mode)
    f0 = start.fit if isinstance(start, FitResult) else start
    if isinstance(f0, str):
        f0 = chinchilla.get_fit(f0)
    if not isinstance(f0, chinchilla.Fit):
        raise ValueError(f"start must be a FitResult or a Fit; got {type(start).__name__}.")
    theta0 = theta_of(f0)
    n = log_l.size
    counts = np.random.default_rng(seed).multinomial(n, np.full(n, 1.0 / n), size=n_resamples)
    w = counts.astype(float) / (n if mode == "mean" else 1.0)
    runs = _solve(log_n, log_d, log_l, w, dlt, np.tile(theta0, (n_resamples, 1)), "batched",
                  float(positive("ftol", ftol)), float(positive("gtol", gtol)))
    a, b, e, alpha, beta = runs.x.T
    with np.errstate(over="ignore"):
        samples = np.column_stack([np.exp(e), np.exp(a), np.exp(b), alpha, beta,
                                   beta / (alpha + beta)])
    ok = runs.converged & np.all(np.isfinite(samples), axis=1)
    if ok.sum() < 2:
        raise ValueError("fewer than 2 bootstrap refits converged; check the data and start.")
    q = 100 * np.array([(1 - lvl) / 2, (1 + lvl) / 2])
    kept = samples[ok]
    ci = {k: tuple(float(v) for v in np.percentile(kept[:, j], q))
          for j, k in enumerate(BOOTSTRAP_NAMES)}
    se = {k: float(kept[:, j].std(ddof=1)) for j, k in enumerate(BOOTSTRAP_NAMES)}
    return BootstrapResult(samples, ok, lvl, ci, se, int(seed), counts)


# --- Forecasting a large run from small ones: L(C) = a·C^b + c ---------------------------

#: GPT-4's form for the final loss against training compute (OpenAI 2023, §3.1).
COMPUTE_LAW_CITE = Cite("gpt4", "§3.1: L(C) = aC^b + c, fitted on runs with at most 10,000× "
                        "less compute than GPT-4")


@dataclass(frozen=True)
class ComputeLaw:
    """A fitted L(C) = a·C^b + c: a power law in compute with an irreducible term.

    Attributes
    ----------
    a : float
        Prefactor [nats/token · FLOP^−b].
    b : float
        Exponent, negative: the loss falls with compute [dimensionless].
    c : float
        Irreducible loss the law approaches [nats/token].
    flops_range : tuple of float
        The smallest and largest budgets fitted [FLOP]; beyond the largest is extrapolation.
    rms : float
        Root-mean-square residual of the fit [nats/token].
    """

    a: float
    b: float
    c: float
    flops_range: tuple
    rms: float

    def predict(self, flops):
        """The law's loss at a budget [nats/token].

        Parameters
        ----------
        flops : float or array_like
            Training compute C [FLOP].

        Returns
        -------
        float or numpy.ndarray
            a·C^b + c [nats/token].

        Examples
        --------
        >>> ComputeLaw(a=10.0, b=-0.1, c=1.5, flops_range=(1e18, 1e20), rms=0.0).predict(1e10)
        2.5
        """
        f = raw_count("flops", flops, minimum=MIN_FLOPS, unit="FLOP", example="flops=1e24")
        return output(self.a * f**self.b + self.c, flops)

    def extrapolation(self, flops) -> float:
        """How many times the largest fitted budget a prediction reaches [ratio].

        Parameters
        ----------
        flops : float or array_like
            The budget(s) predicted [FLOP].

        Examples
        --------
        >>> law = ComputeLaw(a=10.0, b=-0.1, c=1.5, flops_range=(1e18, 1e20), rms=0.0)
        >>> round(law.extrapolation(1e23))
        1000
        """
        f = raw_count("flops", flops, minimum=MIN_FLOPS, unit="FLOP", example="flops=1e24")
        return float(np.max(f)) / self.flops_range[1]


def fit_compute_law(flops, loss) -> ComputeLaw:
    """Fit L(C) = a·C^b + c to final losses measured at several compute budgets.

    Parameters
    ----------
    flops : array_like
        Training compute of each run [FLOP]; at least 4 runs, at 2 or more distinct budgets.
    loss : array_like
        Final loss of each run [nats/token].

    Returns
    -------
    ComputeLaw
        a [nats/token · FLOP^−b], b (< 0), c [nats/token], the fitted range and the RMS residual.

    Notes
    -----
    Least squares in L. For a fixed floor c the model is a straight line in
    ln(L − c) = ln a + b·ln C, solved in closed form; the floor is then chosen in
    [0, min L) by a bounded scalar search on the residual sum of squares (variable
    projection: a 1-D search instead of a 3-D one). This is the form GPT-4's report uses to
    predict its final loss from runs of up to 10,000× less compute (OpenAI 2023, §3.1).

    References
    ----------
    OpenAI (2023), GPT-4 Technical Report, §3.1.

    Examples
    --------
    >>> c = np.logspace(17, 21, 9)
    >>> law = fit_compute_law(c, 30.0 * c**-0.08 + 1.7)
    >>> round(law.a, 2), round(law.b, 4), round(law.c, 4)
    (30.0, -0.08, 1.7)
    >>> round(law.predict(1e24), 4)
    2.0607
    """
    x = raw_count("flops", flops, minimum=MIN_FLOPS, unit="FLOP", example="flops=[1e18, 1e19, 1e20]")
    y = positive("loss", loss, unit="nats/token")
    x, y = (np.ravel(v) for v in broadcast(flops=x, loss=y))
    if x.size < 4 or np.unique(x).size < 2:
        raise ValueError(f"fit_compute_law needs at least 4 runs at 2 or more budgets; got "
                         f"{x.size} runs at {np.unique(x).size} budgets.")
    log_c = np.log(x)

    def line(floor: float) -> tuple[float, float, float]:
        slope, intercept = np.polyfit(log_c, np.log(y - floor), 1)
        residual = y - (floor + np.exp(intercept + slope * log_c))
        return float(residual @ residual), float(slope), float(intercept)

    top = float(y.min()) * (1.0 - 1e-9)
    best = minimize_scalar(lambda f: line(f)[0], bounds=(0.0, top), method="bounded",
                           options={"xatol": 1e-10})
    floor = float(best.x) if line(best.x)[0] <= line(0.0)[0] else 0.0
    sse, slope, intercept = line(floor)
    if slope >= 0:
        raise ValueError("the losses do not fall with compute (fitted exponent b >= 0); a "
                         "forecast needs runs whose loss decreases with their budget.")
    return ComputeLaw(a=float(np.exp(intercept)), b=slope, c=floor,
                      flops_range=(float(x.min()), float(x.max())), rms=float(np.sqrt(sse / x.size)))
