"""Tests of lessons.chinchilla: constants, the closed-form optimum, and the three approaches' tools.

Pinned values come from FACTS §2 (Hoffmann et al. 2022), §3 (Besiroglu et al. 2024), §10
(derived checks) and §11 (common mistakes); each test names its source.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize_scalar

from lessons import chinchilla
from lessons.chinchilla import (
    BESIROGLU_2024,
    CHINCHILLA_TOKENS_PER_PARAM,
    FITS,
    HOFFMANN_2022,
    HOFFMANN_2022_TEX,
    compute_optimal,
    fit_power_law,
    get_fit,
    isoflop_curve,
    isoflop_minimum,
    loss,
    training_curve_envelope,
    twenty_tokens_per_param,
)

FIT_NAMES = sorted(FITS)
GOPHER_FLOPS = 5.76e23  # FACTS §2: Gopher's budget (Fig. 2; Table 3 Gopher unit)

log_flops = st.floats(min_value=18.0, max_value=27.0)
fit_names = st.sampled_from(FIT_NAMES)


def sig(x: float, digits: int = 3) -> str:
    return f"{x:.{digits}g}"


class TestConstants:
    def test_hoffmann_rounded(self):
        """FACTS §2, Eq. 10: E = 1.69, A = 406.4, B = 410.7, α = 0.34, β = 0.28."""
        f = HOFFMANN_2022
        assert (f.E, f.A, f.B, f.alpha, f.beta) == (1.69, 406.4, 410.7, 0.34, 0.28)

    def test_hoffmann_tex(self):
        """FACTS §2, TeX source: ln A = 6.0073404, ln B = 6.0179186, ln E = 0.5267228 (E = 1.6934),
        α = 0.33917084, β = 0.2849083."""
        f = HOFFMANN_2022_TEX
        assert math.log(f.A) == pytest.approx(6.0073404, abs=1e-12)
        assert math.log(f.B) == pytest.approx(6.0179186, abs=1e-12)
        assert math.log(f.E) == pytest.approx(0.5267228, abs=1e-12)
        assert round(f.E, 4) == 1.6934
        assert (f.alpha, f.beta) == (0.33917084, 0.2849083)

    def test_besiroglu(self):
        """FACTS §3 refit: E = 1.8172, A = 482.01, B = 2085.43, α = 0.3478, β = 0.3658."""
        f = BESIROGLU_2024
        assert (f.E, f.A, f.B, f.alpha, f.beta) == (1.8172, 482.01, 2085.43, 0.3478, 0.3658)
        assert f.stderr["A"] == 124.58 and f.stderr["B"] == 1293.23

    def test_chinchilla_ratio_is_20(self):
        """FACTS §2 Table 1 / §11 item 2: Chinchilla, 1.4T tokens for 70B parameters = 20."""
        assert CHINCHILLA_TOKENS_PER_PARAM == 20.0

    @pytest.mark.parametrize(
        ("name", "G", "a", "b"),
        [
            ("hoffmann2022", 1.3447, 0.4516, 0.5484),
            ("hoffmann2022_tex", 1.3000, 0.4565, 0.5435),
            ("besiroglu2024", 0.1196, 0.5126, 0.4874),
        ],
    )
    def test_exponents_and_G(self, name, G, a, b):
        """FACTS §10 'Exponents and G'."""
        f = get_fit(name)
        assert round(f.G, 4) == G and round(f.a, 4) == a and round(f.b, 4) == b
        assert f.a + f.b == pytest.approx(1.0, abs=1e-15)

    def test_besiroglu_exponent_differs_from_paper(self):
        """FACTS §3: the refit's a = 0.513, against 0.46 of Hoffmann's Table 2 Approach 3."""
        assert round(BESIROGLU_2024.a, 3) == 0.513
        assert round(HOFFMANN_2022_TEX.a, 2) == 0.46


class TestComputeOptimalTable:
    # FACTS §10, "Chinchilla Approach-3 optimum": N_opt, D_opt, D/N, predicted loss. The table
    # gives 3 significant figures, so N and D are compared to 0.15 % (its refit N at 5.76e23,
    # 7.23e10, is 7.2249e10 here: within that, but it rounds to 7.22e10).
    @pytest.mark.parametrize(
        ("name", "flops", "n_opt", "d_opt", "ratio", "pred_loss"),
        [
            ("hoffmann2022", 5.76e23, 3.22e10, 2.98e12, 92.6, 1.931),
            ("hoffmann2022", 1e24, 4.13e10, 4.04e12, 97.7, 1.911),
            ("hoffmann2022_tex", 5.76e23, 4.04e10, 2.38e12, 58.9, 1.918),
            ("hoffmann2022_tex", 1e24, 5.19e10, 3.21e12, 61.8, 1.900),
            ("besiroglu2024", 5.76e23, 7.23e10, 1.33e12, 18.4, 1.974),
            ("besiroglu2024", 1e24, 9.59e10, 1.74e12, 18.1, 1.960),
        ],
    )
    def test_row(self, name, flops, n_opt, d_opt, ratio, pred_loss):
        n, d = compute_optimal(flops, name)
        assert isinstance(n, float) and isinstance(d, float)
        assert n == pytest.approx(n_opt, rel=1.5e-3) and d == pytest.approx(d_opt, rel=1.5e-3)
        assert round(d / n, 1) == ratio
        assert round(loss(n, d, name), 3) == pred_loss

    def test_gopher_budget_tex_gives_40b(self):
        """FACTS §2 (Fig. 4 caption): the Approach 3 optimum at Gopher's budget is 40B (TeX constants)."""
        n, _ = compute_optimal(GOPHER_FLOPS, "hoffmann2022_tex")
        assert round(n / 1e9) == 40
        n_rounded, _ = compute_optimal(GOPHER_FLOPS, "hoffmann2022")
        assert round(n_rounded / 1e9) == 32  # the rounded constants miss the paper's number

    def test_rounded_constants_do_not_give_20(self):
        """FACTS §11 item 6: rounded constants give ~93 tokens/param at Gopher's budget (N ≈ 32B),
        TeX ~59, the refit ~18; none of the parametric fits is the '20' rule."""
        ratios = {k: (lambda nd: nd[1] / nd[0])(compute_optimal(GOPHER_FLOPS, k)) for k in FITS}
        assert round(ratios["hoffmann2022"]) == 93
        assert round(ratios["hoffmann2022_tex"]) == 59
        assert round(ratios["besiroglu2024"]) == 18
        assert all(abs(r - 20) > 1 for r in ratios.values())

    def test_arrays_in_arrays_out(self):
        n, _ = compute_optimal(np.array([5.76e23, 1e24]), "hoffmann2022")
        assert isinstance(n, np.ndarray) and n.shape == (2,)
        assert [sig(x) for x in n] == ["3.22e+10", "4.13e+10"]


