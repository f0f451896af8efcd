"""The book's sources: configuration, table of contents, citations, and chapters that only call
``lessons``.

These checks read files only (no build), so they run in a second. The full build with warnings
as errors, which also catches failing cells and broken references, runs in
``tests/test_site_browser.py``.
"""

import ast
import math
import re
from pathlib import Path

import pytest
import yaml

from lessons.sources import REFERENCES

ROOT = Path(__file__).resolve().parents[1]


def _site_extension():
    """book/_ext/lessons_site.py, the Sphinx extension that writes the in-page constants."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("lessons_site",
                                                  ROOT / "book" / "_ext" / "lessons_site.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
BOOK = ROOT / "book"
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())

CODE_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```", re.S | re.M)


def _toc_files():
    files = [TOC["root"]]
    for part in TOC.get("parts", []):
        files += [c["file"] for c in part["chapters"]]
    return files


def _pages():
    return sorted(BOOK.glob("*.md"))


def _code_cells(path):
    text = path.read_text()
    cells = []
    for match in CODE_CELL.finditer(text):
        body = match.group(1)
        # drop the cell's option lines (":tags: [...]" or "---" front matter)
        lines = [ln for ln in body.splitlines() if not ln.startswith(":")]
        cells.append("\n".join(lines))
    return cells


class TestConfig:
    def test_everything_but_the_book_is_excluded(self):
        excluded = set(CONFIG["exclude_patterns"])
        for folder in ("lessons", "tests", "solutions", "exercises", "bench", "tools",
                       "README.md", ".ci", "_build"):
            assert folder in excluded, f"{folder} must be excluded from the book"

    def test_cached_execution_without_errors(self):
        assert CONFIG["execute"]["execute_notebooks"] == "cache"
        assert CONFIG["execute"]["allow_errors"] is False

    def test_no_cdn_for_mathjax_or_widgets(self):
        sphinx = CONFIG["sphinx"]
        assert "sphinx-mathjax-offline" in sphinx["config"]["extensions"]
        assert "sphinx_thebe" not in sphinx["config"]["extensions"], "thebe loads from unpkg"
        assert sphinx["config"]["nb_ipywidgets_js"] == {}, "require.js would come from a CDN"
        assert "mathjax_path" not in sphinx["config"], "the offline extension sets it"

    def test_site_prefers_the_kernel_free_twin(self):
        overrides = CONFIG["sphinx"]["config"]["nb_mime_priority_overrides"]
        assert ["html", "application/vnd.jupyter.widget-view+json", None] in overrides

    def test_no_theme_launch_buttons_and_no_placeholder_address(self):
        """The theme's buttons would open a chapter's .md (Colab cannot); the exercise boxes
        open the exercise notebook, and only for a configured repository or hub."""
        config = CONFIG["sphinx"]["config"]
        assert "launch_buttons" not in config["html_theme_options"]
        assert "launch_buttons" not in CONFIG and "repository" not in CONFIG
        assert config["html_theme_options"]["use_repository_button"] is False
        for key in ("lessons_repository_url", "lessons_jupyterhub_url"):
            assert key in config and "example" not in config[key]

    def test_static_assets_exist(self):
        static = ROOT / CONFIG["sphinx"]["config"]["html_static_path"][0]
        generated = {_site_extension().CONSTANTS_JS}  # written into the built site, not kept here
        for name in (CONFIG["sphinx"]["config"]["html_css_files"]
                     + CONFIG["sphinx"]["config"]["html_js_files"]):
            assert name in generated or (static / name).is_file(), name
        assert (ROOT / CONFIG["logo"]).is_file()


class TestToc:
    def test_every_toc_entry_exists(self):
        for entry in _toc_files():
            assert (ROOT / f"{entry}.md").is_file(), entry

    def test_every_page_is_in_the_toc(self):
        listed = {ROOT / f"{e}.md" for e in _toc_files()}
        orphans = [p.name for p in _pages() if p not in listed]
        assert not orphans, f"pages missing from _toc.yml: {orphans}"

    def test_lessons_are_numbered(self):
        lessons = [p for p in TOC["parts"] if p.get("numbered")]
        assert lessons and lessons[0]["chapters"]

    def test_no_notebook_shadows_a_page(self):
        """A .md and an .ipynb with one stem make Sphinx fail 'multiple files found'."""
        assert not [p for p in _pages() if p.with_suffix(".ipynb").exists()]

    def test_pages_named_by_topic(self):
        assert not [p.name for p in _pages() if re.match(r"\d", p.name)]


class TestReferences:
    BIB = (BOOK / "references.bib").read_text()

    def test_bib_keys_are_the_package_references(self):
        keys = set(re.findall(r"@\w+\{([^,\s]+),", self.BIB))
        assert keys == set(REFERENCES)

    @pytest.mark.parametrize("source", _pages(), ids=lambda p: p.name)
    def test_every_citation_is_known(self, source):
        cited = set()
        for group in re.findall(r"\{cite(?::\w+)?\}`([^`]+)`", source.read_text()):
            cited |= {k.strip() for k in group.split(",")}
        assert cited <= set(REFERENCES), sorted(cited - set(REFERENCES))


# Literals a chapter may type: small integers (indices, counts of points), powers of ten
# (round scenario inputs such as "a 1e24 FLOP budget" or "/ 1e12" for TFLOP/s), powers of two
# (cluster sizes, context lengths) and fractions in steps of 0.05 (MFU scenarios). Anything else
# (989.4e12, 1979e12, 5.76e23, 0.34, 1.69, 8.64e19, 3600) must come from lessons.
def _is_power(v, base):
    k = math.log(v, base)
    return abs(k - round(k)) < 1e-9


def _allowed(value):
    if isinstance(value, bool):
        return True
    if isinstance(value, int) and abs(value) < 100:
        return True
    v = float(value)
    if v > 0 and (_is_power(v, 10) or (v >= 2 and _is_power(v, 2))):
        return True
    return 0 < v <= 1 and abs(v * 20 - round(v * 20)) < 1e-9


def _literals(source):
    return [node.value for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Constant) and isinstance(node.value, (int, float))]


class TestChaptersOnlyCallLessons:
    @pytest.mark.parametrize("source", _pages(), ids=lambda p: p.name)
    def test_no_typed_constants(self, source):
        bad = [v for cell in _code_cells(source) for v in _literals(cell) if not _allowed(v)]
        assert not bad, f"{source.name} types constants {bad}; import them from lessons"

    @pytest.mark.parametrize("source", _pages(), ids=lambda p: p.name)
    def test_no_definitions(self, source):
        """Chapters import; they never define a function (FACTS and DESIGN: math lives once)."""
        for cell in _code_cells(source):
            tree = ast.parse(cell)
            defs = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.Lambda,
                                                                ast.ClassDef))]
            assert not defs, f"{source.name} defines {ast.unparse(defs[0])[:60]!r}"

    @pytest.mark.parametrize("source", _pages(), ids=lambda p: p.name)
    def test_imports_only_lessons_and_display_tools(self, source):
        allowed = {"lessons", "numpy", "matplotlib", "IPython"}
        for cell in _code_cells(source):
            for node in ast.walk(ast.parse(cell)):
                if isinstance(node, ast.Import):
                    roots = {a.name.split(".")[0] for a in node.names}
                elif isinstance(node, ast.ImportFrom):
                    roots = {(node.module or "").split(".")[0]}
                else:
                    continue
                assert roots <= allowed, f"{source.name} imports {roots - allowed}"

    def test_the_scan_can_fail(self):
        """The literal scan rejects a retyped sparse peak and Chinchilla's E."""
        assert not _allowed(1979e12) and not _allowed(1.69) and not _allowed(8.64e19)
        assert not _allowed(989.4e12) and not _allowed(3600) and not _allowed(0.34)
        assert _allowed(1e24) and _allowed(0.4) and _allowed(3) and _allowed(16384)
        assert _literals("x = f(989.4e12)") == [989.4e12]


