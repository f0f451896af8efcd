"""The two measured tables of the batch-and-schedules chapter, and the scripts that remake them.

* ``lessons/noise_scale_results.csv`` (``tools/run_schedule_studies.py noise``): the gradient noise scale
  B_simple grows as the loss falls, by three orders of magnitude over the run.
* ``lessons/cooldown_results.csv`` (``tools/run_schedule_studies.py cooldowns``): 20 % (1-sqrt) cooldowns branched
  from one constant-rate run land within 0.015 nats of separate cosine runs, at every length and
  for both seeds; (1-sqrt) beats linear; longer cooldowns help, with diminishing returns.

The script's ``--tiny`` mode is run here for both; the committed tables must match the package's
configurations, so a table cannot silently drift from the code that made it.
"""

import subprocess
import sys

import numpy as np
import pytest

from lessons.cooldown_study import (
    COOLDOWN_STUDY,
    COOLDOWN_TINY,
    load_cooldown_results,
    study_tokens,
)
from lessons.noise_study import NOISE_STUDY, NOISE_TINY, load_noise_results
from lessons.synthetic import make_language


@pytest.mark.parametrize("study, loader, config", [
    ("noise", load_noise_results, NOISE_TINY),
    ("cooldowns", load_cooldown_results, COOLDOWN_TINY),
])
def test_tiny_mode_through_the_script(root, tmp_path, study, loader, config):
    out = tmp_path / "tiny.csv"
    script = str(root / "tools" / "run_schedule_studies.py")
    proc = subprocess.run([sys.executable, script, study, "--tiny", "--out", str(out)],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    table = loader(out)
    assert table.config == config
    assert np.all(table.loss > table.entropy)
    refused = subprocess.run([sys.executable, script, study, "--tiny"],
                             capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and "--out" in refused.stderr


@pytest.fixture(scope="module")
def noise():
    return load_noise_results()


@pytest.fixture(scope="module")
def cooldowns():
    return load_cooldown_results()


class TestNoiseTable:
    @pytest.fixture
    def res(self, noise):
        return noise

    def test_matches_the_configuration(self, res):
        assert res.config == NOISE_STUDY
        assert res.entropy == pytest.approx(make_language(NOISE_STUDY.language).entropy_rate())
        assert res.step.tolist() == NOISE_STUDY.steps()
        np.testing.assert_array_equal(res.tokens, res.step * NOISE_STUDY.batch)

    def test_loss_falls_along_the_run(self, res):
        assert np.all(np.diff(res.loss) < 0)
        assert np.all(res.loss > res.entropy)

    def test_noise_scale_grows_as_the_loss_falls(self, res):
        """Over a thousand-fold from initialisation to the end; rising at every checkpoint of
        the second half of the run's doublings; well above the training batch at the end."""
        _, _, b = res.noise_scale()
        low, _ = res.b_simple_range()
        assert b[-1] > 1000 * b[0]
        late = res.step >= 1024
        assert np.all(np.diff(b[late]) > 0)
        assert low[-1] > 100 * NOISE_STUDY.batch

    def test_estimates_are_measured_not_assumed(self, res):
        """The small batches' squared norm exceeds the big batch's at every point (the noise
        term tr Σ/B), and the standard errors are small beside the means."""
        assert np.all(res.g_small_sq > res.g_big_sq)
        assert np.all(res.se_big < 0.05 * res.g_big_sq)


class TestCooldownTable:
    @pytest.fixture
    def res(self, cooldowns):
        return cooldowns

    def test_matches_the_configuration(self, res):
        assert res.config == COOLDOWN_STUDY
        n_branches = len(COOLDOWN_STUDY.branches())
        assert len(res.loss) == len(COOLDOWN_STUDY.seeds) * (len(COOLDOWN_STUDY.lengths)
                                                             + n_branches)

    def test_cooldowns_reproduce_cosine_runs(self, res):
        _, cosine, wsd = res.main_comparison()
        gap = wsd - cosine
        assert np.all(np.abs(gap) < 0.015)
        assert np.abs(cosine[0] - cosine[1]).max() < 0.003        # seed-to-seed spread
        # Against the constant-rate trunk at the same tokens, the cooldown is a large gain.
        for s in COOLDOWN_STUDY.seeds:
            m = res.pick("wsd", seed=s, fraction=0.2, shape="1-sqrt")
            assert np.all(res.branch_loss[m] - res.loss[m] > 0.03)

    def test_sqrt_beats_linear_and_longer_cooldowns_help(self, res):
        longest = COOLDOWN_STUDY.lengths[-1]
        for s in COOLDOWN_STUDY.seeds:
            at = res.n_tokens == longest
            by_fraction = [res.loss[res.pick("wsd", seed=s, fraction=f, shape="1-sqrt") & at][0]
                           for f in (0.05, 0.1, 0.2, 0.4)]
            assert np.all(np.diff(by_fraction) < 0)
            linear = res.loss[res.pick("wsd", seed=s, shape="linear")][0]
            assert by_fraction[2] < linear

    def test_what_the_trunk_saves(self, res):
        cosine, wsd = study_tokens(COOLDOWN_STUDY.lengths, COOLDOWN_STUDY.cooldown_fraction)
        assert cosine == sum(COOLDOWN_STUDY.lengths)
        assert wsd == pytest.approx(0.8 * COOLDOWN_STUDY.lengths[-1]
                                    + 0.2 * sum(COOLDOWN_STUDY.lengths))
        assert 1 - wsd / cosine == pytest.approx(0.387, abs=1e-3)
