"""Generate the graded notebooks from solutions/*.md, check they are in sync, or bundle them.

    python tools/make_exercises.py             # write solutions/*.ipynb, exercises/, check data
    python tools/make_exercises.py --check     # exit 1 if any of them is stale
    python tools/make_exercises.py bundle OUT  # per chapter: its notebook and a zip to work it
                                               # offline (notebook, lessons wheel, data, README)

A solution notebook marks what students write:

* a line ending in ``# SOLUTION``: ``name = expression  # SOLUTION`` becomes
  ``name = ...  # your answer``; any other such line is removed;
* a block between ``# BEGIN SOLUTION`` and ``# END SOLUTION``: inside a function it becomes
  ``raise NotImplementedError``; at the top level it becomes ``name = ...`` for each answer
  (``q<k>_...``) the block assigned;
* cells tagged ``hidden-tests`` or ``hidden-run`` are removed; the cell tagged ``checks`` runs
  here, with the setup cells above it, and its checks are stored as data in
  ``lessons/grading/public_checks/<chapter>.json``, which the exercise's checks cell loads;
* in Markdown, text between ``<!-- BEGIN SOLUTION -->`` and ``<!-- END SOLUTION -->`` is removed.

Outputs and execution counts are cleared; the output is deterministic, so a test can regenerate
and compare. The one source of a graded notebook is ``solutions/<chapter>.md`` (MyST, the form
to review, edit and save in Jupyter); ``solutions/<chapter>.ipynb``, which the grader reads, is
generated from it like the exercise, and ``--check`` fails when either is stale.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHECKS_TAG, HIDDEN_TAGS = "checks", ("hidden-tests", "hidden-run")
_ANSWER = re.compile(r"^(q\d+_\w+)\s*=(?!=)")
_ASSIGN = re.compile(r"^(\s*)([A-Za-z_]\w*)\s*=(?!=)")
_MD_BLOCK = re.compile(r"<!-- BEGIN SOLUTION -->.*?<!-- END SOLUTION -->\n?", re.S)


class MarkerError(ValueError):
    """Unbalanced or misplaced solution markers."""


def strip_solutions(source: str) -> str:
    """Replace the solution parts of one code cell's source by stubs.

    >>> print(strip_solutions("x = 6 * n * d  # SOLUTION"))
    x = ...  # your answer
    >>> print(strip_solutions("def f(n):\\n    # BEGIN SOLUTION\\n    return 6 * n\\n    # END SOLUTION"))
    def f(n):
        raise NotImplementedError("write your code here")
    """
    out: list[str] = []
    block: list[str] | None = None
    indent = ""
    for line in source.split("\n"):
        marker = line.strip()
        if block is not None:
            if marker == "# END SOLUTION":
                out += _block_stub(block, indent)
                block = None
            elif marker == "# BEGIN SOLUTION":
                raise MarkerError("nested # BEGIN SOLUTION")
            else:
                block.append(line)
            continue
        if marker == "# BEGIN SOLUTION":
            block, indent = [], line[: len(line) - len(line.lstrip())]
        elif marker == "# END SOLUTION":
            raise MarkerError("# END SOLUTION without # BEGIN SOLUTION")
        elif line.rstrip().endswith("# SOLUTION"):
            m = _ASSIGN.match(line)
            if m:
                out.append(f"{m.group(1)}{m.group(2)} = ...  # your answer")
        else:
            out.append(line)
    if block is not None:
        raise MarkerError("# BEGIN SOLUTION without # END SOLUTION")
    return "\n".join(out)


def _block_stub(block: list[str], indent: str) -> list[str]:
    if indent:
        return [f'{indent}raise NotImplementedError("write your code here")']
    return ["# Your code here."] + [f"{name} = ...  # your answer" for name in _answers(block)]


def _answers(block: list[str]) -> list[str]:
    """Answer names (``q<k>_...``) a top-level block assigns, in order: tuple targets and
    assignments inside loops or branches included, a function's own variables not."""
    import ast

    names: list[str] = []

    def visit(node):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            return
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.For)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.extend(n.id for t in targets for n in ast.walk(t)
                         if isinstance(n, ast.Name) and _ANSWER.match(f"{n.id} ="))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse("\n".join(block)))
    return list(dict.fromkeys(names))


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _tags(cell: dict) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


