"""The places popular texts go wrong (FACTS §11, and three traps of §13: Llama 3's rounded law,
DeepSeek's attention coefficient, Schaeffer et al.'s ">92%"), each checked against the package.

Every test names its item. Each asserts the correct statement and rejects the popular wrong one,
so a regression to the wrong number fails here by name.
"""

import math

import pytest

from lessons import (
    batch,
    chinchilla,
    flops,
    hardware,
    kaplan,
    mfu,
    models,
    mup,
    overtraining,
    returns,
)


def test_01_h100_bf16_dense_peak_is_989_not_1979():
    """§11.1, FACTS §7: 989.4 TFLOP/s dense BF16; 1,979 is the 2:4-sparsity (or dense FP8) figure."""
    assert hardware.peak_flops("H100-SXM", "bf16") == pytest.approx(989.4e12)
    assert hardware.peak_flops("H100-SXM", "fp8") == pytest.approx(1978.9e12)
    # Llama 3's 430 TFLOP/s per GPU is 43 % only against the dense peak (FACTS §4).
    assert mfu.flops_utilisation(430e12, hardware.peak_flops("H100-SXM")) == pytest.approx(0.435, abs=1e-3)
    assert mfu.flops_utilisation(430e12, 1979e12) < 0.25


def test_02_tokens_are_twenty_times_params_not_the_reverse():
    """§11.2: D ≈ 20·N (Chinchilla: 1.4T tokens for 70B parameters), not N ≈ 20·D."""
    run = models.get_run("Chinchilla")
    assert run.n_tokens / run.n_params == pytest.approx(20.0)
    n, d = chinchilla.twenty_tokens_per_param(5.76e23)
    assert d == pytest.approx(20 * n) and n < d


def test_03_chinchilla_loss_takes_raw_counts():
    """§11.3, FACTS §10: L(7e10, 1.4e12) ≈ 1.937 nats; "billions" give ≈ 151.6 and are refused."""
    assert chinchilla.loss(7e10, 1.4e12, "hoffmann2022") == pytest.approx(1.937, abs=5e-4)
    wrong = chinchilla.loss(70, 1400, "hoffmann2022", check_units=False)
    assert wrong == pytest.approx(151.6, abs=0.05)
    with pytest.raises(ValueError, match="billions"):
        chinchilla.loss(70, 1400, "hoffmann2022")


def test_04_kaplan_optimum_at_1e21_flop_is_billions_not_1e15():
    """§11.4, FACTS §1: 7.8e9 (C_min = C) or 4.68e9 (at B_crit) non-embedding parameters."""
    assert kaplan.optimal_params(1e21) == pytest.approx(7.77e9, rel=2e-3)
    assert kaplan.optimal_params(1e21, at_critical_batch=True) == pytest.approx(4.68e9, rel=2e-3)
    assert (1e21) ** 0.73 == pytest.approx(2.1e15, rel=0.02)  # the popular error, for contrast
    assert kaplan.optimal_params(1e21) < 1e11


def test_05_kaplan_counts_non_embedding_parameters():
    """§11.5, Kaplan Eq. 2.1: N ≈ 12·n_layer·d_model², embeddings excluded."""
    assert flops.kaplan_non_embedding_params(12, 768) == 12 * 12 * 768**2
    arch = models.ARCHITECTURES["Llama 3 8B"]
    assert flops.count_params(arch) == 8_030_261_248
    assert flops.count_params(arch, include_embeddings=False) < 8_030_261_248 - 1e9  # 2 × 525M embeddings


def test_06_published_constants_do_not_give_twenty_tokens_per_param():
    """§11.6, FACTS §10: ≈93 (rounded), ≈59 (TeX), ≈18 (2024 refit) tokens/param at 5.76e23 FLOP."""
    ratio = {name: (lambda n_d: n_d[1] / n_d[0])(chinchilla.compute_optimal(5.76e23, name))
             for name in chinchilla.FITS}
    assert ratio["hoffmann2022"] == pytest.approx(92.6, abs=0.1)
    assert ratio["hoffmann2022_tex"] == pytest.approx(58.9, abs=0.1)
    assert ratio["besiroglu2024"] == pytest.approx(18.4, abs=0.1)
    n_tex, _ = chinchilla.compute_optimal(5.76e23, "hoffmann2022_tex")
    assert n_tex == pytest.approx(40.4e9, rel=0.005)  # the paper's "40B" at Gopher's budget


def test_07_approach_3_interval_is_implausibly_narrow():
    """§11.7, Hoffmann Table 2: a ∈ (0.454, 0.455) while the refit's a = 0.513 lies far outside."""
    approach3 = chinchilla.APPROACH_EXPONENTS["3. parametric loss fit"]
    low, high = approach3.a_range
    assert high - low == pytest.approx(0.001)
    assert not low <= chinchilla.BESIROGLU_2024.a <= high
    assert chinchilla.BESIROGLU_2024.a == pytest.approx(0.513, abs=1e-3)