class TestTwentyTokensPerParam:
    # FACTS §10: the 20-tokens/param heuristic rows (C = 120 N²).
    @pytest.mark.parametrize(
        ("flops", "n_params", "n_tokens"),
        [(5.76e23, "6.93e+10", "1.39e+12"), (1e24, "9.13e+10", "1.83e+12")],
    )
    def test_rows(self, flops, n_params, n_tokens):
        n, d = twenty_tokens_per_param(flops)
        assert (sig(n), sig(d)) == (n_params, n_tokens)
        assert d / n == pytest.approx(20.0, rel=1e-14)
        assert 120 * n**2 == pytest.approx(flops, rel=1e-12)

    def test_tokens_are_twenty_times_params_not_the_reverse(self):
        """FACTS §11 item 2: D ≈ 20·N, not N ≈ 20·D. Rejects N = 20 D (a 70B model on 3.5B tokens)."""
        n, d = twenty_tokens_per_param(6 * 7e10 * 1.4e12)
        assert sig(n) == "7e+10" and sig(d) == "1.4e+12"
        assert d > n

    def test_differs_from_the_parametric_optimum(self):
        """FACTS §10: heuristic 6.93e10 vs the refit's 7.23e10 and rounded Hoffmann's 3.22e10."""
        n_h, _ = twenty_tokens_per_param(GOPHER_FLOPS)
        assert sig(n_h) != sig(compute_optimal(GOPHER_FLOPS, "besiroglu2024")[0])
        assert sig(n_h) != sig(compute_optimal(GOPHER_FLOPS, "hoffmann2022")[0])


class TestUnits:
    def test_raw_counts(self):
        """FACTS §10 units demonstration: L(7e10, 1.4e12) = 1.937 nats (rounded constants)."""
        assert round(loss(7e10, 1.4e12, "hoffmann2022"), 3) == 1.937

    def test_billions_give_151_6_nats(self):
        """FACTS §10 / §11 item 3: L(70, 1400) in 'billions' gives 151.6 nats, not ~1.94."""
        assert round(loss(70, 1400, "hoffmann2022", check_units=False), 1) == 151.6

    def test_billions_are_refused_by_default(self):
        """FACTS §11 item 3: the law needs raw counts; the default refuses 'billions'."""
        with pytest.raises(ValueError, match="billions"):
            loss(70, 1400, "hoffmann2022")
        with pytest.raises(ValueError, match="n_tokens"):
            loss(7e10, 1400, "hoffmann2022")
        with pytest.raises(ValueError, match="billions"):
            isoflop_curve(1e21, 70)
        with pytest.raises(ValueError, match="billions"):
            isoflop_minimum([1, 2, 3], [2.5, 2.4, 2.5])


