"""Tests for lessons.flops: 6ND and 2ND, PF-days, parameter counts, the fuller FLOP counts
(Kaplan Table 1, PaLM, Chinchilla App. F) and the conversion to device-hours."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lessons import flops
from lessons.architecture import MoE, param_counts
from lessons.flops import (
    CHINCHILLA_TABLE_A4,
    CHINCHILLA_TABLE_A9,
    CITES,
    PF_DAY,
    Architecture,
    attention_flops_share,
    chinchilla_flops,
    chinchilla_flops_ratio,
    chinchilla_params,
    count_params,
    flops_per_token_chinchilla,
    flops_per_token_kaplan,
    flops_per_token_palm,
    from_pf_days,
    gpu_hours,
    inference_flops,
    kaplan_non_embedding_params,
    to_pf_days,
    training_flops,
    wall_clock_days,
)
from lessons.hardware import ACCELERATORS, peak_flops
from lessons.sources import REFERENCES

LLAMA3_8B = Architecture(vocab_size=128256, d_model=4096, n_layers=32, n_heads=32, n_kv_heads=8,
                         d_ff=14336, seq_len=8192, name="Llama 3 8B")
MISTRAL_7B = Architecture(vocab_size=32000, d_model=4096, n_layers=32, n_heads=32, n_kv_heads=8,
                          d_ff=14336, seq_len=4096, name="Mistral 7B")
GPT3_175B = Architecture(vocab_size=50257, d_model=12288, n_layers=96, n_heads=96, d_ff=4 * 12288,
                         mlp="gelu", norm="layernorm", biases=True, tied_embeddings=True,
                         learned_positions=True, seq_len=2048, name="GPT-3 175B")

counts = st.floats(min_value=1e6, max_value=1e13)
tokens = st.floats(min_value=1e6, max_value=1e14)
fractions = st.floats(min_value=0.01, max_value=1.0)


class TestTrainingFlops:
    def test_llama3_8b(self):
        """FACTS §10: 6 × 8.03e9 × 15e12 = 7.23e23 FLOP (7.2e23 with N = 8e9)."""
        assert training_flops(8.03e9, 15e12) == pytest.approx(7.227e23)
        assert f"{training_flops(8.03e9, 15e12):.3g}" == "7.23e+23"
        assert training_flops(8e9, 15e12) == pytest.approx(7.2e23)

    def test_gpt3(self):
        """FACTS §9/§10, GPT-3 Table D.1: 6 × 174.6e9 × 300e9 = 3.143e23 FLOP."""
        assert training_flops(174.6e9, 300e9) == pytest.approx(3.1428e23)

    def test_chinchilla_and_gopher(self):
        """FACTS §2: 6ND = 5.88e23 for Chinchilla, 5.04e23 for Gopher."""
        assert training_flops(70e9, 1.4e12) == pytest.approx(5.88e23)
        assert training_flops(280e9, 300e9) == pytest.approx(5.04e23)

    def test_deepseek_v3_active(self):
        """FACTS §10: 6 × 37e9 × 14.8e12 = 3.29e24 on active parameters."""
        assert training_flops(37e9, 14.8e12) == pytest.approx(3.29e24, rel=2e-3)

    def test_inference_is_a_third_of_training(self):
        """2N per inference token vs 6N per training token (FACTS §11.12)."""
        assert inference_flops(13e9, 2e12) == pytest.approx(5.2e22)
        assert training_flops(13e9, 2e12) == pytest.approx(3 * inference_flops(13e9, 2e12))

    def test_arrays_in_arrays_out(self):
        out = training_flops(np.array([8e9, 70e9]), 15e12)
        assert isinstance(out, np.ndarray)
        np.testing.assert_allclose(out, [7.2e23, 6.3e24])
        assert isinstance(training_flops(8e9, 15e12), float)

    @settings(max_examples=60, deadline=None)
    @given(counts, tokens, st.floats(min_value=1.01, max_value=100.0))
    def test_linear_in_n_and_d(self, n, d, k):
        """6ND is linear in each argument (rejects e.g. N^0.9 or 6N + D)."""
        base = training_flops(n, d)
        assert training_flops(k * n, d) == pytest.approx(k * base, rel=1e-12)
        assert training_flops(n, k * d) == pytest.approx(k * base, rel=1e-12)
        assert base == pytest.approx(6 * n * d, rel=1e-12)

    def test_billions_refused(self):
        """Passing 8 (billions) instead of 8e9 is a unit mistake, not a tiny model."""
        with pytest.raises(ValueError, match="billions"):
            training_flops(8, 15e12)
        with pytest.raises(ValueError, match="n_tokens"):
            inference_flops(8e9, 15)

    @pytest.mark.parametrize("bad", [-8e9, 0.0, math.nan, math.inf])
    def test_bad_values_refused(self, bad):
        with pytest.raises(ValueError, match="n_params"):
            training_flops(bad, 15e12)

    def test_mismatched_shapes_refused(self):
        with pytest.raises(ValueError, match="shapes do not match"):
            training_flops(np.ones(3) * 1e9, np.ones(2) * 1e12)


class TestPFDays:
    def test_pf_day_value(self):
        """Kaplan §1.3 / FACTS §1: 1 PF-day = 10^15 × 24 × 3600 = 8.64e19 FLOP."""
        assert PF_DAY == 1e15 * 24 * 3600 == 8.64e19
        assert CITES["PF_DAY"].reference is REFERENCES["kaplan2020"]

    def test_gpt3_pf_days(self):
        """FACTS §10: GPT-3 3.143e23 FLOP = 3,637 PF-days (Table D.1: 3.64e3)."""
        pf = to_pf_days(training_flops(174.6e9, 300e9))
        assert pf == pytest.approx(3637.5, abs=0.1)
        assert round(pf, -1) == 3640

    def test_from_pf_days(self):
        assert from_pf_days(3.64e3) == pytest.approx(3.14e23, rel=2e-3)

    def test_pf_days_passed_as_flops_refused(self):
        """FACTS §11: do not mix PF-days and FLOPs; 3,640 "FLOP" is refused."""
        with pytest.raises(ValueError, match="PF_DAY"):
            to_pf_days(3640)

    @settings(max_examples=50, deadline=None)
    @given(st.floats(min_value=1e-3, max_value=1e9))
    def test_round_trip(self, pf):
        assert to_pf_days(from_pf_days(pf)) == pytest.approx(pf, rel=1e-12)

    @pytest.mark.parametrize("bad", [-1.0, 0.0, math.nan, math.inf])
    def test_bad_pf_days(self, bad):
        with pytest.raises(ValueError, match="pf_days"):
            from_pf_days(bad)


class TestCountParams:
    def test_llama3_8b_exact(self):
        """FACTS §9: Llama 3 8B has 8,030,261,248 parameters (from its architecture)."""
        assert count_params(LLAMA3_8B) == 8_030_261_248
        assert isinstance(count_params(LLAMA3_8B), int)

    def test_llama3_8b_wrong_conventions_rejected(self):
        """Tied embeddings or full multi-head K/V give other numbers, not 8.03e9."""
        tied = Architecture(**{**_fields(LLAMA3_8B), "tied_embeddings": True})
        mha = Architecture(**{**_fields(LLAMA3_8B), "n_kv_heads": 32})
        assert count_params(LLAMA3_8B) - count_params(tied) == 128256 * 4096
        assert count_params(mha) - count_params(LLAMA3_8B) == 32 * 2 * 4096 * (4096 - 1024)

    def test_llama3_8b_non_embedding(self):
        """Kaplan-style count drops the two 128256 × 4096 matrices (untied)."""
        assert count_params(LLAMA3_8B, include_embeddings=False) == (
            8_030_261_248 - 2 * 128256 * 4096)

    def test_mistral_7b(self):
        """FACTS §9 shape (dim 4096, 32 layers, 32 heads, 8 KV heads, ffn 14336, vocab 32000),
        untied embeddings assumed: 7.24e9 [DERIVED]; the announcement's "7.3B" is not this count."""
        assert count_params(MISTRAL_7B) == 7_241_732_096
        assert count_params(MISTRAL_7B) != pytest.approx(7.3e9, rel=5e-3)

    def test_gpt3_full_count_matches_table_d1(self):
        """FACTS §9: GPT-3 has 174.6B parameters (Table D.1). GELU, LayerNorm, biases, tied
        embeddings and learned positions give 174.60e9."""
        assert count_params(GPT3_175B) == pytest.approx(174.6e9, rel=1e-3)

    def test_kaplan_eq_2_1(self):
        """Kaplan Eq. 2.1: N = 2 d_model n_layer (2 d_attn + d_ff) = 12 n_layer d_model²."""
        assert kaplan_non_embedding_params(96, 12288) == 12 * 96 * 12288**2
        assert kaplan_non_embedding_params(2, 10, d_attn=5, d_ff=7) == 2 * 10 * 2 * (2 * 5 + 7)
        # Eq. 2.1 drops biases and norms: within 0.01 % of the exact non-embedding count
        exact = count_params(GPT3_175B, include_embeddings=False)
        assert kaplan_non_embedding_params(96, 12288) == pytest.approx(exact, rel=1e-4)

    def test_swiglu_vs_gelu(self):
        gelu = Architecture(**{**_fields(LLAMA3_8B), "mlp": "gelu"})
        assert count_params(LLAMA3_8B) - count_params(gelu) == 32 * 4096 * 14336

    def test_layernorm_and_biases(self):
        base = Architecture(vocab_size=1000, d_model=64, n_layers=2, n_heads=4, d_ff=256,
                            mlp="gelu", norm="none")
        ln = Architecture(**{**_fields(base), "norm": "layernorm"})
        bias = Architecture(**{**_fields(base), "biases": True})
        assert count_params(ln) - count_params(base) == (2 * 2 + 1) * 2 * 64
        # per layer: q, k, v, o biases (4 × 64) and MLP biases (256 + 64)
        assert count_params(bias) - count_params(base) == 2 * (4 * 64 + 256 + 64)

    @pytest.mark.parametrize(
        ("changes", "match"),
        [
            ({"n_kv_heads": 5}, "multiple of n_kv_heads"),
            ({"d_model": 4100, "head_dim": None}, "not divisible by n_heads"),
            ({"mlp": "relu"}, "unknown mlp"),
            ({"norm": "batchnorm"}, "unknown norm"),
            ({"n_layers": -32}, "positive integer"),
            ({"d_ff": 14336.5}, "positive integer"),
            ({"head_dim": 0}, "positive integer"),
        ],
    )
    def test_bad_architecture(self, changes, match):
        with pytest.raises(ValueError, match=match):
            Architecture(**{**_fields(LLAMA3_8B), **changes})

    def test_not_an_architecture(self):
        with pytest.raises(ValueError, match="Architecture"):
            count_params({"d_model": 4096})


