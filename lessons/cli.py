"""The command line: ``python -m lessons`` (or ``lessons``) plan | count | flops | mfu | memory | list.

Each subcommand calls the package's functions and prints a table (``--json`` prints the same
numbers for scripts). Flags are named after the Python parameters they set:
``--budget-usd`` is ``budget.plan(budget_usd=...)``, ``--n-devices`` is ``n_devices``, and so
on. A model is given once, as ``--config PATH`` (a Hugging Face config.json, or its folder),
``--arch NAME`` (a shape of :data:`lessons.models.ARCHITECTURES`) or ``--n-params N``.

Bad input prints what to fix, without a traceback, and exits with status 2.

The standard library's argparse is enough here: subcommands, help and type checks, and the
package already renders its worksheets as plain-text tables, so no dependency is added.

Examples
--------
>>> main(["count", "--arch", "Mixtral 8x7B", "--json"])  # doctest: +ELLIPSIS
{
  "name": "Mixtral 8x7B",
  ...
    "total": 46702792704,
    "active": 12879925248,
...
0
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
from dataclasses import asdict, dataclass, field

from . import __version__, data, fitting
from ._table import text_table
from ._validate import choose, raw_count
from .architecture import Architecture, param_counts
from .budget import STRATEGIES, cost_of_run, plan
from .chinchilla import FITS
from .constants import MIN_RAW_COUNT
from .flops import (
    flops_per_token_chinchilla,
    flops_per_token_kaplan,
    flops_per_token_palm,
    to_pf_days,
)
from .hardware import ACCELERATORS, DTYPES, peak_flops
from .memory import (
    PRECISIONS,
    RECOMPUTE,
    activation_bytes_per_token_per_layer,
    fewest_devices,
    memory_per_device,
)
from .mfu import hfu, mfu, model_flops_per_token, training_time
from .models import ARCHITECTURES
from .prices import DEEPSEEK_V3_PRICE

__all__ = ["Report", "build_parser", "main"]


@dataclass
class Report:
    """What a subcommand found: a titled table for people, a dict for scripts."""

    title: str
    rows: list[tuple[str, str, str]]
    data: dict
    notes: list[str] = field(default_factory=list)
    extra: str = ""
    headers: tuple[str, str, str] = ("quantity", "value", "how")

    def text(self) -> str:
        parts = [self.title, "", text_table(list(self.headers), self.rows, align="lrl")]
        if self.extra:
            parts += ["", self.extra]
        if self.notes:
            parts += [""] + [f"note: {n}" for n in self.notes]
        return "\n".join(parts)


# --- Helpers ---------------------------------------------------------------------------------


def _count(x) -> str:
    """An exact count with separators, and its order of magnitude."""
    return f"{int(x):,} ({float(x):.3g})"


def _g(x, digits: int = 3) -> str:
    return f"{float(x):.{digits}g}"


def _plain(value):
    """JSON-ready: numpy scalars to Python numbers, non-finite numbers to None."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def describe(arch: Architecture) -> str:
    """One line naming the shape: width, layers, heads, MLP, experts, vocabulary, context."""
    heads = f"{arch.n_heads} heads"
    if arch.mla:
        heads += (f" (latent attention: KV rank {arch.mla.kv_lora_rank}, Q rank "
                  f"{arch.mla.q_lora_rank or '-'})")
    elif arch.n_kv_heads != arch.n_heads:
        heads += f" ({arch.n_kv_heads} KV)"
    heads += f" of {arch.head_dim}"
    mlp = f"{arch.mlp} {arch.d_ff:,}"
    if arch.moe:
        m = arch.moe
        mlp = (f"{m.n_experts} experts of {m.d_ff_expert:,} ({arch.mlp}), top {m.n_experts_active}"
               + (f", {m.n_shared_experts} shared" if m.n_shared_experts else "")
               + (f", first {m.n_dense_layers} layers dense ({arch.d_ff:,})"
                  if m.n_dense_layers else ""))
    extras = [arch.norm, "tied" if arch.tied_embeddings else "untied"]
    if arch.biases:
        extras.append("biases")
    if arch.qkv_bias:
        extras.append("q/k/v biases")
    if arch.learned_positions:
        extras.append("learned positions")
    return (f"d_model {arch.d_model:,}, {arch.n_layers} layers, {heads}, {mlp}, "
            f"vocab {arch.vocab_size:,}, {', '.join(extras)}, context {arch.seq_len:,}")