#: The exercise's checks cell: its data ship with the package (lessons/grading/public_checks/).
CHECKS_CELL = """\
# Public checks: after answering a question, run the check("q…") cell below it. A check says
# what is wrong and gives a hint, never the answer.
from lessons.grading import public_checks

check = public_checks("{name}")"""


#: A note the exercises open with, for a notebook opened away from the course's install.
BEFORE_YOU_START = """\
**Before you start.** This notebook needs the course's Python package, `lessons`. In a copy of
the course's repository, the set-up command of its README installs it; anywhere else, download
this lesson's bundle from its page on the course site and run the one command in the bundle's
README. If the first code cell stops with `No module named 'lessons'`, that is what is missing."""


def _public_checks(cells: list[dict], index: int, name: str):
    """Run the setup cells and the checks cell here; return the checks they define."""
    from lessons.grading import Checks

    namespace: dict = {"__name__": f"solutions.{name}"}
    for cell in cells[: index + 1]:
        if cell["cell_type"] == "code":
            exec(compile(_source(cell), f"solutions/{name}.ipynb", "exec"), namespace)
    check = namespace.get("check")
    if not isinstance(check, Checks):
        raise MarkerError(f"{name}: the cell tagged {CHECKS_TAG!r} must define `check = Checks(...)`")
    return check


def exercise_notebook(solution: dict, name: str) -> tuple[dict, dict]:
    """The student notebook derived from a solution notebook (a new dict), and its check data."""
    nb = copy.deepcopy(solution)
    cells, data = [], None
    for i, cell in enumerate(nb["cells"]):
        tags = _tags(cell)
        if any(t in HIDDEN_TAGS for t in tags):
            continue
        if cell["cell_type"] == "code":
            if CHECKS_TAG in tags:
                data = _public_checks(nb["cells"], i, name).to_data()
                source = CHECKS_CELL.format(name=name)
            else:
                source = strip_solutions(_source(cell))
            cell.update(source=source, outputs=[], execution_count=None)
        elif cell["cell_type"] == "markdown":
            cell["source"] = _MD_BLOCK.sub("", _source(cell))
        cells.append(cell)
    if data is None:
        raise MarkerError(f"{name}: no code cell is tagged {CHECKS_TAG!r}")
    first = next((i for i, c in enumerate(cells) if c["cell_type"] == "markdown"), -1)
    cells.insert(first + 1, {"cell_type": "markdown", "id": "before-you-start", "metadata": {},
                             "source": BEFORE_YOU_START})
    nb["cells"] = cells
    meta = {k: v for k, v in nb.get("metadata", {}).items() if k in ("kernelspec", "language_info")}
    # The chapter is the file's stem (a chapter, its solution and its exercise share one stem), so
    # it needs no metadata of the solution's.
    meta["lessons"] = {"chapter": name, **solution.get("metadata", {}).get("lessons", {}),
                       "kind": "exercise"}
    nb["metadata"] = meta
    return nb, data


def dumps(nb: dict) -> str:
    """Notebook JSON as Jupyter writes it (indent 1, sorted keys), ending in a newline."""
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def solution_notebook(md: Path) -> dict:
    """The solution notebook ``solutions/<chapter>.ipynb``, generated from its MyST text.

    The text is the one source (edited, reviewed, saved in Jupyter without a paired file to
    drift); the notebook is what the grader and the exercise generator read. Cell ids are
    numbered, so the same text always gives the same file.
    """
    import jupytext

    text = jupytext.read(md)
    cells = []
    for i, c in enumerate(text.cells):
        cell = {"cell_type": c.cell_type, "id": f"cell-{i}", "metadata": dict(c.metadata),
                "source": c.source}
        if c.cell_type == "code":
            cell.update(outputs=[], execution_count=None)
        cells.append(cell)
    meta = {"kernelspec": dict(text.metadata["kernelspec"]), "lessons": {"chapter": md.stem}}
    return {"cells": cells, "metadata": meta, "nbformat": 4, "nbformat_minor": 5}


