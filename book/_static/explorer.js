/* The site's explorers, without a kernel.

   1. Frames (.lessons-explorer with a script.lx-data): views that need a fit or a simulation.
      Every setting was computed in Python when the page was built; the sliders only pick a
      stored frame (row-major order, the last control varying fastest, as
      lessons.explore.core.Explorer.frames() stores them). No maths here.
   2. Computed views (.lx-computed with a script.lx-spec): forms whose results are computed in
      the page on every change, by the view's twin in lessons-views.js (which calls the mirrors
      of lessons functions in lessons.js). This file only reads the form, writes the results
      and draws the chart: it holds no formula. Python filled in the results for the default
      inputs when the page was built; the first update redraws them, unchanged.

   Each update's duration [ms] is kept in the view's data-lx-ms attribute (bench/inpage.py). */
(function () {
  "use strict";

  // --- 1. frames ---------------------------------------------------------------------------

  function setupFrames(root) {
    var dataTag = root.querySelector("script.lx-data");
    var view = root.querySelector(".lx-view");
    if (!dataTag || !view || root.dataset.lxReady) { return; }
    var data = JSON.parse(dataTag.textContent);
    var inputs = Array.prototype.slice.call(root.querySelectorAll("input[data-control]"));
    function update() {
      var flat = 0;
      inputs.forEach(function (input, k) {
        var i = parseInt(input.value, 10);
        flat = flat * data.shape[k] + i;
        var out = input.parentNode.querySelector("output");
        if (out) { out.innerHTML = data.names[k][i]; }
      });
      view.innerHTML = data.frames[data.index[flat]];
    }
    inputs.forEach(function (input) { input.addEventListener("input", update); });
    root.dataset.lxReady = "1";
  }

  // --- 2. computed views: reading and writing the form -------------------------------------

  var L = window.lessons;

  /** A typed number: "1e6", "1,000,000" and "1 000 000" all read 1000000; "" reads NaN (and
      Python's check then says "got nan"). */
  function parseNumber(text) {
    var s = String(text).trim().replace(/[,_\s]/g, "");
    if (s === "") { return NaN; }
    var x = Number(s);
    return x;
  }

  /** A number as the form shows it: lessons.explore.computed._plain_number. */
  function plainNumber(x) {
    if (x === Math.trunc(x) && Math.abs(x) < 1e6) { return String(Math.trunc(x)); }
    return L.fmt.g(x, 6);
  }

  /** lessons.explore.computed.render_value: an output's text for a value. */
  function renderValue(value, fmt) {
    if (value === null || value === undefined) { return "—"; }
    if (typeof value === "string" || fmt === "text") { return escapeHtml(String(value)); }
    if (fmt === "loss") { return L.fmt.f(value, 4); }
    if (fmt === "usd") { return "$" + L.fmt.commas(L.fmt.f(value, 0)); }
    if (fmt === "count") { return L.fmt.commas(L.fmt.f(value, 0)); }
    if (fmt === "percent") {
      var shown = L.fmt.f(100 * value, 1);
      return (shown === "-0.0" ? "0.0" : shown) + " %";  // no "-0.0 %" from rounding noise
    }
    return L.explore.format_number(value);
  }

  function escapeHtml(s) {
    return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#x27;");
  }

  function fieldValue(root, f) {
    if (f.kind === "number") {
      return parseNumber(root.querySelector('input[name="' + f.name + '"]').value);
    }
    var el = root.querySelector('select[name="' + f.name + '"]');
    var text = el ? el.value :
      (root.querySelector('input[name="' + f.name + '"]:checked') || {}).value;
    var k = f.options.indexOf(text);
    var type = k >= 0 ? f.types[k] : "str";
    if (type === "bool") { return text === "True"; }
    if (type === "number") { return Number(text); }
    return text;
  }

  function setField(root, f, text) {
    if (f.kind === "number") {
      root.querySelector('input[name="' + f.name + '"]').value = text;
      syncSlider(root, f);
      return;
    }
    var el = root.querySelector('select[name="' + f.name + '"]');
    if (el) {
      if (f.options.indexOf(text) < 0) {
        // A value from a link that is no option: show it, so that the page says what Python
        // says about it (an unknown accelerator, say) instead of quietly choosing another.
        var unknown = document.createElement("option");
        unknown.value = text;
        unknown.textContent = text + " (unknown)";
        el.appendChild(unknown);
      }
      el.value = text;
      return;
    }
    root.querySelectorAll('input[name="' + f.name + '"]').forEach(function (r) {
      r.checked = r.value === text;
    });
  }

  function fieldText(root, f) {
    if (f.kind === "number") {
      return root.querySelector('input[name="' + f.name + '"]').value.trim();
    }
    var el = root.querySelector('select[name="' + f.name + '"]');
    return el ? el.value : (root.querySelector('input[name="' + f.name + '"]:checked') || {}).value;
  }

  // A slider beside a typed field: positions 0..1000 over [low, high], log or linear.
  function toSlider(f, x) {
    var lo = f.slider[0], hi = f.slider[1];
    var t = f.log ? (Math.log10(x) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) :
      (x - lo) / (hi - lo);
    return Math.round(1000 * Math.min(1, Math.max(0, t)));
  }
  function fromSlider(f, pos) {
    var lo = f.slider[0], hi = f.slider[1], t = pos / 1000;
    var x = f.log ? Math.pow(10, Math.log10(lo) + t * (Math.log10(hi) - Math.log10(lo))) :
      lo + t * (hi - lo);
    return Number(x.toPrecision(3));
  }
  function syncSlider(root, f) {
    var slider = root.querySelector('input.lx-slider[data-for="' + f.name + '"]');
    if (!slider) { return; }
    var x = parseNumber(root.querySelector('input[name="' + f.name + '"]').value);
    if (isFinite(x) && (!f.log || x > 0)) { slider.value = String(toSlider(f, x)); }
  }

  function applyWhen(root, spec) {
    root.querySelectorAll("[data-when]").forEach(function (el) {
      var when = JSON.parse(el.getAttribute("data-when"));
      var source = spec.fields.filter(function (f) { return f.name === when[0]; })[0];
      el.hidden = when[1].indexOf(fieldText(root, source)) < 0;
    });
  }

  /** A reader's change of a link's source resets the linked field (the planner's price
      follows the accelerator; its number formats are the device's). */
  function applyLinks(root, spec, changed) {
    Object.keys(spec.links || {}).forEach(function (name) {
      var link = spec.links[name];
      if (link.from !== changed && changed !== null) { return; }
      var source = fieldText(root, byName(spec, link.from));
      var target = byName(spec, name);
      if (link.allowed && link.allowed[source]) {
        var allowed = link.allowed[source];
        var select = root.querySelector('select[name="' + name + '"]');
        if (select) {
          Array.prototype.forEach.call(select.options, function (o) {
            o.disabled = allowed.indexOf(o.value) < 0;
          });
          if (changed !== null && allowed.indexOf(select.value) < 0) { select.value = allowed[0]; }
        }
      }
      if (link.values && changed !== null && link.values[source] !== undefined) {
        setField(root, target, plainNumber(link.values[source]));
      }
      var note = root.querySelector('[data-note-for="' + name + '"]');
      if (note && link.notes && link.notes[source]) {
        // The note says where the default comes from; once typed over, it is the reader's.
        var typed = link.values && link.values[source] !== undefined &&
          parseNumber(fieldText(root, target)) !== parseNumber(plainNumber(link.values[source]));
        note.textContent = typed ? "Your price." : link.notes[source];
      }
    });
  }

  function byName(spec, name) {
    return spec.fields.filter(function (f) { return f.name === name; })[0];
  }

  function viewFunction(dotted) {
    var parts = dotted.split(".");
    var fn = L.explore;
    parts.forEach(function (p) { fn = fn && fn[p]; });
    if (typeof fn !== "function") { throw new Error("no in-page view " + dotted); }
    return fn;
  }

  function render(root, spec, result, inputs) {
    root.querySelectorAll("td[data-field]").forEach(function (td) {
      var v = result.values[td.getAttribute("data-field")];
      td.innerHTML = renderValue(v, td.getAttribute("data-format"));
      td.setAttribute("data-value", typeof v === "number" ? L.fmt.repr(v) : "");
    });
    root.querySelectorAll("th[data-label]").forEach(function (th) {
      var text = th.getAttribute("data-label");
      if (text.indexOf("{") < 0) { return; }
      Object.keys(inputs).forEach(function (k) {
        var v = inputs[k];
        text = text.split("{" + k + "}").join(typeof v === "number" ? plainNumber(v) : String(v));
      });
      th.textContent = text;
    });
    var warning = root.querySelector(".lx-warning");
    warning.textContent = result.warning || "";
    warning.hidden = !result.warning;
    var figure = root.querySelector("figure.lx-chart");
    if (figure) { drawChart(figure, result.chart); }
  }

  function setupComputed(root) {
    if (root.dataset.lxReady) { return; }
    var spec = JSON.parse(root.querySelector("script.lx-spec").textContent);
    var view = viewFunction(spec.view);
    var error = root.querySelector(".lx-error");
    var results = root.querySelector(".lx-view");

    function update() {
      var t0 = performance.now();
      var inputs = {};
      spec.fields.forEach(function (f) { inputs[f.name] = fieldValue(root, f); });
      applyWhen(root, spec);
      try {
        var result = view(inputs, spec.data);
        render(root, spec, result, inputs);
        error.hidden = true;
        error.textContent = "";
        results.classList.remove("lx-stale");
        root.querySelectorAll("[aria-invalid]").forEach(function (el) {
          el.removeAttribute("aria-invalid");
        });
      } catch (e) {
        if (!(e instanceof L.ValueError)) { throw e; }
        error.textContent = e.message;  // Python's own message for the same input
        error.hidden = false;
        results.classList.add("lx-stale");
        var bad = root.querySelector('[name="' + e.message.split(/[ =\[]/)[0] + '"]');
        if (bad) { bad.setAttribute("aria-invalid", "true"); }
      }
      root.dataset.lxMs = (performance.now() - t0).toFixed(3);
      // The address changes once the reader has changed something, not on arrival.
      if (spec.url && root.dataset.lxReady) { scheduleUrl(root, spec); }
    }

    spec.fields.forEach(function (f) {
      var slider = root.querySelector('input.lx-slider[data-for="' + f.name + '"]');
      if (slider) {
        slider.addEventListener("input", function () {
          root.querySelector('input[name="' + f.name + '"]').value =
            plainNumber(fromSlider(f, Number(slider.value)));
          update();
        });
      }
      root.querySelectorAll('[name="' + f.name + '"]').forEach(function (el) {
        el.addEventListener(f.kind === "number" ? "input" : "change", function () {
          if (f.kind === "number") { syncSlider(root, f); }
          applyLinks(root, spec, f.name);
          update();
        });
      });
    });
    if (spec.url) { readUrl(root, spec); }
    spec.fields.forEach(function (f) { if (f.kind === "number") { syncSlider(root, f); } });
    applyLinks(root, spec, null);
    var copy = root.querySelector(".lx-copy");
    if (copy) { copy.addEventListener("click", function () { copyLink(root); }); }
    root.lxUpdate = update;  // for tests and the benchmark
    update();
    root.dataset.lxReady = "1";
  }

  // --- the address: a plan as a link --------------------------------------------------------

  function readUrl(root, spec) {
    var params = new URLSearchParams(window.location.search);
    // Choices first, so that a price in the link wins over the accelerator's default.
    spec.fields.filter(function (f) { return f.kind === "choice"; }).concat(
      spec.fields.filter(function (f) { return f.kind === "number"; })).forEach(function (f) {
      if (params.has(f.name)) { setField(root, f, params.get(f.name)); }
    });
  }

  // Browsers throttle address changes (Chrome ignores them past ~100 in 10 s), so a slider
  // being dragged writes the address once it rests.
  function scheduleUrl(root, spec) {
    clearTimeout(root.lxUrlTimer);
    root.lxUrlTimer = setTimeout(function () { writeUrl(root, spec); }, 150);
  }

  function writeUrl(root, spec) {
    var params = new URLSearchParams();
    spec.fields.forEach(function (f) { params.set(f.name, fieldText(root, f)); });
    var url = window.location.pathname + "?" + params.toString() + window.location.hash;
    try { window.history.replaceState(null, "", url); } catch (e) { /* file:// in some browsers */ }
  }

  function copyLink(root) {
    var note = root.querySelector(".lx-copied");
    var href = window.location.href;
    function shown() { note.textContent = "Copied: " + href; }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(href).then(shown, function () { note.textContent = href; });
    } else {
      note.textContent = href;
    }
  }

  // --- charts: a few lines on log or linear axes, as SVG -------------------------------------

  var PALETTE = 6;  // colours --lx-c0 .. --lx-c5 in course.css (light and dark)

  function niceLinear(lo, hi) {
    if (lo === hi) { lo -= 1; hi += 1; }
    var span = hi - lo;
    var step = Math.pow(10, Math.floor(Math.log10(span / 5)));
    [1, 2, 5, 10].some(function (m) {
      if (span / (step * m) <= 6) { step = step * m; return true; }
      return false;
    });
    var start = Math.floor(lo / step) * step, stop = Math.ceil(hi / step) * step;
    var ticks = [];
    for (var t = start; t <= stop + step / 2; t += step) { ticks.push(Number(t.toPrecision(12))); }
    return {lo: start, hi: stop, ticks: ticks};
  }

  function niceLog(lo, hi) {
    var a = Math.floor(Math.log10(lo)), b = Math.ceil(Math.log10(hi));
    if (a === b) { b += 1; }
    var every = Math.max(1, Math.ceil((b - a) / 7));
    var ticks = [];
    for (var k = a; k <= b; k += every) { ticks.push(k); }
    return {lo: Math.pow(10, a), hi: Math.pow(10, b), ticks: ticks.map(function (k) {
      return Math.pow(10, k);
    }), exps: ticks};
  }

  function tickLabel(x, log, exp) {
    if (log) { return "10<tspan dy=\"-0.5em\" font-size=\"75%\">" + exp + "</tspan>"; }
    return escapeHtml(L.fmt.g(x, 4));
  }

  function drawChart(figure, chart) {
    if (!chart) { figure.innerHTML = ""; figure.hidden = true; return; }
    figure.hidden = false;
    var width = Math.max(280, Math.min(760, figure.clientWidth || 640));
    var height = Math.round(Math.max(200, Math.min(360, width * 0.56)));
    var m = {left: 62, right: 16, top: 12, bottom: 44};
    var xs = [], ys = [];
    function ok(v, log) { return isFinite(v) && (!log || v > 0); }
    chart.series.forEach(function (s) {
      s.x.forEach(function (x, k) {
        if (!ok(x, chart.logx)) { return; }
        [s.y[k], s.y2 ? s.y2[k] : null].forEach(function (y) {
          if (y !== null && ok(y, chart.logy)) { xs.push(x); ys.push(y); }
        });
      });
    });
    chart.marks.forEach(function (mk) {
      if (ok(mk.x, chart.logx) && ok(mk.y, chart.logy)) { xs.push(mk.x); ys.push(mk.y); }
    });
    if (!xs.length) { figure.innerHTML = ""; return; }
    var xmin = Math.min.apply(null, xs), xmax = Math.max.apply(null, xs);
    var ymin = Math.min.apply(null, ys), ymax = Math.max.apply(null, ys);
    var ax = chart.logx ? niceLog(xmin, xmax) : niceLinear(xmin, xmax);
    var ay = chart.logy ? niceLog(ymin, ymax) : niceLinear(ymin - 0.04 * (ymax - ymin),
                                                            ymax + 0.04 * (ymax - ymin));
    var pw = width - m.left - m.right, ph = height - m.top - m.bottom;
    function tx(x) {
      var t = chart.logx ? (Math.log10(x) - Math.log10(ax.lo)) / (Math.log10(ax.hi) - Math.log10(ax.lo)) :
        (x - ax.lo) / (ax.hi - ax.lo);
      return m.left + t * pw;
    }
    function ty(y) {
      var t = chart.logy ? (Math.log10(y) - Math.log10(ay.lo)) / (Math.log10(ay.hi) - Math.log10(ay.lo)) :
        (y - ay.lo) / (ay.hi - ay.lo);
      return m.top + (1 - t) * ph;
    }
    var out = [];
    out.push('<svg class="lx-svg" viewBox="0 0 ' + width + " " + height + '" width="100%" ' +
             'preserveAspectRatio="xMidYMid meet" aria-hidden="true">');
    // grid and ticks
    ax.ticks.forEach(function (t, k) {
      var x = tx(t).toFixed(1);
      out.push('<line class="lx-grid" x1="' + x + '" x2="' + x + '" y1="' + m.top + '" y2="' +
               (m.top + ph) + '"/>');
      out.push('<text class="lx-tick" x="' + x + '" y="' + (m.top + ph + 16) +
               '" text-anchor="middle">' + tickLabel(t, chart.logx, ax.exps && ax.exps[k]) +
               "</text>");
    });
    ay.ticks.forEach(function (t, k) {
      var y = ty(t).toFixed(1);
      out.push('<line class="lx-grid" x1="' + m.left + '" x2="' + (m.left + pw) + '" y1="' + y +
               '" y2="' + y + '"/>');
      out.push('<text class="lx-tick" x="' + (m.left - 6) + '" y="' + y +
               '" dy="0.32em" text-anchor="end">' + tickLabel(t, chart.logy, ay.exps && ay.exps[k]) +
               "</text>");
    });
    out.push('<rect class="lx-frame" x="' + m.left + '" y="' + m.top + '" width="' + pw +
             '" height="' + ph + '"/>');
    out.push('<text class="lx-axis" x="' + (m.left + pw / 2) + '" y="' + (height - 6) +
             '" text-anchor="middle">' + escapeHtml(chart.xlabel) + "</text>");
    out.push('<text class="lx-axis" transform="translate(13,' + (m.top + ph / 2) +
             ') rotate(-90)" text-anchor="middle">' + escapeHtml(chart.ylabel) + "</text>");
    // series: bands first, lines on top
    var legend = [];
    chart.series.forEach(function (s, k) {
      var colour = "lx-c" + (k % PALETTE);
      var pts = [];
      s.x.forEach(function (x, j) {
        if (ok(x, chart.logx) && ok(s.y[j], chart.logy) && (!s.y2 || ok(s.y2[j], chart.logy))) {
          pts.push(j);
        }
      });
      if (!pts.length) { return; }
      if (s.style === "band") {
        var upper = pts.map(function (j) { return tx(s.x[j]).toFixed(1) + "," + ty(s.y2[j]).toFixed(1); });
        var lower = pts.slice().reverse().map(function (j) {
          return tx(s.x[j]).toFixed(1) + "," + ty(s.y[j]).toFixed(1);
        });
        out.push('<polygon class="lx-band ' + colour + '" points="' + upper.concat(lower).join(" ") +
                 '"/>');
      } else {
        var d = pts.map(function (j, n) {
          return (n ? "L" : "M") + tx(s.x[j]).toFixed(1) + "," + ty(s.y[j]).toFixed(1);
        }).join("");
        out.push('<path class="lx-line ' + colour + (s.style === "dashed" ? " lx-dashed" : "") +
                 '" d="' + d + '"/>');
      }
      legend.push('<li><span class="lx-swatch ' + colour + (s.style === "band" ? " lx-swatch-band" :
                  s.style === "dashed" ? " lx-swatch-dashed" : "") + '"></span>' +
                  escapeHtml(s.label) + "</li>");
    });
    var placed = [];  // label positions so far: a label close to another goes below its mark
    chart.marks.forEach(function (mk) {
      if (!ok(mk.x, chart.logx) || !ok(mk.y, chart.logy)) { return; }
      var x = tx(mk.x), y = ty(mk.y);
      var right = x > m.left + pw * 0.7;
      var ly = y - 6;
      if (placed.some(function (p) { return Math.abs(p[0] - x) < 90 && Math.abs(p[1] - ly) < 13; })) {
        ly = y + 15;
      }
      placed.push([x, ly]);
      out.push('<circle class="lx-mark" cx="' + x.toFixed(1) + '" cy="' + y.toFixed(1) + '" r="3.5"/>');
      out.push('<text class="lx-mark-label" x="' + (right ? x - 6 : x + 6).toFixed(1) + '" y="' +
               ly.toFixed(1) + '" text-anchor="' + (right ? "end" : "start") + '">' +
               escapeHtml(mk.label) + "</text>");
    });
    out.push("</svg>");
    figure.innerHTML = '<figcaption class="lx-chart-title">' + escapeHtml(chart.title) +
      "</figcaption>" + out.join("") + '<ul class="lx-legend">' + legend.join("") + "</ul>";
    figure.setAttribute("aria-label", chart.title + ": " + chart.series.map(function (s) {
      return s.label;
    }).join(", "));
  }

  // --- start ------------------------------------------------------------------------------

  function init() {
    document.querySelectorAll(".lessons-explorer").forEach(function (root) {
      if (root.classList.contains("lx-computed")) {
        try { setupComputed(root); } catch (e) {
          console.error(e);  // eslint-disable-line no-console
          throw e;
        }
      } else {
        setupFrames(root);
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
  window.lessonsExplorer = {parseNumber: parseNumber, renderValue: renderValue,
                            plainNumber: plainNumber, drawChart: drawChart};
})();
