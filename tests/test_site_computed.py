"""The views that compute in the page, as a reader uses them: typed numbers, menus, the planner's
link, refusals, phone width and dark mode, offline in headless Chromium.

The built site is the one of tests/test_site_browser.py (built once per session when missing),
served from 127.0.0.1 with every request to another host refused and counted as an error. The
reader's inputs go in through the form (typing, choosing), and the results are read back from
their ``data-field`` / ``data-value`` attributes and compared with the Python functions the page
mirrors: ``budget.plan`` to a relative 1e-9, and Python's own message for a refused input.
"""

from __future__ import annotations

import json
import math
import re
from urllib.parse import parse_qs, urlparse

import pytest
from test_site_browser import SHOTS, Visit

from lessons import budget, prices
from lessons.explore import COMPUTED_VIEWS

pytestmark = [pytest.mark.slow, pytest.mark.browser]

PLANNER = "book/planner.html"
REL = 1e-9


def _root(page, view=None):
    selector = ".lx-computed" + (f'[data-lx-view="{view}"]' if view else "")
    root = page.locator(selector).first
    root.scroll_into_view_if_needed()
    return root


def _results(root) -> dict:
    """data-field -> data-value (a float, or None for a dash or a text) of every result."""
    raw = root.evaluate("e => Object.fromEntries([...e.querySelectorAll('td[data-field]')]"
                        ".map(td => [td.dataset.field, td.dataset.value]))")
    return {k: (float(v) if v else None) for k, v in raw.items()}


def _type(root, name, text):
    root.locator(f'input[type="text"][name="{name}"]').fill(text)


def _choose(root, name, value):
    radio = root.locator(f'input[type="radio"][name="{name}"][value="{value}"]')
    if radio.count():
        radio.check()
    else:
        root.locator(f'select[name="{name}"]').select_option(value)


def _assert_plan(shown: dict, p, days):
    for field in ("n_params", "n_tokens", "tokens_per_param", "flops", "device_hours", "cost_usd",
                  "cost_with_overhead_usd", "batch_tokens", "optimizer_steps"):
        assert shown[field] == pytest.approx(getattr(p, field), rel=REL), field
    assert shown["days"] == pytest.approx(days, rel=REL)
    if p.predicted_loss is None:
        assert shown["predicted_loss"] is None
    else:
        assert shown["predicted_loss"] == pytest.approx(p.predicted_loss, rel=REL)


@pytest.fixture
def planner_page(browser, server, site):
    visit = Visit(browser, server, PLANNER)
    yield visit
    assert not visit.errors, visit.errors  # offline: nothing left the site, nothing failed
    visit.close()


def test_defaults_are_budget_plan_of_a_million_dollars(planner_page):
    root = _root(planner_page.page)
    p = budget.plan(1e6)
    _assert_plan(_results(root), p, p.days_on(1024))


def test_typed_budget_accelerator_price_and_strategy(planner_page):
    """A reader's own numbers, each typed or chosen: the page's plan is budget.plan's."""
    root = _root(planner_page.page)
    _choose(root, "gpu", "A100")
    _type(root, "budget_usd", "33,000,000")
    _type(root, "price_per_hour", "1.35")
    _type(root, "mfu", "0.37")
    _choose(root, "strategy", "parametric")
    _choose(root, "fit", "hoffmann2022_tex")
    _type(root, "overhead", "1.3")
    _type(root, "n_devices", "777")
    p = budget.plan(33e6, gpu="A100", price_per_hour=1.35, mfu=0.37, strategy="parametric",
                    fit="hoffmann2022_tex", overhead=1.3)
    shown = _results(root)
    _assert_plan(shown, p, p.days_on(777))
    assert shown["cost_with_overhead_usd"] == pytest.approx(1.3 * 33e6, rel=REL)
    assert "Wall-clock time on 777 devices" in root.inner_text()


def test_a_cluster_for_some_days_and_the_inference_strategy(planner_page):
    root = _root(planner_page.page)
    _choose(root, "target", "cluster")
    assert root.locator('input[name="budget_usd"]').is_hidden()
    _type(root, "n_devices", "2048")
    _type(root, "days", "45")
    _choose(root, "strategy", "inference")
    _type(root, "inference_tokens", "3e14")
    p = budget.plan(n_devices=2048, days=45, strategy="inference", inference_tokens=3e14)
    _assert_plan(_results(root), p, 45.0)


def test_kaplan_has_no_chinchilla_loss(planner_page):
    root = _root(planner_page.page)
    _choose(root, "strategy", "kaplan")
    p = budget.plan(1e6, strategy="kaplan")
    shown = _results(root)
    _assert_plan(shown, p, p.days_on(1024))
    assert "not defined" in root.locator('td[data-field="loss_note"]').inner_text()


