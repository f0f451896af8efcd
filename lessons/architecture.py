"""The shape of a decoder-only transformer and its exact parameter counts, dense or mixture of experts.

Taught in the chapters *FLOPs, GPU-hours and PF-days* and *Model FLOP utilisation*; the command
line's ``count`` prints it.

An :class:`Architecture` holds what a parameter count needs: widths, heads, layers, the MLP
kind, norms, biases, tied or untied embeddings, and optionally a mixture of experts
(:class:`MoE`) and multi-head latent attention (:class:`LatentAttention`).
:meth:`Architecture.from_hf_config` reads one from a Hugging Face ``config.json`` (Llama,
Mistral, Mixtral, Qwen2, Gemma, OLMo, GPT-2, GPT-NeoX/Pythia, DeepSeek-V3).
:func:`param_counts` returns the count split by component, with the totals people quote:

* **total**: every stored parameter (what memory holds);
* **active**: the parameters one token uses, total minus the routed experts it is not sent to,
  embeddings and router included: the convention of Mixtral's "12.9B active";
* **non-embedding** (Kaplan et al. 2020): total without the token embedding, the output
  projection and learned positions. This is *not* Hugging Face's
  ``num_parameters(exclude_embeddings=True)``, which removes only ``nn.Embedding`` modules and so
  keeps an untied output projection: Llama 3 8B is 6.98B here and 7.50B there
  (:attr:`ParamCount.hf_non_embedding` gives Hugging Face's number).

All counts are exact Python integers [parameters].
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from os import PathLike
from pathlib import Path

import numpy as np

from ._validate import choose
from .hf_configs import architecture_kwargs, read_config
from .sources import Cite

__all__ = [
    "MLP_KINDS",
    "NORM_KINDS",
    "MoE",
    "LatentAttention",
    "Architecture",
    "ParamCount",
    "param_counts",
    "count_params",
]

#: Weight matrices of size d_model × d_ff per MLP: gated (SwiGLU, GeGLU) three, plain GELU two.
MLP_KINDS = {"swiglu": 3, "geglu": 3, "gelu": 2}

#: Parameter vectors of size d_model per norm: RMSNorm a gain, LayerNorm a gain and a bias,
#: OLMo's non-parametric layer norm none.
NORM_KINDS = {"rmsnorm": 1, "layernorm": 2, "none": 0}


def _path_label(config) -> str:
    """A model's name from where its config was read: the folder of a config.json, else the stem."""
    if isinstance(config, Mapping):
        return ""
    path = Path(config)
    if path.is_dir():
        return path.resolve().name
    return path.resolve().parent.name if path.name == "config.json" else path.stem


def _positive_int(owner: str, attr: str, value, *, allow_zero: bool = False) -> None:
    ok = isinstance(value, (int, np.integer)) and not isinstance(value, bool)
    if not ok or value < 0 or (value == 0 and not allow_zero):
        bound = "an integer >= 0" if allow_zero else "a positive integer"
        raise ValueError(f"{owner}.{attr} must be {bound}; got {value!r}.")


@dataclass(frozen=True, kw_only=True)
class MoE:
    """A mixture-of-experts MLP: routed experts, of which a token uses a few, and shared ones.

    Attributes
    ----------
    n_experts : int
        Routed experts per MoE layer [experts].
    n_experts_active : int
        Routed experts each token is sent to (top-k) [experts].
    d_ff_expert : int
        Hidden width of one expert [dimensions].
    n_shared_experts : int
        Experts every token uses, each of width ``d_ff_expert`` [experts].
    n_dense_layers : int
        First layers with a dense MLP of width ``Architecture.d_ff`` instead [layers].
    router_bias : bool
        The router keeps a learned bias per expert (DeepSeek-V3's load-balancing bias).
    """

    n_experts: int
    n_experts_active: int
    d_ff_expert: int
    n_shared_experts: int = 0
    n_dense_layers: int = 0
    router_bias: bool = False

    def __post_init__(self) -> None:
        for attr in ("n_experts", "n_experts_active", "d_ff_expert"):
            _positive_int("MoE", attr, getattr(self, attr))
        for attr in ("n_shared_experts", "n_dense_layers"):
            _positive_int("MoE", attr, getattr(self, attr), allow_zero=True)
        if self.n_experts_active > self.n_experts:
            raise ValueError(f"MoE.n_experts_active={self.n_experts_active} exceeds "
                             f"n_experts={self.n_experts}: a token cannot use more experts than exist.")


