"""Tests of lessons.models: every stored figure pinned to the course fact sheet (FACTS §9, §4, §6,
§7), and the derived checks of FACTS §10 recomputed with lessons.flops and lessons.hardware."""

import dataclasses

import pytest

from lessons import flops, hardware, models
from lessons.models import (
    AMD_LLAMA_135M_SETUP,
    ARCHITECTURES,
    DEEPSEEK_V3_HOURS,
    DEEPSEEK_V3_PRICE_PER_HOUR,
    LLAMA3_8B_PARAMS,
    MODELS,
    Run,
    get_run,
)
from lessons.sources import REFERENCES, Cite


def run(name):
    return MODELS[name]


# (name, n_params, n_tokens, flops, source named in FACTS)
PINNED = [
    ("GPT-3", 174.6e9, 300e9, 3.14e23),          # FACTS §9: Table D.1
    ("Gopher", 280e9, 300e9, 5.76e23),           # FACTS §2/§9: Chinchilla Table 1, Fig. 2
    ("Chinchilla", 70e9, 1.4e12, 5.76e23),       # FACTS §2: Table 1; same budget as Gopher
    ("Jurassic", 178e9, 300e9, None),            # FACTS §2: Chinchilla Table 1
    ("MT-NLG", 530e9, 270e9, None),              # FACTS §2: Chinchilla Table 1
    ("LaMDA", 137e9, 168e9, None),               # FACTS §2: Chinchilla Table 1
    ("PaLM", 540e9, 780e9, 2.56e24),             # FACTS §9: tokens READ, FLOP SECONDARY
    ("Llama 2 7B", 7e9, 2.0e12, None),           # FACTS §9: Llama 2 MODEL_CARD.md
    ("Llama 2 13B", 13e9, 2.0e12, None),
    ("Llama 2 70B", 70e9, 2.0e12, None),
    ("Llama 3 8B", 8_030_261_248, 15e12, None),  # FACTS §9: Llama 3 card "15T+"; N DERIVED
    # Exact counts from the released shapes (tests/test_architecture.py has their sources).
    ("Llama 3 70B", 70_553_706_496, 15e12, None),
    ("Llama 3.1 8B", 8_030_261_248, 15e12, None),  # FACTS §4: Llama 3.1 card "15T+"
    ("Llama 3.1 70B", 70_553_706_496, 15e12, None),
    ("Llama 3.1 405B", 405_853_388_800, 15.6e12, 3.8e25),  # FACTS §4/§9: paper; not "15T"
    ("Mistral 7B", 7_241_732_096, None, None),   # FACTS §9: tokens never disclosed
    ("DeepSeek-V3", 671e9, 14.8e12, None),       # FACTS §9: README + paper §1/Table 1
    ("AMD-Llama-135M", 134_105_856, 670e9, None),  # AMD blog + model card config
]


