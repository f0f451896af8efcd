/* lessons-views.js: the in-page twins of the view functions of lessons.explore.

   Each function mirrors the Python view of the same module and name (for example
   lessons.explore.chinchilla.isoflop_view) and, like it, only calls functions of `lessons`
   (their mirrors in lessons.js) and arranges their results as
   {values: {...}, chart: {...} or null, warning: "..."}. Inputs come as one object keyed by
   the Python parameter names; build-time data (bootstrap refits) as a second object.
   tests/test_inpage_mirror.py compares both languages on generated inputs. */
(function (root) {
  "use strict";
  var L = root.lessons;
  var g = L.fmt.g;

  function range(n) { var out = []; for (var i = 0; i < n; i++) { out.push(i); } return out; }

  /** numpy.linspace's values: start + k·step, the last exactly `stop`. */
  function linspace(start, stop, num) {
    var step = (stop - start) / (num - 1);
    var out = range(num - 1).map(function (k) { return start + k * step; });
    out.push(stop);
    return out;
  }

  function percent0(x) {  // Python's f"{x:.0%}"
    return L.fmt.f(100 * x, 0) + "%";
  }

  // --- lessons.explore.budgets ----------------------------------------------------------

  var STRATEGY_NAMES = {kaplan: "Kaplan 2020", chinchilla: "20 tokens per parameter",
                        parametric: "Fitted law (compute-optimal)",
                        inference: "Inference-aware (lifetime)"};
  var FIT_NAMES = {besiroglu2024: "Besiroglu et al. 2024 refit",
                   hoffmann2022_tex: "Hoffmann et al. 2022, TeX constants",
                   hoffmann2022: "Hoffmann et al. 2022, rounded"};
  var CHART_DECADES = 3, CHART_PER_DECADE = 4, BAND_EVERY = 2;

  function rangeAt(boot, fit, budgetUsd, p) {
    return L.uncertainty.plan_range(boot, fit, {budget_usd: budgetUsd, gpu: p.gpu, dtype: p.dtype,
      mfu: p.mfu, price_per_hour: p.price_per_hour}).interval("N_opt");
  }

  /** lessons.explore.budgets.planner_view */
  function planner_view(i, data) {
    var boot = data && data.boot;
    var kw = {gpu: i.gpu, dtype: i.dtype, mfu: i.mfu, price_per_hour: i.price_per_hour,
              strategy: i.strategy, fit: i.fit,
              inference_tokens: i.strategy === "inference" ? i.inference_tokens : 0.0,
              overhead: i.overhead};
    var p, daysShown;
    if (i.target === "budget") {
      kw.budget_usd = i.budget_usd;
      p = L.budget.plan(kw);
      daysShown = p.days_on(i.n_devices);
    } else if (i.target === "cluster") {
      kw.n_devices = i.n_devices;
      kw.days = i.days;
      p = L.budget.plan(kw);
      daysShown = p.days;
    } else {
      throw new L.ValueError("unknown target " + L.fmt.repr(i.target) +
                             "; accepted: 'budget', 'cluster'.");
    }
    var values = {};
    ["n_params", "n_tokens", "tokens_per_param", "flops", "device_hours", "cost_usd",
     "cost_with_overhead_usd", "predicted_loss", "loss_note", "batch_tokens",
     "optimizer_steps"].forEach(function (k) { values[k] = p[k]; });
    values.days = daysShown;
    if (boot) {
      var r = L.uncertainty.plan_range(boot, p.fit || "besiroglu2024", {budget_usd: p.cost_usd,
        gpu: p.gpu, dtype: p.dtype, mfu: p.mfu, price_per_hour: p.price_per_hour});
      ["N_opt", "D_opt", "loss"].forEach(function (name) {
        var iv = r.interval(name);
        values["range." + name + ".low"] = iv[0];
        values["range." + name + ".high"] = iv[1];
      });
      values["range.level"] = r.level;
    }
    var warning = i.strategy === "kaplan" ?
      L.chinchilla.extrapolation(p.n_params, null, null, L.constants.kaplan.FITTED_RANGE) :
      L.chinchilla.extrapolation(p.n_params, p.n_tokens, p.flops);

    var centre = Math.log10(p.cost_usd);
    var steps = 2 * CHART_DECADES * CHART_PER_DECADE + 1;
    var budgets = range(steps).map(function (k) {
      return Math.pow(10, centre + (k - CHART_DECADES * CHART_PER_DECADE) / CHART_PER_DECADE);
    });
    var names = ["kaplan", "chinchilla", "parametric", "inference"];
    var lines = {}, xs = {};
    names.forEach(function (n) { lines[n] = []; xs[n] = []; });
    var band = [[], [], []];
    var dInf = i.strategy === "inference" ? i.inference_tokens : 0.0;
    budgets.forEach(function (b, k) {
      var sizes, interval = null;
      try {
        var c = L.throughput.flops_for_device_hours(b / p.price_per_hour, p.gpu, p.mfu, p.dtype);
        sizes = {
          kaplan: L.kaplan.optimal_params(c, {at_critical_batch: true}),
          chinchilla: L.chinchilla.twenty_tokens_per_param(c)[0],
          parametric: L.chinchilla.compute_optimal(c, i.fit)[0],
          inference: i.strategy === "inference" ?
            L.budget.inference_allocation(c, dInf, i.fit)[0] : null
        };
        if (boot && k % BAND_EVERY === 0) { interval = rangeAt(boot, i.fit, b, p); }
      } catch (e) {
        if (e instanceof L.ValueError) { return; }
        throw e;
      }
      names.forEach(function (n) {
        if (sizes[n] !== null) { xs[n].push(b); lines[n].push(sizes[n]); }
      });
      if (interval) { band[0].push(b); band[1].push(interval[0]); band[2].push(interval[1]); }
    });
    var series = [];
    if (band[0].length) {
      series.push({label: "fitted law, " + percent0(values["range.level"]) + " of refits",
                   x: band[0], y: band[1], y2: band[2], style: "band"});
    }
    names.forEach(function (n) {
      if (xs[n].length) {
        var label = STRATEGY_NAMES[n] +
          ((n === "parametric" || n === "inference") ? " (" + FIT_NAMES[i.fit] + ")" : "");
        series.push({label: label, x: xs[n], y: lines[n],
                     style: n === "kaplan" ? "dashed" : "solid"});
      }
    });
    var chart = {title: "Model size against budget (" + p.gpu + " " + p.dtype + ", MFU " +
                 g(p.mfu) + ", $" + g(p.price_per_hour) + "/device-hour)",
                 xlabel: "Budget [USD]", ylabel: "Model size N [parameters]",
                 logx: true, logy: true, series: series,
                 marks: [{label: "this plan", x: p.cost_usd, y: p.n_params}]};
    return {values: values, chart: chart, warning: warning};
  }

  // --- lessons.explore.chinchilla -------------------------------------------------------

  var FIT_LABELS = {hoffmann2022: "Hoffmann, rounded", hoffmann2022_tex: "Hoffmann, TeX",
                    besiroglu2024: "Besiroglu refit"};
  var FIT_ORDER = ["hoffmann2022", "hoffmann2022_tex", "besiroglu2024"];
  var MULTIPLES = range(33).map(function (k) { return Math.pow(2.0, (k - 16) / 4); });

  /** lessons.explore.chinchilla.isoflop_view */
  function isoflop_view(i) {
    var c = i.flops_budget;
    var optima = {};
    FIT_ORDER.forEach(function (name) { optima[name] = L.chinchilla.compute_optimal(c, name); });
    var ns = FIT_ORDER.map(function (name) { return optima[name][0]; });
    var low = Math.min.apply(null, ns) / 10, high = Math.max.apply(null, ns) * 10;
    var sizes = linspace(Math.log10(low), Math.log10(high), 81).map(function (x) {
      return Math.pow(10, x);
    });
    var values = {}, series = [], marks = [];
    FIT_ORDER.forEach(function (name) {
      var n = optima[name][0], d = optima[name][1];
      var best = L.chinchilla.loss(n, d, name);
      values[name + ".n_params"] = n;
      values[name + ".n_tokens"] = d;
      values[name + ".tokens_per_param"] = L.overtraining.tokens_per_param(n, d);
      values[name + ".loss"] = best;
      series.push({label: FIT_LABELS[name], x: sizes, style: "solid",
                   y: sizes.map(function (s) { return L.chinchilla.isoflop_curve(c, s, name); })});
      marks.push({label: FIT_LABELS[name] + " minimum", x: n, y: best});
    });
    var nd20 = L.chinchilla.twenty_tokens_per_param(c);
    values["twenty.n_params"] = nd20[0];
    values["twenty.n_tokens"] = nd20[1];
    marks.push({label: "20 tokens/param", x: nd20[0],
                y: L.chinchilla.isoflop_curve(c, nd20[0], "besiroglu2024")});
    var chart = {title: "IsoFLOP profiles at C = " + g(c, 3) + " FLOP",
                 xlabel: "Model size N [parameters]", ylabel: "Predicted loss [nats/token]",
                 logx: true, logy: false, series: series, marks: marks};
    var warning = L.chinchilla.extrapolation(optima.besiroglu2024[0], null, c);
    return {values: values, chart: chart, warning: warning};
  }

  /** lessons.explore.chinchilla.missizing_view */
  function missizing_view(i) {
    var c = i.flops_budget, fit = i.fit;
    var opt = L.chinchilla.compute_optimal(c, fit);
    var n = opt[0] * i.multiple;
    var d = L.flops.tokens_for_flops(c, n);
    var ell = L.chinchilla.isoflop_curve(c, n, fit);
    var best = L.chinchilla.loss(opt[0], opt[1], fit);
    var values = {n_params: n, n_tokens: d, tokens_per_param: L.overtraining.tokens_per_param(n, d),
                  loss: ell, best_loss: best, excess_loss: ell - best,
                  compute_fraction: L.returns.compute_for_loss(ell, fit) / c};
    var series = FIT_ORDER.map(function (name) {
      var no = L.chinchilla.compute_optimal(c, name)[0];
      return {label: FIT_LABELS[name], x: MULTIPLES.slice(),
              style: name === fit ? "solid" : "dashed",
              y: MULTIPLES.map(function (k) {
                return L.returns.compute_for_loss(L.chinchilla.isoflop_curve(c, no * k, name),
                                                  name) / c;
              })};
    });
    var chart = {title: "Compute a right-sized run needs for the same loss, as a fraction of C",
                 xlabel: "Model size as a multiple of N_opt", ylabel: "Fraction of C [1]",
                 logx: true, logy: false, series: series,
                 marks: [{label: g(i.multiple) + "× N_opt", x: i.multiple,
                          y: values.compute_fraction}]};
    return {values: values, chart: chart,
            warning: L.chinchilla.extrapolation(n, d, c)};
  }

  // --- lessons.explore.kaplan -----------------------------------------------------------

  var KAPLAN_BUDGETS = range(41).map(function (k) { return Math.pow(10, 17 + k / 4); });

  /** lessons.explore.kaplan.kaplan_note */
  function kaplan_note(n) {
    var text = L.chinchilla.extrapolation(n, null, null, L.constants.kaplan.FITTED_RANGE);
    return text ? text.replace("the fitted runs", "Kaplan's models") : "";
  }

  /** lessons.explore.kaplan.kaplan_view */
  function kaplan_view(i) {
    var c = i.flops_budget, kw = {at_critical_batch: i.at_critical_batch}, fit = i.fit;
    var n = L.kaplan.optimal_params(c, kw);
    var d = L.kaplan.optimal_tokens(c, kw);
    var nd = L.chinchilla.compute_optimal(c, fit);
    var values = {
      pf_days: L.flops.to_pf_days(c),
      "kaplan.n_params": n,
      "kaplan.n_tokens": d,
      "kaplan.batch_tokens": L.kaplan.optimal_batch(c, kw),
      "kaplan.steps": L.kaplan.optimal_steps(c, kw),
      "kaplan.tokens_per_param": L.overtraining.tokens_per_param(n, d),
      "kaplan.budget_ratio": L.flops.training_flops(n, d) / c,
      "fit.n_params": nd[0],
      "fit.n_tokens": nd[1],
      "fit.tokens_per_param": L.overtraining.tokens_per_param(nd[0], nd[1])
    };
    var xs = KAPLAN_BUDGETS.slice();
    var chart = {title: "Compute-optimal model size against budget",
                 xlabel: "Training budget C [FLOP]", ylabel: "N_opt [parameters]",
                 logx: true, logy: true, series: [
                   {label: "Kaplan (non-embedding N)", style: "dashed", x: xs,
                    y: xs.map(function (x) { return L.kaplan.optimal_params(x, kw); })},
                   {label: fit + " (N with embeddings)", style: "solid", x: xs,
                    y: xs.map(function (x) { return L.chinchilla.compute_optimal(x, fit)[0]; })}],
                 marks: [{label: "Kaplan", x: c, y: n}, {label: fit, x: c, y: nd[0]}]};
    var warnings = [kaplan_note(n), L.chinchilla.extrapolation(nd[0], null, c)];
    return {values: values, chart: chart,
            warning: warnings.filter(function (w) { return w; }).join(" ")};
  }

  // --- lessons.explore.returns ----------------------------------------------------------

  var RETURNS_BUDGETS = range(61).map(function (k) { return Math.pow(10, 17 + k / 5); });

  /** lessons.explore.returns.returns_view */
  function returns_view(i) {
    var c = i.flops_budget;
    var f = L.chinchilla.get_fit(i.fit);
    var loss = L.returns.loss_at_compute(c, f);
    var gain = L.returns.gain_per_decade(c, f);
    var gap = L.returns.gap_to_irreducible(c, f);
    var nd = L.chinchilla.compute_optimal(c, f);
    var values = {loss: loss, gain: gain, E: f.E, gap: gap, share: gain / gap,
                  n_params: nd[0], n_tokens: nd[1],
                  tokens_per_param: L.overtraining.tokens_per_param(nd[0], nd[1])};
    var xs = RETURNS_BUDGETS.slice();
    var chart = {title: "Compute-optimal loss and its floor", xlabel: "Training compute C [FLOP]",
                 ylabel: "Loss [nats/token]", logx: true, logy: false, series: [
                   {label: "L*(C), " + f.name, x: xs, style: "solid",
                    y: xs.map(function (x) { return L.returns.loss_at_compute(x, f); })},
                   {label: "irreducible loss E", x: [xs[0], xs[xs.length - 1]], y: [f.E, f.E],
                    style: "dashed"}],
                 marks: [{label: L.fmt.f(loss, 3), x: c, y: loss}]};
    return {values: values, chart: chart, warning: L.chinchilla.extrapolation(nd[0], null, c)};
  }

  // --- lessons.explore.batch -----------------------------------------------------------

  var HYPER_BUDGETS = range(41).map(function (k) { return Math.pow(10, 17 + k / 4); });

  /** lessons.explore.batch.hyperparameter_view */
  function hyperparameter_view(i) {
    var c = i.flops_budget;
    var md = L.batch.deepseek_optimal(c);
    var b = L.batch.deepseek_batch(c);
    var seq = L._validate.positive("seq_len", i.seq_len, {unit: "tokens"});
    var values = {flops_per_token: md[0], n_tokens: md[1], batch_tokens: b,
                  batch_sequences: b / seq, lr: L.batch.deepseek_lr(c), steps: md[1] / b};
    var xs = HYPER_BUDGETS.slice();
    var law = L.constants.batch.DEEPSEEK_LLM;
    var span = L.constants.batch.FITTED_RANGE;
    var low = span.flops[0], high = span.flops[1];
    var chart = {title: "DeepSeek LLM's batch against budget", xlabel: "Compute C [FLOP]",
                 ylabel: "Batch B_opt [tokens]", logx: true, logy: true, series: [
                   {label: "B_opt = " + L.fmt.f(law.batch_coef, 4) + "·C^" +
                           L.fmt.f(law.batch_exp, 4), style: "solid", x: xs,
                    y: xs.map(function (x) { return L.batch.deepseek_batch(x); })},
                   {label: "fitted budgets", style: "dashed", x: [low, high],
                    y: [L.batch.deepseek_batch(low), L.batch.deepseek_batch(high)]}],
                 marks: [{label: "your budget", x: c, y: b}]};
    return {values: values, chart: chart,
            warning: L.chinchilla.extrapolation(null, null, c, span)};
  }

  // --- lessons.explore.overtraining -----------------------------------------------------

  /** lessons.explore.overtraining.lifetime_view */
  function lifetime_view(i) {
    var s = L.overtraining.lifetime_savings(i.n_params, i.inference_tokens, i.fit);
    var O = L.overtraining;
    var values = {
      target_loss: s.target_loss, n_params: s.n_params, n_tokens: s.n_tokens,
      tokens_per_param: O.tokens_per_param(s.n_params, s.n_tokens),
      optimal_n_params: s.optimal_n_params, optimal_n_tokens: s.optimal_n_tokens,
      optimal_tokens_per_param: O.tokens_per_param(s.optimal_n_params, s.optimal_n_tokens),
      optimal_training_flops: O.lifetime_flops(s.optimal_n_params, s.optimal_n_tokens),
      flops: s.flops, optimal_flops: s.optimal_flops, saved_fraction: s.saved_fraction
    };
    var f = L.chinchilla.get_fit(i.fit);
    var floor = O.min_params_for_loss(s.target_loss, f);
    var lo = Math.log(Math.max(1.05 * floor, s.optimal_n_params / 4));
    var hi = Math.log(4 * s.n_params);
    var sizes = range(49).map(function (k) { return Math.exp(lo + (hi - lo) * k / 48); });
    var totals = sizes.map(function (n) {
      return O.lifetime_flops(n, O.tokens_for_loss(n, s.target_loss, f), s.inference_tokens);
    });
    var chart = {title: "Training + inference compute at loss " + L.fmt.f(s.target_loss, 4),
                 xlabel: "Model size N [parameters]", ylabel: "Lifetime compute [FLOP]",
                 logx: true, logy: true,
                 series: [{label: "6ND + 2N·D_inf at this loss", x: sizes, y: totals,
                           style: "solid"}],
                 marks: [{label: "compute-optimal", x: s.n_params, y: s.flops},
                         {label: "lifetime-optimal", x: s.optimal_n_params, y: s.optimal_flops}]};
    return {values: values, chart: chart,
            warning: L.chinchilla.extrapolation(s.n_params, s.optimal_n_tokens)};
  }

  // --- lessons.explore.flops ------------------------------------------------------------

  var DEVICES = range(18).map(function (k) { return Math.pow(2, k); });
  var DAYS_RUNS = ["Llama 3 8B", "Chinchilla", "Llama 3 70B", "Llama 3.1 405B"];

  /** lessons.explore.flops.compute_view */
  function compute_view(i) {
    var dtype = L.hardware.get_accelerator(i.gpu).dtypes[0];
    var c = L.flops.training_flops(i.n_params, i.n_tokens);
    var values = {flops: c, pf_days: L.flops.to_pf_days(c),
                  tokens_per_param: L.overtraining.tokens_per_param(i.n_params, i.n_tokens),
                  device_hours: L.flops.gpu_hours(c, i.gpu, i.mfu, dtype),
                  days: L.flops.wall_clock_days(c, i.n_devices, i.gpu, i.mfu, dtype)};
    var xs = DEVICES.slice();
    var chart = {title: "Wall-clock time of this run on " + i.gpu + " at MFU " + g(i.mfu),
                 xlabel: "Number of " + i.gpu + " [devices]", ylabel: "Wall-clock time [days]",
                 logx: true, logy: true,
                 series: [{label: "6ND / (devices × peak × MFU)", x: xs, style: "solid",
                           y: xs.map(function (n) {
                             return L.flops.wall_clock_days(c, n, i.gpu, i.mfu, dtype);
                           })}],
                 marks: [{label: g(values.days, 3) + " days", x: i.n_devices, y: values.days}]};
    return {values: values, chart: chart, warning: ""};
  }

  /** lessons.explore.flops.days_view (runs from lessons.models, exported with the view). */
  function days_view(i, data) {
    var dtype = L.hardware.get_accelerator(i.gpu).dtypes[0];
    var xs = DEVICES.slice();
    var values = {}, series = [];
    DAYS_RUNS.forEach(function (name) {
      var run = data.runs[name];
      var c = L.flops.training_flops(run.n_params, run.n_tokens);
      [1024, 16384].forEach(function (n) {
        values[name + "." + n] = L.flops.wall_clock_days(c, n, i.gpu, i.mfu, dtype);
      });
      series.push({label: name, x: xs, style: "solid", y: xs.map(function (n) {
        return L.flops.wall_clock_days(c, n, i.gpu, i.mfu, dtype);
      })});
    });
    return {values: values, warning: "",
            chart: {title: "6ND on " + i.gpu + " at MFU " + g(i.mfu),
                    xlabel: "Number of " + i.gpu + " [devices]", ylabel: "Wall-clock time [days]",
                    logx: true, logy: true, series: series, marks: []}};
  }

  // --- lessons.explore.mfu --------------------------------------------------------------

  var MFU_TOKENS = 1e12;

  /** lessons.explore.mfu.mfu_view */
  function mfu_view(i) {
    var acc = L.hardware.get_accelerator(i.gpu);
    var dtype = acc.dtypes[0];
    var peak = L.hardware.peak_flops(i.gpu, dtype);
    var perToken = L.mfu.model_flops_per_token(i.n_params);
    var values = {flops_per_token: perToken, peak: peak};
    var m = null;
    try {
      m = L.mfu.mfu(i.tokens_per_device, i.n_params, {n_devices: 1, peak_flops_per_device: peak});
    } catch (e) {
      if (!(e instanceof L.ValueError)) { throw e; }
      values.mfu = "impossible: this needs more than the dense peak";
      values.sparse_mfu = null;
    }
    var sparse = acc.sparse_2to4_peak_flops[dtype];
    if (m !== null) {
      values.mfu = m;
      values.sparse_mfu = sparse ? L.mfu.mfu(i.tokens_per_device, i.n_params,
        {n_devices: 1, peak_flops_per_device: sparse}) : null;
    }
    var c = L.flops.training_flops(i.n_params, MFU_TOKENS);
    [1024, 16384].forEach(function (n) {
      values["days." + n] = m !== null ? L.mfu.training_time(c, n, peak, m, {unit: "days"}) : null;
    });
    var top = peak / perToken;
    var xs = range(31).map(function (k) { return top * Math.pow(10, -3 + 2.99 * k / 30); });
    var series = [{label: "dense peak (right)", x: xs, style: "solid", y: xs.map(function (x) {
      return L.mfu.mfu(x, i.n_params, {n_devices: 1, peak_flops_per_device: peak});
    })}];
    if (sparse) {
      series.push({label: "2:4-sparse figure (wrong)", x: xs, style: "dashed",
                   y: xs.map(function (x) {
                     return L.mfu.mfu(x, i.n_params, {n_devices: 1, peak_flops_per_device: sparse});
                   })});
    }
    return {values: values, warning: "",
            chart: {title: "MFU of a " + g(i.n_params, 3) + "-parameter model on " + i.gpu,
                    xlabel: "Throughput per device [tokens/s]", ylabel: "MFU [fraction]",
                    logx: true, logy: false, series: series,
                    marks: m ? [{label: "your log", x: i.tokens_per_device, y: m}] : []}};
  }

  // --- lessons.explore.overtraining: tokens per parameter by law -------------------------

  var RATIO_KEYS = [["Chinchilla, 2024 refit", "besiroglu2024"],
                    ["Chinchilla, rounded constants", "hoffmann2022"],
                    ["Llama 3 (legend: 0.299, 0.537)", "llama3"],
                    ["Llama 3 (text: 0.29, 0.53)", "llama3_rounded"],
                    ["DeepSeek LLM (M/6 as N)", "deepseek"],
                    ["Kaplan (non-embedding N)", "kaplan"]];
  var RATIO_BUDGETS = range(37).map(function (k) { return Math.pow(10, 18 + k / 4); });

  /** lessons.explore.overtraining.ratio_view */
  function ratio_view(i) {
    var c = i.flops_budget;
    var ratios = L.overtraining.law_tokens_per_param(c);
    var values = {};
    RATIO_KEYS.forEach(function (pair) { values[pair[1]] = ratios[pair[0]]; });
    values.chinchilla_run = L.constants.chinchilla.CHINCHILLA_TOKENS_PER_PARAM;
    var xs = RATIO_BUDGETS.slice();
    var curves = xs.map(function (x) { return L.overtraining.law_tokens_per_param(x); });
    var chart = {title: "Tokens per parameter against budget, by law",
                 xlabel: "Training compute C [FLOP]", ylabel: "D/N [tokens/parameter]",
                 logx: true, logy: true, marks: [],
                 series: RATIO_KEYS.map(function (pair) {
                   return {label: pair[0], style: pair[1] === "kaplan" ? "dashed" : "solid",
                           x: xs, y: curves.map(function (r) { return r[pair[0]]; })};
                 })};
    return {values: values, chart: chart, warning: L.chinchilla.extrapolation(null, null, c)};
  }

  L.explore.budgets = {planner_view: planner_view};
  L.explore.chinchilla = {isoflop_view: isoflop_view, missizing_view: missizing_view};
  L.explore.kaplan = {kaplan_view: kaplan_view, kaplan_note: kaplan_note};
  L.explore.returns = {returns_view: returns_view};
  L.explore.overtraining = {lifetime_view: lifetime_view, ratio_view: ratio_view};
  L.explore.batch = {hyperparameter_view: hyperparameter_view};
  L.explore.flops = {compute_view: compute_view, days_view: days_view};
  L.explore.mfu = {mfu_view: mfu_view};
})(typeof window !== "undefined" ? window : globalThis);