def _fields(arch):
    keys = ("vocab_size", "d_model", "n_layers", "n_heads", "d_ff", "n_kv_heads", "head_dim",
            "mlp", "tied_embeddings", "norm", "biases", "seq_len", "learned_positions")
    return {k: getattr(arch, k) for k in keys}


class TestKaplanAndPalmPerToken:
    def test_kaplan_table_1(self):
        """Kaplan Table 1: forward 2N + 2 n_layer n_ctx d_attn; training = 3 × forward."""
        n = kaplan_non_embedding_params(12, 768)
        fwd = flops_per_token_kaplan(n, 12, 1024, 768, kind="forward")
        assert fwd == 2 * n + 2 * 12 * 1024 * 768
        assert flops_per_token_kaplan(n, 12, 1024, 768) == pytest.approx(3 * fwd)

    def test_kaplan_context_term_small_when_wide(self):
        """Kaplan §2.1: the context term is negligible while d_model ≫ n_ctx/12."""
        n = kaplan_non_embedding_params(96, 12288)
        ratio = flops_per_token_kaplan(n, 96, 2048, 12288) / (6 * n)
        assert 1 < ratio < 1.02

    def test_kaplan_unknown_kind(self):
        with pytest.raises(ValueError, match="unknown kind"):
            flops_per_token_kaplan(1e9, 12, 1024, 768, kind="backward")

    def test_palm_per_token(self):
        """FACTS §6: PaLM 540B, N = 540.35e9, L = 118, H = 48, Q = 256, T = 2048:
        3.278e12 FLOP per token."""
        assert flops_per_token_palm(540.35e9, 118, 48, 256, 2048) == pytest.approx(3.278e12,
                                                                                 rel=1e-4)

    def test_palm_total_compute(self):
        """FACTS §9: PaLM's 780B tokens × (6N + 12LHQT) = 2.557e24 (secondary: 2.56e24)."""
        total = flops_per_token_palm(540.35e9, 118, 48, 256, 2048) * 780e9
        assert total == pytest.approx(2.557e24, rel=1e-3)

    def test_palm_attention_is_twice_kaplan(self):
        """12LHQT (PaLM) = 2 × 6 n_layer n_ctx d_attn (Kaplan training) with d_attn = HQ."""
        palm_attn = flops_per_token_palm(1e9, 24, 16, 128, 4096) - 6e9
        kaplan_attn = flops_per_token_kaplan(1e9, 24, 4096, 16 * 128) - 6e9
        assert palm_attn == pytest.approx(2 * kaplan_attn)

    def test_attention_share_llama3_405b(self):
        """FACTS §10: 12LHQT is 7.7 % of 6N + 12LHQT for Llama 3 405B at T = 8,192."""
        assert attention_flops_share(405e9, 126, 128, 16384 // 128, 8192) == pytest.approx(
            0.077, abs=5e-4)

    def test_attention_share_palm(self):
        """FACTS §10: 1.1 % for PaLM at T = 2,048."""
        assert attention_flops_share(540.35e9, 118, 48, 256, 2048) == pytest.approx(0.011,
                                                                                   abs=5e-4)

    @settings(max_examples=40, deadline=None)
    @given(st.floats(min_value=1e8, max_value=1e12), st.integers(256, 131072))
    def test_share_grows_with_context(self, n, t):
        a = attention_flops_share(n, 32, 32, 128, t)
        b = attention_flops_share(n, 32, 32, 128, 2 * t)
        assert 0 < a < b < 1

    def test_palm_bad_input(self):
        with pytest.raises(ValueError, match="n_params"):
            flops_per_token_palm(540, 118, 48, 256, 2048)
        with pytest.raises(ValueError, match="seq_len"):
            flops_per_token_palm(540e9, 118, 48, 256, -2048)
        with pytest.raises(ValueError, match="shapes do not match"):
            flops_per_token_palm(540e9, [118, 96], 48, 256, [2048, 2048, 2048])


