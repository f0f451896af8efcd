"""A tiny neural language model in numpy, trained on CPU for the course's own scaling study.

Taught in the chapter *Fitting scaling laws to real data*.

The model is Bengio et al.'s (2003) neural probabilistic language model: the k context tokens
are looked up in one shared embedding table (width e), concatenated, passed through one hidden
ReLU layer of width h and a softmax over the V symbols. Forward and backward passes are written
out by hand; training uses Adam (Kingma & Ba 2015) on batches of fixed size, with a linear
learning-rate warm-up and a cosine decay to a tenth of the peak over the run's own length, as
Hoffmann et al. (2022, §3.1 and App. B) require for every point of a scaling study: a run cut
short from a longer schedule would overstate its loss.

Each training example is one window (k context tokens, next token), so the tokens D of a run
count predicted tokens. The final loss is exact: :meth:`lessons.synthetic.SyntheticLanguage.
expected_loss` on the model's prediction for every context, with no sampling noise.

Matrix products run in float32 (about twice float64's speed here); the final evaluation and the
gradient check run in float64.
"""

from __future__ import annotations

import copy
import math
import time
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from ._validate import positive
from .flops import training_flops
from .sources import Cite
from .synthetic import SyntheticLanguage

__all__ = [
    "CITES",
    "ADAM_BETAS",
    "ADAM_EPS",
    "FINAL_LR_FRACTION",
    "count_params",
    "init_params",
    "loss_and_grads",
    "predict_probs",
    "lr_schedule",
    "wsd_schedule",
    "COOLDOWN_SHAPES",
    "TrainResult",
    "Trainer",
    "train",
]

CITES: dict[str, Cite] = {
    "model": Cite("bengio2003", "§3: shared embeddings C, concatenated, tanh hidden layer, "
                  "softmax (here ReLU and no direct connections)", "READ"),
    "adam": Cite("kingma2015", "Algorithm 1 (bias-corrected moments)", "READ"),
    "schedule": Cite("hoffmann2022", "§3.1 and App. B: cosine cycle matched to the run's "
                     "length, decayed 10×", "READ"),
    "wsd": Cite("hagele2024", "§3.2: constant rate, then a (1-sqrt) cooldown "
                "f = 1 − sqrt((n − (N − N_decay))/N_decay) to zero", "READ"),
}

#: Cooldown shapes of :func:`wsd_schedule`: the fraction of the peak rate at progress u ∈ [0, 1)
#: through the cooldown. Hägele et al. find (1-sqrt) better than linear.
COOLDOWN_SHAPES = {"1-sqrt": lambda u: 1.0 - np.sqrt(u), "linear": lambda u: 1.0 - u}

#: Adam's moment decay rates (β1, β2) [dimensionless]; β2 = 0.99 rather than the paper's 0.999
#: because the shortest runs take only a few hundred steps.
ADAM_BETAS = (0.9, 0.99)
#: Adam's ε [dimensionless] (Kingma & Ba 2015, Algorithm 1).
ADAM_EPS = 1e-8
#: The cosine ends at this fraction of the peak learning rate: a 10× decay (Hoffmann et al.).
FINAL_LR_FRACTION = 0.1

_PARAM_NAMES = ("embed", "w1", "b1", "w2", "b2")


def _whole(name: str, value, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}; got {value!r}.")
    return int(value)


def count_params(vocab: int, order: int, width: int, embed: int) -> int:
    """Exact parameter count of the model [parameters].

    Parameters
    ----------
    vocab : int
        Symbols V [symbols].
    order : int
        Context tokens k [tokens].
    width : int
        Hidden ReLU units h [units].
    embed : int
        Embedding width e [units per token].

    Returns
    -------
    int
        N = V·e + (k·e·h + h) + (h·V + V) [parameters], embeddings included.

    Notes
    -----
    N = V e + k e h + h + h V + V: embedding table, hidden weights and biases, output weights
    and biases. Embeddings count, as in Hoffmann et al. (2022), whose law this study fits.

    References
    ----------
    Bengio et al. (2003) §3; Hoffmann et al. (2022) §2 (N includes embeddings).

    Examples
    --------
    >>> count_params(vocab=32, order=3, width=96, embed=24)
    10880
    """
    v, k = _whole("vocab", vocab, 2), _whole("order", order)
    h, e = _whole("width", width), _whole("embed", embed)
    return v * e + k * e * h + h + h * v + v