class TestFrontMatter:
    def test_notation_maps_symbols_to_names_and_units(self):
        text = (BOOK / "notation.md").read_text()
        for symbol, name, unit in [("$N$", "`n_params`", "parameters"),
                                   ("$D$", "`n_tokens`", "tokens"),
                                   ("$C$", "`flops`", "FLOP"),
                                   ("$L$", "`loss`", "nats/token"),
                                   ("MFU", "`mfu`", "fraction")]:
            row = next((ln for ln in text.splitlines() if ln.startswith(f"| {symbol} |")), "")
            assert name in row and unit in row, f"notation row for {symbol}: {row!r}"

    def test_intro_links_only_existing_pages(self):
        """The course map links published lessons only: each target exists and is in the toc."""
        text = (BOOK / "intro.md").read_text()
        listed = set(_toc_files())
        for target in re.findall(r"\{doc\}`([^`<]+)`", text):
            assert (BOOK / f"{target}.md").is_file(), target
            assert f"book/{target}" in listed, f"{target} is linked but not in _toc.yml"


#: Directives that both the site (Sphinx) and JupyterLab (jupyterlab-myst) render: a chapter
#: opened as a notebook shows any other as an "Unknown Directive" error box.
SHARED_DIRECTIVES = {"admonition", "code-cell", "exercise", "solution-start", "solution-end",
                     "glossary"}
DIRECTIVE = re.compile(r"^(?::{3,}|`{3,})\{([a-z-]+)\}", re.M)


@pytest.mark.parametrize("page", [p for p in _pages() if p.stem != "references"],
                         ids=lambda p: p.stem)
def test_chapters_use_only_directives_jupyterlab_renders_too(page):
    used = set(DIRECTIVE.findall(page.read_text()))
    assert used <= SHARED_DIRECTIVES, f"{page.name}: {used - SHARED_DIRECTIVES}"


def test_the_directive_scan_can_fail():
    assert DIRECTIVE.findall(":::{exercises}\n:::\n```{code-cell} ipython3\n") == [
        "exercises", "code-cell"]
