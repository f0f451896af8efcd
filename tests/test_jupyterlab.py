"""The course in the real JupyterLab, as a learner uses it, in headless Chromium.

One JupyterLab serves a temporary copy of an exercise, a chapter, a solution pair and the
repository's jupytext.toml (tests/jupyterlab_session.py); the repository itself is never
touched. The tests read what cells print and what the page shows, never the cells' source as
committed, so they hold while the exercises' check cells change shape.

Without Chromium, playwright or the Jupyter packages they skip and say what is missing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from jupyterlab_session import (
    DEFAULT_VIEWER_COMMAND,
    LabPage,
    chromium,
    lab_server,
    read_json,
    why_not_runnable,
)

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "_build" / "screenshots"
CHAPTER = "book/flops.md"  # light to run, with two computed explorers (fields and a chart)
PLANNER = "book/planner.md"
EXERCISE = "exercises/flops.ipynb"
SOLUTION = "solutions/flops"
#: Question 1 of the flops exercise, answered in billions instead of a raw count [FLOP].
ANSWER_IN_BILLIONS = "q1_flops = 6 * 70 * 2e12"

_missing = why_not_runnable()


def needs_lab(test):
    """Mark a test that drives JupyterLab in Chromium; without them it skips and says why."""
    for mark in (pytest.mark.browser, pytest.mark.slow,
                 pytest.mark.skipif(_missing is not None, reason=f"JupyterLab tests: {_missing}")):
        test = mark(test)
    return test


def test_the_readme_sets_the_default_viewer_the_tests_use():
    """The servers here get the course's default viewer with the README's own command."""
    command = " ".join(("jupytext-config --settings-file "
                        ".venv/etc/jupyter/labconfig/default_setting_overrides.json",
                        *DEFAULT_VIEWER_COMMAND))
    assert command in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def server():
    files = {name: ROOT / name for name in
             ("jupytext.toml", CHAPTER, PLANNER, EXERCISE, f"{SOLUTION}.md", f"{SOLUTION}.ipynb")}
    with lab_server(files) as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    with chromium() as running:
        yield running


@pytest.fixture
def lab(browser, server, request):
    page = LabPage(browser, server)
    page.start()
    yield page
    page.screenshot(SHOTS / f"jupyterlab_{request.node.name}.png")
    page.close()
    assert not page.errors, page.errors


def _check_cells(lab: LabPage, question: str = r"q\d+") -> list[int]:
    """Cells that call ``check("qN")`` (not the one defining ``check``)."""
    pattern = re.compile(rf"^\s*check\(\s*[\"']{question}[\"']\s*\)", re.M)
    return [i for i, s in enumerate(lab.cell_sources()) if pattern.search(s)]


def _answer_cell(sources: list[str], question: str) -> int:
    pattern = re.compile(rf"^{question}_\w+\s*=", re.M)
    return next(i for i, s in enumerate(sources) if pattern.search(s))


def _solution_answer(question: str) -> str:
    """The solution notebook's answer cell for ``question``, without its solution markers."""
    cells = read_json(ROOT / f"{SOLUTION}.ipynb")["cells"]
    sources = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    source = sources[_answer_cell(sources, question)]
    source = re.sub(r"^\s*# (BEGIN|END) SOLUTION\s*\n", "", source, flags=re.M)
    return re.sub(r"\s*# SOLUTION\s*$", "", source, flags=re.M)


@needs_lab
def test_an_exercise_guides_the_learner_to_the_answer(lab):
    lab.open(EXERCISE)
    lab.run_all()
    checks = _check_cells(lab)
    assert len(checks) >= 3, "the flops exercise has a check cell per question"
    for i in checks:
        assert "not answered yet" in lab.output_text(i), (i, lab.output_text(i))

    answer = _answer_cell(lab.cell_sources(), "q1")
    check = next(i for i in _check_cells(lab, "q1") if i > answer)
    blank = lab.cell_sources()[answer]
    lab.type_into(answer, re.sub(r"^q1_flops\s*=.*$", ANSWER_IN_BILLIONS, blank, flags=re.M))
    lab.run_cells(answer, check)
    hint = lab.output_text(check)
    assert "raw counts" in hint and "70e9" in hint, hint

    lab.type_into(answer, _solution_answer("q1"))
    lab.run_cells(answer, check)
    assert "all checks pass" in lab.output_text(check), lab.output_text(check)


