"""lessons.batch: the noise scale, the steps-examples trade-off and DeepSeek's fitted laws.

Numbers are pinned to the fact sheet (§13.1-13.3): DeepSeek's Eq. 1 constants, Eq. 2's
attention coefficient 12, and the 7B check (B ≈ 9.2M tokens ≈ 2252 sequences against Table 2's
2304; η ≈ 4.25e-4 against 4.2e-4).
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lessons import batch
from lessons.batch import (
    DEEPSEEK_7B,
    DEEPSEEK_LLM,
    critical_batch,
    deepseek_batch,
    deepseek_flops_per_token,
    deepseek_lr,
    deepseek_optimal,
    fit_tradeoff,
    noise_scale,
    noise_scale_from_samples,
    tradeoff,
)


class TestNoiseScale:
    def test_recovers_a_known_gradient_and_covariance(self):
        """E|G_B|² = |G|² + tr Σ/B at two batches gives back |G|² and tr Σ exactly."""
        g_sq, trace = 0.3, 45.0
        g, tr, b = noise_scale(g_sq + trace / 32, g_sq + trace / 4096, 32, 4096)
        assert (g, tr, b) == pytest.approx((g_sq, trace, trace / g_sq))

    def test_not_the_ratio_of_the_raw_norms(self):
        """The naive |G_small|²/|G_big|² or B_big·|G_big|²/|G_small|² is not B_simple."""
        gs, gb = 0.3 + 45 / 32, 0.3 + 45 / 4096
        _, _, b = noise_scale(gs, gb, 32, 4096)
        assert b == pytest.approx(150.0)
        assert not np.isclose(b, gs / gb) and not np.isclose(b, 4096 * gb / gs)

    def test_agrees_with_per_example_gradients(self):
        """On simulated per-example gradients, the two-batch estimator (sub-batches of one big
        batch, averaged) and the per-example estimator agree with the truth."""
        rng = np.random.default_rng(1)
        mean = np.full(50, 0.1)                    # |G|² = 0.5
        sd = np.linspace(0.5, 2.0, 50)             # tr Σ = Σ sd²
        truth = (sd**2).sum() / 0.5
        small, big = [], []
        for _ in range(400):
            g = mean + rng.standard_normal((1024, 50)) * sd
            parts = g.reshape(32, 32, 50).mean(axis=1)
            small.append(np.mean((parts**2).sum(axis=1)))
            big.append((g.mean(axis=0) ** 2).sum())
        _, _, two_batch = noise_scale(np.mean(small), np.mean(big), 32, 1024)
        _, _, per_example = noise_scale_from_samples(mean + rng.standard_normal((200_000, 50))
                                                     * sd)
        assert two_batch == pytest.approx(truth, rel=0.05)
        assert per_example == pytest.approx(truth, rel=0.02)

    def test_refuses_swapped_batches_and_buried_signal(self):
        with pytest.raises(ValueError, match="b_big must exceed b_small"):
            noise_scale(2.0, 1.1, 100, 10)
        with pytest.raises(ValueError, match=r"tr\(Σ\) estimate is not positive"):
            noise_scale(1.0, 2.0, 10, 100)
        with pytest.raises(ValueError, match=r"\|G\|² estimate is not positive"):
            noise_scale(2.0, 0.05, 10, 100)
        with pytest.raises(ValueError, match="finite and > 0"):
            noise_scale(-1.0, 0.5, 10, 100)
        with pytest.raises(ValueError, match="shape"):
            noise_scale_from_samples(np.ones(5))

    def test_cites_are_tagged_as_read(self):
        assert batch.NOISE_SCALE_CITES["b_simple"].confidence == "SECONDARY"
        assert batch.NOISE_SCALE_CITES["tradeoff"].key == "kaplan2020"


class TestTradeoff:
    def test_critical_batch_doubles_steps_and_data(self):
        """Kaplan §5.1: at B = B_crit, S = 2 S_min and E = 2 E_min."""
        assert tradeoff(3e6, 3e6) == (2.0, 2.0)

    @given(st.floats(1e2, 1e9), st.floats(1e2, 1e9))
    def test_ratios_lie_on_the_hyperbola(self, b, b_crit):
        s, e = tradeoff(b, b_crit)
        # exact up to the rounding of 1 + x for the small ratio, which s − 1 or e − 1 magnifies
        # by up to max(s, e) (1e7 at b = 1e2, b_crit = 1e9)
        tol = max(1e-12, 4 * np.finfo(float).eps * max(s, e))
        assert (s - 1) * (e - 1) == pytest.approx(1.0, rel=tol)

    def test_fit_recovers_minima_from_runs(self):
        s_min, e_min = 2500.0, 4e9
        b = np.geomspace(1e4, 1e8, 7)
        s = s_min * (1 + (e_min / s_min) / b)
        fit_s, fit_e, b_crit = fit_tradeoff(s, b * s)
        assert (fit_s, fit_e, b_crit) == pytest.approx((s_min, e_min, critical_batch(e_min,
                                                                                    s_min)))

    def test_fit_refuses_runs_off_the_hyperbola(self):
        with pytest.raises(ValueError, match="at least 2 runs"):
            fit_tradeoff([100.0], [1e6])
        with pytest.raises(ValueError, match="do not trace"):
            fit_tradeoff([100.0, 200.0, 400.0], [1e6, 4e6, 1.6e7])


class TestDeepSeek:
    def test_constants_are_eq_1_2_and_4(self):
        law = DEEPSEEK_LLM
        assert (law.batch_coef, law.batch_exp, law.lr_coef, law.lr_exp) == (
            0.2920, 0.3271, 0.3118, -0.1250)
        assert (law.dense_coef, law.attention_coef) == (72.0, 12.0)
        assert (law.m_opt_coef, law.m_opt_exp, law.d_opt_coef, law.d_opt_exp) == (
            0.1715, 0.5243, 5.8316, 0.4757)
        assert law.fitted_flops == (1e17, 2e19)

    def test_seven_b_model_scale_and_budget(self):
        """FACTS §13.3: M = 4.23e10 FLOP/token, C = 8.5e22 FLOP on 2T tokens."""
        m = deepseek_flops_per_token(DEEPSEEK_7B.n_layers, DEEPSEEK_7B.d_model,
                                     DEEPSEEK_7B.seq_len)
        assert m == pytest.approx(4.23e10, rel=2e-3)
        assert m * DEEPSEEK_7B.n_tokens == pytest.approx(8.5e22, rel=0.01)  # "8.5e22", rounded

    def test_attention_coefficient_is_twelve_not_six(self):
        d = DEEPSEEK_7B
        twelve = deepseek_flops_per_token(d.n_layers, d.d_model, d.seq_len)
        six = deepseek_flops_per_token(d.n_layers, d.d_model, d.seq_len, attention_coef=6)
        assert twelve - six == pytest.approx(6 * d.n_layers * d.d_model * d.seq_len)
        assert twelve / six == pytest.approx(84 / 78)

    def test_seven_b_hyperparameters_reproduce_table_2(self):
        """B_opt ≈ 9.2M tokens ≈ 2252 sequences (Table 2: 2304) and η ≈ 4.25e-4 (4.2e-4): the
        batch law is in tokens, not sequences (2252 sequences would be 3.7e10 tokens)."""
        d = DEEPSEEK_7B
        c = deepseek_flops_per_token(d.n_layers, d.d_model, d.seq_len) * d.n_tokens
        assert deepseek_batch(c) == pytest.approx(9.2e6, rel=0.01)
        assert deepseek_batch(c) / d.seq_len == pytest.approx(d.batch_sequences, rel=0.03)
        assert deepseek_lr(c) == pytest.approx(4.25e-4, rel=0.01)
        assert deepseek_lr(c) == pytest.approx(d.peak_lr, rel=0.02)
        assert d.batch_tokens == 2304 * 4096

    def test_allocation_spends_the_budget(self):
        m, d = deepseek_optimal(np.array([1e20, 1e24]))
        np.testing.assert_allclose(m * d / np.array([1e20, 1e24]), 1.0, rtol=2e-4)

    def test_laws_scale_as_stated(self):
        assert deepseek_batch(1e22) / deepseek_batch(1e21) == pytest.approx(10**0.3271)
        assert deepseek_lr(1e21) / deepseek_lr(1e22) == pytest.approx(10**0.125)

    def test_refuses_pf_days_and_bad_shapes(self):
        with pytest.raises(ValueError, match="PF-days"):
            deepseek_batch(3640.0)
        with pytest.raises(ValueError, match="n_layers"):
            deepseek_flops_per_token(0, 4096, 4096)


def test_published_batches_are_the_printed_ones():
    """FACTS §2, §4, §9 and DeepSeek's Table 2 (2304 sequences of 4096 tokens)."""
    pb = batch.PUBLISHED_BATCHES
    assert pb["Chinchilla"].batch_tokens == (1.5e6, 3e6)
    assert pb["Gopher"].batch_tokens == (3e6, 6e6)
    assert pb["Llama 2 7B"].batch_tokens == (4e6,)
    assert pb["Llama 3.1 405B"].batch_tokens == (16e6,)
    assert pb["DeepSeek LLM 7B"].batch_tokens == (2304 * 4096,)
    assert all(b.cite.confidence == "READ" for b in pb.values())
