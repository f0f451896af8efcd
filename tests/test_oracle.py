"""The budgeted training oracle: exact ledger, refusals, determinism, noise, recovery, scoring."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lessons import chinchilla, fitting, oracle
from lessons.oracle import BudgetExceeded, Oracle, isoflop_design, score_study


def truth(o: Oracle):
    """The hidden law (tests may look; learners have no reason to)."""
    return o._Oracle__truth


def reference_study(o: Oracle):
    n, d = isoflop_design(o.remaining)
    runs = o.train(n, d)
    fit = fitting.fit_parametric(runs.n_params, runs.n_tokens, runs.loss).fit
    n_opt, d_opt = chinchilla.compute_optimal(o.target_flops, fit)
    return {"n_params": n_opt, "loss": float(chinchilla.loss(n_opt, d_opt, fit, check_units=False))}


class TestLedger:
    def test_spent_is_the_exact_integer_sum_of_6ND(self):
        o = Oracle()
        o.train(12_345_678, 987_654_321)
        o.train([1e6, 2e6], [3e7, 4e7])
        expected = 6 * 12_345_678 * 987_654_321 + 6 * 10**6 * 3 * 10**7 + 6 * 2 * 10**6 * 4 * 10**7
        assert type(o.spent) is int and o.spent == expected    # a float sum would be off
        assert o.spent + o.remaining == o.budget == 2 * 10**18
        assert o.runs.total_flops == o.spent and len(o.runs) == 3

    @settings(max_examples=40, deadline=None)
    @given(st.lists(st.tuples(st.integers(10**5, 10**8), st.integers(10**6, 10**9)),
                    min_size=1, max_size=12))
    def test_ledger_balances_whatever_is_asked(self, queries):
        o = Oracle(budget_flops=10**18)
        charged = 0
        for n, d in queries:
            before = (o.spent, len(o.runs))
            try:
                o.train(n, d)
                charged += 6 * n * d
            except BudgetExceeded:
                assert (o.spent, len(o.runs)) == before   # a refusal loses nothing
        assert o.spent == charged and o.spent + o.remaining == o.budget
        assert o.remaining >= 0

    def test_cost_matches_charge(self):
        o = Oracle()
        cost = Oracle.cost([2e7, 3e7], [1e9, 5e8])
        o.train([2e7, 3e7], [1e9, 5e8])
        assert cost == o.spent == 6 * (2 * 10**7 * 10**9 + 3 * 10**7 * 5 * 10**8)

    def test_counts_are_rounded_to_whole_numbers_and_recorded(self):
        o = Oracle()
        runs = o.train(1e7 + 0.4, 1e9 + 0.6)
        assert runs.n_params[0] == 10**7 and runs.n_tokens[0] == 10**9 + 1
        assert o.spent == 6 * 10**7 * (10**9 + 1)


class TestRefusals:
    def test_over_budget_is_refused_and_charges_nothing(self):
        o = Oracle()
        o.train(1e7, 1e9)
        with pytest.raises(BudgetExceeded, match=r"nothing was charged.*N·D ≤"):
            o.train(1e9, 1e12)
        assert o.spent == 6 * 10**16 and len(o.runs) == 1

    def test_a_batch_is_all_or_nothing(self):
        o = Oracle(budget_flops=10**17)
        with pytest.raises(BudgetExceeded):
            o.train([1e7, 1e7], [1e9, 1e9])           # 1.2e17 > 1e17: neither run is made
        assert o.spent == 0 and len(o.runs) == 0

    def test_exactly_the_remaining_budget_is_accepted(self):
        o = Oracle(budget_flops=6 * 10**7 * 10**9)
        o.train(1e7, 1e9)
        assert o.remaining == 0
        with pytest.raises(BudgetExceeded):
            o.train(1e5, 1e6)                         # not even one more FLOP

    def test_budget_exceeded_is_a_value_error(self):
        assert issubclass(BudgetExceeded, ValueError)

    @pytest.mark.parametrize("kwargs, message", [
        ({"n_params": 70, "n_tokens": 1e9}, "billions or millions"),
        ({"n_params": 1e7, "n_tokens": 1.4}, "billions or millions"),
        ({"n_params": -1e7, "n_tokens": 1e9}, "finite and > 0"),
        ({"n_params": float("nan"), "n_tokens": 1e9}, "finite"),
        ({"n_params": [1e7, 2e7, 3e7], "n_tokens": [1e9, 1e9]}, "one shape"),
        ({"n_params": "1e7", "n_tokens": 1e9}, "number"),
    ])
    def test_bad_queries_say_what_to_fix_and_charge_nothing(self, kwargs, message):
        o = Oracle()
        with pytest.raises(ValueError, match=message):
            o.train(**kwargs)
        assert o.spent == 0

    @pytest.mark.parametrize("budget", [0, -1e18, 1.5e3, float("inf"), 1e12 + 0.5])
    def test_bad_budgets(self, budget):
        with pytest.raises(ValueError, match="budget_flops"):
            Oracle(budget_flops=budget)

    @pytest.mark.parametrize("seed", [-1, 1.5, "public", True])
    def test_bad_seeds(self, seed):
        with pytest.raises(ValueError, match="seed"):
            Oracle(seed=seed)


class TestDeterminism:
    def test_same_seed_same_answers(self):
        a, b = Oracle(seed=5), Oracle(seed=5)
        assert np.array_equal(a.train([1e7, 2e7], [1e9, 5e8]).loss,
                              b.train([1e7, 2e7], [1e9, 5e8]).loss)

    def test_answers_do_not_depend_on_query_order(self):
        a, b = Oracle(), Oracle()
        la = a.train([1e7, 2e7], [1e9, 5e8]).loss
        lb = b.train([2e7, 1e7], [5e8, 1e9]).loss
        assert np.array_equal(la, lb[::-1])

    def test_a_repeated_run_is_a_new_draw(self):
        o = Oracle()
        first, second = o.train([1e7, 1e7], [1e9, 1e9]).loss
        assert first != second

    def test_seeds_choose_different_laws(self):
        laws = {tuple(round(v, 6) for v in (truth(Oracle(seed=s)).E, truth(Oracle(seed=s)).alpha))
                for s in range(5)}
        assert len(laws) == 5

    def test_public_law_lies_in_the_documented_ranges(self):
        for seed in (oracle.PUBLIC_SEED, 0, 1, 99):
            law = truth(Oracle(seed=seed))
            r = oracle.TRUTH_RANGES
            assert r["E"][0] <= law.E <= r["E"][1]
            assert r["alpha"][0] <= law.alpha <= r["alpha"][1]
            assert r["beta"][0] <= law.beta <= r["beta"][1]
            assert r["log_A"][0] <= math.log(law.A) <= r["log_A"][1]
            assert r["log_B"][0] <= math.log(law.B) <= r["log_B"][1]


class TestNoise:
    def test_noise_has_the_stated_spread_around_the_law(self):
        o = Oracle(budget_flops=10**19)
        n, d = 1e6, 1e7
        losses = o.train(np.full(2000, n), np.full(2000, d)).loss
        mean = float(chinchilla.loss(n, d, truth(o), check_units=False))
        log_ratio = np.log(losses / mean)
        # 2,000 draws: the sample sd is within ~5 % of σ and the mean within 4 standard errors.
        assert abs(log_ratio.std() / oracle.NOISE_SD - 1) < 0.1
        assert abs(log_ratio.mean()) < 4 * oracle.NOISE_SD / math.sqrt(2000)


class TestRecovery:
    """A fit to a well-designed 2e18-FLOP study recovers the hidden law.

    Tolerances measured on 10 seeds (worst case): |Δα|, |Δβ| ≤ 0.025, |Δa| ≤ 0.017, |ΔE| ≤ 0.18.
    E is the loosest: the runs sit far above it, so it trades off against A and B.
    """

    @pytest.mark.parametrize("seed", [0, oracle.PUBLIC_SEED])
    def test_exponents_and_floor(self, seed):
        o = Oracle(seed=seed)
        n, d = isoflop_design(o.remaining)
        runs = o.train(n, d)
        fit = fitting.fit_parametric(runs.n_params, runs.n_tokens, runs.loss).fit
        law = truth(o)
        assert abs(fit.alpha - law.alpha) < 0.04
        assert abs(fit.beta - law.beta) < 0.04
        assert abs(fit.a - law.a) < 0.03
        assert abs(fit.E - law.E) < 0.25

    def test_one_budget_alone_cannot_pin_the_law(self):
        """The wrong study: one IsoFLOP profile. Its extrapolated loss misses badly."""
        o = Oracle(seed=0)
        n = np.geomspace(1e6, 1e8, 12)
        runs = o.train(n, 1e17 / (6 * n))
        fit = fitting.fit_parametric(runs.n_params, runs.n_tokens, runs.loss).fit
        n_opt, d_opt = chinchilla.compute_optimal(o.target_flops, fit)
        score = o.evaluate(n_opt, float(chinchilla.loss(n_opt, d_opt, fit, check_units=False)))
        assert score.loss_error > 2 * oracle.LOSS_TOLERANCE


class TestScoring:
    def test_the_truth_scores_full_marks_and_no_regret(self):
        o = Oracle()
        n, d = chinchilla.compute_optimal(o.target_flops, truth(o))
        score = o.evaluate(n, float(chinchilla.loss(n, d, truth(o), check_units=False)))
        assert score.points == 2 and score.regret == pytest.approx(0, abs=1e-12)
        assert score.n_factor == pytest.approx(1) and score.loss_error == pytest.approx(0)
        assert score.flops == 100 * o.budget

    def test_bands(self):
        o = Oracle()
        n, d = chinchilla.compute_optimal(o.target_flops, truth(o))
        ell = float(chinchilla.loss(n, d, truth(o), check_units=False))
        assert o.evaluate(n * 1.4, ell).points == 2
        assert o.evaluate(n * 2.0, ell).points == 1.5     # size half marks (≤ 1.5² = 2.25×)
        assert o.evaluate(n / 3.0, ell).points == 1       # size 3× off: no size marks
        assert o.evaluate(n, ell + 0.15).points == 1.5    # loss half marks (≤ 0.2 nats)
        assert o.evaluate(n, ell - 0.25).points == 1
        assert o.evaluate(n * 3, ell + 0.15).regret > 0

    @pytest.mark.parametrize("kwargs, message", [
        ({"n_params": 1.2, "loss": 2.5}, "billions"),
        ({"n_params": 1e9, "loss": 250.0}, "nats per token"),
        ({"n_params": 1e9, "loss": -2.5}, "> 0"),
    ])
    def test_bad_predictions(self, kwargs, message):
        with pytest.raises(ValueError, match=message):
            Oracle().evaluate(**kwargs)

    def test_reference_study_earns_marks_on_unseen_seeds(self):
        scores = score_study(reference_study, seeds=(11, 12))
        assert all(s.n_factor <= oracle.N_TOLERANCE for s in scores)
        assert all(s.loss_error <= 2 * oracle.LOSS_TOLERANCE for s in scores)

    def test_a_guess_without_a_study_does_worse(self):
        def chinchilla_guess(o):
            n, d = chinchilla.compute_optimal(o.target_flops, "besiroglu2024")
            return float(n), float(chinchilla.loss(n, d, "besiroglu2024"))
        scores = score_study(chinchilla_guess, seeds=(11, 12, 13))
        assert np.mean([s.points for s in scores]) < 1.5

    def test_studies_must_return_a_prediction(self):
        with pytest.raises(ValueError, match="must return"):
            score_study(lambda o: 3.0)
        with pytest.raises(ValueError, match="function"):
            score_study("not a study")

    def test_overspending_study_is_refused(self):
        with pytest.raises(BudgetExceeded):
            score_study(lambda o: o.train(1e9, 1e12))


def test_runs_table_prints():
    o = Oracle()
    o.train([1e7, 2e7], [1e9, 5e8])
    text, html = str(o.runs), o.runs._repr_html_()
    assert "6ND [FLOP]" in text and "2e+07" in text and "<table" in html
    assert "2 runs" in repr(o)


class TestDesign:
    def test_design_spends_at_most_the_budget_and_nearly_all_of_it(self):
        n, d = isoflop_design(2e18)
        cost = Oracle.cost(n, d)
        assert cost <= 2 * 10**18 and cost > 0.999 * 2e18
        Oracle().train(n, d)                       # accepted as a whole

    def test_profiles_are_isoflop_and_centred_on_the_ratio(self):
        n, d = isoflop_design(1e18, fractions=(0.5, 0.5), sizes=5, spread=4.0,
                              tokens_per_param=20)
        c = 6 * n * d
        assert np.allclose(c, 1e18 / 10, rtol=1e-4)
        assert d[2] / n[2] == pytest.approx(20, rel=1e-3)      # the middle size
        assert n[4] / n[0] == pytest.approx(16, rel=1e-3)      # 1/4x ... 4x

    @pytest.mark.parametrize("kwargs, message", [
        ({"fractions": (0.6, 0.6)}, "at most 1"),
        ({"sizes": 0}, "sizes"),
        ({"spread": 0.5}, "spread"),
        ({"tokens_per_param": -20}, "tokens_per_param"),
    ])
    def test_bad_designs(self, kwargs, message):
        with pytest.raises(ValueError, match=message):
            isoflop_design(1e18, **kwargs)
