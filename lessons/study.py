"""The course's own scaling study: tiny language models trained on a language of known entropy.

Taught in the chapter *Fitting scaling laws to real data*.

:data:`STUDY` fixes everything: the synthetic language (:mod:`lessons.synthetic`), the grid of
model widths and token counts, the batch, the learning-rate rule and the seed.
:func:`run_sweep` trains one model (:mod:`lessons.tinylm`) per grid cell on one CPU core and
:func:`write_results` stores the final losses in ``lessons/study_results.csv``, whose header
records the configuration and the language's exact entropy rate. The chapter loads the table
with :func:`load_results` and fits L(N, D) = E + A/N^α + B/D^β with
:func:`lessons.fitting.fit_parametric`, to compare the fitted E with the known entropy.

Run the whole study with ``python tools/run_study.py``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

from ._validate import positive
from .sources import Cite
from .synthetic import LanguageSpec, make_language
from .tinylm import TrainResult, count_params, train

__all__ = [
    "StudyConfig",
    "geometric_counts",
    "STUDY",
    "TINY",
    "RESULTS_PATH",
    "COLUMNS",
    "SCHEDULE_CITE",
    "StudyResults",
    "run_sweep",
    "write_results",
    "load_results",
]

#: Where the committed table of final losses lives (package data).
RESULTS_PATH = Path(__file__).with_name("study_results.csv")

#: Columns of the results table, in order; units in :class:`~lessons.tinylm.TrainResult`.
COLUMNS = ("width", "embed", "n_params", "n_tokens", "loss", "flops", "seconds", "n_steps",
           "batch", "peak_lr", "seed")


def geometric_counts(low: float, high: float, n: int, multiple: int) -> tuple[int, ...]:
    """n counts spaced geometrically from low to high, each rounded to a multiple [count].

    Parameters
    ----------
    low, high : float
        First and last value before rounding [tokens].
    n : int
        How many counts [count], at least 2.
    multiple : int
        Every count is a whole number of these, e.g. the batch size [tokens].

    Returns
    -------
    tuple of int
        round(low·(high/low)^(i/(n−1)) / multiple)·multiple for i = 0..n−1 [tokens].

    Notes
    -----
    D_i = m·round(D_lo (D_hi/D_lo)^(i/(n−1)) / m): equal ratios between neighbours, as the
    log-spaced grids of Hoffmann et al. (2022, §3.2).

    References
    ----------
    Hoffmann et al. (2022) §3.2.

    Examples
    --------
    >>> geometric_counts(1e5, 1e7, 3, 256)
    (100096, 999936, 9999872)
    """
    lo, hi = (float(positive(name, v)) for name, v in (("low", low), ("high", high)))
    if isinstance(n, bool) or not isinstance(n, int) or n < 2 or hi <= lo:
        raise ValueError(f"need n >= 2 and high > low; got n={n!r}, low={low!r}, high={high!r}.")
    if isinstance(multiple, bool) or not isinstance(multiple, int) or multiple < 1:
        raise ValueError(f"multiple must be a whole number >= 1; got {multiple!r}.")
    ratios = np.linspace(0.0, 1.0, n)
    return tuple(int(np.rint(lo * (hi / lo) ** r / multiple)) * multiple for r in ratios)

#: Why every run has its own schedule: a run cut from a longer one overstates its loss.
SCHEDULE_CITE = Cite("hoffmann2022", "§3.1: one cosine schedule per run, matched to its "
                     "token count")


@dataclass(frozen=True)
class StudyConfig:
    """Everything the study's table depends on.

    Attributes
    ----------
    language : LanguageSpec
        The synthetic language (seed, V [symbols], k [tokens], Zipf exponent, mixture weights).
    widths : tuple of int
        Hidden widths h of the models [units]; embeddings are max(4, h // 4) wide.
    token_counts : tuple of int
        Training tokens D of the runs, multiples of ``batch`` [tokens].
    batch : int
        Windows per optimizer step [tokens].
    peak_lr : float
        Peak Adam learning rate η_0 at the reference width, for runs of at most D_0 tokens
        [dimensionless]; the rule is :meth:`lr`.
    lr_ref_width : int
        Reference width h_0 [units]; a model of width h gets η_0·h_0/h.
    lr_ref_tokens : int
        Run length D_0 up to which the peak rate does not depend on D [tokens].
    lr_token_exponent : float
        γ: runs longer than D_0 get their rate scaled by (D_0/D)^γ [dimensionless].
    warmup_fraction : float
        Share of each run's steps spent warming up [fraction].
    seed : int
        Seed of every run's initialisation and data stream [integer].
    cite : Cite
        The schedule rule every run follows.
    """

    language: LanguageSpec
    widths: tuple[int, ...]
    token_counts: tuple[int, ...]
    batch: int
    peak_lr: float
    lr_ref_width: int
    lr_ref_tokens: int
    lr_token_exponent: float
    warmup_fraction: float
    seed: int
    cite: Cite = SCHEDULE_CITE

    def __post_init__(self) -> None:
        for name in ("widths", "token_counts"):
            vals = getattr(self, name)
            if not vals or any(isinstance(v, bool) or not isinstance(v, int) or v < 1
                               for v in vals) or list(vals) != sorted(set(vals)):
                raise ValueError(f"{name} must be increasing whole numbers; got {vals!r}.")
        if any(d % self.batch for d in self.token_counts):
            raise ValueError(f"every token count must be a multiple of batch={self.batch}; "
                             f"got {self.token_counts!r}.")
        positive("peak_lr", self.peak_lr)
        positive("lr_ref_tokens", self.lr_ref_tokens, unit="tokens")
        positive("lr_token_exponent", self.lr_token_exponent, allow_zero=True)

    def grid(self) -> list[tuple[int, int]]:
        """Every (width [units], n_tokens [tokens]) cell, cheapest run first.

        Notes
        -----
        Cells sorted by training compute C = 6ND, so that early rows arrive quickly.

        References
        ----------
        Kaplan et al. (2020) §2.1 (C ≈ 6ND).

        Examples
        --------
        >>> TINY.grid()[0]
        (96, 16384)
        """
        cells = [(w, d) for w in self.widths for d in self.token_counts]
        return sorted(cells, key=lambda c: (self.n_params(c[0]) * c[1], c))

    def lr(self, width: int, n_tokens: float) -> float:
        """Peak learning rate of the run of this width and length [dimensionless].

        Parameters
        ----------
        width : int
            Hidden width h [units].
        n_tokens : float
            Training tokens D of the run [tokens].

        Notes
        -----
        η(h, D) = η_0·(h_0/h)·min(1, (D_0/D)^γ); :data:`STUDY` takes η_0 = 1e-2, h_0 = 96,
        D_0 = 1e6 and γ = 0.3.
        The factor h_0/h: Adam's best step for hidden weights falls as 1/fan_in in the standard
        parametrisation (Yang et al. 2022, Table 3); measured here at D = 1e6 and h = 96 and
        384 (the best of 1e-3, 3e-3, 1e-2, 3e-2 was 1e-2 and 3e-3). The factor in D: longer
        runs prefer smaller steps. Measured here (seed 0, exact loss in nats/token, rate as a
        multiple of η_0·h_0/h):

        ======  =======  ======  ======  ======  ======
        h       D        ×2      ×1      ×1/2    ×1/4
        ======  =======  ======  ======  ======  ======
        96      1e6      2.574   2.545   2.553
        416     1e6      2.479   2.456   2.476
        416     4.6e6            2.423   2.407
        96      1e7              2.514   2.503   2.507
        416     1e7              2.422   2.391   2.400
        672     1e7              2.407   2.367          (seeds 0 and 1 alike)
        ======  =======  ======  ======  ======  ======

        So the width rule alone is best at D = 1e6 and half of it is best at D = 1e7: the
        rate halves per decade of D beyond D_0 = 1e6, γ = log10(2) ≈ 0.3. Without the factor
        in D the largest, longest runs were under-trained, the loss rose along D at h = 672
        and the fitted E sat 0.093 nats above the entropy rate; with it every step of the grid
        lowers the loss and the fitted E lies 0.004 below the entropy rate.

        References
        ----------
        Yang et al. (2022), Table 3.

        Examples
        --------
        >>> STUDY.lr(96, 1e6), STUDY.lr(384, 1e5)
        (0.01, 0.0025)
        >>> round(STUDY.lr(96, 1e7) / STUDY.lr(96, 1e6), 3)
        0.501
        """
        h = float(positive("width", width, unit="units"))
        d = float(positive("n_tokens", n_tokens, unit="tokens"))
        shrink = min(1.0, (self.lr_ref_tokens / d) ** self.lr_token_exponent)
        return self.peak_lr * self.lr_ref_width / h * shrink

    def n_params(self, width: int) -> int:
        """Parameters N of the model of this width [parameters] (:func:`count_params`).

        Parameters
        ----------
        width : int
            Hidden width h [units]; the embedding is max(4, h // 4) wide.

        Notes
        -----
        N = V e + k e h + h + h V + V, embeddings included.

        References
        ----------
        Bengio et al. (2003) §3; Hoffmann et al. (2022) §2.

        Examples
        --------
        >>> STUDY.n_params(96)
        10880
        """
        return count_params(self.language.vocab, self.language.order, width, max(4, width // 4))

    def to_dict(self) -> dict:
        """A JSON-ready dict (tuples become lists; the citation is left out).

        Notes
        -----
        The inverse is :meth:`from_dict`; the results table stores this dict in its header.

        References
        ----------
        Hoffmann et al. (2022) §3 (a scaling study is defined by its grid and schedule).

        Examples
        --------
        >>> StudyConfig.from_dict(STUDY.to_dict()) == STUDY
        True
        """
        out = asdict(self)
        out.pop("cite")
        return out

    @classmethod
    def from_dict(cls, data: dict) -> StudyConfig:
        """Inverse of :meth:`to_dict` [see :class:`StudyConfig` for units].

        Parameters
        ----------
        data : dict
            As written by :meth:`to_dict`.

        Notes
        -----
        JSON lists become tuples again, so the result compares equal to the original.

        References
        ----------
        Hoffmann et al. (2022) §3.

        Examples
        --------
        >>> StudyConfig.from_dict(TINY.to_dict()).widths
        (96, 128)
        """
        lang = dict(data["language"])
        lang["level_weights"] = tuple(lang["level_weights"])
        rest = {k: v for k, v in data.items() if k != "language"}
        rest["widths"], rest["token_counts"] = tuple(rest["widths"]), tuple(rest["token_counts"])
        return cls(language=LanguageSpec(**lang), **rest)


#: The study: an order-3 language over 32 symbols; 5 widths (N ≈ 1.1e4 to 3.7e5 parameters)
#: × 7 token counts (D ≈ 1e5 to 1e7), one seed. Learning rate η = 1e-2 × (96/h) ×
#: min(1, (1e6/D)^0.3), tuned at h = 96 to 672 (see :meth:`StudyConfig.lr`); 23 minutes on one
#: CPU core (measured).
STUDY = StudyConfig(
    language=LanguageSpec(seed=0, vocab=32, order=3, zipf_exponent=1.0,
                          level_weights=(0.1, 0.2, 0.3, 0.4), concentration=0.1),
    widths=(96, 160, 256, 416, 672),
    token_counts=geometric_counts(1e5, 1e7, 7, 256),
    batch=256,
    peak_lr=1e-2,
    lr_ref_width=96,
    lr_ref_tokens=1_000_000,
    lr_token_exponent=0.3,
    warmup_fraction=0.05,
    seed=0,
)

#: A 2 × 2 sweep that runs in seconds: for tests and for trying the tool.
TINY = replace(STUDY, widths=(96, 128), token_counts=(16384, 32768))


def run_sweep(config: StudyConfig = STUDY, progress: bool = True,
              on_result: Callable[[list[TrainResult]], None] | None = None
              ) -> list[TrainResult]:
    """Train one model per grid cell of ``config``, cheapest first, on one core.

    Parameters
    ----------
    config : StudyConfig
        The study [see :class:`StudyConfig` for units].
    progress : bool
        Show a tqdm bar counting training compute [FLOP].
    on_result : callable, optional
        Called with the rows so far after each run (e.g. to save partial results).

    Returns
    -------
    list of TrainResult
        One row per cell: N [parameters], D [tokens], exact loss [nats/token], 6ND [FLOP].

    Notes
    -----
    Each run trains from scratch with its own cosine schedule (Hoffmann et al. 2022 §3.1);
    loss = Σ_s π(s) CE(P(·|s), q(·|s)) exactly.

    References
    ----------
    Hoffmann et al. (2022) §3.1-3.3.

    Examples
    --------
    >>> small = replace(TINY, widths=(96,), token_counts=(1024, 2048))
    >>> [r.n_tokens for r in run_sweep(small, progress=False)]
    [1024, 2048]
    """
    from tqdm.auto import tqdm

    if not isinstance(config, StudyConfig):
        raise ValueError(f"config must be a StudyConfig; got {type(config).__name__}.")
    language = make_language(config.language)
    cells = config.grid()
    total = sum(6.0 * config.n_params(w) * d for w, d in cells)
    rows: list[TrainResult] = []
    with tqdm(total=total, unit="FLOP", unit_scale=True, disable=not progress,
              desc="scaling study") as bar:
        for width, n_tokens in cells:
            bar.set_postfix_str(f"h={width} D={n_tokens:.2e}")
            rows.append(train(language, width, n_tokens, seed=config.seed,
                              batch=config.batch, peak_lr=config.lr(width, n_tokens),
                              warmup_fraction=config.warmup_fraction, threads=1))
            bar.update(rows[-1].flops)
            if on_result is not None:
                on_result(rows)
    return rows


def write_results(rows: Iterable[TrainResult], path, config: StudyConfig = STUDY) -> Path:
    """Write the runs as CSV, with the configuration and the entropy in a header comment.

    Parameters
    ----------
    rows : iterable of TrainResult
        The runs [units per column in :class:`~lessons.tinylm.TrainResult`].
    path : str or Path
        Where to write.
    config : StudyConfig
        The configuration the rows were produced with.

    Returns
    -------
    Path
        The file written.

    Notes
    -----
    Header lines: ``# config: {json}`` and ``# entropy_rate: H`` [nats/token], H from
    :meth:`~lessons.synthetic.SyntheticLanguage.entropy_rate` (Cover & Thomas 2006, Thm 4.2.4).

    References
    ----------
    Cover & Thomas (2006), Theorem 4.2.4.

    Examples
    --------
    >>> import tempfile, os
    >>> small = replace(TINY, widths=(96,), token_counts=(1024,))
    >>> out = write_results(run_sweep(small, progress=False),
    ...                     os.path.join(tempfile.mkdtemp(), "t.csv"), small)
    >>> load_results(out).n_tokens.tolist()
    [1024.0]
    """
    path = Path(path)
    entropy = make_language(config.language).entropy_rate()
    with path.open("w", newline="") as fh:
        fh.write("# The course's own scaling study (lessons.study); one row per training run.\n")
        fh.write("# Units: n_params [parameters], n_tokens [tokens], loss [nats/token], "
                 "flops [FLOP], seconds [s].\n")
        fh.write(f"# config: {json.dumps(config.to_dict(), sort_keys=True)}\n")
        fh.write(f"# entropy_rate: {entropy!r}\n")
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for r in rows:
            writer.writerow([repr(getattr(r, c)) if isinstance(getattr(r, c), float)
                             else getattr(r, c) for c in COLUMNS])
    return path


@dataclass(frozen=True)
class StudyResults:
    """The study's table as arrays.

    Attributes
    ----------
    n_params : numpy.ndarray
        Parameters N of each run [parameters].
    n_tokens : numpy.ndarray
        Training tokens D [tokens].
    loss : numpy.ndarray
        Exact final loss [nats/token].
    flops : numpy.ndarray
        6ND [FLOP].
    width : numpy.ndarray
        Hidden width h [units].
    seconds : numpy.ndarray
        Wall time of each run on one core [s].
    entropy : float
        Exact entropy rate of the language, the true irreducible loss [nats/token].
    config : StudyConfig
        The configuration that produced the table.
    """

    n_params: np.ndarray
    n_tokens: np.ndarray
    loss: np.ndarray
    flops: np.ndarray
    width: np.ndarray
    seconds: np.ndarray
    entropy: float
    config: StudyConfig


def load_results(path=None) -> StudyResults:
    """Read a results table written by :func:`write_results` (default: the committed one).

    Parameters
    ----------
    path : str or Path, optional
        The CSV; default :data:`RESULTS_PATH`.

    Returns
    -------
    StudyResults
        Arrays n_params [parameters], n_tokens [tokens], loss [nats/token], flops [FLOP],
        the entropy rate [nats/token] and the config.

    Notes
    -----
    The fitted law to compare with: L(N, D) = E + A/N^α + B/D^β, with E against ``entropy``.

    References
    ----------
    Hoffmann et al. (2022) §3.3.

    Examples
    --------
    >>> res = load_results()
    >>> res.loss.shape, bool(res.loss.min() > res.entropy)
    ((35,), True)
    """
    path = RESULTS_PATH if path is None else Path(path)
    if not path.is_file():
        raise ValueError(f"no results table at {path}; run `python tools/run_study.py`.")
    meta = {}
    with path.open(newline="") as fh:
        lines = fh.read().splitlines()
    body = []
    for line in lines:
        if line.startswith("# config: "):
            meta["config"] = json.loads(line[len("# config: "):])
        elif line.startswith("# entropy_rate: "):
            meta["entropy"] = float(line[len("# entropy_rate: "):])
        elif not line.startswith("#") and line.strip():
            body.append(line)
    if set(meta) != {"config", "entropy"}:
        raise ValueError(f"{path} lacks its '# config:' or '# entropy_rate:' header line.")
    table = list(csv.DictReader(body))
    if not table or tuple(table[0]) != COLUMNS:
        raise ValueError(f"{path} must have the columns {COLUMNS} and at least one row.")

    def col(name, kind=float):
        return np.array([kind(row[name]) for row in table])

    return StudyResults(n_params=col("n_params"), n_tokens=col("n_tokens"), loss=col("loss"),
                        flops=col("flops"), width=col("width", int), seconds=col("seconds"),
                        entropy=float(meta["entropy"]),
                        config=StudyConfig.from_dict(meta["config"]))

