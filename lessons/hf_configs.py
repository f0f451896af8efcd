"""Reading a Hugging Face ``config.json`` into the fields of :class:`lessons.architecture.Architecture`.

Each supported family has one small reader that says which key sets which field, and what
the family leaves implicit (Gemma's gated GELU and tied embeddings, Qwen2's biases on q, k and
v only, OLMo's halved ``mlp_hidden_size``, GPT-2's learned positions). A reader returns plain
keyword arguments; :meth:`lessons.architecture.Architecture.from_hf_config` builds the object,
so this module needs nothing above the input checks.

Keys that do not change a parameter count (dropout, RoPE settings, token ids) are ignored. Keys
that would change it in a way the package cannot count are refused with a ``ValueError`` that
names them, rather than giving a wrong count.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from os import PathLike
from pathlib import Path

__all__ = ["FAMILIES", "read_config", "architecture_kwargs"]


def read_config(config: Mapping | str | PathLike) -> dict:
    """The config as a dict: ``config`` itself, or the JSON file (or folder's ``config.json``)."""
    if isinstance(config, Mapping):
        return dict(config)
    if not isinstance(config, (str, PathLike)):
        raise ValueError("config must be a dict or the path of a config.json (or of its folder); "
                         f"got {type(config).__name__}.")
    path = Path(config)
    if path.is_dir():
        path = path / "config.json"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValueError(f"no file at {str(path)!r}: pass the path of a model's config.json, or "
                         "of the folder that holds it.") from None
    except OSError as err:
        raise ValueError(f"cannot read {str(path)!r}: {err.strerror}.") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise ValueError(f"{str(path)!r} is not valid JSON (line {err.lineno}: {err.msg}); "
                         "pass a Hugging Face config.json.") from None
    if not isinstance(data, dict):
        raise ValueError(f"{str(path)!r} holds a JSON {type(data).__name__}, not an object; "
                         "pass a Hugging Face config.json.")
    return data


class _Keys:
    """Typed look-ups in one config, with errors that name the family and the key."""

    def __init__(self, cfg: Mapping, family: str) -> None:
        self.cfg, self.family = cfg, family

    def int(self, key: str, default=...):
        value = self.cfg.get(key, default)
        if value is ...:
            raise ValueError(f"this {self.family} config.json has no {key!r}; pass the model's "
                             "complete config.json.")
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise ValueError(f"{key!r} in this {self.family} config.json must be a positive "
                             f"integer; got {value!r}.")
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self.cfg.get(key, default)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise ValueError(f"{key!r} in this {self.family} config.json must be true or false; "
                             f"got {value!r}.")
        return value


def _refuse(cfg: Mapping, family: str, **bad) -> None:
    """Refuse keys whose effect on the count this package does not model."""
    for key, is_bad in bad.items():
        if key in cfg and is_bad(cfg[key]):
            raise ValueError(f"{key}={cfg[key]!r} in this {family} config.json changes the "
                             "parameter count in a way lessons.architecture does not count; "
                             "build the Architecture by hand.")


def _decoder(k: _Keys, *, tied_default: bool) -> dict:
    """The keys every Llama-like family shares (hidden_size, num_hidden_layers, ...)."""
    n_heads = k.int("num_attention_heads")
    return {
        "vocab_size": k.int("vocab_size"),
        "d_model": k.int("hidden_size"),
        "n_layers": k.int("num_hidden_layers"),
        "n_heads": n_heads,
        "n_kv_heads": k.int("num_key_value_heads", n_heads),
        "d_ff": k.int("intermediate_size"),
        "head_dim": k.int("head_dim", None),
        "tied_embeddings": k.flag("tie_word_embeddings", tied_default),
        "seq_len": k.int("max_position_embeddings"),
    }


def _llama(cfg: Mapping) -> dict:
    """Llama and Mistral: RMSNorm, SwiGLU, untied unless the config says so."""
    k = _Keys(cfg, cfg.get("model_type", "llama"))
    kw = _decoder(k, tied_default=False)
    attention_bias, mlp_bias = k.flag("attention_bias", False), k.flag("mlp_bias", False)
    if attention_bias != mlp_bias:
        raise ValueError("attention_bias and mlp_bias differ in this config.json; "
                         "lessons.architecture counts biases on all linear layers or none.")
    kw["biases"] = attention_bias
    return kw


def _mixtral(cfg: Mapping) -> dict:
    """Mixtral: Mistral's block with a sparse MLP of ``num_local_experts`` experts, top-k."""
    kw = _llama(cfg)
    k = _Keys(cfg, "mixtral")
    kw["moe"] = {"n_experts": k.int("num_local_experts"),
                 "n_experts_active": k.int("num_experts_per_tok"),
                 "d_ff_expert": kw["d_ff"]}
    return kw


def _qwen2(cfg: Mapping) -> dict:
    """Qwen2 and Qwen2.5: biases on the q, k and v projections only."""
    k = _Keys(cfg, "qwen2")
    kw = _decoder(k, tied_default=False)
    kw["qkv_bias"] = True
    return kw


def _gemma(cfg: Mapping) -> dict:
    """Gemma: gated GELU (three matrices), head_dim set apart from the width, tied embeddings."""
    k = _Keys(cfg, "gemma")
    kw = _decoder(k, tied_default=True)
    kw["head_dim"] = k.int("head_dim")
    kw["mlp"] = "geglu"
    if k.flag("attention_bias", False):
        raise ValueError("attention_bias is true in this gemma config.json; "
                         "lessons.architecture counts Gemma without biases.")
    return kw


def _olmo(cfg: Mapping) -> dict:
    """OLMo: the original format (``d_model``, ``mlp_hidden_size``) or the Transformers one."""
    if "d_model" not in cfg:  # OlmoForCausalLM: Llama keys, a layer norm without parameters
        kw = _llama(cfg)
        kw["norm"] = "none"
        return kw
    k = _Keys(cfg, "olmo")
    _refuse(cfg, "olmo", attention_layer_norm=bool, alibi=bool,
            block_type=lambda v: v != "sequential")
    d, n_heads = k.int("d_model"), k.int("n_heads")
    hidden = k.int("mlp_hidden_size", None) or k.int("mlp_ratio") * d
    activation = cfg.get("activation_type", "swiglu")
    if activation not in ("swiglu", "gelu"):
        raise ValueError(f"activation_type={activation!r} in this olmo config.json is not "
                         "counted; lessons.architecture knows 'swiglu' and 'gelu'.")
    # The fused up-projection holds both halves of the SwiGLU: each matrix is half as wide.
    d_ff = hidden // 2 if activation == "swiglu" else hidden
    if k.flag("layer_norm_with_affine", True):
        norm = "layernorm" if k.flag("bias_for_layer_norm", False) else "rmsnorm"
    else:
        norm = "none"
    n_kv = 1 if k.flag("multi_query_attention", False) else k.int("n_kv_heads", n_heads)
    return {
        "vocab_size": k.int("embedding_size", None) or k.int("vocab_size"),
        "d_model": d, "n_layers": k.int("n_layers"), "n_heads": n_heads, "n_kv_heads": n_kv,
        "d_ff": d_ff, "mlp": activation, "norm": norm,
        "tied_embeddings": k.flag("weight_tying", True),
        "biases": k.flag("include_bias", False),
        "seq_len": k.int("max_sequence_length"),
    }


def _gpt2(cfg: Mapping) -> dict:
    """GPT-2: LayerNorm, GELU MLP of 4·d unless ``n_inner``, biases, learned positions, tied."""
    k = _Keys(cfg, "gpt2")
    d = k.int("n_embd")
    n_positions = k.int("n_positions")
    return {
        "vocab_size": k.int("vocab_size"), "d_model": d, "n_layers": k.int("n_layer"),
        "n_heads": k.int("n_head"), "d_ff": k.int("n_inner", None) or 4 * d, "mlp": "gelu",
        "norm": "layernorm", "biases": True, "learned_positions": True,
        "n_positions": n_positions, "seq_len": k.int("n_ctx", n_positions) or n_positions,
        "tied_embeddings": k.flag("tie_word_embeddings", True),
    }


def _gpt_neox(cfg: Mapping) -> dict:
    """GPT-NeoX and Pythia: LayerNorm, GELU, biases, untied input and output embeddings.

    The parallel residual changes how the block is wired, not its parameters: both layer norms
    exist either way.
    """
    k = _Keys(cfg, "gpt_neox")
    return {
        "vocab_size": k.int("vocab_size"), "d_model": k.int("hidden_size"),
        "n_layers": k.int("num_hidden_layers"), "n_heads": k.int("num_attention_heads"),
        "d_ff": k.int("intermediate_size"), "mlp": "gelu", "norm": "layernorm",
        "biases": k.flag("attention_bias", True),
        "tied_embeddings": k.flag("tie_word_embeddings", False),
        "seq_len": k.int("max_position_embeddings"),
    }


def _deepseek_v3(cfg: Mapping) -> dict:
    """DeepSeek-V3: multi-head latent attention, shared and routed experts, dense first layers.

    The multi-token-prediction module (``num_nextn_predict_layers``) is not counted: the
    published 671B is the main model without it (README_WEIGHTS.md).
    """
    k = _Keys(cfg, "deepseek_v3")
    _refuse(cfg, "deepseek_v3", moe_layer_freq=lambda v: v != 1, attention_bias=bool)
    n_heads = k.int("num_attention_heads")
    return {
        "vocab_size": k.int("vocab_size"), "d_model": k.int("hidden_size"),
        "n_layers": k.int("num_hidden_layers"), "n_heads": n_heads, "n_kv_heads": n_heads,
        "d_ff": k.int("intermediate_size"), "head_dim": k.int("qk_nope_head_dim"),
        "tied_embeddings": k.flag("tie_word_embeddings", False),
        "seq_len": k.int("max_position_embeddings"),
        "mla": {"q_lora_rank": k.int("q_lora_rank", None), "kv_lora_rank": k.int("kv_lora_rank"),
                "rope_head_dim": k.int("qk_rope_head_dim"), "v_head_dim": k.int("v_head_dim")},
        "moe": {"n_experts": k.int("n_routed_experts"),
                "n_experts_active": k.int("num_experts_per_tok"),
                "d_ff_expert": k.int("moe_intermediate_size"),
                "n_shared_experts": k.int("n_shared_experts", None) or 0,
                "n_dense_layers": cfg.get("first_k_dense_replace", 0),
                # "noaux_tc" routing keeps one learned bias per expert (e_score_correction_bias).
                "router_bias": cfg.get("topk_method") == "noaux_tc"},
    }


#: The families :meth:`Architecture.from_hf_config` reads, by ``model_type``.
FAMILIES: dict[str, Callable[[Mapping], dict]] = {
    "llama": _llama, "mistral": _llama, "mixtral": _mixtral, "qwen2": _qwen2, "gemma": _gemma,
    "olmo": _olmo, "gpt2": _gpt2, "gpt_neox": _gpt_neox, "deepseek_v3": _deepseek_v3,
}

# Older configs name the class but not the model_type.
_BY_CLASS = {
    "LlamaForCausalLM": "llama", "MistralForCausalLM": "mistral",
    "MixtralForCausalLM": "mixtral", "Qwen2ForCausalLM": "qwen2",
    "GemmaForCausalLM": "gemma", "OLMoForCausalLM": "olmo", "OlmoForCausalLM": "olmo",
    "GPT2LMHeadModel": "gpt2", "GPTNeoXForCausalLM": "gpt_neox",
    "DeepseekV3ForCausalLM": "deepseek_v3",
}


def architecture_kwargs(cfg: Mapping) -> tuple[str, dict]:
    """The family of a config and the Architecture keyword arguments it implies.

    Examples
    --------
    >>> family, kw = architecture_kwargs({"model_type": "gpt2", "n_embd": 768, "n_layer": 12,
    ...                                   "n_head": 12, "n_positions": 1024, "vocab_size": 50257})
    >>> family, kw["d_ff"], kw["tied_embeddings"]
    ('gpt2', 3072, True)
    >>> architecture_kwargs({"model_type": "bert"})
    Traceback (most recent call last):
    ...
    ValueError: model_type 'bert' is not one lessons.architecture reads; it reads: 'deepseek_v3', 'gemma', 'gpt2', 'gpt_neox', 'llama', 'mistral', 'mixtral', 'olmo', 'qwen2'. Build an Architecture(...) by hand for other families.
    """
    family = cfg.get("model_type")
    if family is None:
        classes = cfg.get("architectures") or []
        family = next((_BY_CLASS[c] for c in classes if c in _BY_CLASS), None)
    if family not in FAMILIES:
        accepted = ", ".join(repr(f) for f in sorted(FAMILIES))
        raise ValueError(f"model_type {family!r} is not one lessons.architecture reads; it reads: "
                         f"{accepted}. Build an Architecture(...) by hand for other families.")
    return family, FAMILIES[family](cfg)
