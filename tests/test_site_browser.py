"""The built site, as a reader gets it: offline, in a real browser.

The site is built once per session (the README's build command) when ``_build/html`` is
missing; set ``LESSONS_REBUILD_SITE=1`` to force a fresh build. Static checks read the HTML;
browser checks drive Debian's headless Chromium through playwright against a local
``http.server`` on 127.0.0.1 and fail on any console error, failed request or request to another
host. Screenshots (desktop and phone width) go to ``_build/screenshots``.

Without Chromium the browser checks skip; install it with ``apt-get install chromium``.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "_build" / "screenshots"
#: Page weight budget of a chapter page, shared vendored assets (theme, MathJax) excluded.
MAX_PAGE_BYTES = 2_000_000

pytestmark = pytest.mark.slow


def _bench_build():
    """bench/build.py, whose page_weight is the one definition of a page's weight."""
    spec = importlib.util.spec_from_file_location("bench_build", ROOT / "bench" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _pages(site: Path) -> list[Path]:
    skip = {"genindex.html"}
    return sorted(p for p in site.rglob("*.html")
                  if p.name not in skip and "_static" not in p.parts
                  and "_sources" not in p.parts and "jupyter_execute" not in p.parts)


def _chapters(site: Path) -> list[Path]:
    return sorted((site / "book").glob("*.html"))


# --- static checks ---------------------------------------------------------------------------

RESOURCE = re.compile(
    r"<(script|img|iframe|source|audio|video|embed)\b[^>]*?\bsrc=[\"']([^\"']+)"
    r"|<link\b[^>]*?\bhref=[\"']([^\"']+)[\"'][^>]*>", re.I)


def _remote_resources(html: str) -> list[str]:
    found = []
    for match in RESOURCE.finditer(html):
        url = match.group(2) or match.group(3)
        tag = match.group(0).lower()
        if match.group(3) and not re.search(r"rel=[\"'][^\"']*(stylesheet|icon|preload|"
                                            r"modulepreload|prefetch|manifest)", tag):
            continue  # <link rel="canonical"> etc. are not fetched
        if urlparse(url).scheme in ("http", "https") or url.startswith("//"):
            found.append(url)
    return found


def test_remote_resource_scan_can_fail():
    html = ('<script src="https://cdn.jsdelivr.net/x.js"></script>'
            '<link rel="stylesheet" href="//fonts.googleapis.com/css">'
            '<link rel="canonical" href="https://example.org/">'
            '<script src="_static/local.js"></script>')
    assert _remote_resources(html) == ["https://cdn.jsdelivr.net/x.js",
                                       "//fonts.googleapis.com/css"]


def test_no_page_loads_anything_remote(site):
    bad = {p.name: _remote_resources(p.read_text()) for p in _pages(site)}
    bad = {k: v for k, v in bad.items() if v}
    assert not bad, f"pages load remote resources: {bad}"


def test_no_stylesheet_pulls_remote_fonts(site):
    bad = []
    for css in (site / "_static").rglob("*.css"):
        for url in re.findall(r"(?:url\(|@import\s+)[\"']?(https?://[^\"')\s]+)", css.read_text(
                errors="ignore")):
            bad.append(f"{css.relative_to(site)}: {url}")
    assert not bad, bad


def test_mathjax_is_vendored(site):
    assert (site / "_static" / "mathjax" / "tex-chtml.js").is_file()
    assert "_static/mathjax/tex-chtml.js" in (site / "book" / "notation.html").read_text()


def test_chapter_page_weight(site):
    weights = {p.name: _bench_build().page_weight(p) for p in _chapters(site)}
    heavy = {k: v for k, v in weights.items() if v > MAX_PAGE_BYTES}
    assert not heavy, f"pages over {MAX_PAGE_BYTES} bytes: {heavy}"


def test_download_button_and_no_launch_button_without_a_repository(site):
    """The shipped _config.yml names no repository or hub, so no launch link is shown (a
    Binder or Colab link to a chapter's .md cannot run; the exercise boxes carry their own)."""
    html = (site / "book" / "flops.html").read_text()
    assert "_sources/book/flops.ipynb" in html and "_sources/book/flops.md" in html
    for host in ("mybinder.org", "colab.research.google.com", "user-redirect/git-pull",
                 "example.org"):
        assert host not in html, f"a launch link to {host} with no repository configured"


def test_chapters_are_numbered(site):
    html = (site / "book" / "flops.html").read_text()
    assert re.search(r"<h1>\s*<span class=\"section-number\">\d+\.", html)


# --- browser checks --------------------------------------------------------------------------

class Visit:
    """One page load, recording everything that went wrong."""

    def __init__(self, browser, server, path, *, width=1280, height=900):
        self.errors: list[str] = []
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.page = self.context.new_page()
        host = urlparse(server).netloc

        def route(r):
            if urlparse(r.request.url).netloc == host or r.request.url.startswith("data:"):
                r.continue_()
            else:
                self.errors.append(f"request to another host: {r.request.url}")
                r.abort()

        self.page.route("**/*", route)
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(
            f"console error: {m.text}"))
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        self.page.on("requestfailed", lambda r: self.errors.append(
            f"failed request: {r.url} ({r.failure})"))
        self.page.on("response", lambda r: r.status >= 400 and self.errors.append(
            f"HTTP {r.status}: {r.url}"))
        self.page.goto(f"{server}/{path}", wait_until="networkidle")
        self.wait_for_math()

    def wait_for_math(self):
        self.page.wait_for_function(
            "() => !document.querySelector('.math') || (window.MathJax && MathJax.startup"
            " && MathJax.startup.promise)", timeout=30_000)
        self.page.evaluate("async () => { if (window.MathJax && MathJax.startup) {"
                           " await MathJax.startup.promise; } return true; }")

    def close(self):
        self.context.close()


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _rel(site, page):
    return page.relative_to(site).as_posix()