def test_08_kaplan_exponents_and_ten_x_multipliers():
    """§11.8, FACTS §1: N ∝ C^0.73, D ∝ C^0.27; 10× compute gives N ×5.37, D ×1.86."""
    n_mult, d_mult = kaplan.allocation_multipliers(10.0)
    assert n_mult == pytest.approx(5.37, abs=0.01)
    assert d_mult == pytest.approx(1.86, abs=0.01)
    kaplan_row = chinchilla.APPROACH_EXPONENTS["Kaplan et al. (2020)"]
    assert (kaplan_row.a, kaplan_row.b) == (0.73, 0.27)
    assert kaplan.alpha_c_min_from_exponents() == pytest.approx(0.052, abs=5e-4)


def test_09_llama3_law_predicts_tokens_and_needs_unrounded_constants():
    """§11.9, FACTS §4: 0.299·C^0.537 ≈ 1.63e13 tokens at 3.8e25 (16.55T quoted); rounded gives 1.05e13."""
    assert chinchilla.LLAMA3_TOKEN_LAW.tokens(3.8e25) == pytest.approx(16.55e12, rel=0.02)
    assert chinchilla.LLAMA3_TOKEN_LAW_ROUNDED.tokens(3.8e25) == pytest.approx(1.05e13, rel=0.01)
    # Read as parameters it would be a 16-trillion-parameter model, not the 402B of the paper.
    assert chinchilla.LLAMA3_TOKEN_LAW.tokens(3.8e25) > 30 * 402e9


def test_10_llama31_405b_budget():
    """§11.10, FACTS §4: 3.8e25 FLOP, 15.6T tokens, up to 16K H100, MFU 38–43 %."""
    run = models.get_run("Llama 3.1 405B")
    assert (run.flops, run.n_tokens, run.n_devices) == (3.8e25, 15.6e12, 16384)
    assert run.mfu == (0.38, 0.43)
    # FACTS gives 6ND = 3.79e25 with N = 405e9; the exact 405,853,388,800 gives 3.80e25.
    assert flops.training_flops(run.n_params, run.n_tokens) == pytest.approx(3.80e25, rel=1e-3)


def test_11_mfu_is_palms_definition():
    """§11.11, FACTS §6: PaLM 46.2 % with attention, 45.7 % without; MT-NLG 30.2 %."""
    palm = mfu.PALM_TABLE_3["PaLM 540B"]
    peak = hardware.peak_flops(palm.hardware)
    with_attention = mfu.mfu(palm.tokens_per_second, palm.n_params, palm.n_devices, peak,
                             palm.n_layers, palm.n_heads, palm.head_dim, palm.seq_len)
    without = mfu.mfu(palm.tokens_per_second, palm.n_params, palm.n_devices, peak)
    assert with_attention == pytest.approx(0.462, abs=5e-4)
    assert without == pytest.approx(0.457, abs=5e-4)


def test_12_six_n_per_training_token_two_n_per_inference_token():
    """§11.12: 6N per training token, 2N per inference token; Sardana's 13B/2T example saves ≈16 %."""
    assert flops.training_flops(1e9, 1.0e6) == 3 * flops.inference_flops(1e9, 1.0e6)
    tex = overtraining.lifetime_savings(13e9, 2e12, "hoffmann2022_tex")
    assert tex.optimal_n_params == pytest.approx(7.1e9, rel=0.01)
    assert 1 - tex.optimal_flops / tex.flops == pytest.approx(0.163, abs=0.002)


def test_13_deepseek_v3_denominators_and_cost():
    """§11.13, FACTS §9: 671B total / 37B active; 14.8T tokens; 2.788M H800-h; $5.576M at $2/h."""
    run = models.get_run("DeepSeek-V3")
    assert run.n_tokens / run.n_params == pytest.approx(22.1, abs=0.1)
    assert run.n_tokens / run.n_params_active == pytest.approx(400, abs=0.5)
    assert run.device_hours * models.DEEPSEEK_V3_PRICE_PER_HOUR == pytest.approx(5.576e6)


def test_14_mistral_token_count_was_never_disclosed():
    """§11.14: Mistral 7B's training tokens are unknown; Llama 2 is 2.0T for every size."""
    assert models.get_run("Mistral 7B").n_tokens is None
    assert {models.get_run(f"Llama 2 {s}").n_tokens for s in ("7B", "13B", "70B")} == {2.0e12}


def test_15_mup_adam_rules():
    """§11.15, FACTS §8: hidden LR ∝ 1/fan_in; output init var 1/fan_in², LR 1/fan_in; attention 1/d."""
    p = mup.MUP
    assert (p.hidden.adam_lr.fan_in_power, p.output.adam_lr.fan_in_power) == (-1, -1)
    assert p.output.init_var.fan_in_power == -2            # SP keeps 1/fan_in
    assert mup.SP.output.init_var.fan_in_power == -1
    assert p.input.adam_lr.fan_in_power == 0               # width-independent
    assert mup.attention_scale(64, "mup") == pytest.approx(1 / 64)
    assert mup.attention_scale(64, "sp") == pytest.approx(1 / math.sqrt(64))
    assert (mup.GPT3_TRANSFER.proxy_n_params, mup.GPT3_TRANSFER.tuning_cost_fraction) == (4e7, 0.07)


