"""lessons.kaplan.total_params and lessons.reconciliation (fact sheet §13.5-13.6).

Pearce & Song's ω = 47,491 (their script) and the reconciliation reproduced by computation:
counting non-embedding parameters over Kaplan's small budgets turns the 2024 Chinchilla refit
(a = 0.513) into an exponent near Kaplan's 0.73 (their simulation gives ≈ 0.78, SECONDARY).
"""

import numpy as np
import pytest

from lessons import chinchilla, kaplan
from lessons.reconciliation import (
    KAPLAN_RANGE,
    PORIAN_STEPS,
    compute_at_optimum,
    local_exponent,
    non_embedding_optimum,
)


class TestTotalParams:
    def test_omega_is_pearce_and_song(self):
        assert kaplan.PEARCE_SONG_OMEGA == 47491
        assert kaplan.PEARCE_SONG_OMEGA_CITE.key == "pearce2024"

    def test_formula(self):
        assert kaplan.total_params(1e9) == pytest.approx(1e9 + 47491e3)
        assert kaplan.total_params(8e6, omega=0) == 8e6

    def test_omega_is_the_embedding_of_a_32k_vocabulary(self):
        """ω = V·(A/12)^(1/3) with V = 32,000 and d/n_layer = 39.2 (their script)."""
        assert 32e3 * (39.2 / 12) ** (1 / 3) == pytest.approx(47491, rel=1e-3)

    def test_embedding_share_shrinks_with_size(self):
        n = np.array([1e5, 1e7, 1e9, 1e11])
        share = 1 - n / kaplan.total_params(n)
        assert np.all(np.diff(share) < 0) and share[0] > 0.9 and share[-1] < 0.01

    def test_refuses_billions(self):
        with pytest.raises(ValueError, match="billions"):
            kaplan.total_params(7)


class TestReconciliation:
    def test_kaplan_counting_gives_a_kaplan_like_exponent(self):
        """Over Kaplan's range the non-embedding slope is ≈ 0.78, far from the refit's 0.513
        and near Kaplan's 0.73."""
        a = local_exponent()
        assert a == pytest.approx(0.78, abs=0.01)
        assert abs(a - kaplan.KAPLAN_2020.n_opt_exp) < 0.06
        assert abs(a - chinchilla.BESIROGLU_2024.a) > 0.2

    def test_without_embeddings_it_is_chinchillas(self):
        assert local_exponent(omega=0) == pytest.approx(chinchilla.BESIROGLU_2024.a, abs=1e-3)

    def test_at_large_budgets_the_embeddings_fade(self):
        assert local_exponent(1e22, 1e26) == pytest.approx(chinchilla.BESIROGLU_2024.a,
                                                           abs=0.01)

    def test_hoffmann_constants_give_kaplans_number(self):
        """With Hoffmann et al.'s unrounded constants the same computation gives ≈ 0.74."""
        assert local_exponent(fit="hoffmann2022_tex") == pytest.approx(0.74, abs=0.01)

    def test_optimum_round_trip_and_monotone(self):
        n = np.geomspace(1e3, 1e10, 15)
        c = compute_at_optimum(n)
        assert np.all(np.diff(c) > 0)
        np.testing.assert_allclose(non_embedding_optimum(c), n, rtol=1e-4)

    def test_optimum_is_a_minimum_of_the_loss(self):
        """At C_\\E the loss over N_\\E, with N_T = total_params(N_\\E), is lowest at the optimum."""
        c = 1e18
        n_star = non_embedding_optimum(c)
        grid = n_star * np.geomspace(0.5, 2.0, 41)
        loss = chinchilla.loss(kaplan.total_params(grid), c / (6 * grid))
        assert grid[np.argmin(loss)] == pytest.approx(n_star, rel=0.04)

    def test_range_and_porian_steps(self):
        assert KAPLAN_RANGE == pytest.approx((10**12.95, 10**20.7))
        assert [s.a for s in PORIAN_STEPS] == [0.835, 0.706, 0.602, 0.571, 0.497]
        assert all(s.cite.confidence == "SECONDARY" for s in PORIAN_STEPS)
        with pytest.raises(ValueError, match="high > low"):
            local_exponent(1e20, 1e19)