def _model(args, *, allow_count: bool = True):
    """The model the flags name: an Architecture, or a parameter count."""
    given = [flag for flag, name in (("--config", "config"), ("--arch", "arch"),
                                     ("--n-params", "n_params"))
             if getattr(args, name, None) is not None]
    names = ", ".join(repr(n) for n in ARCHITECTURES)
    if len(given) != 1:
        also = ", or --n-params N" if allow_count else ""
        raise ValueError(f"give the model once: --config PATH (a config.json or its folder), "
                         f"--arch NAME ({names}){also}; got "
                         f"{' and '.join(given) if given else 'none'}.")
    seq_len = getattr(args, "seq_len", None)
    if args.config is not None:
        return Architecture.from_hf_config(args.config, seq_len=seq_len)
    if args.arch is not None:
        arch = choose("arch", args.arch, ARCHITECTURES)
        return arch if seq_len is None else arch.replace(seq_len=seq_len)
    return float(raw_count("n_params", args.n_params, minimum=MIN_RAW_COUNT, unit="parameters",
                           example="--n-params 7e10 for 70 billion"))


def _shape_keywords(args) -> dict:
    """--n-layers, --n-heads, --head-dim and --seq-len, for a model given as a count."""
    return {k: getattr(args, k, None) for k in ("n_layers", "n_heads", "head_dim", "seq_len")}


def _refuse_shape_with_arch(args, model) -> None:
    if isinstance(model, Architecture):
        given = [k for k in ("n_layers", "n_heads", "head_dim") if getattr(args, k, None)]
        if given:
            flags = ", ".join("--" + k.replace("_", "-") for k in given)
            raise ValueError(f"{flags} come from the model's shape; leave them out with "
                             "--config or --arch (only --seq-len overrides the context).")


def _model_label(model, shape: dict | None = None) -> str:
    if isinstance(model, Architecture):
        return f"{model.name or 'model'}: {describe(model)}"
    given = {k: v for k, v in (shape or {}).items() if v is not None}
    if not given:
        return f"{_count(model)} parameters (no shape given)"
    return f"{_count(model)} parameters, " + ", ".join(f"{k} {v:g}" for k, v in given.items())


# --- count -----------------------------------------------------------------------------------


def run_count(args) -> Report:
    arch = _model(args, allow_count=False)
    c = param_counts(arch)
    rows = [("total [parameters]", _count(c.total), "every stored parameter")]
    if arch.moe:
        rows += [("active per token [parameters]", _count(c.active),
                  "total minus the routed experts a token skips; embeddings and router in"),
                 ("active without input embedding", _count(c.active_without_input_embedding),
                  "the input embedding is a look-up, not a matrix product")]
    rows += [
        ("non-embedding, Kaplan [parameters]", _count(c.non_embedding),
         "without token embedding, output projection and positions"),
        ("non-embedding, Hugging Face", _count(c.hf_non_embedding),
         "num_parameters(exclude_embeddings=True): keeps an untied output projection"),
    ]
    parts = [("attention", c.attention), ("MLP (dense)", c.mlp),
             ("routed experts", c.routed_experts), ("shared experts", c.shared_experts),
             ("router", c.router), ("norms", c.norms), ("token embedding", c.embedding),
             ("output projection", c.output), ("learned positions", c.positions)]
    rows += [(f"  {name}", _count(value), f"{value / c.total:.1%} of total")
             for name, value in parts if value]
    data = {"name": arch.name, "shape": asdict(arch) | {"cite": None},
            "params": {"total": c.total, "active": c.active,
                       "active_without_input_embedding": c.active_without_input_embedding,
                       "non_embedding": c.non_embedding, "hf_non_embedding": c.hf_non_embedding,
                       **{k: v for k, v in asdict(c).items()}},
            "units": {"params": "parameters"}}
    notes = []
    if arch.moe:
        notes.append("FLOPs follow the active count, memory the total (flops, memory).")
    return Report(f"Parameters of {_model_label(arch)}", rows, data, notes)


