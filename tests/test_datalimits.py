"""lessons.datalimits: Muennighoff et al.'s data-constrained law (fact sheet §13.4).

Pinned to the datablations README: its constants, its two printed losses (2.2256440889984477
and 2.2269634075087867) and its optimal allocation (6.8B parameters, 227B tokens, 9.1 epochs),
and to the paper's Figure 1 statements: four epochs almost as good as new data, forty worthless.
"""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lessons import chinchilla
from lessons.datalimits import (
    MUENNIGHOFF_2023,
    effective_params,
    effective_tokens,
    epoch_value,
    loss,
    optimal_allocation,
    unique_params,
)

LAW = MUENNIGHOFF_2023


def test_constants_are_the_readme_fit():
    assert (math.log(LAW.A), math.log(LAW.B), math.log(LAW.E)) == pytest.approx(
        (6.255414, 7.3049974, 0.6254804), abs=1e-12)
    assert LAW.alpha == LAW.beta == 0.3526596
    assert (LAW.r_d_star, LAW.r_n_star) == (15.387756, 5.309743)
    # The paper's rounded law: 521, 1488, 1.87, 0.35, 15.4, 5.3.
    assert (round(LAW.A), round(LAW.B), round(LAW.E, 2)) == (521, 1488, 1.87)


def test_readme_losses_are_reproduced():
    assert loss(6.34e9, 242e9, 25e9) == pytest.approx(2.2256440889984477, abs=1e-12)
    assert loss(8.67e9, 178e9, 25e9) == pytest.approx(2.2269634075087867, abs=1e-12)


def test_readme_optimal_allocation():
    plan = optimal_allocation(6 * 8.67e9 * 178e9, 25e9)
    assert plan.n_params == pytest.approx(6.8e9, rel=0.01)
    assert plan.n_tokens == pytest.approx(227e9, rel=0.01)
    assert plan.epochs == pytest.approx(9.1, abs=0.05)
    assert plan.loss < loss(8.67e9, 178e9, 25e9)


def test_unique_params_is_one_per_twenty_tokens():
    """U_N = G²·U_D with α = β, G² ≈ 0.051: the README's D_to_N, not 20 tokens exactly."""
    assert unique_params(1e9) == pytest.approx(0.051e9, rel=5e-3)
    assert 1e9 / unique_params(1e9) == pytest.approx(19.6, abs=0.1)


class TestEffectiveTokens:
    def test_figure_one_statements(self):
        """Up to 4 epochs almost as good as new data; at 40 epochs repeating is worthless."""
        assert effective_tokens(1e9, 4) / 4e9 > 0.9
        assert epoch_value(40) < 0.1
        assert effective_tokens(1e9, 1000) == pytest.approx(1e9 * (1 + LAW.r_d_star), rel=1e-3)

    def test_first_epoch_is_worth_itself_and_repeats_less(self):
        assert effective_tokens(5e9, 1) == 5e9
        values = epoch_value(np.arange(1, 60))
        assert values[0] == 1.0 and np.all(np.diff(values) < 0)
        # The sum of the passes' values is the effective data, pass by pass.
        assert values[:10].sum() == pytest.approx(effective_tokens(1.0e9, 10) / 1e9)

    @given(st.floats(1.0, 500.0))
    def test_never_more_than_fresh_data(self, epochs):
        d = effective_tokens(1e9, epochs)
        assert 1e9 <= d <= epochs * 1e9 * (1 + 1e-12)

    def test_refuses_fractions_of_a_first_epoch_and_billions(self):
        with pytest.raises(ValueError, match="at least 1"):
            effective_tokens(1e9, 0.5)
        with pytest.raises(ValueError, match="billions"):
            effective_tokens(5, 4)
        with pytest.raises(ValueError, match="1, 2, 3"):
            epoch_value(2.5)


class TestEffectiveParams:
    def test_full_value_below_the_unique_size(self):
        assert effective_params(1e8, 1e10) == 1e8

    def test_excess_parameters_saturate(self):
        u_n = unique_params(1e9)
        assert effective_params(1e12, 1e9) == pytest.approx(u_n * (1 + LAW.r_n_star), rel=1e-6)
        assert effective_params(2 * u_n, 1e9) < 2 * u_n


def test_with_ample_data_it_is_the_chinchilla_form():
    """One epoch and N ≤ U_N: L = E + A/N^α + B/D^β with the base constants."""
    fit = chinchilla.Fit("c4_base", E=LAW.E, A=LAW.A, B=LAW.B, alpha=LAW.alpha, beta=LAW.beta,
                         cite=LAW.cites["base"])
    assert loss(1e9, 1e11, 1e12) == pytest.approx(chinchilla.loss(1e9, 1e11, fit), rel=1e-12)


def test_repeating_is_worse_than_fresh_data():
    assert loss(1e9, 1e11, 1e10) > loss(1e9, 1e11, 1e11)