def test_a_refused_input_shows_pythons_message(planner_page):
    root = _root(planner_page.page)
    _type(root, "mfu", "40")
    with pytest.raises(ValueError) as python:
        budget.plan(1e6, mfu=40.0)
    error = root.locator(".lx-error")
    assert error.is_visible() and error.inner_text() == str(python.value)
    assert "Write 40 % as 0.4" in error.inner_text()
    assert root.locator('input[name="mfu"]').get_attribute("aria-invalid") == "true"
    _type(root, "mfu", "0.4")
    assert error.is_hidden()
    _type(root, "budget_usd", "")
    with pytest.raises(ValueError) as empty:
        budget.plan(math.nan)
    assert error.inner_text() == str(empty.value)


def test_each_accelerator_starts_at_its_own_price(planner_page):
    root = _root(planner_page.page)
    price = root.locator('input[name="price_per_hour"]')
    note = root.locator('[data-note-for="price_per_hour"]')
    for gpu in ("B200", "A100", "V100"):
        _choose(root, "gpu", gpu)
        default = prices.default_price(gpu)
        assert float(price.input_value()) == pytest.approx(default.usd_per_device_hour, rel=1e-5)
        assert note.inner_text() == default.note
    # The V100 has no BF16 peak: its only number format is chosen and the others are disabled.
    assert root.locator('select[name="dtype"]').input_value() == "fp16"
    assert root.locator('select[name="dtype"] option[value="bf16"]').is_disabled()
    shown = _results(root)
    p = budget.plan(1e6, gpu="V100", dtype="fp16",
                    price_per_hour=float(price.input_value()))
    _assert_plan(shown, p, p.days_on(1024))


def test_the_link_carries_the_plan(planner_page, browser, server):
    """Inputs go into the address; opening that address gives the same plan."""
    page = planner_page.page
    root = _root(page)
    _choose(root, "gpu", "B200")
    _type(root, "budget_usd", "2.5e7")
    _type(root, "price_per_hour", "3.9")
    _choose(root, "strategy", "chinchilla")
    page.wait_for_function("() => location.search.includes('price_per_hour=3.9')")
    query = parse_qs(urlparse(page.url).query)
    assert query["gpu"] == ["B200"] and query["budget_usd"] == ["2.5e7"]
    before = _results(root)
    again = Visit(browser, server, PLANNER + "?" + urlparse(page.url).query)
    try:
        other = _root(again.page)
        assert other.locator('input[name="price_per_hour"]').input_value() == "3.9"
        assert other.locator('select[name="gpu"]').input_value() == "B200"
        assert _results(other) == before
        p = budget.plan(2.5e7, gpu="B200", price_per_hour=3.9)
        _assert_plan(before, p, p.days_on(1024))
        assert not again.errors, again.errors
    finally:
        again.close()
    root.locator(".lx-copy").click()
    # The copy is asynchronous (the clipboard API, or a selected field where it is refused).
    page.wait_for_function("() => document.querySelector('.lx-copied').textContent.length > 0")
    assert "planner.html?" in root.locator(".lx-copied").inner_text()


def test_the_link_of_a_bad_plan_says_why(browser, server, site):
    visit = Visit(browser, server, PLANNER + "?target=budget&budget_usd=-5&gpu=H900")
    try:
        with pytest.raises(ValueError) as python:
            budget.plan(-5.0, gpu="H900")
        assert _root(visit.page).locator(".lx-error").inner_text() == str(python.value)
    finally:
        visit.close()


def test_extrapolation_is_said(planner_page):
    root = _root(planner_page.page)
    warning = root.locator(".lx-warning")
    _type(root, "budget_usd", "1e6")
    assert warning.is_visible() and "Extrapolated beyond the fitted runs" in warning.inner_text()
    _type(root, "budget_usd", "300")
    _choose(root, "strategy", "parametric")
    assert warning.is_hidden(), "a small plan inside the fitted runs needs no warning"


def _pages_with_views(site):
    return sorted(p for p in (site / "book").glob("*.html") if "lx-computed" in p.read_text())


def test_every_computed_view_is_on_a_page(site):
    seen = set()
    for page in _pages_with_views(site):
        seen |= set(re.findall(r'data-lx-view="([^"]+)"', page.read_text()))
    assert seen == set(COMPUTED_VIEWS)


def _prefilled(html: str, view: str) -> dict:
    """The results Python wrote into the page for the defaults, before any script ran."""
    start = html.index(f'data-lx-view="{view}"')
    block = html[start:html.index('class="lx-spec"', start)]
    return {f: (float(v) if v else None)
            for f, v in re.findall(r'data-field="([^"]+)" data-format="[a-z]+" data-value="([^"]*)"',
                                   block)}


def test_the_page_recomputes_what_python_wrote(browser, server, site):
    """On load the page's script recomputes every view: it must give Python's numbers."""
    problems = []
    for page in _pages_with_views(site):
        html = page.read_text()
        visit = Visit(browser, server, page.relative_to(site).as_posix())
        for view in sorted(set(re.findall(r'data-lx-view="([^"]+)"', html))):
            root = _root(visit.page, view)
            shown, python = _results(root), _prefilled(html, view)
            assert shown.keys() == python.keys(), view
            for field, value in python.items():
                if value is None:
                    if shown[field] is not None:
                        problems.append(f"{page.name} {view} {field}: {shown[field]} / none")
                elif shown[field] is None or not math.isclose(shown[field], value, rel_tol=REL):
                    problems.append(f"{page.name} {view} {field}: {shown[field]} / {value}")
            assert root.locator("figure.lx-chart svg").count() == 1, f"{view}: no chart"
        problems += [f"{page.name}: {e}" for e in visit.errors]
        visit.close()
    assert not problems, problems