# --- flops -----------------------------------------------------------------------------------


def run_flops(args) -> Report:
    model = _model(args)
    _refuse_shape_with_arch(args, model)
    per_token: dict[str, float] = {}
    how: dict[str, str] = {}
    if isinstance(model, Architecture):
        c = param_counts(model)
        per_token["6N"] = 6.0 * c.active
        how["6N"] = "N active, embeddings included (Kaplan §2.1; Chinchilla's N)"
        per_token["Kaplan"] = flops_per_token_kaplan(model)
        how["Kaplan"] = "6N + 6·L·T·d_attn, N non-embedding (Kaplan Table 1, training)"
        per_token["PaLM"] = flops_per_token_palm(model)
        how["PaLM"] = "6N + 12·L·H·Q·T (PaLM App. B): the numerator of MFU"
        per_token["Chinchilla App. F"] = flops_per_token_chinchilla(model)
        how["Chinchilla App. F"] = "every matrix product, embeddings in, backward = 2 × forward"
        seq_len = model.seq_len
    else:
        shape = _shape_keywords(args)
        per_token["6N"] = float(model_flops_per_token(model))
        how["6N"] = "N as given (Kaplan §2.1)"
        if any(v is not None for v in shape.values()):
            per_token["PaLM"] = flops_per_token_palm(model, **shape)
            how["PaLM"] = "6N + 12·L·H·Q·T (PaLM App. B)"
        seq_len = shape["seq_len"]
    rows = [(f"{name} [FLOP/token]", _g(value, 4), how[name]) for name, value in per_token.items()]
    if "PaLM" in per_token:
        share = 1 - per_token["6N"] / per_token["PaLM"]
        rows.append(("attention share of PaLM's count", f"{share:.1%}",
                     f"at T = {seq_len:,.0f} tokens; grows with the context"))
    data = {"model": _plain(asdict(model) | {"cite": None}) if isinstance(model, Architecture)
            else {"n_params": model},
            "seq_len": seq_len, "flops_per_token": per_token,
            "units": {"flops_per_token": "FLOP/token", "flops": "FLOP", "pf_days": "PF-days"}}
    notes = []
    if not isinstance(model, Architecture) and "PaLM" not in per_token:
        notes.append("give --config or --arch (or --n-layers, --n-heads, --head-dim and "
                     "--seq-len) for the attention term and the fuller counts.")
    if args.n_tokens is not None:
        d = float(raw_count("n_tokens", args.n_tokens, minimum=MIN_RAW_COUNT, unit="tokens",
                            example="--n-tokens 15e12 for 15 trillion"))
        totals = {name: value * d for name, value in per_token.items()}
        rows.append(("training tokens D [tokens]", _g(d), "as given"))
        rows += [(f"{name} × D [FLOP]", f"{value:.4g} ({to_pf_days(value):,.0f} PF-days)",
                  "per-token count times D") for name, value in totals.items()]
        data |= {"n_tokens": d, "flops": totals,
                 "pf_days": {k: float(to_pf_days(v)) for k, v in totals.items()}}
    label = _model_label(model, None if isinstance(model, Architecture) else _shape_keywords(args))
    return Report(f"Training FLOPs of {label}", rows, _plain(data), notes)


# --- mfu -------------------------------------------------------------------------------------


