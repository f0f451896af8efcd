"""A synthetic language with a known entropy rate: the corpus of the course's own scaling study.

Taught in the chapter *Fitting scaling laws to real data*.

Real text never reveals its irreducible loss E. This module builds a stochastic language whose
entropy rate is computed exactly, so a fitted E can be checked against the truth.

The language is an order-k Markov chain over V symbols. The next-token distribution of the
context s = (x_1, ..., x_k) (oldest first) is a mixture of back-off levels

    P(x | s) = λ_0 u(x) + λ_1 D_1(x | x_k) + λ_2 D_2(x | x_{k-1}, x_k) + ... + λ_k D_k(x | s),

with u a Zipf law u(x) ∝ (x + 1)^(-a) shared by all contexts and each D_j(· | last j tokens) a
draw from a symmetric Dirichlet(c) with small c, hence peaked on a few symbols. Why this shape:

* Level j has V^j rows, so the structure spans scales: the unigram costs V numbers, the last
  level V^(k+1). A small model captures the cheap levels, a larger one more and more of the
  context-specific part: the loss falls with model size over a wide range rather than in a step.
* The shared Zipf part makes symbol frequencies, hence context frequencies π(s), heavy-tailed:
  rare contexts are seen rarely, so the loss keeps falling with more data as ever rarer contexts
  are learned (the mechanism behind power-law data scaling).
* λ_0 > 0 gives every transition positive probability: the chain is irreducible and aperiodic,
  its stationary law π is unique, and every cross-entropy below is finite.

Everything is drawn from one seed with numpy's default generator, so a seed names a language.

The study's language (V = 32, k = 3, :data:`lessons.study.STUDY`): the best loss with 0, 1, 2
and 3 tokens of context, the last being the entropy rate, and the spread of context
frequencies:

>>> from lessons.study import STUDY
>>> lang = make_language(STUDY.language)
>>> [round(float(h), 3) for h in lang.context_entropies()]
[2.836, 2.738, 2.516, 2.265]
>>> pi = lang.stationary_distribution()
>>> f"{pi.max() / pi.min():.1e}"
'1.1e+06'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from ._validate import positive
from .sources import Cite

__all__ = [
    "ALPHABET",
    "ENTROPY_RATE_CITE",
    "LanguageSpec",
    "SyntheticLanguage",
    "make_language",
    "markov_entropy_rate",
]

#: Printable symbols for :meth:`SyntheticLanguage.text`; symbol 0 (the Zipf head) is a space.
ALPHABET = " etaoinshrdlcumwfgypbvkjxqz.,;'-"

#: The entropy rate of a stationary Markov chain, H = Σ_s π(s) H(P(·|s)).
ENTROPY_RATE_CITE = Cite("cover2006", "Theorem 4.2.4", "READ")

# Power iteration: stop when the L1 change per step falls below this [probability].
_STATIONARY_TOL = 1e-15
_STATIONARY_MAXITER = 100_000


def _check_transition(transition, order: int) -> np.ndarray:
    p = np.asarray(transition, dtype=float)
    if isinstance(order, bool) or not isinstance(order, (int, np.integer)) or order < 1:
        raise ValueError(f"order must be a whole number >= 1 [tokens]; got {order!r}.")
    if p.ndim != 2 or p.shape[1] < 2 or p.shape[0] != p.shape[1] ** order:
        raise ValueError(
            f"transition must have shape (V**order, V) with V >= 2 (one row per context); "
            f"got {p.shape} for order {order}."
        )
    return _check_rows(p)


def _check_rows(p: np.ndarray) -> np.ndarray:
    if not np.all(np.isfinite(p)) or np.any(p < 0):
        raise ValueError("transition probabilities must be finite and >= 0.")
    if not np.allclose(p.sum(axis=1), 1.0, rtol=0, atol=1e-9):
        raise ValueError("each row of transition must sum to 1 (a distribution over V symbols).")
    return p


def _stationary(p: np.ndarray, order: int) -> np.ndarray:
    """π of the chain on contexts, by power iteration of the lazy chain (I + T)/2."""
    v = p.shape[1]
    p3 = p.reshape(v, v ** (order - 1), v)          # (oldest token, rest of context, next)
    pi = np.full(p.shape[0], 1.0 / p.shape[0])
    for _ in range(_STATIONARY_MAXITER):
        # The next context is (rest, next): sum over the dropped oldest token.
        step = np.einsum("ar,arx->rx", pi.reshape(v, -1), p3).reshape(-1)
        new = 0.5 * (pi + step)                     # lazy: same π, and converges if periodic
        new /= new.sum()
        if np.abs(new - pi).sum() < _STATIONARY_TOL:
            return new
        pi = new
    raise ValueError("the chain's stationary distribution did not converge: is it irreducible?")


def markov_entropy_rate(transition, stationary) -> float:
    """Entropy rate of a stationary Markov chain [nats/token].

    Parameters
    ----------
    transition : array_like
        Next-token distributions P(x | s), shape (n_contexts, V), rows summing to 1 [probability].
    stationary : array_like
        Stationary probability π(s) of each context, shape (n_contexts,) [probability].

    Returns
    -------
    float
        H = Σ_s π(s) H(P(·|s)) [nats/token].

    Notes
    -----
    H = −Σ_s π(s) Σ_x P(x|s) ln P(x|s), with 0 ln 0 = 0 (Cover & Thomas 2006, Theorem 4.2.4).
    An order-k chain is an order-1 chain on contexts of k tokens, so the same sum holds with s
    running over contexts.

    References
    ----------
    Cover & Thomas (2006), Theorem 4.2.4.

    Examples
    --------
    A two-state chain that flips with probability 0.5 from either state is a fair coin:

    >>> f"{markov_entropy_rate([[0.5, 0.5], [0.5, 0.5]], [0.5, 0.5]):.6f}"
    '0.693147'
    """
    p = np.asarray(transition, dtype=float)
    pi = positive("stationary", stationary, unit="probability", allow_zero=True)
    if p.ndim != 2 or pi.shape != (p.shape[0],):
        raise ValueError(
            f"transition must be (n_contexts, V) and stationary (n_contexts,); got {p.shape} "
            f"and {pi.shape}."
        )
    _check_rows(p)
    if abs(pi.sum() - 1.0) > 1e-9:
        raise ValueError(f"stationary must sum to 1; got {pi.sum()!r}.")
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(p), 0.0)
    return float(-(pi @ plogp.sum(axis=1)))


@dataclass(frozen=True)
class LanguageSpec:
    """The recipe of a synthetic language: everything :func:`make_language` draws it from.

    Attributes
    ----------
    seed : int
        Seed of numpy's default generator [integer].
    vocab : int
        Number of symbols V [symbols].
    order : int
        Context length k [tokens].
    zipf_exponent : float
        Exponent a of the shared unigram u(x) ∝ (x + 1)^(-a) [dimensionless].
    level_weights : tuple of float
        Mixture weights (λ_0, ..., λ_k) of the unigram and of the k back-off levels
        [fraction, summing to 1].
    concentration : float
        Symmetric Dirichlet parameter c of every context-specific row; c < 1 gives peaked
        rows [dimensionless].
    """

    seed: int = 0
    vocab: int = 32
    order: int = 3
    zipf_exponent: float = 1.0
    level_weights: tuple[float, ...] = (0.1, 0.2, 0.3, 0.4)
    concentration: float = 0.1

    def __post_init__(self) -> None:
        for name in ("seed", "vocab", "order"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
                raise ValueError(f"{name} must be a whole number >= 0; got {value!r}.")
        if self.vocab < 2 or self.order < 1:
            raise ValueError(f"need vocab >= 2 and order >= 1; got {self.vocab}, {self.order}.")
        if self.vocab ** (self.order + 1) > 2 ** 26:
            raise ValueError(f"vocab**(order+1) = {self.vocab ** (self.order + 1)} entries is "
                             "too large for an exact table; use a smaller vocab or order.")
        positive("zipf_exponent", self.zipf_exponent, allow_zero=True)
        positive("concentration", self.concentration)
        w = positive("level_weights", self.level_weights, unit="fraction", allow_zero=True)
        if w.shape != (self.order + 1,) or abs(w.sum() - 1.0) > 1e-12 or w[0] <= 0:
            raise ValueError(
                f"level_weights needs order + 1 = {self.order + 1} weights summing to 1, the "
                f"first (unigram) > 0 so that every transition is possible; got "
                f"{self.level_weights!r}."
            )


@dataclass(frozen=True, eq=False)
class SyntheticLanguage:
    """An order-k Markov language over V symbols, with exact stationary law and entropy rate.

    Attributes
    ----------
    transition : numpy.ndarray
        P(x | s), shape (V**k, V) [probability]. Context s = (x_1, ..., x_k), oldest first,
        has index Σ_j x_j V^(k−j).
    order : int
        Context length k [tokens].
    spec : LanguageSpec or None
        The recipe, when the language came from :func:`make_language`.

    Examples
    --------
    >>> lang = SyntheticLanguage(np.array([[0.9, 0.1], [0.5, 0.5]]), order=1)
    >>> lang.vocab, lang.n_contexts
    (2, 2)
    >>> [round(float(p), 4) for p in lang.stationary_distribution()]
    [0.8333, 0.1667]
    """

    transition: np.ndarray
    order: int
    spec: LanguageSpec | None = field(default=None)

    def __post_init__(self) -> None:
        p = _check_transition(self.transition, self.order)
        p.setflags(write=False)
        object.__setattr__(self, "transition", p)

    @property
    def vocab(self) -> int:
        """Number of symbols V [symbols]."""
        return int(self.transition.shape[1])

    @property
    def n_contexts(self) -> int:
        """Number of contexts V**k [contexts]."""
        return int(self.transition.shape[0])

    def contexts(self) -> np.ndarray:
        """Every context as tokens, shape (V**k, k), oldest first, in index order [symbol ids].

        Notes
        -----
        Context index s = Σ_j x_j V^(k−j): the digits of s in base V, oldest token first.

        References
        ----------
        Cover & Thomas (2006), §4.2 (an order-k chain as a chain on k-tuples).

        Examples
        --------
        >>> SyntheticLanguage(np.full((4, 2), 0.5), order=2).contexts().tolist()
        [[0, 0], [0, 1], [1, 0], [1, 1]]
        """
        idx = np.arange(self.n_contexts)
        powers = self.vocab ** np.arange(self.order - 1, -1, -1)
        return (idx[:, None] // powers) % self.vocab

    @cached_property
    def _pi(self) -> np.ndarray:
        pi = _stationary(self.transition, self.order)
        pi.setflags(write=False)
        return pi

    def stationary_distribution(self) -> np.ndarray:
        """Stationary probability π(s) of every context, shape (V**k,) [probability].

        Notes
        -----
        π solves π(s') = Σ_s π(s) T(s → s'), where context s = (x_1, ..., x_k) moves to
        s' = (x_2, ..., x_k, x) with probability P(x | s). Found by power iteration of the lazy
        chain (I + T)/2, which has the same π and converges for periodic chains too, until the
        L1 change is below 1e-15.

        References
        ----------
        Cover & Thomas (2006), §4.2.

        Examples
        --------
        >>> lang = SyntheticLanguage(np.array([[0.0, 1.0], [1.0, 0.0]]), order=1)
        >>> lang.stationary_distribution().tolist()
        [0.5, 0.5]
        """
        return self._pi

    def entropy_rate(self) -> float:
        """Exact entropy rate of the language [nats/token]: the loss of a perfect model.

        Notes
        -----
        H = Σ_s π(s) H(P(·|s)) (Cover & Thomas 2006, Theorem 4.2.4); see
        :func:`markov_entropy_rate`.

        References
        ----------
        Cover & Thomas (2006), Theorem 4.2.4.

        Examples
        --------
        >>> p = 0.1  # a binary source that flips with probability p: H = H_b(p)
        >>> lang = SyntheticLanguage(np.array([[1 - p, p], [p, 1 - p]]), order=1)
        >>> hb = -(p * np.log(p) + (1 - p) * np.log(1 - p))
        >>> bool(abs(lang.entropy_rate() - hb) < 1e-12)
        True
        """
        return markov_entropy_rate(self.transition, self._pi)

    def context_entropies(self) -> np.ndarray:
        """H(X | last j tokens) for j = 0..k [nats/token]: the best loss with j tokens of context.

        Returns
        -------
        numpy.ndarray
            Shape (k + 1,): H_0 (unigram entropy) ≥ H_1 ≥ ... ≥ H_k = entropy rate [nats/token].

        Notes
        -----
        H_j = −Σ_{c, x} p_j(c, x) ln p_j(x | c), with p_j(c, x) the stationary law of the last j
        context tokens c and the next token x, obtained by summing π(s) P(x|s) over the older
        tokens. Conditioning cannot raise entropy, so H_j falls with j (Cover & Thomas 2006,
        Theorem 2.6.5); a model that uses only j tokens cannot beat H_j.

        References
        ----------
        Cover & Thomas (2006), Theorems 2.6.5 and 4.2.4.

        Examples
        --------
        >>> lang = SyntheticLanguage(np.array([[0.9, 0.1], [0.5, 0.5]]), order=1)
        >>> h0, h1 = lang.context_entropies()
        >>> bool(h0 > h1), bool(abs(h1 - lang.entropy_rate()) < 1e-12)
        (True, True)
        """
        v, k = self.vocab, self.order
        joint = self._pi[:, None] * self.transition                  # p(s, x), (V^k, V)
        out = []
        for j in range(k + 1):
            pj = joint.reshape(v ** (k - j), v ** j, v).sum(axis=0)  # p(last j tokens, x)
            cond = pj / pj.sum(axis=1, keepdims=True)
            with np.errstate(divide="ignore", invalid="ignore"):
                out.append(-np.where(pj > 0, pj * np.log(cond), 0.0).sum())
        return np.array(out)

    @cached_property
    def _cdfs(self) -> tuple[np.ndarray, np.ndarray]:
        ctx_cdf = np.cumsum(self._pi)
        ctx_cdf /= ctx_cdf[-1]
        # Row s's cumulative distribution shifted by s: one increasing array for all rows.
        rows = np.cumsum(self.transition, axis=1)
        rows /= rows[:, -1:]
        flat = (rows + np.arange(self.n_contexts)[:, None]).ravel()
        return ctx_cdf, flat

    def _next(self, ctx_index: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        flat = self._cdfs[1]
        u = rng.random(ctx_index.shape)
        pos = np.searchsorted(flat, ctx_index + u, side="right")
        return np.minimum(pos - ctx_index * self.vocab, self.vocab - 1)

    def sample_windows(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Draw n independent windows (context, next token) from the stationary chain.

        Parameters
        ----------
        n : int
            Number of windows [windows; one predicted token each].
        rng : numpy.random.Generator
            Source of randomness.

        Returns
        -------
        contexts : numpy.ndarray
            Shape (n, k), oldest token first [symbol ids].
        targets : numpy.ndarray
            Shape (n,), the token that follows each context [symbol ids].

        Notes
        -----
        s ~ π, then x ~ P(· | s), each by inverse-CDF lookup. In a stationary chain the window
        at *any* position of the text has law π(s) P(x | s); so these windows are what one gets
        by picking positions uniformly at random from an endless text (the chain is ergodic).
        Consecutive windows of one finite text are correlated; independent draws are the
        limit of shuffled positions from a text much longer than the training run, i.e. a
        single epoch with no repeated data.

        References
        ----------
        Cover & Thomas (2006), §4.1-4.2 (stationary processes).

        Examples
        --------
        >>> lang = make_language(LanguageSpec(vocab=4, order=2, level_weights=(0.4, 0.3, 0.3)))
        >>> ctx, nxt = lang.sample_windows(5, np.random.default_rng(0))
        >>> ctx.shape, nxt.shape
        ((5, 2), (5,))
        """
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(f"n must be a whole number >= 1 [windows]; got {n!r}.")
        if not isinstance(rng, np.random.Generator):
            raise ValueError("rng must be a numpy.random.Generator, e.g. np.random.default_rng(0).")
        ctx_index = np.searchsorted(self._cdfs[0], rng.random(n), side="right")
        ctx_index = np.minimum(ctx_index, self.n_contexts - 1)
        powers = self.vocab ** np.arange(self.order - 1, -1, -1)
        return (ctx_index[:, None] // powers) % self.vocab, self._next(ctx_index, rng)

    def text(self, n_tokens: int, seed: int = 0) -> str:
        """A stretch of the language as printable text, from a stationary start.

        Parameters
        ----------
        n_tokens : int
            Length [tokens = characters].
        seed : int
            Seed of numpy's default generator [integer].

        Returns
        -------
        str
            Symbol i written as ``ALPHABET[i]`` (symbol 0, the Zipf head, is a space).

        Notes
        -----
        x_1..x_k ~ π, then x_{t+1} ~ P(· | x_{t−k+1}, ..., x_t).

        References
        ----------
        Cover & Thomas (2006), §4.2.

        Examples
        --------
        >>> len(make_language(LanguageSpec(vocab=8, order=1, level_weights=(0.5, 0.5)))
        ...     .text(40, seed=1))
        40
        """
        if isinstance(n_tokens, bool) or not isinstance(n_tokens, (int, np.integer)) \
                or n_tokens < 1:
            raise ValueError(f"n_tokens must be a whole number >= 1; got {n_tokens!r}.")
        if self.vocab > len(ALPHABET):
            raise ValueError(f"text() prints at most {len(ALPHABET)} symbols; V = {self.vocab}.")
        rng = np.random.default_rng(seed)
        ctx, _ = self.sample_windows(1, rng)
        tokens = list(ctx[0])
        state = int(ctx[0] @ (self.vocab ** np.arange(self.order - 1, -1, -1)))
        while len(tokens) < n_tokens:
            x = int(self._next(np.array([state]), rng)[0])
            tokens.append(x)
            state = (state * self.vocab + x) % self.n_contexts
        return "".join(ALPHABET[t] for t in tokens[:n_tokens])

    def expected_loss(self, probs) -> float:
        """Exact test loss of a model that predicts ``probs`` in each context [nats/token].

        Parameters
        ----------
        probs : array_like
            The model's next-token distribution q(· | s) in every context, shape (V**k, V),
            rows in the order of :meth:`contexts` [probability].

        Returns
        -------
        float
            L(q) = Σ_s π(s) Σ_x P(x|s) (−ln q(x|s)) [nats/token].

        Notes
        -----
        L(q) = H + Σ_s π(s) KL(P(·|s) ‖ q(·|s)) ≥ H, with equality iff q = P wherever π > 0.
        It is the limit of the average test loss over an endless held-out text: no sampling
        noise in the evaluation.

        References
        ----------
        Cover & Thomas (2006), Theorem 2.6.3 (KL ≥ 0) and Theorem 4.2.4.

        Examples
        --------
        >>> lang = SyntheticLanguage(np.array([[0.9, 0.1], [0.5, 0.5]]), order=1)
        >>> bool(abs(lang.expected_loss(lang.transition) - lang.entropy_rate()) < 1e-12)
        True
        >>> f"{lang.expected_loss(np.full((2, 2), 0.5)):.4f}"     # uniform guess: ln 2
        '0.6931'
        """
        q = np.asarray(probs, dtype=float)
        if q.shape != self.transition.shape:
            raise ValueError(f"probs must have shape {self.transition.shape} (contexts, V); "
                             f"got {q.shape}.")
        if not np.all(np.isfinite(q)) or np.any(q < 0):
            raise ValueError("probs must be finite and >= 0.")
        if not np.allclose(q.sum(axis=1), 1.0, rtol=0, atol=1e-6):
            raise ValueError("each row of probs must sum to 1 (softmax outputs).")
        p = self.transition
        with np.errstate(divide="ignore"):
            logq = np.log(q)
        ce = -np.where(p > 0, p * logq, 0.0).sum(axis=1)
        return float(self._pi @ ce)


def make_language(spec: LanguageSpec | None = None, **kwargs) -> SyntheticLanguage:
    """Draw the synthetic language of a recipe, deterministically from its seed.

    Parameters
    ----------
    spec : LanguageSpec, optional
        The recipe; by default ``LanguageSpec(**kwargs)`` (seed, vocab [symbols], order
        [tokens], zipf_exponent, level_weights [fraction], concentration [dimensionless]).

    Returns
    -------
    SyntheticLanguage
        The chain, with ``spec`` attached.

    Notes
    -----
    P(x | s) = λ_0 u(x) + Σ_{j=1..k} λ_j D_j(x | last j tokens of s), u(x) ∝ (x+1)^(−a),
    D_j(· | ·) ~ Dirichlet(c, ..., c) independently for each of the V^j suffixes, drawn level by
    level from ``numpy.random.default_rng(seed)``.

    References
    ----------
    Cover & Thomas (2006), §4.2 (Markov chains); the mixture is this course's construction.

    Examples
    --------
    >>> lang = make_language(seed=0, vocab=8, order=2, level_weights=(0.2, 0.3, 0.5))
    >>> lang.transition.shape
    (64, 8)
    >>> bool(0 < lang.entropy_rate() < np.log(8))
    True
    """
    if spec is None:
        spec = LanguageSpec(**kwargs)
    elif kwargs:
        raise ValueError("pass either a LanguageSpec or keyword arguments, not both.")
    if not isinstance(spec, LanguageSpec):
        raise ValueError(f"spec must be a LanguageSpec; got {type(spec).__name__}.")
    v, k = spec.vocab, spec.order
    rng = np.random.default_rng(spec.seed)
    u = (np.arange(v) + 1.0) ** -spec.zipf_exponent
    u /= u.sum()
    p = np.broadcast_to(spec.level_weights[0] * u, (v ** k, v)).copy()
    for j in range(1, k + 1):
        rows = rng.dirichlet(spec.concentration * v * u, size=v ** j)       # (V^j, V)
        # Context index s = (prefix, suffix of j tokens): the suffix is s mod V^j.
        p += spec.level_weights[j] * rows[np.arange(v ** k) % v ** j]
    p /= p.sum(axis=1, keepdims=True)
    return SyntheticLanguage(p, k, spec)