class TestPinnedFigures:
    @pytest.mark.parametrize(("name", "n_params", "n_tokens", "flops"), PINNED)
    def test_size_tokens_compute(self, name, n_params, n_tokens, flops):
        r = run(name)
        assert (r.n_params, r.n_tokens, r.flops) == (n_params, n_tokens, flops)

    def test_facts_9_model_list_is_present(self):
        assert {p[0] for p in PINNED} <= set(MODELS)

    @pytest.mark.parametrize(("name", "hours"), [
        ("Llama 2 7B", 184_320), ("Llama 2 13B", 368_640), ("Llama 2 70B", 1_720_320),  # §9
        ("Llama 3 8B", 1.3e6), ("Llama 3 70B", 6.4e6),                                 # §4, §9
        ("Llama 3.1 8B", 1.46e6), ("Llama 3.1 70B", 7.0e6), ("Llama 3.1 405B", 30.84e6),  # §4
        ("DeepSeek-V3", 2.788e6),                                                       # §9
    ])
    def test_device_hours(self, name, hours):
        """FACTS §4/§9: model-card GPU-hours (Llama 2: A100-80GB; Llama 3/3.1: H100-80GB)."""
        assert run(name).device_hours == hours

    def test_llama2_total_hours(self):
        """FACTS §9: the Llama 2 card's 3.3M A100-hour total is more than 7B + 13B + 70B: it also
        covers a size that is not in this registry, so do not quote 3.3M for the three models."""
        total = sum(run(f"Llama 2 {s}").device_hours for s in ("7B", "13B", "70B"))
        assert total < 3.3e6 and round(total / 1e6, 2) == 2.27

    def test_llama3_card_totals(self):
        """FACTS §4: Llama 3 card total 7.7M; Llama 3.1 card total 39.3M H100 hours."""
        assert run("Llama 3 8B").device_hours + run("Llama 3 70B").device_hours == \
            pytest.approx(7.7e6)
        total31 = sum(run(f"Llama 3.1 {s}").device_hours for s in ("8B", "70B", "405B"))
        assert round(total31 / 1e6, 1) == 39.3

    def test_llama2_tokens_inconsistency_documented(self):
        """FACTS §9/§12: the Llama 2 card says 2.0T, the Llama 3 paper says 1.8T: teach 2.0T."""
        r = run("Llama 2 7B")
        assert r.n_tokens == 2.0e12 and r.n_tokens != 1.8e12
        assert "1.8T" in r.notes

    def test_llama31_405b_hardware_and_mfu_range(self):
        """FACTS §4: up to 16K H100 (16,384 in Table 4); BF16 MFU 38–43 %, kept as a range."""
        r = run("Llama 3.1 405B")
        assert (r.hardware, r.n_devices) == ("H100-SXM", 16_384)
        assert r.mfu == (0.38, 0.43) and r.mfu_range == (0.38, 0.43)
        assert r.n_tokens != 15e12  # FACTS §11.10

    def test_palm(self):
        """FACTS §6/§9: 6144 TPU v4, MFU 46.2 % (READ); 2.56e24 FLOP only SECONDARY."""
        r = run("PaLM")
        assert (r.hardware, r.n_devices, r.mfu) == ("TPU-v4", 6144, 0.462)
        assert any(c.confidence == "SECONDARY" and "2.56e24" in c.where for c in r.other_cites)

    @pytest.mark.parametrize(("name", "mfu", "devices"), [
        ("GPT-3", 0.213, None), ("Gopher", 0.325, 4096), ("MT-NLG", 0.302, 2240),
    ])
    def test_palm_table_3_mfu(self, name, mfu, devices):
        """FACTS §6: PaLM Table 3 MFU with self-attention (MT-NLG 30.2 %, not 29.7 %)."""
        r = run(name)
        assert (r.mfu, r.n_devices) == (mfu, devices)
        assert any(c.key == "palm" for c in r.other_cites)

    def test_gopher_app_f_figure_documented(self):
        """FACTS §2: 5.76e23 as quoted; App. F's fuller count is 6.3e23."""
        r = run("Gopher")
        assert r.flops == 5.76e23
        assert "6.3e23" in r.notes and any("6.3e23" in c.where for c in r.other_cites)

    def test_mistral_tokens_never_disclosed(self):
        """FACTS §9/§11.14: Mistral 7B's token count was never disclosed: None, not a number."""
        r = run("Mistral 7B")
        assert r.n_tokens is None and r.flops is None
        assert "never disclosed" in r.notes
        assert any(c.confidence == "SECONDARY" for c in r.other_cites)  # 7.3B: announcement

    def test_deepseek_v3(self):
        """FACTS §9/§11.13: 671B total / 37B active, 14.8T tokens, 2048 H800, 2.788M hours."""
        r = run("DeepSeek-V3")
        assert (r.n_params, r.n_params_active) == (671e9, 37e9)
        assert r.n_params_active < r.n_params
        assert (r.hardware, r.n_devices) == ("H800", 2048)

    def test_deepseek_hours_breakdown(self):
        """FACTS §9: 2.788M = 2.664M pre-training + 119K context extension + 5K post-training."""
        assert DEEPSEEK_V3_HOURS == {"pre-training": 2.664e6, "context extension": 119e3,
                                     "post-training": 5e3}
        assert sum(DEEPSEEK_V3_HOURS.values()) == pytest.approx(run("DeepSeek-V3").device_hours)

    def test_deepseek_cost(self):
        """FACTS §7/§9: $5.576M at an assumed $2 per H800-hour, excluding research/ablations."""
        cost = run("DeepSeek-V3").device_hours * DEEPSEEK_V3_PRICE_PER_HOUR
        assert cost == pytest.approx(5.576e6)
        assert "excludes prior research and ablations" in run("DeepSeek-V3").notes

    def test_only_moe_has_active_params(self):
        assert [r.name for r in MODELS.values() if r.n_params_active] == ["DeepSeek-V3"]

    def test_amd_llama_135m(self):
        """AMD blog: 670B tokens, six days, four MI250 nodes of four MI250 (model card copies)."""
        r = run("AMD-Llama-135M")
        assert AMD_LLAMA_135M_SETUP == {"nodes": 4, "mi250_per_node": 4, "days": 6}
        assert (r.hardware, r.n_devices) == ("MI250", 16)
        assert r.device_hours == 16 * 6 * 24
        assert r.n_params < 135e6 < r.n_params * 1.01  # the card's "135M" is a rounding