class TestBadInput:
    def test_unknown_fit(self):
        with pytest.raises(ValueError, match=r"unknown fit 'chinchilla'; accepted: 'besiroglu2024'"):
            compute_optimal(1e24, "chinchilla")
        with pytest.raises(ValueError, match="unknown fit"):
            loss(7e10, 1.4e12, "kaplan2020")

    @pytest.mark.parametrize("bad", [-1e24, 0.0, float("nan"), float("inf")])
    def test_bad_flops(self, bad):
        for func in (compute_optimal, twenty_tokens_per_param):
            with pytest.raises(ValueError, match="flops"):
                func(bad)
        with pytest.raises(ValueError, match="flops"):
            isoflop_curve(bad, 1e9)

    @pytest.mark.parametrize("bad", [-7e10, float("nan"), float("inf")])
    def test_bad_counts(self, bad):
        with pytest.raises(ValueError, match="n_params"):
            loss(bad, 1.4e12)
        with pytest.raises(ValueError, match="n_tokens"):
            loss(7e10, bad)

    def test_flops_in_pf_days_refused(self):
        """3,640 (GPT-3's budget in PF-days, FACTS §11) is not a FLOP count."""
        with pytest.raises(ValueError, match="flops"):
            compute_optimal(3640)

    def test_mismatched_shapes(self):
        with pytest.raises(ValueError, match="shapes do not match"):
            loss(np.ones(3) * 1e9, np.ones(2) * 1e11)
        with pytest.raises(ValueError, match="shapes do not match"):
            isoflop_curve(np.array([1e20, 1e21]), np.array([1e8, 1e9, 1e10]))
        with pytest.raises(ValueError, match="shapes do not match"):
            isoflop_minimum([1e8, 1e9, 1e10], [2.5, 2.4])
        with pytest.raises(ValueError, match="shapes do not match"):
            fit_power_law([1e20, 1e21, 1e22], [1e9, 1e10])
        with pytest.raises(ValueError, match="shapes do not match"):
            training_curve_envelope([1e20, 1e21], [2.5, 2.4, 2.3], [1e9, 1e9])

    def test_isoflop_model_too_big_for_budget(self):
        with pytest.raises(ValueError, match="too large for the budget"):
            isoflop_curve(1e18, 1e14)

    def test_too_few_points(self):
        with pytest.raises(ValueError, match="at least 3"):
            isoflop_minimum([1e8, 1e9], [2.5, 2.4])
        with pytest.raises(ValueError, match="3 distinct"):
            isoflop_minimum([1e9, 1e9, 1e9], [2.5, 2.4, 2.5])
        with pytest.raises(ValueError, match="2 distinct"):
            fit_power_law([1e21, 1e21], [1e9, 2e9])
        with pytest.raises(ValueError, match="losses"):
            isoflop_minimum([1e8, 1e9, 1e10], [2.5, float("nan"), 2.5])

    @pytest.mark.parametrize("bins", [0, -3, 2.5, True, "20"])
    def test_bad_bins(self, bins):
        with pytest.raises(ValueError, match="n_bins"):
            training_curve_envelope([1e20, 1e21], [2.5, 2.4], [1e9, 1e9], n_bins=bins)


