"""One constant-rate run with cooldowns against separate cosine runs, on the course's model.

Taught in the chapter *Batch size, learning rate and schedules at scale*.

A scaling study needs the final loss of a model at several token counts, and a cosine schedule
must be fitted to each run's own length (Hoffmann et al. 2022, §3.1), so each length costs a
run from scratch. Hägele et al. (2024) show that a warmup-stable-decay schedule removes most
of that cost: train once at a constant rate, and for each length branch off a short cooldown
(a (1−√) decay over the last 20 % of its steps, :func:`lessons.tinylm.wsd_schedule`).

:data:`COOLDOWN_STUDY` measures it on the course's model: for each of five lengths, a cosine
run with the scaling study's tuned rate, and a 20 % (1−√) cooldown branched from one
constant-rate trunk; at the longest length also cooldowns of 5, 10 and 40 % and a linear one;
all of it for two seeds. :func:`study_tokens` counts what each way costs.

``python tools/run_schedule_studies.py cooldowns`` remakes ``lessons/cooldown_results.csv`` (about four minutes
on one core); ``--tiny`` runs a small version in seconds.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from ._measured import column, config_from_dict, config_to_dict, read_table, write_table
from ._validate import fraction, output, positive
from .study import STUDY
from .synthetic import LanguageSpec, make_language
from .tinylm import Trainer, train, wsd_schedule

__all__ = [
    "COOLDOWN_COLUMNS",
    "COOLDOWN_RESULTS_PATH",
    "COOLDOWN_STUDY",
    "COOLDOWN_TINY",
    "CooldownConfig",
    "CooldownResults",
    "load_cooldown_results",
    "run_cooldown_study",
    "study_tokens",
    "write_cooldown_results",
]

#: Where the committed table lives (package data).
COOLDOWN_RESULTS_PATH = Path(__file__).with_name("cooldown_results.csv")

#: Columns of the table, in order; units in :class:`CooldownResults`.
COOLDOWN_COLUMNS = ("schedule", "shape", "seed", "n_tokens", "cooldown_fraction",
                    "branch_tokens", "peak_lr", "loss", "branch_loss", "seconds")


@dataclass(frozen=True)
class CooldownConfig:
    """Everything the cooldown table depends on.

    Attributes
    ----------
    language : LanguageSpec
        The synthetic language (the scaling study's).
    width : int
        Hidden width h of the model [units].
    batch : int
        Windows per step [tokens].
    lengths : tuple of int
        The run lengths compared, multiples of ``batch`` [tokens].
    cosine_lrs : tuple of float
        Peak rate of the cosine run of each length, the scaling study's rule [dimensionless].
    wsd_lr : float
        The one constant rate of the trunk [dimensionless].
    warmup_steps : int
        Warm-up of the trunk [steps]; the cosine runs warm up over ``warmup_fraction``.
    warmup_fraction : float
        Warm-up share of each cosine run [fraction].
    cooldown_fraction : float
        The cooldown of every length's branch [fraction of that length's steps].
    extra_fractions : tuple of float
        Further cooldowns tried at the longest length [fractions].
    seeds : tuple of int
        Seeds of model and data; each seed repeats everything [integers].
    """

    language: LanguageSpec
    width: int
    batch: int
    lengths: tuple
    cosine_lrs: tuple
    wsd_lr: float
    warmup_steps: int
    warmup_fraction: float
    cooldown_fraction: float
    extra_fractions: tuple
    seeds: tuple

    def __post_init__(self) -> None:
        lengths = list(self.lengths)
        if not lengths or lengths != sorted(set(lengths)) or any(d % self.batch for d in lengths):
            raise ValueError(f"lengths must be increasing multiples of batch={self.batch}; got "
                             f"{lengths}.")
        if len(self.cosine_lrs) != len(lengths):
            raise ValueError("cosine_lrs needs one rate per length.")
        fraction("cooldown_fraction", self.cooldown_fraction)
        for f in self.extra_fractions:
            fraction("extra_fractions", f)
        positive("wsd_lr", self.wsd_lr)
        if self.warmup_steps + round(self.cooldown_fraction * lengths[0] / self.batch) \
                > lengths[0] // self.batch:
            raise ValueError("the shortest run must hold the trunk's warm-up and its cooldown.")

    def branches(self) -> list[tuple[int, int, float, str]]:
        """Every cooldown as (branch step, run steps, cooldown fraction, shape), in the order
        the trunk reaches them [steps, steps, fraction, name]."""
        steps = [d // self.batch for d in self.lengths]
        out = [(n - round(self.cooldown_fraction * n), n, self.cooldown_fraction, "1-sqrt")
               for n in steps]
        n = steps[-1]
        out += [(n - round(f * n), n, f, "1-sqrt") for f in self.extra_fractions]
        out.append((n - round(self.cooldown_fraction * n), n, self.cooldown_fraction, "linear"))
        return sorted(out)


_LENGTHS = tuple(256 * s for s in (1024, 2048, 4096, 8192, 16384))

#: The measurement: width 256 (59,680 parameters), five lengths from 262,144 to 4,194,304
#: tokens; cosine runs at the scaling study's rate for their length; one trunk at the rate the
#: study gives the longest run, warmed up over 51 steps (5 % of the shortest run); 20 %
#: cooldowns, and 5, 10 and 40 % at the longest; seeds 0 and 1.
COOLDOWN_STUDY = CooldownConfig(
    language=STUDY.language, width=256, batch=256, lengths=_LENGTHS,
    cosine_lrs=tuple(STUDY.lr(256, d) for d in _LENGTHS), wsd_lr=STUDY.lr(256, _LENGTHS[-1]),
    warmup_steps=round(STUDY.warmup_fraction * _LENGTHS[0] / 256),
    warmup_fraction=STUDY.warmup_fraction, cooldown_fraction=0.2,
    extra_fractions=(0.05, 0.1, 0.4), seeds=(0, 1))

#: A version that runs in seconds: for tests and for trying the tool.
COOLDOWN_TINY = replace(COOLDOWN_STUDY, width=48, batch=64, lengths=(64 * 40, 64 * 80),
                        cosine_lrs=(1e-2, 1e-2), wsd_lr=1e-2, warmup_steps=2,
                        extra_fractions=(0.4,), seeds=(0,))


def study_tokens(lengths, cooldown_fraction=0.2):
    """Tokens a study of several run lengths costs with cosine runs and with one WSD trunk.

    Parameters
    ----------
    lengths : array_like
        The run lengths the study needs final losses for [tokens].
    cooldown_fraction : float
        Each branch's cooldown share of its length [fraction].

    Returns
    -------
    (cosine, wsd) : tuple of float
        Σ D_i, one run per length [tokens]; and (1 − f)·max D_i + f·Σ D_i, one trunk up to the
        last branch point plus every cooldown [tokens].

    Notes
    -----
    A cosine schedule is fitted to its run's length, so every length is a run from scratch
    (Hoffmann et al. 2022 §3.1). A warmup-stable-decay run shares its constant-rate trunk: the
    run of length D_i branches at (1 − f)·D_i and cools down for f·D_i (Hägele et al. 2024).
    With lengths doubling, Σ D_i ≈ 2·max D_i, so the trunk saves about (1 − f)/2 of the cost.

    References
    ----------
    Hägele et al. (2024) §4; Hoffmann et al. (2022) §3.1.

    Examples
    --------
    >>> cosine, wsd = study_tokens([1e9, 2e9, 4e9, 8e9, 16e9])
    >>> f"{cosine:.3g} {wsd:.3g} {1 - wsd / cosine:.0%}"
    '3.1e+10 1.9e+10 39%'
    """
    d = positive("lengths", lengths, unit="tokens").ravel()
    f = float(fraction("cooldown_fraction", cooldown_fraction))
    if d.size == 0:
        raise ValueError("lengths must list at least one run length [tokens].")
    total = float(d.sum())
    return output(np.asarray(total), 0.0), output(np.asarray((1 - f) * d.max() + f * total), 0.0)


def run_cooldown_study(config: CooldownConfig = COOLDOWN_STUDY) -> list[tuple]:
    """Train the cosine runs and the trunk with its cooldowns, for every seed, on one core.

    Parameters
    ----------
    config : CooldownConfig
        The measurement [see :class:`CooldownConfig` for units].

    Returns
    -------
    list of tuple
        Rows in :data:`COOLDOWN_COLUMNS` order: schedule (``"cosine"`` or ``"wsd"``), cooldown
        shape, seed, run length [tokens], cooldown fraction [fraction], branch point [tokens]
        (0 for cosine), peak rate [dimensionless], exact final loss [nats/token], the trunk's
        loss at the branch point [nats/token] (nan for cosine) and the run's seconds [s].

    Notes
    -----
    Cosine: :func:`lessons.tinylm.train`. WSD: one :class:`lessons.tinylm.Trainer` at the
    constant rate of :func:`lessons.tinylm.wsd_schedule`; at each branch point a copy runs the
    rest of the schedule of its length, cooldown included.

    References
    ----------
    Hägele et al. (2024) §3-4; Hoffmann et al. (2022) §3.1.

    Examples
    --------
    >>> rows = run_cooldown_study(replace(COOLDOWN_TINY, extra_fractions=()))
    >>> sorted({(r[0], r[3]) for r in rows})
    [('cosine', 2560), ('cosine', 5120), ('wsd', 2560), ('wsd', 5120)]
    """
    if not isinstance(config, CooldownConfig):
        raise ValueError(f"config must be a CooldownConfig; got {type(config).__name__}.")
    language = make_language(config.language)
    rows: list[tuple] = []
    for seed in config.seeds:
        for d, lr in zip(config.lengths, config.cosine_lrs, strict=True):
            r = train(language, config.width, d, seed, batch=config.batch, peak_lr=lr,
                      warmup_fraction=config.warmup_fraction)
            rows.append(("cosine", "cosine", seed, d, 0.0, 0, lr, r.loss, float("nan"),
                         r.seconds))
        longest = config.lengths[-1] // config.batch
        trunk_rates = wsd_schedule(np.arange(longest), longest, config.wsd_lr,
                                   config.warmup_steps, 0)
        trunk, done = Trainer(language, config.width, seed, batch=config.batch), 0
        for at, n, f, shape in config.branches():
            trunk.run(trunk_rates[done:at])
            done = at
            start = time.perf_counter()
            branch = trunk.branch()
            branch.run(wsd_schedule(np.arange(n), n, config.wsd_lr, config.warmup_steps,
                                    n - at, shape)[at:])
            seconds = time.perf_counter() - start
            rows.append(("wsd", shape, seed, n * config.batch, f, at * config.batch,
                         config.wsd_lr, branch.loss(), trunk.loss(), seconds))
    return rows


def write_cooldown_results(rows, path, config: CooldownConfig = COOLDOWN_STUDY):
    """Write the rows of :func:`run_cooldown_study` with the configuration in the header.

    Parameters
    ----------
    rows : list of tuple
        As returned by :func:`run_cooldown_study`.
    path : str or Path
        Where to write.
    config : CooldownConfig
        The configuration the rows were measured with.

    Returns
    -------
    Path
        The file written.

    Notes
    -----
    Header: the configuration as JSON and the language's entropy rate [nats/token].

    References
    ----------
    Cover & Thomas (2006), Theorem 4.2.4.

    Examples
    --------
    >>> import tempfile, os
    >>> cfg = replace(COOLDOWN_TINY, lengths=(2560,), cosine_lrs=(1e-2,), extra_fractions=())
    >>> out = write_cooldown_results(run_cooldown_study(cfg),
    ...                              os.path.join(tempfile.mkdtemp(), "c.csv"), cfg)
    >>> load_cooldown_results(out).schedule.tolist()
    ['cosine', 'wsd', 'wsd']
    """
    entropy = make_language(config.language).entropy_rate()
    return write_table(path, "Cosine runs against cooldowns branched from one constant-rate "
                       "run of the course's model (lessons.cooldown_study).",
                       "n_tokens and branch_tokens [tokens], cooldown_fraction [fraction], "
                       "peak_lr [dimensionless], loss and branch_loss [nats/token], "
                       "seconds [s]", config_to_dict(config), entropy, COOLDOWN_COLUMNS, rows)


@dataclass(frozen=True)
class CooldownResults:
    """The cooldown table as arrays, one entry per run or branch.

    Attributes
    ----------
    schedule, shape : numpy.ndarray of str
        ``"cosine"`` or ``"wsd"``; the cooldown shape (``"cosine"`` for cosine runs).
    seed : numpy.ndarray
        Seed [integer].
    n_tokens : numpy.ndarray
        Length of the run [tokens].
    cooldown_fraction : numpy.ndarray
        Cooldown share of the run (0 for cosine) [fraction].
    branch_tokens : numpy.ndarray
        Where the cooldown left the trunk (0 for cosine) [tokens].
    peak_lr : numpy.ndarray
        Peak rate [dimensionless].
    loss, branch_loss : numpy.ndarray
        Exact final loss, and the trunk's loss at the branch point (nan for cosine)
        [nats/token].
    seconds : numpy.ndarray
        Time of the run, or of the cooldown alone [s].
    entropy : float
        The language's entropy rate [nats/token].
    config : CooldownConfig
        The configuration that produced the table.
    """

    schedule: np.ndarray
    shape: np.ndarray
    seed: np.ndarray
    n_tokens: np.ndarray
    cooldown_fraction: np.ndarray
    branch_tokens: np.ndarray
    peak_lr: np.ndarray
    loss: np.ndarray
    branch_loss: np.ndarray
    seconds: np.ndarray
    entropy: float
    config: CooldownConfig

    def pick(self, schedule: str, *, seed=None, fraction=None, shape=None) -> np.ndarray:
        """A mask of the rows of one schedule (and seed, cooldown fraction, shape) [bool].

        Parameters
        ----------
        schedule : str
            ``"cosine"`` or ``"wsd"`` [name].
        seed : int, optional
            Keep this seed only [integer].
        fraction : float, optional
            Keep this cooldown fraction only [fraction].
        shape : str, optional
            Keep this cooldown shape only [name].

        Examples
        --------
        >>> res = load_cooldown_results()
        >>> int(res.pick("cosine", seed=0).sum()) == len(res.config.lengths)
        True
        """
        mask = self.schedule == schedule
        if seed is not None:
            mask &= self.seed == seed
        if fraction is not None:
            mask &= np.isclose(self.cooldown_fraction, fraction)
        if shape is not None:
            mask &= self.shape == shape
        return mask

    def main_comparison(self):
        """Per seed and length: the cosine loss and the 20 % (1−√) cooldown's [nats/token].

        Returns
        -------
        (lengths, cosine, wsd) : tuple of numpy.ndarray
            Lengths [tokens]; losses of shape (seeds, lengths) [nats/token].

        Examples
        --------
        >>> lengths, cosine, wsd = load_cooldown_results().main_comparison()
        >>> cosine.shape == wsd.shape == (2, 5)
        True
        """
        lengths = np.array(self.config.lengths)
        cosine, wsd = [], []
        for s in self.config.seeds:
            cos_rows = self.pick("cosine", seed=s)
            wsd_rows = self.pick("wsd", seed=s, fraction=self.config.cooldown_fraction,
                                 shape="1-sqrt")
            cosine.append([self.loss[cos_rows & (self.n_tokens == d)][0] for d in lengths])
            wsd.append([self.loss[wsd_rows & (self.n_tokens == d)][0] for d in lengths])
        return lengths, np.array(cosine), np.array(wsd)


def load_cooldown_results(path=None) -> CooldownResults:
    """Read a table written by :func:`write_cooldown_results` (default: the committed one).

    Parameters
    ----------
    path : str or Path, optional
        The CSV; default :data:`COOLDOWN_RESULTS_PATH`.

    Returns
    -------
    CooldownResults
        The arrays [see :class:`CooldownResults` for units], the entropy rate and the config.

    Notes
    -----
    The comparison to read: loss of a cooldown minus loss of the cosine run of the same length
    and seed [nats/token] (Hägele et al. 2024, Fig. 3).

    References
    ----------
    Hägele et al. (2024) §3.

    Examples
    --------
    >>> res = load_cooldown_results()
    >>> res.config == COOLDOWN_STUDY, sorted(set(res.schedule.tolist()))
    (True, ['cosine', 'wsd'])
    """
    config, entropy, rows = read_table(COOLDOWN_RESULTS_PATH if path is None else path,
                                       COOLDOWN_COLUMNS)

    def col(name, kind=float):
        return column(rows, name, kind)

    return CooldownResults(schedule=col("schedule", str), shape=col("shape", str),
                           seed=col("seed", int), n_tokens=col("n_tokens", int),
                           cooldown_fraction=col("cooldown_fraction"),
                           branch_tokens=col("branch_tokens", int), peak_lr=col("peak_lr"),
                           loss=col("loss"), branch_loss=col("branch_loss"),
                           seconds=col("seconds"), entropy=entropy,
                           config=config_from_dict(CooldownConfig, config))