class TestArchitectureForms:
    """The FLOP functions take an Architecture, or a count with the shape by keyword."""

    def test_palm_from_an_architecture_equals_the_explicit_form(self):
        explicit = flops_per_token_palm(count_params(LLAMA3_8B), n_layers=32, n_heads=32,
                                        head_dim=128, seq_len=8192)
        assert flops_per_token_palm(LLAMA3_8B) == pytest.approx(explicit, rel=1e-15)
        assert flops_per_token_palm(LLAMA3_8B, seq_len=2048) == pytest.approx(
            flops_per_token_palm(count_params(LLAMA3_8B), n_layers=32, n_heads=32, head_dim=128,
                                 seq_len=2048), rel=1e-15)

    def test_old_positional_form_still_works(self):
        """Chapters and notebooks written before the keywords keep their results."""
        assert flops_per_token_palm(540.35e9, 118, 48, 256, 2048) == flops_per_token_palm(
            540.35e9, n_layers=118, n_heads=48, head_dim=256, seq_len=2048)
        assert attention_flops_share(540.35e9, 118, 48, 256, 2048) == attention_flops_share(
            540.35e9, n_layers=118, n_heads=48, head_dim=256, seq_len=2048)

    @pytest.mark.parametrize("bad", [
        lambda: flops_per_token_palm(LLAMA3_8B, n_layers=32),
        lambda: flops_per_token_palm(8e9, 32, n_layers=32),
        lambda: flops_per_token_palm(8e9, 32, 32, 128, 8192, 1),
        lambda: attention_flops_share(8e9, n_layers=32, n_heads=32),
        lambda: flops_per_token_kaplan(LLAMA3_8B, 32),
        lambda: flops_per_token_kaplan(8e9, n_layers=32),
        lambda: flops_per_token_chinchilla(8e9),
    ])
    def test_mixed_or_partial_shapes_are_refused(self, bad):
        with pytest.raises(ValueError):
            bad()

    def test_moe_flops_come_from_active_parameters(self):
        """Mixtral's 6N term uses the 12.9B active parameters, not the 46.7B it stores."""
        mixtral = Architecture(vocab_size=32000, d_model=4096, n_layers=32, n_heads=32,
                               n_kv_heads=8, d_ff=14336, seq_len=4096,
                               moe=MoE(n_experts=8, n_experts_active=2, d_ff_expert=14336))
        six_n = flops_per_token_palm(mixtral) - 12 * 32 * 32 * 128 * 4096
        assert six_n == pytest.approx(6 * 12_879_925_248)

    def test_kaplan_from_an_architecture(self):
        """Kaplan's N is the non-embedding count and d_attn = H·Q."""
        got = flops_per_token_kaplan(LLAMA3_8B, kind="forward")
        n = count_params(LLAMA3_8B, include_embeddings=False)
        assert got == pytest.approx(2 * n + 2 * 32 * 8192 * 4096)
        assert flops_per_token_palm(LLAMA3_8B) - 6 * count_params(LLAMA3_8B) == pytest.approx(
            2 * (3 * got - 6 * n))   # PaLM's attention term is twice Kaplan's

    def test_attention_is_t_over_6d_of_6n(self):
        """The training_flops note: with N = 12·L·d² and HQ = d, attention is T/(6d) of 6N, so
        at T = 6d it is half the total. (Kaplan's d ≫ n_ctx/12 would put that point at 12d.)"""
        n_layers, d = 24, 2048
        n = 12 * n_layers * d**2
        share = attention_flops_share(n, n_layers=n_layers, n_heads=16, head_dim=d // 16,
                                      seq_len=6 * d)
        assert share == pytest.approx(0.5)

    def test_hf_non_embedding_is_not_kaplans(self):
        """Hugging Face keeps Llama 3 8B's untied output projection in its "non-embedding"
        count (7.50B); Kaplan's excludes it (6.98B)."""
        c = param_counts(LLAMA3_8B)
        assert (c.non_embedding, c.hf_non_embedding) == (6_979_588_096, 7_504_924_672)