def init_params(vocab: int, order: int, width: int, embed: int, seed: int = 0,
                dtype=np.float32) -> dict[str, np.ndarray]:
    """Random initial weights [dimensionless].

    Parameters
    ----------
    vocab, order, width, embed : int
        As in :func:`count_params` [symbols; tokens; units; units per token].
    seed : int
        Seed of numpy's default generator [integer].
    dtype : numpy dtype
        float32 for training, float64 for gradient checks.

    Returns
    -------
    dict of numpy.ndarray
        ``embed`` (V, e), ``w1`` (k·e, h), ``b1`` (h,), ``w2`` (h, V), ``b2`` (V,).

    Notes
    -----
    Embeddings ~ N(0, 1); w1 ~ N(0, 2/(k e)) (He initialisation, so pre-activations have unit
    scale); w2 ~ N(0, 1/h); biases 0.

    References
    ----------
    Bengio et al. (2003) §3.

    Examples
    --------
    >>> p = init_params(32, 3, 96, 24)
    >>> sum(a.size for a in p.values()) == count_params(32, 3, 96, 24)
    True
    """
    v, k = _whole("vocab", vocab, 2), _whole("order", order)
    h, e = _whole("width", width), _whole("embed", embed)
    rng = np.random.default_rng(_whole("seed", seed, 0))
    p = {
        "embed": rng.standard_normal((v, e)),
        "w1": rng.standard_normal((k * e, h)) * math.sqrt(2.0 / (k * e)),
        "b1": np.zeros(h),
        "w2": rng.standard_normal((h, v)) * math.sqrt(1.0 / h),
        "b2": np.zeros(v),
    }
    return {name: a.astype(dtype) for name, a in p.items()}


def _forward(params, contexts):
    x = params["embed"][contexts].reshape(contexts.shape[0], -1)      # (B, k e)
    z = x @ params["w1"]
    z += params["b1"]
    a = np.maximum(z, 0)
    logits = a @ params["w2"]
    logits += params["b2"]
    return x, a, logits


def _log_softmax(logits):
    shifted = logits - logits.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def _check_batch(params, contexts, targets=None):
    ctx = np.asarray(contexts)
    v = params["embed"].shape[0]
    k = params["w1"].shape[0] // params["embed"].shape[1]
    if ctx.ndim != 2 or ctx.shape[1] != k or not np.issubdtype(ctx.dtype, np.integer) \
            or ctx.size == 0 or ctx.min() < 0 or ctx.max() >= v:
        raise ValueError(f"contexts must be integer symbol ids in [0, {v}) of shape (n, {k}); "
                         f"got shape {ctx.shape}, dtype {ctx.dtype}.")
    if targets is None:
        return ctx, None
    tgt = np.asarray(targets)
    if tgt.shape != (ctx.shape[0],) or not np.issubdtype(tgt.dtype, np.integer) \
            or tgt.min() < 0 or tgt.max() >= v:
        raise ValueError(f"targets must be integer symbol ids in [0, {v}) of shape "
                         f"({ctx.shape[0]},); got shape {tgt.shape}.")
    return ctx, tgt


