"""Tests for lessons.budget: dollars or devices × days to a training plan, and its worksheet."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lessons import chinchilla, flops, kaplan
from lessons.budget import (
    DEEPSEEK_V3_PRICE,
    PRICE_RANGE_PER_HOUR,
    STRATEGIES,
    cost_of_run,
    flops_for_device_hours,
    inference_allocation,
    optimizer_steps,
    plan,
    route_costs,
)
from lessons.models import get_run
from lessons.overtraining import lifetime_flops, lifetime_optimal
from lessons.returns import loss_at_compute

# FACTS §7: H100 SXM dense BF16 peak. Typed here only to check the package independently;
# the sparse 1,979 TFLOP/s figure would halve every hour count below.
H100_DENSE_BF16 = 989.4e12


class TestDefaultPrices:
    def test_every_accelerator_has_a_labelled_price(self):
        from lessons.hardware import ACCELERATORS
        from lessons.prices import DEFAULT_PRICES

        assert set(DEFAULT_PRICES) == set(ACCELERATORS)
        for gpu, price in DEFAULT_PRICES.items():
            assert price.usd_per_device_hour > 0 and price.device == gpu
            if gpu not in ("H100-SXM", "H800"):
                assert price.note.startswith("assumption"), gpu

    def test_prices_differ_by_device(self):
        """One price for every device was the read-through's complaint: a B200 then buys 7×
        an A100's FLOP for the same money."""
        from lessons.prices import default_price

        assert default_price("H100-SXM").usd_per_device_hour == DEEPSEEK_V3_PRICE.usd_per_device_hour
        # A quoted ratio (AWS 2024: 1.84 / 3.933) where there is one ...
        assert default_price("a100").usd_per_device_hour == pytest.approx(2 * 1.84 / 3.933,
                                                                           rel=1e-3)
        # ... else the same price per dense FLOP, so the plan does not depend on the device.
        b200 = plan(1e6, gpu="B200", price_per_hour=default_price("B200").usd_per_device_hour)
        h100 = plan(1e6)
        assert b200.flops == pytest.approx(h100.flops, rel=1e-12)


class TestPrices:
    def test_deepseek_v3_assumption(self):
        """FACTS §9: 2.788M H800-hours at the stated $2/h is $5.576M."""
        assert DEEPSEEK_V3_PRICE.usd_per_device_hour == 2.0
        hours = get_run("DeepSeek-V3").device_hours
        assert hours * DEEPSEEK_V3_PRICE.usd_per_device_hour == pytest.approx(5.576e6)
        assert DEEPSEEK_V3_PRICE.cite.key == "deepseekv3"
        assert "excludes" in DEEPSEEK_V3_PRICE.note

    def test_course_range(self):
        """FACTS §7 course recommendation: $2–4 per H100-hour."""
        assert PRICE_RANGE_PER_HOUR == (2.0, 4.0)


class TestLlama3_8B:
    """FACTS §10, Llama 3 8B at 15T tokens, 40 % MFU on H100."""

    def test_flops_hours_and_cost(self):
        """7.23e23 FLOP -> ≈5.07e5 H100-hours (not 2.5e5, the sparse-peak answer)."""
        p = cost_of_run(8.03e9, 15e12, gpu="H100-SXM", mfu=0.4)
        assert p.flops == pytest.approx(7.23e23, rel=2e-3)
        assert p.device_hours == pytest.approx(5.07e5, rel=2e-3)
        assert p.device_hours == pytest.approx(p.flops / (0.4 * H100_DENSE_BF16 * 3600))

    def test_cost_one_to_two_million_at_two_to_four_dollars(self):
        """$1.0–2.0M at $2–4/h."""
        low, high = (cost_of_run(8.03e9, 15e12, mfu=0.4, price_per_hour=price).cost_usd
                     for price in PRICE_RANGE_PER_HOUR)
        assert low == pytest.approx(1.0e6, rel=0.02)
        assert high == pytest.approx(2.0e6, rel=0.02)

    def test_n_8e9_gives_505357_hours(self):
        """FACTS §10: 505,357 hours with N = 8e9."""
        assert cost_of_run(8e9, 15e12).device_hours == pytest.approx(505_357, abs=1)


