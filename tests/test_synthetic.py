"""Tests of lessons.synthetic: the language of known entropy behind the course's scaling study.

Sources: Cover & Thomas (2006) Theorem 4.2.4 (entropy rate of a stationary Markov chain) and
Theorem 2.6.3 (KL ≥ 0, so the exact expected loss is minimised by the true distribution). The
closed forms checked here are derived by hand in each test's docstring.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lessons.study import STUDY
from lessons.synthetic import (
    ALPHABET,
    LanguageSpec,
    SyntheticLanguage,
    make_language,
    markov_entropy_rate,
)


def binary_entropy(p: float) -> float:
    return float(-(p * np.log(p) + (1 - p) * np.log(1 - p)))


@pytest.fixture(scope="module")
def study_language() -> SyntheticLanguage:
    return make_language(STUDY.language)


@pytest.fixture(scope="module")
def small_language() -> SyntheticLanguage:
    return make_language(seed=3, vocab=4, order=2, level_weights=(0.2, 0.3, 0.5),
                         concentration=0.3)


class TestEntropyRate:
    @settings(max_examples=50, deadline=None)
    @given(p=st.floats(0.01, 0.99), q=st.floats(0.01, 0.99))
    def test_two_state_chain_closed_form(self, p, q):
        """Cover & Thomas (2006) Example 4.2.1/Thm 4.2.4: π = (q, p)/(p + q) and
        H = (q H_b(p) + p H_b(q))/(p + q) for P = [[1−p, p], [q, 1−q]].

        The unweighted mean of the two row entropies (a wrong answer whenever p ≠ q and the
        row entropies differ) is rejected by the π weighting.
        """
        lang = SyntheticLanguage(np.array([[1 - p, p], [q, 1 - q]]), order=1)
        pi = lang.stationary_distribution()
        np.testing.assert_allclose(pi, [q / (p + q), p / (p + q)], atol=1e-12)
        expected = (q * binary_entropy(p) + p * binary_entropy(q)) / (p + q)
        assert lang.entropy_rate() == pytest.approx(expected, abs=1e-12)

    def test_iid_source_of_order_two(self):
        """An i.i.d. source written as an order-2 chain (all rows r): H = H(r), π(a, b) = r_a r_b."""
        r = np.array([0.5, 0.25, 0.125, 0.125])          # H(r) = 1.75 bits
        lang = SyntheticLanguage(np.tile(r, (16, 1)), order=2)
        assert lang.entropy_rate() == pytest.approx(1.75 * np.log(2), abs=1e-12)
        np.testing.assert_allclose(lang.stationary_distribution(), np.outer(r, r).ravel(),
                                   atol=1e-12)

    def test_periodic_chain_converges(self):
        """The deterministic flip 0→1→0 is periodic: plain power iteration would oscillate;
        the lazy chain gives π = (1/2, 1/2) and H = 0."""
        lang = SyntheticLanguage(np.array([[0.0, 1.0], [1.0, 0.0]]), order=1)
        np.testing.assert_allclose(lang.stationary_distribution(), [0.5, 0.5], atol=1e-12)
        assert lang.entropy_rate() == 0.0

    def test_study_language_stationary_is_fixed_point(self, study_language):
        """π(s') = Σ_s π(s) T(s → s') for the study's order-3 chain over 32 symbols."""
        lang = study_language
        v = lang.vocab
        pi = lang.stationary_distribution()
        step = np.einsum("ar,arx->rx", pi.reshape(v, -1),
                         lang.transition.reshape(v, -1, v)).ravel()
        np.testing.assert_allclose(step, pi, rtol=0, atol=1e-14)
        assert pi.sum() == pytest.approx(1.0, abs=1e-12)

    def test_study_entropy_between_bounds(self, study_language):
        """0 < H < ln V, and H below the entropy of the shared-Zipf unigram alone (each row
        mixes in peaked context-specific parts)."""
        h = study_language.entropy_rate()
        assert 0 < h < np.log(32)
        assert 1.5 < h < 3.0  # the documented regime: far from both 0 and ln 32 = 3.47

    def test_context_entropies(self, study_language):
        """H_0 ≥ H_1 ≥ ... ≥ H_k = H (Cover & Thomas 2006, Thm 2.6.5); H_0 is the entropy of
        the stationary unigram; each back-off level of the study's language adds information
        (a strict fall: a chain whose rows ignored the oldest token would have H_2 = H_3)."""
        lang = study_language
        hs = lang.context_entropies()
        assert hs.shape == (4,)
        assert hs[-1] == pytest.approx(lang.entropy_rate(), abs=1e-12)
        assert np.all(np.diff(hs) < -0.05)
        unigram = (lang.stationary_distribution()[:, None] * lang.transition).sum(axis=0)
        assert hs[0] == pytest.approx(-(unigram * np.log(unigram)).sum(), abs=1e-12)

    def test_context_entropies_of_iid_source_are_flat(self):
        """An i.i.d. source: context does not help, H_0 = H_1 = H_2."""
        r = np.array([0.5, 0.3, 0.2])
        hs = SyntheticLanguage(np.tile(r, (9, 1)), order=2).context_entropies()
        np.testing.assert_allclose(hs, -(r * np.log(r)).sum(), atol=1e-12)

    def test_markov_entropy_rate_rejects_bad_input(self):
        with pytest.raises(ValueError, match="sum to 1"):
            markov_entropy_rate([[0.5, 0.5], [0.5, 0.5]], [0.7, 0.7])
        with pytest.raises(ValueError, match="stationary"):
            markov_entropy_rate([[0.5, 0.5], [0.5, 0.5]], [1.0])
        with pytest.raises(ValueError, match="sum to 1"):
            markov_entropy_rate([[0.6, 0.6], [0.5, 0.5]], [0.5, 0.5])