def loss_and_grads(params: dict, contexts, targets) -> tuple[float, dict[str, np.ndarray]]:
    """Mean cross-entropy of a batch and its gradient with respect to every weight.

    Parameters
    ----------
    params : dict of numpy.ndarray
        Weights as from :func:`init_params` [dimensionless].
    contexts : array_like of int
        Shape (B, k), oldest token first [symbol ids].
    targets : array_like of int
        Shape (B,), the tokens to predict [symbol ids].

    Returns
    -------
    loss : float
        (1/B) Σ_b −ln softmax(f(c_b))[y_b] [nats/token].
    grads : dict of numpy.ndarray
        ∂loss/∂w for every weight, same shapes and dtype as ``params``.

    Notes
    -----
    x = [C(c_1), ..., C(c_k)], z = x W1 + b1, a = max(z, 0), o = a W2 + b2, L = −ln softmax(o)_y.
    Backward: g_o = (softmax(o) − onehot(y))/B, g_W2 = aᵀ g_o, g_a = g_o W2ᵀ, g_z = g_a·[z > 0],
    g_W1 = xᵀ g_z, g_x = g_z W1ᵀ, and g_C sums g_x over the positions where each symbol occurs.

    References
    ----------
    Bengio et al. (2003) §3 (the model and its gradient).

    Examples
    --------
    >>> p = init_params(4, 2, 8, 3, dtype=np.float64)
    >>> loss, g = loss_and_grads(p, np.array([[0, 1], [2, 3]]), np.array([1, 0]))
    >>> bool(loss > 0), g["w1"].shape
    (True, (6, 8))
    """
    ctx, tgt = _check_batch(params, contexts, targets)
    n = ctx.shape[0]
    x, a, logits = _forward(params, ctx)
    logp = _log_softmax(logits)
    loss = float(-logp[np.arange(n), tgt].mean())
    g_o = np.exp(logp)
    g_o[np.arange(n), tgt] -= 1.0
    g_o /= n
    g_z = g_o @ params["w2"].T
    g_z *= a > 0
    g_x = (g_z @ params["w1"].T).reshape(n * ctx.shape[1], -1)
    v, dt = params["embed"].shape[0], params["embed"].dtype
    # The embedding gradient as one matrix product with one-hot rows: faster than np.add.at.
    onehot = np.zeros((n * ctx.shape[1], v), dtype=dt)
    onehot[np.arange(onehot.shape[0]), ctx.ravel()] = 1.0
    grads = {
        "embed": onehot.T @ g_x,
        "w1": x.T @ g_z,
        "b1": g_z.sum(axis=0),
        "w2": a.T @ g_o,
        "b2": g_o.sum(axis=0),
    }
    return loss, {name: grads[name].astype(dt, copy=False) for name in _PARAM_NAMES}


def predict_probs(params: dict, contexts) -> np.ndarray:
    """The model's next-token distribution for each context, computed in float64 [probability].

    Parameters
    ----------
    params : dict of numpy.ndarray
        Weights [dimensionless].
    contexts : array_like of int
        Shape (n, k) [symbol ids].

    Returns
    -------
    numpy.ndarray
        softmax(f(c)), shape (n, V) [probability].

    Notes
    -----
    q(x | c) = exp(o_x) / Σ_y exp(o_y), o = max(x W1 + b1, 0) W2 + b2.

    References
    ----------
    Bengio et al. (2003) §3.

    Examples
    --------
    >>> p = init_params(4, 2, 8, 3)
    >>> q = predict_probs(p, np.array([[0, 1]]))
    >>> q.shape, bool(abs(q.sum() - 1) < 1e-12)
    ((1, 4), True)
    """
    ctx, _ = _check_batch(params, contexts)
    p64 = {name: a.astype(np.float64) for name, a in params.items()}
    return np.exp(_log_softmax(_forward(p64, ctx)[2]))


def _step_index(step, n: int) -> np.ndarray:
    t = np.asarray(step, dtype=float)
    if np.any((t < 0) | (t >= n)):
        raise ValueError(f"step must lie in [0, n_steps) = [0, {n}); got {step!r}.")
    return t


