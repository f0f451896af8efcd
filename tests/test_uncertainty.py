"""A plan is a range: bootstrap refits carried to N_opt, D_opt, loss, FLOPs and dollars."""

import math

import numpy as np
import pytest

from lessons import chinchilla, data, fitting, returns
from lessons.budget import flops_for_device_hours
from lessons.flops import gpu_hours
from lessons.uncertainty import PlanRange, bootstrap_fits, plan_range


@pytest.fixture(scope="module")
def boot():
    p = data.load_chinchilla_points()
    return fitting.bootstrap(p.n_params, p.n_tokens, p.loss, n_resamples=400, seed=3,
                             start="besiroglu2024")


def test_refits_become_laws(boot):
    fits = bootstrap_fits(boot)
    assert len(fits) == int(boot.converged.sum()) > 300
    first = boot.samples[boot.converged][0]
    assert (fits[0].E, fits[0].A, fits[0].B, fits[0].alpha, fits[0].beta) == tuple(first[:5])


class TestBudget:
    def test_each_refit_is_planned_with_its_own_law(self, boot):
        r = plan_range(boot, "besiroglu2024", budget_usd=1e7)
        c = flops_for_device_hours(1e7 / 2.0, "H100-SXM", 0.4)
        law = bootstrap_fits(boot)[7]
        n, d = chinchilla.compute_optimal(c, law)
        assert r.samples["N_opt"][7] == pytest.approx(n) and r.samples["D_opt"][7] == pytest.approx(d)
        assert r.point["N_opt"] == pytest.approx(chinchilla.compute_optimal(c, "besiroglu2024")[0])

    def test_intervals_bracket_the_full_data_plan_and_are_wide(self, boot):
        r = plan_range(boot, "besiroglu2024", budget_usd=1e7)
        for name in ("N_opt", "D_opt", "D/N", "loss"):
            low, high = r.interval(name)
            assert low < r.point[name] < high
        low, high = r.interval("N_opt")
        assert high / low > 1.5      # the bootstrap of a = 0.513 ± 0.02 spreads N_opt this much
        assert r.unreachable == 0 and r.kind == "budget"

    def test_worksheet(self, boot):
        text = str(plan_range(boot, "besiroglu2024", budget_usd=1e7))
        assert "N_opt [parameters]" in text and "95% interval" in text and "$10,000,000" in text


class TestTargetLoss:
    def test_cost_is_device_hours_times_price(self, boot):
        r2 = plan_range(boot, "besiroglu2024", target_loss=2.0, price_per_hour=2.0)
        r4 = plan_range(boot, "besiroglu2024", target_loss=2.0, price_per_hour=4.0)
        assert np.allclose(r4.samples["cost"], 2 * r2.samples["cost"])
        c = returns.compute_for_loss(2.0, "besiroglu2024")
        assert r2.point["FLOPs"] == pytest.approx(c)
        assert r2.point["cost"] == pytest.approx(gpu_hours(c, gpu="H100-SXM", mfu=0.4) * 2.0)

    def test_a_target_near_E_is_sometimes_unreachable(self, boot):
        r = plan_range(boot, "besiroglu2024", target_loss=1.85)   # E = 1.817, 95 % CI 1.77–1.87
        assert 0 < r.unreachable < 0.5
        assert math.isinf(r.interval("cost")[1]) and math.isfinite(r.interval("cost")[0])
        assert "unreachable at any cost" in str(r)

    def test_a_target_below_every_E_is_never_reachable(self, boot):
        r = plan_range(boot, "besiroglu2024", target_loss=1.5)
        assert r.unreachable == 1 and math.isinf(r.point["cost"])

    def test_dollar_interval_grows_as_the_target_nears_E(self, boot):
        def ratio(ell):
            low, high = plan_range(boot, "besiroglu2024", target_loss=ell).interval("cost")
            return high / low
        assert ratio(2.3) < ratio(2.0)


def test_order_statistics_keep_infinity():
    r = PlanRange("target loss", {"cost": 1.0}, {"cost": np.array([1.0, 2.0, 3.0, np.inf])},
                  {"cost": "USD"}, 0.5, 0.25, "")
    assert r.interval("cost") == (2.0, 3.0)
    assert r.median("cost") == 2.0
    assert PlanRange("t", {}, {"c": np.array([1.0, np.inf])}, {"c": "USD"}, 0.95, 0.5,
                     "").interval("c") == (1.0, math.inf)


@pytest.mark.parametrize("kwargs, message", [
    ({}, "exactly one"),
    ({"budget_usd": 1e6, "target_loss": 2.0}, "exactly one"),
    ({"budget_usd": -1e6}, "budget_usd"),
    ({"budget_usd": 1e6, "level": 95}, "level"),
    ({"target_loss": 2.0, "price_per_hour": 0}, "price_per_hour"),
])
def test_bad_input(boot, kwargs, message):
    with pytest.raises(ValueError, match=message):
        plan_range(boot, "besiroglu2024", **kwargs)


def test_needs_a_bootstrap():
    with pytest.raises(ValueError, match=r"lessons\.fitting\.bootstrap"):
        plan_range(chinchilla.BESIROGLU_2024, "besiroglu2024", budget_usd=1e6)


def test_a_plan_shows_its_range(boot):
    """budget.Plan.range: the planner's own budget, GPU, MFU and price, carried over refits."""
    from lessons.budget import plan

    p = plan(n_devices=1024, days=30, gpu="A100", mfu=0.45, price_per_hour=3.0,
             strategy="parametric")
    r = p.range(boot)
    direct = plan_range(boot, "besiroglu2024", budget_usd=p.cost_usd, gpu="A100", mfu=0.45,
                        price_per_hour=3.0)
    assert np.array_equal(r.samples["N_opt"], direct.samples["N_opt"])
    assert r.point["N_opt"] == pytest.approx(p.n_params)
    low, high = r.interval("N_opt")
    assert low < p.n_params < high