class TestCommissioning:
    """The exercise "70B on 2T tokens at 50 % MFU on H100", recomputed."""

    def test_flops_are_6nd(self):
        p = cost_of_run(70e9, 2e12, mfu=0.5)
        assert p.flops == pytest.approx(8.4e23)

    def test_hours_days_and_cost_follow(self):
        p = cost_of_run(70e9, 2e12, mfu=0.5, n_devices=2048, price_per_hour=3.0)
        hours = 8.4e23 / (0.5 * H100_DENSE_BF16 * 3600)  # ≈ 4.72e5
        assert p.device_hours == pytest.approx(hours)
        assert p.days == pytest.approx(hours / 2048 / 24)
        assert p.cost_usd == pytest.approx(3.0 * hours)


class TestOptimizerSteps:
    @pytest.mark.parametrize(("batch", "steps"),
                             [(0.5e6, 2e6), (1e6, 1e6), (2e6, 5e5), (4e6, 2.5e5)])
    def test_one_trillion_tokens(self, batch, steps):
        """D/B for 1e12 tokens at 0.5M/1M/2M/4M-token batches (not B/D)."""
        assert optimizer_steps(1e12, batch) == pytest.approx(steps)

    def test_billions_refused(self):
        with pytest.raises(ValueError, match="n_tokens"):
            optimizer_steps(1000, 4e6)


class TestFlopsForDeviceHours:
    @settings(max_examples=30, deadline=None)
    @given(st.floats(min_value=1.0, max_value=9.0), st.floats(min_value=0.05, max_value=1.0))
    def test_inverts_gpu_hours(self, log_h, mfu):
        h = 10**log_h
        c = flops_for_device_hours(h, "H100-SXM", mfu)
        assert flops.gpu_hours(c, gpu="H100-SXM", mfu=mfu) == pytest.approx(h, rel=1e-12)

    def test_dense_peak(self):
        assert flops_for_device_hours(1.0, "H100-SXM", 1.0) == pytest.approx(H100_DENSE_BF16 * 3600)


class TestPlanStrategies:
    BUDGET = 10e6

    def test_kaplan_picks_a_larger_model_than_chinchilla(self):
        """$10M: Kaplan's N ∝ C^0.73 gives a larger N and fewer tokens than D = 20N."""
        k = plan(self.BUDGET, strategy="kaplan")
        c = plan(self.BUDGET, strategy="chinchilla")
        assert k.flops == pytest.approx(c.flops)
        assert k.n_params > 5 * c.n_params
        assert k.n_tokens < c.n_tokens
        assert k.n_params == pytest.approx(kaplan.optimal_params(k.flops, at_critical_batch=True))

    def test_chinchilla_is_twenty_tokens_per_param(self):
        p = plan(self.BUDGET, strategy="chinchilla")
        assert p.tokens_per_param == pytest.approx(20.0)
        assert p.n_params == pytest.approx(math.sqrt(p.flops / 120))

    def test_parametric_is_compute_optimal(self):
        p = plan(self.BUDGET, strategy="parametric", fit="hoffmann2022")
        n, d = chinchilla.compute_optimal(p.flops, "hoffmann2022")
        assert (p.n_params, p.n_tokens) == (pytest.approx(n), pytest.approx(d))
        assert p.predicted_loss == pytest.approx(loss_at_compute(p.flops, "hoffmann2022"))

    @pytest.mark.parametrize("strategy", sorted(STRATEGIES))
    def test_plan_is_consistent(self, strategy):
        """6·N·D == flops; device_hours × price == cost; steps == D / batch."""
        extra = {"inference_tokens": 1e13} if strategy == "inference" else {}
        p = plan(self.BUDGET, strategy=strategy, price_per_hour=3.0, **extra)
        assert 6 * p.n_params * p.n_tokens == pytest.approx(p.flops, rel=1e-9)
        assert p.device_hours == pytest.approx(self.BUDGET / 3.0)
        assert p.device_hours * p.price_per_hour == pytest.approx(p.cost_usd)
        assert p.cost_usd == pytest.approx(self.BUDGET)
        assert p.optimizer_steps == pytest.approx(p.n_tokens / p.batch_tokens)
        assert p.tokens_per_param == pytest.approx(p.n_tokens / p.n_params)
        assert p.flops == pytest.approx(p.device_hours * 3600 * H100_DENSE_BF16 * 0.4)

    def test_kaplan_loss_is_not_given_and_says_why(self):
        p = plan(self.BUDGET, strategy="kaplan")
        assert p.predicted_loss is None
        assert "WebText2" in p.loss_note and "embeddings" in p.loss_note
        assert "not defined" in str(p)

    def test_devices_and_days(self):
        p = plan(n_devices=1024, days=30)
        assert p.device_hours == pytest.approx(1024 * 30 * 24)
        assert p.days_on(1024) == pytest.approx(30.0)
        assert p.budget_usd is None and p.n_devices == 1024

    def test_budget_leaves_days_open(self):
        p = plan(self.BUDGET)
        assert p.days is None and p.n_devices is None
        assert p.days_on(2048) == pytest.approx(self.BUDGET / 2.0 / 2048 / 24)

    def test_other_gpu_and_dtype(self):
        """fp8 doubles the dense peak of an H100, so the same dollars buy twice the FLOPs."""
        bf16 = plan(self.BUDGET)
        fp8 = plan(self.BUDGET, dtype="fp8")
        assert fp8.flops == pytest.approx(2 * bf16.flops, rel=1e-3)