def generate(root: Path = ROOT, check: bool = False) -> list[str]:
    """Write (or, with ``check``, compare) every exercise and its check data; return problems.

    Notebooks must match exactly; check data must match in structure and text, numbers within
    a relative 1e-9, since their last digits may come from another numpy or scipy release.
    """
    from lessons.grading.checks import dumps as dump_checks
    from lessons.grading.checks import same_data

    problems = []
    store = root / "lessons" / "grading" / "public_checks"
    for folder in (root / "exercises", store):
        folder.mkdir(parents=True, exist_ok=True)
    for md in sorted((root / "solutions").glob("*.md")):
        solution = solution_notebook(md)
        nb, data = exercise_notebook(solution, md.stem)
        sol = md.with_suffix(".ipynb")
        target, stored = root / "exercises" / sol.name, store / f"{md.stem}.json"
        if not check:
            sol.write_text(dumps(solution), encoding="utf-8")
            target.write_text(dumps(nb), encoding="utf-8")
            stored.write_text(dump_checks(data), encoding="utf-8")
            continue
        for path, text in ((sol, dumps(solution)), (target, dumps(nb))):
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                problems.append(f"{path} is stale: run python tools/make_exercises.py")
        if not stored.exists() or not same_data(json.loads(stored.read_text(encoding="utf-8")),
                                                data):
            problems.append(f"{stored} is stale: run python tools/make_exercises.py")
    return problems


# --- Student bundles ----------------------------------------------------------------------------

#: What the student wheel is built from (a copy, so the repository is never written).
_WHEEL_SOURCES = ("pyproject.toml", "README.md", "LICENSE", "lessons")
_APACHE = ROOT / "tools" / "licences" / "Apache-2.0.txt"


def build_wheel(out: Path, root: Path = ROOT) -> Path:
    """Build the ``lessons`` wheel into ``out`` from a clean copy of the package [path of wheel].

    Uses this environment's setuptools (no download): the wheel holds the package, its
    study table and the exercises' public checks, never solutions or hidden tests.
    """
    import subprocess
    import tempfile

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        src.mkdir()
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
        for name in _WHEEL_SOURCES:
            (shutil.copytree if (root / name).is_dir() else shutil.copy2)(
                root / name, src / name, **({"ignore": ignore} if (root / name).is_dir() else {}))
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                        "--quiet", "--wheel-dir", str(out), str(src)], check=True)
    wheels = sorted(out.glob("llm_planning_lessons-*.whl"))
    if len(wheels) != 1:
        raise SystemExit(f"expected one lessons wheel in {out}; found {[w.name for w in wheels]}")
    return wheels[0]


def _constraints(root: Path) -> str:
    """The lock as a pip constraints file: every pin, without the editable project line."""
    lines = (root / "requirements.lock").read_text(encoding="utf-8").splitlines()
    kept = [ln for ln in lines if not ln.startswith("-e ")]
    return ("# The versions the course was tested with (its requirements.lock), as constraints.\n"
            + "\n".join(kept) + "\n")


def _title(nb: dict) -> str:
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            for line in _source(cell).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return "Graded exercises"


_README = """\
# {title}

From the course *The mathematics of planning LLM training*. This folder holds the lesson's
graded notebook, `{notebook}`, and what it needs to run on your computer: the course's Python
package `lessons` (`{wheel}`: every formula, constant and check), `constraints.txt` (the package
versions the course was tested with){data_line}.

## Set up and open it: one command

With Python 3.10 or newer, in this folder (on Windows, `py -m venv .venv`, then
`.venv\\Scripts\\activate` instead of `. .venv/bin/activate`{windows_data}):

```bash
{command}
```

The install needs the Python package index (PyPI) once; after that everything runs offline.
As root, JupyterLab also needs `--allow-root`.{data_note}

## Work the exercises

Fill in the cells marked `...` (or `raise NotImplementedError`), then run the `check("q1")`
cell below each question: it says what is wrong and gives a hint, never the answer. Compute
every answer from the names of the *question inputs* cell, not from the numbers it holds: the
grader also runs your notebook with other values there. Hand in `{notebook}` as your teacher
asks (keep its name and its cells' names).
"""