class TestIsoflopMinimum:
    def test_not_bracketed(self):
        """All sizes below the optimum: the parabola's vertex is past the sweep's end."""
        n_opt, _ = compute_optimal(1e21)
        sizes = n_opt * np.logspace(-2, -1, 5)
        with pytest.raises(ValueError, match="not bracketed"):
            isoflop_minimum(sizes, isoflop_curve(1e21, sizes))

    def test_opens_downward(self):
        sizes = np.logspace(8, 10, 5)
        with pytest.raises(ValueError, match="opens downward"):
            isoflop_minimum(sizes, [2.0, 2.3, 2.4, 2.3, 2.0])

    def test_exact_parabola(self):
        """On points of an exact parabola in ln N, the vertex and its loss come back exactly."""
        sizes = np.logspace(8, 10, 7)
        x = np.log(sizes) - math.log(3e9)
        n, lo = isoflop_minimum(sizes, 2.2 + 0.05 * x**2)
        assert n == pytest.approx(3e9, rel=1e-9) and lo == pytest.approx(2.2, rel=1e-12)

    @settings(max_examples=40, deadline=None)
    @given(log_flops, fit_names, st.floats(-0.2, 0.2))
    def test_recovers_closed_form(self, lc, name, offset):
        """A ±0.5-decade sweep of the IsoFLOP curve, off-centre by up to 0.2 decades, recovers the
        closed-form N_opt to 1 %; a ±1-decade sweep drifts by up to ~4 % (the profile isn't a parabola)."""
        c = 10.0**lc
        n_opt, _ = compute_optimal(c, name)
        sizes = n_opt * np.logspace(offset - 0.5, offset + 0.5, 9)
        n_hat, l_hat = isoflop_minimum(sizes, isoflop_curve(c, sizes, name))
        assert n_hat == pytest.approx(n_opt, rel=0.01)
        assert l_hat == pytest.approx(isoflop_curve(c, n_opt, name), rel=1e-3)


class TestFitPowerLaw:
    @pytest.mark.parametrize("name", FIT_NAMES)
    def test_recovers_exponents_of_each_fit(self, name):
        """FACTS §10 exponents: N_opt ∝ C^a, D_opt ∝ C^b from compute_optimal outputs."""
        budgets = np.logspace(18, 26, 9)
        n, d = compute_optimal(budgets, name)
        f = get_fit(name)
        k_n, a = fit_power_law(budgets, n)
        _, b = fit_power_law(budgets, d)
        assert a == pytest.approx(f.a, abs=1e-12) and b == pytest.approx(f.b, abs=1e-12)
        assert k_n == pytest.approx(f.G * 6.0 ** -f.a, rel=1e-9)  # N = G (C/6)^a

    def test_kaplan_exponent_is_rejected(self):
        """FACTS §2 Table 2: Kaplan's 0.73 is not what any Chinchilla fit gives."""
        budgets = np.logspace(19, 24, 6)
        for name in FIT_NAMES:
            _, a = fit_power_law(budgets, compute_optimal(budgets, name)[0])
            assert abs(a - 0.73) > 0.2

    @settings(max_examples=30, deadline=None)
    @given(st.floats(0.1, 1.0), st.floats(-3.0, 3.0))
    def test_exact_power_law(self, e, log10_k):
        c = np.logspace(18, 24, 7)
        k, e_hat = fit_power_law(c, 10.0**log10_k * c**e)
        assert e_hat == pytest.approx(e, abs=1e-9)
        assert k == pytest.approx(10.0**log10_k, rel=1e-6)


class TestTrainingCurveEnvelope:
    def test_envelope_follows_the_frontier(self):
        """Approach 1 on curves predicted by the refit: the envelope's N(C) slope ≈ a = 0.513."""
        sizes = np.logspace(8, 11, 13)
        n, d = np.meshgrid(sizes, np.logspace(8, 13, 200))
        c_env, n_env, l_env = training_curve_envelope(6 * n * d, loss(n, d), n, n_bins=20)
        assert np.all(np.diff(c_env) > 0) and np.all(np.diff(l_env) < 0)
        inside = (c_env > 1e19) & (c_env < 1e23)
        _, a = fit_power_law(c_env[inside], n_env[inside])
        assert a == pytest.approx(BESIROGLU_2024.a, abs=0.02)

    def test_picks_the_lowest_loss_in_each_bin(self):
        flops = np.array([1e20, 1.1e20, 1e22, 1.2e22])
        losses = np.array([2.6, 2.5, 2.2, 2.3])
        sizes = np.array([1e8, 1e9, 1e9, 1e10])
        c, n, lo = training_curve_envelope(flops, losses, sizes, n_bins=2)
        assert list(c) == [1.1e20, 1e22] and list(n) == [1e9, 1e9] and list(lo) == [2.5, 2.2]


