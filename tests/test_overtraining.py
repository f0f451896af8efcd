"""Tests for lessons.overtraining: tokens per parameter and inference-aware (lifetime) sizing."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lessons import chinchilla, flops, overtraining
from lessons.overtraining import (
    chinchilla_multiple,
    lifetime_flops,
    lifetime_optimal,
    lifetime_savings,
    optimal_tokens_for_params,
    ratio_table,
    tokens_for_loss,
    tokens_per_param,
)

FIT_NAMES = sorted(chinchilla.FITS)


class TestTokensPerParam:
    def test_llama3_8b(self):
        """FACTS §9: Llama 3 8B at 15T tokens has D/N = 1,875 (not N/D = 5.3e-4)."""
        assert tokens_per_param(8e9, 15e12) == pytest.approx(1875.0)

    def test_moe_denominator_changes_the_ratio(self):
        """FACTS §9/§11: DeepSeek-V3 is 22 on total parameters but 400 on active ones."""
        assert tokens_per_param(671e9, 14.8e12) == pytest.approx(22, abs=0.1)
        assert tokens_per_param(37e9, 14.8e12) == pytest.approx(400, abs=0.1)

    def test_chinchilla_multiple(self):
        """Chinchilla itself (70B, 1.4T) is exactly 1x its own ratio; Llama 3 8B ~94x."""
        assert chinchilla_multiple(7e10, 1.4e12) == pytest.approx(1.0)
        assert chinchilla_multiple(8e9, 15e12) == pytest.approx(93.75)

    def test_arrays(self):
        out = tokens_per_param(np.array([7e10, 8e9]), np.array([1.4e12, 15e12]))
        np.testing.assert_allclose(out, [20.0, 1875.0])

    def test_billions_refused(self):
        with pytest.raises(ValueError, match="billions"):
            tokens_per_param(8, 15e12)

    @pytest.mark.parametrize("bad", [-1e9, 0.0, math.nan, math.inf])
    def test_bad_counts_refused(self, bad):
        with pytest.raises(ValueError, match="n_params"):
            chinchilla_multiple(bad, 1e12)


class TestOptimalTokensForParams:
    def test_facts_5_thirteen_b(self):
        """FACTS §5: a Chinchilla-optimal 13B needs 617B tokens (unrounded TeX constants)."""
        assert optimal_tokens_for_params(13e9, "hoffmann2022_tex") == pytest.approx(617e9, rel=1e-3)

    @settings(max_examples=40, deadline=None)
    @given(st.floats(min_value=7.0, max_value=13.0), st.sampled_from(FIT_NAMES))
    def test_inverts_compute_optimal(self, log_n, fit):
        """compute_optimal at C = 6·N·D(N) picks N back."""
        n = 10**log_n
        d = optimal_tokens_for_params(n, fit)
        n_back, d_back = chinchilla.compute_optimal(6 * n * d, fit)
        assert n_back == pytest.approx(n, rel=1e-9)
        assert d_back == pytest.approx(d, rel=1e-9)


class TestLifetimeFlops:
    def test_facts_5_total(self):
        """FACTS §5: 13B on 617B tokens plus 2T inference tokens = 1.00e23 FLOP."""
        assert lifetime_flops(13e9, 617e9, 2e12) == pytest.approx(1.00e23, rel=5e-3)

    def test_is_training_plus_inference(self):
        """6·N·D + 2·N·D_inf, through lessons.flops (rejects 6·N·D_inf or 2·N·D)."""
        n, d, d_inf = 7e9, 1.3e12, 2e12
        expected = flops.training_flops(n, d) + flops.inference_flops(n, d_inf)
        assert lifetime_flops(n, d, d_inf) == pytest.approx(expected)
        assert lifetime_flops(n, d, d_inf) == pytest.approx(6 * n * d + 2 * n * d_inf)

    def test_zero_inference_is_training(self):
        assert lifetime_flops(7e10, 1.4e12) == pytest.approx(5.88e23)

    def test_arrays_with_some_zero_inference(self):
        out = lifetime_flops(7e10, 1.4e12, np.array([0.0, 1e12]))
        np.testing.assert_allclose(out, [5.88e23, 5.88e23 + 1.4e23])

    def test_negative_inference_refused(self):
        with pytest.raises(ValueError, match="inference_tokens"):
            lifetime_flops(7e10, 1.4e12, -1.0)


class TestTokensForLoss:
    @settings(max_examples=50, deadline=None)
    @given(st.floats(min_value=7.0, max_value=12.0), st.floats(min_value=1e-3, max_value=2.0),
           st.sampled_from(FIT_NAMES))
    def test_round_trip(self, log_n, margin, fit):
        """L̂(N, tokens_for_loss(N, ℓ)) = ℓ."""
        f = chinchilla.get_fit(fit)
        n = 10**log_n
        ell = f.E + f.A / n**f.alpha + margin
        d = tokens_for_loss(n, ell, fit)
        assert chinchilla.loss(n, d, fit, check_units=False) == pytest.approx(ell, rel=1e-10)

    def test_chinchilla_back(self):
        d = tokens_for_loss(7e10, chinchilla.loss(7e10, 1.4e12, "hoffmann2022"), "hoffmann2022")
        assert d == pytest.approx(1.4e12, rel=1e-9)

    def test_unreachable_loss_says_the_minimum(self):
        """At N = 1e9 (rounded fit) no data beats E + A/N^α = 2.044 (1.69 + 406.4/1147.6)."""
        with pytest.raises(ValueError, match=r"2\.044"):
            tokens_for_loss(1e9, 2.0, "hoffmann2022")

    def test_below_e_refused(self):
        with pytest.raises(ValueError, match="out of reach"):
            tokens_for_loss(1e12, 1.5, "hoffmann2022")


class TestLifetimeOptimal:
    @settings(max_examples=25, deadline=None)
    @given(st.floats(min_value=19.0, max_value=27.0), st.sampled_from(FIT_NAMES))
    def test_zero_inference_is_compute_optimal(self, log_c, fit):
        """With no inference the lifetime optimum is Chinchilla's compute_optimal."""
        n0, d0 = chinchilla.compute_optimal(10**log_c, fit)
        n, d = lifetime_optimal(chinchilla.loss(n0, d0, fit), 0.0, fit)
        assert n == pytest.approx(n0, rel=1e-5)
        assert d == pytest.approx(d0, rel=1e-5)

    @settings(max_examples=20, deadline=None)
    @given(st.floats(min_value=9.0, max_value=14.0), st.sampled_from(FIT_NAMES))
    def test_more_inference_means_smaller_longer_trained(self, log_inf, fit):
        """Sardana et al.: with inference demand, train smaller and longer than Chinchilla."""
        ell = chinchilla.get_fit(fit).E + 0.3
        n0, d0 = lifetime_optimal(ell, 0.0, fit)
        n1, d1 = lifetime_optimal(ell, 10**log_inf, fit)
        n2, d2 = lifetime_optimal(ell, 10 ** (log_inf + 1), fit)
        assert n2 < n1 < n0 and d2 > d1 > d0

    def test_zero_inference_returns_the_frontier_exactly(self):
        from lessons.returns import allocation_for_loss

        n, _ = lifetime_optimal(2.0, 0.0)
        assert n == allocation_for_loss(2.0)[0]

    @settings(max_examples=20, deadline=None)
    @given(st.floats(min_value=0.05, max_value=1.0), st.floats(min_value=8.0, max_value=16.0),
           st.sampled_from(FIT_NAMES))
    def test_the_tangency_condition_holds_to_machine_precision(self, gap, log_inf, fit):
        """The optimum is the zero of lifetime_tangency; a minimiser of the FLOPs would leave
        it about 1e-8 away (the square root of the float spacing)."""
        from lessons.overtraining import lifetime_tangency

        ell = chinchilla.get_fit(fit).E + gap
        n, d = lifetime_optimal(ell, 10**log_inf, fit)
        assert abs(lifetime_tangency(n, d, 10**log_inf, fit)) < 1e-11
        assert chinchilla.loss(n, d, fit) == pytest.approx(ell, rel=1e-12)

    def test_is_a_minimum_on_the_iso_loss_curve(self):
        ell, d_inf = 2.0, 5e12
        n, d = lifetime_optimal(ell, d_inf)
        assert chinchilla.loss(n, d) == pytest.approx(ell, rel=1e-10)
        best = lifetime_flops(n, d, d_inf)
        for factor in (0.98, 1.02):
            other = n * factor
            assert lifetime_flops(other, tokens_for_loss(other, ell), d_inf) > best

    def test_facts_5_sardana_example_unrounded(self):
        """FACTS §5: 13B/2T inference -> N* ≈ 7.1e9, saving 1.63e22 FLOP (16.3 %)."""
        s = lifetime_savings(13e9, 2e12, "hoffmann2022_tex")
        assert s.n_tokens == pytest.approx(617e9, rel=1e-3)
        assert s.flops == pytest.approx(1.00e23, rel=5e-3)
        assert s.optimal_n_params == pytest.approx(7.1e9, rel=1e-2)
        assert s.saved_flops == pytest.approx(1.63e22, rel=5e-3)
        assert s.saved_fraction == pytest.approx(0.163, abs=1e-3)

    def test_facts_5_sardana_example_rounded(self):
        """FACTS §5: the rounded constants give N* ≈ 8.0e9 and only ~10 % savings."""
        s = lifetime_savings(13e9, 2e12, "hoffmann2022")
        assert s.optimal_n_params == pytest.approx(8.0e9, rel=1e-2)
        assert s.saved_fraction == pytest.approx(0.10, abs=5e-3)

    def test_savings_text(self):
        assert "16.3 %" in str(lifetime_savings(13e9, 2e12, "hoffmann2022_tex"))

    def test_arrays(self):
        n, d = lifetime_optimal(np.array([2.0, 2.1]), 1e12)
        assert n.shape == d.shape == (2,) and n[1] < n[0]

    def test_loss_at_or_below_e_refused_naming_e(self):
        with pytest.raises(ValueError, match=r"E=1\.8172"):
            lifetime_optimal(1.8, 1e12, "besiroglu2024")

    def test_negative_inference_refused(self):
        with pytest.raises(ValueError, match="inference_tokens"):
            lifetime_optimal(2.0, -5.0)


