"""Tests for lessons.returns: the compute-optimal frontier read forwards and backwards."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lessons import chinchilla, returns
from lessons.returns import (
    allocation_for_loss,
    compute_for_loss,
    gain_per_decade,
    gap_to_irreducible,
    loss_at_compute,
    returns_table,
)

FIT_NAMES = sorted(chinchilla.FITS)
log_flops = st.floats(min_value=17.0, max_value=28.0)


class TestLossAtCompute:
    # FACTS §10 table "Chinchilla Approach-3 optimum", column "Predicted loss".
    @pytest.mark.parametrize(
        ("fit", "flops", "expected"),
        [
            ("hoffmann2022", 5.76e23, 1.931),
            ("hoffmann2022", 1e24, 1.911),
            ("hoffmann2022_tex", 5.76e23, 1.918),
            ("hoffmann2022_tex", 1e24, 1.900),
            ("besiroglu2024", 5.76e23, 1.974),
            ("besiroglu2024", 1e24, 1.960),
        ],
    )
    def test_facts_10_predicted_losses(self, fit, flops, expected):
        """FACTS §10: predicted losses 1.931, 1.911, 1.918, 1.900, 1.974, 1.960.

        The tolerance (5e-4) rejects swapping the rounded and TeX constants (0.013 apart)."""
        assert loss_at_compute(flops, fit) == pytest.approx(expected, abs=5e-4)

    def test_scalar_in_float_out_and_array_in_array_out(self):
        assert type(loss_at_compute(1e22)) is float
        out = loss_at_compute(np.array([1e21, 1e22]))
        assert isinstance(out, np.ndarray) and out.shape == (2,)

    def test_is_the_minimum_over_allocations(self):
        """Any other split of the same budget predicts a higher loss."""
        c = 1e23
        n, d = chinchilla.compute_optimal(c)
        best = loss_at_compute(c)
        for factor in (0.5, 0.9, 1.1, 2.0):
            assert chinchilla.loss(n * factor, d / factor) > best

    @pytest.mark.parametrize("bad", [-1e21, 0.0, math.nan, math.inf])
    def test_rejects_bad_flops(self, bad):
        with pytest.raises(ValueError, match="flops"):
            loss_at_compute(bad)


class TestGainPerDecade:
    @settings(max_examples=50, deadline=None)
    @given(log_flops, st.floats(min_value=0.1, max_value=5.0), st.sampled_from(FIT_NAMES))
    def test_gains_shrink_with_compute(self, log_c, step, fit):
        """Diminishing returns: a later decade always buys less than an earlier one, and > 0."""
        early = gain_per_decade(10**log_c, fit)
        late = gain_per_decade(10 ** (log_c + step), fit)
        assert 0 < late < early

    @settings(max_examples=30, deadline=None)
    @given(log_flops, st.sampled_from(FIT_NAMES))
    def test_each_decade_removes_a_fixed_fraction_of_the_gap(self, log_c, fit):
        """Notes of gain_per_decade: (L*(10C) - E)/(L*(C) - E) = 10^(-αβ/(α+β))."""
        f = chinchilla.get_fit(fit)
        gamma = f.alpha * f.beta / (f.alpha + f.beta)
        c = 10**log_c
        ratio = gap_to_irreducible(10 * c, fit) / gap_to_irreducible(c, fit)
        assert ratio == pytest.approx(10**-gamma, rel=1e-9)

    def test_equals_difference_of_losses(self):
        assert gain_per_decade(1e21) == pytest.approx(loss_at_compute(1e21) - loss_at_compute(1e22))


class TestComputeForLoss:
    @settings(max_examples=50, deadline=None)
    @given(log_flops, st.sampled_from(FIT_NAMES))
    def test_round_trip_from_compute(self, log_c, fit):
        """compute_for_loss ∘ loss_at_compute is the identity on budgets."""
        c = 10**log_c
        assert compute_for_loss(loss_at_compute(c, fit), fit) == pytest.approx(c, rel=1e-8)

    @settings(max_examples=50, deadline=None)
    @given(st.floats(min_value=1e-3, max_value=3.0), st.sampled_from(FIT_NAMES))
    def test_round_trip_from_loss(self, excess, fit):
        ell = chinchilla.get_fit(fit).E + excess
        assert loss_at_compute(compute_for_loss(ell, fit), fit) == pytest.approx(ell, rel=1e-10)

    def test_allocation_matches_closed_form_optimum(self):
        """FACTS §10: Hoffmann rounded at 5.76e23 -> N 3.22e10, D 2.98e12 (not Kaplan-like)."""
        n, d = allocation_for_loss(loss_at_compute(5.76e23, "hoffmann2022"), "hoffmann2022")
        assert n == pytest.approx(3.22e10, rel=2e-3)
        assert d == pytest.approx(2.98e12, rel=2e-3)
        assert 6 * n * d == pytest.approx(5.76e23, rel=1e-9)

    def test_lower_loss_costs_more(self):
        assert compute_for_loss(1.95) > compute_for_loss(2.0)

    @pytest.mark.parametrize("fit", FIT_NAMES)
    def test_refuses_loss_at_or_below_e_and_says_e(self, fit):
        f = chinchilla.get_fit(fit)
        for ell in (f.E, f.E - 0.1):
            with pytest.raises(ValueError, match=f"E={f.E:g}"):
                compute_for_loss(ell, fit)

    @pytest.mark.parametrize("bad", [-2.0, 0.0, math.nan, math.inf])
    def test_refuses_non_finite_or_negative(self, bad):
        with pytest.raises(ValueError, match="target_loss"):
            compute_for_loss(bad)

    def test_array_with_one_bad_entry_is_refused(self):
        with pytest.raises(ValueError, match="irreducible"):
            compute_for_loss(np.array([2.0, 1.0]))


class TestGapToIrreducible:
    def test_is_loss_minus_e(self):
        f = chinchilla.BESIROGLU_2024
        assert gap_to_irreducible(1e24, f) == pytest.approx(loss_at_compute(1e24, f) - f.E)

    def test_positive_and_shrinking(self):
        gaps = gap_to_irreducible(np.logspace(18, 26, 9))
        assert np.all(gaps > 0) and np.all(np.diff(gaps) < 0)


class TestReturnsTable:
    def test_covers_decades_1e18_to_1e26_for_every_fit(self):
        t = returns_table()
        assert t.flops == pytest.approx([10.0**k for k in range(18, 27)], rel=1e-12)
        assert set(t.fits) == set(chinchilla.FITS)
        for name in t.fits:
            assert t.loss[name][6] == pytest.approx(loss_at_compute(1e24, name))
            assert t.gain[name][0] == pytest.approx(gain_per_decade(1e18, name))

    def test_text_and_html(self):
        t = returns_table(["hoffmann2022"], decades=[24])
        assert "1.911" in str(t)
        assert t._repr_html_().startswith("<table>") and "1.911" in t._repr_html_()

    def test_rejects_empty_and_unknown(self):
        with pytest.raises(ValueError, match="decades"):
            returns_table(decades=[])
        with pytest.raises(ValueError, match="unknown fit"):
            returns_table(["kaplan"])

    def test_module_lists_public_names(self):
        assert set(returns.__all__) >= {"loss_at_compute", "gain_per_decade", "compute_for_loss",
                                        "gap_to_irreducible"}


class TestPrecisionEffectiveParams:
    """Kumar et al. (2024): N_eff = N(1 − e^(−(P/γ + n))), constants pinned to App. K Table 2."""

    def test_constants_are_the_papers(self):
        fit = returns.KUMAR_2024_WEIGHTS
        assert (fit.gamma, fit.offset) == (2.6745, 0.3037)   # FACTS §13.14: γ_w, n_w
        assert fit.cite.key == "kumar2024"

    def test_formula(self):
        n, p = 7e9, 4.0
        want = n * (1 - math.exp(-(p / 2.6745 + 0.3037)))
        assert returns.precision_effective_params(n, p) == pytest.approx(want, rel=1e-12)
        # Without the offset (Eq. 3 as printed) four bits would be worth 0.776 N, not 0.835 N.
        assert returns.precision_effective_params(n, p) / n == pytest.approx(0.835, abs=1e-3)

    def test_more_bits_are_worth_more_and_never_more_than_n(self):
        bits = np.array([2, 3, 4, 6, 8, 16, 32])
        worth = returns.precision_effective_params(1e9, bits)
        assert np.all(np.diff(worth) > 0) and np.all(worth < 1e9)

    @pytest.mark.parametrize("bad", [0, -4, float("nan"), 128])
    def test_bad_bits(self, bad):
        with pytest.raises(ValueError):
            returns.precision_effective_params(1e9, bad)