def _peak_args(args) -> dict:
    if args.peak_flops_per_device is not None:
        if args.gpu is not None:
            raise ValueError("give the peak once: --gpu NAME or --peak-flops-per-device X.")
        return {"peak_flops_per_device": args.peak_flops_per_device}
    return {"gpu": args.gpu or "H100-SXM", "dtype": args.dtype}


def run_mfu(args) -> Report:
    model = _model(args)
    _refuse_shape_with_arch(args, model)
    shape = {} if isinstance(model, Architecture) else {
        k: v for k, v in _shape_keywords(args).items() if v is not None}
    if isinstance(model, Architecture) and args.seq_len is not None:
        shape = {}   # already applied to the Architecture
    peak = _peak_args(args)
    peak_value = peak.get("peak_flops_per_device") or peak_flops(peak["gpu"], peak["dtype"])
    per_token = float(model_flops_per_token(model, **shape))
    device = peak.get("gpu", "given peak")
    rows = [("model FLOP per token [FLOP/token]", _g(per_token, 4),
             "6N + 12LHQT" if (shape or isinstance(model, Architecture)) else "6N (no shape)"),
            ("peak per device [FLOP/s]", _g(peak_value, 4), f"{device}, dense")]
    data = {"model": _model_label(model, shape), "flops_per_token": per_token,
            "peak_flops_per_device": peak_value, "n_devices": args.n_devices}
    if args.mfu is not None:   # the inverse: time at a given MFU
        if args.tokens_per_second is not None or args.step_time is not None:
            raise ValueError("--mfu asks for the time at a given MFU; leave out "
                             "--tokens-per-second and --step-time (they measure the MFU).")
        if args.n_tokens is None:
            raise ValueError("--mfu needs --n-tokens D (training tokens) to give a time.")
        total = per_token * args.n_tokens
        seconds = float(training_time(total, args.n_devices, peak_value, args.mfu))
        rows += [("training compute [FLOP]", _g(total, 4), "FLOP per token × D"),
                 ("wall-clock [days]", f"{seconds / 86400:,.1f}",
                  f"on {args.n_devices:,.0f} devices at MFU {args.mfu:g}"),
                 ("device-hours", _g(seconds * args.n_devices / 3600),
                  "ideal; failures and restarts extra")]
        data |= {"mfu": args.mfu, "n_tokens": args.n_tokens, "flops": total,
                 "days": seconds / 86400, "device_hours": seconds * args.n_devices / 3600}
        title = "Training time at a given MFU"
    else:
        tps = _throughput(args)
        common = {"n_devices": args.n_devices, **peak, **shape}
        util = float(mfu(tps, model, **common))
        hardware = float(hfu(tps, model, **common, recomputed_forward=args.recomputed_forward))
        rows += [("throughput [tokens/s]", _g(tps, 4), "whole job"),
                 ("MFU", f"{util:.1%}", "PaLM §4.1: model FLOPs only"),
                 ("HFU", f"{hardware:.1%}",
                  f"recomputing {args.recomputed_forward:.0%} of the forward pass")]
        data |= {"tokens_per_second": tps, "mfu": util, "hfu": hardware,
                 "recomputed_forward": args.recomputed_forward}
        title = "Model FLOP utilisation"
    data["units"] = {"flops_per_token": "FLOP/token", "peak_flops_per_device": "FLOP/s",
                     "tokens_per_second": "tokens/s", "mfu": "fraction", "days": "days"}
    return Report(f"{title}: {_model_label(model, shape)}", rows, _plain(data))


def _throughput(args) -> float:
    if args.tokens_per_second is not None:
        if args.step_time is not None or args.tokens_per_step is not None:
            raise ValueError("give the throughput once: --tokens-per-second, or --step-time "
                             "with --tokens-per-step.")
        return args.tokens_per_second
    if args.step_time is None or args.tokens_per_step is None:
        raise ValueError("give --tokens-per-second X, or --step-time S with --tokens-per-step "
                         "B, to measure MFU; or --mfu U with --n-tokens D for the time.")
    if args.step_time <= 0:
        raise ValueError(f"step_time [s] must be finite and > 0; got {args.step_time!r}.")
    return args.tokens_per_step / args.step_time


