"""Tests of lessons.fitting: the Huber-of-LSE fit (Approach 3) and its bootstrap.

Pinned values come from FACTS §2 (Hoffmann et al. 2022, App. D.2 procedure) and §3 (Besiroglu
et al. 2024: published estimates, standard errors and bootstrap intervals; the independent
sum-Huber check; the mean-Huber early stop). Each test names its source.
"""


import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lessons.chinchilla import BESIROGLU_2024, HOFFMANN_2022, Fit
from lessons.chinchilla import loss as chinchilla_loss
from lessons.data import load_chinchilla_points
from lessons.fitting import (
    BOOTSTRAP_NAMES,
    START_GRID,
    FitResult,
    bootstrap,
    fit_parametric,
    objective,
    theta_of,
)
from lessons.sources import Cite

PARAMS = ("E", "A", "B", "alpha", "beta")
# FACTS §3, "Independent check [DERIVED]": sum-Huber over the 4,500-start grid on the 240 points.
INDEPENDENT_CHECK = {"A": 477.83, "B": 2143.16, "E": 1.8172, "alpha": 0.3473, "beta": 0.3672}
# FACTS §3: the mean-Huber fit from Hoffmann's constants stops after 10 iterations here.
MEAN_STOP = {"A": 406.4, "B": 410.6, "E": 1.699, "alpha": 0.339, "beta": 0.285}
# FACTS §3: bootstrap 95 % intervals of the replication (4,000 resamples).
BESIROGLU_CI = {"E": (1.769, 1.871), "A": (285.2, 743.6), "B": (1042, 5810),
                "alpha": (0.317, 0.373), "beta": (0.331, 0.415)}


@pytest.fixture(scope="module")
def points():
    pts = load_chinchilla_points()
    assert len(pts) == 240  # FACTS §3: 245 rows minus the 5 highest-loss outliers
    return pts


@pytest.fixture(scope="module")
def sub_grid_fit(points) -> FitResult:
    """Every 50th start of the paper's grid (90 starts): fast, and it finds the same optimum."""
    return fit_parametric(points.n_params, points.n_tokens, points.loss,
                          starts=START_GRID.points()[::50])


@pytest.fixture(scope="module")
def grid_fit(points) -> FitResult:
    return fit_parametric(points.n_params, points.n_tokens, points.loss)


def test_start_grid_is_the_papers():
    """FACTS §2: α, β ∈ {0, 0.5, …, 2}, e ∈ {−1, …, 1}, a, b ∈ {0, 5, …, 25}: 4,500 starts."""
    g = START_GRID.points()
    assert g.shape == (4500, 5)
    assert [len(np.unique(g[:, k])) for k in range(5)] == [6, 6, 5, 5, 5]
    assert g.min(axis=0).tolist() == [0, 0, -1, 0, 0]
    assert g.max(axis=0).tolist() == [25, 25, 1, 2, 2]


def test_full_grid_matches_independent_check(grid_fit):
    """FACTS §3 independent check: A=477.83, B=2143.16, E=1.8172, α=0.3473, β=0.3672.

    All 4,500 starts of the paper's grid (about 3 s with the batched optimizer). Rejects Hoffmann's A=406.4 and an early-stopped optimizer; B is the flattest direction
    (SE 1293), so it is held to 1e-3 relative and the others to 3e-4.
    """
    assert grid_fit.converged and grid_fit.n_starts == 4500
    for k, v in INDEPENDENT_CHECK.items():
        rtol = 1e-3 if k == "B" else 3e-4
        assert getattr(grid_fit.fit, k) == pytest.approx(v, rel=rtol), k
    assert grid_fit.n_converged > 4000


def test_sub_grid_fit_within_published_standard_errors(sub_grid_fit):
    """FACTS §3 Table 1: E 1.8172±0.03, A 482.01±124.58, B 2085.43±1293.23, α 0.3478±0.02, β 0.3658±0.02.

    Hoffmann's own constants (E 1.69, B 410.7, β 0.28) fall outside these bands.
    """
    for k in PARAMS:
        got, ref, se = getattr(sub_grid_fit.fit, k), getattr(BESIROGLU_2024, k), BESIROGLU_2024.stderr[k]
        assert abs(got - ref) <= se, (k, got, ref, se)
        assert abs(getattr(HOFFMANN_2022, k) - ref) > se or k in ("A", "alpha")