class TestInferenceStrategy:
    def test_zero_demand_is_parametric(self):
        a = plan(10e6, strategy="inference")
        b = plan(10e6, strategy="parametric")
        assert a.n_params == pytest.approx(b.n_params) and a.n_tokens == pytest.approx(b.n_tokens)

    @settings(max_examples=8, deadline=None)
    @given(st.floats(min_value=21.0, max_value=25.0), st.floats(min_value=10.0, max_value=14.0))
    def test_smaller_longer_same_training_compute(self, log_c, log_inf):
        """Spends exactly C, on a smaller model than compute_optimal, and is Sardana-optimal
        for the loss it reaches."""
        c, d_inf = 10**log_c, 10**log_inf
        n, d = inference_allocation(c, d_inf)
        n0, d0 = chinchilla.compute_optimal(c)
        assert 6 * n * d == pytest.approx(c, rel=1e-9)
        assert n < n0 and d > d0
        # Two routes to the same model (fixed compute; fixed loss) agree to the site's 1e-9: a
        # minimiser stopping at the square root of the float spacing (1e-8) would not.
        n_star, _ = lifetime_optimal(chinchilla.loss(n, d), d_inf)
        assert n_star == pytest.approx(n, rel=1e-10)

    def test_lifetime_flops_below_parametric(self):
        a = plan(10e6, strategy="inference", inference_tokens=1e14)
        b = plan(10e6, strategy="parametric")
        assert a.lifetime_flops < lifetime_flops(b.n_params, b.n_tokens, 1e14)
        assert a.predicted_loss > b.predicted_loss


class TestOverheadAndBatch:
    def test_overhead_is_kept_apart(self):
        ideal = plan(10e6)
        padded = plan(10e6, overhead=1.3)
        assert padded.cost_usd == pytest.approx(ideal.cost_usd)
        assert padded.n_params == ideal.n_params
        assert padded.cost_with_overhead_usd == pytest.approx(1.3 * ideal.cost_usd)
        line = next(x for x in str(padded).splitlines() if x.startswith("with overhead"))
        assert "assumption" in line and "13,000,000" in line

    def test_default_batch_is_kaplans_critical_batch(self):
        p = plan(10e6)
        assert p.batch_tokens == pytest.approx(kaplan.critical_batch(kaplan.loss(p.n_params,
                                                                                 p.n_tokens)))
        assert "Kaplan" in p.batch_note and "WebText2" in p.batch_note

    def test_given_batch(self):
        p = plan(10e6, batch_tokens=4e6)
        assert p.batch_tokens == 4e6 and p.batch_note == "given"


class TestWorksheet:
    def test_rows_in_worksheet_order(self):
        steps = [row[0] for row in plan(10e6, overhead=1.2).to_table()]
        order = ["target", "N [parameters]", "D [tokens]", "FLOPs", "device-hours", "days",
                 "cost [USD]", "with overhead [USD]"]
        assert [s for s in steps if s in order] == order

    def test_text_and_html(self):
        p = plan(n_devices=512, days=10, price_per_hour=3.0)
        text = str(p)
        assert "512 x H100-SXM for 10 days" in text
        assert p._repr_html_().startswith("<table>")