class TestProperties:
    @settings(max_examples=60, deadline=None)
    @given(fit_names, st.floats(6.0, 13.0), st.floats(6.0, 14.0), st.floats(1e-6, 2.0))
    def test_loss_strictly_decreasing_in_n_and_d(self, name, log_n, log_d, step):
        n, d = 10.0**log_n, 10.0**log_d
        base = loss(n, d, name)
        assert loss(n * (1 + step), d, name) < base
        assert loss(n, d * (1 + step), name) < base
        assert base > get_fit(name).E

    @settings(max_examples=60, deadline=None)
    @given(fit_names, log_flops)
    def test_budget_is_spent_exactly(self, name, lc):
        c = 10.0**lc
        n, d = compute_optimal(c, name)
        assert abs(6 * n * d - c) <= 1e-12 * c
        n20, d20 = twenty_tokens_per_param(c)
        assert abs(6 * n20 * d20 - c) <= 1e-12 * c

    @settings(max_examples=40, deadline=None)
    @given(fit_names, log_flops)
    def test_closed_form_equals_numeric_minimum(self, name, lc):
        """Eq. 4's closed form against scipy's bounded minimisation of the IsoFLOP loss over ln N."""
        c = 10.0**lc
        n_opt, _ = compute_optimal(c, name)
        res = minimize_scalar(
            lambda x: isoflop_curve(c, math.exp(x), name),
            bounds=(math.log(n_opt) - 4, math.log(n_opt) + 4), method="bounded",
            options={"xatol": 1e-9},
        )
        assert res.success
        assert math.exp(res.x) == pytest.approx(n_opt, rel=1e-4)
        assert isoflop_curve(c, n_opt, name) <= res.fun + 1e-12

    @settings(max_examples=30, deadline=None)
    @given(fit_names, log_flops, st.floats(0.05, 1.5))
    def test_optimum_beats_its_neighbours(self, name, lc, step):
        c = 10.0**lc
        n_opt, _ = compute_optimal(c, name)
        best = isoflop_curve(c, n_opt, name)
        for n in (n_opt * 10**step, n_opt / 10**step):
            assert isoflop_curve(c, n, name) > best


def test_module_exports_documented_helpers():
    for name in ("isoflop_curve", "isoflop_minimum", "fit_power_law", "training_curve_envelope",
                 "twenty_tokens_per_param"):
        assert name in chinchilla.__all__
        assert "Chinchilla and compute-optimal scaling" in getattr(chinchilla, name).__doc__


class TestIsoflopMinima:
    """Approach 2 on the digitised runs: a = 0.51, near Table 2's 0.49 (FACTS §2)."""

    def test_on_the_digitised_runs(self):
        from lessons.data import load_chinchilla_points

        p = load_chinchilla_points()
        n_min, loss_min = chinchilla.isoflop_minima(p.flops, p.n_params, p.loss)
        assert n_min.shape == loss_min.shape == (len(chinchilla.ISOFLOP_BUDGETS),)
        _, a = chinchilla.fit_power_law(chinchilla.ISOFLOP_BUDGETS, n_min)
        assert a == pytest.approx(0.514, abs=0.005)     # Kaplan's 0.73 is far outside
        near = np.abs(np.log10(p.flops / 1e21)) < chinchilla.ISOFLOP_WIDTH
        assert n_min[list(chinchilla.ISOFLOP_BUDGETS).index(1e21)] == pytest.approx(
            chinchilla.isoflop_minimum(p.n_params[near], p.loss[near])[0])

    def test_a_budget_without_runs_is_named(self):
        c = np.repeat([1e20], 5)
        n = np.logspace(8, 9, 5)
        with pytest.raises(ValueError, match=r"budget 1e\+22 FLOP"):
            chinchilla.isoflop_minima(c, n, chinchilla.isoflop_curve(c, n), [1e20, 1e22])


class TestFittedRange:
    def test_recomputed_from_the_data(self):
        """FITTED_RANGE is the span of the 240 fitted points, to two digits."""
        from lessons import data

        p = data.load_chinchilla_points()
        for name, values in (("n_params", p.n_params), ("n_tokens", p.n_tokens),
                             ("flops", 6 * p.n_params * p.n_tokens)):
            low, high = getattr(chinchilla.FITTED_RANGE, name)
            assert (low, high) == (float(f"{values.min():.2g}"), float(f"{values.max():.2g}")), name

    def test_inside_is_silent_and_outside_says_how_far(self):
        assert chinchilla.extrapolation(n_params=1e9, n_tokens=1e10, flops=1e20) == ""
        above = chinchilla.extrapolation(n_params=3.2e10)
        assert "2× the largest (1.6e+10)" in above and above.startswith("Extrapolated")
        below = chinchilla.extrapolation(flops=1.4e16)
        assert "1/1e+02 of the smallest (1.4e+18)" in below

    def test_kaplan_range_checks_model_size_only(self):
        from lessons import kaplan

        assert chinchilla.extrapolation(flops=1e30, span=kaplan.FITTED_RANGE) == ""
        assert "N = 4.7e+09" in chinchilla.extrapolation(n_params=4.68e9,
                                                          span=kaplan.FITTED_RANGE)
