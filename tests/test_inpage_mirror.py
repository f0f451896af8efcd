"""One formula, two languages: the page's functions give Python's numbers and Python's refusals.

``book/_static/lessons.js`` mirrors named functions of ``lessons`` (and ``lessons-views.js`` the
view functions of ``lessons.explore``) so that the site computes from a reader's own numbers.
Each test here generates a few hundred inputs for one function (valid ones across many decades,
edge cases, and bad ones: zero, negative, NaN, infinite, counts in "billions", unknown names),
runs the Python function and its mirror in the real headless Chromium on the same inputs, and
fails when

* one language refuses an input and the other does not, or their messages differ by a character;
* a number differs by more than 1e-9 relative (or 1e-12 absolute, for differences of nearly
  equal numbers such as the excess loss at the optimum);
* a string (a note, a chart label, a formatted number) differs at all.

The constants come from :func:`lessons.explore.inpage.constants`, as on the site. Without
Chromium or playwright the tests skip and say what is missing.
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import pytest

from lessons import (
    batch,
    budget,
    chinchilla,
    flops,
    hardware,
    kaplan,
    mfu,
    overtraining,
    returns,
    throughput,
    uncertainty,
)
from lessons.explore import batch as ex_batch
from lessons.explore import budgets as ex_budgets
from lessons.explore import chinchilla as ex_chinchilla
from lessons.explore import flops as ex_flops
from lessons.explore import format_number, inpage
from lessons.explore import kaplan as ex_kaplan
from lessons.explore import mfu as ex_mfu
from lessons.explore import overtraining as ex_overtraining
from lessons.explore import returns as ex_returns

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "book" / "_static"
REL_TOL, ABS_TOL = 1e-9, 1e-12
#: Results that are differences of nearly equal numbers, and the operand that sets their scale
#: (at zero inference demand the saving is 0 up to the rounding of two ~1e23 FLOP counts).
DIFFERENCE_OF = {"saved_flops": "flops", "excess_loss": "loss"}
#: Generated cases per function (a few hundred, as the course's quality bar asks).
N_CASES = 300

pytestmark = [pytest.mark.browser]


# --- the two languages ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def js(browser):
    """A blank page in headless Chromium with the site's constants and in-page scripts."""
    page = browser.new_page()
    page.set_content("<!doctype html><html><body></body></html>")
    page.add_script_tag(content=inpage.constants_script())
    for name in ("lessons.js", "lessons-views.js"):
        page.add_script_tag(content=(STATIC / name).read_text(encoding="utf-8"))
    page.add_script_tag(content=HARNESS)
    yield page
    page.close()


#: Calls a mirrored function on a batch of cases; floats that JSON cannot carry travel as
#: {"$f": "nan" | "inf" | "-inf"}; a refusal comes back as {"$error": message}.
HARNESS = r"""
window.decode = function decode(v) {
    if (v && typeof v === "object" && !Array.isArray(v)) {
      if ("$f" in v) { return {nan: NaN, inf: Infinity, "-inf": -Infinity}[v["$f"]]; }
      var o = {}; Object.keys(v).forEach(function (k) { o[k] = decode(v[k]); }); return o;
    }
    if (Array.isArray(v)) { return v.map(decode); }
    return v;
};
window.encode = function encode(v) {
    if (typeof v === "number") {
      if (v !== v) { return {"$f": "nan"}; }
      if (!isFinite(v)) { return {"$f": v > 0 ? "inf" : "-inf"}; }
      return v;
    }
    if (Array.isArray(v)) { return v.map(encode); }
    if (v && typeof v === "object") {
      var o = {};
      Object.keys(v).forEach(function (k) {
        try {  // a getter (Plan.lifetime_flops) may refuse, as Python's property does
          if (typeof v[k] === "function") { return; }
          o[k] = encode(v[k]);
        } catch (e) {
          if (!(e instanceof lessons.ValueError)) { throw e; }
          o[k] = {"$error": e.message};
        }
      });
      return o;
    }
    return v === undefined ? null : v;
};
window.mirror = function (path, cases) {
  var fn = path.split(".").reduce(function (o, k) { return o[k]; }, lessons);
  return cases.map(function (c) {
    var args = decode(c.args);
    if (c.kw) { args.push(decode(c.kw)); }
    try { return encode(fn.apply(null, args)); } catch (e) {
      if (e instanceof lessons.ValueError) { return {"$error": e.message}; }
      return {"$crash": String(e && e.stack || e)};
    }
  });
};
"""