@pytest.mark.browser
def test_every_page_loads_cleanly_with_math(browser, server, site):
    problems = {}
    for page in _pages(site):
        rel = _rel(site, page)
        visit = Visit(browser, server, rel)
        p = visit.page
        n_math = p.locator(".math").count()
        if n_math:
            unrendered = p.evaluate(
                "() => [...document.querySelectorAll('.math')].filter("
                "e => !e.querySelector('mjx-container') && !e.closest('mjx-container')).length")
            if unrendered:
                visit.errors.append(f"{unrendered} of {n_math} formulas not rendered")
            text = p.inner_text("article") if p.locator("article").count() else ""
            if "\\(" in text or "\\[" in text:
                visit.errors.append("raw TeX delimiters left in the text")
        _shot(p, rel.replace("/", "_").removesuffix(".html"))
        if visit.errors:
            problems[rel] = visit.errors
        visit.close()
    assert not problems, json.dumps(problems, indent=1)


#: Inline formulas wider than the text block that holds them: MathJax does not break an inline
#: formula, so past the block's edge it is cut off (an admonition hides its overflow).
INLINE_MATH_CUT_OFF = """() => [...document.querySelectorAll('mjx-container:not([display="true"])')]
  .map(m => {
    let block = m.parentElement;
    while (block && getComputedStyle(block).display.startsWith('inline')) block = block.parentElement;
    const edge = block.getBoundingClientRect().right - parseFloat(getComputedStyle(block).paddingRight);
    return [Math.round(m.getBoundingClientRect().right - edge),
            (m.querySelector('mjx-assistive-mml') || m).textContent.slice(0, 50)];
  }).filter(([over]) => over > 1)"""


@pytest.mark.browser
def test_phone_width_has_no_horizontal_scroll(browser, server, site):
    problems = {}
    for page in _chapters(site):
        rel = _rel(site, page)
        visit = Visit(browser, server, rel, width=390, height=844)
        overflow = visit.page.evaluate(
            "() => document.documentElement.scrollWidth - window.innerWidth")
        _shot(visit.page, "phone_" + rel.replace("/", "_").removesuffix(".html"))
        if overflow > 1:
            problems[rel] = f"{overflow}px wider than the screen"
        cut = visit.page.evaluate(INLINE_MATH_CUT_OFF)
        if cut:
            problems[rel + " inline maths cut off"] = cut
        if visit.errors:
            problems[rel + " errors"] = visit.errors
        visit.close()
    assert not problems, problems


def _explorer_pages(site):
    """Pages with an explorer of stored frames (a computed view is tested in
    tests/test_site_computed.py)."""
    return [p for p in _chapters(site) if "lx-data" in p.read_text()]


def test_some_page_has_an_explorer(site):
    assert _explorer_pages(site), "no explorer on any chapter page"


@pytest.mark.browser
def test_moving_each_control_changes_the_view(browser, server, site):
    """Every slider of every explorer changes what is shown, to the frame Python stored."""
    problems = []
    for page in _explorer_pages(site):
        rel = _rel(site, page)
        visit = Visit(browser, server, rel)
        p = visit.page
        explorers = p.locator(".lessons-explorer:not(.lx-computed)")
        for e in range(explorers.count()):
            ex = explorers.nth(e)
            ex.scroll_into_view_if_needed()
            name = f"explorer_{rel.replace('/', '_').removesuffix('.html')}_{e}"
            SHOTS.mkdir(parents=True, exist_ok=True)
            ex.screenshot(path=str(SHOTS / f"{name}_before.png"))
            data = json.loads(ex.locator("script.lx-data").text_content())
            view = ex.locator(".lx-view")
            sliders = ex.locator("input[type=range]")
            for k in range(sliders.count()):
                slider = sliders.nth(k)
                before = view.inner_html()
                slider.focus()
                start = int(slider.input_value())
                p.keyboard.press("Home" if start > 0 else "End")
                after = view.inner_html()
                positions = [int(sliders.nth(j).input_value()) for j in range(sliders.count())]
                flat = 0
                for j, i in enumerate(positions):
                    flat = flat * data["shape"][j] + i
                expected = data["frames"][data["index"][flat]]
                if after == before:
                    problems.append(f"{rel} explorer {e} control {k}: view did not change")
                if not _same_html(p, after, expected):
                    problems.append(f"{rel} explorer {e} control {k}: wrong frame shown")
                output = slider.locator("xpath=following-sibling::output").inner_html()
                if output != data["names"][k][positions[k]]:
                    problems.append(f"{rel} explorer {e} control {k}: label not updated")
            ex.screenshot(path=str(SHOTS / f"{name}_after.png"))
        problems += [f"{rel}: {err}" for err in visit.errors]
        visit.close()
    assert not problems, problems