@needs_lab
def test_a_chapter_opens_as_a_notebook_with_its_myst_rendered(lab):
    """Double-clicking a chapter gives a notebook; jupyterlab-myst renders its directives,
    roles and maths instead of showing their source."""
    assert lab.open_by_double_click(CHAPTER) == "notebook", "a .md chapter opened as text"
    admonition = lab.find_cell("s.trimStart().startsWith(':::{admonition}') "
                               "&& s.includes('{cite}')")
    assert admonition >= 0, "the chapter has an admonition with a citation"
    rendered = lab.cell(admonition).locator(".myst")
    rendered.locator("aside.myst-admonition").wait_for(timeout=60_000)
    shown = rendered.inner_text()
    for source in (":::", "{admonition}", "{cite}", "{doc}"):
        assert source not in shown, f"{source} shown as text: {shown[:300]}"
    display_math = lab.cell(lab.find_cell("s.includes('$$')")).locator(".myst .katex-display")
    display_math.first.wait_for(timeout=60_000)


@needs_lab
@pytest.mark.parametrize("explorer", ["compute_explorer()", "days_explorer()"])
def test_moving_an_explorer_slider_updates_its_output(lab, explorer):
    from playwright.sync_api import expect

    lab.open(CHAPTER)
    lab.run_all()
    errors = [i for i in range(len(lab.cell_sources())) if "Error" in lab.output_text(i)]
    assert not errors, [lab.output_text(i) for i in errors]
    widget = lab.cell(lab.find_cell(f"s.trim() === {explorer!r}")).locator(".lx-widget")
    view = widget.locator(".lx-view")
    view.wait_for(timeout=60_000)
    before = view.inner_html()
    handle = widget.locator(".noUi-handle").first
    handle.focus()
    handle.press("ArrowLeft")
    expect(view).not_to_have_js_property("innerHTML", before, timeout=60_000)


@needs_lab
def test_the_planner_is_a_widget_with_typed_fields(lab):
    """The planner page opens as a notebook whose planner cell is a live widget: a budget typed
    into its field gives budget.plan's model size, and a refused MFU Python's message."""
    from playwright.sync_api import expect

    from lessons import budget
    from lessons.explore import format_number

    lab.open(PLANNER)
    lab.run_all()
    widget = lab.cell(lab.find_cell("s.trim().endsWith('planner()')")).locator(".lx-widget")
    view = widget.locator(".lx-view")
    view.wait_for(timeout=60_000)
    assert format_number(budget.plan(1e6).n_params) in view.inner_html()
    budget_field = widget.locator(".widget-text", has_text="Budget [USD]").locator("input")
    budget_field.fill("30000000")
    budget_field.press("Enter")
    expect(view).to_contain_text("$30,000,000", timeout=60_000)
    assert format_number(budget.plan(3e7).n_params) in view.inner_html()
    mfu_field = widget.locator(".widget-text", has_text="MFU [fraction]").locator("input")
    mfu_field.fill("40")
    mfu_field.press("Enter")
    with pytest.raises(ValueError) as python:
        budget.plan(3e7, mfu=40.0)
    expect(view).to_contain_text(str(python.value), timeout=60_000)


@needs_lab
def test_saving_a_chapter_leaves_it_unchanged(lab, server):
    lab.open(CHAPTER)
    lab.run_all()  # the kernel's details reach the notebook's metadata
    lab.save()
    assert (server.root / CHAPTER).read_bytes() == (ROOT / CHAPTER).read_bytes()


@needs_lab
def test_saving_a_solution_leaves_its_text_unchanged(lab, server):
    """A solution's text is its one source (its .ipynb is generated, not paired), so saving
    it in JupyterLab writes that text alone, unchanged."""
    lab.open(f"{SOLUTION}.md")
    lab.save()
    name = f"{SOLUTION}.md"
    assert (server.root / name).read_text() == (ROOT / name).read_text()