def test_sub_grid_fit_matches_independent_check(sub_grid_fit):
    """FACTS §3 independent check, to 3 significant digits, from 90 of the 4,500 grid starts."""
    for k, v in INDEPENDENT_CHECK.items():
        assert getattr(sub_grid_fit.fit, k) == pytest.approx(v, rel=1e-3), k


def test_derived_exponent_a(sub_grid_fit):
    """FACTS §3: a = β/(α+β) = 0.513 (SE 0.020); Hoffmann's rounded constants give 0.4516."""
    assert sub_grid_fit.fit.a == pytest.approx(0.513, abs=2e-3)
    assert abs(HOFFMANN_2022.a - 0.513) > 0.05


def test_result_records_fit_and_objective(points, sub_grid_fit):
    """The reported objective is the sum of Huber losses at the fit; the mean is it / 240."""
    res = sub_grid_fit
    assert res.fit.cite.confidence == "DERIVED" and isinstance(res.fit.cite, Cite)
    args = (points.n_params, points.n_tokens, points.loss)
    assert objective(res.params, *args) == pytest.approx(res.objective, rel=1e-12)
    assert objective(res.params, *args, objective="mean") == pytest.approx(res.objective / 240)
    assert res.objective < objective(theta_of(HOFFMANN_2022), *args)
    assert res.n_starts == 90 and res.method == "batched" and res.n_iter > 0


def test_mean_huber_stops_where_it_started(points):
    """FACTS §3: mean-Huber from Hoffmann's constants stops after 10 iterations at A=406.4,
    B=410.6, E=1.699, α=0.339, β=0.285, essentially where it started (the loss-scale flaw)."""
    res = fit_parametric(points.n_params, points.n_tokens, points.loss, objective="mean",
                         starts=[theta_of(HOFFMANN_2022)])
    assert res.method == "scipy" and res.converged
    assert res.n_iter <= 15
    for k, v in MEAN_STOP.items():
        assert getattr(res.fit, k) == pytest.approx(v, rel=2e-3), k
        assert getattr(res.fit, k) == pytest.approx(getattr(HOFFMANN_2022, k), rel=0.025), k


def test_mean_huber_reaches_the_optimum_with_tight_tolerances(points):
    """FACTS §3: the early stop is the tolerance, not the data: tightening ftol/gtol from the
    same start lands on the independent check's optimum (A≈477.8, not 406.4)."""
    res = fit_parametric(points.n_params, points.n_tokens, points.loss, objective="mean",
                         starts=[theta_of(HOFFMANN_2022)], ftol=1e-15, gtol=1e-10)
    for k, v in INDEPENDENT_CHECK.items():
        assert getattr(res.fit, k) == pytest.approx(v, rel=1e-3), k


def test_batched_and_scipy_agree(points):
    """From the same starts and tolerances, the batched optimizer and scipy's L-BFGS-B land on
    the same optimum to 4 significant digits (FACTS §3 independent check as the reference)."""
    starts = [theta_of(HOFFMANN_2022), theta_of(BESIROGLU_2024)]
    args = (points.n_params, points.n_tokens, points.loss)
    for method in ("batched", "scipy"):
        runs = [fit_parametric(*args, starts=[s], method=method, polish=False, ftol=1e-15,
                               gtol=1e-10) for s in starts]
        for res in runs:
            for k, v in INDEPENDENT_CHECK.items():
                assert getattr(res.fit, k) == pytest.approx(v, rel=5e-4), (method, k)


def test_weights_count_points(points):
    """Integer weights equal repeated rows: weight 2 on a point is the point listed twice."""
    n, d, y = (np.asarray(v)[:30] for v in (points.n_params, points.n_tokens, points.loss))
    w = np.ones(30)
    w[:5] = 2
    theta = theta_of(BESIROGLU_2024)
    doubled = objective(theta, np.r_[n, n[:5]], np.r_[d, d[:5]], np.r_[y, y[:5]])
    assert objective(theta, n, d, y, weights=w) == pytest.approx(doubled, rel=1e-12)


