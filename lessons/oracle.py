"""A budgeted training oracle: run a scaling study against a hidden law, and be graded on it.

Taught in the chapter *Fitting scaling laws to real data*.

A lab sizes a large run from a few small ones: it spends a small compute budget on training
runs, fits a law to their losses, and extrapolates. :class:`Oracle` stands in for the cluster.
Each query trains a simulated model of N parameters on D tokens and returns its final loss,
drawn from a ground-truth Chinchilla law L(N, D) = E + A/N^α + B/D^β that the learner does
not see, times a run-to-run noise factor. Every query costs its 6·N·D FLOPs against the
budget; a query the budget cannot pay for is refused and costs nothing. The learner then
predicts the compute-optimal model and its loss at :data:`TARGET_MULTIPLE` × the budget, and
:meth:`Oracle.evaluate` scores that prediction against the hidden truth.

Design choices, and why:

* The ledger is kept in Python integers: N and D are whole numbers, 6·N·D is computed exactly,
  and ``spent + remaining == budget`` always holds to the last FLOP.
* Results are deterministic per seed and independent of query order: the noise of a run is
  drawn from a generator seeded by (seed, N, D, repeat), where ``repeat`` counts earlier runs
  of the same (N, D). Repeating a run therefore gives a fresh draw, as a new training seed
  would, while the same study always gets the same answers.
* The truth is a function of the seed. A learner works with :data:`PUBLIC_SEED`; a grader
  uses a seed of its own, so a learner's code is scored on a law it has never seen. Python
  hides nothing from a determined reader, and nothing needs hiding: knowing the public law
  does not help against another seed.
* Only final losses are returned, never intermediate checkpoints: a checkpoint at D/2 of a
  run whose learning-rate schedule was set for D is not the loss of a run trained for D/2
  (Hoffmann et al. 2022, §3.1), so a study must pay for each token count it measures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import chinchilla as _law
from ._table import html_table, text_table
from ._validate import positive, raw_count
from .chinchilla import Fit
from .flops import TRAINING_FLOPS_PER_PARAM_TOKEN
from .sources import Cite

__all__ = [
    "DEFAULT_BUDGET",
    "DESIGN_FRACTIONS",
    "LOSS_TOLERANCE",
    "MAX_PREDICTED_LOSS",
    "MIN_PARAMS",
    "MIN_TOKENS",
    "NOISE_SD",
    "N_TOLERANCE",
    "PUBLIC_SEED",
    "TARGET_MULTIPLE",
    "TRUTH_RANGES",
    "BudgetExceeded",
    "Oracle",
    "Runs",
    "Score",
    "isoflop_design",
    "read_prediction",
    "score_study",
]

#: The seed learners work with [integer]. Graders pass a different one.
PUBLIC_SEED = 2024

#: A study's default compute budget [FLOP]: 1.4 H100-hours at 40 % MFU
#: (``lessons.flops.gpu_hours(DEFAULT_BUDGET)``).
DEFAULT_BUDGET = 2 * 10**18

#: The prediction is made for this many times the study's budget [1].
TARGET_MULTIPLE = 100

#: Standard deviation of the run-to-run noise on ln(loss) [log-nats, dimensionless]: a final
#: loss is L(N, D)·exp(ε), ε ~ Normal(0, NOISE_SD²). An assumption: seed-to-seed spreads of
#: final loss of about half a percent are typical of small language models. Hoffmann et al.'s
#: Huber threshold of 1e-3 on log-loss sits below it, so their fit weighs most residuals
#: linearly (like a median fit), which the oracle's tests show still recovers the law.
NOISE_SD = 0.005

#: Largest loss accepted in a prediction [nats/token]: above it, a number is taken for a loss
#: in bits or a perplexity, not nats per token (uniform over a 10^8-token vocabulary is 18.4).
MAX_PREDICTED_LOSS = 20.0

#: Smallest model and token count the oracle trains [parameters], [tokens]: smaller values are
#: taken for counts in millions or billions.
MIN_PARAMS = 10**5
MIN_TOKENS = 10**6

#: Full marks for N_opt within this factor of the truth [1], and for the loss within
#: LOSS_TOLERANCE of the truth [nats/token]; half marks within N_TOLERANCE² and
#: 2·LOSS_TOLERANCE. Measured with the course's reference study (IsoFLOP profiles at four
#: budgets, sizes 1/8× to 8× around 20 tokens/parameter, the Huber fit from the grid): on 13
#: seeds its size was at most 1.22× off and its loss at most 0.097 nats off (median 0.04).
#: The loss 100× out is harder to predict than the size: it depends on E, which small runs
#: barely constrain.
N_TOLERANCE = 1.5
LOSS_TOLERANCE = 0.1

#: Ranges the hidden law is drawn from: (low, high) of E [nats/token], α, β [1] uniformly and
#: of ln A, ln B [log nats/token] uniformly. They bracket the published fits (Hoffmann et al.
#: 2022 Eq. 10; Besiroglu et al. 2024 Table 1), so a drawn law is plausible but none of them.
TRUTH_RANGES = {
    "E": (1.6, 2.2),
    "alpha": (0.28, 0.42),
    "beta": (0.28, 0.42),
    "log_A": (math.log(300.0), math.log(800.0)),
    "log_B": (math.log(400.0), math.log(3000.0)),
}

_TRUTH_CITE = Cite("besiroglu2024", "ranges around Table 1 and Hoffmann et al. Eq. 10; a "
                   "hidden law drawn from the oracle's seed", "DERIVED")

# 6 as an int, so the ledger stays in exact integer arithmetic.
_FLOPS_PER_PARAM_TOKEN = int(TRAINING_FLOPS_PER_PARAM_TOKEN)
assert _FLOPS_PER_PARAM_TOKEN == TRAINING_FLOPS_PER_PARAM_TOKEN

# Salts keep the truth's and the noise's random streams apart for one seed.
_TRUTH_SALT = 7_021_992
_NOISE_SALT = 1_042_024


class BudgetExceeded(ValueError):
    """A query would spend more FLOPs than the study has left; nothing was charged."""


def _truth(seed: int) -> Fit:
    rng = np.random.default_rng([_TRUTH_SALT, seed])
    draw = {k: float(rng.uniform(*TRUTH_RANGES[k])) for k in ("E", "alpha", "beta", "log_A",
                                                              "log_B")}
    return Fit("oracle", E=draw["E"], A=math.exp(draw["log_A"]), B=math.exp(draw["log_B"]),
               alpha=draw["alpha"], beta=draw["beta"], cite=_TRUTH_CITE)


def _whole(name: str, value, minimum: int, unit: str, example: str) -> np.ndarray:
    """Whole counts as an int64 array, refusing counts that look like millions or billions."""
    arr = raw_count(name, value, minimum=minimum, unit=unit, example=example)
    return np.rint(arr).astype(np.int64)


@dataclass(frozen=True)
class Runs:
    """Training runs and their final losses, one entry per run, in the order they were made.

    Attributes
    ----------
    n_params : numpy.ndarray
        Model sizes [parameters], int64.
    n_tokens : numpy.ndarray
        Training tokens [tokens], int64.
    flops : tuple of int
        Cost of each run, 6·N·D exactly [FLOP] (Python ints: they exceed int64's range).
    loss : numpy.ndarray
        Final training loss [nats/token].
    """

    n_params: np.ndarray
    n_tokens: np.ndarray
    flops: tuple
    loss: np.ndarray

    def __len__(self) -> int:
        return len(self.flops)

    @property
    def total_flops(self) -> int:
        """Σ 6·N·D over the runs [FLOP], exact."""
        return sum(self.flops)

    def _rows(self):
        return [(str(i + 1), f"{n:.3g}", f"{d:.3g}", f"{c:.3g}", f"{ell:.4f}")
                for i, (n, d, c, ell) in enumerate(zip(self.n_params, self.n_tokens,
                                                       self.flops, self.loss, strict=True))]

    _HEADERS = ("run", "N [parameters]", "D [tokens]", "6ND [FLOP]", "loss [nats/token]")

    def __str__(self) -> str:
        return text_table(self._HEADERS, self._rows(), align="rrrrr")

    def _repr_html_(self) -> str:
        return html_table(self._HEADERS, self._rows(), caption=f"{len(self)} runs")


@dataclass(frozen=True)
class Score:
    """A prediction at the target compute, scored against the hidden law.

    Attributes
    ----------
    flops : float
        The target compute, TARGET_MULTIPLE × the study's budget [FLOP].
    n_params, loss : float
        The prediction: compute-optimal model size [parameters] and its loss [nats/token].
    true_n_params, true_n_tokens, true_loss : float
        The hidden law's optimum at ``flops`` [parameters], [tokens], [nats/token].
    n_factor : float
        max(N/N*, N*/N), how many times off the size is [1].
    loss_error : float
        |loss − L*| [nats/token].
    regret : float
        How much worse the predicted size does than the true optimum when trained at ``flops``
        under the hidden law (the cost of the mistake) [nats/token].
    points : float
        0, 0.5 or 1 for the size plus the same for the loss, out of 2 [points].
    """

    flops: float
    n_params: float
    loss: float
    true_n_params: float
    true_n_tokens: float
    true_loss: float
    n_factor: float
    loss_error: float
    regret: float
    points: float

    def __str__(self) -> str:
        return (f"target {self.flops:.3g} FLOP: N {self.n_params:.3g} vs true "
                f"{self.true_n_params:.3g} ({self.n_factor:.2f}x off); loss {self.loss:.4f} vs "
                f"true {self.true_loss:.4f} ({self.loss_error:.4f} nats off); regret "
                f"{self.regret:.4f} nats; {self.points:g}/2 points")


def _band(error: float, full: float, half: float) -> float:
    return 1.0 if error <= full else 0.5 if error <= half else 0.0


class Oracle:
    """Simulated training runs from a hidden law, paid for from a FLOP budget.

    Parameters
    ----------
    budget_flops : int or float
        The study's compute budget [FLOP]; a whole number, default :data:`DEFAULT_BUDGET`.
    seed : int
        Chooses the hidden law and the noise [integer]; learners use :data:`PUBLIC_SEED`.

    Attributes
    ----------
    budget : int
        The budget [FLOP].
    spent, remaining : int
        FLOPs charged so far and left [FLOP]; spent + remaining == budget exactly.
    runs : Runs
        Every run made so far.
    target_flops : float
        TARGET_MULTIPLE × budget, where the prediction is scored [FLOP].

    Notes
    -----
    A run of N parameters on D tokens costs C = 6·N·D FLOPs (Kaplan et al. 2020 §2.1) and
    returns L(N, D)·exp(ε) with L(N, D) = E + A/N^α + B/D^β, the hidden law, and
    ε ~ Normal(0, :data:`NOISE_SD`²).

    References
    ----------
    Hoffmann et al. (2022) §3 (IsoFLOP studies and the fitted law); Besiroglu et al. (2024).

    Examples
    --------
    >>> oracle = Oracle(budget_flops=2e18)
    >>> runs = oracle.train(n_params=[1e7, 3e7], n_tokens=[5e8, 2e8])
    >>> oracle.spent == 6 * 10**7 * 5 * 10**8 + 6 * 3 * 10**7 * 2 * 10**8
    True
    >>> oracle.spent + oracle.remaining == oracle.budget
    True
    >>> oracle.train(1e9, 1e12)
    Traceback (most recent call last):
    ...
    lessons.oracle.BudgetExceeded: this query costs 6e+21 FLOP (6·N·D) but only 1.934e+18 of the 2e+18 FLOP budget remain (over by 6e+21); nothing was charged. Make the runs smaller (N·D ≤ 3.22e+17 for a single run) or fewer.
    """

    def __init__(self, budget_flops=DEFAULT_BUDGET, seed: int = PUBLIC_SEED):
        budget = float(positive("budget_flops", budget_flops, unit="FLOP"))
        if budget < 1e12 or budget != round(budget):
            raise ValueError(f"budget_flops={budget_flops!r} must be a whole number of FLOPs "
                             "of at least 1e12, e.g. 2e18.")
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
            raise ValueError(f"seed must be a non-negative integer; got {seed!r}.")
        self.budget = round(budget)
        self.seed = int(seed)
        self.__truth = _truth(self.seed)
        self._spent = 0
        self._n: list[int] = []
        self._d: list[int] = []
        self._c: list[int] = []
        self._loss: list[float] = []
        self._repeats: dict[tuple[int, int], int] = {}

    def __repr__(self) -> str:
        return (f"Oracle(budget_flops={self.budget:.3g}, seed={self.seed}): {len(self._c)} runs, "
                f"{self.spent:.3g} FLOP spent, {self.remaining:.3g} left")

    @property
    def spent(self) -> int:
        """FLOPs charged so far [FLOP]."""
        return self._spent

    @property
    def remaining(self) -> int:
        """FLOPs left [FLOP]."""
        return self.budget - self._spent

    @property
    def target_flops(self) -> float:
        """Compute at which the prediction is scored, TARGET_MULTIPLE × budget [FLOP]."""
        return float(TARGET_MULTIPLE * self.budget)

    @property
    def runs(self) -> Runs:
        """Every run so far, in order."""
        return Runs(np.array(self._n, dtype=np.int64), np.array(self._d, dtype=np.int64),
                    tuple(self._c), np.array(self._loss))

    @staticmethod
    def cost(n_params, n_tokens) -> int:
        """Exact cost of runs, Σ 6·N·D with N and D rounded to whole numbers [FLOP].

        Parameters
        ----------
        n_params : int, float or array_like
            Model sizes [parameters].
        n_tokens : int, float or array_like
            Training tokens [tokens].

        Returns
        -------
        int
            Total cost [FLOP].

        Examples
        --------
        >>> Oracle.cost(1e7, 1e9)
        60000000000000000
        """
        n, d = Oracle._counts(n_params, n_tokens)
        return sum(_FLOPS_PER_PARAM_TOKEN * int(a) * int(b) for a, b in zip(n, d, strict=True))

    @staticmethod
    def _counts(n_params, n_tokens):
        n = _whole("n_params", n_params, MIN_PARAMS, "parameters", "n_params=3e7 for 30M")
        d = _whole("n_tokens", n_tokens, MIN_TOKENS, "tokens", "n_tokens=6e8 for 600M")
        try:
            n, d = np.broadcast_arrays(n, d)
        except ValueError:
            raise ValueError(f"n_params and n_tokens must have one shape (one entry per run); "
                             f"got {np.shape(n)} and {np.shape(d)}.") from None
        if n.ndim > 1:
            raise ValueError("pass scalars or 1-d lists of runs; got shape "
                             f"{n.shape}.")
        return np.atleast_1d(n), np.atleast_1d(d)

    def train(self, n_params, n_tokens) -> Runs:
        """Train one run, or a batch of runs, and charge their FLOPs.

        A batch is all or nothing: if the budget cannot pay for every run in it, none is
        trained and nothing is charged.

        Parameters
        ----------
        n_params : int, float or array_like
            Model sizes [parameters], at least :data:`MIN_PARAMS`; rounded to whole numbers.
        n_tokens : int, float or array_like
            Training tokens [tokens], at least :data:`MIN_TOKENS`; rounded to whole numbers.

        Returns
        -------
        Runs
            The new runs with their final losses [nats/token].

        Raises
        ------
        BudgetExceeded
            If Σ 6·N·D exceeds :attr:`remaining`.

        Notes
        -----
        loss = (E + A/N^α + B/D^β)·exp(ε), ε ~ Normal(0, NOISE_SD²), seeded by
        (seed, N, D, repeat).

        References
        ----------
        Hoffmann et al. (2022) Eq. 2.

        Examples
        --------
        >>> a = Oracle().train(2e7, 4e8)
        >>> b = Oracle().train(2e7, 4e8)          # a new study with the same seed
        >>> float(a.loss[0]) == float(b.loss[0])
        True
        """
        n, d = self._counts(n_params, n_tokens)
        costs = [_FLOPS_PER_PARAM_TOKEN * int(a) * int(b) for a, b in zip(n, d, strict=True)]
        total = sum(costs)
        if total > self.remaining:
            single = self.remaining / TRAINING_FLOPS_PER_PARAM_TOKEN
            raise BudgetExceeded(
                f"this query costs {total:.6g} FLOP (6·N·D) but only {self.remaining:.6g} of "
                f"the {self.budget:.3g} FLOP budget remain (over by {total - self.remaining:.3g}); "
                f"nothing was charged. Make the runs smaller (N·D ≤ {single:.3g} for a single "
                "run) or fewer.")
        truth = self.__truth
        mean = _law.loss(n.astype(float), d.astype(float), truth, check_units=False)
        new = []
        for a, b, c, m in zip(n, d, costs, np.atleast_1d(mean), strict=True):
            key = (int(a), int(b))
            repeat = self._repeats.get(key, 0)
            self._repeats[key] = repeat + 1
            eps = np.random.default_rng([_NOISE_SALT, self.seed, *key, repeat]).normal()
            value = float(m) * math.exp(NOISE_SD * eps)
            self._n.append(key[0])
            self._d.append(key[1])
            self._c.append(c)
            self._loss.append(value)
            new.append(value)
        self._spent += total
        return Runs(n.copy(), d.copy(), tuple(costs), np.array(new))

    def evaluate(self, n_params, loss) -> Score:
        """Score a prediction of the compute-optimal size and loss at :attr:`target_flops`.

        Parameters
        ----------
        n_params : float
            Predicted compute-optimal model size at the target [parameters].
        loss : float
            Predicted loss of that optimum [nats/token].

        Returns
        -------
        Score
            Errors against the hidden law, the regret of the predicted size and the points.

        Notes
        -----
        (N*, D*) = argmin L(N, D) subject to 6ND = C (Hoffmann et al. Eq. 4) under the hidden
        law; n_factor = max(N/N*, N*/N); loss_error = |loss − L(N*, D*)|;
        regret = L(N, C/(6N)) − L(N*, D*). Points: 1 if n_factor ≤ N_TOLERANCE, 0.5 if
        ≤ N_TOLERANCE²; 1 if loss_error ≤ LOSS_TOLERANCE, 0.5 if ≤ 2·LOSS_TOLERANCE.

        References
        ----------
        Hoffmann et al. (2022) Eq. 4.

        Examples
        --------
        >>> oracle = Oracle()
        >>> score = oracle.evaluate(n_params=1e9, loss=2.5)
        >>> 0 <= score.points <= 2
        True
        """
        n_pred = float(raw_count("n_params", n_params, minimum=MIN_PARAMS, unit="parameters",
                                 example="n_params=1.2e9 for 1.2B"))
        ell = float(positive("loss", loss, unit="nats/token"))
        if ell > MAX_PREDICTED_LOSS:
            raise ValueError(f"loss={ell!r} nats/token is not a plausible language-model loss; "
                             "predict the loss in nats per token, e.g. 2.4.")
        truth, c = self.__truth, self.target_flops
        n_true, d_true = _law.compute_optimal(c, truth)
        l_true = float(_law.loss(n_true, d_true, truth, check_units=False))
        d_pred = c / (TRAINING_FLOPS_PER_PARAM_TOKEN * n_pred)
        regret = float(_law.loss(n_pred, d_pred, truth, check_units=False)) - l_true
        factor = max(n_pred / n_true, n_true / n_pred)
        error = abs(ell - l_true)
        points = (_band(factor, N_TOLERANCE, N_TOLERANCE**2)
                  + _band(error, LOSS_TOLERANCE, 2 * LOSS_TOLERANCE))
        return Score(flops=c, n_params=n_pred, loss=ell, true_n_params=float(n_true),
                     true_n_tokens=float(d_true), true_loss=l_true, n_factor=factor,
                     loss_error=error, regret=regret, points=points)


def score_study(study, seeds=(PUBLIC_SEED,), budget_flops=DEFAULT_BUDGET) -> list[Score]:
    """Run a study function against fresh oracles, one per seed, and score each prediction.

    Parameters
    ----------
    study : callable
        ``study(oracle)`` spends the oracle's budget and returns its prediction at
        ``oracle.target_flops``: a mapping with keys ``n_params`` [parameters] and ``loss``
        [nats/token], or the pair (n_params, loss).
    seeds : sequence of int
        Oracle seeds [integers]; a grader passes seeds the learner has not seen.
    budget_flops : int or float
        Each oracle's budget [FLOP].

    Returns
    -------
    list of Score
        One per seed; average ``points`` (out of 2) for a grade.

    Notes
    -----
    Scoring on several seeds rewards a good design rather than a lucky draw of the noise.

    References
    ----------
    Hoffmann et al. (2022) §3.

    Examples
    --------
    >>> def guess(oracle):                   # spends nothing, guesses Chinchilla's 20:1
    ...     n = (oracle.target_flops / 120) ** 0.5
    ...     return {"n_params": n, "loss": 2.5}
    >>> [s.n_factor > 1 for s in score_study(guess, seeds=(1, 2))]
    [True, True]
    """
    if not callable(study):
        raise ValueError(f"study must be a function study(oracle) -> prediction; got {study!r}.")
    scores = []
    for seed in seeds:
        oracle = Oracle(budget_flops, seed=seed)
        scores.append(oracle.evaluate(*read_prediction(study(oracle))))
    return scores


def read_prediction(prediction) -> tuple[float, float]:
    """(n_params, loss) from a study's return value: a mapping or a pair.

    Parameters
    ----------
    prediction : dict or tuple
        ``{"n_params": N, "loss": L}`` or ``(N, L)`` [parameters], [nats/token].

    Returns
    -------
    tuple of float
        (N [parameters], L [nats/token]).

    Notes
    -----
    One reader for :func:`score_study` and the graded notebook, so both accept the same forms.

    References
    ----------
    Hoffmann et al. (2022) §3.

    Examples
    --------
    >>> read_prediction({"n_params": 1.2e9, "loss": 2.4})
    (1200000000.0, 2.4)
    """
    if isinstance(prediction, dict) and {"n_params", "loss"} <= set(prediction):
        n_params, ell = prediction["n_params"], prediction["loss"]
    elif isinstance(prediction, (tuple, list)) and len(prediction) == 2:
        n_params, ell = prediction
    else:
        raise ValueError("study(oracle) must return {'n_params': N, 'loss': L} or the pair "
                         f"(N, L); got {prediction!r:.80}.")
    try:
        return float(n_params), float(ell)
    except (TypeError, ValueError):
        raise ValueError(f"the prediction's n_params and loss must be numbers; got "
                         f"{n_params!r:.40} and {ell!r:.40}.") from None


#: Default shares of a study's budget for four IsoFLOP profiles, growing roughly 3× per
#: profile so that the largest, nearest the target, gets most of the compute [fractions].
DESIGN_FRACTIONS = (0.03, 0.07, 0.2, 0.7)


def isoflop_design(total_flops, fractions=DESIGN_FRACTIONS, sizes: int = 7,
                   spread=8.0, tokens_per_param=20.0) -> tuple[np.ndarray, np.ndarray]:
    """Runs for IsoFLOP profiles that together cost at most ``total_flops``.

    Parameters
    ----------
    total_flops : float
        Compute to spend [FLOP].
    fractions : sequence of float
        Share of ``total_flops`` given to each IsoFLOP budget [fractions summing to ≤ 1].
    sizes : int
        Model sizes per budget [count].
    spread : float
        Sizes run from n0/spread to n0·spread, geometrically, around n0 [ratio].
    tokens_per_param : float
        Where n0 sits: the size whose D/N is this at its budget [tokens/parameter].

    Returns
    -------
    (n_params, n_tokens) : tuple of numpy.ndarray
        Whole model sizes [parameters] and token counts [tokens]; Σ 6·N·D ≤ total_flops.

    Notes
    -----
    Budget k gets C_k = fraction_k · total; each of its runs costs C_k/sizes, so
    D = ⌊C_k/(6·sizes·N)⌋; n0 = √(C_k/(6·sizes·tokens_per_param)), so that D/N equals
    tokens_per_param at n0 (C = 6·N·D with D = r·N).

    References
    ----------
    Hoffmann et al. (2022) §3.2 (IsoFLOP profiles).

    Examples
    --------
    >>> n, d = isoflop_design(2e18)
    >>> n.size, bool(Oracle.cost(n, d) <= 2e18)
    (28, True)
    """
    total = float(positive("total_flops", total_flops, unit="FLOP"))
    shares = positive("fractions", fractions)
    if shares.ndim != 1 or shares.sum() > 1 + 1e-12:
        raise ValueError(f"fractions must be a list of shares of the budget summing to at "
                         f"most 1; got {list(np.atleast_1d(shares))}.")
    if isinstance(sizes, bool) or not isinstance(sizes, (int, np.integer)) or sizes < 1:
        raise ValueError(f"sizes must be a whole number >= 1; got {sizes!r}.")
    spread = float(positive("spread", spread))
    if spread < 1:
        raise ValueError(f"spread must be >= 1 (a ratio); got {spread!r}.")
    ratio = float(positive("tokens_per_param", tokens_per_param, unit="tokens/parameter"))
    mults = np.geomspace(1.0 / spread, spread, sizes)
    n_all, d_all = [], []
    for share in shares:
        per_run = total * share / sizes
        n = np.rint(math.sqrt(per_run / (_FLOPS_PER_PARAM_TOKEN * ratio)) * mults)
        n_all.append(n)
        d_all.append(np.floor(per_run / (_FLOPS_PER_PARAM_TOKEN * n)))
    return np.concatenate(n_all), np.concatenate(d_all)