class TestDerivedChecks:
    """FACTS §9/§10: derived numbers recomputed, never stored."""

    def test_gpt3_6nd(self):
        """FACTS §10: 6 × 174.6e9 × 300e9 = 3.143e23 FLOP = 3,637 PF-days (Table D.1: 3.64e3)."""
        r = run("GPT-3")
        c = flops.training_flops(r.n_params, r.n_tokens)
        assert c == pytest.approx(3.143e23, rel=1e-3)
        assert c == pytest.approx(r.flops, rel=2e-3)
        assert round(flops.to_pf_days(c)) == 3637
        assert flops.to_pf_days(r.flops) == pytest.approx(3.64e3, rel=2e-3)

    @pytest.mark.parametrize(("name", "six_nd"), [
        ("Chinchilla", 5.88e23), ("Gopher", 5.04e23),      # FACTS §2
        ("Llama 3.1 405B", 3.80e25),   # FACTS §4 gives 3.79e25 with N = 405e9, 3.80e25 exact
    ])
    def test_6nd(self, name, six_nd):
        r = run(name)
        assert flops.training_flops(r.n_params, r.n_tokens) == pytest.approx(six_nd, rel=2e-3)

    def test_deepseek_active_6nd_throughput(self):
        """FACTS §10: 6 × 37e9 × 14.8e12 = 3.29e24; over 2.664M H800-hours, 343 TFLOP/s per GPU."""
        r = run("DeepSeek-V3")
        c = flops.training_flops(r.n_params_active, r.n_tokens)
        assert c == pytest.approx(3.29e24, rel=2e-3)
        per_gpu = c / (DEEPSEEK_V3_HOURS["pre-training"] * 3600)
        assert per_gpu == pytest.approx(343e12, rel=2e-3)

    @pytest.mark.parametrize(("size", "tflops", "frac"), [("7B", 127, 0.41), ("70B", 136, 0.43)])
    def test_llama2_implied_utilisation(self, size, tflops, frac):
        """FACTS §10: 6ND at 2T tokens over the card's A100-hours: 127 / 136 TFLOP/s, 41 % / 43 %
        of the dense 312 TFLOP/s BF16 peak."""
        r = run(f"Llama 2 {size}")
        per_gpu = flops.training_flops(r.n_params, r.n_tokens) / (r.device_hours * 3600)
        assert round(per_gpu / 1e12) == tflops
        assert round(per_gpu / hardware.peak_flops(r.hardware, "bf16"), 2) == frac

    def test_llama3_8b_card_hours_vs_ideal(self):
        """FACTS §10: 1.3M card hours imply 154 TFLOP/s of 6ND work, 15.6 % of 989.4 (dense)."""
        r = run("Llama 3 8B")
        per_gpu = flops.training_flops(r.n_params, r.n_tokens) / (r.device_hours * 3600)
        assert round(per_gpu / 1e12) == 154
        assert per_gpu / hardware.peak_flops("H100-SXM", "bf16") == pytest.approx(0.156, abs=1e-3)

    def test_llama31_405b_card_hours(self):
        """FACTS §4: 3.79e25 / (30.84M h × 3600 s) = 341 TFLOP/s, 34.5 % of 989.4; with the
        exact 405,853,388,800 parameters, 342 TFLOP/s."""
        r = run("Llama 3.1 405B")
        per_gpu = flops.training_flops(r.n_params, r.n_tokens) / (r.device_hours * 3600)
        assert round(per_gpu / 1e12) == 342
        assert per_gpu / hardware.peak_flops(r.hardware, "bf16") == pytest.approx(0.346, abs=1e-3)

    @pytest.mark.parametrize(("name", "ratio", "tol"), [
        ("GPT-3", 1.7, 0.05), ("Gopher", 1.1, 0.05), ("PaLM", 1.4, 0.05),
        ("Chinchilla", 20, 0.5), ("Llama 2 7B", 286, 0.5), ("Llama 2 70B", 29, 0.5),
        ("Llama 3 8B", 1868, 0.5), ("Llama 3 70B", 212.6, 0.05), ("Llama 3.1 405B", 38.44, 0.005),
        ("DeepSeek-V3", 22, 0.5),
    ])
    def test_tokens_per_param(self, name, ratio, tol):
        """FACTS §9 D/N table, with the exact counts where the registry has them (Llama 3 8B:
        1,875 with N = 8e9, 1,868 exact; 70B: 214 with 70e9, 212.6 exact; 405B: 38.5, 38.44)."""
        r = run(name)
        assert r.n_tokens / r.n_params == pytest.approx(ratio, abs=tol)

    def test_llama3_8b_parameter_count(self):
        """FACTS §9 [DERIVED]: Llama 3 8B has 8,030,261,248 parameters (card: "8B", §9: 8.03B)."""
        assert flops.count_params(ARCHITECTURES["Llama 3 8B"]) == 8_030_261_248
        assert LLAMA3_8B_PARAMS == 8_030_261_248
        assert round(LLAMA3_8B_PARAMS / 1e9, 2) == 8.03

    def test_amd_135m_parameter_count(self):
        """AMD card config (12 × 768, FFN 2048, vocab 32000, untied): 134,105,856 parameters,
        the same count third-party tallies of the released safetensors report; tied embeddings
        would give 24.6M fewer, below the card's "135M"."""
        arch = ARCHITECTURES["AMD-Llama-135M"]
        assert run("AMD-Llama-135M").n_params == flops.count_params(arch) == 134_105_856
        tied = dataclasses.replace(arch, tied_embeddings=True)
        assert flops.count_params(tied) < 1.1e8

    def test_mistral_secondary_size_vs_table_1(self):
        """FACTS §9: Mistral's paper says "7-billion-parameter", the announcement 7.3B
        [SECONDARY]; the registry stores Table 1's shape counted, 7,241,732,096, within 1 % of
        7.3B and equal to the released checkpoint's total."""
        assert run("Mistral 7B").n_params == 7_241_732_096
        assert run("Mistral 7B").n_params == pytest.approx(7.3e9, rel=0.01)

    @pytest.mark.parametrize(("name", "exact"), [
        ("Llama 3 70B", 70_553_706_496), ("Llama 3.1 70B", 70_553_706_496),
        ("Llama 3.1 405B", 405_853_388_800), ("Llama 3 8B", 8_030_261_248),
        ("Llama 3.1 8B", 8_030_261_248),
    ])
    def test_exact_counts_where_the_shape_is_public(self, name, exact):
        """Not "70e9": the 70B is 0.8 % more than its name."""
        assert run(name).n_params == exact
        assert isinstance(run(name).n_params, int)

    @pytest.mark.parametrize(("name", "shape", "active"), [
        ("Llama 2 7B", "Llama 2 7B", None), ("Llama 2 13B", "Llama 2 13B", None),
        ("Llama 2 70B", "Llama 2 70B", None), ("DeepSeek-V3", "DeepSeek-V3", True),
    ])
    def test_headline_sizes_stay_tied_to_the_exact_counts(self, name, shape, active):
        """Runs that still store a headline size: within 4 % of the count from the shape (Llama
        2 7B's "7B" is 3.9 % above its 6.74e9), and the notes give that count."""
        from lessons.architecture import param_counts

        r, counts = run(name), param_counts(ARCHITECTURES[shape])
        assert r.n_params == pytest.approx(counts.total, rel=0.04)
        assert f"{counts.total:,}" in r.notes
        if active:   # DeepSeek's own convention: without the input embedding
            assert r.n_params_active == pytest.approx(counts.active_without_input_embedding,
                                                      rel=0.02)
            assert f"{counts.active_without_input_embedding:,}" in r.notes

    def test_deepseek_active_ratio(self):
        """FACTS §9/§11: 400 tokens per *active* parameter: always state the denominator."""
        r = run("DeepSeek-V3")
        assert r.n_tokens / r.n_params_active == pytest.approx(400, abs=0.5)