class TestMemory:
    def test_dollar_plan_says_how_many_devices_hold_it(self):
        """$10M → N = 2.44e11: 16 bytes each (mixed AdamW) = 3.9 TB over 80 GB H100s is
        49 devices with ZeRO-3 (not 3.9e12 / 80e9 rounded down, nor 12 bytes per parameter)."""
        p = plan(10e6)
        assert p.memory.n_devices == math.ceil(16 * p.n_params / 80e9) == 49
        row = dict((r[0], r[1:]) for r in p.to_table())["memory"]
        assert row == ("3.9 TB", "fits on >= 49 x H100-SXM (ZeRO-3, mixed-adamw; activations extra)")

    def test_a_cluster_too_small_for_its_own_plan_is_flagged(self):
        """Four GPUs for ten years buy a 64B-parameter plan that four GPUs cannot hold."""
        p = plan(n_devices=4, days=3650)
        assert p.memory.n_devices > 4
        assert "does NOT fit on its 4 devices" in str(p)
        assert "fits on its 1,024 devices" in str(plan(n_devices=1024, days=30))

    def test_options_reach_the_memory_row(self):
        assert plan(10e6, precision="bf16-adamw").memory.n_devices == math.ceil(
            8 * plan(10e6).n_params / 80e9)
        assert "no number of H100-SXM holds it" in str(plan(10e6, zero_stage=0))
        assert plan(1e4, gpu="V100", dtype="fp16").memory is None

    def test_bad_memory_options(self):
        with pytest.raises(ValueError, match="zero_stage must be 0, 1, 2 or 3"):
            plan(10e6, zero_stage=4)
        with pytest.raises(ValueError, match="unknown precision"):
            plan(10e6, precision="fp8")


class TestBadInput:
    def test_both_budget_and_devices(self):
        with pytest.raises(ValueError, match="not both"):
            plan(1e6, n_devices=8, days=1)

    @pytest.mark.parametrize("kwargs", [{}, {"n_devices": 8}, {"days": 3}])
    def test_neither_or_half(self, kwargs):
        with pytest.raises(ValueError, match="n_devices and days"):
            plan(**kwargs)

    def test_negative_price(self):
        with pytest.raises(ValueError, match="price_per_hour"):
            plan(1e6, price_per_hour=-2.0)

    def test_mfu_as_percentage(self):
        with pytest.raises(ValueError, match=r"40 % as 0\.4"):
            plan(1e6, mfu=40)

    def test_unknown_strategy(self):
        with pytest.raises(ValueError, match="unknown strategy 'optimal'"):
            plan(1e6, strategy="optimal")

    def test_unknown_gpu(self):
        with pytest.raises(ValueError, match="unknown gpu 'H900'"):
            plan(1e6, gpu="H900")

    def test_dtype_the_device_lacks(self):
        """A V100 has no bf16 peak: refused rather than silently using fp16."""
        with pytest.raises(ValueError, match="no bf16 peak"):
            plan(1e6, gpu="V100")

    def test_names_are_case_insensitive_and_canonical(self):
        p = plan(1e6, gpu="h100-sxm", dtype="BF16")
        assert (p.gpu, p.dtype) == ("H100-SXM", "bf16")

    def test_overhead_below_one(self):
        with pytest.raises(ValueError, match="overhead"):
            plan(1e6, overhead=0.8)

    def test_inference_tokens_need_the_inference_strategy(self):
        with pytest.raises(ValueError, match="strategy='inference'"):
            plan(1e6, inference_tokens=1e12)

    def test_fractional_devices(self):
        with pytest.raises(ValueError, match="whole number"):
            plan(n_devices=7.5, days=2)

    @pytest.mark.parametrize("bad", [0.0, -1e6, math.nan, math.inf])
    def test_bad_budget(self, bad):
        with pytest.raises(ValueError, match="budget_usd"):
            plan(bad)

    def test_billions_in_cost_of_run(self):
        with pytest.raises(ValueError, match="billions"):
            cost_of_run(70, 2e12)


class TestRouteCosts:
    def test_numbers_follow_from_6nd(self):
        r = route_costs(8e9, 2e12, 1e11, 1e8, mfu=0.4, price_per_hour=2.5)
        for route, tokens in zip(r.routes, (2e12, 1e11, 1e8), strict=True):
            row = r[route]
            assert row["flops"] == pytest.approx(6 * 8e9 * tokens)
            ref = cost_of_run(8e9, tokens, mfu=0.4, price_per_hour=2.5)
            assert row["device_hours"] == pytest.approx(ref.device_hours)
            assert row["cost_usd"] == pytest.approx(ref.cost_usd)

    def test_ordering_and_table(self):
        r = route_costs(8e9, 2e12, 1e11, 1e8)
        assert r.cost_usd[0] > r.cost_usd[1] > r.cost_usd[2]
        assert "continued pretraining" in str(r) and "<table>" in r._repr_html_()

    def test_bad_route_and_tokens(self):
        r = route_costs(8e9, 2e12, 1e11, 1e8)
        with pytest.raises(ValueError, match="unknown route"):
            r["distillation"]
        with pytest.raises(ValueError, match="finetune_tokens"):
            route_costs(8e9, 2e12, 1e11, -1.0)
