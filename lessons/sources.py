"""The works the course cites, and the citation object every constant carries.

A constant in :mod:`lessons` is never a bare number: it sits in a frozen dataclass with a
:class:`Cite` that names the work (a key of :data:`REFERENCES`, the same key the book's
BibTeX file uses), the place in it (table, equation, section) and how it was read.
The confidence tags follow the course's fact sheet:

``READ``        read in the source's own text, table, repository or model card;
``SECONDARY``   found only in secondary copies (datasheet reproductions, quotations);
``DERIVED``     computed by this package from inputs tagged above.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Reference", "Cite", "REFERENCES", "CONFIDENCE"]

CONFIDENCE = ("READ", "SECONDARY", "DERIVED")


@dataclass(frozen=True)
class Reference:
    """One cited work. ``key`` is its BibTeX key in ``book/references.bib``."""

    key: str
    authors: str
    year: int
    title: str
    where: str  # arXiv id, venue or public address

    def __str__(self) -> str:
        return f"{self.authors} ({self.year}), {self.title}. {self.where}"


@dataclass(frozen=True)
class Cite:
    """Where a number comes from: a work, the place in it, and how it was read.

    Examples
    --------
    >>> c = Cite("kaplan2020", "Table 5")
    >>> str(c)
    'Kaplan et al. (2020), Table 5 [READ]'
    """

    key: str
    where: str
    confidence: str = "READ"

    def __post_init__(self) -> None:
        if self.key not in REFERENCES:
            raise ValueError(f"unknown reference {self.key!r}; add it to REFERENCES first.")
        if self.confidence not in CONFIDENCE:
            raise ValueError(f"confidence must be one of {CONFIDENCE}; got {self.confidence!r}.")

    @property
    def reference(self) -> Reference:
        return REFERENCES[self.key]

    def __str__(self) -> str:
        ref = self.reference
        first = ref.authors.split(",")[0].split(" and ")[0]
        author = first if first == ref.authors else f"{first} et al."
        return f"{author} ({ref.year}), {self.where} [{self.confidence}]"


def _refs(*items: Reference) -> dict[str, Reference]:
    return {r.key: r for r in items}


REFERENCES: dict[str, Reference] = _refs(
    Reference("kaplan2020", "Kaplan, McCandlish, Henighan, Brown, Chess, Child, Gray, Radford, Wu, Amodei", 2020,
              "Scaling Laws for Neural Language Models", "arXiv:2001.08361"),
    Reference("hoffmann2022", "Hoffmann, Borgeaud, Mensch, et al.", 2022,
              "Training Compute-Optimal Large Language Models", "arXiv:2203.15556"),
    Reference("besiroglu2024", "Besiroglu, Erdil, Barnett, You", 2024,
              "Chinchilla Scaling: A replication attempt",
              "arXiv:2404.10102; github.com/epoch-research/analyzing-chinchilla"),
    Reference("sardana2024", "Sardana, Portes, Doubov, Frankle", 2024,
              "Beyond Chinchilla-Optimal: Accounting for Inference in Language Model Scaling Laws",
              "ICML 2024, arXiv:2401.00448; github.com/nikhilsardana/beyond-chinchilla"),
    Reference("llama3", "Grattafiori, Dubey, et al. (Llama Team, AI @ Meta)", 2024,
              "The Llama 3 Herd of Models", "arXiv:2407.21783; github.com/meta-llama/llama3 MODEL_CARD.md"),
    Reference("llama2", "Touvron, Martin, Stone, et al.", 2023,
              "Llama 2: Open Foundation and Fine-Tuned Chat Models",
              "arXiv:2307.09288; github.com/meta-llama/llama MODEL_CARD.md"),
    Reference("palm", "Chowdhery, Narang, Devlin, et al.", 2022,
              "PaLM: Scaling Language Modeling with Pathways", "arXiv:2204.02311"),
    Reference("gpt3", "Brown, Mann, Ryder, et al.", 2020,
              "Language Models are Few-Shot Learners", "arXiv:2005.14165"),
    Reference("gopher", "Rae, Borgeaud, Cai, et al.", 2021,
              "Scaling Language Models: Methods, Analysis & Insights from Training Gopher", "arXiv:2112.11446"),
    Reference("deepseekv3", "DeepSeek-AI", 2024, "DeepSeek-V3 Technical Report", "arXiv:2412.19437"),
    Reference("mistral7b", "Jiang, Sablayrolles, Mensch, et al.", 2023, "Mistral 7B", "arXiv:2310.06825"),
    Reference("yang2022", "Yang, Hu, Babuschkin, et al.", 2022,
              "Tensor Programs V: Tuning Large Neural Networks via Zero-Shot Hyperparameter Transfer",
              "arXiv:2203.03466; github.com/microsoft/mup"),
    Reference("dey2023", "Dey, Gosal, Zhiming, et al.", 2023,
              "Cerebras-GPT: Open Compute-Optimal Language Models Trained on the Cerebras Wafer-Scale Cluster",
              "arXiv:2304.03208"),
    Reference("narayanan2021", "Narayanan, Shoeybi, Casper, et al.", 2021,
              "Efficient Large-Scale Language Model Training on GPU Clusters Using Megatron-LM",
              "arXiv:2104.04473"),
    Reference("korthikanti2022", "Korthikanti, Casper, Lym, et al.", 2022,
              "Reducing Activation Recomputation in Large Transformer Models", "arXiv:2205.05198"),
    Reference("nvidia_datasheets", "NVIDIA", 2024,
              "V100, A100, H100, H200 and HGX B200 datasheets (dense figures; the tables' asterisked "
              "figures are with 2:4 sparsity)", "nvidia.com datasheets, read through reproductions"),
    Reference("amd_mi250", "AMD", 2021, "AMD Instinct MI250 accelerator specifications", "amd.com"),
    Reference("google_tpuv4", "Jouppi, Kurian, Li, et al.", 2023,
              "TPU v4: An Optically Reconfigurable Supercomputer for Machine Learning", "arXiv:2304.01433"),
    Reference("amd135m", "AMD", 2024, "AMD-Llama-135M model card",
              "huggingface.co/amd/AMD-Llama-135m"),
)

# Added with lessons.hardware, lessons.flops and lessons.mfu.
REFERENCES.update(_refs(
    Reference("google_cloud_tpu_v4", "Google Cloud", 2024, "Cloud TPU v4 (system architecture page)",
              "cloud.google.com/tpu/docs/v4"),
    Reference("mtnlg", "Smith, Patwary, Norick, et al.", 2022,
              "Using DeepSpeed and Megatron to Train Megatron-Turing NLG 530B, "
              "A Large-Scale Generative Language Model", "arXiv:2201.11990"),
    Reference("naveed2023", "Naveed, Khan, Qiu, et al.", 2023,
              "A Comprehensive Overview of Large Language Models", "arXiv:2307.06435"),
))

# Added with lessons.models.
REFERENCES.update(_refs(
    Reference("llama31_card", "Meta", 2024, "Llama 3.1 model card",
              "github.com/meta-llama/llama-models, models/llama3_1/MODEL_CARD.md"),
    Reference("mistral_blog", "Mistral AI", 2023, "Mistral 7B (release announcement)",
              "mistral.ai/news/announcing-mistral-7b"),
    Reference("amd135m_blog", "AMD", 2024,
              "AMD Unveils Its First Small Language Model AMD-135M",
              "community.amd.com/t5/ai/amd-unveils-its-first-small-language-model-amd-135m/ba-p/711368"),
))

# Added with the chapter on model FLOP utilisation.
REFERENCES.update(_refs(
    Reference("dao2022", "Dao, Fu, Ermon, Rudra, Ré", 2022,
              "FlashAttention: Fast and Memory-Efficient Exact Attention with IO-Awareness",
              "NeurIPS 2022, arXiv:2205.14135"),
))

# Added with the chapters on Kaplan's laws and on diminishing returns.
REFERENCES.update(_refs(
    Reference("mccandlish2018", "McCandlish, Kaplan, Amodei, OpenAI Dota Team", 2018,
              "An Empirical Model of Large-Batch Training", "arXiv:1812.06162"),
    Reference("pearce2024", "Pearce, Song", 2024, "Reconciling Kaplan and Chinchilla Scaling Laws",
              "arXiv:2406.12907"),
    Reference("porian2024", "Porian, Wortsman, Jitsev, Schmidt, Carmon", 2024,
              "Resolving Discrepancies in Compute-Optimal Scaling of Language Models",
              "NeurIPS 2024, arXiv:2406.19146"),
    Reference("snell2024", "Snell, Lee, Xu, Kumar", 2024,
              "Scaling LLM Test-Time Compute Optimally can be More Effective than Scaling "
              "Model Parameters", "arXiv:2408.03314"),
    Reference("kumar2024", "Kumar, Ankner, Spector, et al.", 2024, "Scaling Laws for Precision",
              "arXiv:2411.04330"),
    Reference("muennighoff2023", "Muennighoff, Rush, Barak, Le Scao, Tazi, Piktus, Pyysalo, "
              "Wolf, Raffel", 2023, "Scaling Data-Constrained Language Models",
              "NeurIPS 2023, arXiv:2305.16264"),
    Reference("villalobos2024", "Villalobos, Ho, Sevilla, Besiroglu, Heim, Hobbhahn", 2024,
              "Will we run out of data? Limits of LLM scaling based on human-generated data",
              "ICML 2024 (position paper), arXiv:2211.04325"),
    Reference("gunasekar2023", "Gunasekar, Zhang, Aneja, et al.", 2023,
              "Textbooks Are All You Need", "arXiv:2306.11644"),
))

# Added with the chapter on μP.
REFERENCES.update(_refs(
    Reference("yang2023", "Yang, Yu, Zhu, Hayou", 2023,
              "Tensor Programs VI: Feature Learning in Infinite-Depth Neural Networks",
              "ICLR 2024, arXiv:2310.02244"),
    Reference("bordelon2023", "Bordelon, Noci, Li, Hanin, Pehlevan", 2023,
              "Depthwise Hyperparameter Transfer in Residual Networks: Dynamics and Scaling Limit",
              "ICLR 2024, arXiv:2309.16620"),
))

# Added with the chapter on fitting scaling laws (the course's own scaling study).
REFERENCES.update(_refs(
    Reference("cover2006", "Cover, Thomas", 2006, "Elements of Information Theory (2nd ed.)",
              "Wiley; Theorem 4.2.4 (entropy rate of a stationary Markov chain)"),
    Reference("bengio2003", "Bengio, Ducharme, Vincent, Jauvin", 2003,
              "A Neural Probabilistic Language Model", "JMLR 3:1137-1155"),
    Reference("kingma2015", "Kingma, Ba", 2015, "Adam: A Method for Stochastic Optimization",
              "ICLR 2015, arXiv:1412.6980"),
))

# Added with lessons.architecture, lessons.memory and the command line.
REFERENCES.update(_refs(
    Reference("mixtral", "Jiang, Sablayrolles, Roux, et al.", 2024, "Mixtral of Experts",
              "arXiv:2401.04088"),
    Reference("deepseekv3_weights", "DeepSeek-AI", 2024,
              "DeepSeek-V3 weight file documentation (README_WEIGHTS.md) and config.json",
              "github.com/deepseek-ai/DeepSeek-V3; huggingface.co/deepseek-ai/DeepSeek-V3"),
    Reference("pythia", "Biderman, Schoelkopf, Anthony, et al.", 2023,
              "Pythia: A Suite for Analyzing Large Language Models Across Training and Scaling",
              "ICML 2023, arXiv:2304.01373; model card table of exact parameter counts"),
    Reference("qwen25", "Qwen Team", 2024, "Qwen2.5 Technical Report",
              "arXiv:2412.15115; huggingface.co/Qwen/Qwen2.5-7B"),
    Reference("gemma", "Gemma Team, Google DeepMind", 2024,
              "Gemma: Open Models Based on Gemini Research and Technology",
              "arXiv:2403.08295; huggingface.co/google/gemma-7b"),
    Reference("olmo", "Groeneveld, Beltagy, Walsh, et al.", 2024,
              "OLMo: Accelerating the Science of Language Models",
              "arXiv:2402.00838; github.com/allenai/OLMo configs/official"),
    Reference("gpt2", "Radford, Wu, Child, Luan, Amodei, Sutskever", 2019,
              "Language Models are Unsupervised Multitask Learners",
              "OpenAI; huggingface.co/openai-community/gpt2"),
    Reference("rajbhandari2020", "Rajbhandari, Rasley, Ruwase, He", 2020,
              "ZeRO: Memory Optimizations Toward Training Trillion Parameter Models",
              "SC20, arXiv:1910.02054"),
    Reference("dettmers2022", "Dettmers, Lewis, Shleifer, Zettlemoyer", 2022,
              "8-bit Optimizers via Block-wise Quantization", "ICLR 2022, arXiv:2110.02861"),
    Reference("hf_safetensors_totals", "Hugging Face Hub", 2024,
              "Parameter totals from checkpoints' safetensors metadata (model pages and "
              "api/models/<id>?expand=safetensors)", "huggingface.co, read in quoted copies"),
))

# Added with the planner page (a default price per accelerator).
REFERENCES.update(_refs(
    Reference("aws_capacity_blocks", "Amazon Web Services", 2024,
              "Amazon EC2 Capacity Blocks for ML: pricing",
              "aws.amazon.com/ec2/capacityblocks/pricing, read in 2024 copies of the page"),
))

# Added with the chapter on batch size, learning rate and schedules, and the results of
# 2023-2026 woven into the other chapters (the fact sheet's §13).
REFERENCES.update(_refs(
    Reference("deepseekllm2024", "DeepSeek-AI (Bi, Chen, Chen, et al.)", 2024,
              "DeepSeek LLM: Scaling Open-Source Language Models with Longtermism",
              "arXiv:2401.02954"),
    Reference("hagele2024", "Hägele, Bakouch, Kosson, Ben Allal, Von Werra, Jaggi", 2024,
              "Scaling Laws and Compute-Optimal Training Beyond Fixed Training Durations",
              "NeurIPS 2024, arXiv:2405.18392"),
    Reference("zhang2024cbs", "Zhang, Morwani, Vyas, Wu, Zou, Ghai, Foster, Kakade", 2024,
              "How Does Critical Batch Size Scale in Pre-training?", "arXiv:2410.21676"),
    Reference("schaeffer2023", "Schaeffer, Miranda, Koyejo", 2023,
              "Are Emergent Abilities of Large Language Models a Mirage?",
              "NeurIPS 2023, arXiv:2304.15004"),
    Reference("gpt4", "OpenAI", 2023, "GPT-4 Technical Report", "arXiv:2303.08774"),
    Reference("gadre2024", "Gadre, Smyrnis, Shankar, et al.", 2024,
              "Language models scale reliably with over-training and on downstream tasks",
              "arXiv:2403.08540; github.com/mlfoundations/scaling"),
    Reference("nanochat", "Karpathy", 2026, "nanochat (repository and its history)",
              "github.com/karpathy/nanochat"),
))