# --- memory ----------------------------------------------------------------------------------


def run_memory(args) -> Report:
    model = _model(args)
    options = {"gpu": args.gpu, "precision": args.precision, "zero_stage": args.zero_stage,
               "tensor_parallel": args.tensor_parallel,
               "pipeline_parallel": args.pipeline_parallel, "recompute": args.recompute,
               "micro_batch_size": args.micro_batch_size,
               "memory_fraction": args.memory_fraction}
    if args.n_devices is not None:
        result = memory_per_device(model, n_devices=args.n_devices, **options)
    else:
        result = fewest_devices(model, **options)
    extra = ""
    if isinstance(model, Architecture):
        per = activation_bytes_per_token_per_layer(model, recompute=args.recompute,
                                                   tensor_parallel=args.tensor_parallel)
        extra = (f"activations: {per:,.0f} bytes per token per layer ({args.recompute} "
                 f"recomputation, T = {model.seq_len:,}); {RECOMPUTE[args.recompute]}")
    data = _plain(asdict(result) | {"fits": result.fits, "per_device": result.per_device,
                                    "units": {"weights": "bytes", "activations": "bytes",
                                              "device_memory": "bytes"}})
    return Report(f"Memory of {_model_label(model)}", result.rows(), data,
                  notes=[result.note], extra=extra)


# --- plan ------------------------------------------------------------------------------------


def run_plan(args) -> Report:
    common = {"gpu": args.gpu or "H100-SXM", "dtype": args.dtype, "mfu": args.mfu,
              "price_per_hour": args.price_per_hour, "overhead": args.overhead,
              "batch_tokens": args.batch_tokens, "fit": args.fit,
              "precision": args.precision, "zero_stage": args.zero_stage}
    if args.n_params is not None or args.n_tokens is not None:
        if args.budget_usd is not None or args.days is not None:
            raise ValueError("--n-params and --n-tokens cost a given model; leave out "
                             "--budget-usd and --days (or leave out the model to size one).")
        if args.n_params is None or args.n_tokens is None:
            raise ValueError("give both --n-params and --n-tokens to cost a given model.")
        for flag, value, default in (("--strategy", args.strategy, "chinchilla"),
                                     ("--inference-tokens", args.inference_tokens, 0.0)):
            if value != default:
                raise ValueError(f"{flag} sizes a model from a budget; it does not apply to a "
                                 "given --n-params.")
        p = cost_of_run(args.n_params, args.n_tokens, n_devices=args.n_devices, **common)
    else:
        p = plan(args.budget_usd, n_devices=args.n_devices, days=args.days,
                 strategy=args.strategy, inference_tokens=args.inference_tokens, **common)
    data = asdict(p) | {"cost_with_overhead_usd": p.cost_with_overhead_usd,
                        "lifetime_flops": p.lifetime_flops}
    data["units"] = {"n_params": "parameters", "n_tokens": "tokens", "flops": "FLOP",
                     "device_hours": "device-hours", "cost_usd": "USD", "days": "days",
                     "predicted_loss": "nats/token", "batch_tokens": "tokens"}
    extra = ""
    if args.range:
        boot = _bootstrap(args)
        r = p.range(boot, level=args.level)
        extra = "Bootstrap range of the compute-optimal allocation for this budget:\n" + str(r)
        data["range"] = {"level": r.level, "note": r.note, "quantities": {
            name: {"unit": unit, "point": r.point[name], "median": r.median(name),
                   "low": r.interval(name)[0], "high": r.interval(name)[1]}
            for name, unit in r.units.items()}}
    return Report(f"Training plan ({p.strategy})", p.to_table(), _plain(data), extra=extra)