def _current(root, name) -> str:
    """A field's value as the form holds it: the typed text, or the chosen option's value."""
    for selector in (f'input[type="text"][name="{name}"]', f'select[name="{name}"]',
                     f'input[type="radio"][name="{name}"]:checked'):
        if root.locator(selector).count():
            return root.locator(selector).input_value()
    raise AssertionError(f"no field {name}")


def test_every_field_of_every_view_changes_the_page(browser, server, site):
    """Type a new number in each field, or choose another option: the results or the chart
    change, and no error is shown for a valid input."""
    problems = []
    for page in _pages_with_views(site):
        visit = Visit(browser, server, page.relative_to(site).as_posix())
        views = visit.page.locator(".lx-computed")
        for k in range(views.count()):
            root = views.nth(k)
            root.scroll_into_view_if_needed()
            name = root.get_attribute("data-lx-view")
            spec = json.loads(root.locator("script.lx-spec").text_content())
            for f in spec["fields"]:
                # Each field is moved from the defaults, then put back (the defaults are
                # inside every field's valid range; after other changes they may not be).
                restore = []
                if f.get("when"):
                    restore.append((f["when"][0], _current(root, f["when"][0])))
                    _choose(root, f["when"][0], f["when"][1][0])
                before = root.locator(".lx-view").inner_html()
                old = _current(root, f["name"])
                restore.insert(0, (f["name"], old))
                if f["kind"] == "number":
                    _type(root, f["name"], "0.6" if f["name"] == "mfu" else
                          repr(float(old.replace(",", "")) * 3))
                else:
                    others = [o for o in f["options"] if o != old and o != "V100"]
                    _choose(root, f["name"], others[0])
                if root.locator(".lx-error").is_visible():
                    problems.append(f"{name} {f['name']}: {root.locator('.lx-error').inner_text()}")
                elif root.locator(".lx-view").inner_html() == before:
                    problems.append(f"{name} {f['name']}: nothing changed")
                for field, value in restore:
                    if root.locator(f'input[type="text"][name="{field}"]').count():
                        _type(root, field, value)
                    else:
                        _choose(root, field, value)
            SHOTS.mkdir(parents=True, exist_ok=True)
            root.screenshot(path=str(SHOTS / f"computed_{name}.png"))
        problems += [f"{page.name}: {e}" for e in visit.errors]
        visit.close()
    assert not problems, problems


def test_planner_at_phone_width(browser, server, site):
    visit = Visit(browser, server, PLANNER, width=390, height=844)
    try:
        page = visit.page
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{overflow}px wider than the phone"
        root = _root(page)
        box = root.bounding_box()
        assert box["width"] <= 390
        for name in ("budget_usd", "price_per_hour", "mfu"):
            field = root.locator(f'input[type="text"][name="{name}"]').bounding_box()
            assert field["x"] >= 0 and field["x"] + field["width"] <= 390, name
        svg = root.locator("figure.lx-chart svg").bounding_box()
        assert svg["width"] <= box["width"]
        page.screenshot(path=str(SHOTS / "phone_planner.png"), full_page=True)
        assert not visit.errors, visit.errors
    finally:
        visit.close()


def _luminance(css_colour: str) -> float:
    r, g, b = (int(x) for x in re.findall(r"\d+", css_colour)[:3])
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255


def test_views_follow_dark_mode(browser, server, site):
    """In dark mode an explorer is a dark panel with light text (not a light-grey box), its
    chart's text and lines are light, and its warning stays readable."""
    visit = Visit(browser, server, PLANNER)
    try:
        page = visit.page
        page.evaluate("() => { document.documentElement.dataset.theme = 'dark'; }")
        page.wait_for_timeout(100)
        root = _root(page)
        panel = root.evaluate("e => getComputedStyle(e).backgroundColor")
        # The theme paints HTML outputs on a light panel in dark mode: not around an explorer.
        frame = root.evaluate("e => getComputedStyle(e.closest('.text_html')).backgroundColor")
        assert frame in ("rgba(0, 0, 0, 0)", "transparent") or _luminance(frame) < 0.3, frame
        text = root.evaluate("e => getComputedStyle(e).color")
        tick = root.evaluate("e => getComputedStyle(e.querySelector('.lx-tick')).fill")
        warning = root.locator(".lx-warning")
        assert _luminance(panel) < 0.3 and _luminance(text) > 0.7, (panel, text)
        assert _luminance(tick) > 0.7, tick
        assert _luminance(warning.evaluate("e => getComputedStyle(e).color")) > 0.6
        page.screenshot(path=str(SHOTS / "dark_planner.png"), full_page=True)
        assert not visit.errors, visit.errors
    finally:
        visit.close()