class TestRatioTable:
    def test_undisclosed_tokens_are_never_a_number(self):
        """FACTS §9/§11: Mistral 7B's training-token count was never disclosed."""
        row = ratio_table()["Mistral 7B"]
        assert row.n_tokens is None and row.tokens_per_param is None
        assert row.chinchilla_multiple is None
        line = next(x for x in str(ratio_table()).splitlines() if x.startswith("Mistral 7B"))
        assert "not disclosed" in line

    def test_moe_reports_total_and_active(self):
        """FACTS §9: DeepSeek-V3 is 22 tokens/param on total, 400 on active parameters."""
        row = ratio_table()["DeepSeek-V3"]
        assert row.tokens_per_param == pytest.approx(22, abs=0.5)
        assert row.tokens_per_param_active == pytest.approx(400, abs=1)
        assert "active" in str(ratio_table()).splitlines()[0]

    def test_dense_models_have_no_active_ratio(self):
        row = ratio_table()["Chinchilla"]
        assert row.tokens_per_param == pytest.approx(20.0)
        assert row.tokens_per_param_active is None

    def test_llama3_8b_overtrained(self):
        """FACTS §9: Llama 3 8B ≈ 1,875 tokens/param (1,868 with N = 8.03e9)."""
        assert ratio_table()["Llama 3 8B"].tokens_per_param == pytest.approx(1875, rel=0.01)

    def test_html_and_lookup_errors(self):
        t = ratio_table()
        assert "<table>" in t._repr_html_() and len(t) == len(list(t))
        with pytest.raises(KeyError, match="no run"):
            t["GPT-7"]

    def test_public_names(self):
        for name in overtraining.__all__:
            assert hasattr(overtraining, name)