fits = st.builds(
    lambda e, a, b, al, be: Fit("synthetic", E=e, A=a, B=b, alpha=al, beta=be,
                                cite=Cite("besiroglu2024", "synthetic", "DERIVED")),
    st.floats(1.5, 2.5), st.floats(200.0, 2000.0), st.floats(500.0, 5000.0),
    st.floats(0.25, 0.45), st.floats(0.25, 0.45),
)
# Three starts away from every drawn law, in (ln A, ln B, ln E, α, β).
SYNTHETIC_STARTS = [[5.0, 7.0, 0.5, 0.4, 0.4], [6.0, 8.0, 0.0, 0.3, 0.3], [7.0, 6.0, 0.5, 0.5, 0.5]]


@settings(max_examples=10, deadline=None)
@given(truth=fits, noise=st.sampled_from([0.0, 1e-4]))
def test_recovers_known_parameters(points, truth, noise):
    """Property: on the 240 real (N, D) pairs with losses from a known law (noiseless or 0.01 %
    noise), the fit recovers the law's E, α, β and the predicted losses."""
    n, d = np.asarray(points.n_params), np.asarray(points.n_tokens)
    rng = np.random.default_rng(0)
    y = chinchilla_loss(n, d, truth) * np.exp(rng.normal(0.0, noise, n.size))
    res = fit_parametric(n, d, y, starts=SYNTHETIC_STARTS, method="batched", ftol=1e-15,
                         gtol=1e-10)
    tol = 1e-2 if noise == 0 else 5e-2
    for k in ("E", "alpha", "beta"):
        assert getattr(res.fit, k) == pytest.approx(getattr(truth, k), rel=tol), k
    fitted, true = chinchilla_loss(n, d, res.fit), chinchilla_loss(n, d, truth)
    assert np.allclose(fitted, true, rtol=1e-4 if noise == 0 else 1e-3)


@pytest.mark.parametrize("change, match", [
    (lambda a: {**a, "loss": a["loss"][:-1]}, "shape"),
    (lambda a: {**a, "loss": np.r_[-1.0, a["loss"][1:]]}, "loss"),
    (lambda a: {**a, "loss": np.r_[np.nan, a["loss"][1:]]}, "loss"),
    (lambda a: {k: v[:5] for k, v in a.items()}, "at least 6"),
    (lambda a: {**a, "n_params": a["n_params"] / 1e9}, "billions"),
    (lambda a: {**a, "objective": "median"}, "objective"),
    (lambda a: {**a, "method": "newton"}, "method"),
    (lambda a: {**a, "starts": np.zeros((3, 4))}, "shape"),
    (lambda a: {**a, "starts": "random"}, "starts"),
    (lambda a: {**a, "weights": np.ones(3)}, "weights"),
    (lambda a: {**a, "weights": -np.ones(40)}, "weights"),
    (lambda a: {**a, "delta": 0.0}, "delta"),
])
def test_bad_input_raises(points, change, match):
    """Bad input -> ValueError naming what was wrong (mismatched shapes, negative/NaN loss,
    too few points, N in billions, unknown objective or method, bad starts or weights)."""
    good = {"n_params": np.asarray(points.n_params)[:40], "n_tokens": np.asarray(points.n_tokens)[:40],
            "loss": np.asarray(points.loss)[:40], "starts": [theta_of(BESIROGLU_2024)]}
    kwargs = change(good)
    args = [kwargs.pop(k) for k in ("n_params", "n_tokens", "loss")]
    with pytest.raises(ValueError, match=match):
        fit_parametric(*args, **kwargs)


def test_bootstrap_reproduces_published_intervals(points, sub_grid_fit):
    """FACTS §3: bootstrap 95 % CIs E 1.769-1.871, A 285.2-743.6, B 1042-5810, α 0.317-0.373,
    β 0.331-0.415 and SE(a) 0.020. Each of our interval ends must be within 10 % of the
    interval's width of the published end; Hoffmann's (0.454, 0.455)-wide intervals fail."""
    boot = bootstrap(points.n_params, points.n_tokens, points.loss, n_resamples=1000,
                     start=sub_grid_fit)
    assert boot.samples.shape == (1000, 6) and boot.converged.mean() > 0.98
    for k, (lo, hi) in BESIROGLU_CI.items():
        width = hi - lo
        got_lo, got_hi = boot.ci[k]
        assert abs(got_lo - lo) < 0.1 * width and abs(got_hi - hi) < 0.15 * width, (k, boot.ci[k])
    assert boot.stderr["a"] == pytest.approx(0.020, abs=0.003)


