"""lessons.memory: bytes per parameter, ZeRO sharding, Korthikanti's activations, fewest devices.

Pinned to ZeRO's Figure 1 (Ψ = 7.5B, K = 12, N_d = 64: 120, 31.4, 16.6 and 1.9 GB per device)
and to Korthikanti et al.'s per-layer formulas; each test names the wrong answer it rejects.
"""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lessons.architecture import Architecture, MoE, param_counts
from lessons.hardware import get_accelerator
from lessons.memory import (
    KORTHIKANTI_BYTES,
    PRECISIONS,
    activation_bytes,
    activation_bytes_per_token_per_layer,
    fewest_devices,
    memory_per_device,
    model_state_bytes,
)

GPT3 = Architecture(vocab_size=50257, d_model=12288, n_layers=96, n_heads=96, d_ff=4 * 12288,
                    mlp="gelu", norm="layernorm", biases=True, tied_embeddings=True,
                    learned_positions=True, seq_len=2048)
LLAMA3_8B = Architecture(vocab_size=128256, d_model=4096, n_layers=32, n_heads=32, n_kv_heads=8,
                         d_ff=14336, seq_len=8192)


class TestModelStates:
    @pytest.mark.parametrize(("stage", "gb"), [(0, 120.0), (1, 31.4), (2, 16.6), (3, 1.9)])
    def test_zero_figure_1(self, stage, gb):
        """ZeRO Fig. 1: 7.5B parameters, mixed-precision Adam (K = 12), 64 devices. Sharding
        the wrong part (weights before gradients, say) gives other numbers."""
        m = memory_per_device(7.5e9, n_devices=64, zero_stage=stage)
        assert round(m.per_device / 1e9, 1) == gb
        assert m.activations == 0 and m.recompute is None

    def test_bytes_per_parameter(self):
        """16 for mixed-precision AdamW (2 + 2 + 12), not the 12 of the optimizer alone."""
        assert {k: p.bytes_per_param for k, p in PRECISIONS.items()} == {
            "mixed-adamw": 16, "fp32-adamw": 16, "bf16-adamw": 8, "mixed-adamw-8bit": 10}
        assert PRECISIONS["mixed-adamw"].optimizer_bytes == 12
        assert PRECISIONS["mixed-adamw"].cite.key == "rajbhandari2020"

    def test_model_parallel_splits_before_sharding(self):
        s = model_state_bytes(8e9, zero_stage=1, data_parallel=4, model_parallel=8)
        assert s == {"weights": 2e9, "gradients": 2e9, "optimizer": 12e9 / 4}

    def test_moe_memory_holds_every_expert(self):
        """Mixtral's states are 16 B × 46.7B, not × the 12.9B a token uses."""
        mixtral = Architecture(vocab_size=32000, d_model=4096, n_layers=32, n_heads=32,
                               n_kv_heads=8, d_ff=14336,
                               moe=MoE(n_experts=8, n_experts_active=2, d_ff_expert=14336))
        s = model_state_bytes(mixtral)
        assert sum(s.values()) == 16 * param_counts(mixtral).total == 16 * 46_702_792_704


class TestActivations:
    def test_korthikanti_per_layer(self):
        """s·b·h·(34 + 5·a·s/h) with nothing recomputed; 34·s·b·h selective; 2·s·b·h full;
        each divided by t under sequence parallelism."""
        s, h, a, b = 2048, 12288, 96, 2
        assert KORTHIKANTI_BYTES == {"linear": 34, "attention_scores": 5, "layer_input": 2}
        per_layer = {mode: activation_bytes(GPT3, micro_batch_size=b, recompute=mode) / 96
                     for mode in ("none", "selective", "full")}
        assert per_layer == {"none": s * b * h * (34 + 5 * a * s / h),
                             "selective": s * b * h * 34, "full": 2 * s * b * h}
        assert activation_bytes(GPT3, recompute="none", tensor_parallel=8) == pytest.approx(
            activation_bytes(GPT3, recompute="none") / 8)

    def test_attention_scores_grow_with_context(self):
        """Only the unrecomputed attention term grows with s per token: quadrupling s adds
        5·a·3s bytes per token per layer."""
        short = activation_bytes_per_token_per_layer(LLAMA3_8B, recompute="none", seq_len=2048)
        long = activation_bytes_per_token_per_layer(LLAMA3_8B, recompute="none", seq_len=8192)
        assert long - short == 5 * 32 * (8192 - 2048)
        selective = [activation_bytes_per_token_per_layer(LLAMA3_8B, seq_len=t)
                     for t in (2048, 8192)]
        assert selective == [34 * 4096, 34 * 4096]