def _encode(v):
    """Python values in the harness's JSON form (tuples as lists, dataclasses as dicts)."""
    if isinstance(v, (bool, str, int)) or v is None:
        return v  # ints stay ints: a digit count, a Python int n_devices
    if isinstance(v, (float, np.floating, np.integer)):
        x = float(v)
        if math.isnan(x):
            return {"$f": "nan"}
        if math.isinf(x):
            return {"$f": "inf" if x > 0 else "-inf"}
        return x
    if isinstance(v, (list, tuple, np.ndarray)):
        return [_encode(x) for x in v]
    if isinstance(v, dict):
        return {k: _encode(x) for k, x in v.items()}
    if dataclasses.is_dataclass(v):
        return _encode({f.name: getattr(v, f.name) for f in dataclasses.fields(v)})
    raise TypeError(f"cannot encode {type(v).__name__}")


def _python(fn, case):
    args = [_decode(a) for a in case["args"]]
    kw = {k: _decode(v) for k, v in (case.get("kw") or {}).items()}
    try:
        return _encode(fn(*args, **kw))
    except ValueError as error:
        return {"$error": str(error)}


def _decode(v):
    if isinstance(v, dict) and "$f" in v:
        return {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}[v["$f"]]
    if isinstance(v, dict):
        return {k: _decode(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_decode(x) for x in v]
    return v


def _differences(py, js_value, where="") -> list[str]:
    """Every place where the two results differ beyond the tolerance, described."""
    if (isinstance(py, dict) and "$error" in py) or (isinstance(js_value, dict) and "$error" in js_value):
        p = py.get("$error") if isinstance(py, dict) else None
        j = js_value.get("$error") if isinstance(js_value, dict) else None
        return [] if p == j else [f"{where}: Python {p or py!r} / page {j or js_value!r}"]
    if (isinstance(py, dict) and "$f" in py) or (isinstance(js_value, dict) and "$f" in js_value):
        return [] if py == js_value else [f"{where}: {py!r} / {js_value!r}"]
    if isinstance(py, float) and isinstance(js_value, (int, float)) and not isinstance(js_value, bool):
        if py == js_value or abs(py - js_value) <= max(REL_TOL * max(abs(py), abs(js_value)),
                                                      ABS_TOL):
            return []
        return [f"{where}: {py!r} / {js_value!r} (relative "
                f"{abs(py - js_value) / max(abs(py), abs(js_value)):.2g})"]
    if isinstance(py, dict) and isinstance(js_value, dict):
        out = []
        for k in sorted(set(py) | set(js_value)):
            if k not in py or k not in js_value:
                out.append(f"{where}.{k}: only in {'Python' if k in py else 'the page'}")
            elif k in DIFFERENCE_OF and isinstance(py[k], float) and isinstance(
                    py.get(DIFFERENCE_OF[k]), float):
                # A difference of two nearly equal numbers carries their rounding: compare it
                # at the scale of its operands.
                scale = abs(py[DIFFERENCE_OF[k]])
                if abs(py[k] - js_value[k]) > REL_TOL * scale:
                    out.append(f"{where}.{k}: {py[k]!r} / {js_value[k]!r} at scale {scale:g}")
            else:
                out += _differences(py[k], js_value[k], f"{where}.{k}")
        return out
    if isinstance(py, list) and isinstance(js_value, list):
        if len(py) != len(js_value):
            return [f"{where}: {len(py)} items / {len(js_value)}"]
        out = []
        for k, (a, b) in enumerate(zip(py, js_value, strict=True)):
            out += _differences(a, b, f"{where}[{k}]")
        return out
    return [] if py == js_value else [f"{where}: {py!r} / {js_value!r}"]


def compare(js_page, path, fn, cases, *, min_errors=1, min_values=1):
    """Run ``cases`` through Python's ``fn`` and the page's ``lessons.<path>``; assert equal."""
    encoded = [{"args": _encode(c[0]), "kw": _encode(c[1]) if len(c) > 1 else None} for c in cases]
    page_results = js_page.evaluate("([p, c]) => mirror(p, c)", [path, encoded])
    problems, n_errors = [], 0
    for case, result in zip(encoded, page_results, strict=True):
        assert not (isinstance(result, dict) and "$crash" in result), \
            f"{path}{case}: the page crashed: {result['$crash']}"
        expected = _python(fn, case)
        n_errors += isinstance(expected, dict) and "$error" in expected
        for d in _differences(expected, result):
            problems.append(f"{path}{json.dumps(case)}{d}")
    assert not problems, f"{len(problems)} differences, first ones:\n" + "\n".join(problems[:8])
    # The generated cases must exercise both the refusals and the numbers.
    assert n_errors >= min_errors, f"{path}: only {n_errors} refusals among the cases"
    assert len(cases) - n_errors >= min_values, f"{path}: only {len(cases) - n_errors} values"


# --- generated inputs -------------------------------------------------------------------------

RNG = np.random.default_rng(20261206)
#: Values no function should accept silently.
BAD = [0.0, -1.0, -3e21, math.nan, math.inf, -math.inf]


def logu(low: float, high: float, n: int = N_CASES) -> list[float]:
    """``n`` values spread log-uniformly over [low, high], a fifth of them replaced by edge
    cases: the ends themselves, bad values, and small counts that look like "billions"."""
    values = list(10 ** RNG.uniform(math.log10(low), math.log10(high), n))
    edges = [low, high, *BAD, 70.0, 1.4, 999.0, 5e3, 2e4, 1e5, 1e30]
    for k in range(0, n, 5):
        values[k] = edges[(k // 5) % len(edges)]
    return [float(v) for v in values]


def pick(options, n: int = N_CASES) -> list:
    return [options[k] for k in RNG.integers(0, len(options), n)]


GPUS = [*hardware.ACCELERATORS, "h100-sxm", "H900", "a100"]
DTYPES = [*hardware.DTYPES, "BF16", "int4"]
FITS = [*chinchilla.FITS, "Besiroglu2024", "chinchilla70b"]
STRATEGIES = [*budget.STRATEGIES, "Kaplan", "bogus"]


def zipped(*columns):
    return [list(row) for row in zip(*columns, strict=True)]


# --- Python's text formats --------------------------------------------------------------------

def _format_cases():
    x = [float(v) * s for v, s in zip(10 ** RNG.uniform(-8, 26, N_CASES),
                                      pick([1.0, -1.0]), strict=True)]
    # exact binary ties at the rounding digit, which round to even in Python
    x += [0.125, 2.5, 0.5, 1.5, 1.0005, 2.675, 1e16, 1e-5, 1e-4, 123456789.0, 0.0, -0.0,
          9.9995, 99999.5, 999999.5, 5e-324, 1.7976931348623157e308]
    return x


@pytest.mark.parametrize("digits", [2, 3, 4, 6])
def test_format_g(js, digits):
    cases = [[[x, digits]] for x in _format_cases()] + [[[math.nan, digits]], [[math.inf, digits]]]
    compare(js, "fmt.g", lambda x, p: format(x, f".{p}g"), cases, min_errors=0)


@pytest.mark.parametrize("decimals", [0, 1, 3, 4])
def test_format_f(js, decimals):
    cases = [[[x, decimals]] for x in _format_cases() if abs(x) < 1e17]
    compare(js, "fmt.f", lambda x, d: format(x, f".{d}f"), cases, min_errors=0)


def test_repr(js):
    cases = [[[x]] for x in _format_cases()] + [[[math.nan]], [[-math.inf]]]
    compare(js, "fmt.repr", repr, cases, min_errors=0)


def test_format_number(js):
    # Subnormals are left out: 10**-324 underflows to 0 in both languages.
    cases = [[[x]] for x in _format_cases() if x == 0 or abs(x) > 1e-300] + [[[math.inf]]]
    compare(js, "explore.format_number", format_number, cases, min_errors=0)


# --- lessons.hardware and lessons.throughput --------------------------------------------------

def test_peak_flops(js):
    compare(js, "hardware.peak_flops", hardware.peak_flops,
            [[c] for c in zipped(pick(GPUS), pick(DTYPES))])


def test_training_time(js):
    cases = [[[c, n, p, u], {"unit": unit}] for c, n, p, u, unit in zip(
        logu(1e5, 1e27), logu(0.5, 1e6), logu(1e8, 1e16), logu(0.01, 200),
        pick(["s", "hours", "days", "Days", "minutes"]), strict=True)]
    compare(js, "throughput.training_time", throughput.training_time, cases)


def test_delivered_flops(js):
    cases = [[[t, n, p, u], {"unit": unit}] for t, n, p, u, unit in zip(
        logu(1e-3, 1e7), logu(0.5, 1e6), logu(1e8, 1e16), logu(0.01, 200),
        pick(["s", "hours", "days", "weeks"]), strict=True)]
    compare(js, "throughput.delivered_flops", throughput.delivered_flops, cases)


def test_flops_for_device_hours(js):
    cases = zipped(logu(1e-2, 1e9), pick(GPUS), logu(0.01, 200), pick(DTYPES))
    compare(js, "throughput.flops_for_device_hours", throughput.flops_for_device_hours,
            [[c] for c in cases])


# --- lessons.flops ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["training_flops", "inference_flops"])
def test_flops_of_tokens(js, name):
    compare(js, f"flops.{name}", getattr(flops, name),
            [[c] for c in zipped(logu(1e2, 1e13), logu(1e2, 1e15))])


def test_tokens_for_flops(js):
    compare(js, "flops.tokens_for_flops", flops.tokens_for_flops,
            [[c] for c in zipped(logu(1e3, 1e27), logu(1e2, 1e13))])


def test_to_pf_days(js):
    compare(js, "flops.to_pf_days", flops.to_pf_days, [[[c]] for c in logu(1e3, 1e28)])


def test_gpu_hours(js):
    compare(js, "flops.gpu_hours", flops.gpu_hours,
            [[c] for c in zipped(logu(1e5, 1e27), pick(GPUS), logu(0.01, 200), pick(DTYPES))])


def test_wall_clock_days(js):
    compare(js, "flops.wall_clock_days", flops.wall_clock_days,
            [[c] for c in zipped(logu(1e5, 1e27), logu(0.5, 1e6), pick(GPUS), logu(0.01, 200),
                                 pick(DTYPES))])


# --- lessons.chinchilla -----------------------------------------------------------------------

def test_loss(js):
    compare(js, "chinchilla.loss", chinchilla.loss,
            [[c] for c in zipped(logu(1e2, 1e14), logu(1e2, 1e15), pick(FITS))])


def test_compute_optimal(js):
    compare(js, "chinchilla.compute_optimal", chinchilla.compute_optimal,
            [[c] for c in zipped(logu(1e4, 1e30), pick(FITS))])


def test_isoflop_curve(js):
    c = logu(1e5, 1e28)
    n = [x * m for x, m in zip(logu(1e2, 1e13), 10 ** RNG.uniform(-1, 3, N_CASES), strict=True)]
    compare(js, "chinchilla.isoflop_curve", chinchilla.isoflop_curve,
            [[row] for row in zipped(c, n, pick(FITS))])


def test_twenty_tokens_per_param(js):
    compare(js, "chinchilla.twenty_tokens_per_param", chinchilla.twenty_tokens_per_param,
            [[[c]] for c in logu(1e4, 1e30)])


def test_extrapolation(js):
    def py(n, d, c):
        return chinchilla.extrapolation(n_params=n, n_tokens=d, flops=c)

    cases = zipped(pick([None, *logu(1e6, 1e13)]), pick([None, *logu(1e7, 1e14)]),
                   pick([None, *logu(1e16, 1e26)]))
    compare(js, "chinchilla.extrapolation", py, [[c] for c in cases])


def test_extrapolation_of_kaplans_models(js):
    span = inpage.constants()["kaplan"]["FITTED_RANGE"]
    cases = [[[n, None, None, span]] for n in logu(10, 1e13)]
    compare(js, "chinchilla.extrapolation",
            lambda n, d, c, s: chinchilla.extrapolation(n_params=n, span=kaplan.FITTED_RANGE),
            cases)


# --- lessons.kaplan ---------------------------------------------------------------------------

def test_kaplan_loss(js):
    compare(js, "kaplan.loss", kaplan.loss, [[c] for c in zipped(logu(1e1, 1e13), logu(1e1, 1e14))])


def test_critical_batch(js):
    compare(js, "kaplan.critical_batch", kaplan.critical_batch, [[[x]] for x in logu(0.5, 10)])


@pytest.mark.parametrize("name", ["optimal_params", "optimal_tokens", "optimal_batch",
                                  "optimal_steps"])
def test_kaplan_allocation(js, name):
    cases = [[[c], {"at_critical_batch": b}] for c, b in zip(logu(1e8, 1e30), pick([True, False]),
                                                             strict=True)]
    compare(js, f"kaplan.{name}", getattr(kaplan, name), cases)


# --- lessons.returns --------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["loss_at_compute", "gain_per_decade", "gap_to_irreducible"])
def test_returns_of_compute(js, name):
    compare(js, f"returns.{name}", getattr(returns, name),
            [[c] for c in zipped(logu(1e4, 1e30), pick(FITS))])


@pytest.mark.parametrize("name", ["allocation_for_loss", "compute_for_loss"])
def test_returns_of_loss(js, name):
    compare(js, f"returns.{name}", getattr(returns, name),
            [[c] for c in zipped(logu(1.5, 5.0), pick(FITS))])


# --- lessons.batch ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["deepseek_batch", "deepseek_lr", "deepseek_optimal"])
def test_deepseek_laws(js, name):
    compare(js, f"batch.{name}", getattr(batch, name), [[[c]] for c in logu(1e11, 1e30)])


def test_token_law(js):
    laws = {"legend": chinchilla.LLAMA3_TOKEN_LAW, "text": chinchilla.LLAMA3_TOKEN_LAW_ROUNDED}

    def py(which, c):
        return laws[which].tokens(c)

    k = inpage.constants()["chinchilla"]
    js_laws = {"legend": k["LLAMA3_TOKEN_LAW"], "text": k["LLAMA3_TOKEN_LAW_ROUNDED"]}
    cases = zipped(pick(list(laws)), logu(1e15, 1e30))
    encoded = [{"args": _encode([js_laws[w], c])} for w, c in cases]
    page = js.evaluate("([p, c]) => mirror(p, c)", ["chinchilla.TokenLaw.tokens", encoded])
    problems = [d for (w, c), got in zip(cases, page, strict=True)
                for d in _differences(_python(py, {"args": [w, c]}), got, f"{w} {c}")]
    assert not problems, problems[:8]


# --- lessons.overtraining ---------------------------------------------------------------------

def test_tokens_per_param(js):
    compare(js, "overtraining.tokens_per_param", overtraining.tokens_per_param,
            [[c] for c in zipped(logu(1e2, 1e13), logu(1e2, 1e15))])


def test_law_tokens_per_param(js):
    compare(js, "overtraining.law_tokens_per_param", overtraining.law_tokens_per_param,
            [[[c]] for c in logu(1e15, 1e30)])


def test_optimal_tokens_for_params(js):
    compare(js, "overtraining.optimal_tokens_for_params", overtraining.optimal_tokens_for_params,
            [[c] for c in zipped(logu(1e2, 1e13), pick(FITS))])


def test_lifetime_flops(js):
    d_inf = logu(1e0, 1e16)
    d_inf[3::17] = [0.0] * len(d_inf[3::17])
    compare(js, "overtraining.lifetime_flops", overtraining.lifetime_flops,
            [[c] for c in zipped(logu(1e2, 1e13), logu(1e2, 1e15), d_inf)])


def test_tokens_for_loss(js):
    compare(js, "overtraining.tokens_for_loss", overtraining.tokens_for_loss,
            [[c] for c in zipped(logu(1e3, 1e13), logu(1.5, 4.0), pick(FITS))])


def test_min_params_for_loss(js):
    compare(js, "overtraining.min_params_for_loss", overtraining.min_params_for_loss,
            [[c] for c in zipped(logu(1.5, 4.0), pick(FITS))])


def test_lifetime_tangency(js):
    d_inf = logu(1e6, 1e16)
    d_inf[2::11] = [0.0] * len(d_inf[2::11])
    compare(js, "overtraining.lifetime_tangency", overtraining.lifetime_tangency,
            [[c] for c in zipped(logu(1e3, 1e13), logu(1e3, 1e15), d_inf, pick(FITS))])


def test_lifetime_optimal(js):
    d_inf = logu(1e6, 1e17)
    d_inf[2::11] = [0.0] * len(d_inf[2::11])
    compare(js, "overtraining.lifetime_optimal", overtraining.lifetime_optimal,
            [[c] for c in zipped(logu(1.6, 4.0), d_inf, pick(FITS))])


def test_lifetime_savings(js):
    d_inf = logu(1e6, 1e16)
    d_inf[2::11] = [0.0] * len(d_inf[2::11])
    compare(js, "overtraining.lifetime_savings",
            lambda n, d, f: {**_encode(overtraining.lifetime_savings(n, d, f)),
                             **_savings_properties(overtraining.lifetime_savings(n, d, f))},
            [[c] for c in zipped(logu(1e5, 1e13), d_inf, pick(FITS))])


def _savings_properties(s):
    return {"saved_flops": s.saved_flops, "saved_fraction": s.saved_fraction}


# --- lessons.mfu ------------------------------------------------------------------------------

def test_model_flops_per_token(js):
    compare(js, "mfu.model_flops_per_token", mfu.model_flops_per_token,
            [[[n]] for n in logu(1e1, 1e13)])


def test_mfu(js):
    cases = []
    for tps, n, devices, peak, gpu in zip(logu(1e1, 1e9), logu(1e2, 1e12), logu(0.5, 1e5),
                                          logu(1e8, 1e16), pick([None, None, *GPUS]), strict=True):
        kw = {"n_devices": devices}
        kw.update({"gpu": gpu} if gpu else {"peak_flops_per_device": peak})
        cases.append([[tps, n], kw])
    cases.append([[1e4, 1e9], {"n_devices": 1, "gpu": "A100", "peak_flops_per_device": 3e14}])
    compare(js, "mfu.mfu", mfu.mfu, cases)


# --- lessons.budget and lessons.uncertainty ---------------------------------------------------

def test_optimizer_steps(js):
    compare(js, "budget.optimizer_steps", budget.optimizer_steps,
            [[c] for c in zipped(logu(1e2, 1e15), logu(1e-1, 1e9))])


def test_inference_allocation(js):
    d_inf = logu(1e3, 1e17)
    d_inf[2::11] = [0.0] * len(d_inf[2::11])
    compare(js, "budget.inference_allocation", budget.inference_allocation,
            [[c] for c in zipped(logu(1e4, 1e28), d_inf, pick(FITS))])


def _plan_dict(**kw):
    """A Plan as the page returns it: its attributes, and its properties (each may refuse)."""
    p = budget.plan(**kw)
    out = {f.name: getattr(p, f.name) for f in dataclasses.fields(p) if f.name != "memory"}
    out["cost_with_overhead_usd"] = p.cost_with_overhead_usd
    try:
        out["lifetime_flops"] = p.lifetime_flops
    except ValueError as error:
        out["lifetime_flops"] = {"$error": str(error)}
    return out


def _plan_cases(n: int = N_CASES):
    """Plans from a dollar budget or a cluster with every other parameter drawn too; in about a
    third of them one input is wrong (a bad number, an unknown name, both targets or neither)."""
    cases = []
    budgets, devices, days = logu(1e-2, 1e11, n), logu(1, 2e5, n), logu(1e-2, 1e4, n)
    prices, mfus = logu(0.05, 50, n), logu(0.02, 1.0, n)
    overheads, tokens = logu(1.0, 8, n), logu(1e6, 1e17, n)
    wrong = {"mfu": [40.0, 0.0, math.nan, 1.5], "price_per_hour": [0.0, -2.0, math.inf],
             "overhead": [0.5, math.nan], "gpu": ["H900"], "dtype": ["fp8", "int4"],
             "strategy": ["bogus"], "fit": ["chinchilla70b"], "inference_tokens": [-1.0]}
    for k in range(n):
        kw = {"gpu": pick([*list(hardware.ACCELERATORS), "h100-sxm"], 1)[0], "dtype": "bf16",
              "mfu": mfus[k] if math.isfinite(mfus[k]) and 0 < mfus[k] <= 1 else 0.4,
              "price_per_hour": prices[k] if math.isfinite(prices[k]) and prices[k] > 0 else 2.0,
              "strategy": pick(list(budget.STRATEGIES), 1)[0],
              "fit": pick(list(chinchilla.FITS), 1)[0],
              "overhead": overheads[k] if math.isfinite(overheads[k]) and overheads[k] >= 1 else 1.0}
        if kw["gpu"] == "V100":
            kw["dtype"] = "fp16"
        if kw["strategy"] == "inference":
            kw["inference_tokens"] = tokens[k] if math.isfinite(tokens[k]) else 1e13
        mode = k % 9
        if mode < 5:
            kw["budget_usd"] = budgets[k]
        elif mode < 8:
            kw["n_devices"] = float(round(devices[k])) if k % 5 else devices[k]
            kw["days"] = days[k]
        elif k % 2:
            kw.update(budget_usd=budgets[k], n_devices=64.0, days=3.0)
        else:
            kw["n_devices"] = 64.0
        if k % 3 == 0:
            name = pick(list(wrong), 1)[0]
            kw[name] = pick(wrong[name], 1)[0]
        cases.append([[], kw])
    return cases


def test_plan(js):
    compare(js, "budget.plan", lambda kw: _plan_dict(**kw), [[[c[1]]] for c in _plan_cases()],
            min_errors=60, min_values=120)


def test_plan_days_on(js):
    """Plan.days_on, the wall-clock time of a dollar plan on a cluster."""
    cases = [(1e6, "H100-SXM", 1024.0), (3.3e7, "A100", 777.0), (5e4, "B200", 8.0),
             (1e6, "H100-SXM", 0.0), (1e6, "H100-SXM", -4.0)]
    got = js.evaluate("""(cases) => cases.map(([b, g, n]) => {
        try { return lessons.budget.plan({budget_usd: b, gpu: g}).days_on(n); }
        catch (e) { return {"$error": e.message}; } })""", [list(c) for c in cases])
    for (b, g, n), page in zip(cases, got, strict=True):
        try:
            expected = budget.plan(b, gpu=g).days_on(n)
        except ValueError as error:
            assert page == {"$error": str(error)}
        else:
            assert page == pytest.approx(expected, rel=REL_TOL)


@pytest.fixture(scope="module")
def boot():
    from lessons import data, fitting

    p = data.load_chinchilla_points()
    return fitting.bootstrap(p.n_params, p.n_tokens, p.loss, n_resamples=200,
                             start="besiroglu2024")


def test_plan_range(js, boot):
    """Intervals and medians of N_opt, D_opt, D/N and loss over the same refits."""
    def py(boot_json, fit, kw):
        r = uncertainty.plan_range(boot, fit, **kw)
        names = ("N_opt", "D_opt", "D/N", "loss")
        return {"point": {k: r.point[k] for k in names},
                "interval": {k: list(r.interval(k)) for k in names},
                "median": {k: r.median(k) for k in names}}

    exported = inpage.bootstrap_json(boot)
    cases = [[exported, f, {"budget_usd": b, "gpu": g, "mfu": m, "price_per_hour": p}]
             for b, f, g, m, p in zip(logu(1e2, 1e10, 60), pick(list(chinchilla.FITS), 60),
                                      pick(["A100", "H100-SXM", "B200"], 60), logu(0.1, 0.9, 60),
                                      logu(0.5, 10, 60), strict=True)]
    got = js.evaluate("""(cases) => decode(cases).map(([boot, fit, kw]) => {
        try {
          const r = lessons.uncertainty.plan_range(boot, fit, kw);
          const names = ["N_opt", "D_opt", "D/N", "loss"], out = {point: {}, interval: {}, median: {}};
          names.forEach((k) => { out.point[k] = r.point[k]; out.interval[k] = r.interval(k);
                                 out.median[k] = r.median(k); });
          return encode(out);
        } catch (e) { return {"$error": e.message}; } })""",
                      [_encode(c) for c in cases])
    problems, n_values = [], 0
    for case, page in zip(cases, got, strict=True):
        try:
            expected = _encode(py(*case))
            n_values += 1
        except ValueError as error:
            expected = {"$error": str(error)}
        problems += _differences(expected, page, json.dumps(case[1:]))
    assert not problems, problems[:8]
    assert n_values >= 30


# --- the views of lessons.explore -------------------------------------------------------------

def _view_cases(fields: dict, n: int = 60):
    keys = list(fields)
    return [{k: fields[k][i] for k in keys} for i in range(n)]


def compare_view(js_page, path, fn, inputs, data=None, py_data=None, *, min_values=10):
    """A view's whole result (values, chart series, labels, warning) in both languages."""
    cases = [[[i, data]] if data is not None else [[i]] for i in inputs]
    encoded = [{"args": _encode(c[0])} for c in cases]
    got = js_page.evaluate("([p, c]) => mirror(p, c)", ["explore." + path, encoded])
    problems, n_values = [], 0
    for case, page in zip(inputs, got, strict=True):
        assert not (isinstance(page, dict) and "$crash" in page), page
        try:
            expected = _encode(fn(**case, **(py_data or {})))
            n_values += 1
        except ValueError as error:
            expected = {"$error": str(error)}
        problems += _differences(expected, page, f"{path}{case}")
    assert not problems, f"{len(problems)} differences, first ones:\n" + "\n".join(problems[:8])
    assert n_values >= min_values


def test_isoflop_view(js):
    compare_view(js, "chinchilla.isoflop_view", ex_chinchilla.isoflop_view,
                 _view_cases({"flops_budget": logu(1e14, 1e30, 60)}))


def test_missizing_view(js):
    compare_view(js, "chinchilla.missizing_view", ex_chinchilla.missizing_view, _view_cases({
        "flops_budget": logu(1e15, 1e29, 60), "multiple": logu(1 / 64, 64, 60),
        "fit": pick(list(chinchilla.FITS), 60)}))


def test_kaplan_view(js):
    compare_view(js, "kaplan.kaplan_view", ex_kaplan.kaplan_view, _view_cases({
        "flops_budget": logu(1e9, 1e30, 60), "at_critical_batch": pick([True, False], 60),
        "fit": pick(list(chinchilla.FITS), 60)}))


def test_returns_view(js):
    compare_view(js, "returns.returns_view", ex_returns.returns_view, _view_cases({
        "fit": pick(list(chinchilla.FITS), 60), "flops_budget": logu(1e12, 1e30, 60)}))


def test_hyperparameter_view(js):
    compare_view(js, "batch.hyperparameter_view", ex_batch.hyperparameter_view, _view_cases({
        "flops_budget": logu(1e12, 1e30, 60), "seq_len": logu(128, 1e6, 60)}))


def test_ratio_view(js):
    compare_view(js, "overtraining.ratio_view", ex_overtraining.ratio_view, _view_cases({
        "flops_budget": logu(1e15, 1e30, 60)}))


def test_lifetime_view(js):
    d_inf = logu(1e8, 1e16, 60)
    d_inf[1::9] = [0.0] * len(d_inf[1::9])
    compare_view(js, "overtraining.lifetime_view", ex_overtraining.lifetime_view, _view_cases({
        "n_params": logu(1e6, 1e13, 60), "inference_tokens": d_inf,
        "fit": pick(list(chinchilla.FITS), 60)}))


def test_compute_view(js):
    compare_view(js, "flops.compute_view", ex_flops.compute_view, _view_cases({
        "n_params": logu(1e3, 1e13, 60), "n_tokens": logu(1e3, 1e15, 60),
        "mfu": logu(0.02, 60, 60), "gpu": pick(GPUS, 60), "n_devices": logu(0.5, 1e6, 60)}))


def test_days_view(js):
    data = ex_flops.days_explorer().data_json
    compare_view(js, "flops.days_view", ex_flops.days_view, _view_cases({
        "gpu": pick(GPUS, 40), "mfu": logu(0.02, 60, 40)}, 40), data=data)


def test_mfu_view(js):
    compare_view(js, "mfu.mfu_view", ex_mfu.mfu_view, _view_cases({
        "gpu": pick(GPUS, 60), "n_params": logu(1e2, 1e13, 60),
        "tokens_per_device": logu(1, 1e8, 60)}))


def test_planner_view(js, boot):
    n = 40
    cases = []
    for k, kw in enumerate(c[1] for c in _plan_cases(n)):
        cases.append({
            "target": "budget" if k % 3 else "cluster",
            "budget_usd": kw.get("budget_usd", 1e6), "n_devices": kw.get("n_devices", 512.0),
            "days": kw.get("days", 20.0), "gpu": kw["gpu"], "dtype": kw["dtype"],
            "price_per_hour": kw["price_per_hour"], "mfu": kw["mfu"],
            "strategy": kw["strategy"] if kw["strategy"] in budget.STRATEGIES else "parametric",
            "fit": kw["fit"] if kw["fit"] in chinchilla.FITS else "besiroglu2024",
            "inference_tokens": kw.get("inference_tokens", 1e13), "overhead": kw["overhead"]})
    compare_view(js, "budgets.planner_view", ex_budgets.planner_view, cases,
                 data={"boot": inpage.bootstrap_json(boot)}, py_data={"boot": boot}, min_values=5)
