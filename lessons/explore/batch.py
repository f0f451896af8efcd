"""Explorers of the chapter *Batch size, learning rate and schedules at scale*.

DeepSeek LLM's laws are closed forms, computed in the page on the site. The noise scale and the
cooldowns are measurements (numpy training runs, committed as tables), so those views are
frames computed when the page is built (:class:`lessons.explore.core.Explorer`), wired to the
measured tables of :mod:`lessons.noise_study` and :mod:`lessons.cooldown_study` and to
:mod:`lessons.tinylm`'s schedules. No formula lives here.
"""

from __future__ import annotations

import numpy as np

from .computed import ComputedView, Field, Output
from .core import Control, Explorer

__all__ = ["cooldown_explorer", "hyperparameter_explorer", "hyperparameter_view",
           "noise_scale_explorer"]

#: Batch sizes the noise-scale explorer tries [windows]: ×4 steps from 64 to 65,536.
_BATCHES = (64, 256, 1024, 4096, 16384, 65536)


def noise_scale_explorer(results=None) -> Explorer:
    """A point of the measured run × a batch size -> the noise scale and what the batch costs.

    Parameters
    ----------
    results : NoiseResults, optional
        The measured table; default the committed one (:func:`lessons.noise_study.
        load_noise_results`).

    Returns
    -------
    Explorer
        Two sliders, the checkpoint [tokens trained] and the batch size [windows]; each frame
        is a table: the loss, B_simple with its rough interval, and S/S_min, E/E_min at that
        batch taking B_crit ≈ B_simple (:func:`lessons.batch.tradeoff`).

    Examples
    --------
    >>> ex = noise_scale_explorer()
    >>> ex.shape
    (11, 6)
    >>> "B_simple" in ex.frame()
    True
    """
    from .. import batch
    from ..noise_study import load_noise_results

    res = load_noise_results() if results is None else results
    _, _, b_simple = res.noise_scale()
    low, high = res.b_simple_range()
    tokens = tuple(int(t) for t in res.tokens)

    def view(tokens_seen, batch_size):
        i = tokens.index(tokens_seen)
        steps, examples = batch.tradeoff(batch_size, b_simple[i])
        return {
            "Loss of the model here [nats/token]": float(res.loss[i]),
            "B_simple = tr Σ / |G|² [windows]": float(b_simple[i]),
            "B_simple, rough interval (±2 s.e. on |G|²), low [windows]": float(low[i]),
            "B_simple, rough interval, high [windows]": "unbounded" if not np.isfinite(high[i])
            else float(high[i]),
            "Steps needed, S/S_min [ratio]": steps,
            "Examples needed, E/E_min [ratio]": examples,
            "Steps saved by doubling the batch [fraction]":
                1.0 - float(batch.tradeoff(2 * batch_size, b_simple[i])[0]) / steps,
        }

    return Explorer(view, {
        "tokens_seen": Control("Point of the run [tokens trained]", tokens,
                               default=tokens[-1]),
        "batch_size": Control("Batch size B [windows]", _BATCHES, default=256),
    }, title="The measured noise scale, and what a batch size costs in steps and in data")


#: Budgets of the hyperparameter view's chart: 10^17 to 10^27 FLOP, 4 points per decade.
_HYPER_CHART_BUDGETS = tuple(10 ** (17 + k / 4) for k in range(41))


def hyperparameter_view(flops_budget, seq_len) -> dict:
    """DeepSeek LLM's model scale, data, batch and peak learning rate for a budget.

    Every number comes from :func:`lessons.batch.deepseek_optimal`,
    :func:`~lessons.batch.deepseek_batch` and :func:`~lessons.batch.deepseek_lr`; the warning
    from :func:`lessons.chinchilla.extrapolation` over :data:`lessons.batch.FITTED_RANGE`.

    Parameters
    ----------
    flops_budget : float
        Compute C = M·D [FLOP].
    seq_len : float
        Context length [tokens], to express the batch in sequences.

    Returns
    -------
    dict
        ``values`` (``flops_per_token`` [FLOP/token], ``n_tokens`` [tokens], ``batch_tokens``
        [tokens], ``batch_sequences`` [sequences], ``lr`` [dimensionless], ``steps`` [steps]),
        ``chart`` (B_opt and η_opt against C) and ``warning``.

    Examples
    --------
    >>> v = hyperparameter_view(1e23, 4096)["values"]
    >>> f"{v['batch_tokens']:.3g} tokens, lr {v['lr']:.3g}"
    '9.74e+06 tokens, lr 0.000416'
    """
    from .. import batch, chinchilla
    from .._validate import positive

    c = float(flops_budget)
    m, d = batch.deepseek_optimal(c)
    b = batch.deepseek_batch(c)
    seq = float(positive("seq_len", seq_len, unit="tokens"))
    values = {"flops_per_token": m, "n_tokens": d, "batch_tokens": b,
              "batch_sequences": b / seq, "lr": batch.deepseek_lr(c), "steps": d / b}
    xs = list(_HYPER_CHART_BUDGETS)
    law = batch.DEEPSEEK_LLM
    low, high = batch.FITTED_RANGE.flops
    chart = {"title": "DeepSeek LLM's batch against budget", "xlabel": "Compute C [FLOP]",
             "ylabel": "Batch B_opt [tokens]", "logx": True, "logy": True, "series": [
                 {"label": f"B_opt = {law.batch_coef:.4f}·C^{law.batch_exp:.4f}",
                  "style": "solid", "x": xs,
                  "y": [batch.deepseek_batch(x) for x in xs]},
                 {"label": "fitted budgets", "style": "dashed", "x": [low, high],
                  "y": [batch.deepseek_batch(low), batch.deepseek_batch(high)]}],
             "marks": [{"label": "your budget", "x": c, "y": b}]}
    warning = chinchilla.extrapolation(flops=c, span=batch.FITTED_RANGE)
    return {"values": values, "chart": chart, "warning": warning}