class TestFewestDevices:
    def test_70b_on_h100(self):
        """70e9 × 16 bytes = 1,120 GB: 14 H100s of 80 GB with ZeRO-3, states only."""
        plan = fewest_devices(70e9, gpu="H100-SXM")
        assert (plan.n_devices, plan.fits) == (14, True)
        assert "activations not counted" in plan.note

    def test_unsharded_states_never_fit(self):
        plan = fewest_devices(70e9, zero_stage=0)
        assert plan.n_devices is None and not plan.fits
        assert "No number of H100-SXM holds it" in plan.note

    def test_with_activations_needs_more(self):
        states_only = fewest_devices(param_counts(LLAMA3_8B).total).n_devices
        with_acts = fewest_devices(LLAMA3_8B).n_devices      # 36.5 GB of activations at 8K
        assert (states_only, with_acts) == (2, 3)
        # Nothing recomputed, 4 sequences of 8K: 1.5 TB of activations, no device holds it.
        assert fewest_devices(LLAMA3_8B, micro_batch_size=4, recompute="none").n_devices is None

    def test_tensor_parallel_layout_counts_every_device(self):
        plan = fewest_devices(GPT3, tensor_parallel=8, pipeline_parallel=8)
        assert plan.n_devices % 64 == 0 and plan.fits

    @settings(max_examples=60, deadline=None)
    @given(n_params=st.floats(1e8, 2e12), stage=st.sampled_from([1, 2, 3]),
           gpu=st.sampled_from(["H100-SXM", "A100", "H200", "MI250", "TPU-v4"]),
           frac=st.floats(0.5, 1.0))
    def test_fewest_is_minimal(self, n_params, stage, gpu, frac):
        """The plan fits, and one data-parallel replica fewer would not."""
        plan = fewest_devices(n_params, gpu=gpu, zero_stage=stage, memory_fraction=frac)
        if plan.n_devices is None:
            assert stage < 3
            return
        assert plan.fits
        if plan.n_devices > 1:
            fewer = memory_per_device(n_params, n_devices=plan.n_devices - 1, gpu=gpu,
                                      zero_stage=stage, memory_fraction=frac)
            assert not fewer.fits
        assert plan.n_devices >= math.ceil(
            16 * n_params / get_accelerator(gpu).memory / frac) * (stage == 3)

    def test_more_sharding_never_needs_more_devices(self):
        n = [fewest_devices(10e9, zero_stage=s).n_devices for s in (1, 2, 3)]
        assert n == [3, 3, 2]


class TestBadInput:
    @pytest.mark.parametrize(("call", "match"), [
        (lambda: model_state_bytes(7e9, zero_stage=4), "zero_stage must be 0, 1, 2 or 3"),
        (lambda: model_state_bytes(7e9, zero_stage=True), "zero_stage must be"),
        (lambda: model_state_bytes(7e9, precision="fp64"), "unknown precision"),
        (lambda: model_state_bytes(7, precision="bf16-adamw"), "looks like a count in billions"),
        (lambda: memory_per_device(7e9, n_devices=10, tensor_parallel=4),
         "not a multiple of tensor_parallel"),
        (lambda: memory_per_device(GPT3, n_devices=8, pipeline_parallel=5), "does not divide"),
        (lambda: memory_per_device(7e9, n_devices=8, memory_fraction=90),
         "Write 90 % as 0.9"),
        (lambda: memory_per_device(7e9, n_devices=2.5), "whole number"),
        (lambda: fewest_devices(7e9, gpu="V100"), "no memory figure"),
        (lambda: activation_bytes(7e9), "Architecture"),
        (lambda: activation_bytes(GPT3, recompute="some"), "unknown recompute"),
    ])
    def test_messages(self, call, match):
        with pytest.raises(ValueError, match=match):
            call()