class TestConstruction:
    def test_deterministic_from_seed(self):
        a = make_language(seed=5, vocab=8, order=2, level_weights=(0.2, 0.3, 0.5))
        b = make_language(seed=5, vocab=8, order=2, level_weights=(0.2, 0.3, 0.5))
        c = make_language(seed=6, vocab=8, order=2, level_weights=(0.2, 0.3, 0.5))
        np.testing.assert_array_equal(a.transition, b.transition)
        assert not np.allclose(a.transition, c.transition)

    def test_back_off_structure(self):
        """With only the unigram and the last-token level, rows depend on the last token only."""
        lang = make_language(seed=1, vocab=6, order=2, level_weights=(0.5, 0.5, 0.0))
        rows = lang.transition.reshape(6, 6, 6)
        np.testing.assert_allclose(rows, np.broadcast_to(rows[0], rows.shape))

    def test_every_transition_possible(self, study_language):
        """λ_0 > 0: every P(x|s) > 0, so every cross-entropy is finite."""
        assert study_language.transition.min() > 0

    def test_heavy_tailed_contexts(self, study_language):
        """The Zipf base makes context frequencies span orders of magnitude (a uniform-looking
        chain, the thing this rejects, has max/min π within a factor of a few)."""
        pi = study_language.stationary_distribution()
        assert pi.max() / pi.min() > 1e4

    @pytest.mark.parametrize("kwargs, match", [
        (dict(level_weights=(0.5, 0.5)), "order \\+ 1"),
        (dict(level_weights=(0.0, 0.2, 0.3, 0.5)), "unigram"),
        (dict(level_weights=(0.2, 0.2, 0.3, 0.4)), "summing to 1"),
        (dict(vocab=1), "vocab"),
        (dict(concentration=-1.0), "concentration"),
        (dict(vocab=64, order=4), "too large"),
    ])
    def test_spec_rejects(self, kwargs, match):
        with pytest.raises(ValueError, match=match):
            LanguageSpec(**kwargs)

    def test_transition_rejects(self):
        with pytest.raises(ValueError, match="shape"):
            SyntheticLanguage(np.full((3, 2), 0.5), order=1)
        with pytest.raises(ValueError, match="sum to 1"):
            SyntheticLanguage(np.full((2, 2), 0.4), order=1)
        with pytest.raises(ValueError, match="finite"):
            SyntheticLanguage(np.array([[1.5, -0.5], [0.5, 0.5]]), order=1)