def _bootstrap(args):
    points = data.load_chinchilla_points()
    return fitting.bootstrap(points.n_params, points.n_tokens, points.loss,
                             n_resamples=args.n_resamples, seed=args.seed, level=args.level,
                             start=args.fit)


# --- list ------------------------------------------------------------------------------------


def run_list(args) -> Report:
    what = args.what
    if what == "gpus":
        rows = [(a.name, ", ".join(f"{d} {v / 1e12:,.1f}" for d, v in a.dense_peak_flops.items()),
                 "-" if a.memory is None else f"{a.memory / 1e9:,.0f} GB"
                 + (" (weak source)" if a.weak else ""))
                for a in ACCELERATORS.values()]
        data = {a.name: {"dense_peak_flops": a.dense_peak_flops, "memory": a.memory}
                for a in ACCELERATORS.values()}
        title, headers = "Accelerators (--gpu)", ("name", "dense peak [TFLOP/s]", "memory")
    elif what == "archs":
        rows = [(name, _count(param_counts(a).total), describe(a))
                for name, a in ARCHITECTURES.items()]
        data = {name: param_counts(a).total for name, a in ARCHITECTURES.items()}
        title, headers = "Shapes (--arch)", ("name", "total [parameters]", "shape")
    elif what == "fits":
        rows = [(f.name, f"E={f.E:.4g} A={f.A:.4g} B={f.B:.4g}",
                 f"alpha={f.alpha:.4g} beta={f.beta:.4g}; {f.cite}") for f in FITS.values()]
        data = {f.name: {"E": f.E, "A": f.A, "B": f.B, "alpha": f.alpha, "beta": f.beta}
                for f in FITS.values()}
        title, headers = "Chinchilla fits (--fit)", ("name", "constants", "exponents; source")
    elif what == "precisions":
        rows = [(p.name, f"{p.bytes_per_param:g} B/param", p.note) for p in PRECISIONS.values()]
        data = {p.name: p.bytes_per_param for p in PRECISIONS.values()}
        title, headers = "Training precisions (--precision)", ("name", "model states", "what")
    else:
        rows = [(k, "", v) for k, v in STRATEGIES.items()]
        data = dict(STRATEGIES)
        title, headers = "Sizing strategies (--strategy)", ("name", "", "what")
    return Report(title, rows, _plain(data), headers=headers)


# --- Parser ----------------------------------------------------------------------------------


def _model_flags(p: argparse.ArgumentParser, *, count: bool = True, shape: bool = False) -> None:
    g = p.add_argument_group("model (give one)")
    g.add_argument("--config", metavar="PATH",
                   help="a Hugging Face config.json, or the folder that holds it")
    g.add_argument("--arch", metavar="NAME",
                   help="a shape of the registry (python -m lessons list archs)")
    if count:
        g.add_argument("--n-params", type=float, metavar="N",
                       help="parameters, a raw count (7e10, not 70)")
    g.add_argument("--seq-len", type=int, metavar="T",
                   help="context length [tokens]; default the config's maximum context")
    if shape:
        s = p.add_argument_group("shape, with --n-params (for the attention term)")
        s.add_argument("--n-layers", type=float, metavar="L")
        s.add_argument("--n-heads", type=float, metavar="H")
        s.add_argument("--head-dim", type=float, metavar="Q")