class TestChinchillaAppF:
    @pytest.mark.parametrize("shape", CHINCHILLA_TABLE_A4, ids=lambda s: s.label)
    def test_table_a4_ratio(self, shape):
        """Hoffmann et al. Table A4: ratio of their FLOP count to 6ND, to 2 decimals."""
        r = chinchilla_flops_ratio(shape.n_layers, shape.d_model, shape.ffw_size, shape.n_heads,
                                   shape.kv_size, include_embeddings=False)
        assert round(r, 2) == shape.ratio

    def test_one_default_for_embeddings(self):
        """Every FLOP function counts embeddings unless told not to (the ratio used to default
        to False while chinchilla_flops defaulted to True)."""
        import inspect

        for func in (chinchilla_flops, chinchilla_flops_ratio, flops_per_token_chinchilla):
            default = inspect.signature(func).parameters["include_embeddings"].default
            assert default is True, func.__name__

    def test_printed_formula_does_not_reproduce_a4(self):
        """App. F as printed (embedding and logit terms in) gives 1.58 for the 73M model,
        not 1.03: the reconstruction needs them out."""
        s = CHINCHILLA_TABLE_A4[0]
        full = chinchilla_flops_ratio(s.n_layers, s.d_model, s.ffw_size, s.n_heads, s.kv_size,
                                      include_embeddings=True)
        assert full == pytest.approx(1.58, abs=0.01)

    def test_label_n_does_not_reproduce_a4(self):
        """With N = the 1.1B label instead of the counted N, the 1.1B row gives 1.09, not 1.04."""
        s = CHINCHILLA_TABLE_A4[3]
        per_token = chinchilla_flops(s.n_layers, s.d_model, s.ffw_size, s.n_heads, s.kv_size,
                                     include_embeddings=False)
        assert round(per_token / (6 * 1.1e9), 2) == 1.09

    def test_table_a9_claim(self):
        """chinchilla_params against all 50 rows of Table A9: within 0.81 %, 23 rows to the 1M
        rounding and 27 not (the docstring's claim; 'all to their 1M rounding' was wrong)."""
        assert len(CHINCHILLA_TABLE_A9) == 50
        listed = np.array([float(s.label[:-1]) * 1e6 for s in CHINCHILLA_TABLE_A9])
        counted = np.array([chinchilla_params(s.n_layers, s.d_model, s.ffw_size, s.n_heads,
                                              s.kv_size) for s in CHINCHILLA_TABLE_A9])
        gap = counted - listed
        assert int(np.sum(np.abs(gap) > 0.5e6)) == 27
        assert np.max(np.abs(gap) / listed) == pytest.approx(0.00802, abs=2e-5)   # the 44M row
        assert np.max(np.abs(gap)) == pytest.approx(2.27e6, abs=0.01e6)           # the 11,452M row
        assert CITES["table_a9"].confidence == "SECONDARY"

    @pytest.mark.parametrize(("shape_index", "table_a9_millions"),
                             [(0, 74), (1, 306), (2, 552), (3, 1143), (4, 1593), (5, 6796)])
    def test_params_match_table_a9(self, shape_index, table_a9_millions):
        """Table A9 lists these shapes at 74M, 306M, 552M, 1,143M, 1,593M and 6,796M: matched to
        the table's 1M rounding, and to 0.03 % for the 6.8B (6,794M counted)."""
        s = CHINCHILLA_TABLE_A4[shape_index]
        n = chinchilla_params(s.n_layers, s.d_model, s.ffw_size, s.n_heads, s.kv_size)
        assert n / 1e6 == pytest.approx(table_a9_millions, rel=5e-4, abs=1.0)

    def test_forward_terms_by_hand(self):
        """App. F terms for a tiny model, and backward = 2 × forward."""
        L, d, f, h, kv, s, v = 2, 8, 32, 2, 4, 16, 100
        a = h * kv
        attn = 2 * 3 * s * d * a + 2 * s * s * a + 3 * h * s * s + 2 * s * s * a + 2 * s * a * d
        fwd = 2 * s * v * d + L * (attn + 2 * s * (2 * d * f)) + 2 * s * d * v
        got = chinchilla_flops(L, d, f, h, kv, s, v, per="sequence")
        assert got == 3 * fwd
        assert chinchilla_flops(L, d, f, h, kv, s, v) == pytest.approx(3 * fwd / s)

    def test_per_sequence_is_seq_len_times_per_token(self):
        args = (24, 1280, 5120, 10, 128)
        assert chinchilla_flops(*args, per="sequence") == pytest.approx(
            2048 * chinchilla_flops(*args))

    @pytest.mark.parametrize("shape", CHINCHILLA_TABLE_A4, ids=lambda s: s.label)
    @pytest.mark.parametrize("include_embeddings", [True, False])
    def test_app_f_on_an_architecture_is_app_f(self, shape, include_embeddings):
        """The Architecture form of App. F equals the paper-notation one on App. F's own
        models (MHA, two-matrix MLP); a dropped term or a wrong factor breaks this."""
        arch = Architecture(vocab_size=32000, d_model=shape.d_model, n_layers=shape.n_layers,
                            n_heads=shape.n_heads, head_dim=shape.kv_size, d_ff=shape.ffw_size,
                            mlp="gelu", norm="layernorm", biases=True)   # norms, biases: no FLOPs
        got = flops_per_token_chinchilla(arch, include_embeddings=include_embeddings)
        want = chinchilla_flops(shape.n_layers, shape.d_model, shape.ffw_size, shape.n_heads,
                                shape.kv_size, include_embeddings=include_embeddings)
        assert got == pytest.approx(want, rel=1e-12)

    def test_app_f_charges_a_token_for_its_experts_only(self):
        """Mixtral: doubling the experts a token skips leaves its FLOPs unchanged; doubling
        top-k adds 2 × 3 × 3·d·d_ff per layer for the extra experts' matrices."""
        base = Architecture(vocab_size=32000, d_model=4096, n_layers=32, n_heads=32,
                            n_kv_heads=8, d_ff=14336, seq_len=4096,
                            moe=MoE(n_experts=8, n_experts_active=2, d_ff_expert=14336))
        wider = base.replace(moe=MoE(n_experts=16, n_experts_active=2, d_ff_expert=14336))
        deeper = base.replace(moe=MoE(n_experts=8, n_experts_active=4, d_ff_expert=14336))
        # A 16-expert router is twice as wide: 2 × 3 × 8·d more per layer, nothing else.
        assert flops_per_token_chinchilla(wider) - flops_per_token_chinchilla(base) == (
            pytest.approx(32 * 6 * 8 * 4096))
        assert flops_per_token_chinchilla(deeper) - flops_per_token_chinchilla(base) == (
            pytest.approx(32 * 6 * 2 * 3 * 4096 * 14336))

    def test_bad_per(self):
        with pytest.raises(ValueError, match="unknown per"):
            chinchilla_flops(10, 640, 2560, 10, 64, per="batch")

    def test_cite(self):
        assert CITES["chinchilla_app_f"].reference is REFERENCES["hoffmann2022"]


