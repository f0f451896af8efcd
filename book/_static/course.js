/* Small behaviours of the course's pages (no maths here):

   1. A solution's title names its exercise as a link; clicking the title opens the solution
      (the theme's toggle) instead of jumping back to the exercise.
   2. Search results quote the page's text, where maths is still TeX (MathJax draws it only on
      the page itself): the quotes show it as plain text instead (N_opt = G (C/6)^a, not
      \(N_\text{opt} = G\,(C/6)^a\)).
   3. A wide equation, table or code block that scrolls sideways gets a shadow on the side where
      there is more to see (classes lx-more-left and lx-more-right, styled in course.css). */
(function () {
  "use strict";

  // --- 1. solutions open from their title ---------------------------------------------------
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".solution.dropdown > .admonition-title a");
    if (!link) { return; }
    // The theme's toggle answers clicks whose target is the title itself: hand the click on.
    event.preventDefault();
    event.stopPropagation();
    link.closest(".admonition-title").click();
  }, true);

  // --- 2. TeX in search results as plain text ------------------------------------------------
  var SYMBOLS = {
    times: "×", cdot: "·", approx: "≈", le: "≤", leq: "≤", ge: "≥", geq: "≥", ne: "≠",
    neq: "≠", propto: "∝", infty: "∞", to: "→", rightarrow: "→", Longrightarrow: "⇒",
    alpha: "α", beta: "β", gamma: "γ", delta: "δ", epsilon: "ε", eta: "η", lambda: "λ",
    mu: "μ", sigma: "σ", Sigma: "Σ", tau: "τ", ell: "ℓ", pm: "±", sqrt: "√", partial: "∂",
    mathcal: "", quad: " ", qquad: " ", ",": " ", ";": " ", "!": "", left: "", right: "",
    Delta: "Δ", min: "min", max: "max", log: "log", ln: "ln", exp: "exp", hat: ""
  };

  /** A TeX fragment as readable text: commands to symbols, \text{} and braces dropped. */
  function texToText(tex) {
    var s = tex;
    s = s.replace(/\\(?:text|mathrm|operatorname|mathbf|boldsymbol|textbf|textit)\{([^{}]*)\}/g, "$1");
    s = s.replace(/\\frac\{([^{}]*)\}\{([^{}]*)\}/g, "($1)/($2)");
    s = s.replace(/\\([A-Za-z]+|[,;!])/g, function (match, name) {
      return Object.prototype.hasOwnProperty.call(SYMBOLS, name) ? SYMBOLS[name] : name;
    });
    s = s.replace(/[{}]/g, "").replace(/\s+/g, " ").trim();
    return s;
  }

  /** Text with \( ... \) and \[ ... \] (and $...$) spans replaced by their plain text. */
  function plainMath(text) {
    return text
      .replace(/\\\(([\s\S]*?)\\\)/g, function (m, tex) { return texToText(tex); })
      .replace(/\\\[([\s\S]*?)\\\]/g, function (m, tex) { return texToText(tex); })
      .replace(/\$\$([\s\S]*?)\$\$/g, function (m, tex) { return texToText(tex); });
  }

  function cleanSnippets(root) {
    root.querySelectorAll("p.context").forEach(function (p) {
      if (p.dataset.lxPlain) { return; }
      var walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
      var nodes = [];
      while (walker.nextNode()) { nodes.push(walker.currentNode); }
      // Join the text nodes so that a TeX span cut by a search-term highlight is still seen.
      var whole = nodes.map(function (n) { return n.textContent; }).join("");
      if (whole.indexOf("\\(") < 0 && whole.indexOf("\\[") < 0 && whole.indexOf("$$") < 0) {
        p.dataset.lxPlain = "1";
        return;
      }
      p.textContent = plainMath(whole);
      p.dataset.lxPlain = "1";
    });
  }

  function watchSearch() {
    var results = document.getElementById("search-results");
    if (!results) { return; }
    new MutationObserver(function () { cleanSnippets(results); })
      .observe(results, {childList: true, subtree: true});
  }

  // --- 3. a visible edge on what scrolls sideways ---------------------------------------------
  var SCROLLERS = ".bd-article div.math, .bd-article .pst-scrollable-table-container, " +
    ".bd-article table, .bd-article pre, .bd-article .cell_output .output";

  function edges(el) {
    var more = el.scrollWidth - el.clientWidth;
    el.classList.toggle("lx-more-right", more > 1 && el.scrollLeft < more - 1);
    el.classList.toggle("lx-more-left", more > 1 && el.scrollLeft > 1);
  }

  function markScrollers() {
    document.querySelectorAll(SCROLLERS).forEach(function (el) {
      var overflow = getComputedStyle(el).overflowX;
      if (overflow !== "auto" && overflow !== "scroll") { return; }  // its parent scrolls
      if (!el.dataset.lxEdges) {
        el.addEventListener("scroll", function () { edges(el); }, {passive: true});
        el.dataset.lxEdges = "1";
      }
      edges(el);
    });
  }

  function start() {
    watchSearch();
    markScrollers();
    window.addEventListener("resize", markScrollers);
    // Equations take their width only once MathJax has drawn them, after this script ran:
    // look again whenever the article changes (debounced).
    var article = document.querySelector(".bd-article");
    if (article) {
      var timer = null;
      new MutationObserver(function () {
        clearTimeout(timer);
        timer = setTimeout(markScrollers, 150);
      }).observe(article, {childList: true, subtree: true});
    }
    window.addEventListener("load", markScrollers);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
  window.lessonsCourse = {texToText: texToText, plainMath: plainMath, markScrollers: markScrollers};
})();