def test_bootstrap_default_tolerances_give_narrow_intervals(points, sub_grid_fit):
    """Why the refits use tight tolerances: with scipy's defaults every refit stops at its start
    and SE(α) collapses far below the replication's 0.0154 (FACTS §3)."""
    args = (points.n_params, points.n_tokens, points.loss)
    loose = bootstrap(*args, n_resamples=100, start=sub_grid_fit, ftol=2.2e-9, gtol=1e-5)
    tight = bootstrap(*args, n_resamples=100, start=sub_grid_fit)
    assert loose.stderr["alpha"] < 0.2 * tight.stderr["alpha"]
    assert tight.stderr["alpha"] == pytest.approx(0.0154, rel=0.35)


def test_bootstrap_is_deterministic_per_seed(points, sub_grid_fit):
    """The same seed gives identical refits; another seed gives different ones."""
    args = (points.n_params, points.n_tokens, points.loss)
    a = bootstrap(*args, n_resamples=50, seed=7, start=sub_grid_fit.fit)
    b = bootstrap(*args, n_resamples=50, seed=7, start=sub_grid_fit)
    c = bootstrap(*args, n_resamples=50, seed=8, start=sub_grid_fit)
    assert np.array_equal(a.samples, b.samples)
    assert not np.array_equal(a.samples, c.samples)
    assert set(a.ci) == set(BOOTSTRAP_NAMES)
    assert a["alpha"].shape == (int(a.converged.sum()),)


@pytest.mark.parametrize("kwargs, match", [
    ({"n_resamples": 1}, "n_resamples"),
    ({"n_resamples": 10.5}, "n_resamples"),
    ({"level": 95}, "level"),
    ({"start": "besiroglu2025"}, "unknown fit"),    # a name, but of no fit
    ({"start": 1.8172}, "start"),
])
def test_bootstrap_bad_input(points, kwargs, match):
    """Bad bootstrap settings -> ValueError (a level of 95 meant 0.95)."""
    kwargs = {"start": BESIROGLU_2024, **kwargs}
    with pytest.raises(ValueError, match=match):
        bootstrap(points.n_params, points.n_tokens, points.loss, **kwargs)


def test_bootstrap_start_by_name(points):
    """A fit's name starts the refits where the Fit object would."""
    args = (points.n_params, points.n_tokens, points.loss)
    by_name = bootstrap(*args, n_resamples=20, start="besiroglu2024")
    by_fit = bootstrap(*args, n_resamples=20, start=BESIROGLU_2024)
    assert np.array_equal(by_name.samples, by_fit.samples)


def test_fit_start_from_a_published_law(points):
    """starts=Fit is one start at its constants: the mean-Huber early stop of FACTS §3."""
    res = fit_parametric(points.n_params, points.n_tokens, points.loss, objective="mean",
                         starts=HOFFMANN_2022)
    assert res.n_starts == 1 and res.fit.A == pytest.approx(MEAN_STOP["A"], rel=2e-3)


def test_bootstrap_records_its_resamples(points):
    """counts row i is refit i's weight vector: n draws with replacement over n runs."""
    boot = bootstrap(points.n_params, points.n_tokens, points.loss, n_resamples=30, seed=4,
                     start=BESIROGLU_2024)
    assert boot.counts.shape == (30, len(points))
    assert np.all(boot.counts.sum(axis=1) == len(points))
    # Refitting resample 0 alone, with its counts as weights, lands on the batch's refit 0.
    one = fit_parametric(points.n_params, points.n_tokens, points.loss, weights=boot.counts[0],
                         starts=BESIROGLU_2024, ftol=1e-15, gtol=1e-10)
    assert one.fit.alpha == pytest.approx(boot.samples[0, 3], rel=1e-3)


def test_theta_of_round_trips_a_fit(points):
    res = fit_parametric(points.n_params[:40], points.n_tokens[:40], points.loss[:40],
                         starts=BESIROGLU_2024)
    assert np.allclose(theta_of(res.fit), res.params)
    assert theta_of(HOFFMANN_2022)[3] == HOFFMANN_2022.alpha