class TestGpuHours:
    def test_llama3_8b_h100_hours(self):
        """FACTS §10: 7.23e23 / (0.40 × 989.4e12 × 3600) ≈ 5.07e5 H100-hours (505,357 at
        N = 8e9)."""
        assert gpu_hours(training_flops(8.03e9, 15e12)) == pytest.approx(5.07e5, rel=2e-3)
        assert round(gpu_hours(training_flops(8e9, 15e12))) == 505357

    def test_sparse_peak_would_halve_it(self):
        """FACTS §10/§11.1: the sparse 1,979 TFLOP/s figure wrongly gives ≈ 2.5e5 hours."""
        c = training_flops(8e9, 15e12)
        wrong = c / (0.4 * ACCELERATORS["H100-SXM"].sparse_2to4_peak_flops["bf16"] * 3600)
        assert wrong == pytest.approx(2.53e5, rel=5e-3)
        assert gpu_hours(c) == pytest.approx(2 * wrong, rel=1e-3)
        assert gpu_hours(c) != pytest.approx(wrong, rel=0.1)

    def test_card_reality_check(self):
        """FACTS §10: the card's 1.3M H100-hours for Llama 3 8B imply 15.6 % of peak."""
        c = training_flops(8.03e9, 15e12)
        assert c / (1.3e6 * 3600) / peak_flops("H100-SXM") == pytest.approx(0.156, abs=1e-3)

    @settings(max_examples=50, deadline=None)
    @given(st.floats(min_value=1e18, max_value=1e27), fractions, fractions)
    def test_inverse_in_mfu(self, c, u1, u2):
        """GPU-hours ∝ 1/MFU: halving MFU doubles the hours."""
        assert gpu_hours(c, mfu=u1) * u1 == pytest.approx(gpu_hours(c, mfu=u2) * u2, rel=1e-12)

    @settings(max_examples=50, deadline=None)
    @given(st.floats(min_value=1e18, max_value=1e26), st.floats(min_value=1.5, max_value=1e3))
    def test_linear_in_flops(self, c, k):
        assert gpu_hours(k * c) == pytest.approx(k * gpu_hours(c), rel=1e-12)

    def test_other_devices_and_dtypes(self):
        c = 1e24
        assert gpu_hours(c, gpu="A100") == pytest.approx(c / (0.4 * 312e12 * 3600))
        assert gpu_hours(c, dtype="fp8") == pytest.approx(gpu_hours(c) * 989.4 / 1978.9)

    def test_arrays(self):
        out = gpu_hours(np.array([1e23, 1e24]), mfu=np.array([0.4, 0.5]))
        assert isinstance(out, np.ndarray) and out.shape == (2,)

    def test_mfu_as_percent_refused(self):
        with pytest.raises(ValueError, match=r"Write 40 % as 0\.4"):
            gpu_hours(7.2e23, mfu=40)

    @pytest.mark.parametrize("bad", [0.0, -0.4, math.nan, math.inf, 1.5])
    def test_bad_mfu(self, bad):
        with pytest.raises(ValueError, match="mfu"):
            gpu_hours(7.2e23, mfu=bad)

    @pytest.mark.parametrize("bad", [-1e23, 0.0, math.nan, math.inf])
    def test_bad_flops(self, bad):
        with pytest.raises(ValueError, match="flops"):
            gpu_hours(bad)

    def test_unknown_gpu_and_dtype(self):
        with pytest.raises(ValueError, match="unknown gpu"):
            gpu_hours(1e24, gpu="H900")
        with pytest.raises(ValueError, match="V100 has no bf16"):
            gpu_hours(1e24, gpu="V100")


class TestWallClockDays:
    def test_consistent_with_gpu_hours(self):
        c = 3.8e25
        assert wall_clock_days(c, 16384) == pytest.approx(gpu_hours(c) / 16384 / 24)

    @settings(max_examples=40, deadline=None)
    @given(st.floats(min_value=1e20, max_value=1e26), st.integers(1, 100_000))
    def test_inverse_in_devices(self, c, n):
        assert wall_clock_days(c, n) * n == pytest.approx(wall_clock_days(c, 1), rel=1e-12)

    @pytest.mark.parametrize("bad", [0, -8, math.nan])
    def test_bad_devices(self, bad):
        with pytest.raises(ValueError, match="n_devices"):
            wall_clock_days(1e24, bad)


def test_all_declared():
    for name in flops.__all__:
        assert hasattr(flops, name)