class TestRegistry:
    def test_keys_are_names(self):
        assert all(k == r.name for k, r in MODELS.items())

    def test_every_hardware_key_is_in_the_accelerator_table(self):
        missing = {r.name: r.hardware for r in MODELS.values()
                   if r.hardware is not None and r.hardware not in hardware.ACCELERATORS}
        assert not missing, f"unknown accelerator keys: {missing}"

    def test_cites_are_known_references(self):
        for r in MODELS.values():
            for c in (r.cite, *r.other_cites):
                assert isinstance(c, Cite) and c.key in REFERENCES

    def test_derived_parameter_counts_are_tagged(self):
        assert any(c.confidence == "DERIVED" for c in run("Llama 3 8B").other_cites)
        assert run("Llama 3 8B").n_params == LLAMA3_8B_PARAMS == run("Llama 3.1 8B").n_params

    def test_get_run(self):
        assert get_run("llama 3 8b") is run("Llama 3 8B")
        with pytest.raises(ValueError, match=r"accepted: .*'Chinchilla'"):
            get_run("GPT-4")

    def test_frozen(self):
        with pytest.raises(dataclasses.FrozenInstanceError):
            run("GPT-3").n_params = 1.0

    def test_public_names(self):
        for name in models.__all__:
            assert hasattr(models, name)


def _run(**kw):
    base = dict(name="x", n_params=7e9, n_params_active=None, n_tokens=1e12, flops=None,
                hardware=None, n_devices=None, device_hours=None, mfu=None,
                cite=Cite("llama2", "test"))
    base.update(kw)
    return Run(**base)


class TestRunValidation:
    def test_valid(self):
        assert _run().mfu_range is None
        assert _run(mfu=0.4).mfu_range == (0.4, 0.4)

    @pytest.mark.parametrize("kw", [
        {"n_params": 7},                   # billions
        {"n_tokens": 2000},                # billions
        {"mfu": 46.2},                     # percent
        {"mfu": (0.43, 0.38)},             # reversed range
        {"mfu": (0.38, 43)},
        {"n_params_active": 8e9},          # active >= total
        {"n_devices": -1},
        {"flops": 3.64e3},                 # PF-days, not FLOP
        {"cite": "llama2"},
        {"hardware": "H100"},              # not a key: SXM or PCIe?
        {"hardware": "h100-sxm"},          # keys are exact
    ])
    def test_invalid(self, kw):
        with pytest.raises(ValueError):
            _run(**kw)