def _setup_command(wheel: str, notebook: str, with_data: bool) -> str:
    env = 'LESSONS_DATA_DIR="$PWD/data" ' if with_data else ""
    return (f'python3 -m venv .venv && . .venv/bin/activate && pip install -c constraints.txt '
            f'"./{wheel}[jupyter]" && {env}jupyter lab {notebook}')


def chapter_bundle(chapter: str, wheel: Path, out: Path, root: Path = ROOT) -> Path:
    """Zip a chapter's exercise notebook with the wheel, constraints, data and a README.

    Redistributable tables the notebook reads go in ``data/`` with their licence; a table
    whose licence forbids copies makes the bundle download them on first use instead.
    Returns the zip's path, ``out/<chapter>-exercises.zip``.
    """
    import zipfile

    from lessons import data

    notebook = root / "exercises" / f"{chapter}.ipynb"
    if _leaks(notebook):
        raise SystemExit(f"refusing to bundle {notebook}: it holds solution material")
    nb_text = notebook.read_text(encoding="utf-8")
    tables = [f for f in data.files() if f"{f.loader}(" in nb_text]
    bundled = tables if all(f.redistributable for f in tables) else []
    files = {notebook.name: notebook.read_bytes(), wheel.name: wheel.read_bytes(),
             "constraints.txt": _constraints(root).encode()}
    for f in bundled:
        files[f"data/{f.filename}"] = data.local_copy(f.key).read_bytes()
        files[f"data/NOTICE-{f.key}.txt"] = (
            f"{f.filename}: {f.source}, {f.url}.\nLicence: {f.licence} (the licence's text is "
            "in LICENSE-Apache-2.0.txt).\n").encode()
        if f.licence == "Apache-2.0":
            files["data/LICENSE-Apache-2.0.txt"] = _APACHE.read_bytes()
    data_line = ", and `data/`, the published table it reads" if bundled else ""
    if bundled:
        data_note = ("\n\nThe notebook reads the published table in `data/` (its source and "
                     "licence are beside it), found through `LESSONS_DATA_DIR`.")
    elif tables:
        data_note = ("\n\nThe notebook reads published tables whose licence does not let the "
                     "course hand out copies: the first run downloads them from their source "
                     "(" + "; ".join(f.url for f in tables) + ") into a cache and checks them; "
                     "that needs the network once. If you already have the files, set "
                     "`LESSONS_DATA_DIR` to their folder instead.")
    else:
        data_note = ""
    files["README.md"] = _README.format(
        title=_title(json.loads(nb_text)), notebook=notebook.name, wheel=wheel.name,
        data_line=data_line, data_note=data_note,
        windows_data=", and `set LESSONS_DATA_DIR=%CD%\\data`" if bundled else "",
        command=_setup_command(wheel.name, notebook.name, bool(bundled))).encode()
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{chapter}-exercises.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in sorted(files.items()):
            info = zipfile.ZipInfo(f"{chapter}-exercises/{name}", date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, content)
    return target


def bundles(out: Path, root: Path = ROOT) -> list[Path]:
    """Every chapter's exercise notebook and bundle, and the wheel, into ``out`` [paths]."""
    wheel = build_wheel(out, root)
    made = [wheel]
    for notebook in sorted((root / "exercises").glob("*.ipynb")):
        shutil.copy2(notebook, out / notebook.name)
        made += [out / notebook.name, chapter_bundle(notebook.stem, wheel, out, root)]
    return made


def _leaks(path: Path) -> bool:
    if path.suffix != ".ipynb":
        return False
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        src = _source(cell)
        if any(t in HIDDEN_TAGS for t in _tags(cell)) or re.search(
                r"# (BEGIN |END )?SOLUTION\s*$", src, re.M):
            return True
    return False


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="compare instead of writing")
    sub = ap.add_subparsers(dest="command")
    b = sub.add_parser("bundle", help="every chapter's exercise bundle (zip) and the wheel")
    b.add_argument("out", type=Path, help="folder to write them to")
    args = ap.parse_args(argv)
    if args.command == "bundle":
        for path in bundles(args.out):
            print(path)
        return 0
    problems = generate(check=args.check)
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