@dataclass(frozen=True, kw_only=True)
class LatentAttention:
    """Multi-head latent attention (DeepSeek-V2/V3): keys and values from a low-rank latent.

    The per-head query/key width is ``Architecture.head_dim`` (the part without position
    encoding) plus ``rope_head_dim``; values have ``v_head_dim``.

    Attributes
    ----------
    kv_lora_rank : int
        Width of the compressed key-value latent [dimensions].
    rope_head_dim : int
        Per-head width of the rotary part of queries and keys [dimensions].
    v_head_dim : int
        Per-head width of the values [dimensions].
    q_lora_rank : int or None
        Width of the compressed query latent; None when queries are projected directly.
    """

    kv_lora_rank: int
    rope_head_dim: int
    v_head_dim: int
    q_lora_rank: int | None = None

    def __post_init__(self) -> None:
        for attr in ("kv_lora_rank", "rope_head_dim", "v_head_dim"):
            _positive_int("LatentAttention", attr, getattr(self, attr))
        if self.q_lora_rank is not None:
            _positive_int("LatentAttention", "q_lora_rank", self.q_lora_rank)


@dataclass(frozen=True, kw_only=True)
class Architecture:
    """The shape of a decoder-only transformer, enough to count its parameters exactly.

    Attributes
    ----------
    vocab_size : int
        Rows of the token embedding V [tokens] (the padded size where a model pads it).
    d_model : int
        Residual-stream width [dimensions].
    n_layers : int
        Transformer blocks L [layers].
    n_heads : int
        Query heads H [heads].
    d_ff : int
        Hidden width of the (dense) MLP [dimensions].
    n_kv_heads : int or None
        Key/value heads for grouped-query attention [heads]; None means ``n_heads`` (MHA).
    head_dim : int or None
        Width of one head Q [dimensions]; None means ``d_model // n_heads``.
    mlp : str
        ``"swiglu"`` or ``"geglu"`` (three d_model × d_ff matrices) or ``"gelu"`` (two).
    tied_embeddings : bool
        The output projection reuses the input embedding matrix.
    norm : str
        ``"rmsnorm"`` (a gain vector), ``"layernorm"`` (gain and bias) or ``"none"``.
    biases : bool
        Every linear layer of the blocks carries a bias (GPT-2, Pythia).
    qkv_bias : bool
        Only the query, key and value projections carry biases (Qwen2, Qwen2.5).
    seq_len : int
        Training context length T [tokens].
    learned_positions : bool
        A learned position-embedding table of ``n_positions × d_model`` (GPT-2/3 style).
    n_positions : int or None
        Rows of the learned position table [positions]; None means ``seq_len``.
    moe : MoE or None
        The mixture of experts replacing the MLP, if any.
    mla : LatentAttention or None
        Multi-head latent attention replacing standard attention, if any.
    name : str
        A label (not compared).
    cite : Cite or None
        Where the shape comes from (not compared).
    """

    vocab_size: int
    d_model: int
    n_layers: int
    n_heads: int
    d_ff: int
    n_kv_heads: int | None = None
    head_dim: int | None = None
    mlp: str = "swiglu"
    tied_embeddings: bool = False
    norm: str = "rmsnorm"
    biases: bool = False
    qkv_bias: bool = False
    seq_len: int = 2048
    learned_positions: bool = False
    n_positions: int | None = None
    moe: MoE | None = None
    mla: LatentAttention | None = None
    name: str = field(default="", compare=False)
    cite: Cite | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        for attr in ("vocab_size", "d_model", "n_layers", "n_heads", "d_ff", "seq_len"):
            _positive_int("Architecture", attr, getattr(self, attr))
        if self.n_kv_heads is None:
            object.__setattr__(self, "n_kv_heads", self.n_heads)
        if self.head_dim is None:
            if self.d_model % self.n_heads:
                raise ValueError(
                    f"d_model={self.d_model} is not divisible by n_heads={self.n_heads}; "
                    "pass head_dim explicitly."
                )
            object.__setattr__(self, "head_dim", self.d_model // self.n_heads)
        for attr in ("n_kv_heads", "head_dim"):
            _positive_int("Architecture", attr, getattr(self, attr))
        if self.n_heads % self.n_kv_heads:
            raise ValueError(
                f"n_heads={self.n_heads} must be a multiple of n_kv_heads={self.n_kv_heads} "
                "(each key/value head serves a whole group of query heads)."
            )
        object.__setattr__(self, "mlp", choose("mlp", self.mlp, {k: k for k in MLP_KINDS}))
        object.__setattr__(self, "norm", choose("norm", self.norm, {k: k for k in NORM_KINDS}))
        self._check_options()

    def _check_options(self) -> None:
        if self.biases and self.qkv_bias:
            raise ValueError("set biases=True (every linear layer) or qkv_bias=True (q, k and v "
                             "only), not both.")
        if self.n_positions is not None:
            if not self.learned_positions:
                raise ValueError("n_positions sizes a learned position table; pass "
                                 "learned_positions=True with it, or leave it out.")
            _positive_int("Architecture", "n_positions", self.n_positions)
        if self.moe is not None:
            if not isinstance(self.moe, MoE):
                raise ValueError(f"moe must be a lessons.architecture.MoE; got {self.moe!r}.")
            if self.moe.n_dense_layers >= self.n_layers:
                raise ValueError(f"MoE.n_dense_layers={self.moe.n_dense_layers} leaves no MoE "
                                 f"layer among n_layers={self.n_layers}.")
            if self.biases:
                raise ValueError("biases=True with experts is not counted; build the experts "
                                 "without biases (as Mixtral and DeepSeek-V3 are).")
        if self.mla is not None:
            if not isinstance(self.mla, LatentAttention):
                raise ValueError(f"mla must be a lessons.architecture.LatentAttention; got "
                                 f"{self.mla!r}.")
            if self.biases or self.qkv_bias:
                raise ValueError("biases with latent attention are not counted; pass "
                                 "biases=False and qkv_bias=False.")

    @property
    def qk_head_dim(self) -> int:
        """Per-head width of queries and keys, the attention-score product [dimensions]."""
        return self.head_dim + (self.mla.rope_head_dim if self.mla else 0)

    @property
    def v_head_dim(self) -> int:
        """Per-head width of the values [dimensions]."""
        return self.mla.v_head_dim if self.mla else self.head_dim

    @property
    def n_moe_layers(self) -> int:
        """Layers whose MLP is a mixture of experts [layers]."""
        return self.n_layers - self.moe.n_dense_layers if self.moe else 0

    @classmethod
    def from_hf_config(cls, config: Mapping | str | PathLike, *, seq_len: int | None = None,
                       name: str | None = None) -> Architecture:
        """Read an Architecture from a Hugging Face ``config.json`` (a dict, a file or its folder).

        Parameters
        ----------
        config : dict, str or path
            The parsed config, or the path of ``config.json`` or of the folder holding it.
        seq_len : int, optional
            Training context T [tokens]; default the config's maximum context
            (``max_position_embeddings``, ``n_positions`` or ``max_sequence_length``), which
            for long-context models is far above the pre-training context.
        name : str, optional
            A label; default the config's ``_name_or_path``, else the file's folder (for a
            ``config.json``) or stem, else its ``model_type``.

        Returns
        -------
        Architecture
            The shape, counted exactly by :func:`param_counts`.

        Notes
        -----
        Supported ``model_type`` values: llama, mistral, mixtral, qwen2, gemma, olmo (both the
        original ``d_model``/``mlp_hidden_size`` format, whose fused SwiGLU width is halved,
        and the Transformers one), gpt2, gpt_neox (Pythia) and deepseek_v3. Defaults a config
        leaves out are the Transformers library's (Gemma and GPT-2 tie embeddings; Llama,
        Qwen2, GPT-NeoX and DeepSeek-V3 do not).

        References
        ----------
        The families' released ``config.json`` files (sources in ``tests/test_architecture.py``).

        Examples
        --------
        >>> qwen = Architecture.from_hf_config({
        ...     "model_type": "qwen2", "vocab_size": 152064, "hidden_size": 3584,
        ...     "num_hidden_layers": 28, "num_attention_heads": 28, "num_key_value_heads": 4,
        ...     "intermediate_size": 18944, "max_position_embeddings": 131072,
        ...     "tie_word_embeddings": False})
        >>> f"{count_params(qwen):,}"                    # Qwen2.5-7B, as its checkpoint holds
        '7,615,616,512'
        >>> Architecture.from_hf_config("no/such/config.json")
        Traceback (most recent call last):
        ...
        ValueError: no file at 'no/such/config.json': pass the path of a model's config.json, or of the folder that holds it.
        """
        cfg = read_config(config)
        family, kw = architecture_kwargs(cfg)
        if kw.get("moe"):
            kw["moe"] = MoE(**kw["moe"])
        if kw.get("mla"):
            kw["mla"] = LatentAttention(**kw["mla"])
        if seq_len is not None:
            kw["seq_len"] = seq_len
        kw["name"] = name or str(cfg.get("_name_or_path") or _path_label(config) or family)
        try:
            return cls(**kw)
        except ValueError as err:
            raise ValueError(f"this {family} config.json gives an impossible shape: {err}") from None

    def replace(self, **changes) -> Architecture:
        """A copy with some fields changed, e.g. ``arch.replace(seq_len=4096)``."""
        unknown = set(changes) - {f.name for f in fields(self)}
        if unknown:
            raise ValueError(f"Architecture has no field {sorted(unknown)[0]!r}.")
        return type(self)(**{**{f.name: getattr(self, f.name) for f in fields(self)}, **changes})


@dataclass(frozen=True)
class ParamCount:
    """Parameters of an :class:`Architecture`, by component [parameters, exact integers].

    Attributes
    ----------
    attention : int
        All attention projections (and MLA's latent norms), all layers.
    mlp : int
        Dense MLPs (every layer of a dense model; the first layers of DeepSeek-V3).
    routed_experts : int
        Every routed expert of every MoE layer.
    shared_experts : int
        Shared experts of every MoE layer.
    router : int
        Router (gate) matrices and biases.
    norms : int
        Block norms and the final norm.
    embedding : int
        The input token embedding, V × d_model.
    output : int
        The output projection when untied (0 when tied).
    positions : int
        Learned position embeddings.
    inactive_experts : int
        Routed-expert parameters a token is *not* sent to: (n_experts − top-k) experts per
        MoE layer.
    """

    attention: int
    mlp: int
    routed_experts: int
    shared_experts: int
    router: int
    norms: int
    embedding: int
    output: int
    positions: int
    inactive_experts: int

    @property
    def total(self) -> int:
        """Every stored parameter [parameters]."""
        return (self.attention + self.mlp + self.routed_experts + self.shared_experts
                + self.router + self.norms + self.embedding + self.output + self.positions)

    @property
    def active(self) -> int:
        """Parameters one token uses: total minus the experts it skips [parameters]."""
        return self.total - self.inactive_experts

    @property
    def non_embedding(self) -> int:
        """Kaplan et al.'s non-embedding count: total minus embedding, output and positions."""
        return self.total - self.embedding - self.output - self.positions

    @property
    def active_non_embedding(self) -> int:
        """Active parameters without embedding, output and positions [parameters]."""
        return self.active - self.embedding - self.output - self.positions

    @property
    def hf_non_embedding(self) -> int:
        """Hugging Face's ``num_parameters(exclude_embeddings=True)``: it keeps an untied
        output projection (an ``nn.Linear``) and removes the ``nn.Embedding`` tables."""
        return self.total - self.embedding - self.positions

    @property
    def active_without_input_embedding(self) -> int:
        """Active parameters without the input embedding (a table look-up, no matmul), the
        convention of DeepSeek-V3's "36.6B activated, including 0.9B for the output head"."""
        return self.active - self.embedding - self.positions


def _mlp_params(d: int, width: int, kind: str, biases: bool) -> int:
    k = MLP_KINDS[kind]
    return k * d * width + ((k - 1) * width + d if biases else 0)


def _attention_params(a: Architecture) -> int:
    d, h, q = a.d_model, a.n_heads, a.head_dim
    if a.mla is None:
        hq, kvq = h * q, a.n_kv_heads * q
        weights = d * hq + 2 * d * kvq + hq * d
        if a.biases:
            return weights + hq + 2 * kvq + d
        return weights + (hq + 2 * kvq if a.qkv_bias else 0)
    m, nf = a.mla, NORM_KINDS[a.norm]
    if m.q_lora_rank:   # d → latent (normed) → heads
        query = d * m.q_lora_rank + nf * m.q_lora_rank + m.q_lora_rank * h * a.qk_head_dim
    else:
        query = d * h * a.qk_head_dim
    key_value = (d * (m.kv_lora_rank + m.rope_head_dim) + nf * m.kv_lora_rank
                 + m.kv_lora_rank * h * (q + m.v_head_dim))
    return query + key_value + h * m.v_head_dim * d


def param_counts(arch: Architecture) -> ParamCount:
    """Exact parameters of an :class:`Architecture`, by component [parameters].

    Parameters
    ----------
    arch : Architecture
        The model's shape.

    Returns
    -------
    ParamCount
        Components and the totals: ``total``, ``active``, ``non_embedding`` (Kaplan),
        ``hf_non_embedding`` (Hugging Face), ``active_without_input_embedding``.

    Notes
    -----
    Per layer, with d = d_model, H heads of width Q and H_kv key/value heads: attention
    d·HQ + 2·d·H_kv·Q + HQ·d (plus HQ + 2·H_kv·Q biases for q/k/v, and d for the output with
    ``biases``); MLP 3·d·d_ff (SwiGLU, GeGLU) or 2·d·d_ff (GELU), plus (k−1)·d_ff + d biases;
    two norms of d (RMSNorm) or 2d (LayerNorm). Then a final norm, the V·d embedding, another
    V·d output projection when untied, and n_positions·d learned positions.

    A MoE layer holds E routed and S shared experts of 3·d·d_ff_expert each and an E × d router
    (+E biases); a token uses k routed experts, so active = total − L_moe·(E − k)·3·d·d_ff_expert.
    Latent attention: d·r_q + r_q + r_q·H·(Q + Q_rope) for queries (or d·H·(Q + Q_rope)),
    d·(r_kv + Q_rope) + r_kv + r_kv·H·(Q + Q_v) for keys and values, H·Q_v·d for the output.

    References
    ----------
    Llama 3 (Grattafiori et al. 2024) Table 3; Mixtral (Jiang et al. 2024) §2; DeepSeek-AI (2024)
    §2 and README_WEIGHTS.md; Kaplan et al. (2020) Eq. 2.1; the families' config.json files.

    Examples
    --------
    >>> mixtral = Architecture(vocab_size=32000, d_model=4096, n_layers=32, n_heads=32,
    ...                        n_kv_heads=8, d_ff=14336,
    ...                        moe=MoE(n_experts=8, n_experts_active=2, d_ff_expert=14336))
    >>> c = param_counts(mixtral)
    >>> f"{c.total:,} {c.active:,}"                    # Mixtral 8x7B: "46.7B", "12.9B active"
    '46,702,792,704 12,879,925,248'
    """
    if not isinstance(arch, Architecture):
        raise ValueError(f"arch must be an Architecture; got {type(arch).__name__}.")
    d, nf = arch.d_model, NORM_KINDS[arch.norm]
    n_moe = arch.n_moe_layers
    routed = shared = router = inactive = 0
    if arch.moe is not None:
        m = arch.moe
        expert = _mlp_params(d, m.d_ff_expert, arch.mlp, False)
        routed = n_moe * m.n_experts * expert
        shared = n_moe * m.n_shared_experts * expert
        router = n_moe * (m.n_experts * d + (m.n_experts if m.router_bias else 0))
        inactive = n_moe * (m.n_experts - m.n_experts_active) * expert
    embedding = arch.vocab_size * d
    return ParamCount(
        attention=arch.n_layers * _attention_params(arch),
        mlp=(arch.n_layers - n_moe) * _mlp_params(d, arch.d_ff, arch.mlp, arch.biases),
        routed_experts=routed, shared_experts=shared, router=router,
        norms=(2 * arch.n_layers + 1) * nf * d,
        embedding=embedding,
        output=0 if arch.tied_embeddings else embedding,
        positions=(arch.n_positions or arch.seq_len) * d if arch.learned_positions else 0,
        inactive_experts=inactive,
    )


def count_params(arch: Architecture, *, include_embeddings: bool = True) -> int:
    """Exact parameter count of an :class:`Architecture` [parameters].

    Parameters
    ----------
    arch : Architecture
        The model's shape.
    include_embeddings : bool
        Count the token embedding, the output projection (when untied) and learned position
        embeddings (default, the Chinchilla convention). False gives Kaplan's non-embedding
        count, which differs from Hugging Face's ``exclude_embeddings=True`` (that one keeps
        an untied output projection: :attr:`ParamCount.hf_non_embedding`) [flag].

    Returns
    -------
    int
        Number of parameters [parameters], every expert included for a mixture of experts
        (:attr:`ParamCount.active` is the per-token count).

    Notes
    -----
    :attr:`ParamCount.total` or :attr:`ParamCount.non_embedding` of :func:`param_counts`.

    References
    ----------
    Kaplan et al. (2020) Eq. 2.1 (non-embedding N); Hoffmann et al. (2022) (N with embeddings).

    Examples
    --------
    >>> llama3_8b = Architecture(vocab_size=128256, d_model=4096, n_layers=32, n_heads=32,
    ...                          n_kv_heads=8, d_ff=14336, seq_len=8192)
    >>> f"{count_params(llama3_8b):,}"
    '8,030,261,248'
    >>> f"{count_params(llama3_8b, include_embeddings=False):,}"
    '6,979,588,096'
    >>> f"{param_counts(llama3_8b).hf_non_embedding:,}"   # Hugging Face's "non-embedding"
    '7,504,924,672'
    """
    counts = param_counts(arch)
    return counts.total if include_embeddings else counts.non_embedding
