"""Tests of lessons.tinylm: the numpy MLP language model of the course's scaling study.

Sources: Bengio et al. (2003) §3 (the model), Kingma & Ba (2015) Algorithm 1 (Adam), Hoffmann
et al. (2022) §3.1 and App. B (a cosine schedule matched to the run, decayed 10×), Kaplan et al.
(2020) §2.1 (C = 6ND).
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lessons.synthetic import make_language
from lessons.tinylm import (
    FINAL_LR_FRACTION,
    count_params,
    init_params,
    loss_and_grads,
    lr_schedule,
    predict_probs,
    train,
)


@pytest.fixture(scope="module")
def language():
    return make_language(seed=2, vocab=8, order=2, level_weights=(0.2, 0.3, 0.5),
                         concentration=0.2)


class TestCountParams:
    @settings(max_examples=30, deadline=None)
    @given(v=st.integers(2, 40), k=st.integers(1, 4), h=st.integers(1, 64),
           e=st.integers(1, 16))
    def test_matches_arrays(self, v, k, h, e):
        """N = V e + k e h + h + h V + V equals the number of entries actually allocated."""
        params = init_params(v, k, h, e)
        assert count_params(v, k, h, e) == sum(a.size for a in params.values())
        assert params["w1"].shape == (k * e, h) and params["embed"].shape == (v, e)

    def test_study_smallest_model(self):
        """V = 32, k = 3, h = 96, e = 24: 768 + 6,912 + 96 + 3,072 + 32 = 10,880, above the
        1e4 that fit_parametric accepts."""
        assert count_params(32, 3, 96, 24) == 10_880

    @pytest.mark.parametrize("bad", [0, -3, 2.5, True])
    def test_rejects(self, bad):
        with pytest.raises(ValueError, match="width"):
            count_params(32, 3, bad, 8)


class TestGradients:
    def test_central_differences(self):
        """Every analytic partial derivative matches a central difference (float64,
        step 1e-6) to 1e-6 relative to the gradient's scale. Dropping the ReLU mask or the
        1/B, or scattering the embedding gradient to the wrong rows, fails this."""
        rng = np.random.default_rng(0)
        p = init_params(5, 2, 7, 3, seed=1, dtype=np.float64)
        ctx = rng.integers(0, 5, (11, 2))
        ctx[0] = [3, 3]                       # a repeated token: its embedding gets two terms
        tgt = rng.integers(0, 5, 11)
        _, grads = loss_and_grads(p, ctx, tgt)
        eps = 1e-6
        for name, arr in p.items():
            num = np.zeros_like(arr)
            for i in np.ndindex(arr.shape):
                orig = arr[i]
                arr[i] = orig + eps
                up, _ = loss_and_grads(p, ctx, tgt)
                arr[i] = orig - eps
                down, _ = loss_and_grads(p, ctx, tgt)
                arr[i] = orig
                num[i] = (up - down) / (2 * eps)
            scale = max(np.abs(num).max(), 1e-3)
            np.testing.assert_allclose(grads[name], num, rtol=0, atol=1e-6 * scale,
                                       err_msg=name)

    def test_loss_is_cross_entropy(self):
        """The batch loss is the mean of −ln softmax at the targets."""
        p = init_params(6, 2, 5, 2, seed=3, dtype=np.float64)
        ctx = np.array([[0, 1], [5, 2], [3, 3]])
        tgt = np.array([4, 0, 1])
        loss, _ = loss_and_grads(p, ctx, tgt)
        q = predict_probs(p, ctx)
        assert loss == pytest.approx(-np.log(q[np.arange(3), tgt]).mean(), rel=1e-12)

    def test_rejects_bad_batches(self):
        p = init_params(6, 2, 5, 2)
        with pytest.raises(ValueError, match="contexts"):
            loss_and_grads(p, np.array([[0, 6]]), np.array([1]))
        with pytest.raises(ValueError, match="contexts"):
            loss_and_grads(p, np.array([[0, 1, 2]]), np.array([1]))
        with pytest.raises(ValueError, match="targets"):
            loss_and_grads(p, np.array([[0, 1]]), np.array([1, 2]))


class TestSchedule:
    def test_shape(self):
        """Linear warm-up to the peak, then cosine down to exactly a tenth at the last step
        (Hoffmann et al. 2022 App. B): a cycle longer than the run would end above 0.1."""
        n, w, peak = 1000, 50, 3e-3
        lr = lr_schedule(np.arange(n), n, peak, w)
        assert lr[w - 1] == pytest.approx(peak) and lr[w] == pytest.approx(peak)
        np.testing.assert_allclose(lr[:w], peak * np.arange(1, w + 1) / w)
        assert lr[-1] == pytest.approx(FINAL_LR_FRACTION * peak, rel=1e-12)
        assert np.all(np.diff(lr[w:]) <= 0)
        mid = w + (n - w - 1) / 2
        assert lr_schedule(int(mid), n, peak, w) == pytest.approx(0.55 * peak, rel=1e-2)

    def test_rejects(self):
        with pytest.raises(ValueError, match="warmup"):
            lr_schedule(0, 10, 1e-3, 10)
        with pytest.raises(ValueError, match="step"):
            lr_schedule(10, 10, 1e-3, 1)
        with pytest.raises(ValueError, match="peak"):
            lr_schedule(0, 10, -1e-3, 1)


class TestTrain:
    def test_training_lowers_the_loss(self, language):
        """A short run beats the untrained model and the best context-free guess (the
        stationary unigram), so it learned from the context; and it stays above H."""
        res = train(language, width=48, n_tokens=60_000, seed=0, batch=64, peak_lr=1e-2)
        init = language.expected_loss(predict_probs(init_params(8, 2, 48, 12, seed=0),
                                                    language.contexts()))
        unigram = (language.stationary_distribution()[:, None] * language.transition).sum(0)
        unigram_loss = language.expected_loss(np.tile(unigram, (language.n_contexts, 1)))
        assert language.entropy_rate() < res.loss < unigram_loss < init

    def test_result_bookkeeping(self, language):
        """D is whole batches; N is count_params; C = 6ND (Kaplan et al. 2020 §2.1)."""
        res = train(language, width=48, n_tokens=10_000, seed=1, batch=64)
        assert res.n_tokens == (10_000 // 64) * 64 == res.n_steps * res.batch
        assert res.n_params == count_params(8, 2, 48, 12) and res.embed == 12
        assert res.flops == 6.0 * res.n_params * res.n_tokens
        assert res.seconds > 0

    def test_same_seed_same_result(self, language):
        a = train(language, width=48, n_tokens=5_000, seed=4, batch=64)
        b = train(language, width=48, n_tokens=5_000, seed=4, batch=64)
        assert a.loss == b.loss

    @pytest.mark.parametrize("kwargs, match", [
        (dict(n_tokens=100), "n_tokens"),
        (dict(warmup_fraction=1.5), "warmup_fraction"),
        (dict(peak_lr=0.0), "peak_lr"),
        (dict(width=0), "width"),
    ])
    def test_rejects(self, language, kwargs, match):
        args = dict(width=48, n_tokens=10_000, seed=0, batch=64) | kwargs
        with pytest.raises(ValueError, match=match):
            train(language, **args)

    def test_rejects_non_language(self):
        with pytest.raises(ValueError, match="SyntheticLanguage"):
            train("english", 48, 10_000)
