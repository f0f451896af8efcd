"""The warmup-stable-decay schedule and resumable training of lessons.tinylm; exact match from
a per-token loss (lessons.returns); L(C) = aC^b + c (lessons.fitting).

Pinned to the fact sheet: Hägele et al.'s (1-sqrt) cooldown f = 1 − sqrt((n − (N −
N_decay))/N_decay) (§13.10); Schaeffer et al.'s accuracy ≈ exp(−L)^k (§13.7); GPT-4's
L(C) = aC^b + c (§13.8).
"""

import numpy as np
import pytest

from lessons import fitting, returns
from lessons.study import STUDY
from lessons.synthetic import make_language
from lessons.tinylm import Trainer, lr_schedule, train, wsd_schedule


@pytest.fixture(scope="module")
def small_language():
    return make_language(seed=0, vocab=8, order=2, level_weights=(0.3, 0.3, 0.4))


class TestWsdSchedule:
    def test_shape(self):
        n, w, c = 100, 5, 20
        lr = wsd_schedule(np.arange(n), n, 1.0, w, c)
        assert lr[w - 1] == 1.0 and np.all(lr[w:n - c] == 1.0)
        u = (np.arange(n - c, n) - (n - c)) / c
        np.testing.assert_allclose(lr[n - c:], 1 - np.sqrt(u))   # Hägele et al.'s (1-sqrt)
        assert np.all(np.diff(lr[n - c:]) < 0) and lr[-1] < 0.03

    def test_sqrt_cooldown_stays_higher_than_linear(self):
        n, c = 50, 25
        sqrt = wsd_schedule(np.arange(n), n, 1.0, 0, c)
        linear = wsd_schedule(np.arange(n), n, 1.0, 0, c, "linear")
        assert np.all(sqrt[n - c + 1:] < linear[n - c + 1:])    # 1 − √u < 1 − u on (0, 1)

    def test_stable_phase_does_not_depend_on_length(self):
        """Unlike a cosine: the rate at step t is the same for runs of any length until
        their cooldown begins, so one trunk serves every length."""
        short, long = (wsd_schedule(np.arange(60), n, 1.0, 5, round(0.2 * n)) for n in (100,
                                                                                       400))
        np.testing.assert_array_equal(short, long)
        cos_short, cos_long = (lr_schedule(np.arange(60), n, 1.0, 5) for n in (100, 400))
        assert not np.allclose(cos_short, cos_long)

    def test_refuses(self):
        with pytest.raises(ValueError, match="must not exceed"):
            wsd_schedule(0, 10, 1.0, 6, 5)
        with pytest.raises(ValueError, match="unknown cooldown shape"):
            wsd_schedule(0, 10, 1.0, 1, 2, "cosine")


class TestTrainer:
    def test_train_is_a_trainer_run_bit_for_bit(self, small_language):
        res = train(small_language, 48, 64 * 30, seed=3, batch=64, peak_lr=3e-3)
        t = Trainer(small_language, 48, seed=3, batch=64)
        t.run(lr_schedule(np.arange(30), 30, 3e-3, round(0.05 * 30)))
        assert t.loss() == res.loss

    def test_branches_are_independent(self, small_language):
        trunk = Trainer(small_language, 16, batch=32)
        trunk.run(np.full(20, 3e-3))
        a, b = trunk.branch(), trunk.branch()
        a.run(np.full(10, 3e-3))
        assert trunk.step == 20 and b.step == 20 and a.step == 30
        assert not np.array_equal(a.params["w1"], trunk.params["w1"])
        b.run(np.full(10, 3e-3))
        np.testing.assert_array_equal(a.params["w1"], b.params["w1"])   # same data stream

    def test_wsd_train(self, small_language):
        res = train(small_language, 48, 64 * 40, batch=64, schedule="wsd")
        assert res.schedule == "wsd" and res.loss < np.log(8)
        with pytest.raises(ValueError, match="unknown schedule"):
            train(small_language, 48, 64 * 40, batch=64, schedule="step")

    def test_refuses_bad_rates(self, small_language):
        with pytest.raises(ValueError, match="learning rates"):
            Trainer(small_language, 16).run([1e-3, -1.0])