def _same_html(p, shown, stored):
    """Compare as the browser serialises both (attribute quoting, entities)."""
    normal = p.evaluate("(h) => { const d = document.createElement('div'); d.innerHTML = h;"
                        " return d.innerHTML; }", stored)
    return shown == normal


@pytest.mark.browser
def test_search_works_offline(browser, server, site):
    visit = Visit(browser, server, "search.html?q=FLOP")
    visit.page.wait_for_selector("#search-results li", timeout=20_000)
    assert visit.page.locator("#search-results li").count() > 0
    assert not visit.errors, visit.errors
    visit.close()


@pytest.mark.browser
def test_dark_mode_toggles(browser, server, site):
    visit = Visit(browser, server, "book/intro.html")
    p = visit.page
    before = p.evaluate("() => document.documentElement.dataset.theme")
    p.locator(".theme-switch-button").first.click()
    p.wait_for_timeout(200)
    after = p.evaluate("() => document.documentElement.dataset.theme")
    if after == before:  # the switch cycles light -> dark -> auto; one more step
        p.locator(".theme-switch-button").first.click()
        after = p.evaluate("() => document.documentElement.dataset.theme")
    assert after != before
    p.evaluate("() => document.documentElement.dataset.theme = 'dark'")
    _shot(p, "dark_intro")
    assert not visit.errors, visit.errors
    visit.close()


# --- read-through: links, solutions, search, scrolling ---------------------------------------

def test_links_to_an_errata_item_land_on_it(site):
    """A chapter's "errata, item 3" goes to item 3, not to the top of the errata page."""
    errata = (site / "book" / "errata.html").read_text()
    links = []
    for page in _chapters(site):
        text = page.read_text()
        article = text[text.index("<article"):text.index("</article>")]  # not the sidebar
        # a link that names an item must land on it; "see the errata" may go to the top
        links += [anchor for anchor, text in re.findall(
            r'href="errata\.html(#[^"]*)?"[^>]*>(.*?)</a>', article, re.S) if "item" in text]
    assert links, "no chapter links to an errata item"
    assert all(links), f"links to an errata item that land on the page's top: {links.count('')}"
    for anchor in set(links):
        assert f'id="{anchor[1:]}"' in errata, anchor


@pytest.mark.browser
def test_a_solution_opens_from_its_title(browser, server, site):
    """Clicking the underlined title of a solution opens it and stays put."""
    visit = Visit(browser, server, "book/budgets.html")
    p = visit.page
    solution = p.locator(".solution.dropdown").first
    solution.scroll_into_view_if_needed()
    content = solution.locator("section#solution-content, .admonition-title ~ *").first
    assert content.is_hidden(), "a solution starts folded"
    url = p.url
    solution.locator(".admonition-title a").click()
    p.wait_for_timeout(300)
    assert content.is_visible(), "the click on the title did not open the solution"
    assert p.url == url, "the click on the title left for the exercise"
    assert not visit.errors, visit.errors
    visit.close()


@pytest.mark.browser
def test_search_quotes_show_no_tex(browser, server, site):
    visit = Visit(browser, server, "search.html?q=Lagrange")
    visit.page.wait_for_selector("#search-results li p.context", timeout=20_000)
    visit.page.wait_for_timeout(500)
    quotes = visit.page.locator("#search-results p.context").all_inner_texts()
    assert quotes, "no quote shown"
    raw = [q for q in quotes if "\\(" in q or "\\text" in q or "\\frac" in q]
    assert not raw, raw[:3]
    assert not visit.errors, visit.errors
    visit.close()


@pytest.mark.browser
def test_what_scrolls_sideways_shows_an_edge(browser, server, site):
    """At phone width a table or code block wider than the screen carries the class that
    draws an edge shadow on the side with more to see, and loses it once scrolled there."""
    visit = Visit(browser, server, "book/budgets.html", width=390, height=844)
    p = visit.page
    p.wait_for_timeout(500)
    wide = p.locator(".bd-article .lx-more-right")
    assert wide.count() > 0, "nothing wider than the phone is marked"
    first = wide.first.element_handle()  # a handle: the locator would move on to the next one
    first.evaluate("e => { e.scrollLeft = e.scrollWidth; e.dispatchEvent(new Event('scroll')); }")
    p.wait_for_timeout(100)
    classes = first.get_attribute("class")
    assert "lx-more-left" in classes and "lx-more-right" not in classes, classes
    assert not visit.errors, visit.errors
    visit.close()