def lr_schedule(step, n_steps: int, peak: float, warmup: int):
    """Learning rate at a step: linear warm-up, then cosine decay to a tenth [1/update].

    Parameters
    ----------
    step : int or array_like
        Step index, 0 ≤ step < n_steps [steps].
    n_steps : int
        Length of the run [steps].
    peak : float
        Peak learning rate η [dimensionless].
    warmup : int
        Warm-up steps [steps], fewer than n_steps.

    Returns
    -------
    float or numpy.ndarray
        η_t [dimensionless].

    Notes
    -----
    η_t = η (t + 1)/w for t < w; then η [f + (1 − f)(1 + cos(π u))/2] with
    u = (t − w)/(n − w − 1) ∈ [0, 1] and f = 0.1: the cosine cycle ends exactly at the run's last
    step (Hoffmann et al. 2022, App. B).

    References
    ----------
    Hoffmann et al. (2022) §3.1, App. B.

    Examples
    --------
    >>> [round(lr_schedule(t, 13, 1.0, 2), 3) for t in (0, 1, 2, 7, 12)]
    [0.5, 1.0, 1.0, 0.55, 0.1]
    """
    n = _whole("n_steps", n_steps, 2)
    w = _whole("warmup", warmup, 0)
    if w >= n:
        raise ValueError(f"warmup ({w}) must be fewer than n_steps ({n}) [steps].")
    eta = positive("peak", peak)
    t = _step_index(step, n)
    u = np.clip((t - w) / max(n - w - 1, 1), 0.0, 1.0)
    f = FINAL_LR_FRACTION
    decay = f + (1 - f) * 0.5 * (1 + np.cos(np.pi * u))
    out = eta * np.where(t < w, (t + 1) / max(w, 1), decay)
    return float(out) if np.ndim(step) == 0 else out


def wsd_schedule(step, n_steps: int, peak: float, warmup: int, cooldown: int,
                 shape: str = "1-sqrt"):
    """Learning rate of a warmup-stable-decay run at a step [dimensionless].

    Parameters
    ----------
    step : int or array_like
        Step index, 0 ≤ step < n_steps [steps].
    n_steps : int
        Length of the run [steps].
    peak : float
        The stable (peak) learning rate η [dimensionless].
    warmup : int
        Warm-up steps [steps].
    cooldown : int
        Steps of the final decay, 0 for none (a constant-rate run) [steps]; warmup + cooldown
        must not exceed n_steps.
    shape : str
        ``"1-sqrt"`` (Hägele et al.'s) or ``"linear"`` [name].

    Returns
    -------
    float or numpy.ndarray
        η_t [dimensionless].

    Notes
    -----
    η_t = η (t + 1)/w for t < w; η while t < n − c; then η·f(u) with u = (t − (n − c))/c and
    f(u) = 1 − √u (or 1 − u), falling from η towards 0 over the last c steps. The stable phase
    does not depend on n, so one constant-rate run serves every length: a cooldown branched
    from it at step n − c ends a run of n steps (Hägele et al. 2024, §3).

    References
    ----------
    Hägele et al. (2024) §3.2.

    Examples
    --------
    >>> [round(wsd_schedule(t, 10, 1.0, 1, 4), 3) for t in range(10)]
    [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.293, 0.134]
    """
    n = _whole("n_steps", n_steps, 2)
    w = _whole("warmup", warmup, 0)
    c = _whole("cooldown", cooldown, 0)
    if w + c > n:
        raise ValueError(f"warmup ({w}) + cooldown ({c}) must not exceed n_steps ({n}) [steps].")
    f = COOLDOWN_SHAPES[_shape(shape)]
    eta = positive("peak", peak)
    t = _step_index(step, n)
    u = np.clip((t - (n - c)) / max(c, 1), 0.0, 1.0)
    out = eta * np.where(t < w, (t + 1) / max(w, 1), np.where(t < n - c, 1.0, f(u)))
    return float(out) if np.ndim(step) == 0 else out


def _shape(shape: str) -> str:
    if shape not in COOLDOWN_SHAPES:
        raise ValueError(f"unknown cooldown shape {shape!r}; accepted: "
                         f"{', '.join(map(repr, COOLDOWN_SHAPES))}.")
    return shape