class TestExactMatch:
    def test_schaeffer_model(self):
        assert returns.exact_match(0.2, 10) == pytest.approx(np.exp(-0.2) ** 10)
        assert returns.token_edit_distance(0.2, 10) == pytest.approx(10 * (1 - np.exp(-0.2)))

    def test_longer_answers_rise_more_sharply(self):
        """The same smooth loss curve: the k = 20 accuracy changes far more, relative to its
        range, between two nearby losses than k = 1 does; the per-token metric stays linear-ish."""
        loss = np.linspace(1.0, 0.05, 20)
        one, twenty = returns.exact_match(loss, 1), returns.exact_match(loss, 20)
        assert twenty[0] < 1e-8 and twenty[-1] > 0.35
        # Half of the k = 20 curve's rise happens in the last quarter of the loss range.
        rise = (twenty - twenty[0]) / (twenty[-1] - twenty[0])
        assert rise[14] < 0.5 and (one[14] - one[0]) / (one[-1] - one[0]) > 0.6

    def test_refuses(self):
        with pytest.raises(ValueError, match="whole numbers"):
            returns.exact_match(0.5, 2.5)
        with pytest.raises(ValueError, match="finite"):
            returns.exact_match(-0.5, 2)


class TestComputeLaw:
    def test_recovers_a_known_law(self):
        c = np.geomspace(1e17, 1e20, 8)
        law = fitting.fit_compute_law(c, 12.0 * c**-0.05 + 1.8)
        assert (law.a, law.b, law.c) == pytest.approx((12.0, -0.05, 1.8), rel=1e-5)
        assert law.rms < 1e-9 and law.flops_range == (1e17, 1e20)
        assert law.extrapolation(1e23) == pytest.approx(1000)

    def test_the_floor_matters_for_the_forecast(self):
        """A law with its floor predicts the 1000× run within a hair; a pure power law fitted to
        the same points (c = 0) misses by far more."""
        c = np.geomspace(1e17, 1e20, 8)
        y = 40.0 * c**-0.1 + 1.7
        law = fitting.fit_compute_law(c, y)
        slope, intercept = np.polyfit(np.log(c), np.log(y), 1)
        pure = np.exp(intercept) * 1e23**slope
        truth = 40.0 * 1e23**-0.1 + 1.7
        assert abs(law.predict(1e23) - truth) < 1e-6 < 0.01 < abs(pure - truth)

    def test_noisy_forecast_from_small_runs(self):
        """0.3 % noise on 15 runs: the residual is the noise, and 100× out the forecast is off
        by a few hundredths of a nat, most of it the poorly pinned floor c."""
        rng = np.random.default_rng(0)
        c = np.repeat(np.geomspace(1e18, 1e20, 5), 3)
        truth = 25.0 * c**-0.08 + 1.9
        law = fitting.fit_compute_law(c, truth * np.exp(rng.normal(0, 0.003, c.size)))
        assert law.rms == pytest.approx(0.003 * truth.mean(), rel=0.5)
        assert law.predict(1e22) == pytest.approx(25.0 * 1e22**-0.08 + 1.9, abs=0.1)

    def test_refuses(self):
        with pytest.raises(ValueError, match="at least 4 runs"):
            fitting.fit_compute_law([1e18, 1e19, 1e20], [3.0, 2.8, 2.6])
        with pytest.raises(ValueError, match="do not fall"):
            fitting.fit_compute_law([1e18, 1e19, 1e20, 1e21], [2.0, 2.1, 2.2, 2.3])


def test_study_language_is_the_one_the_measurements_use():
    from lessons.cooldown_study import COOLDOWN_STUDY
    from lessons.noise_study import NOISE_STUDY
    assert NOISE_STUDY.language == COOLDOWN_STUDY.language == STUDY.language
