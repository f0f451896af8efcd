/* lessons.js: the course's closed forms, computed in the page.

   Every function here mirrors the function of the same module and name in the Python package
   `lessons` (lessons.chinchilla.compute_optimal -> lessons.chinchilla.compute_optimal), with
   the same checks in the same order and the same error messages, so that a reader who types a
   bad number reads what Python would have said. tests/test_inpage_mirror.py runs both
   languages on a few hundred generated inputs per function and fails above a relative
   difference of 1e-9.

   Conventions:
   * scalars only (the Python functions also take arrays);
   * positional parameters in Python's order; keyword-only parameters (after `*` in Python) in
     one final object, e.g. kaplan.optimal_params(flops, {at_critical_batch: true});
   * Python tuples come back as arrays, dataclasses as plain objects with the same attributes;
   * a refusal throws lessons.ValueError whose message is Python's;
   * every constant (fits, peaks, prices, unit guards) comes from Python when the site is
     built (lessons.explore.inpage.constants(), loaded as lessons-constants.js): none is typed
     here.

   No maths beyond the mirrored formulas lives in this file; each function names its Python
   twin and the equation, and the Python docstring has the derivation, units and sources. */
(function (root) {
  "use strict";

  var K = null;  // the constants, set by lessons.setConstants (lessons-constants.js)

  function ValueError(message) {
    this.name = "ValueError";
    this.message = message;
    this.stack = (new Error(message)).stack;
  }
  ValueError.prototype = Object.create(Error.prototype);
  ValueError.prototype.constructor = ValueError;

  function fail(message) { throw new ValueError(message); }

  // --- Python's text formatting (repr and format specs), for identical messages -----------

  /** Exact digits of |x| rounded to `p` significant digits, ties to even (Python's rule).
      Returns {digits: "ddd", exp: e} with x ≈ 0.ddd × 10^(e+1), i.e. d.dd × 10^e. */
  function roundSignificant(x, p) {
    var exact = Math.abs(x).toExponential(100);  // the double's exact expansion (100 digits)
    var mantissa = exact.split("e")[0].replace(".", "");
    var exp = parseInt(exact.split("e")[1], 10);
    var kept = mantissa.slice(0, p);
    var rest = mantissa.slice(p);
    var up = false;
    if (rest[0] > "5") { up = true; }
    else if (rest[0] === "5") {
      up = /[1-9]/.test(rest.slice(1)) || (parseInt(kept[kept.length - 1], 10) % 2 === 1);
    }
    if (up) {
      var digits = kept.split("").map(Number);
      var i = digits.length - 1;
      while (i >= 0 && digits[i] === 9) { digits[i] = 0; i -= 1; }
      if (i < 0) { digits.unshift(1); digits.pop(); exp += 1; } else { digits[i] += 1; }
      kept = digits.join("");
    }
    return {digits: kept, exp: exp};
  }

  function pyExponent(e) {
    var sign = e < 0 ? "-" : "+";
    var a = Math.abs(e);
    return "e" + sign + (a < 10 ? "0" + a : String(a));
  }

  function stripZeros(s) {
    if (s.indexOf(".") < 0) { return s; }
    s = s.replace(/0+$/, "");
    return s.replace(/\.$/, "");
  }

  function special(x) {
    if (x !== x) { return "nan"; }
    if (x === Infinity) { return "inf"; }
    if (x === -Infinity) { return "-inf"; }
    return null;
  }

  /** format(x, ".{p}g") of Python (p = 6 for ":g"). */
  function formatG(x, p) {
    if (p === undefined) { p = 6; }
    if (p === 0) { p = 1; }
    var s = special(x);
    if (s !== null) { return s; }
    var sign = (x < 0 || (x === 0 && 1 / x < 0)) ? "-" : "";
    if (x === 0) { return sign + "0"; }
    var r = roundSignificant(x, p);
    var body;
    if (r.exp >= -4 && r.exp < p) {
      if (r.exp >= 0) {
        body = r.digits.slice(0, r.exp + 1) + "." + r.digits.slice(r.exp + 1);
      } else {
        body = "0." + new Array(-r.exp).join("0") + r.digits;
      }
      body = stripZeros(body);
    } else {
      body = stripZeros(r.digits[0] + "." + r.digits.slice(1)) + pyExponent(r.exp);
    }
    return sign + body;
  }

  /** format(x, ".{d}f") of Python: fixed point, ties to even on the exact value. */
  function formatF(x, d) {
    var s = special(x);
    if (s !== null) { return s; }
    var sign = (x < 0 || (x === 0 && 1 / x < 0)) ? "-" : "";
    var a = Math.abs(x);
    if (a === 0) { return sign + (d > 0 ? "0." + new Array(d + 1).join("0") : "0"); }
    var mag = parseInt(a.toExponential().split("e")[1], 10);  // exact, unlike log10
    var p = mag + 1 + d;  // significant digits that reach the d-th decimal
    if (p <= 0) {
      // below half a unit of the last place rounds to zero; exactly half ties to 0 (even)
      var half = 0.5 * Math.pow(10, -d);
      var body0 = a > half && p === 0 ? 1 : 0;
      var out0 = body0 ? (d > 0 ? "0." + new Array(d).join("0") + "1" : "1") :
        (d > 0 ? "0." + new Array(d + 1).join("0") : "0");
      return sign + out0;
    }
    var r = roundSignificant(a, p);
    var digits = r.digits;
    var intLen = r.exp + 1;  // r.exp may exceed mag by one after carrying
    if (r.exp > mag) { digits = digits + "0"; }  // the carry added a digit: keep d decimals
    var whole, frac;
    if (intLen > 0) {
      whole = digits.slice(0, intLen);
      frac = digits.slice(intLen, intLen + d);
    } else {
      whole = "0";
      frac = (new Array(-intLen + 1).join("0") + digits).slice(0, d);
    }
    while (frac.length < d) { frac += "0"; }
    return sign + whole + (d > 0 ? "." + frac : "");
  }

  /** Thousands separators on the integer part, as Python's "," option. */
  function commas(s) {
    var parts = s.split(".");
    var neg = parts[0][0] === "-";
    var whole = neg ? parts[0].slice(1) : parts[0];
    whole = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return (neg ? "-" : "") + whole + (parts.length > 1 ? "." + parts[1] : "");
  }

  /** repr() of a Python float (or int, when isInt), None, bool or str. */
  function pyrepr(v, isInt) {
    if (v === null || v === undefined) { return "None"; }
    if (typeof v === "boolean") { return v ? "True" : "False"; }
    if (typeof v === "string") {
      var quote = (v.indexOf("'") >= 0 && v.indexOf('"') < 0) ? '"' : "'";
      var body = v.replace(/\\/g, "\\\\");
      if (quote === "'") { body = body.replace(/'/g, "\\'"); }
      return quote + body + quote;
    }
    var s = special(v);
    if (s !== null) { return s; }
    if (isInt) { return String(v); }
    if (v === 0) { return 1 / v < 0 ? "-0.0" : "0.0"; }
    // Shortest round-trip digits (as Python's repr), laid out by Python's rule.
    var e = v.toExponential();
    var mant = e.split("e")[0].replace("-", "").replace(".", "");
    var exp = parseInt(e.split("e")[1], 10);
    var sign = v < 0 ? "-" : "";
    if (exp >= -4 && exp < 16) {
      if (exp >= 0) {
        var whole = mant.length > exp + 1 ? mant.slice(0, exp + 1) : mant + new Array(exp + 2 - mant.length).join("0");
        var frac = mant.slice(exp + 1);
        return sign + whole + "." + (frac || "0");
      }
      return sign + "0." + new Array(-exp).join("0") + mant;
    }
    return sign + mant[0] + (mant.length > 1 ? "." + mant.slice(1) : "") + pyExponent(exp);
  }

  var fmt = {g: formatG, f: formatF, commas: commas, repr: pyrepr};

  // --- lessons._validate --------------------------------------------------------------------

  function asNumber(name, value) {
    if (typeof value !== "number") {
      fail(name + " must be a number or an array of numbers; got " + pyrepr(value) + ".");
    }
    return value;
  }

  /** lessons._validate.positive: finite and > 0 (>= 0 with allow_zero). */
  function positive(name, value, kw) {
    kw = kw || {};
    var x = asNumber(name, value);
    var bad = !isFinite(x) || (kw.allow_zero ? x < 0 : x <= 0);
    if (bad) {
      var unitTxt = kw.unit ? " [" + kw.unit + "]" : "";
      fail(name + unitTxt + " must be finite and " + (kw.allow_zero ? ">= 0" : "> 0") +
           "; got " + pyrepr(x) + ".");
    }
    return x;
  }

  /** lessons._validate.fraction: in (0, upper], e.g. an MFU of 0.4 (not 40). */
  function fraction(name, value, kw) {
    var upper = (kw && kw.upper !== undefined) ? kw.upper : 1.0;
    var x = asNumber(name, value);
    if (!isFinite(x) || x <= 0 || x > upper) {
      var hint = (x > 1 && x <= 100) ?
        " Write " + formatG(x) + " % as " + formatG(x / 100) + "." : "";
      fail(name + " must be a fraction in (0, " + formatG(upper) + "]; got " + pyrepr(x) + "." +
           hint);
    }
    return x;
  }

  /** lessons._validate.raw_count: positive, and not so small that it looks like "billions". */
  function raw_count(name, value, kw) {
    var x = positive(name, value, {unit: kw.unit});
    if (x < kw.minimum) {
      fail(name + "=" + pyrepr(x) + " [" + kw.unit + "] is implausibly small: it looks like a " +
           "count in billions or millions. Pass raw counts, e.g. " + kw.example + ".");
    }
    return x;
  }

  function sortedKeys(options) {
    return Object.keys(options).sort(function (a, b) { return a < b ? -1 : (a > b ? 1 : 0); });
  }

  /** lessons._validate.choose: look a key up (case-insensitive for strings). `options` is an
      object (key -> value) or an array (each item its own value). */
  function choose(name, key, options) {
    if (Array.isArray(options)) {
      var asMap = {};
      options.forEach(function (o) { asMap[o] = o; });
      options = asMap;
    }
    if (typeof key === "string" && Object.prototype.hasOwnProperty.call(options, key)) {
      return options[key];
    }
    if (typeof key === "string") {
      var keys = Object.keys(options);
      for (var i = 0; i < keys.length; i++) {
        if (keys[i].toLowerCase() === key.toLowerCase()) { return options[keys[i]]; }
      }
    }
    var accepted = sortedKeys(options).map(function (k) { return pyrepr(k); }).join(", ");
    fail("unknown " + name + " " + pyrepr(key) + "; accepted: " + accepted + ".");
  }

  // --- scipy.optimize.brentq (Brent's method, as scipy's brentq.c) ----------------------------

  var EPS = 2.220446049250313e-16;

  /** The zero of f between xa and xb, where f changes sign (Brent 1973, as scipy's brentq). */
  function brentq(f, xa, xb, xtol, rtol, maxiter) {
    if (maxiter === undefined) { maxiter = 100; }
    var xpre = xa, xcur = xb, xblk = 0, fblk = 0, spre = 0, scur = 0;
    var fpre = f(xpre), fcur = f(xcur);
    if (fpre === 0) { return xpre; }
    if (fcur === 0) { return xcur; }
    // scipy refuses an unbracketed root with a ValueError; so does this, with its message
    if ((fpre < 0) === (fcur < 0)) { fail("f(a) and f(b) must have different signs"); }
    for (var i = 0; i < maxiter; i++) {
      if (fpre !== 0 && fcur !== 0 && ((fpre < 0) !== (fcur < 0))) {
        xblk = xpre; fblk = fpre; spre = scur = xcur - xpre;
      }
      if (Math.abs(fblk) < Math.abs(fcur)) {
        xpre = xcur; xcur = xblk; xblk = xpre;
        fpre = fcur; fcur = fblk; fblk = fpre;
      }
      var delta = (xtol + rtol * Math.abs(xcur)) / 2;
      var sbis = (xblk - xcur) / 2;
      if (fcur === 0 || Math.abs(sbis) < delta) { return xcur; }
      if (Math.abs(spre) > delta && Math.abs(fcur) < Math.abs(fpre)) {
        var stry;
        if (xpre === xblk) {
          stry = -fcur * (xcur - xpre) / (fcur - fpre);  // interpolate
        } else {
          var dpre = (fpre - fcur) / (xpre - xcur);       // extrapolate
          var dblk = (fblk - fcur) / (xblk - xcur);
          stry = -fcur * (fblk * dblk - fpre * dpre) / (dblk * dpre * (fblk - fpre));
        }
        if (2 * Math.abs(stry) < Math.min(Math.abs(spre), 3 * Math.abs(sbis) - delta)) {
          spre = scur; scur = stry;  // good short step
        } else {
          spre = sbis; scur = sbis;  // bisect
        }
      } else {
        spre = sbis; scur = sbis;
      }
      xpre = xcur; fpre = fcur;
      xcur += Math.abs(scur) > delta ? scur : (sbis > 0 ? delta : -delta);
      fcur = f(xcur);
    }
    throw new Error("brentq: failed to converge after " + maxiter + " iterations");
  }

  // --- lessons.hardware ----------------------------------------------------------------------

  var hardware = {
    /** lessons.hardware.get_accelerator: the accelerator of that name (case-insensitive). */
    get_accelerator: function (gpu) {
      if (gpu && typeof gpu === "object") { return gpu; }
      return choose("gpu", gpu, K.hardware.ACCELERATORS);
    },
    /** lessons.hardware.peak_flops: dense peak of one device for one dtype [FLOP/s]. */
    peak_flops: function (gpu, dtype) {
      if (gpu === undefined) { gpu = "H100-SXM"; }
      if (dtype === undefined) { dtype = "bf16"; }
      var acc = hardware.get_accelerator(gpu);
      var dt = choose("dtype", dtype, K.hardware.DTYPES);
      if (!Object.prototype.hasOwnProperty.call(acc.dense_peak_flops, dt)) {
        var have = acc.dtypes.map(function (d) { return pyrepr(d); }).join(", ");
        fail(acc.name + " has no " + dt + " peak; it has: " + have + ". Pass dtype=" +
             pyrepr(acc.dtypes[0]) + ".");
      }
      return acc.dense_peak_flops[dt];
    }
  };

  // --- lessons.throughput ---------------------------------------------------------------------

  function devices(n) { return positive("n_devices", n, {unit: "devices"}); }
  function peakArg(p) {
    return raw_count("peak_flops_per_device", p, {minimum: K.constants.MIN_PEAK, unit: "FLOP/s",
      example: "989.4e12 for an H100 SXM (dense BF16), not 989.4"});
  }

  var throughput = {
    /** lessons.throughput.training_time: t = C / (n_devices × peak × MFU) [s, hours or days]. */
    training_time: function (flops, n_devices, peak_flops_per_device, mfu, kw) {
      var scale = choose("unit", (kw && kw.unit) || "s", K.constants.SECONDS_PER);
      var c = raw_count("flops", flops, {minimum: K.constants.MIN_FLOPS, unit: "FLOP",
        example: "flops=7.2e23; PF-days must first be multiplied by 8.64e19"});
      var n = devices(n_devices);
      var peak = peakArg(peak_flops_per_device);
      var u = fraction("mfu", mfu);
      return c / (n * peak * u) / scale;
    },
    /** lessons.throughput.delivered_flops: C = t × n_devices × peak × MFU [FLOP]. */
    delivered_flops: function (duration, n_devices, peak_flops_per_device, mfu, kw) {
      var unit = (kw && kw.unit) || "s";
      var scale = choose("unit", unit, K.constants.SECONDS_PER);
      var t = positive("duration", duration, {unit: unit});
      var n = devices(n_devices);
      var peak = peakArg(peak_flops_per_device);
      var u = fraction("mfu", mfu);
      return t * scale * n * peak * u;
    },
    /** lessons.throughput.flops_for_device_hours: C = hours × 3600 × peak × MFU [FLOP]. */
    flops_for_device_hours: function (device_hours, gpu, mfu, dtype) {
      var peak = hardware.peak_flops(gpu === undefined ? "H100-SXM" : gpu, dtype);
      return throughput.delivered_flops(device_hours, 1, peak, mfu === undefined ? 0.4 : mfu,
                                        {unit: "hours"});
    }
  };

  // --- lessons.flops --------------------------------------------------------------------------

  function count(name, value, unit, example) {
    return raw_count(name, value, {minimum: K.constants.MIN_RAW_COUNT, unit: unit || "parameters",
                                   example: example || "n_params=8e9"});
  }

  var flops = {
    /** lessons.flops.training_flops: C = 6ND [FLOP]. */
    training_flops: function (n_params, n_tokens) {
      var n = count("n_params", n_params);
      var d = count("n_tokens", n_tokens, "tokens", "n_tokens=15e12");
      return K.constants.TRAINING_FLOPS_PER_PARAM_TOKEN * n * d;
    },
    /** lessons.flops.tokens_for_flops: D = C/(6N) [tokens]. */
    tokens_for_flops: function (c, n_params) {
      var x = positive("flops", c, {unit: "FLOP"});
      var n = count("n_params", n_params);
      return x / (K.constants.TRAINING_FLOPS_PER_PARAM_TOKEN * n);
    },
    /** lessons.flops.inference_flops: 2ND [FLOP]. */
    inference_flops: function (n_params, n_tokens) {
      var n = count("n_params", n_params);
      var d = count("n_tokens", n_tokens, "tokens", "n_tokens=2e12");
      return K.constants.INFERENCE_FLOPS_PER_PARAM_TOKEN * n * d;
    },
    /** lessons.flops.to_pf_days: C / 8.64e19 [PF-days]. */
    to_pf_days: function (c) {
      return raw_count("flops", c, {minimum: K.constants.MIN_FLOPS, unit: "FLOP",
        example: "flops=3.14e23; PF-days must first be multiplied by PF_DAY = 8.64e19"}) /
        K.constants.PF_DAY;
    },
    /** lessons.flops.gpu_hours: device-hours at an MFU on one device's dense peak. */
    gpu_hours: function (c, gpu, mfu, dtype) {
      var peak = hardware.peak_flops(gpu === undefined ? "H100-SXM" : gpu, dtype);
      return throughput.training_time(c, 1, peak, mfu === undefined ? 0.4 : mfu) / 3600.0;
    },
    /** lessons.flops.wall_clock_days: days on n_devices at an MFU. */
    wall_clock_days: function (c, n_devices, gpu, mfu, dtype) {
      var peak = hardware.peak_flops(gpu === undefined ? "H100-SXM" : gpu, dtype);
      return throughput.training_time(c, n_devices, peak, mfu === undefined ? 0.4 : mfu,
                                      {unit: "days"});
    }
  };

  // --- lessons.chinchilla ---------------------------------------------------------------------

  function fitG(f) { return Math.pow(f.alpha * f.A / (f.beta * f.B), 1.0 / (f.alpha + f.beta)); }
  function fitA(f) { return f.beta / (f.alpha + f.beta); }

  function chFlops(c) {
    return raw_count("flops", c, {minimum: K.chinchilla.MIN_FLOPS, unit: "FLOP",
                                  example: "flops=5.76e23"});
  }

  var RANGE_NAMES = {n_params: ["N", "parameters"], n_tokens: ["D", "tokens"],
                     flops: ["C", "FLOP"]};

  var chinchilla = {
    /** lessons.chinchilla.TokenLaw: a law D*(C) = A·C^alpha given as {A, alpha}. */
    TokenLaw: {
      /** lessons.chinchilla.TokenLaw.tokens: D*(C) = A·C^alpha [tokens]. */
      tokens: function (law, c) {
        var x = raw_count("flops", c, {minimum: K.chinchilla.MIN_FLOPS, unit: "FLOP",
                                       example: "flops=3.8e25"});
        return law.A * Math.pow(x, law.alpha);
      }
    },
    /** lessons.chinchilla.get_fit: a fit object, or the published fit of that name. */
    get_fit: function (fit) {
      if (fit === undefined) { fit = "besiroglu2024"; }
      if (fit && typeof fit === "object") { return fit; }
      return choose("fit", fit, K.chinchilla.FITS);
    },
    /** lessons.chinchilla.loss: L̂(N, D) = E + A/N^α + B/D^β [nats/token]. */
    loss: function (n_params, n_tokens, fit, kw) {
      var f = chinchilla.get_fit(fit);
      var n, d;
      if (!kw || kw.check_units === undefined || kw.check_units) {
        n = raw_count("n_params", n_params, {minimum: K.chinchilla.MIN_RAW_COUNT,
          unit: "parameters", example: "n_params=7e10 for a 70B model"});
        d = raw_count("n_tokens", n_tokens, {minimum: K.chinchilla.MIN_RAW_COUNT,
          unit: "tokens", example: "n_tokens=1.4e12 for 1.4T tokens"});
      } else {
        n = positive("n_params", n_params, {unit: "parameters"});
        d = positive("n_tokens", n_tokens, {unit: "tokens"});
      }
      return f.E + f.A / Math.pow(n, f.alpha) + f.B / Math.pow(d, f.beta);
    },
    /** lessons.chinchilla.compute_optimal: N = G (C/6)^a, D = (C/6)/N (Hoffmann Eq. 4). */
    compute_optimal: function (c, fit) {
      var f = chinchilla.get_fit(fit);
      var x = chFlops(c);
      var six = K.constants.TRAINING_FLOPS_PER_PARAM_TOKEN;
      var n = fitG(f) * Math.pow(x / six, fitA(f));
      return [n, (x / six) / n];
    },
    /** lessons.chinchilla.isoflop_curve: L̂(N, C/(6N)) along a fixed budget [nats/token]. */
    isoflop_curve: function (c, n_params, fit) {
      var f = chinchilla.get_fit(fit);
      var x = chFlops(c);
      var n = raw_count("n_params", n_params, {minimum: K.chinchilla.MIN_RAW_COUNT,
        unit: "parameters", example: "n_params=7e10 for a 70B model"});
      var d = x / (K.constants.TRAINING_FLOPS_PER_PARAM_TOKEN * n);
      if (d < K.chinchilla.MIN_RAW_COUNT) {
        fail("n_params too large for the budget: D = flops/(6 n_params) falls to " +
             formatG(d, 3) + " tokens (below " + formatG(K.chinchilla.MIN_RAW_COUNT) +
             "). Check that flops is in FLOP and n_params a raw count.");
      }
      return chinchilla.loss(n, d, f);
    },
    /** lessons.chinchilla.twenty_tokens_per_param: D = 20N under C = 6ND, N = √(C/120). */
    twenty_tokens_per_param: function (c) {
      var x = chFlops(c);
      var n = Math.sqrt(x / (K.constants.TRAINING_FLOPS_PER_PARAM_TOKEN *
                             K.chinchilla.CHINCHILLA_TOKENS_PER_PARAM));
      return [n, K.chinchilla.CHINCHILLA_TOKENS_PER_PARAM * n];
    },
    /** lessons.chinchilla.extrapolation: "" inside the fitted runs, else how far outside. */
    extrapolation: function (n_params, n_tokens, c, span) {
      span = span || K.chinchilla.FITTED_RANGE;
      var parts = [];
      [["n_params", n_params], ["n_tokens", n_tokens], ["flops", c]].forEach(function (pair) {
        var name = pair[0], value = pair[1];
        if (value === undefined || value === null || !span[name]) { return; }
        var x = positive(name, value);
        var low = span[name][0], high = span[name][1];
        var sym = RANGE_NAMES[name][0], unit = RANGE_NAMES[name][1];
        if (x > high) {
          parts.push(sym + " = " + formatG(x, 2) + " " + unit + " is " + formatG(x / high, 2) +
                     "× the largest (" + formatG(high, 2) + ")");
        } else if (x < low) {
          parts.push(sym + " = " + formatG(x, 2) + " " + unit + " is 1/" + formatG(low / x, 2) +
                     " of the smallest (" + formatG(low, 2) + ")");
        }
      });
      return parts.length ? "Extrapolated beyond the fitted runs: " + parts.join("; ") + "." : "";
    }
  };

  // --- lessons.kaplan -------------------------------------------------------------------------

  function cMin(c, atCritical) {
    var x = raw_count("flops", c, {minimum: K.kaplan.MIN_FLOPS, unit: "FLOP",
      example: "flops=1e21; PF-days must first be multiplied by PF_DAY = 8.64e19"});
    var pfDays = x / K.constants.PF_DAY;
    return atCritical ? pfDays / 2.0 : pfDays;
  }
  function allocation(c, coef, exp, atCritical) { return coef * Math.pow(cMin(c, atCritical), exp); }
  function critical(kw) { return !!(kw && kw.at_critical_batch); }

  var kaplan = {
    /** lessons.kaplan.loss: L(N, D) = [(N_c/N)^(α_N/α_D) + D_c/D]^α_D (Kaplan Eq. 1.5). */
    loss: function (n_params, n_tokens) {
      var L = K.kaplan.KAPLAN_2020;
      var n = raw_count("n_params", n_params, {minimum: K.kaplan.MIN_RAW_COUNT,
        unit: "non-embedding parameters", example: "n_params=7e9 for 7B"});
      var d = raw_count("n_tokens", n_tokens, {minimum: K.kaplan.MIN_RAW_COUNT, unit: "tokens",
        example: "n_tokens=3e11 for 300B tokens"});
      return Math.pow(Math.pow(L.n_c / n, L.alpha_n / L.alpha_d) + L.d_c / d, L.alpha_d);
    },
    /** lessons.kaplan.critical_batch: B_crit = B_star / L^(1/α_B) [tokens] (Kaplan Eq. 1.4). */
    critical_batch: function (loss) {
      var L = K.kaplan.KAPLAN_2020;
      var v = positive("loss", loss, {unit: "nats/token"});
      return L.b_star / Math.pow(v, 1.0 / L.alpha_b);
    },
    /** lessons.kaplan.optimal_params: N_opt = 1.3e9 · C_min^0.73 (Table 6, C_min in PF-days). */
    optimal_params: function (c, kw) {
      var L = K.kaplan.KAPLAN_2020;
      return allocation(c, L.n_opt_coef, L.n_opt_exp, critical(kw));
    },
    /** lessons.kaplan.optimal_tokens: D_opt = 2e10 · C_min^0.27 (Table 6). */
    optimal_tokens: function (c, kw) {
      var L = K.kaplan.KAPLAN_2020;
      return allocation(c, L.d_opt_coef, L.d_opt_exp, critical(kw));
    },
    /** lessons.kaplan.optimal_batch: B = 2e6 · C_min^0.24 (Table 6). */
    optimal_batch: function (c, kw) {
      var L = K.kaplan.KAPLAN_2020;
      return allocation(c, L.b_opt_coef, L.b_opt_exp, critical(kw));
    },
    /** lessons.kaplan.optimal_steps: S_min = 5.4e3 · C_min^0.03, doubled at B_crit. */
    optimal_steps: function (c, kw) {
      var L = K.kaplan.KAPLAN_2020;
      var s = allocation(c, L.s_opt_coef, L.s_opt_exp, critical(kw));
      return critical(kw) ? 2.0 * s : s;
    }
  };

  // --- lessons.returns ------------------------------------------------------------------------

  function target(ell, f) {
    var x = positive("target_loss", ell, {unit: "nats/token"});
    if (x <= f.E) {
      fail("target_loss=" + pyrepr(x) + " [nats/token] is at or below the irreducible loss E=" +
           formatG(f.E) + " of fit " + pyrepr(f.name) + "; no finite model or data reaches it. " +
           "Pass a loss above " + formatG(f.E) + ".");
    }
    return x;
  }

  var returns = {
    /** lessons.returns.loss_at_compute: L̂ at the compute-optimal (N, D) of C [nats/token]. */
    loss_at_compute: function (c, fit) {
      var nd = chinchilla.compute_optimal(c, fit);
      return chinchilla.loss(nd[0], nd[1], fit);
    },
    /** lessons.returns.gain_per_decade: L*(C) − L*(10C) [nats/token]. */
    gain_per_decade: function (c, fit) {
      var x = positive("flops", c, {unit: "FLOP"});
      return returns.loss_at_compute(x, fit) - returns.loss_at_compute(10.0 * x, fit);
    },
    /** lessons.returns.gap_to_irreducible: L*(C) − E [nats/token]. */
    gap_to_irreducible: function (c, fit) {
      var f = chinchilla.get_fit(fit);
      return returns.loss_at_compute(c, f) - f.E;
    },
    /** lessons.returns.allocation_for_loss: the frontier (N, D) whose loss is ℓ (Eq. 4). */
    allocation_for_loss: function (ell, fit) {
      var f = chinchilla.get_fit(fit);
      var x = target(ell, f);
      var reducible = x - f.E;
      var n = Math.pow(f.A / (reducible * f.beta / (f.alpha + f.beta)), 1.0 / f.alpha);
      var d = Math.pow(f.B / (reducible * f.alpha / (f.alpha + f.beta)), 1.0 / f.beta);
      return [n, d];
    },
    /** lessons.returns.compute_for_loss: C(ℓ) = 6 N(ℓ) D(ℓ) [FLOP]. */
    compute_for_loss: function (ell, fit) {
      var nd = returns.allocation_for_loss(ell, fit);
      return flops.training_flops(nd[0], nd[1]);
    }
  };

  // --- lessons.batch --------------------------------------------------------------------------

  function dsFlops(c) {
    return raw_count("flops", c, {minimum: K.batch.MIN_FLOPS, unit: "FLOP",
                                  example: "flops=1e21 (a budget in FLOP, not PF-days)"});
  }

  /* DeepSeek LLM's laws with their published constants (Python's default `law`). */
  var batch = {
    /** lessons.batch.deepseek_batch: B_opt = 0.2920·C^0.3271 [tokens] (DeepSeek LLM Eq. 1). */
    deepseek_batch: function (c) {
      var x = dsFlops(c), law = K.batch.DEEPSEEK_LLM;
      return law.batch_coef * Math.pow(x, law.batch_exp);
    },
    /** lessons.batch.deepseek_lr: η_opt = 0.3118·C^−0.1250 (DeepSeek LLM Eq. 1). */
    deepseek_lr: function (c) {
      var x = dsFlops(c), law = K.batch.DEEPSEEK_LLM;
      return law.lr_coef * Math.pow(x, law.lr_exp);
    },
    /** lessons.batch.deepseek_optimal: [M_opt [FLOP/token], D_opt [tokens]] (Eq. 4). */
    deepseek_optimal: function (c) {
      var x = dsFlops(c), law = K.batch.DEEPSEEK_LLM;
      return [law.m_opt_coef * Math.pow(x, law.m_opt_exp),
              law.d_opt_coef * Math.pow(x, law.d_opt_exp)];
    }
  };

  // --- lessons.overtraining -------------------------------------------------------------------

  function otN(n) {
    return raw_count("n_params", n, {minimum: K.chinchilla.MIN_RAW_COUNT, unit: "parameters",
                                     example: "n_params=7e10 for a 70B model"});
  }
  function otD(d, name) {
    name = name || "n_tokens";
    return raw_count(name, d, {minimum: K.chinchilla.MIN_RAW_COUNT, unit: "tokens",
                               example: name + "=1.4e12 for 1.4T tokens"});
  }

  /** lessons.overtraining._reachable: a target loss, refused at or below the fit's E. */
  function reachable(name, loss, f) {
    var ell = positive(name, loss, {unit: "nats/token"});
    if (ell <= f.E) {
      fail(name + "=" + pyrepr(ell) + " [nats/token] is at or below the irreducible loss " +
           "E=" + formatG(f.E) + " of fit " + pyrepr(f.name) + "; no model reaches it. Pass a " +
           "loss above " + formatG(f.E) + ".");
    }
    return ell;
  }

  var overtraining = {
    /** lessons.overtraining.tokens_per_param: D/N [tokens/parameter]. */
    tokens_per_param: function (n_params, n_tokens) {
      var n = otN(n_params);
      var d = otD(n_tokens);
      return d / n;
    },
    /** lessons.overtraining.law_tokens_per_param: D/N at a budget under each published law. */
    law_tokens_per_param: function (c) {
      var x = positive("flops", c, {unit: "FLOP"});
      var out = {};
      [["Chinchilla, 2024 refit", "besiroglu2024"],
       ["Chinchilla, rounded constants", "hoffmann2022"]].forEach(function (pair) {
        var nd = chinchilla.compute_optimal(x, pair[1]);
        out[pair[0]] = nd[1] / nd[0];
      });
      [["Llama 3 (legend: 0.299, 0.537)", K.chinchilla.LLAMA3_TOKEN_LAW],
       ["Llama 3 (text: 0.29, 0.53)", K.chinchilla.LLAMA3_TOKEN_LAW_ROUNDED]].forEach(
        function (pair) {
          var d = chinchilla.TokenLaw.tokens(pair[1], x);
          out[pair[0]] = d / (x / (6.0 * d));
        });
      var md = batch.deepseek_optimal(x);
      out["DeepSeek LLM (M/6 as N)"] = md[1] / (md[0] / 6.0);
      out["Kaplan (non-embedding N)"] = kaplan.optimal_tokens(x) / kaplan.optimal_params(x);
      return out;
    },
    /** lessons.overtraining.optimal_tokens_for_params: D for which N is compute-optimal. */
    optimal_tokens_for_params: function (n_params, fit) {
      var f = chinchilla.get_fit(fit);
      var n = otN(n_params);
      return Math.pow(n / fitG(f), 1.0 / fitA(f)) / n;
    },
    /** lessons.overtraining.lifetime_flops: 6·N·D + 2·N·D_inf [FLOP]. */
    lifetime_flops: function (n_params, n_tokens, inference_tokens) {
      var n = otN(n_params);
      var d = otD(n_tokens);
      var dInf = positive("inference_tokens", inference_tokens === undefined ? 0 : inference_tokens,
                          {unit: "tokens", allow_zero: true});
      var serve = dInf > 0 ? flops.inference_flops(n, dInf) : 0;
      return flops.training_flops(n, d) + serve;
    },
    /** lessons.overtraining.tokens_for_loss: D = (B/(ℓ − E − A/N^α))^(1/β) [tokens]. */
    tokens_for_loss: function (n_params, target_loss, fit) {
      var f = chinchilla.get_fit(fit);
      var n = otN(n_params);
      var ell = positive("target_loss", target_loss, {unit: "nats/token"});
      var floor = f.E + f.A / Math.pow(n, f.alpha);
      if (ell <= floor) {
        fail("target_loss=" + pyrepr(ell) + " [nats/token] is out of reach for n_params=" +
             formatG(n) + " under fit " + pyrepr(f.name) + ": even infinite data gives " +
             "E + A/N^alpha = " + formatG(floor, 4) + ". Pass a loss above that or a larger model.");
      }
      return Math.pow(f.B / (ell - floor), 1.0 / f.beta);
    },
    /** lessons.overtraining.lifetime_tangency: ln r − ln(1 + D_inf/(3D)), zero at the optimum. */
    lifetime_tangency: function (n_params, n_tokens, inference_tokens, fit) {
      var f = chinchilla.get_fit(fit);
      var n = otN(n_params);
      var d = otD(n_tokens);
      var dInf = positive("inference_tokens", inference_tokens, {unit: "tokens", allow_zero: true});
      var logR = Math.log(f.alpha * f.A) - f.alpha * Math.log(n) - Math.log(f.beta * f.B) +
        f.beta * Math.log(d);
      return logR - Math.log1p(dInf / (3.0 * d));
    },
    /** lessons.overtraining.min_params_for_loss: (A/(ℓ − E))^(1/α), infinite data [parameters]. */
    min_params_for_loss: function (target_loss, fit) {
      var f = chinchilla.get_fit(fit);
      var ell = reachable("target_loss", target_loss, f);
      return Math.pow(f.A / (ell - f.E), 1.0 / f.alpha);
    },
    /** lessons.overtraining.lifetime_optimal: the (N, D) reaching ℓ with least 6ND + 2N·D_inf. */
    lifetime_optimal: function (target_loss, inference_tokens, fit) {
      var f = chinchilla.get_fit(fit);
      var ell = reachable("target_loss", target_loss, f);
      var dInf = positive("inference_tokens", inference_tokens === undefined ? 0 : inference_tokens,
                          {unit: "tokens", allow_zero: true});
      var frontier = returns.allocation_for_loss(ell, f)[0];
      if (dInf === 0) { return [frontier, overtraining.tokens_for_loss(frontier, ell, f)]; }
      var nFloor = overtraining.min_params_for_loss(ell, f);
      function excess(u) {
        var reducible = ell - f.E - f.A * Math.exp(-f.alpha * u);  // = B/D^β
        var logD = (Math.log(f.B) - Math.log(reducible)) / f.beta;
        var logR = Math.log(f.alpha * f.A) - f.alpha * u - Math.log(f.beta * reducible);
        return logR - Math.log1p(dInf / 3.0 * Math.exp(-logD));
      }
      var u = brentq(excess, Math.log(nFloor) + 1e-9, Math.log(frontier), 1e-14, 4 * EPS);
      var n = Math.exp(u);
      return [n, overtraining.tokens_for_loss(n, ell, f)];
    },
    /** lessons.overtraining.lifetime_savings: a compute-optimal model against the lifetime
        optimum at its loss (a LifetimeComparison, with saved_flops and saved_fraction). */
    lifetime_savings: function (n_params, inference_tokens, fit) {
      var f = chinchilla.get_fit(fit);
      var n = otN(n_params);
      var dInf = positive("inference_tokens", inference_tokens, {unit: "tokens", allow_zero: true});
      var d = overtraining.optimal_tokens_for_params(n, f);
      var ell = chinchilla.loss(n, d, f);
      var star = overtraining.lifetime_optimal(ell, dInf, f);
      var total = overtraining.lifetime_flops(n, d, dInf);
      var best = overtraining.lifetime_flops(star[0], star[1], dInf);
      return {fit: f.name, inference_tokens: dInf, target_loss: ell, n_params: n, n_tokens: d,
              flops: total, optimal_n_params: star[0], optimal_n_tokens: star[1],
              optimal_flops: best, saved_flops: total - best, saved_fraction: (total - best) / total};
    }
  };

  // --- lessons.mfu ----------------------------------------------------------------------------

  var mfu = {
    /** lessons.mfu.model_flops_per_token: 6N [FLOP/token] (attention left out). */
    model_flops_per_token: function (model) {
      return K.constants.TRAINING_FLOPS_PER_PARAM_TOKEN * raw_count("n_params", model,
        {minimum: K.constants.MIN_RAW_COUNT, unit: "parameters", example: "n_params=5.4035e11"});
    },
    /** lessons.mfu.mfu: tokens/s × 6N / (n_devices × peak) [fraction]. */
    mfu: function (tokens_per_second, model, kw) {
      kw = kw || {};
      var perToken = mfu.model_flops_per_token(model);
      var tps = positive("tokens_per_second", tokens_per_second, {unit: "tokens/s"});
      var hasPeak = kw.peak_flops_per_device !== undefined && kw.peak_flops_per_device !== null;
      var hasGpu = kw.gpu !== undefined && kw.gpu !== null;
      if (hasPeak === hasGpu) {
        fail("pass the peak once: peak_flops_per_device (e.g. 989.4e12 for an H100 SXM) or gpu " +
             "(e.g. gpu='H100-SXM', with dtype), not both or neither.");
      }
      var peak = peakArg(hasGpu ? hardware.peak_flops(kw.gpu, kw.dtype || "bf16") :
                         kw.peak_flops_per_device);
      var n = devices(kw.n_devices);
      var value = tps * perToken * 1.0 / n / peak;
      if (value > 1.0) {
        fail("mfu came out as " + formatG(value, 3) + ", above 1: no device runs above its peak. " +
             "Check that tokens_per_second is for the whole job, the peak is per device in " +
             "FLOP/s and n_params is a raw count.");
      }
      return value;
    },
    training_time: function () { return throughput.training_time.apply(null, arguments); }
  };

  // --- lessons.budget -------------------------------------------------------------------------

  function optimizerSteps(n_tokens, batch_tokens) {
    var d = raw_count("n_tokens", n_tokens, {minimum: K.chinchilla.MIN_RAW_COUNT, unit: "tokens",
                                             example: "n_tokens=1e12 for 1T tokens"});
    var b = positive("batch_tokens", batch_tokens, {unit: "tokens"});
    return d / b;
  }

  function inferenceAllocation(c, inference_tokens, fit) {
    var f = chinchilla.get_fit(fit);
    var x = raw_count("flops", c, {minimum: K.chinchilla.MIN_FLOPS, unit: "FLOP",
                                   example: "flops=1e23"});
    var dInf = positive("inference_tokens", inference_tokens, {unit: "tokens", allow_zero: true});
    var nd = chinchilla.compute_optimal(x, f);
    if (dInf === 0) { return nd; }
    function tangency(u) {
      var n = Math.exp(u);
      return (Math.log(f.alpha * f.A / (f.beta * f.B)) + Math.log(x) - (1.0 + f.alpha) * u +
              f.beta * Math.log(x / (6.0 * n)) - Math.log(x / n + 2.0 * dInf));
    }
    var u0 = Math.log(nd[0]);
    var h0 = tangency(u0);
    if (h0 > -1e-12) { return nd; }
    var u = brentq(tangency, u0 + 1.5 * h0 / (f.alpha + f.beta), u0, 1e-14, 4 * EPS);
    var n = Math.exp(u);
    return [n, flops.tokens_for_flops(x, n)];
  }

  function opt(kw, name, fallback) {
    return (kw && kw[name] !== undefined) ? kw[name] : fallback;
  }

  /** lessons.budget.plan: a dollar budget, or devices × days, to a training plan (a Plan). */
  function plan(kw) {
    kw = kw || {};
    var B = K.budget;
    var budget_usd = opt(kw, "budget_usd", null), n_devices = opt(kw, "n_devices", null);
    var days = opt(kw, "days", null);
    // _check_common
    var gpu = hardware.get_accelerator(opt(kw, "gpu", "H100-SXM")).name;
    var dtype = choose("dtype", opt(kw, "dtype", "bf16"), K.hardware.DTYPES);
    hardware.peak_flops(gpu, dtype);
    var u = fraction("mfu", opt(kw, "mfu", 0.4));
    var price = positive("price_per_hour", opt(kw, "price_per_hour", K.prices.DEEPSEEK_V3_PRICE),
                         {unit: "USD/device-hour"});
    var ovh = positive("overhead", opt(kw, "overhead", 1.0));
    if (ovh < 1.0) {
      fail("overhead=" + pyrepr(ovh) + " must be >= 1: it multiplies the ideal cost by what " +
           "failures, restarts and evaluation add (1.0 = none).");
    }
    var batch = opt(kw, "batch_tokens", null);
    if (batch !== null) {
      batch = raw_count("batch_tokens", batch, {minimum: 1e3, unit: "tokens",
                                                example: "batch_tokens=4e6"});
    }
    var strategies = {};
    B.STRATEGIES.forEach(function (s) { strategies[s] = s; });
    var strategy = choose("strategy", opt(kw, "strategy", "chinchilla"), strategies);
    var f = chinchilla.get_fit(opt(kw, "fit", "besiroglu2024"));
    var dInf = positive("inference_tokens", opt(kw, "inference_tokens", 0.0),
                        {unit: "tokens", allow_zero: true});
    if (dInf > 0 && strategy !== "inference") {
      fail("inference_tokens is used only by strategy='inference'; got strategy=" +
           pyrepr(strategy) + ". Pass inference_tokens=0 or that strategy.");
    }
    var hours, budget = null;
    if (budget_usd !== null) {
      if (n_devices !== null || days !== null) {
        fail("give either budget_usd, or n_devices and days, not both.");
      }
      budget = positive("budget_usd", budget_usd, {unit: "USD"});
      hours = budget / price;
    } else if (n_devices === null || days === null) {
      fail("give budget_usd, or both n_devices and days; got n_devices=" + pyrepr(n_devices) +
           ", days=" + pyrepr(days) + ".");
    } else {
      var devs = positive("n_devices", n_devices, {unit: "devices"});
      if (devs !== Math.round(devs)) {
        fail("n_devices must be a whole number; got " + pyrepr(n_devices) + ".");
      }
      n_devices = devs;
      days = positive("days", days, {unit: "days"});
      hours = n_devices * days * 24.0;
    }
    var c = throughput.flops_for_device_hours(hours, gpu, u, dtype);
    var nd;
    if (strategy === "chinchilla") {
      nd = chinchilla.twenty_tokens_per_param(c);
    } else if (strategy === "kaplan") {
      var nk = kaplan.optimal_params(c, {at_critical_batch: true});
      nd = [nk, flops.tokens_for_flops(c, nk)];
    } else if (strategy === "parametric") {
      nd = chinchilla.compute_optimal(c, f);
    } else {
      nd = inferenceAllocation(c, dInf, f);
    }
    // _finish
    var n = nd[0], d = nd[1], lossDefined = strategy !== "kaplan";
    var predicted = null, lossNote = B.KAPLAN_LOSS_NOTE;
    if (lossDefined) {
      predicted = chinchilla.loss(n, d, f);
      lossNote = "Chinchilla L(N, D), fit " + f.name;
    }
    var batchNote = "given";
    if (batch === null) {
      var ell = kaplan.loss(n, d);
      batch = kaplan.critical_batch(ell);
      batchNote = "Kaplan's B_crit at his L(N, D) = " + formatF(ell, 3) +
        " (WebText2-tokenizer estimate): the batch beyond which doubling stops halving the " +
        "steps, not a recommendation; published runs used 1.5M-16M tokens";
    }
    var cost = hours * price;
    var tpp = overtraining.tokens_per_param(n, d);
    var steps = optimizerSteps(d, batch);
    var p = {
      strategy: strategy, gpu: gpu, dtype: dtype, n_devices: n_devices, days: days, mfu: u,
      price_per_hour: price, n_params: n, n_tokens: d, flops: c, device_hours: hours,
      cost_usd: cost, predicted_loss: predicted, loss_note: lossNote, tokens_per_param: tpp,
      batch_tokens: batch, batch_note: batchNote, optimizer_steps: steps, overhead: ovh,
      fit: lossDefined ? f.name : null, inference_tokens: dInf, budget_usd: budget,
      cost_with_overhead_usd: cost * ovh
    };
    /** Plan.lifetime_flops: 6ND + 2N·D_inf, computed when read (a property in Python too). */
    Object.defineProperty(p, "lifetime_flops", {enumerable: true, get: function () {
      return overtraining.lifetime_flops(n, d, dInf);
    }});
    /** Plan.days_on: wall-clock days of this plan on n_devices devices. */
    p.days_on = function (n) { return flops.wall_clock_days(c, n, gpu, u, dtype); };
    return p;
  }

  var budget = {
    optimizer_steps: optimizerSteps,
    inference_allocation: inferenceAllocation,
    plan: plan
  };

  // --- lessons.uncertainty --------------------------------------------------------------------

  /** lessons.uncertainty.plan_range, for a fixed budget: N_opt, D_opt, D/N and loss under every
      bootstrap refit. `boot` = {rows: [[E, A, B, α, β], ...] (converged refits), level}. */
  function planRange(boot, fit, kw) {
    var rows = boot.rows;
    if (!rows.length) {
      fail("no bootstrap refit converged; rerun lessons.fitting.bootstrap with more resamples " +
           "or a better start.");
    }
    var pointFit = chinchilla.get_fit(fit);
    var lvl = (kw.level === undefined || kw.level === null) ? boot.level : kw.level;
    if (!(lvl > 0 && lvl < 1)) {
      fail("level must be a fraction in (0, 1), e.g. 0.95; got " + pyrepr(kw.level) + ".");
    }
    var price = positive("price_per_hour", opt(kw, "price_per_hour", K.prices.DEEPSEEK_V3_PRICE),
                         {unit: "USD/device-hour"});
    if (kw.budget_usd === undefined || kw.budget_usd === null) {
      fail("give exactly one of budget_usd (a fixed budget) or target_loss (a loss to reach).");
    }
    var b = positive("budget_usd", kw.budget_usd, {unit: "USD"});
    var c = throughput.flops_for_device_hours(b / price, opt(kw, "gpu", "H100-SXM"),
                                              opt(kw, "mfu", 0.4), opt(kw, "dtype", "bf16"));
    var six = K.constants.TRAINING_FLOPS_PER_PARAM_TOKEN;
    function run(law) {  // compute_optimal and loss of one law, as the stacked Python arrays do
      var n = fitG(law) * Math.pow(c / six, fitA(law));
      var d = (c / six) / n;
      return {N_opt: n, D_opt: d, "D/N": d / n,
              loss: law.E + law.A / Math.pow(n, law.alpha) + law.B / Math.pow(d, law.beta)};
    }
    // One pass over the refits into typed arrays (the planner's chart calls this 25 times per
    // keystroke, so no object per refit and no sort until a quantity is asked for).
    var size = rows.length;
    var samples = {N_opt: new Float64Array(size), D_opt: new Float64Array(size),
                   "D/N": new Float64Array(size), loss: new Float64Array(size)};
    for (var k = 0; k < size; k++) {
      var r = rows[k];
      var alpha = r[3], beta = r[4];
      var n = Math.pow(alpha * r[1] / (beta * r[2]), 1.0 / (alpha + beta)) *
        Math.pow(c / six, beta / (alpha + beta));
      var d = (c / six) / n;
      samples.N_opt[k] = n;
      samples.D_opt[k] = d;
      samples["D/N"][k] = d / n;
      samples.loss[k] = r[0] + r[1] / Math.pow(n, alpha) + r[2] / Math.pow(d, beta);
    }
    var sorted = {};
    function ordered(name) {  // ascending, NaN last, as numpy.sort
      if (!sorted[name]) { sorted[name] = Float64Array.from(samples[name]).sort(); }
      return sorted[name];
    }
    return {
      kind: "budget", point: run(pointFit), samples: samples, level: lvl, flops: c,
      /** PlanRange.interval: order statistics, no interpolation. */
      interval: function (name) {
        var v = ordered(name), tail = (1 - lvl) / 2;
        return [v[Math.min(Math.floor(tail * size), size - 1)],
                v[Math.min(Math.ceil((1 - tail) * size) - 1, size - 1)]];
      },
      /** PlanRange.median: the lower middle order statistic. */
      median: function (name) { return ordered(name)[Math.floor((size - 1) / 2)]; }
    };
  }

  var uncertainty = {plan_range: planRange};

  // --- lessons.explore's number format --------------------------------------------------------

  /** lessons.explore.format_number: plain below 10^5, scientific (HTML superscript) above. */
  function format_number(x, digits) {
    if (digits === undefined) { digits = 3; }
    if (x === 0 || !isFinite(x)) { return pyrepr(x); }
    var exponent = Math.floor(Math.log10(Math.abs(x)));
    if (exponent >= -3 && exponent < 5) {
      var rounded = parseFloat(formatG(x, digits));
      if (rounded === Math.trunc(rounded) && Math.abs(rounded) >= 1) {
        return commas(String(Math.trunc(rounded)));
      }
      return formatG(rounded);
    }
    var mantissa = formatG(x / tenTo(exponent), digits);
    if (mantissa.replace(/^-/, "").indexOf("10") === 0) {
      exponent += 1;
      mantissa = formatG(x / tenTo(exponent), digits);
    }
    if (mantissa === "1" || mantissa === "-1") {
      return mantissa.replace("1", "") + "10<sup>" + exponent + "</sup>";
    }
    return mantissa + "×10<sup>" + exponent + "</sup>";
  }
  function tenTo(e) { return Number("1e" + e); }  // the double nearest 10^e, as Python's 10**e

  var lessons = {
    ValueError: ValueError,
    fmt: fmt,
    brentq: brentq,
    _validate: {positive: positive, fraction: fraction, raw_count: raw_count, choose: choose},
    hardware: hardware,
    throughput: throughput,
    flops: flops,
    chinchilla: chinchilla,
    kaplan: kaplan,
    returns: returns,
    batch: batch,
    overtraining: overtraining,
    mfu: mfu,
    budget: budget,
    uncertainty: uncertainty,
    explore: {format_number: format_number},
    /** Install the constants exported by Python (lessons.explore.inpage.constants()). */
    setConstants: function (constants) { K = constants; lessons.constants = constants; },
    constants: null
  };
  if (root.LESSONS_CONSTANTS) { lessons.setConstants(root.LESSONS_CONSTANTS); }
  root.lessons = lessons;
})(typeof window !== "undefined" ? window : globalThis);