def test_table_3_rows_are_twenty_ish_tokens_per_param_and_6nd():
    """FACTS §2 Table 3 (derived): D/N 20.0–21.6 on every row; 6ND within 5 % of the printed FLOPs."""
    for row in chinchilla.TABLE_3:
        assert 19.9 <= row.n_tokens / row.n_params <= 22.5
        assert flops.training_flops(row.n_params, row.n_tokens) / row.flops == pytest.approx(1.0, abs=0.05)


def test_16_llama3_rounded_law_gives_10_5t_tokens_not_16_55t():
    """FACTS §13.12: 0.29·C^0.53 gives 1.05e13 tokens (N = C/6D ≈ 605B) at 3.8e25, not the
    16.55T the paper states; the legend's 0.299, 0.537 give 1.63e13 (N ≈ 389B); 6·402B·16.55T
    = 3.99e25. Rejects quoting the rounded law for 16.55T."""
    stated = overtraining.LLAMA3_REPORTED
    assert (stated.flops, stated.n_params, stated.n_tokens) == (3.8e25, 402e9, 16.55e12)
    assert stated.cite.key == "llama3"
    rounded = chinchilla.LLAMA3_TOKEN_LAW_ROUNDED.tokens(stated.flops)
    legend = chinchilla.LLAMA3_TOKEN_LAW.tokens(stated.flops)
    assert rounded == pytest.approx(10.5e12, rel=5e-3)
    assert legend == pytest.approx(16.3e12, rel=5e-3)
    assert abs(rounded / stated.n_tokens - 1) > 0.3 and abs(legend / stated.n_tokens - 1) < 0.02
    ratios = overtraining.law_tokens_per_param(stated.flops)
    assert rounded / ratios["Llama 3 (text: 0.29, 0.53)"] == pytest.approx(6.05e11, rel=5e-3)
    assert legend / ratios["Llama 3 (legend: 0.299, 0.537)"] == pytest.approx(3.89e11, rel=5e-3)
    assert flops.training_flops(stated.n_params, stated.n_tokens) == pytest.approx(3.99e25,
                                                                                   rel=2e-3)
    assert stated.flops ** (0.537 - 0.53) == pytest.approx(1.51, abs=5e-3)
    # Item 9: read as parameters the law's number is some forty times the paper's 402B.
    assert round(legend / stated.n_params) == 41


def test_17_deepseek_attention_coefficient_is_12_not_6():
    """FACTS §13.3, Eq. 2: M = 72·n_layer·d² + 12·n_layer·d·l_seq; for 7B M = 4.23e10 and
    B_opt ≈ 9.2M tokens (Table 2: 2304 × 4096 = 9.44M). With 6, M is 7.1 % too small."""
    law, ds7b = batch.DEEPSEEK_LLM, batch.DEEPSEEK_7B
    assert (law.dense_coef, law.attention_coef) == (72.0, 12.0)
    shape = (ds7b.n_layers, ds7b.d_model, ds7b.seq_len)
    m12 = batch.deepseek_flops_per_token(*shape)
    m6 = batch.deepseek_flops_per_token(*shape, attention_coef=6)
    assert m12 == 72 * 30 * 4096**2 + 12 * 30 * 4096 * 4096 == pytest.approx(4.228e10, rel=1e-3)
    assert 1 - m6 / m12 == pytest.approx(0.071, abs=5e-4)
    b12 = batch.deepseek_batch(m12 * ds7b.n_tokens)
    b6 = batch.deepseek_batch(m6 * ds7b.n_tokens)
    assert b12 == pytest.approx(9.22e6, rel=2e-3) and ds7b.batch_tokens == 2304 * 4096
    assert abs(b12 - ds7b.batch_tokens) < abs(b6 - ds7b.batch_tokens)


def test_18_schaeffer_two_metrics_account_for_more_than_92_percent():
    """FACTS §13.7, §4: ">92%" of claimed emergent abilities rest on 2 of 39 metrics (Multiple
    Choice Grade, Exact String Match); at most 5/39 by emergence score, 4/39 by hand. Rejects
    "92 %" stated as a measured share: the text must say "more than"."""
    count = returns.SCHAEFFER_2023_COUNT
    assert (count.n_metrics, count.by_score_at_most, count.by_hand) == (39, 5, 4)
    assert count.share_above == 0.92 and len(count.dominant) == 2
    assert [name.split(" (")[0] for name in count.dominant] == [
        "Multiple Choice Grade", "Exact String Match"]
    assert "more than 92%" in str(count) and "2 of 39 metrics (5% of them)" in str(count)
    assert count.cite.key == "schaeffer2023" and ">92%" in count.cite.where