class TestSampling:
    N_WINDOWS = 400_000

    def test_frequencies_match_pi_and_p(self, small_language):
        """Empirical context and next-token frequencies of 400,000 windows agree with π and
        P within 5 binomial standard errors per cell (80 cells: a false alarm is ~1e-4 likely).

        The context law is far from uniform, so sampling contexts uniformly (a wrong sampler)
        would miss π by many standard errors: checked below.
        """
        lang = small_language
        ctx, nxt = lang.sample_windows(self.N_WINDOWS, np.random.default_rng(0))
        idx = ctx @ (lang.vocab ** np.arange(lang.order - 1, -1, -1))
        pi = lang.stationary_distribution()
        freq = np.bincount(idx, minlength=lang.n_contexts) / self.N_WINDOWS
        se = np.sqrt(pi * (1 - pi) / self.N_WINDOWS)
        assert np.all(np.abs(freq - pi) < 5 * se)
        uniform = np.full_like(pi, 1 / pi.size)
        assert np.any(np.abs(uniform - pi) > 20 * se)            # the test can fail
        counts = np.zeros(lang.transition.shape)
        np.add.at(counts, (idx, nxt), 1)
        n_s = counts.sum(axis=1, keepdims=True)
        cond = counts / n_s
        p = lang.transition
        se_p = np.sqrt(p * (1 - p) / n_s)
        assert np.all(np.abs(cond - p) < 5 * se_p + 1e-12)

    def test_shapes_and_range(self, study_language):
        ctx, nxt = study_language.sample_windows(1000, np.random.default_rng(1))
        assert ctx.shape == (1000, 3) and nxt.shape == (1000,)
        assert ctx.min() >= 0 and ctx.max() < 32 and nxt.min() >= 0 and nxt.max() < 32

    def test_sampling_rejects(self, small_language):
        with pytest.raises(ValueError, match="whole number"):
            small_language.sample_windows(0, np.random.default_rng(0))
        with pytest.raises(ValueError, match="Generator"):
            small_language.sample_windows(10, 0)

    def test_text(self, study_language):
        txt = study_language.text(300, seed=2)
        assert len(txt) == 300 and set(txt) <= set(ALPHABET)
        assert txt == study_language.text(300, seed=2)
        # Symbol 0 (the Zipf head, a space) is the most common character.
        assert max(set(txt), key=txt.count) == " "


class TestExpectedLoss:
    def test_true_distribution_gives_entropy(self, study_language):
        """L(P) = H exactly (Cover & Thomas 2006, Thm 2.6.3 with KL = 0)."""
        lang = study_language
        assert lang.expected_loss(lang.transition) == pytest.approx(lang.entropy_rate(),
                                                                     abs=1e-12)

    @settings(max_examples=40, deadline=None)
    @given(seed=st.integers(0, 10_000), mix=st.floats(0.01, 1.0))
    def test_any_other_distribution_costs_more(self, small_language, seed, mix):
        """L(q) − H = Σ_s π(s) KL(P‖q) > 0 for q ≠ P; checked against that KL sum directly."""
        lang = small_language
        other = np.random.default_rng(seed).dirichlet(np.ones(lang.vocab), lang.n_contexts)
        q = (1 - mix) * lang.transition + mix * other
        loss = lang.expected_loss(q)
        kl = (lang.transition * np.log(lang.transition / q)).sum(axis=1)
        assert loss == pytest.approx(lang.entropy_rate() + lang.stationary_distribution() @ kl,
                                     abs=1e-10)
        assert loss > lang.entropy_rate()

    def test_uniform_guess_costs_ln_v(self, study_language):
        assert study_language.expected_loss(np.full((32 ** 3, 32), 1 / 32)) == pytest.approx(
            np.log(32), abs=1e-12)

    def test_rejects(self, small_language):
        with pytest.raises(ValueError, match="shape"):
            small_language.expected_loss(np.full((4, 4), 0.25))
        with pytest.raises(ValueError, match="sum to 1"):
            small_language.expected_loss(np.full((16, 4), 0.3))