def _device_flags(p: argparse.ArgumentParser, *, gpu_default=None) -> None:
    p.add_argument("--gpu", default=gpu_default, metavar="NAME",
                   help="accelerator (python -m lessons list gpus); default H100-SXM")
    p.add_argument("--dtype", default="bf16", choices=DTYPES, help="number format of the peak")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m lessons``."""
    parser = argparse.ArgumentParser(
        prog="python -m lessons",
        description="Plan LLM training runs with the course's cited formulas. All counts are "
                    "raw (7e10 for 70 billion); fractions are fractions (0.4, not 40).")
    parser.add_argument("--version", action="version", version=f"lessons {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name, func, help_text, description):
        p = sub.add_parser(name, help=help_text, description=description)
        p.add_argument("--json", action="store_true", help="print JSON instead of a table")
        p.set_defaults(run=func)
        return p

    p = command("plan", run_plan, "a training plan from a budget, devices × days, or a model",
                "The worksheet of lessons.budget.plan: target → N → D → FLOPs → device-hours "
                "→ days → cost, with the memory the model states need. Give --budget-usd, or "
                "--n-devices with --days, or --n-params with --n-tokens to cost a given model.")
    t = p.add_argument_group("target (give one)")
    t.add_argument("--budget-usd", type=float, metavar="USD", help="money for the ideal run")
    t.add_argument("--n-devices", type=float, metavar="N", help="devices in the cluster")
    t.add_argument("--days", type=float, metavar="DAYS", help="wall-clock days on them")
    t.add_argument("--n-params", type=float, metavar="N", help="a given model size [parameters]")
    t.add_argument("--n-tokens", type=float, metavar="D", help="its training tokens")
    _device_flags(p)
    p.add_argument("--mfu", type=float, default=0.4, help="model FLOP utilisation (default 0.4)")
    p.add_argument("--price-per-hour", type=float,
                   default=DEEPSEEK_V3_PRICE.usd_per_device_hour, metavar="USD",
                   help="price per device-hour (default $2, DeepSeek-V3's assumption)")
    p.add_argument("--strategy", default="chinchilla", choices=list(STRATEGIES),
                   help="how FLOPs split into N and D (default chinchilla: D = 20 N)")
    p.add_argument("--fit", default="besiroglu2024", choices=list(FITS),
                   help="Chinchilla fit for the loss and the parametric strategies")
    p.add_argument("--inference-tokens", type=float, default=0.0, metavar="D_INF",
                   help="lifetime inference demand, for --strategy inference [tokens]")
    p.add_argument("--overhead", type=float, default=1.0,
                   help="cost multiplier for failures and restarts (>= 1, shown apart)")
    p.add_argument("--batch-tokens", type=float, metavar="B",
                   help="tokens per optimizer step (default Kaplan's critical batch)")
    p.add_argument("--precision", default="mixed-adamw", choices=list(PRECISIONS),
                   help="training recipe for the memory row (default mixed-adamw, 16 B/param)")
    p.add_argument("--zero-stage", type=int, default=3, choices=[0, 1, 2, 3],
                   help="ZeRO stage for the memory row (default 3)")
    r = p.add_argument_group("uncertainty (--range)")
    r.add_argument("--range", action="store_true",
                   help="bootstrap the 2024 refit's data and show N, D and loss as intervals")
    r.add_argument("--n-resamples", type=int, default=1000, help="bootstrap resamples")
    r.add_argument("--level", type=float, default=0.95, help="coverage of the intervals")
    r.add_argument("--seed", type=int, default=0, help="seed of the resampling")

    p = command("count", run_count, "parameters of a model: total, active, non-embedding",
                "Exact parameter counts from a config.json or a registry shape: total, active "
                "per token (mixtures of experts), Kaplan's and Hugging Face's non-embedding "
                "counts, and the split by component.")
    _model_flags(p, count=False)

    p = command("flops", run_flops, "training FLOPs per token and for D tokens",
                "FLOPs per training token by 6N, Kaplan's Table 1, PaLM's 6N + 12LHQT and "
                "Chinchilla's App. F; with --n-tokens, for the whole run.")
    _model_flags(p, shape=True)
    p.add_argument("--n-tokens", type=float, metavar="D", help="training tokens [tokens]")

    p = command("mfu", run_mfu, "MFU from a throughput, or the time at a given MFU",
                "Measure MFU and HFU from --tokens-per-second (or --step-time and "
                "--tokens-per-step), or give --mfu and --n-tokens for the days it takes.")
    _model_flags(p, shape=True)
    p.add_argument("--n-devices", type=float, required=True, metavar="N", help="devices")
    _device_flags(p)
    p.add_argument("--peak-flops-per-device", type=float, metavar="FLOP/S",
                   help="dense peak of one device, instead of --gpu")
    p.add_argument("--tokens-per-second", type=float, metavar="X", help="whole-job throughput")
    p.add_argument("--step-time", type=float, metavar="S", help="seconds per optimizer step")
    p.add_argument("--tokens-per-step", type=float, metavar="B", help="tokens per step")
    p.add_argument("--recomputed-forward", type=float, default=1.0, metavar="R",
                   help="share of a forward pass recomputed, for HFU (default 1: full)")
    p.add_argument("--mfu", type=float, metavar="U", help="an MFU, to get the time instead")
    p.add_argument("--n-tokens", type=float, metavar="D", help="training tokens, with --mfu")

    p = command("memory", run_memory, "memory per device, and the fewest devices that hold it",
                "Weights, gradients and optimizer states (ZeRO stages) and activations "
                "(Korthikanti et al.) per device; the fewest devices of a kind that hold the run, "
                "or the memory on --n-devices.")
    _model_flags(p)
    p.add_argument("--gpu", default="H100-SXM", metavar="NAME",
                   help="accelerator (python -m lessons list gpus)")
    p.add_argument("--n-devices", type=float, metavar="N",
                   help="devices in the job (default: find the fewest)")
    p.add_argument("--precision", default="mixed-adamw", choices=list(PRECISIONS))
    p.add_argument("--zero-stage", type=int, default=3, choices=[0, 1, 2, 3])
    p.add_argument("--tensor-parallel", type=int, default=1, metavar="T")
    p.add_argument("--pipeline-parallel", type=int, default=1, metavar="P")
    p.add_argument("--recompute", default="selective", choices=list(RECOMPUTE))
    p.add_argument("--micro-batch-size", type=int, default=1, metavar="B",
                   help="sequences per micro-batch per device")
    p.add_argument("--memory-fraction", type=float, default=1.0, metavar="F",
                   help="share of device memory the run may use (default 1.0)")

    p = command("list", run_list, "names accepted by --gpu, --arch, --fit, --precision, --strategy",
                "List the accelerators, shapes, fits, precisions or strategies the flags accept.")
    p.add_argument("what", choices=["gpus", "archs", "fits", "precisions", "strategies"])
    for subparser in sub.choices.values():   # errors name flags, not Python parameters
        subparser.set_defaults(flags={a.dest: a.option_strings[-1] for a in subparser._actions
                                      if a.option_strings and "_" in a.dest})
    return parser


def _as_flags(message: str, flags: dict[str, str]) -> str:
    """The package's error names Python parameters (budget_usd); the command line's, flags."""
    for dest, flag in sorted(flags.items(), key=lambda kv: -len(kv[0])):
        message = re.sub(rf"(?<![\w-]){dest}(?![\w])", flag, message)
    return message


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status (0 ok, 2 bad input, 1 missing data)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        report = args.run(args)
    except ValueError as err:
        print(f"error: {_as_flags(str(err), args.flags)}", file=sys.stderr)
        return 2
    except RuntimeError as err:    # e.g. the Chinchilla data for --range cannot be read
        print(f"error: {err}", file=sys.stderr)
        return 1
    try:
        if args.json:
            print(json.dumps(report.data, indent=2, allow_nan=False, default=str))
        else:
            print(report.text())
        sys.stdout.flush()
    except BrokenPipeError:   # `... | head`: the reader left; not an error of the run
        sys.stdout = open(os.devnull, "w")   # as the Python docs advise for SIGPIPE
    return 0


if __name__ == "__main__":   # pragma: no cover
    sys.exit(main())