@dataclass(frozen=True)
class TrainResult:
    """One training run and its exact final loss.

    Attributes
    ----------
    width, embed : int
        Hidden width h and embedding width e [units].
    n_params : int
        Parameters N, embeddings included [parameters].
    n_tokens : int
        Tokens trained on D = steps × batch [tokens].
    loss : float
        Exact expected test loss of the final model [nats/token].
    flops : float
        6·N·D [FLOP].
    seconds : float
        Wall time of the run, evaluation included [s].
    n_steps, batch : int
        Optimizer steps [steps] and windows per step [tokens].
    peak_lr : float
        Peak learning rate [dimensionless].
    seed : int
        Seed of initialisation and data [integer].
    schedule : str
        ``"cosine"`` or ``"wsd"`` [name].
    """

    width: int
    embed: int
    n_params: int
    n_tokens: int
    loss: float
    flops: float
    seconds: float
    n_steps: int
    batch: int
    peak_lr: float
    seed: int
    schedule: str = "cosine"


class Trainer:
    """A model with its Adam state and its data stream: training that can pause and branch.

    One :func:`train` call is a :class:`Trainer` run through a whole schedule. Kept as an
    object, the same run can be advanced a few steps at a time, evaluated in between, and
    copied with :meth:`branch`: a warmup-stable-decay study trains one constant-rate run and
    branches a cooldown from it at each length it wants (Hägele et al. 2024).

    Parameters
    ----------
    language : SyntheticLanguage
        The source of training windows and of the exact test loss.
    width : int
        Hidden units h [units].
    seed : int
        Seed of initialisation and of the data stream [integer].
    embed : int, optional
        Embedding width e [units per token]; default max(4, h // 4).
    batch : int
        Windows per step [tokens].
    threads : int
        BLAS threads [threads].

    Attributes
    ----------
    params : dict of numpy.ndarray
        The weights [dimensionless].
    step : int
        Optimizer steps taken so far [steps]; Adam's bias corrections count from it.

    Examples
    --------
    >>> from lessons.synthetic import make_language
    >>> lang = make_language(seed=0, vocab=8, order=2, level_weights=(0.3, 0.3, 0.4))
    >>> trunk = Trainer(lang, width=48, batch=64)
    >>> trunk.run(np.full(100, 3e-3))
    >>> branch = trunk.branch()
    >>> branch.run(np.linspace(3e-3, 0.0, 20, endpoint=False))
    >>> trunk.step, branch.step, trunk.tokens, bool(branch.loss() < np.log(8))
    (100, 120, 6400, True)
    """

    def __init__(self, language: SyntheticLanguage, width: int, seed: int = 0, *,
                 embed: int | None = None, batch: int = 256, threads: int = 1) -> None:
        if not isinstance(language, SyntheticLanguage):
            raise ValueError(f"language must be a SyntheticLanguage; got "
                             f"{type(language).__name__}.")
        self.language = language
        self.width = _whole("width", width)
        self.embed = max(4, self.width // 4) if embed is None else _whole("embed", embed)
        self.batch = _whole("batch", batch)
        self.seed = _whole("seed", seed, 0)
        self.threads = _whole("threads", threads)
        self.rng = np.random.default_rng(self.seed)
        self.params = init_params(language.vocab, language.order, self.width, self.embed,
                                  seed=self.seed)
        self._m = {name: np.zeros_like(a) for name, a in self.params.items()}
        self._s = {name: np.zeros_like(a) for name, a in self.params.items()}
        self.step = 0

    @property
    def n_params(self) -> int:
        """Parameters N, embeddings included [parameters]."""
        return count_params(self.language.vocab, self.language.order, self.width, self.embed)

    @property
    def tokens(self) -> int:
        """Tokens trained on so far, steps × batch [tokens]."""
        return self.step * self.batch

    def branch(self) -> Trainer:
        """An independent copy: weights, Adam moments, step count and data stream [-].

        Examples
        --------
        >>> from lessons.synthetic import make_language
        >>> t = Trainer(make_language(seed=0, vocab=8, order=2,
        ...                           level_weights=(0.3, 0.3, 0.4)), width=16, batch=8)
        >>> b = t.branch()
        >>> b.run([1e-2]); (t.step, b.step)
        (0, 1)
        """
        twin = copy.copy(self)
        twin.params = {k: a.copy() for k, a in self.params.items()}
        twin._m = {k: a.copy() for k, a in self._m.items()}
        twin._s = {k: a.copy() for k, a in self._s.items()}
        twin.rng = copy.deepcopy(self.rng)
        return twin

    def run(self, lrs) -> None:
        """Take one Adam step per learning rate of ``lrs``, on fresh windows [-].

        Parameters
        ----------
        lrs : array_like
            The learning rate of each step, in order [dimensionless].

        Notes
        -----
        Adam (Kingma & Ba 2015, Algorithm 1) with bias-corrected moments,
        θ ← θ − η_t m̂/(√v̂ + ε); every batch is new data (one epoch).

        Examples
        --------
        >>> from lessons.synthetic import make_language
        >>> t = Trainer(make_language(seed=0, vocab=8, order=2,
        ...                           level_weights=(0.3, 0.3, 0.4)), width=16, batch=8)
        >>> t.run([1e-2, 1e-2]); t.step
        2
        """
        rates = np.asarray(lrs, dtype=float).ravel()
        if not np.all(np.isfinite(rates)) or np.any(rates < 0):
            raise ValueError("lrs must be finite learning rates >= 0, one per step.")
        b, params, m, s = self.batch, self.params, self._m, self._s
        b1, b2 = ADAM_BETAS
        chunk = 64  # steps of data drawn at once: fewer calls into the sampler
        with threadpool_limits(limits=self.threads, user_api="blas"):
            for t0 in range(0, rates.size, chunk):
                steps = min(chunk, rates.size - t0)
                ctx_all, tgt_all = self.language.sample_windows(steps * b, self.rng)
                for j in range(steps):
                    t = self.step
                    sl = slice(j * b, (j + 1) * b)
                    _, grads = loss_and_grads(params, ctx_all[sl], tgt_all[sl])
                    # Bias corrections folded into the step size (Kingma & Ba 2015, §2).
                    size = rates[t0 + j] * math.sqrt(1 - b2 ** (t + 1)) / (1 - b1 ** (t + 1))
                    for name in _PARAM_NAMES:
                        g, mm, ss, p = grads[name], m[name], s[name], params[name]
                        mm *= b1
                        mm += (1 - b1) * g
                        ss *= b2
                        g *= g
                        g *= 1 - b2
                        ss += g
                        np.sqrt(ss, out=g)
                        g += ADAM_EPS
                        np.divide(mm, g, out=g)
                        g *= size
                        p -= g
                    self.step += 1

    def loss(self) -> float:
        """The model's exact expected test loss [nats/token].

        Notes
        -----
        loss = Σ_s π(s) CE(P(·|s), q(·|s)) over every context, in float64
        (:meth:`lessons.synthetic.SyntheticLanguage.expected_loss`).

        Examples
        --------
        >>> from lessons.synthetic import make_language
        >>> t = Trainer(make_language(seed=0, vocab=8, order=2,
        ...                           level_weights=(0.3, 0.3, 0.4)), width=16, batch=8)
        >>> bool(t.loss() > t.language.entropy_rate())
        True
        """
        with threadpool_limits(limits=self.threads, user_api="blas"):
            probs = predict_probs(self.params, self.language.contexts())
        return self.language.expected_loss(probs)


def train(language: SyntheticLanguage, width: int, n_tokens: int, seed: int = 0, *,
          embed: int | None = None, batch: int = 256, peak_lr: float = 3e-3,
          warmup_fraction: float = 0.05, threads: int = 1, schedule: str = "cosine",
          cooldown_fraction: float = 0.2, cooldown_shape: str = "1-sqrt") -> TrainResult:
    """Train the model on fresh windows of ``language`` and return its exact final loss.

    Parameters
    ----------
    language : SyntheticLanguage
        The source of training windows and of the exact test loss.
    width : int
        Hidden units h [units].
    n_tokens : int
        Training tokens D [tokens]; rounded down to whole batches, at least 2 steps.
    seed : int
        Seed of initialisation and of the data stream [integer].
    embed : int, optional
        Embedding width e [units per token]; default max(4, h // 4).
    batch : int
        Windows per step [tokens].
    peak_lr : float
        Peak Adam learning rate η [dimensionless].
    warmup_fraction : float
        Share of the steps spent warming up [fraction].
    threads : int
        BLAS threads [threads].
    schedule : str
        ``"cosine"`` (:func:`lr_schedule`, the study's) or ``"wsd"`` (:func:`wsd_schedule`)
        [name].
    cooldown_fraction : float
        With ``"wsd"``: share of the steps in the final cooldown [fraction].
    cooldown_shape : str
        With ``"wsd"``: ``"1-sqrt"`` or ``"linear"`` [name].

    Returns
    -------
    TrainResult
        N [parameters], D [tokens], exact loss [nats/token], 6ND [FLOP], wall time [s].

    Notes
    -----
    Adam (Kingma & Ba 2015, Algorithm 1) with bias-corrected moments,
    θ ← θ − η_t m̂/(√v̂ + ε), η_t from the schedule; every batch is new data (one epoch);
    loss = Σ_s π(s) CE(P(·|s), q(·|s)). A :class:`Trainer` run through the whole schedule.

    References
    ----------
    Bengio et al. (2003); Kingma & Ba (2015); Hoffmann et al. (2022) §3.1; Hägele et al.
    (2024) §3.2.

    Examples
    --------
    >>> from lessons.synthetic import make_language
    >>> lang = make_language(seed=0, vocab=8, order=2, level_weights=(0.3, 0.3, 0.4))
    >>> res = train(lang, width=48, n_tokens=20_000, seed=0, batch=64)
    >>> bool(res.loss < np.log(8)), res.n_tokens, res.n_params == count_params(8, 2, 48, 12)
    (True, 19968, True)
    """
    start = time.perf_counter()
    trainer = Trainer(language, width, seed, embed=embed, batch=batch, threads=threads)
    n_steps = _whole("n_tokens", n_tokens, 2 * trainer.batch) // trainer.batch
    wf = float(positive("warmup_fraction", warmup_fraction, unit="fraction", allow_zero=True))
    if wf >= 1:
        raise ValueError(f"warmup_fraction must be a fraction below 1, e.g. 0.05; got {wf!r}.")
    eta = float(positive("peak_lr", peak_lr))
    warmup = min(round(wf * n_steps), n_steps - 1)
    kind = {"cosine": "cosine", "wsd": "wsd"}.get(schedule)
    if kind is None:
        raise ValueError(f"unknown schedule {schedule!r}; accepted: 'cosine', 'wsd'.")
    if kind == "cosine":
        lrs = lr_schedule(np.arange(n_steps), n_steps, eta, warmup)
    else:
        cf = float(positive("cooldown_fraction", cooldown_fraction, unit="fraction"))
        cooldown = round(cf * n_steps)
        if cf > 1 or warmup + cooldown > n_steps:
            raise ValueError(f"cooldown_fraction ({cf!r}) plus warmup_fraction must not exceed "
                             "1; a cooldown of 0.2 is Hägele et al.'s.")
        lrs = wsd_schedule(np.arange(n_steps), n_steps, eta, warmup, cooldown,
                           _shape(cooldown_shape))
    trainer.run(lrs)
    loss = trainer.loss()
    d = trainer.tokens
    return TrainResult(width=trainer.width, embed=trainer.embed, n_params=trainer.n_params,
                       n_tokens=d, loss=loss, flops=float(training_flops(trainer.n_params, d)),
                       seconds=time.perf_counter() - start, n_steps=n_steps,
                       batch=trainer.batch, peak_lr=eta, seed=trainer.seed, schedule=kind)
