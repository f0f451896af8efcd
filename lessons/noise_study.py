"""The gradient noise scale of the course's own language model, measured along one training run.

Taught in the chapter *Batch size, learning rate and schedules at scale*.

:data:`NOISE_STUDY` trains one model of :mod:`lessons.tinylm` on the study's synthetic language
with the study's cosine schedule and, at a dozen points of the run, measures the two squared
gradient norms that the two-batch estimator needs (:func:`lessons.batch.noise_scale`): the
gradient of a big batch of B_big windows, and the gradients of its B_big/B_small sub-batches of
B_small windows, as data-parallel training gets them for free (a device's micro-batch and the
global batch). Each measurement is repeated on fresh batches and averaged; the table keeps the
means and their standard errors, and the exact loss at each point.

``python tools/run_schedule_studies.py noise`` remakes ``lessons/noise_scale_results.csv`` (about two and a
half minutes on one core); ``--tiny`` runs a small version in seconds.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from ._measured import column, config_from_dict, config_to_dict, read_table, write_table
from ._validate import positive
from .batch import noise_scale
from .study import STUDY
from .synthetic import LanguageSpec, SyntheticLanguage, make_language
from .tinylm import Trainer, loss_and_grads, lr_schedule

__all__ = [
    "NOISE_COLUMNS",
    "NOISE_RESULTS_PATH",
    "NOISE_STUDY",
    "NOISE_TINY",
    "NoiseResults",
    "NoiseStudyConfig",
    "gradient_norms",
    "load_noise_results",
    "run_noise_study",
    "write_noise_results",
]

#: Where the committed table lives (package data).
NOISE_RESULTS_PATH = Path(__file__).with_name("noise_scale_results.csv")

#: Columns of the table, in order; units in :class:`NoiseResults`.
NOISE_COLUMNS = ("step", "tokens", "lr", "loss", "g_small_sq", "g_big_sq", "se_small",
                 "se_big", "seconds")


@dataclass(frozen=True)
class NoiseStudyConfig:
    """Everything the noise-scale table depends on.

    Attributes
    ----------
    language : LanguageSpec
        The synthetic language (the scaling study's).
    width : int
        Hidden width h of the model [units].
    n_tokens : int
        Length of the run, a multiple of ``batch`` [tokens].
    batch : int
        Training windows per step [tokens].
    peak_lr : float
        Peak learning rate of the cosine schedule [dimensionless].
    warmup_fraction : float
        Share of the steps spent warming up [fraction].
    checkpoints : tuple of float
        Where to measure, as fractions of the run in [0, 1]; 0 is the initialisation [fraction].
    b_small, b_big : int
        The two batch sizes of the estimator; b_big is a multiple of b_small [windows].
    repeats : int
        Fresh big batches averaged per checkpoint [count].
    seed : int
        Seed of the model, its data and the measurement batches [integer].
    """

    language: LanguageSpec
    width: int
    n_tokens: int
    batch: int
    peak_lr: float
    warmup_fraction: float
    checkpoints: tuple
    b_small: int
    b_big: int
    repeats: int
    seed: int

    def __post_init__(self) -> None:
        if self.n_tokens % self.batch or self.n_tokens < 2 * self.batch:
            raise ValueError(f"n_tokens must be a multiple of batch={self.batch}, at least two "
                             f"steps; got {self.n_tokens!r}.")
        if self.b_big % self.b_small or self.b_big <= self.b_small:
            raise ValueError(f"b_big must be a multiple of b_small larger than it; got "
                             f"b_small={self.b_small}, b_big={self.b_big}.")
        points = list(self.checkpoints)
        if not points or points != sorted(set(points)) or points[0] < 0 or points[-1] > 1:
            raise ValueError(f"checkpoints must be increasing fractions in [0, 1]; got {points}.")
        positive("peak_lr", self.peak_lr)
        positive("repeats", self.repeats, unit="count")

    @property
    def n_steps(self) -> int:
        """Optimizer steps of the run [steps]."""
        return self.n_tokens // self.batch

    def steps(self) -> list[int]:
        """The checkpoints as step counts, in order [steps]."""
        return [round(f * self.n_steps) for f in self.checkpoints]


#: The measurement: a model of width 256 (59,680 parameters) trained for 4.2 million tokens
#: with the scaling study's cosine schedule and learning-rate rule, measured at 11 points with
#: B_small = 64 and B_big = 8,192 windows, 16 big batches each.
NOISE_STUDY = NoiseStudyConfig(
    language=STUDY.language, width=256, n_tokens=16384 * 256, batch=256,
    peak_lr=STUDY.lr(256, 16384 * 256), warmup_fraction=STUDY.warmup_fraction,
    checkpoints=(0.0, 1 / 256, 1 / 64, 1 / 32, 1 / 16, 1 / 8, 1 / 4, 1 / 2, 3 / 4, 7 / 8, 1.0),
    b_small=64, b_big=8192, repeats=16, seed=0)

#: A version that runs in seconds: for tests and for trying the tool.
NOISE_TINY = replace(NOISE_STUDY, width=48, n_tokens=64 * 128, batch=128,
                     checkpoints=(0.0, 0.5, 1.0), b_small=16, b_big=256, repeats=3)


def gradient_norms(params: dict, language: SyntheticLanguage, b_small: int, b_big: int,
                   repeats: int, rng: np.random.Generator) -> tuple[float, float, float, float]:
    """Mean squared gradient norms at two batch sizes, with their standard errors.

    Parameters
    ----------
    params : dict of numpy.ndarray
        The model's weights [dimensionless].
    language : SyntheticLanguage
        Where the windows come from.
    b_small, b_big : int
        The batch sizes; each big batch is split into b_big/b_small small ones [windows].
    repeats : int
        Big batches drawn [count].
    rng : numpy.random.Generator
        The source of the batches.

    Returns
    -------
    (g_small_sq, g_big_sq, se_small, se_big) : tuple of float
        Mean |G_small|² and |G_big|² over the repeats [squared gradient norm], and the standard
        errors of those means [the same].

    Notes
    -----
    The big batch's gradient is the mean of its small batches' gradients, so one pass over
    b_big windows gives both norms (how gpt-neox measures it across data-parallel ranks).

    References
    ----------
    McCandlish et al. (2018) App. A.1 [SECONDARY].

    Examples
    --------
    >>> from lessons.tinylm import init_params
    >>> lang = make_language(seed=0, vocab=8, order=2, level_weights=(0.3, 0.3, 0.4))
    >>> p = init_params(8, 2, 16, 4, dtype=np.float64)
    >>> s, b, _, _ = gradient_norms(p, lang, 4, 64, 4, np.random.default_rng(0))
    >>> bool(s > b > 0)
    True
    """
    parts = b_big // b_small
    small, big = [], []
    for _ in range(repeats):
        contexts, targets = language.sample_windows(b_big, rng)
        total, squares = None, 0.0
        for i in range(parts):
            window = slice(i * b_small, (i + 1) * b_small)
            _, grads = loss_and_grads(params, contexts[window], targets[window])
            flat = np.concatenate([g.ravel().astype(np.float64) for g in grads.values()])
            squares += float(flat @ flat)
            total = flat if total is None else total + flat
        mean = total / parts
        small.append(squares / parts)
        big.append(float(mean @ mean))
    n = len(small)
    return (float(np.mean(small)), float(np.mean(big)),
            float(np.std(small, ddof=1) / np.sqrt(n)) if n > 1 else float("nan"),
            float(np.std(big, ddof=1) / np.sqrt(n)) if n > 1 else float("nan"))


def run_noise_study(config: NoiseStudyConfig = NOISE_STUDY) -> list[tuple]:
    """Train the model and measure the gradient norms at each checkpoint, on one core.

    Parameters
    ----------
    config : NoiseStudyConfig
        The measurement [see :class:`NoiseStudyConfig` for units].

    Returns
    -------
    list of tuple
        One row per checkpoint, in :data:`NOISE_COLUMNS` order: step [steps], tokens [tokens],
        learning rate of the last step [dimensionless], exact loss [nats/token], the means and
        standard errors of :func:`gradient_norms`, and the seconds spent so far [s].

    Notes
    -----
    The run follows :func:`lessons.tinylm.lr_schedule` (cosine to a tenth, Hoffmann et al.
    2022); measuring does not touch the training stream (its batches come from a generator of
    their own), so the run is the one :func:`lessons.tinylm.train` would do.

    References
    ----------
    McCandlish et al. (2018); Hoffmann et al. (2022) §3.1.

    Examples
    --------
    >>> rows = run_noise_study(replace(NOISE_TINY, checkpoints=(0.0, 1.0), repeats=2))
    >>> [r[0] for r in rows]
    [0, 64]
    """
    if not isinstance(config, NoiseStudyConfig):
        raise ValueError(f"config must be a NoiseStudyConfig; got {type(config).__name__}.")
    language = make_language(config.language)
    trainer = Trainer(language, config.width, config.seed, batch=config.batch)
    n = config.n_steps
    rates = lr_schedule(np.arange(n), n, config.peak_lr, min(round(config.warmup_fraction * n),
                                                             n - 1))
    measure_rng = np.random.default_rng([config.seed, 1812])  # McCandlish et al., arXiv 1812
    start, done, rows = time.perf_counter(), 0, []
    for step in config.steps():
        trainer.run(rates[done:step])
        done = step
        norms = gradient_norms(trainer.params, language, config.b_small, config.b_big,
                               config.repeats, measure_rng)
        rows.append((step, trainer.tokens, float(rates[max(step - 1, 0)]), trainer.loss(),
                     *norms, time.perf_counter() - start))
    return rows


def write_noise_results(rows, path, config: NoiseStudyConfig = NOISE_STUDY):
    """Write the rows of :func:`run_noise_study` with the configuration in the header.

    Parameters
    ----------
    rows : list of tuple
        As returned by :func:`run_noise_study`.
    path : str or Path
        Where to write.
    config : NoiseStudyConfig
        The configuration the rows were measured with.

    Returns
    -------
    Path
        The file written.

    Notes
    -----
    Header: the configuration as JSON and the language's entropy rate H [nats/token]
    (Cover & Thomas 2006, Thm 4.2.4).

    References
    ----------
    Cover & Thomas (2006), Theorem 4.2.4.

    Examples
    --------
    >>> import tempfile, os
    >>> cfg = replace(NOISE_TINY, checkpoints=(0.0, 1.0), repeats=2)
    >>> out = write_noise_results(run_noise_study(cfg), os.path.join(tempfile.mkdtemp(), "n.csv"),
    ...                           cfg)
    >>> load_noise_results(out).step.tolist()
    [0, 64]
    """
    entropy = make_language(config.language).entropy_rate()
    return write_table(path, "The gradient noise scale along one run of the course's model "
                       "(lessons.noise_study).", "tokens [tokens], lr [dimensionless], loss "
                       "[nats/token], g_*_sq and se_* [squared gradient norm], seconds [s]",
                       config_to_dict(config), entropy, NOISE_COLUMNS, rows)


@dataclass(frozen=True)
class NoiseResults:
    """The noise-scale table as arrays.

    Attributes
    ----------
    step, tokens : numpy.ndarray
        Where each measurement was taken [steps], [tokens].
    lr : numpy.ndarray
        Learning rate at that point [dimensionless].
    loss : numpy.ndarray
        Exact loss of the model there [nats/token].
    g_small_sq, g_big_sq, se_small, se_big : numpy.ndarray
        Mean squared gradient norms at B_small and B_big and their standard errors
        [squared gradient norm].
    entropy : float
        The language's entropy rate [nats/token].
    config : NoiseStudyConfig
        The configuration that produced the table.
    """

    step: np.ndarray
    tokens: np.ndarray
    lr: np.ndarray
    loss: np.ndarray
    g_small_sq: np.ndarray
    g_big_sq: np.ndarray
    se_small: np.ndarray
    se_big: np.ndarray
    entropy: float
    config: NoiseStudyConfig

    def noise_scale(self):
        """(|G|², tr Σ, B_simple) at each checkpoint, by :func:`lessons.batch.noise_scale`.

        Returns
        -------
        tuple of numpy.ndarray
            |G|² [squared gradient norm], tr(Σ) [the same × windows], B_simple [windows].

        Examples
        --------
        >>> res = load_noise_results()
        >>> bool(res.noise_scale()[2][-1] > 100 * res.noise_scale()[2][0])
        True
        """
        return noise_scale(self.g_small_sq, self.g_big_sq, self.config.b_small,
                           self.config.b_big)

    def b_simple_range(self, k: float = 2.0):
        """B_simple with |G|² moved by ±k standard errors: a rough interval [windows].

        Parameters
        ----------
        k : float
            Standard errors each way [count].

        Returns
        -------
        (low, high) : tuple of numpy.ndarray
            B_simple at |G|² + kσ and at |G|² − kσ (inf where that is not positive) [windows].

        Notes
        -----
        σ² = (B_big²·se_big² + B_small²·se_small²)/(B_big − B_small)², the error of the
        two-batch |G|² if the two means were independent; late in training |G|² is a small
        difference of large numbers and dominates the uncertainty of B_simple = tr(Σ)/|G|².

        Examples
        --------
        >>> low, high = load_noise_results().b_simple_range()
        >>> bool(np.all(low <= high))
        True
        """
        bs, bb = self.config.b_small, self.config.b_big
        g_sq, trace, _ = self.noise_scale()
        sigma = np.sqrt((bb * self.se_big) ** 2 + (bs * self.se_small) ** 2) / (bb - bs)
        low = trace / (g_sq + k * sigma)
        with np.errstate(divide="ignore"):
            high = np.where(g_sq - k * sigma > 0, trace / np.maximum(g_sq - k * sigma, 1e-300),
                            np.inf)
        return low, high


def load_noise_results(path=None) -> NoiseResults:
    """Read a table written by :func:`write_noise_results` (default: the committed one).

    Parameters
    ----------
    path : str or Path, optional
        The CSV; default :data:`NOISE_RESULTS_PATH`.

    Returns
    -------
    NoiseResults
        The arrays [see :class:`NoiseResults` for units], the entropy rate and the config.

    Notes
    -----
    B_simple = tr(Σ)/|G|² follows from :meth:`NoiseResults.noise_scale`.

    References
    ----------
    McCandlish et al. (2018) [SECONDARY].

    Examples
    --------
    >>> res = load_noise_results()
    >>> res.config == NOISE_STUDY, int(res.step[0]), bool(res.loss[-1] < res.loss[0])
    (True, 0, True)
    """
    config, entropy, rows = read_table(NOISE_RESULTS_PATH if path is None else path,
                                       NOISE_COLUMNS)

    def col(name, kind=float):
        return column(rows, name, kind)

    return NoiseResults(step=col("step", int), tokens=col("tokens", int), lr=col("lr"),
                        loss=col("loss"), g_small_sq=col("g_small_sq"),
                        g_big_sq=col("g_big_sq"), se_small=col("se_small"),
                        se_big=col("se_big"), entropy=entropy,
                        config=config_from_dict(NoiseStudyConfig, config))