def hyperparameter_explorer() -> ComputedView:
    """A compute budget and a context length -> DeepSeek LLM's model scale, data, batch and rate.

    Taught in the chapter *Batch size, learning rate and schedules at scale*; the view is
    :func:`hyperparameter_view`, a closed form computed in the page on the site.

    Returns
    -------
    ComputedView
        Fields ``flops_budget`` [FLOP] and ``seq_len`` [tokens].

    Examples
    --------
    >>> "Peak learning rate" in hyperparameter_explorer().html()
    True
    """
    return ComputedView("batch.hyperparameter_view", hyperparameter_view, [
        Field("flops_budget", "Compute budget C = M·D [FLOP]", 1e23, slider=(1e17, 1e27)),
        Field("seq_len", "Context length [tokens]", 4096.0, slider=(512, 131072)),
    ], [
        Output("flops_per_token", "Model scale M_opt, non-embedding FLOP per token [FLOP/token]"),
        Output("n_tokens", "Training tokens D_opt [tokens]"),
        Output("batch_tokens", "Batch B_opt [tokens]"),
        Output("batch_sequences", "Batch B_opt in sequences of {seq_len} tokens [sequences]"),
        Output("lr", "Peak learning rate η_opt (AdamW) [dimensionless]"),
        Output("steps", "Optimizer steps D_opt/B_opt [steps]"),
    ], title="DeepSeek LLM's laws: the batch and learning rate of a planned run")


def cooldown_explorer(results=None) -> Explorer:
    """A run length and a seed -> the two schedules, and the measured final losses.

    Parameters
    ----------
    results : CooldownResults, optional
        The measured table; default the committed one (:func:`lessons.cooldown_study.
        load_cooldown_results`).

    Returns
    -------
    Explorer
        Two sliders, run length [tokens] and seed; each frame is a figure of the cosine
        schedule and of the constant-rate trunk with that length's cooldown, and a table of the
        measured losses and what each way costs.

    Examples
    --------
    >>> ex = cooldown_explorer()
    >>> ex.shape
    (5, 2)
    """
    from .. import plots
    from ..cooldown_study import load_cooldown_results
    from ..tinylm import lr_schedule, wsd_schedule

    res = load_cooldown_results() if results is None else results
    cfg = res.config
    lengths = tuple(int(d) for d in cfg.lengths)

    def view(n_tokens, seed):
        i = lengths.index(n_tokens)
        n = n_tokens // cfg.batch
        steps = np.arange(n)
        cosine_lr = lr_schedule(steps, n, cfg.cosine_lrs[i], round(cfg.warmup_fraction * n))
        wsd_lr = wsd_schedule(steps, n, cfg.wsd_lr, cfg.warmup_steps,
                              round(cfg.cooldown_fraction * n))
        fig = plots.line(steps * cfg.batch, {"cosine, its own run": cosine_lr,
                                             "trunk + 20 % (1-√) cooldown": wsd_lr},
                         xlabel="Tokens trained [tokens]", ylabel="Learning rate [per step]",
                         title=f"Two schedules for a run of {n_tokens:,} tokens")
        cos = res.loss[res.pick("cosine", seed=seed) & (res.n_tokens == n_tokens)][0]
        row = res.pick("wsd", seed=seed, fraction=cfg.cooldown_fraction, shape="1-sqrt") & (
            res.n_tokens == n_tokens)
        wsd, trunk = res.loss[row][0], res.branch_loss[row][0]
        rows = {
            "Cosine run, final loss [nats/token]": float(cos),
            "Trunk + cooldown, final loss [nats/token]": float(wsd),
            "Cooldown minus cosine [nats/token]": float(wsd - cos),
            "Trunk at the branch point, before cooling down [nats/token]": float(trunk),
            "Tokens of this cooldown alone [tokens]": float(cfg.cooldown_fraction * n_tokens),
            "Tokens of the cosine run [tokens]": float(n_tokens),
        }
        return fig, rows

    return Explorer(view, {
        "n_tokens": Control("Run length [tokens]", lengths, default=lengths[-1]),
        "seed": Control("Seed", tuple(cfg.seeds), default=cfg.seeds[0],
                        names=tuple(str(s) for s in cfg.seeds)),
    }, title="One constant-rate run with cooldowns, against a cosine run per length")
